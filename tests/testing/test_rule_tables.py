"""Rule tables: reading CSV, YAML, Excel and rows; columns; every malformed input refused."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from onestop.deadlines import FlagCode, SupplementSpan, Timeliness
from onestop.errors import InvalidInputError
from onestop.models import ProcessingTime, TimeUnit
from onestop.testing import COLUMNS, RuleCase, load_rule_cases, make_procedure
from onestop.testing._rule_tables import MAX_TABLE_BYTES, PENDING, detect_table_format
from onestop.tz import VN_TZ

CSV = """id,received,amount,unit,expected_due,note
tet,13/02/2026 10:00,5,working-days,27/02/2026,across Tết
,2026-01-09T15:30:00+07:00,,same-day,2026-01-10T17:00+07:00,
"""


def _at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


def test_csv_cases(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(CSV, encoding="utf-8")
    first, second = load_rule_cases(path)
    assert first == RuleCase(
        row=1,
        id="tet",
        received_at=_at(2026, 2, 13, 10),
        processing_time=ProcessingTime.working_days(5),
        expected_due=dt.date(2026, 2, 27),
        note="across Tết",
    )
    assert first.test_id == "row 1: tet"
    assert second.row == 2 and second.processing_time == ProcessingTime.same_day()
    assert second.expected_due == _at(2026, 1, 10, 17)
    assert second.id == "2026-01-09 15:30 + same-day"  # built when the id cell is empty
    assert load_rule_cases(CSV.encode(), format="csv") == (first, second)


def test_semicolon_csv_from_a_vietnamese_excel_and_bom(tmp_path):
    text = CSV.replace(",", ";")
    path = tmp_path / "cases.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert [c.id for c in load_rule_cases(path)] == ["tet", "2026-01-09 15:30 + same-day"]


def test_blank_rows_are_not_cases_and_rows_number_cases(tmp_path):
    text = (
        "received,amount,expected_due\n\n13/02/2026 10:00,5,27/02/2026\n,,\n"
        "13/02/2026 10:00,1,23/02/2026\n"
    )
    cases = load_rule_cases(text.encode(), format="csv")
    assert [c.row for c in cases] == [1, 2]


def test_every_column(tmp_path):
    text = (
        "id,received,amount,unit,policy,cutoff,supplement_policy,supplement_requested,"
        "supplement_resubmitted,extension_due,apology_at,finished,at,era,expected_due,"
        "expected_timeliness,timeliness_against,expected_flags,note\n"
        "all,02/03/2026 09:00,10,working-days,working-days,,pause,"
        "04/03/2026 10:00; 05/03/2026 10:00,04/03/2026 11:00,20/03/2026,12/03/2026 10:00,"
        "19/03/2026 10:00,19/03/2026 09:00,ND-61-2018,pending,Quá hạn,extended,"
        "late_apology; repeated_supplement_request,why\n"
    )
    (case,) = load_rule_cases(text.encode(), format="csv")
    assert case.policy == "working-days" and case.supplement_policy == "pause"
    assert case.supplements == (
        SupplementSpan(_at(2026, 3, 4, 10), _at(2026, 3, 4, 11)),
        SupplementSpan(_at(2026, 3, 5, 10), None),
    )
    assert case.extension_due == dt.date(2026, 3, 20) and case.apology_at == _at(2026, 3, 12, 10)
    assert case.finished_at == _at(2026, 3, 19, 10) and case.at == _at(2026, 3, 19, 9)
    assert case.era == "ND-61-2018" and case.expected_due == PENDING
    assert case.expected_timeliness is Timeliness.LATE
    assert case.timeliness_against == "extended"
    assert case.expected_flags == {FlagCode.LATE_APOLOGY, FlagCode.REPEATED_SUPPLEMENT_REQUEST}


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("early", Timeliness.EARLY),
        ("On time", Timeliness.ON_TIME),
        ("on-time", Timeliness.ON_TIME),
        ("Đúng hạn", Timeliness.ON_TIME),
        ("Trước hạn", Timeliness.EARLY),
        ("trễ hạn", Timeliness.LATE),
        ("in_progress_overdue", Timeliness.IN_PROGRESS_OVERDUE),
        ("Đang xử lý trong hạn", Timeliness.IN_PROGRESS_ON_TIME),
    ],
)
def test_timeliness_spellings(spelling, expected):
    rows = [{"received": "02/03/2026 09:00", "amount": 5, "finished": "06/03/2026 10:00",
             "expected_timeliness": spelling}]  # fmt: skip
    assert load_rule_cases(rows)[0].expected_timeliness is expected


def test_flags_none_and_units_in_vietnamese():
    at = {"received": "02/03/2026 09:00"}
    rows = [
        {**at, "amount": "3", "unit": "Ngày làm việc", "expected_flags": "-"},
        {**at, "amount": "3", "unit": "ngay_lich", "expected_flags": "none"},
        {**at, "amount": "16", "unit": "Giờ làm việc", "expected_flags": ""},
    ]
    with pytest.raises(InvalidInputError):  # the third row has nothing to check
        load_rule_cases(rows)
    first, second = load_rule_cases(rows[:2])
    assert first.expected_flags == frozenset() == second.expected_flags
    assert first.processing_time.unit is TimeUnit.WORKING_DAYS
    assert second.processing_time.unit is TimeUnit.CALENDAR_DAYS


def test_portal_export_columns_need_no_mapping():
    export = (
        "MaHoSo,MaTTHC,NgayTiepNhan,so_ngay_xu_ly,DonViTinh,NgayHenTra,NgayKetThucXuLy,"
        "ChuHoSo,TrangThaiHoSo\n"
        "000.00.00.H56-260213-0001,1.004222,13/02/2026 10:00,5,Ngày làm việc,27/02/2026 17:00,"
        "26/02/2026 09:00,Nguyễn Văn An,10\n"
    )
    from onestop.testing._rule_tables import read_rule_table

    (case,), ignored, name = read_rule_table(export.encode(), format="csv", name="export.csv")
    assert case.id == "000.00.00.H56-260213-0001" and case.procedure == "1.004222"
    assert case.received_at == _at(2026, 2, 13, 10) and case.expected_due == _at(2026, 2, 27, 17)
    assert case.finished_at == _at(2026, 2, 26, 9)
    assert ignored == ("ChuHoSo", "TrangThaiHoSo") and name == "export.csv"


def test_explicit_column_mapping_and_conflicts():
    text = "Ngày nhận,Số ngày,Hạn trả\n13/02/2026 10:00,5,27/02/2026\n"
    cols = {"received": "Ngày nhận", "amount": "Số ngày", "expected_due": "Hạn trả"}
    (case,) = load_rule_cases(text.encode(), format="csv", columns=cols)
    assert case.expected_due == dt.date(2026, 2, 27)
    both = (
        "received,NgayTiepNhan,amount,expected_due\n"
        "13/02/2026 10:00,13/02/2026 11:00,5,27/02/2026\n"
    )
    # the rule table's own name wins over the portal's; the other is ignored
    assert load_rule_cases(both.encode(), format="csv")[0].received_at.hour == 10
    twice = "received,Received,amount,expected_due\n13/02/2026 10:00,13/02/2026 11:00,5,x\n"
    with pytest.raises(InvalidInputError, match="all mean received") as info:
        load_rule_cases(twice.encode(), format="csv")
    assert info.value.field == "columns"
    for bad in ({"colour": "x"}, {"received": "no such column"}):
        with pytest.raises(InvalidInputError) as info:
            load_rule_cases(text.encode(), format="csv", columns=bad)
        assert info.value.field == "columns"


def test_yaml_tables(tmp_path):
    text = """
cases:
  - id: tet
    received: 13/02/2026 10:00
    amount: 5
    expected_due: 2026-02-27
  - received: 2026-03-03 15:00
    unit: same-day
    cutoff: 16:00
    supplement_requested: []
    expected_due: 03/03/2026
    expected_flags: [overdue]
    at: 04/03/2026 08:00
    note: ~
"""
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    tet, same_day = load_rule_cases(path)
    assert tet.expected_due == dt.date(2026, 2, 27) and tet.processing_time.amount == 5
    # 16:00 stays a time (YAML 1.1 would read it as 960), dates stay Vietnam time
    assert same_day.processing_time.cutoff == dt.time(16)
    assert same_day.received_at == _at(2026, 3, 3, 15) and same_day.note is None
    assert same_day.expected_flags == {FlagCode.OVERDUE}
    plain = path.with_suffix(".yml")
    plain.write_text("- received: 13/02/2026 10:00\n  amount: 5\n  expected_due: 27/02/2026\n")
    assert len(load_rule_cases(plain)) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cases: [", "not valid YAML at line"),
        ("just text", "not a rule table"),
        ("- 1\n- 2\n", "not a rule table"),
        ("- received: {a: 1}\n  expected_due: x\n", "expected a value or a list of values"),
        ("- received: [[1]]\n  expected_due: x\n", "expected a value or a list of values"),
    ],
)
def test_yaml_refused(text, message):
    with pytest.raises(InvalidInputError, match=message):
        load_rule_cases(text.encode(), format="yaml")


def test_excel_tables(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Cases"
    sheet.append(
        ["id", "received", "amount", "unit", "expected_due", "expected_timeliness", "finished"]
    )
    sheet.append(
        ["tet", dt.datetime(2026, 2, 13, 10), 5, "working-days", dt.date(2026, 2, 27), None, None]
    )
    sheet.append(["late", "02/03/2026 09:00", 5.0, None, None, "late", dt.datetime(2026, 3, 10, 8)])
    path = tmp_path / "cases.xlsx"
    book.save(path)
    tet, late = load_rule_cases(path, sheet="Cases")
    # a typed date-time cell carries no offset: Vietnam time
    assert tet.received_at == _at(2026, 2, 13, 10) and tet.expected_due == dt.date(2026, 2, 27)
    assert late.processing_time == ProcessingTime.working_days(5)
    assert late.finished_at == _at(2026, 3, 10, 8)
    assert load_rule_cases(path.read_bytes(), format="excel", sheet=0) == (tet, late)


def test_procedure_catalogue():
    catalogue = [make_procedure(3), make_procedure(0)]  # 7 working days; same day
    at = {"received": "02/03/2026 09:00", "expected_due": "pending"}
    rows = [
        {**at, "procedure": "1.004222"},
        {**at, "procedure": "1.004222.000.00.00.H29"},
        {**at, "procedure": "1.000894", "channel": "truc_tuyen"},
        {**at, "procedure": "1.004222", "amount": 2},
    ]
    a, b, c, d = load_rule_cases(rows, procedures=catalogue)
    assert a.processing_time == b.processing_time == ProcessingTime.working_days(7)
    assert c.processing_time == ProcessingTime.same_day()
    assert d.processing_time == ProcessingTime.working_days(2)  # the row's own time wins
    mapping = {"1.004222": ProcessingTime.calendar_days(3)}
    assert load_rule_cases(rows[:1], procedures=mapping)[0].processing_time.amount == 3
    with pytest.raises(InvalidInputError, match="not in the procedure catalogue"):
        load_rule_cases([{**rows[0], "procedure": "2.000001"}], procedures=catalogue)
    with pytest.raises(InvalidInputError, match="procedure catalogue") as info:
        load_rule_cases(rows[:1])
    assert info.value.field == "amount"
    with pytest.raises(InvalidInputError, match="not a channel"):
        load_rule_cases([{**rows[2], "channel": "fax"}], procedures=catalogue)
    with pytest.raises(InvalidInputError) as info:
        load_rule_cases(rows[:1], procedures=["1.004222"])
    assert info.value.field == "procedures"
    with pytest.raises(InvalidInputError) as info:
        load_rule_cases(rows[:1], procedures={"1.004222": 7})
    assert info.value.field == "procedures"


def test_a_procedure_with_times_per_channel_needs_the_channel():
    procedure = make_procedure(3)
    times = procedure.processing_times
    other = times[0].model_copy(update={"time": ProcessingTime.working_days(2)})
    varied = procedure.model_copy(update={"processing_times": (other, *times[1:])})
    row = {"received": "02/03/2026 09:00", "procedure": "1.004222", "expected_due": "pending"}
    with pytest.raises(InvalidInputError) as info:
        load_rule_cases([row], procedures=[varied])
    assert info.value.field == "channel"
    online = load_rule_cases([{**row, "channel": "2"}], procedures=[varied])[0]
    assert online.processing_time == ProcessingTime.working_days(7)


def test_a_malformed_table_lists_its_problems_by_row_and_column():
    text = (
        "received,amount,unit,expected_due,expected_timeliness,supplement_requested,"
        "supplement_resubmitted,apology_at,era,expected_flags,policy,supplement_policy\n"
        "13/02/2026 10:00,5,,27/02/2026,,,,,,,,\n"
        "31/02/2026 10:00,5,,27/02/2026,,,,,,,,\n"
        "13/02/2026 10:00,5.5,,27/02/2026,,,,,,,,\n"
        "13/02/2026 10:00,5,fortnights,27/02/2026,,,,,,,,\n"
        "13/02/2026 10:00,5,,someday,,,,,,,,\n"
        "13/02/2026 10:00,5,,,late,,,,,,,\n"
        "13/02/2026 10:00,5,,27/02/2026,,,16/02/2026 09:00,,,,,\n"
        "13/02/2026 10:00,5,,27/02/2026,,,,16/02/2026 09:00,,,,\n"
        "13/02/2026 10:00,5,,27/02/2026,,,,,ND-99-2030,,,\n"
        "13/02/2026 10:00,5,,27/02/2026,,,,,,slow,,\n"
        "13/02/2026 10:00,5,,27/02/2026,,,,,,,lunar-days,\n"
        "13/02/2026 10:00,5,,27/02/2026,,,,,,,,forever\n"
        "13/02/2026 10:00,5,,27/02/2026,soon,,,,,,,\n"
        "13/02/2026 10:00,,,27/02/2026,,,,,,,,\n"
        "13/02/2026 10:00,5,,,,,,,,,,\n"
    )
    with pytest.raises(InvalidInputError) as info:
        load_rule_cases(text.encode(), format="csv", name="vendor.csv")
    message = info.value.message
    assert message.startswith("cases: 14 rows of vendor.csv cannot be checked: row 2, received:")
    assert info.value.field == "received"
    for expected in [
        "row 3, amount: expected a whole number >= 0, got '5.5'",
        "row 4, unit: 'fortnights' is not a time unit",
        "row 5, expected_due: 'someday' is not a date-time",
        "row 6, expected_timeliness: needs the finished instant",
        "row 7, supplement_resubmitted: 1 resubmission(s) for 0 request(s)",
        "row 8, apology_at: an apology letter without extension_due",
        "row 9, era: unknown",
        "row 10, expected_flags: 'slow' is not a flag code",
        "; and 4 more",
    ]:
        assert expected in message, expected
    assert "row 1," not in message


@pytest.mark.parametrize(
    ("data", "fmt", "message", "field"),
    [
        (b"", "csv", "is empty", "cases"),
        (b"received,amount\n13/02/2026 10:00,5\n", "csv", "nothing to check", "columns"),
        (b"amount,expected_due\n5,27/02/2026\n", "csv", "no received column", "columns"),
        (b"received,expected_due\n", "csv", "has no case", "cases"),
        (b"received,expected_due\n13/02/2026 10:00,27/02/2026,extra\n", "csv", "fields", "cases"),
        ("received,expected_due\n".encode("utf-16"), "csv", "UTF-16", "cases"),
        (b"received,expected_due\n\xff\n", "csv", "not UTF-8", "cases"),
        (b"received,expected_due\n", "json", "not a rule-table format", "format"),
        (b"PK\x03\x04 not a workbook", "excel", "cannot read the workbook", "file"),
    ],
)
def test_unreadable_tables(data, fmt, message, field):
    with pytest.raises(InvalidInputError, match=message) as info:
        load_rule_cases(data, format=fmt)
    assert info.value.field == field


def test_sources_refused(tmp_path):
    with pytest.raises(InvalidInputError, match="give the format") as info:
        load_rule_cases(b"received\n")
    assert info.value.field == "format"
    with pytest.raises(InvalidInputError, match="cannot read") as info:
        load_rule_cases(tmp_path / "missing.csv")
    assert info.value.field == "cases"
    with pytest.raises(InvalidInputError, match="from its extension") as info:
        load_rule_cases(tmp_path / "cases.json")
    assert info.value.field == "format"
    with pytest.raises(InvalidInputError, match="list of mappings") as info:
        load_rule_cases(42)  # type: ignore[arg-type]
    assert detect_table_format("a.YML") == "yaml" and detect_table_format("a.ods") == "excel"


def test_a_table_over_the_size_cap_is_refused(tmp_path, monkeypatch):
    from onestop.testing import _rule_tables

    monkeypatch.setattr(_rule_tables, "MAX_TABLE_BYTES", 64)
    path = tmp_path / "big.csv"
    path.write_text(CSV, encoding="utf-8")
    with pytest.raises(InvalidInputError, match="larger than 64 bytes"):
        load_rule_cases(path)
    assert MAX_TABLE_BYTES == 64 * 1024 * 1024


def test_columns_are_documented_once():
    names = [c.name for c in COLUMNS]
    assert len(names) == len(set(names))
    assert {c.name for c in COLUMNS if c.required} == {"received"}
    assert {"received", "amount", "unit", "expected_due", "policy", "finished"} <= set(names)


def test_yaml_without_pyyaml_names_the_extra(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text("- received: 13/02/2026 10:00\n  expected_due: 27/02/2026\n")
    code = (
        "import sys; sys.modules['yaml'] = None\n"
        "from onestop.testing import load_rule_cases\n"
        "from onestop.errors import MissingExtraError\n"
        f"try:\n    load_rule_cases({str(path)!r})\n"
        "except MissingExtraError as exc:\n    print(exc.field, exc.name)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["testkit", "yaml"]


def test_midnight_without_offset_is_a_date_as_spreadsheets_store_dates():
    rows = [
        {"received": "13/02/2026 10:00", "amount": 5, "expected_due": "2026-02-27T00:00:00"},
        {"received": "13/02/2026 10:00", "amount": 5, "expected_due": "2026-02-27T00:00+07:00"},
        {"received": "13/02/2026 10:00", "amount": 5, "expected_due": "27/02/2026 17:00"},
    ]
    by_date, exact_midnight, exact = load_rule_cases(rows)
    assert by_date.expected_due == dt.date(2026, 2, 27)
    assert exact_midnight.expected_due == dt.datetime(
        2026, 2, 27, tzinfo=dt.timezone(dt.timedelta(hours=7))
    )
    assert exact.expected_due == _at(2026, 2, 27, 17)
