"""Bad input to the connectors' public API raises a typed onestop error naming the field.

Each case is something a caller can plausibly get wrong (a wrong type, an empty string, a
naive datetime, a negative timeout…). The error must be an ``OneStopError`` (never an
``AttributeError``, ``ZeroDivisionError`` or a bare pydantic ``ValidationError``), carry the
field it is about, and never quote personal data.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.connectors import (
    AdapterAuth,
    AsyncPortalClient,
    GatewayAuth,
    HoSoRecord,
    Outbox,
    OutboxWorker,
    PortalClient,
    PortalSettings,
    RetryPolicy,
    TienTrinhRecord,
    dossier_to_record,
    format_portal_datetime,
    parse_portal_datetime,
    progress_rows,
)
from onestop.connectors.outbox import OutboxPolicy
from onestop.errors import ConfigurationError, InvalidInputError, OneStopError, OutboxError
from onestop.testing import FakePortal, FakePortalServer

BASE = "https://adapter.example"


@pytest.fixture
def client(fake_portal):
    with PortalClient(
        BASE,
        auth=AdapterAuth("onestop", "onestop"),
        unit_code="H56",
        transport=fake_portal.transport(),
    ) as c:
        yield c


CLIENT_CASES = [
    ("lookup_dossier", (123,), "code"),
    ("lookup_dossier", (None,), "code"),
    ("lookup_dossier", ("   ",), "code"),
    ("get_procedure", (5,), "code"),
    ("get_procedure", ("",), "code"),
    ("get_dictionary", ("",), "service"),
    ("get_dictionary", ("Lay DanhMuc; drop",), "service"),
    ("upsert_dossier", ("garbage",), "dossier"),
    ("upsert_dossier", ({"MaHoSo": "X"},), "dossier"),
    ("upsert_dossier", (None,), "dossier"),
    ("push_progress", ("abc",), "rows"),
    ("push_progress", ([{"MaHoSo": "X"}],), "rows[0]"),
]


@pytest.mark.parametrize(("method", "args", "field"), CLIENT_CASES)
def test_client_methods_reject_bad_arguments(client, fake_portal, method, args, field):
    with pytest.raises(InvalidInputError) as info:
        getattr(client, method)(*args)
    assert info.value.field == field
    assert field.split("[")[0] in info.value.message
    assert sum(fake_portal.calls.values()) == 0  # refused before anything was sent


def test_async_client_rejects_the_same_arguments(fake_portal):
    import anyio

    async def main():
        async with AsyncPortalClient(
            BASE,
            auth=AdapterAuth("onestop", "onestop"),
            unit_code="H56",
            transport=fake_portal.async_transport(),
        ) as aclient:
            for method, args, field in CLIENT_CASES:
                with pytest.raises(InvalidInputError) as info:
                    await getattr(aclient, method)(*args)
                assert info.value.field == field

    anyio.run(main)
    assert sum(fake_portal.calls.values()) == 0


AUTH = AdapterAuth("u", "p")

CONSTRUCTION_CASES = [
    (lambda: PortalClient(5, auth=AUTH, unit_code="H56"), "base_url"),
    (lambda: PortalClient("adapter.example", auth=AUTH, unit_code="H56"), "base_url"),
    (lambda: PortalClient(BASE, auth=AUTH, unit_code=None), "unit_code"),
    (lambda: PortalClient(BASE, auth=None, unit_code="H56"), "auth"),
    (lambda: PortalClient(BASE, auth=("u", "p"), unit_code="H56"), "auth"),
    (lambda: PortalClient(BASE, auth=AUTH, unit_code="H56", timeout=-1), "timeout"),
    (lambda: PortalClient(BASE, auth=AUTH, unit_code="H56", timeout=0), "timeout"),
    (lambda: PortalClient(BASE, auth=AUTH, unit_code="H56", timeout=float("nan")), "timeout"),
    (lambda: PortalClient(BASE, auth=AUTH, unit_code="H56", retry=3), "retry"),
    (
        lambda: AsyncPortalClient(BASE, auth=AUTH, unit_code="H56", max_connections=0),
        "max_connections",
    ),
    (lambda: AsyncPortalClient(BASE, auth=AUTH, unit_code="H56", timeout=-5), "timeout"),
    (
        lambda: PortalClient(BASE, auth=AUTH, unit_code="H56", max_response_bytes=True),
        "max_response_bytes",
    ),
    (
        lambda: AsyncPortalClient(BASE, auth=AUTH, unit_code="H56", max_response_bytes=1.5),
        "max_response_bytes",
    ),
    (
        lambda: PortalSettings(base_url=BASE, unit_code="H", max_response_bytes=0),
        "max_response_bytes",
    ),
    (lambda: AdapterAuth(5, "p"), "username"),
    (lambda: AdapterAuth("u", None), "password"),
    (lambda: GatewayAuth("", "s"), "consumer_key"),
    (lambda: RetryPolicy(initial_backoff=float("nan")), "initial_backoff"),
    (lambda: RetryPolicy(attempts=2.5), "attempts"),
    (lambda: PortalSettings(base_url=BASE, unit_code="H56", timeout=-1), "timeout"),
    (lambda: PortalSettings.from_env({}, base_url=BASE, unit_code="H", timeout=0), "timeout"),
    (lambda: OutboxPolicy(retry=RetryPolicy(attempts=0)), "attempts"),
    (lambda: OutboxPolicy(retry={"attempts": 3}), "retry"),
    (lambda: OutboxPolicy(lease_seconds=0), "lease_seconds"),
    (lambda: OutboxPolicy(retry=RetryPolicy(initial_backoff=float("inf"))), "initial_backoff"),
    (lambda: Outbox(5), "path"),
    (lambda: Outbox(""), "path"),
    (lambda: Outbox(":memory:", policy={"max_attempts": 3}), "policy"),
    (lambda: Outbox(":memory:", lock_timeout=-1), "lock_timeout"),
    (lambda: Outbox(":memory:", lock_timeout=float("nan")), "lock_timeout"),
    (lambda: Outbox(":memory:", read_only=True), "read_only"),
    (lambda: OutboxWorker(Outbox(":memory:"), None, batch_size=0), "batch_size"),
    (lambda: OutboxWorker(Outbox(":memory:"), None, poll_interval=-1), "poll_interval"),
    (lambda: OutboxWorker(":memory:", None), "outbox"),
    (lambda: FakePortal().set_latency(-1), "seconds"),
    (lambda: FakePortal().set_fault_rate(0.5, kinds=["boom"]), "kinds"),
    (lambda: FakePortal().set_fault_rate(0.5, kinds=[]), "kinds"),
    (lambda: FakePortal().rate_limit_next(1, retry_after=-2), "retry_after"),
    (lambda: FakePortal().fail_next(1.5), "n"),
    (lambda: FakePortal().trickle_next(1, interval=-0.1), "interval"),
    (lambda: FakePortal().oversize_next(1, size=10), "size"),
    (lambda: FakePortal().add_procedure({"TENTTHC": "no code"}), "MATTHC"),
    (lambda: FakePortalServer(FakePortal(), port=70000), "port"),
    (lambda: FakePortalServer(FakePortal(), port=-1), "port"),
]


@pytest.mark.parametrize(("build", "field"), CONSTRUCTION_CASES)
def test_configuration_mistakes_are_configuration_errors(build, field):
    with pytest.raises(ConfigurationError) as info:
        build()
    assert info.value.field == field
    assert field in info.value.message


def test_outbox_in_an_unwritable_place_is_an_outbox_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutboxError) as info:
        Outbox(blocker / "outbox.sqlite")  # a directory that is a file
    assert info.value.field == "path"


def test_outbox_producer_side_rejects_wrong_objects():
    with Outbox(":memory:") as box:
        for bad in ("x", None, {"MaHoSo": "X"}):
            with pytest.raises(InvalidInputError) as info:
                box.enqueue(bad)
            assert info.value.field == "dossier"
        with pytest.raises(InvalidInputError) as info:
            box.enqueue_progress(["x"])
        assert info.value.field == "rows[0]"
        with pytest.raises(InvalidInputError) as info:
            box.enqueue_progress("abc")
        assert info.value.field == "rows"
        assert box.stats().pending == 0


def test_mapping_rejects_what_is_not_a_dossier():
    for fn in (dossier_to_record, progress_rows):
        with pytest.raises(InvalidInputError) as info:
            fn({"code": "X"})
        assert info.value.field == "dossier"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (dt.datetime(2026, 3, 15, 8, 30), "naive"),
        (dt.date(2026, 3, 15), "got date"),
        ("20260315083000", "got str"),
        (1773538200, "got int"),
    ],
)
def test_format_portal_datetime_rejects_non_aware_datetimes(value, problem):
    with pytest.raises(InvalidInputError) as info:
        format_portal_datetime(value)
    assert info.value.field == "datetime"
    assert problem in info.value.message


def test_parse_portal_datetime_rejects_non_strings():
    with pytest.raises(InvalidInputError) as info:
        parse_portal_datetime(20260315083000, field="NgayHenTra")
    assert info.value.field == "NgayHenTra"


def test_wire_records_raise_onestop_errors_naming_the_portal_field():
    with pytest.raises(InvalidInputError) as info:
        HoSoRecord(MaHoSo="H56-1")
    assert info.value.field == "TrangThaiHoSo"
    assert "TrangThaiHoSo" in info.value.message
    with pytest.raises(InvalidInputError) as info:
        HoSoRecord.model_validate({"MaHoSo": "", "TrangThaiHoSo": "2"})
    assert info.value.field == "MaHoSo"
    with pytest.raises(InvalidInputError) as info:
        HoSoRecord.model_validate_json(b"{not json")
    with pytest.raises(InvalidInputError) as info:
        TienTrinhRecord(
            MaHoSo="X", ThoiDiemXuLy="20260101000000", TrangThai="4", NguoiXuLy="Nguyễn " * 10
        )
    assert info.value.field == "NguoiXuLy"
    assert "Nguyễn" not in info.value.message  # the input (a name) is never quoted


def test_record_errors_never_quote_personal_data():
    citizen_id = "001099012345"
    with pytest.raises(InvalidInputError) as info:
        HoSoRecord.model_validate(
            {"MaHoSo": "X", "TrangThaiHoSo": "2", "DinhDanhCHS": [{"SoDinhDanh": [citizen_id]}]}
        )
    assert citizen_id not in info.value.message
    assert "DinhDanhCHS" in info.value.message


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.binary(max_size=10),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    st.datetimes(),
    st.dates(),
)


@settings(max_examples=150, deadline=None)
@given(value=anything)
def test_random_values_give_results_or_onestop_errors(value):
    for fn in (
        format_portal_datetime,
        parse_portal_datetime,
        dossier_to_record,
        lambda v: RetryPolicy(initial_backoff=v),
        lambda v: PortalSettings(base_url=BASE, unit_code="H56", timeout=v),
        lambda v: PortalClient(BASE, auth=AUTH, unit_code=v),
        lambda v: HoSoRecord.model_validate(v),
        lambda v: TienTrinhRecord.model_validate(
            {"MaHoSo": "X", "ThoiDiemXuLy": v, "TrangThai": "4"}
        ),
    ):
        with contextlib.suppress(OneStopError):
            fn(value)
