"""Latency per request, pipeline and model timed separately, with and without TTA.

    python benchmarks/latency.py [--runs 200]

Inputs: a 512x512 transparent sketch layer, a 1280x960 photo of paper (both
rendered from MNIST test digits), and a 28x28 MNIST image. Prints p50 and p95 in
milliseconds. Medians are what to compare; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mnist_demo import DigitRecognizer  # noqa: E402
from mnist_demo.data import load_samples  # noqa: E402
from mnist_demo.images import load_image  # noqa: E402
from mnist_demo.pipeline import preprocess  # noqa: E402
from mnist_demo.synthetic import render_photo, render_sketch  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float]:
    p50, p95 = np.percentile(np.array(samples) * 1000, (50, 95))
    return float(p50), float(p95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()

    rec = DigitRecognizer.load(args.model)
    images, _, _ = load_samples()
    inputs = {
        "sketch 512x512": (
            "sketch",
            [render_sketch(d, np.random.default_rng(i), "transparent") for i, d in enumerate(images[:20])],
        ),
        "photo 1280x960": (
            "upload",
            [render_photo(d, np.random.default_rng([i, 7])) for i, d in enumerate(images[:60])],
        ),
        "mnist 28x28": ("mnist", list(images[:20])),
    }
    # Keep the photos that are 1280x960 (the generator also makes other sizes).
    photos = [p for p in inputs["photo 1280x960"][1] if p.shape[:2] == (960, 1280)]
    inputs["photo 1280x960"] = ("upload", photos[:20])

    print(f"model: {rec.origin}; {args.runs} runs each; milliseconds")
    print(f"{'input':<16} {'TTA':<4} {'pipeline p50':>12} {'p95':>6} {'model p50':>10} {'p95':>6} {'total p50':>10} {'p95':>6}")
    for name, (source, items) in inputs.items():
        for tta in (False, True):
            pipeline_s, model_s, total_s = [], [], []
            for run in range(args.runs):
                image = items[run % len(items)]
                t0 = time.perf_counter()
                processed = preprocess(load_image(image), source)
                t1 = time.perf_counter()
                rec.classify([processed], tta=tta)
                t2 = time.perf_counter()
                pipeline_s.append(t1 - t0)
                model_s.append(t2 - t1)
                total_s.append(t2 - t0)
            columns = [
                f"{p50:>{width}.2f} {p95:>6.2f}"
                for (p50, p95), width in zip(map(percentiles, (pipeline_s, model_s, total_s)), (12, 10, 10))
            ]
            print(f"{name:<16} {'yes' if tta else 'no':<4} {' '.join(columns)}")


if __name__ == "__main__":
    main()
