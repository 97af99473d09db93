"""The onestop pytest plugin (registered through the ``pytest11`` entry point).

Fixtures are defined here and import their dependencies only when used, so the plugin costs
nothing in test-suites that do not use them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from onestop.deadlines.calendar import WorkCalendar
    from onestop.deadlines.holidays import HolidaySchedule
    from onestop.testing._fake_payment import FakePayment
    from onestop.testing._fake_portal import FakePortal
    from onestop.testing._fake_postal import FakePostal
    from onestop.testing._fake_signer import FakeRemoteSigner
    from onestop.testing._pki import ThrowawayPKI


@pytest.fixture(scope="session")
def test_pki() -> ThrowawayPKI:
    """A throwaway EC P-256 PKI (:func:`onestop.testing.build_test_pki`), built once a session."""
    from onestop.testing._pki import build_test_pki

    return build_test_pki(key_type="ec")


@pytest.fixture(scope="session")
def test_pki_rsa() -> ThrowawayPKI:
    """The same PKI with RSA 2048 keys (slower to build; for realism and interop tests)."""
    from onestop.testing._pki import build_test_pki

    return build_test_pki(key_type="rsa")


@pytest.fixture
def fake_remote_signer(test_pki: ThrowawayPKI) -> FakeRemoteSigner:
    """A fake NEAC-style remote signing service knowing ``test_pki.signer`` as ``001090012345``."""
    from onestop.testing._fake_signer import FakeRemoteSigner

    return FakeRemoteSigner.from_pki(test_pki)


@pytest.fixture
def fake_portal() -> Iterator[FakePortal]:
    """A fresh :class:`~onestop.testing.FakePortal` with retry backoff switched off.

    Use ``fake_portal.transport()`` / ``fake_portal.async_transport()`` in-process, or
    ``fake_portal.serve()`` for a real loopback server. Account ``onestop``/``onestop``,
    gateway consumer ``onestop-key``/``onestop-secret``.
    """
    from onestop.connectors import set_testing
    from onestop.testing._fake_portal import FakePortal

    set_testing(True)
    try:
        yield FakePortal()
    finally:
        set_testing(False)


@pytest.fixture
def fake_postal() -> Iterator[FakePostal]:
    """A fresh :class:`~onestop.testing.FakePostal` with retry backoff switched off.

    ``fake_postal.transport()`` / ``async_transport()`` in-process, ``fake_postal.serve()`` on
    loopback. Customer code ``HCC-ONESTOP``; gateway consumer ``onestop-key``/``onestop-secret``;
    MyVNPost account ``onestop``/``onestop``.
    """
    from onestop.connectors import set_testing
    from onestop.testing._fake_postal import FakePostal

    set_testing(True)
    try:
        yield FakePostal()
    finally:
        set_testing(False)


@pytest.fixture
def fake_payment() -> Iterator[FakePayment]:
    """A fresh :class:`~onestop.testing.FakePayment` with retry backoff switched off.

    Partner code ``ONESTOP``, secret ``onestop-payment-secret``, algorithm ``sha256-secret``.
    ``fake_payment.deliver_ipns(ledger.handle_ipn)`` sends its IPNs in-process; the
    background IPN sender, if started, is stopped at the end.
    """
    from onestop.connectors import set_testing
    from onestop.testing._fake_payment import FakePayment

    set_testing(True)
    fake = FakePayment()
    try:
        yield fake
    finally:
        fake.stop_ipn_sender()
        set_testing(False)


@pytest.fixture
def holiday_schedule() -> HolidaySchedule:
    """A fresh official civil-service schedule (:meth:`HolidaySchedule.bundled`, uncached).

    Its per-day :class:`~onestop.errors.ProvisionalCalendarWarning` is emitted once per year
    *and schedule*, so a fresh object per test keeps ``pytest.warns`` deterministic whatever
    the test order.
    """
    from onestop.deadlines.holidays import HolidaySchedule

    return HolidaySchedule.bundled()


@pytest.fixture(scope="session")
def work_calendar() -> WorkCalendar:
    """The official civil-service :class:`~onestop.deadlines.WorkCalendar`, built once a session.

    Office hours 07:30–11:30, 13:00–17:00; the calendar's lazily built index is shared by every
    test that uses the fixture. Build your own with ``civil_service_calendar(office_hours=...)``
    or ``work_calendar.replace(...)`` for other settings.
    """
    from onestop.deadlines.calendar import civil_service_calendar

    return civil_service_calendar()
