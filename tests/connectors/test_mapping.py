"""Domain → wire mapping: every mapped value reads back to the domain value it came from."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.connectors import PortalStatus, parse_portal_datetime
from onestop.connectors._mapping import dossier_to_record, progress_rows, status_of_record
from onestop.models import DossierStatus
from onestop.testing import make_dossier

STATUSES = sorted(DossierStatus, key=lambda s: s.code)


def _same_instant(text, moment):
    if moment is None:
        return text == ""
    parsed = parse_portal_datetime(text)
    return parsed is not None and parsed == moment.replace(microsecond=0)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), status=st.sampled_from(STATUSES))
def test_record_reads_back_to_the_dossier(seed, status):
    dossier = make_dossier(seed=seed, status=status)
    record = dossier_to_record(dossier)
    assert record.code == str(dossier.code)
    assert record.procedure_code == str(dossier.procedure.code)
    assert record.procedure_name == dossier.procedure.name
    assert record.channel == str(dossier.channel.code)
    assert record.holder_kind == str(dossier.applicant.kind.code)
    assert record.status == str(dossier.status.code)
    assert record.portal_status == PortalStatus(dossier.status.code)
    assert status_of_record(record) is dossier.status
    assert _same_instant(record.submitted_at, dossier.submitted_at)
    assert _same_instant(record.received_at, dossier.received_at)
    assert _same_instant(record.due_at, dossier.due_at)
    assert _same_instant(record.finished_at, dossier.completed_at)
    assert _same_instant(record.returned_at, dossier.returned_at)
    assert len(record.files) == len(dossier.documents)
    assert [int(f.amount) for f in record.fees] == [f.amount for f in dossier.fees]
    assert len(record.summary) <= 1000
    for text in (record.submitted_at, record.received_at, record.due_at):
        assert text == "" or (len(text) == 14 and text.isdigit())
    applicant = dossier.applicant
    if applicant.citizen_id is not None:
        assert ("1", str(applicant.citizen_id)) in [(i.kind, i.number) for i in record.identities]
        assert record.holder_document_number == str(applicant.citizen_id)
    elif applicant.tax_code is not None:
        assert record.holder_document_number == str(applicant.tax_code)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_progress_rows_follow_the_status_changes(seed):
    dossier = make_dossier(seed=seed)
    rows = progress_rows(dossier)
    changes = [e for e in dossier.events if e.from_status is not e.to_status]
    assert [r.status for r in rows] == [str(e.to_status.code) for e in changes]
    assert all(r.code == str(dossier.code) for r in rows)
    assert all(len(r.handler) <= 50 for r in rows)
    assert [parse_portal_datetime(r.handled_at) for r in rows] == [
        e.at.replace(microsecond=0) for e in changes
    ]
    # Rows are keyed: no two steps of one dossier collide.
    assert len({r.key for r in rows}) == len(rows)


def test_refused_dossier_carries_its_refusal_time():
    dossier = make_dossier(seed=5, status=DossierStatus.REFUSED)
    record = dossier_to_record(dossier)
    refusal = [e.at for e in dossier.events if e.to_status is DossierStatus.REFUSED][-1]
    assert _same_instant(record.refused_at, refusal)
    assert record.status == "3"
