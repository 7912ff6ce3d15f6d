"""``mnist_demo.images.load_image``: every supported input becomes a uint8 array; anything else is InvalidImage."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from mnist_demo import InvalidImage
from mnist_demo import images as images_module
from mnist_demo.images import load_image


def encode(image: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def gray() -> np.ndarray:
    """A 40x60 gradient with a bright square: every value different enough to catch a mix-up of axes or scale."""
    image = np.tile(np.linspace(0, 200, 60).round().astype(np.uint8), (40, 1))
    image[10:20, 30:45] = 255
    return image


@pytest.fixture(scope="module")
def rgb(gray) -> np.ndarray:
    return np.dstack([gray, 255 - gray, gray // 2])


@pytest.fixture(scope="module")
def rgba(rgb, gray) -> np.ndarray:
    return np.dstack([rgb, gray[::-1]])


def assert_uint8(array: np.ndarray, shape: tuple[int, ...]) -> None:
    assert isinstance(array, np.ndarray)
    assert array.dtype == np.uint8
    assert array.shape == shape


# --- numpy arrays --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gray", "rgb", "rgba"])
def test_uint8_arrays_pass_through(request, name):
    array = request.getfixturevalue(name)
    out = load_image(array)
    assert_uint8(out, array.shape)
    assert np.array_equal(out, array)


def test_a_single_channel_axis_is_dropped(gray):
    out = load_image(gray[:, :, None])
    assert_uint8(out, gray.shape)
    assert np.array_equal(out, gray)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_arrays_in_0_1_are_scaled_to_255(rgb, dtype):
    out = load_image((rgb / 255.0).astype(dtype))
    assert_uint8(out, rgb.shape)
    assert np.abs(out.astype(int) - rgb).max() <= (1 if dtype == np.float16 else 0)


def test_float_extremes_map_to_0_and_255():
    out = load_image(np.array([[0.0, 0.5, 1.0]] * 3, np.float32))
    assert out.dtype == np.uint8 and list(out[0]) == [0, 128, 255]


def test_float_arrays_with_0_255_values_are_kept_on_that_scale(gray):
    out = load_image(gray.astype(np.float32))
    assert_uint8(out, gray.shape)
    assert np.array_equal(out, gray)


def test_bool_arrays_become_0_and_255():
    mask = np.zeros((10, 12), bool)
    mask[2:5, 3:9] = True
    out = load_image(mask)
    assert_uint8(out, mask.shape)
    assert set(np.unique(out)) == {0, 255}
    assert np.array_equal(out > 0, mask)


def test_16_bit_arrays_are_scaled_down(gray):
    out = load_image(gray.astype(np.uint16) * 257)
    assert_uint8(out, gray.shape)
    assert np.array_equal(out, gray)


def test_wide_integer_arrays_holding_8_bit_values_are_kept(gray):
    out = load_image(gray.astype(np.int64))
    assert_uint8(out, gray.shape)
    assert np.array_equal(out, gray)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinite_values_are_invalid(gray, bad):
    array = gray.astype(np.float32) / 255.0
    array[5, 5] = bad
    with pytest.raises(InvalidImage, match=r"NaN|infinite"):
        load_image(array)


def test_an_all_nan_array_is_invalid():
    with pytest.raises(InvalidImage, match=r"\w"):
        load_image(np.full((28, 28), np.nan))


@pytest.mark.parametrize("array", [np.full((5, 5), -0.5), np.full((5, 5), -3, np.int32)], ids=["float", "int"])
def test_negative_values_are_invalid(array):
    with pytest.raises(InvalidImage, match="negative"):
        load_image(array)


@pytest.mark.parametrize("shape", [(10,), (10, 10, 2), (10, 10, 5), (2, 10, 10, 3), (0, 10), (10, 0, 3)])
def test_arrays_of_the_wrong_shape_are_invalid(shape):
    with pytest.raises(InvalidImage, match=r"\w"):
        load_image(np.zeros(shape, np.uint8))


@pytest.mark.parametrize("array", [np.zeros((5, 5), np.complex64), np.zeros((5, 5), object)], ids=["complex", "object"])
def test_unsupported_dtypes_are_invalid(array):
    with pytest.raises(InvalidImage, match=r"\w"):
        load_image(array)


@pytest.mark.parametrize("thing", [None, 42, [[0, 255], [255, 0]], {"image": 1}])
def test_unsupported_input_types_are_invalid(thing):
    with pytest.raises(InvalidImage, match="Unsupported"):
        load_image(thing)


def test_invalid_image_is_a_value_error():
    assert issubclass(InvalidImage, ValueError)


# --- PIL images ----------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "channels"), [("L", None), ("RGB", 3), ("RGBA", 4)])
def test_pil_images(gray, rgb, rgba, mode, channels):
    array = {"L": gray, "RGB": rgb, "RGBA": rgba}[mode]
    out = load_image(Image.fromarray(array, mode))
    assert_uint8(out, array.shape)
    assert np.array_equal(out, array)
    assert (out.ndim == 2) if channels is None else (out.shape[2] == channels)


def test_pil_modes_are_converted(gray):
    cases = {
        "1": Image.fromarray(gray > 127),
        "LA": Image.fromarray(gray).convert("LA"),
        "P": Image.fromarray(np.dstack([gray] * 3)).convert("P"),
        "CMYK": Image.fromarray(np.dstack([gray] * 3)).convert("CMYK"),
        "I;16": Image.fromarray(gray.astype(np.uint16) * 257),
        "F": Image.fromarray(gray.astype(np.float32) / 255.0),
    }
    for mode, pil in cases.items():
        out = load_image(pil)
        assert out.dtype == np.uint8, mode
        assert out.shape[:2] == gray.shape, mode
        assert out.ndim == 2 or out.shape[2] in (3, 4), mode
    assert load_image(cases["LA"]).shape == (*gray.shape, 4)  # the alpha channel is kept
    assert np.array_equal(load_image(cases["I;16"]), gray)


def test_pil_palette_image_with_transparency_keeps_its_alpha():
    pil = Image.new("P", (20, 10), 0)
    pil.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    pil.paste(1, (5, 2, 15, 8))
    pil.info["transparency"] = 0
    out = load_image(pil)
    assert_uint8(out, (10, 20, 4))
    assert (out[0, 0, 3] == 0) and (out[5, 10, 3] == 255) and (out[5, 10, :3] == 0).all()


def test_exif_orientation_is_applied(gray):
    pil = Image.fromarray(gray)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    out = load_image(encode(pil, "JPEG", exif=exif.tobytes(), quality=95))
    assert out.shape == (gray.shape[1], gray.shape[0])  # upright: 60 tall, 40 wide
    assert np.abs(out.astype(int) - np.rot90(gray, -1)).mean() < 3


# --- files and bytes -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gray", "rgb", "rgba"])
def test_png_paths_and_bytes(request, tmp_path, name):
    array = request.getfixturevalue(name)
    data = encode(Image.fromarray(array))
    path = tmp_path / f"{name}.png"
    path.write_bytes(data)
    for source in (str(path), path, data, bytearray(data), memoryview(data)):
        out = load_image(source)
        assert_uint8(out, array.shape)
        assert np.array_equal(out, array)


@pytest.mark.parametrize("fmt", ["JPEG", "BMP", "TIFF", "WEBP", "GIF"])
def test_other_formats(rgb, fmt):
    out = load_image(encode(Image.fromarray(rgb), fmt))
    assert out.dtype == np.uint8 and out.shape[:2] == rgb.shape[:2]
    if fmt in ("BMP", "TIFF"):  # lossless
        assert np.array_equal(out, rgb)


def test_only_the_first_frame_of_an_animation_is_used(gray):
    frames = [Image.fromarray(gray), Image.fromarray(255 - gray)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    with Image.open(io.BytesIO(data)) as check:
        assert check.n_frames == 2
    out = load_image(data)
    assert out.shape[:2] == gray.shape
    first = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    assert np.array_equal(np.asarray(Image.fromarray(out).convert("L")), first)


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, bytes(range(256)) * 4],
    ids=["empty", "text", "png-signature-only", "binary"],
)
def test_bytes_that_are_not_an_image_are_invalid(data):
    with pytest.raises(InvalidImage, match=r"\w"):
        load_image(data)


@pytest.fixture(scope="module")
def noisy_png() -> bytes:
    """A PNG whose pixel data is large enough for truncation to cut into it (noise does not compress)."""
    return encode(Image.fromarray(np.random.default_rng(0).integers(0, 256, (120, 160, 3), dtype=np.uint8)))


def assert_refused_as_bytes_and_as_file(data: bytes, tmp_path, match: str) -> None:
    """The same bytes, handed over directly and as a file, are both refused with ``match``."""
    with pytest.raises(InvalidImage, match=match):
        load_image(data)
    path = tmp_path / "upload.png"
    path.write_bytes(data)
    with pytest.raises(InvalidImage, match=match):
        load_image(path)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_a_truncated_png_is_invalid(noisy_png, keep, tmp_path):
    assert_refused_as_bytes_and_as_file(noisy_png[: int(len(noisy_png) * keep)], tmp_path, "truncated|readable")


def test_a_truncated_jpeg_is_invalid(rgb):
    data = encode(Image.fromarray(np.random.default_rng(1).integers(0, 256, (200, 200, 3), dtype=np.uint8)), "JPEG")
    with pytest.raises(InvalidImage, match=r"\w"):
        load_image(data[: len(data) // 2])


def test_a_missing_file_is_invalid(tmp_path):
    with pytest.raises(InvalidImage, match="No such image file"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(InvalidImage, match="No such image file"):
        load_image(str(tmp_path))  # a folder is no image file either


def test_a_file_that_is_not_an_image_is_invalid(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("a shopping list, not a picture")
    with pytest.raises(InvalidImage, match=r"\w"):
        load_image(path)


# --- size limits ---------------------------------------------------------------------------


def test_files_and_bytes_over_the_size_limit_are_refused(monkeypatch, tmp_path, rgb):
    data = encode(Image.fromarray(rgb))
    monkeypatch.setattr(images_module, "MAX_FILE_BYTES", len(data) - 1)
    assert_refused_as_bytes_and_as_file(data, tmp_path, "limit")


def test_images_over_the_pixel_limit_are_refused_before_decoding(monkeypatch, gray):
    monkeypatch.setattr(images_module, "MAX_PIXELS", gray.size - 1)
    for source in (gray, Image.fromarray(gray), encode(Image.fromarray(gray))):
        with pytest.raises(InvalidImage, match="limit"):
            load_image(source)


def test_a_decompression_bomb_is_refused_quickly():
    """A tiny PNG claiming 20000x20000 pixels: refused from its header, without allocating 400 MP."""
    data = encode(Image.new("1", (20000, 20000)), optimize=True)
    assert len(data) < 200_000
    with pytest.raises(InvalidImage, match="limit"):
        load_image(data)
