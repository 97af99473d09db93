"""Bad input to public constructors, parsers and methods raises a onestop error naming the field.

Issue 2, "Bad input": never a bare pydantic traceback or an exception of another type
(AttributeError, TypeError...). Each row was found crashing with another type in an audit.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from onestop.errors import (
    ConfigurationError,
    InvalidDossierError,
    InvalidIdentifierError,
    InvalidInputError,
    OneStopError,
)
from onestop.models import (
    AdministrativeLevel,
    ApplicantKind,
    Channel,
    CitizenId,
    DeliveryMethod,
    DossierCodeGenerator,
    DossierStatus,
    EventAction,
    FeeKind,
    PaymentMethod,
    ProcedureRef,
    ResultDelivery,
    ServiceLevel,
    SqliteSequenceStore,
    SupplementStage,
    TaxCode,
    TimeUnit,
)
from onestop.testing import make_dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ENUMS = [
    AdministrativeLevel,
    ApplicantKind,
    Channel,
    DeliveryMethod,
    DossierStatus,
    EventAction,
    FeeKind,
    PaymentMethod,
    ServiceLevel,
    SupplementStage,
    TimeUnit,
]


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
@pytest.mark.parametrize("bad", ["no-such-value", "", None, 3, b"new"])
def test_enum_constructor_raises_onestop_error(enum, bad):
    with pytest.raises(InvalidInputError) as info:
        enum(bad)
    err = info.value
    assert isinstance(err, ValueError)  # still what `except ValueError` expects of an enum
    assert err.field and err.message.startswith(f"{err.field}: ")
    first = next(iter(enum))
    assert repr(first.value) in err.message  # lists the valid values
    assert enum(first.value) is first


def test_enum_values_still_parse_and_pydantic_reports_through_the_model():
    assert DossierStatus("processing") is DossierStatus.PROCESSING
    with pytest.raises(InvalidDossierError) as info:
        make_dossier(0).model_copy(update={"channel": "fax"})
    assert info.value.field == "channel"


@pytest.mark.parametrize("today", ["2026-01-01", 20260101, dt.time(1)])
def test_reference_day_must_be_a_date(today):
    with pytest.raises(InvalidIdentifierError) as info:
        CitizenId.parse("079203001234", today=today)
    assert info.value.field == "today"
    with pytest.raises(InvalidIdentifierError) as info:
        TaxCode.parse("0100109106", today=today)
    assert info.value.field == "today"
    # A datetime is a date: accepted.
    assert CitizenId.parse("079203001234", today=dt.datetime(2026, 1, 1, tzinfo=VN)).birth_year


@pytest.mark.parametrize("store", [None, "store.db", object(), {}])
def test_generator_needs_a_sequence_store(store):
    with pytest.raises(ConfigurationError) as info:
        DossierCodeGenerator(store)
    assert info.value.field == "store"
    assert "next_value" in info.value.message


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"path": None}, "path"),
        ({"path": ""}, "path"),
        ({"path": 3}, "path"),
        ({"path": "PLACEHOLDER", "timeout": "soon"}, "timeout"),
        ({"path": "PLACEHOLDER", "timeout": -1}, "timeout"),
        ({"path": "PLACEHOLDER", "timeout": float("nan")}, "timeout"),
    ],
)
def test_sqlite_store_arguments(tmp_path, kwargs, field):
    if kwargs["path"] == "PLACEHOLDER":
        kwargs = {**kwargs, "path": tmp_path / "seq.db"}
    with pytest.raises(ConfigurationError) as info:
        SqliteSequenceStore(**kwargs)
    assert info.value.field == field


def test_procedure_ref_needs_a_procedure():
    with pytest.raises(InvalidInputError) as info:
        ProcedureRef.from_procedure(None, Channel.ONLINE)  # type: ignore[arg-type]
    assert info.value.field == "procedure"


def _later(dossier, minutes=5):
    return dossier.events[-1].at + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("to", ["no-such-status", None, 4])
def test_transition_to_an_unknown_status(to):
    dossier = make_dossier(0, status="processing")
    with pytest.raises(InvalidInputError) as info:
        dossier.transition(to, at=_later(dossier), by="cb.tiepnhan")
    assert info.value.field == "dossier_status"


def test_transition_accepts_the_status_value():
    dossier = make_dossier(0, status="processing")
    moved = dossier.transition("completed", at=_later(dossier), by="cb.xuly")
    assert moved.status is DossierStatus.COMPLETED
    assert moved.events[-1].from_status is DossierStatus.PROCESSING


@pytest.mark.parametrize("reason", [None, "", "   ", 5])
@pytest.mark.parametrize(
    ("status", "method"),
    [("new", "refuse"), ("processing", "stop"), ("processing", "request_supplement")],
)
def test_reasons_given_to_the_applicant_are_required(status, method, reason):
    dossier = make_dossier(0, status=status, channel="online")
    with pytest.raises(InvalidDossierError) as info:
        getattr(dossier, method)(at=_later(dossier), by="cb.xuly", reason=reason)
    assert info.value.field == "reason"


def test_return_result_validates_the_delivery():
    dossier = make_dossier(0, status="completed")
    with pytest.raises(InvalidDossierError) as info:
        dossier.return_result(at=_later(dossier), by="cb.tra", delivery="by pigeon")
    assert info.value.field is not None and "delivery" in info.value.field
    done = dossier.return_result(
        at=_later(dossier), by="cb.tra", delivery=ResultDelivery(method=DeliveryMethod.COUNTER)
    )
    assert done.result is not None and done.result.delivery is not None
    assert done.result.documents == dossier.result.documents  # kept from completion


def test_model_copy_update_is_validated():
    dossier = make_dossier(0, status="processing")
    for update, field in [
        ({"status": "bogus"}, "status"),
        ({"due_at": dt.datetime(2026, 1, 1)}, "due_at"),  # naive
        ({"no_such_field": 1}, "no_such_field"),
        ({"status": DossierStatus.RETURNED}, "status"),  # disagrees with the history
    ]:
        with pytest.raises(InvalidDossierError) as info:
            dossier.model_copy(update=update)
        assert info.value.field == field, update
    assert dossier.model_copy() == dossier
    later = dossier.due_at + dt.timedelta(days=1)
    assert dossier.model_copy(update={"due_at": later}).due_at == later


@pytest.mark.parametrize("seed", ["x", 1.5, None, True, -1])
def test_factory_seed_must_be_a_non_negative_int(seed):
    from onestop.testing import make_procedure

    for factory in (make_dossier, make_procedure):
        with pytest.raises(InvalidInputError) as info:
            factory(seed)
        assert info.value.field == "seed"


def test_every_error_above_is_a_onestop_error():
    # The classes used above all sit in the tree (a guard against a refactor moving them).
    for cls in (InvalidDossierError, InvalidIdentifierError, InvalidInputError):
        assert issubclass(cls, OneStopError) and issubclass(cls, ValueError)
    # a bad setting (a store's path, a generator's store) is not a ValueError (issue 10)
    assert issubclass(ConfigurationError, OneStopError)
    assert not issubclass(ConfigurationError, ValueError)


@pytest.mark.parametrize(
    ("parse", "value"),
    [
        ("AgencyCode", "A79203001234"),
        ("AgencyCode", "H56.079203001234-"),
        ("ProcedureCode", "1.000894.079203001234-"),
        ("DossierCode", "079203001234-260302-0001"),
    ],
)
def test_a_mistyped_id_number_is_masked_in_other_codes_errors(parse, value):
    import onestop.models as models

    with pytest.raises(InvalidIdentifierError) as info:
        getattr(models, parse).parse(value)
    assert "079203001234" not in info.value.message
    assert "03001" not in info.value.message  # the middle digits are hidden


def test_ordinary_codes_are_shown_in_errors():
    from onestop.models import AgencyCode

    with pytest.raises(InvalidIdentifierError) as info:
        AgencyCode.parse("Z99.14")
    assert "'Z99.14'" in info.value.message


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        (79, "a value of type int (codes are strings)"),
        ("0792030", "a 7-character string"),
        ("99", "'99'"),
    ],
)
def test_province_code_errors_name_the_field_and_the_problem(code, shown):
    from onestop.models import province_by_code

    with pytest.raises(InvalidIdentifierError) as info:
        province_by_code(code)
    assert info.value.field == "province_code"
    assert info.value.message.startswith(f"province_code: {shown} is not a province code")
    assert "expected a 2-digit GSO code" in info.value.message


# One junk argument to every public callable of onestop.models (classes, enums, functions and
# their parse/from_* class methods): only onestop errors come out, never a crash of another type.
_JUNK = [None, "", "x", 0, -1, 1.5, b"x", [], {}, object(), "0" * 200, "\x00", "Đ" * 13]


def _public_callables():
    import onestop.models as models

    for name in models.__all__:
        obj = getattr(models, name)
        if name == "SequenceStore":  # a Protocol: not instantiable by design (TypeError)
            continue
        if callable(obj):
            yield name, obj
        for method in ("parse", "from_code", "from_json", "model_validate", "model_validate_json"):
            if hasattr(obj, method):
                yield f"{name}.{method}", getattr(obj, method)


@pytest.mark.parametrize(("name", "func"), list(_public_callables()), ids=lambda v: str(v)[:30])
def test_one_junk_argument_raises_only_onestop_errors(name, func, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # SqliteSequenceStore("x") creates a database file "x"
    for junk in _JUNK:
        try:
            result = func(junk)
            if isinstance(result, SqliteSequenceStore):
                result.close()
        except OneStopError as err:
            assert isinstance(err, ValueError | OSError | ConfigurationError), (name, junk)
            # The message names the field; a model given a non-object names the model.
            assert err.field or err.message.startswith(f"invalid {name.split('.')[0]} "), (
                name,
                junk,
            )
        except TypeError as err:
            # Only Python's own arity check (a callable that takes no or several arguments).
            assert "argument" in str(err), (name, repr(junk), err)
