from __future__ import annotations

import inspect

import pytest

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
    assert errors.mask_id("123") == "***"
    assert len(errors.mask_id("0100109106001")) == 13


def test_to_dict_and_field():
    exc = errors.InvalidIdentifierError("bad", field="cccd")
    assert exc.to_dict() == {"code": "invalid_identifier", "message": "bad", "field": "cccd"}
    assert str(exc) == "bad"


def test_rate_limited_carries_retry_after():
    exc = errors.RateLimitedError("slow down", retry_after=3.0)
    assert exc.status_code == 429 and exc.retry_after == 3.0
