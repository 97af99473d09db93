"""The fake portal at the HTTP level: envelope quirks, errors, faults, the loopback server."""

from __future__ import annotations

import base64
import json
import socket

import httpx
import pytest

from onestop.errors import ConfigurationError
from onestop.testing import FakePortal


@pytest.fixture
def http(fake_portal):
    with httpx.Client(base_url="http://fake", transport=fake_portal.transport()) as client:
        yield client


def login(http):
    return http.post("/login", json={"username": "onestop", "password": "onestop"}).json()[
        "session"
    ]


def call(http, session, service, **params):
    body = {"session": session, "madonvi": "H56", "service": service, **params}
    return http.post("/service", json=body)


RECORD = {"MaHoSo": "H56-1", "TrangThaiHoSo": "2", "NgayNopHoSo": "20261128080000"}


def test_success_codes_vary_like_the_real_clients_see_them(http):
    session = login(http)
    codes = [call(http, session, "TraCuuHoSo", mahoso="x").json()["error_code"] for _ in range(6)]
    assert codes == [0, "0", "00", 0, "0", "00"]


def test_duplicate_create_and_unknown_update(http):
    session = login(http)
    create = {"isUpdating": "False", "data": [RECORD]}
    assert call(http, session, "DongBoHoSoMC", **create).json()["error_code"] in (0, "0", "00")
    again = call(http, session, "DongBoHoSoMC", **create).json()
    assert again["error_code"] == -3
    assert "đã tồn tại" in again["message"]
    update = {"isUpdating": "True", "data": [{**RECORD, "MaHoSo": "H56-2"}]}
    missing = call(http, session, "DongBoHoSoMC", **update).json()
    assert missing["error_code"] == -4
    assert "không tồn tại" in missing["message"]


def test_input_errors(http):
    session = login(http)
    assert (
        call(http, session, "DongBoHoSoMC", isUpdating="maybe", data=[RECORD]).json()["error_code"]
        == 2
    )
    bad = call(http, session, "DongBoHoSoMC", isUpdating="False", data=[{"MaHoSo": "X"}])
    assert bad.json()["error_code"] == 2
    assert (
        http.post("/service", json={"session": session, "service": "TraCuuHoSo"}).json()[
            "error_code"
        ]
        == 2
    )  # no madonvi
    assert call(http, session, "KhongCo").json()["error_code"] == -9
    assert http.get("/service").status_code == 405
    assert http.post("/elsewhere", json={}).status_code == 404
    assert http.post("/service", content=b"not json").status_code == 400


def test_session_and_login_errors(http):
    assert call(http, "forged", "TraCuuHoSo", mahoso="x").json()["error_code"] == -1
    refused = http.post("/login", json={"username": "onestop", "password": "x"}).json()
    assert refused["error_code"] == "1"
    assert "session" not in refused


def test_gateway_token_errors(http):
    basic = base64.b64encode(b"onestop-key:wrong").decode()
    denied = http.post(
        "/token",
        headers={"Authorization": f"Basic {basic}"},
        content=b"grant_type=client_credentials",
    )
    assert denied.status_code == 401
    basic = base64.b64encode(b"onestop-key:onestop-secret").decode()
    grant = http.post(
        "/token", headers={"Authorization": f"Basic {basic}"}, content=b"grant_type=password"
    )
    assert grant.status_code == 400
    token = http.post(
        "/token",
        headers={"Authorization": f"Basic {basic}"},
        content=b"grant_type=client_credentials",
    ).json()
    assert token["token_type"] == "Bearer"
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    body = {"madonvi": "H56", "service": "TraCuuHoSo", "mahoso": "x"}
    assert http.post("/service", json=body, headers=headers).status_code == 400  # no ?service=
    ok = http.post("/service?service=TraCuuHoSo", json=body, headers=headers)
    assert ok.status_code == 200
    forged = http.post(
        "/service?service=TraCuuHoSo", json=body, headers={"Authorization": "Bearer x"}
    )
    assert forged.status_code == 401


def test_injected_http_faults(http, fake_portal):
    session = login(http)
    fake_portal.fail_next(1, status=504)
    fake_portal.rate_limit_next(1, retry_after=2.5)
    assert call(http, session, "TraCuuHoSo", mahoso="x").status_code == 504
    limited = call(http, session, "TraCuuHoSo", mahoso="x")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "2.5"
    with pytest.raises(httpx.ReadTimeout):
        fake_portal.timeout_next(1)
        call(http, session, "TraCuuHoSo", mahoso="x")
    with pytest.raises(httpx.RemoteProtocolError):
        fake_portal.drop_next(1)
        call(http, session, "TraCuuHoSo", mahoso="x")
    with pytest.raises(ConfigurationError):
        fake_portal.fail_next(1, status=404)
    with pytest.raises(ConfigurationError):
        fake_portal.set_fault_rate(1.5)


def test_random_fault_rate_is_about_right():
    portal = FakePortal()
    portal.set_fault_rate(0.2, kinds=("5xx",), seed=1)
    with httpx.Client(base_url="http://fake", transport=portal.transport()) as http:
        session = login(http)
        statuses = [call(http, session, "TraCuuHoSo", mahoso="x").status_code for _ in range(500)]
    failures = sum(s >= 500 for s in statuses)
    assert 70 <= failures <= 130  # binomial(500, 0.2): mean 100, sd ~9
    assert portal.faults_injected["5xx"] == failures


def test_loopback_server_keeps_connections_alive_and_drops_on_fault(fake_portal):
    with fake_portal.serve() as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            stream = sock.makefile("rwb")
            for _ in range(3):  # three requests on one connection
                body = json.dumps({"username": "onestop", "password": "onestop"}).encode()
                stream.write(
                    b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                stream.flush()
                status = stream.readline()
                assert status.startswith(b"HTTP/1.1 200")
                length = 0
                while (line := stream.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                assert json.loads(stream.read(length))["error_code"] == 0
        fake_portal.drop_next(1)
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.post(server.url + "/service", json={"service": "TraCuuHoSo"})


def _port_is_free(port):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_server_closed_before_serving_returns_at_once_and_frees_the_port():
    from onestop.testing import FakePortalServer

    server = FakePortalServer(FakePortal())
    port = server.port
    server.close()
    server.serve_forever()  # must not raise nor block
    server.close()  # idempotent
    assert _port_is_free(port)


@pytest.mark.parametrize("delay", [0.0, 0.0005, 0.002, 0.01])
def test_close_from_another_thread_at_any_moment_ends_serve_forever(delay):
    # What `onestop portal fake` does on SIGTERM: close() from a helper thread while the
    # main thread starts serving. Whatever the interleaving, serving ends without error.
    import threading
    import time

    from onestop.testing import FakePortalServer

    for _ in range(5):
        server = FakePortalServer(FakePortal())
        port = server.port
        closer = threading.Timer(delay, server.close)
        closer.start()
        started = time.monotonic()
        server.serve_forever()
        closer.join(10)
        assert time.monotonic() - started < 10
        assert not closer.is_alive()
        assert _port_is_free(port)
