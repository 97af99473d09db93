"""The shipped FakePostal and FakePayment: their own bad input and their documented behaviour."""

from __future__ import annotations

import pytest

from onestop.errors import ConfigurationError
from onestop.testing import FakePayment, FakePostal, make_postal_address, make_postal_party


def test_fake_postal_refuses_bad_configuration():
    postal = FakePostal()
    with pytest.raises(ConfigurationError, match="n: must be zero or positive"):
        postal.garble_next(-1)
    with pytest.raises(ConfigurationError, match="holds no order"):
        postal.advance("H56-unknown", 14)
    assert postal.order("H56-unknown") is None and postal.status("H56-unknown") is None


def test_fake_payment_refuses_bad_configuration():
    payment = FakePayment()
    with pytest.raises(ConfigurationError, match="holds no transaction"):
        payment.pay("dvc-unknown")
    with pytest.raises(ConfigurationError, match="n: must be zero or positive"):
        payment.duplicate_ipns(-2)
    with pytest.raises(ConfigurationError, match="algorithm"):
        FakePayment(algorithm="md5")
    assert "onestop-payment-secret" not in repr(payment)
    assert payment.deliver_ipns(lambda body: (200, {})) == []  # nothing queued


def test_postal_factories_are_deterministic_and_invent_no_codes():
    assert make_postal_party(3) == make_postal_party(3)
    assert make_postal_party(3) != make_postal_party(4)
    address = make_postal_address(5)
    assert address.commune_code is None
    assert address.vnpost_province_code is None and address.vnpost_district_code is None
