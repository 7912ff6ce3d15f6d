"""Train the MNIST CNN and write the model with its report into models/.

One story, top to bottom: data, model, training, a single evaluation on the
test set, reports. Every default below can be overridden from the command line:

    python train.py                       # the bundled model (about 30 min on 2 CPU cores)
    python train.py --epochs 3 --train-limit 5000 --out-dir /tmp/quick
    python train.py --push-to-hub you/mnist-cnn

Model selection (the checkpoint kept) looks only at a validation split carved
from the training set; the test set is used once, at the very end.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mnist_demo import report
from mnist_demo.data import load_mnist, to_model_input
from mnist_demo.loading import sha256_file
from mnist_demo.model import NUM_CLASSES, build_model

DEFAULTS = {
    "data": None,  # .npz path; else $MNIST_NPZ; else Keras downloads MNIST
    "out_dir": "models",
    "epochs": 25,
    "batch_size": 128,
    "learning_rate": 2e-3,  # peak, reached after one warm-up epoch, then cosine decay to zero
    "weight_decay": 0.05,  # AdamW multiplies it by the learning rate: 1e-4 here would do nothing
    "label_smoothing": 0.1,
    "dropout": 0.3,
    "bn_momentum": 0.99,  # batch norm's running statistics; 0.9 for runs of a few hundred steps
    "val_size": 5000,  # images carved from the training set for model selection
    "train_limit": 0,  # use only the first N training images (0 = all); for quick runs
    "rotation_deg": 10.0,
    "shift": 0.1,  # fraction of the image size
    "zoom": 0.1,
    "shear": 0.1,
    "seed": 42,
    "push_to_hub": None,  # repo id, e.g. "you/mnist-cnn"
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for key, default in DEFAULTS.items():
        kind = type(default) if default is not None else str
        parser.add_argument("--" + key.replace("_", "-"), type=kind, default=default, metavar=kind.__name__.upper())
    return parser.parse_args()


def random_affine(images: tf.Tensor, args: argparse.Namespace) -> tf.Tensor:
    """One random affine transform per image: rotation, zoom, shear and shift, as handwriting varies.

    Composed into a single matrix, so each image is resampled once: chaining one
    Keras layer per transform blurs the strokes at every step, and a model trained
    on blurred digits does worse on sharp ones. Pixels moved in from outside are
    background (0), as in MNIST.
    """
    n = tf.shape(images)[0]
    size = tf.cast(tf.shape(images)[1], tf.float32)

    def uniform(limit: float) -> tf.Tensor:
        return tf.random.uniform([n], -limit, limit)

    angle = uniform(args.rotation_deg * np.pi / 180)
    shear = uniform(args.shear)
    zoom_x, zoom_y = 1 + uniform(args.zoom), 1 + uniform(args.zoom)
    shift_x, shift_y = uniform(args.shift) * size, uniform(args.shift) * size
    cos, sin = tf.cos(angle), tf.sin(angle)
    # Output pixel -> input pixel: rotation x shear x zoom about the centre, then the shift.
    a0, a1 = cos * zoom_x, (cos * shear - sin) * zoom_y
    b0, b1 = sin * zoom_x, (sin * shear + cos) * zoom_y
    centre = (size - 1) / 2
    a2 = centre + shift_x - (a0 + a1) * centre
    b2 = centre + shift_y - (b0 + b1) * centre
    zeros = tf.zeros([n])
    transforms = tf.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
    return keras.ops.image.affine_transform(images, transforms, interpolation="bilinear", fill_mode="constant", fill_value=0)


def make_dataset(x: np.ndarray, y: np.ndarray, args: argparse.Namespace, augment: bool = False) -> tf.data.Dataset:
    """Batches of (float images, one-hot labels); shuffled and augmented when training."""
    ds = tf.data.Dataset.from_tensor_slices((to_model_input(x), keras.utils.to_categorical(y, NUM_CLASSES)))
    if augment:
        ds = ds.shuffle(len(x), seed=args.seed, reshuffle_each_iteration=True)
    ds = ds.batch(args.batch_size)
    if augment:
        ds = ds.map(lambda images, labels: (random_affine(images, args), labels), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def main() -> None:
    args = parse_args()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(args.seed)

    # Data: a validation split from the training set; the test set stays untouched until the end.
    (x_train, y_train), (x_test, y_test) = load_mnist(args.data)
    order = np.random.default_rng(args.seed).permutation(len(x_train))
    if args.train_limit:
        order = order[: args.train_limit]
    val_size = min(args.val_size, len(order) // 5)
    val_idx, train_idx = order[:val_size], order[val_size:]
    train_ds = make_dataset(x_train[train_idx], y_train[train_idx], args, augment=True)
    val_ds = make_dataset(x_train[val_idx], y_train[val_idx], args)
    print(f"train {len(train_idx)}, validation {len(val_idx)}, test {len(x_test)} images")

    # Model
    model = build_model(dropout=args.dropout, bn_momentum=args.bn_momentum)
    steps = len(train_ds) * args.epochs
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0,
        warmup_target=args.learning_rate,
        warmup_steps=len(train_ds),
        decay_steps=steps - len(train_ds),
    )
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=schedule, weight_decay=args.weight_decay),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=args.label_smoothing),
        metrics=["accuracy"],
    )
    model.summary()

    # Training: keep the weights of the epoch with the best validation accuracy.
    with tempfile.TemporaryDirectory() as tmp:
        best_weights = str(Path(tmp) / "best.weights.h5")
        started = time.perf_counter()
        history = model.fit(
            train_ds,
            validation_data=val_ds,
            epochs=args.epochs,
            callbacks=[
                keras.callbacks.ModelCheckpoint(
                    best_weights, monitor="val_accuracy", save_best_only=True, save_weights_only=True
                ),
            ],
            verbose=2,
        )
        train_seconds = time.perf_counter() - started
        model.load_weights(best_weights)
    best_epoch = int(np.argmax(history.history["val_accuracy"])) + 1

    # Evaluation: once, on the test set.
    test_loss, test_accuracy = model.evaluate(make_dataset(x_test, y_test, args), verbose=0)
    probabilities = model.predict(to_model_input(x_test), batch_size=1000, verbose=0)
    predicted = probabilities.argmax(axis=1)
    print(f"test accuracy {test_accuracy:.4%} ({int((predicted != y_test).sum())} errors), test loss {test_loss:.4f}")

    # Reports: the model without its optimizer state, metrics, figures, model card.
    model_path = out_dir / "mnist_cnn.keras"
    inference_model = build_model(dropout=args.dropout, bn_momentum=args.bn_momentum)
    inference_model.set_weights(model.get_weights())
    inference_model.save(model_path)
    metrics = {
        "test_accuracy": round(float(test_accuracy), 6),
        "test_loss": round(float(test_loss), 6),
        "test_errors": int((predicted != y_test).sum()),
        "validation_accuracy": round(float(max(history.history["val_accuracy"])), 6),
        "parameters": int(model.count_params()),
        "epochs": args.epochs,
        "best_epoch": best_epoch,
        "train_images": int(len(train_idx)),
        "validation_images": int(len(val_idx)),
        "training_seconds": round(train_seconds, 1),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores",
        "per_class_accuracy": {str(d): round(float((predicted[y_test == d] == d).mean()), 6) for d in range(NUM_CLASSES)},
        "versions": {
            "python": platform.python_version(),
            "keras": keras.__version__,
            "tensorflow": tf.__version__,
            "numpy": np.__version__,
        },
        "config": {k: v for k, v in vars(args).items() if k not in ("data", "out_dir", "push_to_hub")},
        "date": datetime.date.today().isoformat(),
        "sha256": sha256_file(model_path),
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (out_dir / "history.json").write_text(
        json.dumps({k: [round(float(v), 6) for v in vs] for k, vs in history.history.items() if k != "learning_rate"}, indent=2)
        + "\n"
    )
    report.plot_training_curves(history.history, out_dir / "training_curves.png")
    report.plot_confusion_matrix(y_test, predicted, out_dir / "confusion_matrix.png")
    report.plot_misclassified(x_test, y_test, probabilities, out_dir / "misclassified.png")
    (out_dir / "README.md").write_text(report.model_card(metrics))
    print(f"wrote {model_path} ({model_path.stat().st_size / 1e6:.1f} MB) and its report to {out_dir}/")

    if args.push_to_hub:
        from huggingface_hub import upload_folder

        upload_folder(repo_id=args.push_to_hub, folder_path=out_dir, repo_type="model", commit_message="Upload MNIST CNN")
        print(f"pushed {out_dir}/ to https://huggingface.co/{args.push_to_hub}")


if __name__ == "__main__":
    main()
