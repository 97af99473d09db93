"""Cost of ``import onestop`` against the anchor ``import pydantic``, in fresh interpreters.

Run: ``python3 benchmarks/bench_import.py [--repeat 15]``. Each figure is the median wall time
of the import statement alone, measured inside a new Python process, so caches of earlier
imports do not help.

Two settings are measured, because they differ a lot for onestop (a source checkout) and not
for pydantic (installed with its bytecode):

* ``cached``: as after ``pip install``: bytecode is compiled once (into a private
  ``PYTHONPYCACHEPREFIX`` directory, so the source tree is not touched) and reused;
* ``no bytecode``: with ``PYTHONDONTWRITEBYTECODE=1`` and no cache, as in this project's
  shared development machine: every onestop module is compiled from source at each import.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

TARGETS = {
    "pydantic (anchor)": "import pydantic",
    "onestop": "import onestop",
    "onestop + stub parse (__all__)": "import onestop; onestop.__all__",
    "onestop.models": "import onestop.models",
    "onestop.deadlines": "import onestop.deadlines",
    "onestop + first Dossier use": "import onestop; onestop.Dossier",
}

PROBE = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def run_once(stmt: str, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(stmt=stmt)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return float(out.strip())


def measure(stmt: str, repeat: int, env: dict[str, str]) -> float:
    run_once(stmt, env)  # warm-up: fills the bytecode cache when there is one
    return statistics.median(run_once(stmt, env) for _ in range(repeat))


def environments(cache_dir: str) -> dict[str, dict[str, str]]:
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPYCACHEPREFIX",)}
    cached = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = cache_dir
    uncached = {**base, "PYTHONDONTWRITEBYTECODE": "1"}
    return {"cached": cached, "no bytecode": uncached}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="onestop-bench-pyc-") as cache_dir:
        for label, env in environments(cache_dir).items():
            anchor = measure(TARGETS["pydantic (anchor)"], args.repeat, env)
            print(f"[{label}] {'import':32} {'median ms':>10} {'x pydantic':>11}")
            for name, stmt in TARGETS.items():
                t = anchor if name.startswith("pydantic") else measure(stmt, args.repeat, env)
                print(f"[{label}] {name:32} {t * 1000:10.1f} {t / anchor:11.2f}")
            print()


if __name__ == "__main__":
    main()
