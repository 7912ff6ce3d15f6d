"""Render MNIST digits the way people hand them to the app: canvas sketches and photos of paper.

Used by benchmarks/robustness.py (accuracy on realistic inputs), by the tests, and
by examples/make_examples.py. Every function is deterministic given its ``rng``.
"""

from __future__ import annotations

import cv2
import numpy as np

from .regions import stroke_width

CANVAS_SIDE = 512
PHOTO_SIZES = ((1280, 960), (960, 1280), (1024, 768), (800, 600))


def digit_mask(digit: np.ndarray, height: int, rng: np.random.Generator, thickness: float = 0.0) -> np.ndarray:
    """A 28x28 MNIST digit as a smooth stroke mask whose digit is ``height`` pixels tall.

    ``thickness`` grows (>0) or shrinks (<0) the stroke by that fraction of the height; a thinner
    pen keeps at least a third of the digit's own stroke width (a fine pen's digit thinned by a
    share of its height would be erased to specks: no one wrote that). Returns float32 in [0, 1]
    (anti-aliased edges), cropped to the digit.
    """
    ys, xs = np.nonzero(digit > 30)
    crop = digit[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32) / 255.0
    scale = height / crop.shape[0]
    pad = int(abs(thickness) * height) + 4
    big = cv2.resize(
        crop, (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale))), interpolation=cv2.INTER_CUBIC
    )
    big = cv2.copyMakeBorder(big, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    mask = (big > rng.uniform(0.35, 0.6)).astype(np.uint8)
    k = int(round(abs(thickness) * height))
    if thickness < 0:
        k = min(k, int(stroke_width(mask) / 3))
    if k >= 1:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1))
        thinned = cv2.erode(mask, kernel) if thickness < 0 else cv2.dilate(mask, kernel)
        mask = thinned if thinned.any() else mask
    return cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 0.8)


def place(canvas_hw: tuple[int, int], mask: np.ndarray, rng: np.random.Generator, margin: int = 4) -> np.ndarray:
    """Put a mask at a random position inside a canvas, returning the full-size mask."""
    H, W = canvas_hw
    h, w = mask.shape
    if h > H - 2 * margin or w > W - 2 * margin:
        scale = min((H - 2 * margin) / h, (W - 2 * margin) / w)
        mask = cv2.resize(mask, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
        h, w = mask.shape
    y = int(rng.integers(margin, H - h - margin + 1))
    x = int(rng.integers(margin, W - w - margin + 1))
    full = np.zeros((H, W), np.float32)
    full[y : y + h, x : x + w] = mask
    return full


def render_sketch(digit: np.ndarray, rng: np.random.Generator, background: str | None = None) -> np.ndarray:
    """A canvas drawing: transparent (RGBA), white or black background, brush of varied width."""
    background = background or str(rng.choice(["transparent", "white", "black"]))
    height = int(rng.uniform(0.3, 0.85) * CANVAS_SIDE)
    mask = place((CANVAS_SIDE, CANVAS_SIDE), digit_mask(digit, height, rng, thickness=rng.uniform(-0.02, 0.06)), rng)
    if background == "transparent":
        colour = rng.integers(0, 80, 3) if rng.random() < 0.8 else rng.integers(0, 256, 3)
        rgba = np.zeros((CANVAS_SIDE, CANVAS_SIDE, 4), np.uint8)
        rgba[:, :, :3] = colour
        rgba[:, :, 3] = (mask * 255).round().astype(np.uint8)
        return rgba
    ink, paper = (0.0, 255.0) if background == "white" else (255.0, 0.0)
    gray = paper + (ink - paper) * mask
    return np.repeat(gray.round().astype(np.uint8)[:, :, None], 3, axis=2)


def render_photo(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A phone photo of a digit written on paper: RGB uint8, one of PHOTO_SIZES.

    Pen of varied width and colour, possibly ruled paper, a lighting gradient, a
    shadow, perspective with the table showing at the edges, blur, noise and JPEG.
    """
    W, H = PHOTO_SIZES[int(rng.integers(len(PHOTO_SIZES)))]
    height = int(rng.uniform(0.12, 0.5) * H)
    mask = place((H, W), digit_mask(digit, height, rng, thickness=rng.uniform(-0.03, 0.03)), rng, margin=int(0.08 * H))
    return photograph(mask, rng)


def render_held_sheet(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A webcam frame (640x480 RGB uint8) of a sheet of paper held up with the digit written on it (``held_up``)."""
    return held_up(digit_mask(digit, 100, rng, thickness=rng.uniform(-0.02, 0.05)), rng)


def held_up(writing: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A webcam frame (640x480 RGB uint8) of a sheet of paper held up, ``writing`` (a float mask, 1 = ink) on it.

    Behind the sheet, a room: a wall lit unevenly, things on it (frames, a lamp, cables), and the
    person holding the sheet (a head, a shirt). The sheet covers a fifth to a half of the width,
    turned a little, sometimes running off the bottom of the frame; two thumbs on its edges; a
    webcam's blur, noise and compression.
    """
    H, W = 480, 640
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    wall = rng.uniform(60, 210, 3) * (1 - rng.uniform(0, 0.4) * xx / W)[:, :, None]
    image = np.ascontiguousarray(wall, dtype=np.float32)
    for _ in range(int(rng.integers(3, 12))):  # things in the room
        colour = rng.uniform(0, 255, 3).tolist()
        x, y = int(rng.uniform(0, W)), int(rng.uniform(0, H))
        kind = int(rng.integers(3))
        if kind == 0:
            cv2.rectangle(image, (x, y), (x + int(rng.uniform(20, 180)), y + int(rng.uniform(20, 180))), colour, -1)
        elif kind == 1:
            cv2.circle(image, (x, y), int(rng.uniform(10, 70)), colour, -1)
        else:
            cv2.line(image, (x, y), (int(rng.uniform(0, W)), int(rng.uniform(0, H))), colour, int(rng.uniform(2, 10)))
    skin = rng.uniform([150, 110, 90], [230, 180, 150]) * rng.uniform(0.4, 1.0)
    centre_x = W / 2 + rng.uniform(-100, 100)
    cv2.ellipse(image, (int(centre_x), int(0.3 * H)), (70, 95), 0, 0, 360, skin.tolist(), -1)  # head
    cv2.ellipse(image, (int(centre_x), H + 40), (260, 220), 0, 180, 360, rng.uniform(20, 200, 3).tolist(), -1)  # shirt

    sheet_w = int(rng.uniform(0.2, 0.5) * W)
    sheet_h = int(sheet_w * rng.uniform(1.2, 1.45))
    paper = rng.uniform(200, 250) * rng.uniform(0.93, 1.0, 3)
    fit = min(rng.uniform(0.4, 0.7) * sheet_h / writing.shape[0], 0.8 * sheet_w / writing.shape[1])
    size = (max(1, round(writing.shape[1] * fit)), max(1, round(writing.shape[0] * fit)))
    ink = place((sheet_h, sheet_w), cv2.resize(writing, size, interpolation=cv2.INTER_AREA), rng, int(0.08 * sheet_w))
    pen = rng.choice([[20, 20, 25], [25, 40, 120], [10, 10, 60]]).astype(np.float32)
    sheet = paper * (1 - ink[:, :, None]) + pen * ink[:, :, None]
    turn = cv2.getRotationMatrix2D((sheet_w / 2, sheet_h / 2), rng.uniform(-12, 12), 1.0)
    top = rng.uniform(0.1, 0.55) * H if rng.random() < 0.3 else rng.uniform(0.05, 0.95) * (H - sheet_h)
    turn[:, 2] += (centre_x + rng.uniform(-60, 60) - sheet_w / 2, top)
    cover = cv2.warpAffine(np.ones((sheet_h, sheet_w), np.float32), turn, (W, H))[:, :, None]
    image = image * (1 - cover) + cv2.warpAffine(sheet.astype(np.float32), turn, (W, H)) * cover
    for side in (0, sheet_w):  # thumbs
        x, y = turn @ np.array([side, rng.uniform(0.5, 0.9) * sheet_h, 1.0])
        cv2.ellipse(image, (int(x), int(y)), (14, 24), rng.uniform(-20, 20), 0, 360, skin.tolist(), -1)

    image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.5, 1.5))
    image += rng.normal(0, rng.uniform(2, 8), image.shape).astype(np.float32)
    image = np.clip(image, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(50, 92))])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


def render_crop(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A picture cropped to the digit, as people crop their photos and scans: gray uint8.

    Marker or pen (strokes up to a quarter of the height wide), 0-12% margins on each side (a third
    of the sides cut right at the ink),
    paper and ink levels of a scan or a phone, a little noise; dark on light, or one in
    five light on dark (chalk, a white digit drawn on black).
    """
    height = int(rng.integers(64, 401))
    return tight_crop(digit_mask(digit, height, rng, thickness=rng.uniform(-0.01, 0.06)), rng, height)


def tight_crop(mask: np.ndarray, rng: np.random.Generator, height: int | None = None) -> np.ndarray:
    """Writing (a float mask, 1 = ink) cropped to its ink with margins of 0-12% of ``height`` (the writing's),
    a third of the sides cut right at the ink; paper and ink levels of a scan or a phone, a little noise;
    one in five light on dark."""
    ys, xs = np.nonzero(mask > 0.05)
    mask = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    height = height or mask.shape[0]
    sides = [0 if rng.random() < 1 / 3 else int(rng.uniform(0, 0.12) * height) for _ in range(4)]
    mask = cv2.copyMakeBorder(mask, *sides, cv2.BORDER_CONSTANT, value=0.0)
    paper, ink = rng.uniform(190, 250), rng.uniform(0, 70)
    if rng.random() < 0.2:
        paper, ink = 255 - paper, 255 - ink
    gray = paper + (ink - paper) * mask + rng.normal(0, rng.uniform(0, 4), mask.shape)
    return np.clip(gray, 0, 255).astype(np.uint8)


def photograph(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Writing (a float mask the size of the photo, 1 = ink) as a phone photo of paper: RGB uint8.

    Pen of varied colour, possibly ruled paper, a lighting gradient, a shadow,
    perspective with the table showing at the edges, blur, noise and JPEG.
    """
    H, W = mask.shape
    paper = rng.uniform(190, 250) * rng.uniform(0.93, 1.0, 3)
    image = np.ones((H, W, 3), np.float32) * paper
    if rng.random() < 0.4:  # ruled paper: light blue lines, sometimes a red margin
        spacing = int(rng.uniform(0.04, 0.08) * H)
        line = np.array([150, 180, 230], np.float32) * rng.uniform(0.9, 1.05)
        for y in range(int(rng.integers(spacing)), H, spacing):
            cv2.line(image, (0, y), (W, y), line.tolist(), int(rng.integers(1, 3)))
        if rng.random() < 0.5:
            x = int(rng.uniform(0.05, 0.15) * W)
            cv2.line(image, (x, 0), (x, H), [220.0, 120.0, 120.0], 2)
    ink = rng.choice([[20, 20, 25], [25, 40, 120], [10, 10, 60], [60, 60, 60]]).astype(np.float32) + rng.uniform(0, 30)
    strength = rng.uniform(0.75, 1.0)
    image = image * (1 - strength * mask[:, :, None]) + ink * (strength * mask[:, :, None])

    # Lighting: a gradient in a random direction, and maybe a soft shadow.
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xx / W + np.sin(angle) * yy / H) + 0.5
    light = 1.0 - rng.uniform(0.0, 0.45) * np.clip(ramp, 0, 1)
    if rng.random() < 0.4:  # the soft shadow of a hand or a phone: a half-plane with a blurred edge
        theta = rng.uniform(0, 2 * np.pi)
        edge = (
            np.cos(theta) * (xx - rng.uniform(0.2, 0.8) * W) + np.sin(theta) * (yy - rng.uniform(0.2, 0.8) * H)
        ) / rng.uniform(15, 80)
        light *= 1.0 - rng.uniform(0.15, 0.45) / (1.0 + np.exp(-edge))
    image *= light[:, :, None]

    if rng.random() < 0.7:  # perspective: the sheet seen at an angle, table visible at the edges
        jitter = rng.uniform(-0.08, 0.08, (4, 2)) * [W, H]
        src = np.float32([[0, 0], [W, 0], [W, H], [0, H]])
        table = (rng.uniform(20, 110) * rng.uniform(0.7, 1.0, 3)).tolist()
        matrix = cv2.getPerspectiveTransform(src, np.float32(src + jitter))
        image = cv2.warpPerspective(image, matrix, (W, H), borderMode=cv2.BORDER_CONSTANT, borderValue=table)

    image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.3, 1.8))
    image += rng.normal(0, rng.uniform(2, 10), image.shape).astype(np.float32)
    image = np.clip(image, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(35, 92))])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)  # channel order is irrelevant: all colours are random


def number_mask(
    glyphs: list[np.ndarray], rng: np.random.Generator, height: int, gaps: list[float], jitter: float = 0.1
) -> np.ndarray:
    """Digits written on one line as a float mask (1 = ink), cropped with a margin.

    ``glyphs`` are ink-bright gray images (MNIST 28x28 or real crops); ``gaps[i]`` is the
    space between digit i and i+1 as a fraction of the mean digit width (negative: they
    touch or overlap). Heights and the baseline wander by ``jitter``, and the line may slope.
    """
    crops = []
    for glyph in glyphs:
        ys, xs = np.nonzero(glyph > 0.3 * glyph.max())
        crop = glyph[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32) / float(glyph.max())
        h = max(8, int(height * rng.uniform(1 - jitter, 1 + jitter)))
        w = max(2, round(crop.shape[1] * h / crop.shape[0]))
        crops.append(np.clip(cv2.resize(crop, (w, h), interpolation=cv2.INTER_CUBIC), 0, 1))
    mean_width = float(np.mean([c.shape[1] for c in crops]))
    slope = rng.uniform(-0.06, 0.06)
    margin = height // 2
    total = sum(c.shape[1] for c in crops) + int(sum(max(g, 0) for g in gaps) * mean_width)
    canvas = np.zeros((int(height * (1.6 + 2 * jitter)) + 2 * margin + int(abs(slope) * total), total + 2 * margin), np.float32)
    x = margin
    base = canvas.shape[0] // 2 + (int(-slope * total / 2) if slope < 0 else 0)
    for i, crop in enumerate(crops):
        h, w = crop.shape
        y = int(base + slope * (x - margin) - h / 2 + rng.uniform(-jitter, jitter) * height)
        y = int(np.clip(y, 0, canvas.shape[0] - h))
        x = int(np.clip(x, 0, canvas.shape[1] - w))
        canvas[y : y + h, x : x + w] = np.maximum(canvas[y : y + h, x : x + w], crop)
        x += w + (int(gaps[i] * mean_width) if i < len(gaps) else 0)
    ys, xs = np.nonzero(canvas > 0.05)
    return canvas[max(0, ys.min() - margin) : ys.max() + margin, max(0, xs.min() - margin) : xs.max() + margin]


def render_number_sketch(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A number drawn on a transparent canvas layer (RGBA), dark ink, as the app's wide sketchpad sends it."""
    rgba = np.zeros((*mask.shape, 4), np.uint8)
    rgba[:, :, :3] = rng.integers(0, 60)
    rgba[:, :, 3] = (np.clip(mask, 0, 1) * 255).round().astype(np.uint8)
    return rgba


def render_number_crop(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A number on paper in a picture cropped to it, as people crop a photo or a scan: gray uint8 (``tight_crop``)."""
    return tight_crop(mask, rng)


def render_number_photo(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A number written on paper, photographed: the line placed on a page of PHOTO_SIZES."""
    W, H = PHOTO_SIZES[int(rng.integers(2, len(PHOTO_SIZES)))]  # landscape: a line of writing
    scale = min(rng.uniform(0.5, 0.85) * W / mask.shape[1], rng.uniform(0.15, 0.4) * H / mask.shape[0] * 2.5)
    line = cv2.resize(
        mask, (max(1, int(mask.shape[1] * scale)), max(1, int(mask.shape[0] * scale))), interpolation=cv2.INTER_AREA
    )
    return photograph(place((H, W), line, rng, margin=int(0.08 * H)), rng)


def naive_baseline(image: np.ndarray) -> np.ndarray:
    """What a demo without a pipeline does: gray, invert if light, resize the whole image to 28x28."""
    if image.ndim == 3 and image.shape[2] == 4:
        alpha = image[:, :, 3:4].astype(np.float32) / 255.0
        image = (image[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    if gray.mean() > 127:
        gray = 255 - gray
    return cv2.resize(gray, (28, 28), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


# --- things that are not digits ---------------------------------------------------------------

SYMBOLS = ("+", "-", "x", "=", ".", "/", "%", "*", "#", "<", ">")
NON_DIGIT_KINDS = ("symbol", "scribble", "shape", "noise", "texture")


def _rotate_points(points: np.ndarray, angle: float, centre: np.ndarray) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return (points - centre) @ np.array([[c, s], [-s, c]]) + centre


def _draw(canvas: np.ndarray, strokes: list[np.ndarray], width: int) -> None:
    """Anti-aliased dark polylines (each an (N, 2) array of x, y) on a light canvas."""
    for stroke in strokes:
        pts = np.round(stroke * 16).astype(np.int32).reshape(-1, 1, 2)  # 4 fractional bits
        cv2.polylines(canvas, [pts], False, 0, width, cv2.LINE_AA, shift=4)


def symbol_strokes(symbol: str, rng: np.random.Generator, side: int) -> list[np.ndarray]:
    """Pen strokes of a hand-drawn symbol in a ``side`` x ``side`` field, a little irregular."""
    c = side / 2
    r = side * rng.uniform(0.25, 0.4)

    def line(x0, y0, x1, y1, n=6):
        t = np.linspace(0, 1, n)[:, None]
        pts = np.array([x0, y0]) * (1 - t) + np.array([x1, y1]) * t
        return pts + rng.normal(0, side * 0.006, pts.shape)

    def circle(cx, cy, radius, n=24):
        t = np.linspace(0, 2 * np.pi, n) + rng.uniform(0, 2 * np.pi)
        return np.stack([cx + radius * np.cos(t), cy + radius * rng.uniform(0.8, 1.2) * np.sin(t)], axis=1)

    if symbol == "+":
        strokes = [line(c - r, c, c + r, c), line(c, c - r, c, c + r)]
    elif symbol == "-":
        strokes = [line(c - r, c, c + r, c)]
    elif symbol == "x":
        strokes = [line(c - r, c - r, c + r, c + r), line(c + r, c - r, c - r, c + r)]
    elif symbol == "=":
        gap = r * rng.uniform(0.3, 0.6)
        strokes = [line(c - r, c - gap, c + r, c - gap), line(c - r, c + gap, c + r, c + gap)]
    elif symbol == ".":
        strokes = [circle(c, c, side * rng.uniform(0.01, 0.03), n=8)]
    elif symbol == "/":
        lean = rng.uniform(0.7, 1.6) * r  # steeper than a slanted 1 never gets
        strokes = [line(c - lean / 2, c + r, c + lean / 2, c - r)]
    elif symbol == "%":
        small = r * 0.25
        strokes = [
            line(c - r, c + r, c + r, c - r),
            circle(c - r * 0.6, c - r * 0.6, small),
            circle(c + r * 0.6, c + r * 0.6, small),
        ]
    elif symbol == "*":
        strokes = [
            line(c + r * np.cos(a), c + r * np.sin(a), c - r * np.cos(a), c - r * np.sin(a))
            for a in np.pi * np.array([0.5, 1 / 6, 5 / 6])
        ]
    elif symbol == "#":
        g = r * 0.45
        strokes = [
            line(c - r, c - g, c + r, c - g),
            line(c - r, c + g, c + r, c + g),
            line(c - g, c - r, c - g, c + r),
            line(c + g, c - r, c + g, c + r),
        ]
    else:  # "<" or ">"
        d = 1 if symbol == "<" else -1
        strokes = [
            np.concatenate([line(c + d * r * 0.6, c - r, c - d * r * 0.6, c), line(c - d * r * 0.6, c, c + d * r * 0.6, c + r)])
        ]
    angle = rng.uniform(-0.15, 0.15)
    return [_rotate_points(s, angle, np.array([c, c])) for s in strokes]


def scribble_strokes(rng: np.random.Generator, side: int) -> list[np.ndarray]:
    """A scribble: a long, smooth, aimless path that turns back on itself many times, in a roughly square box."""
    n = int(rng.integers(40, 90))
    heading = rng.uniform(0, 2 * np.pi)
    turns = np.cumsum(rng.normal(0, rng.uniform(0.8, 1.5), n))
    path = np.cumsum(np.stack([np.cos(heading + turns), np.sin(heading + turns)], axis=1), axis=0)
    path -= path.min(axis=0)
    # Each axis stretched to its own extent: a scribble never thins out into a stroke like a 1.
    extent = side * rng.uniform(0.45, 0.75) * np.array([rng.uniform(0.7, 1.3), 1.0])
    path *= extent / np.maximum(path.max(axis=0), 1e-6)
    return [path + (side - extent) / 2]


def shape_strokes(rng: np.random.Generator, side: int) -> list[np.ndarray]:
    """Outlines of shapes no digit has: polygons with corners, stars, spirals, grids of ticks."""
    c, r = side / 2, side * rng.uniform(0.25, 0.4)
    kind = rng.choice(["triangle", "square", "star", "spiral", "zigzag", "check", "arrow"])
    if kind in ("triangle", "square"):
        n = 3 if kind == "triangle" else 4
        t = np.linspace(0, 2 * np.pi, n + 1) + rng.uniform(0, 2 * np.pi)
        return [np.stack([c + r * np.cos(t), c + r * np.sin(t)], axis=1)]
    if kind == "star":
        t = np.linspace(0, 4 * np.pi, 6) + rng.uniform(0, 2 * np.pi)
        return [np.stack([c + r * np.cos(t), c + r * np.sin(t)], axis=1)]
    if kind == "spiral":
        t = np.linspace(0, rng.uniform(3, 5) * 2 * np.pi, 120)
        radius = r * t / t[-1]
        return [np.stack([c + radius * np.cos(t), c + radius * np.sin(t)], axis=1)]
    if kind == "zigzag":
        n = int(rng.integers(5, 10))
        xs = np.linspace(c - r, c + r, n)
        ys = c + r * 0.5 * np.where(np.arange(n) % 2, 1, -1)
        return [np.stack([xs, ys], axis=1)]
    if kind == "check":
        return [np.array([[c - r, c], [c - r * 0.3, c + r * 0.7], [c + r, c - r]])]
    # an arrow: a shaft and a head
    return [np.array([[c - r, c], [c + r, c]]), np.array([[c + r * 0.5, c - r * 0.4], [c + r, c], [c + r * 0.5, c + r * 0.4]])]


def render_non_digit(kind: str, rng: np.random.Generator, side: int = 112) -> np.ndarray:
    """A ``side`` x ``side`` uint8 image of something that is not a digit, dark on light like the real sets.

    ``kind`` is one of NON_DIGIT_KINDS. Symbols, scribbles and shapes are pen strokes of
    varied width; noise is pixel noise; textures are blotches, hatching or a grid.
    """
    canvas = np.full((side, side), 255, np.uint8)
    width = int(rng.integers(max(2, side // 40), max(3, side // 12)))
    if kind == "symbol":
        _draw(canvas, symbol_strokes(str(rng.choice(SYMBOLS)), rng, side), width)
    elif kind == "scribble":
        _draw(canvas, scribble_strokes(rng, side), width)
    elif kind == "shape":
        _draw(canvas, shape_strokes(rng, side), width)
    elif kind == "noise":
        if rng.random() < 0.5:
            canvas = rng.integers(0, 256, (side, side)).astype(np.uint8)
        else:  # salt and pepper on paper
            canvas[rng.random((side, side)) < rng.uniform(0.05, 0.3)] = 0
    elif kind == "texture":
        style = rng.choice(["blotches", "hatching", "grid"])
        if style == "blotches":
            field = cv2.GaussianBlur(rng.random((side, side)).astype(np.float32), (0, 0), rng.uniform(2, 6))
            canvas[field < np.percentile(field, rng.uniform(20, 45))] = 0
        else:
            spacing = int(rng.integers(6, 16))
            for offset in range(-side, 2 * side, spacing):
                cv2.line(canvas, (offset, 0), (offset + side // 2, side), 0, 2, cv2.LINE_AA)
                if style == "grid":
                    cv2.line(canvas, (0, offset), (side, offset + side // 3), 0, 2, cv2.LINE_AA)
    else:
        raise ValueError(f"kind must be one of {', '.join(NON_DIGIT_KINDS)}, not {kind!r}")
    return canvas
