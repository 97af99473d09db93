"""``onestop lunar``: conversions both ways, calendars, JSON shape and errors."""

from __future__ import annotations

import json

import pytest

KEYS = {"ok", "error", "solar", "lunar", "can_chi", "calendar", "text"}


def _json(result):
    return json.loads(result.stdout)


def test_to_lunar_json(app, runner):
    result = runner.invoke(app, ["lunar", "2026-02-17", "--json"])
    assert result.exit_code == 0, result.output
    data = _json(result)
    assert set(data) == KEYS
    assert data["solar"] == "2026-02-17"
    assert data["lunar"] == {"year": 2026, "month": 1, "day": 1, "leap": False}
    assert data["can_chi"] == {"year": "Bính Ngọ", "month": "Canh Dần", "day": "Nhâm Tuất"}
    assert data["calendar"] == "vn"


def test_the_date_is_read_like_every_other_date_option(app, runner):
    """Issue 10: one date parser (onestop.tz.parse_date): ISO 8601 or dd/mm/yyyy."""
    iso = _json(runner.invoke(app, ["lunar", "2026-02-17", "--json"]))
    vietnamese = _json(runner.invoke(app, ["lunar", "17/02/2026", "--json"]))
    assert iso == vietnamese


def test_to_lunar_text(app, runner):
    result = runner.invoke(app, ["lunar", "1985-01-21"])
    assert result.exit_code == 0, result.output
    assert "1/1/1985" in result.stdout
    assert "Ất Sửu" in result.stdout


@pytest.mark.parametrize(
    ("calendar", "lunar"),
    [
        ("vn", {"year": 1985, "month": 1, "day": 1, "leap": False}),
        ("cn", {"year": 1984, "month": 12, "day": 1, "leap": False}),
        ("vn-historical", {"year": 1985, "month": 1, "day": 1, "leap": False}),
        ("vn-compat", {"year": 1985, "month": 1, "day": 1, "leap": False}),
    ],
)
def test_calendar_option(app, runner, calendar, lunar):
    result = runner.invoke(app, ["lunar", "1985-01-21", "--calendar", calendar, "--json"])
    assert result.exit_code == 0, result.output
    data = _json(result)
    assert data["lunar"] == lunar
    assert data["calendar"] == calendar


def test_to_solar_leap(app, runner):
    result = runner.invoke(app, ["lunar", "--to-solar", "1985-2-1", "--leap", "--json"])
    assert result.exit_code == 0, result.output
    data = _json(result)
    assert data["solar"] == "1985-03-21"
    assert data["lunar"] == {"year": 1985, "month": 2, "day": 1, "leap": True}


def test_to_solar_hung_kings(app, runner):
    result = runner.invoke(app, ["lunar", "--to-solar", "2026-03-10", "--json"])
    assert result.exit_code == 0, result.output
    assert _json(result)["solar"] == "2026-04-26"


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        (["lunar", "--to-solar", "2026-01-01", "--leap"], "lunar_date_invalid", "leap"),
        (["lunar", "--to-solar", "2026-13-01"], "lunar_date_invalid", "month"),
        (["lunar", "--to-solar", "2026-1-31"], "lunar_date_invalid", "day"),
        (["lunar", "--to-solar", "2300-01-01"], "calendar_data_missing", "year"),
        (["lunar", "--to-solar", "2026/01/01"], "invalid_input", "to_solar"),
        (["lunar", "1700-01-01"], "calendar_data_missing", "date"),
        (["lunar", "2026-02-30"], "invalid_input", "date"),
        (["lunar", "17-02-2026x"], "invalid_input", "date"),
        (["lunar", ""], "invalid_input", "date"),
        (["lunar"], "invalid_input", "date"),
        (["lunar", "2026-02-17", "--to-solar", "2026-01-01"], "invalid_input", "date"),
        (["lunar", "2026-02-17", "--leap"], "invalid_input", "leap"),
    ],
)
def test_errors_json(app, runner, args, code, field):
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 2
    data = _json(result)  # exactly one JSON object on stdout
    assert data["ok"] is False
    assert data["error"]["code"] == code
    assert data["error"]["field"] == field
    assert data["error"]["message"].startswith(f"{field}: ")


def test_error_text(app, runner):
    result = runner.invoke(app, ["lunar", "--to-solar", "2026-02-30"])  # month 2 has 29 days
    assert result.exit_code == 2
    assert "error[lunar_date_invalid]" in result.stderr
    assert "day" in result.stderr


def test_unknown_calendar_is_rejected(app, runner):
    result = runner.invoke(app, ["lunar", "2026-02-17", "--calendar", "jp"])
    assert result.exit_code == 2
