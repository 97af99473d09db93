"""Client for NEAC-style remote signing (ký số từ xa) services.

The API follows the NEAC CA interface of Decision 769/QĐ-BTTTT (2022) as vendors implement it
(integrations.md §3.3): ``POST {base}/get_certificate`` lists a user's certificates and
``POST {base}/sign`` signs hashes, both authenticated with the service provider's ``sp_id`` /
``sp_password``. The user confirms each request in the CA's mobile app; in **asynchronous**
mode ``sign`` answers at once with ``signed_files: null`` and the client polls
``POST {base}/get_sign_status`` (the polling path is not in the public description and is
configurable) until the signature arrives or ``max_wait`` passes.

:meth:`RemoteSigningClient.signer` returns a :data:`~onestop.signatures.cms.HashSigner`, so a
remote signature plugs straight into :func:`~onestop.signatures.cms.sign_bytes`,
:func:`~onestop.signatures.pdf.sign_pdf` or the two-phase flows. Needs the ``http`` extra.

Neither the ``sp_password`` nor the user's identity number appears in logs or error messages.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, Self

import attrs

from onestop._version import __version__
from onestop.errors import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    ConnectTimeoutError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ReadTimeoutError,
    ServerError,
    SignatureError,
    UnexpectedResponseError,
    mask_id,
)
from onestop.signatures.certificates import Certificate, load_certificate
from onestop.signatures.cms import HashSigner

if TYPE_CHECKING:
    import httpx

__all__ = ["RemoteCertificate", "RemoteSigningClient"]

_log = logging.getLogger("onestop.signatures.remote")


@attrs.frozen(slots=True)
class RemoteCertificate:
    """A certificate held by the remote signing service for a user.

    Attributes:
        cert_id: the service's identifier of the certificate.
        serial_number: the serial number as the service writes it (hex).
        certificate: the certificate.
        chain: the issuer chain the service returned (``chain_data``).
    """

    cert_id: str
    serial_number: str
    certificate: Certificate
    chain: tuple[Certificate, ...]


def _b64(value: Any, field: str) -> bytes:
    if not isinstance(value, str):
        raise UnexpectedResponseError(f"{field}: expected a base64 string", field=field)
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise UnexpectedResponseError(f"{field}: not valid base64", field=field) from exc


class RemoteSigningClient:
    """Synchronous client of a NEAC-style remote signing service.

    Args:
        base_url: the CA's API base URL (e.g. ``https://…/api/v1``).
        sp_id: the service-provider id issued by the CA (e.g. ``"DVCQG"``).
        sp_password: the service-provider password (never logged).
        transport: an ``httpx`` transport (inject :class:`onestop.testing.FakeRemoteSigner`'s
            ``transport()`` in tests).
        http_client: a ready ``httpx.Client`` (proxies, mTLS); overrides ``transport``.
        timeout: per-request timeout in seconds (the NEAC interface allows 60 s).
        poll_interval: seconds between polls in asynchronous mode.
        max_wait: total seconds to wait for the user to confirm before giving up.
        hash_encoding: how ``data_to_be_signed`` carries the hash (``"base64"`` or ``"hex"``).
        status_path: path of the polling endpoint.
        sleep: the sleep function (tests pass a no-op).
        clock: a monotonic clock in seconds.
    """

    def __init__(
        self,
        *,
        base_url: str,
        sp_id: str,
        sp_password: str,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        timeout: float = 60.0,
        poll_interval: float = 2.0,
        max_wait: float = 300.0,
        hash_encoding: Literal["base64", "hex"] = "base64",
        status_path: str = "get_sign_status",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import httpx

        if not base_url.startswith(("https://", "http://")):
            raise ConfigurationError(
                "base_url: expected an http(s) URL such as https://ca.example.vn/api",
                field="base_url",
            )
        if not sp_id or not sp_password:
            raise ConfigurationError(
                "sp_id/sp_password: both service-provider credentials are required",
                field="sp_id",
            )
        self._base = base_url.rstrip("/") + "/"
        self._sp_id = sp_id
        self._sp_password = sp_password
        self._hash_encoding = hash_encoding
        self._status_path = status_path.strip("/")
        self._poll_interval = poll_interval
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock
        self._owns_client = http_client is None
        self._client = http_client or httpx.Client(
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": f"onestop/{__version__}"},
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client (when this object created it)."""
        if self._owns_client:
            self._client.close()

    # -- protocol ----------------------------------------------------------------------------
    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        import httpx

        payload = {"sp_id": self._sp_id, "sp_password": self._sp_password, **body}
        started = self._clock()
        try:
            response = self._client.post(self._base + path, json=payload)
        except httpx.ConnectTimeout as exc:
            raise ConnectTimeoutError(f"{path}: connecting to the CA timed out") from exc
        except httpx.TimeoutException as exc:
            raise ReadTimeoutError(f"{path}: the CA did not answer in time") from exc
        except httpx.TransportError as exc:
            raise NetworkError(f"{path}: network error ({type(exc).__name__})") from exc
        _log.debug(
            "remote signing %s -> HTTP %s in %.3f s",
            path,
            response.status_code,
            self._clock() - started,
        )
        try:
            data = response.json()
        except ValueError:
            data = None
        status = response.status_code
        if status >= 400 or not isinstance(data, dict):
            self._raise(path, status, data)
        assert isinstance(data, dict)  # noqa: S101 - _raise returned only for dict bodies
        body_status = data.get("status_code", 200)
        if "code" in data and "status_code" not in data:  # bare error envelope {code, message}
            self._raise(path, status, data)
        if body_status not in (200, "200", 0, "0"):
            self._raise(path, int(body_status) if str(body_status).isdigit() else 500, data)
        return data

    def _raise(self, path: str, status: int, data: Any) -> None:
        message = ""
        code: str | None = None
        if isinstance(data, dict):
            message = str(data.get("message", ""))[:200]
            code = None if data.get("code") is None else str(data.get("code"))
        text = f"{path}: the CA answered {status}" + (f" ({message})" if message else "")
        if status in (401, 403):
            raise AuthenticationError(text, status_code=status, error_code=code)
        if status == 404:
            raise NotFoundError(text, status_code=status, error_code=code)
        if status == 429:
            raise RateLimitedError(text, status_code=status, error_code=code)
        if status >= 500:
            raise ServerError(text, status_code=status, error_code=code)
        if status >= 400 or code is not None:
            raise APIStatusError(text, status_code=status, error_code=code)
        raise UnexpectedResponseError(f"{path}: the answer is not a JSON object")

    # -- operations --------------------------------------------------------------------------
    def get_certificates(self, user_id: str) -> tuple[RemoteCertificate, ...]:
        """List the user's certificates (``get_certificate``).

        Args:
            user_id: the user's CCCD/CMND/passport number or MST, as registered with the CA.

        Raises:
            ConnectorError: a subclass for transport, HTTP or envelope errors.
            UnexpectedResponseError: when the answer does not have the documented shape.
        """
        data = self._post(
            "get_certificate", {"user_id": user_id, "transaction_id": str(uuid.uuid4())}
        )
        try:
            items = data["data"]["user_certificates"]
            if not isinstance(items, list):
                raise TypeError("user_certificates is not a list")
            result = []
            for item in items:
                cert = load_certificate(_b64(item["cert_data"], "cert_data"), field="cert_data")
                chain = tuple(
                    load_certificate(_b64(c, "chain_data"), field="chain_data")
                    for c in item.get("chain_data") or ()
                )
                result.append(
                    RemoteCertificate(
                        cert_id=str(item.get("cert_id", "")),
                        serial_number=str(item.get("serial_number") or cert.serial_hex),
                        certificate=cert,
                        chain=chain,
                    )
                )
        except (KeyError, TypeError, SignatureError) as exc:
            raise UnexpectedResponseError(
                f"get_certificate: unexpected answer shape ({type(exc).__name__})",
                field="user_certificates",
            ) from exc
        return tuple(result)

    def get_certificate(
        self, user_id: str, *, serial_number: str | None = None
    ) -> RemoteCertificate:
        """The user's certificate (the one with ``serial_number`` when given, else the first).

        Raises:
            NotFoundError: when the user has no (matching) certificate.
        """
        for item in self.get_certificates(user_id):
            if serial_number is None or item.serial_number.upper().lstrip("0") == (
                serial_number.upper().lstrip("0")
            ):
                return item
        raise NotFoundError(
            f"get_certificate: no certificate for user {mask_id(user_id)}"
            + (" with that serial number" if serial_number else ""),
            status_code=404,
        )

    def sign_hash(
        self,
        digest: bytes,
        *,
        user_id: str,
        serial_number: str,
        doc_id: str = "onestop",
        file_type: Literal["pdf", "xml", "json", "word", "excel"] = "pdf",
        now: dt.datetime | None = None,
    ) -> bytes:
        """Have the service sign a SHA-256 hash; wait for the user's confirmation if needed.

        Args:
            digest: the 32-byte hash (for CMS: of the signed attributes).
            user_id: the user as registered with the CA.
            serial_number: the certificate to sign with.
            doc_id: the label the user sees in the CA's app.
            file_type: the document type reported to the CA.
            now: the request time stamp (default: now).

        Returns:
            The raw signature value.

        Raises:
            SignatureError: for a digest that is not 32 bytes.
            ReadTimeoutError: when the user did not confirm within ``max_wait``.
            ConnectorError: other transport, HTTP or envelope errors.
        """
        if len(digest) != 32:
            raise SignatureError(
                f"digest: expected a 32-byte SHA-256 hash, got {len(digest)} bytes",
                field="digest",
            )
        encoded = (
            digest.hex() if self._hash_encoding == "hex" else base64.b64encode(digest).decode()
        )
        transaction_id = str(uuid.uuid4())
        stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%d%H%M%SZ")
        data = self._post(
            "sign",
            {
                "user_id": user_id,
                "serial_number": serial_number,
                "transaction_id": transaction_id,
                "time_stamp": stamp,
                "sign_files": [
                    {
                        "data_to_be_signed": encoded,
                        "doc_id": doc_id,
                        "file_options": {"file_type": file_type, "sign_type": "hash"},
                    }
                ],
            },
        )
        value = self._signature_from(data, doc_id)
        deadline = self._clock() + self._max_wait
        answered_id = str((data.get("data") or {}).get("transaction_id") or transaction_id)
        while value is None:
            if self._clock() >= deadline:
                raise ReadTimeoutError(
                    f"sign: the user did not confirm within {self._max_wait:.0f} s "
                    f"(transaction {answered_id})"
                )
            self._sleep(self._poll_interval)
            data = self._post(
                self._status_path, {"user_id": user_id, "transaction_id": answered_id}
            )
            value = self._signature_from(data, doc_id)
        return value

    @staticmethod
    def _signature_from(data: dict[str, Any], doc_id: str) -> bytes | None:
        try:
            files = (data.get("data") or {}).get("signed_files")
            if files is None:
                return None
            for item in files:
                if str(item.get("doc_id")) == doc_id:
                    return _b64(item["signature_value"], "signature_value")
        except (AttributeError, KeyError, TypeError) as exc:
            raise UnexpectedResponseError(
                f"sign: unexpected answer shape ({type(exc).__name__})", field="signed_files"
            ) from exc
        raise UnexpectedResponseError(
            "sign: the answer holds no signature for this document", field="signed_files"
        )

    def signer(
        self,
        *,
        user_id: str,
        serial_number: str,
        doc_id: str = "onestop",
        file_type: Literal["pdf", "xml", "json", "word", "excel"] = "pdf",
    ) -> HashSigner:
        """A :data:`~onestop.signatures.cms.HashSigner` that signs through this service."""

        def sign(digest: bytes) -> bytes:
            return self.sign_hash(
                digest,
                user_id=user_id,
                serial_number=serial_number,
                doc_id=doc_id,
                file_type=file_type,
            )

        return sign
