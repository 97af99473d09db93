"""onestop.testing.strategies: identifiers valid and invalid, dossiers at every lifecycle point,
receipt instants at the edges."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from hypothesis import HealthCheck, find, given, settings

from onestop.deadlines import DossierClock, HolidayKind, compute_due, default_calendar
from onestop.errors import InvalidIdentifierError, InvalidInputError, ProvisionalCalendarWarning
from onestop.models import (
    AgencyCode,
    CitizenId,
    Dossier,
    DossierCode,
    DossierStatus,
    EventAction,
    ProcedureCode,
    ProcessingTime,
    TaxCode,
)
from onestop.testing import make_dossier, make_work_calendar
from onestop.testing.strategies import (
    CCCD_PROVINCE_CODES,
    agency_codes,
    citizen_ids,
    dossier_codes,
    dossiers,
    procedure_codes,
    processing_times,
    receipt_instants,
    tax_codes,
)
from onestop.tz import VN_TZ

TODAY = dt.date(2026, 12, 1)
QUIET = make_work_calendar(warn_provisional=False)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PARSERS = {
    "citizen_ids": lambda v: CitizenId(v, today=TODAY),
    "tax_codes": lambda v: TaxCode(v, today=TODAY),
    "agency_codes": AgencyCode,
    "procedure_codes": ProcedureCode,
    "dossier_codes": DossierCode,
}
STRATEGIES = {
    "citizen_ids": lambda valid: citizen_ids(valid=valid, today=TODAY),
    "tax_codes": lambda valid: tax_codes(valid=valid, today=TODAY),
    "agency_codes": lambda valid: agency_codes(valid=valid),
    "procedure_codes": lambda valid: procedure_codes(valid=valid),
    "dossier_codes": lambda valid: dossier_codes(valid=valid),
}


@pytest.mark.parametrize("kind", sorted(STRATEGIES))
def test_valid_identifiers_parse(kind):
    parse = PARSERS[kind]

    @FAST
    @given(STRATEGIES[kind](True))
    def check(value):
        assert isinstance(value, str)
        parsed = parse(value)
        assert parse(str(parsed)) == parsed

    check()


@pytest.mark.parametrize("kind", sorted(STRATEGIES))
def test_invalid_identifiers_are_refused_with_a_reason(kind):
    parse = PARSERS[kind]

    @FAST
    @given(STRATEGIES[kind](False))
    def check(value):
        with pytest.raises(InvalidIdentifierError) as info:
            parse(value)
        assert info.value.reason is not None

    check()


@pytest.mark.parametrize("kind", sorted(STRATEGIES))
def test_invalid_identifiers_fail_several_checks(kind):
    """The invalid values are not all of one kind: several checks of the parser fail."""
    parse = PARSERS[kind]
    reasons = set()

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(STRATEGIES[kind](False))
    def collect(value):
        reasons.add(_reason(parse, value))

    collect()
    assert len(reasons) >= 2, reasons
    assert None not in reasons


def _reason(parse, value):
    try:
        parse(value)
    except InvalidIdentifierError as exc:
        return exc.reason.value
    return None


def test_valid_identifiers_default_to_dates_valid_ever_after():
    """Without today=, a CCCD's birth year is at most 2025: valid on any later date."""
    value = find(citizen_ids(), lambda v: v[3] in "23" and v[4:6] == "25")
    CitizenId(value, today=dt.date(2025, 1, 1))
    assert all(code.startswith("0") and len(code) == 3 for code in CCCD_PROVINCE_CODES)
    assert {"001", "079"} <= set(CCCD_PROVINCE_CODES) and len(CCCD_PROVINCE_CODES) == 63


@settings(max_examples=200, deadline=None)
@given(tax_codes())
def test_valid_tax_codes_agree_with_stdnum(value):
    mst = pytest.importorskip("stdnum.vn.mst")
    if len(value.replace("-", "")) in (10, 13):
        assert mst.is_valid(value)


def test_tax_codes_draw_every_form():
    kinds = {
        kind: find(tax_codes(today=TODAY), lambda v, k=kind: TaxCode(v, today=TODAY).kind == k)
        for kind in ("base", "branch", "citizen_id")
    }
    assert len(kinds["base"]) == 10 and len(kinds["citizen_id"]) == 12
    assert find(tax_codes(), lambda v: len(v) == 13)  # the branch written without '-'


def test_agency_codes_by_form():
    legacy = find(agency_codes(form="legacy"), lambda v: True)
    qd20 = find(agency_codes(form="qd20"), lambda v: "." in v)
    assert AgencyCode(legacy).form == "legacy" and AgencyCode(qd20).form == "qd20"
    with pytest.raises(InvalidInputError) as info:
        agency_codes(form="new")
    assert info.value.field == "form"


@pytest.mark.parametrize("strategy", [citizen_ids, tax_codes, agency_codes, procedure_codes])
def test_valid_must_be_a_bool(strategy):
    with pytest.raises(InvalidInputError) as info:
        strategy(valid="no")
    assert info.value.field == "valid"


@settings(max_examples=60, deadline=None)
@given(processing_times(), receipt_instants())
def test_processing_times_count_on_the_official_calendar(time, received):
    assert isinstance(time, ProcessingTime)
    due = compute_due(received, time, calendar=QUIET).due_at  # a long time may reach 2027
    if time == ProcessingTime.working_days(0):
        # documented rule: the close of the receipt day (or of the next working day when it is
        # not one), even for a receipt after closing (then before the receipt: reported)
        assert due == QUIET.closing_time(QUIET.roll_forward(received.astimezone(VN_TZ).date()))
    else:
        assert due >= received


# ---------------------------------------------------------------------------- dossiers


@settings(max_examples=25, deadline=None)
@given(dossiers())
def test_dossiers_are_valid_at_any_point(dossier):
    assert Dossier.from_json(dossier.to_json()) == dossier
    if dossier.received_at is not None and dossier.due_at is not None:
        DossierClock.from_dossier(dossier)  # every drawn history is one the clock reads


def test_dossiers_reach_closed_and_extended_ones():
    closed = find(
        dossiers(),
        lambda d: d.closed_at is not None,
        settings=settings(database=None, derandomize=True),
    )
    assert closed.status is DossierStatus.STOPPED
    extended = find(
        dossiers(),
        lambda d: d.extension is not None,
        settings=settings(database=None, derandomize=True),
    )
    assert extended.due_at == extended.extension.new_due_at


@settings(max_examples=10, deadline=None)
@given(dossiers(statuses=["processing", "returned"], extended=True))
def test_extended_only(dossier):
    assert dossier.extension is not None
    assert dossier.extension.new_due_at > dossier.extension.previous_due_at
    assert [e.action for e in dossier.events].count(EventAction.EXTEND) == 1


@settings(max_examples=10, deadline=None)
@given(dossiers(closed=True))
def test_closed_only(dossier):
    assert dossier.status is DossierStatus.STOPPED
    assert dossier.events[-1].action is EventAction.CLOSE
    assert dossier.open_supplement is not None  # the supplement never came back
    assert (dossier.closed_at - dossier.open_supplement.requested_at).days >= 15


@settings(max_examples=10, deadline=None)
@given(dossiers(closed=False, extended=False))
def test_neither(dossier):
    assert dossier.extension is None and dossier.closed_at is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"statuses": ["processing"], "closed": True}, "closed"),
        ({"statuses": ["new", "refused"], "extended": True}, "extended"),
        ({"extended": "yes"}, "extended"),
        ({"closed": 1}, "closed"),
        ({"statuses": []}, "statuses"),
        ({"statuses": ["archived"]}, "status"),
    ],
)
def test_dossiers_refuse_impossible_choices(kwargs, field):
    with pytest.raises(InvalidInputError) as info:
        dossiers(**kwargs)
    assert info.value.field == field


def test_make_dossier_lifecycle_flags():
    extended = make_dossier(7, status=DossierStatus.RECEIVED, extended=True)
    assert extended.status is DossierStatus.RECEIVED and extended.extension is not None
    processing = make_dossier(7, status=DossierStatus.PROCESSING, extended=True)
    actions = [e.action for e in processing.events]
    assert actions.index(EventAction.EXTEND) == actions.index(EventAction.START_PROCESSING) + 1
    closed = make_dossier(7, closed=True)
    assert closed.status is DossierStatus.STOPPED and closed.closed_at is not None
    local = closed.closed_at.astimezone(VN_TZ)
    assert default_calendar().is_working_day(local.date()) and 8 <= local.hour <= 16
    both = make_dossier(7, closed=True, extended=True)
    assert both.extension is not None and both.closed_at is not None
    assert make_dossier(7, closed=True) == closed  # deterministic
    for status, flags, field in [
        (DossierStatus.NEW, {"extended": True}, "extended"),
        (DossierStatus.REFUSED, {"extended": True}, "extended"),
        (DossierStatus.PROCESSING, {"closed": True}, "closed"),
        (DossierStatus.PROCESSING, {"closed": "yes"}, "closed"),
    ]:
        with pytest.raises(InvalidInputError) as info:
            make_dossier(7, status=status, **flags)
        assert info.value.field == field


def test_closed_dossier_clock_is_finished_at_the_closing():
    closed = make_dossier(11, closed=True)
    clock = DossierClock.from_dossier(closed)
    assert clock.finished_at == closed.closed_at


# ---------------------------------------------------------------------------- receipt instants


def _near(day: dt.date, days: set[dt.date]) -> bool:
    return any(abs((day - d).days) <= 3 for d in days)


def test_receipt_instants_cluster_at_the_edges():
    entries = {h.date for y in (2024, 2025, 2026) for h in default_calendar().holidays(y)}
    makeup = {
        h.date
        for y in (2024, 2025, 2026)
        for h in default_calendar().holidays(y)
        if h.kind is HolidayKind.MAKE_UP_WORKING_DAY
    }
    strategy = receipt_instants()
    quick = settings(database=None, max_examples=2000, derandomize=True)
    on_makeup = find(strategy, lambda t: t.astimezone(VN_TZ).date() in makeup, settings=quick)
    assert on_makeup.astimezone(VN_TZ).weekday() == 5
    at_cutoff = find(strategy, lambda t: t.astimezone(VN_TZ).time() == dt.time(15), settings=quick)
    assert at_cutoff.astimezone(VN_TZ).time() == dt.time(15)
    find(strategy, lambda t: t.astimezone(VN_TZ).time() == dt.time(15, 0, 1), settings=quick)
    boundary = dt.datetime(2025, 7, 1, tzinfo=VN_TZ)
    find(strategy, lambda t: abs(t - boundary) <= dt.timedelta(days=1), settings=quick)
    find(strategy, lambda t: t.utcoffset() == dt.timedelta(0), settings=quick)

    drawn: list[dt.datetime] = []

    @settings(max_examples=400, deadline=None, database=None, derandomize=True)
    @given(strategy)
    def collect(t):
        assert t.utcoffset() is not None
        assert dt.date(2024, 1, 1) <= t.astimezone(VN_TZ).date() <= dt.date(2026, 12, 31)
        drawn.append(t)

    collect()
    # far more draws near an entry (or the change of decree) than uniform days would give
    all_days = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(1096)]
    anchors = entries | {dt.date(2025, 6, 30), dt.date(2025, 7, 1)}
    uniform = sum(_near(d, anchors) for d in all_days) / len(all_days)
    share = sum(_near(t.astimezone(VN_TZ).date(), anchors) for t in drawn) / len(drawn)
    assert share > uniform + 0.15, (share, uniform)
    # the edges: each session's opening and closing and the 15:00 cut-off, a minute either
    # side, and the day's first and last instants -- 19 of the day's 1,440 minutes, so a
    # uniform draw would land on one about 1.3 % of the time (the share asked for is wide
    # enough for every Hypothesis version's choice of examples: 7 % of draws landed exactly
    # on 5 of them with Hypothesis 6.100, 18 % with 6.14x)
    centres = [dt.time(7, 30), dt.time(11, 30), dt.time(13), dt.time(17), dt.time(15)]
    edges = {dt.time(0), dt.time(23, 59, 59), dt.time(15, 0, 1)}
    for centre in centres:
        for delta in (-1, 0, 1):
            edges.add((dt.datetime.combine(dt.date(2026, 1, 1), centre)
                       + dt.timedelta(minutes=delta)).time())  # fmt: skip
    at_edges = sum(t.astimezone(VN_TZ).time() in edges for t in drawn) / len(drawn)
    assert at_edges > 0.3, at_edges


def test_receipt_instants_in_vietnam_time_only():
    @settings(max_examples=100, deadline=None, database=None)
    @given(receipt_instants(first_year=2026, last_year=2026, other_offsets=False))
    def check(t):
        assert t.utcoffset() == dt.timedelta(hours=7)
        assert t.year == 2026

    check()


def test_receipt_instants_in_a_provisional_year_build_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProvisionalCalendarWarning)
        receipt_instants(first_year=2027, last_year=2028)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"first_year": 2026, "last_year": 2025}, "first_year"),
        ({"first_year": "2024"}, "first_year"),
        ({"last_year": 2026.0}, "last_year"),
    ],
)
def test_receipt_instants_refuse_bad_years(kwargs, field):
    with pytest.raises(InvalidInputError) as info:
        receipt_instants(**kwargs)
    assert info.value.field == field
