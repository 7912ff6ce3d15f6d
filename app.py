"""mnist-demo: draw, photograph or upload a handwritten digit and watch a CNN read it.

Run it with `python app.py` (http://localhost:7860). Only the interface lives
here; the pipeline, the model and the inference are in the mnist_demo package.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import random
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio's queue keeps a record of the last events for its monitoring page and, by default, rebuilds
# a pandas table of all of them after every event: at 10,000 records that is most of a request's
# CPU time, and the records grow the memory for the first 10,000 requests. Fewer, summarized less often.
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "100")

import cv2  # noqa: E402
import gradio as gr  # noqa: E402
import numpy as np  # noqa: E402

from mnist_demo import DigitRecognizer, InvalidImage, NoDigitFound  # noqa: E402
from mnist_demo.data import load_samples  # noqa: E402
from mnist_demo.images import MAX_FILE_BYTES  # noqa: E402
from mnist_demo.loading import MODELS_DIR  # noqa: E402
from mnist_demo.model import layer_table  # noqa: E402
from mnist_demo.pipeline import SOURCES  # noqa: E402

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
BADGE_COLOURS = {"Excellent": "#15803d", "Good": "#0e7490", "Average": "#b45309", "Poor": "#b91c1c"}
CONCURRENCY = int(os.environ.get("MNIST_DEMO_CONCURRENCY", "4"))

SAMPLES = load_samples()  # a few hundred MNIST test images shipped in examples/
UNEXPECTED = "Something went wrong with this image. Please try another one."

log = logging.getLogger("mnist_demo.app")


class UploadImage(gr.Image):
    """``gr.Image`` that hands a file Gradio cannot open to mnist_demo, which says what is wrong with it.

    (Plain ``gr.Image`` fails inside its own preprocessing, and the user sees a bare "Error".)
    """

    is_template = True  # rendered by the frontend as a plain gr.Image

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except Exception:  # noqa: BLE001 - mnist_demo.images decodes the file again and explains the problem
            return str(payload.path) if payload is not None and payload.path else None


# --- formatting a prediction for the page ----------------------------------------------------


def enlarge(image: np.ndarray, min_side: int = 196) -> np.ndarray:
    """Nearest-neighbour enlargement so that a 28x28 step is visible in the gallery."""
    factor = max(1, min_side // max(image.shape[:2]))
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1) if factor > 1 else image


def badge_html(quality) -> str:
    colour = BADGE_COLOURS[quality.badge]
    return (
        f"<div class='quality'><span class='badge' style='background:{colour}'>{quality.badge} · {quality.score}/100</span>"
        f"<span>contrast {quality.contrast:.2f} · size {quality.relative_size:.0%} of the height · "
        f"aspect {quality.aspect_ratio:.2f}</span></div>"
    )


def for_display(image: np.ndarray, max_side: int = 640) -> np.ndarray:
    """Steps as the gallery shows them: small ones enlarged, large ones (a full photo) shrunk."""
    step = max(1, -(-max(image.shape[:2]) // max_side))  # ceil: keeps WebP and the page light
    return enlarge(image[::step, ::step])


def show(pred, seconds: float):
    """Outputs of every input tab: label, gallery, badge, status line."""
    label = {str(digit): probability for digit, probability in enumerate(pred.probabilities)}
    gallery = [(for_display(image), caption) for caption, image in pred.steps]
    status = f"Predicted **{pred.label}** in {seconds * 1000:.0f} ms."
    status += "".join(f"\n\n⚠️ {warning}" for warning in pred.warnings)
    return label, gallery, badge_html(pred.quality), status


def show_problem(message: str):
    """Outputs when there is nothing to predict: the message in the page, everything else cleared."""
    return None, [], "", f"ℹ️ {message}"


def recognize(rec: DigitRecognizer, image, source: str, tta: bool = False, remove_background: bool = False):
    """Run the recognizer and format the result; bad input becomes a friendly message, never a traceback."""
    if image is None:
        return show_problem("Nothing to recognize yet: " + ("draw a digit." if source == "sketch" else "add an image."))
    started = time.perf_counter()
    try:
        pred = rec.predict(image, source=source, tta=tta, remove_background=remove_background)
    except (NoDigitFound, InvalidImage) as problem:
        return show_problem(str(problem))
    except Exception:  # noqa: BLE001 - an unforeseen failure is logged, and the page stays usable
        log.exception("prediction failed (source=%s)", source)
        return show_problem(UNEXPECTED)
    return show(pred, time.perf_counter() - started)


# --- event handlers (the recognizer is bound in build_demo) -----------------------------------


def bind(handler, rec: DigitRecognizer):
    """``handler`` with the recognizer filled in; its name and docstring stay for the API page."""
    bound = functools.partial(handler, rec)
    bound.__name__, bound.__doc__ = handler.__name__, handler.__doc__
    return bound


def recognize_sketch(rec: DigitRecognizer, editor: dict | None, tta: bool):
    composite = None if editor is None else editor.get("composite")
    if composite is None or not np.asarray(composite).any():
        return show_problem("Draw a digit on the canvas.")
    return recognize(rec, composite, "sketch", tta)


def recognize_webcam(rec: DigitRecognizer, image, tta: bool, remove_background: bool):
    return recognize(rec, image, "webcam", tta, remove_background)


def recognize_upload(rec: DigitRecognizer, path, tta: bool, remove_background: bool):
    return recognize(rec, path, "upload", tta, remove_background)


def recognize_sample(rec: DigitRecognizer, index: float, tta: bool):
    """An MNIST test image from the shipped samples, with its true label."""
    images, labels, test_indices = SAMPLES
    index = int(np.clip(index or 0, 0, len(images) - 1))
    outputs = recognize(rec, images[index], "mnist", tta)
    predicted = max(outputs[0], key=outputs[0].get) if outputs[0] else None
    verdict = "✅ correct" if predicted == str(labels[index]) else "❌ wrong"
    truth = f"MNIST test image #{test_indices[index]} · true label **{labels[index]}** · predicted **{predicted}** · {verdict}"
    return (enlarge(images[index], 196), truth, *outputs)


def random_sample(rec: DigitRecognizer, tta: bool):
    index = random.randrange(len(SAMPLES[0]))
    return (index, *recognize_sample(rec, index, tta))


def predict_api(rec: DigitRecognizer, image: str, source: str = "upload", tta: bool = False) -> dict:
    """Recognize the digit in an image file: label, top-3 and quality as JSON."""
    if image is None:
        raise gr.Error("No image was sent.")
    if source not in SOURCES:
        raise gr.Error(f"source must be one of {', '.join(SOURCES)}.")
    try:
        return rec.predict(image, source=source, tta=bool(tta)).as_dict()
    except (NoDigitFound, InvalidImage) as problem:
        raise gr.Error(str(problem)) from None
    except Exception:  # noqa: BLE001 - logged; the client gets a message, not a stack trace
        log.exception("API prediction failed (source=%s)", source)
        raise gr.Error(UNEXPECTED) from None


# --- the page ------------------------------------------------------------------------------------


def result_panel(tab: str):
    """The outputs every input tab shares, created afresh for each tab."""
    label = gr.Label(num_top_classes=3, label="Top 3", elem_id=f"{tab}-label")
    badge = gr.HTML(label="Input quality")
    status = gr.Markdown(elem_id=f"{tab}-status")
    gallery = gr.Gallery(label="Pipeline steps", columns=4, height="auto", object_fit="contain", preview=False)
    return label, gallery, badge, status


def photo_tab(tab: str, make_image, handler, predicts: dict, examples: list[str] | None = None) -> None:
    """The Webcam and Upload tabs: an image, TTA and background-removal toggles, the result panel."""
    with gr.Row():
        with gr.Column():
            image = make_image()
            tta = gr.Checkbox(label="Test-time augmentation")
            remove_bg = gr.Checkbox(label="Remove background (rembg)")
            button = gr.Button("Recognize", variant="primary")
            if examples:
                gr.Examples(examples, inputs=image, label="Examples (click one)")
        with gr.Column():
            outputs = result_panel(tab)
    inputs = [image, tta, remove_bg]
    image.change(handler, inputs, outputs, api_name=f"{tab}_changed", api_visibility="private", **predicts)
    button.click(handler, inputs, outputs, api_name=f"recognize_{tab}", **predicts)


def model_tab(recognizer: DigitRecognizer) -> None:
    metrics_path = MODELS_DIR / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.is_file() else {}
    gr.Markdown(f"**Model:** {recognizer.origin}")
    if metrics:
        gr.Markdown(
            f"Test accuracy **{metrics['test_accuracy']:.2%}** ({metrics['test_errors']} errors in 10,000) · "
            f"{metrics['parameters']:,} parameters · {metrics['epochs']} epochs in {metrics['training_seconds'] / 60:.0f} min on "
            f"{metrics['machine']} · trained {metrics['date']}"
        )
    gr.Dataframe(
        value=layer_table(recognizer.model),
        headers=["layer", "type", "output shape", "parameters"],
        label="Architecture",
        interactive=False,
    )
    with gr.Row():
        for name, caption in (("training_curves.png", "Training curves"), ("confusion_matrix.png", "Confusion matrix")):
            if (MODELS_DIR / name).is_file():
                gr.Image(str(MODELS_DIR / name), label=caption, interactive=False)
    if (MODELS_DIR / "misclassified.png").is_file():
        gr.Image(str(MODELS_DIR / "misclassified.png"), label="Misclassified test images", interactive=False)
    if metrics:
        gr.JSON(metrics, label="metrics.json")


def build_demo(recognizer: DigitRecognizer) -> gr.Blocks:
    # Every handler that predicts shares one concurrency group: the limit is for the whole server.
    predicts = {"concurrency_id": "predict"}
    examples = sorted(str(p) for p in EXAMPLES_DIR.glob("*") if p.suffix in (".png", ".jpg"))

    with gr.Blocks(title="MNIST digit recognizer", delete_cache=(3600, 3600)) as demo:
        gr.Markdown(
            "# ✍️ Handwritten digit recognizer\n"
            "Draw a digit, take a photo of one written on paper, or upload a picture. "
            "The image is cleaned up into an MNIST-style 28×28 digit (every step is shown) and a CNN reads it."
        )
        with gr.Tabs():
            with gr.Tab("Sketchpad", id="sketch"):
                with gr.Row():
                    with gr.Column():
                        sketch = gr.Sketchpad(
                            label="Draw one digit",
                            type="numpy",
                            image_mode="RGBA",
                            canvas_size=(448, 448),
                            brush=gr.Brush(default_size=24, colors=["#000000"], color_mode="fixed"),
                            layers=False,
                            elem_id="sketchpad",
                        )
                        sketch_tta = gr.Checkbox(label="Test-time augmentation (average of 5 rotations)")
                        with gr.Row():
                            sketch_button = gr.Button("Recognize", variant="primary")
                            sketch_clear = gr.ClearButton(value="Clear")
                    with gr.Column():
                        sketch_out = result_panel("sketch")
                inputs = [sketch, sketch_tta]
                sketch.change(
                    bind(recognize_sketch, recognizer),
                    inputs,
                    sketch_out,
                    trigger_mode="always_last",
                    show_progress="hidden",
                    api_name="sketch_changed",
                    api_visibility="private",
                    **predicts,
                )
                sketch_button.click(
                    bind(recognize_sketch, recognizer), inputs, sketch_out, api_name="recognize_sketch", **predicts
                )
                sketch_clear.add([sketch, *sketch_out])

            with gr.Tab("Webcam", id="webcam"):
                photo_tab(
                    "webcam",
                    lambda: gr.Image(sources=["webcam"], type="numpy", label="Hold a written digit up to the camera"),
                    bind(recognize_webcam, recognizer),
                    predicts,
                )

            with gr.Tab("Upload", id="upload"):
                photo_tab(
                    "upload",
                    lambda: UploadImage(
                        sources=["upload", "clipboard"], type="filepath", image_mode=None, label="A picture of one digit"
                    ),
                    bind(recognize_upload, recognizer),
                    predicts,
                    examples,
                )

            with gr.Tab("MNIST samples", id="mnist"):
                with gr.Row():
                    with gr.Column():
                        sample_index = gr.Number(
                            value=0,
                            precision=0,
                            minimum=0,
                            maximum=len(SAMPLES[0]) - 1,
                            label=f"Sample (0-{len(SAMPLES[0]) - 1})",
                        )
                        sample_tta = gr.Checkbox(label="Test-time augmentation")
                        with gr.Row():
                            sample_button = gr.Button("Show this one")
                            random_button = gr.Button("Random sample", variant="primary")
                        sample_image = gr.Image(label="MNIST test image", interactive=False, height=220)
                        sample_truth = gr.Markdown(elem_id="sample-truth")
                    with gr.Column():
                        sample_out = result_panel("sample")
                sample_outputs = [sample_image, sample_truth, *sample_out]
                sample_button.click(
                    bind(recognize_sample, recognizer),
                    [sample_index, sample_tta],
                    sample_outputs,
                    api_name="recognize_sample",
                    **predicts,
                )
                random_button.click(
                    bind(random_sample, recognizer),
                    [sample_tta],
                    [sample_index, *sample_outputs],
                    api_name="random_sample",
                    api_visibility="private",
                )

            with gr.Tab("Model", id="model"):
                model_tab(recognizer)

        # The JSON API: an image file, the source and the TTA flag in; label, top-3 and quality out.
        with gr.Row(visible=False):
            # A plain file, not gr.Image: the file reaches mnist_demo undecoded, so its size
            # and pixel limits apply and a broken file gets our message, not Gradio's.
            api_image = gr.File(file_types=["image"], type="filepath", label="image")
            api_source = gr.Dropdown(list(SOURCES), value="upload", label="source")
            api_tta = gr.Checkbox(label="tta")
            api_result = gr.JSON(label="prediction")
            api_button = gr.Button()
        api_button.click(
            bind(predict_api, recognizer), [api_image, api_source, api_tta], api_result, api_name="predict", **predicts
        )

        demo.load(
            bind(recognize_sample, recognizer),
            [sample_index, sample_tta],
            sample_outputs,
            api_name="first_sample",
            api_visibility="private",
            **predicts,
        )
    return demo


CSS = """
.quality { display: flex; gap: .75em; align-items: center; flex-wrap: wrap; }
.quality .badge { color: white; font-weight: 600; padding: .2em .7em; border-radius: 999px; }
"""

# Gradio's sketchpad starts with no tool selected; pick the brush so that drawing works at once.
SELECT_BRUSH_JS = """
() => {
  const pick = () => document.querySelector('#sketchpad button[aria-label="Brush"]')?.click();
  const timer = setInterval(() => { if (document.querySelector('#sketchpad canvas')) { pick(); clearInterval(timer); } }, 200);
}
"""

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # Requests already run side by side; OpenCV's own thread pool on top of that only adds
    # hand-offs (a fifth more CPU per image on 2 cores) and takes the cores the server needs.
    cv2.setNumThreads(1)
    demo = build_demo(DigitRecognizer.load())
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=128)
    demo.launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "0.0.0.0"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        css=CSS,
        js=SELECT_BRUSH_JS,
        footer_links=["api", "gradio"],
        max_file_size=MAX_FILE_BYTES,  # refused by the server before the upload is stored
    )
