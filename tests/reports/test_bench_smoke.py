"""The report benchmark script runs end to end (on a few rows; the real run is not a test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "bench_reports.py"


@pytest.mark.slow
def test_bench_reports_small_run():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--rows", "3000", "--repeat", "1"],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    lines = [line for line in out.splitlines() if line.startswith(("| csv", "| parquet"))]
    assert len(lines) == 2, out
    for line in lines:
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[3].startswith("**") and cells[3].endswith("x**"), line
        assert float(cells[3].strip("*x")) > 0
