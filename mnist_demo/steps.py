"""The gallery's record of a pipeline run: (caption, image) pairs, kept only when asked for.

The API and the benchmarks never look at the intermediate images, so recording is off
by default and costs nothing; the app turns it on. Images are kept by reference (no copy):
every stage makes new arrays rather than writing into old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Steps:
    enabled: bool = True
    images: list[tuple[str, np.ndarray]] = field(default_factory=list)

    def add(self, caption: str, image: np.ndarray) -> None:
        if self.enabled:
            self.images.append((caption, image))
