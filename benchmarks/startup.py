"""Time from `python app.py` to the first answered /predict call (cold start, model load included).

python benchmarks/startup.py [--runs 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository first on the path, in place of this folder: this folder's numbers.py would shadow the
# standard library's numbers (which NumPy imports), so no import may come before this line.
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import argparse
import tempfile
import time

import numpy as np
from gradio_client import Client, handle_file

from tests.live_server import start_app, stop_app


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
