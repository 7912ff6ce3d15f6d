"""``DigitRecognizer``: the one entry point for the app, the benchmarks and other programs."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import cv2
import keras
import numpy as np

from .images import load_image
from .loading import load_model_with_origin
from .pipeline import MNIST_SIZE, Processed, preprocess
from .quality import Quality, score_quality

log = logging.getLogger(__name__)

TTA_ANGLES = (-10.0, -5.0, 0.0, 5.0, 10.0)


@dataclass(frozen=True)
class Prediction:
    label: int
    top3: list[tuple[int, float]]  # (digit, probability), best first
    probabilities: np.ndarray  # shape (10,), sums to 1
    steps: list[tuple[str, np.ndarray]]  # (caption, uint8 image), in pipeline order
    quality: Quality
    digit: np.ndarray  # the 28x28 float32 image the model saw
    warnings: list[str]

    def as_dict(self) -> dict:
        """JSON-ready summary (no images)."""
        return {
            "label": self.label,
            "top3": [{"digit": d, "probability": round(p, 4)} for d, p in self.top3],
            "quality": self.quality.as_dict(),
            "warnings": list(self.warnings),
        }


def rotations(digit: np.ndarray, angles: tuple[float, ...] = TTA_ANGLES) -> np.ndarray:
    """Copies of a 28x28 digit rotated about its centre, shape (len(angles), 28, 28)."""
    centre = (MNIST_SIZE / 2 - 0.5, MNIST_SIZE / 2 - 0.5)
    return np.stack(
        [
            cv2.warpAffine(digit, cv2.getRotationMatrix2D(centre, angle, 1.0), (MNIST_SIZE, MNIST_SIZE), flags=cv2.INTER_LINEAR)
            for angle in angles
        ]
    )


def compile_forward(model: keras.Model):
    """A fast inference function: ``model.predict`` costs ~35 ms of overhead per call.

    On TensorFlow the forward pass becomes one traced graph for any batch size;
    other Keras backends call the model directly.
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        spec = tf.TensorSpec((None, MNIST_SIZE, MNIST_SIZE, 1), tf.float32)
        # The concrete function skips tf.function's per-call argument binding: less Python under the GIL.
        graph = tf.function(lambda x: model(x, training=False)).get_concrete_function(spec)
        return lambda x: graph(tf.constant(x)).numpy()
    return lambda x: keras.ops.convert_to_numpy(model(x, training=False))


class DigitRecognizer:
    """A loaded model plus the pipeline: images in, ``Prediction`` out."""

    def __init__(self, model: keras.Model, origin: str = "in memory"):
        self.model = model
        self.origin = origin
        self.forward = compile_forward(model)
        # Warm up: trace the graph and touch every kernel once, so the first user waits no longer.
        for batch in (1, len(TTA_ANGLES)):
            self.forward(np.zeros((batch, MNIST_SIZE, MNIST_SIZE, 1), np.float32))

    @classmethod
    def load(cls, source: str | os.PathLike | None = None) -> DigitRecognizer:
        """The recognizer with the model found by ``load_model`` (explicit path, Hub or bundled)."""
        model, origin = load_model_with_origin(source)
        log.info("model ready: %s", origin)
        return cls(model, origin)

    def probabilities(self, digits: np.ndarray) -> np.ndarray:
        """Softmax outputs for a stack of 28x28 float images, shape (N, 10), one model call."""
        x = np.asarray(digits, np.float32).reshape(-1, MNIST_SIZE, MNIST_SIZE, 1)
        return self.forward(x).astype(np.float64)

    def predict(self, image, source: str = "upload", tta: bool = False, remove_background: bool = False) -> Prediction:
        """Recognize the digit in one image (path, bytes, PIL image or array); see ``predict_batch``."""
        return self.predict_batch([image], source=source, tta=tta, remove_background=remove_background)[0]

    def predict_batch(
        self, images, source: str = "upload", tta: bool = False, remove_background: bool = False
    ) -> list[Prediction]:
        """Recognize many images with one model call.

        Raises ``InvalidImage`` or ``NoDigitFound`` (both ``ValueError``) for the first
        image that is unusable; their messages are written for the user.
        """
        processed = [preprocess(load_image(image), source, remove_bg=remove_background) for image in images]
        return self.classify(processed, tta=tta)

    def classify(self, processed: list[Processed], tta: bool = False) -> list[Prediction]:
        """Run the model on preprocessed digits (one call for all of them, TTA copies included)."""
        if not processed:
            return []
        copies = len(TTA_ANGLES) if tta else 1
        batch = np.concatenate([rotations(p.digit) if tta else p.digit[None] for p in processed])
        probabilities = self.probabilities(batch).reshape(len(processed), copies, -1).mean(axis=1)
        return [make_prediction(p, probs) for p, probs in zip(processed, probabilities)]


def make_prediction(processed: Processed, probabilities: np.ndarray) -> Prediction:
    probabilities = probabilities / probabilities.sum()
    order = np.argsort(-probabilities)
    return Prediction(
        label=int(order[0]),
        top3=[(int(d), float(probabilities[d])) for d in order[:3]],
        probabilities=probabilities,
        steps=processed.steps,
        quality=score_quality(processed.contrast, processed.relative_size, processed.aspect_ratio),
        digit=processed.digit,
        warnings=processed.warnings,
    )
