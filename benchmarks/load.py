"""Load test: N concurrent gradio_client clients posting real images to /predict for T seconds.

    python benchmarks/load.py                      # 16 clients, 120 s
    python benchmarks/load.py --clients 4 --seconds 20

Launches `python app.py` itself on a free loopback port, and prints throughput,
p50/p95/p99 latency, the error count, and the server's resident memory (RSS)
sampled every second: start, peak, end, and per tenth of the run, to show whether it stays flat.
Every answer is checked against the digit in the example's file name: a wrong one is counted, not only an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository first on the path, in place of this folder: this folder's numbers.py would shadow the
# standard library's numbers (which NumPy imports), so no import may come before this line.
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import argparse
import ssl
import tempfile
import threading
import time

import numpy as np
from gradio_client import Client, handle_file

from tests.live_server import start_app, stop_app

# (file, source, label): drawings, photos and chalk, as the examples gallery offers them; the digit ends each name.
IMAGES = sorted(
    (str(p), "upload", int(p.stem.rsplit("_", 1)[1])) for p in (ROOT / "examples").glob("*") if p.suffix in (".png", ".jpg")
)


def rss_mib(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# gradio_client opens a new httpx connection per request, and each one would load the CA bundle
# again (tens of ms of CPU) unless handed a ready SSL context; on 2 cores that starves the server.
SSL_CONTEXT = ssl.create_default_context()


def client_loop(url: str, stop_at: float, latencies: list[float], errors: list[str], wrong: list[str], seed: int) -> None:
    client = Client(url, verbose=False, ssl_verify=SSL_CONTEXT)
    rng = np.random.default_rng(seed)
    while time.monotonic() < stop_at:
        path, source, label = IMAGES[int(rng.integers(len(IMAGES)))]
        started = time.perf_counter()
        try:
            result = client.predict(handle_file(path), source, False, api_name="/predict")
            latencies.append(time.perf_counter() - started)
        except Exception as error:  # noqa: BLE001 - every failure counts as an error
            errors.append(f"{type(error).__name__}: {error}")
            continue
        if result.get("label") != label or not result.get("is_digit"):  # an answer must be right, not only come back
            wrong.append(f"{Path(path).name}: {result.get('label')} (is_digit {result.get('is_digit')})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_app(Path(tmp) / "app.log")
        try:
            Client(url, verbose=False).predict(handle_file(IMAGES[0][0]), "upload", False, api_name="/predict")  # warm-up
            latencies: list[float] = []
            errors: list[str] = []
            wrong: list[str] = []
            samples: list[float] = [rss_mib(process.pid)]
            started = time.monotonic()
            stop_at = started + args.seconds
            threads = [
                threading.Thread(target=client_loop, args=(url, stop_at, latencies, errors, wrong, seed), daemon=True)
                for seed in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            while any(thread.is_alive() for thread in threads):
                time.sleep(1.0)
                samples.append(rss_mib(process.pid))
            elapsed = time.monotonic() - started
        finally:
            stop_app(process)

    ms = np.array(latencies) * 1000
    p50, p95, p99 = np.percentile(ms, (50, 95, 99)) if len(ms) else (float("nan"),) * 3
    tenths = [samples[min(len(samples) - 1, round(i * (len(samples) - 1) / 10))] for i in range(11)]
    print(f"clients {args.clients}, {elapsed:.0f} s, images: {len(IMAGES)} example files (source=upload, no TTA)")
    header = ("clients", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "wrong", "RSS start/peak/end MiB")
    print(" ".join(f"{name:>{width}}" for name, width in zip(header, (7, 8, 6, 7, 7, 7, 6, 6, 24))))
    print(
        f"{args.clients:>7} {len(latencies):>8} {len(latencies) / elapsed:>6.1f} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} "
        f"{len(errors):>6} {len(wrong):>6} {samples[0]:>8.0f} / {max(samples):.0f} / {samples[-1]:.0f}"
    )
    print("RSS per tenth of the run (MiB): " + " ".join(f"{v:.0f}" for v in tenths))
    for error in sorted(set(errors))[:5]:
        print("error:", error[:200])
    for answer in sorted(set(wrong))[:5]:
        print("wrong answer:", answer)


if __name__ == "__main__":
    main()
