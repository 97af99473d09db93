from __future__ import annotations

import subprocess
import sys

import onestop


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
