"""Check the model's claim in one command: accuracy and loss on the 10,000 MNIST test images.

python benchmarks/evaluate.py                       # the model the app would load
python benchmarks/evaluate.py --model path/to/model.keras --data path/to/mnist.npz
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository first on the path, in place of this folder: this folder's numbers.py would shadow the
# standard library's numbers (which NumPy imports), so no import may come before this line.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import time

import numpy as np

from mnist_demo import DigitRecognizer
from mnist_demo.data import load_mnist, to_model_input


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="model path (default: the app's model resolution)")
    parser.add_argument("--data", default=None, help="MNIST .npz (default: $MNIST_NPZ, else Keras download)")
    args = parser.parse_args()

    (_, _), (x_test, y_test) = load_mnist(args.data)
    rec = DigitRecognizer.load(args.model)
    started = time.perf_counter()
    probabilities = np.concatenate([rec.probabilities(chunk) for chunk in np.array_split(to_model_input(x_test), 20)])
    seconds = time.perf_counter() - started
    predicted = probabilities.argmax(axis=1)
    loss = -np.log(np.clip(probabilities[np.arange(len(y_test)), y_test], 1e-12, 1)).mean()
    errors = int((predicted != y_test).sum())
    print(f"model: {rec.origin}")
    print(f"test accuracy: {1 - errors / len(y_test):.4%} ({errors} errors in {len(y_test)})")
    print(f"test cross-entropy: {loss:.4f}")
    print(f"inference: {seconds:.2f} s for {len(y_test)} images")


if __name__ == "__main__":
    main()
