"""Shared fixtures: the trained model, ordinary MNIST test digits, and a canvas painter for them."""

from __future__ import annotations

from pathlib import Path

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
def real_held_out() -> tuple[list[np.ndarray], np.ndarray]:
    """Real digits no training saw (UNIPEN's held-out sites, then USPS), read from real_dev.npz beside $MNIST_NPZ."""
    from mnist_demo.data import held_out_digits

    return held_out_digits()


@pytest.fixture(scope="session")
def first_of_each_class(mnist_test) -> dict[int, np.ndarray]:
    """The first MNIST test digit of each class, for tests that need real handwriting but no model."""
    x, y = mnist_test
    return {label: x[int(np.flatnonzero(y == label)[0])] for label in range(10)}


@pytest.fixture(scope="session")
def digits(recognizer, mnist_test) -> list[tuple[np.ndarray, int]]:
    return ordinary_digits(recognizer, *mnist_test)


def ordinary_digits(recognizer, x: np.ndarray, y: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """One MNIST test digit per class (0-9, in order): the first of its class in the test set.

    Not the easiest: an ordinary one, as a user would draw it. A digit the model itself
    misreads as a plain 28x28 image is skipped (no pipeline could be blamed for it).
    """
    chosen: list[tuple[np.ndarray, int]] = []
    for label in range(10):
        for index in np.flatnonzero(y == label):
            if recognizer.predict(x[index], source="mnist").label == label:
                chosen.append((x[index], label))
                break
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
