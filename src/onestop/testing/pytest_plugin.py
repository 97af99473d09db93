"""The onestop pytest plugin (registered through the ``pytest11`` entry point).

Fixtures are defined here and import their dependencies only when used, so the plugin costs
nothing in test-suites that do not use them. ``docs/testing.md`` describes each one.

Markers (registered here, so ``--strict-markers`` accepts them):

* ``@pytest.mark.work_calendar(**options)``: the :func:`work_calendar` fixture of the test is
  :func:`onestop.testing.make_work_calendar` ``(**options)`` (next year's notice, office
  hours, rest days…) instead of the official civil-service calendar;
* ``@pytest.mark.frozen_clock(start)``: the :func:`frozen_clock` fixture starts at ``start``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from onestop.deadlines.calendar import WorkCalendar
    from onestop.deadlines.holidays import HolidaySchedule
    from onestop.testing._clock import FrozenClock
    from onestop.testing._fake_payment import FakePayment
    from onestop.testing._fake_portal import FakePortal
    from onestop.testing._fake_postal import FakePostal
    from onestop.testing._fake_signer import FakeRemoteSigner
    from onestop.testing._pki import ThrowawayPKI

#: Where :func:`frozen_clock` starts without a marker: Friday 13 February 2026, 10:00 in
#: Vietnam, the last working day before the Tết 2026 break (14–22 February).
DEFAULT_FROZEN_AT = "2026-02-13T10:00:00+07:00"


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin's markers."""
    config.addinivalue_line(
        "markers",
        "work_calendar(**options): build this test's work_calendar fixture with "
        "onestop.testing.make_work_calendar(**options) (notices=, office_hours=, rest_days=, "
        "extra_holidays=, culture_day=, warn_provisional=)",
    )
    config.addinivalue_line(
        "markers",
        "frozen_clock(start): start this test's frozen_clock fixture at start (an aware "
        "datetime or text such as '2026-02-13T10:00+07:00')",
    )


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


@functools.cache
def _official_calendar() -> WorkCalendar:
    """One official calendar per test process, so that its index is built once."""
    from onestop.deadlines.calendar import civil_service_calendar

    return civil_service_calendar()


@pytest.fixture
def work_calendar(request: pytest.FixtureRequest) -> WorkCalendar:
    """The civil-service :class:`~onestop.deadlines.WorkCalendar`, or the test's own.

    Without a marker: the official calendar (office hours 07:30–11:30, 13:00–17:00), one object
    shared by every test of the run, so its lazily built index is built once. With
    ``@pytest.mark.work_calendar(**options)``: a new calendar,
    :func:`onestop.testing.make_work_calendar` ``(**options)``, e.g. with next year's notice::

        @pytest.mark.work_calendar(notices=[NOTICE_2027], warn_provisional=False)
        def test_tet_2027(work_calendar): ...
    """
    marker = request.node.get_closest_marker("work_calendar")
    if marker is None:
        return _official_calendar()
    if marker.args:
        raise pytest.UsageError(
            "@pytest.mark.work_calendar takes keyword options only (notices=, office_hours=, "
            "rest_days=, extra_holidays=, culture_day=, warn_provisional=)"
        )
    from onestop.testing._calendars import make_work_calendar

    options: dict[str, Any] = dict(marker.kwargs)
    return make_work_calendar(**options)


@pytest.fixture
def frozen_clock(request: pytest.FixtureRequest) -> FrozenClock:
    """A :class:`~onestop.testing.FrozenClock`: an instant the test moves by hand.

    Pass ``frozen_clock()`` where onestop takes ``now=`` or ``at=``; nothing patches
    :mod:`datetime`. It starts at :data:`DEFAULT_FROZEN_AT` (Fri 13/02/2026 10:00, Vietnam),
    or at the instant of ``@pytest.mark.frozen_clock("2025-06-30T16:59+07:00")``.
    """
    from onestop.testing._clock import FrozenClock

    marker = request.node.get_closest_marker("frozen_clock")
    if marker is None:
        return FrozenClock(DEFAULT_FROZEN_AT)
    if len(marker.args) != 1 or marker.kwargs:
        raise pytest.UsageError(
            "@pytest.mark.frozen_clock takes one argument, the start instant, e.g. "
            "@pytest.mark.frozen_clock('2026-02-13T10:00+07:00')"
        )
    return FrozenClock(marker.args[0])
