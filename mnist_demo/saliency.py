"""Which pixels made the model decide: occlusion sensitivity, in one batched model call.

A small patch of the 28x28 digit is blanked at every position of a grid; how much the
log-probability of the answer drops, spread over the pixels the patch covered, is their
saliency, shared among them by how much ink each held. Blanking background changes
nothing, so saliency lives on the strokes that mattered: the bar that makes a 7 a 7, the loop that makes a 9 a 9. It needs nothing
but forward passes, so it works on any Keras backend.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from .page import composite_alpha, to_gray

PATCH = 5  # pixels blanked at a time (MNIST strokes are 2-3 pixels wide)
STRIDE = 3  # at most 64 copies, in one model call


def occlusions(digit: np.ndarray, patch: int = PATCH, stride: int = STRIDE) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Copies of the digit, each with one patch of ink blanked, and the patches' top-left corners.

    Patches with no ink are left out: blanking them changes nothing, and they cover only
    pixels whose saliency is zero anyway. That halves the model call for a typical digit.
    """
    size = digit.shape[0]
    grid = [(y, x) for y in range(0, size - patch + 1, stride) for x in range(0, size - patch + 1, stride)]
    corners = [(y, x) for y, x in grid if digit[y : y + patch, x : x + patch].any()]
    copies = np.repeat(digit[None], len(corners), axis=0)
    for copy, (y, x) in zip(copies, corners):
        copy[y : y + patch, x : x + patch] = 0.0
    return copies, corners


def occlusion_map(
    classify: Callable[[np.ndarray], np.ndarray], digit: np.ndarray, label: int, patch: int = PATCH, stride: int = STRIDE
) -> np.ndarray:
    """28x28 float map (>= 0, max 1 unless nothing mattered) of how much each pixel supports ``label``.

    ``classify`` maps (N, 28, 28) float images to (N, classes) probabilities in one call.
    """
    digit = np.asarray(digit, np.float32)
    copies, corners = occlusions(digit, patch, stride)
    outputs = classify(np.concatenate([digit[None], copies]))
    # Drops in log-probability: a confident answer barely moves in probability when one stroke goes.
    log_p = np.log(np.clip(outputs[:, label], 1e-12, 1.0))
    drops = np.maximum(log_p[0] - log_p[1:], 0.0)
    total, cover = np.zeros_like(digit), np.zeros_like(digit)
    for drop, (y, x) in zip(drops, corners):
        total[y : y + patch, x : x + patch] += drop
        cover[y : y + patch, x : x + patch] += 1.0
    # A patch's drop belongs to the ink it hid: a blank pixel hides nothing, whatever patch it shared.
    saliency = total / np.maximum(cover, 1.0) * digit
    peak = float(saliency.max())
    return saliency / peak if peak > 0 else saliency


def heat_overlay(gray: np.ndarray, saliency: np.ndarray) -> np.ndarray:
    """RGB picture of ``gray`` (uint8) with the saliency (same size, 0-1) laid over it in warm colours."""
    heat = cv2.applyColorMap((np.clip(saliency, 0, 1) * 255).astype(np.uint8), cv2.COLORMAP_INFERNO)
    heat = cv2.cvtColor(heat, cv2.COLOR_BGR2RGB).astype(np.float32)
    base = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB).astype(np.float32)
    weight = np.clip(saliency, 0, 1)[..., None] * 0.8
    return (base * (1 - weight) + heat * weight).round().astype(np.uint8)


def onto_input(saliency: np.ndarray, transform: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The 28x28 saliency carried back onto the input image's pixels through the glyph's affine map."""
    return cv2.warpAffine(
        saliency.astype(np.float32),
        np.asarray(transform, np.float64),
        (shape[1], shape[0]),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderValue=0.0,
    )


def on_the_crop(
    image: np.ndarray, saliency: np.ndarray, transform: np.ndarray, box: tuple[int, int, int, int], max_side: int = 256
) -> np.ndarray:
    """The input's crop around the digit (``box`` with a margin), in gray, with the saliency laid over it.

    Only the crop is converted to gray, and shrunk to at most ``max_side``: the input may be a full-size photo,
    and the picture is for the eye.
    """
    x, y, w, h = box
    margin = max(2, round(0.15 * max(w, h)))
    x0, y0 = max(0, x - margin), max(0, y - margin)
    x1, y1 = min(image.shape[1], x + w + margin), min(image.shape[0], y + h + margin)
    scale = min(1.0, max_side / max(x1 - x0, y1 - y0))
    gray = to_gray(composite_alpha(np.ascontiguousarray(image[y0:y1, x0:x1])))
    if scale < 1.0:
        gray = cv2.resize(
            gray, (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale))), interpolation=cv2.INTER_AREA
        )
    # shown pixel -> input pixel (undo the shrink, add the crop's corner) -> 28x28
    shifted = np.asarray(transform, np.float64).copy()
    shifted[:, 2] += shifted[:, :2] @ np.array([x0, y0], np.float64)
    shifted[:, :2] /= scale
    crop_saliency = onto_input(saliency, shifted, gray.shape[:2])
    return heat_overlay(gray, crop_saliency)
