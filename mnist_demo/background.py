"""Optional background removal with rembg's small u2netp model.

The ONNX session is created once, on first use. Where its weights cannot be had
(no network, no file in ``U2NET_HOME``), the step is skipped with a warning: the
rest of the pipeline copes with cluttered backgrounds on its own.
"""

from __future__ import annotations

import logging
import threading
import time

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "u2netp"
UNAVAILABLE = "Background removal is unavailable ({reason}); the image was processed without it."


RETRY_SECONDS = 600  # after a failure, requests skip the step for this long instead of retrying each time

_lock = threading.Lock()
_session = None
_failure: tuple[float, str] | None = None  # (when, why)


def rembg_session():
    """The rembg session, created once per process (under a lock: requests arrive in parallel).

    Returns ``(session, None)`` or ``(None, reason)``. A failure is remembered for
    RETRY_SECONDS only: the weights may become reachable later.
    """
    global _session, _failure
    with _lock:
        if _session is not None:
            return _session, None
        if _failure is not None and time.monotonic() - _failure[0] < RETRY_SECONDS:
            return None, _failure[1]
        try:
            from rembg import new_session

            _session, _failure = new_session(MODEL_NAME), None
            return _session, None
        except Exception as error:  # noqa: BLE001 - no rembg, no weights, no network: all mean "skip the step"
            log.warning("background removal unavailable: %s", error)
            missing = isinstance(error, ImportError)
            reason = "rembg is not installed" if missing else f"its {MODEL_NAME} weights could not be loaded"
            _failure = (time.monotonic(), reason)
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
