"""Accuracy on real handwriting nobody here generated: USPS scans and UNIPEN stylus digits.

For each set (and each UNIPEN writer site), and for the digits at other sizes as people upload them (the
scans blown up, stylus digits shrunk, a fine pen on a bilevel scan, a form's field; MNIST's test digits
as 28x28 files), with the same model:
- pipeline: ``DigitRecognizer.predict`` on the image as given (a refusal counts as wrong);
- plain: the whole image squeezed into a 20x20 box, centred by mass;
- textbook: the textbook MNIST recipe (crop to the ink, longer side 20, centred by mass).
"flagged" is the share the recognizer called "not a digit" (its label still counts); ECE is the
expected calibration error of the answer's probability (15 bins), refusals left out.

UNIPEN sites the bundled model trained on are marked; the figures to quote are the
held-out sites (``mnist_demo.data.HELD_OUT_SITES``) and USPS, which no training saw.

    MNIST_NPZ=../shared/data/mnist.npz python benchmarks/real.py
    python benchmarks/real.py --n 1000 --source sketch
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository first on the path, in place of this folder: this folder's numbers.py would shadow the
# standard library's numbers (which NumPy imports), so no import may come before this line.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import time

import cv2
import numpy as np

from mnist_demo import DigitRecognizer, Prediction
from mnist_demo.data import HELD_OUT_SITES, load_mnist, load_real_dev
from mnist_demo.glyph import textbook_mnist
from mnist_demo.pipeline import plain_resize
from mnist_demo.report import expected_calibration_error


def evaluate(rec: DigitRecognizer, images: np.ndarray, labels: np.ndarray, source: str, tta: bool) -> dict:
    started = time.perf_counter()
    results = []
    for start in range(0, len(images), 256):
        results += rec.predict_batch(list(images[start : start + 256]), source=source, tta=tta)
    seconds = time.perf_counter() - started
    predicted = np.array([r.label if isinstance(r, Prediction) else -1 for r in results])
    confidence = np.array([r.top3[0][1] if isinstance(r, Prediction) else np.nan for r in results])
    flagged = np.array([isinstance(r, Prediction) and not r.is_digit for r in results])
    answered = predicted >= 0
    # The baselines are told the polarity (the sets are dark on light): they get every advantage.
    plain = rec.digit_labels(np.stack([plain_resize(255 - image) for image in images]))
    book = rec.digit_labels(np.stack([textbook_mnist(255 - image) for image in images]))
    return {
        "n": len(images),
        "pipeline": float((predicted == labels).mean()),
        "refused": float((predicted < 0).mean()),
        "flagged": float(flagged.mean()),
        "ece": expected_calibration_error(confidence[answered], predicted[answered] == labels[answered]),
        "plain": float((plain == labels).mean()),
        "textbook": float((book == labels).mean()),
        "ms": 1000 * seconds / len(images),
    }


def resized(images: np.ndarray, factor: float, interpolation: int) -> np.ndarray:
    return np.stack([cv2.resize(image, None, fx=factor, fy=factor, interpolation=interpolation) for image in images])


def resized_sets(usps: tuple[np.ndarray, np.ndarray], unipen: tuple[np.ndarray, np.ndarray]) -> list:
    """The digits at other sizes, as people upload them: scans blown up (pixels repeated, or smoothly), stylus
    digits shrunk (as they are, and cropped to the ink and stretched to fill a square, as some scanners normalize
    digits), a tight crop at 128 px (its fine pen's long bars look like rulings), a fine pen on a bilevel
    scan (no gray levels, the digit 50 px in a 128x128 page, strokes 2-5 px: a median filter breaks them),
    a form's field (the digit in a printed box), and two formats of old digit sets: the digit stretched to fill
    16x16 and made bilevel, and its 32x32 bitmap counted in 4x4 blocks (8x8 pixels, 17 gray levels)."""
    (usps_images, usps_labels), (unipen_images, unipen_labels) = usps, unipen
    tiny = resized(unipen_images, 1 / 8, cv2.INTER_AREA)  # 14x14, the digit's longer side 10 px
    stretched = np.stack([cv2.resize(ink_box(image), (10, 10), interpolation=cv2.INTER_AREA) for image in unipen_images])
    return [
        ("USPS blown up 10x, pixels repeated", resized(usps_images, 10, cv2.INTER_NEAREST), usps_labels),
        ("USPS blown up 10x, smoothly", resized(usps_images, 10, cv2.INTER_LINEAR), usps_labels),
        ("UNIPEN held-out, shrunk to 14x14", tiny, unipen_labels),
        ("UNIPEN held-out, 14x14 blown up 8x, smoothly", resized(tiny, 8, cv2.INTER_CUBIC), unipen_labels),
        ("UNIPEN held-out, cropped and stretched to fill 10x10", stretched, unipen_labels),
        ("UNIPEN held-out, enlarged to 128x128", resized(unipen_images, 128 / 112, cv2.INTER_LINEAR), unipen_labels),
        ("UNIPEN held-out, fine pen, bilevel 128x128", np.stack([bilevel_scan(image) for image in unipen_images]), unipen_labels),
        ("UNIPEN held-out, in a form's printed box", np.stack([in_printed_box(image) for image in unipen_images]), unipen_labels),
        (
            "UNIPEN held-out, stretched to fill 16x16, bilevel",
            np.stack([stretched_bilevel(image) for image in unipen_images]),
            unipen_labels,
        ),
        (
            "UNIPEN held-out, 8x8 in 17 levels (4x4 blocks of a 32x32 bitmap)",
            np.stack([block_counts(image) for image in unipen_images]),
            unipen_labels,
        ),
    ]


def stretched_bilevel(image: np.ndarray, side: int = 16) -> np.ndarray:
    """The digit's ink stretched to fill a ``side`` square, then black or white only."""
    return np.where(cv2.resize(ink_box(image), (side, side), interpolation=cv2.INTER_AREA) < 128, 0, 255).astype(np.uint8)


def block_counts(image: np.ndarray) -> np.ndarray:
    """The digit's ink as a 32x32 bitmap (aspect kept, centred), its 4x4 blocks counted: 8x8, dark on light, 17 levels."""
    ink = scaled(255 - ink_box(image), 32) >= 128
    bitmap = np.zeros((32, 32), np.uint8)
    top, left = (32 - ink.shape[0]) // 2, (32 - ink.shape[1]) // 2
    bitmap[top : top + ink.shape[0], left : left + ink.shape[1]] = ink
    counts = bitmap.reshape(8, 4, 8, 4).sum(axis=(1, 3))  # 0-16 pixels of ink per block
    return (255 - counts * 255 // 16).astype(np.uint8)


def in_printed_box(image: np.ndarray, side: int = 240, margin: int = 20, digit: int = 140) -> np.ndarray:
    """The digit ``digit`` px tall (longer side) in the middle of a form's field: a box printed 3 px wide."""
    field = np.full((side, side), 245, np.uint8)
    cv2.rectangle(field, (margin, margin), (side - 1 - margin, side - 1 - margin), 70, 3)
    return centred_on(field, scaled(ink_box(image), digit))


def bilevel_scan(image: np.ndarray, side: int = 128, digit: int = 50) -> np.ndarray:
    """The digit's ink shrunk to ``digit`` px (longer side) in the middle of a white ``side`` page, black or white only."""
    page = centred_on(np.full((side, side), 255, np.uint8), scaled(ink_box(image), digit))
    return np.where(page < 128, 0, 255).astype(np.uint8)


def scaled(crop: np.ndarray, longest: int) -> np.ndarray:
    """A crop scaled (area-averaged), aspect kept, so that its longer side is ``longest`` px."""
    scale = longest / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    return cv2.resize(crop, size, interpolation=cv2.INTER_AREA)


def centred_on(page: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """``page`` with the dark-on-light ``ink`` laid in its middle (the darker of the two wins)."""
    top, left = (page.shape[0] - ink.shape[0]) // 2, (page.shape[1] - ink.shape[1]) // 2
    inside = page[top : top + ink.shape[0], left : left + ink.shape[1]]
    page[top : top + ink.shape[0], left : left + ink.shape[1]] = np.minimum(inside, ink)
    return page


def ink_box(image: np.ndarray) -> np.ndarray:
    """A dark-on-light image cropped to its ink."""
    ys, xs = np.nonzero(image < 128)
    return image[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=0, help="at most this many images per set (0 = all)")
    parser.add_argument("--source", default="upload", help="the source the recognizer is told (default: upload)")
    parser.add_argument("--tta", action="store_true")
    parser.add_argument("--model", default=None, help="a .keras file (default: the one the app loads)")
    args = parser.parse_args()

    rec = DigitRecognizer.load(args.model)
    real = load_real_dev()
    sets: list[tuple[str, np.ndarray, np.ndarray]] = []
    usps = np.arange(len(real["usps_labels"]))[: args.n or None]
    sets.append(("USPS scans (never trained on)", real["usps_images"][usps], real["usps_labels"][usps]))
    writers = real["unipen_writers"]
    for name, chosen in (
        ("UNIPEN held-out sites", np.isin(writers, HELD_OUT_SITES)),
        ("UNIPEN training sites", ~np.isin(writers, HELD_OUT_SITES)),
    ):
        index = np.flatnonzero(chosen)[: args.n or None]
        sets.append((name, real["unipen_images"][index], real["unipen_labels"][index]))
    held = np.flatnonzero(np.isin(writers, HELD_OUT_SITES))[: args.n or None]
    sets += resized_sets(sets[0][1:], (real["unipen_images"][held], real["unipen_labels"][held]))
    # MNIST's own test digits saved as 28x28 files, dark on light: the format many a visitor uploads.
    _, (x_test, y_test) = load_mnist()
    sets.append(("MNIST test, uploaded as 28x28 files", 255 - x_test[: args.n or None], y_test[: args.n or None].astype(int)))
    for site in sorted(set(writers), key=lambda s: -int((writers == s).sum())):
        index = np.flatnonzero(writers == site)[: args.n or None]
        mark = "held out" if site in HELD_OUT_SITES else "trained on"
        sets.append((f"  UNIPEN {site} ({mark})", real["unipen_images"][index], real["unipen_labels"][index]))

    print(f"model: {rec.origin}; source={args.source!r}, tta={args.tta}\n")
    print("| set | n | pipeline | refused | flagged not a digit | ECE | plain resize | textbook recipe | ms/image |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, images, labels in sets:
        r = evaluate(rec, images, labels, args.source, args.tta)
        print(
            f"| {name} | {r['n']} | **{r['pipeline']:.2%}** | {r['refused']:.2%} | {r['flagged']:.2%} | {r['ece']:.2%} | "
            f"{r['plain']:.2%} | {r['textbook']:.2%} | {r['ms']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
