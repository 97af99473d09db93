"""make_dossier / make_procedure: valid, realistic, deterministic, overridable."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import civil_service_calendar, compute_due
from onestop.errors import InvalidDossierError, InvalidInputError
from onestop.models import (
    AgencyCode,
    Applicant,
    Channel,
    CitizenId,
    Dossier,
    DossierStatus,
    Procedure,
    ProcedureRef,
    ProcessingTime,
    TaxCode,
)
from onestop.testing import dossiers, make_dossier, make_procedure, procedures

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_lazy_exports():
    import onestop.testing

    assert "make_dossier" in onestop.testing.__all__
    assert "make_procedure" in onestop.testing.__all__


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**40), status=st.sampled_from(list(DossierStatus)))
def test_deterministic_per_seed(seed, status):
    first = make_dossier(seed, status=status)
    assert make_dossier(seed, status=status) == first
    assert make_dossier(seed, status=status).to_json() == first.to_json()
    assert make_procedure(seed) == make_procedure(seed)


def test_different_seeds_differ():
    codes = {str(make_dossier(seed).code) for seed in range(30)}
    assert len(codes) >= 25


def test_seed_zero_is_the_documented_example():
    d = make_dossier()
    assert str(d.procedure.code) == "1.000894"
    assert d.procedure.name == "Đăng ký kết hôn"
    assert d.status is DossierStatus.RETURNED
    assert make_procedure().name_vi == "Đăng ký kết hôn"


CALENDAR = civil_service_calendar()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_realistic_values(seed):
    d = make_dossier(seed)
    # Dossier code = receiving agency - YYMMDD of the submission - 4 digits (TT 01/2018 Art. 19).
    assert d.code.received_on == d.submitted_at.date()
    assert d.code.agency.level1 in {"H29", "H56", "H24"}
    # Submitted on a working day of the official calendar, in office hours, Vietnam time.
    local = d.submitted_at.astimezone(VN)
    assert CALENDAR.is_working_day(local.date())
    assert dt.time(7, 30) <= local.time() <= dt.time(16, 30)
    if d.due_at is not None and d.received_at is not None:
        # The appointment is the one the deadline engine computes for the procedure.
        expected = compute_due(d.received_at, d.procedure.processing_time, calendar=CALENDAR).due_at
        assert d.due_at == expected or d.extension is not None
    assert d.submitted_at.utcoffset() == dt.timedelta(hours=7)
    applicant = d.applicant
    if applicant.citizen_id is not None:
        # The CCCD encodes an adult's birth year (TT 59/2021 layout).
        assert 1950 <= applicant.citizen_id.birth_year <= d.submitted_at.year - 18
        assert re.fullmatch(r"[\w ]+", applicant.name) and len(applicant.name.split()) == 3
    else:
        assert applicant.tax_code is not None
    assert d.amount_paid == d.amount_due  # returned dossiers have paid everything
    assert all(re.fullmatch(r"[0-9a-f]{64}", doc.sha256) for doc in d.documents)
    assert d.result is not None and d.result.delivery is not None
    if d.channel is Channel.POSTAL:
        assert d.result.delivery.method.value == "postal"
        assert d.result.delivery.tracking_number


def test_status_override_builds_the_history():
    d = make_dossier(3, status=DossierStatus.PROCESSING)
    assert [e.to_status for e in d.events][-1] is DossierStatus.PROCESSING
    assert d.received_at is not None and d.due_at is not None and d.result is None
    s = make_dossier(3, status="supplement_requested")
    assert s.open_supplement is not None
    f = make_dossier(3, status=DossierStatus.FINANCIAL_OBLIGATION)
    assert f.amount_due > f.amount_paid
    new = make_dossier(3, status=DossierStatus.NEW)
    assert new.received_at is None and len(new.events) == 1


def test_field_overrides():
    procedure = make_procedure(3)  # Đăng ký thường trú
    applicant = Applicant(kind="citizen", name="Phạm Văn Long", citizen_id="001090012345")
    at = dt.datetime(2026, 5, 4, 8, 0, tzinfo=VN)
    d = make_dossier(
        11,
        procedure=procedure,
        applicant=applicant,
        channel=Channel.POSTAL,
        submitted_at=at,
        code="000.00.00.H56-260504-0042",
        summary="Đăng ký thường trú cho con",
    )
    assert d.procedure == ProcedureRef.from_procedure(procedure, Channel.POSTAL)
    assert d.applicant == applicant and d.channel is Channel.POSTAL
    assert d.submitted_at == at and str(d.code) == "000.00.00.H56-260504-0042"
    assert d.summary == "Đăng ký thường trú cho con"
    assert d.fees == procedure.fees_for(Channel.POSTAL)


def test_overrides_do_not_shift_other_fields():
    base = make_dossier(8)
    other = make_dossier(8, summary="Khác")
    assert other.applicant == base.applicant and other.code == base.code


def test_plain_field_override_is_revalidated():
    due = make_dossier(2, status=DossierStatus.PROCESSING).due_at
    assert due is not None
    later = due + dt.timedelta(days=2)
    assert make_dossier(2, status=DossierStatus.PROCESSING, due_at=later).due_at == later
    with pytest.raises(InvalidDossierError):
        make_dossier(2, status=DossierStatus.PROCESSING, due_at=None)


def test_bad_overrides():
    with pytest.raises(InvalidInputError) as info:
        make_dossier(1, colour="red")
    assert info.value.field == "colour"
    with pytest.raises(InvalidInputError) as info:
        make_dossier(1, status="archived")
    assert info.value.field == "status"
    with pytest.raises(InvalidInputError):
        make_dossier(1, procedure=make_procedure(5), channel=Channel.ONLINE)
    with pytest.raises(InvalidInputError):
        make_procedure(1, colour="red")


def test_procedures_are_valid_and_cover_the_catalogue():
    codes = set()
    for seed in range(7):
        procedure = make_procedure(seed)
        assert Procedure.from_json(procedure.to_json()) == procedure
        codes.add(str(procedure.code))
        for channel in procedure.channels:
            assert isinstance(procedure.processing_time_for(channel), ProcessingTime)
        for unit in procedure.implementing_agencies:
            assert isinstance(unit.code, AgencyCode)
    assert "1.000894" in codes and len(codes) == 7


def test_identities_are_valid():
    for seed in range(40):
        applicant = make_dossier(seed).applicant
        if applicant.citizen_id is not None:
            assert CitizenId.parse(str(applicant.citizen_id)) == applicant.citizen_id
        if applicant.tax_code is not None:
            assert TaxCode.parse(str(applicant.tax_code)) == applicant.tax_code


def test_tax_codes_cross_checked_with_stdnum():
    mst = pytest.importorskip("stdnum.vn.mst")
    seen = 0
    for seed in range(300):
        tax_code = make_dossier(seed).applicant.tax_code
        if tax_code is not None:
            assert mst.is_valid(str(tax_code))
            seen += 1
    assert seen > 10


def test_direct_dossiers_are_accepted_at_the_counter():
    for seed in range(60):
        d = make_dossier(seed, status=DossierStatus.PROCESSING)
        if d.channel is Channel.DIRECT:
            assert d.events[0].to_status is DossierStatus.RECEIVED
            assert d.received_at == d.submitted_at
        else:
            assert d.events[0].to_status is DossierStatus.NEW


def test_dossier_json_round_trip():
    for status in DossierStatus:
        d = make_dossier(5, status=status)
        assert Dossier.from_json(d.to_json()) == d


@settings(max_examples=15, deadline=None)
@given(d=dossiers(statuses=["processing", "completed"]))
def test_dossiers_strategy(d):
    assert d.status in (DossierStatus.PROCESSING, DossierStatus.COMPLETED)
    assert Dossier.from_json(d.to_json()) == d


def test_strategies_reject_empty_statuses():
    with pytest.raises(InvalidInputError):
        dossiers(statuses=[])
    with pytest.raises(InvalidInputError):
        dossiers(statuses=["archived"])


@settings(max_examples=10, deadline=None)
@given(procedure=procedures(channels=(Channel.DIRECT,)))
def test_procedures_strategy(procedure):
    assert procedure.channels == (Channel.DIRECT,)
    assert Procedure.from_json(procedure.to_json()) == procedure


@settings(max_examples=5, deadline=None)
@given(d=dossiers(statuses="stopped"))
def test_dossiers_strategy_takes_one_status(d):
    assert d.status is DossierStatus.STOPPED  # not the letters of "stopped"


@pytest.mark.parametrize("statuses", [5, 1.5, object()])
def test_strategies_reject_a_non_iterable(statuses):
    with pytest.raises(InvalidInputError) as info:
        dossiers(statuses=statuses)
    assert info.value.field == "statuses"


def test_tax_code_generation_is_bounded():
    """The factory's retry for tax codes stops: after its draws it builds one from a prefix."""
    import random

    from onestop.testing import _factories

    class NoLuck(random.Random):
        # every 10-digit draw is "X000000000" (digits 3 to 9 all zero: never a tax code), so
        # the old loop never ended; the bound is reached and a code is built instead
        def randrange(self, *args, **kwargs):
            if args == (10**9,):
                return 0
            return super().randrange(*args, **kwargs)

    rng = NoLuck(3)
    draws = 0
    original = rng.choice

    def counting_choice(seq):
        nonlocal draws
        draws += 1
        return original(seq)

    rng.choice = counting_choice
    tax_code = _factories._tax_code(rng)
    assert draws == _factories._TAX_CODE_DRAWS
    assert TaxCode.parse(str(tax_code)) == tax_code
    assert tax_code.kind == "base"
