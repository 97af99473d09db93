"""Throughput of identifier parsing and dossier-code generation, with anchors.

Run: python3 benchmarks/bench_identifiers.py

Each figure is the median of several repeats; ratios compare with anchors measured in the same
run: python-stdnum's ``stdnum.vn.mst.validate`` (a plain validator of the same number),
a bare ``re.fullmatch`` and a pydantic model with a plain ``str`` field.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pydantic import BaseModel
from stdnum.vn import mst

from onestop.models import (
    AgencyCode,
    CitizenId,
    DossierCode,
    DossierCodeGenerator,
    InMemorySequenceStore,
    ProcedureCode,
    SqliteSequenceStore,
    TaxCode,
)

REPEATS = 7
TODAY = date(2026, 11, 28)


def per_call_us(func: Callable[[], object], number: int) -> float:
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(number):
            func()
        samples.append((time.perf_counter() - start) / number * 1e6)
    return statistics.median(samples)


class WithStr(BaseModel):
    value: str


class WithTaxCode(BaseModel):
    value: TaxCode


def import_ms(module: str) -> float:
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    samples = [
        float(subprocess.check_output([sys.executable, "-X", "frozen_modules=on", "-c", code]))
        for _ in range(REPEATS)
    ]
    return statistics.median(samples) * 1000


def main() -> None:
    n = 20_000
    pattern = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Y][0-9]{2}")
    anchor_mst = per_call_us(lambda: mst.validate("0100109106-001"), n)
    anchor_re = per_call_us(lambda: pattern.fullmatch("000.00.53.H48"), n)
    anchor_model = per_call_us(lambda: WithStr(value="0100109106-001"), n)
    rows = [
        ("stdnum mst.validate (anchor A)", anchor_mst, "A"),
        ("re.fullmatch legacy agency (anchor B)", anchor_re, "B"),
        ("pydantic model, str field (anchor C)", anchor_model, "C"),
        ("TaxCode.parse 13-digit", per_call_us(lambda: TaxCode.parse("0100109106-001"), n), "A"),
        ("TaxCode.parse 10-digit", per_call_us(lambda: TaxCode.parse("0100109106"), n), "A"),
        (
            "CitizenId.parse (today given)",
            per_call_us(lambda: CitizenId.parse("079203001234", today=TODAY), n),
            "A",
        ),
        ("AgencyCode.parse legacy", per_call_us(lambda: AgencyCode.parse("000.00.53.H48"), n), "B"),
        ("AgencyCode.parse qd20", per_call_us(lambda: AgencyCode.parse("H15.50.05.13"), n), "B"),
        (
            "ProcedureCode.parse localized",
            per_call_us(lambda: ProcedureCode.parse("1.000494.000.00.00.H29"), n),
            "B",
        ),
        (
            "DossierCode.parse",
            per_call_us(lambda: DossierCode.parse("000.00.53.H48-220921-0099"), n),
            "B",
        ),
        (
            "pydantic model, TaxCode field",
            per_call_us(lambda: WithTaxCode(value="0100109106-001"), n),
            "C",
        ),
    ]
    gen = DossierCodeGenerator(InMemorySequenceStore())
    day = date(2026, 3, 2)
    agency = AgencyCode("000.00.00.H56")
    rows.append(
        ("generator.next, in-memory store", per_call_us(lambda: gen.next(agency, day), 1000), "B")
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteSequenceStore(Path(tmp) / "seq.db")
        sgen = DossierCodeGenerator(store)
        days = iter(range(10**9))

        def sqlite_next() -> object:
            # a fresh day per call keeps the sequence under 9999 whatever the repeat count
            return sgen.next(agency, date.fromordinal(day.toordinal() + next(days) % 3000))

        rows.append(("generator.next, SQLite durable (FULL)", per_call_us(sqlite_next, 300), "B"))
        store.close()
        store = SqliteSequenceStore(Path(tmp) / "fast.db", durable=False)
        sgen = DossierCodeGenerator(store)
        rows.append(("generator.next, SQLite durable=False", per_call_us(sqlite_next, 300), "B"))
        store.close()
    anchors = {"A": anchor_mst, "B": anchor_re, "C": anchor_model}
    print(f"{'operation':42} {'µs/call':>9} {'× anchor':>9}")
    for name, us, anchor in rows:
        print(f"{name:42} {us:9.2f} {us / anchors[anchor]:8.1f}{anchor}")
    print()
    pyd, models = import_ms("pydantic"), import_ms("onestop.models")
    print(f"{'import pydantic (anchor D)':42} {pyd:8.1f}ms")
    print(f"{'import onestop.models':42} {models:8.1f}ms {models / pyd:8.1f}D")


if __name__ == "__main__":
    main()
