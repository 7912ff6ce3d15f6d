"""How much to trust the input: a 0-100 score and a badge from contrast, size and aspect ratio.

Each metric maps to a part in 0-1 by a piecewise-linear ramp (flat beyond its end
corners). The corners come from what the pipeline handles well (the contrast ones
measured with benchmarks/robustness.py) and, for the aspect ratio, from the
bounding boxes of the 10,000 MNIST test digits:

- contrast, ink minus background in the gray image the threshold sees (after
  background flattening for photos), 0-1: 0 at 0.05 and below; 0.3 at 0.1, where
  the threshold starts to lose strokes; 1 from 0.35 up, where strokes are crisp.
- relative size, digit height / image height: 0 at 0.02 and below; 0.1 at 0.05,
  since a mark that small is as likely a speck, a pen tap or noise as a digit,
  and in a 480-pixel webcam frame it is at most 24 pixels tall, hardly more than the 20
  MNIST draws a digit at, so JPEG or blur eat its strokes; 0.5 at 0.1, readable
  but small; 1 from 0.2 to 0.9; 0.7 at 1.0, a digit that fills the frame: a
  tight crop is an ordinary input, but its edge may be cut off.
- aspect ratio, width / height: 1 from 0.1 to 1.2, where 95% of MNIST test digits
  lie (a 1 goes down to 0.1, the median 0 is 0.9: round is normal); 0.3 at 0.03,
  a hairline; 0.2 at 2.0, as wide as the widest 0.1% of MNIST (more often two
  digits, a dash or a stray line); 0.03 from 3.0 up.

The score is the weighted geometric mean of the three parts, weights 40 / 35 / 25
(contrast matters most: it decides the threshold), times 100. A geometric mean,
unlike a sum, lets one bad metric pull the score down however good the other two
are: a crisp round speck is still a speck, and a thin shape that is also tiny is
worse than either alone. With the other two parts ideal, a size of 0.05 or less
(a dot) is Poor, 0.1 is Good and a tight crop (1.0) stays Excellent; contrast
0.1 is Average and 0.07 or less Poor. Badges: Excellent >= 85, Good >= 70,
Average >= 50, else Poor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

WEIGHTS = {"contrast": 0.40, "size": 0.35, "aspect": 0.25}
BADGES = ((85, "Excellent"), (70, "Good"), (50, "Average"), (0, "Poor"))

# (value, part) corners; the module docstring says where each comes from.
CONTRAST_RAMP = [(0.05, 0.0), (0.1, 0.3), (0.35, 1.0)]
SIZE_RAMP = [(0.02, 0.0), (0.05, 0.1), (0.1, 0.5), (0.2, 1.0), (0.9, 1.0), (1.0, 0.7)]
ASPECT_RAMP = [(0.03, 0.3), (0.1, 1.0), (1.2, 1.0), (2.0, 0.2), (3.0, 0.03)]


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


def badge_for(score: int) -> str:
    """The badge of a 0-100 score: the first of BADGES whose floor the score reaches."""
    return next(name for floor, name in BADGES if score >= floor)


def score_quality(contrast: float, relative_size: float, aspect_ratio: float) -> Quality:
    """Score an input by its contrast, relative size and aspect ratio (see the module docstring)."""
    parts = {
        "contrast": ramp(contrast, CONTRAST_RAMP),
        "size": ramp(relative_size, SIZE_RAMP),
        "aspect": ramp(aspect_ratio, ASPECT_RAMP),
    }
    score = int(round(100 * math.prod(parts[k] ** w for k, w in WEIGHTS.items())))
    return Quality(score, badge_for(score), contrast, relative_size, aspect_ratio)
