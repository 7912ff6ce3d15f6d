"""Time from `python app.py` to the first answered /predict call (cold start, model load included).

python benchmarks/startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gradio_client import Client, handle_file  # noqa: E402

from tests.live_server import start_app, stop_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    image = str(ROOT / "examples" / "drawn_7.png")
    times = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            process, url = start_app(Path(tmp) / "app.log", timeout=180)
            try:
                label = Client(url, verbose=False).predict(handle_file(image), "sketch", False, api_name="/predict")["label"]
                times.append(time.perf_counter() - started)
            finally:
                stop_app(process)
        print(f"run {run + 1}: {times[-1]:.1f} s to the first answer (label {label})")
    print(f"startup to first answered API call: median {np.median(times):.1f} s over {len(times)} runs")


if __name__ == "__main__":
    main()
