"""``import onestop`` stays light: no optional heavy dependency is imported."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = [
    "httpx",
    "cryptography",
    "numpy",
    "typer",
    "rich",
    "pandas",
    "polars",
    "duckdb",
    "fpdf",
    "segno",
    "fontTools",
    "PIL",
    "pyarrow",
    "matplotlib",
    "python_calamine",
    "pyspark",
    "py4j",
]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_import_onestop_is_light():
    loaded = _modules_after("import onestop")
    assert [m for m in HEAVY if m in loaded] == []


def test_import_subpackages_is_light():
    loaded = _modules_after(
        "import onestop, onestop.models, onestop.deadlines, onestop.testing, onestop.errors, "
        "onestop.forms, onestop.records, onestop.reports, onestop.spark"
    )
    assert [m for m in HEAVY if m in loaded] == []


def test_reports_load_charts_and_pandas_only_on_demand():
    loaded = _modules_after(
        "import onestop.reports, onestop.records\n"
        "onestop.reports.report, onestop.reports.audit, onestop.records.read_records"
    )
    assert "pyarrow" in loaded
    assert [m for m in ("matplotlib", "pandas", "polars", "python_calamine") if m in loaded] == []
