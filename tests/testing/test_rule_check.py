"""Checking rule tables: what is compared, each disagreement with its explanation and basis,
the JUnit report read back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from onestop.errors import InvalidInputError
from onestop.testing import (
    RuleReport,
    check_case,
    check_rules,
    load_rule_cases,
    make_work_calendar,
)

TET = {"received": "13/02/2026 10:00", "amount": 5, "unit": "working-days"}


def _one(**row):
    return check_rules([row]).results[0]


def test_due_by_date_and_exactly():
    assert _one(**TET, expected_due="27/02/2026").agreed
    assert _one(**TET, expected_due="27/02/2026 17:00").agreed
    exact_wrong = _one(**TET, expected_due="27/02/2026 16:59")
    assert not exact_wrong.agreed
    [check] = exact_wrong.checks
    assert (check.field, check.expected, check.computed) == (
        "due",
        "2026-02-27T16:59:00+07:00",
        "2026-02-27T17:00:00+07:00",
    )
    date_wrong = _one(**TET, expected_due="26/02/2026")
    assert [c.expected for c in date_wrong.checks] == ["2026-02-26"]


def test_a_disagreement_carries_the_explanation_and_the_articles():
    report = check_rules([{**TET, "id": "quên Tết", "expected_due": "20/02/2026", "note": "n"}])
    assert (report.cases, report.agreed, report.all_agree) == (1, 0, False)
    [disagreement] = report.disagreements
    data = disagreement.to_dict()
    assert {k: data[k] for k in ("row", "id", "field", "expected", "computed", "note", "era")} == {
        "row": 1,
        "id": "quên Tết",
        "field": "due",
        "expected": "2026-02-20",
        "computed": "2026-02-27T17:00:00+07:00",
        "note": "n",
        "era": "ND-118-2025",
    }
    assert "Thứ Hai 16/02/2026: Tết Nguyên đán" in data["explanation"]["vi"]
    assert "Monday 16/02/2026: Lunar New Year (Tết)" in data["explanation"]["en"]
    basis = [(c["instrument"], c["article"]) for c in data["basis"]]
    assert basis[0] == ("NĐ 118/2025/NĐ-CP", "Điều 40 khoản 1")  # the governing text first
    assert ("BLDS 2015", "Điều 147 khoản 2") in basis
    assert ("Thông báo 9441/TB-BNV", None) in basis
    assert len(basis) == len(set(basis))
    assert data["provisional"] is False


def test_the_era_behind_a_disagreement():
    old = check_rules([{"received": "30/06/2025 10:00", "amount": 5, "expected_due": "08/07/2025"}])
    [d] = old.disagreements
    assert d.to_dict()["era"] == "ND-61-2018"
    instruments = [c["instrument"] for c in d.to_dict()["basis"]]
    assert "NĐ 61/2018/NĐ-CP" in instruments  # the receipt rule of the old decree
    assert "NĐ 118/2025/NĐ-CP Điều 40 khoản 1" not in instruments
    row = {"received": "01/07/2025 10:00", "amount": 5, "era": "ND-61-2018"}
    replay = check_rules([{**row, "expected_due": "08/07/2025"}])  # the same count, the other text
    assert replay.results[0].era == "ND-61-2018" and replay.all_agree


def test_timeliness_and_flags():
    base = {"received": "02/03/2026 09:00", "amount": 5}
    rows = [
        {**base, "finished": "06/03/2026 16:00", "expected_timeliness": "early"},
        {**base, "finished": "09/03/2026 19:00", "expected_timeliness": "late"},
        {**base, "at": "09/03/2026 17:01", "expected_timeliness": "in_progress_on_time"},
        {**base, "at": "09/03/2026 17:01", "expected_flags": "-"},
    ]
    report = check_rules(rows)
    assert [r.agreed for r in report.results] == [True, False, False, False]
    assert [d.check.computed for d in report.disagreements] == [
        "on_time",
        "in_progress_overdue",
        "overdue",
    ]
    assert report.disagreements[2].check.expected == "-"


def test_pending_supplement_and_an_extension_given_as_a_date():
    rows = [
        {"received": "02/03/2026 09:00", "amount": 10, "supplement_requested": "04/03/2026 10:00",
         "expected_due": "pending"},
        {"received": "02/03/2026 09:00", "amount": 10, "supplement_requested": "04/03/2026 10:00",
         "expected_due": "16/03/2026"},
        {"received": "02/03/2026 09:00", "amount": 10, "extension_due": "20/03/2026",
         "apology_at": "12/03/2026 10:00", "expected_due": "20/03/2026 17:00"},
    ]  # fmt: skip
    pending, not_pending, extended = check_rules(rows).results
    assert pending.agreed
    assert [(c.expected, c.computed) for c in not_pending.checks] == [("2026-03-16", "pending")]
    assert extended.agreed  # a date alone is the close of office hours on the calendar


def test_the_calendar_is_a_parameter():
    row = {"received": "09/03/2026 10:00", "amount": 1, "expected_due": "10/03/2026"}
    closure = {
        "sources": {"X": {"title": "Quyết định 1/QĐ-UBND (giả định)"}},
        "year": [{"year": 2026, "days": [{"date": "2026-03-10", "kind": "extra_day_off",
                  "source": "X", "name_vi": "Nghỉ", "name_en": "Closure"}]}],
    }  # fmt: skip
    assert check_rules([row]).all_agree
    local = check_rules([row], calendar=make_work_calendar(notices=closure))
    assert not local.all_agree
    assert local.disagreements[0].check.computed == "2026-03-11T17:00:00+07:00"
    assert (
        "Quyết định 1/QĐ-UBND (giả định)" in local.disagreements[0].to_dict()["explanation"]["vi"]
    )


def test_provisional_years_are_flagged_not_warned():
    row = {"received": "04/02/2027 10:00", "amount": 2, "expected_due": "01/01/2027"}
    report = check_rules([row])  # the suite turns warnings into errors: none is emitted
    assert report.disagreements[0].to_dict()["provisional"] is True
    assert "  era: ND-118-2025 (provisional calendar)" in report.results[0].report().splitlines()


def test_cases_that_cannot_be_counted_are_bad_input():
    rows = [
        {**TET, "expected_due": "27/02/2026"},
        {**TET, "supplement_requested": "12/02/2026 10:00", "supplement_resubmitted":
         "12/02/2026 11:00", "expected_due": "pending"},
        {**TET, "finished": "01/01/2026 10:00", "expected_timeliness": "early"},
        {"received": "13/02/2300 10:00", "amount": 1, "expected_due": "14/02/2300"},
    ]  # fmt: skip
    with pytest.raises(InvalidInputError) as info:
        check_rules(rows, name="vendor.csv")
    message = info.value.message
    assert message.startswith("cases: 3 rows of vendor.csv cannot be checked: row 2, ")
    assert "row 3, finished_at:" in message and "row 4, " in message
    assert "row 1," not in message


def test_check_case_and_assert_agrees():
    good, bad = load_rule_cases(
        [{**TET, "expected_due": "27/02/2026"}, {**TET, "id": "sai", "expected_due": "26/02/2026"}]
    )
    check_case(good).assert_agrees()
    result = check_case(bad)
    with pytest.raises(AssertionError) as info:
        result.assert_agrees()
    text = str(info.value)
    assert text.startswith("row 2: sai: onestop disagrees\n")
    assert "due: expected 2026-02-26, onestop 2026-02-27T17:00:00+07:00 [DIFFERS]" in text
    assert "explanation (vi):" in text and "explanation (en):" in text
    assert "Result due: 17:00 Friday 27/02/2026" in text
    assert result.to_dict() == {
        "row": 2,
        "id": "sai",
        "agreed": False,
        "era": "ND-118-2025",
        "provisional": False,
        "checks": [
            {"field": "due", "expected": "2026-02-26", "computed": "2026-02-27T17:00:00+07:00",
             "agreed": False}
        ],
    }  # fmt: skip
    assert "explanation (en)" in result.report("en") and "Governing text" in result.report("en")


def test_check_rules_takes_loaded_cases_and_refuses_strays():
    cases = load_rule_cases([{**TET, "expected_due": "27/02/2026"}])
    assert check_rules(cases).all_agree and check_rules(iter(cases)).cases == 1
    with pytest.raises(InvalidInputError) as info:
        check_rules([*cases, "row"])
    assert info.value.field == "cases"


def test_summary_and_to_dict():
    report = check_rules(
        [{**TET, "expected_due": "27/02/2026"}, {**TET, "expected_due": "26/02/2026"},
         {**TET, "expected_due": "25/02/2026", "finished": "27/02/2026 10:00",
          "expected_timeliness": "early"}],
        name="t.csv",
    )  # fmt: skip
    assert report.summary() == "t.csv: 3 cases, 1 agree, 2 disagree with onestop"
    data = report.to_dict()
    assert (data["cases"], data["agreed"], data["all_agree"]) == (3, 1, False)
    assert [(d["row"], d["field"]) for d in data["disagreements"]] == [
        (2, "due"),
        (3, "due"),
        (3, "timeliness"),
    ]
    assert len(report.to_dict(limit=1)["disagreements"]) == 1
    assert data["ignored_columns"] == []
    assert RuleReport((), source="x").summary() == "x: 0 cases, all agree with onestop"


def test_junit_report_reads_back(tmp_path):
    junitparser = pytest.importorskip("junitparser")
    report = check_rules(
        [{**TET, "id": "đúng", "expected_due": "27/02/2026", "note": "Tết <skipped> & fine"},
         {**TET, "id": "sai", "expected_due": "26/02/2026"}],
        name="rules-sample.csv",
    )  # fmt: skip
    path = tmp_path / "out.xml"
    report.write_junit(path)
    root = ET.parse(path).getroot()  # noqa: S314 - our own output
    assert root.tag == "testsuites" and root.get("tests") == "2" and root.get("failures") == "1"
    [suite] = root.findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == (
        "rules-sample.csv",
        "2",
        "1",
    )
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["row 1: đúng", "row 2: sai"]
    assert {c.get("classname") for c in cases} == {"check-rules.rules-sample"}
    assert cases[0].find("failure") is None
    assert cases[0].findtext("system-out") == "Tết <skipped> & fine"
    failure = cases[1].find("failure")
    assert failure.get("type") == "disagreement"
    assert failure.get("message") == "due: expected 2026-02-26, onestop 2026-02-27T17:00:00+07:00"
    assert "Thông báo 9441/TB-BNV" in failure.text and "explanation (en):" in failure.text
    # an independent JUnit reader sees the same
    xml = junitparser.JUnitXml.fromfile(str(path))
    [parsed] = list(xml)
    assert (parsed.tests, parsed.failures, parsed.errors, parsed.skipped) == (2, 1, 0, 0)
    outcomes = {case.name: [type(r).__name__ for r in case.result] for case in parsed}
    assert outcomes == {"row 1: đúng": [], "row 2: sai": ["Failure"]}
    assert report.to_junit() == path.read_text(encoding="utf-8")  # the same on every run
    assert 'name="other"' in report.to_junit(name="other")


def test_junit_unwritable(tmp_path):
    report = check_rules([{**TET, "expected_due": "27/02/2026"}])
    with pytest.raises(InvalidInputError) as info:
        report.write_junit(tmp_path / "missing" / "out.xml")
    assert info.value.field == "junit"


def test_a_make_up_saturday_disagreement_cites_its_notice():
    """The notice of a make-up working day is among the texts behind a disagreement, though
    the step names it in its sentence rather than in brackets."""
    row = {"received": "09/01/2026 10:00", "amount": 1, "expected_due": "12/01/2026"}
    [d] = check_rules([row]).disagreements
    assert d.check.computed == "2026-01-10T17:00:00+07:00"
    assert "Công văn 12729/VPCP-KGVX" in [c["instrument"] for c in d.to_dict()["basis"]]
    assert "Công văn 12729/VPCP-KGVX" in d.result.report()
