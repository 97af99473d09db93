"""``onestop report`` and ``onestop audit``."""

from __future__ import annotations

import json

import pytest

CSV = (
    "MaHoSo,MaTTHC,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,KenhThucHien,TrangThaiHoSo,"
    "DonViXuLy,so_ngay_xu_ly\n"
    "H-1,1.000894,01/12/2026 08:00,04/12/2026 17:00,03/12/2026 10:00,1,9,Sở Tư pháp,3\n"
    "H-2,1.000894,02/12/2026 14:35,09/12/2026 17:00,04/12/2026 10:00,2,10,Sở Tư pháp,5\n"
    "H-3,2.001,03/12/2026 09:00,05/12/2026 17:00,08/12/2026 16:00,3,9,Sở Xây dựng,2\n"
    "H-4,2.001,04/12/2026 09:00,08/12/2026 17:00,,1,4,Sở Xây dựng,2\n"
    "H-5,2.001,99/12/2026 09:00,,,1,4,Sở Xây dựng,2\n"
)


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_report_json_contract(app, runner, export):
    result = runner.invoke(app, ["report", str(export), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert data["received"]["total"] == 4
    assert data["received"]["by_channel"] == {"direct": 2, "online": 1, "postal": 1, "unknown": 0}
    res = data["resolved"]
    assert (res["total"], res["early"], res["on_time"], res["late"]) == (3, 2, 0, 1)
    assert data["rows_rejected"] == 1
    assert data["in_progress"] == {"total": 1, "on_time": 1, "overdue": 0, "no_due": 0}


def test_report_recompute_and_break_down(app, runner, export):
    result = runner.invoke(
        app, ["report", str(export), "--json", "--recompute", "--by", "department,month"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["due_dates"] == "recomputed"
    assert {(g["period"], g["department"]) for g in data["groups"]} == {
        ("2026-12", "Sở Tư pháp"),
        ("2026-12", "Sở Xây dựng"),
    }


def test_report_period_and_outputs(app, runner, export, tmp_path):
    html = tmp_path / "r.html"
    errors = tmp_path / "errors.csv"
    result = runner.invoke(
        app,
        ["report", str(export), "--from", "2026-12-02", "--to", "03/12/2026", "--html",
         str(html), "--errors", str(errors), "--by", "procedure"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Decision 766" in result.stdout and "rejected" in result.stdout
    page = html.read_text(encoding="utf-8")
    assert page.count("<svg") == 3 and "<script" not in page
    lines = errors.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and "NgayTiepNhan" in lines[1]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["report", "missing.csv"], "invalid_input"),
        (["report", "{export}", "--column", "nonsense=x"], "invalid_input"),
        (["report", "{export}", "--column", "department"], "invalid_input"),
        (["report", "{export}", "--by", "province"], "invalid_input"),
        (["report", "{export}", "--from", "yesterday"], "invalid_input"),
        (["report", "{export}", "--format", "xml"], "invalid_input"),
        (["audit", "{bad}"], "invalid_input"),
    ],
)
def test_bad_input_exits_2(app, runner, export, tmp_path, args, code):
    bad = tmp_path / "bad.csv"
    bad.write_text("MaHoSo,MaTTHC,NgayTiepNhan\n,1,x\n", encoding="utf-8")
    argv = [a.format(export=export, bad=bad) for a in args] + ["--json"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout)["error"]["code"] == code


def test_audit_lists_disagreements_with_explanations(app, runner, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        "MaHoSo,MaTTHC,NgayTiepNhan,NgayHenTra,so_ngay_xu_ly\n"
        "A,1,13/02/2026 10:00,27/02/2026 17:00,5\n"  # Tết 2026: onestop agrees
        "B,1,09/01/2026 14:35,16/01/2026 17:00,5\n"  # misses make-up Saturday 10/01/2026
        "C,1,05/01/2026 08:00,,3\n",
        encoding="utf-8",
    )
    out = tmp_path / "mismatches.csv"
    result = runner.invoke(app, ["audit", str(path), "--json", "--out", str(out)])
    assert result.exit_code == 1, result.output  # a disagreement: the pipeline can gate on it
    data = json.loads(result.stdout)
    assert (data["ok"], data["error"], data["agreed"]) == (False, None, False)
    assert (data["checked"], data["matching"], data["mismatched"], data["not_checked"]) == (
        2,
        1,
        1,
        1,
    )
    row = data["mismatches"][0]
    assert row["code"] == "B" and row["difference_working_days"] == 1
    assert row["computed_due_at"] == "2026-01-15T17:00:00+07:00"
    assert "10/01/2026" in row["explanation_en"] and "make-up" in row["explanation_en"]
    assert data["by_difference"] == [{"working_days": 1, "rows": 1}]
    assert "B" in out.read_text(encoding="utf-8")
    text = runner.invoke(app, ["audit", str(path)])
    assert text.exit_code == 1 and "1 disagree" in text.stdout


def test_report_reads_parquet_and_excel(app, runner, export, tmp_path):
    import openpyxl
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    table = pcsv.read_csv(export)  # typed columns: status and channel as integers
    pq.write_table(table, tmp_path / "export.parquet")
    book = openpyxl.Workbook()
    for line in CSV.splitlines():
        book.active.append(line.split(","))
    book.save(tmp_path / "export.xlsx")
    for name in ("export.parquet", "export.xlsx"):
        result = runner.invoke(app, ["report", str(tmp_path / name), "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["received"]["total"] == 4 and data["rows_rejected"] == 1, name
        assert data["resolved"]["late"] == 1, name


def test_the_report_json_gives_as_of_in_vietnam_time(tmp_path):
    # every instant onestop prints carries its offset; the report's as_of was naive
    import datetime as dt

    import pyarrow as pa

    from onestop.records import read_records
    from onestop.reports import report

    recs = read_records(
        pa.table(
            {
                "MaHoSo": ["H-1"],
                "MaTTHC": ["1.001"],
                "NgayTiepNhan": ["01/12/2026 09:00"],
                "ThoiGianGiaiQuyet": ["3"],
            }
        )
    )
    data = report(recs, end=dt.date(2026, 12, 31), as_of=dt.datetime(2026, 12, 15, 10, 0)).to_dict()
    assert data["period"]["as_of"] == "2026-12-15T10:00:00+07:00"
