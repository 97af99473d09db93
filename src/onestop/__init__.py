"""onestop: the shared core of Vietnam's one-stop administrative-procedure systems.

*Thư viện lõi dùng chung cho hệ thống một cửa, một cửa liên thông.*

The public API is re-exported here and loaded lazily, so ``import onestop`` stays fast and
never imports optional heavy dependencies (httpx, cryptography, numpy, typer, rich).
Sub-packages: :mod:`onestop.models`, :mod:`onestop.deadlines`, :mod:`onestop.signatures`,
:mod:`onestop.connectors`, :mod:`onestop.reports`, :mod:`onestop.testing`.
"""

from __future__ import annotations

import importlib
from typing import Any

from onestop._version import __version__
from onestop.errors import (
    APIStatusError,
    AuthenticationError,
    CalendarDataError,
    CalendarDataMissingError,
    CalendarError,
    CertificateError,
    ConfigurationError,
    ConflictError,
    ConnectorError,
    ConnectTimeoutError,
    DeadlineError,
    EstimatedDateWarning,
    InvalidDossierError,
    InvalidIdentifierError,
    InvalidInputError,
    InvalidTransitionError,
    LunarDateError,
    NetworkError,
    NotFoundError,
    OneStopError,
    OneStopWarning,
    OutboxError,
    ProvisionalCalendarWarning,
    RateLimitedError,
    ReadTimeoutError,
    ServerError,
    SignatureError,
    TransportError,
    UnexpectedResponseError,
)

#: Public names that live in sub-packages, loaded on first access: name -> module.
_LAZY: dict[str, str] = {}

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "CalendarDataError",
    "CalendarDataMissingError",
    "CalendarError",
    "CertificateError",
    "ConfigurationError",
    "ConflictError",
    "ConnectTimeoutError",
    "ConnectorError",
    "DeadlineError",
    "EstimatedDateWarning",
    "InvalidDossierError",
    "InvalidIdentifierError",
    "InvalidInputError",
    "InvalidTransitionError",
    "LunarDateError",
    "NetworkError",
    "NotFoundError",
    "OneStopError",
    "OneStopWarning",
    "OutboxError",
    "ProvisionalCalendarWarning",
    "RateLimitedError",
    "ReadTimeoutError",
    "ServerError",
    "SignatureError",
    "TransportError",
    "UnexpectedResponseError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'onestop' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
