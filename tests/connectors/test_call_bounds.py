"""Bounds of one portal call: a total deadline and a cap on the answer's size, in both clients."""

from __future__ import annotations

import gzip
import json
import time

import anyio
import httpx
import pytest

from onestop.connectors import (
    AdapterAuth,
    AsyncPortalClient,
    HoSoRecord,
    PortalClient,
    PortalSettings,
    RetryPolicy,
)
from onestop.errors import ConfigurationError, ReadTimeoutError, UnexpectedResponseError

BASE = "https://adapter.example"
AUTH = ("onestop", "onestop")
ONCE = RetryPolicy.no_retry()


def sync_client(url=BASE, *, transport=None, **kw):
    kw.setdefault("retry", ONCE)
    return PortalClient(url, auth=AdapterAuth(*AUTH), unit_code="H56", transport=transport, **kw)


def async_client(url=BASE, *, transport=None, **kw):
    kw.setdefault("retry", ONCE)
    return AsyncPortalClient(
        url, auth=AdapterAuth(*AUTH), unit_code="H56", transport=transport, **kw
    )


def timed(fn):
    started = time.monotonic()
    try:
        fn()
    except Exception as exc:  # returned for the test to check
        return exc, time.monotonic() - started
    return None, time.monotonic() - started


# ---------------------------------------------------------------- total deadline per call


def test_sync_timeout_is_a_total_deadline_against_a_trickling_server(fake_portal):
    with fake_portal.serve() as server, sync_client(server.url, timeout=2.0) as client:
        client.lookup_dossier("H56-1")  # logged in, connection open
        # One byte every 0.2 s: each socket read succeeds long before a 2 s read timeout, so a
        # per-read timeout would let this ~80-byte answer take 16 s.
        fake_portal.trickle_next(1, interval=0.2)
        error, elapsed = timed(lambda: client.lookup_dossier("H56-1"))
    assert isinstance(error, ReadTimeoutError)
    assert "2 s deadline" in error.message
    assert 1.9 <= elapsed < 2.6


@pytest.mark.parametrize("head", [False, True])
def test_async_timeout_is_a_total_deadline_even_for_trickled_headers(fake_portal, head):
    async def main():
        async with async_client(server.url, timeout=2.0) as client:
            await client.lookup_dossier("H56-1")
            fake_portal.trickle_next(1, interval=0.2, head=head)
            started = time.monotonic()
            with pytest.raises(ReadTimeoutError):
                await client.lookup_dossier("H56-1")
            return time.monotonic() - started

    with fake_portal.serve() as server:
        elapsed = anyio.run(main)
    assert 1.9 <= elapsed < 2.6


def test_a_trickle_shorter_than_the_deadline_is_read(fake_portal):
    fake_portal.trickle_next(1, interval=0.001)
    with sync_client(transport=fake_portal.transport(), timeout=5.0) as client:
        assert client.lookup_dossier("H56-1") is None


def test_the_deadline_covers_the_login_it_needs(fake_portal):
    # Login and call each answer in 0.6 s: both fit a 1 s per-read timeout, not 1 s in total.
    fake_portal.set_latency(0.6)
    with sync_client(transport=fake_portal.transport(), timeout=1.0) as client:
        error, elapsed = timed(lambda: client.lookup_dossier("H56-1"))
    assert isinstance(error, ReadTimeoutError)
    assert elapsed < 1.5
    assert fake_portal.calls["login"] == 1


def test_async_in_process_trickle_is_cut_at_the_deadline(fake_portal):
    async def main():
        async with async_client(transport=fake_portal.async_transport(), timeout=1.0) as client:
            fake_portal.trickle_next(1, interval=0.2)
            await client.lookup_dossier("H56-1")

    error, elapsed = timed(lambda: anyio.run(main))
    assert isinstance(error, ReadTimeoutError)
    assert elapsed < 1.5


def test_max_upsert_seconds_is_the_retry_budget_plus_four_calls():
    client = sync_client(timeout=7.0, retry=RetryPolicy(total_timeout=50))
    assert client.max_upsert_seconds == 50 + 4 * 7
    assert client.with_options(timeout=3).max_upsert_seconds == 50 + 4 * 3
    client.close()


# ---------------------------------------------------------------- size cap


@pytest.mark.parametrize(
    "options",
    [{}, {"announce_length": True}, {"gzip": True}],
    ids=["streamed", "announced", "gzip"],
)
def test_an_oversized_answer_is_refused_without_being_read_whole(fake_portal, options):
    fake_portal.oversize_next(1, size=8 * 1024 * 1024, **options)
    with (
        fake_portal.serve() as server,
        sync_client(server.url, max_response_bytes=64 * 1024) as client,
    ):
        with pytest.raises(UnexpectedResponseError) as info:
            client.lookup_dossier("H56-1")
        assert "larger than 65,536 bytes" in info.value.message
        assert "ONESTOP_PORTAL_MAX_RESPONSE_BYTES" in info.value.message
        assert client.lookup_dossier("H56-1") is None  # the client is still usable


def test_the_default_cap_refuses_an_answer_over_32_mib(fake_portal):
    fake_portal.oversize_next(1)  # 40 MiB, without Content-Length

    async def main():
        async with async_client(transport=fake_portal.async_transport()) as client:
            assert client.max_response_bytes == 32 * 1024 * 1024
            await client.lookup_dossier("H56-1")

    with pytest.raises(UnexpectedResponseError, match="33,554,432 bytes"):
        anyio.run(main)


def test_an_announced_oversize_is_refused_before_reading(fake_portal):
    portal = fake_portal.transport()

    def handler(request):
        if request.url.path == "/login":
            return portal.handle_request(request)

        def never():
            raise AssertionError("the body must not be read")
            yield b""  # pragma: no cover

        return httpx.Response(200, headers={"Content-Length": str(10**9)}, content=never())

    with (
        sync_client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(UnexpectedResponseError, match="larger than"),
    ):
        client.lookup_dossier("H56-1")


def test_a_gzip_answer_within_the_cap_is_decoded(fake_portal):
    portal = fake_portal.transport()
    record = {"MaHoSo": "H56-1", "TrangThaiHoSo": "2"}
    envelope = json.dumps({"error_code": 0, "message": "ok", "result": [record]}).encode()
    seen = []

    def handler(request):
        if request.url.path == "/login":
            return portal.handle_request(request)
        seen.append(request.headers.get("accept-encoding"))
        return httpx.Response(
            200, headers={"Content-Encoding": "gzip"}, content=iter([gzip.compress(envelope)])
        )

    with sync_client(transport=httpx.MockTransport(handler)) as client:
        assert client.lookup_dossier("H56-1") == HoSoRecord.model_validate(record)
    assert seen == ["gzip"]  # only what can be decoded within the cap is asked for


def test_an_encoding_that_was_not_asked_for_is_refused(fake_portal):
    portal = fake_portal.transport()

    def handler(request):
        if request.url.path == "/login":
            return portal.handle_request(request)
        return httpx.Response(200, headers={"Content-Encoding": "br"}, content=iter([b"\x0b"]))

    with (
        sync_client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(UnexpectedResponseError, match="'br'"),
    ):
        client.lookup_dossier("H56-1")


def test_the_login_answer_is_capped_too(fake_portal):
    def handler(request):
        return httpx.Response(200, content=iter([b'{"session": "' + b"x" * 5000 + b'"}']))

    with (
        sync_client(transport=httpx.MockTransport(handler), max_response_bytes=1000) as client,
        pytest.raises(UnexpectedResponseError, match="larger than 1,000 bytes"),
    ):
        client.lookup_dossier("H56-1")


def test_bounds_apply_to_a_given_http_client_and_leave_its_other_requests_alone(fake_portal):
    portal = fake_portal.transport()
    big = b"x" * 5000

    def handler(request):
        if request.url.path == "/other":
            return httpx.Response(200, content=iter([big]))
        return portal.handle_request(request)

    seen = []
    http = httpx.Client(
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        event_hooks={"response": [lambda response: seen.append(response.status_code)]},
    )
    client = PortalClient(
        BASE,
        auth=AdapterAuth(*AUTH),
        unit_code="H56",
        http_client=http,
        max_response_bytes=1000,
    )
    fake_portal.oversize_next(1, size=4000)
    with pytest.raises(UnexpectedResponseError):
        client.lookup_dossier("H56-1")
    assert http.get("/other").content == big  # not an onestop call: not capped
    assert seen  # the caller's own hook still runs
    http.close()


def test_max_response_bytes_from_the_environment():
    env = {"ONESTOP_PORTAL_URL": BASE, "ONESTOP_PORTAL_UNIT_CODE": "H56"}
    settings = PortalSettings.from_env({**env, "ONESTOP_PORTAL_MAX_RESPONSE_BYTES": "4096"})
    assert settings.max_response_bytes == 4096
    assert PortalSettings.from_env(env).max_response_bytes == 32 * 1024 * 1024
    for bad in ("lots", "0", "-5"):
        with pytest.raises(ConfigurationError) as info:
            PortalSettings.from_env({**env, "ONESTOP_PORTAL_MAX_RESPONSE_BYTES": bad})
        assert info.value.field == "max_response_bytes"
    with pytest.raises(ConfigurationError):
        sync_client(max_response_bytes=0)
