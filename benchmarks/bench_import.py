"""Cost of ``import onestop`` against the anchor ``import pydantic``, in fresh interpreters.

Run: ``python3 benchmarks/bench_import.py [--repeat 15]``. Each figure is the median wall time
of the import statement alone, measured inside a new Python process, so caches of earlier
imports do not help.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

TARGETS = {
    "pydantic (anchor)": "import pydantic",
    "onestop": "import onestop",
    "onestop.models": "import onestop.models",
    "onestop.deadlines": "import onestop.deadlines",
    "onestop + first Dossier use": "import onestop; onestop.Dossier",
}

PROBE = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def measure(stmt: str, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(stmt=stmt)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(float(out.strip()))
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    anchor = measure(TARGETS["pydantic (anchor)"], args.repeat)
    print(f"{'import':32} {'median ms':>10} {'x pydantic':>11}")
    for name, stmt in TARGETS.items():
        t = anchor if name.startswith("pydantic") else measure(stmt, args.repeat)
        print(f"{name:32} {t * 1000:10.1f} {t / anchor:11.2f}")


if __name__ == "__main__":
    main()
