"""The payment platform's protocol without I/O: messages, the ``MaXacThuc`` checksum, answers.

**The checksum** (``MaXacThuc``) is computed over ``|``-joined fields with a secret shared with
the platform. Deployed code shows two algorithms, and the current specification could not be
read, so both are implemented and a deployment picks one (:data:`ChecksumAlgorithm`):

* ``"sha256-secret"`` (the default, as TD.DichVuCongApi 2024): lowercase hex SHA-256 of the
  fields **with the secret appended as the last field**;
* ``"hmac-sha256"`` (OpenCPS 2020): lowercase hex HMAC-SHA256 keyed with the secret over the
  fields alone.

The fields per message (:func:`signed_fields`):

==========  ==========================================================================
INIT        ``LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|SoTien|LoaiHinhThanhToan|
            MaKenhThanhToan|MaThietBi|NgonNgu|MaTienTe|MaNganHang|ThongTinGiaoDich|
            ThoiGianGD|Ip`` (both)
QUERY,      ``LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|ThoiGianGD`` (both)
GET_BILL
IPN         sha256-secret: ``LoaiBanTin|MaLoi|MaDoiTac|MaThamChieu|SoTien|MaTienTe|
            MaGiaoDich|MaNganHang|ThoiGianGD|ThongTinGiaoDich``;
            hmac-sha256: ``LoaiBanTin|MaDoiTac|MaThamChieu|SoTien|MaTienTe|MaNganHang|
            ThongTinGiaoDich|ThoiGianGD|`` (a trailing ``|``; ``MaLoi`` and ``MaGiaoDich``
            are *not* covered)
==========  ==========================================================================

Because the HMAC variant does not cover ``MaLoi``, an IPN checked with it cannot tell a
success from a failure on its own: the ledger then confirms the outcome with a QUERY before
recording it (:attr:`IpnVerification.needs_query`). Checksums are compared in constant time
(:func:`hmac.compare_digest`); the secret never appears in an error, a log or a ``repr``.

``ThoiGianGD`` is ``yyyyMMddHHmmss`` in Vietnam time on 24 hours (OpenCPS); TD formats
``hh`` (12 hours), a bug onestop does not repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args

import attrs

from onestop._http import masked_body, safe_text, status_error
from onestop.connectors._payment_wire import (
    InitAnswerRecord,
    InitRecord,
    IpnRecord,
    IpnReplyRecord,
    QueryAnswerRecord,
    QueryRecord,
)
from onestop.errors import (
    APIStatusError,
    ConfigurationError,
    InvalidInputError,
    PaymentProblem,
    UnexpectedResponseError,
)
from onestop.models import OnlinePaymentState

__all__ = [
    "ALGORITHMS",
    "ERROR_OK",
    "REPLY_REJECTED",
    "ChecksumAlgorithm",
    "IpnVerification",
    "QueryResult",
    "check_algorithm",
    "checksum",
    "ipn_reply",
    "parse_bill",
    "parse_init",
    "parse_query",
    "sign",
    "signed_fields",
    "verify_ipn",
]

#: The two checksum algorithms seen in deployed code.
ChecksumAlgorithm = Literal["sha256-secret", "hmac-sha256"]
ALGORITHMS: tuple[str, ...] = get_args(ChecksumAlgorithm)

#: ``MaLoi`` of a successful payment, and of an accepted answer.
ERROR_OK = "00"
#: ``MaLoi`` onestop answers to an IPN it refuses [inferred: the platform's code list is not
#: published; TD's handler fails with an exception instead].
REPLY_REJECTED = "99"

_INIT_FIELDS = (
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
)
_QUERY_FIELDS = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD")
_IPN_FIELDS: dict[str, tuple[str, ...]] = {
    "sha256-secret": (
        "LoaiBanTin",
        "MaLoi",
        "MaDoiTac",
        "MaThamChieu",
        "SoTien",
        "MaTienTe",
        "MaGiaoDich",
        "MaNganHang",
        "ThoiGianGD",
        "ThongTinGiaoDich",
    ),
    "hmac-sha256": (
        "LoaiBanTin",
        "MaDoiTac",
        "MaThamChieu",
        "SoTien",
        "MaTienTe",
        "MaNganHang",
        "ThongTinGiaoDich",
        "ThoiGianGD",
        "",  # OpenCPS ends the string with "|"
    ),
}
_MESSAGE_FIELDS = {"INIT": _INIT_FIELDS, "QUERY": _QUERY_FIELDS, "GET_BILL": _QUERY_FIELDS}


def check_algorithm(value: object) -> ChecksumAlgorithm:
    """``value`` when it names a checksum algorithm.

    Raises:
        ConfigurationError: anything else (the message lists the two).
    """
    if value not in ALGORITHMS:
        shown = repr(value)[:30] if isinstance(value, str) else type(value).__name__
        raise ConfigurationError(
            f"algorithm: {shown} is not a checksum algorithm; expected 'sha256-secret' "
            "(SHA-256 with the secret appended, the default) or 'hmac-sha256'",
            field="algorithm",
        )
    algorithm: ChecksumAlgorithm = value  # type: ignore[assignment]
    return algorithm


def signed_fields(message: str, algorithm: ChecksumAlgorithm) -> tuple[str, ...]:
    """The wire fields covered by ``MaXacThuc`` in a message, in order (``""``: an empty field).

    Args:
        message: ``"INIT"``, ``"QUERY"``, ``"GET_BILL"`` or ``"IPN"``.
        algorithm: the deployment's algorithm.
    """
    if message == "IPN":
        return _IPN_FIELDS[algorithm]
    return _MESSAGE_FIELDS[message]


def checksum(values: Sequence[str], *, secret: str, algorithm: ChecksumAlgorithm) -> str:
    """``MaXacThuc`` of ``values`` (the covered fields' text, in order): lowercase hex.

    Example:
        >>> checksum(["QUERY", "1.0.6", "P1", "dvc1", "20260316090000"], secret="s",
        ...          algorithm="sha256-secret")[:16]
        '72043708f64657a9'
    """
    joined = "|".join(values)
    if algorithm == "sha256-secret":
        return hashlib.sha256(f"{joined}|{secret}".encode()).hexdigest()
    return hmac.new(secret.encode("utf-8"), joined.encode("utf-8"), hashlib.sha256).hexdigest()


def _values(data: Mapping[str, Any], fields: Sequence[str]) -> list[str]:
    return [str(data.get(name, "")) if name else "" for name in fields]


def sign(
    data: Mapping[str, Any], message: str, *, secret: str, algorithm: ChecksumAlgorithm
) -> str:
    """``MaXacThuc`` of a message given as its wire dict."""
    return checksum(
        _values(data, signed_fields(message, algorithm)), secret=secret, algorithm=algorithm
    )


def _same(expected: str, given: str) -> bool:
    """Constant-time comparison of two hex digests (case-insensitive)."""
    return hmac.compare_digest(expected.lower().encode("ascii"), given.strip().lower().encode())


@attrs.frozen
class IpnVerification:
    """What the checks of an IPN on its own found (the ledger adds the transaction's checks).

    Attributes:
        valid: the form, the checksum and (when given) the partner code are right.
        problems: what failed (:class:`~onestop.errors.PaymentProblem` values), in order.
        ipn: the message as read, when it could be read.
        state: the outcome it reports: succeeded (``MaLoi "00"``) or failed.
        needs_query: the algorithm's checksum does not cover ``MaLoi`` (HMAC variant): the
            outcome must be confirmed with a QUERY before it is recorded.
        uncovered: the fields the checksum does not cover.
    """

    valid: bool
    problems: tuple[PaymentProblem, ...]
    ipn: IpnRecord | None = None
    state: OnlinePaymentState | None = None
    needs_query: bool = False
    uncovered: tuple[str, ...] = ()

    @property
    def reference(self) -> str | None:
        """``MaThamChieu``, when the message could be read."""
        return None if self.ipn is None else self.ipn.reference

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready keys (never the checksum or the secret).

        ``valid``, ``problems``, ``reference``, ``state``, ``needs_query``,
        ``uncovered_fields``.
        """
        return {
            "valid": self.valid,
            "problems": [p.value for p in self.problems],
            "reference": self.reference,
            "state": None if self.state is None else self.state.value,
            "needs_query": self.needs_query,
            "uncovered_fields": list(self.uncovered),
        }


def _read_ipn(body: bytes | str | Mapping[str, Any]) -> IpnRecord:
    """The IPN of a body (JSON bytes or text) or an already decoded dict.

    Raises:
        InvalidInputError: not a JSON object with the IPN's fields.
    """
    if isinstance(body, Mapping):
        return IpnRecord.model_validate(dict(body))
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not isinstance(body, bytes):
        raise InvalidInputError(
            f"ipn: expected the JSON body (bytes or str) or a dict, got {type(body).__name__}",
            field="ipn",
        )
    return IpnRecord.model_validate_json(body)


def verify_ipn(
    body: bytes | str | Mapping[str, Any],
    *,
    secret: str,
    algorithm: ChecksumAlgorithm = "sha256-secret",
    partner_code: str | None = None,
) -> IpnVerification:
    """Check an IPN's form, checksum and (when ``partner_code`` is given) partner.

    A failed check is a result, not an exception: ``valid`` is ``False`` and ``problems``
    says which (``malformed``, ``checksum``, ``partner``).

    Args:
        body: the IPN as received (bytes or text of JSON) or decoded.
        secret: the deployment's shared secret.
        algorithm: ``"sha256-secret"`` (default) or ``"hmac-sha256"``.
        partner_code: this deployment's ``MaDoiTac``, to check it.
    """
    check_algorithm(algorithm)
    given: object = secret
    if not isinstance(given, str) or not given:
        raise ConfigurationError(
            "secret: empty; expected the secret shared with the payment platform",
            field="secret",
        )
    try:
        ipn = _read_ipn(body)
    except InvalidInputError:
        return IpnVerification(valid=False, problems=(PaymentProblem.MALFORMED,))
    data = ipn.model_dump(by_alias=True)
    problems: list[PaymentProblem] = []
    if not _same(sign(data, "IPN", secret=secret, algorithm=algorithm), ipn.checksum):
        problems.append(PaymentProblem.CHECKSUM)
    if partner_code is not None and ipn.partner_code != partner_code:
        problems.append(PaymentProblem.PARTNER)
    covered = set(signed_fields("IPN", algorithm))
    uncovered = tuple(f for f in ("MaLoi", "MaGiaoDich") if f not in covered)
    state = (
        OnlinePaymentState.SUCCEEDED if ipn.error_code == ERROR_OK else OnlinePaymentState.FAILED
    )
    return IpnVerification(
        valid=not problems,
        problems=tuple(problems),
        ipn=ipn,
        state=state,
        needs_query="MaLoi" in uncovered,
        uncovered=uncovered,
    )


def ipn_reply(ipn: IpnRecord | None, *, accepted: bool, message: str = "") -> dict[str, str]:
    """The body to answer an IPN with.

    An accepted IPN (applied, or a repeat of one already applied) is answered as TD does:
    its own ``MaLoi``, ``MaDoiTac``, ``MaThamChieu``, ``ThoiGianGD`` and ``MaXacThuc`` echoed.
    A refused one gets ``MaLoi`` :data:`REPLY_REJECTED` and a short reason, and no checksum.
    """
    if ipn is None:
        return IpnReplyRecord(MaLoi=REPLY_REJECTED, MoTaLoi=safe_text(message)).to_wire()
    if not accepted:
        return IpnReplyRecord(
            MaLoi=REPLY_REJECTED,
            MoTaLoi=safe_text(message),
            MaDoiTac=ipn.partner_code[:50],
            MaThamChieu=ipn.reference[:100],
            ThoiGianGD=ipn.time[:20],
        ).to_wire()
    return IpnReplyRecord(
        MaLoi=ipn.error_code,
        MoTaLoi=message,
        MaDoiTac=ipn.partner_code,
        MaThamChieu=ipn.reference,
        ThoiGianGD=ipn.time,
        MaXacThuc=ipn.checksum,
    ).to_wire()


# ------------------------------------------------------------------------------ outbound


def init_body(record: InitRecord, *, secret: str, algorithm: ChecksumAlgorithm) -> dict[str, Any]:
    """The signed JSON body of an INIT."""
    data = record.to_wire()
    data["MaXacThuc"] = sign(data, "INIT", secret=secret, algorithm=algorithm)
    return data


def query_body(record: QueryRecord, *, secret: str, algorithm: ChecksumAlgorithm) -> dict[str, Any]:
    """The signed JSON body of a QUERY or GET_BILL (``LoaiBanTin`` says which)."""
    data = record.to_wire()
    data["MaXacThuc"] = sign(data, record.message_type, secret=secret, algorithm=algorithm)
    return data


_HTTP_HINTS = {
    401: "the platform refused the access token; check ONESTOP_PAYMENT_ACCESS_TOKEN",
    403: "no permission; check the partner's registration with the payment platform",
    404: "not found; check the payment platform URL and the message's path",
}


def _http_error(status_code: int, headers: Mapping[str, str], label: str) -> None:
    if not 200 <= status_code < 300:
        raise status_error(
            status_code, where=label, who="the payment platform", headers=headers, hints=_HTTP_HINTS
        )


def _unexpected(label: str, what: str, content: bytes) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        f"{label}: the answer is not {what} ({len(content)} bytes; its masked payload is on "
        "the error's .payload)",
        payload=masked_body(content),
    )


def parse_init(status_code: int, headers: Mapping[str, str], content: bytes) -> str:
    """The payment page URL (``UrlThanhToan``) of an INIT answer.

    Raises:
        APIStatusError: an HTTP error, or ``error_code`` other than ``"0"``.
        UnexpectedResponseError: not ``{"error_code", "message"}`` with the URL inside.
    """
    _http_error(status_code, headers, "INIT")
    try:
        answer = InitAnswerRecord.model_validate_json(content)
    except InvalidInputError as exc:
        raise _unexpected("INIT", '{"error_code", "message"}', content) from exc
    if not answer.ok:
        raise APIStatusError(
            f"INIT: the payment platform refused the transaction (error_code "
            f"{safe_text(answer.error_code, limit=10)}): {safe_text(answer.message)}",
            status_code=status_code,
            error_code=answer.error_code[:10],
        )
    try:
        return answer.payment_url()
    except ValueError as exc:
        raise _unexpected("INIT", "a success with UrlThanhToan in its message", content) from exc


@attrs.frozen
class QueryResult:
    """A transaction as the platform reports it (QUERY answer).

    Attributes:
        reference: ``MaThamChieu``.
        state: ``TrangThaiGD``: 1 succeeded, 3 pending, 4 failed.
        amount: ``SoTien`` in VND.
        currency: ``MaTienTe``.
        partner_code: ``MaDoiTac``.
        transaction_id: ``MaGiaoDich``, when given.
        bank_code: ``MaNganHang``, when given.
    """

    reference: str
    state: OnlinePaymentState
    amount: int
    currency: str
    partner_code: str
    transaction_id: str | None = None
    bank_code: str | None = None


def parse_query(status_code: int, headers: Mapping[str, str], content: bytes) -> QueryResult:
    """The transaction of a QUERY answer (``MaLoi "00"``).

    The answer's own ``MaXacThuc`` is not checked: onestop sent the QUERY over TLS to the
    platform's address, and which fields that checksum covers is not known.

    Raises:
        APIStatusError: an HTTP error, or ``MaLoi`` other than ``"00"`` (e.g. an unknown
            reference; ``error_code`` is the platform's ``MaLoi``).
        UnexpectedResponseError: not a QUERY answer, or no valid ``TrangThaiGD``/``SoTien``.
    """
    _http_error(status_code, headers, "QUERY")
    try:
        answer = QueryAnswerRecord.model_validate_json(content)
    except InvalidInputError as exc:
        raise _unexpected("QUERY", "a QUERY answer", content) from exc
    if answer.error_code != ERROR_OK:
        raise APIStatusError(
            f"QUERY: the payment platform answered MaLoi {safe_text(answer.error_code, limit=10)}"
            f": {safe_text(answer.error_text)}",
            status_code=status_code,
            error_code=answer.error_code[:10],
        )
    try:
        state = OnlinePaymentState.from_code(answer.state)
    except InvalidInputError as exc:
        raise _unexpected("QUERY", "an answer with TrangThaiGD 1, 3 or 4", content) from exc
    if not answer.amount.isdigit():
        raise _unexpected("QUERY", "an answer with a whole SoTien", content)
    return QueryResult(
        reference=answer.reference,
        state=state,
        amount=int(answer.amount),
        currency=answer.currency or "VND",
        partner_code=answer.partner_code,
        transaction_id=answer.transaction_id or None,
        bank_code=answer.bank_code or None,
    )


def parse_bill(status_code: int, headers: Mapping[str, str], content: bytes) -> bytes:
    """The receipt (a PDF) of a GET_BILL answer.

    Raises:
        APIStatusError: an HTTP error, or a JSON error answer instead of the document.
        UnexpectedResponseError: an empty body, or one that is not a PDF.
    """
    _http_error(status_code, headers, "GET_BILL")
    if content.startswith(b"%PDF-"):
        return content
    try:
        data = json.loads(content)
    except ValueError:
        data = None
    if isinstance(data, dict) and ("MaLoi" in data or "error_code" in data):
        code = str(data.get("MaLoi", data.get("error_code", "")))
        text = data.get("MoTaLoi") or data.get("message") or ""
        raise APIStatusError(
            f"GET_BILL: the payment platform answered {safe_text(code, limit=10)}: "
            f"{safe_text(str(text))}",
            status_code=status_code,
            error_code=code[:10],
        )
    raise _unexpected("GET_BILL", "a PDF receipt", content)
