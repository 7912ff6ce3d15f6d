"""Shared fixtures: the trained model, a few real MNIST digits, and a canvas painter for them."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from mnist_demo.synthetic import digit_mask

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The bundled model: the tests check what ships."""
    from mnist_demo.loading import BUNDLED_MODEL

    return BUNDLED_MODEL


@pytest.fixture(scope="session")
def recognizer(model_path):
    from mnist_demo import DigitRecognizer

    return DigitRecognizer.load(model_path)


@pytest.fixture(scope="session")
def mnist_test():
    """(x_test, y_test) of the real MNIST, read from $MNIST_NPZ."""
    from mnist_demo.data import load_mnist

    _, (x_test, y_test) = load_mnist()
    return x_test, y_test


@pytest.fixture(scope="session")
def first_of_each_class(mnist_test) -> dict[int, np.ndarray]:
    """The first MNIST test digit of each class, for tests that need real handwriting but no model."""
    x, y = mnist_test
    return {label: x[int(np.flatnonzero(y == label)[0])] for label in range(10)}


SHIFTS = ((2, 0), (-2, 0), (0, 2), (0, -2))


def _shift(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    return cv2.warpAffine(image, np.float32([[1, 0, dx], [0, 1, dy]]), (28, 28))


def _rotate(image: np.ndarray, angle: float) -> np.ndarray:
    return cv2.warpAffine(image, cv2.getRotationMatrix2D((13.5, 13.5), angle, 1.0), (28, 28))


@pytest.fixture(scope="session")
def digits(recognizer, mnist_test) -> list[tuple[np.ndarray, int]]:
    return choose_digits(recognizer, *mnist_test)


def choose_digits(recognizer, x: np.ndarray, y: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """One MNIST test digit per class (0-9, in order) that the model gets right, and robustly so.

    Among the first 100 test digits of each class, the one whose worst probability for its
    label is highest over the plain image, copies shifted by 2 px and copies rotated by
    10 degrees. What the pipeline does to such a digit (rescaling, re-centring) cannot
    flip the label by the model's luck alone.
    """
    chosen: list[tuple[np.ndarray, int]] = []
    for label in range(10):
        candidates = x[np.flatnonzero(y == label)[:100]]
        variants = [candidates, *(np.stack([_shift(c, dx, dy) for c in candidates]) for dx, dy in SHIFTS)]
        variants += [np.stack([_rotate(c, angle) for c in candidates]) for angle in (-10, 10)]
        probs = recognizer.probabilities(np.concatenate(variants).astype(np.float32) / 255.0)
        probs = probs.reshape(len(variants), len(candidates), 10)
        right = (probs.argmax(axis=2) == label).all(axis=0)
        worst = np.where(right, probs[:, :, label].min(axis=0), 0.0)
        if worst.max() < 0.5:
            pytest.fail(f"the model recognizes no MNIST test digit of class {label} robustly")
        chosen.append((candidates[int(worst.argmax())], label))
    return chosen


def paint(
    digit: np.ndarray,
    size: tuple[int, int] = (512, 512),
    height: int = 300,
    centre: tuple[float, float] | None = None,
    ink: float = 0.0,
    paper: float = 255.0,
    thickness: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """A 28x28 MNIST digit drawn ``height`` px tall on a gray canvas (uint8, HxW).

    ``centre`` is the digit's centre as (x, y) fractions of the canvas (default: the middle).
    """
    rng = np.random.default_rng(seed)
    mask = digit_mask(digit, height, rng, thickness=thickness)
    H, W = size
    h, w = mask.shape
    cx, cy = centre or (0.5, 0.5)
    x0, y0 = int(round(cx * W - w / 2)), int(round(cy * H - h / 2))
    assert x0 >= 0 and x0 + w <= W and y0 >= 0 and y0 + h <= H, "digit does not fit the canvas"
    full = np.zeros((H, W), np.float32)
    full[y0 : y0 + h, x0 : x0 + w] = mask
    return np.clip(paper + (ink - paper) * full, 0, 255).round().astype(np.uint8)


@pytest.fixture(scope="session")
def painter():
    """``paint`` as a fixture, for test modules that cannot import conftest."""
    return paint


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """``python app.py`` running on a free loopback port for the whole session."""
    from live_server import start_app, stop_app

    process, url = start_app(tmp_path_factory.mktemp("app") / "app.log")
    yield url
    stop_app(process)
