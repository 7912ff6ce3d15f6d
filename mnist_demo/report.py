"""What training leaves beside the model: figures and a model card."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, never a window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_training_curves(history: dict[str, list[float]], path: Path) -> None:
    """Loss and accuracy per epoch, training beside validation."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, history["loss"], label="training")
    ax_loss.plot(epochs, history["val_loss"], label="validation")
    ax_loss.set(title="Loss (with label smoothing)", xlabel="epoch")
    ax_acc.plot(epochs, history["accuracy"], label="training (augmented)")
    ax_acc.plot(epochs, history["val_accuracy"], label="validation")
    ax_acc.set(title="Accuracy", xlabel="epoch", ylim=(0.97, 1.0))
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_confusion_matrix(labels: np.ndarray, predicted: np.ndarray, path: Path) -> None:
    """10x10 counts on the test set; the diagonal is dimmed so the errors stand out."""
    matrix = np.zeros((10, 10), dtype=int)
    np.add.at(matrix, (labels, predicted), 1)
    errors = matrix.copy()
    np.fill_diagonal(errors, 0)
    fig, ax = plt.subplots(figsize=(6.5, 6))
    ax.imshow(errors, cmap="Reds")
    for true in range(10):
        for pred in range(10):
            count = matrix[true, pred]
            if count:
                color = "gray" if true == pred else "black"
                ax.text(pred, true, str(count), ha="center", va="center", fontsize=8, color=color)
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted", ylabel="true", title="Confusion matrix (MNIST test set)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def reliability_bins(confidence: np.ndarray, correct: np.ndarray, bins: int = 15) -> list[tuple[float, float, int]]:
    """(mean confidence, accuracy, count) per equal-width confidence bin that holds any prediction."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            rows.append((float(confidence[inside].mean()), float(np.mean(correct[inside])), int(inside.sum())))
    return rows


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 15) -> float:
    """ECE: the gap between confidence and accuracy, averaged over bins weighted by their size."""
    total = len(confidence)
    return float(sum(count / total * abs(conf - acc) for conf, acc, count in reliability_bins(confidence, correct, bins)))


def plot_reliability(confidence: np.ndarray, correct: np.ndarray, path: Path, title: str = "MNIST test set") -> None:
    """Reliability diagram: accuracy against confidence per bin; a calibrated model follows the diagonal."""
    rows = reliability_bins(confidence, correct)
    ece = expected_calibration_error(confidence, correct)
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.plot([0, 1], [0, 1], color="gray", linestyle="--", label="perfect calibration")
    ax.plot([r[0] for r in rows], [r[1] for r in rows], marker="o", label=f"model (ECE {ece:.2%})")
    for conf, acc, count in rows:
        ax.annotate(str(count), (conf, acc), textcoords="offset points", xytext=(4, -10), fontsize=7, color="gray")
    ax.set(xlabel="confidence (top digit)", ylabel="accuracy", title=f"Reliability, {title}", xlim=(0, 1.02), ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_misclassified(images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray, path: Path, limit: int = 40) -> None:
    """The test errors (up to ``limit``, most confident first) with true and predicted labels."""
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    wrong = wrong[np.argsort(-probabilities[wrong, predicted[wrong]])][:limit]
    cols = 10
    rows = max(1, int(np.ceil(len(wrong) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.45), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, wrong):
        ax.imshow(images[index], cmap="gray_r")
        ax.set_title(f"{labels[index]}→{predicted[index]} ({probabilities[index, predicted[index]]:.0%})", fontsize=8)
    fig.suptitle(f"Misclassified test images: true→predicted (confidence), {len(np.flatnonzero(predicted != labels))} in all")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def model_card(metrics: dict) -> str:
    """models/README.md: a Hugging Face model card, so the folder can be pushed as it is."""
    per_class = " | ".join(f"{v:.2%}" for v in metrics["per_class_accuracy"].values())
    config = metrics["config"]
    return f"""---
library_name: keras
license: mit
datasets:
- mnist
pipeline_tag: image-classification
tags:
- mnist
- digit-recognition
- keras
model-index:
- name: mnist_cnn
  results:
  - task:
      type: image-classification
    dataset:
      name: MNIST
      type: mnist
      split: test
    metrics:
    - type: accuracy
      value: {metrics["test_accuracy"]}
---

# MNIST CNN (mnist-demo)

A small convolutional network that recognizes handwritten digits, trained for the
mnist-demo app. Input: a 28x28x1 float image in [0, 1], white digit on black, centred
by centre of mass in a 20x20 box as MNIST itself was made. Output: twelve calibrated
softmax probabilities: the ten digits, "not a digit" (index 10: letters, symbols,
scribbles, noise) and "several digits" (index 11: two digits written into each other,
which a number reader must cut apart).

| | |
|---|---|
| Test accuracy | **{metrics["test_accuracy"]:.2%}** ({metrics["test_errors"]} errors in 10,000) |
| Test loss | {metrics["test_loss"]:.4f} (cross-entropy, calibrated) |
| Calibration | temperature {metrics["temperature"]}, expected calibration error {metrics["test_ece"]:.2%} on the test set |
| MNIST test digits flagged "not a digit" | {metrics["test_flagged_not_digit"]:.2%} |
| Parameters | {metrics["parameters"]:,} |
| Epochs | {metrics["epochs"]} (weights of epoch {metrics["best_epoch"]}, best on validation) |
| Training images | {metrics["train_images"]:,} ({metrics["validation_images"]:,} more held out for validation) |
| Training time | {metrics["training_seconds"] / 60:.0f} min on {metrics["machine"]} |

Per-class test accuracy (0-9): {per_class}

## Architecture
Four convolution blocks with 32, 64, 128 and 256 filters, each convolution followed by
batch normalization and ReLU: block 1 one 3x3 convolution, blocks 2 and 3 two 3x3
convolutions each, block 4 a 1x1 convolution; 2x2 max-pooling after blocks 1 and 2;
global average pooling; dropout {config["dropout"]}; dense layer of 11 logits, divided by the
fitted temperature (a `Rescaling` layer), softmax.

## Training
AdamW (peak learning rate {config["learning_rate"]}, weight decay {config["weight_decay"]}), one
warm-up epoch then cosine decay, batch {config["batch_size"]}, label smoothing {config["label_smoothing"]}.
Augmentation: one random affine transform per image (a single resampling): rotation
±{config["rotation_deg"]}°, zoom ±{config["zoom"]:.0%} per axis, shear {config["shear"]}, shift ±{config["shift"]:.0%};
before it, for a share of the images each: thicker ({config["thicken"]:.0%}) or thinner ({config["thin"]:.0%}) strokes,
elastic distortion ({config["elastic"]:.0%}), blur ({config["blur"]:.0%}), low resolution ({config["low_res"]:.0%}).
The temperature is fitted on the validation split after training.

Data: the MNIST training set; UNIPEN stylus digits and letters (the letters as "not a digit",
less those written like a digit: O o D Q I l i Z z S s B b G g q) from the writer sites
that are not held out (`mnist_demo.data.HELD_OUT_SITES`); {config["generated_negatives"]:,} generated
symbols, scribbles, shapes, noise and textures, also "not a digit".
Seed {config["seed"]}. Reproduce with `python train.py` in the mnist-demo repository;
check with `python benchmarks/evaluate.py`.

## Files
`mnist_cnn.keras` (Keras 3 format, load with `keras.saving.load_model(path, safe_mode=True)`;
SHA-256 `{metrics["sha256"]}`), `metrics.json`, `history.json`, `training_curves.png`,
`confusion_matrix.png`, `misclassified.png`, `reliability.png`.

## Data
MNIST (Yann LeCun, Corinna Cortes, Christopher J.C. Burges), CC BY-SA 3.0. UNIPEN
train_r01_v07 (International Unipen Foundation), CC BY 4.0.
"""
