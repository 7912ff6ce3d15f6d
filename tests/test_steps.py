"""The contact sheet the page shows the pipeline's steps on."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_demo.steps import CAPTION_HEIGHT, GAP, TILE, contact_sheet, sheet_columns


def tile_of(sheet: np.ndarray, index: int, columns: int) -> np.ndarray:
    top = GAP + (index // columns) * (TILE + CAPTION_HEIGHT + GAP)
    left = GAP + (index % columns) * (TILE + GAP)
    return sheet[top : top + TILE, left : left + TILE]


def test_every_step_gets_a_tile_in_reading_order():
    steps = [(f"step {i}", np.full((50, 50), 40 * i, np.uint8)) for i in range(5)]
    sheet = contact_sheet(steps)
    assert sheet.dtype == np.uint8 and sheet.shape[2] == 3
    assert sheet.shape[1] == 3 * (TILE + GAP) + GAP
    assert sheet.shape[0] == 2 * (TILE + CAPTION_HEIGHT + GAP) + GAP  # 5 steps, 3 a row
    for i in range(5):
        centre = tile_of(sheet, i, 3)[TILE // 2, TILE // 2]
        assert (centre == 40 * i).all(), f"step {i} is not in its tile"


def test_a_28x28_digit_is_enlarged_by_whole_pixels_and_a_photo_shrunk_to_fit():
    digit = np.zeros((28, 28), np.uint8)
    digit[10:18, 13:15] = 255
    photo = np.full((960, 1280, 3), (200, 30, 30), np.uint8)
    sheet = contact_sheet([("digit", digit), ("photo", photo)])
    factor = TILE // 28
    enlarged = tile_of(sheet, 0, 2)[(TILE - 28 * factor) // 2 :][: 28 * factor, (TILE - 28 * factor) // 2 :][:, : 28 * factor, 0]
    np.testing.assert_array_equal(enlarged[::factor, ::factor], digit)  # crisp: no blur between pixels
    tile = tile_of(sheet, 1, 2)
    assert (tile[TILE // 2, 1] == (200, 30, 30)).all() and (tile[TILE // 2, TILE - 2] == (200, 30, 30)).all()


def test_transparency_is_shown_on_white_paper():
    layer = np.zeros((40, 40, 4), np.uint8)  # a sketch layer: black ink on transparent
    layer[15:25, 15:25, 3] = 255
    tile = tile_of(contact_sheet([("input", layer)], columns=1), 0, columns=1)
    assert (tile[TILE // 2, TILE // 2] == 0).all() and (tile[TILE // 2, 10] == 255).all()


def test_captions_are_drawn_beneath_their_tiles_and_long_ones_shortened():
    image = np.zeros((20, 20), np.uint8)
    sheet = contact_sheet([("input", image), ("a caption far too long to fit under one tile of the sheet", image)])
    band = sheet[GAP + TILE : GAP + TILE + CAPTION_HEIGHT]
    for i in range(2):
        left = GAP + i * (TILE + GAP)
        written = band[:, left : left + TILE].min(axis=2) < 128
        assert written.any(), f"caption {i} is missing"
        assert not written[:, :2].any() and not written[:, -2:].any(), f"caption {i} runs out of its tile"


def test_the_sheet_is_about_square_whatever_the_number_of_steps():
    for count in range(1, 15):
        sheet = contact_sheet([("step", np.zeros((10, 10), np.uint8))] * count)
        assert 0.5 <= sheet.shape[0] / sheet.shape[1] <= 1.6, f"{count} steps: {sheet.shape}"
    assert [sheet_columns(n) for n in (1, 2, 4, 5, 9, 10, 11)] == [1, 2, 2, 3, 3, 4, 4]


def test_no_steps_is_an_error_not_an_empty_picture():
    with pytest.raises(ValueError):
        contact_sheet([])
