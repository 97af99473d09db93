"""PostalClient and AsyncPostalClient against the FakePostal, in-process and over loopback."""

from __future__ import annotations

import datetime as dt
import json
import logging

import anyio
import httpx
import pytest

from onestop.connectors import (
    AsyncPostalClient,
    GatewayAuth,
    MyVNPostAuth,
    OrderRecord,
    PostalClient,
    PostalPaths,
    PostalSettings,
    apply_tracking,
    order_number_for,
    postal_order,
)
from onestop.connectors._postal_wire import FIRST_CURSOR
from onestop.errors import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    InvalidInputError,
    ServerError,
    UnexpectedResponseError,
)
from onestop.models import PostalAddress, PostalOrderKind, PostalStatus
from onestop.testing import make_dossier, make_postal_party
from onestop.tz import VN_TZ

BASE = "https://api.mitc.vn/apiVNPostNGSP/p1.0"
AGENCY = make_postal_party(seed=101)
APPLICANT = make_postal_party(seed=202)
T0 = dt.datetime(2026, 3, 16, 9, 0, tzinfo=VN_TZ)


def _kwargs(**kw):
    return {
        "auth": kw.pop("auth", None) or GatewayAuth("onestop-key", "onestop-secret"),
        "customer_code": kw.pop("customer_code", "HCC-ONESTOP"),
        "agency": kw.pop("agency", AGENCY),
        **kw,
    }


class SyncDriver:
    def __init__(self, postal, transport=None, **kw):
        self.client = PostalClient(BASE, transport=transport or postal.transport(), **_kwargs(**kw))

    def __getattr__(self, name):
        return getattr(self.client, name)

    def pages(self, since=None):
        return list(self.client.iter_tracking(since, page_size=3))


class AsyncDriver:
    def __init__(self, postal, transport=None, **kw):
        self.client = AsyncPostalClient(
            BASE, transport=transport or postal.async_transport(), **_kwargs(**kw)
        )

    def __getattr__(self, name):
        method = getattr(self.client, name)
        if not callable(method) or name in ("pickup_order", "delivery_order"):
            return method
        return lambda *a, **k: anyio.run(lambda: method(*a, **k))

    def pages(self, since=None):
        async def collect():
            return [p async for p in self.client.iter_tracking(since, page_size=3)]

        return anyio.run(collect)


@pytest.fixture(params=["sync", "async"])
def make_client(request, fake_postal):
    driver = SyncDriver if request.param == "sync" else AsyncDriver
    return lambda **kw: driver(fake_postal, **kw)


def test_pickup_and_delivery_orders_are_linked_to_the_dossier(make_client, fake_postal):
    dossier = make_dossier(5)
    client = make_client()
    pickup = client.pickup(dossier, applicant=APPLICANT)
    delivery = client.deliver_result(dossier, applicant=APPLICANT)
    assert (pickup.status, pickup.duplicate) == ("100", False)
    assert pickup.order_number == order_number_for(str(dossier.code), "pickup")
    assert delivery.order_number == str(dossier.code)  # TD: OrderNumber = MaHoSo
    held = fake_postal.order(pickup.order_number)
    # a pickup goes from the applicant to the agency, a delivery the other way round
    assert (held.sender_name, held.receiver_name) == (APPLICANT.name, AGENCY.name)
    assert held.sender_address == APPLICANT.address.one_line()
    back = fake_postal.order(delivery.order_number)
    assert (back.sender_name, back.receiver_tel) == (AGENCY.name, APPLICANT.phone)
    assert str(dossier.code) in back.description


def test_a_resend_is_answered_101_and_creates_nothing(make_client, fake_postal):
    dossier = make_dossier(6)
    client = make_client()
    first = client.pickup(dossier, applicant=APPLICANT)
    again = client.pickup(dossier, applicant=APPLICANT)
    assert again.duplicate and again.status == "101"
    assert fake_postal.creates[first.order_number] == 1
    assert fake_postal.duplicates[first.order_number] == 1


def test_a_lost_answer_is_retried_without_a_second_order(make_client, fake_postal):
    dossier = make_dossier(7)
    fake_postal.timeout_next(1, after_processing=True)
    result = make_client().pickup(dossier, applicant=APPLICANT)
    assert result.duplicate  # the first try created it; the retry was told so
    assert fake_postal.creates[result.order_number] == 1
    assert fake_postal.faults_injected["timeout"] == 1


def test_server_errors_are_retried_and_then_raised(make_client, fake_postal):
    fake_postal.fail_next(2, status=503)
    assert make_client().pickup(make_dossier(8), applicant=APPLICANT).status == "100"
    fake_postal.fail_next(10, status=502)
    with pytest.raises(ServerError):
        make_client().pickup(make_dossier(9), applicant=APPLICANT)


def test_a_refused_order_is_a_typed_error_with_vnposts_code(make_client):
    with pytest.raises(APIStatusError) as info:
        make_client(customer_code="SOMEONE-ELSE").pickup(make_dossier(10), applicant=APPLICANT)
    assert info.value.error_code == "99"
    assert not isinstance(info.value, ServerError)  # not retried


def test_a_garbled_answer_carries_a_masked_payload(make_client, fake_postal, caplog):
    caplog.set_level(logging.DEBUG, logger="onestop")
    fake_postal.garble_next(1)
    with pytest.raises(UnexpectedResponseError) as info:
        make_client().pickup(make_dossier(11), applicant=APPLICANT)
    payload = info.value.payload
    assert payload is not None and "***" in payload
    assert APPLICANT.name not in payload and APPLICANT.phone not in payload
    assert APPLICANT.phone not in str(info.value)
    assert APPLICANT.phone not in caplog.text and APPLICANT.name not in caplog.text


def test_a_garbled_answer_to_a_delivery_masks_the_applicant_s_name(make_client, fake_postal):
    # a delivery goes to the applicant: the answer echoes their name under "receiver"
    fake_postal.garble_next(1)
    with pytest.raises(UnexpectedResponseError) as info:
        make_client().deliver_result(make_dossier(11), applicant=APPLICANT)
    payload = info.value.payload
    assert payload is not None and '"receiver": "***"' in payload
    assert APPLICANT.name not in payload and APPLICANT.phone not in payload


def test_cancel_and_the_tracking_feed(make_client, fake_postal):
    dossier = make_dossier(12)
    client = make_client()
    delivery = client.deliver_result(dossier, applicant=APPLICANT)
    pickup = client.pickup(dossier, applicant=APPLICANT)
    fake_postal.deliver(delivery.order_number)
    assert client.cancel_order(pickup.order_number).status == "100"
    with pytest.raises(APIStatusError):
        client.cancel_order(delivery.order_number)  # delivered: nothing to cancel

    pages = client.pages()
    events = [e for page in pages for e in page.events]
    assert len(events) == (1 + 8) + (1 + 1)  # created + route to delivered; created + cancelled
    assert [len(p.events) for p in pages][:-1] == [3] * (len(pages) - 1)
    last = pages[-1].last_id
    assert client.track(last).events == ()
    assert client.track(last).last_id == last  # an empty page keeps the cursor
    fake_postal.advance(pickup.order_number, PostalStatus.COMPLETED)
    [newer] = client.track(last).events
    assert (newer.order_number, newer.status) == (pickup.order_number, PostalStatus.COMPLETED)

    record = dossier
    for result, kind in ((delivery, "delivery"), (pickup, "pickup")):
        record = record.with_postal_order(postal_order(result, kind=kind, at=T0))
    record = apply_tracking(record, events, at=T0 + dt.timedelta(hours=1))
    assert record.postal_order(delivery.order_number).status is PostalStatus.DELIVERED
    assert record.postal_order(pickup.order_number).status is PostalStatus.COLLECTION_CANCELLED
    assert record.postal_order(pickup.order_number).kind is PostalOrderKind.PICKUP


def test_price_quote_uses_the_public_service_tariff(make_client):
    sender = PostalAddress(
        street="1 Lê Lợi",
        commune_name="Phường Hạc Thành",
        province_code="38",
        vnpost_province_code=44,
        vnpost_district_code=4400,
    )
    receiver = sender.model_copy(update={"vnpost_province_code": 10, "vnpost_district_code": 1100})
    client = make_client()
    assert client.quote(sender=sender, receiver=sender, weight_grams=300) == 22_000
    assert client.quote(sender=sender, receiver=receiver, weight_grams=1200) == 42_000
    with pytest.raises(InvalidInputError, match="VNPost's province and district codes"):
        client.quote(sender=APPLICANT.address, receiver=sender, weight_grams=300)


def test_myvnpost_token_mode_and_a_refused_account(make_client, fake_postal):
    auth = MyVNPostAuth("onestop", "onestop")
    client = make_client(auth=auth)
    assert client.pickup(make_dossier(13), applicant=APPLICANT).status == "100"
    fake_postal.expire_account_tokens()
    assert client.deliver_result(make_dossier(13), applicant=APPLICANT).status == "100"
    assert auth.logins == 2  # renewed once after the 401
    with pytest.raises(AuthenticationError):
        make_client(auth=MyVNPostAuth("onestop", "wrong")).track()
    assert "wrong" not in repr(MyVNPostAuth("onestop", "wrong"))


def test_lgsp_routing_with_a_service_query(make_client):
    paths = PostalPaths(
        order="/vnpost?service=orderpost",
        cancel="/vnpost?service=ordercancel",
        tracking="/vnpost?service=ordertracking",
        price="/vnpost?service=pricehcc",
    )
    client = make_client(paths=paths)
    result = client.pickup(make_dossier(14), applicant=APPLICANT)
    assert result.status == "100"
    assert client.track().events[0].order_number == result.order_number


def test_bad_arguments_are_typed_errors(make_client):
    client = make_client()
    with pytest.raises(InvalidInputError, match="last_id"):
        client.track("not-a-cursor")
    with pytest.raises(InvalidInputError, match="page_size"):
        client.track(page_size=0)
    with pytest.raises(InvalidInputError, match="postal_address"):
        client.pickup(make_dossier(15))  # the factory dossier has no structured address
    with pytest.raises(InvalidInputError, match="OrderRecord"):
        client.send_order({"OrderNumber": "x"})
    with pytest.raises(ConfigurationError, match="agency"):
        make_client(agency=None).pickup(make_dossier(15), applicant=APPLICANT)
    with pytest.raises(ConfigurationError, match="customer_code"):
        make_client(customer_code=" ")
    with pytest.raises(ConfigurationError, match="base_url"):
        PostalClient("ftp://x", **_kwargs())


def test_the_tracking_cursor_starts_at_24_zeros(fake_postal):
    seen = []
    inner = fake_postal.transport()

    def spy(request):
        if request.url.path.endswith("/order/tracking"):
            seen.append(json.loads(request.content))
        return inner.handle_request(request)

    with PostalClient(BASE, transport=httpx.MockTransport(spy), **_kwargs()) as client:
        client.track()
    assert seen[-1]["lastId"] == FIRST_CURSOR and seen[-1]["pagesize"] == 100


def test_over_loopback_with_settings_from_the_environment(fake_postal, tmp_path):
    agency_file = tmp_path / "agency.json"
    agency_file.write_text(AGENCY.to_json(), encoding="utf-8")
    with fake_postal.serve() as server:
        env = {
            "ONESTOP_POSTAL_URL": server.url,
            "ONESTOP_POSTAL_CUSTOMER_CODE": "HCC-ONESTOP",
            "ONESTOP_PORTAL_CONSUMER_KEY": "onestop-key",
            "ONESTOP_PORTAL_CONSUMER_SECRET": "onestop-secret",
            "ONESTOP_POSTAL_AGENCY_FILE": str(agency_file),
        }
        with PostalClient.from_env(env) as client:
            result = client.pickup(make_dossier(16), applicant=APPLICANT)
        assert fake_postal.order(result.order_number) is not None

        async def run():
            async with AsyncPostalClient.from_env(env) as client:
                return await client.track()

        page = anyio.run(run)
        assert page.events[0].order_number == result.order_number
    settings = PostalSettings.from_env(env)
    assert "onestop-secret" not in repr(settings)
    with pytest.raises(ConfigurationError, match="ONESTOP_POSTAL_CUSTOMER_CODE"):
        PostalSettings.from_env({"ONESTOP_POSTAL_URL": "http://x"})
    with pytest.raises(ConfigurationError, match="consumer_key"):
        PostalSettings.from_env({**env, "ONESTOP_PORTAL_CONSUMER_KEY": ""}).make_auth()
    with pytest.raises(ConfigurationError, match="auth_mode"):
        PostalSettings.from_env({**env, "ONESTOP_POSTAL_AUTH": "adapter"})


def test_order_record_hides_personal_data(make_client):
    order = make_client().pickup_order(make_dossier(17), applicant=APPLICANT)
    assert isinstance(order, OrderRecord)
    assert APPLICANT.name not in repr(order) and APPLICANT.phone not in repr(order)
    assert "ItemCode" not in order.to_wire()


def test_load_agency_refuses_a_file_that_is_not_utf8(tmp_path):
    from onestop.connectors.postal import load_agency

    path = tmp_path / "agency.json"
    path.write_bytes(AGENCY.to_json().encode("utf-16"))
    with pytest.raises(InvalidInputError) as info:
        load_agency(path)
    assert info.value.field == "agency_file" and "UTF-8" in str(info.value)
    path.write_text(AGENCY.to_json(), encoding="utf-8")
    assert load_agency(path) == AGENCY
