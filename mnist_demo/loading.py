"""Find and load the trained model: an explicit path, a Hugging Face Hub repo, or the bundled file.

Resolution order:
1. ``source``, a local path, when given;
2. the Hub repo named by ``MNIST_DEMO_MODEL_REPO`` (file ``mnist_cnn.keras``, at the
   revision pinned by ``MNIST_DEMO_MODEL_REVISION``, default ``main``), through
   ``huggingface_hub.hf_hub_download``: its cache, ``HF_HUB_OFFLINE`` and ``HF_TOKEN`` apply;
3. the bundled ``models/mnist_cnn.keras``, also the fallback when the Hub cannot be reached.

A file from the Hub must match a SHA-256 digest: ``MNIST_DEMO_MODEL_SHA256`` when set,
else the digest recorded beside the bundled model (``models/metrics.json``, written by
train.py). A corrupt or substituted download is refused and the bundled model used.
Only ``.keras`` files are loaded, always with ``safe_mode=True``, which refuses Lambda
layers and other embedded code (requirements ask for a Keras whose safe mode has no
known bypass).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import keras

log = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
BUNDLED_MODEL = MODELS_DIR / "mnist_cnn.keras"
MODEL_FILENAME = "mnist_cnn.keras"


class ModelNotFound(FileNotFoundError):
    """No usable model file at any of the places the loader looks."""


class ModelChecksumMismatch(ValueError):
    """A downloaded model file is not the one that was pinned."""


def expected_sha256() -> str | None:
    """The digest a Hub download must have: the environment's, else the bundled model's record."""
    if os.environ.get("MNIST_DEMO_MODEL_SHA256"):
        return os.environ["MNIST_DEMO_MODEL_SHA256"].strip().lower()
    metrics = MODELS_DIR / "metrics.json"
    return json.loads(metrics.read_text()).get("sha256") if metrics.is_file() else None


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str | None) -> None:
    if expected is None:
        raise ModelChecksumMismatch("no SHA-256 is recorded for the model, so a download cannot be trusted")
    actual = sha256_file(path)
    if actual != expected:
        raise ModelChecksumMismatch(f"{path.name} has SHA-256 {actual[:12]}..., expected {expected[:12]}...: refusing it")


def download_from_hub(repo_id: str, revision: str | None = None) -> Path:
    """Path of ``mnist_cnn.keras`` from a Hub model repo, downloaded or from the local cache."""
    from huggingface_hub import hf_hub_download

    return Path(hf_hub_download(repo_id=repo_id, filename=MODEL_FILENAME, revision=revision or "main"))


def load_keras_file(path: Path) -> keras.Model:
    """Load a .keras file for inference; safe mode refuses Lambda layers and other code."""
    if not path.is_file():
        raise ModelNotFound(f"model file not found: {path}")
    if path.suffix != ".keras":
        raise ValueError(f"{path.name}: only Keras 3 .keras files are loaded (legacy formats bypass safe mode)")
    return keras.saving.load_model(path, compile=False, safe_mode=True)


def load_model_with_origin(source: str | os.PathLike | None = None) -> tuple[keras.Model, str]:
    """Load the model and say where it came from (for logs and the app's model tab)."""
    if source is not None:
        path = Path(source)
        log.info("loading model from %s", path)
        return load_keras_file(path), f"local file {path}"

    repo_id = os.environ.get("MNIST_DEMO_MODEL_REPO")
    if repo_id:
        revision = os.environ.get("MNIST_DEMO_MODEL_REVISION") or "main"
        try:
            path = download_from_hub(repo_id, revision)
            verify_sha256(path, expected_sha256())
            model = load_keras_file(path)
        except Exception as error:  # noqa: BLE001 - any Hub or file failure means: use the bundled model
            log.warning("could not load %s@%s from the Hugging Face Hub (%s); using the bundled model", repo_id, revision, error)
        else:
            log.info("loaded model from the Hugging Face Hub: %s@%s", repo_id, revision)
            return model, f"Hugging Face Hub {repo_id}@{revision}"

    log.info("loading bundled model %s", BUNDLED_MODEL)
    return load_keras_file(BUNDLED_MODEL), f"bundled {BUNDLED_MODEL.relative_to(MODELS_DIR.parent)}"


def load_model(source: str | os.PathLike | None = None) -> keras.Model:
    """The Keras model, from ``source``, the Hub or the bundled file (see the module docstring)."""
    return load_model_with_origin(source)[0]
