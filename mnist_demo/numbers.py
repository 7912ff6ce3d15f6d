"""Reading a whole number: the page's regions -> one glyph per digit, left to right.

    regions (every shape) -> drop specks and the table -> merge the pieces of one digit
    (a 5's flag, a 7's bar, a 4 in two strokes) -> split shapes wider than a digit
    where the model is most confident about both halves -> one glyph each -> one model call

Segmentation errs towards asking the model: a touching pair is split at the
column where the two halves read most confidently as digits, not only at a gap
in the ink, and it stays whole when no cut reads better than the whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .glyph import Glyph, make_glyph
from .model import NOT_A_DIGIT, NUM_CLASSES
from .page import Page
from .regions import Region, find_regions, stroke_width

MAX_DIGITS = 12
MERGE_OVERLAP = 0.5  # shapes overlapping horizontally by this share of the narrower one ...
MERGE_SMALLER = 0.65  # ... are one digit if one is much shorter (a 5's flag, a 7's bar) or they hardly overlap vertically
FRAGMENT_HEIGHT = 0.4  # shapes shorter than this share of a digit's height are pieces of a neighbour
SPLIT_ASPECT = 0.8  # shapes wider than this times a digit's height may be several digits (a 1 touching a 2)
CERTAINLY_SEVERAL = 1.7  # ... and wider than this surely are
SPLIT_MARGIN = 0.15  # a cut is taken when both halves read this much more surely than the whole

Classify = Callable[[np.ndarray], np.ndarray]  # (N, 28, 28) glyph images -> (N, 11) model outputs


@dataclass(frozen=True)
class Segment:
    """One digit's region and its glyph."""

    region: Region
    glyph: Glyph


def digit_like(outputs: np.ndarray) -> np.ndarray:
    """How surely each output reads as one digit: top digit probability times the digit score."""
    digits = outputs[:, :NUM_CLASSES]
    score = 1.0 - outputs[:, NOT_A_DIGIT] if outputs.shape[1] > NUM_CLASSES else 1.0
    return digits.max(axis=1) / np.maximum(digits.sum(axis=1), 1e-12) * score


def union(a: Region, b: Region, mask: np.ndarray) -> Region:
    """The region covering two regions (their ink only, taken from the page mask)."""
    x0, y0 = min(a.box[0], b.box[0]), min(a.box[1], b.box[1])
    x1 = max(a.box[0] + a.box[2], b.box[0] + b.box[2])
    y1 = max(a.box[1] + a.box[3], b.box[1] + b.box[3])
    crop = np.zeros((y1 - y0, x1 - x0), np.uint8)
    for r in (a, b):
        x, y, w, h = r.box
        crop[y - y0 : y - y0 + h, x - x0 : x - x0 + w] |= r.mask
    return region_from_crop(crop, x0, y0, mask.shape)


def region_from_crop(crop: np.ndarray, x0: int, y0: int, page_shape: tuple[int, int]) -> Region:
    """A Region from a crop of ink at (x0, y0), trimmed to its ink."""
    ys, xs = np.nonzero(crop)
    top, left = int(ys.min()), int(xs.min())
    trimmed = crop[top : int(ys.max()) + 1, left : int(xs.max()) + 1]
    x, y = x0 + left, y0 + top
    h, w = trimmed.shape
    touches = x <= 0 or y <= 0 or x + w >= page_shape[1] or y + h >= page_shape[0]
    return Region((x, y, w, h), int(np.count_nonzero(trimmed)), stroke_width(trimmed), touches, trimmed)


def candidate_regions(page: Page) -> list[Region]:
    """The shapes that may be digits: no specks far smaller than the rest, no table or shadow along the frame."""
    regions = find_regions(page.mask)
    inner = [r for r in regions if not r.touches_border]
    if page.settings.reject_border and not page.low_resolution and inner:
        # In a photo, what touches the frame is the table, the sheet's edge or a shadow: a number
        # written on the sheet stands clear of it.
        regions = inner
    if not regions:
        return []
    # Specks (dust, a pen's slip): far shorter and lighter than the digits around them.
    height = float(np.median([r.box[3] for r in regions]))
    area = float(np.median([r.area for r in regions]))
    return [r for r in regions if r.box[3] >= 0.25 * height or r.area >= 0.1 * area]


def merge_pieces(regions: list[Region], mask: np.ndarray) -> list[Region]:
    """Join the strokes of one digit: shapes stacked over each other, and fragments beside a digit."""
    regions = sorted(regions, key=lambda r: r.box[0])
    changed = True
    while changed and len(regions) > 1:
        changed = False
        height = float(np.median([r.box[3] for r in regions]))
        for i in range(len(regions) - 1):
            a, b = regions[i], regions[i + 1]
            overlap = min(a.box[0] + a.box[2], b.box[0] + b.box[2]) - max(a.box[0], b.box[0])
            beside = min(a.box[1] + a.box[3], b.box[1] + b.box[3]) - max(a.box[1], b.box[1])
            shorter = min(a.box[3], b.box[3])
            one_digit = shorter < MERGE_SMALLER * max(a.box[3], b.box[3]) or beside < 0.3 * shorter
            stacked = overlap >= MERGE_OVERLAP * min(a.box[2], b.box[2]) and one_digit
            gap = max(0, b.box[0] - (a.box[0] + a.box[2]))
            fragment = min(a.box[3], b.box[3]) < FRAGMENT_HEIGHT * height and gap < 0.25 * height
            # A stroke broken in two (a 1 whose ink thinned out): two short pieces, one above the
            # other, together as tall as one digit.
            top, bottom = min(a.box[1], b.box[1]), max(a.box[1] + a.box[3], b.box[1] + b.box[3])
            halves = max(a.box[3], b.box[3]) < 0.7 * height and bottom - top <= 1.25 * height and beside < 0.2 * shorter
            if stacked or fragment or (halves and gap < 0.3 * height):
                regions[i : i + 2] = [union(a, b, mask)]
                changed = True
                break
    return regions


def cut(region: Region, column: int, page_shape: tuple[int, int]) -> tuple[Region, Region] | None:
    """The region cut by a vertical line at ``column`` (relative to its box); None if a side is empty."""
    left, right = region.mask[:, :column], region.mask[:, column:]
    if not left.any() or not right.any():
        return None
    x, y = region.box[:2]
    return region_from_crop(left, x, y, page_shape), region_from_crop(right, x + column, y, page_shape)


def split_wide(region: Region, page: Page, classify: Classify, height: float, depth: int = 0) -> list[Region]:
    """One region, or the digits it holds: cut where both halves read most surely as digits.

    ``height`` is a digit's height on this page (the median of the shapes found).
    """
    x, y, w, h = region.box
    h = max(h, height)
    if w <= SPLIT_ASPECT * h or depth >= 4:
        return [region]
    columns = np.unique(np.linspace(0.15 * w, 0.85 * w, 16).astype(int))
    pairs = [
        (c, halves)
        for c in columns
        if (halves := cut(region, int(c), page.mask.shape)) is not None
        and all(part.box[3] >= 0.5 * h and part.box[2] >= 0.1 * h for part in halves)  # each half as tall as a digit
    ]
    if not pairs:
        return [region]
    glyphs = [glyph_of(region, page)] + [glyph_of(part, page) for _, halves in pairs for part in halves]
    sureness = digit_like(classify(np.stack([g.image for g in glyphs])))
    whole, halves_sureness = sureness[0], sureness[1:].reshape(len(pairs), 2)
    best = int(np.argmax(halves_sureness.min(axis=1)))
    if halves_sureness[best].min() <= max(whole, 0.5) + SPLIT_MARGIN and w < CERTAINLY_SEVERAL * h:
        return [region]
    left, right = pairs[best][1]
    return split_wide(left, page, classify, height, depth + 1) + split_wide(right, page, classify, height, depth + 1)


def glyph_of(region: Region, page: Page) -> Glyph:
    return make_glyph(page.gray, region, page.scale, page.low_resolution)


def segment(page: Page, classify: Classify) -> list[Segment]:
    """The digits of a number, left to right, each with its glyph (at most MAX_DIGITS)."""
    regions = merge_pieces(candidate_regions(page), page.mask)
    height = float(np.median([r.box[3] for r in regions])) if regions else 0.0
    digits = [part for region in regions for part in split_wide(region, page, classify, height)]
    digits = sorted(digits, key=lambda r: r.box[0] + r.box[2] / 2)[:MAX_DIGITS]
    return [Segment(region, glyph_of(region, page)) for region in digits]


def draw_segmentation(gray: np.ndarray, segments: list[Segment], labels: list[str], sure: list[bool]) -> np.ndarray:
    """The page with each digit's box and reading: green when sure, orange when not."""
    image = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)
    thickness = max(1, max(gray.shape) // 250)
    for segment, label, ok in zip(segments, labels, sure):
        x, y, w, h = segment.region.box
        colour = (0, 200, 0) if ok else (255, 140, 0)
        cv2.rectangle(image, (x, y), (x + w - 1, y + h - 1), colour, thickness)
        cv2.putText(image, label, (x, max(12, y - 4)), cv2.FONT_HERSHEY_SIMPLEX, max(0.5, h / 120), colour, thickness + 1)
    return image
