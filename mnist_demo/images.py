"""Turn whatever the caller hands us into a uint8 array, within bounded time and memory.

Accepted: a file path, raw bytes, a PIL image, or a numpy array (HxW gray, HxWx3 RGB,
HxWx4 RGBA; uint8, other integers, bool, or float in [0, 1]). Files are checked
for size and pixel count before they are decoded, EXIF orientation is applied,
and only the first frame of an animation or a multi-page file is used.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from .errors import InvalidImage
from .page import WORK_SIDE

MAX_FILE_BYTES = int(float(os.environ.get("MNIST_DEMO_MAX_FILE_MB", "10")) * 1024 * 1024)
MAX_ASPECT = 50  # a strip more elongated than this cannot show a digit
MAX_PIXELS = int(float(os.environ.get("MNIST_DEMO_MAX_MEGAPIXELS", "25")) * 1_000_000)

# Pillow raises DecompressionBombError beyond twice this; we refuse above it ourselves.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def load_image(image) -> np.ndarray:
    """Any supported input -> uint8 array of shape HxW, HxWx3 or HxWx4."""
    if isinstance(image, np.ndarray):
        return array_to_uint8(image)
    if isinstance(image, Image.Image):
        try:
            return pil_to_array(image)
        except (OSError, ValueError) as error:
            if isinstance(error, InvalidImage):
                raise
            raise InvalidImage(f"This PIL image (mode {image.mode}) cannot be used: {error}") from error
    if isinstance(image, (bytes, bytearray, memoryview)):
        data = bytes(image)
        if len(data) > MAX_FILE_BYTES:
            raise InvalidImage(f"The image is {len(data) / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB.")
        return decode_image(io.BytesIO(data))
    if isinstance(image, (str, os.PathLike)):
        path = Path(image)
        if not path.is_file():
            raise InvalidImage(f"No such image file: {path.name}")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidImage(f"The file is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB.")
        with open(path, "rb") as file:
            return decode_image(file)
    raise InvalidImage(f"Unsupported input type {type(image).__name__}: give an image file, a PIL image or a numpy array.")


def decode_image(file) -> np.ndarray:
    """Decode an encoded image (PNG, JPEG, GIF, TIFF, WebP, BMP...) from a binary file object."""
    try:
        with Image.open(file) as pil:
            # Image.open reads only the header: refuse oversized images before decoding pixels.
            check_size(pil.width, pil.height)
            pil.seek(0)  # first frame of an animated GIF or a multi-page TIFF
            # JPEG can decode at 1/2, 1/4 or 1/8 scale for free: no need for more than twice the work size.
            pil.draft(pil.mode, (2 * WORK_SIDE, 2 * WORK_SIDE))
            return pil_to_array(pil)
    except InvalidImage:
        raise
    except Image.DecompressionBombError as error:
        raise InvalidImage(f"The image has too many pixels (the limit is {MAX_PIXELS / 1e6:.0f} megapixels).") from error
    except (OSError, ValueError, SyntaxError, EOFError, Image.UnidentifiedImageError) as error:
        raise InvalidImage("The file is not a readable image (it may be truncated or in an unsupported format).") from error


def check_size(width: int, height: int) -> None:
    """Refuse empty, oversized or absurdly elongated images (before decoding, where possible)."""
    if width < 1 or height < 1:
        raise InvalidImage("The image is empty (zero pixels).")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise InvalidImage(f"The image is {width}x{height} pixels: far too elongated to show a digit.")
    if width * height > MAX_PIXELS:
        raise InvalidImage(
            f"The image is {width}x{height} pixels; the limit is {MAX_PIXELS / 1e6:.0f} megapixels. Please send a smaller image."
        )


def pil_to_array(pil: Image.Image) -> np.ndarray:
    """A PIL image in any mode -> uint8 L, RGB or RGBA array, upright per its EXIF tag."""
    check_size(pil.width, pil.height)
    pil = ImageOps.exif_transpose(pil) or pil
    if pil.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return array_to_uint8(np.asarray(pil))
    if pil.mode in ("1", "L"):
        return np.asarray(pil.convert("L"))
    keep_alpha = pil.mode in ("RGBA", "LA", "PA") or (pil.mode == "P" and "transparency" in pil.info)
    return np.asarray(pil.convert("RGBA" if keep_alpha else "RGB"))


def array_to_uint8(array: np.ndarray) -> np.ndarray:
    """Validate an array's layout and values and bring it to uint8."""
    array = np.asarray(array)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise InvalidImage(f"Expected an HxW, HxWx3 or HxWx4 image array, got shape {array.shape}.")
    check_size(array.shape[1], array.shape[0])
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if np.issubdtype(array.dtype, np.integer):
        if array.min(initial=0) < 0:
            raise InvalidImage("The image array holds negative values.")
        peak = array.max(initial=0)
        # 8-bit data stored in a wider type stays as it is; 16-bit data is scaled down.
        scale = 1 if peak <= 255 else (65535 if peak <= 65535 else int(peak))
        return (array.astype(np.float64) * (255.0 / scale)).round().astype(np.uint8) if scale != 1 else array.astype(np.uint8)
    if np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all():
            raise InvalidImage("The image array holds NaN or infinite values.")
        if array.min(initial=0) < 0:
            raise InvalidImage("The image array holds negative values.")
        # Floats are [0, 1] by convention; larger values mean the caller kept 0-255.
        scale = 255.0 if array.max(initial=0) <= 1.0 else 1.0
        return np.clip(array * scale, 0, 255).round().astype(np.uint8)
    raise InvalidImage(f"Unsupported image array dtype {array.dtype}.")
