"""The gallery's record of a pipeline run: (caption, image) pairs, kept only when asked for.

The API and the benchmarks never look at the intermediate images, so recording is off
by default and costs nothing; the app turns it on. Images are kept by reference (no copy):
every stage makes new arrays rather than writing into old ones.

The page shows the steps as one contact sheet: one picture to encode and fetch per answer
instead of one per step, which is most of what a visitor (or an API client) waits for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

TILE = 200  # pixels per step on the sheet: a 28x28 digit is enlarged 7 times, crisply
CAPTION_HEIGHT = 22
GAP = 6
PAPER = 255  # white
TILE_BACKGROUND = (243, 244, 246)  # a light frame shows where a black-on-transparent layer ends
TEXT = (55, 65, 81)


@dataclass
class Steps:
    enabled: bool = True
    images: list[tuple[str, np.ndarray]] = field(default_factory=list)

    def add(self, caption: str, image: np.ndarray) -> None:
        if self.enabled:
            self.images.append((caption, image))


@lru_cache(maxsize=128)
def caption_strip(caption: str, width: int = TILE) -> np.ndarray:
    """The caption rendered once, centred on a white strip ``width`` wide, shortened with an ellipsis if it must be.

    Cached: the pipeline's captions are a few dozen fixed strings, and drawing text is a third of a sheet's cost.
    """
    font = ImageFont.load_default(size=14)
    strip = Image.new("RGB", (width, CAPTION_HEIGHT), (PAPER,) * 3)
    draw = ImageDraw.Draw(strip)
    text = caption
    while draw.textlength(text, font=font) > width and len(text) > 1:
        text = text[:-2] + "…"
    draw.text((width / 2, CAPTION_HEIGHT / 2), text, fill=TEXT, font=font, anchor="mm")
    result = np.asarray(strip)
    result.flags.writeable = False
    return result


def as_rgb(image: np.ndarray) -> np.ndarray:
    """uint8 RGB view of a step: gray and masks as gray, transparency over white paper."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    if image.shape[2] == 4:
        alpha = image[..., 3:].astype(np.float32) / 255.0
        return (image[..., :3] * alpha + 255.0 * (1.0 - alpha)).round().astype(np.uint8)
    return image


def fit_in_tile(image: np.ndarray, tile: int = TILE) -> np.ndarray:
    """The step scaled to fit a ``tile`` square, aspect kept: small ones enlarged by whole pixels, large ones averaged down."""
    height, width = image.shape[:2]
    longer = max(height, width)
    if longer <= tile:
        factor = tile // longer
        return cv2.resize(image, (width * factor, height * factor), interpolation=cv2.INTER_NEAREST) if factor > 1 else image
    size = (max(1, round(width * tile / longer)), max(1, round(height * tile / longer)))
    # A strided view down to at least the tile first: averaging a whole photo costs ten times as much, for no visible gain.
    stride = max(1, longer // tile)
    return cv2.resize(image[::stride, ::stride], size, interpolation=cv2.INTER_AREA)


def sheet_columns(count: int) -> int:
    """Columns for ``count`` tiles: about as many as rows, so that the sheet is about square (9 steps: 3x3; 11: 4x3)."""
    return max(1, int(np.ceil(np.sqrt(count))))


def contact_sheet(steps: list[tuple[str, np.ndarray]], columns: int | None = None, tile: int = TILE) -> np.ndarray:
    """Every step on one RGB image, in reading order, each in a square tile with its caption beneath."""
    if not steps:
        raise ValueError("a contact sheet needs at least one step")
    columns = min(columns or sheet_columns(len(steps)), len(steps))
    rows = -(-len(steps) // columns)
    cell_w, cell_h = tile + GAP, tile + CAPTION_HEIGHT + GAP
    sheet = np.full((rows * cell_h + GAP, columns * cell_w + GAP, 3), PAPER, np.uint8)
    for index, (caption, image) in enumerate(steps):
        top, left = GAP + (index // columns) * cell_h, GAP + (index % columns) * cell_w
        sheet[top : top + tile, left : left + tile] = TILE_BACKGROUND
        sheet[top + tile : top + tile + CAPTION_HEIGHT, left : left + tile] = caption_strip(caption, tile)
        fitted = as_rgb(fit_in_tile(image, tile))
        y, x = top + (tile - fitted.shape[0]) // 2, left + (tile - fitted.shape[1]) // 2
        sheet[y : y + fitted.shape[0], x : x + fitted.shape[1]] = fitted
    return sheet
