"""Optional background removal with rembg's small u2netp model.

rembg looks for the weights in ``$U2NET_HOME/u2netp.onnx`` when ``U2NET_HOME`` is
set, else in ``~/.rembg/models/u2netp/u2netp.onnx`` (``$REMBG_HOME`` or
``$XDG_DATA_HOME/rembg`` instead of ``~/.rembg``) or the older ``~/.u2net/u2netp.onnx``,
and downloads them there on first use. ``probe`` finds out once, with a short
timeout, whether they can be had (on disk, or downloadable), so that no request
waits for a download that cannot happen; where they cannot, the step is skipped
with a warning: the rest of the pipeline copes with cluttered backgrounds on its own.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.request

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "u2netp"
WEIGHTS_URL = "https://github.com/danielgatis/rembg/releases/download/v0.0.0/u2netp.onnx"
PROBE_SECONDS = 3.0  # how long the reachability check may take
RETRY_SECONDS = 600  # after a failure, requests skip the step for this long instead of retrying each time
UNAVAILABLE = "Background removal is unavailable ({reason}); the image was processed without it."

_lock = threading.Lock()
_session = None
_failure: tuple[float, str] | None = None  # (when, why)


def weights_on_disk() -> str | None:
    """Where rembg would find the u2netp weights without downloading them, or None."""
    try:
        from rembg.sessions.u2netp import U2netpSession
    except ImportError:
        return None
    return U2netpSession.resolve_existing(f"{MODEL_NAME}.onnx")


def weights_reachable(timeout: float = PROBE_SECONDS) -> bool:
    """Whether the weights' download address answers within ``timeout`` seconds."""
    try:
        with urllib.request.urlopen(urllib.request.Request(WEIGHTS_URL, method="HEAD"), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def probe(timeout: float = PROBE_SECONDS) -> tuple[bool, str | None]:
    """Find out whether background removal can work here, and get it ready if so.

    Weights on disk: the session is created now. Weights downloadable: they are
    downloaded now (this call may take as long as the download). Neither: the
    failure is remembered, so requests skip the step at once. Returns ``availability()``.
    """
    global _failure
    try:
        import rembg  # noqa: F401
    except ImportError:
        with _lock:
            _failure = (time.monotonic(), "rembg is not installed")
        return availability()
    if weights_on_disk() is None and not weights_reachable(timeout):
        with _lock:
            _failure = (time.monotonic(), f"the {MODEL_NAME} weights are not on this machine and cannot be downloaded")
        log.info("background removal unavailable: no %s weights on disk, and %s did not answer", MODEL_NAME, WEIGHTS_URL)
        return availability()
    rembg_session()
    return availability()


def availability() -> tuple[bool, str | None]:
    """(True, None) when the step can run now, else (False, why not)."""
    with _lock:
        if _session is not None:
            return True, None
        if _failure is not None:
            return False, _failure[1]
    return False, "not checked yet"


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
