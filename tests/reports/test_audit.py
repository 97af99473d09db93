"""audit(): stored due dates against onestop's."""

from __future__ import annotations

import pyarrow as pa

from onestop.reports import audit

ROWS = {
    "MaHoSo": ["A", "B", "C", "D"],
    "MaTTHC": ["1", "1", "1", "1"],
    # A: Tết 2026, 5 working days -> Fri 27/02 17:00 (agrees);
    # B: 09/01/2026, 5 working days -> Thu 15/01 (the make-up Saturday 10/01 counts), stored 16/01
    # C: same date as onestop, another hour; D: no processing time, not checked
    "NgayTiepNhan": ["13/02/2026 10:00", "09/01/2026 14:35", "05/01/2026 08:00", "05/01/2026"],
    "so_ngay_xu_ly": ["5", "5", "3", None],
    "NgayHenTra": ["27/02/2026 17:00", "16/01/2026 17:00", "08/01/2026 11:00", "08/01/2026"],
}


def test_dates_compared_by_default_instants_on_request():
    by_date = audit(pa.table(ROWS))
    assert (by_date.checked, by_date.matching, by_date.not_checked) == (3, 2, 1)
    assert by_date.mismatches.column("code").to_pylist() == ["B"]
    assert by_date.by_difference() == [(1, 1)]
    assert "1 working day later" in by_date.summary()
    exact = audit(pa.table(ROWS), exact=True)
    assert exact.mismatches.column("code").to_pylist() == ["B", "C"]
    row = exact.to_dict()["mismatches"][1]
    assert row["difference_days"] == 0 and row["difference_working_days"] == 0
    assert row["stored_due_at"] == "2026-01-08T11:00:00+07:00"
    assert row["computed_due_at"] == "2026-01-08T17:00:00+07:00"


def test_explanations_are_limited():
    result = audit(pa.table(ROWS), exact=True, explain_limit=1)
    vi = result.mismatches.column("explanation_vi").to_pylist()
    assert vi[0].startswith("1. Văn bản áp dụng: NĐ 118/2025/NĐ-CP") and vi[1] is None
    assert "\n2. Tiếp nhận hồ sơ lúc 14:35" in vi[0]
    assert result.to_dict(limit=1)["mismatched"] == 2
    assert len(result.to_dict(limit=1)["mismatches"]) == 1
