"""Fixtures for command-line tests: the fully registered app, a runner, a served fake portal."""

from __future__ import annotations

import json
import select
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from onestop.cli._commands import build_app


@pytest.fixture(scope="session")
def app():
    return build_app()


@pytest.fixture
def runner():
    return CliRunner()


class FakePortalProcess:
    """``onestop portal fake --port 0 --json`` (or another spelling) in a child process."""

    def start(self, *command: str) -> tuple[subprocess.Popen[str], dict]:
        """Start the command and return the process and its JSON banner."""
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from onestop.cli import main; main()",
                *(command or ("portal", "fake")),
                "--port",
                "0",
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "no banner within 60 s"
        lines = []
        for _ in range(40):  # the JSON object is a dozen lines
            lines.append(proc.stdout.readline())
            if lines[-1].strip() in ("}", ""):
                break
        return proc, json.loads("".join(lines))

    def stop(self, proc: subprocess.Popen[str], sig: int) -> tuple[int, str]:
        """Send ``sig``, wait for the exit (generous bound: the machine may be loaded)."""
        assert proc.stdout is not None and proc.stderr is not None
        try:
            proc.send_signal(sig)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            errors = proc.stderr.read()
            proc.stderr.close()
        return proc.returncode, errors


@pytest.fixture
def fake_portal_process():
    return FakePortalProcess()
