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


def test_numbers_runs_one_cell_alone_with_the_rows_asked_for():
    # One cell, read closer (--n 1000), is how the 4-digit bar is checked beyond sampling noise: the other rows stay out.
    options = ["--digits", "mnist", "--media", "canvas", "--lengths", "4", "--no-gaps", "--n", "2"]
    done = subprocess.run(
        [sys.executable, "benchmarks/numbers.py", *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and "%" in line]
    assert [row.split(" | ")[0] for row in rows] == ["| 4 digits, gaps 15-60%", "| **4 digits, one touching pair**"]
    assert "latency, a 6-digit sketch: p50" in done.stdout
