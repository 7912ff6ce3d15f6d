"""The input-quality badge says what a user should hear about their input.

These tests state what matters to the user (which inputs are Excellent, which are Poor,
which of two inputs is better) rather than the exact scores, so the ramps' corners can
be retuned without rewriting them, but a score that ignores a metric cannot pass.
"""

from __future__ import annotations

import json

import pytest

from mnist_demo.quality import BADGES, Quality, badge_for, score_quality

CRISP = 0.8  # contrast of dark ink on white paper or a sketch
MID_SIZE = 0.5  # a digit half the image's height
TYPICAL_ASPECT = 0.7  # most MNIST digits are about this much wider than tall
AT_LEAST_GOOD = {"Excellent", "Good"}
AT_BEST_AVERAGE = {"Average", "Poor"}


def score(contrast: float = CRISP, relative_size: float = MID_SIZE, aspect_ratio: float = TYPICAL_ASPECT) -> int:
    """The score of an input that is ideal except for the metrics given."""
    return score_quality(contrast, relative_size, aspect_ratio).score


def badge(contrast: float = CRISP, relative_size: float = MID_SIZE, aspect_ratio: float = TYPICAL_ASPECT) -> str:
    return score_quality(contrast, relative_size, aspect_ratio).badge


def expected_badge(score_value: int) -> str:
    """The thresholds the app documents, written out independently of BADGES."""
    if score_value >= 85:
        return "Excellent"
    if score_value >= 70:
        return "Good"
    if score_value >= 50:
        return "Average"
    return "Poor"


# What a user should hear about typical inputs.


@pytest.mark.parametrize(
    ("contrast", "relative_size", "aspect_ratio"),
    [
        pytest.param(0.8, 0.5, 0.7, id="crisp mid-size digit"),
        pytest.param(0.98, 0.71, 0.75, id="an MNIST digit as the 28x28 path measures it"),
        pytest.param(0.8, 0.5, 0.95, id="a round 0: round is not a defect"),
        pytest.param(0.5, 0.3, 0.6, id="a clear photo of a digit a third of the frame"),
    ],
)
def test_clear_well_sized_digits_are_excellent(contrast, relative_size, aspect_ratio):
    assert badge(contrast, relative_size, aspect_ratio) == "Excellent"


@pytest.mark.parametrize("aspect_ratio", [0.12, 0.2, 0.35])
def test_a_straight_one_is_a_normal_digit(aspect_ratio):
    assert badge(relative_size=0.6, aspect_ratio=aspect_ratio) in AT_LEAST_GOOD


@pytest.mark.parametrize("contrast", [0.0, 0.03, 0.06])
def test_faint_ink_is_poor(contrast):
    assert badge(contrast=contrast) == "Poor"


@pytest.mark.parametrize("contrast", [0.08, 0.1])
def test_weak_ink_is_not_good(contrast):
    assert badge(contrast=contrast) in AT_BEST_AVERAGE


@pytest.mark.parametrize("relative_size", [0.01, 0.03, 0.045])
@pytest.mark.parametrize("aspect_ratio", [0.8, 1.0, 1.1])
def test_a_high_contrast_dot_is_poor(relative_size, aspect_ratio):
    """A round speck is crisp and has a digit's aspect ratio, but it is too small to be a digit."""
    assert badge(contrast=0.9, relative_size=relative_size, aspect_ratio=aspect_ratio) == "Poor"


@pytest.mark.parametrize("relative_size", [0.03, 0.05, 0.06])
def test_a_tiny_digit_is_at_best_average(relative_size):
    # even perfect ink cannot make up for a digit a few percent of the image's height
    assert badge(contrast=1.0, relative_size=relative_size) in AT_BEST_AVERAGE


def test_a_tight_crop_is_at_least_good_and_not_better_than_a_framed_digit():
    assert badge(relative_size=1.0) in AT_LEAST_GOOD
    assert score(relative_size=1.0) <= score(relative_size=MID_SIZE)


@pytest.mark.parametrize("aspect_ratio", [3.0, 5.0, 20.0])
def test_an_extremely_wide_shape_is_at_best_average(aspect_ratio):
    """Wider than any MNIST digit: two digits side by side, a dash or a stray line."""
    assert badge(aspect_ratio=aspect_ratio) in AT_BEST_AVERAGE
    assert score(aspect_ratio=aspect_ratio) < score()


def test_a_thin_and_tiny_shape_is_worse_than_thin_or_tiny_alone():
    thin, tiny = 0.04, 0.06
    thin_and_tiny = score(relative_size=tiny, aspect_ratio=thin)
    assert thin_and_tiny < score(relative_size=0.6, aspect_ratio=thin)
    assert thin_and_tiny < score(relative_size=tiny)
    assert badge(relative_size=tiny, aspect_ratio=thin) in AT_BEST_AVERAGE


# How the score moves with each metric.

CONTRASTS = [0.0, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.35, 0.6, 1.0]
SIZES_UP_TO_IDEAL = [0.0, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2]
IDEAL_SIZES = [0.2, 0.3, 0.5, 0.7, 0.9]
OTHER_METRICS = [(0.5, 0.7), (0.08, 1.0), (0.3, 0.12), (1.0, 0.05), (0.6, 2.0)]


@pytest.mark.parametrize(("relative_size", "aspect_ratio"), OTHER_METRICS)
def test_score_rises_with_contrast(relative_size, aspect_ratio):
    scores = [score(c, relative_size, aspect_ratio) for c in CONTRASTS]
    assert scores == sorted(scores), f"more contrast lowered the score: {dict(zip(CONTRASTS, scores))}"
    assert scores[0] < scores[-1], "contrast has no effect on the score"


@pytest.mark.parametrize(("contrast", "aspect_ratio"), [(0.8, 0.7), (0.15, 0.7), (1.0, 1.0), (0.5, 0.1), (0.6, 2.0)])
def test_score_rises_with_size_up_to_the_ideal_range(contrast, aspect_ratio):
    scores = [score(contrast, s, aspect_ratio) for s in SIZES_UP_TO_IDEAL]
    assert scores == sorted(scores), f"a bigger digit scored lower: {dict(zip(SIZES_UP_TO_IDEAL, scores))}"
    assert scores[0] < scores[-1], "size has no effect on the score"


@pytest.mark.parametrize(("contrast", "aspect_ratio"), [(0.8, 0.7), (0.15, 0.7), (0.6, 2.0)])
def test_no_size_beats_the_ideal_range(contrast, aspect_ratio):
    ideal = {score(contrast, s, aspect_ratio) for s in IDEAL_SIZES}
    assert len(ideal) == 1, f"sizes within the ideal range should score alike: {ideal}"
    best = ideal.pop()
    for s in [0.05, 0.1, 0.95, 1.0, 1.5]:
        assert score(contrast, s, aspect_ratio) <= best, f"size {s} beat the ideal range"


@pytest.mark.parametrize("aspect_ratio", [1.2, 1.6, 2.0, 3.0])
def test_wider_than_a_digit_scores_lower(aspect_ratio):
    assert score(aspect_ratio=aspect_ratio) <= score(aspect_ratio=1.0)
    assert score(aspect_ratio=3.0) < score(aspect_ratio=1.0)


# Badges, range and the dict the JSON API returns.


@pytest.mark.parametrize(
    ("score_value", "name"),
    [
        (100, "Excellent"),
        (85, "Excellent"),
        (84, "Good"),
        (70, "Good"),
        (69, "Average"),
        (50, "Average"),
        (49, "Poor"),
        (0, "Poor"),
    ],
)
def test_badge_thresholds(score_value, name):
    assert badge_for(score_value) == name


def test_badges_are_the_documented_four_best_first():
    assert [name for _, name in BADGES] == ["Excellent", "Good", "Average", "Poor"]


GRID = [
    (c, s, a) for c in (0.0, 0.06, 0.1, 0.2, 0.8) for s in (0.01, 0.05, 0.08, 0.15, 0.5, 1.0) for a in (0.02, 0.12, 0.7, 1.6, 4.0)
]


def test_score_quality_badges_follow_the_thresholds_and_every_badge_occurs():
    seen = set()
    for args in GRID:
        q = score_quality(*args)
        assert q.badge == expected_badge(q.score), f"{args}: {q.score} is {expected_badge(q.score)}, not {q.badge}"
        seen.add(q.badge)
    assert seen == {"Excellent", "Good", "Average", "Poor"}


@pytest.mark.parametrize(
    ("contrast", "relative_size", "aspect_ratio"),
    [(-1.0, -1.0, -1.0), (0.0, 0.0, 0.0), (2.0, 5.0, 100.0), (1.0, 0.5, 0.0), (0.5, 1e-9, 1e9)],
)
def test_out_of_range_inputs_still_give_a_score_from_0_to_100(contrast, relative_size, aspect_ratio):
    q = score_quality(contrast, relative_size, aspect_ratio)
    assert isinstance(q.score, int) and 0 <= q.score <= 100
    assert q.badge == expected_badge(q.score)


def test_as_dict_rounds_and_carries_every_field():
    q = score_quality(0.123456, 0.654321, 0.700049)
    d = q.as_dict()
    assert d == {
        "score": q.score,
        "badge": q.badge,
        "contrast": 0.123,
        "relative_size": 0.654,
        "aspect_ratio": 0.7,
    }
    assert isinstance(d["score"], int)
    json.dumps(d)  # the API serializes it as is


def test_quality_keeps_the_measured_values():
    q = score_quality(0.42, 0.33, 0.81)
    assert (q.contrast, q.relative_size, q.aspect_ratio) == (0.42, 0.33, 0.81)
    assert isinstance(q, Quality)
