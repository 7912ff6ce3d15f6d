"""The page stage: any picture of writing -> an ink-bright gray image and a binary mask of the ink.

    [a small image blown up: back to its real size] -> [a sheet amid other things: the sheet alone, upright] -> alpha
    -> [background removal] -> gray -> polarity -> [ink on paper: shading evened] -> CLAHE -> denoise -> flatten background
    -> threshold with hysteresis (ruled lines erased) -> morphology

Each function takes and returns arrays; ``read_page`` runs them with the
settings of the image's source, at a working size, and keeps the map back to
the input's pixels (a scale, and the sheet's turn and crop).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .background import remove_background
from .errors import NoDigitFound
from .regions import along_frame, at_frame, components, frame_contact, min_area
from .sheet import crop_to_sheet, find_sheet
from .steps import Steps
from .verdict import Reason

WORK_SIDE = 640  # photos are processed at most this large: plenty for one digit, and fast
MIN_SIDE = 128  # tiny images (an MNIST-sized upload) are enlarged to this first
MAX_BLOWN_UP_SIDE = 1024  # larger pictures are not searched for being a small image blown up
# A pen line under FINE_PEN px wide does not survive the median filter and the opening (a 3x3 median wipes
# out a 1 px line, and a bilevel scan's strokes narrow to a pixel here and there): such a picture is worked
# on larger, where its strokes are PEN_WIDTH wide, up to MAX_FINE_SIDE.
FINE_PEN = 3.0
PEN_WIDTH = 4.0
MAX_FINE_SIDE = 1600
# In a photo the pen is known only once the digit is found: strokes under PHOTO_FINE_PEN px wide there lose
# pieces to blur, noise and the median filter, and the digit is read again with all the pixels the photo has.
PHOTO_FINE_PEN = 5.0
# A picture that shrinks to this side and back losing under SMOOTH_LOSS of its edges' contrast has no
# finer detail: it is a small image enlarged smoothly (bilinear or bicubic).
SMOOTH_SIDES = (96, 64, 48, 32, 24, 16, 12, 8)
SMOOTH_LOSS = 0.12
MIN_CONTRAST = 24  # ink must stand this many gray levels above the flattened background
INK_FRACTION = 0.4  # ... and reach this fraction of the ink's brightness
HYSTERESIS = 0.6  # a stroke's faint stretches, connected to its ink, may dip to this fraction of the ink level
SUBSTANTIAL = 0.25  # shapes with this share of the largest one's ink are the substantial ones (digits, not specks) ...
FAINT_SIZE = 1.5  # ... and a faint shape with only specks of ink is taken whole within this factor of their median size
# A clean picture whose frame is this much bright paper is dark ink on paper, however much of the frame
# a bold digit cropped tight covers: a light-on-dark drawing shows its dark ground all round.
PAPER_FRAME = 0.35
CLEAN = 0.6  # a picture with this share of it at its two extreme levels is clean: a drawing, a scan, a crop
# One whose frame is this much dark ground, the light reaching it strokes (not a convex sheet: SOLID of
# its hull), is light ink on a dark ground: a bold chalk digit cropped tight covers the rest.
DARK_FRAME = 0.75
SOLID = 0.9
# Light on dark must be cleaner than that (a room's walls and a dim photo's lit middle are mid-levels too), but
# for the steps between the two levels: a ramp no wider than this (pixels of ``downscaled``) is a blurred edge.
DARK_CLEAN = 0.8
STEP_WIDTH = 16
INKY = 0.9  # ink at the frame of a crop is this close to the darkest ink (a shadow across a photo: 0.7-0.8)
CLEAR_MAJORITY = 0.1  # in a small crop whose corners disagree, the paper holds over 60% of the picture
INK_DEPARTURE = 16  # gray levels off a photo's local background that count as ink, not lighting or noise
MAX_SHADE = 3.0  # paper in shade is lifted, and paper in the light dimmed, at most this much (``even_shading``)
SOFT_EDGE = 0.15  # a shape whose surround, 3-8 px out, keeps this share of its contrast is lighting, not ink
LIGHT_RULING, DARK_RULING = 0.5, 0.25  # the strict mask shows a light ruling along less of its length (``remove_rulings``)
LINE_TILT = 0.18  # a photographed ruling leans up to about 10 degrees (rise over run)
BOX_OUTLINE = 0.9  # a printed box's ink covers this share of the outline of its smallest rectangle
SOURCES = ("sketch", "webcam", "upload", "mnist")


@dataclass(frozen=True)
class Settings:
    """Which steps run, per kind of input."""

    clahe: bool = True
    denoise: bool = True
    flatten: bool = True  # subtract an estimate of uneven lighting
    remove_lines: bool = True  # ruled lines of notebook paper
    reject_border: bool = True  # a shape that runs far into the image edge is paper edge or shadow
    reopen_loops: bool = True  # a photo's blur fills the small loops of an 8: each glyph opens them again
    find_sheet: bool = True  # a sheet of paper amid other things (a room, a desk) is read alone
    # Shade on paper is divided out; a webcam's picture is a room, not paper, unless its sheet was found
    even_shading: bool = True
    # A blank sheet held up to a webcam: nothing written yet (in an upload, a blank card may lie beside the writing)
    refuse_blank_sheet: bool = False


SETTINGS = {
    # A canvas is clean: no lighting to correct, no paper, and people draw up to the edge.
    "sketch": Settings(
        clahe=False, denoise=False, flatten=False, remove_lines=False, reject_border=False, reopen_loops=False, find_sheet=False
    ),
    "webcam": Settings(refuse_blank_sheet=True, even_shading=False),
    "upload": Settings(),
    "mnist": Settings(
        clahe=False, denoise=False, flatten=False, remove_lines=False, reject_border=False, reopen_loops=False, find_sheet=False
    ),
}


@dataclass(frozen=True)
class Page:
    """The page at working size: ink bright, and where the ink is."""

    gray: np.ndarray  # uint8, ink bright, background dark (flattened for photos)
    mask: np.ndarray  # uint8 0/255, the ink
    scale: float  # working pixels per input pixel
    input_shape: tuple[int, int]  # (height, width) of the image as given
    settings: Settings
    warnings: tuple[str, ...] = ()
    low_resolution: bool = False  # a small image, or one blown up from a small image: no detail to spare
    plain_ground: bool = False  # ink on an evenly lit, plain ground (a crop, a scan, a drawing): no table, no shadow
    sheet: np.ndarray | None = None  # 2x3 affine from the working pixels to the page's, where a sheet was cropped
    dark_on_light: bool = True  # the picture's polarity: dark ink on light paper (as given, before the ink is made bright)


# --- colour and polarity -------------------------------------------------------------------


def composite_alpha(image: np.ndarray) -> np.ndarray:
    """RGBA -> RGB on a background that contrasts with the ink.

    A sketchpad layer is ink on transparency: black ink needs a white backdrop,
    white chalk a black one, so the backdrop is chosen from the opaque pixels.
    """
    if image.ndim != 3 or image.shape[2] != 4:
        return image
    rgb = cv2.cvtColor(image, cv2.COLOR_RGBA2RGB)
    alpha = np.ascontiguousarray(image[:, :, 3])
    # The ink's colour, weighted by opacity (a sparse sample is plenty): a faint brush counts too.
    sample_alpha = alpha[::4, ::4].astype(np.float32)
    partly_transparent = 0 < sample_alpha.sum() < 255 * sample_alpha.size
    ink_luma = np.average(rgb[::4, ::4].mean(axis=2), weights=sample_alpha) if partly_transparent else 0.0
    alpha3 = cv2.merge([alpha, alpha, alpha])
    if ink_luma > 127:  # light ink: onto black
        return cv2.multiply(rgb, alpha3, scale=1 / 255)
    return 255 - cv2.multiply(255 - rgb, alpha3, scale=1 / 255)  # dark ink: onto white


def to_gray(image: np.ndarray) -> np.ndarray:
    """RGB or gray uint8 -> gray uint8."""
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def clean_levels(gray: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The picture downscaled, Otsu's level, and how clean it is: the share of it at its two extreme levels.

    A drawing or a digital image is nearly all at two levels, a scan or a crop mostly; a photo
    (a table, shadows, gradients) much less.
    """
    small = downscaled(gray)
    clean = np.mean(at_two_levels(small, *extreme_levels(small)))
    level, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return small, float(level), float(clean)


def extreme_levels(small: np.ndarray) -> tuple[float, float]:
    """A picture's darkest and brightest levels, a few stray pixels aside: its 1st and 99th percentiles."""
    dark, light = np.percentile(small, (1, 99))
    return dark, light


def at_two_levels(small: np.ndarray, dark: float, light: float) -> np.ndarray:
    """Where a picture is within 16 gray levels of its darkest or its brightest (``extreme_levels``)."""
    return (np.abs(small - dark) <= 16) | (np.abs(small - light) <= 16)


def frame_of(small: np.ndarray) -> np.ndarray:
    """The picture's outermost two pixels all round, as one array."""
    return np.concatenate([small[:2].ravel(), small[-2:].ravel(), small[:, :2].ravel(), small[:, -2:].ravel()])


def on_paper(gray: np.ndarray) -> bool:
    """Whether the picture is dark ink on evenly lit paper: a crop of a scan or a photo, or a drawing.

    A clean picture (mostly its two levels; not a photo with a table and shadows) whose frame is
    largely bright paper is that, however much of the frame a bold digit cropped tight covers.
    A light-on-dark drawing shows its dark ground all round, and a dark slate on a light table
    is one solid sheet, not strokes.
    """
    return paper_frame(*clean_levels(gray))


def paper_frame(small: np.ndarray, level: float, clean: float) -> bool:
    """``on_paper`` for a picture already downscaled and measured by ``clean_levels``."""
    band = frame_of(small)
    paper = band[band > level]
    return bool(
        clean >= CLEAN
        and paper.size >= PAPER_FRAME * band.size
        and float(np.median(paper)) > 160
        and not solid_sheet(small <= level)
    )


def on_dark_ground(gray: np.ndarray) -> bool:
    """Whether the picture is light ink on a dark ground: a two-level picture whose frame is all dark, the light side strokes.

    However bold the digit (its ink may be most of the picture), the ground is what shows all round;
    a sheet of paper on a dark table shows the table all round too, but the paper is one solid sheet,
    and a photo is not two levels (its shadows split the paper in two).
    """
    return dark_ground(*clean_levels(gray))


def dark_ground(small: np.ndarray, level: float, clean: float) -> bool:
    """``on_dark_ground`` for a picture already downscaled and measured by ``clean_levels``.

    A bold chalk digit cropped tight leaves the ground less of the frame (DARK_FRAME of it); the
    light there is then strokes, which curve, where a sheet of paper running off the picture is convex.
    The light side must stand out from the ground as ink does: in a dim photo of paper, nearly all of
    it within a few gray levels (so "clean"), Otsu's split is the lit middle against darker corners.
    And the picture must be clean (DARK_CLEAN), a room's walls and a photo's lighting being mid-levels,
    but for the rim of mid-levels that a blurred bold digit leaves along its strokes (``clean_but_for_steps``).
    """
    dark_frame = float(np.mean(frame_of(small) <= level))
    light = small > level
    if not light.any() or light.all() or float(small[light].mean() - small[~light].mean()) < MIN_CONTRAST:
        return False
    framed_strokes = dark_frame >= DARK_FRAME and not convex_at_frame(light)
    if not (dark_frame >= 0.9 or framed_strokes) or solid_sheet(light):
        return False
    return clean >= DARK_CLEAN or clean_but_for_steps(small) >= DARK_CLEAN


def clean_but_for_steps(small: np.ndarray) -> float:
    """The share of a picture at its two extreme levels (``at_two_levels``, as ``clean_levels`` counts) or on a
    steep step between them.

    A bold digit, blurred or anti-aliased, leaves a rim of mid-levels along every stroke: the bolder the digit
    in its crop, the more of the picture that rim is. Those pixels lie on steps from one level to the other,
    ramps at most STEP_WIDTH pixels wide; a wall's, a lamp's or lit paper's mid-levels are flat.
    """
    dark, light = extreme_levels(small)
    levels = small.astype(np.float32)
    # A 3x3 Sobel filter gives eight times the step per pixel.
    slope = np.hypot(cv2.Sobel(levels, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(levels, cv2.CV_32F, 0, 1, ksize=3)) / 8
    return float(np.mean(at_two_levels(small, dark, light) | (slope >= (light - dark) / STEP_WIDTH)))


def convex_at_frame(side: np.ndarray) -> bool:
    """Whether any shape of one side of a picture (a boolean mask) that reaches the frame fills SOLID of its convex hull."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(side.astype(np.uint8), connectivity=8)
    for label in set(frame_of(labels).tolist()) - {0}:
        outlines, _ = cv2.findContours((labels == label).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        if stats[label, cv2.CC_STAT_AREA] >= SOLID * cv2.contourArea(cv2.convexHull(np.vstack(outlines))):
            return True
    return False


def is_light_background(gray: np.ndarray) -> bool:
    """True for dark ink on light paper, False for light chalk on a dark board.

    Ink on evenly lit paper (``on_paper``), and light ink on a dark ground (``on_dark_ground``),
    are recognized by their frame, however bold the digit.
    A drawing (a canvas, a digital image) has two levels, ink and background, and the background
    is the commoner one, however far a bold digit spreads to the edges.
    A plain background (a scan) shows at the frame
    as one level that most of the image shares: the ink is what departs from it. Otherwise (a photo), the
    ink is what departs most, darker or brighter, from a median background that follows uneven lighting
    (``ink_is_darker``); the photo's outer eighth, where the table and the sheet's rim show, is left out.
    """
    small, level, clean = clean_levels(gray)
    if paper_frame(small, level, clean):
        return True
    if dark_ground(small, level, clean):
        return False
    dark, light = np.percentile(small, (1, 99))
    near_dark, near_light = np.abs(small - dark) <= 16, np.abs(small - light) <= 16
    if light - dark >= 4 * MIN_CONTRAST and np.mean(near_dark | near_light) >= 0.9:
        return int(np.count_nonzero(near_light)) > int(np.count_nonzero(near_dark))
    frame = frame_of(small).astype(np.float32)
    level = float(np.median(frame))
    departure = small.astype(np.float32) - level
    # A plain frame whose level most of the image shares is the background; a bright one (paper: a
    # tight crop of a bold digit) may share it with only a quarter, the ink taking the rest.
    at_level = np.mean(np.abs(departure) <= 16)
    plain = np.percentile(np.abs(frame - level), 80) <= 8 and (at_level > 0.5 or (level > 160 and at_level > 0.25))
    if plain:
        ink = departure[np.abs(departure) > 32]
        if ink.size:
            return float(ink.mean()) < 0
    # The inner part of a photo: its edges are where the table and the paper's rim show. A digit written
    # near the edge leaves it without ink (only lighting departs there, and by chance): then a narrower rim
    # is left out, with a narrower median. Where nothing departs like ink, the slightest lean decides. So too
    # on a plain ground where nothing departs far: a fine pen on dim paper (the paper's own lighting, lit in
    # the middle, departing as much as the pen's strokes do, shrunk to a quarter) or a blank page.
    for rim, window in ((8, 0.5), (16, 0.25)):
        darker = ink_is_darker(small, rim, window, INK_DEPARTURE)
        if darker is not None:
            return darker
    return bool(ink_is_darker(small, 8, 0.5, 0))


def ink_is_darker(small: np.ndarray, rim: int, window: float, floor: float) -> bool | None:
    """Whether a photo's ink departs from its background more darker than brighter; None when neither way.

    The background is a median ``window`` of the picture's shorter side wide (wider than the thickest
    stroke, so it stays paper, and it follows uneven lighting), with a ``1/rim`` of the picture left out
    at each side. Departures of more than ``floor`` gray levels count, squared, so that strong ink
    outweighs soft shadows.
    """
    h, w = small.shape
    inner = np.ascontiguousarray(small[h // rim : h - h // rim, w // rim : w - w // rim]) if min(h, w) >= 16 else small
    k = max(3, int(min(inner.shape) * window) | 1)
    residual = inner.astype(np.float32) - cv2.medianBlur(inner, k)
    darker, lighter = float((residual[residual < -floor] ** 2).sum()), float((residual[residual > floor] ** 2).sum())
    return None if darker == lighter else darker > lighter


def solid_sheet(side: np.ndarray) -> bool:
    """Whether one side of a picture (a boolean mask) is mostly one solid sheet: a slate on a light table, paper on a dark one.

    Its largest shape fills a quarter of the picture, is roughly square, and fills 85% of the smallest
    rectangle round it, turned as it lies (a sheet photographed askew; the writing takes a little).
    A digit's ink, however bold, leaves much of that rectangle to the ground (a round 0 fills at most
    π/4 of it), or, a bar of a 1, is far from square.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(side.astype(np.uint8), connectivity=8)
    if count < 2:
        return False
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h, area = stats[largest]
    if area < 0.25 * side.size or min(w, h) < 0.5 * max(w, h):
        return False
    outlines, _ = cv2.findContours((labels == largest).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    _, (rw, rh), _ = cv2.minAreaRect(np.vstack(outlines))
    return area >= 0.85 * rw * rh


def is_light_background_of_crop(gray: np.ndarray) -> bool:
    """Polarity of a small image (a crop or a scan, no table in sight): the background is what the frame shows.

    Otsu's threshold splits ink from paper. When the four corners agree, they show the paper:
    a tight crop of a bold digit touches the frame only here and there. When they do not
    (a digit stretched to fill its box, as scanners normalize digits, runs along the frame
    and into its corners), the paper is the side that holds clearly more of the picture:
    even stretched, a digit is strokes with paper between them. Only where neither side
    does, the corners' majority decides, then the frame's.
    """
    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    light_corners = int(np.count_nonzero(gray[[0, 0, -1, -1], [0, -1, 0, -1]] > level))
    if light_corners in (0, 4):
        return light_corners == 4
    light_share = float(np.mean(gray > level))
    if abs(light_share - 0.5) > CLEAR_MAJORITY:
        return light_share > 0.5
    if light_corners != 2:
        return light_corners > 2
    frame = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return int(np.count_nonzero(frame > level)) * 2 > frame.size


def downscaled(gray: np.ndarray) -> np.ndarray:
    """A quarter-size copy, for the steps that look at the background: it is broad, so this loses nothing."""
    return cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA) if min(gray.shape) >= 256 else gray


def ink_bright(gray: np.ndarray) -> np.ndarray:
    """Gray image with the ink bright and the background dark, as in MNIST."""
    return 255 - gray if is_light_background(gray) else gray


def pen_width(gray: np.ndarray) -> float | None:
    """The width in pixels of the finest pen among the ink's substantial shapes (ink-bright gray, Otsu's split;
    a number's digits may be by several writers), or None where no shape is long.

    A stroke w pixels wide and l long covers w * l pixels inside an outline 2 * l long: the width is twice
    the ink over the outline. Specks and noise (shapes under 8 px and under 1/64 of the picture) do not
    count, nor do rims along the frame (a scan's or a crop's edge).
    """
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    rim = frame_contact(labels, count - 1) >= extent[1:] / 2
    long = np.flatnonzero((extent[1:] >= max(8, max(gray.shape) / 64)) & ~rim) + 1
    if not long.size:
        return None
    # Rulings and a sheet's edges run across the picture: the shapes the size of a digit are the writing, where
    # there are any; else the largest shape is (a digit that fills its picture, or writing across rulings).
    digits = long[extent[long] <= max(gray.shape) / 2]
    shapes = digits if digits.size else long[np.argmax(stats[long, cv2.CC_STAT_AREA]), None]
    areas = stats[shapes, cv2.CC_STAT_AREA]
    widths = []
    for label in shapes[areas >= SUBSTANTIAL * areas.max()]:
        x, y, w, h, _ = stats[label]
        widths.append(outline_width(labels[y : y + h, x : x + w] == label))
    return min(widths)


def outline_width(shape: np.ndarray) -> float:
    """Twice the ink of a boolean mask over the length of its outlines: the width of its strokes (``pen_width``)."""
    contours, _ = cv2.findContours(shape.astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    return 2.0 * np.count_nonzero(shape) / max(sum(cv2.arcLength(c, closed=True) for c in contours), 1.0)


def paper_all_round(gray: np.ndarray) -> bool:
    """Whether a dark-on-light picture's frame is paper nearly all round: a sheet that fills the picture, no table
    or shadow at its edges (unlike ``on_paper``, which a bold digit cropped tight may cover)."""
    small = downscaled(gray)
    band = frame_of(small)
    return bool(np.mean(band >= np.percentile(small, 99) - 24) >= 0.9)


def fine_pen_side(pen: float | None, side: int) -> int | None:
    """The working side at which a fine pen's strokes are PEN_WIDTH wide, or None when they are wide enough."""
    if pen is None or pen >= FINE_PEN or side >= MAX_FINE_SIDE:
        return None
    return int(min(side * PEN_WIDTH / max(pen, 1.0), MAX_FINE_SIDE))


def closer_side_for_pen(page: Page, digits: list[np.ndarray]) -> int | None:
    """The working side at which to read a photo again when the finest of the ``digits`` found (their masks) is
    drawn in a fine pen: the photo's own size, up to MAX_FINE_SIDE; None when the pen is broad enough, the picture
    is no photo, or it has no more pixels.

    A ballpoint digit photographed from arm's length has strokes a few pixels wide at the working size: parts
    of it fade into the paper's grain and the median filter, and what is left is a fragment (a 4's slanted
    stroke read as a 1, a 5 without its flag read as a 0). ``pen_width`` cannot tell before: in a photo its
    split is light and shade, not ink and paper.
    """
    side = min(max(page.input_shape), MAX_FINE_SIDE)
    if not page.settings.reject_border or page.low_resolution or side <= 1.2 * page.scale * max(page.input_shape):
        return None
    return side if digits and min(outline_width(d > 0) for d in digits) < PHOTO_FINE_PEN else None


def resize_to_work_size(image: np.ndarray, work_side: int = WORK_SIDE, min_side: int = MIN_SIDE) -> np.ndarray:
    """Shrink large photos to ``work_side`` and enlarge tiny images to ``min_side`` (longer side).

    Shrinking averages whole blocks of pixels first (INTER_AREA by an integer factor is
    fast), then interpolates the remaining factor below 2, where linear loses nothing:
    INTER_AREA by a fractional factor costs ten times more.
    """
    side = max(image.shape[:2])
    if min_side <= side <= work_side:
        return image
    scale = work_side / side if side > work_side else min_side / side
    block = int(1 / scale)
    if block >= 2:
        image = cv2.resize(image, None, fx=1 / block, fy=1 / block, interpolation=cv2.INTER_AREA)
        scale *= block
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return image if size == image.shape[1::-1] else cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)


def blocky_factor(gray: np.ndarray) -> float:
    """How many times the picture was enlarged by repeating pixels (nearest neighbour); 1.0 if it was not.

    In such a picture the gray level changes sharply only at the old pixels' borders, so the
    rows and columns where it does are a whole old pixel apart, never side by side. In a photo,
    a drawing or a smooth enlargement, every edge is a ramp whose changes sit side by side. A
    hard-edged drawing has no ramps either, so the guess is checked: sampling the middle of
    every old pixel and repeating it again must give the picture back.
    """
    levels = gray.astype(np.int16)
    factors = []
    for axis in (0, 1):
        change = np.abs(np.diff(levels, axis=axis)).max(axis=1 - axis)
        where = np.flatnonzero(change > 0.3 * change.max()) if change.max() > 0 else ()
        if len(where) < 4:
            return 1.0
        gaps = np.diff(where)
        if np.mean(gaps == 1) > 0.1:
            return 1.0
        factors.append(gaps[gaps < 1.5 * gaps.min()].mean())  # one old pixel: k, or k and k+1 in turn
    factor = float(min(factors))
    return factor if factor >= 2 and keeps_edges(gray, factor, cv2.INTER_LINEAR, cv2.INTER_NEAREST) else 1.0


def shrunk_size(shape: tuple[int, int], factor: float) -> tuple[int, int]:
    """OpenCV's (width, height) for a picture of ``shape`` (height, width) shrunk ``factor`` times, at least a pixel."""
    return max(1, round(shape[1] / factor)), max(1, round(shape[0] / factor))


def keeps_edges(gray: np.ndarray, factor: float, down: int, up: int) -> bool:
    """Whether the picture, shrunk ``factor`` times and enlarged back, loses under SMOOTH_LOSS of its edges' contrast."""
    h, w = gray.shape
    small = cv2.resize(gray, shrunk_size((h, w), factor), interpolation=down)
    levels = gray.astype(np.float32)
    lost = np.abs(levels - cv2.resize(small, (w, h), interpolation=up)).mean()
    edges = np.abs(np.diff(levels, axis=0)).mean() + np.abs(np.diff(levels, axis=1)).mean()
    return bool(lost < SMOOTH_LOSS * edges)


def smooth_at(gray: np.ndarray, side: int) -> bool:
    """Whether the picture, shrunk to ``side`` (longer side) and enlarged back smoothly, keeps its edges."""
    return keeps_edges(gray, max(gray.shape) / side, cv2.INTER_AREA, cv2.INTER_LINEAR)


def detail_side(gray: np.ndarray) -> int | None:
    """The longer side of the small image this picture was blown up from, or None for a picture with real detail.

    People enlarge a small scan or an MNIST digit before they upload it, by repeating pixels or
    smoothly. Worked on at its blown-up size, such a digit is binarized into staircases and broken
    at the corners; at its real size it is read from its gray levels, as any small image is.
    """
    side = max(gray.shape)
    if min(gray.shape) < min(SMOOTH_SIDES) or not 2 * min(SMOOTH_SIDES) <= side <= MAX_BLOWN_UP_SIDE:
        return None
    factor = blocky_factor(gray)
    if factor > 1:
        small = round(side / factor)
        return small if small < MIN_SIDE else None
    sides = [s for s in SMOOTH_SIDES if 4 * s <= 3 * side]
    if not smooth_at(gray, sides[0]):  # the largest first: a picture with real detail is done in one try
        return None
    return next((s for s in reversed(sides[1:]) if smooth_at(gray, s)), sides[0])


# --- enhancement and binarization ----------------------------------------------------------


def apply_clahe(gray: np.ndarray, tiles: int = 8) -> np.ndarray:
    """Contrast-limited adaptive histogram equalization: faint pencil on gray paper gains contrast.

    The picture is equalized in ``tiles`` x ``tiles`` tiles, which even out its lighting as well.
    """
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(tiles, tiles)).apply(gray)


def denoise(gray: np.ndarray) -> np.ndarray:
    """Median filter: removes sensor noise and JPEG specks while keeping stroke edges."""
    return cv2.medianBlur(gray, 3 if max(gray.shape) < 400 else 5)


def flattening_kernel(small: np.ndarray) -> int:
    """The opening's diameter in the downscaled image: a third of it, wider than any ordinary stroke."""
    return max(5, int(round(min(small.shape) / 3)) | 1)


def broad_strokes(gray: np.ndarray) -> bool:
    """Whether the ink (ink-bright gray, Otsu's split) has strokes half as wide as the flattening kernel."""
    small = downscaled(gray)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    thickest = 2.0 * float(cv2.distanceTransform(np.pad(ink, 1), cv2.DIST_L2, 3).max())
    return thickest > 0.5 * flattening_kernel(small)


def background_of(gray: np.ndarray) -> np.ndarray:
    """The background of an ink-bright gray picture, at every pixel: a morphological opening larger than any stroke.

    Shadows, lighting gradients and the dark table around a sheet of paper are
    broad; strokes are narrow. What the opening cannot remove is background.
    """
    small = downscaled(gray)
    k = flattening_kernel(small)
    background = cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    return cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)


def flatten_background(gray: np.ndarray) -> np.ndarray:
    """Subtract the background (``background_of``): a white top-hat."""
    return cv2.subtract(gray, background_of(gray))


def even_shading(gray: np.ndarray) -> np.ndarray:
    """Divide the lighting out of a picture of dark ink on paper, made ink-bright: a flat-field correction.

    Light multiplies: where a hand's shadow halves the light, it halves the ink's contrast with its
    paper too, and subtracting the background leaves it halved. One ink level for the whole page
    then keeps the ink in the light and loses the ink in the shade (a 7's foot, a number's last digit).
    Every pixel's darkness is scaled by how lit its paper is, to the picture's median paper, so ink
    in shade and in light stand out alike. The scale is bounded (MAX_SHADE either way): what is far
    darker than the paper is the table, not shade.
    """
    paper = 255.0 - background_of(gray).astype(np.float32)  # the paper's brightness, ink dark
    gain = np.clip(float(np.median(paper)) / np.maximum(paper, 1.0), 1.0 / MAX_SHADE, MAX_SHADE)
    return np.clip(255.0 - (255.0 - gray.astype(np.float32)) * gain, 0, 255).astype(np.uint8)


def frame_ink_is_digit(gray: np.ndarray) -> bool:
    """Whether the ink (ink-bright gray) at the frame is a digit the picture was cropped to.

    Every shape that reaches the frame then spans nearly the whole picture one way and much of it
    the other (a crop leaves a margin, and a dot or a flag beside the digit widens it), and is as
    dark as the darkest ink (INKY); the table or a shadow along an edge, or across a corner, does
    neither: a shadow falling across the picture can span it, but is a good deal lighter than ink.
    """
    small = downscaled(gray)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    edge = np.unique(frame_of(labels))  # the two outermost pixels, as ``uneven_lighting`` sees the frame
    edge = edge[edge > 0]
    across, down = stats[edge, cv2.CC_STAT_WIDTH] / w, stats[edge, cv2.CC_STAT_HEIGHT] / h
    spans = (np.maximum(across, down) >= 0.9) & (np.minimum(across, down) >= 0.5)
    inky = [np.median(small[labels == label]) >= INKY * np.percentile(small, 99.9) for label in edge]
    return bool(edge.size and spans.all() and all(inky))


def uneven_lighting(gray: np.ndarray, spread: int = 12) -> bool:
    """Whether the frame shows uneven lighting: the table or a shadow along it (a tenth of the frame
    brighter than Otsu's level, in the ink-bright gray), or a background that varies by more than
    ``spread`` gray levels. A tight crop's frame is paper, crossed here and there by the digit.
    """
    small = downscaled(gray)
    frame = frame_of(small)
    level, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    background = frame[frame <= level]
    if background.size < 0.9 * frame.size:  # the table, a shadow or the sheet's edge along the frame
        return True
    # A gradient or a shadow spans much of the frame; the anti-aliased rim of ink where the digit
    # touches the frame is a few pixels: the quartile leaves it out.
    low, high = np.percentile(background, (5, 75))
    return high - low > spread


def ink_level(gray: np.ndarray) -> float:
    """The gray level that separates ink from background: Otsu's, at least INK_FRACTION of the ink's
    own brightness, and at least MIN_CONTRAST.

    Otsu alone splits background from "everything else", which on notebook paper
    includes the faint ruled lines; relative to the ink (the 99th percentile of
    the pixels above the floor) those lines are dim. The floor keeps a blank page blank: there Otsu would split noise.
    """
    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    candidates = gray[gray >= MIN_CONTRAST]
    ink = float(np.percentile(candidates, 99)) if candidates.size else 0.0
    return max(level, INK_FRACTION * ink, MIN_CONTRAST)


def level_inside(gray: np.ndarray, level: float) -> float:
    """The ink level of a photo's paper, leaving out what runs along its frame: the table, the sheet's edge, a shadow.

    ``ink_level`` scales with the brightest ink, and in the ink-bright gray the table around a sheet can outshine
    a thin, light pen: the digit then falls below the level and only the table is found. When every shape that
    clears ``level`` either runs along the frame (meets it over more than a cut stroke would: ``brief_contact``)
    or is a speck, those shapes of the lenient mask and their blurred rims are left out, and the level is set
    by what remains, never higher than ``level``. A digit cropped tight meets the frame briefly: it is found.
    """
    shape = gray.shape
    strict = binarize(gray, level)
    stats = cv2.connectedComponentsWithStats(strict, connectivity=8)[2][1:]
    big = stats[:, cv2.CC_STAT_AREA] >= min_area(shape)
    if (big & ~at_frame(stats, shape)).any():
        return level  # a shape clear of the frame: the digit is found (the common case, and cheap)
    if (big & ~along_frame(*components(strict))).any():
        return level  # one the frame cuts across, as a crop cuts a digit
    labels, stats, widths = components(binarize(gray, max(HYSTERESIS * level, MIN_CONTRAST)))
    along = np.flatnonzero(along_frame(labels, stats, widths))
    if along.size == 0:
        return level  # specks only, and no table to blame
    rim = max(3, round(0.01 * max(shape))) | 1
    outside = cv2.dilate(np.isin(labels, along + 1).astype(np.uint8), np.ones((rim, rim), np.uint8))
    inside = gray[outside == 0]
    if inside.size < 0.25 * gray.size:
        return level
    return min(level, ink_level(inside[None, :]))


def binarize(gray: np.ndarray, level: float) -> np.ndarray:
    """255 where ``gray`` is above ``level``, else 0."""
    return cv2.threshold(gray, level, 255, cv2.THRESH_BINARY)[1]


def threshold(gray: np.ndarray) -> np.ndarray:
    """Binarize ink at ``ink_level``."""
    return binarize(gray, ink_level(gray))


def hysteresis(strong: np.ndarray, weak: np.ndarray, reach: int = 4) -> np.ndarray:
    """``strong`` grown through ``weak`` by at most ``reach`` pixels: gaps in a faint stroke close.

    A thin pen stroke, blurred by the camera, dips below the ink level along the way:
    the strict mask breaks it into pieces, a lenient one keeps it whole but also
    picks up shading. Growing the strict mask a few pixels through the lenient one
    bridges the dips without reaching the shading further away. Only what is in
    ``weak`` is kept, so that whatever was erased from it (ruled lines) stays erased.
    """
    grown = cv2.bitwise_and(strong, weak)
    kernel = np.ones((3, 3), np.uint8)
    for _ in range(reach):
        grown = cv2.bitwise_and(cv2.dilate(grown, kernel), weak)
    return cv2.bitwise_or(grown, faint_shapes(grown, weak))


def faint_shapes(strong: np.ndarray, weak: np.ndarray) -> np.ndarray:
    """The shapes of ``weak`` whose ink in ``strong`` is only specks, whole, when they are the size of the
    substantial shapes of ``strong`` and drawn in no broader a pen.

    One digit of a number may be written lighter than the rest (less pressure, a thinner pen):
    only specks of it clear the ink level that its darker neighbours set. Its whole shape is in
    the lenient mask, about as tall as theirs (within FAINT_SIZE either way) and in a pen no broader.
    Shading that the lenient mask holds is broader (a shadow cut into bands by ruled lines), and a
    margin rule taller, or, cut by the ruled lines, shorter: all are left to ``hysteresis``'s short
    reach, as is every shape with substantial ink of its own. Nothing at the frame counts: there
    the table and the sheet's edge are.
    """
    firm = cv2.connectedComponentsWithStats(strong, connectivity=8)[2][1:]
    inner = ~at_frame(firm, strong.shape)
    if not inner.any():
        return np.zeros_like(weak)
    area = firm[:, cv2.CC_STAT_AREA]
    speck = SUBSTANTIAL * area[inner].max()  # less firm ink than this is a speck
    substantial = inner & (area >= speck)
    tall = float(np.median(firm[substantial, cv2.CC_STAT_HEIGHT]))
    wide = FAINT_SIZE * float(np.median(firm[substantial, cv2.CC_STAT_WIDTH]))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(weak, connectivity=8)
    stats = stats[1:]
    heights = stats[:, cv2.CC_STAT_HEIGHT]
    fits = (heights >= tall / FAINT_SIZE) & (heights <= FAINT_SIZE * tall) & (stats[:, cv2.CC_STAT_WIDTH] <= wide)
    firm_ink = np.bincount(labels[strong > 0], minlength=len(stats) + 1)[1:]
    specks = (firm_ink > 0) & (firm_ink < speck)
    keep = ~at_frame(stats, weak.shape) & fits & specks
    if keep.any():  # rare: the pens are measured only then
        pen = float(np.median(components(strong)[2][substantial]))
        keep &= components(weak)[2] <= pen
    return np.concatenate([[0], np.where(keep, 255, 0)]).astype(np.uint8)[labels]


def along(mask: np.ndarray, ends: tuple[tuple[int, int], tuple[int, int]]) -> np.ndarray:
    """Whether ``mask`` has ink at each pixel step on the straight line between ``ends``."""
    (x0, y0), (x1, y1) = ends
    n = max(abs(x1 - x0), abs(y1 - y0)) + 1
    xs = np.linspace(x0, x1, n).round().astype(int)
    ys = np.linspace(y0, y1, n).round().astype(int)
    inside = (xs >= 0) & (xs < mask.shape[1]) & (ys >= 0) & (ys < mask.shape[0])
    return np.where(inside, mask[ys.clip(0, mask.shape[0] - 1), xs.clip(0, mask.shape[1] - 1)] > 0, False)


def edge_to_edge(segment: np.ndarray, shape: tuple[int, int], horizontal: bool) -> tuple[tuple[int, int], tuple[int, int]]:
    """The end points of ``segment`` (x0, y0, x1, y1) drawn on across the whole image."""
    x0, y0, x1, y1 = (float(v) for v in segment)
    h, w = shape
    if horizontal:
        slope = (y1 - y0) / (x1 - x0)
        return (0, round(y0 - slope * x0)), (w - 1, round(y0 + slope * (w - 1 - x0)))
    slope = (x1 - x0) / (y1 - y0)
    return (round(x0 - slope * y0), 0), (round(x0 + slope * (h - 1 - y0)), h - 1)


def ruled_lines(
    mask: np.ndarray, thin: np.ndarray, frame_to_frame: bool = False
) -> list[tuple[tuple[tuple[int, int], tuple[int, int]], bool]]:
    """The ruled lines on the page ``mask``, as (end points edge to edge, horizontal?) pairs.

    A probabilistic Hough transform finds straight runs of ``thin`` ink, leaning (a photo taken
    at an angle) or broken where strokes cross them. Drawn on across the image, a ruling has ink
    (its own, or the strokes it runs under) along nearly all of it: horizontal ones along three
    quarters of the width (less the table a photo shows at its sides), a vertical margin along
    almost the whole height (a tall, thin 1 spans less, or it is a tight crop and not thin ink).
    On a sheet that fills the picture (``frame_to_frame``: no table) a ruling is cut by the frame
    at both ends: a fine pen's long bar (a 2's base, a 7's top in a tight crop) stops short of it.
    """
    h, w = mask.shape
    side = min(h, w)
    found = cv2.HoughLinesP(
        thin, 1, np.pi / 360, threshold=max(10, side // 8), minLineLength=int(0.3 * side), maxLineGap=max(4, side // 8)
    )
    near = cv2.dilate(mask, np.ones((5, 5), np.uint8))  # ink within a line's width counts as on it
    lines = []
    for segment in [] if found is None else found[:, 0]:
        dx, dy = abs(int(segment[2]) - int(segment[0])), abs(int(segment[3]) - int(segment[1]))
        if max(dx, dy) == 0 or min(dx, dy) > LINE_TILT * max(dx, dy):  # a point, or a diagonal
            continue
        horizontal = dx > dy
        ends = edge_to_edge(segment, mask.shape, horizontal)
        inked = along(near, ends)
        reach = max(3, len(inked) // 32)
        if inked.mean() >= (0.75 if horizontal else 0.85) and (
            not frame_to_frame or (inked[:reach].any() and inked[-reach:].any())
        ):
            lines.append((ends, horizontal))
    return lines


def remove_ruled_lines(mask: np.ndarray, frame_to_frame: bool = False) -> np.ndarray:
    """Erase ruled lines and margins: thin, straight, and running across nearly all of the image
    (from frame to frame, with ``frame_to_frame``: see ``ruled_lines``).

    A digit's bar is shorter or thicker, so it stays; so does a broad band along
    the frame (the table beside the sheet), which must keep touching the border
    to be recognized as background. Thin strokes that a line crossed are mended.
    """
    thickness, thin = line_thickness(mask), thin_ink(mask)
    return erase_lines(mask, thin, ruled_lines(mask, thin, frame_to_frame), thickness)


def line_thickness(mask: np.ndarray) -> int:
    """The thickest ruling erased, in pixels: 5 px at the 640 px working size."""
    return max(3, round(min(mask.shape) / 120))


def thin_ink(mask: np.ndarray) -> np.ndarray:
    """The ink of ``mask`` no thicker than a ruling, and away from anything thicker (a stroke, or the table)."""
    thickness = line_thickness(mask)
    # Where the mask is thicker than a line, it is a stroke (or the table): never cut there.
    body = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((thickness + 2, thickness + 2), np.uint8))
    # ... but a knot no bigger than two lines crossing (a ruling over the margin) is no stroke.
    _, labels, stats, _ = cv2.connectedComponentsWithStats(body)
    knots = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < (2 * thickness + 2) ** 2)
    body = np.where(np.isin(labels, knots[knots > 0]), 0, body).astype(np.uint8)
    return cv2.subtract(mask, cv2.dilate(body, np.ones((2 * thickness + 3, 2 * thickness + 3), np.uint8)))


def erase_lines(
    mask: np.ndarray,
    thin: np.ndarray,
    lines: list[tuple[tuple[tuple[int, int], tuple[int, int]], bool]],
    thickness: int,
) -> np.ndarray:
    """``mask`` without the thin ink along ``lines`` (``ruled_lines``), the strokes they crossed bridged again."""
    cleaned = mask
    gap = (thickness + 4) | 1  # odd: closing with an even kernel shifts the ink
    for horizontal in (True, False):
        drawn = along_lines(mask.shape, [ends for ends, across in lines if across == horizontal], thickness + 2)
        if not drawn.any():
            continue
        cleaned = cv2.subtract(cleaned, cv2.bitwise_and(drawn, cv2.dilate(thin, np.ones((3, 3), np.uint8))))
        # A thin stroke that crossed the line is cut: bridge the gap across the line's direction.
        cleaned = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, np.ones((gap, 1) if horizontal else (1, gap), np.uint8))
    return cleaned


def remove_rulings(weak: np.ndarray, strong: np.ndarray, frame_to_frame: bool = False) -> np.ndarray:
    """The lenient mask (``hysteresis``'s) without the ruled lines found in it, the strokes along the light ones kept.

    Erasing a ruling takes the thin strokes that run along it: a 2's foot written on the line,
    a 3's or a 9's curve where it meets one. The strict mask (``strong``) holds those strokes,
    in shapes that lie mostly off the rulings. Along a ruling too light for the strict level,
    their ink is put back: a ruling of which the strict mask shows under LIGHT_RULING of its
    length (the strokes that cross it), and under DARK_RULING in shapes of its own (dashes of
    a ruling a little darker in places, which may touch a digit).
    """
    thickness, thin = line_thickness(weak), thin_ink(weak)
    lines = ruled_lines(weak, thin, frame_to_frame)
    cleaned = erase_lines(weak, thin, lines, thickness)
    if not lines:
        return cleaned
    count, labels = cv2.connectedComponents(strong, connectivity=8)
    on_bands = np.bincount(labels[along_lines(weak.shape, [ends for ends, _ in lines], thickness + 2) > 0], minlength=count)
    strokes = on_bands < 0.5 * np.bincount(labels.ravel(), minlength=count)
    strokes[0] = False
    square = np.ones((5, 5), np.uint8)
    inked, own = cv2.dilate(strong, square), cv2.dilate(np.where(strokes[labels], 0, strong).astype(np.uint8), square)
    light = [ends for ends, _ in lines if along(inked, ends).mean() < LIGHT_RULING and along(own, ends).mean() < DARK_RULING]
    if not light:
        return cleaned
    return np.where((along_lines(weak.shape, light, thickness + 2) > 0) & strokes[labels], 255, cleaned).astype(np.uint8)


def along_lines(shape: tuple[int, int], lines: list[tuple[tuple[int, int], tuple[int, int]]], width: int) -> np.ndarray:
    """A mask of ``shape``: 255 within a band ``width`` wide along each line (its end points)."""
    bands = np.zeros(shape, np.uint8)
    for ends in lines:
        cv2.line(bands, *ends, 255, width)
    return bands


def remove_printed_boxes(mask: np.ndarray) -> np.ndarray:
    """Erase the printed boxes of a form (a field, a ZIP code's comb) that digits are written in.

    A box is a shape whose ink lies along the outline of its smallest (turned) rectangle and covers
    nearly all of it (BOX_OUTLINE), corners included, in a line thin beside the box: a written 0 is
    round, or open at a corner, or bold. The box's own ink is erased; a digit that touches it keeps
    all but what lies on the line. In a comb, the separators run straight across from side to side.
    """
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    # Large open shapes; at the frame, a ring is the table round a sheet, or a crop's rim: the regions stage knows those.
    candidates = (np.minimum(w, h) >= max(12, min(mask.shape) // 8)) & (area <= 0.5 * w * h) & ~at_frame(stats, mask.shape)
    cleaned = mask
    for label in np.flatnonzero(candidates[1:]) + 1:
        x, y, w, h, _ = stats[label]
        shape = (labels[y : y + h, x : x + w] == label).astype(np.uint8)
        contours, _ = cv2.findContours(shape, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        centre, size, angle = cv2.minAreaRect(max(contours, key=cv2.contourArea))
        # The line's width: the ink within ``depth`` of the rectangle's edge, per unit of its length. A stroke, or a
        # bold digit, fills that depth; a box's line is thin beside its sides.
        depth = max(2, int(min(size) // 8))
        edge = np.zeros_like(shape)
        cv2.polylines(edge, [cv2.boxPoints((centre, size, angle)).round().astype(np.int32)], True, 1, 2 * depth + 1)
        line = np.count_nonzero(edge & shape) / (2 * (size[0] + size[1]))
        if line > 0.5 * depth or min(size) < 6 * line:
            continue
        # The rectangle through the middle of the line, not along its outer edge.
        corners = cv2.boxPoints((centre, (size[0] - line, size[1] - line), angle)).round().astype(np.int32)
        outline, band = np.zeros_like(shape), np.zeros_like(shape)
        cv2.polylines(outline, [corners], True, 1, 1)
        cv2.polylines(band, [corners], True, 1, int(np.ceil(line)) + 2)
        near = cv2.dilate(shape, np.ones((3, 3), np.uint8), iterations=max(1, round(line / 4)))
        if np.count_nonzero(outline & near) < BOX_OUTLINE * np.count_nonzero(outline):
            continue
        erased = band | separators(shape & ~band.astype(bool), band)
        box = np.zeros_like(mask)
        box[y : y + h, x : x + w] = np.where(erased.astype(bool) & shape.astype(bool), 255, 0)
        cleaned = cv2.subtract(cleaned, box)
    return cleaned


def separators(inside: np.ndarray, band: np.ndarray) -> np.ndarray:
    """The straight lines of a comb: columns or rows of ``inside`` ink that cross from one side of the box to the other."""
    found = np.zeros_like(band)
    for axis in (0, 1):
        span = np.count_nonzero(band == 0, axis=axis)  # the box's inside, across
        across = np.count_nonzero(inside, axis=axis) >= 0.95 * np.maximum(span, 1)
        across &= span > 0
        if axis == 0:
            found[:, across] = 1
        else:
            found[across, :] = 1
    return cv2.dilate(found, np.ones((3, 3), np.uint8))


def clean_mask(mask: np.ndarray) -> np.ndarray:
    """Open away single-pixel specks, close pinholes and hairline gaps in strokes."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)


def without_soft_shapes(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The mask without the shapes whose edge is soft (the edge of a shadow, a band of light or shade), when
    others' edges are sharp.

    Ink has a sharp edge: a few pixels out from a stroke the paper is back to its level. Lighting that the
    flattening left behind fades over tens of pixels (``edge_softness``). A photo that is out of focus blurs
    its ink as much: where no shape clear of the frame is sharp, none is dropped.
    """
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    shapes = np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] >= min_area(mask.shape)) + 1
    softness = np.array([edge_softness(gray, labels, stats, label) for label in shapes])
    soft = softness >= SOFT_EDGE
    # The table along the frame keeps a sharp edge in any photo: only shapes clear of the frame show the focus.
    if not soft.any() or (soft | at_frame(stats[shapes], mask.shape)).all():
        return mask
    return np.where(np.isin(labels, shapes[soft]), 0, mask).astype(mask.dtype)


def edge_softness(gray: np.ndarray, labels: np.ndarray, stats: np.ndarray, label: int) -> float:
    """The share of a shape's contrast over the ground (8-20 pixels out) that remains 3-8 pixels out; 0 for a
    shape with no ground round it."""
    h, w = labels.shape
    x, y, bw, bh = stats[label, :4]
    x0, y0, x1, y1 = max(0, x - 20), max(0, y - 20), min(w, x + bw + 20), min(h, y + bh + 20)
    shape = labels[y0:y1, x0:x1] == label
    distance = cv2.distanceTransform((~shape).astype(np.uint8), cv2.DIST_L2, 3)
    around = gray[y0:y1, x0:x1]
    near, far = around[(distance > 3) & (distance <= 8)], around[(distance > 8) & (distance <= 20)]
    if near.size == 0 or far.size == 0:
        return 0.0
    ground = float(np.median(far))
    return (float(np.median(near)) - ground) / max(float(np.median(around[shape])) - ground, 1.0)


def contrast_of(gray: np.ndarray, mask: np.ndarray) -> float:
    """Ink vs. background, 0-1: difference of their medians in the (ink-bright) gray image."""
    ink = mask > 0
    if not ink.any() or ink.all():
        return 0.0
    sample = gray[::2, ::2], ink[::2, ::2]
    background = np.median(sample[0][~sample[1]]) if (~sample[1]).any() else 0.0
    return float(np.clip((np.median(gray[ink]) - background) / 255.0, 0.0, 1.0))


def read_page(
    image: np.ndarray,
    source: str = "upload",
    *,
    remove_bg: bool = False,
    steps: Steps | None = None,
    work_side: int = WORK_SIDE,
    dark_on_light: bool | None = None,
) -> Page:
    """Run the page stage on a uint8 gray, RGB or RGBA image; ``steps`` records the images on the way.

    Large pictures are worked on at ``work_side`` (longer side): a number's small digits may need more.
    ``dark_on_light`` is the polarity, when a reading of the same picture at the usual working size found it:
    larger, a fine pen is too little of the picture beside a shadow to tell it.

    Raises ``NoDigitFound`` (BLANK) when nothing stands out from the background.
    """
    if source not in SETTINGS:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
    settings = SETTINGS[source]
    input_shape = image.shape[:2]
    steps = steps if steps is not None else Steps(enabled=False)
    # A small image blown up is worked on at its real size, as a small image.
    small = detail_side(to_gray(composite_alpha(image))) if max(input_shape) <= MAX_BLOWN_UP_SIDE else None
    if small:
        size = shrunk_size(input_shape, max(input_shape) / small)
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    low_resolution = max(image.shape[:2]) < MIN_SIDE
    working = resize_to_work_size(image, work_side)
    working_gray = to_gray(composite_alpha(working))
    bright = ink_bright(working_gray)
    framed = paper_all_round(255 - bright)
    # The pen is measured only on a clean sheet that fills the picture (a scan, a drawing, a crop): in a photo
    # Otsu's split is lit and shaded regions, not ink and paper, and there the median filter clears rulings.
    pen = pen_width(bright) if framed and clean_levels(bright)[2] >= CLEAN else None
    side = fine_pen_side(pen, max(working.shape[:2]))
    zoom = side / max(working.shape[:2]) if side else 1.0
    if side:
        working = resize_to_work_size(image, side, min_side=side)
        working_gray = to_gray(composite_alpha(working))
    image = working
    scale = max(image.shape[:2]) / max(input_shape)
    if small:
        steps.add(f"input (blown up from {size[0]}x{size[1]})", image)
    else:
        steps.add(f"input (worked on {zoom:.1f}x larger: a fine pen)" if side else "input", image)
    found = find_sheet(working_gray) if settings.find_sheet and not low_resolution else None
    if found is not None and found.blank:
        if settings.refuse_blank_sheet:
            raise NoDigitFound(Reason.BLANK_SHEET)
        found = None
    sheet = None
    if found is not None:
        image, sheet = crop_to_sheet(image, found.corners)
        steps.add("sheet found, turned upright", image)
    warnings: list[str] = []
    if remove_bg:
        removed, warning = remove_background(image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB))
        if warning:
            warnings.append(warning)
        else:
            image = removed
            steps.add("background removed", removed)
    if image.ndim == 3 and image.shape[2] == 4:
        image = composite_alpha(image)
        steps.add("alpha composited", image)

    gray = to_gray(image)
    # An enlarged small image is a crop or a scan: its frame is paper.
    if dark_on_light is not None:
        light = dark_on_light
    else:
        light = is_light_background_of_crop(gray) if low_resolution else is_light_background(gray)
    gray = 255 - gray if light else gray
    steps.add("ink made bright" if light else "gray", gray)
    plain_ground = on_paper(255 - gray)  # dark ink on light paper, or light chalk on a dark board
    # Flattening takes what is broad for background: in a small crop, or a bold digit filling its
    # frame, the digit's own strokes are that broad. Such a page is left as it is when its lighting is
    # even along the frame (judged before CLAHE, which makes even paper uneven), or when it is ink on
    # a plain ground cropped to the digit: the ink at its frame is then the digit, not the table.
    flatten = (
        settings.flatten
        and not low_resolution
        and (not broad_strokes(gray) or (uneven_lighting(gray) and not (plain_ground and frame_ink_is_digit(gray))))
    )
    if flatten and light and (settings.even_shading or sheet is not None):
        gray = even_shading(gray)
        steps.add("shading evened", gray)
    if settings.clahe:
        # A small image has no room for uneven lighting, and its tiles would be a few of its pixels (one, in
        # an 8x8 scan), each equalizing a stroke against itself into a blob: it is equalized as a whole.
        gray = apply_clahe(gray, tiles=1 if low_resolution else 8)
        steps.add("CLAHE", gray)
    if settings.denoise:
        gray = denoise(gray)
        steps.add("denoised", gray)
    if flatten:
        gray = flatten_background(gray)
        steps.add("background flattened", gray)

    if int(gray.max()) - int(gray.min()) < MIN_CONTRAST:
        raise NoDigitFound(Reason.BLANK)
    # A photo may show the table, shadows and the sheet's edges round the writing; an enlarged small image is a crop.
    photo = settings.reject_border and not low_resolution
    level = ink_level(gray)
    if photo:
        level = level_inside(gray, level)
    weak, strong = binarize(gray, max(HYSTERESIS * level, MIN_CONTRAST)), binarize(gray, level)
    # An enlarged small image is a crop or a scan: it has no ruled lines, and its strokes would look like them.
    # It may be a form's field, though, its printed box round the digit.
    if settings.remove_lines and not low_resolution:
        weak = remove_rulings(weak, strong, frame_to_frame=framed)
    if settings.remove_lines:
        weak = remove_printed_boxes(weak)
    mask = hysteresis(strong, weak)
    steps.add("threshold", mask)
    mask = clean_mask(mask)
    if photo:
        mask = without_soft_shapes(gray, mask)
    steps.add("morphology", mask)
    return Page(gray, mask, scale, input_shape, settings, tuple(warnings), low_resolution, plain_ground, sheet, light)
