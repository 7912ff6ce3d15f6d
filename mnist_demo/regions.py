"""The regions stage: the ink mask -> every candidate shape with its box, and the one that is the digit.

``find_regions`` lists every shape that is not a speck (a connected component
of the mask) with its box, area and stroke width: what reading a whole number
segments. ``pick_digit`` chooses the single digit of a one-digit image, joins
the pieces that belong to it (the bar of a 7, the top of a 5), and says, as
reason codes, what makes it doubtful; only an image with nothing in it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .errors import NoDigitFound
from .verdict import Reason

MAX_OUTLINES = 12  # outer edges and holes of one digit (an 8 has three); noise has hundreds
MIN_AREA_FRACTION = 2e-4  # smaller components (of the image area) are specks
# An enlarged small image is a crop of one digit: it crosses the crop's frame a few times at most
# (a 4 or a 7 cut tight, four or five), and beside the pieces gathered into the digit (a thin pen on a
# bilevel scan breaks into a dozen) it holds a few more at most, even when dusty (specks under a quarter
# of the smallest shape are not counted). Noise and textures are everywhere at once.
MAX_EDGE_CROSSINGS = 6
MAX_PIECES = 6
BORDER_INK = 0.25  # a shape touching a photo's edge where this much of the frame is ink is the table, not a digit
TAPER = 0.35  # a shape along the frame whose breadth falls below this share of its most is a wedge (``tapers``) ...
WEDGE_LENGTH = 0.3  # ... if it meets the frame over this share of that side of the picture ...
WEDGE_STRAIGHT = 0.9  # ... and its reach from the frame grows along it this linearly (R squared)
FRAME_STROKES = 6  # a digit cropped tight meets the frame over at most this many of its stroke widths


@dataclass(frozen=True)
class Region:
    """One shape of ink (or several joined), in working pixels."""

    box: tuple[int, int, int, int]  # x, y, w, h
    area: int  # ink pixels
    stroke_width: float  # mean width of its strokes, in pixels
    touches_border: bool
    mask: np.ndarray  # uint8 0/255, the box's crop of this region's ink only


def stroke_width(mask: np.ndarray) -> float:
    """Average stroke width of a binary mask: four times the mean distance to the background.

    (Across a stroke of width w the distance to the edge runs 0 -> w/2 -> 0, mean w/4.)
    The mask is padded first, so ink that fills its crop to the edge has a finite width.
    """
    inside = np.pad(mask > 0, 1)
    if not inside.any():
        return 0.0
    distance = cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 3)
    return 4.0 * float(distance[inside].mean())


def components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Connected components: (labels image, stats, per-component mean stroke width), background dropped."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    distance = cv2.distanceTransform(np.pad(mask, 1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    sums = np.bincount(labels.ravel(), weights=distance.ravel(), minlength=count)
    widths = 4.0 * sums[1:] / np.maximum(stats[1:, cv2.CC_STAT_AREA], 1)
    return labels, stats[1:], widths


def at_frame(stats: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Which components (rows of ``stats``) reach the frame of a picture of ``shape``."""
    xs, ys = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    ws, hs = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    return (xs <= 0) | (ys <= 0) | (xs + ws >= shape[1]) | (ys + hs >= shape[0])


def region_of(labels: np.ndarray, stats: np.ndarray, widths: np.ndarray, keep: np.ndarray) -> Region:
    """The Region made of the components where ``keep`` is True."""
    h, w = labels.shape
    xs, ys = stats[keep, cv2.CC_STAT_LEFT], stats[keep, cv2.CC_STAT_TOP]
    x0, y0 = int(xs.min()), int(ys.min())
    x1 = int((xs + stats[keep, cv2.CC_STAT_WIDTH]).max())
    y1 = int((ys + stats[keep, cv2.CC_STAT_HEIGHT]).max())
    lookup = np.concatenate([[0], np.where(keep, 255, 0)]).astype(np.uint8)  # label -> 0 or 255
    areas = stats[keep, cv2.CC_STAT_AREA]
    return Region(
        box=(x0, y0, x1 - x0, y1 - y0),
        area=int(areas.sum()),
        stroke_width=float(np.average(widths[keep], weights=areas)),
        touches_border=x0 <= 0 or y0 <= 0 or x1 >= w or y1 >= h,
        mask=lookup[labels[y0:y1, x0:x1]],
    )


def min_area(shape: tuple[int, int]) -> float:
    return max(12.0, MIN_AREA_FRACTION * shape[0] * shape[1])


def find_regions(mask: np.ndarray) -> list[Region]:
    """Every shape that is not a speck, left to right."""
    labels, stats, widths = components(mask)
    big = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] >= min_area(mask.shape))
    regions = [region_of(labels, stats, widths, np.arange(len(stats)) == i) for i in big]
    return sorted(regions, key=lambda r: r.box[0])


def pick_digit(
    mask: np.ndarray, *, reject_border: bool, crop: bool = False, plain_ground: bool = False
) -> tuple[Region, tuple[Reason, ...]]:
    """The digit of a one-digit image, and the reasons to doubt it; ``NoDigitFound`` if there is nothing.

    Connected components are scored by area, less for those far from the centre;
    the best plausible one is the digit. Components near it that are not specks
    join it: the bar of a 7, the top of a 5 or the second stroke of a 4 are often separate.
    ``crop`` says the image is a crop of the digit (an enlarged small image), which the digit fills;
    ``plain_ground`` that the picture is ink on a plain, evenly lit ground (``Page.plain_ground``).
    """
    h, w = mask.shape
    labels, stats, widths = components(mask)
    if len(stats) == 0:
        raise NoDigitFound(Reason.BLANK)
    areas = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
    xs, ys, ws, hs = (stats[:, i] for i in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    smallest = min_area(mask.shape)
    touches = at_frame(stats, mask.shape)
    centres = np.stack([xs + ws / 2, ys + hs / 2], axis=1)
    offset = np.hypot((centres[:, 0] - w / 2) / w, (centres[:, 1] - h / 2) / h)
    score = areas * (1.0 - offset)
    score[areas < smallest] = 0
    if score.max() <= 0:
        raise NoDigitFound(Reason.SPECKS)
    # No digit is much wider than tall; in a photo, what touches or spans the frame
    # is the table, a paper edge or a shadow. Prefer shapes that are none of these.
    framed = ~touches & (ws < 0.85 * w) & (hs < 0.85 * h) if reject_border else np.ones(len(areas), bool)
    if reject_border and plain_ground:
        # On a plain ground, a shape at the frame (or spanning the picture) that meets the frame only
        # briefly is a digit the picture was cropped to, and a dot or a flag beside it no alternative.
        framed |= cut_at_frame(labels, stats, widths)
    plausible = (ws <= 2.5 * hs) & framed
    if (score * plausible).max() > 0:
        score *= plausible
    best = int(np.argmax(score))

    # Gather the pieces of the same digit: not specks, and close to the box grown so far.
    keep = np.zeros(len(areas), bool)
    keep[best] = True
    candidates = (areas >= max(smallest, 0.04 * areas[best])) & (framed | touches[best])
    while True:
        x0, y0 = xs[keep].min(), ys[keep].min()
        x1, y1 = (xs + ws)[keep].max(), (ys + hs)[keep].max()
        reach = 0.3 * max(x1 - x0, y1 - y0)
        gap_x = np.maximum(0, np.maximum(x0 - (xs + ws), xs - x1))
        gap_y = np.maximum(0, np.maximum(y0 - (ys + hs), ys - y1))
        grown = keep | (candidates & (np.hypot(gap_x, gap_y) <= reach))
        if (grown == keep).all():
            break
        keep = grown
    region = region_of(labels, stats, widths, keep)

    reasons = list(doubts(mask, region, reject_border=reject_border, plain_ground=plain_ground))
    significant = (areas >= smallest) & ~keep
    if areas[keep].sum() < 0.25 * (areas[keep].sum() + areas[significant & framed].sum()):
        reasons.append(Reason.BUSY)
    elif (areas[significant & framed] >= 0.3 * areas[keep].sum()).any():
        reasons.append(Reason.SEVERAL_SHAPES)
    if crop and (edge_crossings(mask) > MAX_EDGE_CROSSINGS or np.count_nonzero((areas >= smallest / 4) & ~keep) > MAX_PIECES):
        reasons.append(Reason.BUSY)
    return region, tuple(dict.fromkeys(reasons))


def cut_at_frame(labels: np.ndarray, stats: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Per component (``components``'s outputs): whether it looks like a digit a picture was cropped to.

    It spans at least three quarters of the picture one way (a crop is tight), and meets the frame only
    where its strokes cross it: a few stroke widths in all (FRAME_STROKES), under BORDER_INK of the frame.
    A shadow or the table at one side is smaller than that, or runs along the frame for tens of its widths.
    """
    h, w = labels.shape
    fills = (stats[:, cv2.CC_STAT_WIDTH] >= 0.75 * w) | (stats[:, cv2.CC_STAT_HEIGHT] >= 0.75 * h)
    return fills & brief_contact(frame_contact(labels, len(stats)), widths, labels.shape)


def along_frame(labels: np.ndarray, stats: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Per component (``components``'s outputs): whether it runs along the frame (the table, a sheet's edge, a shadow),
    as no stroke that the frame cuts across does (``brief_contact``)."""
    contact = frame_contact(labels, len(stats))
    return at_frame(stats, labels.shape) & ~brief_contact(contact, widths, labels.shape)


def frame_contact(labels: np.ndarray, count: int) -> np.ndarray:
    """Per component (labels 1 .. ``count``): how many of the picture's outermost pixels it holds."""
    frame = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    return np.bincount(frame, minlength=count + 1)[1 : count + 1]


def sides_at_frame(region: Region, shape: tuple[int, int]) -> list[tuple[np.ndarray, int]]:
    """For each side of a picture of ``shape`` that a region touches: the region's ink turned so that the row at
    that side comes first, and the length of that side of the picture."""
    h, w = shape
    x, y, bw, bh = region.box
    ink = region.mask > 0
    sides = [(x <= 0, ink.T, h), (x + bw >= w, ink.T[::-1], h), (y <= 0, ink, w), (y + bh >= h, ink[::-1], w)]
    return [(side, length) for touching, side, length in sides if touching]


def meets_frame_briefly(region: Region, shape: tuple[int, int]) -> bool:
    """Whether a region touching the frame of a picture of ``shape`` meets it only where strokes cross it (``cut_at_frame``)."""
    contact = sum(int(np.count_nonzero(side[0])) for side, _ in sides_at_frame(region, shape))
    return bool(brief_contact(contact, region.stroke_width, shape))


def brief_contact(contact: np.ndarray | int, stroke_width: np.ndarray | float, shape: tuple[int, int]) -> np.ndarray | bool:
    """Whether ink meeting the frame of a picture of ``shape`` over ``contact`` pixels does so as strokes the frame cut:
    at most FRAME_STROKES of its stroke widths, and under BORDER_INK of the frame. Element-wise on arrays."""
    return (contact <= FRAME_STROKES * stroke_width) & (contact <= BORDER_INK * 2 * (shape[0] + shape[1]))


def tapers(region: Region, shape: tuple[int, int]) -> bool:
    """Whether a region is a wedge along the side of the frame it meets most, as the table beyond a sheet photographed
    askew is: it meets that side over WEDGE_LENGTH of it, its reach in from it grows in a straight line (the sheet's
    edge), and the thinnest tenth of that reach is under TAPER of the broadest. A digit cropped at its ink keeps its
    breadth along the frame, or curves away from it."""
    at_frame = sides_at_frame(region, shape)
    if not at_frame:
        return False
    side, length = max(at_frame, key=lambda s: int(s[0][0].sum()))
    meets = side[0]
    if meets.sum() < WEDGE_LENGTH * length:
        return False
    along = np.flatnonzero(meets)
    reach = np.where(side.all(axis=0), side.shape[0], np.argmin(side, axis=0))[meets]
    # A wedge's far edge (the sheet's) is straight: its reach grows in proportion along the frame.
    straight = np.ptp(reach) > 0 and np.corrcoef(along, reach)[0, 1] ** 2 >= WEDGE_STRAIGHT
    return bool(straight) and float(np.percentile(reach, 10)) < TAPER * float(np.percentile(reach, 90))


def edge_crossings(mask: np.ndarray) -> int:
    """How many separate runs of ink the image's outermost pixels hold, going round the frame."""
    frame = np.concatenate([mask[0], mask[1:, -1], mask[-1, -2::-1], mask[-2:0:-1, 0]]) > 0
    if frame.all():
        return 1
    return int(np.count_nonzero(frame & ~np.roll(frame, 1)))


def border_ink(mask: np.ndarray) -> float:
    """Share of the image's outermost pixels that are ink."""
    frame = np.concatenate([mask[0], mask[-1], mask[:, 0], mask[:, -1]])
    return float(np.count_nonzero(frame)) / frame.size


def doubts(mask: np.ndarray, region: Region, *, reject_border: bool, plain_ground: bool = False) -> list[Reason]:
    """What makes a shape unlike one handwritten digit, as reason codes.

    ``reject_border`` and ``plain_ground`` as for ``pick_digit``.
    """
    h, w = mask.shape
    x, y, bw, bh = region.box
    reasons = []
    if max(bw, bh) < 0.04 * max(h, w) or max(bw, bh) < 6:
        reasons.append(Reason.TOO_SMALL)
    if bw > 2.2 * bh and bw > 0.1 * w:
        reasons.append(Reason.TOO_WIDE)
    fill = region.area / float(bw * bh)
    if (
        fill > 0.8
        and min(bw, bh) > 0.4 * max(bw, bh)
        and min(bw, bh) > 0.15 * min(h, w)
        and region.stroke_width > 0.3 * min(bw, bh)
    ):
        reasons.append(Reason.FILLED_SHAPE)
    # A digit is one or a few strokes: at most a handful of outlines (an 8 has three).
    contours, _ = cv2.findContours(region.mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    if sum(cv2.contourArea(c) >= 2 for c in contours) > MAX_OUTLINES:
        reasons.append(Reason.BUSY)
    if region.touches_border:
        # A photo whose frame is largely ink shows more than the digit (the table, a shadow):
        # that shape runs off the picture. A tight crop of a digit touches its edge and is fine.
        spans = bw >= 0.95 * w or bh >= 0.95 * h
        runs_off = reject_border and spans and border_ink(mask) > BORDER_INK
        reasons.append(Reason.CUT_OFF if runs_off else Reason.TOUCHES_EDGE)
        # In a photo with a table or shadows in sight, a shape that runs along the frame (not one the frame
        # cuts across, as a crop cuts a digit) is the table, the sheet's edge or a shadow's. On a plain ground
        # it may be a bold 1 cropped at its side, unless it is a wedge: the table beyond a sheet photographed askew.
        if reject_border and not meets_frame_briefly(region, mask.shape) and (not plain_ground or tapers(region, mask.shape)):
            reasons.append(Reason.ALONG_EDGE)
    return reasons
