"""``onestop holidays YEAR [--json] [--ics FILE] [--notice FILE] [--no-culture-day]``."""

from __future__ import annotations

import json

from onestop.deadlines import official_schedule


def test_json_2026(app, runner):
    result = runner.invoke(app, ["holidays", "2026", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"ok", "error", "year", "provisional", "holidays"}
    assert data["year"] == 2026 and data["provisional"] is False
    assert set(data["holidays"][0]) == {
        "date",
        "name_vi",
        "name_en",
        "kind",
        "basis",
        "source_url",
        "provisional",
    }
    by_date = {h["date"]: h for h in data["holidays"]}
    assert by_date["2026-01-02"]["kind"] == "swapped_day_off"
    assert by_date["2026-01-10"]["kind"] == "make_up_working_day"
    assert "12729/VPCP-KGVX" in by_date["2026-01-02"]["basis"]
    assert [h["date"] for h in data["holidays"]] == [
        h.date.isoformat() for h in official_schedule().holidays(2026)
    ]


def test_table_shows_names_and_sources(app, runner):
    result = runner.invoke(app, ["holidays", "2026"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    for text in ("2026-02-16", "Tết Nguyên đán", "Lunar New Year", "Thứ Bảy", "12729/VPCP-KGVX"):
        assert text in result.stdout
    assert "PROVISIONAL" not in result.stdout


def test_provisional_year_is_flagged_without_a_traceback(app, runner):
    result = runner.invoke(app, ["holidays", "2027", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["provisional"] is True and all(h["provisional"] for h in data["holidays"])
    table = runner.invoke(app, ["holidays", "2027"], env={"COLUMNS": "160"})
    assert "PROVISIONAL" in table.stdout


def test_no_culture_day(app, runner):
    on = json.loads(runner.invoke(app, ["holidays", "2026", "--json"]).stdout)
    off = json.loads(runner.invoke(app, ["holidays", "2026", "--json", "--no-culture-day"]).stdout)
    assert {h["date"] for h in on["holidays"]} - {h["date"] for h in off["holidays"]} == {
        "2026-11-24"
    }


def test_ics_file(app, runner, tmp_path):
    target = tmp_path / "2026.ics"
    result = runner.invoke(app, ["holidays", "2026", "--ics", str(target), "--json"])
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert raw.count(b"BEGIN:VEVENT") == len(json.loads(result.stdout)["holidays"])


def test_notice_file(app, runner, tmp_path):
    notice = tmp_path / "closure.json"
    notice.write_text(
        json.dumps(
            {
                "sources": {"QD": {"title": "Quyết định 1/QĐ-UBND"}},
                "year": [
                    {
                        "year": 2026,
                        "days": [
                            {
                                "date": "2026-03-10",
                                "kind": "extra_day_off",
                                "source": "QD",
                                "name_vi": "Nghỉ lễ hội",
                                "name_en": "Festival closure",
                            }
                        ],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["holidays", "2026", "--json", "--notice", str(notice)])
    assert result.exit_code == 0, result.output
    entry = {h["date"]: h for h in json.loads(result.stdout)["holidays"]}["2026-03-10"]
    assert entry["basis"] == "Quyết định 1/QĐ-UBND" and entry["kind"] == "extra_day_off"


def test_bad_notice_and_out_of_range_year_exit_2(app, runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[year]]\nyear = 2026\ndays = [{ date = 2026-03-10, kind = "nope" }]\n')
    result = runner.invoke(app, ["holidays", "2026", "--json", "--notice", str(bad)])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "calendar_data_invalid"
    assert error["message"].startswith("bad.toml: year[0].days[0].kind")
    assert error["field"] == "year[0].days[0].kind"
    result = runner.invoke(app, ["holidays", "1990"])
    assert result.exit_code == 2
    assert "error[calendar_data_missing]" in result.stderr
    for year in ("1990", "2200"):
        result = runner.invoke(app, ["holidays", year, "--json"])
        assert result.exit_code == 2
        error = json.loads(result.stdout)["error"]
        assert (error["code"], error["field"]) == ("calendar_data_missing", "year")
        assert "1995–2199" in error["message"]


def test_unwritable_ics_path_is_a_json_error_and_prints_nothing_else(app, runner, tmp_path):
    target = tmp_path / "missing-dir" / "2026.ics"
    result = runner.invoke(app, ["holidays", "2026", "--json", "--ics", str(target)])
    assert result.exit_code == 2
    data = json.loads(result.stdout)  # exactly one JSON object
    assert data["ok"] is False
    assert data["error"]["code"] == "invalid_input"
    assert data["error"]["message"].startswith("ics: cannot write '2026.ics'")
    assert not target.exists()


def test_provisional_ics_from_the_command_line_warns_nowhere(app, runner, tmp_path):
    target = tmp_path / "2027.ics"
    result = runner.invoke(app, ["holidays", "2027", "--ics", str(target)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "ProvisionalCalendarWarning" not in result.output
    text = target.read_text(encoding="utf-8").replace("\r\n ", "")  # unfold (RFC 5545 §3.1)
    expected = official_schedule().holidays(2027, warn=False)
    assert text.count("BEGIN:VEVENT") == text.count("(dự kiến)") - 1 == len(expected)
