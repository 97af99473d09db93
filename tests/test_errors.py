from __future__ import annotations

import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop import errors


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
    exc = errors.InvalidIdentifierError("bad", field="cccd")
    assert exc.to_dict() == {"code": "invalid_identifier", "message": "bad", "field": "cccd"}
    assert str(exc) == "bad"


def test_rate_limited_carries_retry_after():
    exc = errors.RateLimitedError("slow down", retry_after=3.0)
    assert exc.status_code == 429 and exc.retry_after == 3.0


# Every class of the tree, with the built-in it must also be (issue 2, "Errors"; STYLE.md §5).
EXPECTED_BUILTIN = {
    "OneStopError": Exception,
    "InvalidInputError": ValueError,
    "InvalidIdentifierError": ValueError,
    "InvalidDossierError": ValueError,
    "InvalidTransitionError": ValueError,
    "ConfigurationError": ValueError,
    "MissingExtraError": ImportError,
    "FormError": ValueError,
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
    "OutboxError": Exception,
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
    assert issubclass(errors.EstimatedDateWarning, errors.OneStopWarning)
    assert issubclass(errors.OneStopWarning, UserWarning)


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
