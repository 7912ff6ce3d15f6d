"""Accuracy on digits as people really hand them over: canvas sketches, photos of paper, tight crops, and a
sheet held up to a webcam in a room.

Renders MNIST *test* digits, or real handwriting no training saw (``--digits real``: UNIPEN's
held-out writer sites and USPS scans), with mnist_demo.synthetic and compares, on the same images:
the full pipeline, the pipeline with TTA, a naive baseline (resize the whole image
to 28x28, invert if light), and the model on the digits themselves (the MNIST images; a real
digit through the textbook MNIST recipe).

    python benchmarks/robustness.py                     # report seeds (never used for tuning)
    python benchmarks/robustness.py --digits real       # the same, with real writers' digits
    python benchmarks/robustness.py --seed-base 0       # tuning seeds
    python benchmarks/robustness.py --n 2000 --model models/mnist_cnn.keras

Seeds below 100000 were used while tuning the pipeline; the default 100000
generates images no tuning ever saw.
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
from mnist_demo.glyph import textbook_mnist
from mnist_demo.pipeline import preprocess
from mnist_demo.synthetic import naive_baseline, render_crop, render_held_sheet, render_photo, render_sketch

SETS = {
    "canvas": ("sketch", render_sketch),
    "photo": ("upload", render_photo),
    "crop": ("upload", render_crop),
    "webcam": ("webcam", render_held_sheet),
}


def evaluate_set(
    rec: DigitRecognizer, name: str, images: list[np.ndarray], labels: np.ndarray, references: np.ndarray, seed_base: int
) -> dict:
    """The set ``name`` rendered from ``images``; ``references`` are the same digits as the model reads them unrendered."""
    source, render = SETS[name]
    set_id = list(SETS).index(name)
    processed, naive, found = [], [], []
    started = time.perf_counter()
    for i, digit in enumerate(images):
        rendered = render(digit, np.random.default_rng([seed_base, set_id, i]))
        naive.append(naive_baseline(rendered))
        try:
            processed.append(preprocess(rendered, source))
            found.append(i)
        except NoDigitFound:
            pass
    seconds = time.perf_counter() - started
    found = np.array(found, dtype=int)
    correct = np.zeros(len(images), bool)
    correct_tta = np.zeros(len(images), bool)
    if len(found):
        correct[found] = [p.label == labels[i] for p, i in zip(rec.classify(processed), found)]
        correct_tta[found] = [p.label == labels[i] for p, i in zip(rec.classify(processed, tta=True), found)]
    naive_labels = rec.digit_labels(np.stack(naive))
    plain = rec.digit_labels(references)
    return {
        "set": name,
        "n": len(images),
        "pipeline": correct.mean(),
        "pipeline_tta": correct_tta.mean(),
        "naive": (naive_labels == labels).mean(),
        "plain_mnist": (plain == labels).mean(),
        "no_digit": len(images) - len(found),
        "ms_per_image": 1000 * seconds / len(images),
        "wrong": np.flatnonzero(~correct).tolist(),  # positions in this set (generator seed [seed_base, set, i])
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="images per set (test digits, in a fixed shuffled order)")
    parser.add_argument("--digits", choices=("mnist", "real"), default="mnist", help="MNIST test, or real held-out handwriting")
    parser.add_argument("--seed-base", type=int, default=100_000, help="generator seeds; < 100000 were used for tuning")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS))
    parser.add_argument("--model", default=None, help="model path (default: the app's model resolution)")
    parser.add_argument("--data", default=None, help="MNIST .npz (default: $MNIST_NPZ, else Keras download)")
    parser.add_argument("--show-errors", action="store_true", help="list the images the pipeline got wrong or found no digit in")
    args = parser.parse_args()

    # The digits, and how the model reads each unrendered: an MNIST image as it is, a real one by the textbook recipe.
    if args.digits == "mnist":
        (_, _), (x_test, y_test) = load_mnist(args.data)
        images, labels, unrendered = list(x_test), y_test, lambda image: image.astype(np.float32) / 255.0
    else:
        (images, labels), unrendered = held_out_digits(), textbook_mnist
    order = np.random.default_rng(args.seed_base).permutation(len(labels))[: args.n]
    images, labels = [images[i] for i in order], labels[order]
    references = np.stack([unrendered(image) for image in images])
    rec = DigitRecognizer.load(args.model)
    what = "MNIST test images" if args.digits == "mnist" else "real held-out digits (UNIPEN, USPS)"
    print(f"model: {rec.origin}; {args.n} {what} per set, generator seeds {args.seed_base}+")
    reference = "MNIST" if args.digits == "mnist" else "recipe"
    print(f"{'set':<8} {'n':>6} {'pipeline':>9} {'+TTA':>7} {'naive':>7} {reference:>7} {'no digit':>9} {'ms/img':>7}")
    for name in args.sets.split(","):
        r = evaluate_set(rec, name, images, labels, references, args.seed_base)
        print(
            f"{r['set']:<8} {r['n']:>6} {r['pipeline']:>9.2%} {r['pipeline_tta']:>7.2%} {r['naive']:>7.2%} "
            f"{r['plain_mnist']:>7.2%} {r['no_digit']:>9} {r['ms_per_image']:>7.1f}"
        )
        if args.show_errors:
            print(f"  wrong or not found ({name}, positions i of seed [{args.seed_base}, set, i]): {r['wrong']}")


if __name__ == "__main__":
    main()
