"""Client for NEAC-style remote signing (ký số từ xa) services.

The API follows the NEAC CA interface of Decision 769/QĐ-BTTTT (2022) as vendors implement
it: ``POST {base}/get_certificate`` lists a user's certificates and
``POST {base}/sign`` signs hashes, both authenticated with the service provider's ``sp_id`` /
``sp_password``. The user confirms each request in the CA's mobile app; in **asynchronous**
mode ``sign`` answers at once with ``signed_files: null`` and the client polls
``POST {base}/get_sign_status`` (the polling path is not in the public description and is
configurable) until the signature arrives or ``max_wait`` passes.

The protocol (request bodies, answer parsing, the polling loop) is written once as generators
that yield HTTP calls and pauses; :class:`RemoteSigningClient` and
:class:`AsyncRemoteSigningClient` only drive them.

:meth:`RemoteSigningClient.signer` returns a :data:`~onestop.signatures.cms.HashSigner`, so a
remote signature plugs straight into :func:`~onestop.signatures.cms.sign_bytes`,
:func:`~onestop.signatures.pdf.sign_pdf` or the two-phase flows. Needs the ``http`` extra.

Both clients send through onestop's one HTTP core, shared with the portal clients: the same
``User-Agent``, a total deadline per call (``timeout``) and a cap on the answer's size
(``max_response_bytes``), the same errors for the same statuses (401/403
:class:`~onestop.errors.AuthenticationError`, 404 :class:`~onestop.errors.NotFoundError`, 429
:class:`~onestop.errors.RateLimitedError`, 5xx :class:`~onestop.errors.ServerError`…, whether the
status is the HTTP one or the ``status_code`` of the CA's envelope), and the same retry rule
(:func:`onestop.connectors.should_retry` under ``retry``): the read calls (``get_certificate``,
the status polls) are retried after a transport failure, a 5xx or a 429, which waits the
``Retry-After`` the CA asked for; ``sign`` itself is not repeated (a second request would ask
the user to confirm twice) unless the connection was never made.

Neither the ``sp_password`` nor the user's identity number appears in logs or error messages.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeAlias, TypeVar

import attrs

from onestop._http import (
    DEFAULT_MAX_RESPONSE_BYTES,
    AsyncHttp,
    Peer,
    RetryPolicy,
    SyncHttp,
    encode_json,
    safe_text,
    status_error,
)
from onestop.errors import (
    ConfigurationError,
    NotFoundError,
    ReadTimeoutError,
    SignatureError,
    UnexpectedResponseError,
    mask_id,
)
from onestop.signatures._extras import require
from onestop.signatures.certificates import Certificate, load_certificate
from onestop.signatures.cms import HashSigner

if TYPE_CHECKING:
    import httpx

__all__ = ["AsyncRemoteSigningClient", "RemoteCertificate", "RemoteSigningClient"]

#: The remote signing service as the HTTP core names it in messages and logs.
_CA = Peer("the CA", logging.getLogger("onestop.signatures.remote"))

_HEADERS = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}


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


FileType: TypeAlias = Literal["pdf", "xml", "json", "word", "excel"]
T = TypeVar("T")


@attrs.frozen(slots=True)
class _Call:
    """A request the protocol wants sent: ``POST {base}{path}`` with ``body``.

    ``idempotent``: whether sending it twice cannot change the outcome (reads and polls; not
    ``sign``, which would ask the user to confirm a second time).
    """

    path: str
    body: dict[str, Any]
    idempotent: bool = True


@attrs.frozen(slots=True)
class _Pause:
    """The protocol wants to wait ``seconds`` before the next poll."""

    seconds: float


#: A protocol flow: yields calls (answered with the decoded JSON object) and pauses.
_Flow: TypeAlias = Generator[_Call | _Pause, Any, T]


class _Protocol:
    """Everything that does no I/O: settings, request bodies, answer checks, flows."""

    def __init__(
        self,
        *,
        base_url: str,
        sp_id: str,
        sp_password: str,
        poll_interval: float,
        max_wait: float,
        hash_encoding: Literal["base64", "hex"],
        status_path: str,
        clock: Callable[[], float],
    ) -> None:
        url: object = base_url  # callers without type checking may pass anything
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise ConfigurationError(
                "base_url: expected an http(s) URL such as https://ca.example.vn/api",
                field="base_url",
            )
        if not sp_id or not sp_password:
            raise ConfigurationError(
                "sp_id/sp_password: both service-provider credentials are required",
                field="sp_id",
            )
        if hash_encoding not in ("base64", "hex"):
            raise ConfigurationError(
                f"hash_encoding: {hash_encoding!r} is not supported; expected 'base64' or 'hex'",
                field="hash_encoding",
            )
        checks: tuple[tuple[str, object], ...] = (
            ("poll_interval", poll_interval),
            ("max_wait", max_wait),
        )
        for name, value in checks:
            if not isinstance(value, int | float) or isinstance(value, bool) or not value >= 0:
                raise ConfigurationError(
                    f"{name}: expected a number of seconds >= 0, got {value!r}", field=name
                )
        self.base = base_url.rstrip("/") + "/"
        self.sp_id = sp_id
        self.sp_password = sp_password
        self.hash_encoding = hash_encoding
        self.status_path = status_path.strip("/")
        self.poll_interval = poll_interval
        self.max_wait = max_wait
        self.clock = clock

    def payload(self, call: _Call) -> bytes:
        """The JSON body of ``call`` with the service-provider credentials."""
        return encode_json({"sp_id": self.sp_id, "sp_password": self.sp_password, **call.body})

    def parse(
        self, path: str, status: int, headers: Mapping[str, str], content: bytes
    ) -> dict[str, Any]:
        """The CA's answer as a JSON object, or the typed error it stands for.

        An HTTP error status, a bare error envelope ``{code, message}`` and an envelope whose
        ``status_code`` is not 200 all map like any service's status (the HTTP core's
        :func:`~onestop._http.status_error`).
        """
        try:
            data = json.loads(content)
        except ValueError:
            data = None
        if status >= 400 or not isinstance(data, dict):
            raise self.error(path, status, data, headers)
        if "code" in data and "status_code" not in data:  # bare error envelope {code, message}
            raise self.error(path, status, data, headers)
        body_status = data.get("status_code", 200)
        if body_status not in (200, "200", 0, "0"):
            code = int(body_status) if str(body_status).isdigit() else 500
            raise self.error(path, code, data, headers)
        return data

    @staticmethod
    def error(path: str, status: int, data: Any, headers: Mapping[str, str]) -> Exception:
        """The typed error of an error answer; the CA's text has ID numbers masked."""
        message = ""
        code: str | None = None
        if isinstance(data, dict):
            # The CA's own text may echo the user's ID number: every run of 9+ digits (CMND,
            # CCCD, MST) is masked before it reaches an exception message or a log.
            message = safe_text(data.get("message", ""), limit=200)
            code = None if data.get("code") is None else str(data.get("code"))
        if status >= 400 or code is not None:
            return status_error(
                status, where=path, who=_CA.who, detail=message, error_code=code, headers=headers
            )
        return UnexpectedResponseError(f"{path}: the answer is not a JSON object")

    # -- flows -------------------------------------------------------------------------------
    def certificates_flow(self, user_id: str) -> _Flow[tuple[RemoteCertificate, ...]]:
        data = yield _Call(
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

    def certificate_flow(self, user_id: str, serial_number: str | None) -> _Flow[RemoteCertificate]:
        items = yield from self.certificates_flow(user_id)
        for item in items:
            if serial_number is None or item.serial_number.upper().lstrip("0") == (
                serial_number.upper().lstrip("0")
            ):
                return item
        raise NotFoundError(
            f"get_certificate: no certificate for user {mask_id(user_id)}"
            + (" with that serial number" if serial_number else ""),
            status_code=404,
        )

    def sign_flow(
        self,
        digest: bytes,
        *,
        user_id: str,
        serial_number: str,
        doc_id: str,
        file_type: FileType,
        now: dt.datetime | None,
    ) -> _Flow[bytes]:
        given: object = digest  # callers without type checking may pass anything
        if not isinstance(given, bytes | bytearray | memoryview) or len(given) != 32:
            got = f"{len(given)} bytes" if isinstance(given, bytes) else type(given).__name__
            raise SignatureError(
                f"digest: expected a 32-byte SHA-256 hash, got {got}",
                field="digest",
            )
        digest = bytes(given)
        encoded = digest.hex() if self.hash_encoding == "hex" else base64.b64encode(digest).decode()
        transaction_id = str(uuid.uuid4())
        stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%d%H%M%SZ")
        data = yield _Call(
            "sign",
            idempotent=False,
            body={
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
        value = _signature_from(data, doc_id)
        deadline = self.clock() + self.max_wait
        answered_id = str((data.get("data") or {}).get("transaction_id") or transaction_id)
        while value is None:
            if self.clock() >= deadline:
                raise ReadTimeoutError(
                    f"sign: the user did not confirm within {self.max_wait:.0f} s "
                    f"(transaction {answered_id})"
                )
            yield _Pause(self.poll_interval)
            data = yield _Call(
                self.status_path, {"user_id": user_id, "transaction_id": answered_id}
            )
            value = _signature_from(data, doc_id)
        return value


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


class RemoteSigningClient:
    """Synchronous client of a NEAC-style remote signing service.

    Args:
        base_url: the CA's API base URL (e.g. ``https://…/api/v1``).
        sp_id: the service-provider id issued by the CA (e.g. ``"DVCQG"``).
        sp_password: the service-provider password (never logged).
        transport: an ``httpx`` transport (inject :class:`onestop.testing.FakeRemoteSigner`'s
            ``transport()`` in tests).
        http_client: a ready ``httpx.Client`` (proxies, mTLS); overrides ``transport`` and is
            not closed by :meth:`close`.
        timeout: total seconds of one HTTP call: connecting, sending and receiving the whole
            answer (the NEAC interface allows 60 s).
        poll_interval: seconds between polls in asynchronous mode.
        max_wait: total seconds to wait for the user to confirm before giving up.
        hash_encoding: how ``data_to_be_signed`` carries the hash (``"base64"`` or ``"hex"``).
        status_path: path of the polling endpoint.
        sleep: the sleep function, for polls and retries (tests pass a fake).
        clock: a monotonic clock in seconds, for ``max_wait`` and the retry budget.
        retry: bounds of retries (default :class:`~onestop.connectors.RetryPolicy`).
        max_response_bytes: the largest answer read (default 32 MiB).
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
        retry: RetryPolicy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        require("httpx", feature="remote signing clients")

        self._protocol = _Protocol(
            base_url=base_url,
            sp_id=sp_id,
            sp_password=sp_password,
            poll_interval=poll_interval,
            max_wait=max_wait,
            hash_encoding=hash_encoding,
            status_path=status_path,
            clock=clock,
        )
        self._sleep = sleep
        self._http = SyncHttp(
            _CA,
            transport=transport,
            http_client=http_client,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            retry=retry,
            headers=_HEADERS,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client (when this object created it)."""
        self._http.close()

    def _exchange(self, step: _Call, attempt: int) -> dict[str, Any]:
        protocol = self._protocol
        request = self._http.build(
            "POST", protocol.base + step.path, content=protocol.payload(step)
        )
        response = self._http.send(request, label=step.path, attempt=attempt)
        return protocol.parse(step.path, response.status_code, response.headers, response.content)

    def _drive(self, flow: _Flow[T]) -> T:
        try:
            step = next(flow)
            while True:
                if isinstance(step, _Pause):
                    self._sleep(step.seconds)
                    step = flow.send(None)
                    continue
                data = self._http.retrying(
                    functools.partial(self._exchange, step),
                    idempotent=step.idempotent,
                    label=step.path,
                    sleep=self._sleep,
                    clock=self._protocol.clock,
                )
                step = flow.send(data)
        except StopIteration as done:
            result: T = done.value
            return result

    def get_certificates(self, user_id: str) -> tuple[RemoteCertificate, ...]:
        """List the user's certificates (``get_certificate``).

        Args:
            user_id: the user's CCCD/CMND/passport number or MST, as registered with the CA.

        Raises:
            ConnectorError: a subclass for transport, HTTP or envelope errors.
            UnexpectedResponseError: when the answer does not have the documented shape.
        """
        return self._drive(self._protocol.certificates_flow(user_id))

    def get_certificate(
        self, user_id: str, *, serial_number: str | None = None
    ) -> RemoteCertificate:
        """The user's certificate (the one with ``serial_number`` when given, else the first).

        Raises:
            NotFoundError: when the user has no (matching) certificate.
        """
        return self._drive(self._protocol.certificate_flow(user_id, serial_number))

    def sign_hash(
        self,
        digest: bytes,
        *,
        user_id: str,
        serial_number: str,
        doc_id: str = "onestop",
        file_type: FileType = "pdf",
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
        return self._drive(
            self._protocol.sign_flow(
                digest,
                user_id=user_id,
                serial_number=serial_number,
                doc_id=doc_id,
                file_type=file_type,
                now=now,
            )
        )

    def sign(
        self,
        digest: bytes,
        *,
        user_id: str,
        serial_number: str,
        doc_id: str = "onestop",
        file_type: FileType = "pdf",
        now: dt.datetime | None = None,
    ) -> bytes:
        """The NEAC ``sign`` call with a hash: the same as :meth:`sign_hash`.

        Named after the API endpoint (``POST {base}/sign`` with ``sign_type: hash``).

        Returns:
            The raw signature value over ``digest``.
        """
        return self.sign_hash(
            digest,
            user_id=user_id,
            serial_number=serial_number,
            doc_id=doc_id,
            file_type=file_type,
            now=now,
        )

    def signer(
        self,
        *,
        user_id: str,
        serial_number: str,
        doc_id: str = "onestop",
        file_type: FileType = "pdf",
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


async def _async_sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


class AsyncRemoteSigningClient:
    """The asynchronous twin of :class:`RemoteSigningClient` (same methods, awaited).

    Use it with the two-phase flows: ``prepared = prepare_pdf_signature(...)``, then
    ``prepared.finish(await client.sign_hash(prepared.digest_to_sign, ...))``.

    Args:
        base_url: the CA's API base URL.
        sp_id: the service-provider id.
        sp_password: the service-provider password (never logged).
        transport: an ``httpx.AsyncBaseTransport`` (e.g. ``FakeRemoteSigner.transport()``).
        http_client: a ready ``httpx.AsyncClient``; overrides ``transport``.
        timeout: total seconds of one HTTP call; the call is cancelled at the deadline.
        poll_interval: seconds between polls in asynchronous mode.
        max_wait: total seconds to wait for the user to confirm.
        hash_encoding: ``"base64"`` or ``"hex"``.
        status_path: path of the polling endpoint.
        sleep: an async sleep function, for polls and retries (default ``asyncio.sleep``).
        clock: a monotonic clock in seconds.
        retry: bounds of retries.
        max_response_bytes: the largest answer read (default 32 MiB).
    """

    def __init__(
        self,
        *,
        base_url: str,
        sp_id: str,
        sp_password: str,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float = 60.0,
        poll_interval: float = 2.0,
        max_wait: float = 300.0,
        hash_encoding: Literal["base64", "hex"] = "base64",
        status_path: str = "get_sign_status",
        sleep: Callable[[float], Awaitable[None]] = _async_sleep,
        clock: Callable[[], float] = time.monotonic,
        retry: RetryPolicy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        require("httpx", feature="remote signing clients")

        self._protocol = _Protocol(
            base_url=base_url,
            sp_id=sp_id,
            sp_password=sp_password,
            poll_interval=poll_interval,
            max_wait=max_wait,
            hash_encoding=hash_encoding,
            status_path=status_path,
            clock=clock,
        )
        self._sleep = sleep
        self._http = AsyncHttp(
            _CA,
            transport=transport,
            http_client=http_client,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            retry=retry,
            headers=_HEADERS,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client (when this object created it)."""
        await self._http.aclose()

    async def _exchange(self, step: _Call, attempt: int) -> dict[str, Any]:
        protocol = self._protocol
        request = self._http.build(
            "POST", protocol.base + step.path, content=protocol.payload(step)
        )
        response = await self._http.send(request, label=step.path, attempt=attempt)
        return protocol.parse(step.path, response.status_code, response.headers, response.content)

    async def _drive(self, flow: _Flow[T]) -> T:
        try:
            step = next(flow)
            while True:
                if isinstance(step, _Pause):
                    await self._sleep(step.seconds)
                    step = flow.send(None)
                    continue
                data = await self._http.retrying(
                    functools.partial(self._exchange, step),
                    idempotent=step.idempotent,
                    label=step.path,
                    sleep=self._sleep,
                    clock=self._protocol.clock,
                )
                step = flow.send(data)
        except StopIteration as done:
            result: T = done.value
            return result

    async def get_certificates(self, user_id: str) -> tuple[RemoteCertificate, ...]:
        """List the user's certificates (see :meth:`RemoteSigningClient.get_certificates`)."""
        return await self._drive(self._protocol.certificates_flow(user_id))

    async def get_certificate(
        self, user_id: str, *, serial_number: str | None = None
    ) -> RemoteCertificate:
        """The user's certificate (see :meth:`RemoteSigningClient.get_certificate`)."""
        return await self._drive(self._protocol.certificate_flow(user_id, serial_number))

    async def sign_hash(
        self,
        digest: bytes,
        *,
        user_id: str,
        serial_number: str,
        doc_id: str = "onestop",
        file_type: FileType = "pdf",
        now: dt.datetime | None = None,
    ) -> bytes:
        """Sign a SHA-256 hash remotely (see :meth:`RemoteSigningClient.sign_hash`)."""
        return await self._drive(
            self._protocol.sign_flow(
                digest,
                user_id=user_id,
                serial_number=serial_number,
                doc_id=doc_id,
                file_type=file_type,
                now=now,
            )
        )

    async def sign(
        self,
        digest: bytes,
        *,
        user_id: str,
        serial_number: str,
        doc_id: str = "onestop",
        file_type: FileType = "pdf",
        now: dt.datetime | None = None,
    ) -> bytes:
        """The NEAC ``sign`` call with a hash: the same as :meth:`sign_hash`, awaited."""
        return await self.sign_hash(
            digest,
            user_id=user_id,
            serial_number=serial_number,
            doc_id=doc_id,
            file_type=file_type,
            now=now,
        )
