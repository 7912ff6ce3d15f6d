"""Every benchmark script starts from the command line, as the README runs it (``python benchmarks/x.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "benchmarks").glob("*.py"))


def test_every_benchmark_script_starts_and_shows_its_usage():
    # --help runs every import first: a script whose folder shadowed a standard module (numbers) would fail here.
    assert any(script.name == "numbers.py" for script in SCRIPTS)
    running = {
        script.name: subprocess.Popen(
            [sys.executable, str(script), "--help"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for script in SCRIPTS
    }
    for name, process in running.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0 and "usage:" in out, f"{name}: {err[-2000:]}"
