"""The glyph stage: one region of ink -> the 28x28 image the model reads, and the way back.

MNIST digits are white on black, scaled so that the longer side of the digit
fits a 20x20 box (aspect kept), anti-aliased, and placed in a 28x28 field with
their centre of mass at the centre. ``fit_to_mnist`` does exactly that to any
ink-bright crop, binary or gray, and returns the affine map it applied, so that
anything computed on the 28x28 (a saliency map) can be drawn back onto the crop.

The same function prepares the real handwriting used in training and the
"textbook recipe" baseline of the benchmarks: one definition of MNIST-style.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .page import Page
from .regions import Region, stroke_width

MNIST_BOX = 20  # the digit's longer side, in pixels, as in MNIST
MNIST_SIZE = 28
DIGIT_SIDE = 96  # a binary crop is normalized at this scale before the final 20x20
SMALL_VIEW_BOX = 16  # the second, smaller view of a digit (see ``make_glyph``)
HOLE_LEVEL = 0.7  # a loop of the shape at this share of its ink's brightness, filled by the page's threshold, is opened
MNIST_INK = 32  # gray levels above this are a 28x28 picture's ink, its faint rim and a JPEG's ringing aside
STROKE_RATIO = 0.155  # MNIST stroke width / the digit's longer side: median over the training set (5-95%: 0.11-0.26)


@dataclass(frozen=True)
class Glyph:
    """One region as the model sees it, and the way back to the input."""

    image: np.ndarray  # 28x28 float32 in [0, 1], ink bright
    transform: np.ndarray  # 2x3 affine: input pixel (x, y) -> 28x28 pixel
    box: tuple[int, int, int, int]  # x, y, w, h of the region in the input's pixels
    stroke_normalized: bool  # the stroke was thickened or thinned towards MNIST's
    extra_views: tuple[np.ndarray, ...] = ()  # more 28x28 images of the same glyph, averaged with ``image`` by the model
    second_look: np.ndarray | None = None  # the glyph fitted smaller, read too when the model doubts about a 1 or a 7
    low_resolution: bool = False  # fitted from a small image's gray levels (see ``make_glyph``)


def center_of_mass(image: np.ndarray) -> tuple[float, float] | None:
    """(x, y) of the intensity-weighted centre, or None for an empty image.

    Plain numpy: ``cv2.moments`` reads an (N, 2) float array as a list of points, so a
    thin bar two pixels wide has "no area" there.
    """
    total = float(image.sum())
    if total <= 0:
        return None
    ys = np.arange(image.shape[0], dtype=np.float64)
    xs = np.arange(image.shape[1], dtype=np.float64)
    return float(image.sum(axis=0) @ xs) / total, float(image.sum(axis=1) @ ys) / total


def is_mnist_format(gray: np.ndarray) -> bool:
    """Whether an ink-bright gray image is laid out as MNIST's own digits are: 28x28, the ink's longer side
    MNIST_BOX (or up to two pixels under, where the rim is faint) and its centre of mass within a pixel of the centre.

    Over MNIST's 70,000 digits the ink (above MNIST_INK) spans 18-20 pixels and the centre of mass lies 13.5-14.5:
    all of them pass, saved as JPEGs too (at quality 90; any gray above 8 would count the ringing). Such an image is
    read as it is: fitted again (resampled, its contrast equalized), MNIST's test set uploaded as files read 99.66%
    instead of 99.70%. A picture slightly off this layout is fitted as any other.
    """
    bounds = ink_bounds(gray, MNIST_INK) if gray.shape == (MNIST_SIZE, MNIST_SIZE) else None
    if bounds is None:
        return False
    centre = center_of_mass(gray.astype(np.float64))
    return MNIST_BOX - 2 <= max(bounds[2:]) <= MNIST_BOX and max(abs(c - MNIST_SIZE / 2) for c in centre) <= 1.0


def ink_bounds(gray: np.ndarray, level: float) -> tuple[int, int, int, int] | None:
    """(x, y, w, h) of the box round the pixels brighter than ``level``, or None where there are none."""
    ys, xs = np.nonzero(gray > level)
    if not len(ys):
        return None
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def fit_to_mnist(crop: np.ndarray, box: int = MNIST_BOX) -> tuple[np.ndarray, np.ndarray]:
    """Ink-bright crop (uint8 or float in [0, 1]) -> (28x28 float32 in [0, 1], 2x3 affine crop -> 28x28).

    The crop's longer side is scaled to ``box`` pixels, 20 as in MNIST (area-averaged, which keeps
    thin strokes as gray rather than dropping them), then its centre of mass is
    put at the centre of the 28x28 field. A crop that holds no ink at all gives
    ``ValueError``: the caller checks for ink before cropping.
    """
    crop = np.asarray(crop)
    if crop.ndim != 2 or crop.size == 0:
        raise ValueError(f"expected a non-empty 2-D crop, got shape {crop.shape}")
    image = crop.astype(np.float32) / 255.0 if crop.dtype == np.uint8 else crop.astype(np.float32)
    h, w = image.shape
    scale = box / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(image, size, interpolation=interpolation)
    centre = center_of_mass(small)
    if centre is None:
        raise ValueError("the crop holds no ink")
    # Exact scale of the resize (rounding the size changes it a little), then the shift;
    # OpenCV's pixel centres are at integer coordinates, hence the half-pixel terms.
    sx, sy = size[0] / w, size[1] / h
    tx, ty = MNIST_SIZE / 2 - 0.5 - centre[0], MNIST_SIZE / 2 - 0.5 - centre[1]
    shift = np.float32([[1, 0, tx], [0, 1, ty]])
    digit = cv2.warpAffine(small, shift, (MNIST_SIZE, MNIST_SIZE), flags=cv2.INTER_LINEAR, borderValue=0.0)
    transform = np.array([[sx, 0.0, 0.5 * sx - 0.5 + tx], [0.0, sy, 0.5 * sy - 0.5 + ty]])
    return np.clip(digit, 0.0, 1.0), transform


def textbook_mnist(gray: np.ndarray, ink_level: float = 0.25) -> np.ndarray:
    """The textbook MNIST recipe for a clean scan: ink-bright gray -> crop to the ink -> ``fit_to_mnist``.

    ``gray`` is uint8 with the ink bright; pixels above ``ink_level`` x its maximum
    decide the crop. An image without ink comes back empty (all zeros).
    """
    bounds = ink_bounds(gray, ink_level * float(gray.max()))
    if bounds is None:
        return np.zeros((MNIST_SIZE, MNIST_SIZE), np.float32)
    x, y, w, h = bounds
    return fit_to_mnist(gray[y : y + h, x : x + w])[0]


def crop_to_square(mask: np.ndarray) -> np.ndarray:
    """Scale a binary crop, aspect kept, so its longer side is DIGIT_SIDE pixels; binary again."""
    h, w = mask.shape
    scale = DIGIT_SIDE / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(mask, size, interpolation=interpolation)
    binary = resized >= 128
    # A hairline shrunk by area averaging may fall below half: keep whatever ink is left.
    return np.where(binary if binary.any() else resized > 0, 255, 0).astype(np.uint8)


def reopen_loops(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``mask`` (a region's crop) with the loops that blur filled in opened again.

    In a blurred photo the small loops of an 8, a 9 or a 6 fill with gray and the page's
    threshold takes them for ink: the digit becomes a blob that reads as a 1 or a 0. The
    gray still dips there. Thresholded at its own ink's level (HOLE_LEVEL of its brightness),
    the shape shows those loops again as dark pockets walled in by ink; what is dark there
    and open to the outside is only a stroke's soft edge. A clean drawing has no such pockets.
    """
    inside = mask > 0
    if not inside.any():
        return mask
    level = HOLE_LEVEL * float(np.percentile(gray[inside], 90))
    dark = np.pad(~inside | (gray < level), 1, constant_values=True).astype(np.uint8)
    _, labels = cv2.connectedComponents(dark, connectivity=4)
    pockets = (labels != labels[0, 0])[1:-1, 1:-1] & inside & (labels[1:-1, 1:-1] > 0)
    return np.where(pockets, 0, mask).astype(np.uint8)


def normalize_stroke(digit: np.ndarray) -> np.ndarray:
    """Thicken hairlines and thin marker blobs towards MNIST's stroke width.

    MNIST's pen is wide for the size of its digits; a fine pen shrunk to 20x20
    would fade to a faint trace the network has never seen. Widths from 1/1.5 to
    1.7 times MNIST's median are left alone: MNIST itself varies that much.
    """
    target = STROKE_RATIO * max(digit.shape)
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


def scaling(sx: float, sy: float, tx: float = 0.0, ty: float = 0.0) -> np.ndarray:
    """3x3 matrix of a resize by (sx, sy) with pixel centres kept, then a shift."""
    return np.array([[sx, 0, 0.5 * sx - 0.5 + tx], [0, sy, 0.5 * sy - 0.5 + ty], [0, 0, 1.0]])


def make_glyph(page: Page, region: Region, views: bool = True, second_look: bool = False) -> Glyph:
    """A region of ``page`` as a 28x28 MNIST-style glyph; with ``views=False``, without the other views, but for
    ``second_look`` (the glyph fitted at SMALL_VIEW_BOX) where asked.

    Ordinarily the region's binary mask (with the loops a photo's blur filled opened again,
    where the page's settings say so) is scaled to DIGIT_SIDE, its stroke brought towards
    MNIST's width, and fitted to 28x28; the page's gray levels inside the region, fitted as
    they are, are a second view the model reads too. A digit from a small image (enlarged to
    be worked on: a scan, a crop, a stylus trace) has no detail to spare: only its gray levels
    are fitted, as a scan would be, and its pen is left as the writer had it (thickening a thin
    pen turns a European 1's flag into a 7's bar). The number reader scores its candidate pieces
    on ``image`` alone: the other views are made only for the digits it reads.
    """
    gray, scale, low_resolution = page.gray, page.scale, page.low_resolution
    x, y, w, h = region.box
    to_work = scaling(scale, scale)  # input -> working pixels (of the page: the sheet, upright, where one was cropped)
    if page.sheet is not None:
        to_work = np.vstack([page.sheet, [0, 0, 1]]) @ to_work
    to_crop = np.array([[1, 0, -x], [0, 1, -y], [0, 0, 1.0]])
    stroke_normalized = False
    if low_resolution:
        crop = gray_inside(page, region)
        to_square = np.eye(3)
    else:
        crop = crop_to_square(
            reopen_loops(gray[y : y + h, x : x + w], region.mask) if page.settings.reopen_loops else region.mask
        )
        to_square = scaling(crop.shape[1] / w, crop.shape[0] / h)
        stroked = normalize_stroke(crop)
        stroke_normalized = stroked is not crop
        crop = stroked
    image, fit = fit_to_mnist(crop)
    transform = (np.vstack([fit, [0, 0, 1]]) @ to_square @ to_crop @ to_work)[:2]
    box_in_input = box_back(region.box, to_work)
    if not views:
        small = fit_to_mnist(crop, SMALL_VIEW_BOX)[0] if second_look else None
        return Glyph(image, transform, box_in_input, stroke_normalized, second_look=small)
    # The model judges the top of a stroke differently at MNIST's full 20 pixels and a little smaller:
    # fitted full size, a European 1's flag reads as a 7's bar (measured on held-out writers). The
    # recognizer reads this second look when the model doubts about a 1 or a 7 (``wants_second_look``).
    small = fit_to_mnist(crop, SMALL_VIEW_BOX)[0]
    if low_resolution:
        return Glyph(image, transform, box_in_input, stroke_normalized, second_look=small, low_resolution=True)
    # The binary view and the gray one err on different digits (a threshold drops a faint flag, a
    # normalized pen closes a loop; gray keeps noise and the writer's pen): the model reads both.
    ink = gray_inside(page, region)
    gray_view = (fit_to_mnist(ink)[0],) if ink.any() else ()
    return Glyph(image, transform, box_in_input, stroke_normalized, extra_views=gray_view, second_look=small)


def box_back(box: tuple[int, int, int, int], to_work: np.ndarray) -> tuple[int, int, int, int]:
    """A box in working pixels as the box round it in the input's (``to_work``: 3x3, input pixel centres -> working)."""
    x, y, w, h = box
    edges = np.array([[x, y], [x + w, y], [x, y + h], [x + w, y + h]], np.float64) - 0.5  # pixel edges, as centres
    back = np.linalg.inv(to_work)
    points = edges @ back[:2, :2].T + back[:2, 2] + 0.5
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    return int(round(x0)), int(round(y0)), int(round(x1 - x0)), int(round(y1 - y0))


def gray_inside(page: Page, region: Region) -> np.ndarray:
    """The page's gray levels over a region's ink and its anti-aliased rim, zero elsewhere in its box."""
    x, y, w, h = region.box
    near = cv2.dilate(region.mask, np.ones((3, 3), np.uint8))
    return np.where(near > 0, page.gray[y : y + h, x : x + w], 0).astype(np.uint8)
