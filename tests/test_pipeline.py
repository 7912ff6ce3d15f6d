"""Each preprocessing step of ``mnist_demo.pipeline`` on inputs crafted to test exactly that step."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from mnist_demo import NoDigitFound, page
from mnist_demo import glyph as G
from mnist_demo import pipeline as P
from mnist_demo import regions as R
from mnist_demo.synthetic import (
    digit_mask,
    number_mask,
    render_crop,
    render_held_sheet,
    render_non_digit,
    render_number_sketch,
    render_photo,
    render_sketch,
)
from mnist_demo.verdict import Reason


def mnist_like_mask(digit: np.ndarray, side: int = 128) -> np.ndarray:
    """The binary mask the pipeline makes from a 28x28 MNIST upload: enlarged to ``side`` and thresholded."""
    big = cv2.resize(digit, (side, side), interpolation=cv2.INTER_LINEAR)
    return page.threshold(big)


def blob_count(mask: np.ndarray) -> int:
    return cv2.connectedComponents((mask > 0).astype(np.uint8), connectivity=8)[0] - 1


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    m = cv2.moments(image.astype(np.float32))
    return m["m10"] / m["m00"], m["m01"] / m["m00"]


# --- colour and polarity -------------------------------------------------------------------


def stroke_layer(colour: int, alpha_peak: int = 255) -> np.ndarray:
    """A sketchpad layer: a ring and a bar in one colour, anti-aliased alpha, transparent elsewhere."""
    alpha = np.zeros((200, 200), np.uint8)
    cv2.circle(alpha, (100, 80), 40, alpha_peak, 12, lineType=cv2.LINE_AA)
    cv2.line(alpha, (140, 80), (120, 180), alpha_peak, 12, lineType=cv2.LINE_AA)
    rgba = np.zeros((200, 200, 4), np.uint8)
    rgba[:, :, :3] = colour
    rgba[:, :, 3] = alpha
    return rgba


@pytest.mark.parametrize(("ink", "backdrop"), [(0, 255), (30, 255), (255, 0), (230, 0)])
def test_composite_alpha_picks_a_backdrop_that_contrasts_with_the_ink(ink, backdrop):
    rgba = stroke_layer(ink)
    rgb = page.composite_alpha(rgba)
    assert rgb.shape == (200, 200, 3) and rgb.dtype == np.uint8
    transparent = rgba[:, :, 3] == 0
    opaque = rgba[:, :, 3] == 255
    assert (rgb[transparent] == backdrop).all()
    assert (rgb[opaque] == ink).all()
    # the ink stands out from the backdrop by almost the full range
    assert abs(int(np.median(rgb[opaque])) - backdrop) >= 200


def test_composite_alpha_blends_anti_aliased_edges():
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[:, :5, 3] = 255  # black ink, opaque
    rgba[:, 5:, 3] = 128  # black ink, half transparent
    rgb = page.composite_alpha(rgba)
    assert (rgb[:, :5] == 0).all()
    assert np.all(np.abs(rgb[:, 5:].astype(int) - 127) <= 1)  # halfway to the white backdrop


@pytest.mark.parametrize("shape", [(20, 30), (20, 30, 3)])
def test_composite_alpha_leaves_images_without_alpha_alone(shape):
    image = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    assert page.composite_alpha(image) is image


def test_composite_alpha_keeps_a_soft_white_brush_visible():
    """White chalk drawn with a soft brush (alpha below 50% everywhere) must still contrast with its backdrop."""
    rgba = stroke_layer(255, alpha_peak=110)
    rgb = page.composite_alpha(rgba)
    stroke = rgba[:, :, 3] == 110
    transparent = rgba[:, :, 3] == 0
    contrast = abs(float(rgb[stroke].mean()) - float(rgb[transparent].mean()))
    assert contrast >= 0.3 * 110, f"the stroke vanished into the backdrop (contrast {contrast:.1f} gray levels)"


@pytest.fixture(scope="module")
def digit_on_canvas(first_of_each_class):
    """A real MNIST 3, 200 px tall, as a float mask on a 480x640 field."""
    image = first_of_each_class[3]
    mask = digit_mask(image, 200, np.random.default_rng(0))
    field = np.zeros((480, 640), np.float32)
    h, w = mask.shape
    field[140 : 140 + h, 260 : 260 + w] = mask
    return field


def test_is_light_background_on_even_backgrounds(digit_on_canvas):
    dark_on_light = (235 - 215 * digit_on_canvas).astype(np.uint8)
    light_on_dark = (25 + 215 * digit_on_canvas).astype(np.uint8)
    assert page.is_light_background(dark_on_light)
    assert not page.is_light_background(light_on_dark)


@pytest.mark.parametrize("darkest", [0.5, 0.25])
def test_is_light_background_under_a_strong_lighting_gradient(digit_on_canvas, darkest):
    """Light falls from full on the left to ``darkest`` on the right: half the page is darker than mid-gray."""
    light = np.linspace(1.0, darkest, 640, dtype=np.float32)[None, :]
    paper = 240 * light * (1 - 0.85 * digit_on_canvas)  # pen ink absorbs 85% of the light
    board = 20 + 100 * (1 - light)  # a dark board, brighter where the lamp is
    chalk = board + (230 - board) * digit_on_canvas
    assert paper[:, -1].max() < 128  # the gradient really is strong: the right edge is darker than mid-gray
    assert page.is_light_background(paper.astype(np.uint8))
    assert not page.is_light_background(chalk.astype(np.uint8))


def test_is_light_background_with_a_dark_table_around_the_paper(digit_on_canvas):
    photo = np.full((480, 640), 35, np.float32)
    photo[40:440, 50:590] = 225  # the sheet, the table showing around it
    photo *= 1 - 0.85 * digit_on_canvas
    assert page.is_light_background(photo.astype(np.uint8))


def test_a_digit_written_near_the_edge_of_a_photographed_sheet_is_dark_ink_on_paper(first_of_each_class):
    """The digit lies in the photo's outer eighth, where the table shows, and a crease catches the light across
    the sheet: inside, only lighting departs from the paper, and by less than ink does. The photo is paper all the same."""
    h, w = 480, 640
    light = 1 - 0.35 * np.mgrid[0:h, 0:w][1] / w  # the lamp on the left
    crease = np.zeros((h, w), np.float32)
    cv2.line(crease, (0, 300), (w, 200), 1.0, 6)
    table = np.zeros((h, w), np.uint8)
    cv2.fillPoly(table, [np.array([[0, 0], [w, 0], [w, h], [w - 4, h], [w - 4, 0], [0, 25]], np.int32)], 1)
    noise = np.random.default_rng(1).normal(0, 4, (h, w))
    for label, digit in first_of_each_class.items():
        photo = 225 * light + 10 * cv2.GaussianBlur(crease, (0, 0), 2)
        mask = digit_mask(digit, 64, np.random.default_rng(0), thickness=0.0)
        mh, mw = mask.shape
        photo[150 : 150 + mh, 628 - mw : 628] *= 1 - 0.8 * mask
        photo = np.where(table > 0, 45, photo) + noise
        assert page.is_light_background(np.clip(photo, 0, 255).astype(np.uint8)), label


def shaded_photo(digit: np.ndarray, blur: float = 0.0) -> np.ndarray:
    """A sheet with a band of shade leaning across it, its edges soft (the shadow of a pen or a phone), and
    ``digit`` written beside it; the whole photo blurred by ``blur`` (Gaussian sigma, pixels)."""
    yy, xx = np.mgrid[0:480, 0:640].astype(np.float32)
    across = (xx - 0.5 * yy - 120) / 25.0
    photo = 225 * (1 - 0.45 * (1 / (1 + np.exp(-across)) - 1 / (1 + np.exp(-(across - 3)))))
    mask = digit_mask(digit, 120, np.random.default_rng(0), thickness=0.0)
    photo[200 : 200 + mask.shape[0], 420 : 420 + mask.shape[1]] *= 1 - 0.8 * mask
    if blur:
        photo = cv2.GaussianBlur(photo, (0, 0), blur)
    return np.clip(photo + np.random.default_rng(1).normal(0, 3, photo.shape), 0, 255).astype(np.uint8)


def test_a_band_of_shade_beside_a_sharp_digit_is_no_ink(recognizer, first_of_each_class):
    """Narrower than the flattening, the band survives it, and is bigger and bolder than the digit: it was read as a 1."""
    for label, digit in first_of_each_class.items():
        photo = shaded_photo(digit)
        assert page.read_page(photo, "upload").mask[240, 280] == 0, label  # the middle of the band
        assert recognizer.predict(photo, source="upload").label == label


def test_edge_softness_tells_lighting_from_ink_and_a_photo_out_of_focus_keeps_its_digit(first_of_each_class):
    """Ink-bright gray: a band of light with a soft profile, a digit with a sharp edge; then the digit out of focus
    beside the table, whose straight edge along the frame stays sharp."""
    yy, xx = np.mgrid[0:480, 0:640].astype(np.float32)
    band = 150 * np.exp(-((xx - 0.5 * yy - 160) ** 2) / (2 * 30**2))
    drawn = digit_mask(first_of_each_class[3], 120, np.random.default_rng(0), thickness=0.0)
    ink = np.zeros((480, 640), np.float32)
    ink[200 : 200 + drawn.shape[0], 420 : 420 + drawn.shape[1]] = 200 * drawn

    def shapes(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        gray = np.clip(gray, 0, 255).astype(np.uint8)
        mask = (gray > 60).astype(np.uint8) * 255
        _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        return gray, mask, labels, stats

    gray, mask, labels, stats = shapes(band + ink)
    light, digit = labels[240, 280], labels[200:340, 420:560].max()
    assert page.edge_softness(gray, labels, stats, light) >= page.SOFT_EDGE
    assert page.edge_softness(gray, labels, stats, digit) < page.SOFT_EDGE
    kept = page.without_soft_shapes(gray, mask)
    assert not kept[labels == light].any() and kept[labels == digit].all()

    table = np.zeros((480, 640), np.float32)
    table[:, :40] = 200
    gray, mask, labels, stats = shapes(table + cv2.GaussianBlur(ink, (0, 0), 8))
    digit = labels[200:340, 420:560].max()
    assert page.edge_softness(gray, labels, stats, digit) >= page.SOFT_EDGE  # as soft as lighting
    assert page.edge_softness(gray, labels, stats, labels[240, 10]) < page.SOFT_EDGE
    assert (page.without_soft_shapes(gray, mask) == mask).all()


@pytest.mark.parametrize("label", [0, 8])
def test_is_light_background_with_a_digit_that_fills_the_frame(first_of_each_class, label):
    """A big 0 or 8 in marker, 85% of the image tall: its strokes are wider than the photo window."""
    image = first_of_each_class[label]
    mask = digit_mask(image, 420, np.random.default_rng(0))
    field = np.zeros((512, 512), np.float32)
    h, w = mask.shape
    field[(512 - h) // 2 : (512 - h) // 2 + h, (512 - w) // 2 : (512 - w) // 2 + w] = mask
    assert page.is_light_background((240 - 220 * field).astype(np.uint8))
    assert not page.is_light_background((20 + 220 * field).astype(np.uint8))


def test_is_light_background_with_a_bold_drawing_that_runs_off_the_canvas():
    """A marker-thick 0 taller than the canvas: its ink covers a third of the frame and most of the middle."""
    ink = np.zeros((512, 512), np.uint8)
    cv2.ellipse(ink, (256, 256), (190, 290), 0, 0, 360, 255, 110, lineType=cv2.LINE_AA)
    frame = np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]])
    assert np.mean(frame > 127) > 0.2 and np.mean(ink > 127) < 0.5
    assert page.is_light_background(255 - ink)
    assert not page.is_light_background(ink)


def bold_tight_crop(digit: np.ndarray, height: int, margin: int, pen: int) -> np.ndarray:
    """An MNIST digit drawn with a marker ``pen`` pixels (at 28x28) bolder, cropped to its ink plus ``margin``, dark on paper."""
    ys, xs = np.nonzero(digit > 30)
    crop = digit[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    crop = cv2.dilate(crop, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * pen + 1, 2 * pen + 1))) if pen else crop
    big = cv2.resize(crop, (max(1, round(crop.shape[1] * height / crop.shape[0])), height), interpolation=cv2.INTER_CUBIC)
    return 255 - cv2.copyMakeBorder(big, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=0)


@pytest.mark.parametrize("margin", [0, 3, 10])
def test_a_bold_digit_cropped_tight_is_ink_on_paper(first_of_each_class, margin):
    """Ink covers much of the frame and most of the picture; the paper is still the background."""
    for label, digit in first_of_each_class.items():
        image = bold_tight_crop(digit, 300, margin, pen=1)
        assert page.on_paper(image), f"a bold {label}, margin {margin}"
        assert page.is_light_background(image), f"a bold {label}, margin {margin}"
        steps = [caption for caption, _ in P.preprocess(image, "upload", record_steps=True).steps]
        # (This 5's flag is a stroke apart, and reaches the frame alone: such a picture is still flattened.)
        flattened = "background flattened" in steps
        assert not flattened or label == 5, f"a bold {label}, margin {margin}: its strokes were taken for background"
        if (
            margin >= 10
        ):  # a white digit drawn on black shows its ground all round (cropped tighter, it is taken for ink on paper)
            drawn = np.where(image < 128, 255, 0).astype(np.uint8)
            assert not page.is_light_background(drawn), f"a bold white {label} on black, margin {margin}"


def test_ink_at_the_frame_is_the_digit_only_when_it_spans_the_picture(first_of_each_class):
    seven = 255 - bold_tight_crop(first_of_each_class[7], 300, 0, pen=1)  # ink-bright, as the page stage sees it
    assert page.frame_ink_is_digit(seven)
    photo = np.zeros((480, 640), np.uint8)  # ink-bright paper, the table along the left edge, a digit in the middle
    photo[:, :90] = 200
    cv2.line(photo, (320, 150), (320, 330), 255, 12)
    assert not page.frame_ink_is_digit(photo)
    assert not page.frame_ink_is_digit(np.pad(seven, 20))  # nothing reaches the frame: no crop to speak of
    ys, xs = np.mgrid[0:480, 0:640].astype(np.float32)
    shadow = cv2.GaussianBlur(10 + 70 * (ys / 480 - xs / 640 > -0.2).astype(np.float32), (0, 0), 15)  # from the bottom-left
    cv2.line(shadow, (420, 150), (420, 200), 240, 4)
    assert not page.frame_ink_is_digit(shadow.astype(np.uint8)), "a shadow spanning the picture is not ink"
    # A deep shadow over most of a photo, three quarters as bright as the ink (ink-bright): spans the picture, is no ink.
    deep = np.full((480, 640), 20, np.uint8)
    deep[:, 96:] = 175
    cv2.line(deep, (420, 150), (430, 300), 240, 10)
    assert not page.frame_ink_is_digit(deep), "a deep shadow is lighter than ink"


def test_ink_at_the_frame_is_the_digit_when_a_dot_beside_it_widens_the_crop(first_of_each_class):
    """Cropped with a dot in the picture, the digit spans the picture one way and only most of it the other."""
    for label in (1, 2, 7):
        crop = 255 - bold_tight_crop(first_of_each_class[label], 300, 0, pen=1)  # ink-bright
        widened = cv2.copyMakeBorder(crop, 0, 0, crop.shape[1] // 3, 0, cv2.BORDER_CONSTANT, value=0)
        cv2.circle(widened, (crop.shape[1] // 6, 150), 6, 255, -1)
        assert page.frame_ink_is_digit(widened), f"a bold {label} with a dot beside it"
        steps = [caption for caption, _ in P.preprocess(255 - widened, "upload", record_steps=True).steps]
        assert "background flattened" not in steps, f"a bold {label}: its strokes were taken for background"


def tight_one_and_a_dot() -> np.ndarray:
    """Mask of a marker 1 cropped at its ink (it runs from the top edge to the bottom one) and a dot beside it."""
    mask = np.zeros((300, 200), np.uint8)
    cv2.line(mask, (130, 0), (70, 299), 255, 40)
    cv2.circle(mask, (25, 120), 6, 255, -1)
    return mask


def test_on_a_plain_ground_a_digit_cropped_at_its_ink_is_the_digit_not_a_dot_beside_it():
    mask = tight_one_and_a_dot()
    region, _ = R.pick_digit(mask, reject_border=True, plain_ground=True)
    assert region.box[3] == 300 and region.area > 0.9 * np.count_nonzero(mask)
    # In a photo, what reaches the frame is the table or a shadow: any shape inside is preferred.
    region, _ = R.pick_digit(mask, reject_border=True, plain_ground=False)
    assert region.box[3] < 20
    # The whole way, from a picture of it: dark marker on paper.
    picture = np.where(cv2.GaussianBlur(mask, (5, 5), 0) > 127, 30, 235).astype(np.uint8)
    assert P.preprocess(picture, "upload").glyph.box[3] >= 0.9 * 300


def test_on_a_plain_ground_the_table_along_the_frame_is_still_not_the_digit():
    """A dark strip along a side, or a table's corner, meets the frame over far more than a few stroke widths;
    a shadow's edge at one side meets it briefly, but spans a small part of the picture, as no tight crop's digit does."""
    for table in ("side", "corner", "shadow"):
        mask = np.zeros((480, 640), np.uint8)
        if table == "side":
            mask[:, :90] = 255
        elif table == "corner":
            cv2.fillPoly(mask, [np.array([[0, 0], [300, 0], [0, 360]])], 255)
        else:
            cv2.ellipse(mask, (0, 210), (45, 80), 0, 0, 360, 255, -1)
        cv2.line(mask, (420, 180), (430, 300), 255, 10)
        cv2.line(mask, (380, 180), (430, 180), 255, 10)
        region, _ = R.pick_digit(mask, reject_border=True, plain_ground=True)
        assert region.box[0] > 300, table


def test_a_bold_chalk_digit_cropped_tight_is_light_on_dark(first_of_each_class):
    """With a small margin the digit crosses much of the frame; the dark ground still shows round most of it."""
    light_on_dark = 0
    for digit in first_of_each_class.values():
        drawn = np.where(bold_tight_crop(digit, 300, 3, pen=1) < 128, 255, 0).astype(np.uint8)
        light_on_dark += not page.is_light_background(drawn)
    assert light_on_dark >= 8  # (a 3 and a 6 cross a third of the frame: those are taken for ink on paper)


def test_a_bold_light_digit_cropped_at_its_ink_with_soft_edges_is_light_on_dark(first_of_each_class):
    """Cropped at its ink, a bold light digit's soft edges (a photo's, a scan's) are a quarter of the picture: too many
    mid-levels for a clean two-level picture, but they lie on steep steps between the levels, as lighting does not."""
    for label, digit in first_of_each_class.items():
        mask = number_mask([digit], np.random.default_rng(label), height=100, gaps=[])
        ys, xs = np.nonzero(mask > 0.05)
        crop = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        gray = np.clip(30 + 190 * crop + np.random.default_rng(label).normal(0, 2, crop.shape), 0, 255).astype(np.uint8)
        assert page.clean_levels(gray)[2] < page.DARK_CLEAN <= page.clean_but_for_steps(page.downscaled(gray)), label
        assert not page.is_light_background(gray), label


def test_a_rooms_mid_levels_are_no_steps_between_two_levels(first_of_each_class):
    """A webcam's room (walls, a lamp, the sheet held up) is not a clean picture, even its steps aside."""
    for seed, digit in first_of_each_class.items():
        frame = page.to_gray(render_held_sheet(digit, np.random.default_rng(seed)))
        assert page.clean_but_for_steps(page.downscaled(frame)) < page.DARK_CLEAN, seed


@pytest.mark.parametrize("angle", [10, 20])
def test_a_sheet_of_paper_running_off_a_photo_on_a_dark_table_is_ink_on_paper(angle):
    """The table holds three quarters of the frame, as a chalk digit's ground would; but the sheet is convex, strokes curve."""
    photo = np.full((480, 640), 40, np.uint8)
    cv2.fillPoly(photo, [cv2.boxPoints(((330, 250), (540, 460), angle)).astype(np.int32)], 230)
    cv2.putText(photo, "7", (250, 330), cv2.FONT_HERSHEY_SIMPLEX, 5, 30, 20)
    assert np.mean(page.frame_of(photo) < 128) >= page.DARK_FRAME
    assert page.is_light_background(photo)


@pytest.mark.parametrize("angle", [4, 8, 12])
def test_a_sheet_photographed_askew_on_a_dark_table_with_a_bold_digit_is_ink_on_paper(first_of_each_class, angle):
    """The table shows all round, as a chalk digit's ground would; the sheet is one solid shape, though turned a
    few degrees it fills under 85% of its upright box once a bold digit takes its share."""
    for label, digit in first_of_each_class.items():
        photo = np.full((480, 640), 60, np.float32)
        cv2.fillPoly(photo, [cv2.boxPoints(((320, 240), (560, 420), angle)).astype(np.int32)], 215)
        mask = digit_mask(digit, 160, np.random.default_rng(0), thickness=0.05)
        h, w = mask.shape
        photo[150 : 150 + h, 320 - w // 2 : 320 - w // 2 + w] -= 165 * mask
        assert page.is_light_background(photo.astype(np.uint8)), (label, angle)


def test_ink_at_the_frame_is_the_digit_when_its_edge_is_soft():
    """A crop's outermost pixel row is often the ink's anti-aliased rim, lighter than the ink: the frame is two pixels deep."""
    bar = np.zeros((240, 56), np.uint8)  # ink-bright: a marker 1 cropped at its ink, paper at the sides
    bar[1:-1, 8:48] = 220
    bar[[0, -1], 8:48] = 90
    assert page.frame_ink_is_digit(bar)


def test_a_dark_slate_on_a_light_table_is_chalk_on_a_board(digit_on_canvas):
    """Its frame is the light table, as a paper crop's is; but the dark side is one solid sheet, not strokes."""
    photo = np.full((480, 640), 215, np.float32)
    photo[60:440, 70:600] = 35  # the slate, the table showing around it
    chalk = digit_on_canvas > 0.5
    photo[chalk] = 220
    assert not page.on_paper(photo.astype(np.uint8))
    assert not page.is_light_background(photo.astype(np.uint8))


@pytest.mark.parametrize("label", [3, 8])
def test_is_light_background_with_a_bold_digit_in_a_photo(first_of_each_class, label):
    """A thick marker digit half the photo tall, a lighting gradient and a dark table around the sheet.

    Its strokes are a tenth of the image wide: a background estimate narrower than
    that sees ink, and the polarity flips.
    """
    mask = digit_mask(first_of_each_class[label], 240, np.random.default_rng(0), thickness=0.06)
    field = np.zeros((480, 640), np.float32)
    h, w = mask.shape
    field[(480 - h) // 2 : (480 - h) // 2 + h, 200 : 200 + w] = mask
    light = np.linspace(1.0, 0.6, 640, dtype=np.float32)[None, :]
    table = np.full((480, 640), 40, np.float32)
    table[30:450, 40:600] = 230
    photo = (table * light * (1 - 0.85 * field)).astype(np.uint8)
    assert page.is_light_background(photo)
    board = (20 + 200 * field) * light
    assert not page.is_light_background(board.astype(np.uint8))


def test_ink_bright_makes_the_ink_bright_in_both_polarities(digit_on_canvas):
    ink = digit_on_canvas > 0.5
    for gray in ((235 - 215 * digit_on_canvas).astype(np.uint8), (25 + 215 * digit_on_canvas).astype(np.uint8)):
        bright = page.ink_bright(gray)
        assert bright[ink].mean() > 200
        assert bright[~ink].mean() < 50


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((960, 1280, 3), (480, 640, 3)),  # an integer factor
        ((768, 1024, 3), (480, 640, 3)),  # a fractional one
        ((2000, 3000), (427, 640)),  # both: a block average by 4, then the rest
        ((28, 28), (128, 128)),  # an MNIST-sized upload is enlarged
        ((400, 300, 4), (400, 300, 4)),  # within bounds: untouched
    ],
)
def test_resize_to_work_size_keeps_the_aspect_and_the_content(shape, expected):
    image = np.zeros(shape, np.uint8)
    h, w = shape[:2]
    image[h // 4 : h // 2, w // 4 : w // 2] = 200  # a bright block a quarter of each side
    resized = page.resize_to_work_size(image)
    assert resized.shape == expected and resized.dtype == np.uint8
    if shape == expected:
        assert resized is image
    bright = resized.reshape(expected[0], expected[1], -1)[:, :, 0] > 100
    ys, xs = np.nonzero(bright)
    assert abs(ys.min() / expected[0] - 0.25) < 0.02 and abs(ys.max() / expected[0] - 0.5) < 0.02
    assert abs(xs.min() / expected[1] - 0.25) < 0.02 and abs(xs.max() / expected[1] - 0.5) < 0.02


def small_scan(digit: np.ndarray, side: int = 16) -> np.ndarray:
    """An MNIST digit as a small scan: dark on light, cropped to the ink, its longer side ``side`` pixels."""
    ys, xs = np.nonzero(digit > 64)
    crop = 255 - digit[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    scale = side / max(crop.shape)
    small = cv2.resize(crop, (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale))), cv2.INTER_AREA)
    scan = np.full((side, side), 255, np.uint8)
    y, x = (side - small.shape[0]) // 2, (side - small.shape[1]) // 2
    scan[y : y + small.shape[0], x : x + small.shape[1]] = small
    return scan


@pytest.mark.parametrize("label", range(10))
@pytest.mark.parametrize(("factor", "side"), [(10, 16), (6.25, 16), (4, 28), (9, 12)])
def test_detail_side_finds_a_scan_blown_up_by_repeating_pixels(first_of_each_class, label, factor, side):
    blown_up = cv2.resize(
        small_scan(first_of_each_class[label], side), None, fx=factor, fy=factor, interpolation=cv2.INTER_NEAREST
    )
    assert page.blocky_factor(blown_up) == pytest.approx(factor, rel=0.1)
    assert abs(page.detail_side(blown_up) - side) <= 1


@pytest.mark.parametrize("label", range(10))
@pytest.mark.parametrize("interpolation", [cv2.INTER_LINEAR, cv2.INTER_CUBIC])
def test_detail_side_finds_a_scan_blown_up_smoothly(first_of_each_class, label, interpolation):
    blown_up = cv2.resize(small_scan(first_of_each_class[label]), None, fx=10, fy=10, interpolation=interpolation)
    assert page.blocky_factor(blown_up) == 1.0
    assert page.detail_side(blown_up) is not None and page.detail_side(blown_up) < page.MIN_SIDE


@pytest.mark.parametrize("render", [render_sketch, render_photo, render_crop])
def test_detail_side_leaves_pictures_with_real_detail_alone(first_of_each_class, render):
    for label, digit in first_of_each_class.items():
        picture = page.to_gray(page.composite_alpha(render(digit, np.random.default_rng(label))))
        assert page.detail_side(picture) is None, label


def test_detail_side_leaves_numbers_drawn_on_a_canvas_alone(first_of_each_class):
    """A canvas with few strokes changes sharply at scattered rows and columns, as repeated pixels do: checked, not guessed."""
    digits = list(first_of_each_class.values())
    for seed in range(30):
        rng = np.random.default_rng(seed)
        chosen = [digits[i] for i in rng.integers(0, 10, 4)]
        mask = number_mask(chosen, rng, height=int(rng.integers(60, 140)), gaps=list(rng.uniform(0.15, 0.6, 3)))
        drawing = page.to_gray(page.composite_alpha(render_number_sketch(mask, rng)))
        assert page.blocky_factor(drawing) == 1.0, seed
        assert page.detail_side(drawing) is None, seed


def test_a_blown_up_scan_is_read_at_its_real_size(first_of_each_class):
    """Blown up by repeating pixels, a small scan gives the glyph the scan itself gives, not a binarized staircase."""
    for label, digit in first_of_each_class.items():
        scan = small_scan(digit)
        blown_up = cv2.resize(scan, None, fx=10, fy=10, interpolation=cv2.INTER_NEAREST)
        processed = P.preprocess(blown_up, "upload", record_steps=True)
        assert np.abs(processed.digit - P.preprocess(scan, "upload").digit).mean() < 0.01, label
        assert processed.steps[0][0] == "input (blown up from 16x16)"
        x, y, w, h = processed.glyph.box  # in the input's pixels: the blown-up picture's
        assert 10 * 14 <= max(w, h) <= 160, label


def test_an_mnist_digit_uploaded_as_a_28x28_file_is_read_as_it_is(first_of_each_class):
    """MNIST's own layout (longer side 20 px, centred by mass) is the model's input: fitting it again only blurs it."""
    for label, digit in first_of_each_class.items():
        for upload in (255 - digit, digit, np.dstack([255 - digit] * 3)):  # a saved PNG, either polarity, or RGB
            processed = P.preprocess(upload, "upload", record_steps=True)
            np.testing.assert_array_equal(processed.digit, digit.astype(np.float32) / 255, err_msg=str(label))
            captions = [caption for caption, _ in processed.steps]
            assert captions == ["input", "MNIST 28x28", "at 16 px, 28x28 (read on a doubt about 1 or 7)"], label
            # Read at 16 px too on a doubt about 1 or 7, as any small upload: a writer's 1 may have a long flag.
            assert processed.glyph.low_resolution
            ys, xs = np.nonzero(processed.glyph.second_look > 0.05)  # the ink at 16 px, not the 28x28 field shrunk
            assert 15 <= max(np.ptp(ys), np.ptp(xs)) + 1 <= 17, label
        assert P.preprocess(digit, "mnist").glyph.second_look is None  # an MNIST sample: as the model knows it
        saved = cv2.imdecode(cv2.imencode(".jpg", 255 - digit, [cv2.IMWRITE_JPEG_QUALITY, 90])[1], cv2.IMREAD_GRAYSCALE)
        as_jpeg = P.preprocess(saved, "upload", record_steps=True)  # its ringing is no ink
        np.testing.assert_array_equal(as_jpeg.digit, (255 - saved).astype(np.float32) / 255, err_msg=str(label))
        ys, xs = np.nonzero(as_jpeg.glyph.second_look > 0.05)
        assert 15 <= max(np.ptp(ys), np.ptp(xs)) + 1 <= 17, label


def test_a_28x28_picture_off_mnists_layout_is_fitted_as_any_other(first_of_each_class):
    """Off-centre by two pixels, or filling the frame as a tight crop does: the usual glyph, centred and 20 px."""
    for label, digit in first_of_each_class.items():
        assert G.is_mnist_format(digit), label
        shifted = np.roll(digit, 2, axis=1)
        ys, xs = np.nonzero(digit)
        tight = cv2.resize(digit[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1], (28, 28), interpolation=cv2.INTER_AREA)
        for other in (shifted, tight):
            assert not G.is_mnist_format(other), label
            processed = P.preprocess(255 - other, "upload", record_steps=True)
            assert processed.steps[1][0] != "MNIST 28x28", label
            inked = np.nonzero(processed.digit > 0.05)
            assert max(np.ptp(inked[0]), np.ptp(inked[1])) + 1 <= 22, label  # fitted into MNIST's 20 px box
    assert not G.is_mnist_format(np.zeros((28, 28), np.uint8))
    assert not G.is_mnist_format(cv2.resize(first_of_each_class[3], (32, 32)))


# --- enhancement and binarization ----------------------------------------------------------


def test_apply_clahe_raises_the_contrast_of_faint_pencil(digit_on_canvas):
    faint = (40 + 25 * digit_on_canvas).astype(np.uint8)  # ink-bright, only 25 levels of contrast
    ink = digit_on_canvas > 0.5
    before = faint[ink].mean() - faint[~ink].mean()
    enhanced = page.apply_clahe(faint)
    assert enhanced.dtype == np.uint8 and enhanced.shape == faint.shape
    assert enhanced[ink].mean() - enhanced[~ink].mean() > 1.3 * before


def test_denoise_removes_salt_noise_but_keeps_strokes():
    clean = np.zeros((200, 200), np.uint8)
    cv2.line(clean, (100, 20), (100, 180), 255, 9)
    noisy = clean.copy()
    rng = np.random.default_rng(1)
    ys, xs = rng.integers(0, 200, (2, 400))
    noisy[ys, xs] = 255
    out = page.denoise(noisy)
    background = clean == 0
    assert np.count_nonzero(out[background] > 127) < 0.05 * np.count_nonzero(noisy[background] > 127)
    stroke = cv2.erode(clean, np.ones((3, 3), np.uint8)) > 0
    assert (out[stroke] == 255).all()


def test_flatten_background_removes_a_lighting_gradient_but_keeps_the_ink(digit_on_canvas):
    gradient = np.linspace(10, 150, 640, dtype=np.float32)[None, :] * np.ones((480, 1), np.float32)
    gray = np.clip(gradient + 100 * digit_on_canvas, 0, 255).astype(np.uint8)  # ink-bright, uneven
    flat = page.flatten_background(gray)
    ink = digit_on_canvas > 0.9
    background = cv2.dilate((digit_on_canvas > 0.01).astype(np.uint8), np.ones((15, 15), np.uint8)) == 0
    assert np.percentile(flat[background], 99) <= 20  # the ramp from 10 to 150 is gone
    assert np.median(flat[ink]) >= 80  # the ink keeps (most of) its 100 levels


def test_even_shading_gives_ink_in_a_shadow_the_contrast_of_ink_in_the_light():
    paper = np.full((480, 640), 220.0, np.float32)
    paper[:, 100:110] *= 0.4  # one stroke in the light ...
    paper[:, 500:510] *= 0.4  # ... and one in the shade
    paper[:, 320:] *= 0.35  # a hand's shadow over the right half
    before = (255 - paper).astype(np.uint8)  # ink-bright
    after = page.even_shading(before)

    def contrast(gray: np.ndarray, stroke: int, paper_beside: int) -> float:
        return float(gray[:, stroke].mean()) - float(gray[:, paper_beside].mean())

    assert contrast(before, 505, 560) < 0.5 * contrast(before, 105, 60)
    assert contrast(after, 505, 560) == pytest.approx(contrast(after, 105, 60), rel=0.1)
    assert abs(float(after[:, 560].mean()) - float(after[:, 60].mean())) < 10  # the paper is even


def test_threshold_keeps_a_blank_noisy_image_empty():
    rng = np.random.default_rng(2)
    noise = np.clip(rng.normal(8, 4, (480, 640)), 0, 20).astype(np.uint8)  # what flattening leaves of a blank page
    assert not page.threshold(noise).any()
    assert not page.threshold(np.zeros((100, 100), np.uint8)).any()


def test_threshold_keeps_a_blank_page_through_the_photo_chain_empty():
    rng = np.random.default_rng(3)
    paper = np.clip(rng.normal(200, 3, (480, 640)), 0, 255).astype(np.uint8)  # blank paper, sensor noise
    gray = page.flatten_background(page.denoise(page.apply_clahe(page.ink_bright(paper))))
    assert not page.clean_mask(page.threshold(gray)).any()


def test_threshold_keeps_the_ink_and_drops_faint_ruled_lines(digit_on_canvas):
    gray = np.zeros((480, 640), np.float32)
    gray[100::40, :] = 60  # faint ruled lines, ink-bright
    gray = np.maximum(gray, 220 * digit_on_canvas).astype(np.uint8)
    mask = page.threshold(gray)
    ink = digit_on_canvas > 0.6
    assert (mask[ink] == 255).mean() > 0.98
    lines = (gray == 60) & (digit_on_canvas < 0.01)
    assert not mask[lines].any()


def test_hysteresis_mends_a_faint_stretch_of_a_stroke_but_ignores_distant_shading():
    gray = np.zeros((200, 300), np.uint8)
    cv2.line(gray, (40, 100), (160, 100), 200, 3)  # a stroke ...
    gray[95:106, 95:103] = np.minimum(gray[95:106, 95:103], 70)  # ... with a faint stretch in the middle
    gray[20:60, 220:280] = 70  # shading as faint as that stretch, away from the ink
    level = page.ink_level(gray)
    strong, weak = page.binarize(gray, level), page.binarize(gray, page.HYSTERESIS * level)
    assert blob_count(strong) == 2, "the strict threshold alone breaks the stroke"
    mended = page.hysteresis(strong, weak)
    assert blob_count(mended) == 1
    assert not mended[20:60, 220:280].any()
    assert not mended[weak == 0].any()
    assert (mended[strong > 0] == 255).all()


def test_hysteresis_follows_a_faint_digit_whole_but_not_shading_or_a_margin_rule():
    """A digit written lighter than its neighbours has only specks above the ink level: its whole shape is
    about a digit's size and in the same pen. Shading with a speck of ink in it is broader; a margin rule taller."""
    strong = np.zeros((260, 400), np.uint8)
    cv2.rectangle(strong, (40, 60), (90, 140), 255, 6)  # a firm 0
    weak = strong.copy()
    cv2.ellipse(weak, (160, 100), (22, 38), 0, 0, 360, 255, 5)  # a faint 0 beside it ...
    strong[60:68, 150:160] = weak[60:68, 150:160]  # ... with a speck of it above the ink level
    weak[70:130, 240:280] = 255  # shading as tall as a digit ...
    strong[95:100, 255:265] = 255  # ... with a speck in it
    weak[5:250, 350:353] = 255  # a faint margin rule ...
    strong[120:130, 350:353] = 255  # ... with a speck in it
    mask = page.hysteresis(strong, weak)
    assert (mask[:, 120:200][weak[:, 120:200] > 0] == 255).all(), "the faint 0 is not whole"
    assert mask[70:130, 240:280].mean() < 0.5 * 255, "the shading was taken for ink"
    assert mask[:, 350:353].mean() < 0.5 * 255, "the margin rule was taken for ink"


def sheet_on_a_table(digit: np.ndarray, ink: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A photo (RGB) of a digit written in a fine pen of gray level ``ink`` on a sheet of paper (215), with the
    dark table (60) showing below the sheet and at its left; and where the digit is (x, y, w, h)."""
    photo = np.full((480, 640), 215, np.float32)
    photo[440:, :] = 60
    photo[:, :30] = 60
    mask = digit_mask(digit, 120, np.random.default_rng(0), thickness=-0.02)
    h, w = mask.shape
    photo[180 : 180 + h, 300 : 300 + w] += (ink - 215) * mask
    return cv2.cvtColor(np.clip(photo, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2RGB), (300, 180, w, h)


@pytest.mark.parametrize("ink", [150, 165, 190])
def test_a_light_pen_on_a_sheet_is_found_though_the_table_beside_it_outshines_it(first_of_each_class, ink):
    """Made ink-bright, the table along the frame is far brighter than a light pen: the ink level it sets is
    above the digit, and the table's edge was all that was found. The level is set by the sheet instead."""
    for label, digit in first_of_each_class.items():
        photo, (x, y, w, h) = sheet_on_a_table(digit, ink)
        bx, by, bw, bh = P.preprocess(photo, "upload").glyph.box
        assert x - 5 <= bx and y - 5 <= by and bx + bw <= x + w + 5 and by + bh <= y + h + 5, (label, ink)


def test_the_ink_level_leaves_out_the_table_only_when_nothing_else_clears_it():
    """A light pen below the table's level gets a level of its own; a digit the level finds keeps it (a lower one
    would bring in the rulings and shading of the sheet), and so does a digit cropped tight, cut by the frame."""
    gray = np.full((300, 400), 10, np.uint8)  # ink-bright: the paper dark
    gray[270:] = 200  # the table along the bottom
    cv2.circle(gray, (200, 130), 50, 60, 3)  # a light pen
    level = page.ink_level(gray)
    assert level > 60
    assert page.level_inside(gray, level) < 60
    cv2.circle(gray, (200, 130), 50, 180, 3)  # the same digit in a dark pen
    assert page.level_inside(gray, page.ink_level(gray)) == page.ink_level(gray)
    crop = np.full((120, 60), 10, np.uint8)  # a bold 1 cropped at its ink, ends cut by the frame
    crop[:, 20:40] = 200
    assert page.level_inside(crop, page.ink_level(crop)) == page.ink_level(crop)


def test_hysteresis_keeps_what_was_erased_from_the_weak_mask_erased():
    strong = np.zeros((50, 50), np.uint8)
    strong[10:40, 24:27] = 255
    weak = strong.copy()
    weak[20:25] = 0  # a ruled line removed across the stroke, and its strong pixels with it
    assert not page.hysteresis(strong, weak)[20:25].any()


@pytest.mark.parametrize(
    ("orientation", "line"),
    [("horizontal", 1), ("horizontal", 2), ("horizontal", 3), ("vertical", 1), ("vertical", 3)],
)
def test_remove_ruled_lines_removes_a_long_thin_line_and_keeps_the_stroke_it_crosses(orientation, line):
    """A ruling (full length, ``line`` px thick; at this size 3 is the thickest the function removes) across a stroke.

    Horizontal: notebook rulings across a down-stroke. Vertical: the margin line across the bar of a 7.
    """
    mask = np.zeros((300, 400), np.uint8)
    mask[150 : 150 + line, :] = 255
    stroke = np.zeros_like(mask)
    cv2.line(stroke, (200, 60), (200, 240), 255, 14)
    if orientation == "vertical":
        mask, stroke = mask.T.copy(), stroke.T.copy()
    mask |= stroke
    cleaned = page.remove_ruled_lines(mask)
    assert not (cleaned & ~cv2.dilate(stroke, np.ones((9, 9), np.uint8))).any(), "the ruling was not removed"
    assert blob_count(cleaned) == 1, "the gap the line left in the stroke was not mended"
    kept = np.count_nonzero(cleaned & stroke) / np.count_nonzero(stroke)
    assert kept > 0.98


@pytest.mark.parametrize("orientation", ["horizontal", "vertical"])
def test_remove_ruled_lines_removes_a_ruling_photographed_at_an_angle(orientation):
    """A sheet photographed askew: its rulings lean 5 degrees, so no row or column of pixels holds one whole."""
    mask = np.zeros((480, 640), np.uint8)
    if orientation == "horizontal":
        for y in range(40, 440, 40):
            cv2.line(mask, (0, y), (639, y + 56), 255, 3)
    else:
        cv2.line(mask, (80, 0), (122, 479), 255, 3)  # the margin
    stroke = np.zeros_like(mask)
    cv2.line(stroke, (330, 150), (330, 330), 255, 14)
    cleaned = page.remove_ruled_lines(mask | stroke)
    assert not (cleaned & ~cv2.dilate(stroke, np.ones((15, 15), np.uint8))).any(), "a leaning ruling was left"
    assert np.count_nonzero(cleaned & stroke) / np.count_nonzero(stroke) > 0.98


def test_remove_ruled_lines_leaves_no_knots_where_the_rulings_cross_the_margin():
    """Where two lines cross, the ink is as thick as a stroke; left behind, the knots stack up into a 1."""
    mask = np.zeros((600, 800), np.uint8)
    for y in range(30, 580, 40):
        cv2.line(mask, (0, y), (799, y + 10), 255, 4)  # 5 px drawn: as thick as the function's lines come
    cv2.line(mask, (100, 0), (80, 599), 255, 4)
    for y in range(30, 580, 40):  # the ink pools where the lines cross
        cv2.circle(mask, (round(100 - 20 * (y + 1) / 600), y + 1), 6, 255, -1)
    assert np.count_nonzero(page.remove_ruled_lines(mask)) < 0.001 * mask.size


def test_remove_ruled_lines_keeps_a_long_thin_one_and_the_strokes_of_a_number_written_across_the_page():
    """A 1 drawn with a fine pen, three quarters as tall as the photo, and a row of thin 0s: straight runs, but no rulings."""
    mask = np.zeros((480, 640), np.uint8)
    cv2.line(mask, (40, 60), (52, 420), 255, 3)
    for x in range(110, 640, 90):
        cv2.ellipse(mask, (x, 240), (32, 50), 0, 0, 360, 255, 3)
    assert (page.remove_ruled_lines(mask) == mask).all()


def test_remove_ruled_lines_keeps_the_long_bars_of_a_fine_pen_digit_on_a_sheet_that_fills_the_picture():
    """A 2 and a 7 cropped tight, their bars written with a fine pen across most of the picture: on a sheet with
    no table beside it a ruling runs from frame to frame, and these stop short of it."""
    two = np.zeros((128, 128), np.uint8)
    cv2.polylines(two, [np.array([[25, 40], [60, 12], [100, 35], [20, 112], [118, 114]])], False, 255, 2)
    seven = np.zeros((128, 128), np.uint8)
    cv2.polylines(seven, [np.array([[10, 14], [116, 12], [60, 118]])], False, 255, 2)
    for mask in (two, seven):
        assert (page.remove_ruled_lines(mask, frame_to_frame=True) == mask).all()
    ruled = two.copy()
    ruled[70:72] = 255  # a ruling does run from frame to frame
    assert np.count_nonzero(page.remove_ruled_lines(ruled, frame_to_frame=True)[70:72]) < 0.3 * 2 * 128


def ruled_masks(ruling_in_strong: str) -> tuple[np.ndarray, np.ndarray]:
    """Lenient and strict masks of a page with rulings every 60 px, a 2 whose foot runs along one, and a 1
    crossing another; the rulings in the strict mask "nowhere", "everywhere" or "in dashes" (one touching the 1)."""
    strong = np.zeros((480, 640), np.uint8)
    cv2.ellipse(strong, (300, 215), (42, 40), 0, 180, 400, 255, 3)  # the 2's arch,
    cv2.line(strong, (332, 241), (255, 300), 255, 3)  # its diagonal,
    cv2.line(strong, (255, 300), (350, 300), 255, 3)  # its foot on the ruling at y = 300
    cv2.line(strong, (480, 140), (480, 260), 255, 3)  # a 1 across the ruling at y = 180
    rulings = np.zeros_like(strong)
    for y in range(60, 480, 60):
        cv2.line(rulings, (0, y), (639, y), 255, 2)
    weak = strong | rulings
    if ruling_in_strong == "everywhere":
        strong = weak.copy()
    elif ruling_in_strong == "in dashes":
        dashes = rulings.copy()
        dashes[:, np.arange(640) % 80 >= 35] = 0  # 35 px of every 80, one of them up to the 1
        strong |= dashes
    return weak, strong


def test_remove_rulings_keeps_a_stroke_along_a_light_ruling_and_erases_a_dark_one_whole():
    """A ruling lighter than the strict level takes a stroke that runs along it (a 2's foot on the line) with it
    from the lenient mask: the strict mask has the stroke, and it is put back. A ruling as dark as the ink, or
    darker in dashes (one touching a digit), is erased as before, dashes and all."""
    foot, ruling = np.s_[297:304, 262:345], np.s_[178:183, 520:640]
    weak, strong = ruled_masks("nowhere")
    assert not page.remove_ruled_lines(weak)[foot].all(axis=0).any(), "erasing the ruling takes the 2's foot"
    kept = page.remove_rulings(weak, strong)
    assert kept[foot].any(axis=0).all(), "the foot is put back"
    assert not kept[ruling].any() and not kept[58:63].any()
    for dark in ("everywhere", "in dashes", "everywhere, bold digits on it"):
        weak, strong = ruled_masks(dark.split(",")[0])
        if "bold" in dark:  # the rulings and the digits one shape, mostly off the rulings
            for x in (60, 160):
                cv2.line(strong, (x, 50), (x, 430), 255, 30)
            weak |= strong
        erased = page.remove_rulings(weak, strong)
        assert (erased == page.remove_ruled_lines(weak)).all(), dark
        assert not erased[ruling].any() and not erased[175:186, 484:500].any(), dark  # no dash beside the 1


@pytest.mark.parametrize("width", [1, 2, 3, 5, 8])
def test_pen_width_measures_the_width_of_straight_and_curved_strokes(width):
    gray = np.zeros((300, 300), np.uint8)
    gray[40 : 40 + width, 30:270] = 200  # a bar
    ring = np.zeros_like(gray)
    cv2.circle(ring, (150, 190), 80, 255, -1)
    cv2.circle(ring, (150, 190), 80 - width, 0, -1)
    gray |= ring // 255 * 200
    gray[5, 5] = 200  # a speck does not count
    assert page.pen_width(gray) == pytest.approx(width, abs=0.15 * width + 0.3)
    assert page.pen_width(np.zeros((50, 50), np.uint8)) is None


def test_the_gallery_says_when_a_fine_pen_was_worked_on_larger():
    fine = np.full((300, 300), 255, np.uint8)
    cv2.ellipse(fine, (150, 150), (40, 60), 0, 0, 360, 0, 1)
    processed = P.preprocess(fine, "upload", record_steps=True)
    assert processed.steps[0][0] == "input (worked on 4.0x larger: a fine pen)"
    assert processed.steps[0][1].shape[:2] == (1200, 1200)
    broad = np.full((300, 300), 255, np.uint8)
    cv2.ellipse(broad, (150, 150), (40, 60), 0, 0, 360, 0, 8)
    assert P.preprocess(broad, "upload", record_steps=True).steps[0][0] == "input"


def test_a_fine_pen_is_worked_on_larger_and_a_broad_one_is_not():
    assert page.fine_pen_side(1.0, 300) == 4 * 300
    assert page.fine_pen_side(2.0, 640) == 4 * 640 // 2
    assert page.fine_pen_side(1.0, 640) == page.MAX_FINE_SIDE
    assert page.fine_pen_side(6.0, 640) is None
    assert page.fine_pen_side(None, 640) is None


@pytest.mark.parametrize("line", [1, 2, 4])
def test_remove_printed_boxes_erases_a_form_field_and_keeps_the_digit_in_it(line):
    mask = np.zeros((240, 240), np.uint8)
    cv2.rectangle(mask, (20, 20), (220, 220), 255, line)
    digit = np.zeros_like(mask)
    cv2.ellipse(digit, (120, 120), (40, 70), 0, 0, 360, 255, 9)
    cleaned = page.remove_printed_boxes(mask | digit)
    assert (cleaned == digit).all()
    touching = digit.copy()
    cv2.line(touching, (120, 190), (120, 215), 255, 9)  # a tail that runs into the box's bottom line
    cleaned = page.remove_printed_boxes(mask | touching)
    assert np.count_nonzero(cleaned & ~cv2.dilate(touching, np.ones((3, 3), np.uint8))) == 0, "the box was left"
    assert np.count_nonzero(cleaned & digit) == np.count_nonzero(digit)


def test_remove_printed_boxes_erases_a_comb_and_its_separators():
    mask = np.zeros((120, 400), np.uint8)
    for x in range(20, 380, 90):
        cv2.rectangle(mask, (x, 20), (x + 90, 100), 255, 2)
    digits = np.zeros_like(mask)
    for x in range(65, 380, 90):
        cv2.ellipse(digits, (x, 60), (18, 28), 0, 0, 360, 255, 5)
    assert (page.remove_printed_boxes(mask | digits) == digits).all()


@pytest.mark.parametrize("pen", [3, 6, 14])
def test_remove_printed_boxes_keeps_zeros_ones_and_sevens_however_square(pen):
    """A 0 written square-ish, a straight 1 and a 7 are no boxes: a box's corners are sharp, its line thin beside it."""
    zero = np.zeros((200, 200), np.uint8)
    cv2.ellipse(zero, (100, 100), (55, 80), 0, 0, 360, 255, pen)
    squarish = np.zeros((200, 200), np.uint8)
    cv2.polylines(squarish, [np.array([[60, 30], [140, 25], [150, 170], [55, 175]])], True, 255, pen)
    squarish = cv2.morphologyEx(squarish, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    one = np.zeros((200, 200), np.uint8)
    cv2.line(one, (90, 20), (110, 180), 255, pen)
    seven = np.zeros((200, 200), np.uint8)
    cv2.polylines(seven, [np.array([[40, 30], [160, 30], [80, 180]])], False, 255, pen)
    for mask in (zero, one, seven):
        assert (page.remove_printed_boxes(mask) == mask).all()
    if pen >= 6:  # a 0 with square corners drawn with a broad pen is a bold digit, not a printed line
        assert (page.remove_printed_boxes(squarish) == squarish).all()


def test_remove_ruled_lines_leaves_a_mask_without_lines_alone():
    mask = np.zeros((300, 300), np.uint8)
    cv2.circle(mask, (150, 150), 60, 255, 16)
    assert (page.remove_ruled_lines(mask) == mask).all()


@pytest.mark.parametrize("label", range(10))
def test_remove_ruled_lines_keeps_the_strokes_of_a_digit_that_fills_the_image(first_of_each_class, label):
    """An MNIST upload (28x28, enlarged to 128): the bar of a 4 or a 7 and the top of a 9 are no ruled lines."""
    image = first_of_each_class[label]
    mask = mnist_like_mask(image)
    cleaned = page.remove_ruled_lines(mask)
    lost = np.count_nonzero(mask & ~cleaned) / np.count_nonzero(mask)
    assert lost < 0.03, f"remove_ruled_lines erased {lost:.0%} of a {label}"


def loops(mask: np.ndarray) -> int:
    """How many holes a binary shape has."""
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    return 0 if hierarchy is None else int((hierarchy[0][:, 3] >= 0).sum())


def test_reopen_loops_opens_the_loops_of_a_blurred_eight_and_leaves_a_clean_one_alone():
    """Blur fills an 8's small loops with gray that a threshold takes for ink; the gray still dips there."""
    drawn = np.zeros((120, 90), np.uint8)
    cv2.circle(drawn, (45, 38), 13, 255, 12)
    cv2.circle(drawn, (45, 80), 16, 255, 12)
    clean = drawn > 127
    assert loops(clean.astype(np.uint8)) == 2
    assert (G.reopen_loops(drawn, drawn) == drawn).all(), "a clean drawing has no pockets to open"

    blurred = cv2.GaussianBlur(drawn, (0, 0), 5)
    filled = np.where(blurred > 0.3 * blurred.max(), 255, 0).astype(np.uint8)
    assert loops(filled) < 2, "the test's blur should fill the small loop"
    reopened = G.reopen_loops(blurred, filled)
    assert loops(reopened) == 2
    assert not (reopened & ~filled).any(), "only ink is removed"
    assert np.count_nonzero(reopened) > 0.8 * np.count_nonzero(filled), "the strokes stay"


def test_clean_mask_removes_specks_and_fills_pinholes():
    mask = np.zeros((100, 100), np.uint8)
    cv2.rectangle(mask, (30, 20), (45, 80), 255, -1)
    mask[50, 37] = 0  # a pinhole in the stroke
    mask[5, 5] = mask[90, 90] = 255  # single-pixel specks
    cleaned = page.clean_mask(mask)
    assert cleaned[50, 37] == 255
    assert cleaned[5, 5] == 0 and cleaned[90, 90] == 0
    assert blob_count(cleaned) == 1


# --- detection ------------------------------------------------------------------------------


def bounding_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max() + 1 - xs.min()), int(ys.max() + 1 - ys.min())


def two_stroke_four(size=(400, 400), pen=14) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A 4 drawn in two strokes that do not touch: the open angle, then the vertical beside its bar."""
    mask = np.zeros(size, np.uint8)
    cv2.polylines(mask, [np.array([[170, 90], [110, 250], [210, 250]])], False, 255, pen)
    cv2.line(mask, (235, 110), (235, 330), 255, pen)
    return mask, bounding_box(mask)


def two_stroke_seven(pen: int, size=(512, 512)) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A 7 about 300 px tall whose bar was drawn separately: an 8 px gap between bar and down-stroke."""
    mask = np.zeros(size, np.uint8)
    cv2.line(mask, (160, 110), (340, 110), 255, pen)
    cv2.line(mask, (335, 110 + pen + 8), (230, 410), 255, pen)
    return mask, bounding_box(mask)


def find_digit(mask: np.ndarray, *, reject_border: bool):
    """pick_digit's region as a full-size mask, its box and its reasons."""
    region, reasons = R.pick_digit(mask, reject_border=reject_border)
    x, y, w, h = region.box
    full = np.zeros_like(mask)
    full[y : y + h, x : x + w] = region.mask
    return full, region.box, reasons


def assert_box_close(box, expected, tolerance=3):
    assert np.all(np.abs(np.array(box) - np.array(expected)) <= tolerance), f"box {box}, expected {expected}"


@pytest.mark.parametrize("reject_border", [True, False])
def test_find_digit_keeps_the_two_strokes_of_a_four_together(reject_border):
    mask, expected = two_stroke_four()
    assert blob_count(mask) == 2
    digit, box, _ = find_digit(mask, reject_border=reject_border)
    assert_box_close(box, expected)
    assert (digit == mask).all()


@pytest.mark.parametrize("pen", [40, 24, 14])
@pytest.mark.parametrize("reject_border", [True, False])
def test_find_digit_keeps_the_separate_bar_of_a_seven(pen, reject_border):
    """From a marker (40 px on a 300 px digit, MNIST's ratio) down to a fine pen (14 px)."""
    mask, expected = two_stroke_seven(pen)
    assert blob_count(mask) == 2
    digit, box, _ = find_digit(mask, reject_border=reject_border)
    assert_box_close(box, expected)
    assert (digit == mask).all(), "the bar of the 7 was left out"


def test_find_digit_ignores_specks_and_a_paper_edge_along_the_border():
    digit_only, expected = two_stroke_four(size=(480, 640))
    mask = digit_only.copy()
    mask[455:, :] = 255  # the table beyond the bottom edge of the sheet, across the whole frame
    mask[:, :18] = 255  # and along the left edge
    rng = np.random.default_rng(4)
    for y, x in zip(rng.integers(20, 440, 30), rng.integers(30, 620, 30)):
        if not digit_only[max(0, y - 6) : y + 6, max(0, x - 6) : x + 6].any():
            mask[y : y + 2, x : x + 2] = 255  # 2x2 specks of dust
    digit, box, _ = find_digit(mask, reject_border=True)
    assert_box_close(box, expected)
    assert (digit == digit_only).all()


def test_find_digit_prefers_the_central_digit_to_a_large_border_shadow():
    mask = np.zeros((480, 640), np.uint8)
    mask[:, :140] = 255  # a dark shadow band, ink-bright after inversion, bigger than the digit
    cv2.circle(mask, (380, 240), 70, 255, 16)  # a 0
    digit, box, _ = find_digit(mask, reject_border=True)
    assert_box_close(box, (302, 162, 157, 157))
    assert not digit[:, :140].any()


def test_find_digit_on_a_blank_mask_says_so():
    with pytest.raises(NoDigitFound) as refused:
        find_digit(np.zeros((200, 200), np.uint8), reject_border=True)
    assert refused.value.reason is Reason.BLANK


def test_find_digit_rejects_specks_only():
    mask = np.zeros((400, 400), np.uint8)
    for y, x in [(50, 60), (200, 210), (300, 100), (120, 330)]:
        mask[y : y + 2, x : x + 3] = 255
    with pytest.raises(NoDigitFound) as refused:
        find_digit(mask, reject_border=True)
    assert refused.value.reason is Reason.SPECKS


@pytest.mark.parametrize(
    ("draw", "reason"),
    [
        (lambda m: cv2.line(m, (50, 200), (350, 200), 255, 20), Reason.TOO_WIDE),  # a dash, not a digit
        (lambda m: cv2.rectangle(m, (120, 100), (280, 300), 255, -1), Reason.FILLED_SHAPE),  # a solid block
    ],
)
def test_find_digit_explains_why_a_shape_is_no_digit(draw, reason):
    mask = np.zeros((400, 400), np.uint8)
    draw(mask)
    _, _, reasons = find_digit(mask, reject_border=True)
    assert reason in reasons


def test_a_shape_running_along_the_frame_of_a_photo_is_no_digit_but_one_the_frame_cuts_across_may_be():
    """In a photo with the table in sight, the table's band along a side is all there is to find: it is no digit.
    On a plain ground the same band may be a bold 1 cropped at its side; a stroke the frame cuts across is a digit's."""
    band = np.zeros((480, 640), np.uint8)
    band[:, :40] = 255
    _, reasons = R.pick_digit(band, reject_border=True, plain_ground=False)
    assert Reason.ALONG_EDGE in reasons
    _, reasons = R.pick_digit(band, reject_border=True, plain_ground=True)
    assert Reason.ALONG_EDGE not in reasons
    seven = np.zeros((480, 640), np.uint8)
    cv2.line(seven, (250, 200), (400, 200), 255, 16)
    cv2.line(seven, (400, 200), (330, 480), 255, 16)  # its stem runs off the bottom of the picture
    region, reasons = R.pick_digit(seven, reject_border=True, plain_ground=False)
    assert region.touches_border and Reason.ALONG_EDGE not in reasons


def test_a_wedge_along_the_frame_tapers_but_a_band_a_bar_or_a_ring_cropped_at_its_ink_does_not():
    """The table beyond a sheet photographed askew narrows in a straight line along the frame; digits cropped tight do not."""
    wedge = np.zeros((480, 640), np.uint8)
    cv2.fillPoly(wedge, [np.array([(580, 0), (640, 0), (640, 480)], np.int32)], 255)
    band = np.zeros((480, 640), np.uint8)
    band[:, :40] = 255
    bar = np.zeros((480, 640), np.uint8)
    bar[440:, 100:500] = 255  # a 2's base, cropped at its ink
    ring = np.zeros((480, 640), np.uint8)
    cv2.ellipse(ring, (200, 240), (200, 150), 0, 0, 360, 255, 30)  # a 0 cropped at its left side
    shapes = {"wedge": wedge, "band": band, "bar": bar, "ring": ring}
    tapering = {name: R.tapers(R.find_regions(mask)[0], mask.shape) for name, mask in shapes.items()}
    assert tapering == {"wedge": True, "band": False, "bar": False, "ring": False}
    _, reasons = R.pick_digit(wedge, reject_border=True, plain_ground=True)
    assert Reason.ALONG_EDGE in reasons


# --- MNIST-style normalization --------------------------------------------------------------


@pytest.mark.parametrize("width", [4, 10, 20])
def test_stroke_width_measures_a_bar(width):
    mask = np.zeros((200, 200), np.uint8)
    mask[20:180, 100 - width // 2 : 100 - width // 2 + width] = 255
    assert abs(R.stroke_width(mask) - width) <= 0.2 * width + 1
    assert R.stroke_width(np.zeros((10, 10), np.uint8)) == 0.0


def test_crop_to_square_scales_the_longer_side_to_digit_side():
    mask, box = two_stroke_four(size=(480, 640))
    x, y, w, h = box
    crop = G.crop_to_square(mask[y : y + h, x : x + w])
    assert max(crop.shape) == G.DIGIT_SIDE
    assert abs(crop.shape[1] / crop.shape[0] - box[2] / box[3]) < 0.03
    assert set(np.unique(crop)) <= {0, 255}


def digit_of_pen(pen: int) -> np.ndarray:
    """A 0 at DIGIT_SIDE scale (96 px tall, 84 wide) drawn with a pen ``pen`` px wide."""
    d = np.zeros((G.DIGIT_SIDE, 84), np.uint8)
    r = pen // 2
    cv2.ellipse(d, (42, 48), (42 - r - 1, 48 - r - 1), 0, 0, 360, 255, pen)
    return d


def test_normalize_stroke_thickens_a_hairline():
    hairline = digit_of_pen(2)
    out = G.normalize_stroke(hairline)
    target = G.STROKE_RATIO * G.DIGIT_SIDE
    assert R.stroke_width(out) > 2 * R.stroke_width(hairline)
    assert abs(R.stroke_width(out) - target) < 0.4 * target


def test_normalize_stroke_thins_a_very_fat_stroke():
    fat = digit_of_pen(36)
    before = R.stroke_width(fat)
    target = G.STROKE_RATIO * G.DIGIT_SIDE
    assert before > 1.7 * target
    after = R.stroke_width(G.normalize_stroke(fat))
    assert target * 0.8 < after < 0.8 * before  # thinner, towards MNIST's width, not past it


def test_normalize_stroke_leaves_an_mnist_like_stroke_alone():
    digit = digit_of_pen(int(round(G.STROKE_RATIO * G.DIGIT_SIDE)))
    assert (G.normalize_stroke(digit) == digit).all()


@pytest.mark.parametrize("shape", [(96, 96), (96, 40), (50, 96)])
def test_fit_to_mnist_centres_the_mass_and_fits_20px(shape):
    h, w = shape
    digit = np.zeros(shape, np.uint8)
    # deliberately lopsided: most of the mass in the upper left
    cv2.rectangle(digit, (0, 0), (w - 1, h - 1), 255, 6)
    cv2.rectangle(digit, (0, 0), (w // 2, h // 3), 255, -1)
    out, _ = G.fit_to_mnist(digit)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    cx, cy = centre_of_mass(out)
    assert abs(cx - 13.5) <= 0.5 and abs(cy - 13.5) <= 0.5
    rows = np.flatnonzero(out.sum(axis=1) > 0.05)
    cols = np.flatnonzero(out.sum(axis=0) > 0.05)
    extent_h, extent_w = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    assert max(extent_h, extent_w) in (20, 21)  # 20 px, plus one where a sub-pixel shift spreads an edge
    expected_short = 20 * min(h, w) / max(h, w)
    assert abs(min(extent_h, extent_w) - expected_short) <= 1.5


def test_fit_to_mnist_on_an_empty_crop_raises():
    with pytest.raises(ValueError, match="no ink"):
        G.fit_to_mnist(np.zeros((96, 96), np.uint8))


# --- the whole pipeline ---------------------------------------------------------------------


def test_the_steps_show_every_view_the_model_reads(first_of_each_class):
    """The model averages the glyph with its other views: the gallery shows them all, last."""
    image = first_of_each_class[3]
    photo = 255 - cv2.resize(image, (300, 300), interpolation=cv2.INTER_CUBIC)
    processed = P.preprocess(photo, "webcam", record_steps=True)
    assert len(processed.glyph.extra_views) == 1
    (caption, shown), *_ = processed.steps[-1:]
    assert caption == "gray levels, 28x28"
    np.testing.assert_array_equal(shown, P.to_uint8(processed.glyph.extra_views[0]))
    scan = 255 - cv2.resize(image[4:24, 4:24], (16, 16), interpolation=cv2.INTER_AREA)  # a small scan, ink dark
    processed = P.preprocess(scan, "upload", record_steps=True)
    on_doubt = "at 16 px, 28x28 (read on a doubt about 1 or 7)"
    assert [caption for caption, _ in processed.steps[-2:]] == ["28x28, centred", on_doubt]
    np.testing.assert_array_equal(processed.steps[-1][1], P.to_uint8(processed.glyph.second_look))


def test_preprocess_records_every_step_as_uint8_images(first_of_each_class):
    image = first_of_each_class[0]
    gray = 255 - cv2.resize(image, (300, 300), interpolation=cv2.INTER_CUBIC)
    processed = P.preprocess(gray, "webcam", record_steps=True)
    captions = [caption for caption, _ in processed.steps]
    assert captions[0] == "input" and "28x28" in captions[-1]
    expected = ("ink made bright", "CLAHE", "denoised", "threshold", "digit detected")  # evenly lit: nothing to flatten
    for caption in expected:
        assert caption in captions
    assert "background flattened" not in captions
    for _, step in processed.steps:
        assert step.dtype == np.uint8 and step.ndim in (2, 3)
    assert processed.digit.shape == (28, 28) and processed.digit.dtype == np.float32
    assert processed.digit.min() >= 0.0 and processed.digit.max() <= 1.0
    assert 0.5 < processed.relative_size < 1.0
    assert processed.contrast > 0.5


def test_preprocess_rejects_an_unknown_source():
    with pytest.raises(ValueError, match="source"):
        P.preprocess(np.zeros((50, 50), np.uint8), "scanner")


def test_preprocess_mnist_source_keeps_a_28x28_image_as_it_is(first_of_each_class):
    image = first_of_each_class[0]
    processed = P.preprocess(image, "mnist")
    assert np.array_equal(processed.digit, image.astype(np.float32) / 255.0)
    inverted = P.preprocess(255 - image, "mnist")  # dark on light: only the polarity changes
    assert np.array_equal(inverted.digit, processed.digit)


def test_edge_crossings_counts_runs_of_ink_round_the_frame():
    mask = np.zeros((40, 60), np.uint8)
    assert R.edge_crossings(mask) == 0
    mask[0, 10:20] = 255  # top
    mask[15:25, -1] = 255  # right
    mask[-1, 0:5] = 255  # bottom-left corner, joined round it to the left edge
    mask[30:40, 0] = 255
    assert R.edge_crossings(mask) == 3
    mask[0, 0:3] = 255  # a run across the wrap-around point of the frame (top-left corner) is one run
    mask[1:5, 0] = 255
    assert R.edge_crossings(mask) == 4
    assert R.edge_crossings(np.full((10, 10), 255, np.uint8)) == 1


# Generated noise and textures (112x112, benchmarks/not_a_digit.py's generator) that were once read as digits.
ESCAPED_NON_DIGITS = [
    ("noise", 1_000_000, 3, 865),
    ("texture", 1_000_000, 4, 279),
    ("texture", 1_000_000, 4, 609),
    ("noise", 3_000_000, 3, 356),
]


@pytest.mark.parametrize(("kind", "base", "set_id", "index"), ESCAPED_NON_DIGITS)
def test_a_small_picture_of_texture_or_dust_is_busy(kind, base, set_id, index):
    """In a crop (an enlarged small image) the digit fills the frame: ink everywhere at once is not a digit."""
    image = render_non_digit(kind, np.random.default_rng([base, set_id, index]))
    assert Reason.BUSY in P.preprocess(image, "upload").reasons


def test_a_bold_digit_cropped_tight_is_not_busy():
    seven = np.full((112, 112), 255, np.uint8)  # a bold 7 cropped to its ink: it touches three edges
    cv2.line(seven, (0, 6), (111, 6), 0, 12)
    cv2.line(seven, (105, 6), (40, 111), 0, 12)
    assert Reason.BUSY not in P.preprocess(seven, "upload").reasons
    assert Reason.BUSY not in P.preprocess(cv2.resize(seven, (24, 24), interpolation=cv2.INTER_AREA), "upload").reasons


def test_a_digit_of_broken_strokes_filling_a_small_picture_is_not_busy():
    """A format of old digit sets: the digit stretched to fill 16x16 and made bilevel, its thin pen broken into
    dashes. The dashes are gathered into the digit: they are its own pieces, not shapes beside it."""
    eight = np.full((112, 112), 255, np.uint8)
    for centre, axes in (((56, 28), (40, 26)), ((56, 82), (54, 28))):
        for start in range(0, 360, 45):
            cv2.ellipse(eight, centre, axes, 0, start, start + 25, 0, 6)
    image = np.where(cv2.resize(eight, (16, 16), interpolation=cv2.INTER_AREA) < 128, 0, 255).astype(np.uint8)
    assert cv2.connectedComponents((image < 128).astype(np.uint8))[0] - 1 > R.MAX_PIECES
    assert Reason.BUSY not in P.preprocess(image, "upload").reasons


def test_render_crop_makes_tight_crops_of_either_polarity(first_of_each_class):
    """The robustness benchmark's crops: the digit fills the picture but for 0-12% margins; some light on dark."""
    crops = [render_crop(first_of_each_class[i % 10], np.random.default_rng(i)) for i in range(40)]
    dark_ground = 0
    for crop in crops:
        assert crop.dtype == np.uint8 and crop.ndim == 2
        paper = np.median(np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]]))
        ink = crop < 128 if paper > 127 else crop > 127
        ys, xs = np.nonzero(ink)
        assert ys.min() <= 0.15 * crop.shape[0] and crop.shape[0] - ys.max() <= 0.15 * crop.shape[0] + 2
        dark_ground += paper <= 127
    assert 0 < dark_ground < len(crops) / 2


@pytest.mark.parametrize("side", [8, 10, 16])
def test_a_digit_stretched_to_fill_a_small_box_keeps_its_polarity(side):
    """A scan's digit stretched to its box runs along the frame but leaves the corners: they show the paper."""
    ring = np.full((160, 160), 255, np.uint8)
    cv2.ellipse(ring, (80, 80), (72, 72), 0, 0, 360, 0, 32)  # a bold 0 touching all four sides
    scan = cv2.resize(ring, (side, side), interpolation=cv2.INTER_AREA)
    assert page.is_light_background_of_crop(scan)
    assert not page.is_light_background_of_crop(255 - scan)


def stretched_two(side: int) -> np.ndarray:
    """A 2 cropped to its ink and stretched to a ``side``-pixel square, dark on paper, as some scanners normalize digits.

    Its arc runs along the top and the right side, its base along the whole bottom: ink reaches
    two corners, and most of the frame.
    """
    two = np.full((160, 160), 255, np.uint8)
    cv2.ellipse(two, (80, 56), (80, 44), 0, 180, 380, 0, 14)
    cv2.line(two, (140, 70), (18, 146), 0, 14)
    cv2.line(two, (0, 150), (159, 150), 0, 14)
    ys, xs = np.nonzero(two < 128)
    ink = two[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    return cv2.resize(ink, (side, side), interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize("side", [10, 16, 28])
def test_a_digit_stretched_into_two_corners_keeps_its_polarity(side):
    """When the corners disagree, the paper is the side that holds clearly more of the picture, not the frame."""
    scan = stretched_two(side)
    assert page.is_light_background_of_crop(scan)
    assert not page.is_light_background_of_crop(255 - scan)
    gray = page.read_page(scan, "upload").gray
    seen = cv2.resize(scan, gray.shape[::-1], interpolation=cv2.INTER_NEAREST)
    assert gray[seen < 100].mean() > gray[seen > 200].mean() + 100, "the ink must come out bright"


@pytest.mark.parametrize("shape", [(1, 16), (16, 1), (2, 300), (7, 200), (8, 8)])
def test_detail_side_of_a_sliver_is_none(shape):
    """A picture a few pixels high has no rows to compare: it is not searched (a fuzzed 1x16 once crashed here)."""
    for picture in (np.zeros(shape, np.uint8), np.random.default_rng(0).integers(0, 256, shape).astype(np.uint8)):
        assert page.detail_side(picture) is None


def dim_photo_of_paper(digit: np.ndarray, seed: int = 0) -> np.ndarray:
    """A fine-pen digit on paper photographed in a dim room: the paper at 70 gray levels in the middle and darker
    towards the corners (vignetting), the sensor's noise on top. Nearly the whole picture lies within a few levels."""
    rng = np.random.default_rng(seed)
    h, w = 480, 480
    ys, xs = np.mgrid[0:h, 0:w]
    paper = 70 - 60 * (np.hypot(xs - w / 2, ys - h / 2) / w) ** 2
    mask = digit_mask(digit, 220, rng, thickness=-0.03)
    ink = np.zeros((h, w), np.float32)
    mh, mw = mask.shape
    ink[(h - mh) // 2 : (h - mh) // 2 + mh, (w - mw) // 2 : (w - mw) // 2 + mw] = mask
    photo = paper * (1 - ink) + 12 * ink + rng.normal(0, 14, (h, w))
    return np.clip(photo, 0, 255).astype(np.uint8)


def test_a_dim_photo_of_paper_is_dark_ink_on_paper(first_of_each_class):
    """Otsu's split of such a photo is its lit middle against its darker corners, not ink against ground: the
    two sides stand a few gray levels apart, where chalk stands far above its board."""
    for label, digit in first_of_each_class.items():
        assert page.is_light_background(dim_photo_of_paper(digit, label)), label


def test_digits_in_a_dim_photo_of_paper_are_read(recognizer, first_of_each_class):
    read = sum(
        recognizer.predict(dim_photo_of_paper(digit, label), source="upload").label == label
        for label, digit in first_of_each_class.items()
    )
    assert read >= 9
