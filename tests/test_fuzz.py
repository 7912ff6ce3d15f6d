"""Property-based fuzzing: whatever comes in, out comes a prediction, NoDigitFound or InvalidImage, quickly."""

from __future__ import annotations

import io
from datetime import timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from mnist_demo import InvalidImage, NoDigitFound, Prediction
from mnist_demo.images import load_image
from mnist_demo.pipeline import SOURCES

# Bounded time per call: far above the ~10-50 ms a real image takes, far below a hang.
FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=3),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

DTYPES = st.sampled_from([np.uint8, np.uint16, np.int32, np.int64, np.float32, np.float64, np.bool_])
SHAPES = st.tuples(st.integers(1, 80), st.integers(1, 80), st.sampled_from([None, 1, 2, 3, 4, 5])).map(
    lambda s: s[:2] if s[2] is None else s
)


def outcome(call) -> str:
    """Run ``call``; the only acceptable results are a Prediction or one of our two errors."""
    try:
        result = call()
    except InvalidImage as error:
        assert str(error).strip()
        return "invalid"
    except NoDigitFound as error:
        assert str(error).strip()
        return "no digit"
    assert isinstance(result, Prediction)
    assert result.probabilities.shape == (10,) and abs(result.probabilities.sum() - 1) < 1e-6
    assert result.digit.shape == (28, 28) and np.isfinite(result.digit).all()
    return "prediction"


@FUZZ
@given(array=st.one_of(DTYPES, st.just(np.float32)).flatmap(lambda dtype: arrays(dtype, SHAPES)), source=st.sampled_from(SOURCES))
def test_any_array_gives_a_prediction_or_a_clear_error(recognizer, array, source):
    outcome(lambda: recognizer.predict(array, source=source))


@FUZZ
@given(
    array=arrays(np.uint8, st.tuples(st.integers(20, 300), st.integers(20, 300))),
    source=st.sampled_from(SOURCES),
    tta=st.booleans(),
)
def test_random_gray_images_give_a_prediction_or_a_clear_error(recognizer, array, source, tta):
    outcome(lambda: recognizer.predict(array, source=source, tta=tta))


@FUZZ
@given(data=st.binary(max_size=4096))
def test_any_bytes_give_a_prediction_or_a_clear_error(recognizer, data):
    outcome(lambda: recognizer.predict(data, source="upload"))


def png_of_a_digit() -> bytes:
    image = np.full((64, 64), 255, np.uint8)
    image[10:54, 28:36] = 0  # a 1
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG")
    return buffer.getvalue()


PNG = png_of_a_digit()


@FUZZ
@given(
    cut=st.integers(0, len(PNG)),
    flips=st.lists(st.tuples(st.integers(0, len(PNG) - 1), st.integers(0, 255)), max_size=8),
)
def test_corrupted_png_bytes_give_a_prediction_or_a_clear_error(recognizer, cut, flips):
    data = bytearray(PNG[:cut] if cut else PNG)
    for position, value in flips:
        if position < len(data):
            data[position] = value
    outcome(lambda: recognizer.predict(bytes(data), source="upload"))


@FUZZ
@given(data=st.binary(max_size=2048))
def test_decoding_alone_returns_uint8_or_refuses(data):
    try:
        image = load_image(data)
    except InvalidImage:
        return
    assert image.dtype == np.uint8 and image.ndim in (2, 3)
