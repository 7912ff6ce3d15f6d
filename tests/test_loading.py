"""Model resolution: an explicit path, a Hub repo (from a pre-filled cache, offline), the bundled fallback."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import pytest

from mnist_demo.loading import (
    BUNDLED_MODEL,
    MODEL_FILENAME,
    ModelNotFound,
    load_keras_file,
    load_model,
    load_model_with_origin,
    sha256_file,
)
from mnist_demo.model import build_model

ROOT = Path(__file__).resolve().parent.parent
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def small_model_file(tmp_path_factory) -> Path:
    model = build_model()
    model.name = "from_the_hub"
    path = tmp_path_factory.mktemp("model") / MODEL_FILENAME
    model.save(path)
    return path


def fill_hub_cache(cache: Path, repo_id: str, model_file: Path) -> None:
    """Lay out a Hugging Face cache as huggingface_hub does: blobs, refs and snapshot symlinks."""
    repo_dir = cache / ("models--" + repo_id.replace("/", "--"))
    blob = repo_dir / "blobs" / hashlib.sha256(model_file.read_bytes()).hexdigest()
    blob.parent.mkdir(parents=True)
    blob.write_bytes(model_file.read_bytes())
    (repo_dir / "refs").mkdir()
    (repo_dir / "refs" / "main").write_text(COMMIT)
    snapshot = repo_dir / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    (snapshot / MODEL_FILENAME).symlink_to(os.path.relpath(blob, snapshot))


def load_in_subprocess(env_overrides: dict[str, str]) -> str:
    """Resolve the model in a fresh interpreter (huggingface_hub reads HF_* variables at import)."""
    env = {**os.environ, **env_overrides}
    code = "from mnist_demo.loading import load_model_with_origin as f; m, o = f(); print(m.name); print(o)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_explicit_path(small_model_file):
    model, origin = load_model_with_origin(small_model_file)
    assert model.name == "from_the_hub" and "local file" in origin


def test_explicit_path_that_does_not_exist(tmp_path):
    with pytest.raises(ModelNotFound, match="missing.keras"):
        load_model(tmp_path / "missing.keras")


@pytest.mark.parametrize("revision", ["main", COMMIT])
def test_hub_repo_from_a_prefilled_cache_offline(tmp_path, small_model_file, revision):
    fill_hub_cache(tmp_path / "hub", "someone/mnist-cnn", small_model_file)
    out = load_in_subprocess(
        {
            "HF_HUB_CACHE": str(tmp_path / "hub"),
            "HF_HUB_OFFLINE": "1",
            "MNIST_DEMO_MODEL_REPO": "someone/mnist-cnn",
            "MNIST_DEMO_MODEL_REVISION": revision,
            "MNIST_DEMO_MODEL_SHA256": sha256_file(small_model_file),
        }
    )
    assert out.splitlines() == ["from_the_hub", f"Hugging Face Hub someone/mnist-cnn@{revision}"]


def test_a_substituted_hub_file_is_refused_for_the_bundled_model(tmp_path, small_model_file):
    """The cache holds a valid model, but not the pinned one: its digest differs from the bundled record."""
    fill_hub_cache(tmp_path / "hub", "someone/mnist-cnn", small_model_file)
    env = {"HF_HUB_CACHE": str(tmp_path / "hub"), "HF_HUB_OFFLINE": "1", "MNIST_DEMO_MODEL_REPO": "someone/mnist-cnn"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import logging; logging.basicConfig(); from mnist_demo import load_model; print(load_model().name)",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["mnist_cnn"]
    assert "refusing it" in result.stderr and "using the bundled model" in result.stderr


def test_safe_mode_refuses_a_model_with_a_lambda_layer(tmp_path):
    inputs = keras.Input((28, 28, 1))
    outputs = keras.layers.Dense(10)(keras.layers.Flatten()(keras.layers.Lambda(lambda x: x * 2.0)(inputs)))
    path = tmp_path / "lambda.keras"
    keras.Model(inputs, outputs).save(path)
    with pytest.raises(ValueError, match="(?i)lambda|safe_mode"):
        load_keras_file(path)


def test_unreachable_hub_falls_back_to_the_bundled_model(tmp_path):
    out = load_in_subprocess(
        {"HF_HUB_CACHE": str(tmp_path / "empty"), "HF_HUB_OFFLINE": "1", "MNIST_DEMO_MODEL_REPO": "someone/not-cached"}
    )
    assert out.splitlines() == ["mnist_cnn", "bundled models/mnist_cnn.keras"]


def test_bundled_model_is_small_and_loads_in_safe_mode():
    assert BUNDLED_MODEL.stat().st_size < 10 * 1024 * 1024
    model = keras.saving.load_model(BUNDLED_MODEL, compile=False, safe_mode=True)
    assert model.count_params() <= 400_000


def test_bundled_model_is_the_one_its_record_and_the_code_describe():
    metrics = json.loads((BUNDLED_MODEL.parent / "metrics.json").read_text())
    assert sha256_file(BUNDLED_MODEL) == metrics["sha256"]
    shipped, built = load_keras_file(BUNDLED_MODEL), build_model()
    assert [layer.name for layer in shipped.layers] == [layer.name for layer in built.layers]
    assert shipped.count_params() == built.count_params() == metrics["parameters"]


def test_only_keras_files_are_loaded(tmp_path):
    legacy = tmp_path / "model.h5"
    legacy.write_bytes(b"HDF")
    with pytest.raises(ValueError, match="only Keras 3 .keras files"):
        load_keras_file(legacy)
