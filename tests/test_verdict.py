"""Verdicts: reason codes, the messages derived from them, and the digit-or-not decision."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_demo.model import NOT_A_DIGIT, NUM_CLASSES, NUM_OUTPUTS, SEVERAL_DIGITS
from mnist_demo.verdict import DIGIT_THRESHOLD, DISQUALIFYING, MESSAGES, Reason, decide


def outputs(digit: int, p_digit: float, p_not: float, p_several: float = 0.0) -> np.ndarray:
    out = np.zeros(NUM_OUTPUTS)
    out[:NUM_CLASSES] = (1 - p_digit - p_not - p_several) / (NUM_CLASSES - 1)
    out[digit], out[NOT_A_DIGIT], out[SEVERAL_DIGITS] = p_digit, p_not, p_several
    return out


def test_every_reason_has_a_message_a_person_can_act_on():
    assert set(MESSAGES) == set(Reason)
    for reason in Reason:
        assert reason.message == MESSAGES[reason] and len(reason.message) > 30


def test_a_clear_digit_is_a_digit_with_probabilities_over_the_ten_digits():
    verdict = decide(outputs(7, 0.9, 0.05))
    assert verdict.label == 7 and verdict.is_digit and verdict.reasons == ()
    assert verdict.probabilities.shape == (10,) and verdict.probabilities.sum() == pytest.approx(1.0)
    assert verdict.digit_score == pytest.approx(0.95)
    assert verdict.top3[0] == (7, pytest.approx(0.9 / 0.95))


@pytest.mark.parametrize("p_not", [0.7, 0.9, 0.99])
def test_the_models_not_a_digit_output_flags_it_and_keeps_the_best_guess(p_not):
    verdict = decide(outputs(3, 0.8 * (1 - p_not), p_not))
    assert not verdict.is_digit and verdict.label == 3
    assert verdict.digit_score == pytest.approx(1 - p_not) and verdict.digit_score < DIGIT_THRESHOLD
    assert verdict.reasons[-1] is Reason.NOT_A_DIGIT


@pytest.mark.parametrize("reason", sorted(DISQUALIFYING, key=lambda r: r.value))
def test_a_disqualifying_shape_is_not_a_digit_whatever_the_model_says(reason):
    verdict = decide(outputs(1, 0.99, 0.0), (reason,))
    assert not verdict.is_digit and verdict.reasons == (reason, Reason.NOT_A_DIGIT)
    assert verdict.digit_score <= 0.5


@pytest.mark.parametrize("reason", [Reason.TOUCHES_EDGE, Reason.CUT_OFF, Reason.SEVERAL_SHAPES])
def test_a_warning_is_kept_but_does_not_overrule_the_model(reason):
    verdict = decide(outputs(1, 0.99, 0.0), (reason,))
    assert verdict.is_digit and verdict.reasons == (reason,)


def test_a_ten_output_model_is_read_as_always_a_digit():
    verdict = decide(np.eye(10)[4] * 0.9 + 0.01)
    assert verdict.label == 4 and verdict.is_digit and verdict.digit_score == 1.0


def test_two_digits_in_one_shape_stay_a_digit_with_a_pointer_to_the_number_reader():
    verdict = decide(outputs(4, 0.25, 0.05, p_several=0.7))
    assert verdict.is_digit and verdict.label == 4 and verdict.digit_score == pytest.approx(0.95)
    assert verdict.reasons == (Reason.SEVERAL_DIGITS,) and "Number tab" in Reason.SEVERAL_DIGITS.message
    assert decide(outputs(4, 0.6, 0.05, p_several=0.35)).reasons == (), "a likelier single digit needs no warning"
    assert decide(outputs(4, 0.25, 0.05, p_several=0.7)[:SEVERAL_DIGITS]).reasons == (), "an 11-output model has no such class"
