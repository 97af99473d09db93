"""A fake NEAC-style remote signing service (``httpx.MockTransport`` handler).

**Test double.** It behaves like the NEAC CA signing API (Decision 769/QĐ-BTTTT, 2022): checks the
service-provider credentials, looks users up by ID number, signs hashes with the user's key,
answers ``signed_files: null`` in asynchronous mode until the user "confirms" (after a number
of polls), and lets tests inject faults (HTTP errors, rate limiting with ``Retry-After``, a user
who rejects the request).
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import uuid
from typing import Any

import attrs
import httpx

from onestop._http import check_seconds
from onestop.errors import ConfigurationError
from onestop.signatures.cms import key_signer
from onestop.testing._pki import IssuedCertificate, ThrowawayPKI

__all__ = ["FakeRemoteSigner"]


@attrs.frozen
class _Fault:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = attrs.field(factory=dict)


@attrs.define
class _Pending:
    user_id: str
    signed_files: list[dict[str, str]]
    polls_left: int


class FakeRemoteSigner:
    """An in-memory remote signing service.

    Args:
        users: ``user_id -> issued certificate (with key)`` known to the service.
        sp_id: the accepted service-provider id.
        sp_password: the accepted service-provider password.
        asynchronous: answer ``sign`` with ``signed_files: null`` and deliver on polling.
        polls_before_ready: how many status polls answer "pending" first (asynchronous mode).
        hash_encoding: how ``data_to_be_signed`` is decoded (``"base64"`` or ``"hex"``).

    Attributes:
        requests: every request body received (``sp_password`` removed), in order.
    """

    def __init__(
        self,
        users: dict[str, IssuedCertificate],
        *,
        sp_id: str = "DVCQG",
        sp_password: str = "fake-sp-password",  # noqa: S107 - a test double's fixed secret
        asynchronous: bool = False,
        polls_before_ready: int = 2,
        hash_encoding: str = "base64",
    ) -> None:
        self.users = dict(users)
        self.sp_id = sp_id
        self.sp_password = sp_password
        self.asynchronous = asynchronous
        self.polls_before_ready = polls_before_ready
        self.hash_encoding = hash_encoding
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self._pending: dict[str, _Pending] = {}
        self._faults: list[_Fault] = []
        self._reject_next = False
        self._lock = threading.Lock()

    @classmethod
    def from_pki(
        cls, pki: ThrowawayPKI, *, user_id: str = "001090012345", **options: Any
    ) -> FakeRemoteSigner:
        """A service knowing one user: ``pki.signer`` under ``user_id``."""
        return cls({user_id: pki.signer}, **options)

    # -- fault injection ---------------------------------------------------------------------
    def _queue(self, count: object, fault: _Fault) -> None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ConfigurationError(
                f"count: must be zero or positive, got {count!r}", field="count"
            )
        with self._lock:
            self._faults.extend([fault] * count)

    def fail_next(self, count: int = 1, *, status: int = 503) -> None:
        """Answer the next ``count`` requests with an HTTP error ``status`` (unprocessed)."""
        body = {"code": f"HTTP_{status}", "message": "Dịch vụ tạm thời gián đoạn"}
        self._queue(count, _Fault(status, body))

    def rate_limit_next(self, count: int = 1, *, retry_after: float = 1.0) -> None:
        """Answer the next ``count`` requests with HTTP 429 and ``Retry-After: retry_after``."""
        check_seconds(retry_after, field="retry_after")
        body = {"code": "HTTP_429", "message": "Quá nhiều yêu cầu"}
        self._queue(count, _Fault(429, body, {"Retry-After": f"{retry_after:g}"}))

    def pending_faults(self) -> int:
        """How many queued faults are still to be produced."""
        with self._lock:
            return len(self._faults)

    def reject_next(self) -> None:
        """The user declines the next signing request in the CA app."""
        with self._lock:
            self._reject_next = True

    def transport(self) -> httpx.MockTransport:
        """An ``httpx`` transport serving this fake (sync and async clients)."""
        return httpx.MockTransport(self.handler)

    # -- the service -------------------------------------------------------------------------
    def handler(self, request: httpx.Request) -> httpx.Response:
        """Serve one request."""
        with self._lock:
            if self._faults:
                fault = self._faults.pop(0)
                return httpx.Response(fault.status, headers=fault.headers, json=fault.body)
            return self._handle(request)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST":
            return httpx.Response(405, json={"code": "METHOD_NOT_ALLOWED", "message": "POST"})
        try:
            body = json.loads(request.content or b"{}")
            if not isinstance(body, dict):
                raise TypeError
        except (ValueError, TypeError):
            return httpx.Response(400, json={"code": "BAD_REQUEST", "message": "JSON expected"})
        path = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        self.requests.append((path, {k: v for k, v in body.items() if k != "sp_password"}))
        if body.get("sp_id") != self.sp_id or body.get("sp_password") != self.sp_password:
            return httpx.Response(
                401, json={"code": "UNAUTHORIZED", "message": "Sai thông tin sp_id/sp_password"}
            )
        user = self.users.get(str(body.get("user_id", "")))
        if user is None:
            return self._envelope(404, "Không tìm thấy người dùng", None)
        if path == "get_certificate":
            return self._envelope(200, "Thành công", self._certificates(body, user))
        if path == "sign":
            return self._sign(body, user)
        if path == "get_sign_status":
            return self._status(body)
        return httpx.Response(404, json={"code": "NOT_FOUND", "message": path})

    @staticmethod
    def _envelope(status_code: int, message: str, data: Any) -> httpx.Response:
        return httpx.Response(
            200, json={"status_code": status_code, "message": message, "data": data}
        )

    @staticmethod
    def _certificates(body: dict[str, Any], user: IssuedCertificate) -> dict[str, Any]:
        cert = user.certificate
        return {
            "user_certificates": [
                {
                    "cert_id": cert.fingerprint_sha256[:16],
                    "cert_data": base64.b64encode(cert.to_der()).decode(),
                    "chain_data": [base64.b64encode(c.to_der()).decode() for c in user.chain],
                    "serial_number": cert.serial_hex,
                    "transaction_id": body.get("transaction_id"),
                }
            ]
        }

    def _decode(self, text: Any) -> bytes | None:
        if not isinstance(text, str):
            return None
        try:
            raw = (
                bytes.fromhex(text)
                if self.hash_encoding == "hex"
                else base64.b64decode(text, validate=True)
            )
        except (ValueError, binascii.Error):
            return None
        return raw if len(raw) == 32 else None

    def _sign(self, body: dict[str, Any], user: IssuedCertificate) -> httpx.Response:
        if str(body.get("serial_number", "")).upper() != user.certificate.serial_hex:
            return self._envelope(404, "Không tìm thấy chứng thư số", None)
        files = body.get("sign_files")
        if not isinstance(files, list) or not files:
            return self._envelope(400, "Thiếu sign_files", None)
        signed = []
        for item in files:
            digest = self._decode(item.get("data_to_be_signed"))
            options = item.get("file_options") or {}
            if digest is None or options.get("sign_type") != "hash":
                return self._envelope(400, "data_to_be_signed phải là hash SHA-256", None)
            signed.append(
                {
                    "doc_id": str(item.get("doc_id")),
                    "signature_value": base64.b64encode(key_signer(user.key)(digest)).decode(),
                    "timestamp_signature": "",
                }
            )
        if self._reject_next:
            self._reject_next = False
            return self._envelope(403, "Người dùng từ chối ký", None)
        transaction_id = str(body.get("transaction_id") or uuid.uuid4())
        if self.asynchronous:
            self._pending[transaction_id] = _Pending(
                str(body["user_id"]), signed, self.polls_before_ready
            )
            return self._envelope(
                200, "Đang chờ xác nhận", {"transaction_id": transaction_id, "signed_files": None}
            )
        return self._envelope(
            200, "Thành công", {"transaction_id": transaction_id, "signed_files": signed}
        )

    def _status(self, body: dict[str, Any]) -> httpx.Response:
        pending = self._pending.get(str(body.get("transaction_id")))
        if pending is None or pending.user_id != str(body.get("user_id")):
            return self._envelope(404, "Không tìm thấy giao dịch", None)
        transaction_id = str(body.get("transaction_id"))
        if pending.polls_left > 0:
            pending.polls_left -= 1
            return self._envelope(
                200, "Đang chờ xác nhận", {"transaction_id": transaction_id, "signed_files": None}
            )
        del self._pending[transaction_id]
        return self._envelope(
            200,
            "Thành công",
            {"transaction_id": transaction_id, "signed_files": pending.signed_files},
        )
