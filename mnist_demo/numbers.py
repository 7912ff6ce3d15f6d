"""Reading a whole number: the page's regions -> one glyph per digit, left to right.

    regions (every shape) -> drop specks and the table -> merge the pieces of one digit
    (a 5's flag, a 7's bar, a 4 in two strokes) -> read every shape whole, at two sizes (one model call)
    -> the shapes that may be several digits: every piece between two candidate cuts
    (one model call for all of them) -> the partition that reads most surely -> one glyph each

Segmentation errs towards asking the model: a touching pair is split where its
pieces read most surely as digits, not only at a gap in the ink, and it stays
whole when no partition reads better than the whole. The cuts lean with the
writing, and the choice among 1, 2, 3... pieces is a small dynamic programme
over the cuts, so a wide shape need not be cut in two and then again. A shape the
model reads surely as one digit stays whole (a 1 written into its neighbour reads
as "several digits", not surely as the neighbour), and a piece read as a 1 must be
steep enough to be one, not a 1's flag cut free.
The other way round, two neighbouring shapes that overlap side by side (a 4 written
as an L and a stroke), or that are both too short to be digits, are read together too,
and joined when the model reads the two as one digit more surely than as two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .glyph import Glyph, make_glyph
from .model import NUM_CLASSES, NUM_OUTPUTS, SEVERAL_DIGITS
from .page import Page, closer_side_for_pen, read_page
from .regions import Region, find_regions, meets_frame_briefly, stroke_width

MAX_DIGITS = 12
SPECK = 0.25  # a shape shorter and narrower than this share of a digit's height is a speck, unless it has much ink
READ_HEIGHT = 56  # digits shorter than this (working pixels) in a larger picture are looked at again, closer ...
MAX_CLOSER_SIDE = 1600  # ... at a working size of at most this (longer side)
MERGE_OVERLAP = 0.5  # shapes overlapping horizontally by this share of the narrower one ...
MERGE_SMALLER = 0.65  # ... are one digit if one is much shorter (a 5's flag, a 7's bar) or they hardly overlap vertically
ON_LINE = 1.0  # a shape wholly further than this times a digit's height from the line of writing (its centres) is not in it
DIGIT_TALL = 0.7  # a digit at least this share of the digits' height lies half in the band of writing (``in_band``)
STROKE = 3.0  # a shape this many times longer than thick is one straight stroke: a 1, never two digits
FRAGMENT_HEIGHT = 0.4  # shapes shorter than this share of a digit's height are pieces of a neighbour
SPLIT_ASPECT = 0.8  # a piece wider than this times a digit's height pays for its width (WIDE_COST) ...
CERTAINLY_SEVERAL = 2.3  # ... and one wider than this is surely several digits (a 2 may be written twice as wide as tall) ...
WIDEST_WHOLE = 3.0  # ... unless it is a whole shape the model reads as one digit: a writer's flat 2 or 7 is wider still
NARROWEST_PAIR = 0.45  # narrower shapes are one digit (a 1 touching a 7 is wider) unless the model reads several (two 1s)
SURE_WHOLE = 0.9  # a shape read this surely as one digit is not cut (unless far wider than a digit)
SEVERAL = 1.2  # a shape narrower than this times a digit's height is cut in two at most
CUT_STEP = 0.05  # candidate cuts this share of a digit's height apart
SLOPES = (-0.3, -0.15, 0.0, 0.15, 0.3)  # the leans a cut may take (x per row down): handwriting slants
MIN_WIDTH = 0.1  # a piece narrower than this times a digit's height is a sliver, not a digit
PIECE_COST = 1.2  # each digit read costs this much (in -log sureness): a cut must earn its piece
WIDE_COST = 1.0  # ... and a piece wider than SPLIT_ASPECT this much per digit height of excess width
CUT_ONE_WIDTH = 0.7  # a piece cut from a shape is a 1 only if at most this wide for its height (see ``not_a_flag``) ...
ONE_OF_TWO = 0.8  # ... and, cut from a shape no wider than that, at least this share of the shape's height
CROPPED_HEIGHT = 0.5  # a number whose digits are this share of the picture's height is a crop of it ...
SAME_PEN = 1.5  # ... and a shape at its frame at most this much thicker and taller than its digits is one too
JOIN_OVERLAP = 0.25  # neighbours side by side over this share of the narrower one may be the strokes of one digit ...
JOIN_WIDTH, JOIN_HEIGHT = 1.0, 1.4  # ... if together no wider and taller than this times a digit's height
JOIN_SHORT, JOIN_GAP = 0.7, 0.3  # two shapes shorter than this (times a digit's height), this far apart at most, may be too

Classify = Callable[[np.ndarray], np.ndarray]  # (N, 28, 28) glyph images -> (N, NUM_OUTPUTS) model outputs


@dataclass(frozen=True)
class Segment:
    """One digit's region and its glyph."""

    region: Region
    glyph: Glyph


def digit_like(outputs: np.ndarray) -> np.ndarray:
    """How surely each output reads as one digit: the top digit's share of the digits, times the chance of one digit at all.

    What is not one digit is every output past the ten: "not a digit" and "several digits".
    """
    digits = outputs[:, :NUM_CLASSES]
    score = 1.0 - outputs[:, NUM_CLASSES:].sum(axis=1)
    return digits.max(axis=1) / np.maximum(digits.sum(axis=1), 1e-12) * score


def whole_sureness(outputs: np.ndarray, smaller: np.ndarray) -> np.ndarray:
    """How surely each shape reads as one digit, from its glyph at MNIST's 20 pixels (``outputs``) and at 16 (``smaller``).

    Some writers' digits are odd to the model at full size and plain a little smaller (a 4
    in two crossing strokes reads "not a digit" at 20 pixels and a 4 at 16, as a European
    1's flag reads as a 7's bar at 20 and a flag at 16), and a digit doubted whole is cut
    into pieces. A touching pair reads as one digit at 16 pixels too, but at 20 the model
    says "several digits": that doubt the smaller view may not overrule.
    """
    return np.maximum(digit_like(outputs), digit_like(smaller) * (1.0 - outputs[:, SEVERAL_DIGITS]))


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
    if page.settings.reject_border and not page.low_resolution and page.plain_ground:
        inner = cropped_digits(regions, page.mask.shape)
    if page.settings.reject_border and not page.low_resolution and inner:
        # In a photo, what touches the frame is the table, the sheet's edge or a shadow: a number
        # written on the sheet stands clear of it. On a plain ground, it may be cropped tight.
        regions = inner
    if not regions:
        return []
    # Specks (dust, a pen's slip): small every way and light beside the digits. The digits are the
    # substantial shapes, however many specks there are. A stroke is long one way, however flat or
    # thin: a 5's flag or a 7's bar written apart, in a finer pen than a bold neighbour.
    biggest = max(r.area for r in regions)
    digits = [r for r in regions if r.area >= 0.25 * biggest]
    height = float(np.median([r.box[3] for r in digits]))
    area = float(np.median([r.area for r in digits]))
    line = line_of_writing(digits)
    return [r for r in regions if (max(r.box[2:]) >= SPECK * height or r.area >= 0.1 * area) and on_line(r, line, height)]


def cropped_digits(regions: list[Region], shape: tuple[int, int]) -> list[Region]:
    """The regions of a number on a plain ground (``Page.plain_ground``) that may be digits, though some touch the frame.

    A number cropped tight fills the picture's height (CROPPED_HEIGHT) and touches the frame: a digit
    the crop cut meets it only where its strokes cross it (``meets_frame_briefly``), and a 1 cut at
    its ink lies along it, about the size of the other digits and in the same pen (SAME_PEN). A
    number photographed on its sheet is a small part of the picture, clear of the frame, and what
    touches it there (the sheet's edge, a table's, a shadow) is not a digit, however like a 1 it looks.
    """
    candidates = [r for r in regions if not r.touches_border or meets_frame_briefly(r, shape)]
    if not candidates:
        return []
    biggest = max(r.area for r in candidates)
    digits = [r for r in candidates if r.area >= 0.1 * biggest]  # not the specks
    tall = float(np.median([r.box[3] for r in digits]))
    if tall < CROPPED_HEIGHT * shape[0]:
        return [r for r in regions if not r.touches_border]
    pen = float(np.median([r.stroke_width for r in digits]))

    def like_the_digits(r: Region) -> bool:
        return r.stroke_width <= SAME_PEN * pen and r.box[3] <= SAME_PEN * tall and r.box[2] <= CERTAINLY_SEVERAL * tall

    brief = {id(r) for r in candidates}  # (by identity: a Region holds an array, so == would compare arrays)
    return [r for r in regions if id(r) in brief or like_the_digits(r)]


def line_of_writing(digits: list[Region]) -> tuple[float, float]:
    """The line the digits' centres lie on, y = a + b x: Theil-Sen, so a stray shape cannot tilt it."""
    xs = np.array([r.box[0] + r.box[2] / 2 for r in digits])
    ys = np.array([r.box[1] + r.box[3] / 2 for r in digits])
    i, j = np.triu_indices(len(digits), k=1)
    apart = xs[j] != xs[i]
    slope = float(np.median((ys[j] - ys[i])[apart] / (xs[j] - xs[i])[apart])) if apart.any() else 0.0
    return float(np.median(ys - slope * xs)), slope


def on_line(region: Region, line: tuple[float, float], height: float) -> bool:
    """Whether a shape reaches the band of writing around ``line``: what lies wholly above or below it is not in the number."""
    x, y, w, h = region.box
    centre = line[0] + line[1] * (x + w / 2)
    return y <= centre + ON_LINE * height and y + h >= centre - ON_LINE * height


def in_band(region: Region, line: tuple[float, float], height: float) -> bool:
    """Whether a digit (its pieces joined) is written on ``line``: it reaches the band half a digit's height either side,
    and one as tall as a digit lies half in it (a scrap of a margin rule, or a digit of the line below, by a sliver)."""
    x, y, w, h = region.box
    centre = line[0] + line[1] * (x + w / 2)
    inside = min(y + h, centre + height / 2) - max(y, centre - height / 2)
    return inside >= 0.5 * h if h >= DIGIT_TALL * height else inside > 0


def merge_pieces(regions: list[Region], mask: np.ndarray) -> list[Region]:
    """Join the strokes of one digit: shapes stacked over each other, and fragments beside a digit.

    A piece over or under a shape belongs to it before a neighbour beside it: a 2's top broken
    off over its body joins the body, not the digit before, though near enough to it.
    """
    regions = sorted(regions, key=lambda r: r.box[0])
    while len(regions) > 1:
        height = float(np.median([r.box[3] for r in regions]))
        joins = [pieces_of_one(a, b, height) for a, b in zip(regions, regions[1:])]
        if not any(joins):
            break
        i = min((k for k, join in enumerate(joins) if join), key=lambda k: (joins[k] != "stacked", k))
        regions[i : i + 2] = [union(regions[i], regions[i + 1], mask)]
    return regions


def pieces_of_one(a: Region, b: Region, height: float) -> str | None:
    """How two neighbouring shapes (``a`` left of ``b``) are pieces of one digit: "stacked" (one over the
    other, one much shorter or hardly beside it), a "fragment" beside a digit, or "halves" of a broken
    stroke; None if they are not."""
    overlap = min(a.box[0] + a.box[2], b.box[0] + b.box[2]) - max(a.box[0], b.box[0])
    beside = min(a.box[1] + a.box[3], b.box[1] + b.box[3]) - max(a.box[1], b.box[1])
    shorter = min(a.box[3], b.box[3])
    one_digit = shorter < MERGE_SMALLER * max(a.box[3], b.box[3]) or beside < 0.3 * shorter
    if overlap >= MERGE_OVERLAP * min(a.box[2], b.box[2]) and one_digit:
        return "stacked"
    gap = max(0, b.box[0] - (a.box[0] + a.box[2]))
    if shorter < FRAGMENT_HEIGHT * height and gap < 0.25 * height:
        return "fragment"
    # A stroke broken in two (a 1 whose ink thinned out): two short pieces, one above the
    # other, together as tall as one digit.
    top, bottom = min(a.box[1], b.box[1]), max(a.box[1] + a.box[3], b.box[1] + b.box[3])
    halves = max(a.box[3], b.box[3]) < 0.7 * height and bottom - top <= 1.25 * height and beside < 0.2 * shorter
    return "halves" if halves and gap < 0.3 * height else None


def is_straight_stroke(region: Region) -> bool:
    """Whether a shape is one straight stroke, however it leans: STROKE times longer (along its axis) than thick."""
    ys, xs = np.nonzero(region.mask)
    points = np.column_stack([xs, ys]).astype(np.float32)
    vx, vy, cx, cy = cv2.fitLine(points, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    along = (points - [cx, cy]) @ np.array([vx, vy])
    across = (points - [cx, cy]) @ np.array([-vy, vx])
    return float(np.ptp(along)) + 1 >= STROKE * (float(np.ptp(across)) + 1)


def cut_lines(shape: tuple[int, int], column: float, slope: float) -> np.ndarray:
    """For each row of a (h, w) box, the x where a cut through ``column`` at mid-height leaning by ``slope`` passes."""
    rows = np.arange(shape[0], dtype=np.float64)
    return column + slope * (rows - (shape[0] - 1) / 2)


def ink_crossed(mask: np.ndarray, column: float, slope: float) -> np.ndarray:
    """The ink under a cut line, row by row: True where it crosses a stroke."""
    xs = np.clip(np.round(cut_lines(mask.shape, column, slope)).astype(int), 0, mask.shape[1] - 1)
    return mask[np.arange(mask.shape[0]), xs] > 0


@dataclass(frozen=True)
class Pieces:
    """The candidate pieces of one region: ``parts[i, j]`` lies between cut i and cut j; cut ``last`` is its right edge."""

    last: int
    parts: dict[tuple[int, int], Region]


@dataclass(frozen=True)
class Cut:
    """A straight cut through a region: its x at mid-height (relative to the box) and its lean (x per row down)."""

    column: float
    slope: float


def candidate_cuts(region: Region, height: float) -> list[Cut]:
    """Cuts every CUT_STEP of a digit's height across the region, each at the lean that crosses the least ink.

    Handwriting leans, and a leaning pair overlaps: a vertical cut would take a slice of
    one digit into the other, a cut along the lean passes between them.
    """
    step = max(1.0, CUT_STEP * height)
    columns = np.arange(step, region.box[2] - 0.5 * step, step)
    least_ink = [min(SLOPES, key=lambda s: (np.count_nonzero(ink_crossed(region.mask, c, s)), abs(s))) for c in columns]
    return [Cut(float(c), slope) for c, slope in zip(columns, least_ink)]


def piece(region: Region, left: Cut | None, right: Cut | None, page_shape: tuple[int, int]) -> Region | None:
    """The ink of a region between two cuts (None: the region's edge); None if there is none."""
    h, w = region.mask.shape
    xs = np.arange(w)[None, :]
    keep = region.mask > 0
    if left is not None:
        keep &= xs >= cut_lines((h, w), left.column, left.slope)[:, None]
    if right is not None:
        keep &= xs < cut_lines((h, w), right.column, right.slope)[:, None]
    if not keep.any():
        return None
    return region_from_crop(np.where(keep, region.mask, 0).astype(np.uint8), region.box[0], region.box[1], page_shape)


def plausible(part: Region, height: float) -> bool:
    """Whether a piece could be one digit: at least half as tall as one, neither a sliver nor surely several."""
    _, _, w, h = part.box
    return h >= 0.5 * height and MIN_WIDTH * height <= w <= CERTAINLY_SEVERAL * max(h, height)


def pieces_of(region: Region, page: Page, height: float) -> Pieces:
    """Every plausible piece between two of the region's candidate cuts, keyed by (left cut, right cut).

    Cut 0 is the region's left edge and the last its right edge, so (0, last) is the whole region,
    which stays a candidate up to WIDEST_WHOLE digit heights wide, wider than any piece cut from it.
    A shape narrower than SEVERAL digit heights is only cut in two, which keeps the model's batch small.
    """
    cuts: list[Cut | None] = [None, *candidate_cuts(region, height), None]
    pieces = Pieces(len(cuts) - 1, {})
    tall = max(region.box[3], height)
    several = region.box[2] > SEVERAL * tall  # room for three digits or more: pieces between two cuts too
    whole_may_be_one = region.box[2] <= WIDEST_WHOLE * tall
    for i in range(len(cuts) - 1):
        for j in range(i + 1, len(cuts)):
            if not several and i > 0 and j < pieces.last:
                continue
            part = piece(region, cuts[i], cuts[j], page.mask.shape)
            whole = (i, j) == (0, pieces.last) and whole_may_be_one
            if part is not None and (whole or plausible(part, height)):
                pieces.parts[i, j] = part
    return pieces


def piece_cost(part: Region, sureness: float, height: float) -> float:
    """The cost of reading a piece as one digit: how unsure the model is, a toll per digit, and one for a wide shape.

    The toll per digit keeps a shape whole unless its pieces read clearly more surely
    (the model reads most slices of a digit as something); the toll for width makes a
    shape wider than a digit pay for staying whole.
    """
    too_wide = max(0.0, part.box[2] / max(part.box[3], height) - SPLIT_ASPECT)
    return -float(np.log(max(sureness, 1e-6))) + WIDE_COST * too_wide + PIECE_COST


def best_partition(
    pieces: Pieces, sureness: dict[tuple[int, tuple[int, int]], float], index: int, whole: float, height: float
) -> list[tuple[int, int]]:
    """The cheapest way across region ``index`` from its left edge to its right through its pieces ([] if none).

    Dynamic programming over the cuts, left to right: the segmentation a reader would pick
    when the model has scored every candidate piece.
    """
    costs = {key: piece_cost(part, sureness.get((index, key), whole), height) for key, part in pieces.parts.items()}
    best = np.full(pieces.last + 1, np.inf)
    best[0] = 0.0
    came_from = np.zeros(pieces.last + 1, int)
    for (i, j), cost in sorted(costs.items(), key=lambda item: item[0][1]):
        if best[i] + cost < best[j]:
            best[j], came_from[j] = best[i] + cost, i
    if not np.isfinite(best[-1]):
        return []
    path, j = [], pieces.last
    while j > 0:
        path.append((int(came_from[j]), j))
        j = int(came_from[j])
    return path[::-1]


def may_hold_several(region: Region, sureness: float, several: float, height: float) -> bool:
    """Whether a shape may be several digits: not read surely as one digit and wider than a 1, or far wider;
    or read as several digits (``several``, the model's probability), however narrow: two 1s side by side.

    A 1 written into its neighbour leaves a shape no wider than many single digits ("71"),
    so width alone does not pick the shapes to cut; the model's doubt about the whole does.
    """
    w, height = region.box[2], max(region.box[3], height)  # a tall digit is wide in proportion
    narrow_pair = several > 0.5 and w >= 2 * MIN_WIDTH * height  # the model's likelier reading, and room for two pieces
    return w > CERTAINLY_SEVERAL * height or ((w > NARROWEST_PAIR * height or narrow_pair) and sureness < SURE_WHOLE)


def split_regions(regions: list[Region], page: Page, classify: Classify, height: float) -> list[Region]:
    """Each region, or the digits it holds, or two regions as one digit: the reading the model is surest of.

    Two model calls in all: first the wholes (at two sizes: ``whole_sureness``) and the pairs
    of neighbours that may be one digit; then every candidate piece of the shapes that may
    hold several digits, in one batch.
    """
    if not regions:
        return []
    pairs = {i: union(a, b, page.mask) for i, (a, b) in enumerate(zip(regions, regions[1:])) if strokes_of_one(a, b, height)}
    wholes_read = [make_glyph(page, r, views=False, second_look=True) for r in regions]
    glyphs = [g.image for g in wholes_read] + [make_glyph(page, pair, views=False).image for pair in pairs.values()]
    first_outputs = classify(np.stack(glyphs + [g.second_look for g in wholes_read]))
    wholes = whole_sureness(first_outputs[: len(regions)], first_outputs[len(glyphs) :])
    joined = dict(zip(pairs, digit_like(first_outputs[len(regions) : len(glyphs)])))
    # One straight stroke is never two digits, however it leans: a slanted 1 is as wide as a pair.
    straight = {i for i, r in enumerate(regions) if is_straight_stroke(r)}
    searched = {
        i: pieces_of(r, page, height)
        for i, r in enumerate(regions)
        if i not in straight and may_hold_several(r, wholes[i], first_outputs[i, SEVERAL_DIGITS], height)
    }
    keys = [(i, key) for i, pieces in searched.items() for key in pieces.parts if key != (0, pieces.last)]
    pieces = [searched[i].parts[key] for i, key in keys]
    images = [make_glyph(page, part, views=False).image for part in pieces]
    outputs = classify(np.stack(images)) if pieces else np.zeros((0, NUM_OUTPUTS))
    shapes, shapes_read = [regions[i] for i, _ in keys], first_outputs[[i for i, _ in keys]]
    sureness = dict(zip(keys, digit_like(outputs) * not_a_flag(outputs, pieces, shapes, shapes_read)))
    readings = []  # per region: its digits, and the cost of reading it whole (None: it was cut)
    for i, region in enumerate(regions):
        whole = piece_cost(region, wholes[i], height)
        if i in searched:
            path = best_partition(searched[i], sureness, i, wholes[i], height)
            cut = [searched[i].parts[key] for key in path] if path else [region]
            readings.append((cut, whole if len(cut) == 1 else None))
        else:
            readings.append(([region], whole))
    costs = {i: piece_cost(pair, joined[i], height) for i, pair in pairs.items()}
    return [digit for group in join_strokes(readings, pairs, costs) for digit in group]


def strokes_of_one(a: Region, b: Region, height: float) -> bool:
    """Whether two neighbouring shapes may be the strokes of one digit: together the size of one, and side by side,
    or both too short to be digits and close (a small 4 written as an L and a stem)."""
    overlap = min(a.box[0] + a.box[2], b.box[0] + b.box[2]) - max(a.box[0], b.box[0])
    width = max(a.box[0] + a.box[2], b.box[0] + b.box[2]) - min(a.box[0], b.box[0])
    tall = max(a.box[1] + a.box[3], b.box[1] + b.box[3]) - min(a.box[1], b.box[1])
    short_and_close = max(a.box[3], b.box[3]) < JOIN_SHORT * height and -overlap <= JOIN_GAP * height
    return (
        (overlap >= JOIN_OVERLAP * min(a.box[2], b.box[2]) or short_and_close)
        and width <= JOIN_WIDTH * max(tall, height)
        and tall <= JOIN_HEIGHT * height
    )


def join_strokes(
    readings: list[tuple[list[Region], float | None]], pairs: dict[int, Region], costs: dict[int, float]
) -> list[list[Region]]:
    """The regions' digits, with neighbours read whole joined where one digit reads more surely than two.

    ``readings[i]`` is region i's digits and its cost read whole (None if it was cut);
    ``pairs[i]`` joins regions i and i + 1, at ``costs[i]``. Dynamic programming left to
    right, so a shape joins at most one neighbour, the one that pays best.
    """
    best = np.zeros(len(readings) + 1)
    joins = np.zeros(len(readings) + 1, bool)
    for k, (_, cost) in enumerate(readings, start=1):
        best[k] = best[k - 1] + (cost or 0.0)
        i = k - 2
        if i in pairs and readings[i][1] is not None and cost is not None and best[i] + costs[i] < best[k]:
            best[k], joins[k] = best[i] + costs[i], True
    groups, k = [], len(readings)
    while k > 0:
        if joins[k]:
            groups.append([pairs[k - 2]])
            k -= 2
        else:
            groups.append(readings[k - 1][0])
            k -= 1
    return groups[::-1]


def not_a_flag(outputs: np.ndarray, parts: list[Region], shapes: list[Region], shapes_read: np.ndarray) -> np.ndarray:
    """1.0 for each piece, 0.0 for a piece read as a 1 that is a flag, not a digit (``shapes[k]`` is the shape
    ``parts[k]`` was cut from, ``shapes_read[k]`` the model's outputs for that shape whole).

    Any stroke reads surely as a 1, so a cut that frees one needs another witness. The
    lead-in of a 1 written "/|", or a slashed zero's slash, cut free, is a stroke 35-60
    degrees from upright: wider than CUT_ONE_WIDTH of its height. One MNIST 1 in ten is that
    wide, mostly by its own flag: touching a neighbour, such a 1 stays joined to it; a 1
    written apart from its neighbours is never cut at all. A long lead-in is steeper, but
    shorter than its 1 (``piece_of_a_one``).
    """
    ones = outputs[:, :NUM_CLASSES].argmax(axis=1) == 1
    flag = [
        part.box[2] > CUT_ONE_WIDTH * part.box[3] or piece_of_a_one(part, shape, read)
        for part, shape, read in zip(parts, shapes, shapes_read)
    ]
    return np.where(ones & np.array(flag, bool), 0.0, 1.0)


def piece_of_a_one(part: Region, shape: Region, shape_read: np.ndarray) -> bool:
    """Whether a piece of a shape the model takes for a 1 (its likeliest digit, read whole), no wider than
    CUT_ONE_WIDTH of its height, is shorter than ONE_OF_TWO of the shape: the lead-in of a European 1, or its
    stem's top cut off. Such a shape may be two 1s written into each other, but each is about as tall as both."""
    (_, _, _, h), (_, _, sw, sh) = part.box, shape.box
    return int(shape_read[:NUM_CLASSES].argmax()) == 1 and sw <= CUT_ONE_WIDTH * sh and h < ONE_OF_TWO * sh


def closer_side(page: Page, regions: list[Region] | None = None) -> int | None:
    """A working size at which the number's digits would stand READ_HEIGHT tall, if the picture has the pixels; else None.

    A phone number photographed whole has digits a few dozen pixels tall at the working
    size: ruled lines cross them, blur closes their loops, and neighbours run together.
    ``regions`` are the page's candidate regions, if already found.
    """
    if page.scale >= 1 or page.low_resolution:
        return None
    regions = candidate_regions(page) if regions is None else regions
    if not regions:
        return None
    height = float(np.median([r.box[3] for r in regions]))
    work = max(page.gray.shape)
    side = int(min(work * READ_HEIGHT / max(height, 1.0), max(page.input_shape), MAX_CLOSER_SIDE))
    return side if side > 1.2 * work else None


def finest_pen_side(page: Page, regions: list[Region]) -> int | None:
    """A working size at which to read a photographed number again when one of its digits is in a fine pen
    (``page.closer_side_for_pen``: a stylus or ballpoint line loses pieces at the usual size); else None."""
    height = float(np.median([r.box[3] for r in regions])) if regions else 0.0
    return closer_side_for_pen(page, [r.mask for r in regions if r.box[3] >= DIGIT_TALL * height])


def number_page(image: np.ndarray, source: str) -> tuple[Page, list[Region]]:
    """The page a number is read from, and its candidate regions: read again, closer, when its digits come out small
    or in a fine pen."""
    page = read_page(image, source)
    regions = candidate_regions(page)
    side = closer_side(page, regions) or finest_pen_side(page, regions)
    if side:
        page = read_page(image, source, work_side=side, dark_on_light=page.dark_on_light)
        regions = candidate_regions(page)
    return page, regions


def segment(page: Page, classify: Classify, regions: list[Region] | None = None) -> list[Segment]:
    """The digits of a number, left to right, each with its glyph (at most MAX_DIGITS).

    ``regions`` are the page's candidate regions, if already found.
    """
    regions = merge_pieces(candidate_regions(page) if regions is None else regions, page.mask)
    height = float(np.median([r.box[3] for r in regions])) if regions else 0.0
    # A fragment no digit took in is a speck, a dash or a scrap of ruling: no digit is that short. Joined,
    # the pieces are digits, and each reaches into the band of writing (a margin rule's scraps stand off it).
    tall = [r for r in regions if r.box[3] >= DIGIT_TALL * height]
    line = line_of_writing(tall) if tall else (0.0, 0.0)
    regions = [r for r in regions if r.box[3] >= FRAGMENT_HEIGHT * height and in_band(r, line, height)]
    digits = split_regions(regions, page, classify, height)
    digits = sorted(digits, key=lambda r: r.box[0] + r.box[2] / 2)[:MAX_DIGITS]
    return [Segment(region, make_glyph(page, region)) for region in digits]


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
