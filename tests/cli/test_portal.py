"""``onestop portal push|enqueue|sync|status|fake`` (and the deprecated ``fake-portal``)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest

from onestop.connectors import HoSoRecord, Outbox, set_testing
from onestop.testing import make_dossier

STATUS_KEYS = {"ok", "error", "outbox", "stats", "retrying", "dead_letters"}
STATS_KEYS = {
    "pending",
    "in_flight",
    "retrying",
    "dead",
    "failed",
    "delivered",
    "oldest_age_seconds",
}


@pytest.fixture
def served(fake_portal, monkeypatch):
    with fake_portal.serve() as server:
        monkeypatch.setenv("ONESTOP_PORTAL_URL", server.url)
        monkeypatch.setenv("ONESTOP_PORTAL_UNIT_CODE", "H56")
        monkeypatch.setenv("ONESTOP_PORTAL_USERNAME", "onestop")
        monkeypatch.setenv("ONESTOP_PORTAL_PASSWORD", "onestop")
        yield fake_portal


@pytest.fixture
def dossier_file(tmp_path):
    dossier = make_dossier(seed=8)
    path = tmp_path / "dossier.json"
    path.write_text(dossier.to_json(), encoding="utf-8")
    return dossier, path


def invoke_json(app, runner, *args):
    result = runner.invoke(app, [*args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_push_creates_then_updates(app, runner, served, dossier_file):
    dossier, path = dossier_file
    code, data = invoke_json(app, runner, "portal", "push", str(path))
    assert (code, data) == (
        0,
        {"ok": True, "error": None, "code": str(dossier.code), "created": True},
    )
    code, data = invoke_json(app, runner, "portal", "push", str(path))
    assert data["created"] is False
    assert served.dossier(str(dossier.code)).status == str(dossier.status.code)
    result = runner.invoke(app, ["portal", "push", str(path)])
    assert result.exit_code == 0
    assert "updated" in result.stdout


def test_push_reports_bad_input_and_missing_settings(app, runner, tmp_path, monkeypatch):
    code, data = invoke_json(app, runner, "portal", "push", str(tmp_path / "missing.json"))
    assert code == 2
    assert data["error"]["code"] == "invalid_input"
    assert "dossier_file" in data["error"]["message"]
    path = tmp_path / "d.json"
    path.write_text(make_dossier(seed=1).to_json(), encoding="utf-8")
    for var in ("URL", "UNIT_CODE", "USERNAME", "PASSWORD"):
        monkeypatch.delenv(f"ONESTOP_PORTAL_{var}", raising=False)
    code, data = invoke_json(app, runner, "portal", "push", str(path))
    assert code == 2
    assert data["error"]["code"] == "configuration_error"
    assert "ONESTOP_PORTAL_URL" in data["error"]["message"]


def test_push_reports_portal_errors(app, runner, served, dossier_file, monkeypatch):
    _, path = dossier_file
    monkeypatch.setenv("ONESTOP_PORTAL_PASSWORD", "wrong")
    code, data = invoke_json(app, runner, "portal", "push", str(path))
    assert code == 1
    assert data["error"]["code"] == "authentication_error"
    assert "wrong" not in data["error"]["message"]


def test_enqueue_sync_status(app, runner, served, dossier_file, tmp_path):
    dossier, path = dossier_file
    outbox = str(tmp_path / "outbox.sqlite")
    code, data = invoke_json(app, runner, "portal", "enqueue", str(path), "--outbox", outbox)
    assert code == 0
    assert data["stats"]["pending"] == 1
    code, data = invoke_json(app, runner, "portal", "status", "--outbox", outbox)
    assert set(data) == STATUS_KEYS
    assert set(data["stats"]) == STATS_KEYS
    assert data["stats"]["pending"] == 1
    served.fail_next(1)
    code, data = invoke_json(app, runner, "portal", "sync", "--outbox", outbox)
    assert code == 0
    assert (data["delivered"], data["dead"]) == (1, 0)
    assert data["stats"]["pending"] == 0
    assert served.dossier(str(dossier.code)) is not None
    code, data = invoke_json(app, runner, "portal", "status", "--outbox", outbox)
    assert data["stats"]["delivered"] == 1
    assert data["dead_letters"] == []


def test_sync_concurrent_and_dead_letters_in_status(app, runner, served, tmp_path):
    outbox = str(tmp_path / "outbox.sqlite")
    with Outbox(outbox) as box:
        box.enqueue_many([make_dossier(seed=i) for i in range(12)])
        box.enqueue(HoSoRecord(MaHoSo="BAD-1", TrangThaiHoSo="not-a-status"))
    code, data = invoke_json(
        app, runner, "portal", "sync", "--outbox", outbox, "--concurrency", "4", "--until-empty"
    )
    # A dead letter is a failure monitoring must see: exit status 1 and "ok": false.
    assert (code, data["ok"], data["error"]["code"]) == (1, False, "delivery_failed")
    assert data["delivered"] == 12
    assert data["dead"] == 1  # the portal refuses the record: retrying cannot fix it
    code, data = invoke_json(app, runner, "portal", "status", "--outbox", outbox)
    [letter] = data["dead_letters"]
    assert (data["stats"]["dead"], data["stats"]["failed"]) == (1, 1)
    assert letter["dossier_code"] == "BAD-1"
    assert letter["reason"].startswith("api_status_error")
    text = runner.invoke(app, ["portal", "status", "--outbox", outbox])
    assert "dead letters" in text.stdout


def test_connection_options_reach_the_client(app, runner, served, dossier_file, monkeypatch):
    _dossier, path = dossier_file
    # Gateway mode from options; only the secret comes from the environment.
    monkeypatch.setenv("ONESTOP_PORTAL_CONSUMER_SECRET", "onestop-secret")
    code, data = invoke_json(
        app,
        runner,
        "portal",
        "push",
        str(path),
        "--auth",
        "gateway",
        "--consumer-key",
        "onestop-key",
        "--token-url",
        "/token",
    )
    assert (code, data["created"]) == (0, True)
    assert served.calls["token"] == 1
    assert served.calls["login"] == 0
    # A wrong service path is used as given: the fake answers 404 there.
    code, data = invoke_json(
        app, runner, "portal", "push", str(path), "--service-path", "/elsewhere"
    )
    assert code == 1
    assert data["error"]["code"] == "not_found"
    assert "service path" in data["error"]["message"]
    code, data = invoke_json(app, runner, "portal", "push", str(path), "--login-path", "/nope")
    assert code == 1
    assert data["error"]["code"] == "authentication_error"


@pytest.mark.parametrize("timeout", ["-1", "0", "nan"])
def test_bad_timeout_is_a_configuration_error(app, runner, served, dossier_file, timeout):
    _, path = dossier_file
    code, data = invoke_json(app, runner, "portal", "push", str(path), "--timeout", timeout)
    assert code == 2
    assert data["error"]["code"] == "configuration_error"
    assert "timeout" in data["error"]["message"]


def test_sync_checks_settings_and_outbox_before_touching_anything(
    app, runner, tmp_path, monkeypatch
):
    for var in ("URL", "UNIT_CODE", "USERNAME", "PASSWORD"):
        monkeypatch.delenv(f"ONESTOP_PORTAL_{var}", raising=False)
    outbox = tmp_path / "new" / "outbox.sqlite"
    code, data = invoke_json(app, runner, "portal", "sync", "--outbox", str(outbox))
    assert code == 2
    assert data["error"]["code"] == "configuration_error"
    assert not outbox.parent.exists()  # nothing created on a configuration error
    monkeypatch.setenv("ONESTOP_PORTAL_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ONESTOP_PORTAL_UNIT_CODE", "H56")
    monkeypatch.setenv("ONESTOP_PORTAL_USERNAME", "onestop")
    monkeypatch.setenv("ONESTOP_PORTAL_PASSWORD", "onestop")
    code, data = invoke_json(app, runner, "portal", "sync", "--outbox", str(outbox))
    assert code == 2
    assert data["error"]["code"] == "invalid_input"
    assert "outbox" in data["error"]["message"]
    assert not outbox.parent.exists()  # a mistyped path does not create an empty outbox


def test_status_of_missing_outbox(app, runner, tmp_path):
    code, data = invoke_json(app, runner, "portal", "status", "--outbox", str(tmp_path / "x"))
    assert code == 2
    assert data["error"]["code"] == "invalid_input"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_fake_portal_command_serves_on_loopback(fake_portal_process, sig):
    proc, info = fake_portal_process.start()
    try:
        assert info["url"].startswith("http://127.0.0.1:")
        assert set(info) == {
            "ok",
            "error",
            "url",
            "service_path",
            "login_path",
            "token_path",
            "username",
            "consumer_key",
        }
        answer = httpx.post(
            info["url"] + "/login",
            json={"username": "onestop", "password": "onestop"},
            timeout=30,
        ).json()
        assert answer["error_code"] == 0
        assert answer["session"]
    finally:
        returncode, errors = fake_portal_process.stop(proc, sig)
    assert returncode == 0, errors
    assert "Traceback" not in errors
    with pytest.raises(httpx.ConnectError):  # the port was released
        httpx.post(info["url"] + "/login", json={}, timeout=5)


def test_fake_portal_command_exits_0_on_sigterm_right_after_the_banner(fake_portal_process):
    # The signal arrives as early as a client can know the server exists (before any
    # request, possibly before the serving loop started).
    proc, info = fake_portal_process.start()
    returncode, errors = fake_portal_process.stop(proc, signal.SIGTERM)
    assert info["ok"] is True
    assert returncode == 0, errors


def test_fake_portal_is_a_deprecated_alias_of_portal_fake(app, runner, fake_portal_process):
    """Issue 10: `onestop portal fake` replaces `onestop fake-portal` (kept one release)."""
    proc, info = fake_portal_process.start("fake-portal")
    returncode, errors = fake_portal_process.stop(proc, signal.SIGTERM)
    assert (info["ok"], info["error"]) == (True, None)
    assert returncode == 0
    assert "'onestop fake-portal' is deprecated" in errors
    assert "use 'onestop portal fake'" in errors
    root_help = runner.invoke(app, ["--help"]).stdout
    assert "fake-portal" not in root_help  # hidden
    portal_help = runner.invoke(app, ["portal", "--help"]).stdout
    assert "fake" in portal_help


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_sync_follow_stops_on_signal(served, tmp_path, sig):
    outbox = str(tmp_path / "outbox.sqlite")
    with Outbox(outbox) as box:
        box.enqueue(HoSoRecord(MaHoSo="F-1", TrangThaiHoSo="2"))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from onestop.cli import main; main()",
            "portal",
            "sync",
            "--outbox",
            outbox,
            "--follow",
            "--concurrency",
            "4",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while served.dossier("F-1") is None:  # the worker is running once it delivered
            assert time.monotonic() < deadline, "worker delivered nothing within 30 s"
            assert proc.poll() is None
            time.sleep(0.05)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    data = json.loads(out)
    assert data["ok"] is True
    assert data["delivered"] == 1
    assert data["stats"]["pending"] == 0


# ---------------------------------------------------------------- input files


@pytest.mark.parametrize("command", ["push", "enqueue"])
def test_dossier_files_go_through_the_input_reader(app, runner, served, tmp_path, command):
    extra = ["--outbox", str(tmp_path / "o.sqlite")] if command == "enqueue" else []
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(80 * 1024 * 1024)  # sparse: 80 MB announced, nothing on disk
    code, data = invoke_json(app, runner, "portal", command, str(huge), *extra)
    assert code == 2
    assert data["error"]["field"] == "dossier_file"
    assert "the limit is 16,777,216 bytes" in data["error"]["message"]
    utf16 = tmp_path / "utf16.json"
    utf16.write_text(make_dossier(seed=1).to_json(), encoding="utf-16")
    code, data = invoke_json(app, runner, "portal", command, str(utf16), *extra)
    assert code == 2
    assert "UTF-16" in data["error"]["message"]
    assert served.calls["login"] == 0


# ---------------------------------------------------------------- status is read-only


def test_status_refuses_a_database_that_is_not_an_outbox_and_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "app.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE citizens (name TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    code, data = invoke_json(app, runner, "portal", "status", "--outbox", str(path))
    assert code == 2
    assert data["error"]["code"] == "invalid_input"
    assert "not an outbox" in data["error"]["message"]
    assert path.read_bytes() == before
    assert [f.name for f in tmp_path.iterdir()] == ["app.db"]  # no -wal, -shm, -journal


def test_status_works_while_a_worker_holds_the_write_lock(app, runner, tmp_path):
    path = tmp_path / "o.sqlite"
    with Outbox(path) as box:
        box.enqueue(HoSoRecord(MaHoSo="W-1", TrangThaiHoSo="2"))
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE outbox SET attempts = attempts")
    try:
        started = time.monotonic()
        code, data = invoke_json(app, runner, "portal", "status", "--outbox", str(path))
        assert time.monotonic() - started < 3
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert code == 0
    assert data["stats"]["pending"] == 1


def test_status_of_a_locked_outbox_says_so(app, runner, tmp_path):
    path = tmp_path / "o.sqlite"
    with Outbox(path) as box:
        box.enqueue(HoSoRecord(MaHoSo="L-1", TrangThaiHoSo="2"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, data = invoke_json(
            app, runner, "portal", "status", "--outbox", str(path), "--wait", "0.1"
        )
    finally:
        holder.close()
    assert code == 1
    assert data["error"]["code"] == "outbox_error"
    assert "is locked by another process (a running worker?)" in data["error"]["message"]
    assert "retry or stop it" in data["error"]["message"]


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("schema_version", "v1-tampered", "schema version"),
        ("delivered", "many", "'delivered' counter"),
    ],
)
def test_status_of_a_tampered_outbox_is_a_typed_error(app, runner, tmp_path, key, value, named):
    path = tmp_path / "o.sqlite"
    with Outbox(path) as box:
        box.enqueue(HoSoRecord(MaHoSo="T-1", TrangThaiHoSo="2"))
    db = sqlite3.connect(path)
    db.execute("UPDATE outbox_meta SET value = ? WHERE key = ?", (value, key))
    db.commit()
    db.close()
    code, data = invoke_json(app, runner, "portal", "status", "--outbox", str(path))
    assert code == 1
    assert data["error"]["code"] == "outbox_error"
    assert named in data["error"]["message"]
    assert value not in data["error"]["message"]


# ---------------------------------------------------------------- sync exit status


def _closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_sync_exits_1_when_the_portal_is_unreachable_and_status_shows_why(
    app, runner, served, tmp_path, monkeypatch
):
    set_testing(False)  # real outbox backoff: the entry waits for its next try
    monkeypatch.setenv("ONESTOP_PORTAL_URL", _closed_port_url())
    outbox = str(tmp_path / "outbox.sqlite")
    dossier = make_dossier(seed=5)
    with Outbox(outbox) as box:
        box.enqueue(dossier)
    code, data = invoke_json(app, runner, "portal", "sync", "--outbox", outbox)
    assert code == 1
    assert data["ok"] is False
    assert data["error"]["code"] == "delivery_failed"
    assert (data["delivered"], data["retried"], data["dead"]) == (0, 1, 0)
    assert (data["stats"]["retrying"], data["stats"]["failed"]) == (1, 1)
    result = runner.invoke(app, ["portal", "sync", "--outbox", outbox])
    assert result.exit_code == 1
    assert "error[delivery_failed]: 1 entry waits for a retry" in result.stderr
    code, data = invoke_json(app, runner, "portal", "status", "--outbox", outbox)
    assert code == 0
    [waiting] = data["retrying"]
    assert waiting["dossier_code"] == str(dossier.code)
    assert waiting["last_error"].startswith("network_error: ")
    assert waiting["next_attempt_in_seconds"] >= 0
    assert not re.search(r"\d{9,}", waiting["last_error"])  # no ID or phone number
    assert dossier.applicant.name not in waiting["last_error"]
    text = runner.invoke(app, ["portal", "status", "--outbox", outbox])
    assert "retrying" in text.stdout
    assert "network_error" in text.stdout


def test_sync_exits_0_when_there_is_nothing_to_do(app, runner, served, tmp_path):
    outbox = str(tmp_path / "outbox.sqlite")
    Outbox(outbox).close()
    code, data = invoke_json(app, runner, "portal", "sync", "--outbox", outbox)
    assert (code, data["ok"], data["delivered"]) == (0, True, 0)
    assert data["error"] is None


def test_sync_refuses_a_timeout_that_can_outlive_the_outbox_lease(app, runner, served, tmp_path):
    outbox = str(tmp_path / "outbox.sqlite")
    with Outbox(outbox) as box:
        box.enqueue(HoSoRecord(MaHoSo="S-1", TrangThaiHoSo="2"))
    code, data = invoke_json(app, runner, "portal", "sync", "--outbox", outbox, "--timeout", "100")
    assert code == 2
    assert data["error"]["code"] == "configuration_error"
    assert data["error"]["field"] == "lease_seconds"
    assert served.dossier("S-1") is None


def test_max_response_bytes_option_reaches_the_client(app, runner, served, dossier_file):
    _, path = dossier_file
    served.oversize_next(1, size=20_000)
    code, data = invoke_json(
        app, runner, "portal", "push", str(path), "--max-response-bytes", "10000"
    )
    assert code == 1
    assert data["error"]["code"] == "unexpected_response"
    assert "larger than 10,000 bytes" in data["error"]["message"]


def test_a_wrong_password_is_reported_once(served, dossier_file):
    _, path = dossier_file
    env = {**os.environ, "ONESTOP_PORTAL_PASSWORD": "wrong"}
    result = subprocess.run(
        [sys.executable, "-c", "from onestop.cli import main; main()", "portal", "push", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # the error line, no log line repeating it
    assert lines[0].startswith("error[authentication_error]: login: the adapter refused")
    assert "wrong" not in lines[0]
