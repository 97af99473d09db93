"""Receive a dossier at the one-stop desk and print its receipt (form 01, giấy tiếp nhận).

Run: python3 examples/receipt.py [OUT_DIR]
Needs: pip install 'onestop-vn[forms]'  (fpdf2 and segno, for the PDF and its QR code)

The desk officer receives a complete dossier on the counter; the appointment date printed on
the receipt comes from the deadline engine, never typed by hand. The receipt is written as
HTML and as PDF/A into OUT_DIR (a new temporary directory by default), and its JSON record
is printed.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from onestop import compute_due
from onestop.forms import Office, build_form, render_html, render_pdf
from onestop.models import Applicant, Channel, Dossier
from onestop.testing import make_procedure
from onestop.tz import VN_TZ, format_instant

out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="receipt-"))
out_dir.mkdir(parents=True, exist_ok=True)

# The procedure comes from the national catalogue (here: a sample one, "Đăng ký thường trú",
# 7 working days); the applicant's details from the form the citizen filled in.
procedure = make_procedure(3)
received_at = dt.datetime(2026, 4, 24, 15, 30, tzinfo=VN_TZ)  # Friday afternoon
processing_time = procedure.processing_time_for(Channel.DIRECT)

# The appointment: the engine skips the weekend, Giỗ Tổ Hùng Vương (Sunday 26/04, compensated
# on Monday 27/04), 30/04 and 01/05.
due = compute_due(received_at, processing_time)

dossier = Dossier.submit(
    code="000.00.00.H56-260424-0001",  # the agency's code, the receipt date and a sequence
    procedure=procedure,
    applicant=Applicant(kind="citizen", name="Nguyễn Thị Mai", citizen_id="038190001234"),
    channel=Channel.DIRECT,
    at=received_at,
    by="cb.tiepnhan",
    due_at=due.due_at,  # accepted on the spot: the dossier starts as RECEIVED
)

record = build_form(
    "receipt",
    dossier,
    procedure=procedure,  # the list of papers comes from the procedure
    office=Office(
        agency_name="Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa",
        governing_body="Ủy ban nhân dân tỉnh Thanh Hóa",
        lookup_url="https://dichvucong.example.vn/tra-cuu?ma={code}",  # printed as a QR code
    ),
    officer="Lê Thị Thu Hà",
)

html_path = out_dir / "giay-tiep-nhan.html"
pdf_path = out_dir / "giay-tiep-nhan.pdf"
html_path.write_text(render_html(record), encoding="utf-8")
pdf_path.write_bytes(render_pdf(record))  # PDF/A-2u, fonts embedded; sign=FormSigner(...) signs

print("dossier:", dossier.code, dossier.status.value)
print("appointment:", format_instant(due.due_at))
print("form:", record.kind.value, record.edition.value, record.reference)
print("wrote", html_path)
print("wrote", pdf_path, f"({pdf_path.stat().st_size} bytes)")
print(record.model_dump_json(indent=2))  # the JSON record of the form's fields
