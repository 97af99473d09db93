"""The portal protocol without I/O: which service to call with what, and what the answer means.

Both clients (:class:`~onestop.connectors.portal.PortalClient` and its async twin) and the
outbox worker use these functions; they add only sending and sleeping. Nothing here imports
httpx.

Envelope and error conventions (OpenCPS ``DVCQGIntegrationActionImpl``): a call is
``POST {service_path}`` with JSON ``{"session", "madonvi", "service", ...params}`` and the answer
is ``{"error_code", "message", "result"}`` where ``error_code`` ``0``/``"0"``/``"00"`` means
success. A create of a dossier that exists answers with a message containing "đã tồn tại"
(TD.DichVuCongApi ``SyncLocalDataToDVCQGService``), which maps to
:class:`~onestop.errors.ConflictError`.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterable, Mapping, Sequence
from typing import Any

import attrs

from onestop._http import encode_json as encode_body
from onestop._http import safe_text, status_error
from onestop.connectors._wire import (
    DanhMucRecord,
    Envelope,
    HoSoRecord,
    ThuTucRecord,
    ThuTucTomTatRecord,
    TienTrinhRecord,
)
from onestop.errors import (
    APIStatusError,
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
)

__all__ = [
    "PROGRESS_CHUNK",
    "SERVICE_AGENCIES",
    "SERVICE_FIELDS",
    "SERVICE_LOOKUP",
    "SERVICE_PROCEDURE",
    "SERVICE_PROCEDURE_LIST",
    "SERVICE_PROGRESS",
    "SERVICE_SYNC",
    "UPSERT_MAX_CALLS",
    "Call",
    "UpsertFlow",
    "UpsertResult",
    "create_call",
    "dictionary_call",
    "encode_body",
    "envelope_error",
    "is_session_error",
    "lookup_call",
    "parse_dictionary",
    "parse_login",
    "parse_lookup",
    "parse_procedure",
    "parse_procedure_list",
    "parse_response",
    "procedure_call",
    "procedure_list_call",
    "progress_calls",
    "request_body",
    "update_call",
    "upsert_flow",
]

SERVICE_SYNC = "DongBoHoSoMC"
"""Create (``isUpdating: "False"``) or update (``"True"``) dossiers."""
SERVICE_PROGRESS = "CapNhatTienDoHoSoMC"
"""Push processing steps."""
SERVICE_LOOKUP = "TraCuuHoSo"
"""Look a dossier up by ``mahoso``."""
SERVICE_PROCEDURE = "LayThuTuc"
"""One procedure of the national catalogue, by ``maTTHC``."""
SERVICE_PROCEDURE_LIST = "LayDanhSachTTHC"
"""The list of procedures."""
SERVICE_AGENCIES = "LayDanhMucCoQuan"
"""Agency dictionary."""
SERVICE_FIELDS = "LayDanhMucLinhVuc"
"""Field (lĩnh vực) dictionary."""

#: Progress rows per ``CapNhatTienDoHoSoMC`` call (TD sends chunks of 10).
PROGRESS_CHUNK = 10

#: The most calls one try of :func:`upsert_flow` makes: update, look-up, create, update (when
#: the dossier was thought to exist, is not there, and a concurrent create wins the race).
UPSERT_MAX_CALLS = 4

_MESSAGE_LIMIT = 160


@attrs.frozen
class Call:
    """One service call, before any transport concern.

    Attributes:
        service: the ``service`` name, e.g. ``"TraCuuHoSo"``.
        params: the other body keys (already portal-shaped).
        idempotent: whether repeating the call cannot change the outcome.
        share: whether the call goes to the share (read) endpoint rather than the integration one.
    """

    service: str
    params: Mapping[str, Any] = attrs.field(factory=dict)
    idempotent: bool = True
    share: bool = False


@attrs.frozen
class UpsertResult:
    """What :meth:`~onestop.connectors.portal.PortalClient.upsert_dossier` did.

    Attributes:
        code: the dossier code (``MaHoSo``).
        created: ``True`` when the dossier was created, ``False`` when an existing one was
            updated.
    """

    code: str
    created: bool


def request_body(call: Call, *, unit_code: str) -> dict[str, Any]:
    """The JSON body of ``call``: ``{"madonvi", "service", **params}`` (the auth adds the session).

    Args:
        call: the call.
        unit_code: the unit code (``madonvi``) the adapter account belongs to.
    """
    body: dict[str, Any] = {"madonvi": unit_code, "service": call.service}
    body.update(call.params)
    return body


def create_call(records: Sequence[HoSoRecord]) -> Call:
    """``DongBoHoSoMC`` with ``isUpdating: "False"``: not idempotent."""
    return Call(
        SERVICE_SYNC,
        {"isUpdating": "False", "data": [r.to_wire() for r in records]},
        idempotent=False,
    )


def update_call(records: Sequence[HoSoRecord]) -> Call:
    """``DongBoHoSoMC`` with ``isUpdating: "True"``: full state, so idempotent."""
    return Call(SERVICE_SYNC, {"isUpdating": "True", "data": [r.to_wire() for r in records]})


def _code_arg(value: object, *, what: str, example: str) -> str:
    """A non-empty code given by the caller, stripped; else :class:`InvalidInputError`."""
    if not isinstance(value, str):
        raise InvalidInputError(
            f"code: the {what} must be a string, got {type(value).__name__}; "
            f"expected e.g. {example!r}",
            field="code",
        )
    text = value.strip()
    if not text:
        raise InvalidInputError(
            f"code: the {what} is empty; expected e.g. {example!r}", field="code"
        )
    return text


def lookup_call(code: str) -> Call:
    """``TraCuuHoSo`` for one dossier code.

    Raises:
        InvalidInputError: ``code`` is not a non-empty string.
    """
    text = _code_arg(code, what="dossier code (MaHoSo)", example="H56.14-260315-0001")
    return Call(SERVICE_LOOKUP, {"mahoso": text})


def procedure_call(code: str) -> Call:
    """``LayThuTuc`` for one national procedure code (``maTTHC``).

    Raises:
        InvalidInputError: ``code`` is not a non-empty string.
    """
    text = _code_arg(code, what="procedure code (maTTHC)", example="1.003560.000.00.00.H56")
    return Call(SERVICE_PROCEDURE, {"maTTHC": text}, share=True)


def procedure_list_call() -> Call:
    """``LayDanhSachTTHC`` (share endpoint)."""
    return Call(SERVICE_PROCEDURE_LIST, share=True)


def dictionary_call(service: str) -> Call:
    """A dictionary service such as ``LayDanhMucCoQuan`` (share endpoint).

    Raises:
        InvalidInputError: ``service`` is not a service name (letters and digits).
    """
    name: object = service
    if not isinstance(name, str) or not name.strip().isalnum():
        raise InvalidInputError(
            "service: expected the name of a dictionary service, e.g. 'LayDanhMucCoQuan' "
            "or 'LayDanhMucLinhVuc'",
            field="service",
        )
    return Call(name.strip(), share=True)


def progress_calls(
    rows: Iterable[TienTrinhRecord], *, chunk_size: int = PROGRESS_CHUNK
) -> list[Call]:
    """``CapNhatTienDoHoSoMC`` calls of at most ``chunk_size`` rows each.

    Rows are keyed by ``(MaHoSo, ThoiDiemXuLy, TrangThai)``, which the portal uses to ignore a
    repeated row, so the calls count as idempotent [inferred from TD's re-sends].

    Raises:
        InvalidInputError: ``chunk_size`` is not a positive integer, or a row is not a
            :class:`TienTrinhRecord`.
    """
    size: object = chunk_size
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise InvalidInputError(
            f"chunk_size: must be at least 1, got {chunk_size}", field="chunk_size"
        )
    if isinstance(rows, str | bytes | Mapping) or not isinstance(rows, Iterable):
        raise InvalidInputError(
            f"rows: expected an iterable of TienTrinhRecord, got {type(rows).__name__}",
            field="rows",
        )
    items: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        if not isinstance(row, TienTrinhRecord):
            raise InvalidInputError(
                f"rows[{i}]: expected a TienTrinhRecord (e.g. from progress_rows(dossier) or "
                f"TienTrinhRecord.model_validate(dict)), got {type(row).__name__}",
                field=f"rows[{i}]",
            )
        items.append(row.to_wire())
    return [
        Call(SERVICE_PROGRESS, {"data": items[i : i + chunk_size]})
        for i in range(0, len(items), chunk_size)
    ]


def _short(message: str) -> str:
    """The portal's message, one line, bounded, with ID-like numbers masked."""
    return safe_text(message, limit=_MESSAGE_LIMIT)


_SESSION_WORDS = ("session", "phiên", "token", "đăng nhập")


def _looks_like_session_error(env: Envelope) -> bool:
    text = env.message.casefold()
    return env.error_code in {"401", "-401"} or any(w in text for w in _SESSION_WORDS)


def is_session_error(status_code: int, content: bytes) -> bool:
    """Whether an answer says the session or token is missing, expired or invalid.

    True for HTTP 401, and for an error envelope whose code is ``401`` or whose message talks
    about the session/token/login [inferred: the adapter's exact code is undocumented].
    """
    if status_code == 401:
        return True
    if not 200 <= status_code < 300:
        return False
    try:
        env = Envelope.model_validate_json(content)
    except InvalidInputError:
        return False
    return not env.ok and _looks_like_session_error(env)


def envelope_error(env: Envelope, *, service: str, status_code: int = 200) -> APIStatusError:
    """The typed error for a non-success envelope.

    "đã tồn tại" (already exists) → :class:`ConflictError`; "không tồn tại"/"không tìm thấy"
    → :class:`NotFoundError`; a session or login problem → :class:`AuthenticationError`;
    anything else → :class:`APIStatusError`.
    """
    text = env.message.casefold()
    detail = f"{service}: portal error_code {env.error_code}: {_short(env.message)}"
    kwargs: dict[str, Any] = {"status_code": status_code, "error_code": env.error_code}
    if "đã tồn tại" in text:
        return ConflictError(detail + " (the object already exists)", **kwargs)
    if "không tồn tại" in text or "không tìm thấy" in text:
        return NotFoundError(detail, **kwargs)
    if _looks_like_session_error(env):
        return AuthenticationError(
            detail + " (check the adapter account and its session)", **kwargs
        )
    return APIStatusError(detail, **kwargs)


#: What to check after an HTTP error status of the adapter or gateway.
_HTTP_HINTS = {
    401: "credentials rejected; check the account or gateway subscription",
    403: "no permission for this service; check the account or gateway subscription",
    404: "not found; check the base URL and service path",
}


def _status_error(
    status_code: int, headers: Mapping[str, str], content: bytes, *, service: str
) -> APIStatusError:
    """The typed error of an HTTP error status (the HTTP core's mapping), with the portal's text."""
    env: Envelope | None
    try:
        env = Envelope.model_validate_json(content)
    except InvalidInputError:
        env = None
    return status_error(
        status_code,
        where=service,
        who="the portal",
        detail=_short(env.message) if env is not None and env.message else "",
        error_code=env.error_code if env is not None else None,
        headers=headers,
        hints=_HTTP_HINTS,
    )


def _describe_body(content: bytes) -> str:
    """What a body looks like, without quoting JSON values (they may be personal data)."""
    text = content.lstrip()
    if text[:1] == b"{":
        try:
            data = json.loads(content)
        except ValueError:
            return "malformed JSON object"
        if isinstance(data, dict):
            keys = ", ".join(str(k)[:30] for k in list(data)[:6])
            return f"a JSON object with keys [{keys}]"
        return "malformed JSON object"
    if text[:1] == b"[":
        return "a JSON list"
    return f"starting {content[:40]!r}"


def parse_response(
    status_code: int, headers: Mapping[str, str], content: bytes, *, service: str
) -> Envelope:
    """Check an HTTP answer and return its envelope, or raise the fitting typed error.

    Args:
        status_code: the HTTP status.
        headers: response headers (any case).
        content: the raw body.
        service: the service called, for messages.

    Raises:
        APIStatusError: (or a subclass) for an HTTP error or an error envelope.
        UnexpectedResponseError: a 2xx answer that is not an envelope.
    """
    if not 200 <= status_code < 300:
        raise _status_error(status_code, headers, content, service=service)
    try:
        env = Envelope.model_validate_json(content)
    except InvalidInputError as exc:
        raise UnexpectedResponseError(
            f"{service}: HTTP {status_code} answer is not the portal envelope "
            '{"error_code", "message", "result"} '
            f"({len(content)} bytes: {_describe_body(content)})"
        ) from exc
    if not env.ok:
        raise envelope_error(env, service=service, status_code=status_code)
    return env


def _items(env: Envelope, *, service: str) -> list[dict[str, Any]]:
    try:
        return env.result_items()
    except ValueError as exc:
        raise UnexpectedResponseError(
            f"{service}: 'result' is neither an object nor a list of objects"
        ) from exc


def parse_lookup(env: Envelope) -> HoSoRecord | None:
    """The dossier a ``TraCuuHoSo`` answer holds, or ``None`` when the portal has none."""
    items = _items(env, service=SERVICE_LOOKUP)
    if not items:
        return None
    try:
        return HoSoRecord.model_validate(items[0])
    except InvalidInputError as exc:
        raise UnexpectedResponseError(
            f"{SERVICE_LOOKUP}: the dossier in 'result' does not fit the DongBoHoSoMC record "
            f"({exc.message})"
        ) from exc


def parse_procedure(env: Envelope, *, code: str) -> ThuTucRecord:
    """The procedure of a ``LayThuTuc`` answer.

    Raises:
        NotFoundError: the answer is empty.
        UnexpectedResponseError: the item does not fit :class:`ThuTucRecord`.
    """
    items = _items(env, service=SERVICE_PROCEDURE)
    if not items:
        raise NotFoundError(
            f"{SERVICE_PROCEDURE}: no procedure with code {code!r} in the national catalogue",
            status_code=200,
            error_code=env.error_code,
            field="code",
        )
    try:
        return ThuTucRecord.model_validate(items[0])
    except InvalidInputError as exc:
        raise UnexpectedResponseError(
            f"{SERVICE_PROCEDURE}: the procedure does not fit the catalogue record ({exc.message})"
        ) from exc


def parse_procedure_list(env: Envelope) -> list[ThuTucTomTatRecord]:
    """The procedures of a ``LayDanhSachTTHC`` answer."""
    try:
        return [
            ThuTucTomTatRecord.model_validate(i)
            for i in _items(env, service=SERVICE_PROCEDURE_LIST)
        ]
    except InvalidInputError as exc:
        raise UnexpectedResponseError(
            f"{SERVICE_PROCEDURE_LIST}: an item does not fit the list record ({exc.message})"
        ) from exc


def parse_dictionary(env: Envelope, *, service: str) -> list[DanhMucRecord]:
    """The entries of a dictionary answer."""
    try:
        return [DanhMucRecord.model_validate(i) for i in _items(env, service=service)]
    except InvalidInputError as exc:
        raise UnexpectedResponseError(
            f"{service}: a dictionary entry does not fit ({exc.message})"
        ) from exc


def _login_refusal(status_code: int, content: bytes) -> str:
    """What a refused login answered, in a few words: the adapter's code and message."""
    try:
        env = Envelope.model_validate_json(content)
    except InvalidInputError:
        return f"HTTP {status_code}, {_describe_body(content)}"
    where = "" if 200 <= status_code < 300 else f"HTTP {status_code}, "
    message = f": {_short(env.message)}" if env.message else ""
    return f"{where}error_code {env.error_code}{message}"


def parse_login(status_code: int, headers: Mapping[str, str], content: bytes) -> str:
    """The session of an adapter login answer ``{"session", "error_code": 0}``.

    Raises:
        AuthenticationError: the login was refused (any error, including HTTP 401/403).
        UnexpectedResponseError: a success answer without a session.
    """
    try:
        env = parse_response(status_code, headers, content, service="login")
    except (APIStatusError, UnexpectedResponseError) as exc:
        if isinstance(exc, RateLimitedError | ServerError):
            raise
        raise AuthenticationError(
            f"login: the adapter refused the login ({_login_refusal(status_code, content)}); "
            "check ONESTOP_PORTAL_USERNAME / ONESTOP_PORTAL_PASSWORD",
            status_code=status_code,
            error_code=getattr(exc, "error_code", None),
        ) from exc
    if not env.session:
        raise UnexpectedResponseError("login: the adapter answered success without a 'session'")
    return env.session


#: A sans-I/O upsert: yields calls, is sent their envelopes (or has their errors thrown in).
UpsertFlow = Generator[Call, Envelope, UpsertResult]


def upsert_flow(record: HoSoRecord, *, known_to_exist: bool = False) -> UpsertFlow:
    """Look the dossier up, then create it or update it; idempotent as a whole.

    The driver sends each yielded :class:`Call` and sends back its envelope, or throws a
    :class:`ConflictError` / :class:`NotFoundError` into the generator. A create answered with
    "đã tồn tại" (a concurrent or earlier create that the caller did not see) falls back to an
    update, so repeating the whole flow after any failure never creates a dossier twice.

    Args:
        record: the full state to send.
        known_to_exist: the caller knows the portal holds the dossier (it confirmed an earlier
            sync), so the flow starts with the update and does the look-up only if the portal
            answers that the dossier does not exist.
    """
    if known_to_exist:
        try:
            yield update_call([record])
        except NotFoundError:
            pass
        else:
            return UpsertResult(code=record.code, created=False)
    existing = parse_lookup((yield lookup_call(record.code)))
    if existing is None:
        try:
            yield create_call([record])
        except ConflictError:
            pass
        else:
            return UpsertResult(code=record.code, created=True)
    yield update_call([record])
    return UpsertResult(code=record.code, created=False)
