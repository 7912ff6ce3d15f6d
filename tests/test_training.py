"""A short real training run: train.py end to end on a small subset must learn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_short_training_run_learns_and_writes_its_report(tmp_path):
    command = [
        sys.executable, "train.py",
        "--epochs", "3", "--train-limit", "6000", "--batch-size", "64", "--bn-momentum", "0.9",
        "--out-dir", str(tmp_path),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=os.environ.copy())
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    # Held-back images: the 10,000 test images, none of which the run saw.
    assert metrics["test_accuracy"] > 0.90
    assert metrics["train_images"] + metrics["validation_images"] == 6000
    for name in ("mnist_cnn.keras", "training_curves.png", "confusion_matrix.png", "misclassified.png", "README.md"):
        assert (tmp_path / name).stat().st_size > 0, name
    card = (tmp_path / "README.md").read_text()
    assert card.startswith("---\nlibrary_name: keras") and "- mnist" in card


@pytest.mark.slow
def test_a_one_epoch_run_is_all_warm_up_and_still_trains(tmp_path):
    command = [
        sys.executable, "train.py", "--epochs", "1", "--train-limit", "1000", "--generated-negatives", "100",
        "--digit-pairs", "100", "--out-dir", str(tmp_path),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=os.environ.copy())
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads((tmp_path / "metrics.json").read_text())["epochs"] == 1


def test_digit_pairs_are_two_digits_in_one_glyph_as_the_number_reader_sees_them():
    import numpy as np

    from mnist_demo.data import load_samples
    from train import digit_pairs

    images, _, _ = load_samples()
    pairs = digit_pairs(images, 60, np.random.default_rng(0))
    assert pairs.shape == (60, 28, 28) and pairs.dtype == np.uint8
    assert np.array_equal(pairs, digit_pairs(images, 60, np.random.default_rng(0))), "not reproducible from its seed"
    boxes = []
    for pair in pairs:
        ys, xs = np.nonzero(pair > 76)
        boxes.append((xs.max() - xs.min() + 1, ys.max() - ys.min() + 1))
    widths, heights = np.array(boxes).T
    assert np.all(np.maximum(widths, heights) >= 18), "the longer side fills MNIST's 20-pixel box"
    assert np.mean(widths > heights) > 0.8, "two digits side by side are wider than tall (but for two 1s)"


def test_the_augmentation_layer_varies_digits_in_training_only():
    import argparse

    import keras
    import numpy as np

    from mnist_demo.data import load_samples, to_model_input
    from train import DEFAULTS, Handwriting

    images = to_model_input(load_samples()[0][:64])
    layer = Handwriting(argparse.Namespace(**DEFAULTS), seed=0)
    assert np.array_equal(keras.ops.convert_to_numpy(layer(images, training=False)), images)
    first, second = (keras.ops.convert_to_numpy(layer(images, training=True)) for _ in range(2))
    assert first.shape == images.shape and first.min() >= 0 and first.max() <= 1
    assert not np.allclose(first, second), "each call draws new transforms"
    changed = np.abs(first - images).mean(axis=(1, 2, 3))
    assert np.all(changed > 0.005), "every digit is moved a little (the affine transform)"
    # Still digits: none erased, none a blob (a thinner pen, low resolution and a zoom out take a fifth of the ink
    # at worst; a thicker pen, a blur and a zoom in triple it); on average about the ink written.
    ratio = first.sum(axis=(1, 2, 3)) / images.sum(axis=(1, 2, 3))
    assert np.all((ratio > 0.1) & (ratio < 4.0)), ratio.round(2)
    assert 0.9 < first.sum() / images.sum() < 1.5
