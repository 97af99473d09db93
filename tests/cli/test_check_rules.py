"""``onestop check-rules``: exit 0 when every case agrees, 1 on a disagreement, 2 on bad input."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from onestop.testing import make_procedure

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "rules-sample.csv"
AGREEING = "id,received,amount,unit,expected_due\ntet,13/02/2026 10:00,5,working-days,27/02/2026\n"
DISAGREEING = AGREEING + "sai,13/02/2026 10:00,5,working-days,26/02/2026\n"


@pytest.fixture
def table(tmp_path):
    def write(text: str, name: str = "cases.csv") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def _json(runner, app, *args):
    result = runner.invoke(app, ["check-rules", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_all_agree(app, runner, table):
    status, data = _json(runner, app, table(AGREEING))
    assert status == 0
    assert data == {
        "ok": True,
        "error": None,
        "source": "cases.csv",
        "cases": 1,
        "agreed": 1,
        "all_agree": True,
        "disagreements": [],
        "ignored_columns": [],
    }
    text = runner.invoke(app, ["check-rules", table(AGREEING)])
    assert text.exit_code == 0
    assert text.stdout.strip() == "cases.csv: 1 cases, all agree with onestop"


def test_a_disagreement_exits_1_with_the_explanation(app, runner, table):
    status, data = _json(runner, app, table(DISAGREEING))
    assert status == 1 and data["ok"] is False and data["error"] is None
    assert (data["cases"], data["agreed"], data["all_agree"]) == (2, 1, False)
    [d] = data["disagreements"]
    assert {k: d[k] for k in ("row", "id", "field", "expected", "computed")} == {
        "row": 2,
        "id": "sai",
        "field": "due",
        "expected": "2026-02-26",
        "computed": "2026-02-27T17:00:00+07:00",
    }
    assert "Thông báo 9441/TB-BNV" in d["explanation"]["vi"] and d["explanation"]["en"]
    assert {"instrument": "Thông báo 9441/TB-BNV"}.items() <= d["basis"][-1].items()
    text = runner.invoke(app, ["check-rules", table(DISAGREEING), "--lang", "en"])
    assert text.exit_code == 1
    out = text.stdout
    assert "row 2: sai: onestop disagrees" in out and "Governing text" in out
    assert out.rstrip().endswith("cases.csv: 2 cases, 1 agree, 1 disagree with onestop")


def test_junit_report(app, runner, table, tmp_path):
    out = tmp_path / "report.xml"
    result = runner.invoke(app, ["check-rules", table(DISAGREEING), "--junit", str(out)])
    assert result.exit_code == 1
    assert f"JUnit report: {out}" in result.stdout
    root = ET.fromstring(out.read_text(encoding="utf-8"))  # noqa: S314 - our own output
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    unwritable = runner.invoke(
        app, ["check-rules", table(AGREEING), "--junit", str(tmp_path / "no" / "r.xml"), "--json"]
    )
    assert unwritable.exit_code == 2
    assert json.loads(unwritable.stdout)["error"]["field"] == "junit"


def test_a_malformed_table_exits_2_naming_rows_and_columns(app, runner, table):
    bad = (
        "received,amount,expected_due\n31/02/2026 10:00,5,27/02/2026\n"
        "13/02/2026 10:00,x,27/02/2026\n"
    )
    status, data = _json(runner, app, table(bad))
    assert status == 2 and set(data) == {"ok", "error"}
    error = data["error"]
    assert (error["code"], error["field"]) == ("invalid_input", "received")
    assert "row 1, received:" in error["message"] and "row 2, amount:" in error["message"]
    plain = runner.invoke(app, ["check-rules", table(bad)])
    assert plain.exit_code == 2 and plain.stdout == ""
    assert plain.stderr.startswith("error[invalid_input]: cases: 2 rows of cases.csv cannot be")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--format", "json"], "format"),
        (["--limit", "-1"], "limit"),
        (["--lang", "fr"], "lang"),
        (["--column", "expected_due"], "columns"),
        (["--column", "colour=x"], "columns"),
    ],
)
def test_bad_options(app, runner, table, args, field):
    status, data = _json(runner, app, table(AGREEING), *args)
    assert status == 2 and data["error"]["field"] == field


def test_unreadable_inputs(app, runner, tmp_path, table):
    status, data = _json(runner, app, str(tmp_path / "missing.csv"))
    assert status == 2 and data["error"]["field"] == "cases"
    status, data = _json(runner, app, table("x", "cases.txt.json"))
    assert status == 2 and data["error"]["field"] == "format"
    status, data = _json(runner, app, table(AGREEING, "cases.data"), "--format", "csv")
    assert status == 0


def test_column_mapping_and_portal_names(app, runner, table):
    export = (
        "Ngày nhận,so_ngay_xu_ly,NgayHenTra,ChuHoSo\n13/02/2026 10:00,5,27/02/2026,Lê Văn Nam\n"
    )
    status, data = _json(runner, app, table(export), "--column", "received=Ngày nhận")
    assert status == 0 and data["ignored_columns"] == ["ChuHoSo"]
    assert "Lê Văn Nam" not in json.dumps(data, ensure_ascii=False)  # personal data not echoed


def test_yaml_and_limit(app, runner, table):
    yaml_text = "".join(
        f"- id: c{i}\n  received: 13/02/2026 10:00\n  amount: 5\n  expected_due: 2{i}/02/2026\n"
        for i in range(4)
    )
    status, data = _json(runner, app, table(yaml_text, "cases.yaml"), "--limit", "2")
    assert status == 1 and data["cases"] == 4 and len(data["disagreements"]) == 2
    text = runner.invoke(app, ["check-rules", table(yaml_text, "c.yml"), "--limit", "1"])
    assert "… and 3 more disagreeing cases (--limit)" in text.stdout


def test_excel_sheet(app, runner, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Bìa"
    sheet = book.create_sheet("Cases")
    sheet.append(["received", "amount", "expected_due"])
    sheet.append(["13/02/2026 10:00", 5, "27/02/2026"])
    path = tmp_path / "cases.xlsx"
    book.save(path)
    assert _json(runner, app, str(path), "--sheet", "Cases")[0] == 0
    assert _json(runner, app, str(path), "--sheet", "1")[0] == 0
    status, data = _json(runner, app, str(path))  # the first sheet is empty
    assert status == 2 and data["error"]["field"] == "file"


def test_notice_and_office_hours(app, runner, table, tmp_path):
    notice = tmp_path / "closure.toml"
    notice.write_text(
        '[sources.X]\ntitle = "Quyết định 1/QĐ-UBND (giả định)"\n[[year]]\nyear = 2026\n'
        '[[year.days]]\ndate = 2026-03-10\nkind = "extra_day_off"\nsource = "X"\n'
        'name_vi = "Nghỉ"\nname_en = "Closure"\n',
        encoding="utf-8",
    )
    cases = table("received,amount,expected_due\n09/03/2026 10:00,1,11/03/2026 17:00\n")
    assert _json(runner, app, cases)[0] == 1
    assert _json(runner, app, cases, "--notice", str(notice))[0] == 0
    hours = table("received,amount,expected_due\n09/03/2026 10:00,1,10/03/2026 16:30\n", "h.csv")
    assert _json(runner, app, hours, "--office-hours", "07:00-11:30,13:00-16:30")[0] == 0


def test_procedure_catalogue(app, runner, table, tmp_path):
    catalogue = tmp_path / "procedures.json"
    catalogue.write_text(
        "[" + make_procedure(3).to_json() + "]", encoding="utf-8"
    )  # 1.004222, 7 working days
    cases = table("received,procedure,expected_due\n02/03/2026 09:00,1.004222,11/03/2026\n")
    assert _json(runner, app, cases, "--procedures", str(catalogue))[0] == 0
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text('{"procedures": [' + make_procedure(3).to_json() + "]}", encoding="utf-8")
    assert _json(runner, app, cases, "--procedures", str(wrapped))[0] == 0
    for content, message in [
        ("not json", "is not JSON"),
        ('{"a": 1}', "expected a JSON list"),
        ('[{"code": "x"}]', "procedures[0]: not a procedure"),
    ]:
        catalogue.write_text(content, encoding="utf-8")
        status, data = _json(runner, app, cases, "--procedures", str(catalogue))
        assert status == 2 and message in data["error"]["message"]
        assert data["error"]["field"] == "procedures"


def test_the_sample_table_of_the_docs_agrees_with_onestop(app, runner, tmp_path):
    """docs/examples/rules-sample.csv, run in CI as a vendor would: every case agrees."""
    junit = tmp_path / "rules-sample.xml"
    result = runner.invoke(app, ["check-rules", str(SAMPLE), "--json", "--junit", str(junit)])
    data = json.loads(result.stdout)
    assert result.exit_code == 0, data["disagreements"][:1]
    assert data["all_agree"] and data["cases"] == data["agreed"] >= 50
    assert data["disagreements"] == [] and data["ignored_columns"] == []
    assert f'tests="{data["cases"]}" failures="0"' in junit.read_text(encoding="utf-8")


def test_a_wrong_expectation_in_the_sample_is_caught(app, runner, tmp_path):
    rows = list(csv.DictReader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))
    [tet] = [r for r in rows if r["id"] == "tet-2026-5wd"]
    tet["expected_due"] = "26/02/2026"  # a vendor that forgot one Tết day
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    broken = tmp_path / "broken.csv"
    broken.write_text(out.getvalue(), encoding="utf-8")
    result = runner.invoke(app, ["check-rules", str(broken), "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(d["id"], d["expected"], d["computed"]) for d in data["disagreements"]] == [
        ("tet-2026-5wd", "2026-02-26", "2026-02-27T17:00:00+07:00")
    ]
