"""The sheet stage: a photo of a sheet of paper amid other things -> the photo cropped to the sheet.

A sheet held up to a webcam shows the room round it; a sheet photographed on a busy desk
shows the desk. The page stage reads a picture as writing on one ground, so there the
bright sheet on a darker, busy scene is taken for a blob of ink, or the clutter for
writing. A document scanner's first step settles it: find the sheet, and read only it.

The sheet is the largest convex four-sided shape in the picture (held from below, it may run
off one side), brighter than what surrounds it and than most of the rest, sharp-edged (a
shadow's edge is soft: the lit part of a sheet is no sheet), and plain inside, with writing
on it. A sheet that runs off more of the picture, or fills most of it, is the picture's
ground already: nothing is cropped. A sheet with nothing on it at all is found too, where no
sheet holds writing: held up to a webcam, it means nothing has been written yet, and the room
round it is no place to look for a digit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import cv2
import numpy as np

FIND_SIDE = 160  # the sheet is sought on a copy this large (longer side): its outline is broad
MIN_SHEET = 0.06  # a sheet covers at least this share of the picture ...
MAX_SHEET = 0.6  # ... and at most this: beyond, the sheet is the picture's ground (the page stage knows its table)
SHEET_CONTRAST = 24  # the paper stands this many gray levels above what surrounds it
PAPER_SPREAD = 40  # gray levels between the sheet's 50th and 90th percentiles: plain paper (its lighting aside)
CONVEX = 0.9  # the outline's shape fills this share of its hull: a sheet, not things merged with it
FOUR_SIDED = 0.85  # ... and its four corners span this share (the thumbs holding it aside)
BLANK_INK = 0.0005  # a sheet with less than this share even faintly darker than its paper (by SHEET_CONTRAST) is blank
WRITING = 0.002  # at least this share of the sheet is darker than its paper by twice SHEET_CONTRAST (rulings are not)
LIKE_PAPER = 0.3  # at most this share of the rest of the picture is as bright as the paper
EDGE_REACH = 12  # pixels either side of the sheet's outline in which its edge is measured
EDGE_WIDTH = 6  # a sheet's edge rises from the ground to the paper within this many pixels (a shadow's takes more) ...
EDGE_SEEN = 1 / 3  # ... along at least this share of each side (elsewhere a head or a lamp behind it may be as light)
CLOSE_INK = 9  # a stroke narrower than this (pixels, at FIND_SIDE) is closed over when the sheet is sought
MARGIN = 0.03  # of the sheet's size, left out along its edges (its rim, the room's slivers at its corners)
WRITTEN, BLANK = "written", "blank"  # the two kinds of sheet


class Sheet(NamedTuple):
    corners: np.ndarray  # (4, 2) float32, in the pixels of the picture searched
    blank: bool  # nothing written on it, not even faintly


def find_sheet(gray: np.ndarray) -> Sheet | None:
    """The sheet of paper in ``gray`` (uint8), or None where no sheet stands out. A sheet with writing on it
    is preferred; a blank one is returned only where no sheet holds writing.

    Candidates are the outlines of the picture's bright side (split at several levels, and in bands
    of levels, for a sheet beside bright things; opened, to part what clings to it; closed over the
    writing) and the closed outlines of its edges, each simplified to its convex hull's four corners.
    Where none of them is a sheet with writing (a sheet merges with a light wall or a lamp behind it,
    and runs off the frame into the shirt of whoever holds it), the quadrilaterals its straight edges make.
    """
    factor = FIND_SIDE / max(gray.shape)
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else gray
    factor = min(factor, 1.0)
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    edges = edge_map(blurred)
    sheets, blanks = [], []  # (area, share of paper, corners)
    seen = set()  # the outlines at several levels are often the same quadrilateral: judged once

    def judge(quadrilaterals: Iterable[np.ndarray | None]) -> None:
        for corners in quadrilaterals:
            if corners is None:
                continue
            key = tuple(sorted(map(tuple, np.round(corners / 2).astype(int).tolist())))
            area = cv2.contourArea(corners)
            if key in seen or not MIN_SHEET * small.size <= area <= MAX_SHEET * small.size:
                continue
            seen.add(key)
            kind = paper_kind(small, blurred, corners)
            if kind is not None:
                (blanks if kind == BLANK else sheets).append((area, paper_share(blurred, corners), corners))

    judge(four_corners(outline) for outline in candidate_outlines(blurred, edges))
    if not sheets:
        judge(edge_quadrilaterals(edges))
    blank = not sheets
    sheets = sheets or blanks
    if not sheets:
        return None
    # The sheet's outlines at several levels differ by what clings to them (a lamp, a hand): of the largest,
    # those that hold the least else, and of those the largest.
    largest = max(area for area, _, _ in sheets)
    near = [s for s in sheets if s[0] >= 0.8 * largest]
    cleanest = max(share for _, share, _ in near)
    _, _, best = max((s for s in near if s[1] >= cleanest - 0.02), key=lambda s: s[0])
    return Sheet((best / factor).astype(np.float32), blank)


def paper_share(blurred: np.ndarray, corners: np.ndarray) -> float:
    """The share of the quadrilateral at the paper's level (its writing aside, the same for every outline of it)."""
    inside = np.zeros(blurred.shape, np.uint8)
    cv2.fillConvexPoly(inside, np.round(corners).astype(np.int32), 1)
    levels = blurred[inside > 0]
    return float(np.mean(levels >= np.percentile(levels, 80) - SHEET_CONTRAST))


def edge_map(small: np.ndarray) -> np.ndarray:
    """The edges a step of SHEET_CONTRAST makes (a 3x3 Sobel gives four times the step): a sheet before a wall
    as light, or merged with it."""
    return cv2.Canny(small, 2 * SHEET_CONTRAST, 4 * SHEET_CONTRAST)


def candidate_outlines(small: np.ndarray, edges: np.ndarray) -> list[np.ndarray]:
    """Every outline that might be a sheet's (at least MIN_SHEET of the picture): of the bright side at several
    levels and bands of levels, opened at several reaches and closed over strokes, and of the closed ``edges`` (``edge_map``)."""
    otsu, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    brightest = float(np.percentile(small, 99))
    kernel = np.ones((3, 3), np.uint8)
    outlines = []
    # Otsu's split, and splits nearer the paper's own level, where the things round the sheet are bright too;
    # and bands of levels, where something beside the sheet is brighter than its paper.
    levels = (otsu, (otsu + brightest) / 2, brightest - 2 * SHEET_CONTRAST, brightest - SHEET_CONTRAST)
    bands = [(small > level) for level in levels] + [
        (small > level) & (small <= level + 2 * SHEET_CONTRAST) for level in np.linspace(otsu, brightest, 6)[1:-1]
    ]
    # Opened wider and wider, things that touch the sheet come apart from it (a pen, a lamp, a hand); closed, the
    # strokes of a bold digit that runs close to the thumbs or the frame no longer cut the sheet apart.
    sizes = [(cv2.MORPH_OPEN, 2 * reach + 1) for reach in (1, 3, 6)] + [(cv2.MORPH_CLOSE, CLOSE_INK)]
    reshapes = [(operation, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))) for operation, side in sizes]
    for band in bands:
        bright = band.astype(np.uint8)
        for operation, element in reshapes:
            reshaped = cv2.morphologyEx(bright, operation, element)
            outlines += cv2.findContours(reshaped, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
    # The edges' closed outlines, thickened by a pixel to close their gaps: a sheet before a wall as light.
    outlines += cv2.findContours(cv2.dilate(edges, kernel), cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0]
    return [o for o in outlines if cv2.contourArea(o) >= MIN_SHEET * small.size]


def straight_edges(edges: np.ndarray, most: int = 14) -> list[tuple[float, float, float]]:
    """The longest straight lines of ``edges`` (``edge_map``) as (angle in [0, pi), offset along the normal,
    length in pixels), segments along one line joined; then the picture's four sides (length 0), for a
    sheet running off it."""
    h, w = edges.shape
    segments = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=15, minLineLength=int(0.1 * max(h, w)), maxLineGap=3)
    lines: list[tuple[float, float, float]] = []
    for x1, y1, x2, y2 in segments[:, 0] if segments is not None else []:
        angle = float(np.arctan2(y2 - y1, x2 - x1) % np.pi)
        offset = float(y1 * np.cos(angle) - x1 * np.sin(angle))
        length = float(np.hypot(x2 - x1, y2 - y1))
        for i, (other, other_offset, other_length) in enumerate(lines):
            turn = abs(angle - other)
            # Angles near 0 and near pi are one direction, whose offsets have opposite signs.
            same_offset = other_offset if turn < np.pi / 2 else -other_offset
            if min(turn, np.pi - turn) < np.deg2rad(5) and abs(same_offset - offset) < 3:
                lines[i] = (other, other_offset, other_length + length)
                break
        else:
            lines.append((angle, offset, length))
    lines = sorted(lines, key=lambda line: -line[2])[:most]
    return lines + [(0.0, 0.0, 0.0), (0.0, float(h - 1), 0.0), (np.pi / 2, 0.0, 0.0), (np.pi / 2, -float(w - 1), 0.0)]


def edge_quadrilaterals(edges: np.ndarray, most: int = 300) -> list[np.ndarray]:
    """The quadrilaterals whose sides lie along two pairs of nearly parallel straight edges (or the picture's
    sides), the pairs at least 70 degrees apart, their corners within the picture: a sheet's outline where
    its bright side merges with other things. At most ``most``, the best supported (the longest edges)
    first: a webcam frame makes a few dozen (99% under 300), a chessboard over 500."""
    h, w = edges.shape
    lines = straight_edges(edges)

    def apart(a: float, b: float) -> float:
        return min(abs(a - b), np.pi - abs(a - b))

    pairs = [
        (i, j, lines[i][0])
        for i in range(len(lines))
        for j in range(i + 1, len(lines))
        if apart(lines[i][0], lines[j][0]) < np.deg2rad(12)
    ]
    quadrilaterals = []
    for n, (a, b, angle) in enumerate(pairs):
        for c, d, other in pairs[n + 1 :]:
            sides = (a, b, c, d)
            # A quadrilateral along two of the frame's sides is none a sheet makes (held up, it runs off one).
            if apart(angle, other) < np.deg2rad(70) or len(set(sides)) < 4 or sum(lines[i][2] == 0 for i in sides) > 1:
                continue
            corners = np.array([crossing(lines[p], lines[q]) for p, q in ((a, c), (c, b), (b, d), (d, a))], np.float32)
            if corners.min() < -2 or corners[:, 0].max() > w + 1 or corners[:, 1].max() > h + 1:
                continue
            hull = cv2.convexHull(np.clip(corners, 0, (w - 1, h - 1)).astype(np.float32))
            if len(hull) == 4:
                quadrilaterals.append((sum(lines[i][2] for i in sides), hull.reshape(4, 2)))
    # The best-supported first: a sheet's sides are long, straight edges.
    return [corners for _, corners in sorted(quadrilaterals, key=lambda q: -q[0])[:most]]


def crossing(line: tuple[float, float, float], other: tuple[float, float, float]) -> tuple[float, float]:
    """Where two lines (angle, offset, length) cross; they are at least 70 degrees apart."""
    normals = np.array([[-np.sin(line[0]), np.cos(line[0])], [-np.sin(other[0]), np.cos(other[0])]])
    x, y = np.linalg.solve(normals, (line[1], other[1]))
    return float(x), float(y)


def four_corners(outline: np.ndarray) -> np.ndarray | None:
    """The outline's convex hull as four corners, or None where it is not convex enough (a sheet merged with
    the clutter beside it) or not four-sided."""
    hull = cv2.convexHull(outline)
    if cv2.contourArea(outline) < CONVEX * cv2.contourArea(hull):
        return None
    # Simplified more and more, until the thumbs holding a sheet no longer count as corners; four-sided
    # indeed, the four corners span the hull (an oval's leave a third of it out).
    for tolerance in (0.04, 0.06, 0.08):
        corners = cv2.approxPolyDP(hull, tolerance * cv2.arcLength(hull, closed=True), closed=True)
        if len(corners) <= 4:
            break
    if len(corners) != 4 or cv2.contourArea(corners) < FOUR_SIDED * cv2.contourArea(hull):
        return None
    return corners.reshape(4, 2).astype(np.float32)


def paper_kind(small: np.ndarray, blurred: np.ndarray, corners: np.ndarray) -> str | None:
    """WRITTEN where the quadrilateral is a sheet with writing on it, BLANK where it is a sheet with nothing on
    it, else None. A sheet is sharp-edged, plain inside, brighter than a ring round it and than most of
    the rest (``blurred``, ``small`` smoothed, for the levels; ``small`` for the writing)."""
    h, w = small.shape
    at_frame = sides_at_frame(corners, (h, w))
    if at_frame > 1 or not sharp_edged(small, corners):
        return None
    inside = np.zeros(small.shape, np.uint8)
    cv2.fillConvexPoly(inside, np.round(corners).astype(np.int32), 1)
    reach = max(2, int(0.03 * max(h, w)))
    kernel = np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)
    ring = cv2.dilate(inside, kernel) & ~cv2.dilate(inside, np.ones((3, 3), np.uint8)) & 1
    core = cv2.erode(inside, kernel)
    if not core.any() or not ring.any():
        return None
    paper = blurred[core > 0]
    low, level = np.percentile(paper, (50, 90))  # paper, however much of the sheet bold writing covers
    if level - low > PAPER_SPREAD or level - np.median(blurred[ring > 0]) < SHEET_CONTRAST:
        return None
    beyond = blurred[cv2.dilate(inside, kernel) == 0]
    if beyond.size and float(np.mean(beyond >= level - SHEET_CONTRAST / 2)) > LIKE_PAPER:
        return None
    # Blank: nothing on it, not even faintly; and off the frame all round, unlike the paper between a digit's
    # strokes and the frame of a tight crop.
    if np.mean(small[core > 0] < level - SHEET_CONTRAST) < BLANK_INK:
        return BLANK if at_frame == 0 else None
    # The loop of a bold 0 is bright, plain and ringed by ink too; but it holds no writing, and the page
    # round the digit is as bright.
    writing = small < level - 2 * SHEET_CONTRAST
    if np.mean(writing[core > 0]) < WRITING:
        return None
    # Nor does the outline cut through writing (the side of a bold digit is as sharp as a sheet's edge).
    _, shapes = cv2.connectedComponents(writing.astype(np.uint8), connectivity=8)
    written = np.unique(shapes[(core > 0) & writing])
    return None if np.isin(shapes[cv2.dilate(inside, kernel) == 0], written).any() else WRITTEN


def sides_at_frame(corners: np.ndarray, shape: tuple[int, int], within: float = 2.0) -> int:
    """How many of the quadrilateral's sides lie along the picture's frame. A sheet held up from below runs off
    one; the lit part of a sheet that fills the picture (a shadow's edge across it) reaches two or more."""
    h, w = shape
    xs, ys = corners[:, 0], corners[:, 1]
    return int(xs.min() < within) + int(ys.min() < within) + int(xs.max() > w - 1 - within) + int(ys.max() > h - 1 - within)


def sharp_edged(small: np.ndarray, corners: np.ndarray) -> bool:
    """Whether every side of the quadrilateral off the frame is a sharp edge, as a sheet's is: along a third of it at
    least (EDGE_SEEN) the paper stands out from the ground, and there it rises from it within EDGE_WIDTH pixels. A
    shadow's edge is soft; a sheet's may be lost along the rest, before the head of whoever holds it, a lamp, a wall."""
    h, w = small.shape
    starts, ends = corners, np.roll(corners, -1, axis=0)
    along = ends - starts
    normals = np.stack([along[:, 1], -along[:, 0]], axis=1) / np.maximum(np.hypot(*along.T), 1e-6)[:, None]
    outward = np.sum(((starts + ends) / 2 - corners.mean(axis=0)) * normals, axis=1) >= 0
    normals = np.where(outward[:, None], normals, -normals)
    # Seven profiles across each side, away from its corners, each EDGE_REACH pixels either side of it.
    points = starts[:, None, :] + np.linspace(0.2, 0.8, 7)[None, :, None] * along[:, None, :]  # (side, 7, 2)
    steps = np.arange(-EDGE_REACH, EDGE_REACH + 1, dtype=np.float32)
    xs = points[..., 0, None] + steps * normals[:, None, None, 0]  # (side, 7, step)
    ys = points[..., 1, None] + steps * normals[:, None, None, 1]
    within = (xs.min(axis=2) >= 0) & (ys.min(axis=2) >= 0) & (xs.max(axis=2) <= w - 1) & (ys.max(axis=2) <= h - 1)
    profiles = cv2.remap(
        small.astype(np.float32), xs.reshape(28, -1).astype(np.float32), ys.reshape(28, -1).astype(np.float32), cv2.INTER_LINEAR
    )
    widths = rise_widths(profiles).reshape(4, 7)
    for side_widths, side_within in zip(widths, within):
        if not side_within.any():
            continue  # a side along the frame
        measured = side_widths[side_within & (side_widths > 0)]
        if len(measured) < EDGE_SEEN * side_within.sum() or np.median(measured) > EDGE_WIDTH:
            return False
    return True


def rise_widths(profiles: np.ndarray) -> np.ndarray:
    """For each profile (a row, running from inside the sheet out to the ground), the pixels from the paper's last
    level (90% of the way up from the ground) to where the ground begins (10%); the paper is the level of its
    first half (a stroke aside: a median), the ground of its second. 0 where the two are too close to tell."""
    half = profiles.shape[1] // 2
    paper, ground = np.median(profiles[:, :half], axis=1), np.median(profiles[:, half + 1 :], axis=1)
    rise = np.maximum(paper - ground, 1e-6)[:, None]
    share = (profiles - ground[:, None]) / rise
    columns = np.arange(profiles.shape[1])
    # The paper's last column in the first half, then the ground's first column after it.
    last_paper = np.where((share >= 0.9) & (columns <= half), columns, -1).max(axis=1)
    grounds = (share <= 0.1) & (columns > last_paper[:, None])
    widths = np.where(grounds.any(axis=1), grounds.argmax(axis=1) - last_paper, profiles.shape[1])
    return np.where(paper - ground < SHEET_CONTRAST, 0, widths)


def crop_to_sheet(image: np.ndarray, corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sheet turned upright and cropped within MARGIN of its edges (the rim, fingers holding it, the
    room's slivers at its corners, left at the crop's frame), and the 2x3 affine map from ``image``'s
    pixels to the crop's."""
    (cx, cy), (w, h), angle = cv2.minAreaRect(corners)
    while angle > 45:  # the turn that makes the sheet upright is the smallest one, under 45 degrees either way
        angle, w, h = angle - 90, h, w
    while angle <= -45:
        angle, w, h = angle + 90, h, w
    size = (max(1, round(w * (1 - 2 * MARGIN))), max(1, round(h * (1 - 2 * MARGIN))))
    # Of the two ways to turn by that angle, the one that makes the sheet's corners a box along the axes.
    best = None
    for turn in (angle, -angle):
        matrix = cv2.getRotationMatrix2D((float(cx), float(cy)), turn, 1.0)
        matrix[:, 2] += (size[0] / 2 - cx, size[1] / 2 - cy)
        placed = corners @ matrix[:, :2].T + matrix[:, 2]
        skew = float(np.ptp(np.sort(placed[:, 0])[:2]) + np.ptp(np.sort(placed[:, 1])[:2]))
        if best is None or skew < best[0]:
            best = (skew, matrix)
    matrix = best[1]
    return cv2.warpAffine(image, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE), matrix
