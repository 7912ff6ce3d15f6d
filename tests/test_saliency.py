"""The saliency map: where it lies, and that it points at what the model actually relies on."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_demo.data import load_samples
from mnist_demo.saliency import PATCH, STRIDE, occlusion_map, occlusions
from mnist_demo.synthetic import render_sketch

SAMPLES = load_samples()


@pytest.fixture(scope="module")
def explained(recognizer):
    """Ten ordinary sketches (the first sample of each class), predicted with explain=True."""
    images, labels, _ = SAMPLES
    chosen = [int(np.flatnonzero(labels == d)[0]) for d in range(10)]
    return [
        (recognizer.predict(render_sketch(images[i], np.random.default_rng(i), "transparent"), "sketch", explain=True), labels[i])
        for i in chosen
    ]


def test_saliency_is_a_nonnegative_28x28_map_peaking_at_one(explained):
    for pred, _ in explained:
        assert pred.saliency.shape == (28, 28) and np.isfinite(pred.saliency).all()
        assert pred.saliency.min() >= 0.0 and pred.saliency.max() == pytest.approx(1.0)


def test_most_of_the_saliency_lies_on_the_ink(explained):
    for pred, label in explained:
        ink = pred.digit > 0.1
        share = pred.saliency[ink].sum() / pred.saliency.sum()
        assert share > 0.9, f"a {label}: only {share:.0%} of the saliency on the ink"
        assert ink.mean() < 0.5  # the ink is a minority of the pixels: lying on it means something


def blank(digit: np.ndarray, y: int, x: int) -> np.ndarray:
    out = digit.copy()
    h = PATCH // 2
    out[max(0, y - h) : y + h + 1, max(0, x - h) : x + h + 1] = 0.0
    return out


def test_hiding_the_most_salient_ink_costs_the_answer_more_than_hiding_other_ink(recognizer, explained):
    """Faithfulness: the map points at what the model relies on, not just at ink."""
    rng = np.random.default_rng(0)
    wins = 0
    for pred, _ in explained:
        y, x = np.unravel_index(np.argmax(pred.saliency), pred.saliency.shape)
        ys, xs = np.nonzero(pred.digit > 0.3)
        picks = rng.integers(0, len(ys), 20)
        copies = [blank(pred.digit, y, x)] + [blank(pred.digit, ys[k], xs[k]) for k in picks]
        log_p = np.log(np.clip(recognizer.probabilities(np.stack(copies))[:, pred.label], 1e-12, 1))
        wins += log_p[0] <= np.median(log_p[1:])
    assert wins >= 8, f"the peak mattered more than typical ink in only {wins} of 10 digits"


def test_explain_adds_the_heat_overlays_to_the_gallery_and_only_when_asked(recognizer):
    images, _, _ = SAMPLES
    sketch = render_sketch(images[0], np.random.default_rng(0), "white")
    plain = recognizer.predict(sketch, "sketch", steps=True)
    assert plain.saliency is None
    pred = recognizer.predict(sketch, "sketch", steps=True, explain=True)
    captions = [caption for caption, _ in pred.steps]
    assert captions[: len(plain.steps)] == [caption for caption, _ in plain.steps]
    added = pred.steps[len(plain.steps) :]
    assert [caption for caption, _ in added] == ["what decided: on the 28x28", "what decided: on the input"]
    assert all(image.dtype == np.uint8 and image.ndim == 3 for _, image in added)


def test_occlusion_map_of_a_model_that_ignores_the_image_is_zero():
    digit = np.zeros((28, 28), np.float32)
    digit[5:23, 12:16] = 1.0
    constant = occlusion_map(lambda x: np.tile([[0.1] * 10], (len(x), 1)), digit, label=1)
    assert not constant.any()


def test_leaving_out_patches_without_ink_changes_nothing(recognizer, explained):
    """The map from the ink patches alone equals the map from every patch of the grid."""
    for pred, _ in explained[:3]:
        digit = pred.digit.astype(np.float32)
        corners = [(y, x) for y in range(0, 28 - PATCH + 1, STRIDE) for x in range(0, 28 - PATCH + 1, STRIDE)]
        copies = np.repeat(digit[None], len(corners), axis=0)
        for copy, (y, x) in zip(copies, corners):
            copy[y : y + PATCH, x : x + PATCH] = 0.0
        log_p = np.log(np.clip(recognizer.probabilities(np.concatenate([digit[None], copies]))[:, pred.label], 1e-12, 1))
        total, cover = np.zeros_like(digit), np.zeros_like(digit)
        for drop, (y, x) in zip(np.maximum(log_p[0] - log_p[1:], 0), corners):
            total[y : y + PATCH, x : x + PATCH] += drop
            cover[y : y + PATCH, x : x + PATCH] += 1
        everywhere = total / np.maximum(cover, 1) * digit
        np.testing.assert_allclose(pred.saliency, everywhere / everywhere.max(), atol=1e-4)
        assert len(occlusions(digit)[1]) < len(corners), "nothing was left out"
