"""Import another system's export and audit the appointment dates it stored.

Run: python3 examples/audit_export.py [OUT_DIR]
Needs: pip install 'onestop-vn[reports]'  (pyarrow, NumPy, DuckDB)

A department's one-stop software exported its dossiers as CSV, with its own column names and
the appointment date (ngày hẹn trả) it computed. onestop reads the export as it is (rows it
cannot read are listed, never dropped silently), recomputes every appointment on the official
civil-service calendar and lists the disagreements with the rule behind each day. The
differences usually point at the rule the vendor applies differently: here, the make-up
Saturday 10/01/2026 (Công văn 12729/VPCP-KGVX) is not counted, and the Tết 2026 break is
counted as working days.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pyarrow.csv

from onestop.records import read_records
from onestop.reports import audit, report

out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="audit-"))
out_dir.mkdir(parents=True, exist_ok=True)

# The vendor's export. "SoHoSo", "MaTTHC", "NgayNhan"... are recognised without configuration
# (names are compared without case, accents or punctuation); "Phong" is this vendor's own name
# for the department, so it is mapped explicitly below.
export = out_dir / "export-tu-phap.csv"
export.write_text(
    "SoHoSo,MaTTHC,NgayNhan,ThoiHan,HanXuLy,NgayTra,TrangThai,KenhNop,Phong\n"
    # 5 working days from Thu 08/01/2026: the make-up Saturday 10/01 is a working day.
    "TP-001,1.000894,08/01/2026 09:00,5,15/01/2026 17:00,14/01/2026 10:00,10,1,Hộ tịch\n"
    "TP-002,1.000894,08/01/2026 14:00,5,14/01/2026 17:00,14/01/2026 16:00,10,2,Hộ tịch\n"
    # 3 working days from Thu 12/02/2026: Tết 16-20/02 (Thông báo 9441/TB-BNV) is not counted.
    "TP-003,2.000488,12/02/2026 10:00,3,17/02/2026 17:00,24/02/2026 09:00,10,1,Chứng thực\n"
    # ... and here the vendor's software gave one day too many.
    "TP-004,2.000488,12/02/2026 15:00,3,25/02/2026 17:00,25/02/2026 11:00,10,3,Chứng thực\n"
    # A typo the vendor's software let through: there is no 30 February.
    "TP-005,2.000488,30/02/2026 08:00,3,05/03/2026 17:00,,4,1,Chứng thực\n",
    encoding="utf-8",
)

records = read_records(export, columns={"department": "Phong"})
print(f"read {records.rows_read} rows, {records.rows_rejected} rejected")
for problem in records.errors.to_pylist():  # row, column, field, reason, value
    print(f"  row {problem['row']} {problem['column']}: {problem['reason']}")

result = audit(records)
print(result.summary())
print("by working-day difference:", result.by_difference())
for row in result.mismatches.to_pylist():
    shift = row["difference_working_days"]
    print(
        f"{row['code']}: stored {row['stored_due_at']:%d/%m/%Y}, "
        f"onestop {row['computed_due_at']:%d/%m/%Y} "
        f"({shift:+d} working day{'' if abs(shift) == 1 else 's'})"
    )
    print("   " + row["explanation_en"].replace("\n", "\n   "))

# The same export's statistics, with onestop's due dates instead of the stored ones.
stats = report(records, due="recompute").to_dict()
print("resolved:", stats["resolved"]["total"], "late:", stats["resolved"]["late"])
mismatches_csv = out_dir / "mismatches.csv"
# The mismatches are an Arrow table: write it with pyarrow (no pandas needed), or hand it to
# pandas or polars. (`onestop audit FILE --out mismatches.csv` does the same from the shell.)
pyarrow.csv.write_csv(result.mismatches.drop_columns(["explanation_en"]), mismatches_csv)
print("wrote", mismatches_csv)
