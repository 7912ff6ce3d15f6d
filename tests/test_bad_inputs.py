"""Every kind of awkward or hostile input, through the Python API and through the live server.

Each one gets a correct prediction or a clear message (``InvalidImage`` / ``NoDigitFound``
in Python, a Gradio error with that message over HTTP), and the server keeps answering.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from mnist_demo import InvalidImage, NoDigitFound
from mnist_demo.data import load_samples
from mnist_demo.images import MAX_FILE_BYTES
from mnist_demo.synthetic import render_sketch
from mnist_demo.verdict import Reason


def sample_digit() -> tuple[np.ndarray, int]:
    """A 7 drawn black on white, 320x320, and its label."""
    images, labels, _ = load_samples()
    index = int(np.flatnonzero(labels == 7)[0])
    rgb = render_sketch(images[index], np.random.default_rng(3), "white")
    return np.asarray(Image.fromarray(rgb).convert("L").resize((320, 320))), 7


DIGIT, LABEL = sample_digit()


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge image: a decompression bomb's calling card."""
    data = bytearray(encode(Image.new("L", (8, 8), 255), "PNG"))
    ihdr = struct.pack(">II", width, height)
    data[16:24] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    return bytes(data)


def valid_files() -> dict[str, bytes]:
    """Unusual but valid encodings of the digit: each must be recognized."""
    gray = Image.fromarray(DIGIT)
    blank = Image.new("L", gray.size, 255)
    sixteen = Image.fromarray(DIGIT.astype(np.uint16) * 257).convert("I;16")
    alpha = Image.fromarray(np.stack([np.zeros_like(DIGIT), 255 - DIGIT], axis=2), "LA")
    return {
        "animated GIF (first frame)": encode(gray, "GIF", save_all=True, append_images=[blank, blank], duration=100, loop=0),
        "multi-page TIFF (first page)": encode(gray, "TIFF", save_all=True, append_images=[blank]),
        "16-bit PNG": encode(sixteen, "PNG"),
        "palette PNG": encode(gray.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=16), "PNG"),
        "CMYK JPEG": encode(gray.convert("CMYK"), "JPEG", quality=90),
        "gray+alpha PNG": encode(alpha, "PNG"),
        "WebP": encode(gray, "WEBP"),
    }


def broken_files() -> dict[str, bytes]:
    """Inputs that are not a usable image: each must be refused with a clear message."""
    png = encode(Image.fromarray(DIGIT), "PNG")
    jpeg = encode(Image.fromarray(DIGIT), "JPEG")
    return {
        "text renamed .png": b"these are my notes, not a picture\n" * 20,
        "truncated PNG": png[: len(png) // 2],
        "truncated JPEG": jpeg[: len(jpeg) // 2],
        "empty file": b"",
        "decompression bomb (PNG claiming 40000x40000)": png_claiming_size(40000, 40000),
        "100000x1 PNG": encode(Image.new("L", (100000, 1), 255), "PNG"),
        "oversized file (random bytes over the limit)": np.random.default_rng(0).bytes(MAX_FILE_BYTES + 1024),
    }


VALID = valid_files()
BROKEN = broken_files()
BAD_ARRAYS = {
    "NaN": np.full((64, 64), np.nan, np.float32),
    "+inf": np.where(DIGIT > 0, np.inf, 0.0),
    "-inf": np.full((32, 32, 3), -np.inf),
    "empty 0x0": np.zeros((0, 0), np.uint8),
    "two channels": np.zeros((32, 32, 2), np.uint8),
    "4-D": np.zeros((2, 32, 32, 3), np.uint8),
    "complex": np.zeros((32, 32), np.complex64),
    "object": np.array([["a", "b"], ["c", "d"]], dtype=object),
}


@pytest.mark.parametrize("name", list(VALID))
def test_unusual_valid_files_are_recognized(recognizer, name):
    assert recognizer.predict(VALID[name], source="upload").label == LABEL


def test_one_pixel_image_is_blank_not_a_crash(recognizer):
    with pytest.raises(NoDigitFound, match=r"\w"):
        recognizer.predict(encode(Image.new("L", (1, 1), 0), "PNG"), source="upload")


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_files_are_refused_with_a_message(recognizer, name, tmp_path):
    with pytest.raises(InvalidImage, match=r"\w{4}"):
        recognizer.predict(BROKEN[name], source="upload")
    path = tmp_path / "upload.png"
    path.write_bytes(BROKEN[name])
    with pytest.raises(InvalidImage, match=r"\w{4}"):
        recognizer.predict(path, source="upload")


@pytest.mark.parametrize("name", list(BAD_ARRAYS))
def test_bad_arrays_are_refused_with_a_message(recognizer, name):
    with pytest.raises(InvalidImage, match=r"\w{4}"):
        recognizer.predict(BAD_ARRAYS[name], source="sketch")


def test_huge_valid_image_is_downscaled_and_recognized(recognizer):
    """20 megapixels, under the limit: decoded, shrunk to the working size, recognized."""
    big = Image.fromarray(DIGIT).resize((5000, 4000))
    assert recognizer.predict(encode(big, "JPEG", quality=85), source="upload").label == LABEL


@pytest.mark.server
def test_the_live_server_answers_every_bad_input_cleanly_and_keeps_working(recognizer, app_url, tmp_path):
    client = Client(app_url, verbose=False)
    extensions = {"GIF": ".gif", "TIFF": ".tif", "JPEG": ".jpg", "WebP": ".webp"}
    for name, data in {**VALID, **BROKEN}.items():
        # Named like an image, as a user's file would be: the server checks the extension, then we check the bytes.
        path = tmp_path / ("input" + next((ext for key, ext in extensions.items() if key in name), ".png"))
        path.write_bytes(data)
        if name in VALID:
            result = client.predict(handle_file(str(path)), "upload", False, api_name="/predict")
            assert result["label"] == LABEL, name
            continue
        if len(data) > MAX_FILE_BYTES:  # refused before any handler runs: by the client, which reads the server's limit
            with pytest.raises((AppError, ValueError), match="(?i)maximum file size"):
                client.predict(handle_file(str(path)), "upload", False, api_name="/predict")
            continue
        with pytest.raises(AppError) as caught:
            client.predict(handle_file(str(path)), "upload", False, api_name="/predict")
        # The same words the Python API says for the same bytes: neither Gradio's generic error nor our catch-all.
        with pytest.raises(InvalidImage) as expected:
            recognizer.predict(data, source="upload")
        assert str(caught.value) == str(expected.value), name
        *_, status = client.predict(handle_file(str(path)), False, False, api_name="/recognize_upload")
        assert status.endswith(str(expected.value)), f"{name}: {status}"
    good = tmp_path / "good.png"
    Image.fromarray(DIGIT).save(good)
    assert client.predict(handle_file(str(good)), "upload", False, api_name="/predict")["label"] == LABEL


BLANKS = {
    "white canvas (sketch)": (np.full((448, 448, 3), 255, np.uint8), "sketch"),
    "opaque white RGBA layer (sketch)": (np.full((448, 448, 4), 255, np.uint8), "sketch"),
    "plain gray (sketch)": (np.full((300, 300), 128, np.uint8), "sketch"),
    "transparent layer (sketch)": (np.zeros((448, 448, 4), np.uint8), "sketch"),
    "white 28x28 (mnist)": (np.full((28, 28), 255, np.uint8), "mnist"),
    "transparent 28x28 (mnist)": (np.zeros((28, 28, 4), np.uint8), "mnist"),
    "black 28x28 (mnist)": (np.zeros((28, 28), np.uint8), "mnist"),
}


@pytest.mark.parametrize("name", list(BLANKS))
def test_blank_images_of_every_source_say_so(recognizer, name):
    image, source = BLANKS[name]
    with pytest.raises(NoDigitFound) as refused:
        recognizer.predict(image, source=source)
    assert refused.value.reason is Reason.BLANK
