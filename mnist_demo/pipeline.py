"""From any picture of a digit to a 28x28 MNIST-like image, one small step at a time.

MNIST digits are white on black, scaled so that the longer side of the digit
fits a 20x20 box (aspect kept), anti-aliased, and placed in a 28x28 field with
their centre of mass at the centre. Everything here serves to produce exactly
that from a sketchpad layer, a webcam shot or a photo of paper:

    alpha -> [background removal] -> gray -> polarity -> CLAHE -> denoise
    -> flatten background -> threshold with hysteresis -> morphology -> detect digit -> crop
    -> stroke width -> 20x20 box -> 28x28 centred by mass

Each function takes and returns arrays; ``preprocess`` runs them and records
every intermediate image for the app's gallery.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .background import remove_background
from .errors import NoDigitFound

MNIST_BOX = 20  # the digit's longer side, in pixels, as in MNIST
MNIST_SIZE = 28
WORK_SIDE = 640  # photos are processed at most this large: plenty for one digit, and fast
MIN_SIDE = 128  # tiny images (an MNIST-sized upload) are enlarged to this first
DIGIT_SIDE = 96  # the cropped digit is normalized at this scale before the final 20x20
STROKE_RATIO = 0.155  # MNIST stroke width / the digit's longer side: median over the training set (5-95%: 0.11-0.26)
MIN_CONTRAST = 24  # ink must stand this many gray levels above the flattened background
INK_FRACTION = 0.4  # ... and reach this fraction of the ink's brightness
HYSTERESIS = 0.6  # a stroke's faint stretches, connected to its ink, may dip to this fraction of the ink level
MAX_OUTLINES = 12  # outer edges and holes of the detected digit (an 8 has three); noise has hundreds
SOURCES = ("sketch", "webcam", "upload", "mnist")
BLANK = "The image looks blank: no digit found. Write one digit in dark ink on light paper (or light on dark)."


@dataclass(frozen=True)
class Settings:
    """Which steps run, per kind of input."""

    clahe: bool = True
    denoise: bool = True
    flatten: bool = True  # subtract an estimate of uneven lighting
    remove_lines: bool = True  # ruled lines of notebook paper
    reject_border: bool = True  # a shape that runs into the image edge is paper edge or shadow


SETTINGS = {
    # A canvas is clean: no lighting to correct, no paper, and people draw up to the edge.
    "sketch": Settings(clahe=False, denoise=False, flatten=False, remove_lines=False, reject_border=False),
    "webcam": Settings(),
    "upload": Settings(),
    "mnist": Settings(clahe=False, denoise=False, flatten=False, remove_lines=False, reject_border=False),
}


@dataclass
class Processed:
    """The digit ready for the model, and what it took to get there."""

    digit: np.ndarray  # 28x28 float32 in [0, 1]
    steps: list[tuple[str, np.ndarray]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    contrast: float = 0.0  # ink vs. background, 0-1
    relative_size: float = 0.0  # digit height / image height
    aspect_ratio: float = 0.0  # digit width / height


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


def is_light_background(gray: np.ndarray) -> bool:
    """True for dark ink on light paper, False for light chalk on a dark board.

    A drawing (a canvas, a digital image) has two levels, ink and background, and
    the background is the commoner one, however far a bold digit spreads to the edges.
    A plain background (a scan) shows at the frame
    as one level that most of the image shares: the ink is what departs from it. Otherwise (a photo), the
    background is what a median filter half the image wide sees, which
    follows uneven lighting, and the ink is what departs from it most, either
    brighter or darker; squared, so that strong ink outweighs soft shadows.
    The outer eighth of a photo is left out: the table and the sheet's rim show there.
    """
    small = downscaled(gray)
    dark, light = np.percentile(small, (1, 99))
    if light - dark >= 4 * MIN_CONTRAST:
        near_dark, near_light = np.abs(small - dark) <= 16, np.abs(small - light) <= 16
        if np.mean(near_dark | near_light) >= 0.9:
            return int(np.count_nonzero(near_light)) > int(np.count_nonzero(near_dark))
    edges = (small[:2], small[-2:], small[:, :2], small[:, -2:])
    frame = np.concatenate([edge.ravel() for edge in edges]).astype(np.float32)
    level = float(np.median(frame))
    departure = small.astype(np.float32) - level
    plain = np.percentile(np.abs(frame - level), 80) <= 8 and np.mean(np.abs(departure) <= 16) > 0.5
    if plain:
        ink = departure[np.abs(departure) > 32]
        return float(ink.mean()) < 0 if ink.size else level > 127  # a blank page: light or dark
    # The inner part of a photo: its edges are where the table and the paper's rim show.
    h, w = small.shape
    inner = np.ascontiguousarray(small[h // 8 : h - h // 8, w // 8 : w - w // 8]) if min(h, w) >= 16 else small
    k = max(3, int(min(inner.shape) * 0.5) | 1)  # wider than the thickest stroke: the median stays paper
    residual = inner.astype(np.float32) - cv2.medianBlur(inner, k)
    return float((residual[residual < 0] ** 2).sum()) > float((residual[residual > 0] ** 2).sum())


def downscaled(gray: np.ndarray) -> np.ndarray:
    """A quarter-size copy, for the steps that look at the background: it is broad, so this loses nothing."""
    return cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA) if min(gray.shape) >= 256 else gray


def ink_bright(gray: np.ndarray) -> np.ndarray:
    """Gray image with the ink bright and the background dark, as in MNIST."""
    return 255 - gray if is_light_background(gray) else gray


def resize_to_work_size(image: np.ndarray) -> np.ndarray:
    """Shrink large photos to WORK_SIDE and enlarge tiny images to MIN_SIDE (longer side).

    Shrinking averages whole blocks of pixels first (INTER_AREA by an integer factor is
    fast), then interpolates the remaining factor below 2, where linear loses nothing:
    INTER_AREA by a fractional factor costs ten times more.
    """
    side = max(image.shape[:2])
    if MIN_SIDE <= side <= WORK_SIDE:
        return image
    scale = WORK_SIDE / side if side > WORK_SIDE else MIN_SIDE / side
    block = int(1 / scale)
    if block >= 2:
        image = cv2.resize(image, None, fx=1 / block, fy=1 / block, interpolation=cv2.INTER_AREA)
        scale *= block
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return image if size == image.shape[1::-1] else cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)


# --- enhancement and binarization ----------------------------------------------------------


def apply_clahe(gray: np.ndarray) -> np.ndarray:
    """Contrast-limited adaptive histogram equalization: faint pencil on gray paper gains contrast."""
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)


def denoise(gray: np.ndarray) -> np.ndarray:
    """Median filter: removes sensor noise and JPEG specks while keeping stroke edges."""
    return cv2.medianBlur(gray, 3 if max(gray.shape) < 400 else 5)


def flatten_background(gray: np.ndarray) -> np.ndarray:
    """Subtract the background (a morphological opening larger than any stroke): a white top-hat.

    Shadows, lighting gradients and the dark table around a sheet of paper are
    broad; strokes are narrow. What the opening cannot remove is background.
    """
    small = downscaled(gray)
    k = max(5, int(round(min(small.shape) / 3)) | 1)  # a third of the image: wider than any stroke
    background = cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.subtract(gray, background)


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
    return grown


def remove_ruled_lines(mask: np.ndarray) -> np.ndarray:
    """Erase ruled lines and margins: thin, straight, and running across most of the image.

    A digit's bar is shorter or thicker, so it stays; so does a broad band along
    the frame (the table beside the sheet), which must keep touching the border
    to be recognized as background. Thin strokes that a line crossed are mended.
    """
    h, w = mask.shape
    thickness = max(3, round(min(h, w) / 120))  # 5 px at the 640 px working size
    # Where the mask is thicker than a line, it is a stroke (or the table): never cut there.
    body = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((thickness + 2, thickness + 2), np.uint8))
    keep_out = cv2.dilate(body, np.ones((2 * thickness + 3, 2 * thickness + 3), np.uint8))
    cleaned = mask
    for length, horizontal in ((int(0.6 * w), True), (int(0.6 * h), False)):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        lines = cv2.subtract(cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel), keep_out)
        if not lines.any():
            continue
        cleaned = cv2.subtract(cleaned, cv2.dilate(lines, np.ones((3, 3), np.uint8)))
        # A thin stroke that crossed the line is cut: bridge the gap across the line's direction.
        gap = thickness + 4
        cleaned = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, np.ones((gap, 1) if horizontal else (1, gap), np.uint8))
    return cleaned


def clean_mask(mask: np.ndarray) -> np.ndarray:
    """Open away single-pixel specks, close pinholes and hairline gaps in strokes."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)


# --- detection ------------------------------------------------------------------------------


def find_digit(mask: np.ndarray, *, reject_border: bool) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The digit's own mask and bounding box (x, y, w, h), or NoDigitFound saying why not.

    Connected components are scored by area, less for those far from the centre;
    the best plausible one is the digit.
    Components near it that are not specks join it: the bar of a 7, the top of a
    5 or the second stroke of a 4 are often separate.
    """
    h, w = mask.shape
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        raise NoDigitFound(BLANK)
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    xs, ys, ws, hs = (stats[1:, i] for i in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    min_area = max(12.0, 2e-4 * h * w)
    touches = (xs <= 0) | (ys <= 0) | (xs + ws >= w) | (ys + hs >= h)
    offset = np.hypot((centroids[1:, 0] - w / 2) / w, (centroids[1:, 1] - h / 2) / h)
    score = areas * (1.0 - offset)
    score[areas < min_area] = 0
    if score.max() <= 0:
        raise NoDigitFound("Only specks were found. Draw the digit larger, with a thicker stroke.")
    # No digit is much wider than tall; in a photo, what touches or spans the frame
    # is the table, a paper edge or a shadow. Prefer shapes that are none of these.
    framed = ~touches & (ws < 0.85 * w) & (hs < 0.85 * h) if reject_border else np.ones(len(areas), bool)
    plausible = (ws <= 2.5 * hs) & framed
    if (score * plausible).max() > 0:
        score *= plausible
    best = int(np.argmax(score))

    # Gather the pieces of the same digit: not specks, and close to the box grown so far.
    keep = np.zeros(len(areas), bool)
    keep[best] = True
    candidates = (areas >= max(min_area, 0.04 * areas[best])) & framed
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
    # Noise and clutter leave many shapes of which the "digit" is just one.
    if areas[keep].sum() < 0.25 * areas[framed & (areas >= min_area)].sum():
        raise NoDigitFound("The image is too noisy or busy to find one digit: use a plain background, in good light.")
    digit_mask = np.concatenate([[0], np.where(keep, 255, 0)]).astype(np.uint8)[labels]  # label -> 0 or 255

    box = (int(x0), int(y0), int(x1 - x0), int(y1 - y0))
    validate_digit(digit_mask, box, touching_border=bool(touches[keep].any()), reject_border=reject_border)
    return digit_mask, box


def validate_digit(mask: np.ndarray, box: tuple[int, int, int, int], *, touching_border: bool, reject_border: bool) -> None:
    """Refuse shapes that are not one handwritten digit, with a message that says what to change."""
    h, w = mask.shape
    x, y, bw, bh = box
    if max(bw, bh) < 0.04 * max(h, w) or max(bw, bh) < 6:
        raise NoDigitFound("The digit is too small: draw it larger or move the camera closer.")
    if bw > 2.2 * bh and bw > 0.1 * w:
        raise NoDigitFound("That shape is much wider than a digit: write a single digit, upright.")
    crop = mask[y : y + bh, x : x + bw]
    fill = np.count_nonzero(crop) / float(bw * bh)
    if fill > 0.8 and min(bw, bh) > 0.4 * max(bw, bh) and min(bw, bh) > 0.15 * min(h, w):
        raise NoDigitFound("That looks like a filled shape, not a written digit: use a pen stroke on plain paper.")
    # A digit is one or a few strokes: at most a handful of outlines (an 8 has three).
    contours, _ = cv2.findContours(crop, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    if sum(cv2.contourArea(c) >= 2 for c in contours) > MAX_OUTLINES:
        raise NoDigitFound("The image is too noisy or busy to find one digit: use a plain background, in good light.")
    if reject_border and touching_border and (bw >= 0.95 * w or bh >= 0.95 * h):
        raise NoDigitFound("The digit is cut off at the border of the picture: leave some space around it.")


# --- MNIST-style normalization --------------------------------------------------------------


def stroke_width(mask: np.ndarray) -> float:
    """Average stroke width of a binary mask: four times the mean distance to the background.

    (Across a stroke of width w the distance to the edge runs 0 -> w/2 -> 0, mean w/4.)
    """
    inside = mask > 0
    if not inside.any():
        return 0.0
    distance = cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 3)
    return 4.0 * float(distance[inside].mean())


def crop_to_square(mask: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """Crop the digit and scale it, aspect kept, so its longer side is DIGIT_SIDE pixels."""
    x, y, w, h = box
    crop = mask[y : y + h, x : x + w]
    scale = DIGIT_SIDE / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(crop, size, interpolation=interpolation)
    return np.where(resized >= 128, 255, 0).astype(np.uint8)


def normalize_stroke(digit: np.ndarray) -> np.ndarray:
    """Thicken hairlines and thin marker blobs towards MNIST's stroke width.

    MNIST's pen is wide for the size of its digits; a fine pen shrunk to 20x20
    would fade to a faint trace the network has never seen. Widths from 1/1.5 to
    1.7 times MNIST's median are left alone: MNIST itself varies that much.
    """
    target = STROKE_RATIO * DIGIT_SIDE
    width = stroke_width(digit)
    if width <= 0:
        return digit
    if width < target / 1.5:
        k = int(round(target - width)) | 1
        return cv2.dilate(digit, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    if width > target * 1.7:
        k = int(round((width - target) / 2)) | 1
        thinned = cv2.erode(digit, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        return thinned if thinned.any() else digit
    return digit


def center_by_mass(digit: np.ndarray) -> np.ndarray:
    """Scale into a 20x20 box (aspect kept, anti-aliased) and centre the mass in 28x28, as MNIST was made."""
    h, w = digit.shape
    scale = MNIST_BOX / max(h, w)
    small = cv2.resize(digit, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    small = small.astype(np.float32) / 255.0
    moments = cv2.moments(small)
    if moments["m00"] <= 0:
        raise NoDigitFound("The digit vanished when scaled down: draw it with a thicker stroke.")
    cx, cy = moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]
    shift = np.float32([[1, 0, MNIST_SIZE / 2 - cx], [0, 1, MNIST_SIZE / 2 - cy]])
    # The 0.5-pixel offset: OpenCV's pixel centres are at integer coordinates.
    shift[:, 2] -= 0.5
    return cv2.warpAffine(small, shift, (MNIST_SIZE, MNIST_SIZE), flags=cv2.INTER_LINEAR, borderValue=0.0)


def contrast_of(gray: np.ndarray, mask: np.ndarray) -> float:
    """Ink vs. background, 0-1: difference of their medians in the (ink-bright) gray image."""
    ink = mask > 0
    if not ink.any() or ink.all():
        return 0.0
    sample = gray[::2, ::2], ink[::2, ::2]
    background = np.median(sample[0][~sample[1]]) if (~sample[1]).any() else 0.0
    return float(np.clip((np.median(gray[ink]) - background) / 255.0, 0.0, 1.0))


# --- the whole pipeline ---------------------------------------------------------------------


def preprocess_mnist_like(image: np.ndarray) -> Processed:
    """A 28x28 image is already MNIST-shaped: only polarity and scaling to [0, 1]."""
    gray = ink_bright(to_gray(composite_alpha(image)))
    if gray.max() < MIN_CONTRAST:
        raise NoDigitFound(BLANK)
    digit = gray.astype(np.float32) / 255.0
    ys, xs = np.nonzero(gray > 127)
    height = (ys.max() - ys.min() + 1) if len(ys) else 0
    width = (xs.max() - xs.min() + 1) if len(xs) else 0
    return Processed(
        digit=digit,
        steps=[("input", image), ("MNIST 28x28", gray)],
        contrast=contrast_of(gray, (gray > 127).astype(np.uint8)),
        relative_size=height / MNIST_SIZE,
        aspect_ratio=width / height if height else 0.0,
    )


def preprocess(image: np.ndarray, source: str = "upload", *, remove_bg: bool = False) -> Processed:
    """Run the whole pipeline on a uint8 gray, RGB or RGBA image (see the module docstring)."""
    if source not in SETTINGS:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
    if source == "mnist" and image.shape[:2] == (MNIST_SIZE, MNIST_SIZE):
        return preprocess_mnist_like(image)
    settings = SETTINGS[source]
    image = resize_to_work_size(image)
    steps: list[tuple[str, np.ndarray]] = [("input", image)]
    warnings: list[str] = []
    if remove_bg:
        removed, warning = remove_background(image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB))
        if warning:
            warnings.append(warning)
        else:
            image = removed
            steps.append(("background removed", removed))
    if image.ndim == 3 and image.shape[2] == 4:
        image = composite_alpha(image)
        steps.append(("alpha composited", image))

    gray = to_gray(image)
    light = is_light_background(gray)
    gray = 255 - gray if light else gray
    steps.append(("gray, ink made bright" if light else "gray (ink already bright)", gray))
    if settings.clahe:
        gray = apply_clahe(gray)
        steps.append(("CLAHE", gray))
    if settings.denoise:
        gray = denoise(gray)
        steps.append(("denoised", gray))
    if settings.flatten:
        gray = flatten_background(gray)
        steps.append(("background flattened", gray))

    if int(gray.max()) - int(gray.min()) < MIN_CONTRAST:
        raise NoDigitFound(BLANK)
    level = ink_level(gray)
    weak = binarize(gray, max(HYSTERESIS * level, MIN_CONTRAST))
    if settings.remove_lines:
        weak = remove_ruled_lines(weak)
    mask = hysteresis(binarize(gray, level), weak)
    steps.append(("threshold (hysteresis)", mask))
    mask = clean_mask(mask)
    steps.append(("morphology", mask))

    digit_mask, box = find_digit(mask, reject_border=settings.reject_border)
    x, y, w, h = box
    if x == 0 or y == 0 or x + w == mask.shape[1] or y + h == mask.shape[0]:
        warnings.append("The digit touches the edge of the image: if part of it is cut off, the answer may be wrong.")
    outlined = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)
    cv2.rectangle(outlined, (x, y), (x + w - 1, y + h - 1), (0, 200, 0), max(1, max(gray.shape) // 200))
    steps.append(("digit detected", outlined))

    cropped = crop_to_square(digit_mask, box)
    steps.append(("cropped", cropped))
    stroked = normalize_stroke(cropped)
    if stroked is not cropped:
        steps.append(("stroke width normalized", stroked))
    digit = center_by_mass(stroked)
    steps.append(("28x28, centred by mass", (digit * 255).round().astype(np.uint8)))

    return Processed(
        digit=digit,
        steps=steps,
        warnings=warnings,
        contrast=contrast_of(gray, digit_mask),
        relative_size=h / gray.shape[0],
        aspect_ratio=w / h,
    )
