"""Postal orders and online payments on the Dossier: statuses, addresses, state moves."""

from __future__ import annotations

import datetime as dt

import pytest

from onestop import models
from onestop.errors import InvalidDossierError, InvalidInputError
from onestop.models import (
    FeeItem,
    OnlinePayment,
    OnlinePaymentState,
    PostalAddress,
    PostalOrder,
    PostalOrderKind,
    PostalParty,
    PostalStatus,
)
from onestop.testing import make_dossier
from onestop.tz import VN_TZ

T0 = dt.datetime(2026, 3, 16, 9, 0, tzinfo=VN_TZ)


def _address(**changes):
    data = {
        "street": "12 Lê Lợi",
        "commune_name": "Phường Hạc Thành",
        "commune_code": "14854",
        "province_code": "38",
        "vnpost_province_code": 44,
        "vnpost_district_code": 4400,
    }
    return PostalAddress(**{**data, **changes})


def test_postal_status_codes_labels_and_phases():
    assert [s.value for s in PostalStatus] == list(range(23))
    assert PostalStatus.parse("14") is PostalStatus.DELIVERED
    assert PostalStatus.DELIVERED.label_vi == "Phát thành công"
    assert PostalStatus.DELIVERED.label_en == "Delivered"
    terminal = {s for s in PostalStatus if s.is_terminal}
    assert terminal == {
        PostalStatus.COLLECTION_CANCELLED,
        PostalStatus.DELIVERED,
        PostalStatus.COMPLETED,
        PostalStatus.PARTLY_RETURNED,
        PostalStatus.COD_PAID,
        PostalStatus.DELIVERY_CANCELLED,
    }
    assert not PostalStatus.DRAFT.is_in_transit
    assert PostalStatus.DELIVERY_FAILED.is_in_transit and PostalStatus.DELIVERY_FAILED.is_failure
    assert all(s.is_in_transit != s.is_terminal for s in PostalStatus if s is not s.DRAFT)


@pytest.mark.parametrize("value", [23, -1, "x", "101", True, "1234"])
def test_unknown_postal_status_is_a_typed_error(value):
    with pytest.raises(InvalidInputError) as info:
        PostalStatus.parse(value)
    assert info.value.field == "postal_status"


def test_address_uses_the_34_provinces_and_checks_codes():
    address = _address()
    assert address.province.name_vi == "Thanh Hóa"
    assert address.one_line() == "12 Lê Lợi, Phường Hạc Thành, Tỉnh Thanh Hóa"
    assert "Lê Lợi" not in repr(address)
    with pytest.raises(InvalidDossierError, match="34 provinces"):
        _address(province_code="03")  # a 2008-era code that no longer exists
    with pytest.raises(InvalidDossierError, match="commune_code"):
        _address(commune_code="1485")
    with pytest.raises(InvalidDossierError, match="vnpost_district_code"):
        _address(vnpost_district_code=0)
    with pytest.raises(InvalidDossierError, match="street"):
        _address(street="12\x00 Lê Lợi")


def test_party_hides_personal_data_from_repr():
    party = PostalParty(name="Nguyễn Văn An", phone="0912345678", address=_address())
    shown = repr(party)
    assert "Nguyễn" not in shown and "0912345678" not in shown


def test_order_status_moves_forward_only():
    order = PostalOrder(order_number="H56.14-260316-0001", kind="pickup", sent_at=T0)
    assert order.is_open
    later = order.with_status(PostalStatus.PICKED_UP, at=T0 + dt.timedelta(hours=2))
    stale = later.with_status(PostalStatus.CREATED, at=T0 + dt.timedelta(hours=1))
    assert stale is later
    done = later.with_status(14, at=T0 + dt.timedelta(days=1))
    assert done.status is PostalStatus.DELIVERED and not done.is_open
    assert done.cancelled(at=T0).cancelled_at == T0
    with pytest.raises(InvalidDossierError, match="status_at"):
        PostalOrder(order_number="A1", kind="delivery", sent_at=T0, status=1)
    with pytest.raises(InvalidDossierError, match="earlier than sent_at"):
        PostalOrder(
            order_number="A1",
            kind="delivery",
            sent_at=T0,
            status=1,
            status_at=T0 - dt.timedelta(1),
        )
    with pytest.raises(InvalidInputError):
        order.with_status(1, at=dt.datetime(2026, 3, 17))  # naive


def test_dossier_records_postal_orders_by_number():
    dossier = make_dossier(3)
    order = PostalOrder(order_number=str(dossier.code), kind=PostalOrderKind.DELIVERY, sent_at=T0)
    once = dossier.with_postal_order(order)
    twice = once.with_postal_order(order.model_copy(update={"duplicate": True}))
    assert len(twice.postal_orders) == 1 and twice.postal_orders[0].duplicate
    moved = twice.with_postal_status(str(dossier.code), 14, at=T0 + dt.timedelta(days=2))
    assert moved.postal_order(str(dossier.code)).status is PostalStatus.DELIVERED
    assert moved.events == dossier.events  # bookkeeping, not history
    with pytest.raises(InvalidInputError, match="no postal order"):
        moved.with_postal_status("other", 14, at=T0)
    with pytest.raises(InvalidDossierError, match="appears twice"):
        models.Dossier.model_validate({**dict(dossier), "postal_orders": (order, order)})
    assert models.Dossier.from_json(moved.to_json()) == moved


def _payment(**changes):
    data = {
        "reference": "dvcH5614260316000120260316090000",
        "amount": 50_000,
        "fees": (FeeItem(name="Lệ phí", amount=50_000),),
        "initiated_at": T0,
    }
    return OnlinePayment(**{**data, **changes})


def test_online_payment_states_and_codes():
    assert [s.code for s in OnlinePaymentState] == [3, 1, 4]
    assert OnlinePaymentState.from_code("1") is OnlinePaymentState.SUCCEEDED
    with pytest.raises(InvalidInputError, match="TrangThaiGD"):
        OnlinePaymentState.from_code("2")
    pending = _payment()
    paid = pending.settle(OnlinePaymentState.SUCCEEDED, at=T0, transaction_id="GD1")
    assert paid.settled_at == T0 and paid.transaction_id == "GD1"
    assert paid.settle(OnlinePaymentState.SUCCEEDED, at=T0 + dt.timedelta(1)) is paid
    with pytest.raises(InvalidDossierError, match="cannot become failed"):
        paid.settle(OnlinePaymentState.FAILED, at=T0)
    failed = pending.settle(OnlinePaymentState.FAILED, at=T0)
    assert failed.settle(OnlinePaymentState.SUCCEEDED, at=T0).state is OnlinePaymentState.SUCCEEDED


def test_online_payment_fee_lines_add_up():
    with pytest.raises(InvalidDossierError, match="add up"):
        _payment(fees=(FeeItem(name="Lệ phí", amount=40_000),))
    with pytest.raises(InvalidDossierError, match="settled_at"):
        _payment(state="succeeded")
    with pytest.raises(InvalidDossierError, match="reference"):
        _payment(reference="dvc 1")


def test_dossier_records_online_payments_and_refuses_a_success_undone():
    dossier = make_dossier(4).with_online_payment(_payment())
    paid = _payment().settle(OnlinePaymentState.SUCCEEDED, at=T0)
    dossier = dossier.with_online_payment(paid)
    assert dossier.online_payment(paid.reference).state is OnlinePaymentState.SUCCEEDED
    with pytest.raises(InvalidDossierError, match="cannot become"):
        dossier.with_online_payment(_payment().settle(OnlinePaymentState.FAILED, at=T0))
    with pytest.raises(InvalidDossierError, match="amount or currency"):
        dossier.with_online_payment(_payment(amount=60_000, fees=()))
    with pytest.raises(InvalidInputError):
        dossier.with_online_payment("dvc1")  # type: ignore[arg-type]
