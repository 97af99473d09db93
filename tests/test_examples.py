"""The runnable examples of ``examples/`` run, and print what they say they print.

Each script runs in a child process, as a user runs it (``python3 examples/NAME.py``), with
its output directory in ``tmp_path``; the notebook is executed with nbclient in a Jupyter
kernel of this interpreter. The assertions read the real output: dates, statuses, codes, files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def run_example(name: str, *args: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_every_example_is_tested():
    """A new script or notebook in examples/ needs its test here."""
    tested = {
        "due_date.py",
        "receipt.py",
        "outbox_service.py",
        "verify_pdf.py",
        "audit_export.py",
        "report_charts.ipynb",
    }
    present = {p.name for p in EXAMPLES.iterdir() if p.suffix in {".py", ".ipynb"}}
    assert present == tested


def test_due_date_across_tet_2026(tmp_path):
    out = run_example("due_date.py", cwd=tmp_path)
    lines = out.splitlines()
    assert lines[0] == "due: 2026-02-27T17:00:00+07:00"
    assert lines[1] == "provisional: False"
    assert (
        "Monday 16/02/2026: Lunar New Year (Tết) — day off, not counted (Thông báo 9441/TB-BNV)"
        in out
    )
    assert "left on receipt: 45 h 30 min of office time" in lines
    assert "left on 23/02 09:00: 38 giờ 30 phút làm việc" in lines
    assert lines[-3:] == [
        "finished 26/02 15:00: early",
        "finished 27/02 16:00: on_time",
        "finished 02/03 08:00: late",
    ]


def test_receipt_is_written_as_html_and_pdf(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    out = run_example("receipt.py", str(tmp_path / "out"), cwd=tmp_path)
    assert "dossier: 000.00.00.H56-260424-0001 received" in out
    # Friday 24/04 15:30 + 7 working days, across Giỗ Tổ (and its Monday), 30/04 and 01/05.
    assert "appointment: 2026-05-08T17:00:00+07:00" in out
    assert "form: receipt tt03-2025 Mẫu số 01, Phụ lục I, Thông tư 03/2025/TT-VPCP" in out
    record = json.loads(out[out.index("{") :])
    assert record["body"]["appointment_at"] == "2026-05-08T17:00:00+07:00"
    assert record["body"]["qr_payload"].endswith("ma=000.00.00.H56-260424-0001")
    html = (tmp_path / "out" / "giay-tiep-nhan.html").read_text(encoding="utf-8")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html
    pdf = pypdf.PdfReader(tmp_path / "out" / "giay-tiep-nhan.pdf")
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "000.00.00.H56-260424-0001" in text
    assert (
        "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 08 tháng 5 năm 2026" in text
    )


def test_outbox_service_delivers_to_the_fake_portal(tmp_path):
    out = run_example("outbox_service.py", cwd=tmp_path)
    lines = out.splitlines()
    assert lines[0].startswith("POST /dossiers -> 202 {'queued': '000.34.29.H29-251030-0033'")
    stats = lines[1].removeprefix("GET /outbox -> ")
    assert "'delivered': 1" in stats and "'pending': 0" in stats and "'dead': 0" in stats
    assert lines[2] == "POST /dossiers (invalid) -> 422 invalid_dossier code"
    assert lines[3] == "portal holds 000.34.29.H29-251030-0033 status 10 creates 1"
    assert lines[-1] == "shut down cleanly"


def test_verify_pdf_tells_valid_tampered_and_expired_apart(tmp_path):
    out = run_example("verify_pdf.py", cwd=tmp_path)
    lines = out.splitlines()
    assert lines[0] == "VALID"
    assert lines[1] == "signer MST: 0312345602-001 | timestamped: True"
    assert lines[2] == "INVALID: tampered ['tampered']"
    assert lines[3] == "INVALID: expired"
    assert "'valid'" in lines[4] and "'problems'" in lines[4]


def test_audit_export_finds_the_vendors_mistakes(tmp_path):
    out = run_example("audit_export.py", str(tmp_path / "out"), cwd=tmp_path)
    assert "read 5 rows, 1 rejected" in out
    assert "row 5 NgayNhan: not a date or date-time" in out
    assert "4 stored due dates checked: 1 agree, 3 disagree" in out
    assert "by working-day difference: [(1, 2), (-2, 1)]" in out
    assert "TP-001: stored 15/01/2026, onestop 14/01/2026 (+1 working day)" in out
    assert "Saturday 10/01/2026 is a make-up working day under Công văn 12729/VPCP-KGVX" in out
    assert "TP-003: stored 17/02/2026, onestop 24/02/2026 (-2 working days)" in out
    assert "resolved: 4 late: 1" in out
    written = (tmp_path / "out" / "mismatches.csv").read_text(encoding="utf-8")
    assert written.count('"TP-00') == 3


def test_report_notebook_draws_the_charts():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(EXAMPLES / "report_charts.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    nbclient.NotebookClient(notebook, timeout=180, kernel_name="python3").execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "2000 dossiers written to export.csv" in text
    assert "received 2000 resolved" in text
    assert "['channel_mix', 'department_ranking', 'on_time_trend']" in text
    assert "2,000 stored due dates checked: 2,000 agree, 0 disagree" in text
    svgs = [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 3 and all("<svg" in svg for svg in svgs)
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert html and "Tư pháp" in html[0]
