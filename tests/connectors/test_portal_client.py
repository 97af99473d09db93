"""PortalClient and AsyncPortalClient against the FakePortal, in-process and over loopback."""

from __future__ import annotations

import logging

import anyio
import httpx
import pytest

from onestop.connectors import (
    AdapterAuth,
    AsyncPortalClient,
    GatewayAuth,
    HoSoRecord,
    PortalClient,
    PortalSettings,
    RetryPolicy,
    TienTrinhRecord,
    dossier_to_record,
)
from onestop.connectors.portal import USER_AGENT
from onestop.errors import (
    AuthenticationError,
    ConfigurationError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ReadTimeoutError,
    ServerError,
    UnexpectedResponseError,
)
from onestop.testing import FakePortal, FrozenClock, make_dossier

BASE = "https://adapter.example"


class SyncDriver:
    def __init__(self, portal, auth=None, transport=None, **kw):
        self.client = PortalClient(
            BASE,
            auth=auth or AdapterAuth("onestop", "onestop"),
            unit_code="H56",
            transport=transport or portal.transport(),
            **kw,
        )

    def __getattr__(self, name):
        return getattr(self.client, name)

    def procedures(self):
        return list(self.client.iter_procedures())


class AsyncDriver:
    def __init__(self, portal, auth=None, transport=None, **kw):
        self.client = AsyncPortalClient(
            BASE,
            auth=auth or AdapterAuth("onestop", "onestop"),
            unit_code="H56",
            transport=transport or portal.async_transport(),
            **kw,
        )

    def __getattr__(self, name):
        method = getattr(self.client, name)
        return lambda *a, **k: anyio.run(lambda: method(*a, **k))

    def procedures(self):
        async def collect():
            return [p async for p in self.client.iter_procedures()]

        return anyio.run(collect)


@pytest.fixture(params=["sync", "async"])
def make_client(request, fake_portal):
    driver = SyncDriver if request.param == "sync" else AsyncDriver
    return lambda **kw: driver(fake_portal, **kw)


def rec(code="H56.14-261128-0001", status="2"):
    return HoSoRecord(MaHoSo=code, TrangThaiHoSo=status, MaTTHC="1.001193")


def test_upsert_creates_then_updates(make_client, fake_portal):
    client = make_client()
    assert client.lookup_dossier("H56.14-261128-0001") is None
    first = client.upsert_dossier(rec(status="2"))
    second = client.upsert_dossier(rec(status="4"))
    assert (first.created, second.created) == (True, False)
    held = client.lookup_dossier("H56.14-261128-0001")
    assert held is not None
    assert held.status == "4"
    assert fake_portal.creates["H56.14-261128-0001"] == 1
    assert fake_portal.status_history["H56.14-261128-0001"] == ["2", "4"]


def test_upsert_domain_dossier_sends_the_mapped_record(make_client, fake_portal):
    dossier = make_dossier(seed=11)
    result = make_client().upsert_dossier(dossier)
    assert result.code == str(dossier.code)
    assert fake_portal.dossier(str(dossier.code)) == dossier_to_record(dossier)


def test_catalogue_and_dictionaries(make_client):
    client = make_client()
    codes = [p.code for p in client.procedures()]
    assert codes == ["1.003560.000.00.00.H56", "2.000488.000.00.00.H56", "2.002621.H56"]
    proc = client.get_procedure("2.000488.000.00.00.H56")
    assert proc.fields[0].name == "Hộ tịch"
    assert proc.channels[0].times[0].amount == "5"
    with pytest.raises(NotFoundError) as info:
        client.get_procedure("9.999999")
    assert info.value.field == "code"
    assert {a.code for a in client.list_agencies()} == {"H56", "H56.14"}
    assert [f.code for f in client.list_fields()] == ["G01", "G02", "G03"]


def test_progress_is_chunked_by_ten_and_idempotent(make_client, fake_portal):
    client = make_client()
    rows = [
        TienTrinhRecord(MaHoSo="X-1", ThoiDiemXuLy=f"202611280800{i:02d}", TrangThai="4")
        for i in range(25)
    ]
    assert client.push_progress(rows) == 25
    assert fake_portal.calls["CapNhatTienDoHoSoMC"] == 3
    assert client.push_progress(rows[:5], chunk_size=2) == 5
    assert fake_portal.calls["CapNhatTienDoHoSoMC"] == 6
    assert len(fake_portal.progress("X-1")) == 25


def test_5xx_is_retried_within_the_policy(make_client, fake_portal):
    client = make_client()
    fake_portal.fail_next(2, status=502)
    assert client.lookup_dossier("nope") is None
    assert fake_portal.calls["TraCuuHoSo"] == 1  # the two failures never reached the service
    assert fake_portal.faults_injected["5xx"] == 2
    fake_portal.fail_next(10)
    with pytest.raises(ServerError) as info:
        client.lookup_dossier("nope")
    assert info.value.status_code == 503
    assert fake_portal.pending_faults == 10 - RetryPolicy().attempts


def test_429_is_retried_then_reported_with_retry_after(make_client, fake_portal):
    client = make_client()
    fake_portal.rate_limit_next(1, retry_after=0)
    assert client.lookup_dossier("nope") is None
    fake_portal.rate_limit_next(10, retry_after=3)
    with pytest.raises(RateLimitedError) as info:
        client.lookup_dossier("nope")
    assert info.value.retry_after == 3.0


@pytest.mark.parametrize("kind", ["timeout", "drop"])
def test_lost_answer_of_a_create_does_not_duplicate(make_client, fake_portal, kind):
    fake_portal.duplicate_policy = "accept"  # a second create would really be stored twice
    client = make_client()
    fake_portal.pass_next(1)  # the look-up answers "not found"
    getattr(fake_portal, f"{kind}_next")(1, after_processing=True)  # create applied, answer lost
    result = client.upsert_dossier(rec(code="LOST-1"))
    assert result.created is False  # the retried flow found it and updated it
    assert fake_portal.creates["LOST-1"] == 1
    assert fake_portal.updates["LOST-1"] == 1


def test_lost_answer_of_a_lookup_is_retried(make_client, fake_portal):
    client = make_client()
    client.upsert_dossier(rec(code="A-1"))
    fake_portal.timeout_next(1)
    fake_portal.drop_next(1)
    assert client.upsert_dossier(rec(code="A-1", status="4")).created is False
    assert fake_portal.creates == {"A-1": 1}
    assert fake_portal.dossier("A-1").status == "4"


def test_transport_failures_map_to_typed_errors(make_client, fake_portal):
    client = make_client(retry=RetryPolicy.no_retry())
    fake_portal.timeout_next(1)
    with pytest.raises(ReadTimeoutError):
        client.lookup_dossier("x")
    fake_portal.drop_next(1)
    with pytest.raises(NetworkError):
        client.lookup_dossier("x")


def test_session_expiry_logs_in_again(make_client, fake_portal):
    auth = AdapterAuth("onestop", "onestop")
    client = make_client(auth=auth)
    client.lookup_dossier("x")
    client.lookup_dossier("x")
    assert auth.logins == 1
    fake_portal.expire_sessions()
    assert client.lookup_dossier("x") is None
    assert auth.logins == 2


def test_bad_credentials_raise_authentication_error(make_client, fake_portal):
    client = make_client(auth=AdapterAuth("onestop", "wrong"))
    with pytest.raises(AuthenticationError) as info:
        client.lookup_dossier("x")
    assert "ONESTOP_PORTAL_PASSWORD" in info.value.message
    assert "wrong" not in info.value.message
    assert fake_portal.calls["login"] == 1  # not retried


def test_gateway_token_routing_refresh_and_403(make_client, fake_portal):
    auth = GatewayAuth("onestop-key", "onestop-secret")
    client = make_client(auth=auth)
    assert client.lookup_dossier("x") is None
    client.lookup_dossier("x")
    assert auth.token_requests == 1
    fake_portal.expire_tokens()
    assert client.lookup_dossier("x") is None
    assert auth.token_requests == 2
    fake_portal.add_consumer("ro", "s", services={"TraCuuHoSo"})
    limited = make_client(auth=GatewayAuth("ro", "s"))
    assert limited.lookup_dossier("x") is None
    with pytest.raises(AuthenticationError) as info:
        limited.upsert_dossier(rec())
    assert info.value.status_code == 403
    with pytest.raises(AuthenticationError) as info:
        make_client(auth=GatewayAuth("onestop-key", "bad")).lookup_dossier("x")
    assert info.value.status_code == 401


def test_headers_user_agent_dstcode_and_service_routing(fake_portal):
    seen: list[httpx.Request] = []
    inner = fake_portal.transport()

    def spy(request):
        seen.append(request)
        return inner.handler(request)

    driver = SyncDriver(
        fake_portal,
        auth=AdapterAuth("onestop", "onestop", dstcode="000.00.00.H56"),
        transport=httpx.MockTransport(spy),
    )
    driver.lookup_dossier("x")
    assert [r.url.path for r in seen] == ["/login", "/service"]
    assert all(r.headers["user-agent"] == USER_AGENT for r in seen)
    assert all(r.headers["dstcode"] == "000.00.00.H56" for r in seen)
    assert USER_AGENT.startswith("onestop/")

    seen.clear()
    gw = SyncDriver(
        fake_portal,
        auth=GatewayAuth("onestop-key", "onestop-secret"),
        transport=httpx.MockTransport(spy),
    )
    gw.lookup_dossier("x")
    assert seen[0].url.path == "/token"
    assert seen[0].headers["authorization"].startswith("Basic ")
    assert seen[1].url.params["service"] == "TraCuuHoSo"
    assert seen[1].headers["authorization"].startswith("Bearer ")


def test_unexpected_body_is_reported(fake_portal):
    def handler(request):
        if request.url.path == "/login":
            return httpx.Response(200, json={"error_code": 0, "session": "s"})
        return httpx.Response(200, text="Cập nhật thành công")

    driver = SyncDriver(fake_portal, transport=httpx.MockTransport(handler))
    with pytest.raises(UnexpectedResponseError):
        driver.lookup_dossier("x")


def test_debug_logs_have_timings_and_no_personal_data(make_client, caplog):
    dossier = make_dossier(seed=3)
    with caplog.at_level(logging.DEBUG, logger="onestop"):
        make_client().upsert_dossier(dossier)
    assert "TraCuuHoSo -> HTTP 200 in" in caplog.text
    assert " ms " in caplog.text
    assert dossier.applicant.name not in caplog.text
    for ident in (dossier.applicant.citizen_id, dossier.applicant.legacy_id):
        if ident is not None:
            assert str(ident) not in caplog.text
    assert "onestop" in caplog.text  # the account name may appear; the password never does


def test_configuration_errors():
    with pytest.raises(ConfigurationError) as info:
        PortalClient("adapter.example", auth=AdapterAuth("u", "p"), unit_code="H56")
    assert info.value.field == "base_url"
    with pytest.raises(ConfigurationError) as info:
        PortalClient(BASE, auth=AdapterAuth("u", "p"), unit_code=" ")
    assert info.value.field == "unit_code"
    with pytest.raises(ConfigurationError) as info:
        AdapterAuth("u", "")
    assert info.value.field == "password"


def test_from_env(fake_portal):
    env = {
        "ONESTOP_PORTAL_URL": BASE,
        "ONESTOP_PORTAL_UNIT_CODE": "H56",
        "ONESTOP_PORTAL_USERNAME": "onestop",
        "ONESTOP_PORTAL_PASSWORD": "onestop",
        "ONESTOP_PORTAL_TIMEOUT": "5",
    }
    with PortalClient.from_env(env, transport=fake_portal.transport()) as client:
        assert client.lookup_dossier("x") is None
    gateway = {**env, "ONESTOP_PORTAL_AUTH": "gateway", "ONESTOP_PORTAL_CONSUMER_KEY": "k"}
    with pytest.raises(ConfigurationError) as info:
        PortalClient.from_env(gateway)
    assert "ONESTOP_PORTAL_CONSUMER_SECRET" in info.value.message
    with pytest.raises(ConfigurationError) as info:
        PortalSettings.from_env({})
    assert "ONESTOP_PORTAL_URL" in info.value.message
    with pytest.raises(ConfigurationError):
        PortalSettings.from_env({**env, "ONESTOP_PORTAL_TIMEOUT": "soon"})
    settings = PortalSettings.from_env(env, unit_code="H29")
    assert settings.unit_code == "H29"
    assert "onestop'" not in repr(settings).split("username")[1].split(",", 2)[-1]
    assert "password" not in repr(settings)
    assert "secret" not in repr(GatewayAuth("k", "secret"))
    assert "onestop" not in repr(AdapterAuth("u", "onestop"))


# ---------------------------------------------------------------- over loopback


def test_sync_client_over_loopback(fake_portal):
    fake_portal.hang_seconds = 0.5
    with (
        fake_portal.serve() as server,
        PortalClient(
            server.url, auth=AdapterAuth("onestop", "onestop"), unit_code="H56", timeout=0.2
        ) as client,
    ):
        assert client.upsert_dossier(rec(code="L-1")).created is True
        fake_portal.timeout_next(1)
        fake_portal.drop_next(1)
        fake_portal.fail_next(1)
        assert client.lookup_dossier("L-1").status == "2"
        assert fake_portal.faults_injected == {"timeout": 1, "drop": 1, "5xx": 1}
        with PortalClient(
            server.url,
            auth=AdapterAuth("onestop", "onestop"),
            unit_code="H56",
            timeout=0.2,
            retry=RetryPolicy.no_retry(),
        ) as strict:
            fake_portal.timeout_next(1)
            with pytest.raises(ReadTimeoutError):
                strict.lookup_dossier("L-1")


def test_async_client_over_loopback_concurrently(fake_portal):
    auth = GatewayAuth("onestop-key", "onestop-secret")
    with fake_portal.serve() as server:

        async def main():
            async with AsyncPortalClient(
                server.url,
                auth=auth,
                unit_code="H56",
                timeout=2,
            ) as client:
                async with anyio.create_task_group() as tg:
                    for i in range(40):
                        tg.start_soon(client.upsert_dossier, rec(code=f"C-{i}"))
                return await client.lookup_dossier("C-7")

        held = anyio.run(main)
    assert held is not None
    assert len(fake_portal.dossier_codes()) == 40
    assert set(fake_portal.creates.values()) == {1}
    assert auth.token_requests == 1  # one token for 40 concurrent flows


def test_fake_server_binds_loopback_only():
    from onestop.testing import FakePortalServer

    with pytest.raises(ConfigurationError) as info:
        FakePortalServer(FakePortal(), host="0.0.0.0")  # noqa: S104
    assert info.value.field == "host"


def test_token_renewed_before_expiry_and_session_ttl():
    clock = FrozenClock("2026-02-13T10:00+07:00")
    portal = FakePortal(clock=clock.monotonic, token_ttl=60, session_ttl=10)
    auth = GatewayAuth("onestop-key", "onestop-secret", clock=clock.monotonic, refresh_margin=30)
    gateway = SyncDriver(portal, auth=auth)
    gateway.lookup_dossier("x")
    clock.advance(seconds=29)
    gateway.lookup_dossier("x")
    assert auth.token_requests == 1
    clock.advance(
        seconds=2
    )  # 31 s: inside the refresh margin, renewed before the gateway refuses it
    gateway.lookup_dossier("x")
    assert auth.token_requests == 2
    assert portal.calls["token"] == 2

    adapter_auth = AdapterAuth("onestop", "onestop")
    adapter = SyncDriver(portal, auth=adapter_auth)
    adapter.lookup_dossier("x")
    clock.advance(seconds=11)  # the fake's session lifetime is 10 s
    assert adapter.lookup_dossier("x") is None
    assert adapter_auth.logins == 2


def test_concurrent_requests_log_in_once(fake_portal):
    from concurrent.futures import ThreadPoolExecutor

    auth = AdapterAuth("onestop", "onestop")
    client = SyncDriver(fake_portal, auth=auth).client
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(client.lookup_dossier, [f"x{i}" for i in range(32)])) == [None] * 32
    assert auth.logins == 1

    async_auth = AdapterAuth("onestop", "onestop")

    async def main():
        async with (
            AsyncPortalClient(
                BASE, auth=async_auth, unit_code="H56", transport=fake_portal.async_transport()
            ) as aclient,
            anyio.create_task_group() as tg,
        ):
            for i in range(32):
                tg.start_soon(aclient.lookup_dossier, f"x{i}")

    fake_portal.set_latency(0.01)  # keep the login in flight while the others start
    anyio.run(main)
    assert async_auth.logins == 1
    assert fake_portal.calls["login"] == 2


def test_with_options_shares_connections_with_other_bounds(fake_portal):
    fake_portal.hang_seconds = 0.6
    with fake_portal.serve() as server:
        client = PortalClient(
            server.url, auth=AdapterAuth("onestop", "onestop"), unit_code="H56", timeout=5
        )
        strict = client.with_options(timeout=0.1, retry=RetryPolicy.no_retry())
        assert strict.lookup_dossier("x") is None
        fake_portal.timeout_next(1)
        with pytest.raises(ReadTimeoutError):
            strict.lookup_dossier("x")
        fake_portal.fail_next(1)
        with pytest.raises(ServerError):
            strict.lookup_dossier("x")
        strict.close()  # the copy does not own the pool
        fake_portal.fail_next(1)
        assert client.lookup_dossier("x") is None  # the original still retries, still open
        assert client.retry == RetryPolicy()
        client.close()


def test_paths_join_the_base_url_like_httpx(fake_portal):
    seen: list[str] = []

    def spy(request):
        seen.append(str(request.url))
        if request.url.path.endswith("/login"):
            return httpx.Response(200, json={"error_code": 0, "session": "s"})
        return httpx.Response(200, json={"error_code": "00", "message": "", "result": []})

    with PortalClient(
        "https://adapter.example/api/v1",
        auth=AdapterAuth("onestop", "onestop", login_path="/api/v1/login"),
        unit_code="H56",
        service_path="/svc",
        share_path="https://share.example/chia-se",
        transport=httpx.MockTransport(spy),
    ) as client:
        assert client.lookup_dossier("x") is None
        assert list(client.iter_procedures()) == []
        assert client.lookup_dossier("y") is None
    assert seen == [
        "https://adapter.example/api/v1/login",
        "https://adapter.example/api/v1/svc",
        "https://share.example/chia-se",
        "https://adapter.example/api/v1/svc",
    ]


def test_adapter_session_renewed_before_expiry_when_its_lifetime_is_known():
    clock = FrozenClock("2026-02-13T10:00+07:00")
    portal = FakePortal(clock=clock.monotonic, session_ttl=60)
    auth = AdapterAuth("onestop", "onestop", session_ttl=50, clock=clock.monotonic)
    seen: list[str] = []
    inner = portal.transport()

    def spy(request):
        response = inner.handler(request)
        seen.append(response.json().get("message", ""))
        return response

    client = SyncDriver(portal, auth=auth, transport=httpx.MockTransport(spy))
    client.lookup_dossier("x")
    clock.advance(seconds=49)
    client.lookup_dossier("x")
    assert auth.logins == 1
    clock.advance(
        seconds=2
    )  # 51 s after the login: renewed before use, never refused by the adapter
    assert client.lookup_dossier("x") is None
    assert auth.logins == 2
    assert not any("Session" in m for m in seen)
    with pytest.raises(ConfigurationError) as info:
        AdapterAuth("u", "p", session_ttl=0)
    assert info.value.field == "session_ttl"


@pytest.mark.parametrize(
    "body",
    [
        b"{}",
        b'{"a":1}',
        b' { "a" : [1, "\xc4\x91"] } ',
        b'{"session":"old","a":1}',
        b'{"x":{"session":1}}',
    ],
)
def test_adapter_session_is_set_in_any_json_object_body(body):
    import json

    seen = []

    def handler(request):
        if request.url.path == "/login":
            return httpx.Response(200, json={"error_code": 0, "session": "S-1"})
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={"error_code": 0})

    with httpx.Client(
        transport=httpx.MockTransport(handler), auth=AdapterAuth("onestop", "onestop")
    ) as http:
        http.post(f"{BASE}/service", content=body)
    assert seen == [{**json.loads(body), "session": "S-1"}]
