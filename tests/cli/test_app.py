"""The CLI skeleton: --version, --json on every command, error reports and exit statuses.

Issue 2: "a --json option on every command that prints one machine-readable JSON object with
stable keys; bad input prints one line with the error code and message and exits 2, other
failures exit 1; tracebacks only with --debug".
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
import typer.main

import onestop
from onestop.cli import _app as cli_app
from onestop.errors import InvalidInputError
from onestop.tz import format_instant


def test_version(app, runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"onestop {onestop.__version__}"


def test_console_script_runs():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv=['onestop','--version']; from onestop.cli import main; main()",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("onestop ")


def _leaf_commands(command, path=()):
    sub = getattr(command, "commands", None)
    if sub:
        for name, child in sorted(sub.items()):
            yield from _leaf_commands(child, (*path, name))
    else:
        yield path, command


def test_every_command_has_a_json_option(app):
    root = typer.main.get_command(app)
    leaves = list(_leaf_commands(root))
    assert len(leaves) >= 10  # every part registered (demo, check-id, schema, lunar, ...)
    missing = [
        " ".join(path)
        for path, command in leaves
        if "--json" not in [opt for param in command.params for opt in getattr(param, "opts", [])]
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["check-id", "x", "--kind", "passport"], "kind"),
        (["check-id"], "value"),
        (["schema", "--no-such-option"], None),
        (["no-such-command"], None),
    ],
)
def test_usage_errors_are_one_line_or_one_json_object(app, runner, argv, field):
    result = runner.invoke(app, argv)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error[usage_error]: ")
    assert "Traceback" not in result.output
    result = runner.invoke(app, [*argv, "--json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)  # exactly one JSON document
    assert data["ok"] is False
    assert set(data["error"]) == {"code", "message", "field"}
    assert data["error"]["code"] == "usage_error"
    assert data["error"]["field"] == field
    assert "--help" in data["error"]["message"]


def test_no_arguments_prints_help(app, runner):
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert "check-id" in result.stdout and "schema" in result.stdout


def test_help_exits_zero(app, runner):
    result = runner.invoke(app, ["check-id", "--help"])
    assert result.exit_code == 0
    assert "--kind" in result.stdout


def test_root_help_shows_flags_as_flags(app, runner):
    """Flags take no value: no ``<bool>`` after --version, --debug, --help (nor --json)."""
    result = runner.invoke(app, ["--help"], terminal_width=100)
    assert result.exit_code == 0
    rows = [line for line in result.stdout.splitlines() if "--" in line]
    assert {"--version", "--debug", "--help"} <= {row.split()[1] for row in rows if "│" in row}
    assert not [row for row in rows if "<bool>" in row]
    command = runner.invoke(app, ["portal", "sync", "--help"], terminal_width=100)
    flags = [
        row
        for row in command.stdout.splitlines()
        if row.startswith("│") and ("--json" in row or "--follow" in row)
    ]
    assert len(flags) == 2 and not [row for row in flags if "<bool>" in row]


@pytest.fixture
def probe():
    """A throwaway app built like the real one, with commands that fail in known ways."""
    probe_app = typer.Typer(cls=cli_app._OneStopGroup)

    @probe_app.command("bad")
    @cli_app.handle_errors
    def bad(json_: cli_app.JsonOption = False) -> None:
        raise InvalidInputError("when: 'tomorrow' is not a date; expected YYYY-MM-DD", field="when")

    @probe_app.command("misused")
    @cli_app.handle_errors
    def misused(json_: cli_app.JsonOption = False) -> None:
        raise typer.BadParameter("give --from before --to", param_hint="'--to'")

    @probe_app.command("broken")
    @cli_app.handle_errors
    def broken(json_: cli_app.JsonOption = False) -> None:
        raise RuntimeError("disk on fire")

    @probe_app.command("undecorated")
    def undecorated(json_: cli_app.JsonOption = False) -> None:
        raise InvalidInputError("day: '31/02' is not a date; expected YYYY-MM-DD", field="day")

    return probe_app


def test_errors_escaping_an_undecorated_command_follow_the_conventions(probe, runner, monkeypatch):
    result = runner.invoke(probe, ["undecorated"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error[invalid_input]: day: '31/02' is not a date; expected YYYY-MM-DD"
    )
    result = runner.invoke(probe, ["undecorated", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["field"] == "day"
    monkeypatch.setitem(cli_app.state, "debug", True)
    result = runner.invoke(probe, ["undecorated"])
    assert isinstance(result.exception, InvalidInputError)  # --debug lets it through


@pytest.mark.parametrize(
    ("command", "status", "code", "field"),
    [
        ("bad", 2, "invalid_input", "when"),
        ("misused", 2, "usage_error", None),
        ("broken", 1, "internal_error", None),
    ],
)
def test_error_reports_and_exit_statuses(probe, runner, command, status, code, field):
    result = runner.invoke(probe, [command])
    assert result.exit_code == status
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error[{code}]: ")
    assert "Traceback" not in result.output
    result = runner.invoke(probe, [command, "--json"])
    assert result.exit_code == status
    assert json.loads(result.stdout) == {
        "ok": False,
        "error": {
            "code": code,
            "message": json.loads(result.stdout)["error"]["message"],
            "field": field,
        },
    }


def test_debug_adds_the_traceback_and_keeps_the_exit_status(probe, runner, monkeypatch):
    monkeypatch.setitem(cli_app.state, "debug", True)
    result = runner.invoke(probe, ["bad"])
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error[invalid_input]: ")
    result = runner.invoke(probe, ["broken", "--json"])
    assert result.exit_code == 1
    assert "RuntimeError: disk on fire" in result.stderr
    assert json.loads(result.stdout)["error"]["code"] == "internal_error"


def test_debug_option_on_the_real_app(app, runner):
    plain = runner.invoke(app, ["schema", "NoSuchModel"])
    debug = runner.invoke(app, ["--debug", "schema", "NoSuchModel"])
    try:
        assert plain.exit_code == debug.exit_code == 2
        assert "Traceback" not in plain.output
        assert "Traceback" in debug.stderr and "InvalidInputError" in debug.stderr
    finally:
        cli_app.state["debug"] = False


def test_print_json_shows_instants_in_vietnam_time(capsys):
    """Issue 9: an aware date-time left in a JSON payload is printed at +07:00, not in UTC."""
    import datetime as dt

    utc = dt.datetime(2026, 2, 13, 3, 0, tzinfo=dt.UTC)
    cli_app.print_json({"at": utc, "day": dt.date(2026, 2, 13), "when": dt.time(15, 0)})
    assert json.loads(capsys.readouterr().out) == {
        "at": "2026-02-13T10:00:00+07:00",
        "day": "2026-02-13",
        "when": "15:00:00",
    }
    assert format_instant(utc) == "2026-02-13T10:00:00+07:00"
    with pytest.raises(InvalidInputError):
        format_instant(dt.datetime(2026, 2, 13, 3, 0))  # naive: no offset to convert


def test_empty_option_values_are_usage_errors(app, runner):
    """Issue 9: ``--office-hours ''`` is a mistake, not a request for the default."""
    result = runner.invoke(
        app, ["due", "--received", "2026-02-13T10:00:00+07:00", "--office-hours", "", "--json"]
    )
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "usage_error"
    assert error["field"] == "office_hours"
    assert "must not be empty" in error["message"]
