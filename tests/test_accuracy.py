"""The bundled model's claim, checked on the full MNIST test set (read from $MNIST_NPZ)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnist_demo import DigitRecognizer
from mnist_demo.data import load_mnist, to_model_input
from mnist_demo.loading import BUNDLED_MODEL, MODELS_DIR


@pytest.mark.slow
def test_bundled_model_reaches_99_65_percent_on_the_mnist_test_set():
    (_, _), (x_test, y_test) = load_mnist()
    assert len(y_test) == 10_000
    rec = DigitRecognizer.load(BUNDLED_MODEL)
    predicted = np.concatenate([rec.probabilities(chunk).argmax(axis=1) for chunk in np.array_split(to_model_input(x_test), 10)])
    accuracy = (predicted == y_test).mean()
    assert accuracy >= 0.9965, f"test accuracy {accuracy:.4%}"
    # metrics.json tells the truth about the shipped file.
    recorded = json.loads((MODELS_DIR / "metrics.json").read_text())["test_accuracy"]
    assert abs(recorded - accuracy) < 5e-4
