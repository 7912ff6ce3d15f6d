"""Reading whole numbers: segmentation, order, boxes, broken digits, and the end-to-end string."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from mnist_demo import NoDigitFound, NumberReading
from mnist_demo.data import load_samples
from mnist_demo.images import load_image
from mnist_demo.model import NOT_A_DIGIT, NUM_OUTPUTS, SEVERAL_DIGITS
from mnist_demo.numbers import (
    Pieces,
    best_partition,
    closer_side,
    ink_crossed,
    join_strokes,
    number_page,
    segment,
    whole_sureness,
)
from mnist_demo.page import WORK_SIDE, read_page
from mnist_demo.regions import Region
from mnist_demo.steps import Steps
from mnist_demo.synthetic import digit_mask, number_mask, photograph, place, render_number_photo, render_number_sketch

SAMPLES = load_samples()


def ordinary(recognizer, digit: int, k: int = 0) -> np.ndarray:
    """The k-th shipped MNIST sample of a class that the model reads right on its own."""
    images, labels, _ = SAMPLES
    right = [i for i in np.flatnonzero(labels == digit) if recognizer.predict(images[i], "mnist").label == digit]
    return images[right[k % len(right)]]


def number_image(recognizer, text: str, gaps: list[float], seed: int = 0, photo: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    mask = number_mask([ordinary(recognizer, int(c), k) for k, c in enumerate(text)], rng, height=110, gaps=gaps)
    return (render_number_photo(mask, rng) if photo else render_number_sketch(mask, rng)), mask


def assert_well_formed(reading: NumberReading, length: int) -> None:
    assert len(reading.text) == len(reading.digits) == len(reading.boxes) == length
    assert reading.text == "".join(str(p.label) for p in reading.digits)
    assert reading.confidence == pytest.approx(np.prod([p.top3[0][1] for p in reading.digits]))
    assert 0 < reading.confidence <= 1
    lefts = [x for x, _, _, _ in reading.boxes]
    assert lefts == sorted(lefts), "digits are not left to right"
    assert reading.steps and reading.steps[0][1].dtype == np.uint8


@pytest.mark.parametrize("text", ["2026", "1789", "40", "314159"])
def test_a_number_with_ordinary_spacing_is_read(recognizer, text):
    image, _ = number_image(recognizer, text, [0.35] * (len(text) - 1))
    reading = recognizer.read_number(image, source="sketch")
    assert_well_formed(reading, len(text))
    assert reading.text == text


def test_the_boxes_are_where_the_digits_were_drawn(recognizer):
    image, mask = number_image(recognizer, "358", [0.5, 0.5])
    reading = recognizer.read_number(image, source="sketch")
    assert reading.text == "358"
    ink = mask > 0.3
    for x, y, w, h in reading.boxes:
        inside = ink[y : y + h, x : x + w]
        assert inside.mean() > 0.1, "a box around no ink"
    covered = np.zeros_like(ink)
    for x, y, w, h in reading.boxes:
        covered[y : y + h, x : x + w] = True
    assert covered[ink].mean() > 0.97, "ink outside every box"


def test_a_single_digit_reads_as_a_one_character_string(recognizer):
    image, _ = number_image(recognizer, "7", [])
    reading = recognizer.read_number(image, source="sketch")
    assert_well_formed(reading, 1)
    assert reading.text == "7"


def test_a_blank_image_has_no_number(recognizer):
    with pytest.raises(NoDigitFound):
        recognizer.read_number(np.full((200, 600), 255, np.uint8), source="sketch")


def test_a_seven_and_a_five_drawn_in_two_strokes_stay_one_digit_each(recognizer):
    """Broken digits are merged, not read as two: a 7's bar and a 5's flag drawn apart from the rest."""
    image = np.full((220, 420), 255, np.uint8)
    cv2.line(image, (40, 40), (150, 40), 0, 14)  # the 7's bar, apart from its stem
    cv2.line(image, (140, 62), (80, 180), 0, 14)  # the stem
    cv2.line(image, (250, 45), (360, 45), 0, 14)  # the 5's flag, apart from its body
    cv2.line(image, (255, 62), (250, 105), 0, 14)
    cv2.ellipse(image, (300, 140), (50, 42), 0, -160, 150, 0, 14)
    reading = recognizer.read_number(image, source="upload")
    assert reading.text == "75"


def test_a_fine_pen_five_keeps_its_flag_beside_bold_digits(recognizer):
    """The flag of a 5 written apart in a fine pen has little ink beside bold neighbours, but it is a stroke, not a
    speck: long one way (it was dropped, and the 5 read 0)."""
    image = np.full((240, 480), 255, np.uint8)
    cv2.ellipse(image, (90, 75), (38, 38), 0, 0, 360, 0, 20)  # a bold 8, two rings
    cv2.ellipse(image, (90, 160), (48, 46), 0, 0, 360, 0, 20)
    cv2.ellipse(image, (240, 120), (48, 82), 0, 0, 360, 0, 20)  # a bold 0
    cv2.line(image, (360, 42), (435, 40), 0, 3)  # the fine 5's flag, apart from its body
    cv2.line(image, (352, 80), (347, 110), 0, 3)
    cv2.ellipse(image, (385, 150), (45, 45), 0, -160, 150, 0, 3)
    assert recognizer.read_number(image, source="upload").text == "805"


@pytest.mark.parametrize(("seed", "gap"), [(3, -0.25), (7, -0.15), (27, -0.15)])
def test_two_ones_written_into_each_other_are_cut_though_narrower_than_most_pairs(recognizer, seed, gap):
    """Two 1s overlapping make a shape narrower than a 1 touching any other digit; the model says "several
    digits", and the shape is cut (it was read as one 1: "51")."""
    image, _ = number_image(recognizer, "511", [0.4, gap], seed=seed)
    assert recognizer.read_number(image, source="sketch").text == "511"


def test_a_four_written_as_an_l_and_a_separate_stem_is_one_digit(recognizer):
    """The two strokes of a 4 that do not meet overlap side by side: read together, they are the 4."""
    image = np.full((240, 460), 255, np.uint8)
    cv2.polylines(image, [np.array([(60, 40), (50, 130), (90, 130)])], False, 0, 14)  # the 4's L
    cv2.line(image, (140, 60), (85, 205), 0, 14)  # its stem, leaning, apart from the L
    cv2.line(image, (220, 50), (220, 205), 0, 14)  # a 1
    cv2.ellipse(image, (330, 128), (50, 75), 0, 0, 360, 0, 14)  # a 0
    assert recognizer.read_number(image, source="upload").text == "410"


@pytest.mark.parametrize("pen", [6, 14])
def test_a_four_written_as_two_crossing_strokes_is_one_digit(recognizer, pen):
    """An "x"-like 4 reads "not a digit" at MNIST's 20 pixels and a 4 a little smaller: it is not cut into two digits."""
    image = np.full((240, 460), 255, np.uint8)
    cv2.line(image, (50, 60), (140, 150), 0, pen)  # the 4's arm and bar in one stroke
    cv2.line(image, (120, 50), (70, 205), 0, pen)  # its stem, crossing it
    cv2.line(image, (220, 50), (220, 205), 0, pen)  # a 1
    cv2.ellipse(image, (330, 128), (50, 75), 0, 0, 360, 0, pen)  # a 0
    assert recognizer.read_number(image, source="upload").text == "410"


@pytest.mark.parametrize("pen", [6, 10])
def test_a_small_four_written_as_an_l_and_a_stem_beside_it_is_one_digit(recognizer, pen):
    """Neither stroke is tall enough to be a digit of this number, and they do not overlap: read together, they are a 4."""
    image = np.full((240, 520), 255, np.uint8)
    cv2.line(image, (60, 45), (60, 195), 0, pen)  # a 1
    cv2.polylines(image, [np.array([(110, 100), (110, 165), (150, 165)])], False, 0, pen)  # a small 4's L ...
    cv2.line(image, (165, 110), (165, 200), 0, pen)  # ... and its stem, beside it
    cv2.ellipse(image, (270, 120), (45, 75), 0, 0, 360, 0, pen)  # two 0s
    cv2.ellipse(image, (400, 120), (45, 75), 0, 0, 360, 0, pen)
    assert recognizer.read_number(image, source="upload").text == "1400"


def test_the_smaller_view_may_vouch_for_an_odd_digit_but_not_for_a_pair():
    def outputs(digit: float, not_a_digit: float = 0.0, several: float = 0.0) -> np.ndarray:
        row = np.zeros(NUM_OUTPUTS)
        row[4], row[7], row[NOT_A_DIGIT], row[SEVERAL_DIGITS] = digit, 1 - digit - not_a_digit - several, not_a_digit, several
        return row

    full = np.stack([outputs(0.2, not_a_digit=0.8), outputs(0.2, several=0.8), outputs(0.99)])
    smaller = np.stack([outputs(0.99), outputs(0.99), outputs(0.5)])
    sure = whole_sureness(full, smaller)
    assert sure[0] == pytest.approx(0.99), "an odd digit read plainly smaller"
    assert sure[1] == pytest.approx(0.2), "a pair at full size stays doubted"
    assert sure[2] == pytest.approx(0.99), "the full size's own sureness stands"


def test_neighbours_are_joined_only_when_one_digit_costs_less_and_neither_was_cut():
    def region(x: int) -> Region:
        return Region((x, 0, 10, 100), 1000, 10.0, False, np.full((100, 10), 255, np.uint8))

    a, b, c, ab = region(0), region(5), region(40), region(0)
    readings = [([a], 1.0), ([b], 1.0), ([c], 0.5)]
    assert join_strokes(readings, {0: ab}, {0: 0.6}) == [[ab], [c]]
    assert join_strokes(readings, {0: ab}, {0: 2.5}) == [[a], [b], [c]], "two digits read more surely than one"
    cut = [([a], 1.0), ([b, b], None), ([c], 0.5)]
    assert join_strokes(cut, {0: ab}, {0: 0.1}) == [[a], [b, b], [c]], "a shape already cut is not joined"


def test_a_sloping_line_of_digits_of_different_heights_is_read(recognizer):
    rng = np.random.default_rng(5)
    digits = [ordinary(recognizer, d, 1) for d in (9, 0, 2, 1)]
    mask = number_mask(digits, rng, height=100, gaps=[0.4, 0.25, 0.5], jitter=0.2)
    assert recognizer.read_number(render_number_sketch(mask, rng), source="sketch").text == "9021"


def test_a_photographed_number_is_read(recognizer):
    image, _ = number_image(recognizer, "4096", [0.4, 0.3, 0.45], seed=3, photo=True)
    assert recognizer.read_number(image, source="upload").text == "4096"


def in_part_shade(left: np.ndarray, right: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Two digits on paper: the left one in a fine, light pen in a hand's shadow, the right one darker, in the light."""
    field = np.zeros((480, 640), np.float32)
    fine = cv2.erode(digit_mask(left, 150, rng), np.ones((5, 5), np.uint8))
    field[160 : 160 + fine.shape[0], 150 : 150 + fine.shape[1]] = 0.55 * fine
    bold = digit_mask(right, 150, rng)
    field[160 : 160 + bold.shape[0], 380 : 380 + bold.shape[1]] = 0.8 * bold
    columns = np.arange(640, dtype=np.float32)[None, :]
    light = 1.0 - rng.uniform(0.5, 0.7) / (1.0 + np.exp((columns - 330) / rng.uniform(5, 40)))  # the shadow's soft edge
    paper = cv2.GaussianBlur(225.0 * (1 - field) * light, (0, 0), 1.5)
    return np.clip(paper + rng.normal(0, 3, paper.shape), 0, 255).astype(np.uint8)


def test_a_digit_in_a_shadow_beside_one_in_the_light_is_read(recognizer):
    # Light multiplies: in the shade a light pen keeps a third of its contrast, below the ink level its
    # neighbour in the light sets; the page evens the shading out first (``page.even_shading``).
    for seed, text in enumerate(["12", "35", "80", "73", "96", "41"]):
        rng = np.random.default_rng(seed)
        image = in_part_shade(ordinary(recognizer, int(text[0])), ordinary(recognizer, int(text[1])), rng)
        assert recognizer.read_number(image, source="upload").text == text, seed


def test_a_partition_takes_the_surest_pieces_and_keeps_a_sure_whole():
    def part(w: int) -> Region:
        return Region((0, 0, w, 100), w * 100, 10.0, False, np.full((100, w), 255, np.uint8))

    pieces = Pieces(2, {(0, 2): part(70), (0, 1): part(40), (1, 2): part(30)})
    split = {(0, (0, 1)): 0.99, (0, (1, 2)): 0.99}
    assert best_partition(pieces, split, 0, whole=0.1, height=100) == [(0, 1), (1, 2)], "a pair read as one digit"
    assert best_partition(pieces, split, 0, whole=0.5, height=100) == [(0, 2)], "a cut must earn its piece"
    assert best_partition(Pieces(2, {(0, 1): part(40)}), split, 0, whole=0.4, height=100) == [], "no way across"


def test_a_cut_leans_with_the_gap_between_slanted_digits():
    mask = np.zeros((100, 80), np.uint8)
    cv2.line(mask, (20, 99), (40, 0), 255, 5)  # two strokes leaning right, 20 pixels apart
    cv2.line(mask, (40, 99), (60, 0), 255, 5)
    assert not ink_crossed(mask, 40, -0.2).any(), "a cut along the lean passes between them"
    assert ink_crossed(mask, 40, 0.0).any()


def test_a_touching_pair_is_split_with_two_model_calls_at_most(recognizer):
    calls = []

    def counted(batch):
        calls.append(len(batch))
        return recognizer.probabilities(batch)

    image, _ = number_image(recognizer, "1789", [0.35, -0.1, 0.35])
    assert recognizer.read_number(image, source="sketch").text == "1789"
    page = read_page(load_image(image), "sketch", steps=Steps(enabled=False))
    segment(page, counted)
    assert len(calls) <= 2, "segmentation batches its model calls"


def test_a_one_written_into_its_neighbour_is_cut_off_but_a_four_keeps_its_stem(recognizer):
    """The model reads "41" touching surely as a 4: a clean cut beside a full-height stroke is tried anyway."""
    image = np.full((240, 360), 255, np.uint8)
    cv2.line(image, (110, 40), (50, 140), 0, 14)  # the 4's slanted stroke
    cv2.line(image, (140, 60), (140, 200), 0, 14)  # its stem
    cv2.line(image, (50, 140), (165, 140), 0, 14)  # its bar
    assert recognizer.read_number(image, source="upload").text == "4"
    cv2.line(image, (165, 140), (190, 140), 0, 14)  # the bar runs on into a 1
    cv2.line(image, (195, 40), (190, 200), 0, 14)
    assert recognizer.read_number(image, source="upload").text == "41"


def test_a_four_read_surely_is_not_cut_into_a_one_and_the_rest(recognizer, mnist_test):
    """A slanted cut can slice a bold 4's stem lengthwise into a stroke that reads as a 1 and a rest that still
    reads as a 4, both surely: a rule that cut such shapes read this number (from the MNIST test set, drawn as
    ``benchmarks/numbers.py`` does) as "41636". A shape the model reads surely as one digit stays whole."""
    x_test, _ = mnist_test
    rng = np.random.default_rng([300000, 0, 0, 2, 20])
    digits = [x_test[i] for i in rng.integers(0, len(x_test), 4)]
    gaps = list(rng.uniform(0.15, 0.6, 3))
    gaps[int(rng.integers(3))] = rng.uniform(-0.15, 0.0)
    mask = number_mask(digits, rng, height=int(rng.integers(60, 140)), gaps=gaps)
    assert recognizer.read_number(render_number_sketch(mask, rng), source="sketch").text == "4636"


@pytest.mark.parametrize("gap_at", [60, 90])  # degrees clockwise from the right: its lower right, its bottom
def test_a_zero_whose_ring_is_open_is_not_cut_into_a_one_and_another_digit(recognizer, gap_at):
    """A cut through the opening of a 0 frees an arc that reads as a 1, but the rest is no longer a 0: not a 1 beside a 0."""
    image = np.full((240, 360), 255, np.uint8)
    cv2.line(image, (40, 50), (140, 50), 0, 12)  # a 7
    cv2.line(image, (140, 50), (80, 200), 0, 12)
    cv2.ellipse(image, (250, 125), (45, 75), 0, gap_at + 35, gap_at + 360, 0, 12)  # a 0 open over 35 degrees
    assert recognizer.read_number(image, source="upload").text == "70"


def test_a_one_with_a_long_lead_in_stroke_stays_one_digit(recognizer):
    """Any stroke reads surely as a 1, so the flag of a 1 written "/|" is not cut off as a 1 of its own."""
    image = np.full((240, 420), 255, np.uint8)
    cv2.line(image, (20, 170), (120, 40), 0, 12)  # the lead-in, nearly 40 degrees from upright
    cv2.line(image, (120, 40), (120, 200), 0, 12)  # the stem
    cv2.line(image, (220, 50), (330, 50), 0, 12)  # a 7 beside it
    cv2.line(image, (330, 50), (260, 200), 0, 12)
    assert recognizer.read_number(image, source="upload").text == "17"


def test_a_european_one_with_a_long_lead_in_in_a_photographed_number_is_one_digit(recognizer, real_held_out):
    """A held-out writer's 1 whose lead-in runs three quarters of the way down ("0193" photographed as
    ``benchmarks/numbers.py`` does): the model calls it "several digits", and a cut frees the lead-in, steeper than
    CUT_ONE_WIDTH allows, and the stem's top, both read as 1s. Each hangs from the 1's top, short of the line the
    digits stand on, so neither is a digit of its own: the number was read "01193"."""
    images, labels = real_held_out
    rng = np.random.default_rng([100000, 1, 1, 1, 4, 65])
    indices = rng.integers(0, len(labels), 4)
    gaps = list(rng.uniform(0.15, 0.6, 3))
    mask = number_mask([images[i] for i in indices], rng, height=int(rng.integers(60, 140)), gaps=gaps)
    assert "".join(str(labels[i]) for i in indices) == "0193"
    assert recognizer.read_number(render_number_photo(mask, rng), source="upload").text == "0193"


def test_a_one_overlapping_a_seven_keeps_the_short_piece_a_slanted_cut_leaves_of_it(recognizer, mnist_test):
    """A 1 and a 7 written into each other ("1721", every gap -15%, as ``benchmarks/numbers.py`` draws it) make a shape
    as narrow as a European 1, and a slanted cut leaves the 1's lower part, shorter than the shape: but the model
    reads that shape as "several digits", its likeliest digit a 7, not a 1, so the piece may be a 1 of its own."""
    x_test, y_test = mnist_test
    rng = np.random.default_rng([100000, 0, 0, 3, 0, 59])
    indices = rng.integers(0, len(y_test), 4)
    mask = number_mask([x_test[i] for i in indices], rng, height=int(rng.integers(60, 140)), gaps=[-0.15] * 3)
    assert "".join(str(y_test[i]) for i in indices) == "1721"
    assert recognizer.read_number(render_number_sketch(mask, rng), source="sketch").text == "1721"


def test_the_pieces_of_a_margin_cut_by_ruled_lines_are_specks_however_many(recognizer):
    """A margin crossed by ruled lines leaves a column of short dashes: more shapes than digits, but specks."""
    image, _ = number_image(recognizer, "4", [])
    image = np.array(image)
    for y in range(10, image.shape[0] - 20, 28):  # a dashed margin down the left side
        cv2.line(image, (12, y), (12, y + 12), (0, 0, 0, 255) if image.shape[-1] == 4 else 0, 3)
    reading = recognizer.read_number(image, source="sketch")
    assert reading.text == "4"


def number_cropped_at_its_ink(recognizer, text: str) -> np.ndarray:
    """The number on paper, the picture cropped right at its ink on all four sides: every digit touches the frame."""
    _, mask = number_image(recognizer, text, [0.35] * (len(text) - 1))
    ys, xs = np.nonzero(mask > 0.05)
    mask = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    return np.clip(235 - 205 * mask, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("text", ["2026", "1789", "314"])
def test_a_number_cropped_tight_keeps_the_digits_at_the_frame(recognizer, text):
    """A picture cropped to the number: its first and last digits, a 1 along the frame too, are digits, not the table."""
    reading = recognizer.read_number(number_cropped_at_its_ink(recognizer, text), source="upload")
    assert reading.text == text


def test_in_a_photographed_number_a_stroke_at_the_frame_is_no_digit(recognizer):
    """The number stands clear of the frame on its sheet: a line where the picture ends (the sheet's edge) is no 1."""
    image, _ = number_image(recognizer, "2026", [0.35] * 3)
    picture = cv2.copyMakeBorder(255 - image[:, :, 3], 120, 120, 300, 300, cv2.BORDER_CONSTANT, value=255)
    picture = np.where(picture < 128, 40, 225).astype(np.uint8)
    cv2.line(picture, (2, 200), (2, 300), 40, 6)  # as tall and thick as a 1, at the left edge
    assert recognizer.read_number(picture, source="upload").text == "2026"


@pytest.mark.parametrize("seed", [3, 7, 22])
def test_a_slanted_one_in_a_photographed_number_is_one_digit(recognizer, seed):
    """A 1 leaning 20 degrees is as wide as many digits; cut, its halves read as two 1s ("11967" at seed 22)."""
    one = np.zeros((28, 28), np.uint8)
    cv2.line(one, (5, 25), (23, 3), 255, 3, cv2.LINE_AA)
    rng = np.random.default_rng(seed)
    digits = [one] + [ordinary(recognizer, d) for d in (9, 6, 7)]
    mask = number_mask(digits, rng, height=110, gaps=[0.35] * 3)
    assert recognizer.read_number(render_number_photo(mask, rng), source="upload").text == "1967"


@pytest.mark.parametrize("k, width", [(0, 2.2), (1, 2.2), (3, 2.2), (0, 2.7), (1, 2.7), (3, 2.7)])
def test_a_two_written_twice_as_wide_as_tall_is_one_digit(recognizer, k, width):
    """Flat, wide 2s (USPS stretches its digits to fill their box; some writers' 2 is a flat z) were cut in two as "22":
    wide is not surely two, and a shape wider than CERTAINLY_SEVERAL digit heights may still read best whole."""
    two = ordinary(recognizer, 2, k)
    ys, xs = np.nonzero(two > 50)
    two = two[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    wide = cv2.resize(two, (int(width * two.shape[0]), two.shape[0]), interpolation=cv2.INTER_LINEAR)
    rng = np.random.default_rng(k)
    mask = number_mask([ordinary(recognizer, 1), wide, ordinary(recognizer, 9)], rng, height=110, gaps=[0.35, 0.35])
    assert recognizer.read_number(render_number_sketch(mask, rng), source="sketch").text == "129"


@pytest.mark.parametrize("seed", [0, 3])
def test_a_phone_number_photographed_small_is_looked_at_closer(recognizer, seed):
    """Ten digits 70 px tall in a 1600x1200 photo are 28 px at the working size: read again at a larger one
    (their pen, 2-3 px there, may have had the page worked on somewhat larger already)."""
    rng = np.random.default_rng(seed)
    mask = number_mask([ordinary(recognizer, d, seed) for d in range(10)], rng, height=70, gaps=[0.4] * 9)
    photo = photograph(place((1200, 1600), mask, rng, margin=100), rng)
    page = read_page(photo, "upload")
    assert closer_side(page) > 1.5 * WORK_SIDE
    assert max(number_page(photo, "upload")[0].gray.shape) == closer_side(page)
    assert recognizer.read_number(photo, source="upload").text == "0123456789"


def test_a_dash_before_a_number_is_no_digit(recognizer):
    """A minus sign, a scrap of ruling, a pen's slip: a fragment no digit takes in, shorter than any digit."""
    _, mask = number_image(recognizer, "42", [0.4])
    page = np.pad(255 - (np.clip(mask, 0, 1) * 255).astype(np.uint8), ((0, 0), (90, 0)), constant_values=255)
    middle = page.shape[0] // 2
    cv2.line(page, (40, middle), (95, middle + 4), 0, 9)
    assert recognizer.read_number(page, source="sketch").text == "42"


def test_a_mark_wholly_below_the_line_of_writing_is_not_part_of_the_number(recognizer):
    """A scrap of margin or a pen's slip far under the digits is no digit of theirs, however digit-sized."""
    _, mask = number_image(recognizer, "42", [0.4])
    page = np.pad(255 - (np.clip(mask, 0, 1) * 255).astype(np.uint8), ((0, 120), (0, 0)), constant_values=255)
    cv2.line(page, (20, page.shape[0] - 10), (28, page.shape[0] - 70), 0, 8)
    assert recognizer.read_number(page, source="sketch").text == "42"


@pytest.mark.parametrize("seed", [0, 1])
def test_two_digits_written_into_each_other_on_the_digit_canvas_point_to_the_number_reader(recognizer, seed):
    from mnist_demo.verdict import Reason

    pair, _ = number_image(recognizer, "42", [-0.1], seed=seed)
    assert Reason.SEVERAL_DIGITS in recognizer.predict(pair, source="sketch").reasons
    single, _ = number_image(recognizer, "4", [], seed=seed)
    assert Reason.SEVERAL_DIGITS not in recognizer.predict(single, source="sketch").reasons


def test_a_digit_written_lighter_than_its_neighbours_is_read_whole(recognizer):
    """Less pressure on one digit: only specks of it clear the ink level its darker neighbours set (it read "754")."""
    _, mask = number_image(recognizer, "7554", [0.4] * 3)
    columns = np.flatnonzero(mask.max(axis=0) > 0.3)
    gaps = np.flatnonzero(np.diff(columns) > 1)
    lighter = np.ones_like(mask)
    lighter[:, columns[gaps[0] + 1] : columns[gaps[1]] + 1] = 0.25  # the first 5 at a quarter of the ink
    rng = np.random.default_rng(7)
    assert recognizer.read_number(render_number_photo(mask * lighter, rng), source="upload").text == "7554"


def test_a_margin_rule_cut_by_ruled_lines_beside_the_number_is_no_digit(recognizer):
    """Two scraps of a margin rule, one above the other, join into a digit-tall stroke that stands off the line of writing."""
    _, mask = number_image(recognizer, "42", [0.4])
    page = np.pad(255 - (np.clip(mask, 0, 1) * 255).astype(np.uint8), ((0, 160), (90, 0)), constant_values=255)
    middle, tall = mask.shape[0] // 2, 110
    cv2.line(page, (30, middle + int(0.6 * tall)), (30, middle + int(1.0 * tall)), 0, 6)
    cv2.line(page, (30, middle + int(1.08 * tall)), (30, middle + int(1.5 * tall)), 0, 6)
    assert recognizer.read_number(page, source="upload").text == "42"


def test_numbers_written_with_a_fine_pen_on_a_bilevel_scan_are_read(recognizer, mnist_test):
    """Forty 4-digit numbers of MNIST test digits at their own size, black on white with no gray levels: strokes
    two or three pixels wide, one here and there. Broken up by a median filter and an opening made for a broader
    pen, 5 of them were read right; worked on larger, they keep."""
    x, y = mnist_test
    right = 0
    for k in range(40):
        page = np.full((84, 186), 255, np.uint8)
        for j in range(4):
            page[28:56, 28 + 34 * j : 56 + 34 * j] = np.where(x[4 * k + j] > 127, 0, 255)
        right += recognizer.read_number(page, source="upload", steps=False).text == "".join(map(str, y[4 * k : 4 * k + 4]))
    assert right >= 38


def test_a_zip_code_written_in_a_comb_of_printed_boxes_is_read(recognizer, mnist_test):
    """Twenty 5-digit numbers of MNIST test digits, each digit in a box of a printed comb: the comb was one shape
    with its digits, and none of the twenty was read right."""
    x, y = mnist_test
    right = 0
    for k in range(20):
        page = np.full((130, 410), 250, np.uint8)
        for j in range(5):
            left = 30 + 70 * j
            cv2.rectangle(page, (left, 30), (left + 70, 100), 90, 2)
            ink = cv2.resize(x[5 * k + j], (56, 56), interpolation=cv2.INTER_CUBIC)
            page[37:93, left + 7 : left + 63] = np.minimum(page[37:93, left + 7 : left + 63], 255 - ink)
        right += recognizer.read_number(page, source="upload", steps=False).text == "".join(map(str, y[5 * k : 5 * k + 5]))
    assert right >= 19


FINE_PEN_STROKES = {  # polylines in a 100x140 box
    1: [[(20, 20), (50, 0), (50, 140)]],
    4: [[(70, 0), (0, 95), (100, 95)], [(70, 0), (70, 140)]],
    5: [[(85, 0), (15, 0)], [(15, 0), (10, 60), (60, 55), (90, 90), (70, 135), (5, 125)]],
    7: [[(0, 0), (100, 0), (35, 140)]],
}


def fine_pen_number_photo(text: str, pen: int, seed: int) -> np.ndarray:
    """A 1280x960 phone photo of a number written with a ballpoint's fine line, ``pen`` px wide at the photo's size."""
    mask = np.zeros((960, 1280), np.uint8)
    for k, digit in enumerate(text):
        for stroke in FINE_PEN_STROKES[int(digit)]:
            points = np.array([(350 + 150 * k + x, 350 + y) for x, y in stroke], np.int32)
            cv2.polylines(mask, [points], False, 255, pen, cv2.LINE_AA)
    return photograph(mask.astype(np.float32) / 255, np.random.default_rng(seed))


@pytest.mark.parametrize("text, pen, seed", [("157", 3, 2), ("74", 2, 3)])
def test_a_number_in_a_fine_pen_is_read_with_the_photos_pixels(recognizer, text, pen, seed):
    """At the working size the digits stand tall enough, but their 1-2 px lines lose pieces (the 7's bar: "151",
    "14"); the finest pen among the digits sends the photo to be read again with its own pixels."""
    assert recognizer.read_number(fine_pen_number_photo(text, pen, seed), source="upload", steps=False).text == text
