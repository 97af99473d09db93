"""docs/demo.md: its notebook example runs and it documents every flag of ``onestop demo``."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from onestop.cli._commands import build_app

DOC = Path(__file__).resolve().parents[2] / "docs" / "demo.md"


def test_notebook_example_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})  # noqa: S102 - our own documentation
    assert "'department'" in capsys.readouterr().out


def test_every_flag_is_documented():
    command = typer.main.get_command(build_app()).commands["demo"]
    flags = {opt for p in command.params for opt in p.opts if opt.startswith("--")}
    table = DOC.read_text(encoding="utf-8").split("## Flags", 1)[1]
    documented = set(re.findall(r"^\| `(--[a-z-]+)", table, re.M))
    assert flags - {"--help"} == documented
