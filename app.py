"""mnist-demo: draw, photograph or upload a handwritten digit and watch a CNN read it.

Run it with `python app.py` (http://localhost:7860). Only the interface lives
here; the pipeline, the model and the inference are in the mnist_demo package.
The same server answers `gradio_client` (the typed endpoints below) and MCP clients.
"""

import hashlib
import html
import json
import logging
import os
import random
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Literal

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio's queue keeps a record of the last events for its monitoring page and, by default, rebuilds
# a pandas table of all of them after every event: at 10,000 records that is most of a request's
# CPU time, and the records grow the memory for the first 10,000 requests. Fewer, summarized less often.
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "100")

import cv2  # noqa: E402
import gradio as gr  # noqa: E402
import numpy as np  # noqa: E402
from gradio.data_classes import FileData  # noqa: E402

from mnist_demo import DigitRecognizer, InvalidImage, NoDigitFound, Prediction, background  # noqa: E402
from mnist_demo.data import load_samples  # noqa: E402
from mnist_demo.images import MAX_FILE_BYTES  # noqa: E402
from mnist_demo.loading import MODELS_DIR  # noqa: E402
from mnist_demo.model import layer_table  # noqa: E402
from mnist_demo.recognizer import LOW_CONFIDENCE, NumberDict, NumberReading, PredictionDict  # noqa: E402
from mnist_demo.steps import as_rgb, contact_sheet, fit_in_tile  # noqa: E402

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
BADGE_COLOURS = {"Excellent": "#15803d", "Good": "#0e7490", "Average": "#b45309", "Poor": "#b91c1c"}
CONCURRENCY = int(os.environ.get("MNIST_DEMO_CONCURRENCY", "4"))
QUEUE_SIZE = 128
# The square canvas fills a desktop column (about 600 px less the tool palette) at 100%, and so does
# the number canvas, three times as wide as tall, in its wider column; a phone's editor scales them down.
SKETCH_SIDE = 448
NUMBER_WIDTH = 624
# The steps' contact sheet as JPEG: about 1 ms to encode against 27 ms for PNG, half the bytes, and no visible loss at its size.
GALLERY_FORMAT = "jpeg"
NUMBER_SHOWN = 720  # the segmentation is drawn on the input, shown at most this wide
EDITOR_CHROME = 64  # the editor's toolbar above the canvas: the component is this much taller than the canvas

SAMPLES = load_samples()  # a few hundred MNIST test images shipped in examples/
UNEXPECTED = "Something went wrong with this image. Please try another one."
Source = Literal["sketch", "webcam", "upload", "mnist"]

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


# --- one error path for the page and the API -------------------------------------------------


def run(
    rec: DigitRecognizer, image, source: str, tta: bool, remove_background: bool, steps: bool, explain: bool = False
) -> Prediction | ValueError:
    """The recognizer's answer, or the problem as an exception object (never raised from here).

    An expected problem (a blank canvas, a broken file) is one log line; an
    unforeseen failure is logged with its traceback and becomes a polite message.
    """
    try:
        return rec.predict(image, source=source, tta=tta, remove_background=remove_background, steps=steps, explain=explain)
    except (NoDigitFound, InvalidImage) as problem:
        log.info("refused (source=%s): %s", source, problem)
        return problem
    except Exception:  # noqa: BLE001 - an unforeseen failure is logged, and the server keeps serving
        log.exception("prediction failed (source=%s)", source)
        return ValueError(UNEXPECTED)


# --- formatting a prediction for the page ----------------------------------------------------


def brush_for(height: int) -> gr.Brush:
    """A brush whose stroke, on a digit drawn most of the canvas tall, is as wide as MNIST's (a tenth of the digit)."""
    return gr.Brush(default_size=max(8, round(height * 0.07)), colors=["#000000"], color_mode="fixed")


def badge_html(quality) -> str:
    colour = BADGE_COLOURS[quality.badge]
    return (
        f"<div class='quality'><span class='badge' style='background:{colour}'>{quality.badge} · {quality.score}/100</span>"
        f"<span>contrast {quality.contrast:.2f} · size {quality.relative_size:.0%} of the height · "
        f"aspect {quality.aspect_ratio:.2f}</span></div>"
    )


def gallery_of(steps: list[tuple[str, np.ndarray]]) -> list[tuple[np.ndarray, str]]:
    """The steps as one contact sheet, captioned with their names in order (the sheet labels each one too)."""
    if not steps:
        return []
    return [(contact_sheet(steps), " → ".join(caption for caption, _ in steps))]


def show(pred: Prediction, seconds: float):
    """Outputs of every input tab: label, gallery, badge, status line."""
    label = {str(digit): probability for digit, probability in enumerate(pred.probabilities)}
    if pred.is_digit:
        status = f"Predicted **{pred.label}** in {seconds * 1000:.0f} ms."
    else:
        status = (
            f"<span class='not-digit-note'>This doesn't look like a digit</span> "
            f"(digit score {pred.digit_score:.2f}); the best guess, {pred.label}, is greyed out."
        )
    notes = [w for w in pred.warnings if not w.startswith("This doesn't look like a digit")]
    status += "".join(f"\n\n<span class='warning'>Note:</span> {html.escape(w)}" for w in notes)
    return label, gallery_of(pred.steps), badge_html(pred.quality), status


def show_problem(problem: Exception | str):
    """Outputs when there is nothing to predict: the reason, and the steps up to where it stopped."""
    steps = getattr(problem, "steps", [])
    return None, gallery_of(steps), "", f"<span class='info'>Info:</span> {problem}"


def recognize(rec: DigitRecognizer, image, source: str, tta: bool = False, remove_background: bool = False):
    if image is None:
        return show_problem("Nothing to recognize yet: " + ("draw a digit." if source == "sketch" else "add an image."))
    started = time.perf_counter()
    result = run(rec, image, source, tta, remove_background, steps=True, explain=True)
    if isinstance(result, Exception):
        return show_problem(result)
    return show(result, time.perf_counter() - started)


def sample_outputs(rec: DigitRecognizer, index: float | None, tta: bool):
    """An MNIST test image from the shipped samples, with its true label; an index out of range is clamped and said."""
    images, labels, test_indices = SAMPLES
    wanted = int(index) if index is not None and np.isfinite(index) else 0
    index = int(np.clip(wanted, 0, len(images) - 1))
    outputs = recognize(rec, images[index], "mnist", tta)
    predicted = max(outputs[0], key=outputs[0].get) if outputs[0] else None
    verdict = "<span class='right'>correct</span>" if predicted == str(labels[index]) else "<span class='wrong'>wrong</span>"
    truth = f"MNIST test image #{test_indices[index]} · true label **{labels[index]}** · predicted **{predicted}** · {verdict}"
    if wanted != index:
        truth = f"There are {len(images)} samples (0-{len(images) - 1}): showing #{index}.\n\n" + truth
    return (index, fit_in_tile(images[index], 196), truth, *outputs)


def number_html(reading: NumberReading) -> str:
    """The number in large type, each digit with its confidence; uncertain digits highlighted."""
    spans = "".join(
        f"<span class='{'sure' if p.is_digit and p.top3[0][1] >= LOW_CONFIDENCE else 'unsure'}' "
        f"title='{p.top3[0][1]:.0%}'>{p.label}</span>"
        for p in reading.digits
    )
    rows = "".join(
        f"<tr class='{'' if p.is_digit and p.top3[0][1] >= LOW_CONFIDENCE else 'unsure'}'><td>{i + 1}</td><td>{p.label}</td>"
        f"<td>{p.top3[0][1]:.0%}</td><td>{' · '.join(f'{d}: {q:.0%}' for d, q in p.top3)}</td></tr>"
        for i, p in enumerate(reading.digits)
    )
    return (
        f"<div class='number' id='number-text'>{spans}</div>"
        f"<p>{len(reading.digits)} digit{'s' if len(reading.digits) != 1 else ''} · whole number {reading.confidence:.0%} sure"
        f" · digits under {LOW_CONFIDENCE:.0%} are highlighted</p>"
        f"<table class='digits'><tr><th>#</th><th>digit</th><th>confidence</th><th>top 3</th></tr>{rows}</table>"
    )


def read_number_outputs(rec: DigitRecognizer, image, source: str, tta: bool):
    """The Number tab's outputs: the reading and the segmentation drawn on the input."""
    if image is None:
        return "<p>Nothing to read yet.</p>", []
    try:
        reading = rec.read_number(image, source=source, tta=tta)
    except (NoDigitFound, InvalidImage) as problem:
        log.info("refused (number, source=%s): %s", source, problem)
        return f"<p><span class='info'>Info:</span> {html.escape(str(problem))}</p>", []
    except Exception:  # noqa: BLE001 - logged; the page stays usable
        log.exception("reading a number failed (source=%s)", source)
        return f"<p>{UNEXPECTED}</p>", []
    return number_html(reading), [(fit_in_tile(as_rgb(image), NUMBER_SHOWN), caption) for caption, image in reading.steps]


# --- the page ------------------------------------------------------------------------------------


def result_panel(tab: str):
    """The outputs every input tab shares, created afresh for each tab (in a column the caller opened)."""
    label = gr.Label(num_top_classes=3, label="Top 3", elem_id=f"{tab}-label")
    status = gr.Markdown(elem_id=f"{tab}-status")
    badge = gr.HTML(label="Input quality")
    gallery = gr.Gallery(
        label="Pipeline steps",
        columns=1,
        height="auto",
        object_fit="contain",
        preview=False,
        format=GALLERY_FORMAT,
        elem_id=f"{tab}-gallery",
    )
    return label, gallery, badge, status


def drawing(editor: dict | None) -> np.ndarray | None:
    """What a canvas editor sends, flattened to one image (None before anything is drawn)."""
    return None if editor is None else editor.get("composite")


def drawing_digest(editor: dict | None) -> str:
    """A fingerprint of a canvas's drawing ("" for an empty canvas)."""
    composite = drawing(editor)
    if composite is None or not np.asarray(composite).any():
        return ""
    return hashlib.blake2b(np.ascontiguousarray(composite).tobytes(), digest_size=16).hexdigest()


# How many of a visitor's drawings a canvas remembers as answered: a late copy comes from the last few.
DRAWINGS_REMEMBERED = 8

# How many (visitor, canvas) pairs the server remembers drawings for, the least recently drawn on forgotten first.
CANVASES_REMEMBERED = 4096

# The digests of the drawings answered, per (visitor, canvas), newest last. They live on the server, under a lock,
# and not in a ``gr.State``: one visitor's events run concurrently, and each would write back the state it was sent,
# so a slow event could undo what a later one recorded and let an old drawing's late copy be answered again.
answered_drawings: OrderedDict[tuple[str, str], tuple[str, ...]] = OrderedDict()
answered_drawings_lock = threading.Lock()


def claim_drawing(canvas_key: tuple[str, str], digest: str, always: bool = False) -> bool:
    """Record ``digest`` as answered on ``canvas_key``; False when it was answered before (and not ``always``)."""
    with answered_drawings_lock:
        answered = answered_drawings.pop(canvas_key, ())
        answered_drawings[canvas_key] = (*(seen for seen in answered if seen != digest), digest)[-DRAWINGS_REMEMBERED:]
        while len(answered_drawings) > CANVASES_REMEMBERED:
            answered_drawings.popitem(last=False)
    return always or digest not in answered


# Drawings a canvas uploaded and no event has claimed yet, kept at most (three PNGs each: background, layer, composite).
UNCLAIMED_UPLOADS = 256


def forget_unclaimed_uploads(canvas: gr.ImageEditor, keep: int = UNCLAIMED_UPLOADS) -> None:
    """Drop all but the newest ``keep`` drawings the canvas uploaded for events that never claimed them.

    With a change listener, the editor uploads its layers and composite at every stroke and the
    component keeps them (``blob_storage``) until an event names them; most events send the
    drawing as files instead, so in a long-running app they would pile up for good.
    """
    storage = getattr(canvas, "blob_storage", None)
    if not isinstance(storage, dict) or len(storage) <= keep:
        return
    try:
        stale = list(storage)[:-keep]  # oldest first: dicts keep insertion order
    except RuntimeError:  # another visitor's upload landed meanwhile: prune on the next event
        return
    for key in stale:
        storage.pop(key, None)


def on_new_drawing(handler, outputs: int, canvas: gr.ImageEditor | None = None, always: bool = False):
    """``handler(editor, tta)`` for a canvas's events, skipped when the drawing has been answered already.

    The editor sends its drawing again, unchanged, when its tab is shown again, and on a slow
    browser that copy (it waits for its upload) can reach the server after a Clear that the
    visitor made later; answered, it would put the old answer back beside an empty canvas.
    So a change event is not answered for a drawing answered before, even with a Clear
    (an empty drawing) between them (see ``claim_drawing``); a button (``always``) answers
    whatever it is sent, and records it too. A call with no session (the API) is always
    answered. Each event also bounds what ``canvas`` keeps of its uploads (see ``forget_unclaimed_uploads``).
    """
    canvas_id = (canvas.elem_id or "") if canvas is not None else ""

    def answer(editor: dict | None, tta: bool, request: gr.Request):
        if canvas is not None:
            forget_unclaimed_uploads(canvas)
        digest = drawing_digest(editor)
        visitor = getattr(request, "session_hash", None)
        if digest and visitor and not claim_drawing((visitor, canvas_id), digest, always):
            return tuple(gr.skip() for _ in range(outputs))
        return handler(editor, tta)

    return answer


def photo_tab(tab: str, make_image, handler, rembg_boxes: list, examples: list[str] | None = None) -> None:
    """The Webcam and Upload tabs: an image, TTA and background-removal toggles, the result panel."""
    with gr.Row():
        with gr.Column():
            image = make_image()
            tta = gr.Checkbox(label="Test-time augmentation")
            remove_bg = gr.Checkbox(label="Remove background (rembg): checking...", interactive=False)
            rembg_boxes.append(remove_bg)
            button = gr.Button("Recognize", variant="primary")
            if examples:
                gr.Examples(examples, inputs=image, label="Examples (click one)", elem_id=f"{tab}-examples")
        with gr.Column(elem_classes=["result"]):
            outputs = result_panel(tab)
    inputs = [image, tta, remove_bg]
    image.change(handler, inputs, outputs, api_name=f"{tab}_changed", api_visibility="private", concurrency_id="predict")
    button.click(handler, inputs, outputs, api_name=f"recognize_{tab}", concurrency_id="predict")


def model_tab(recognizer: DigitRecognizer) -> None:
    metrics_path = MODELS_DIR / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.is_file() else {}
    gr.Markdown(f"**Model:** {recognizer.origin}")
    if metrics:
        calibration = (
            f" · calibrated (temperature {metrics['temperature']}, ECE {metrics['test_ece']:.2%})"
            if "temperature" in metrics
            else ""
        )
        gr.Markdown(
            f"Test accuracy **{metrics['test_accuracy']:.2%}** ({metrics['test_errors']} errors in 10,000) · "
            f"{metrics['parameters']:,} parameters · {metrics['epochs']} epochs in {metrics['training_seconds'] / 60:.0f} min on "
            f"{metrics['machine']} · trained {metrics['date']}{calibration}"
        )
    gr.Dataframe(
        value=layer_table(recognizer.model),
        headers=["layer", "type", "output shape", "parameters"],
        label="Architecture",
        interactive=False,
    )
    figures = [
        ("training_curves.png", "Training curves"),
        ("reliability.png", "Reliability (calibration)"),
        ("confusion_matrix.png", "Confusion matrix"),
        ("misclassified.png", "Misclassified test images"),
    ]
    for name, caption in figures:
        if (MODELS_DIR / name).is_file():
            gr.Markdown(f"### {caption}")
            gr.Image(str(MODELS_DIR / name), show_label=False, interactive=False, elem_classes=["figure"])
    if metrics:
        gr.JSON(metrics, label="metrics.json")


def build_demo(recognizer: DigitRecognizer) -> gr.Blocks:
    """The whole app, queue and limits included: serve it with ``demo.launch(**LAUNCH)`` or mount it."""
    # Requests already run side by side; OpenCV's own thread pool on top of that only adds
    # hand-offs (a fifth more CPU per image on 2 cores) and takes the cores the server needs.
    cv2.setNumThreads(1)
    # Whether background removal can work here is found out once, in the background.
    rembg_probe = threading.Thread(target=background.probe, name="rembg-probe", daemon=True)
    rembg_probe.start()
    examples = sorted(str(p) for p in EXAMPLES_DIR.glob("*") if p.suffix in (".png", ".jpg"))

    # --- the API: typed functions, one error path with the page ---
    def predict(image: FileData, source: Source = "upload", tta: bool = False) -> PredictionDict:
        """Recognize the handwritten digit in an image: a photo or scan of one digit, a drawing, or a 28x28 MNIST image.

        Args:
            image: the picture (PNG, JPEG, WebP, GIF, BMP or TIFF, at most 10 MB): one digit, dark on light or light on dark.
            source: where the picture comes from: "sketch" (a drawing on a canvas), "webcam" or "upload"
                (a photo or scan), "mnist" (a 28x28 MNIST image).
            tta: test-time augmentation: average the model over five slightly rotated copies (slower, sometimes steadier).
        Returns:
            label: the likeliest digit, 0-9. is_digit: false when the picture shows something other than a digit
            (a letter, a symbol, a scribble, noise), and then label is only a best guess. digit_score: 0-1, how
            digit-like. top3: digits with calibrated probabilities. quality: contrast, size and aspect ratio of the
            input, with a badge. box: x, y, w, h of the digit in the picture. reasons, warnings: codes and messages
            about doubts. A blank picture or a broken file is an error whose message says what to do.
        """
        if image is None:
            raise gr.Error("No image was sent.", print_exception=False)
        path = image["path"] if isinstance(image, dict) else getattr(image, "path", image)
        result = run(recognizer, path, source, bool(tta), False, steps=False)
        if isinstance(result, Exception):
            raise gr.Error(str(result), print_exception=False)
        return result.as_dict()

    def read_number(image: FileData, source: Literal["sketch", "webcam", "upload"] = "upload", tta: bool = False) -> NumberDict:
        """Read a handwritten number (1 to 12 digits, left to right): an age, a year, a phone number, a meter.

        Args:
            image: the picture (PNG, JPEG, WebP, GIF, BMP or TIFF, at most 10 MB) of the number, written on one line.
            source: "sketch" (drawn on a canvas), "webcam" or "upload" (a photo or scan).
            tta: test-time augmentation for each digit (slower, sometimes steadier).
        Returns:
            text: the digits as a string, e.g. "2026". confidence: the probability that the whole string is right.
            digits: for each digit, left to right, its value, its confidence, whether it looks like a digit at all,
            its top 3 and its box (x, y, w, h) in the picture. A blank picture or a broken file is an error.
        """
        if image is None:
            raise gr.Error("No image was sent.", print_exception=False)
        path = image["path"] if isinstance(image, dict) else getattr(image, "path", image)
        try:
            return recognizer.read_number(path, source=source, tta=bool(tta), steps=False).as_dict()
        except (NoDigitFound, InvalidImage) as problem:
            log.info("refused (number, source=%s): %s", source, problem)
            raise gr.Error(str(problem), print_exception=False) from None
        except Exception:  # noqa: BLE001 - logged; the client gets a message, not a stack trace
            log.exception("reading a number failed (source=%s)", source)
            raise gr.Error(UNEXPECTED, print_exception=False) from None

    def read_drawn_number(editor: dict | None, tta: bool):
        """The Number tab's answer for the wide canvas."""
        composite = drawing(editor)
        if composite is None or not np.asarray(composite).any():
            return "<p>Write a number on the canvas.</p>", []
        return read_number_outputs(recognizer, composite, "sketch", tta)

    def read_photo_number(path: str | None, tta: bool):
        """The Number tab's answer for a photo or an uploaded picture."""
        return read_number_outputs(recognizer, path, "upload", tta)

    def recognize_sketch(editor: dict | None, tta: bool):
        """The Draw tab's answer for the web page (top-3, step images, badge HTML, status); programs should call predict."""
        composite = drawing(editor)
        if composite is None or not np.asarray(composite).any():
            return show_problem("Draw a digit on the canvas.")
        return recognize(recognizer, composite, "sketch", tta)

    def recognize_webcam(image: np.ndarray | None, tta: bool, remove_background: bool):
        """The Webcam tab's answer for the web page (top-3, step images, badge HTML, status); programs should call predict."""
        return recognize(recognizer, image, "webcam", tta, remove_background)

    def recognize_upload(path: str | None, tta: bool, remove_background: bool):
        """The Upload tab's answer for the web page (top-3, step images, badge HTML, status); programs should call predict."""
        return recognize(recognizer, path, "upload", tta, remove_background)

    def recognize_sample(index: float, tta: bool):
        """One of the 300 MNIST test images shipped with the app (index 0-299), its true label and the model's reading."""
        return sample_outputs(recognizer, index, tta)[1:]

    def random_sample(tta: bool):
        return sample_outputs(recognizer, random.randrange(len(SAMPLES[0])), tta)

    def rembg_status():
        rembg_probe.join(timeout=background.PROBE_SECONDS + 2)
        ready, reason = background.availability()
        text = "Remove background (rembg)" if ready else f"Remove background: unavailable ({reason})"
        return [gr.Checkbox(label=text, interactive=ready, value=False) for _ in rembg_boxes]

    with gr.Blocks(title="MNIST digit recognizer", delete_cache=(3600, 3600)) as demo:
        gr.Markdown(
            "# Handwritten digit recognizer\n"
            "Draw a digit, take a photo of one written on paper, or upload a picture. "
            "The image is cleaned up into an MNIST-style 28×28 digit (every step is shown) and a CNN reads it; "
            "it also says when it is not looking at a digit.",
            elem_id="intro",
        )
        rembg_boxes: list[gr.Checkbox] = []
        with gr.Tabs():
            with gr.Tab("Draw", id="sketch"):
                with gr.Row():
                    with gr.Column():
                        sketch = gr.Sketchpad(
                            label="Draw one digit",
                            type="numpy",
                            image_mode="RGBA",
                            canvas_size=(SKETCH_SIDE, SKETCH_SIDE),
                            height=SKETCH_SIDE + EDITOR_CHROME,
                            brush=brush_for(SKETCH_SIDE),
                            layers=False,
                            elem_id="sketchpad",
                        )
                        sketch_tta = gr.Checkbox(label="Test-time augmentation", info="average of 5 slight rotations")
                        with gr.Row():
                            sketch_button = gr.Button("Recognize", variant="primary", min_width=80)
                            sketch_clear = gr.ClearButton(value="Clear", min_width=80)
                    with gr.Column(elem_classes=["result"]):
                        sketch_out = result_panel("sketch")
                inputs = [sketch, sketch_tta]
                sketch_changed = sketch.change(
                    on_new_drawing(recognize_sketch, len(sketch_out), sketch),
                    inputs,
                    sketch_out,
                    trigger_mode="always_last",
                    show_progress="hidden",
                    api_name="sketch_changed",
                    api_visibility="private",
                    concurrency_id="predict",
                )
                sketch_clicked = sketch_button.click(
                    on_new_drawing(recognize_sketch, len(sketch_out), sketch, always=True),
                    inputs,
                    sketch_out,
                    api_name="recognize_sketch",
                    concurrency_id="predict",
                )
                sketch_clear.add([sketch, *sketch_out])
                # An answer still on its way when the canvas is cleared would come back beside the empty canvas.
                sketch_clear.click(None, js=SELECT_BRUSH_JS, cancels=[sketch_changed, sketch_clicked])

            with gr.Tab("Webcam", id="webcam"):
                photo_tab(
                    "webcam",
                    lambda: gr.Image(
                        sources=["webcam"], type="numpy", label="Hold a written digit up to the camera", elem_id="webcam-input"
                    ),
                    recognize_webcam,
                    rembg_boxes,
                )

            with gr.Tab("Upload", id="upload"):
                photo_tab(
                    "upload",
                    lambda: UploadImage(
                        sources=["upload", "clipboard"],
                        type="filepath",
                        image_mode=None,
                        label="A picture of one digit",
                        elem_id="upload-input",
                    ),
                    recognize_upload,
                    rembg_boxes,
                    examples,
                )

            with gr.Tab("MNIST", id="mnist"):
                with gr.Row():
                    with gr.Column():
                        sample_index = gr.Number(value=0, precision=0, label=f"Sample (0-{len(SAMPLES[0]) - 1})")
                        sample_tta = gr.Checkbox(label="Test-time augmentation")
                        with gr.Row():
                            sample_button = gr.Button("Show this one")
                            random_button = gr.Button("Random sample", variant="primary")
                        sample_image = gr.Image(label="MNIST test image", interactive=False, height=220)
                        sample_truth = gr.Markdown(elem_id="sample-truth")
                    with gr.Column(elem_classes=["result"]):
                        sample_out = result_panel("sample")
                shown = [sample_image, sample_truth, *sample_out]
                sample_button.click(
                    recognize_sample, [sample_index, sample_tta], shown, api_name="recognize_sample", concurrency_id="predict"
                )
                random_button.click(
                    random_sample,
                    [sample_tta],
                    [sample_index, *shown],
                    api_name="random_sample",
                    api_visibility="private",
                    concurrency_id="predict",
                )

            with gr.Tab("Number", id="number"):
                with gr.Row():
                    with gr.Column(scale=3):
                        number_sketch = gr.Sketchpad(
                            label="Write a number (up to 12 digits) on one line",
                            type="numpy",
                            image_mode="RGBA",
                            canvas_size=(NUMBER_WIDTH, NUMBER_WIDTH // 3),
                            height=NUMBER_WIDTH // 3 + EDITOR_CHROME,
                            brush=brush_for(NUMBER_WIDTH // 3),
                            layers=False,
                            elem_id="number-sketchpad",
                        )
                        number_photo = UploadImage(
                            sources=["upload", "webcam", "clipboard"],
                            type="filepath",
                            image_mode=None,
                            label="...or a photo of a written number",
                            height=220,
                        )
                        number_tta = gr.Checkbox(label="Test-time augmentation")
                        with gr.Row():
                            number_button = gr.Button("Read the number", variant="primary", elem_id="number-read")
                            number_clear = gr.ClearButton(value="Clear")
                    with gr.Column(scale=2):
                        number_text = gr.HTML(elem_id="number-result")
                        number_gallery = gr.Gallery(
                            label="Digits found", columns=1, height="auto", object_fit="contain", preview=False, format="png"
                        )
                number_outputs = [number_text, number_gallery]
                number_changed = number_sketch.change(
                    on_new_drawing(read_drawn_number, len(number_outputs), number_sketch),
                    [number_sketch, number_tta],
                    number_outputs,
                    trigger_mode="always_last",
                    show_progress="hidden",
                    api_name="number_sketch_changed",
                    api_visibility="private",
                    concurrency_id="predict",
                )
                number_clicked = number_button.click(
                    on_new_drawing(read_drawn_number, len(number_outputs), number_sketch, always=True),
                    [number_sketch, number_tta],
                    number_outputs,
                    api_name="read_drawn_number",
                    api_visibility="private",
                    concurrency_id="predict",
                )
                number_photo_changed = number_photo.change(
                    read_photo_number,
                    [number_photo, number_tta],
                    number_outputs,
                    api_name="read_photo_number",
                    api_visibility="private",
                    concurrency_id="predict",
                )
                number_clear.add([number_sketch, number_photo, *number_outputs])
                number_clear.click(None, js=SELECT_BRUSH_JS, cancels=[number_changed, number_clicked, number_photo_changed])

            with gr.Tab("Model", id="model"):
                model_tab(recognizer)

        gr.api(predict, api_name="predict", concurrency_id="predict")
        gr.api(read_number, api_name="read_number", concurrency_id="predict")
        demo.load(
            recognize_sample,
            [sample_index, sample_tta],
            shown,
            api_name="first_sample",
            api_visibility="private",
            concurrency_id="predict",
        )
        demo.load(rembg_status, None, rembg_boxes, api_name="rembg_status", api_visibility="private", queue=False)

    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return demo


CSS = """
.quality { display: flex; gap: .75em; align-items: center; flex-wrap: wrap; }
.quality .badge { color: white; font-weight: 600; padding: .2em .7em; border-radius: 999px; }
/* A shape that is not a digit: its best guess is shown greyed out. */
.result:has(.not-digit-note) .label-output, .result:has(.not-digit-note) [id$="-label"] { opacity: .4; filter: grayscale(1); }
.not-digit-note { font-weight: 700; color: #b91c1c; }
.warning, .info { font-weight: 600; }
.right { color: #15803d; font-weight: 600; }
.wrong { color: #b91c1c; font-weight: 600; }
#sketchpad canvas, #number-sketchpad canvas { touch-action: none; }
.number { font-size: 3.2em; font-weight: 700; letter-spacing: .12em; font-variant-numeric: tabular-nums; }
.number .unsure { color: #b45309; text-decoration: underline dotted; }
table.digits td, table.digits th { padding: .15em .6em; text-align: left; }
table.digits tr.unsure td { background: #fef3c7; }
.figure img { max-height: 420px; object-fit: contain; }
/* The steps' contact sheet: shown whole, at the column's width, its caption beneath it rather than over it. */
.result .grid-wrap { max-height: none !important; height: auto !important; }
.result .thumbnail-item { aspect-ratio: auto !important; height: auto !important; display: flex; flex-direction: column; }
.result .thumbnail-item img { width: 100% !important; height: auto !important; }
.result .caption-label {
  position: static !important; transform: none !important; max-width: 100% !important; margin: .3em 0 0 !important;
}
/* Captions in full, on two lines if they must. */
.caption-label {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
/* A phone: a compact header, so that the answer shows below the canvas without scrolling. */
@media (max-width: 640px) {
  #intro p { display: none; }
  #intro h1 { font-size: 1.4em; margin: 0; }
  #sketchpad { height: 400px !important; }  /* the canvas is scaled to the screen's width: no need for more */
}
"""

# Gradio's sketchpad starts with no tool selected, and Clear (or its trash icon) unselects it:
# whenever the brush is not the active tool, select it, so that drawing always works.
SELECT_BRUSH_JS = """
() => {
  const pick = () => {
    for (const id of ['#sketchpad', '#number-sketchpad']) {
      const brush = document.querySelector(id + ' button[aria-label="Brush"]');
      const idle = brush && brush.offsetParent && !brush.classList.contains('selected');
      if (idle && brush.getAttribute('aria-pressed') !== 'true') brush.click();
    }
  };
  if (!window.__brushWatch) {
    // At once when the editor changes (Clear resets it when the server answers), and every half second besides.
    const changes = { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] };
    new MutationObserver(pick).observe(document.body, changes);
    window.__brushWatch = setInterval(pick, 500);
  }
  pick();
}
"""

# Everything ``launch`` must be told; ``build_demo`` has set up the rest.
LAUNCH = {
    "css": CSS,
    "js": SELECT_BRUSH_JS,
    "footer_links": ["api", "gradio"],
    "max_file_size": MAX_FILE_BYTES,  # refused by the server before the upload is stored
    "mcp_server": True,
}

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    build_demo(DigitRecognizer.load()).launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "0.0.0.0"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        **LAUNCH,
    )
