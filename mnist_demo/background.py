"""Optional background removal with rembg's small u2netp model.

The ONNX session is created once, on first use. Where its weights cannot be had
(no network, no file in ``U2NET_HOME``), the step is skipped with a warning: the
rest of the pipeline copes with cluttered backgrounds on its own.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "u2netp"
UNAVAILABLE = "Background removal is unavailable ({reason}); the image was processed without it."


def weights_path() -> Path:
    """Where rembg keeps (or would download) the u2netp weights."""
    home = os.environ.get("U2NET_HOME", os.path.join(os.environ.get("XDG_DATA_HOME", "~"), ".u2net"))
    return Path(home).expanduser() / f"{MODEL_NAME}.onnx"


@functools.cache
def rembg_session():
    """The rembg session, or the reason there is none. Cached: the model loads once per process."""
    try:
        from rembg import new_session

        return new_session(MODEL_NAME), None
    except Exception as error:  # noqa: BLE001 - no rembg, no weights, no network: all mean "skip the step"
        log.warning("background removal unavailable: %s", error)
        reason = "rembg is not installed" if isinstance(error, ImportError) else f"its {MODEL_NAME} weights could not be loaded"
        return None, reason


def remove_background(rgb: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """RGBA image whose alpha keeps the foreground, or ``(None, warning)`` when unavailable."""
    session, reason = rembg_session()
    if session is None:
        return None, UNAVAILABLE.format(reason=reason)
    from rembg import remove

    try:
        rgba = remove(rgb, session=session, post_process_mask=True)
    except Exception as error:  # noqa: BLE001 - a failing optional step must not fail the prediction
        log.warning("background removal failed: %s", error)
        return None, UNAVAILABLE.format(reason="it failed on this image")
    return np.asarray(rgba), None
