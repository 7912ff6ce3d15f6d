"""Regenerate examples/: the app's example images and its small MNIST sample file.

    MNIST_NPZ=path/to/mnist.npz python examples/make_examples.py

Images are MNIST *test* digits rendered by mnist_demo.synthetic with fixed seeds:
drawn on a white canvas, photographed on (ruled) paper, chalk-like light on dark, and written on a
sheet held up to a webcam in a room.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mnist_demo.data import SAMPLES_PATH, load_mnist  # noqa: E402
from mnist_demo.synthetic import render_held_sheet, render_photo, render_sketch  # noqa: E402

HERE = Path(__file__).resolve().parent
SAMPLE_COUNT = 300

# (file name, MNIST test index, how it is rendered, seed)
EXAMPLES = [
    ("drawn_7.png", 0, "white", 1),
    ("drawn_2.png", 1, "white", 2),
    ("photo_4.jpg", 4, "photo", 3),
    ("photo_9.jpg", 7, "photo", 14),
    ("photo_3.jpg", 18, "photo", 5),
    ("chalk_5.png", 8, "black", 6),
    ("chalk_0.png", 3, "black", 7),
    ("held_up_6.jpg", 11, "held up", 4),
]

RENDER = {"photo": render_photo, "held up": render_held_sheet}


def main() -> None:
    (_, _), (x_test, y_test) = load_mnist()
    for name, index, style, seed in EXAMPLES:
        rng = np.random.default_rng(seed)
        image = RENDER[style](x_test[index], rng) if style in RENDER else render_sketch(x_test[index], rng, background=style)
        path = HERE / name
        Image.fromarray(image).save(path, quality=85) if path.suffix == ".jpg" else Image.fromarray(image).save(
            path, optimize=True
        )
        print(f"{path.name}: digit {y_test[index]}")

    indices = np.sort(np.random.default_rng(0).choice(len(x_test), SAMPLE_COUNT, replace=False))
    np.savez_compressed(SAMPLES_PATH, images=x_test[indices], labels=y_test[indices], indices=indices)
    print(f"{SAMPLES_PATH.name}: {SAMPLE_COUNT} MNIST test images ({SAMPLES_PATH.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
