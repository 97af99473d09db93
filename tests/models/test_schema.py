"""JSON round trip (Hypothesis) and JSON Schema (checked with jsonschema) of every public model."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop import models
from onestop.errors import InvalidDossierError, InvalidInputError
from onestop.models import MODEL_NAMES, DossierStatus, json_schema
from onestop.testing import make_dossier, make_procedure
from onestop.testing.strategies import (
    agency_codes,
    citizen_ids,
    dossier_codes,
    dossiers,
    procedure_codes,
    tax_codes,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# ------------------------------------------------------------------ strategies

words = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọ"
    "ồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ0123456789ABCDĐ",
    min_size=1,
    max_size=12,
)
text = st.lists(words, min_size=1, max_size=4).map(" ".join)
opt_text = st.none() | text
short_code = st.from_regex(r"[0-9A-Z][0-9A-Z.\-]{0,10}", fullmatch=True)
aware = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2099, 1, 1),
    timezones=st.sampled_from([VN, dt.UTC, dt.timezone(dt.timedelta(hours=7))]),
)
vnd = st.integers(0, 10**12)
sha = st.binary(min_size=32, max_size=32).map(bytes.hex)

# identifiers: the public strategies (valid values, checked against the parsers there)
agency_code = agency_codes()
procedure_code = procedure_codes()
dossier_code = dossier_codes()
tax_code = tax_codes()
citizen_id = citizen_ids()

processing_time = st.one_of(
    st.builds(
        models.ProcessingTime,
        amount=st.integers(0, 400),
        unit=st.sampled_from([u for u in models.TimeUnit if u is not models.TimeUnit.SAME_DAY]),
    ),
    st.builds(
        models.ProcessingTime,
        amount=st.just(0),
        unit=st.just(models.TimeUnit.SAME_DAY),
        cutoff=st.none() | st.times(),
    ),
)
field_of_activity = st.builds(models.FieldOfActivity, code=short_code, name=text)
agency_ref = st.builds(models.AgencyRef, name=text, code=st.none() | agency_code)
channel = st.sampled_from(list(models.Channel))
fee_item = st.builds(
    models.FeeItem,
    name=text,
    amount=vnd,
    kind=st.sampled_from(list(models.FeeKind)),
    code=st.none() | short_code,
    channel=st.none() | channel,
    note=opt_text,
)
form_template = st.builds(
    models.FormTemplate, name=text, url=st.none() | st.just("https://x.vn/a.doc")
)
required_document = st.builds(
    models.RequiredDocument,
    name=text,
    code=st.none() | short_code,
    originals=st.integers(0, 5),
    copies=st.integers(0, 5),
    template=st.none() | form_template,
    case=opt_text,
    mandatory=st.booleans(),
)
procedure_result = st.builds(
    models.ProcedureResult,
    name=text,
    code=st.none() | short_code,
    template=st.none() | form_template,
)
legal_basis = st.builds(
    models.LegalBasis,
    number=st.sampled_from(["61/2018/NĐ-CP", "118/2025/NĐ-CP", "60/2014/QH13"]),
    title=opt_text,
    issued_on=st.none() | st.dates(),
    effective_on=st.none() | st.dates(),
    issuer=opt_text,
    url=st.none() | st.just("https://vbpl.vn/"),
)
lien_thong_participant = st.builds(
    models.LienThongParticipant, agency=agency_ref, task=text, share=processing_time
)
channel_time = st.builds(models.ChannelProcessingTime, channel=channel, time=processing_time)


@st.composite
def procedure(draw):
    channels = draw(st.lists(channel, min_size=1, max_size=3, unique=True))
    unit = draw(st.sampled_from([u for u in models.TimeUnit if u is not models.TimeUnit.SAME_DAY]))
    totals = {c: draw(st.integers(0, 60)) for c in channels}
    shares = draw(st.lists(st.integers(0, 10), max_size=3))
    if sum(shares) > min(totals.values()):
        shares = []
    online = models.Channel.ONLINE in channels
    return models.Procedure(
        code=draw(procedure_code),
        name_vi=draw(text),
        name_en=draw(opt_text),
        field=draw(field_of_activity),
        levels=tuple(
            draw(
                st.lists(
                    st.sampled_from(list(models.AdministrativeLevel)),
                    min_size=1,
                    max_size=2,
                    unique=True,
                )
            )
        ),
        implementing_agencies=tuple(draw(st.lists(agency_ref, max_size=2))),
        competent_agencies=tuple(draw(st.lists(agency_ref, max_size=2))),
        channels=tuple(channels),
        processing_times=tuple(
            models.ChannelProcessingTime(channel=c, time=models.ProcessingTime(amount=t, unit=unit))
            for c, t in totals.items()
        ),
        fees=tuple(
            f for f in draw(st.lists(fee_item, max_size=3)) if f.channel in (None, *channels)
        ),
        documents=tuple(draw(st.lists(required_document, max_size=3))),
        results=tuple(draw(st.lists(procedure_result, max_size=2))),
        legal_basis=tuple(draw(st.lists(legal_basis, max_size=2))),
        service_level=draw(
            st.sampled_from([models.ServiceLevel.FULL, models.ServiceLevel.PARTIAL])
            if online
            else st.just(models.ServiceLevel.NONE)
        ),
        lien_thong=tuple(
            models.LienThongParticipant(
                agency=draw(agency_ref),
                task=draw(text),
                share=models.ProcessingTime(amount=s, unit=unit),
            )
            for s in shares
        ),
    )


postal_address = st.builds(
    models.PostalAddress,
    street=text,
    commune_name=text,
    commune_code=st.none() | st.from_regex(r"[0-9]{5}", fullmatch=True),
    province_code=st.sampled_from([p.code for p in models.provinces("2025")]),
    vnpost_province_code=st.none() | st.integers(1, 99),
    vnpost_district_code=st.none() | st.integers(1, 9999),
)
contact = st.builds(
    models.Contact,
    phone=st.none() | st.from_regex(r"0[0-9]{9}", fullmatch=True),
    email=st.none() | st.just("a.b@example.vn"),
    address=opt_text,
    postal_address=st.none() | postal_address,
)
postal_party = st.builds(
    models.PostalParty,
    name=text,
    phone=st.from_regex(r"0[0-9]{9}", fullmatch=True),
    email=st.none() | st.just("a.b@example.vn"),
    address=postal_address,
)
applicant = st.one_of(
    st.builds(
        models.Applicant, kind=st.just("citizen"), name=text, citizen_id=citizen_id, contact=contact
    ),
    st.builds(
        models.Applicant,
        kind=st.just("citizen"),
        name=text,
        legacy_id=st.from_regex(r"[0-9]{9}", fullmatch=True),
    ),
    st.builds(
        models.Applicant, kind=st.just("enterprise"), name=text, tax_code=tax_code, contact=contact
    ),
    st.builds(
        models.Applicant, kind=st.sampled_from(["state_agency", "other_organization"]), name=text
    ),
)
procedure_ref = st.builds(
    models.ProcedureRef,
    code=procedure_code,
    name=text,
    field=st.none() | field_of_activity,
    processing_time=processing_time,
)
submitted_document = st.builds(
    models.SubmittedDocument,
    name=text,
    component_code=st.none() | short_code,
    sha256=sha,
    digitized=st.booleans(),
    reused=st.booleans(),
)
payment = st.builds(
    models.Payment,
    at=aware,
    amount=st.integers(1, 10**10),
    method=st.sampled_from(list(models.PaymentMethod)),
    reference=st.none() | short_code,
)


@st.composite
def ordered(draw, n):
    return sorted(draw(st.lists(aware, min_size=n, max_size=n)))


postal_order = st.builds(
    lambda times, number, kind, status, cancelled: models.PostalOrder(
        order_number=number,
        kind=kind,
        sent_at=times[0],
        status=status,
        status_at=None if status is None else times[1],
        cancelled_at=times[2] if cancelled else None,
    ),
    ordered(3),
    st.from_regex(r"H[0-9]{2}\.[0-9]{2}-[0-9]{6}-[0-9]{4}", fullmatch=True),
    st.sampled_from(list(models.PostalOrderKind)),
    st.none() | st.sampled_from(list(models.PostalStatus)),
    st.booleans(),
)
online_payment = st.builds(
    lambda times, reference, amount, state, txn: models.OnlinePayment(
        reference=reference,
        amount=amount,
        fees=(models.FeeItem(name="Lệ phí", amount=amount),),
        state=state,
        initiated_at=times[0],
        settled_at=times[1] if state.is_final else None,
        transaction_id=txn,
    ),
    ordered(2),
    st.from_regex(r"dvc[0-9A-Z]{4,20}", fullmatch=True),
    st.integers(1, 10**9),
    st.sampled_from(list(models.OnlinePaymentState)),
    st.none() | short_code,
)


supplement_request = st.builds(
    lambda times, reason, stage, done: models.SupplementRequest(
        requested_at=times[0], reason=reason, stage=stage, resubmitted_at=times[1] if done else None
    ),
    ordered(2),
    text,
    st.sampled_from(list(models.SupplementStage)),
    st.booleans(),
)
extension = st.builds(
    lambda times, reason: models.Extension(
        letter_at=times[0], previous_due_at=times[1], new_due_at=times[2], reason=reason
    ),
    ordered(3).filter(lambda t: t[1] < t[2]),
    text,
)
lien_thong_step = st.builds(
    lambda times, agency, task, open_: models.LienThongStep(
        agency=agency,
        task=task,
        started_at=times[0],
        due_at=times[2],
        finished_at=None if open_ else times[1],
    ),
    ordered(3),
    agency_ref,
    text,
    st.booleans(),
)
result_document = st.builds(
    models.ResultDocument,
    name=text,
    code=st.none() | short_code,
    number=st.none() | st.just("12/QĐ-UBND"),
    sha256=st.none() | sha,
)
result_delivery = st.builds(
    models.ResultDelivery,
    method=st.sampled_from(list(models.DeliveryMethod)),
    tracking_number=st.none() | st.just("EB123456789VN"),
    address=opt_text,
)
dossier_result = st.builds(
    models.DossierResult,
    documents=st.lists(result_document, max_size=2).map(tuple),
    delivery=st.none() | result_delivery,
)
dossier_event = st.builds(
    models.DossierEvent,
    at=aware,
    actor=words,
    action=st.sampled_from(list(models.EventAction)),
    from_status=st.none() | st.sampled_from(list(DossierStatus)),
    to_status=st.sampled_from(list(DossierStatus)),
    note=opt_text,
)


@st.composite
def dossier(draw):
    """A factory dossier in any status, with random extra parts swapped in."""
    base = draw(dossiers())  # every status, re-appointed and closed ones too
    changes = {
        "applicant": draw(applicant),
        "procedure": draw(procedure_ref),
        "documents": tuple(draw(st.lists(submitted_document, max_size=3))),
        "lien_thong": tuple(draw(st.lists(lien_thong_step, max_size=2))),
        "result": draw(st.none() | dossier_result),
        "code": draw(dossier_code),
        "postal_orders": tuple(
            {o.order_number: o for o in draw(st.lists(postal_order, max_size=2))}.values()
        ),
        "online_payments": tuple(
            {p.reference: p for p in draw(st.lists(online_payment, max_size=2))}.values()
        ),
    }
    return models.Dossier.model_validate({**dict(base), **changes})


STRATEGIES = {
    "AgencyRef": agency_ref,
    "Applicant": applicant,
    "ChannelProcessingTime": channel_time,
    "Contact": contact,
    "Dossier": dossier(),
    "DossierEvent": dossier_event,
    "DossierResult": dossier_result,
    "Extension": extension,
    "FeeItem": fee_item,
    "FieldOfActivity": field_of_activity,
    "FormTemplate": form_template,
    "LegalBasis": legal_basis,
    "LienThongParticipant": lien_thong_participant,
    "LienThongStep": lien_thong_step,
    "OnlinePayment": online_payment,
    "Payment": payment,
    "PostalAddress": postal_address,
    "PostalOrder": postal_order,
    "PostalParty": postal_party,
    "Procedure": procedure(),
    "ProcedureRef": procedure_ref,
    "ProcedureResult": procedure_result,
    "ProcessingTime": processing_time,
    "RequiredDocument": required_document,
    "ResultDelivery": result_delivery,
    "ResultDocument": result_document,
    "SubmittedDocument": submitted_document,
    "SupplementRequest": supplement_request,
}

_VALIDATORS = {
    (name, mode): jsonschema.Draft202012Validator(json_schema(name, mode=mode))
    for name in MODEL_NAMES
    for mode in ("validation", "serialization")
}


def test_every_public_model_has_a_strategy_and_schema():
    from pydantic import BaseModel

    exported = {
        name
        for name in models.__all__
        if isinstance(getattr(models, name), type) and issubclass(getattr(models, name), BaseModel)
    }
    assert exported == set(MODEL_NAMES)  # a new public model must get a schema (and a strategy)
    assert sorted(STRATEGIES) == list(MODEL_NAMES)
    for name in MODEL_NAMES:
        model = getattr(models, name)
        assert model.__module__.startswith("onestop.models")
        for mode in ("validation", "serialization"):
            schema = json_schema(name, mode=mode)
            jsonschema.Draft202012Validator.check_schema(schema)
            assert schema["title"] == name
            assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("name", MODEL_NAMES)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_json_round_trip_and_schema(name, data):
    model = getattr(models, name)
    instance = data.draw(STRATEGIES[name])
    text_ = instance.to_json()
    again = model.from_json(text_)
    assert again == instance
    assert again.to_json() == text_
    assert model.model_validate(instance.model_dump()) == instance
    document = json.loads(text_)
    for mode in ("validation", "serialization"):
        errors = list(_VALIDATORS[(name, mode)].iter_errors(document))
        assert errors == [], (mode, [e.message for e in errors[:3]])


# ------------------------------------------------------------------ schema and model agree

BAD_DOSSIERS = [
    ("status", "bogus"),
    ("channel", "fax"),
    ("submitted_at", 12),
    ("fees", [{"name": "Lệ phí", "amount": -1}]),
    ("fees", [{"name": "Lệ phí", "amount": 1.5}]),
    ("documents", [{"name": "Tờ khai", "sha256": "abc"}]),
    ("code", "not a code"),
    ("unexpected", 1),
]


@pytest.mark.parametrize(("key", "value"), BAD_DOSSIERS)
def test_schema_and_model_both_reject(key, value):
    document = json.loads(make_dossier(1).to_json())
    document[key] = value
    assert list(_VALIDATORS[("Dossier", "validation")].iter_errors(document))
    with pytest.raises(InvalidDossierError):
        models.Dossier.model_validate(document)


def test_procedure_from_factory_validates_against_schema():
    for seed in range(7):
        document = json.loads(make_procedure(seed).to_json())
        _VALIDATORS[("Procedure", "serialization")].validate(document)


def test_unknown_name_lists_valid_names():
    with pytest.raises(InvalidInputError) as info:
        json_schema("Hoso")
    assert info.value.field == "model"
    for name in ("Dossier", "Procedure", "ProcessingTime"):
        assert name in info.value.message
    with pytest.raises(InvalidInputError) as info:
        json_schema("Dossier", mode="xml")  # type: ignore[arg-type]
    assert info.value.field == "mode"


def test_names_are_case_insensitive_and_copies_are_independent():
    first = json_schema("dossier")
    first["title"] = "changed"
    assert json_schema("Dossier")["title"] == "Dossier"


def test_schema_describes_identifiers_and_datetimes():
    schema = json_schema("Dossier")
    assert schema["properties"]["code"]["type"] == "string"
    assert "pattern" in schema["properties"]["code"]
    assert schema["properties"]["submitted_at"]["format"] == "date-time"
    assert "additionalProperties" in schema and schema["additionalProperties"] is False
    status = schema["$defs"]["DossierStatus"]
    assert status["enum"] == [s.value for s in DossierStatus]
    serial = json_schema("Dossier", mode="serialization")
    assert set(serial["required"]) == set(models.Dossier.model_fields)


def test_wire_format_snapshot():
    """The JSON of make_dossier(0) is pinned: keys, value forms and factory determinism.

    Regenerate deliberately (a format change is a breaking change for vendors) with
    ``ONESTOP_REGEN_SNAPSHOTS=1 python3 -m pytest tests/models/test_schema.py``.
    """
    import os
    import pathlib

    path = pathlib.Path(__file__).parent / "snapshots" / "dossier_seed0.json"
    current = make_dossier(0).to_json(indent=2) + "\n"
    if os.environ.get("ONESTOP_REGEN_SNAPSHOTS") == "1":  # pragma: no cover - manual step
        path.write_text(current, encoding="utf-8")
    pinned = path.read_text(encoding="utf-8")
    assert current == pinned
    assert models.Dossier.from_json(pinned) == make_dossier(0)
    _VALIDATORS[("Dossier", "serialization")].validate(json.loads(pinned))
