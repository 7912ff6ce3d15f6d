"""From any picture of a digit to what the model reads, in stages with data between them:

    page     (page.py)    decode, polarity, lighting, binarization -> ``Page``: ink-bright gray and ink mask
    regions  (regions.py) every candidate shape -> the digit's ``Region`` and reasons to doubt it
    glyph    (glyph.py)   the region as a 28x28 MNIST-style image, with the affine map back to the input
    verdict  (verdict.py) the model's outputs and the reasons -> label, probabilities, digit or not

``preprocess`` runs the first three for a one-digit image; ``DigitRecognizer``
adds the model and the verdict. The gallery's images are recorded only when
``record_steps`` is true.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .errors import NoDigitFound
from .glyph import MNIST_INK, MNIST_SIZE, SMALL_VIEW_BOX, Glyph, fit_to_mnist, ink_bounds, is_mnist_format, make_glyph
from .page import (
    MIN_CONTRAST,
    SETTINGS,
    SOURCES,
    Page,
    closer_side_for_pen,
    composite_alpha,
    contrast_of,
    ink_bright,
    read_page,
    to_gray,
)
from .regions import Region, pick_digit
from .steps import Steps
from .verdict import Reason

__all__ = ["SOURCES", "Processed", "preprocess"]


@dataclass(frozen=True)
class Processed:
    """The digit ready for the model, and what it took to get there."""

    glyph: Glyph
    reasons: tuple[Reason, ...]  # doubts found on the way (codes; see verdict.MESSAGES)
    steps: list[tuple[str, np.ndarray]]  # (caption, image); empty unless recorded
    warnings: tuple[str, ...]  # messages from steps that could not run (background removal)
    contrast: float  # ink vs. background, 0-1
    relative_size: float  # digit height / image height
    aspect_ratio: float  # digit width / height

    @property
    def digit(self) -> np.ndarray:
        """The 28x28 float32 image the model reads."""
        return self.glyph.image


def preprocess(image: np.ndarray, source: str = "upload", *, remove_bg: bool = False, record_steps: bool = False) -> Processed:
    """Page, regions and glyph for a uint8 gray, RGB or RGBA image holding one digit.

    Raises ``NoDigitFound`` only when there is nothing to read (blank, or specks);
    a shape that is doubtful as a digit comes back with its reasons.
    """
    if source not in SETTINGS:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
    steps = Steps(enabled=record_steps)
    try:
        if image.shape[:2] == (MNIST_SIZE, MNIST_SIZE):
            gray = ink_bright(to_gray(composite_alpha(image)))
            if source == "mnist" or is_mnist_format(gray):
                return mnist_like(image, gray, steps, second_look=source != "mnist")
        page = read_page(image, source, remove_bg=remove_bg, steps=steps)
        region, reasons = digit_on(page)
        side = closer_side_for_pen(page, [region.mask])
        if side:
            closer = Steps(enabled=record_steps)
            try:
                page = read_page(
                    image, source, remove_bg=remove_bg, steps=closer, work_side=side, dark_on_light=page.dark_on_light
                )
                region, reasons = digit_on(page)
                steps = closer
                if steps.images:  # the gallery says why the picture was read at more than the usual size
                    steps.images[0] = (f"input (read at {side} px: a fine pen)", steps.images[0][1])
            except NoDigitFound:
                pass  # the first reading stands
    except NoDigitFound as problem:
        problem.steps = steps.images  # the gallery shows how far it got
        raise
    if steps.enabled:
        steps.add("digit detected", outlined(page.gray, region))
    glyph = make_glyph(page, region)
    if steps.enabled:
        steps.add("stroke normalized, 28x28" if glyph.stroke_normalized else "28x28, centred", to_uint8(glyph.image))
        # The other views the model reads and averages in: the page's own gray levels; a small image's digit
        # at 16 px, on a doubt about 1 or 7.
        for view in glyph.extra_views:
            steps.add("gray levels, 28x28", to_uint8(view))
        if glyph.low_resolution:
            steps.add("at 16 px, 28x28 (read on a doubt about 1 or 7)", to_uint8(glyph.second_look))
    return finish(page, region, glyph, reasons, steps)


def digit_on(page: Page) -> tuple[Region, tuple[Reason, ...]]:
    """The digit's region on a page, and the reasons to doubt it (``regions.pick_digit``)."""
    # An enlarged small image is a crop: a shape at its edge is the digit, never the table.
    return pick_digit(
        page.mask,
        reject_border=page.settings.reject_border and not page.low_resolution,
        crop=page.low_resolution,
        plain_ground=page.plain_ground,
    )


def finish(page: Page, region: Region, glyph: Glyph, reasons: tuple[Reason, ...], steps: Steps) -> Processed:
    crop_mask = np.zeros(page.mask.shape, np.uint8)
    x, y, w, h = region.box
    crop_mask[y : y + h, x : x + w] = region.mask
    warnings = page.warnings
    if warnings:
        reasons = (*reasons, Reason.BACKGROUND_REMOVAL_UNAVAILABLE)
    return Processed(
        glyph=glyph,
        reasons=reasons,
        steps=steps.images,
        warnings=warnings,
        contrast=contrast_of(page.gray, crop_mask),
        relative_size=h / page.gray.shape[0],
        aspect_ratio=w / h,
    )


def mnist_like(image: np.ndarray, gray: np.ndarray, steps: Steps, second_look: bool) -> Processed:
    """A 28x28 image already MNIST-shaped (``gray``: ink-bright): only polarity and scaling to [0, 1].

    With ``second_look``, read at 16 px too on a doubt about a 1 or a 7, as any small image's digit is (an
    upload: its writer's 1s may have long flags); an MNIST sample (the MNIST tab) is read as the model knows it.
    """
    if gray.max() < MIN_CONTRAST:
        raise NoDigitFound(Reason.BLANK)
    steps.add("input", image)
    steps.add("MNIST 28x28", gray)
    digit = gray.astype(np.float32) / 255.0
    small = None
    if second_look:  # the ink, not the 28x28 field round it, fitted to the smaller box
        x, y, w, h = ink_bounds(gray, MNIST_INK)
        small = fit_to_mnist(digit[y : y + h, x : x + w], SMALL_VIEW_BOX)[0]
        steps.add("at 16 px, 28x28 (read on a doubt about 1 or 7)", to_uint8(small))
    ink = gray > 127
    bounds = ink_bounds(gray, 127)
    _, _, width, height = bounds or (0, 0, 0, 0)
    identity = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    box = bounds or (0, 0, MNIST_SIZE, MNIST_SIZE)
    glyph = Glyph(digit, identity, box, False, second_look=small, low_resolution=second_look)
    return Processed(
        glyph=glyph,
        reasons=(),
        steps=steps.images,
        warnings=(),
        contrast=contrast_of(gray, ink.astype(np.uint8)),
        relative_size=height / MNIST_SIZE,
        aspect_ratio=width / height if height else 0.0,
    )


def outlined(gray: np.ndarray, region: Region) -> np.ndarray:
    """The page with the chosen region's box drawn on it."""
    x, y, w, h = region.box
    image = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)
    cv2.rectangle(image, (x, y), (x + w - 1, y + h - 1), (0, 200, 0), max(1, max(gray.shape) // 200))
    return image


def to_uint8(image: np.ndarray) -> np.ndarray:
    return (np.clip(image, 0, 1) * 255).round().astype(np.uint8)


def plain_resize(gray: np.ndarray) -> np.ndarray:
    """The plain baseline: the whole ink-bright gray image squeezed into 20x20 and centred by mass in 28x28."""
    return (
        fit_to_mnist(cv2.resize(gray, (20, 20), interpolation=cv2.INTER_AREA))[0]
        if gray.any()
        else np.zeros((28, 28), np.float32)
    )
