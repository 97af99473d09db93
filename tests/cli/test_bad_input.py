"""Bad input to any command is a typed error: exit status 2 and one ``error[<code>]`` line.

Issue 9 (hostile review): dates that overflow when converted to Vietnam time, UTF-16 or junk
input files, deeply nested notice files, a file given where a directory is expected and empty
option values were reported as ``internal_error`` (exit 1) or silently replaced by a default.
The sweep below runs every such input through the command that reads it, in text and JSON
mode; it checks the exit status, the one-line report and that no traceback leaks.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

RECEIVED = "2026-02-13T10:00:00+07:00"


def _files(tmp: Path) -> dict[str, str]:
    """Bad input files, by name."""
    (tmp / "utf16.toml").write_bytes("format = 1\n".encode("utf-16"))
    (tmp / "junk.json").write_bytes(bytes(range(256)) * 4)
    (tmp / "nested.json").write_text("[" * 100_000, encoding="utf-8")
    (tmp / "nested.toml").write_text("a = " + "[" * 100_000, encoding="utf-8")
    (tmp / "large.toml").write_text("a = '" + "x" * 1_100_000 + "'\n", encoding="utf-8")
    (tmp / "a-file").write_text("not a directory\n", encoding="utf-8")
    (tmp / "a-dir").mkdir()
    return {
        name: str(tmp / name)
        for name in ("utf16.toml", "junk.json", "nested.json", "nested.toml", "large.toml")
    } | {"file": str(tmp / "a-file"), "dir": str(tmp / "a-dir"), "missing": str(tmp / "nope")}


#: (argv, expected error code); "{name}" is replaced by the path of a bad file above.
CASES: list[tuple[list[str], str]] = [
    # instants that overflow once converted to Vietnam time (were internal_error, exit 1): not
    # representable in Vietnam time at all (onestop.tz.to_vn), a bad value
    (["due", "--received", "0001-01-01T00:00:00+07:00"], "invalid_input"),
    (["due", "--received", "9999-12-31T23:59:59-12:00"], "invalid_input"),
    (
        ["due", "--received", "0001-01-01T00:00:00+00:00", "--unit", "months"],
        "calendar_data_missing",
    ),
    # an amount no procedure publishes: refused by the processing time itself
    (["due", "--received", RECEIVED, "--amount", "99999999999999999999"], "invalid_input"),
    (["working-days", "0001-01-01", "9999-12-31"], "calendar_data_missing"),
    (["lunar", "9999-12-31"], "calendar_data_missing"),
    (["lunar", "--to-solar", "9999-12-30"], "calendar_data_missing"),
    (["holidays", "99999999999999999999"], "calendar_data_missing"),
    # empty option values (were silently the default)
    (["due", "--received", ""], "usage_error"),
    (["due", "--received", RECEIVED, "--unit", "same-day", "--cutoff", ""], "usage_error"),
    (["due", "--received", RECEIVED, "--office-hours", ""], "usage_error"),
    (["due", "--received", RECEIVED, "--office-hours", "   "], "usage_error"),
    (["due", "--received", RECEIVED, "--unit", ""], "usage_error"),
    (["due", "--received", RECEIVED, "--policy", ""], "usage_error"),
    (["demo", "--workdir", ""], "usage_error"),
    (["schema", "--out", ""], "usage_error"),
    (["schema", "Dossier", "--mode", ""], "usage_error"),
    (["lunar", "--to-solar", ""], "usage_error"),
    (["holidays", "2026", "--notice", ""], "usage_error"),
    (["holidays", "2026", "--ics", ""], "usage_error"),
    # bad notice files (UTF-16, binary junk, nesting beyond any parser, size, not a file)
    (["holidays", "2027", "--notice", "{utf16.toml}"], "invalid_input"),
    (["holidays", "2027", "--notice", "{junk.json}"], "invalid_input"),
    (["holidays", "2027", "--notice", "{nested.json}"], "calendar_data_invalid"),
    (["holidays", "2027", "--notice", "{nested.toml}"], "calendar_data_invalid"),
    (["holidays", "2027", "--notice", "{large.toml}"], "invalid_input"),
    (["holidays", "2027", "--notice", "{dir}"], "invalid_input"),
    (["holidays", "2027", "--notice", "{missing}"], "invalid_input"),
    # a file where a directory is expected, and the reverse
    (["demo", "--workdir", "{file}"], "invalid_input"),
    (["demo", "--workdir", "{file}/below"], "invalid_input"),
    (["schema", "--out", "{file}"], "configuration_error"),
    (["holidays", "2026", "--ics", "{dir}"], "invalid_input"),
]


def _argv(argv: list[str], files: dict[str, str]) -> list[str]:
    out = []
    for arg in argv:
        for name, path in files.items():
            arg = arg.replace("{" + name + "}", path)
        out.append(arg)
    return out


@pytest.mark.parametrize(("argv", "code"), CASES, ids=lambda v: " ".join(v)[:60])
def test_bad_input_exits_2_with_one_line(app, runner, tmp_path, argv, code):
    args = _argv(argv, _files(tmp_path))
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error[{code}]: ")
    assert "Traceback" not in result.output
    assert result.stdout == ""
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["code"] == code
    assert "\n" not in error["message"]


def test_a_bad_workdir_writes_nothing(app, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["demo", "--workdir", ""])
    assert result.exit_code == 2
    result = runner.invoke(app, ["schema", "--out", ""])
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []  # nothing written into the current directory


_offsets = st.builds(
    dt.timezone, st.timedeltas(min_value=-dt.timedelta(hours=23), max_value=dt.timedelta(hours=23))
)


@settings(max_examples=60, deadline=None)
@given(
    when=st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    offset=_offsets,
    unit=st.sampled_from(["working-days", "working-hours", "calendar-days", "months", "same-day"]),
    amount=st.integers(min_value=0, max_value=10**6),
)
def test_due_never_fails_internally(app, when, offset, unit, amount):
    """Any aware receipt instant, unit and amount: a result (0) or bad input (2), never 1."""
    runner = CliRunner()
    received = when.replace(tzinfo=offset).isoformat()
    args = ["due", "--received", received, "--unit", unit, "--amount", str(amount), "--json"]
    if unit == "same-day":
        args[-2] = "0"
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2), result.output
    data = json.loads(result.stdout)
    if result.exit_code == 2:
        assert data["error"]["code"] in {"calendar_data_missing", "invalid_input"}
    else:
        assert data["due"].endswith("+07:00")
