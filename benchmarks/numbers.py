"""Reading whole numbers: exact-string and per-digit accuracy of ``DigitRecognizer.read_number``.

Numbers are composed (``mnist_demo.synthetic.number_mask``) from MNIST *test* digits and
from real digits nobody here trained on (UNIPEN held-out writer sites and USPS scans),
with heights and baselines that wander, a sloping line, and gaps between neighbours
from -15% (overlapping) to +60% of a digit's width; then drawn on a canvas,
photographed on paper, or in a picture cropped tight to the number (a scan or a photo).

    MNIST_NPZ=../shared/data/mnist.npz python benchmarks/numbers.py
    python benchmarks/numbers.py --n 100 --digits real
    python benchmarks/numbers.py --digits real --media photo --lengths 4 --no-gaps --n 1000   # one cell, closer

Tables: by length (normal spacing, gaps 15-60%), by gap (4 digits, every gap the same),
and 4-digit numbers with one touching pair; then the latency of a 6-digit sketch.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository first on the path, in place of this folder: this folder's numbers.py would shadow the
# standard library's numbers (which NumPy imports), so no import may come before this line.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import time

import numpy as np

from mnist_demo import DigitRecognizer, NoDigitFound
from mnist_demo.data import held_out_digits, load_mnist
from mnist_demo.synthetic import number_mask, render_number_crop, render_number_photo, render_number_sketch

RENDERERS = {
    "canvas": ("sketch", render_number_sketch),
    "photo": ("upload", render_number_photo),
    "crop": ("upload", render_number_crop),
}
LENGTHS = (1, 2, 3, 4, 6, 8, 10)
GAPS = (-0.15, -0.05, 0.0, 0.1, 0.3, 0.6)


def digit_pool(kind: str) -> tuple[list[np.ndarray], np.ndarray]:
    """Ink-bright digit images and labels: MNIST test, or real held-out handwriting (UNIPEN held-out sites + USPS)."""
    if kind == "mnist":
        _, (x, y) = load_mnist()
        return list(x), y.astype(int)
    return held_out_digits()


def read(rec: DigitRecognizer, images, labels, indices, gaps, rng, medium: str) -> tuple[str, str]:
    """Compose one number, render it, read it: (truth, reading)."""
    source, render = RENDERERS[medium]
    mask = number_mask([images[i] for i in indices], rng, height=int(rng.integers(60, 140)), gaps=gaps)
    truth = "".join(str(labels[i]) for i in indices)
    try:
        return truth, rec.read_number(render(mask, rng), source=source, steps=False).text
    except NoDigitFound:
        return truth, ""


def per_digit(truth: str, reading: str) -> float:
    """Share of the digits read right in place (a reading of the wrong length counts only matching positions)."""
    return sum(a == b for a, b in zip(truth, reading)) / len(truth)


def run_cell(rec, pool, n: int, length: int, gaps_for, medium: str, seed: tuple) -> tuple[float, float]:
    images, labels = pool
    exact, digits = [], []
    for k in range(n):
        rng = np.random.default_rng([*seed, k])
        indices = rng.integers(0, len(labels), length)
        truth, reading = read(rec, images, labels, indices, gaps_for(rng, length), rng, medium)
        exact.append(truth == reading)
        digits.append(per_digit(truth, reading))
    return float(np.mean(exact)), float(np.mean(digits))


def normal(rng, length):
    return list(rng.uniform(0.15, 0.6, length - 1))


def touching(rng, length):
    gaps = normal(rng, length)
    if gaps:
        gaps[int(rng.integers(len(gaps)))] = rng.uniform(-0.15, 0.0)
    return gaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="numbers per table cell")
    parser.add_argument("--digits", choices=["mnist", "real", "both"], default="both")
    parser.add_argument("--media", default="canvas,photo,crop")
    parser.add_argument("--lengths", default=",".join(map(str, LENGTHS)), help="lengths of the by-length rows")
    parser.add_argument("--no-gaps", action="store_true", help="leave out the by-gap rows")
    parser.add_argument("--seed-base", type=int, default=100000, help="seeds below 100000 were used while tuning")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()

    rec = DigitRecognizer.load(args.model)
    kinds = ["mnist", "real"] if args.digits == "both" else [args.digits]
    media = args.media.split(",")
    print(f"model: {rec.origin}; {args.n} numbers per cell; seeds from {args.seed_base}\n")
    # Seeds follow each kind's and medium's own id, not its place in the options: one row run alone reads as in the whole table.
    for kind in kinds:
        pool, kind_id = digit_pool(kind), ["mnist", "real"].index(kind)
        for medium in media:
            medium_id = list(RENDERERS).index(medium)
            title = f"{'MNIST test' if kind == 'mnist' else 'real held-out (UNIPEN + USPS)'} digits, {medium}"
            print(f"### {title}\n\n| numbers | exact string | per digit |\n|---|---|---|", flush=True)
            seed = (args.seed_base, kind_id, medium_id)
            for length in map(int, args.lengths.split(",")):
                exact, digit = run_cell(rec, pool, args.n, length, normal, medium, (*seed, 1, length))
                print(f"| {length} digits, gaps 15-60% | {exact:.1%} | {digit:.1%} |", flush=True)
            exact, digit = run_cell(rec, pool, args.n, 4, touching, medium, (*seed, 2))
            print(f"| **4 digits, one touching pair** | **{exact:.1%}** | {digit:.1%} |", flush=True)
            for gap_id, gap in enumerate(() if args.no_gaps else GAPS):
                exact, digit = run_cell(rec, pool, args.n, 4, lambda rng, n, g=gap: [g] * (n - 1), medium, (*seed, 3, gap_id))
                print(f"| 4 digits, every gap {gap:+.0%} | {exact:.1%} | {digit:.1%} |", flush=True)
            print()

    images, labels = digit_pool("mnist")
    times = []
    for k in range(60):
        rng = np.random.default_rng([args.seed_base, 9, k])
        mask = number_mask([images[i] for i in rng.integers(0, len(labels), 6)], rng, height=100, gaps=normal(rng, 6))
        sketch = render_number_sketch(mask, rng)
        started = time.perf_counter()
        rec.read_number(sketch, source="sketch", steps=False)
        times.append(time.perf_counter() - started)
    times = np.array(times[5:]) * 1000  # the first calls warm caches
    print(
        f"latency, a 6-digit sketch: p50 {np.median(times):.1f} ms, p95 {np.percentile(times, 95):.1f} ms (target p50 <= 30 ms)"
    )


if __name__ == "__main__":
    main()
