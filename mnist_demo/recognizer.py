"""``DigitRecognizer``: the one entry point for the app, the benchmarks and other programs."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from typing import TypedDict

import cv2
import keras
import numpy as np

from .errors import InvalidImage, NoDigitFound
from .glyph import MNIST_SIZE
from .images import load_image
from .loading import load_model_with_origin
from .model import NUM_CLASSES
from .numbers import draw_segmentation, number_page, segment
from .pipeline import Processed, finish, preprocess
from .quality import Quality, score_quality
from .saliency import heat_overlay, occlusion_map, on_the_crop
from .steps import Steps
from .verdict import Reason, decide

log = logging.getLogger(__name__)

TTA_ANGLES = (-10.0, -5.0, 0.0, 5.0, 10.0)
LOW_CONFIDENCE = 0.8  # a digit of a number read with less is highlighted as uncertain


class DigitProbability(TypedDict):
    digit: int
    probability: float


class QualityDict(TypedDict):
    score: int  # 0-100
    badge: str  # Excellent / Good / Average / Poor
    contrast: float
    relative_size: float
    aspect_ratio: float


class PredictionDict(TypedDict):
    """``Prediction.as_dict()``: what the JSON API returns (Gradio derives its schema from these types)."""

    label: int  # the likeliest digit; only a best guess when is_digit is false
    is_digit: bool
    digit_score: float  # 0-1, higher is more digit-like
    top3: list[DigitProbability]
    quality: QualityDict
    box: list[int]  # x, y, w, h of the digit in the input image
    reasons: list[str]  # codes: see mnist_demo.verdict.Reason
    warnings: list[str]  # the same, as messages for a person


@dataclass(frozen=True)
class Prediction:
    label: int  # the likeliest digit (also when is_digit is False: the best guess)
    top3: list[tuple[int, float]]  # (digit, probability), best first
    probabilities: np.ndarray  # shape (10,), over the digits, sums to 1
    steps: list[tuple[str, np.ndarray]]  # (caption, uint8 image), in pipeline order; empty unless asked for
    quality: Quality
    digit: np.ndarray  # the 28x28 float32 image the model saw
    warnings: list[str]  # messages for the user, one per reason
    is_digit: bool = True
    digit_score: float = 1.0  # 0-1, higher is more digit-like
    reasons: tuple[Reason, ...] = ()  # codes behind the warnings
    box: tuple[int, int, int, int] = (0, 0, 0, 0)  # x, y, w, h of the digit in the input image
    transform: np.ndarray | None = None  # 2x3 affine, input pixel -> 28x28 pixel
    saliency: np.ndarray | None = None  # 28x28, >= 0: what pushed the model to its answer (explain=True)

    def as_dict(self) -> PredictionDict:
        """JSON-ready summary (no images)."""
        return {
            "label": self.label,
            "is_digit": self.is_digit,
            "digit_score": round(self.digit_score, 4),
            "top3": [{"digit": d, "probability": round(p, 4)} for d, p in self.top3],
            "quality": self.quality.as_dict(),
            "box": list(self.box),
            "reasons": [reason.value for reason in self.reasons],
            "warnings": list(self.warnings),
        }


class DigitReading(TypedDict):
    digit: int
    confidence: float  # calibrated probability of this digit
    is_digit: bool
    top3: list[DigitProbability]
    box: list[int]  # x, y, w, h in the input image


class NumberDict(TypedDict):
    """``NumberReading.as_dict()``: what the JSON API returns for a number."""

    text: str  # the digits, left to right, e.g. "2026"
    confidence: float  # probability that the whole string is right
    digits: list[DigitReading]


@dataclass(frozen=True)
class NumberReading:
    text: str  # the digits read, left to right
    digits: list[Prediction]  # one per digit, left to right
    boxes: list[tuple[int, int, int, int]]  # x, y, w, h of each digit in the input image
    confidence: float  # probability that the whole string is right: the product of the digits'
    steps: list[tuple[str, np.ndarray]]  # the segmentation drawn on the input, for a gallery

    def as_dict(self) -> NumberDict:
        return {
            "text": self.text,
            "confidence": round(self.confidence, 4),
            "digits": [
                {
                    "digit": p.label,
                    "confidence": round(p.top3[0][1], 4),
                    "is_digit": p.is_digit,
                    "top3": [{"digit": d, "probability": round(q, 4)} for d, q in p.top3],
                    "box": list(p.box),
                }
                for p in self.digits
            ],
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
        """The model's outputs for a stack of 28x28 float images, one model call: (N, 12), ten digits, not a digit, several."""
        x = np.asarray(digits, np.float32).reshape(-1, MNIST_SIZE, MNIST_SIZE, 1)
        return self.forward(x).astype(np.float64)

    def digit_labels(self, digits: np.ndarray) -> np.ndarray:
        """The likeliest digit (0-9) for each of a stack of 28x28 float images."""
        return self.probabilities(digits)[:, :NUM_CLASSES].argmax(axis=1)

    def predict(
        self,
        image,
        source: str = "upload",
        tta: bool = False,
        remove_background: bool = False,
        steps: bool = False,
        explain: bool = False,
    ) -> Prediction:
        """Recognize the digit in one image (path, bytes, PIL image or array).

        Raises ``InvalidImage`` or ``NoDigitFound`` (both ``ValueError``, with a message
        for the user). ``steps`` records the pipeline's images for a gallery; ``explain``
        fills ``Prediction.saliency`` (and, with ``steps``, adds it to the gallery).
        """
        result = self.predict_batch(
            [image], source=source, tta=tta, remove_background=remove_background, steps=steps, explain=explain
        )[0]
        if isinstance(result, Exception):
            raise result
        return result

    def predict_batch(
        self,
        images,
        source: str = "upload",
        tta: bool = False,
        remove_background: bool = False,
        steps: bool = False,
        explain: bool = False,
    ) -> list[Prediction | InvalidImage | NoDigitFound]:
        """Recognize many images with one model call: for each, a ``Prediction`` or the problem it has.

        One unusable image never costs the others their answer.
        """
        results: list = []
        loaded: list = []
        for image in images:
            try:
                array = load_image(image)
                results.append(preprocess(array, source, remove_bg=remove_background, record_steps=steps))
                loaded.append(array)
            except (InvalidImage, NoDigitFound) as problem:
                results.append(problem)
        ready = [r for r in results if isinstance(r, Processed)]
        predictions = self.classify(ready, tta=tta)
        if explain:
            predictions = [self.explained(p, array, steps) for p, array in zip(predictions, loaded)]
        answers = iter(predictions)
        return [next(answers) if isinstance(r, Processed) else r for r in results]

    def explained(self, pred: Prediction, image: np.ndarray, steps: bool) -> Prediction:
        """The prediction with its saliency map (occlusion sensitivity), and in the gallery when steps are kept."""
        saliency = occlusion_map(self.probabilities, pred.digit, pred.label)
        shown = list(pred.steps)
        if steps:
            digit = (np.clip(pred.digit, 0, 1) * 255).astype(np.uint8)
            shown.append(("what decided: on the 28x28", heat_overlay(digit, saliency)))
            if pred.transform is not None and pred.box[2] > 0:
                shown.append(("what decided: on the input", on_the_crop(image, saliency, pred.transform, pred.box)))
        return replace(pred, saliency=saliency, steps=shown)

    def read_number(self, image, source: str = "sketch", tta: bool = False, steps: bool = True) -> NumberReading:
        """Read every digit of a handwritten number (1 to 12 digits), left to right.

        Raises ``InvalidImage`` or ``NoDigitFound`` like ``predict``; a single digit reads as a
        one-character string. ``steps`` draws the segmentation on the input for a gallery.
        """
        source = "sketch" if source == "mnist" else source
        page, regions = number_page(load_image(image), source)
        segments = segment(page, self.probabilities, regions)
        if not segments:
            raise NoDigitFound(Reason.SPECKS)
        empty = Steps(enabled=False)
        processed = [finish(page, s.region, s.glyph, (), empty) for s in segments]
        predictions = self.classify(processed, tta=tta)
        sure = [p.is_digit and p.top3[0][1] >= LOW_CONFIDENCE for p in predictions]
        labels = [str(p.label) for p in predictions]
        drawn = [("digits found", draw_segmentation(page.gray, segments, labels, sure))] if steps else []
        return NumberReading(
            text="".join(labels),
            digits=predictions,
            boxes=[p.box for p in predictions],
            confidence=float(np.prod([p.top3[0][1] for p in predictions])),
            steps=drawn,
        )

    def classify(self, processed: list[Processed], tta: bool = False) -> list[Prediction]:
        """Run the model on preprocessed digits (one call for all of them, extra views and TTA copies included)."""
        if not processed:
            return []
        views = [(p.digit, *p.glyph.extra_views) for p in processed]
        second_looks = [p.glyph.second_look for p in processed]
        images = [v for glyph in views for v in glyph] + [look for look in second_looks if look is not None]
        outputs = self.probabilities(np.concatenate([rotations(v) if tta else v[None] for v in images]))
        copies = len(TTA_ANGLES) if tta else 1
        averaged, start = [], 0
        for glyph in views:  # the mean over a glyph's views and their rotations
            stop = start + copies * len(glyph)
            averaged.append(outputs[start:stop].mean(axis=0))
            start = stop
        for i, look in enumerate(second_looks):
            if look is None:
                continue
            if wants_second_look(averaged[i], processed[i].glyph.low_resolution):
                averaged[i] = (averaged[i] + outputs[start : start + copies].mean(axis=0)) / 2
            start += copies
        return [make_prediction(p, out) for p, out in zip(processed, averaged)]


def wants_second_look(outputs: np.ndarray, low_resolution: bool) -> bool:
    """Whether to read a glyph at 16 px too: the model's two likeliest digits are a 1 and a 7 (a flag or a bar
    at the top of a stroke), or, for a small image's digit, include a 1 or a 7.

    Measured on held-out writers: a small image's digit also gains at 16 px when the model doubts between 1
    and 4 or 4 and 7, and loses on round digits (0 or 9, 3 or 5); any other digit gains on 1 against 7 only.
    """
    likeliest = set(np.argsort(outputs[:NUM_CLASSES])[-2:].tolist())
    return bool(likeliest & {1, 7}) if low_resolution else likeliest == {1, 7}


def make_prediction(processed: Processed, outputs: np.ndarray) -> Prediction:
    verdict = decide(outputs, processed.reasons)
    warnings = list(processed.warnings) + [r.message for r in verdict.reasons if r is not Reason.BACKGROUND_REMOVAL_UNAVAILABLE]
    return Prediction(
        label=verdict.label,
        top3=verdict.top3,
        probabilities=verdict.probabilities,
        steps=processed.steps,
        quality=score_quality(processed.contrast, processed.relative_size, processed.aspect_ratio),
        digit=processed.digit,
        warnings=warnings,
        is_digit=verdict.is_digit,
        digit_score=verdict.digit_score,
        reasons=verdict.reasons,
        box=processed.glyph.box,
        transform=processed.glyph.transform,
    )
