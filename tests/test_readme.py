"""The Python examples in README.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_examples_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "README.md has no Python example"
    for block in blocks:
        exec(compile(block, str(README), "exec"), {})  # noqa: S102 - our own documentation
    assert "Thông báo 9441/TB-BNV" in capsys.readouterr().out


def test_readme_quick_start_commands():
    text = README.read_text(encoding="utf-8")
    assert 'python3 -m pip install -e ".[all]" && onestop demo' in text
    assert 'python3 -m pip install -e ".[dev]" && python3 -m pytest' in text


def _tour_sessions(text: str) -> list[tuple[str, list[str]]]:
    """The ``$ command`` lines of the README's console blocks, each with the lines it shows."""
    sessions: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                sessions.append((line[2:], []))
            elif sessions:
                sessions[-1][1].append(line)
    return sessions


def test_readme_tour_shows_real_output(tmp_path):
    """Every command of the tour prints, in order, the lines the README shows for it.

    ``…`` stands for lines left out; the tables are drawn 118 columns wide, as in the README.
    """
    import os
    import shlex
    import subprocess
    import sys

    text = README.read_text(encoding="utf-8")
    export = re.search(r"```text\n(ma_ho_so,.*?)```", text, re.S)
    assert export is not None, "the tour's export.csv is missing"
    (tmp_path / "export.csv").write_text(export.group(1), encoding="utf-8")
    sessions = _tour_sessions(text)
    assert [cmd.split()[1] for cmd, _ in sessions] == [
        "due", "working-days", "lunar", "check-id", "check-id", "holidays", "holidays", "audit",
        "report",
    ]  # fmt: skip
    env = {**os.environ, "COLUMNS": "118", "NO_COLOR": "1", "TERM": "dumb"}
    for command, shown in sessions:
        command, _, pipe = command.partition(" | ")
        argv = shlex.split(command)
        assert argv[0] == "onestop"
        result = subprocess.run(
            [sys.executable, "-c", "from onestop.cli import main; main()", *argv[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        assert "Traceback" not in result.stderr, command
        printed = [line.strip() for line in (result.stdout + result.stderr).splitlines()]
        if pipe:
            assert pipe == "head -1"
            printed = printed[:1]
        expected = [line.strip() for line in shown if line.strip() not in ("", "…")]
        assert expected, command
        found = iter(printed)
        missing = [line for line in expected if not any(line == got for got in found)]
        assert missing == [], f"{command}: not printed (in this order): {missing}"
