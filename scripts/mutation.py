"""A sampled mutation run over the deadline core and the identifiers (mutmut).

mutmut (configured in ``pyproject.toml``, ``[tool.mutmut]``) makes every mutant of the modules
listed in ``only_mutate`` (the deadline engine, ``onestop.tz``, the procedure, agency and
identity models: about 8,200 mutants) and runs, for each mutant, the tests of
``tests/deadlines``, ``tests/models``, ``tests/test_tz.py`` and ``tests/test_architecture.py``
that reach the mutated function. Running all of them takes hours on two cores, so this script
runs a seeded random sample: the same seed and size give the same mutants, as long as the
mutated modules do not change.

Usage (from the repository root, in the dev environment, with mutmut installed by
``python3 -m pip install --group mutation``)::

    python3 scripts/mutation.py                      # 150 mutants, seed 10, at least 95 % killed
    python3 scripts/mutation.py --size 400 --seed 3  # another, larger sample
    python3 scripts/mutation.py --only onestop.tz    # every mutant of the modules named

It prints the sample's outcome per module and every survivor (``python3 -m mutmut show NAME``
prints its diff), and exits 1 when the share of detected mutants (killed, or timed out: a
mutant that makes a test loop forever is caught too) is below ``--fail-under``. mutmut keeps
its work in ``mutants/`` (git-ignored); delete that folder to start from scratch.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A few mutants of a small module: running them makes mutmut generate every mutant and map
#: the tests to the functions they reach, after which the names can be listed and sampled.
BOOTSTRAP = "onestop.tz.x_*__mutmut_1"
DETECTED = ("killed", "timeout")
#: Mutants of the default sample read and found equivalent (no behaviour can tell them from the
#: original), with the reason. They are left out of the share. Names follow mutmut's numbering,
#: so an edit of the function renames them: check a survivor before adding it here.
EQUIVALENT = {
    "onestop.deadlines._index.x__hours_of_days__mutmut_51": (
        "a longer run written into the day table only appends bytes past the last day"
    ),
    "onestop.deadlines.bulk.x__with_nat__mutmut_4": (
        "NumPy converts the 'NaT' string to the array's dtype on assignment"
    ),
    "onestop.deadlines.calendar.xǁWorkCalendarǁ_index_for__mutmut_4": (
        "an index starting at the day is rebuilt instead of reused: same answer, slower"
    ),
    "onestop.deadlines.policies.x_compute_due__mutmut_4": (
        "resolve_policy(None, time) is policy_for(time)"
    ),
    "onestop.models._agency.xǁSqliteSequenceStoreǁ_connection__mutmut_16": (
        "the thread's pid is set with its connection, so the getattr default is never used"
    ),
    "onestop.models._identity.x_reason_of__mutmut_13": (
        "the message holds ' is invalid: ' once, so splitting once or twice is the same"
    ),
}


def _mutmut(*args: str, quiet: bool = False) -> str:
    command = [sys.executable, "-m", "mutmut", *args]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=quiet, text=True, check=False, timeout=6 * 3600
    )
    if done.returncode != 0:
        if quiet:
            sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"mutmut {args[0]} failed (exit status {done.returncode})")
    return done.stdout if quiet else ""


def statuses() -> dict[str, str]:
    """Every generated mutant and its status (``killed``, ``survived``, ``not checked``, ...)."""
    out: dict[str, str] = {}
    for line in _mutmut("results", "--all", "true", quiet=True).splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            out[name] = status
    return out


def module_of(mutant: str) -> str:
    """``onestop.deadlines.clock`` for ``onestop.deadlines.clock.xǁDossierClockǁ...__mutmut_3``."""
    parts = mutant.split("__mutmut_")[0].split(".")
    while parts and (parts[-1].startswith("x_") or parts[-1].startswith("xǁ")):
        parts.pop()
    return ".".join(parts) if parts else mutant


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=150, help="mutants in the sample (150)")
    parser.add_argument("--seed", type=int, default=10, help="seed of the sample (10)")
    parser.add_argument(
        "--only", nargs="+", metavar="MODULE", help="every mutant of these modules instead"
    )
    parser.add_argument("--max-children", type=int, default=2, help="parallel workers (2)")
    parser.add_argument("--fail-under", type=float, default=95.0, help="detected %% floor (95)")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("mutmut") is None:
        raise SystemExit("mutmut is not installed: python3 -m pip install --group mutation")

    known = statuses() if (ROOT / "mutants").is_dir() else {}
    if not known:
        print(f"generating mutants and mapping tests (mutmut run {BOOTSTRAP!r}) ...", flush=True)
        _mutmut("run", "--max-children", str(args.max_children), BOOTSTRAP)
        known = statuses()
    names = sorted(known)
    if args.only:
        sample = [n for n in names if module_of(n) in set(args.only)]
    else:
        sample = sorted(random.Random(args.seed).sample(names, min(args.size, len(names))))
    if not sample:
        raise SystemExit("no mutant in the sample")
    print(f"{len(sample)} of {len(names)} mutants, running them ...", flush=True)
    _mutmut("run", "--max-children", str(args.max_children), *sample)

    now = statuses()
    table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for name in sample:
        table[module_of(name)][now.get(name, "missing")] += 1
    kinds = ["killed", "timeout", "survived", "no tests"]
    kinds += sorted({k for c in table.values() for k in c} - set(kinds))
    print()
    print(f"{'module':<30}" + "".join(f"{k:>10}" for k in kinds))
    total: collections.Counter[str] = collections.Counter()
    for module in sorted(table):
        total.update(table[module])
        print(f"{module:<30}" + "".join(f"{table[module][k]:>10}" for k in kinds))
    print(f"{'total':<30}" + "".join(f"{total[k]:>10}" for k in kinds))
    detected = sum(total[k] for k in DETECTED)
    equivalent = [n for n in sample if n in EQUIVALENT and now.get(n) not in DETECTED]
    counted = len(sample) - len(equivalent)
    share = 100 * detected / counted
    print(
        f"\ndetected (killed or timed out): {detected}/{counted} = {share:.1f} % "
        f"({len(equivalent)} equivalent mutants left out; {detected}/{len(sample)} in all)"
    )
    for name in equivalent:
        print(f"  equivalent: {name}: {EQUIVALENT[name]}")
    undetected = [n for n in sample if now.get(n) not in DETECTED and n not in equivalent]
    if undetected:
        print("not detected (python3 -m mutmut show NAME):")
        print("\n".join(f"  {n}: {now.get(n)}" for n in undetected))
    return 0 if share >= args.fail_under else 1


if __name__ == "__main__":
    raise SystemExit(main())
