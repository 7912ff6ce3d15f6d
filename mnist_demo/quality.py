"""How much to trust the input: a 0-100 score and a badge from contrast, size and aspect ratio.

Each metric maps to 0-1 by a piecewise-linear ramp whose corners come from what
the pipeline handles well (measured with benchmarks/robustness.py):

- contrast, ink minus background in the gray image the threshold sees (after
  background flattening for photos), 0-1: below 0.1
  the threshold starts to lose strokes; from 0.35 up, strokes are crisp.
- relative size, digit height / image height: under 0.06 a digit is a few dozen
  pixels in a photo and JPEG or blur eat its strokes; 0.2-0.9 is ideal; a digit
  that fills the frame may be cut off.
- aspect ratio, width / height: handwritten digits lie between about 0.15 (a 1)
  and 1.0; much wider shapes are usually two digits or a stray line.

The score weights them 40 / 35 / 25 (contrast matters most: it decides the
threshold). Badges: Excellent >= 85, Good >= 70, Average >= 50, else Poor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WEIGHTS = {"contrast": 0.40, "size": 0.35, "aspect": 0.25}
BADGES = ((85, "Excellent"), (70, "Good"), (50, "Average"), (0, "Poor"))


@dataclass(frozen=True)
class Quality:
    score: int  # 0-100
    badge: str  # Excellent / Good / Average / Poor
    contrast: float  # 0-1
    relative_size: float  # digit height / image height
    aspect_ratio: float  # digit width / height

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "score": self.score,
            "badge": self.badge,
            "contrast": round(self.contrast, 3),
            "relative_size": round(self.relative_size, 3),
            "aspect_ratio": round(self.aspect_ratio, 3),
        }


def ramp(value: float, points: list[tuple[float, float]]) -> float:
    """Piecewise-linear map through (x, y) points, flat beyond the ends."""
    xs, ys = zip(*points)
    return float(np.interp(value, xs, ys))


def score_quality(contrast: float, relative_size: float, aspect_ratio: float) -> Quality:
    parts = {
        "contrast": ramp(contrast, [(0.05, 0.0), (0.1, 0.3), (0.35, 1.0)]),
        "size": ramp(relative_size, [(0.02, 0.0), (0.06, 0.4), (0.2, 1.0), (0.9, 1.0), (1.0, 0.7)]),
        "aspect": ramp(aspect_ratio, [(0.05, 0.3), (0.15, 1.0), (1.0, 1.0), (1.6, 0.2)]),
    }
    score = int(round(100 * sum(WEIGHTS[k] * v for k, v in parts.items())))
    badge = next(name for floor, name in BADGES if score >= floor)
    return Quality(score, badge, contrast, relative_size, aspect_ratio)
