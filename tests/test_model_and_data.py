"""The network's shape and budget, and loading MNIST from .npz files good and bad."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_demo.data import MnistFileError, load_mnist, read_mnist_npz
from mnist_demo.model import MAX_PARAMS, NUM_OUTPUTS, build_model, layer_table


def test_model_maps_a_batch_of_digits_to_probabilities():
    model = build_model()
    out = np.asarray(model(np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32), training=False))
    assert out.shape == (3, NUM_OUTPUTS)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


def test_model_has_four_conv_blocks_within_the_parameter_budget():
    model = build_model()
    assert model.count_params() <= MAX_PARAMS
    filters = {layer.name.split("_")[0]: layer.filters for layer in model.layers if type(layer).__name__ == "Conv2D"}
    assert filters == {"block1": 32, "block2": 64, "block3": 128, "block4": 256}
    pools = [layer.name for layer in model.layers if type(layer).__name__ == "MaxPooling2D"]
    assert pools == ["block1_pool", "block2_pool"]
    assert [row[0] for row in layer_table(model)][-1] == "probabilities"


def write_npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def good_arrays(n_train=12, n_test=5):
    rng = np.random.default_rng(0)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test).astype(np.uint8),
    }


def test_reads_a_good_file_from_a_path_and_from_the_environment(tmp_path, monkeypatch):
    arrays = good_arrays()
    path = write_npz(tmp_path / "mnist.npz", **arrays)
    (x_train, y_train), (x_test, y_test) = load_mnist(path)
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    monkeypatch.setenv("MNIST_NPZ", str(path))
    (_, _), (x_env, _) = load_mnist()
    np.testing.assert_array_equal(x_env, arrays["x_test"])


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(MnistFileError, match="not found.*nowhere.npz"):
        load_mnist(tmp_path / "nowhere.npz")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.pop("y_test"), "lacks the key.*y_test"),
        (lambda a: a.update(x_train=a["x_train"].astype(np.float32)), "x_train has dtype float32"),
        (lambda a: a.update(x_test=a["x_test"][:, :20]), "x_test has shape"),
        (lambda a: a.update(y_train=a["y_train"][:3]), "12 images but y_train has 3 labels"),
        (lambda a: a.update(y_test=a["y_test"] + 10), "labels above 9"),
    ],
)
def test_malformed_file_says_what_is_wrong(tmp_path, change, message):
    arrays = good_arrays()
    change(arrays)
    path = write_npz(tmp_path / "bad.npz", **arrays)
    with pytest.raises(MnistFileError, match=message):
        read_mnist_npz(path)


def test_a_file_that_is_not_npz_is_a_clear_error(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"this is not a zip archive")
    with pytest.raises(MnistFileError, match="not a readable .npz"):
        read_mnist_npz(path)
