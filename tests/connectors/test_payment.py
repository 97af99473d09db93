"""The payment platform: checksums, the clients against FakePayment, the ledger's IPN rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging

import anyio
import pytest

from onestop.connectors import (
    AsyncPaymentClient,
    PaymentClient,
    PaymentLedger,
    PaymentSettings,
    RetryPolicy,
    verify_ipn,
)
from onestop.connectors._payment_protocol import sign, signed_fields
from onestop.errors import (
    APIStatusError,
    ConfigurationError,
    PaymentProblem,
    PaymentRejectedError,
    ServerError,
    UnexpectedResponseError,
)
from onestop.models import FeeItem, OnlinePayment, OnlinePaymentState
from onestop.testing import FakePayment, make_dossier
from onestop.tz import VN_TZ

BASE = "https://thanhtoan.example"
SECRET = "onestop-payment-secret"
T0 = dt.datetime(2026, 3, 16, 9, 0, tzinfo=VN_TZ)
FEES = (FeeItem(name="Lệ phí đăng ký", amount=30_000), FeeItem(name="Phí", amount=20_000))


# ------------------------------------------------------------------------------ checksums


def _ipn(**changes):
    body = {
        "LoaiBanTin": "IPN",
        "MaLoi": "00",
        "MaDoiTac": "ONESTOP",
        "MaThamChieu": "dvcH5614260316000120260316090000ab12",
        "SoTien": 50000,
        "MaTienTe": "VND",
        "MaGiaoDich": "GD0000000001",
        "MaNganHang": "NCB",
        "ThoiGianGD": "20260316090000",
        "ThongTinGiaoDich": "THANH TOAN HO SO H56.14-260316-0001",
    }
    body.update(changes)
    return body


def test_sha256_secret_is_tds_formula():
    body = _ipn()
    joined = "IPN|00|ONESTOP|" + body["MaThamChieu"] + "|50000|VND|GD0000000001|NCB|"
    joined += "20260316090000|THANH TOAN HO SO H56.14-260316-0001|" + SECRET
    expected = hashlib.sha256(joined.encode()).hexdigest()
    assert sign(body, "IPN", secret=SECRET, algorithm="sha256-secret") == expected


def test_hmac_sha256_is_opencps_formula_with_its_trailing_bar():
    body = _ipn()
    joined = "IPN|ONESTOP|" + body["MaThamChieu"] + "|50000|VND|NCB|"
    joined += "THANH TOAN HO SO H56.14-260316-0001|20260316090000|"
    expected = hmac.new(SECRET.encode(), joined.encode(), hashlib.sha256).hexdigest()
    assert sign(body, "IPN", secret=SECRET, algorithm="hmac-sha256") == expected
    assert signed_fields("QUERY", "hmac-sha256") == signed_fields("QUERY", "sha256-secret")


@pytest.mark.parametrize("field", list(signed_fields("IPN", "sha256-secret")))
def test_any_covered_field_changed_breaks_the_checksum(field):
    body = _ipn()
    body["MaXacThuc"] = sign(body, "IPN", secret=SECRET, algorithm="sha256-secret")
    assert verify_ipn(body, secret=SECRET).valid
    tampered = dict(body)
    tampered[field] = (
        int(body[field]) + 1 if isinstance(body[field], int) else str(body[field]) + "X"
    )
    check = verify_ipn(tampered, secret=SECRET)
    assert not check.valid and check.problems == (PaymentProblem.CHECKSUM,)


def test_wrong_secret_partner_and_malformed_bodies():
    body = _ipn()
    body["MaXacThuc"] = sign(body, "IPN", secret="another", algorithm="sha256-secret")
    assert verify_ipn(body, secret=SECRET).problems == (PaymentProblem.CHECKSUM,)
    body["MaXacThuc"] = sign(body, "IPN", secret=SECRET, algorithm="sha256-secret")
    assert verify_ipn(body, secret=SECRET, partner_code="H56").problems == (PaymentProblem.PARTNER,)
    assert verify_ipn(b"not json", secret=SECRET).problems == (PaymentProblem.MALFORMED,)
    assert verify_ipn(b'{"MaLoi": "00"}', secret=SECRET).problems == (PaymentProblem.MALFORMED,)
    assert verify_ipn(json.dumps(body).upper(), secret=SECRET).problems == (
        PaymentProblem.MALFORMED,
    )
    with pytest.raises(ConfigurationError, match="algorithm"):
        verify_ipn(body, secret=SECRET, algorithm="md5")
    with pytest.raises(ConfigurationError, match="secret"):
        verify_ipn(body, secret="")


def test_the_comparison_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    body = _ipn()
    body["MaXacThuc"] = sign(body, "IPN", secret=SECRET, algorithm="sha256-secret").upper()
    assert verify_ipn(body, secret=SECRET).valid  # hex digests compare case-insensitively
    assert len(calls) == 1


def test_hmac_variant_does_not_cover_the_outcome():
    body = _ipn(MaLoi="01")
    body["MaXacThuc"] = sign(body, "IPN", secret=SECRET, algorithm="hmac-sha256")
    flipped = {**body, "MaLoi": "00"}  # a forger turns a failure into a success ...
    check = verify_ipn(flipped, secret=SECRET, algorithm="hmac-sha256")
    assert check.valid  # ... and the checksum cannot tell: so the outcome is not trusted
    assert check.needs_query and check.uncovered == ("MaLoi", "MaGiaoDich")


# ------------------------------------------------------------------------------ flows


@pytest.fixture
def ledger(tmp_path):
    with PaymentLedger(tmp_path / "pay.sqlite", partner_code="ONESTOP", secret=SECRET) as led:
        yield led


class SyncDriver:
    def __init__(self, fake, **kw):
        self.client = PaymentClient(
            BASE,
            partner_code=kw.pop("partner_code", "ONESTOP"),
            secret=kw.pop("secret", SECRET),
            transport=fake.transport(),
            **kw,
        )

    def __getattr__(self, name):
        return getattr(self.client, name)


class AsyncDriver:
    def __init__(self, fake, **kw):
        self.client = AsyncPaymentClient(
            BASE,
            partner_code=kw.pop("partner_code", "ONESTOP"),
            secret=kw.pop("secret", SECRET),
            transport=fake.async_transport(),
            **kw,
        )

    def __getattr__(self, name):
        method = getattr(self.client, name)
        if name == "init_record":
            return method
        return lambda *a, **k: anyio.run(lambda: method(*a, **k))


@pytest.fixture(params=["sync", "async"])
def make_client(request, fake_payment):
    driver = SyncDriver if request.param == "sync" else AsyncDriver
    return lambda **kw: driver(fake_payment, **kw)


def test_a_payment_from_init_to_ipn(make_client, fake_payment, ledger):
    dossier = make_dossier(21)
    client = make_client()
    payment, page = client.begin_payment(ledger, dossier, fees=FEES, at=T0)
    assert page.endswith("/pay/" + payment.reference)
    assert payment.reference.startswith("dvc") and payment.amount == 50_000
    assert ledger.payment(payment.reference).state is OnlinePaymentState.PENDING
    assert ledger.payment_url(payment.reference) == page
    fake_payment.pay(payment.reference)
    [delivery] = fake_payment.deliver_ipns(ledger.handle_ipn)
    assert delivery.acknowledged and delivery.kind == "genuine"
    paid = ledger.payment(payment.reference)
    assert paid.state is OnlinePaymentState.SUCCEEDED and paid.transaction_id
    assert [e.note for e in ledger.events(payment.reference)] == ["applied"]
    assert client.get_bill(payment.reference, at=T0).startswith(b"%PDF-")
    assert client.query(payment.reference, at=T0).state is OnlinePaymentState.SUCCEEDED
    recorded = dossier.with_online_payment(paid)
    assert recorded.online_payment(payment.reference).fees == FEES


def test_repeated_tampered_forged_and_unknown_ipns(make_client, fake_payment, ledger):
    client = make_client()
    payment, _ = client.begin_payment(ledger, make_dossier(22), fees=FEES, at=T0)
    fake_payment.duplicate_ipns(1)
    fake_payment.tamper_ipns(1, field="MaLoi")
    fake_payment.pay(payment.reference, success=False)
    fake_payment.forge_ipn(payment.reference, how="wrong_secret")
    fake_payment.forge_ipn(payment.reference, how="unknown_reference")
    kinds = {d.kind: d for d in fake_payment.deliver_ipns(ledger.handle_ipn)}
    assert kinds["genuine"].acknowledged and kinds["duplicate"].acknowledged
    for forged in ("tampered", "wrong_secret", "unknown_reference"):
        assert kinds[forged].status == 400 and not kinds[forged].acknowledged
    assert ledger.payment(payment.reference).state is OnlinePaymentState.FAILED
    notes = [e.note for e in ledger.events(payment.reference)]
    assert notes == ["applied", "duplicate"]  # one change; the forgeries recorded nothing


def test_a_validly_signed_ipn_with_another_amount_or_currency_is_refused(ledger, make_client):
    payment, _ = make_client().begin_payment(ledger, make_dossier(23), fees=FEES, at=T0)
    for field, value, reason in (
        ("SoTien", 49_000, PaymentProblem.AMOUNT),
        ("MaTienTe", "USD", PaymentProblem.CURRENCY),
    ):
        body = _ipn(MaThamChieu=payment.reference, **{field: value})
        body["MaXacThuc"] = sign(body, "IPN", secret=SECRET, algorithm="sha256-secret")
        with pytest.raises(PaymentRejectedError) as info:
            ledger.apply_ipn(body)
        assert info.value.reason is reason and info.value.reference == payment.reference
        assert SECRET not in str(info.value) and body["MaXacThuc"] not in str(info.value)
    assert ledger.events() == []
    assert ledger.payment(payment.reference).state is OnlinePaymentState.PENDING


def test_a_late_failure_never_undoes_a_success(ledger, make_client):
    payment, _ = make_client().begin_payment(ledger, make_dossier(24), fees=FEES, at=T0)
    for error, note in (("00", "applied"), ("01", "stale")):
        body = _ipn(MaThamChieu=payment.reference, MaLoi=error)
        body["MaXacThuc"] = sign(body, "IPN", secret=SECRET, algorithm="sha256-secret")
        outcome = ledger.apply_ipn(body)
        assert ledger.events(payment.reference)[-1].note == note
    assert outcome.stale and outcome.http_status == 200
    assert ledger.payment(payment.reference).state is OnlinePaymentState.SUCCEEDED


def test_reconciliation_settles_lost_and_late_callbacks(make_client, fake_payment, ledger):
    client = make_client()
    lost, _ = client.begin_payment(ledger, make_dossier(25), fees=FEES, at=T0)
    late, _ = client.begin_payment(ledger, make_dossier(26), fees=FEES, at=T0)
    waiting, _ = client.begin_payment(ledger, make_dossier(27), fees=FEES, at=T0)
    fake_payment.pay(lost.reference, notify=False)  # the callback never comes
    fake_payment.hold_ipns(1)
    fake_payment.pay(late.reference, success=False)  # the callback comes after the QUERY
    now = T0 + dt.timedelta(minutes=31)
    assert client.reconcile(ledger, now=T0 + dt.timedelta(minutes=29)).queried == 0
    report = client.reconcile(ledger, now=now)
    assert report.to_dict() == {
        "queried": 3,
        "settled": 2,
        "still_pending": 1,
        "failed": 0,
        "rejected": 0,
    }
    assert fake_payment.release_held() == 1
    [delivery] = fake_payment.deliver_ipns(ledger.handle_ipn)
    assert delivery.acknowledged
    assert [e.note for e in ledger.events(late.reference)] == ["applied", "duplicate"]
    assert ledger.payment(lost.reference).state is OnlinePaymentState.SUCCEEDED
    assert ledger.payment(waiting.reference).state is OnlinePaymentState.PENDING
    assert ledger.pending(now=now) == [ledger.payment(waiting.reference)]


def test_with_the_hmac_variant_an_ipn_is_confirmed_by_query(tmp_path):
    fake = FakePayment(algorithm="hmac-sha256")
    with (
        PaymentLedger(
            tmp_path / "h.sqlite", partner_code="ONESTOP", secret=SECRET, algorithm="hmac-sha256"
        ) as ledger,
        PaymentClient(
            BASE,
            partner_code="ONESTOP",
            secret=SECRET,
            algorithm="hmac-sha256",
            transport=fake.transport(),
        ) as client,
    ):
        payment, _ = client.begin_payment(ledger, make_dossier(28), fees=FEES, at=T0)
        fake.pay(payment.reference)
        [delivery] = fake.deliver_ipns(ledger.handle_ipn)
        assert delivery.acknowledged
        assert ledger.payment(payment.reference).state is OnlinePaymentState.PENDING
        assert ledger.events(payment.reference)[0].note == "needs_query"
        client.reconcile(ledger, older_than=dt.timedelta(0), now=T0)
        assert ledger.payment(payment.reference).state is OnlinePaymentState.SUCCEEDED


def test_init_is_not_retried_but_query_is(make_client, fake_payment, ledger):
    client = make_client(retry=RetryPolicy(attempts=3))
    fake_payment.fail_next(1, status=503)
    with pytest.raises(ServerError):
        client.begin_payment(ledger, make_dossier(29), fees=FEES, at=T0)
    assert fake_payment.calls["INIT"] == 1
    [opened] = ledger.payments()  # recorded before the INIT: the reconciliation finds it
    assert opened.state is OnlinePaymentState.PENDING
    fake_payment.fail_next(2, status=502)
    with pytest.raises(APIStatusError) as info:
        client.query(opened.reference)  # retried twice, then the platform: unknown
    assert info.value.error_code == "01"


def test_refusals_and_malformed_answers(make_client, fake_payment, ledger):
    with pytest.raises(APIStatusError) as info:
        make_client(secret="another").begin_payment(ledger, make_dossier(30), fees=FEES)
    assert info.value.error_code == "2"  # the platform: wrong checksum
    payment, _ = make_client().begin_payment(ledger, make_dossier(31), fees=FEES, at=T0)
    with pytest.raises(APIStatusError) as info:
        make_client().get_bill(payment.reference)
    assert info.value.error_code == "02"  # not paid yet
    fake_payment.set_fault_rate(1.0, kinds=("oversize",))
    with pytest.raises(UnexpectedResponseError):
        make_client(max_response_bytes=1000).query(payment.reference)


def test_the_init_carries_the_receipt(make_client):
    dossier = make_dossier(32)
    client = make_client()
    payment = OnlinePayment(reference="dvc1", amount=50_000, fees=FEES, initiated_at=T0)
    record = client.init_record(payment, dossier=dossier)
    wire = record.to_wire()
    assert wire["ThoiGianGD"] == "20260316090000" and wire["SoTien"] == "50000"
    receipt = wire["ThongTinBienLai"]
    assert receipt["MaHoSo"] == str(dossier.code)
    assert receipt["MaDVC"] == f"{dossier.procedure.code}.01"
    assert [line["SoTien"] for line in receipt["PhiLePhi"]] == ["30000", "20000"]
    assert dossier.applicant.name not in repr(record)


def test_secrets_never_reach_logs_errors_or_reprs(make_client, fake_payment, ledger, caplog):
    caplog.set_level(logging.DEBUG, logger="onestop")
    client = make_client()
    payment, _ = client.begin_payment(ledger, make_dossier(33), fees=FEES, at=T0)
    fake_payment.tamper_ipns(1)
    fake_payment.pay(payment.reference)
    fake_payment.deliver_ipns(ledger.handle_ipn)
    settings = PaymentSettings.from_env(
        {
            "ONESTOP_PAYMENT_URL": BASE,
            "ONESTOP_PAYMENT_PARTNER_CODE": "ONESTOP",
            "ONESTOP_PAYMENT_SECRET": SECRET,
            "ONESTOP_PAYMENT_ACCESS_TOKEN": "tok-123456",
        }
    )
    checksum = fake_payment.ipn_for(payment.reference)["MaXacThuc"]
    shown = caplog.text + repr(client.client) + repr(ledger) + repr(settings) + repr(fake_payment)
    for secret in (SECRET, "tok-123456", checksum):
        assert secret not in shown
    with pytest.raises(ConfigurationError, match="ONESTOP_PAYMENT_SECRET"):
        PaymentSettings.from_env({"ONESTOP_PAYMENT_URL": BASE, "ONESTOP_PAYMENT_PARTNER_CODE": "x"})
    with pytest.raises(ConfigurationError, match="algorithm"):
        PaymentSettings.from_env(
            {
                "ONESTOP_PAYMENT_URL": BASE,
                "ONESTOP_PAYMENT_PARTNER_CODE": "ONESTOP",
                "ONESTOP_PAYMENT_SECRET": "s",
                "ONESTOP_PAYMENT_ALGORITHM": "md5",
            }
        )


def test_over_loopback_the_payment_page_pays(fake_payment, ledger):
    import httpx

    with (
        fake_payment.serve() as server,
        PaymentClient(server.url, partner_code="ONESTOP", secret=SECRET) as client,
    ):
        payment, page = client.begin_payment(ledger, make_dossier(34), fees=FEES, at=T0)
        assert page.startswith(server.url)
        assert httpx.get(page + "?outcome=failure").json()["state"] == "failed"
    fake_payment.deliver_ipns(ledger.handle_ipn)
    assert ledger.payment(payment.reference).state is OnlinePaymentState.FAILED
