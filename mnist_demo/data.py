"""Load MNIST from an .npz file in Keras layout, or through Keras's own download."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

MnistSplits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

# key -> (shape after the first axis, dtype); the first axis is the number of images.
EXPECTED = {
    "x_train": ((28, 28), np.uint8),
    "y_train": ((), np.uint8),
    "x_test": ((28, 28), np.uint8),
    "y_test": ((), np.uint8),
}


class MnistFileError(ValueError):
    """The MNIST file is missing or is not MNIST in Keras layout."""


def load_mnist(path: str | os.PathLike | None = None) -> MnistSplits:
    """Return ``(x_train, y_train), (x_test, y_test)`` as uint8 arrays.

    The file is, in order: ``path``; the ``MNIST_NPZ`` environment variable; else
    Keras downloads (or reuses its cached copy of) the official file.
    Images are 28x28, 0 = background, 255 = ink; labels are 0-9.
    """
    path = path or os.environ.get("MNIST_NPZ")
    if path is None:
        import keras

        return keras.datasets.mnist.load_data()
    return read_mnist_npz(Path(path))


def read_mnist_npz(path: Path) -> MnistSplits:
    """Read and validate an .npz in the layout of Keras's ``mnist.npz``."""
    if not path.is_file():
        raise MnistFileError(f"MNIST file not found: {path}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files if key in EXPECTED}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise MnistFileError(f"{path} is not a readable .npz file: {error}") from error

    missing = sorted(set(EXPECTED) - set(arrays))
    if missing:
        raise MnistFileError(f"{path} lacks the key(s) {', '.join(missing)}")
    for key, (shape, dtype) in EXPECTED.items():
        array = arrays[key]
        if array.dtype != dtype:
            raise MnistFileError(f"{path}: {key} has dtype {array.dtype}, expected {np.dtype(dtype)}")
        if array.ndim != 1 + len(shape) or array.shape[1:] != shape:
            raise MnistFileError(
                f"{path}: {key} has shape {array.shape}, expected (N, {', '.join(map(str, shape))})".replace(", )", ")")
            )
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if len(x) != len(y):
            raise MnistFileError(f"{path}: x_{split} has {len(x)} images but y_{split} has {len(y)} labels")
        if len(y) and y.max() > 9:
            raise MnistFileError(f"{path}: y_{split} holds labels above 9")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 images (N, 28, 28) -> float32 (N, 28, 28, 1) in [0, 1], the model's input."""
    return (images.astype(np.float32) / 255.0)[..., None]


SAMPLES_PATH = Path(__file__).resolve().parent.parent / "examples" / "mnist_samples.npz"


def load_samples(path: str | os.PathLike = SAMPLES_PATH) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The few hundred MNIST test images shipped with the app: (images, labels, test-set indices)."""
    with np.load(path, allow_pickle=False) as npz:
        return npz["images"], npz["labels"], npz["indices"]


# --- real handwriting (development only: never needed at run time) -----------------------------

# UNIPEN writer sites kept out of training: every figure reported for UNIPEN digits or letters comes from these.
HELD_OUT_SITES = ("gmd", "tos", "imp", "pri", "cea", "ceb", "lou")
# Letters that people write exactly like a digit: never counted as "not a digit" (nor trained as one).
DIGIT_LIKE_LETTERS = frozenset("OoDQIliZzSsBbGgq")


def real_dev_path() -> Path | None:
    """``REAL_DEV_NPZ``, else ``real_dev.npz`` beside ``MNIST_NPZ``; None when neither exists."""
    explicit = os.environ.get("REAL_DEV_NPZ")
    if explicit:
        return Path(explicit)
    mnist = os.environ.get("MNIST_NPZ")
    beside = Path(mnist).with_name("real_dev.npz") if mnist else None
    return beside if beside is not None and beside.is_file() else None


def load_real_dev(path: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """The arrays of ``real_dev.npz`` (USPS scans, UNIPEN digits and letters), dark ink on light paper."""
    path = Path(path) if path else real_dev_path()
    if path is None or not path.is_file():
        raise FileNotFoundError("real_dev.npz not found: set REAL_DEV_NPZ, or put it beside MNIST_NPZ")
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


def held_out(sites: np.ndarray) -> np.ndarray:
    """Boolean mask of the images whose writer site is held out of training."""
    return np.isin(sites, HELD_OUT_SITES)


def held_out_digits(path: str | os.PathLike | None = None) -> tuple[list[np.ndarray], np.ndarray]:
    """Real handwriting no training saw, ink bright (as MNIST): UNIPEN's held-out writer sites, then USPS.

    The images keep their own sizes; labels are 0-9. For the benchmarks that render digits as people hand them over.
    """
    real = load_real_dev(path)
    keep = held_out(real["unipen_writers"])
    images = [255 - image for image in real["unipen_images"][keep]] + [255 - image for image in real["usps_images"]]
    return images, np.concatenate([real["unipen_labels"][keep], real["usps_labels"]]).astype(int)
