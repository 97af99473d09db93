from __future__ import annotations

import datetime as dt
import inspect
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop import errors
from onestop.errors import IdentifierReason


def _error_classes():
    return [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, errors.OneStopError)
    ]


def test_codes_are_unique_and_snake_case():
    codes = [cls.code for cls in _error_classes()]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert code.replace("_", "").isalnum() and code == code.lower()


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (errors.InvalidIdentifierError, ValueError),
        (errors.InvalidTransitionError, ValueError),
        (errors.CalendarDataMissingError, ValueError),
        (errors.SignatureError, ValueError),
        (errors.ReadTimeoutError, TimeoutError),
        (errors.NetworkError, ConnectionError),
        (errors.StorageError, OSError),
        (errors.OutboxError, OSError),
        (errors.MissingExtraError, ImportError),
    ],
)
def test_builtin_bases(cls, builtin):
    assert issubclass(cls, builtin)
    assert issubclass(cls, errors.OneStopError)


def test_every_class_is_documented_in_the_module_tree():
    for cls in _error_classes():
        assert cls.__name__ in errors.__doc__


def test_mask_id():
    assert errors.mask_id("079203001234") == "0792******34"
    assert errors.mask_id("079203001234", keep_end=0) == "0792********"  # was the whole number
    assert errors.mask_id("079203001234", keep_start=0, keep_end=0) == "*" * 12
    assert errors.mask_id("123") == "***"
    assert len(errors.mask_id("0100109106001")) == 13


def test_to_dict_and_field():
    exc = errors.InvalidInputError("bad", field="when")
    assert exc.to_dict() == {"code": "invalid_input", "message": "bad", "field": "when"}
    assert str(exc) == "bad"


def test_identifier_errors_carry_a_machine_reason():
    exc = errors.InvalidIdentifierError("bad", field="cccd", reason=IdentifierReason.CHECKSUM)
    assert exc.reason is IdentifierReason.CHECKSUM
    assert exc.to_dict() == {
        "code": "invalid_identifier",
        "message": "bad",
        "field": "cccd",
        "reason": "checksum",
    }
    assert errors.InvalidIdentifierError("x", reason="length").reason is IdentifierReason.LENGTH
    with pytest.raises(TypeError):
        errors.InvalidIdentifierError("no reason")  # type: ignore[call-arg]


def test_rate_limited_carries_retry_after():
    exc = errors.RateLimitedError("slow down", retry_after=3.0)
    assert exc.status_code == 429 and exc.retry_after == 3.0


# Every class of the tree, with the built-in it must also be (issue 2, "Errors").
EXPECTED_BUILTIN = {
    "OneStopError": Exception,
    "InvalidInputError": ValueError,
    "InvalidIdentifierError": ValueError,
    "InvalidDossierError": ValueError,
    "InvalidTransitionError": ValueError,
    "ConfigurationError": Exception,
    "MissingExtraError": ImportError,
    "FormError": ValueError,
    "PaymentRejectedError": ValueError,
    "CalendarError": ValueError,
    "CalendarDataMissingError": ValueError,
    "LunarDateError": ValueError,
    "CalendarDataError": ValueError,
    "DeadlineError": ValueError,
    "StorageError": OSError,
    "SignatureError": ValueError,
    "CertificateError": ValueError,
    "ConnectorError": Exception,
    "TransportError": Exception,
    "ConnectTimeoutError": TimeoutError,
    "ReadTimeoutError": TimeoutError,
    "NetworkError": ConnectionError,
    "APIStatusError": Exception,
    "AuthenticationError": Exception,
    "NotFoundError": Exception,
    "ConflictError": Exception,
    "RateLimitedError": Exception,
    "ServerError": Exception,
    "UnexpectedResponseError": Exception,
    "OutboxError": OSError,
}


def test_the_tree_is_complete_and_each_class_has_its_builtin():
    assert {cls.__name__ for cls in _error_classes()} == set(EXPECTED_BUILTIN)
    for name, builtin in EXPECTED_BUILTIN.items():
        cls = getattr(errors, name)
        assert issubclass(cls, builtin), name
        assert name in errors.__all__


def test_each_class_has_its_own_code():
    for cls in _error_classes():
        assert "code" in vars(cls), f"{cls.__name__} inherits its parent's code"


def test_error_classes_outside_the_module_are_in_the_tree_and_have_codes():
    from onestop.models import SequenceExhaustedError

    assert issubclass(SequenceExhaustedError, errors.InvalidIdentifierError)
    codes = {cls.code for cls in _error_classes()}
    assert SequenceExhaustedError.code not in codes


def test_status_errors_carry_request_and_response():
    request, response = object(), object()
    exc = errors.ServerError(
        "portal failed", status_code=503, error_code="E1", request=request, response=response
    )
    assert (exc.status_code, exc.error_code) == (503, "E1")
    assert exc.request is request and exc.response is response
    limited = errors.RateLimitedError("slow", retry_after=1.5, response=response)
    assert limited.response is response and limited.request is None
    assert isinstance(limited, errors.APIStatusError)


def test_warnings_share_a_root():
    assert issubclass(errors.ProvisionalCalendarWarning, errors.OneStopWarning)
    assert issubclass(errors.OneStopWarning, UserWarning)
    assert not hasattr(errors, "EstimatedDateWarning")  # never raised: removed (issue 10)


def test_configuration_errors_are_not_value_errors():
    """A wrong setting is not a wrong argument: ``except ValueError`` must not swallow it."""
    assert not issubclass(errors.ConfigurationError, ValueError)
    assert not issubclass(errors.MissingExtraError, ValueError)
    assert not issubclass(errors.ConfigurationError, errors.InvalidInputError)


def test_local_storage_failures_are_not_connector_errors():
    """A locked or full outbox file is not a portal failure: retrying the portal cannot fix it."""
    assert issubclass(errors.OutboxError, errors.StorageError)
    assert not issubclass(errors.OutboxError, errors.ConnectorError)


def _instance(cls):
    if issubclass(cls, errors.InvalidIdentifierError):
        return cls("x: bad", field="x", reason=IdentifierReason.FORMAT)
    if cls is errors.PaymentRejectedError:
        return cls("x: bad", field="x", reason=errors.PaymentProblem.CHECKSUM, reference="r1")
    if cls is errors.RateLimitedError:
        return cls("slow down", retry_after=2.0, status_code=429)
    if issubclass(cls, errors.APIStatusError):
        return cls("portal failed", status_code=503, error_code="E1")
    return cls("x: bad", field="x")


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda c: c.__name__)
def test_every_error_pickles_with_its_state(cls):
    """Errors cross process boundaries (multiprocessing pools) with code, field and extras."""
    exc = _instance(cls)
    back = pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes
    assert type(back) is cls
    assert back.to_dict() == exc.to_dict()
    assert vars(back) == vars(exc)
    assert str(back) == str(exc)


@given(st.text(min_size=0, max_size=40), st.integers(-2, 6), st.integers(-2, 6))
def test_mask_id_never_reveals_more_than_asked(value, keep_start, keep_end):
    masked = errors.mask_id(value, keep_start=keep_start, keep_end=keep_end)
    assert len(masked) == len(value)
    shown = [i for i, (a, b) in enumerate(zip(value, masked, strict=True)) if b != "*"]
    assert len(shown) <= max(keep_start, 0) + max(keep_end, 0)
    # at least two characters are hidden, whatever the length
    assert masked.count("*") >= min(len(value), 2)
    for i in shown:
        assert masked[i] == value[i]


def _reason_of(call):
    with pytest.raises(errors.InvalidIdentifierError) as info:
        call()
    return info.value.reason


def _identifier_cases():
    from onestop.models import (
        AgencyCode,
        CitizenId,
        DossierCode,
        LegacyId,
        ProcedureCode,
        TaxCode,
        province_by_code,
        provinces,
    )

    today = dt.date(2026, 1, 1)
    return [
        (lambda: CitizenId.parse(79203001234), IdentifierReason.TYPE),
        (lambda: CitizenId.parse("07920300123"), IdentifierReason.LENGTH),
        (lambda: CitizenId.parse("07920300123x"), IdentifierReason.CHARACTERS),
        (lambda: CitizenId.parse("999203001234"), IdentifierReason.PROVINCE),
        (lambda: CitizenId.parse("079230001234", today=today), IdentifierReason.BIRTH_YEAR),
        (lambda: CitizenId.parse("079203001234", today="2026"), IdentifierReason.TYPE),
        (
            lambda: CitizenId.build(province="79", sex="x", birth_year=2000, serial=1),
            IdentifierReason.SEX,
        ),
        (
            lambda: CitizenId.build(province="79", sex="male", birth_year=1800, serial=1),
            IdentifierReason.BIRTH_YEAR,
        ),
        (
            lambda: CitizenId.build(province="79", sex="male", birth_year=2000, serial=-1),
            IdentifierReason.SERIAL,
        ),
        (
            lambda: CitizenId.build(province="99", sex="male", birth_year=2000, serial=1),
            IdentifierReason.PROVINCE,
        ),
        (lambda: LegacyId.parse("12345678"), IdentifierReason.LENGTH),
        (lambda: TaxCode.parse("01001091O6"), IdentifierReason.CHARACTERS),
        (lambda: TaxCode.parse("01001091"), IdentifierReason.LENGTH),
        (lambda: TaxCode.parse("0100109107"), IdentifierReason.CHECKSUM),
        (lambda: TaxCode.parse("0100109106-000"), IdentifierReason.BRANCH),
        (lambda: TaxCode.parse("0100000000"), IdentifierReason.FORMAT),
        (lambda: TaxCode.parse("999203001234"), IdentifierReason.PROVINCE),
        (lambda: TaxCode.build("01001091"), IdentifierReason.FORMAT),
        (lambda: TaxCode.build("010010910", branch=1000), IdentifierReason.BRANCH),
        (lambda: AgencyCode.parse("  "), IdentifierReason.EMPTY),
        (lambda: AgencyCode.parse("H56." + "1" * 40), IdentifierReason.LENGTH),
        (lambda: AgencyCode.parse("H56@14"), IdentifierReason.CHARACTERS),
        (lambda: AgencyCode.parse("H56..14"), IdentifierReason.FORMAT),
        (lambda: ProcedureCode.parse("1.00089"), IdentifierReason.FORMAT),
        (lambda: ProcedureCode.parse("1.000894.@"), IdentifierReason.AGENCY),
        (lambda: DossierCode.parse("H56-260101"), IdentifierReason.FORMAT),
        (lambda: DossierCode.parse("@-260101-0001"), IdentifierReason.AGENCY),
        (lambda: DossierCode.parse("H56-261301-0001"), IdentifierReason.DATE),
        (lambda: DossierCode.parse("H56-260101-0000"), IdentifierReason.SEQUENCE),
        (lambda: DossierCode.build("H56", dt.date(1999, 1, 1), 1), IdentifierReason.DATE),
        (lambda: DossierCode.build("H56", dt.date(2026, 1, 1), 10_000), IdentifierReason.SEQUENCE),
        (lambda: provinces("1999"), IdentifierReason.ERA),
        (lambda: province_by_code("99"), IdentifierReason.PROVINCE),
    ]


def test_every_identifier_check_sets_its_reason():
    cases = _identifier_cases()
    for call, reason in cases:
        assert _reason_of(call) is reason
    # every reason is reachable from a real check
    assert {reason for _, reason in cases} == set(IdentifierReason)


def test_a_full_sequence_is_a_sequence_reason():
    from onestop.models import DossierCodeGenerator, SequenceExhaustedError

    class Full:
        def next_value(self, agency: str, day: dt.date) -> int:
            return 10_000

    with pytest.raises(SequenceExhaustedError) as info:
        DossierCodeGenerator(Full()).next("H56", dt.date(2026, 1, 1))
    assert info.value.reason is IdentifierReason.SEQUENCE


ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "errors.md"


def _docs_table(marker: str) -> list[list[str]]:
    """The rows of the Markdown table that follows ``marker`` in docs/errors.md."""
    lines = DOCS.read_text(encoding="utf-8").split(marker, 1)[1].splitlines()[1:]
    rows = []
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_the_error_code_table_in_the_docs_matches_the_tree():
    from onestop.cli._app import BAD_INPUT_ERRORS
    from onestop.models import SequenceExhaustedError

    def row(cls):
        also = [
            b.__name__
            for b in (ValueError, OSError, ImportError, TimeoutError, ConnectionError)
            if issubclass(cls, b)
            and not (b is OSError and issubclass(cls, TimeoutError | ConnectionError))
        ]
        name = f"`{cls.__name__}`" + (
            "" if cls.__module__ == "onestop.errors" else " (`onestop.models`)"
        )
        return [
            f"`{cls.code}`",
            name,
            f"`{cls.__mro__[1].__name__}`",
            ", ".join(f"`{b}`" for b in also) or "—",
            "2" if issubclass(cls, BAD_INPUT_ERRORS) else "1",
        ]

    documented = _docs_table("<!-- error codes:")
    expected = [row(cls) for cls in [*_error_classes(), SequenceExhaustedError]]
    assert sorted(documented) == sorted(expected)


def test_the_identifier_reason_table_in_the_docs_matches_the_enum():
    documented = [cells[0] for cells in _docs_table("<!-- identifier reasons:")]
    assert documented == [f"`{reason.value}`" for reason in IdentifierReason]


def _documented_codes(marker: str) -> list[str]:
    return [cells[0] for cells in _docs_table(marker)]


def test_every_error_and_warning_class_is_in_the_tree_on_the_errors_page():
    from onestop.models import SequenceExhaustedError

    tree = DOCS.read_text(encoding="utf-8").split("## The tree", 1)[1].split("## Codes", 1)[0]
    warnings_ = [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, errors.OneStopWarning)
    ]
    for cls in [*_error_classes(), SequenceExhaustedError, *warnings_]:
        assert f"{cls.__name__}" in tree, f"{cls.__name__} is missing from the tree in errors.md"


def test_the_payment_problem_table_in_the_docs_matches_the_enum():
    documented = _documented_codes("<!-- payment problems:")
    assert documented == [f"`{problem.value}`" for problem in errors.PaymentProblem]


def test_the_signature_problem_table_in_the_docs_matches_the_enum():
    from onestop.signatures import ProblemCode

    documented = _documented_codes("<!-- signature problems:")
    assert documented == [f"`{code.value}`" for code in ProblemCode]


def test_the_clock_flag_table_in_the_docs_matches_the_enum():
    from onestop.deadlines import FlagCode

    documented = _documented_codes("<!-- clock flags:")
    assert documented == [f"`{code.value}`" for code in FlagCode]


def test_the_command_line_codes_in_the_docs_are_the_ones_the_commands_report():
    """Every literal error code the command line reports is documented, and only those."""
    import re

    cli = ROOT / "src" / "onestop" / "cli"
    in_source = {
        code
        for path in cli.glob("*.py")
        for code in re.findall(r'"code": "([a-z_]+)"', path.read_text(encoding="utf-8"))
    }
    documented = {cell.strip("`") for cell in _documented_codes("<!-- command-line codes:")}
    assert in_source == documented
    exits = {cells[0].strip("`"): cells[2] for cells in _docs_table("<!-- command-line codes:")}
    assert exits == {
        "usage_error": "2",
        "delivery_failed": "1",
        "checks_failed": "1",
        "internal_error": "1",
    }
