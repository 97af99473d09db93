"""``onestop due`` and ``onestop working-days`` on the official calendar."""

from __future__ import annotations

import json

import pytest


def _json(result):
    assert result.stdout.count("\n{") == 0  # exactly one object
    return json.loads(result.stdout)


def test_due_json_tet_2026(app, runner):
    result = runner.invoke(
        app, ["due", "--received", "2026-02-13T10:00:00+07:00", "--amount", "5", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = _json(result)
    assert set(data) == {
        "ok",
        "error",
        "due",
        "received",
        "amount",
        "unit",
        "policy",
        "provisional",
        "explanation",
    }
    assert data["due"] == "2026-02-27T17:00:00+07:00"
    assert data["policy"] == "working-days"
    assert data["unit"] == "working_days"
    # the explanation is part of the JSON promise (issue 4), with or without --explain
    assert set(data["explanation"]) == {"vi", "en", "steps"}
    assert "9441/TB-BNV" in data["explanation"]["vi"]
    assert data["explanation"]["en"].splitlines()[-1].startswith("12. Result due: 17:00 Friday")
    assert [s["kind"] for s in data["explanation"]["steps"]].count("skipped") == 7


def test_due_explain_json_cites_notices(app, runner):
    result = runner.invoke(
        app,
        [
            "due",
            "--received",
            "2026-01-09T08:00:00+07:00",
            "--amount",
            "1",
            "--unit",
            "working-days",
            "--explain",
            "--json",
        ],
    )
    data = _json(result)
    assert data["due"] == "2026-01-10T17:00:00+07:00"
    assert set(data["explanation"]) == {"vi", "en", "steps"}
    assert (
        "Thứ Bảy 10/01/2026 là ngày làm việc bù theo Công văn 12729/VPCP-KGVX"
        in (data["explanation"]["vi"])
    )
    kinds = [s["kind"] for s in data["explanation"]["steps"]]
    assert kinds[:2] == ["governing_text", "received"]  # NĐ 118/2025 governs a 2026 receipt
    assert kinds[-1] == "due"


def test_due_utc_input_and_policies(app, runner):
    # 03:00 UTC = 10:00 in Vietnam; the working-hours policy counts 40 h from the instant
    result = runner.invoke(
        app,
        [
            "due",
            "--received",
            "2026-02-13T03:00:00Z",
            "--amount",
            "5",
            "--policy",
            "working-hours",
            "--json",
        ],
    )
    assert _json(result)["due"] == "2026-02-27T10:00:00+07:00"
    result = runner.invoke(
        app,
        ["due", "--received", "2026-01-09T15:30:00+07:00", "--unit", "same-day", "--json"],
    )
    assert _json(result)["due"] == "2026-01-10T17:00:00+07:00"
    result = runner.invoke(
        app,
        [
            "due",
            "--received",
            "2026-01-09T15:30:00+07:00",
            "--unit",
            "same-day",
            "--cutoff",
            "16:00",
            "--json",
        ],
    )
    assert _json(result)["due"] == "2026-01-09T17:00:00+07:00"


def test_due_text_output_without_explain_is_two_lines(app, runner):
    result = runner.invoke(app, ["due", "--received", "2026-02-13T10:00:00+07:00", "--amount", "5"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "due: 2026-02-27T17:00:00+07:00  (17:00 Thứ Sáu 27/02/2026)",
        "policy: working-days; 5 working days",
    ]


def test_due_outside_the_calendar_data_exits_2(app, runner):
    result = runner.invoke(app, ["due", "--received", "2300-01-05T10:00:00+07:00", "--json"])
    assert result.exit_code == 2
    error = _json(result)["error"]
    assert error["code"] == "calendar_data_missing"
    assert "2300" in error["message"]


def test_due_text_output(app, runner):
    result = runner.invoke(
        app, ["due", "--received", "2026-02-13T10:00:00+07:00", "--amount", "5", "--explain"]
    )
    assert result.exit_code == 0
    assert "2026-02-27T17:00:00+07:00" in result.stdout
    assert "Thông báo 9441/TB-BNV" in result.stdout
    assert "Result due: 17:00 Friday 27/02/2026" in result.stdout


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--received", "yesterday", "--amount", "5"], "received"),
        (["--received", "2026-02-30T10:00:00", "--amount", "5"], "received"),
        (["--received", "2026-02-13T10:00:00+07:00", "--unit", "weeks"], "unit"),
        (["--received", "2026-02-13T10:00:00+07:00", "--amount", "-1"], "amount"),
        (["--received", "2026-02-13T10:00:00+07:00", "--policy", "nope"], "policy"),
        (["--received", "2026-02-13T10:00:00+07:00", "--cutoff", "15:00"], "cutoff"),
        (
            ["--received", "2026-02-13T10:00:00+07:00", "--unit", "same-day", "--amount", "2"],
            "amount",
        ),
        (["--received", "2026-02-13T10:00:00+07:00", "--office-hours", "7h-11h"], "office_hours"),
    ],
)
def test_due_bad_input(app, runner, args, field):
    result = runner.invoke(app, ["due", *args, "--json"])
    assert result.exit_code == 2
    error = _json(result)["error"]
    assert error["code"] == "invalid_input"
    assert field in error["message"]


def test_due_unit_policy_mismatch(app, runner):
    result = runner.invoke(
        app,
        [
            "due",
            "--received",
            "2026-02-13T10:00:00+07:00",
            "--amount",
            "2",
            "--unit",
            "months",
            "--policy",
            "working-days",
            "--json",
        ],
    )
    assert result.exit_code == 2
    assert _json(result)["error"]["code"] == "deadline_error"


def test_working_days_json(app, runner):
    result = runner.invoke(app, ["working-days", "2026-02-13", "2026-02-27", "--json"])
    assert result.exit_code == 0
    assert _json(result) == {
        "ok": True,
        "error": None,
        "from": "2026-02-13",
        "to": "2026-02-27",
        "working_days": 5,
        "include_start": False,
        "include_end": True,
        "provisional": False,
    }
    result = runner.invoke(
        app, ["working-days", "2026-02-13", "2026-02-27", "--include-start", "--json"]
    )
    assert _json(result)["working_days"] == 6
    result = runner.invoke(app, ["working-days", "2026-01-01", "2026-01-11"])
    assert result.exit_code == 0
    assert "6 working days in (2026-01-01, 2026-01-11]" in result.stdout


@pytest.mark.parametrize(
    ("flags", "count", "interval"),
    [
        ([], 5, "(2026-02-13, 2026-02-27]"),
        (["--include-start"], 6, "[2026-02-13, 2026-02-27]"),
        (["--exclude-start"], 5, "(2026-02-13, 2026-02-27]"),
        (["--exclude-end"], 4, "(2026-02-13, 2026-02-27)"),
        (["--include-end"], 5, "(2026-02-13, 2026-02-27]"),
        (["--include-start", "--exclude-end"], 5, "[2026-02-13, 2026-02-27)"),
    ],
)
def test_working_days_flags_are_symmetric(app, runner, flags, count, interval):
    """Issue 10: each end has its --include-/--exclude- pair (was --include-start, --exclude-end
    only)."""
    result = runner.invoke(app, ["working-days", "2026-02-13", "2026-02-27", *flags, "--json"])
    data = _json(result)
    assert data["working_days"] == count
    assert (data["include_start"], data["include_end"]) == (
        interval[0] == "[",
        interval[-1] == "]",
    )
    text = runner.invoke(app, ["working-days", "2026-02-13", "2026-02-27", *flags])
    assert f"{count} working days in {interval}" in text.stdout


def test_working_days_reads_vietnamese_dates(app, runner):
    result = runner.invoke(app, ["working-days", "13/02/2026", "27/02/2026", "--json"])
    assert _json(result)["working_days"] == 5


def test_a_receipt_without_offset_is_vietnam_time(app, runner):
    """Issue 10: one parser for every option; ``--received`` read a local time as an error."""
    naive = runner.invoke(
        app, ["due", "--received", "2026-02-13T10:00:00", "--amount", "5", "--json"]
    )
    vietnamese = runner.invoke(
        app, ["due", "--received", "13/02/2026 10:00", "--amount", "5", "--json"]
    )
    aware = runner.invoke(
        app, ["due", "--received", "2026-02-13T10:00:00+07:00", "--amount", "5", "--json"]
    )
    assert naive.exit_code == vietnamese.exit_code == 0, naive.output
    assert _json(naive) == _json(vietnamese) == _json(aware)
    assert _json(naive)["received"] == "2026-02-13T10:00:00+07:00"


def test_working_days_bad_date(app, runner):
    result = runner.invoke(app, ["working-days", "2026-02-30", "2026-03-01", "--json"])
    assert result.exit_code == 2
    assert "from" in _json(result)["error"]["message"]


def test_due_same_day_text_names_the_cutoff(app, runner):
    # Fri 9 Jan 2026 15:30, after the 15:00 cut-off: the next working day is the make-up
    # Saturday 10 Jan (Công văn 12729/VPCP-KGVX)
    result = runner.invoke(
        app, ["due", "--received", "2026-01-09T15:30:00+07:00", "--unit", "same-day"]
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "due: 2026-01-10T17:00:00+07:00  (17:00 Thứ Bảy 10/01/2026)",
        "policy: same-day; same day, cut-off 15:00",
    ]


@pytest.mark.parametrize(
    ("args", "due", "period"),
    [
        # without --unit, a policy that does not count working days uses its own unit
        (["--policy", "same-day"], "2026-01-10T17:00:00+07:00", "same day, cut-off 15:00"),
        # 9 Jan + 1 month = Mon 9 Feb 2026 (Civil Code Art. 148(3))
        (["--policy", "months", "--amount", "1"], "2026-02-09T17:00:00+07:00", "1 month"),
        # 9 Jan + 1 calendar day = the make-up Saturday 10 Jan, a working day
        (
            ["--policy", "calendar-days", "--amount", "1"],
            "2026-01-10T17:00:00+07:00",
            "1 calendar day",
        ),
        # working-hours keeps counting working days (× 8 h): 15:30 Fri + 8 h = 15:30 Sat 10 Jan
        (
            ["--policy", "working-hours", "--amount", "1"],
            "2026-01-10T15:30:00+07:00",
            "1 working day",
        ),
    ],
)
def test_due_policy_without_unit(app, runner, args, due, period):
    base = ["due", "--received", "2026-01-09T15:30:00+07:00", *args]
    result = runner.invoke(app, base)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].endswith(f"; {period}")
    assert _json(runner.invoke(app, [*base, "--json"]))["due"] == due


def _first_provisional_year():
    from onestop.deadlines import official_schedule

    schedule = official_schedule()
    return next(y for y in range(2026, 2200) if schedule.is_provisional(y))


def test_due_provisional_comes_from_the_deadline(app, runner):
    """Issue 9: the flag is the library's (Deadline.provisional), and the explanation says so."""
    year = _first_provisional_year()
    received = f"{year}-03-02T10:00:00+07:00"
    result = runner.invoke(app, ["due", "--received", received, "--amount", "5", "--json"])
    assert result.exit_code == 0, result.output
    data = _json(result)
    assert data["provisional"] is True
    assert [s["kind"] for s in data["explanation"]["steps"][-2:]] == ["provisional", "due"]
    assert f"Ngày hẹn là dự kiến: năm {year}" in data["explanation"]["vi"]
    assert "The due date is provisional" in data["explanation"]["en"]
    text = runner.invoke(app, ["due", "--received", received, "--amount", "5", "--explain"])
    assert "warning: depends on a year without an official" in text.stdout
    assert "dự kiến" in text.stdout
    official = runner.invoke(
        app, ["due", "--received", f"{year - 1}-03-02T10:00:00+07:00", "--amount", "5", "--json"]
    )
    assert _json(official)["provisional"] is False
    assert "dự kiến" not in _json(official)["explanation"]["vi"]


def test_working_days_provisional(app, runner):
    year = _first_provisional_year()
    result = runner.invoke(app, ["working-days", f"{year - 1}-12-01", f"{year}-01-31", "--json"])
    assert _json(result)["provisional"] is True
    result = runner.invoke(
        app, ["working-days", f"{year - 1}-01-01", f"{year - 1}-12-31", "--json"]
    )
    assert _json(result)["provisional"] is False


def test_due_prints_instants_in_vietnam_time(app, runner):
    """Issue 9: a receipt given in UTC (or any offset) is printed at +07:00."""
    for received in ("2026-02-13T03:00:00Z", "2026-02-12T22:00:00-05:00"):
        result = runner.invoke(app, ["due", "--received", received, "--amount", "1", "--json"])
        data = _json(result)
        assert data["received"] == "2026-02-13T10:00:00+07:00"
        assert data["due"] == "2026-02-23T17:00:00+07:00"
        text = runner.invoke(app, ["due", "--received", received, "--amount", "1"])
        assert text.stdout.startswith("due: 2026-02-23T17:00:00+07:00 ")


@pytest.mark.parametrize(
    "args",
    [
        ["--amount", "5"],
        ["--amount", "5", "--unit", "working-hours"],
        ["--amount", "2", "--policy", "working-hours"],
        ["--unit", "same-day"],
        ["--unit", "same-day", "--cutoff", "16:00"],
        ["--policy", "same-day", "--cutoff", "14:00"],
        ["--policy", "months", "--amount", "1"],
        ["--amount", "3", "--unit", "calendar-days", "--office-hours", "07:00-11:30,13:30-17:00"],
    ],
)
def test_due_is_the_librarys_answer(app, runner, args):
    """The command resolves nothing itself: parse_processing_time, then compute_due."""
    import datetime as dt

    from onestop.deadlines import civil_service_calendar, compute_due, parse_processing_time

    received = "2026-01-09T15:30:00+07:00"
    data = _json(runner.invoke(app, ["due", "--received", received, *args, "--json"]))
    options = dict(zip(args[::2], args[1::2], strict=True))
    pt = parse_processing_time(
        int(options.get("--amount", 0)),
        options.get("--unit"),
        policy=options.get("--policy"),
        cutoff=options.get("--cutoff"),
    )
    cal = civil_service_calendar(office_hours=options.get("--office-hours"))
    deadline = compute_due(
        dt.datetime.fromisoformat(received), pt, calendar=cal, policy=options.get("--policy")
    )
    assert data["due"] == deadline.due_at.isoformat()
    assert (data["amount"], data["unit"], data["policy"]) == (
        pt.amount,
        pt.unit.value,
        deadline.policy.name,
    )
    assert data["explanation"] == deadline.explanation.to_dict()
