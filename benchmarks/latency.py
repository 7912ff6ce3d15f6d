"""Latency: what a visitor waits for, beside what the pipeline and the model take.

    python benchmarks/latency.py [--runs 200]

Inputs: a 512x512 transparent sketch layer, a 1280x960 photo of paper (both
rendered from MNIST test digits), and a 28x28 MNIST image, each encoded as a
PNG or JPEG file. For each, in milliseconds (p50 and p95):
- pipeline and model: a decoded array through ``preprocess`` and the model (no gallery);
- JSON answer: file bytes in -> ``Prediction.as_dict()`` out, as ``/predict`` computes it;
- page answer: file bytes in -> label, gallery (the steps' contact sheet encoded by Gradio's Gallery,
  as the page receives them), badge and status out, as the app's tabs compute it.
Then, through a running ``python app.py`` and ``gradio_client`` (upload, queue and download
included, one client at a time): ``/predict`` against ``/recognize_upload`` for the same photo,
and ``/recognize_sketch`` for a canvas. Medians are what to compare; the machine is shared and noisy.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository first on the path, in place of this folder: this folder's numbers.py would shadow the
# standard library's numbers (which NumPy imports), so no import may come before this line.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import io
import tempfile
import time

import gradio as gr
import numpy as np
from PIL import Image

import app
from mnist_demo import DigitRecognizer
from mnist_demo.data import load_samples
from mnist_demo.images import load_image
from mnist_demo.pipeline import preprocess
from mnist_demo.synthetic import render_photo, render_sketch


def percentiles(samples: list[float]) -> tuple[float, float]:
    p50, p95 = np.percentile(np.array(samples) * 1000, (50, 95))
    return float(p50), float(p95)


def encoded(image: np.ndarray, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()

    rec = DigitRecognizer.load(args.model)
    images, _, _ = load_samples()
    photos = [render_photo(d, np.random.default_rng([i, 7])) for i, d in enumerate(images[:60])]
    inputs = {
        "sketch 512x512": (
            "sketch",
            "PNG",
            [render_sketch(d, np.random.default_rng(i), "transparent") for i, d in enumerate(images[:20])],
        ),
        "photo 1280x960": ("upload", "JPEG", [p for p in photos if p.shape[:2] == (960, 1280)][:20]),
        "mnist 28x28": ("mnist", "PNG", list(images[:20])),
    }
    # The gallery as the page gets it: Gradio encodes the steps' contact sheet into its cache.
    gallery = gr.Gallery(format=app.GALLERY_FORMAT)
    cache = tempfile.TemporaryDirectory()
    gallery.GRADIO_CACHE = cache.name

    print(f"model: {rec.origin}; {args.runs} runs each; milliseconds, p50 / p95")
    print("| input | TTA | pipeline | model | JSON answer (bytes in) | page answer (bytes in, gallery) | page / JSON |")
    print("|---|---|---|---|---|---|---|")
    for name, (source, fmt, arrays) in inputs.items():
        files = [encoded(a, fmt) for a in arrays]
        for tta in (False, True):
            pipeline_s, model_s, json_s, page_s = [], [], [], []
            for run in range(args.runs):
                array, file = arrays[run % len(arrays)], files[run % len(files)]
                t0 = time.perf_counter()
                processed = preprocess(load_image(array), source)
                t1 = time.perf_counter()
                rec.classify([processed], tta=tta)
                t2 = time.perf_counter()
                rec.predict(file, source=source, tta=tta).as_dict()
                t3 = time.perf_counter()
                label, steps, badge, status = app.recognize(rec, file, source, tta)
                gallery.postprocess(steps)
                t4 = time.perf_counter()
                pipeline_s.append(t1 - t0)
                model_s.append(t2 - t1)
                json_s.append(t3 - t2)
                page_s.append(t4 - t3)
            cells = [percentiles(s) for s in (pipeline_s, model_s, json_s, page_s)]
            ratio = cells[3][0] / cells[2][0]
            row = " | ".join(f"{p50:.1f} / {p95:.1f}" for p50, p95 in cells)
            print(f"| {name} | {'yes' if tta else 'no'} | {row} | {ratio:.2f} |", flush=True)
    cache.cleanup()
    through_the_server(photos[0], inputs["sketch 512x512"][2][0], args.runs // 4)


def through_the_server(photo: np.ndarray, sketch: np.ndarray, runs: int) -> None:
    """p50 of the JSON and the page endpoints, called as a client would."""
    from gradio_client import Client, handle_file

    from tests.live_server import start_app, stop_app

    with tempfile.TemporaryDirectory() as tmp:
        photo_path, sketch_path = Path(tmp) / "photo.jpg", Path(tmp) / "sketch.png"
        Image.fromarray(photo).save(photo_path, quality=90)
        Image.fromarray(sketch).save(sketch_path)
        process, url = start_app(Path(tmp) / "app.log")
        try:
            client = Client(url, verbose=False)
            calls = {
                "/predict (photo)": lambda: client.predict(handle_file(str(photo_path)), "upload", False, api_name="/predict"),
                "/recognize_upload (photo)": lambda: client.predict(
                    handle_file(str(photo_path)), False, False, api_name="/recognize_upload"
                ),
                "/predict (sketch)": lambda: client.predict(handle_file(str(sketch_path)), "sketch", False, api_name="/predict"),
                "/recognize_sketch (sketch)": lambda: client.predict(
                    {"background": None, "layers": [], "composite": handle_file(str(sketch_path))},
                    False,
                    api_name="/recognize_sketch",
                ),
            }
            for call in calls.values():
                call()  # warm-up
            # Interleaved, one call of each per round: on a shared machine both see the same load.
            times = {name: [] for name in calls}
            for _ in range(max(5, runs)):
                for name, call in calls.items():
                    started = time.perf_counter()
                    call()
                    times[name].append(time.perf_counter() - started)
            medians = {name: float(np.median(t) * 1000) for name, t in times.items()}
        finally:
            stop_app(process)
    print("\nthrough the server (gradio_client, one request at a time), p50 ms:")
    for name, ms in medians.items():
        print(f"  {name:<28} {ms:7.1f}")
    print(f"  page / JSON, photo: {medians['/recognize_upload (photo)'] / medians['/predict (photo)']:.2f} (target <= 1.5)")
    print(f"  page / JSON, sketch: {medians['/recognize_sketch (sketch)'] / medians['/predict (sketch)']:.2f}")


if __name__ == "__main__":
    main()
