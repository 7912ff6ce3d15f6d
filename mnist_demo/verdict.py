"""The verdict stage: the model's probabilities and the pipeline's evidence -> what to tell the user.

Every reason the pipeline or the model may have to doubt an image is a code
(``Reason``); the words the user reads are derived from the code, in one table.
Programs test codes, people read messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from .model import NOT_A_DIGIT, NUM_CLASSES, SEVERAL_DIGITS

# digit_score below this is "not a digit". Chosen with `benchmarks/not_a_digit.py --sweep`: at 0.4,
# 0.90% of real digits (MNIST test, USPS, UNIPEN held-out writers) and 0% of MNIST test are flagged,
# against 95% of letters, symbols, scribbles, shapes, noise and textures (0.5: 1.03% of real digits).
DIGIT_THRESHOLD = 0.4


class Reason(str, Enum):
    """Why an image is refused (blank) or doubted (everything else); the value is the stable code."""

    BLANK = "blank"
    BLANK_SHEET = "blank_sheet"
    SPECKS = "specks"
    TOO_SMALL = "too_small"
    TOO_WIDE = "too_wide"
    FILLED_SHAPE = "filled_shape"
    BUSY = "busy"
    CUT_OFF = "cut_off"
    TOUCHES_EDGE = "touches_edge"
    ALONG_EDGE = "along_edge"
    SEVERAL_SHAPES = "several_shapes"
    SEVERAL_DIGITS = "several_digits"
    NOT_A_DIGIT = "not_a_digit"
    BACKGROUND_REMOVAL_UNAVAILABLE = "background_removal_unavailable"

    @property
    def message(self) -> str:
        return MESSAGES[self]


MESSAGES = {
    Reason.BLANK: "The image looks blank: no digit found. Write one digit in dark ink on light paper (or light on dark).",
    Reason.BLANK_SHEET: "The sheet held up to the camera looks blank: write one digit on it, large, with a dark pen.",
    Reason.SPECKS: "Only specks were found. Draw the digit larger, with a thicker stroke.",
    Reason.TOO_SMALL: "The digit is too small: draw it larger or move the camera closer.",
    Reason.TOO_WIDE: "That shape is much wider than a digit: write a single digit, upright.",
    Reason.FILLED_SHAPE: "That looks like a filled shape, not a written digit: use a pen stroke on plain paper.",
    Reason.BUSY: "The image is too noisy or busy to find one digit: use a plain background, in good light.",
    Reason.CUT_OFF: "The shape runs off the edge of the picture: if it is the table or a shadow, crop closer to the digit.",
    Reason.TOUCHES_EDGE: "The digit touches the edge of the image: if part of it is cut off, the answer may be wrong.",
    Reason.ALONG_EDGE: "That shape runs along the edge of the photo, like the table, the sheet's edge or a shadow: "
    "write the digit inside the sheet, or crop to it.",
    Reason.SEVERAL_SHAPES: "There seem to be several separate shapes: only the largest was read.",
    Reason.SEVERAL_DIGITS: "This looks like more than one digit: the Number tab reads whole numbers.",
    Reason.NOT_A_DIGIT: "This doesn't look like a digit: the best guess is shown, greyed out.",
    Reason.BACKGROUND_REMOVAL_UNAVAILABLE: "Background removal is unavailable; the image was processed without it.",
}

# Reasons that, found by the pipeline, make a shape "not a digit" whatever the model says. A shape
# running off the picture is only a warning (a tight crop of a bold digit looks the same), unless it
# runs along the frame of a photo where the table or a shadow shows.
DISQUALIFYING = frozenset({Reason.TOO_SMALL, Reason.TOO_WIDE, Reason.FILLED_SHAPE, Reason.BUSY, Reason.ALONG_EDGE})


@dataclass(frozen=True)
class Verdict:
    """What the model and the pipeline together say about one glyph."""

    label: int
    probabilities: np.ndarray  # (10,), over the digits, sums to 1
    digit_score: float  # 0-1, how digit-like: the model's probability that this is a digit at all
    is_digit: bool
    reasons: tuple[Reason, ...]  # codes, in the order found

    @property
    def top3(self) -> list[tuple[int, float]]:
        order = np.argsort(-self.probabilities)[:3]
        return [(int(d), float(self.probabilities[d])) for d in order]


def decide(outputs: np.ndarray, evidence: tuple[Reason, ...] = ()) -> Verdict:
    """One verdict from the model's outputs (10 digits, not a digit, several digits) and the pipeline's reasons.

    The label is the likeliest digit; its probabilities are renormalized over the ten
    digits, so they say "which digit, if it is one". ``digit_score`` is the model's
    probability that it is a digit at all; a shape the pipeline found disqualifying
    scores at most half of that. A shape read as several digits is still a digit (one
    of them is the label), with a warning that points to the number reader.
    """
    outputs = np.asarray(outputs, np.float64)
    digits = outputs[:NUM_CLASSES]
    total = float(digits.sum())
    probabilities = digits / total if total > 0 else np.full(NUM_CLASSES, 1.0 / NUM_CLASSES)
    digit_score = 1.0 - float(outputs[NOT_A_DIGIT]) if len(outputs) > NUM_CLASSES else 1.0
    disqualified = any(reason in DISQUALIFYING for reason in evidence)
    if disqualified:
        digit_score *= 0.5
    is_digit = digit_score >= DIGIT_THRESHOLD and not disqualified
    several = len(outputs) > SEVERAL_DIGITS and outputs[SEVERAL_DIGITS] >= 0.5
    reasons = tuple(evidence) + ((Reason.SEVERAL_DIGITS,) if several else ()) + (() if is_digit else (Reason.NOT_A_DIGIT,))
    return Verdict(int(np.argmax(probabilities)), probabilities, float(np.clip(digit_score, 0.0, 1.0)), is_digit, reasons)
