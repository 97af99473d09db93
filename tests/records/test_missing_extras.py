"""Without the optional dependencies, records and reports say which extra to install."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
for name in {blocked!r}:
    sys.modules[name] = None  # as if not installed
import onestop.records, onestop.reports
from onestop.errors import MissingExtraError
try:
    {call}
except MissingExtraError as exc:
    print(exc.code, exc.field, exc.name)
"""


def _run(blocked, call):
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(blocked=blocked, call=call)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.split()


def test_records_without_pyarrow():
    assert _run(["pyarrow"], "onestop.records.read_records") == [
        "missing_extra",
        "records",
        "pyarrow",
    ]


def test_reports_without_duckdb():
    call = (
        "import pyarrow as pa; onestop.reports.report(pa.table({'code': ['A'], "
        "'procedure': ['1'], 'received_at': ['06/12/2026 10:00']}))"
    )
    assert _run(["duckdb"], call) == ["missing_extra", "reports", "duckdb"]


def test_excel_without_calamine(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK")
    assert _run(["python_calamine"], f"onestop.records.read_records({str(path)!r})") == [
        "missing_extra",
        "excel",
        "python_calamine",
    ]
