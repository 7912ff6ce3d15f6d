"""Telling digits from things that are not digits: letters, symbols, scribbles, shapes, noise, textures.

Every image goes through ``DigitRecognizer.predict_batch``; what is measured is
``Prediction.digit_score`` (0-1, higher is more digit-like) and ``Prediction.is_digit``
(the app's operating point). A refused image (``NoDigitFound``, ``InvalidImage``)
counts as flagged "not a digit", with digit_score 0.

Non-digits: handwritten letters from the held-out UNIPEN writer sites (letters written
exactly like a digit, ``DIGIT_LIKE_LETTERS``, left out); generated symbols, scribbles,
shapes, noise and textures (``render_non_digit``); symbols drawn on a transparent canvas;
symbols photographed on paper; blank sheets photographed (the table, the sheet's edges, rulings, a
margin and shadows in sight, and nothing written); blank sheets held up to a webcam in a room.
Real digits: MNIST test, USPS scans, UNIPEN held-out sites (pooled, these three are what the AUROC
compares against); UNIPEN held-out drawn on a canvas; MNIST test rendered as canvas sketches, as
phone photos and as sheets held up to a webcam.

Generated images use seeds [seed-base, set, i], from 1_000_000 up: training's generator
is seeded with 42, so no image here was trained on.

    MNIST_NPZ=../shared/data/mnist.npz python benchmarks/not_a_digit.py
    MNIST_NPZ=../shared/data/mnist.npz python benchmarks/not_a_digit.py --n 300 --sweep
    MNIST_NPZ=../shared/data/mnist.npz python benchmarks/not_a_digit.py --threshold 0.4
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository first on the path, in place of this folder: this folder's numbers.py would shadow the
# standard library's numbers (which NumPy imports), so no import may come before this line.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
from collections.abc import Callable
from functools import partial

import cv2
import numpy as np

from mnist_demo import DigitRecognizer, InvalidImage, NoDigitFound, Prediction, synthetic
from mnist_demo.data import DIGIT_LIKE_LETTERS, HELD_OUT_SITES, load_mnist, load_real_dev
from mnist_demo.synthetic import NON_DIGIT_KINDS, render_non_digit, render_photo, render_sketch
from mnist_demo.verdict import DIGIT_THRESHOLD

SEED_BASE = 1_000_000  # far from training's seed (42): generated images here were never trained on
CHUNK = 256  # images per predict_batch call: photos are large, so never all in memory at once
CANVAS_SIDE = 448
PHOTO_SHAPE = (480, 640)  # height, width of a "symbol photographed"
SWEEP = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
PLURAL = {"symbol": "symbols", "scribble": "scribbles", "shape": "shapes", "noise": "noise", "texture": "textures"}

# The project's targets for this benchmark.
TARGET_AUROC = 0.98
TARGET_NON_DIGITS_FLAGGED = 0.80
TARGET_REAL_FLAGGED = 0.01
TARGET_MNIST_FLAGGED = 0.003

Render = Callable[[int], np.ndarray]  # i -> the i-th image of a set
Outcomes = dict[str, np.ndarray]  # "score" (float), "is_digit" (bool), "label" (int, -1 when refused): one entry per image


# --- measures -----------------------------------------------------------------------------------


def auroc(positive_scores: np.ndarray, negative_scores: np.ndarray) -> float:
    """Area under the ROC curve: the chance a random positive scores above a random negative (ties count half).

    Rank-based (Mann-Whitney U), ties given their average rank, so it needs no threshold
    and no scipy. NaN when either side is empty.
    """
    positive = np.asarray(positive_scores, np.float64).ravel()
    negative = np.asarray(negative_scores, np.float64).ravel()
    if not len(positive) or not len(negative):
        return float("nan")
    values, inverse, counts = np.unique(np.concatenate([positive, negative]), return_inverse=True, return_counts=True)
    average_rank = np.cumsum(counts) - (counts - 1) / 2  # 1-based rank of each distinct value, averaged over its ties
    ranks = average_rank[inverse.ravel()]
    u = ranks[: len(positive)].sum() - len(positive) * (len(positive) + 1) / 2
    return float(u / (len(positive) * len(negative)))


def flagged(outcomes: Outcomes, threshold: float | None = None) -> np.ndarray:
    """Which images count as "not a digit": the app's verdict, or ``digit_score < threshold`` when one is given.

    The threshold looks at the score alone: a shape the pipeline disqualified (its score
    halved, so at most 0.5) escapes a threshold below its score, though the app flags it.
    """
    return ~outcomes["is_digit"] if threshold is None else outcomes["score"] < threshold


def pooled(sets: list[Outcomes]) -> Outcomes:
    """Several sets' outcomes as one, each image weighing the same."""
    return {key: np.concatenate([s[key] for s in sets]) for key in sets[0]}


# --- running the recognizer -----------------------------------------------------------------------


def outcome(result: Prediction | NoDigitFound | InvalidImage) -> tuple[float, bool, int]:
    """(digit_score, is_digit, label) of one answer; a refusal is the surest "not a digit": (0.0, False, -1)."""
    if isinstance(result, Prediction):
        return result.digit_score, result.is_digit, result.label
    return 0.0, False, -1


def score_set(rec: DigitRecognizer, render: Render, count: int, source: str) -> Outcomes:
    """The recognizer's outcomes for ``render(0) .. render(count - 1)``, rendered and recognized CHUNK at a time."""
    rows = []
    for start in range(0, count, CHUNK):
        batch = [render(i) for i in range(start, min(start + CHUNK, count))]
        rows += [outcome(result) for result in rec.predict_batch(batch, source=source, tta=False)]
    scores, is_digit, labels = zip(*rows) if rows else ((), (), ())
    return {
        "score": np.array(scores, np.float64),
        "is_digit": np.array(is_digit, bool),
        "label": np.array(labels, np.int64),
    }


# --- the images -------------------------------------------------------------------------------------


def rng_for(seed_base: int, set_id: int, i: int) -> np.random.Generator:
    """The generator of image ``i`` of generated set ``set_id``: any image can be regenerated on its own."""
    return np.random.default_rng([seed_base, set_id, i])


def as_canvas_layer(dark_on_light: np.ndarray) -> np.ndarray:
    """A dark-on-light gray image as a sketchpad layer: black ink, its darkness in the alpha channel."""
    rgba = np.zeros((*dark_on_light.shape, 4), np.uint8)
    rgba[:, :, 3] = 255 - dark_on_light
    return rgba


def photograph(glyph: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A plain phone photo (RGB) of a dark-on-light glyph on paper: slight lighting gradient, sensor noise, JPEG 70.

    Simpler than ``render_photo`` (no ruling, shadow or perspective): what is tested is the
    glyph, not the page.
    """
    height, width = PHOTO_SHAPE
    side = glyph.shape[0]
    ink = np.zeros((height, width), np.float32)  # 1 where the pen covers the paper
    y, x = int(rng.integers(0, height - side + 1)), int(rng.integers(0, width - side + 1))
    ink[y : y + side, x : x + side] = (255 - glyph.astype(np.float32)) / 255
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xx / width + np.sin(angle) * yy / height + 1) / 2
    paper = rng.uniform(200, 245) * (1 - rng.uniform(0, 0.15) * ramp)
    gray = paper + (rng.uniform(20, 60) - paper) * ink
    gray += rng.normal(0, rng.uniform(2, 6), gray.shape)
    rgb = cv2.cvtColor(np.clip(gray, 0, 255).round().astype(np.uint8), cv2.COLOR_GRAY2RGB)
    _, jpeg = cv2.imencode(".jpg", rgb, [cv2.IMWRITE_JPEG_QUALITY, 70])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


def generated_non_digit(i: int, kind: str, set_id: int, seed_base: int) -> np.ndarray:
    """Image ``i`` of a generated set of one kind (112x112, dark on light)."""
    return render_non_digit(kind, rng_for(seed_base, set_id, i))


def symbol_on_canvas(i: int, set_id: int, seed_base: int) -> np.ndarray:
    """A symbol drawn on a transparent 448x448 sketchpad (black ink in the alpha channel)."""
    return as_canvas_layer(render_non_digit("symbol", rng_for(seed_base, set_id, i), side=CANVAS_SIDE))


def symbol_photographed(i: int, set_id: int, seed_base: int) -> np.ndarray:
    """A symbol written on paper, 30-60% of the photo's height, photographed."""
    rng = rng_for(seed_base, set_id, i)
    side = int(rng.uniform(0.3, 0.6) * PHOTO_SHAPE[0])
    return photograph(render_non_digit("symbol", rng, side=side), rng)


def blank_sheet_photographed(i: int, set_id: int, seed_base: int) -> np.ndarray:
    """A phone photo of a sheet with nothing written on it, as ``render_photo`` takes them: what a photo shows
    besides the digit (the table, the sheet's edges, rulings, a margin, shadows) is all there is to find."""
    rng = rng_for(seed_base, set_id, i)
    width, height = synthetic.PHOTO_SIZES[int(rng.integers(len(synthetic.PHOTO_SIZES)))]
    return synthetic.photograph(np.zeros((height, width), np.float32), rng)


def blank_sheet_held_up(i: int, set_id: int, seed_base: int) -> np.ndarray:
    """A webcam frame of a sheet held up with nothing written on it (``held_up``): a room, a person, clutter."""
    return synthetic.held_up(np.zeros((100, 80), np.float32), rng_for(seed_base, set_id, i))


def rendered_digit(i: int, digits: np.ndarray, render: Callable, set_id: int, seed_base: int) -> np.ndarray:
    """MNIST digit ``i`` through ``render_sketch`` or ``render_photo``."""
    return render(digits[i], rng_for(seed_base, set_id, i))


def negative_sets(real: dict[str, np.ndarray], n: int, seed_base: int) -> list[tuple[str, str, int, Render]]:
    """(name, source, count, render) of each set of non-digits; set ids 0-6, 9 and 10 keep their seeds apart."""
    letters = np.isin(real["letters_writers"], HELD_OUT_SITES) & ~np.isin(real["letters_labels"], list(DIGIT_LIKE_LETTERS))
    letter_images = real["letters_images"][np.flatnonzero(letters)[:n]]
    sets = [("letters, held-out sites", "upload", len(letter_images), letter_images.__getitem__)]
    for set_id, kind in enumerate(NON_DIGIT_KINDS):
        sets.append(
            (
                f"generated {PLURAL[kind]}",
                "upload",
                n,
                partial(generated_non_digit, kind=kind, set_id=set_id, seed_base=seed_base),
            )
        )
    sets.append(("symbols on a canvas", "sketch", n, partial(symbol_on_canvas, set_id=5, seed_base=seed_base)))
    sets.append(("symbols photographed", "upload", n, partial(symbol_photographed, set_id=6, seed_base=seed_base)))
    sets.append(("blank sheets photographed", "upload", n, partial(blank_sheet_photographed, set_id=9, seed_base=seed_base)))
    sets.append(("blank sheets held up to a webcam", "webcam", n, partial(blank_sheet_held_up, set_id=10, seed_base=seed_base)))
    return sets


def positive_sets(
    real: dict[str, np.ndarray], x_test: np.ndarray, y_test: np.ndarray, n: int, seed_base: int
) -> list[tuple[str, str, int, Render, np.ndarray]]:
    """(name, source, count, render, labels) of each set of real digits; the first three are the pooled "real digits"."""
    held = np.flatnonzero(np.isin(real["unipen_writers"], HELD_OUT_SITES))[:n]
    unipen, unipen_labels = real["unipen_images"][held], real["unipen_labels"][held]
    usps, usps_labels = real["usps_images"][:n], real["usps_labels"][:n]
    mnist, mnist_labels = x_test[:n], y_test[:n]
    return [
        ("MNIST test", "mnist", len(mnist), mnist.__getitem__, mnist_labels),
        ("USPS scans", "upload", len(usps), usps.__getitem__, usps_labels),
        ("UNIPEN held-out sites", "upload", len(unipen), unipen.__getitem__, unipen_labels),
        ("UNIPEN held-out, on a canvas", "sketch", len(unipen), lambda i: as_canvas_layer(unipen[i]), unipen_labels),
        (
            "MNIST test, canvas sketches",
            "sketch",
            len(mnist),
            partial(rendered_digit, digits=mnist, render=render_sketch, set_id=7, seed_base=seed_base),
            mnist_labels,
        ),
        (
            "MNIST test, phone photos",
            "upload",
            len(mnist),
            partial(rendered_digit, digits=mnist, render=render_photo, set_id=8, seed_base=seed_base),
            mnist_labels,
        ),
        (
            "MNIST test, held up to a webcam",
            "webcam",
            len(mnist),
            partial(rendered_digit, digits=mnist, render=synthetic.render_held_sheet, set_id=11, seed_base=seed_base),
            mnist_labels,
        ),
    ]


# --- report ---------------------------------------------------------------------------------------


def mark(value: float, target: float, at_least: bool) -> str:
    """A figure beside its verdict against the target: ✓ met, ✗ missed."""
    met = value >= target if at_least else value <= target
    return "✓" if met else "✗"


def headline_rows(
    negatives: dict[str, Outcomes], real: Outcomes, mnist: Outcomes, threshold: float | None
) -> list[tuple[str, str, str]]:
    """(figure, target, value with ✓/✗) of each figure the project targets, at the app's verdict or at ``threshold``."""
    all_non_digits = pooled(list(negatives.values()))
    symbols_scribbles = pooled([negatives["generated symbols"], negatives["generated scribbles"]])
    letters_auroc = auroc(real["score"], negatives["letters, held-out sites"]["score"])
    symbols_auroc = auroc(real["score"], symbols_scribbles["score"])
    shares = [
        (
            "non-digits flagged (all sets pooled)",
            f">= {TARGET_NON_DIGITS_FLAGGED:.0%}",
            all_non_digits,
            TARGET_NON_DIGITS_FLAGGED,
            True,
        ),
        (
            "real digits flagged (MNIST test + USPS + UNIPEN held-out)",
            f"<= {TARGET_REAL_FLAGGED:.0%}",
            real,
            TARGET_REAL_FLAGGED,
            False,
        ),
        ("MNIST test flagged", f"<= {TARGET_MNIST_FLAGGED:.1%}", mnist, TARGET_MNIST_FLAGGED, False),
        ("generated noise flagged", "100%", negatives["generated noise"], 1.0, True),
        ("generated textures flagged", "100%", negatives["generated textures"], 1.0, True),
    ]
    rows = [
        (
            "AUROC real digits vs held-out letters",
            f">= {TARGET_AUROC}",
            f"{letters_auroc:.4f} {mark(letters_auroc, TARGET_AUROC, True)}",
        ),
        (
            "AUROC real digits vs generated symbols + scribbles",
            f">= {TARGET_AUROC}",
            f"{symbols_auroc:.4f} {mark(symbols_auroc, TARGET_AUROC, True)}",
        ),
    ]
    for name, target_text, outcomes, target, at_least in shares:
        share = float(flagged(outcomes, threshold).mean())
        rows.append((name, target_text, f"{share:.2%} {mark(share, target, at_least)}"))
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def negative_rows(negatives: dict[str, tuple[str, Outcomes]], real: Outcomes, threshold: float | None) -> list[list[str]]:
    """Per set of non-digits: name, source, n, share flagged, AUROC against the pooled real digits [, flagged at threshold]."""
    rows = []
    for name, (source, outcomes) in negatives.items():
        row = [name, source, str(len(outcomes["score"])), f"**{flagged(outcomes).mean():.2%}**"]
        row.append(f"{auroc(real['score'], outcomes['score']):.4f}")
        rows.append(row + ([f"{flagged(outcomes, threshold).mean():.2%}"] if threshold is not None else []))
    return rows


def positive_rows(positives: dict[str, tuple[str, Outcomes, np.ndarray]], threshold: float | None) -> list[list[str]]:
    """Per set of real digits: name, source, n, share wrongly flagged, label accuracy (refused: wrong) [, at threshold]."""
    rows = []
    for name, (source, outcomes, labels) in positives.items():
        row = [
            name,
            source,
            str(len(labels)),
            f"**{flagged(outcomes).mean():.2%}**",
            f"{(outcomes['label'] == labels).mean():.2%}",
        ]
        rows.append(row + ([f"{flagged(outcomes, threshold).mean():.2%}"] if threshold is not None else []))
    return rows


def sweep_rows(non_digits: Outcomes, real: Outcomes, mnist: Outcomes) -> list[list[str]]:
    """Per threshold in SWEEP: the shares of non-digits, real digits and MNIST test with digit_score below it."""
    return [[f"{t:g}"] + [f"{flagged(outcomes, t).mean():.2%}" for outcomes in (non_digits, real, mnist)] for t in SWEEP]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="at most this many images per set (default: 1000)")
    parser.add_argument("--threshold", type=float, default=None, help="also report the shares flagged by digit_score < THRESHOLD")
    parser.add_argument("--sweep", action="store_true", help="flagged shares at several thresholds (from the same scores)")
    parser.add_argument("--seed-base", type=int, default=SEED_BASE, help=f"generator seeds (default: {SEED_BASE})")
    parser.add_argument("--model", default=None, help="a .keras file (default: the one the app loads)")
    parser.add_argument("--data", default=None, help="MNIST .npz (default: $MNIST_NPZ, else Keras download)")
    args = parser.parse_args()

    rec = DigitRecognizer.load(args.model)
    real_dev = load_real_dev()
    (_, _), (x_test, y_test) = load_mnist(args.data)
    print(f"model: {rec.origin}; at most {args.n} images per set, generator seeds [{args.seed_base}, set, i]")
    print(f"flagged = not is_digit (digit_score >= {DIGIT_THRESHOLD:g} and nothing disqualifying), or refused\n")

    positives, negatives = {}, {}
    for name, source, count, render, labels in positive_sets(real_dev, x_test, y_test, args.n, args.seed_base):
        print(f"  scoring {name} ({count})", file=sys.stderr, flush=True)
        positives[name] = (source, score_set(rec, render, count, source), labels)
    for name, source, count, render in negative_sets(real_dev, args.n, args.seed_base):
        print(f"  scoring {name} ({count})", file=sys.stderr, flush=True)
        negatives[name] = (source, score_set(rec, render, count, source))
    mnist = positives["MNIST test"][1]
    real = pooled([mnist, positives["USPS scans"][1], positives["UNIPEN held-out sites"][1]])
    non_digits = {name: outcomes for name, (_, outcomes) in negatives.items()}

    at = [f"flagged at score < {args.threshold:g}"] if args.threshold is not None else []
    print(
        table(
            ["not a digit", "source", "n", "flagged", "AUROC vs real digits", *at], negative_rows(negatives, real, args.threshold)
        )
    )
    print()
    print(
        table(["real digit", "source", "n", "wrongly flagged", "label accuracy", *at], positive_rows(positives, args.threshold))
    )
    print()
    headlines = [list(row) for row in headline_rows(non_digits, real, mnist, None)]
    if args.threshold is not None:
        for row, (*_, value) in zip(headlines, headline_rows(non_digits, real, mnist, args.threshold)):
            row.append(value)
    print(table(["headline", "target", "flagged = not is_digit", *[f"score < {args.threshold:g}" for _ in at]], headlines))
    if args.sweep:
        print()
        header = ["flagged when digit_score <", "non-digits flagged", "real digits flagged", "MNIST test flagged"]
        print(table(header, sweep_rows(pooled(list(non_digits.values())), real, mnist)))


if __name__ == "__main__":
    main()
