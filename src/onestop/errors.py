"""The exception and warning tree of onestop.

Every error onestop raises on purpose derives from :class:`OneStopError`, and each also
subclasses the built-in it behaves like (``except ValueError`` keeps catching bad input,
``except OSError`` a disk that fails, ``except ImportError`` a missing optional dependency)::

    OneStopError(Exception)
    ├── InvalidInputError(OneStopError, ValueError)          bad value given by a caller
    │   ├── InvalidIdentifierError(.reason)                  CCCD, MST, agency or dossier code
    │   ├── InvalidDossierError                              a model that does not validate
    │   │   └── InvalidTransitionError                       illegal status change
    │   ├── FormError                                        a form the dossier cannot give
    │   └── PaymentRejectedError(.reason)                    a payment message not applied
    ├── ConfigurationError(OneStopError)                     bad option, missing setting
    │   └── MissingExtraError(ConfigurationError, ImportError)  optional dependency missing
    ├── CalendarError(OneStopError, ValueError)
    │   ├── CalendarDataMissingError                         year outside the covered range
    │   ├── LunarDateError                                   lunar date that does not exist
    │   └── CalendarDataError                                an invalid holiday/notice file
    ├── DeadlineError(OneStopError, ValueError)              a deadline that cannot be computed
    ├── SignatureError(OneStopError, ValueError)             malformed certificate/signature/PDF
    │   └── CertificateError
    ├── StorageError(OneStopError, OSError)                  a local database cannot be used
    │   └── OutboxError                                      the durable outbox cannot be used
    └── ConnectorError(OneStopError)                         a call to an external service
        ├── TransportError                                   the call did not get an HTTP answer
        │   ├── ConnectTimeoutError(TransportError, TimeoutError)
        │   ├── ReadTimeoutError(TransportError, TimeoutError)
        │   └── NetworkError(TransportError, ConnectionError)
        ├── APIStatusError(.status_code, .error_code,         the service answered with an error
        │                  .request, .response)
        │   ├── AuthenticationError                          401/403 or a rejected login/session
        │   ├── NotFoundError
        │   ├── ConflictError                                e.g. "đã tồn tại" on create
        │   ├── RateLimitedError(.retry_after)               429
        │   └── ServerError                                  5xx
        └── UnexpectedResponseError(.payload)                2xx body that does not fit the schema

    OneStopWarning(UserWarning)
    └── ProvisionalCalendarWarning                           a year with no official notice yet

Where each kind of failure sits, and why:

* a wrong *value* passed by the caller is :class:`InvalidInputError` (a ``ValueError``);
* a wrong *setting* (a missing environment variable, contradictory options, an extra that is
  not installed) is :class:`ConfigurationError`: not a ``ValueError``, because no argument of
  the failing call is at fault and ``except ValueError`` around a parse must not swallow it;
* a *local* store that fails (the dossier-number sequence database, the outbox file) is
  :class:`StorageError` (an ``OSError``), never a :class:`ConnectorError`: retrying the portal
  does not repair a locked or full disk.

Each class has a stable ``code`` (a short snake_case string) that machine clients, the CLI
(``onestop … --json``) and logs use; codes never change once released.
:class:`InvalidIdentifierError` also carries a machine :attr:`~InvalidIdentifierError.reason`
(an :class:`IdentifierReason`) that says which check failed, so that callers never parse
messages. Messages say what was wrong and what to do, and never contain personal data:
identity numbers are masked with :func:`mask_id`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

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
    "FormError",
    "IdentifierReason",
    "InvalidDossierError",
    "InvalidIdentifierError",
    "InvalidInputError",
    "InvalidTransitionError",
    "LunarDateError",
    "MissingExtraError",
    "NetworkError",
    "NotFoundError",
    "OneStopError",
    "OneStopWarning",
    "OutboxError",
    "PaymentProblem",
    "PaymentRejectedError",
    "ProvisionalCalendarWarning",
    "RateLimitedError",
    "ReadTimeoutError",
    "ServerError",
    "SignatureError",
    "StorageError",
    "TransportError",
    "UnexpectedResponseError",
    "mask_id",
]


def mask_id(value: str, *, keep_start: int = 4, keep_end: int = 2) -> str:
    """Mask an identity number for messages and logs.

    Keeps the first ``keep_start`` and last ``keep_end`` characters and replaces the rest
    with ``*``, e.g. ``"079203001234"`` becomes ``"0792******34"``. Short values are masked
    entirely so that nothing identifying leaks.

    Args:
        value: the raw value (any string, possibly malformed).
        keep_start: characters kept at the start (negative counts as 0).
        keep_end: characters kept at the end (0 keeps none; negative counts as 0).

    Returns:
        The masked string, of the same length as ``value``.
    """
    keep_start, keep_end = max(keep_start, 0), max(keep_end, 0)
    if len(value) <= keep_start + keep_end + 2:
        return "*" * len(value)
    end = len(value) - keep_end
    return value[:keep_start] + "*" * (end - keep_start) + value[end:]


class OneStopError(Exception):
    """Root of every error onestop raises on purpose.

    Attributes:
        code: stable machine-readable code of the error class.
        field: the field or argument at fault, when there is one.
    """

    code: ClassVar[str] = "onestop_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-ready form: ``{"code", "message", "field"}`` (some classes add keys)."""
        return {"code": self.code, "message": self.message, "field": self.field}

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle by state, not by constructor arguments: subclasses take required keyword
        # arguments (``reason``, ``status_code``) that ``Exception.args`` does not hold, and
        # errors cross process boundaries (multiprocessing pools validating identifiers).
        return (_restore, (type(self), self.message), self.__dict__)


def _restore(cls: type[OneStopError], message: str) -> OneStopError:
    """Rebuild a pickled error: the instance without ``__init__``, then its state."""
    error = cls.__new__(cls, message)
    Exception.__init__(error, message)
    return error


class InvalidInputError(OneStopError, ValueError):
    """A value given by the caller is not acceptable."""

    code = "invalid_input"


class IdentifierReason(StrEnum):
    """Which check an identifier failed: :attr:`InvalidIdentifierError.reason`.

    The values are stable, machine-readable strings (also in the CLI's JSON error object of
    ``onestop check-id``); the message gives the human details.
    """

    #: Not a string (or, for a part given to a ``build()`` method, not of the expected type).
    TYPE = "type"
    #: Empty after stripping white space.
    EMPTY = "empty"
    #: Wrong number of characters or digits (CCCD 12, CMND 9, MST 10/13, agency code ≤ 35).
    LENGTH = "length"
    #: A character that the form does not allow (a letter in a CCCD, ``@`` in an agency code).
    CHARACTERS = "characters"
    #: The parts are not arranged as the form requires (separators, groups, a national prefix).
    FORMAT = "format"
    #: The MST check digit is wrong, or no check digit exists for the first nine digits.
    CHECKSUM = "checksum"
    #: The CCCD province (birth-registration) code, or a province code, is not known.
    PROVINCE = "province"
    #: The CCCD birth year is in the future, or cannot be encoded (outside 1900–2399).
    BIRTH_YEAR = "birth_year"
    #: The sex cannot be encoded in a CCCD (only ``"male"`` or ``"female"``).
    SEX = "sex"
    #: The last six digits of a CCCD being built are out of range.
    SERIAL = "serial"
    #: The branch number of a 13-digit MST is ``000`` or out of range.
    BRANCH = "branch"
    #: The agency part of a procedure or dossier code is not an agency code.
    AGENCY = "agency"
    #: A date part (dossier code ``YYMMDD``, receipt date) is not a real date or out of range.
    DATE = "date"
    #: The daily number of a dossier code is ``0000``, malformed, or past ``9999``.
    SEQUENCE = "sequence"
    #: An unknown province era (``"2008"`` and ``"2025"`` exist).
    ERA = "era"


class InvalidIdentifierError(InvalidInputError):
    """An official code or identity number (CCCD, CMND, MST, agency, dossier, procedure code).

    The message names the field, the reason and the expected form; the value itself is masked.

    Attributes:
        reason: which check failed (an :class:`IdentifierReason`), for programs: branch on
            it instead of parsing the message.
    """

    code = "invalid_identifier"

    def __init__(self, message: str, *, reason: IdentifierReason, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.reason = IdentifierReason(reason)

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-ready form: ``{"code", "message", "field", "reason"}``."""
        return {**super().to_dict(), "reason": self.reason.value}


class InvalidDossierError(InvalidInputError):
    """A procedure, dossier or other domain model does not validate.

    When raised from pydantic validation, the original ``ValidationError`` is the ``__cause__``.
    """

    code = "invalid_dossier"


class InvalidTransitionError(InvalidDossierError):
    """A dossier status change that the transition table does not allow."""

    code = "invalid_transition"


class ConfigurationError(OneStopError):
    """A missing or contradictory option or setting (for example a missing environment variable).

    Not a ``ValueError``: the caller's arguments are fine, the set-up is not.
    """

    code = "configuration_error"


class MissingExtraError(ConfigurationError, ImportError):
    """An optional dependency of onestop is not installed; the message names the extra.

    It is a :class:`ConfigurationError` (so ``except OneStopError`` and the CLI treat it as a
    set-up problem) and an :class:`ImportError` (so code written as ``try: from
    onestop.signatures import sign_pdf`` / ``except ImportError:`` keeps working).
    """

    code = "missing_extra"


class FormError(InvalidInputError):
    """An official form (:mod:`onestop.forms`) that cannot be drawn from the dossier given.

    For example a refusal slip for a dossier that was never refused, or a receipt whose
    recorded appointment disagrees with the one the deadline engine computes.
    """

    code = "form_error"


class PaymentProblem(StrEnum):
    """Why a payment message was refused: :attr:`PaymentRejectedError.reason`.

    Stable, machine-readable strings (also the ``problems`` of ``onestop payment verify-ipn``).
    """

    #: Not a JSON object with the fields of the message, or a field of the wrong form.
    MALFORMED = "malformed"
    #: ``MaXacThuc`` does not match the fields and the secret (tampered, or another secret).
    CHECKSUM = "checksum"
    #: ``MaDoiTac`` is not this deployment's partner code.
    PARTNER = "partner"
    #: ``MaThamChieu`` names no transaction this system started.
    UNKNOWN_REFERENCE = "unknown_reference"
    #: ``SoTien`` differs from the amount of the pending transaction.
    AMOUNT = "amount"
    #: ``MaTienTe`` differs from the currency of the pending transaction.
    CURRENCY = "currency"
    #: The message contradicts a state already recorded (a failure after a success).
    STATE = "state"


class PaymentRejectedError(InvalidInputError):
    """A message of the payment platform (an IPN callback, a QUERY answer) that is not applied.

    Nothing was recorded: the transaction keeps its state. A *repeated* genuine message is not
    an error (it is acknowledged without a second change).

    Attributes:
        reason: which check failed (a :class:`PaymentProblem`).
        reference: the transaction reference (``MaThamChieu``) the message claimed, if any.
    """

    code = "payment_rejected"

    def __init__(
        self,
        message: str,
        *,
        reason: PaymentProblem,
        reference: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.reason = PaymentProblem(reason)
        self.reference = reference

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-ready form: ``{"code", "message", "field", "reason"}``."""
        return {**super().to_dict(), "reason": self.reason.value}


class CalendarError(OneStopError, ValueError):
    """A calendar question that cannot be answered."""

    code = "calendar_error"


class CalendarDataMissingError(CalendarError):
    """The date or year is outside the range the calendar data covers; onestop never guesses."""

    code = "calendar_data_missing"


class LunarDateError(CalendarError):
    """A lunar date that does not exist (day 30 of a short month, a leap month that is not)."""

    code = "lunar_date_invalid"


class CalendarDataError(CalendarError):
    """A holiday or notice data file (or dict) that does not validate."""

    code = "calendar_data_invalid"


class DeadlineError(OneStopError, ValueError):
    """A deadline that cannot be computed from the given inputs."""

    code = "deadline_error"


class StorageError(OneStopError, OSError):
    """A local database (for example the dossier-number sequence store) cannot be used.

    Typically a lock held too long by another process, or a full or read-only disk. The
    operation was not applied; retrying later is safe.
    """

    code = "storage_error"


class OutboxError(StorageError):
    """The durable outbox database cannot be opened or used (locked, read-only, not an outbox).

    A local failure, not a failure of the portal: it is a :class:`StorageError`.
    """

    code = "outbox_error"


class SignatureError(OneStopError, ValueError):
    """Malformed signature, key or document, or an unsupported algorithm.

    A signature that is well formed but does not verify is *not* an error: verification returns
    a status object listing the problems.
    """

    code = "signature_error"


class CertificateError(SignatureError):
    """A certificate or key that cannot be read."""

    code = "certificate_error"


class ConnectorError(OneStopError):
    """A call to an external service (portal, gateway, postal, payment) failed."""

    code = "connector_error"


class TransportError(ConnectorError):
    """The request got no HTTP answer."""

    code = "transport_error"


class ConnectTimeoutError(TransportError, TimeoutError):
    """Connecting to the service timed out."""

    code = "connect_timeout"


class ReadTimeoutError(TransportError, TimeoutError):
    """The service accepted the connection but did not answer in time."""

    code = "read_timeout"


class NetworkError(TransportError, ConnectionError):
    """The connection could not be made or was dropped."""

    code = "network_error"


class APIStatusError(ConnectorError):
    """The service answered with an error status or error envelope.

    Attributes:
        status_code: the HTTP status (200 when the error came in a 200 envelope).
        error_code: the service's own ``error_code``, when it sent one.
        request: the request that failed (an ``httpx.Request``), when the connector passes it.
        response: the response received (an ``httpx.Response``), when the connector passes it.
    """

    code = "api_status_error"

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        error_code: str | None = None,
        field: str | None = None,
        request: Any = None,
        response: Any = None,
    ) -> None:
        super().__init__(message, field=field)
        self.status_code = status_code
        self.error_code = error_code
        self.request = request
        self.response = response


class AuthenticationError(APIStatusError):
    """Credentials, session or token were rejected (401/403 or a failed login)."""

    code = "authentication_error"


class NotFoundError(APIStatusError):
    """The requested object does not exist on the service."""

    code = "not_found"


class ConflictError(APIStatusError):
    """The object already exists or is in a conflicting state."""

    code = "conflict"


class RateLimitedError(APIStatusError):
    """The service asked to slow down (429).

    Attributes:
        retry_after: seconds to wait, from ``Retry-After``, when given.
    """

    code = "rate_limited"

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 429,
        error_code: str | None = None,
        retry_after: float | None = None,
        request: Any = None,
        response: Any = None,
    ) -> None:
        super().__init__(
            message,
            status_code=status_code,
            error_code=error_code,
            request=request,
            response=response,
        )
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """The service failed (5xx)."""

    code = "server_error"


class UnexpectedResponseError(ConnectorError):
    """A successful answer whose body does not have the expected shape.

    Attributes:
        payload: the answer as received, for the operator's diagnosis, with personal data
            masked (names, addresses, phone numbers and ID-like digit runs replaced) and cut
            to a few KiB; ``None`` when the connector did not attach it.
    """

    code = "unexpected_response"

    def __init__(
        self, message: str, *, field: str | None = None, payload: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.payload = payload


class OneStopWarning(UserWarning):
    """Root of onestop's warnings."""


class ProvisionalCalendarWarning(OneStopWarning):
    """A year has no official civil-service notice yet; its days off come from the statutes."""
