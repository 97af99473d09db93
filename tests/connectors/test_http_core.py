"""The one HTTP core: the pure retry rule, and the same behaviour in every client built on it.

The portal clients and the remote signing clients send through the same drivers, so for the
same answer they raise the same error, honour ``Retry-After`` the same way and send the same
``User-Agent``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import http.server
import json
import socket
import threading
import time
from typing import ClassVar

import anyio
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop import __version__
from onestop.connectors import (
    AdapterAuth,
    AsyncPortalClient,
    NoBackoff,
    PortalClient,
    RetryPolicy,
    set_testing,
    should_retry,
)
from onestop.errors import (
    APIStatusError,
    AuthenticationError,
    ConflictError,
    ConnectTimeoutError,
    InvalidInputError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ReadTimeoutError,
    ServerError,
    UnexpectedResponseError,
)
from onestop.signatures import RemoteSigningClient
from onestop.signatures.remote import AsyncRemoteSigningClient
from onestop.signatures.timestamps import http_timestamper

# ---------------------------------------------------------------- should_retry, a pure function

POLICY = RetryPolicy(attempts=5, initial_backoff=0.5, max_backoff=4.0, total_timeout=60)
SERVER = ServerError("x", status_code=503)
LIMITED = RateLimitedError("x")
WAIT_12 = RateLimitedError("x", retry_after=12.0)
WAIT_59 = RateLimitedError("x", retry_after=59.0)
WAIT_HOUR = RateLimitedError("x", retry_after=3600.0)
AUTH = AuthenticationError("x", status_code=401)

# (case, error, keyword arguments besides the policy, expected delay or None)
TABLE = [
    ("5xx, first failure", SERVER, {}, 0.5),
    ("5xx, second failure doubles", SERVER, {"attempt": 2}, 1.0),
    ("5xx, capped at max_backoff", SERVER, {"attempt": 4}, 4.0),
    ("jitter 0 halves the delay", SERVER, {"jitter": 0.0}, 0.25),
    ("jitter near 1 adds half", SERVER, {"jitter": 0.999}, 0.7495),
    ("attempts used up", SERVER, {"attempt": 5}, None),
    ("the total budget would pass", SERVER, {"elapsed": 59.8}, None),
    ("the total budget is just met", SERVER, {"elapsed": 59.5}, 0.5),
    ("a 59 s wait 10 s in passes the budget", WAIT_59, {"elapsed": 10}, None),
    ("no clock (the outbox): no total budget", WAIT_59, {"elapsed": None}, 59.0),
    ("read timeout", ReadTimeoutError("x"), {}, 0.5),
    ("dropped connection", NetworkError("x"), {}, 0.5),
    ("connect timeout", ConnectTimeoutError("x"), {}, 0.5),
    ("429 without Retry-After backs off", LIMITED, {}, 0.5),
    ("429 waits its Retry-After", WAIT_12, {}, 12.0),
    ("429 Retry-After beats the backoff cap", WAIT_12, {"attempt": 4}, 12.0),
    ("429 Retry-After over max_retry_after", WAIT_HOUR, {}, None),
    ("429 Retry-After beyond the total budget", WAIT_12, {"elapsed": 50}, None),
    ("create after 5xx: may have been applied", SERVER, {"idempotent": False}, None),
    ("create after read timeout", ReadTimeoutError("x"), {"idempotent": False}, None),
    ("create after 429", WAIT_12, {"idempotent": False}, None),
    (
        "create after connect timeout: never sent",
        ConnectTimeoutError("x"),
        {"idempotent": False},
        0.5,
    ),
    ("401 is final", AUTH, {}, None),
    ("404 is final", NotFoundError("x", status_code=404), {}, None),
    ("409 is final", ConflictError("x", status_code=409), {}, None),
    ("400 is final", APIStatusError("x", status_code=400), {}, None),
    ("unexpected answer is final", UnexpectedResponseError("x"), {}, None),
    ("bad input is final", InvalidInputError("x"), {}, None),
    ("a foreign error is final", ValueError("x"), {}, None),
    ("test switch: no delay", SERVER, {"testing": NoBackoff()}, 0.0),
    ("test switch: no Retry-After wait", WAIT_12, {"testing": NoBackoff()}, 0.0),
    ("test switch caps attempts", SERVER, {"attempt": 2, "testing": NoBackoff(attempts=2)}, None),
    ("test switch cap above the policy", SERVER, {"attempt": 5, "testing": NoBackoff(99)}, None),
    ("test switch keeps final errors final", AUTH, {"testing": NoBackoff()}, None),
    ("caller's verdict: retry a 401", AUTH, {"retryable": True}, 0.5),
    ("caller's verdict: give up on a 5xx", SERVER, {"retryable": False}, None),
    ("caller's verdict keeps the attempt bound", AUTH, {"attempt": 5, "retryable": True}, None),
]


@pytest.mark.parametrize(("case", "error", "kwargs", "expected"), TABLE, ids=[r[0] for r in TABLE])
def test_should_retry_table(case, error, kwargs, expected):
    args = {"attempt": 1, "elapsed": 0.0, "idempotent": True, **kwargs}
    delay = should_retry(error, policy=POLICY, **args)
    assert delay == (pytest.approx(expected) if expected is not None else None), case


def test_should_retry_ignores_the_process_wide_switch():
    # Pure: the switch reaches should_retry only as an argument, so set_testing cannot change
    # the answer of a call that does not pass it (the clients pass it; see below).
    try:
        set_testing(True, attempts=1)
        assert should_retry(SERVER, attempt=1, elapsed=0, idempotent=True, policy=POLICY) == 0.5
    finally:
        set_testing(False)


@settings(max_examples=200, deadline=None)
@given(
    error=st.sampled_from([SERVER, ReadTimeoutError("x"), NetworkError("x"), LIMITED]),
    attempt=st.integers(1, 10),
    jitter=st.floats(0, 0.999),
    elapsed=st.floats(0, 100),
)
def test_backoff_is_bounded_and_grows(error, attempt, jitter, elapsed):
    delay = should_retry(
        error, attempt=attempt, elapsed=elapsed, idempotent=True, policy=POLICY, jitter=jitter
    )
    if attempt >= POLICY.attempts:
        assert delay is None
        return
    expected = POLICY.backoff(attempt, jitter=jitter)
    assert expected == min(POLICY.max_backoff, 0.5 * 2 ** (attempt - 1) * (0.5 + jitter))
    if delay is None:
        assert elapsed + expected > POLICY.total_timeout
        return
    assert delay == pytest.approx(expected)
    assert 0 <= delay <= POLICY.max_backoff
    assert elapsed + delay <= POLICY.total_timeout
    nxt = should_retry(
        error, attempt=attempt + 1, elapsed=0, idempotent=True, policy=POLICY, jitter=jitter
    )
    if nxt is not None:
        assert nxt >= delay or nxt == POLICY.max_backoff


def test_policy_validation_and_replace():
    from onestop.errors import ConfigurationError

    for bad in ({"attempts": 0}, {"initial_backoff": -1}, {"total_timeout": float("inf")}):
        with pytest.raises(ConfigurationError) as info:
            RetryPolicy(**bad)
        assert info.value.field == next(iter(bad))
    assert RetryPolicy.no_retry().attempts == 1
    changed = POLICY.replace(attempts=2)
    assert (changed.attempts, changed.max_backoff) == (2, POLICY.max_backoff)
    with pytest.raises(ConfigurationError):
        POLICY.replace(max_backoff=-1)


# ---------------------------------------------------------------- one core, every client

BASE = "https://svc.onestop-test.invalid"
ONCE = RetryPolicy.no_retry()
STATUSES = [
    (400, APIStatusError),
    (401, AuthenticationError),
    (403, AuthenticationError),
    (404, NotFoundError),
    (409, ConflictError),
    (429, RateLimitedError),
    (500, ServerError),
    (502, ServerError),
    (503, ServerError),
]


def answering(status, *, headers=None, seen=None):
    """A transport answering every call with ``status`` (the portal's login succeeds)."""

    def handler(request):
        if seen is not None:
            seen.append(request)
        if request.url.path == "/login":
            return httpx.Response(200, json={"error_code": 0, "session": "s"})
        return httpx.Response(status, headers=headers or {}, json={"message": "Lỗi"})

    return httpx.MockTransport(handler)


def portal_call(transport, **kw):
    with PortalClient(
        BASE, auth=AdapterAuth("u", "p"), unit_code="H56", transport=transport, **kw
    ) as client:
        return client.lookup_dossier("H56-1")


def signing_call(transport, **kw):
    with RemoteSigningClient(
        base_url=BASE, sp_id="DVCQG", sp_password="pw", transport=transport, **kw
    ) as client:
        return client.get_certificates("001090012345")


def timestamp_call(transport, **kw):
    with httpx.Client(transport=transport) as http:
        return http_timestamper(BASE + "/tsa", http, **kw)(hashlib.sha256(b"x").digest())


CLIENTS = {"portal": portal_call, "remote signing": signing_call, "time-stamping": timestamp_call}


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize(("status", "error"), STATUSES)
def test_every_client_maps_a_status_to_the_same_error(client, status, error):
    with pytest.raises(APIStatusError) as info:
        CLIENTS[client](answering(status), retry=ONCE)
    assert type(info.value) is error
    assert info.value.status_code == status


@pytest.mark.parametrize("client", CLIENTS)
def test_every_client_sends_the_same_user_agent(client):
    seen: list[httpx.Request] = []
    with pytest.raises(ServerError):
        CLIENTS[client](answering(503, seen=seen), retry=ONCE)
    assert seen
    assert {r.headers["user-agent"] for r in seen} == {f"onestop/{__version__}"}


def http_date(seconds_from_now):
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds_from_now)
    return email.utils.format_datetime(when, usegmt=True)


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize(
    ("value", "low", "high"),
    [("7", 7, 7), ("0", 0, 0), ("soon", None, None), (None, None, None), ("date", 28, 31)],
)
def test_every_client_reads_retry_after_alike(client, value, low, high):
    headers = {} if value is None else {"Retry-After": http_date(30) if value == "date" else value}
    with pytest.raises(RateLimitedError) as info:
        CLIENTS[client](answering(429, headers=headers), retry=ONCE)
    if low is None:
        assert info.value.retry_after is None
    else:
        assert low <= info.value.retry_after <= high


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self):
        return self.now


def then_ok(first_status, ok, *, headers=None):
    """A transport answering ``first_status`` once, then ``ok(request)``."""
    answers = [httpx.Response(first_status, headers=headers or {}, json={"message": "chậm lại"})]

    def handler(request):
        return answers.pop() if answers else ok(request)

    return httpx.MockTransport(handler)


def test_remote_signing_waits_the_retry_after_the_ca_asked_for(test_pki):
    from onestop.testing import FakeRemoteSigner

    fake = FakeRemoteSigner.from_pki(test_pki)
    clock = FakeClock()
    with RemoteSigningClient(
        base_url=BASE,
        sp_id="DVCQG",
        sp_password="fake-sp-password",
        transport=then_ok(429, fake.handler, headers={"Retry-After": "7"}),
        sleep=clock.sleep,
        clock=clock,
    ) as client:
        remote = client.get_certificate("001090012345")
    assert remote.certificate == test_pki.signer.certificate
    assert clock.sleeps == [7.0]


def test_remote_signing_does_not_repeat_a_sign_request(test_pki):
    from onestop.testing import FakeRemoteSigner

    fake = FakeRemoteSigner.from_pki(test_pki)
    clock = FakeClock()
    client = RemoteSigningClient(
        base_url=BASE,
        sp_id="DVCQG",
        sp_password="fake-sp-password",
        transport=then_ok(503, fake.handler),
        sleep=clock.sleep,
        clock=clock,
    )
    with pytest.raises(ServerError):
        client.sign_hash(
            hashlib.sha256(b"x").digest(),
            user_id="001090012345",
            serial_number=test_pki.signer.certificate.serial_hex,
        )
    assert clock.sleeps == []  # the user would be asked to confirm twice
    assert fake.requests == []


def test_async_clients_share_the_rule(test_pki, fake_portal):
    from onestop.testing import FakeRemoteSigner

    fake = FakeRemoteSigner.from_pki(test_pki)
    sleeps: list[float] = []

    async def fake_sleep(seconds):
        sleeps.append(seconds)

    async def main():
        async with AsyncRemoteSigningClient(
            base_url=BASE,
            sp_id="DVCQG",
            sp_password="fake-sp-password",
            transport=then_ok(429, fake.handler, headers={"Retry-After": "3"}),
            sleep=fake_sleep,
        ) as signer:
            await signer.get_certificates("001090012345")
        fake_portal.rate_limit_next(1, retry_after=2)
        async with AsyncPortalClient(
            BASE,
            auth=AdapterAuth("onestop", "onestop"),
            unit_code="H56",
            transport=fake_portal.async_transport(),
        ) as portal:
            assert await portal.lookup_dossier("H56-1") is None

    anyio.run(main)
    # The fake_portal fixture switches test mode on: the portal's 2 s wait is skipped, and
    # the same switch reaches the signing client's retry through the shared driver.
    assert sleeps == [0.0]


# ---------------------------------------------------------------- the async driver on real sockets


class ClosingHandler(http.server.BaseHTTPRequestHandler):
    """Answers every call (keep-alive announced), then closes the connection anyway."""

    protocol_version = "HTTP/1.1"
    connections: ClassVar[set[int]] = set()

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps({"status_code": 200, "data": {"user_certificates": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "keep-alive")
        self.end_headers()
        self.wfile.write(body)
        ClosingHandler.connections.add(self.client_address[1])
        self.close_connection = True

    def log_message(self, *args):
        pass


def test_async_driver_does_not_reuse_a_connection_the_server_closed():
    ClosingHandler.connections.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ClosingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/api"

    async def main():
        async with AsyncRemoteSigningClient(
            base_url=url, sp_id="DVCQG", sp_password="pw", retry=ONCE
        ) as client:
            for _ in range(3):
                assert await client.get_certificates("001090012345") == ()
                await anyio.sleep(0.05)  # the server's close reaches the idle connection

    try:
        anyio.run(main)
    finally:
        server.shutdown()
        server.server_close()
    assert len(ClosingHandler.connections) == 3  # a new connection each time, no failure


def test_async_driver_maps_a_refused_connection():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once the probe is closed

    async def main():
        async with AsyncRemoteSigningClient(
            base_url=f"http://127.0.0.1:{port}/api", sp_id="DVCQG", sp_password="pw", retry=ONCE
        ) as client:
            await client.get_certificates("001090012345")

    with pytest.raises(NetworkError, match="failed or was dropped"):
        anyio.run(main)


def test_async_portal_client_over_loopback_survives_faults(fake_portal):
    fake_portal.hang_seconds = 0.5

    async def main():
        async with AsyncPortalClient(
            server.url, auth=AdapterAuth("onestop", "onestop"), unit_code="H56", timeout=0.3
        ) as client:
            assert (await client.upsert_dossier(record("L-1"))).created is True
            fake_portal.timeout_next(1)
            fake_portal.drop_next(1)
            fake_portal.fail_next(1)
            assert (await client.lookup_dossier("L-1")).status == "2"
            strict = client.with_options(retry=ONCE)
            fake_portal.timeout_next(1)
            started = time.monotonic()
            with pytest.raises(ReadTimeoutError, match=r"0\.3 s deadline"):
                await strict.lookup_dossier("L-1")
            assert time.monotonic() - started < 0.45  # cut at the deadline, not at the hang
            fake_portal.drop_next(1)
            with pytest.raises(NetworkError):
                await strict.lookup_dossier("L-1")
            assert (await client.lookup_dossier("L-1")).status == "2"

    with fake_portal.serve() as server:
        anyio.run(main)
    assert fake_portal.faults_injected == {"timeout": 2, "drop": 2, "5xx": 1}


def record(code):
    from onestop.connectors import HoSoRecord

    return HoSoRecord(MaHoSo=code, TrangThaiHoSo="2", MaTTHC="1.001193")


def test_async_driver_speaks_tls(test_pki, tmp_path, monkeypatch):
    import ipaddress
    import ssl

    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    from onestop.testing import issue_certificate

    server_cert = issue_certificate(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]),
        issuer=test_pki.intermediate,
        key_usage=["digital_signature"],
        extended_key_usage=[ExtendedKeyUsageOID.SERVER_AUTH],
        subject_alt_names=[x509.IPAddress(ipaddress.ip_address("127.0.0.1"))],
    )
    (tmp_path / "server.pem").write_bytes(server_cert.cert_pem() + server_cert.chain_pem())
    (tmp_path / "server.key").write_bytes(server_cert.key_pem())
    (tmp_path / "ca.pem").write_bytes(test_pki.root.cert_pem())
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))  # trusted by the client

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "server.pem", tmp_path / "server.key")
    ClosingHandler.connections.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ClosingHandler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    async def main(base):
        async with AsyncRemoteSigningClient(
            base_url=base, sp_id="DVCQG", sp_password="pw", retry=ONCE
        ) as client:
            return await client.get_certificates("001090012345")

    try:
        assert anyio.run(main, f"https://127.0.0.1:{server.server_address[1]}/api") == ()
        monkeypatch.delenv("SSL_CERT_FILE")  # the system's CAs do not know the test root
        with pytest.raises(NetworkError):
            anyio.run(main, f"https://127.0.0.1:{server.server_address[1]}/api")
    finally:
        server.shutdown()
        server.server_close()
