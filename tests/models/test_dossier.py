"""The Dossier model: lifecycle methods, invariants, errors and personal data."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from onestop.errors import InvalidDossierError, InvalidInputError, InvalidTransitionError
from onestop.models import (
    TRANSITIONS,
    Applicant,
    ApplicantKind,
    Channel,
    DeliveryMethod,
    Dossier,
    DossierStatus,
    EventAction,
    FeeItem,
    Payment,
    PaymentMethod,
    ProcedureRef,
    ProcessingTime,
    ResultDelivery,
    SubmittedDocument,
    SupplementStage,
)
from onestop.testing import make_dossier, make_procedure

VN = ZoneInfo("Asia/Ho_Chi_Minh")
S = DossierStatus
CCCD = "079203001234"  # 079 TP HCM, 2 = male born 2000s, 03 = 2003


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN)


def citizen() -> Applicant:
    return Applicant(kind="citizen", name="Nguyễn Thị Mai", citizen_id=CCCD)


def submitted(channel: Channel = Channel.ONLINE, **kw) -> Dossier:
    return Dossier.submit(
        code="000.00.00.H29-260302-0001",
        procedure=make_procedure(3),  # 1.004222 Đăng ký thường trú, 7 working days, 20 000 đ
        applicant=citizen(),
        channel=channel,
        at=at(2, 9),
        by="cong.dvcqg",
        **kw,
    )


# ------------------------------------------------------------------ the whole lifecycle


def test_full_lifecycle():
    d = submitted()
    assert d.status is S.NEW and d.received_at is None and d.due_at is None
    assert d.fees == make_procedure(3).fees_for(Channel.ONLINE)
    assert d.procedure.processing_time == ProcessingTime.working_days(7)

    d = d.request_supplement(at=at(2, 10), by="cb1", reason="Thiếu giấy tờ chỗ ở hợp pháp")
    assert d.status is S.SUPPLEMENT_REQUESTED
    assert d.open_supplement is not None and d.open_supplement.stage is SupplementStage.INTAKE
    with pytest.raises(InvalidDossierError) as info:
        d.receive_supplement(at=at(3, 9), by="cb1")
    assert info.value.field == "due_at"
    d = d.receive_supplement(at=at(3, 9), by="cb1", due_at=at(12, 17))
    assert d.status is S.RECEIVED and d.received_at == at(3, 9) and d.due_at == at(12, 17)
    assert d.open_supplement is None and d.supplements[0].resubmitted_at == at(3, 9)

    d = d.start_processing(at=at(3, 10), by="cb2")
    d = d.request_supplement(at=at(4, 10), by="cb2", reason="Bổ sung bản sao sổ đỏ")
    assert d.supplements[-1].stage is SupplementStage.APPRAISAL
    # NĐ 61/2018 Art. 19(4): the time restarts after the supplement; the caller passes the date.
    d = d.receive_supplement(at=at(5, 8), by="cb2", due_at=at(16, 17))
    assert d.status is S.PROCESSING and d.due_at == at(16, 17)

    fee = FeeItem(name="Lệ phí bổ sung", amount=10_000)
    d = d.request_payment(at=at(5, 9), by="cb2", fees=(fee,), note="Thông báo nộp lệ phí")
    assert d.status is S.FINANCIAL_OBLIGATION and d.amount_due == 30_000
    d = d.record_payment(
        Payment(at=at(5, 10), amount=30_000, method=PaymentMethod.NATIONAL_PORTAL), by="paygov"
    )
    assert d.status is S.FINANCIAL_OBLIGATION and d.amount_paid == 30_000
    d = d.start_processing(at=at(5, 11), by="cb2")

    d = d.extend(at=at(13, 9), by="cb2", new_due_at=at(18, 17), reason="Cần xác minh")
    assert d.due_at == at(18, 17)
    assert d.extension is not None and d.extension.previous_due_at == at(16, 17)
    with pytest.raises(InvalidDossierError) as info:
        d.extend(at=at(13, 10), by="cb2", new_due_at=at(20, 17), reason="Lần hai")
    assert info.value.field == "extension"

    d = d.complete(at=at(17, 15), by="cb2")
    delivery = ResultDelivery(method="postal", tracking_number="EB123456789VN", address="12 Lê Lợi")
    d = d.return_result(at=at(18, 9), by="cb1", delivery=delivery)
    assert d.status is S.RETURNED
    assert d.result is not None and d.result.delivery == delivery
    assert d.completed_at == at(17, 15) and d.returned_at == at(18, 9)
    assert [e.action for e in d.events] == [
        EventAction.SUBMIT,
        EventAction.REQUEST_SUPPLEMENT,
        EventAction.RECEIVE_SUPPLEMENT,
        EventAction.START_PROCESSING,
        EventAction.REQUEST_SUPPLEMENT,
        EventAction.RECEIVE_SUPPLEMENT,
        EventAction.REQUEST_PAYMENT,
        EventAction.RECORD_PAYMENT,
        EventAction.START_PROCESSING,
        EventAction.EXTEND,
        EventAction.COMPLETE,
        EventAction.RETURN_RESULT,
    ]
    assert Dossier.from_json(d.to_json()) == d
    assert Dossier.from_json(d.to_json().encode()) == d


def test_counter_submission_is_accepted_on_the_spot():
    d = submitted(Channel.DIRECT, due_at=at(11, 17))
    assert d.status is S.RECEIVED
    assert d.received_at == d.submitted_at == at(2, 9)
    assert d.events[0].from_status is None and d.events[0].to_status is S.RECEIVED
    assert d.fees == make_procedure(3).fees_for(Channel.DIRECT)


def test_accept_refuse_withdraw_stop():
    d = submitted()
    accepted = d.accept(at=at(2, 10), by="cb1", due_at=at(11, 17))
    assert (accepted.status, accepted.received_at) == (S.RECEIVED, at(2, 10))
    refused = d.refuse(at=at(2, 10), by="cb1", reason="Không thuộc thẩm quyền")
    assert refused.status is S.REFUSED and refused.events[-1].note == "Không thuộc thẩm quyền"
    withdrawn = accepted.withdraw(at=at(3, 8), by="nguoi.nop", reason="Xin rút")
    assert withdrawn.status is S.WITHDRAWN
    stopped = withdrawn.stop(at=at(3, 9), by="cb1", reason="Mẫu 05")
    assert stopped.status is S.STOPPED and stopped.status.is_terminal
    with pytest.raises(InvalidTransitionError) as info:
        refused.accept(at=at(2, 11), by="cb1", due_at=at(11, 17))
    assert "refused" in info.value.message and "received" in info.value.message


def test_same_status_transition_is_illegal():
    d = submitted()
    with pytest.raises(InvalidTransitionError):
        d.transition(S.NEW, at=at(2, 10), by="x")


def test_receive_supplement_when_not_waiting():
    d = submitted().accept(at=at(2, 10), by="cb1", due_at=at(11, 17))
    with pytest.raises(InvalidTransitionError) as info:
        d.receive_supplement(at=at(2, 11), by="cb1")
    assert "received" in info.value.message


def test_record_payment_on_closed_dossier():
    d = submitted().refuse(at=at(2, 10), by="cb1", reason="x")
    with pytest.raises(InvalidDossierError) as info:
        d.record_payment(Payment(at=at(2, 11), amount=1, method="cash"), by="cb1")
    assert info.value.field == "status"


def test_extension_rules():
    d = submitted()
    with pytest.raises(InvalidDossierError) as info:
        d.extend(at=at(2, 10), by="cb1", new_due_at=at(20, 17), reason="x")
    assert info.value.field == "status"
    d = d.accept(at=at(2, 10), by="cb1", due_at=at(11, 17))
    with pytest.raises(InvalidDossierError) as info:
        d.extend(at=at(10, 10), by="cb1", new_due_at=at(11, 16), reason="x")
    assert info.value.field == "new_due_at"


# ------------------------------------------------------------------ time


def test_events_must_be_in_time_order():
    d = submitted()
    with pytest.raises(InvalidDossierError) as info:
        d.accept(at=at(2, 8), by="cb1", due_at=at(11, 17))
    assert info.value.field == "at"
    same_time = d.accept(at=at(2, 9), by="cb1", due_at=at(11, 17))
    assert same_time.events[-1].at == same_time.events[0].at


def test_naive_datetimes_rejected():
    # a naive argument is refused by the one aware check of onestop.tz (InvalidInputError, not a
    # model error: the dossier itself is fine)
    d = submitted()
    with pytest.raises(InvalidInputError) as info:
        d.accept(at=dt.datetime(2026, 3, 2, 10), by="cb1", due_at=at(11, 17))
    assert (info.value.code, info.value.field) == ("invalid_input", "at")
    assert "naive" in info.value.message
    with pytest.raises(InvalidInputError) as info:
        d.accept(at=at(2, 10), by="cb1", due_at=dt.datetime(2026, 3, 11, 17))
    assert (info.value.code, info.value.field) == ("invalid_input", "due_at")
    data = json.loads(d.to_json())
    data["submitted_at"] = "2026-03-02T09:00:00"
    with pytest.raises(InvalidDossierError) as info:
        Dossier.model_validate(data)
    assert info.value.field == "submitted_at"


def test_other_time_zones_are_kept_as_instants():
    d = submitted()
    utc = d.accept(at=dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC), by="cb1", due_at=at(11, 17))
    assert utc.received_at == at(2, 10, 30)


# ------------------------------------------------------------------ invariants on import


def _json(d: Dossier) -> dict:
    return json.loads(d.to_json())


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda j: j.update(received_at="2026-03-01T09:00:00+07:00"), "received_at"),
        (lambda j: j.update(due_at="2026-03-02T09:30:00+07:00"), "due_at"),
        (lambda j: j.update(due_at=None), "due_at"),
        (lambda j: j.update(status="completed"), "status"),
        (lambda j: j.update(events=list(reversed(j["events"]))), "events[0]"),
        (lambda j: j["events"][1].update(at="2026-03-02T11:30:00+07:00"), "events[2].at"),
        (lambda j: j["events"][2].update(from_status="new"), "events[2].from_status"),
        (lambda j: j["events"][0].update(at="2026-03-01T00:00:00+07:00"), "events[0].at"),
        (lambda j: j.update(supplements=[]), "supplements"),
        (lambda j: j["documents"][0].update(sha256="xyz"), "documents[0].sha256"),
        (lambda j: j["fees"][0].update(amount=-5), "fees[0].amount"),
        (lambda j: j.update(channel="fax"), "channel"),
        (lambda j: j.update(code="H29-2603-1"), "code"),
        (lambda j: j.update(color="red"), "color"),
    ],
)
def test_invariants_on_import(mutate, field):
    d = (
        submitted(documents=(SubmittedDocument(name="Tờ khai", sha256="a" * 64),))
        .accept(at=at(2, 10), by="cb1", due_at=at(11, 17))
        .start_processing(at=at(2, 11), by="cb1")
        .request_supplement(at=at(2, 12), by="cb1", reason="Thiếu")
    )
    data = _json(d)
    mutate(data)
    with pytest.raises(InvalidDossierError) as info:
        Dossier.model_validate(data)
    assert info.value.field == field
    with pytest.raises(InvalidDossierError):
        Dossier.from_json(json.dumps(data))


def test_transition_error_in_history_is_specific():
    data = _json(submitted().accept(at=at(2, 10), by="cb1", due_at=at(11, 17)))
    data["events"][1]["to_status"] = "returned"
    data["status"] = "returned"
    data["due_at"] = "2026-03-11T17:00:00+07:00"
    with pytest.raises(InvalidTransitionError):
        Dossier.model_validate(data)


def test_constructor_errors_are_onestop_errors():
    with pytest.raises(InvalidDossierError) as info:
        Dossier(code="000.00.00.H29-260302-0001")
    assert isinstance(info.value.__cause__, ValidationError)
    assert info.value.field == "procedure"
    assert "Field required" in info.value.message
    with pytest.raises(InvalidDossierError):
        Dossier.from_json("{not json")
    with pytest.raises(InvalidDossierError):
        Dossier.model_validate_json(b"[]")
    with pytest.raises(InvalidDossierError):
        Dossier.model_validate(None)


def test_models_are_immutable():
    d = submitted()
    with pytest.raises(AttributeError):
        d.status = S.RETURNED  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del d.summary
    assert d.status is S.NEW


# ------------------------------------------------------------------ applicant & personal data


def test_applicant_kinds_and_codes():
    # LoaiDoiTuong of the portal's record: 1 công dân, 2 doanh nghiệp, 3 CQNN, 4 tổ chức khác.
    assert [k.code for k in ApplicantKind] == [1, 2, 3, 4]
    assert ApplicantKind.STATE_AGENCY.code == 3
    with pytest.raises(InvalidDossierError) as info:
        Applicant(kind="citizen", name="Trần Văn Bình")
    assert info.value.field == "citizen_id"
    with pytest.raises(InvalidDossierError) as info:
        Applicant(kind="enterprise", name="Công ty TNHH A")
    assert info.value.field == "tax_code"
    assert Applicant(kind="enterprise", name="Công ty", tax_code="0100109106-001").tax_code
    assert Applicant(kind="citizen", name="Lê Văn C", legacy_id="123456789").legacy_id
    assert Applicant(kind="state_agency", name="Sở Tư pháp").citizen_id is None


def test_no_personal_data_in_repr_or_errors():
    d = submitted()
    assert CCCD not in repr(d) and "Nguyễn Thị Mai" not in repr(d)
    assert CCCD not in repr(d.applicant)
    data = _json(d)
    data["applicant"]["citizen_id"] = "07920300123X"
    data["applicant"]["name"] = "Nguyễn Thị Mai" * 50  # too long
    with pytest.raises(InvalidDossierError) as info:
        Dossier.model_validate(data)
    message = str(info.value)
    assert "07920300123X" not in message and "Nguyễn Thị Mai" not in message
    assert "applicant.citizen_id" in message and "applicant.name" in message
    assert "0792******3X" in message


def test_citizen_id_round_trips_as_canonical_string():
    data = _json(submitted())
    assert data["applicant"]["citizen_id"] == CCCD
    assert data["code"] == "000.00.00.H29-260302-0001"
    assert data["procedure"]["code"] == "1.004222"


def test_documents_hash():
    content = "Tờ khai CT01".encode()
    digest = hashlib.sha256(content).hexdigest()
    doc = SubmittedDocument(name="Tờ khai", sha256=digest.upper(), digitized=True)
    assert doc.sha256 == digest
    with pytest.raises(InvalidDossierError):
        SubmittedDocument(name="Tờ khai", sha256=digest[:-1])


def test_procedure_ref_from_procedure():
    procedure = make_procedure(0)
    ref = ProcedureRef.from_procedure(procedure, Channel.ONLINE)
    assert (ref.code, ref.name, ref.field) == (procedure.code, procedure.name_vi, procedure.field)
    with pytest.raises(InvalidInputError):
        ProcedureRef.from_procedure(make_procedure(5), Channel.ONLINE)


def test_result_delivery_methods():
    assert {m.value for m in DeliveryMethod} == {"counter", "postal", "online"}


# ------------------------------------------------------------------ properties


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**31), status=st.sampled_from(list(DossierStatus)))
def test_factory_dossiers_satisfy_invariants(seed, status):
    d = make_dossier(seed, status=status)
    assert d.status is status
    assert d.events[0].from_status is None
    times = [e.at for e in d.events]
    assert times == sorted(times)
    assert d.submitted_at <= times[0]
    for before, after in zip(d.events, d.events[1:], strict=False):
        assert after.from_status is before.to_status
        assert (
            after.to_status is after.from_status or after.to_status in TRANSITIONS[before.to_status]
        )
    if d.received_at is not None and d.due_at is not None:
        assert d.submitted_at <= d.received_at <= d.due_at
    assert Dossier.from_json(d.to_json()) == d


def test_docs_examples_run():
    """Every Python example of docs/models.md runs (its asserts are the checks)."""
    import pathlib
    import re

    page = pathlib.Path(__file__).parents[2] / "docs" / "models.md"
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 4
    for index, block in enumerate(blocks):
        exec(compile(block, f"docs/models.md[{index}]", "exec"), {})  # noqa: S102


def test_unaccepted_statuses_have_no_receipt_time():
    data = _json(submitted())
    data["received_at"] = "2026-03-02T10:00:00+07:00"
    data["due_at"] = "2026-03-11T17:00:00+07:00"
    with pytest.raises(InvalidDossierError) as info:
        Dossier.model_validate(data)
    assert info.value.field == "received_at"
    assert "new" in info.value.message


_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["2026-03-02T09:00:00+07:00", "2026-03-02T09:00:00", "new", "direct"]),
)


@settings(max_examples=80, deadline=None)
@given(
    changes=st.dictionaries(
        st.sampled_from([*Dossier.model_fields, "junk"]),
        st.recursive(
            _LEAVES,
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=6), inner, max_size=3)
            ),
            max_leaves=6,
        ),
        max_size=4,
    )
)
def test_random_input_raises_only_invalid_dossier_error(changes):
    """Whatever is changed, parsing either succeeds or raises InvalidDossierError."""
    base = _json(make_dossier(2, status=S.PROCESSING))
    personal = [v for v in base["applicant"].values() if isinstance(v, str) and len(v) > 8]
    data = {**base, **changes}
    for attempt in (
        lambda: Dossier.model_validate(data),
        lambda: Dossier.from_json(json.dumps(data)),
        lambda: Dossier(**data),
    ):
        try:
            result = attempt()
        except InvalidDossierError as exc:
            assert exc.message
            assert not any(value in exc.message for value in personal)
        else:
            assert Dossier.from_json(result.to_json()) == result


@pytest.mark.parametrize(
    ("letter", "on_time"),
    [
        (at(10, 16), True),  # the day before the due date
        (at(11, 8), False),  # the due date itself
        (dt.datetime(2026, 3, 10, 17, 30, tzinfo=dt.UTC), False),  # 00:30 on the 11th in Vietnam
        (dt.datetime(2026, 3, 10, 16, 30, tzinfo=dt.UTC), True),  # 23:30 on the 10th in Vietnam
    ],
)
def test_apology_letter_deadline(letter, on_time):
    # NĐ 61/2018 Art. 19(9): the letter goes out at the latest one day before the due date.
    d = submitted().accept(at=at(2, 10), by="cb1", due_at=at(11, 17))
    extended = d.extend(at=letter, by="cb1", new_due_at=at(13, 17), reason="Cần xác minh")
    assert extended.extension is not None
    assert extended.extension.letter_on_time is on_time
