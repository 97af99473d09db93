"""A fake of the national portal adapter and of an LGSP/NGSP gateway in front of it (test double).

:class:`FakePortal` keeps dossiers, progress rows and a small procedure catalogue in memory and
answers as the real services do (docs/connectors.md, "Sources"): the
``{"error_code", "message", "result"}`` envelope with success codes that vary between ``0``,
``"0"`` and ``"00"``, "đã tồn tại" on a duplicate create, sessions that expire, and the gateway's
HTTP 401/403/429. Faults can be injected: 5xx answers, timeouts, dropped connections, latency,
429 with ``Retry-After``, answers trickled a byte at a time, oversized (or gzip-bomb) answers,
either for the next N service calls or at random with a given rate.

It runs in-process as an httpx transport (:meth:`FakePortal.transport`,
:meth:`FakePortal.async_transport`) or as a real HTTP server on loopback
(:meth:`FakePortal.serve`, or ``onestop portal fake --port 8765``). It is *not* for production.

Example:
    >>> from onestop.testing import FakePortal
    >>> portal = FakePortal()
    >>> portal.fail_next(2, status=503)
    >>> portal.pending_faults
    2
"""

from __future__ import annotations

import asyncio
import base64
import collections
import copy
import ipaddress
import json
import math
import random
import secrets
import socket
import threading
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self
from urllib.parse import parse_qsl, urlsplit

import attrs

from onestop.connectors._wire import HoSoRecord, PortalStatus, TienTrinhRecord
from onestop.errors import ConfigurationError

if TYPE_CHECKING:
    import httpx

__all__ = ["FakePortal", "FakePortalServer", "FaultKind"]

#: Kinds of injectable faults: an HTTP 5xx, no answer before the client's timeout, a connection
#: closed without an answer, HTTP 429 with ``Retry-After``, an answer trickled a byte at a time
#: (``trickle``), or an answer larger than any client should read (``oversize``).
FaultKind = Literal["5xx", "timeout", "drop", "429", "trickle", "oversize"]

_FAULT_KINDS: tuple[FaultKind, ...] = ("5xx", "timeout", "drop", "429", "trickle", "oversize")

#: Default size of an ``oversize`` answer: above the clients' default cap of 32 MiB.
_OVERSIZE_DEFAULT = 40 * 1024 * 1024
_PAD_CHUNK = 64 * 1024


def _finite_at_least_zero(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and value >= 0
    )


_SESSION_ERROR = "Session không hợp lệ hoặc đã hết hạn, vui lòng đăng nhập lại"


@attrs.frozen
class _Fault:
    kind: FaultKind
    status: int = 503
    after_processing: bool = False
    retry_after: float = 1.0
    interval: float = 0.2
    trickle_head: bool = False
    size: int = _OVERSIZE_DEFAULT
    gzip: bool = False
    announce_length: bool = False


def _padded_chunks(prefix: bytes, size: int) -> Iterator[bytes]:
    """``size`` bytes of JSON: ``prefix`` (an object without its closing brace), spaces, ``}``."""
    yield prefix
    left = size - len(prefix) - 1
    while left > 0:
        n = min(left, _PAD_CHUNK)
        yield b" " * n
        left -= n
    yield b"}"


def _answer_chunks(reply: _Reply) -> Iterator[bytes]:
    """The body of a reply as sent: as is, a byte at a time (trickle), or padded (oversize)."""
    fault = reply.fault
    if fault is not None and fault.kind == "oversize":
        padded = _padded_chunks(reply.body.rstrip()[:-1], fault.size)
        yield from _gzip_chunks(padded) if fault.gzip else padded
    elif fault is not None and fault.kind == "trickle":
        for i in range(len(reply.body)):
            yield reply.body[i : i + 1]
    else:
        yield reply.body


def _answer_headers(reply: _Reply) -> list[tuple[str, str]]:
    """The headers a trickled or oversized answer adds (framing and encoding)."""
    fault = reply.fault
    headers = list(reply.headers)
    if fault is not None and fault.kind == "trickle":
        headers.append(("Content-Length", str(len(reply.body))))
    elif fault is not None and fault.kind == "oversize":
        if fault.gzip:
            headers.append(("Content-Encoding", "gzip"))
        elif fault.announce_length:
            headers.append(("Content-Length", str(fault.size)))
    return headers


def _gzip_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """``chunks`` gzip-compressed on the fly (a few KiB for MiB of padding: a gzip bomb)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    for chunk in chunks:
        out = compressor.compress(chunk)
        if out:
            yield out
    yield compressor.flush()


@attrs.frozen
class _Reply:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    fault: _Fault | None = None
    delay: float = 0.0


def _json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _sample_catalogue() -> list[dict[str, Any]]:
    """Sample catalogue entries shaped like ``LayThuTuc`` results (illustrative content)."""

    def proc(
        code: str, name: str, field: tuple[str, str], days: str, fee: str, level: str
    ) -> dict[str, Any]:
        return {
            "ID": code.split(".")[1],
            "MATTHC": code,
            "TENTTHC": name,
            "MACOQUANCONGBO": "H56",
            "LOAITTHC": "1",
            "TRANGTHAI": "1",
            "MOTA": "",
            "LINHVUCTHUCHIEN": [{"MALINHVUC": field[0], "TENLINHVUC": field[1]}],
            "CACHTHUCTHUCHIEN": [
                {
                    "KENH": "1",
                    "THOIGIAN": [
                        {
                            "THOIGIANGIAIQUYET": days,
                            "DONVITINH": "Ngày làm việc",
                            "MOTA": "",
                            "PHILEPHI": [
                                {"MAPHILEPHI": "LP01", "SOTIEN": fee, "DONVI": "Đồng", "MOTA": ""}
                            ],
                        }
                    ],
                }
            ],
            "THANHPHANHOSO": [
                {
                    "TRUONGHOP": "",
                    "GIAYTO": [
                        {
                            "MAGIAYTO": "GT01",
                            "TENGIAYTO": "Tờ khai theo mẫu",
                            "SOBANCHINH": "1",
                            "SOBANSAO": "0",
                            "MA_KQ_THAYTHE": "",
                        }
                    ],
                }
            ],
            "KETQUATHUCHIEN": [{"MAKETQUA": "KQ01", "TENKETQUA": "Kết quả giải quyết"}],
            "CANCUPHAPLY": [
                {
                    "SOVANBAN": "61/2018/NĐ-CP",
                    "TENVANBAN": "Nghị định về thực hiện cơ chế một cửa, một cửa liên thông",
                    "NGAYBANHANH": "23/04/2018",
                    "COQUANBANHANH": "Chính phủ",
                }
            ],
            "COQUANTHUCHIEN": [{"MADONVI": "H56.14", "TENDONVI": "Sở mẫu"}],
            "CAPTHUCHIEN": [{"TENCAP": level}],
        }

    return [
        proc(
            "1.003560.000.00.00.H56",
            "Thủ tục mẫu cấp tỉnh",
            ("G01", "Lĩnh vực mẫu"),
            "15",
            "0",
            "Cấp Tỉnh",
        ),
        proc(
            "2.000488.000.00.00.H56",
            "Thủ tục mẫu cấp huyện",
            ("G02", "Hộ tịch"),
            "5",
            "50000",
            "Cấp Huyện",
        ),
        proc(
            "2.002621.H56",
            "Thủ tục mẫu ban hành tại địa phương",
            ("G03", "Đất đai"),
            "10",
            "0",
            "Cấp Tỉnh",
        ),
    ]


class FakePortal:
    """In-memory fake of the DVCQG adapter and of an LGSP/NGSP gateway (a test double).

    Args:
        username: the adapter account it accepts.
        password: its password.
        consumer_key: the gateway consumer it accepts (more with :meth:`add_consumer`).
        consumer_secret: its secret.
        login_path: adapter login path.
        token_path: gateway token path.
        service_paths: paths that accept service calls.
        session_ttl: seconds a session stays valid.
        token_ttl: seconds a gateway token stays valid (``expires_in``).
        duplicate_policy: ``"reject"`` answers "đã tồn tại" to a create of an existing dossier,
            as the real portal does; ``"accept"`` stores it again and counts a second creation
            (to prove that a client never creates twice).
        seed: seed of the random fault generator.
        clock: monotonic clock for session and token expiry.

    Attributes:
        creates: accepted creations per dossier code.
        updates: accepted updates per dossier code.
        status_history: the ``TrangThaiHoSo`` of every accepted create/update, per dossier.
        calls: calls per service name (plus ``"login"`` and ``"token"``).
        faults_injected: faults produced, per kind.
    """

    def __init__(
        self,
        *,
        username: str = "onestop",
        password: str = "onestop",  # noqa: S107 - the fake's documented default account
        consumer_key: str = "onestop-key",
        consumer_secret: str = "onestop-secret",  # noqa: S107
        login_path: str = "/login",
        token_path: str = "/token",  # noqa: S107 - a path, not a secret
        service_paths: Iterable[str] = ("/service",),
        session_ttl: float = 1800.0,
        token_ttl: float = 3600.0,
        duplicate_policy: Literal["reject", "accept"] = "reject",
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._accounts = {username: password}
        self._consumers: dict[str, tuple[str, frozenset[str] | None]] = {
            consumer_key: (consumer_secret, None)
        }
        self.login_path = login_path
        self.token_path = token_path
        self.service_paths = frozenset(service_paths)
        self.session_ttl = session_ttl
        self.token_ttl = token_ttl
        self.duplicate_policy = duplicate_policy
        self._clock = clock
        self._lock = threading.RLock()
        self._rng = random.Random(seed)
        self._sessions: dict[str, float] = {}
        self._tokens: dict[str, tuple[str, float]] = {}
        self._dossiers: dict[str, dict[str, Any]] = {}
        self._progress: dict[str, dict[tuple[str, str, str], dict[str, Any]]] = {}
        self._procedures: dict[str, dict[str, Any]] = {p["MATTHC"]: p for p in _sample_catalogue()}
        self._agencies = [
            {"MACOQUAN": "H56", "TENCOQUAN": "UBND tỉnh mẫu"},
            {"MACOQUAN": "H56.14", "TENCOQUAN": "Sở mẫu"},
        ]
        self._faults: collections.deque[_Fault | None] = collections.deque()
        self._fault_rate = 0.0
        self._fault_kinds: tuple[FaultKind, ...] = ("5xx", "timeout", "drop")
        self._after_share = 0.5
        self._latency = 0.0
        self.hang_seconds = 2.0
        """How long the loopback server holds a "timeout" request before closing it."""
        self._ok_count = 0
        self.creates: collections.Counter[str] = collections.Counter()
        self.updates: collections.Counter[str] = collections.Counter()
        self.status_history: dict[str, list[str]] = collections.defaultdict(list)
        self.calls: collections.Counter[str] = collections.Counter()
        self.faults_injected: collections.Counter[str] = collections.Counter()

    # ----------------------------------------------------------------- configuration

    def add_consumer(self, key: str, secret: str, *, services: Iterable[str] | None = None) -> None:
        """Accept another gateway consumer, optionally allowed only some services (else 403)."""
        with self._lock:
            self._consumers[key] = (secret, None if services is None else frozenset(services))

    def add_procedure(self, record: Mapping[str, Any]) -> None:
        """Add or replace a catalogue entry (a ``LayThuTuc`` result object with ``MATTHC``)."""
        given: object = record
        code = record.get("MATTHC") if isinstance(given, Mapping) else None
        if not isinstance(code, str) or not code.strip():
            raise ConfigurationError(
                "record: expected a LayThuTuc result object with a non-empty 'MATTHC' "
                "(e.g. {'MATTHC': '1.001193', 'TENTTHC': ...})",
                field="MATTHC",
            )
        with self._lock:
            self._procedures[code] = dict(record)

    # ----------------------------------------------------------------- fault injection

    def _queue(self, n: int, fault: _Fault | None) -> None:
        count: object = n
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ConfigurationError(f"n: must be zero or positive, got {n}", field="n")
        with self._lock:
            self._faults.extend([fault] * n)

    def pass_next(self, n: int = 1) -> None:
        """Let the next ``n`` service calls through before the faults queued after this.

        Example: ``pass_next(1); timeout_next(1, after_processing=True)`` loses the answer of
        the second call (the create that follows a look-up).
        """
        self._queue(n, None)

    def fail_next(self, n: int = 1, *, status: int = 503) -> None:
        """Answer the next ``n`` service calls with HTTP ``status`` (a 5xx), unprocessed."""
        if not 500 <= status <= 599:
            raise ConfigurationError(f"status: expected a 5xx status, got {status}", field="status")
        self._queue(n, _Fault("5xx", status=status))

    def timeout_next(self, n: int = 1, *, after_processing: bool = False) -> None:
        """Give no answer to the next ``n`` service calls (the client times out).

        With ``after_processing`` the call takes effect and only its answer is lost.
        """
        self._queue(n, _Fault("timeout", after_processing=after_processing))

    def drop_next(self, n: int = 1, *, after_processing: bool = False) -> None:
        """Close the connection of the next ``n`` service calls without an answer."""
        self._queue(n, _Fault("drop", after_processing=after_processing))

    def trickle_next(self, n: int = 1, *, interval: float = 0.2, head: bool = False) -> None:
        """Answer the next ``n`` service calls one byte every ``interval`` seconds (processed).

        A slow-loris server: each read of the client gets a byte long before any per-read
        timeout, so only a total deadline per call ends it. With ``head`` the status line and
        headers trickle too (loopback server only; in-process, the body trickles).
        """
        if not _finite_at_least_zero(interval):
            raise ConfigurationError(
                f"interval: expected seconds (0 or more), got {interval!r}", field="interval"
            )
        self._queue(
            n, _Fault("trickle", after_processing=True, interval=interval, trickle_head=head)
        )

    def oversize_next(
        self,
        n: int = 1,
        *,
        size: int = _OVERSIZE_DEFAULT,
        gzip: bool = False,
        announce_length: bool = False,
    ) -> None:
        """Answer the next ``n`` service calls with a success envelope padded to ``size`` bytes.

        The call takes effect. The padding is made while it is sent (nothing of that size is
        held in memory). With ``gzip`` the answer is gzip-compressed (a few KiB on the wire
        that decode to ``size`` bytes: a gzip bomb); with ``announce_length`` it carries its
        ``Content-Length`` (else its end is the end of the stream).
        """
        given: object = size
        if isinstance(given, bool) or not isinstance(given, int) or given < 64:
            raise ConfigurationError(
                f"size: expected a whole number of bytes (64 or more), got {size!r}",
                field="size",
            )
        self._queue(
            n,
            _Fault(
                "oversize",
                after_processing=True,
                size=size,
                gzip=gzip,
                announce_length=announce_length,
            ),
        )

    def rate_limit_next(self, n: int = 1, *, retry_after: float = 1.0) -> None:
        """Answer the next ``n`` service calls with HTTP 429 and ``Retry-After``."""
        if not _finite_at_least_zero(retry_after):
            raise ConfigurationError(
                f"retry_after: expected seconds (0 or more), got {retry_after!r}",
                field="retry_after",
            )
        self._queue(n, _Fault("429", status=429, retry_after=retry_after))

    def set_latency(self, seconds: float) -> None:
        """Delay every answer by ``seconds`` (0 to stop).

        Raises:
            ConfigurationError: ``seconds`` is negative or not a finite number.
        """
        if not _finite_at_least_zero(seconds):
            raise ConfigurationError(
                f"seconds: expected a finite latency of 0 seconds or more, got {seconds!r}",
                field="seconds",
            )
        with self._lock:
            self._latency = float(seconds)

    def set_fault_rate(
        self,
        rate: float,
        *,
        kinds: Iterable[FaultKind] = ("5xx", "timeout", "drop"),
        after_processing_share: float = 0.5,
        seed: int | None = None,
    ) -> None:
        """Fail a random share ``rate`` of service calls with faults drawn from ``kinds``.

        Args:
            rate: probability in ``[0, 1]`` that a service call fails.
            kinds: fault kinds to draw from (uniformly).
            after_processing_share: for timeouts and drops, the share that takes effect
                before the answer is lost.
            seed: reseed the fault generator.
        """
        if not 0.0 <= rate <= 1.0:
            raise ConfigurationError(f"rate: expected 0..1, got {rate}", field="rate")
        chosen = tuple(kinds)
        unknown = [k for k in chosen if k not in _FAULT_KINDS]
        if not chosen or unknown:
            raise ConfigurationError(
                f"kinds: expected one or more of {', '.join(_FAULT_KINDS)}, got {list(chosen)!r}",
                field="kinds",
            )
        if not 0.0 <= after_processing_share <= 1.0:
            raise ConfigurationError(
                f"after_processing_share: expected 0..1, got {after_processing_share}",
                field="after_processing_share",
            )
        with self._lock:
            self._fault_rate = rate
            self._fault_kinds = chosen
            self._after_share = after_processing_share
            if seed is not None:
                self._rng.seed(seed)

    def clear_faults(self) -> None:
        """Remove queued faults, the random fault rate and the latency."""
        with self._lock:
            self._faults.clear()
            self._fault_rate = 0.0
            self._latency = 0.0

    @property
    def pending_faults(self) -> int:
        """How many queued faults are still to be produced."""
        with self._lock:
            return len(self._faults)

    def expire_sessions(self) -> None:
        """Invalidate every adapter session (as when the adapter restarts)."""
        with self._lock:
            self._sessions.clear()

    def expire_tokens(self) -> None:
        """Invalidate every gateway token."""
        with self._lock:
            self._tokens.clear()

    # ----------------------------------------------------------------- inspection

    def dossier(self, code: str) -> HoSoRecord | None:
        """The dossier the fake holds, or ``None``."""
        with self._lock:
            data = self._dossiers.get(code)
            return None if data is None else HoSoRecord.model_validate(data)

    def dossier_codes(self) -> list[str]:
        """Codes of every dossier held, sorted."""
        with self._lock:
            return sorted(self._dossiers)

    def progress(self, code: str) -> list[TienTrinhRecord]:
        """The progress rows held for a dossier, in arrival order (duplicates ignored)."""
        with self._lock:
            return [
                TienTrinhRecord.model_validate(r) for r in self._progress.get(code, {}).values()
            ]

    # ----------------------------------------------------------------- the service

    def _ok(self, result: Any = None, message: str = "Thành công") -> bytes:
        codes: tuple[int | str, ...] = (0, "0", "00")
        code = codes[self._ok_count % 3]
        self._ok_count += 1
        return _json({"error_code": code, "message": message, "result": result})

    @staticmethod
    def _err(code: int | str, message: str) -> bytes:
        return _json({"error_code": code, "message": message, "result": None})

    def _draw_fault(self) -> _Fault | None:
        if self._faults:
            return self._faults.popleft()
        if self._fault_rate and self._rng.random() < self._fault_rate:
            kind = self._rng.choice(self._fault_kinds)
            after = kind in ("trickle", "oversize") or (
                kind in ("timeout", "drop") and self._rng.random() < self._after_share
            )
            status = self._rng.choice((500, 502, 503, 504))
            return _Fault(kind, status=status if kind == "5xx" else 429, after_processing=after)
        return None

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Reply:
        """Answer one HTTP request (headers with lower-case names); used by both front ends."""
        with self._lock:
            delay = self._latency
            if method != "POST":
                return _Reply(405, _json({"error": "method not allowed"}), delay=delay)
            if path == self.login_path:
                self.calls["login"] += 1
                return attrs.evolve(self._login(body), delay=delay)
            if path == self.token_path:
                self.calls["token"] += 1
                return attrs.evolve(self._token(headers, body), delay=delay)
            if path not in self.service_paths:
                return _Reply(404, _json({"error": "not found"}), delay=delay)
            fault = self._draw_fault()
            if fault is not None:
                self.faults_injected[fault.kind] += 1
                if fault.kind == "5xx":
                    return _Reply(fault.status, b"<html>Service Unavailable</html>", delay=delay)
                if fault.kind == "429":
                    return _Reply(
                        429,
                        _json({"error_code": 429, "message": "Too Many Requests"}),
                        headers=(("Retry-After", f"{fault.retry_after:g}"),),
                        delay=delay,
                    )
                if not fault.after_processing:
                    return _Reply(0, b"", fault=fault, delay=delay)
            reply = self._service(query, headers, body)
            return attrs.evolve(reply, fault=fault, delay=delay)

    def _login(self, body: bytes) -> _Reply:
        try:
            data = json.loads(body)
            user, password = str(data["username"]), str(data["password"])
        except (ValueError, KeyError, TypeError):
            return _Reply(200, self._err("1", "Thiếu username hoặc password"))
        if self._accounts.get(user) != password:
            return _Reply(200, self._err("1", "Sai tên đăng nhập hoặc mật khẩu"))
        session = secrets.token_hex(16)
        self._sessions[session] = self._clock() + self.session_ttl
        return _Reply(
            200,
            _json({"session": session, "error_code": 0, "message": "Đăng nhập thành công"}),
        )

    def _token(self, headers: Mapping[str, str], body: bytes) -> _Reply:
        auth = headers.get("authorization", "")
        unauthorized = _Reply(
            401,
            _json({"error": "invalid_client", "error_description": "Client authentication failed"}),
        )
        if not auth.startswith("Basic "):
            return unauthorized
        try:
            key, _, secret = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
        except ValueError:
            return unauthorized
        known = self._consumers.get(key)
        if known is None or known[0] != secret:
            return unauthorized
        if dict(parse_qsl(body.decode("utf-8", "replace"))).get("grant_type") != (
            "client_credentials"
        ):
            return _Reply(400, _json({"error": "unsupported_grant_type"}))
        token = secrets.token_hex(16)
        self._tokens[token] = (key, self._clock() + self.token_ttl)
        return _Reply(
            200,
            _json({"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl}),
        )

    def _service(self, query: Mapping[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        try:
            data = json.loads(body)
        except ValueError:
            return _Reply(400, _json({"error": "body is not JSON"}))
        if not isinstance(data, dict):
            return _Reply(400, _json({"error": "body is not a JSON object"}))
        service = str(data.get("service", ""))
        auth = headers.get("authorization", "")
        if auth.startswith("Bearer "):
            held = self._tokens.get(auth[7:])
            if held is None or self._clock() >= held[1]:
                self._tokens.pop(auth[7:], None)
                return _Reply(401, _json({"fault": {"code": 900901, "message": "Invalid token"}}))
            routed = query.get("service", "")
            if routed != service:
                return _Reply(400, _json({"error": "?service= does not match the body"}))
            allowed = self._consumers[held[0]][1]
            if allowed is not None and service not in allowed:
                return _Reply(403, _json({"fault": {"code": 900908, "message": "Forbidden"}}))
        else:
            session = str(data.get("session", ""))
            expiry = self._sessions.get(session)
            if expiry is None or self._clock() >= expiry:
                self._sessions.pop(session, None)
                return _Reply(200, self._err(-1, _SESSION_ERROR))
        self.calls[service] += 1
        if not str(data.get("madonvi", "")).strip():
            return _Reply(200, self._err(2, "Thiếu mã đơn vị (madonvi)"))
        handler = self._services.get(service)
        if handler is None:
            return _Reply(200, self._err(-9, f"Dịch vụ {service[:40]!r} không được hỗ trợ"))
        return _Reply(200, handler(self, data))

    def _sync(self, data: dict[str, Any]) -> bytes:
        updating = str(data.get("isUpdating", "")).strip().lower()
        if updating not in ("true", "false"):
            return self._err(2, 'isUpdating phải là "True" hoặc "False"')
        items = data.get("data")
        if not isinstance(items, list) or not items:
            return self._err(2, "Thiếu dữ liệu hồ sơ (data)")
        records: list[dict[str, Any]] = []
        for i, item in enumerate(items):
            try:
                parsed = HoSoRecord.model_validate(item)
                PortalStatus.parse(parsed.status)
            except ValueError:  # InvalidInputError is a ValueError
                return self._err(2, f"Dữ liệu hồ sơ thứ {i + 1} không hợp lệ")
            records.append(parsed.to_wire())
        for record in records:
            code = record["MaHoSo"]
            exists = code in self._dossiers
            if updating == "false" and exists and self.duplicate_policy == "reject":
                return self._err(-3, f"Hồ sơ {code} đã tồn tại trên hệ thống")
            if updating == "true" and not exists:
                return self._err(-4, f"Hồ sơ {code} không tồn tại trên hệ thống")
        for record in records:
            code = record["MaHoSo"]
            (self.creates if updating == "false" else self.updates)[code] += 1
            self._dossiers[code] = record
            self.status_history[code].append(record["TrangThaiHoSo"])
        return self._ok([], "Đồng bộ hồ sơ thành công")

    def _push_progress(self, data: dict[str, Any]) -> bytes:
        items = data.get("data")
        if not isinstance(items, list) or not items:
            return self._err(2, "Thiếu dữ liệu tiến độ (data)")
        try:
            rows = [TienTrinhRecord.model_validate(item) for item in items]
        except ValueError:  # InvalidInputError
            return self._err(2, "Dữ liệu tiến độ không hợp lệ")
        for row in rows:
            self._progress.setdefault(row.code, {})[row.key] = row.to_wire()
        return self._ok([], "Cập nhật tiến độ thành công")

    def _lookup(self, data: dict[str, Any]) -> bytes:
        record = self._dossiers.get(str(data.get("mahoso", "")))
        return self._ok([] if record is None else [copy.deepcopy(record)])

    def _procedure(self, data: dict[str, Any]) -> bytes:
        record = self._procedures.get(str(data.get("maTTHC", "")))
        return self._ok([] if record is None else [copy.deepcopy(record)])

    def _procedure_list(self, _data: dict[str, Any]) -> bytes:
        return self._ok(
            [{"MATTHC": p["MATTHC"], "TENTTHC": p["TENTTHC"]} for p in self._procedures.values()]
        )

    def _agency_list(self, _data: dict[str, Any]) -> bytes:
        return self._ok(copy.deepcopy(self._agencies))

    def _field_list(self, _data: dict[str, Any]) -> bytes:
        fields = {
            f["MALINHVUC"]: f["TENLINHVUC"]
            for p in self._procedures.values()
            for f in p.get("LINHVUCTHUCHIEN", [])
        }
        return self._ok([{"MALINHVUC": k, "TENLINHVUC": v} for k, v in sorted(fields.items())])

    _services: ClassVar[dict[str, Callable[[FakePortal, dict[str, Any]], bytes]]] = {
        "DongBoHoSoMC": _sync,
        "CapNhatTienDoHoSoMC": _push_progress,
        "TraCuuHoSo": _lookup,
        "LayThuTuc": _procedure,
        "LayDanhSachTTHC": _procedure_list,
        "LayDanhMucCoQuan": _agency_list,
        "LayDanhMucLinhVuc": _field_list,
    }

    # ----------------------------------------------------------------- front ends

    def _handle_httpx(self, request: httpx.Request) -> _Reply:
        return self.handle(
            request.method,
            request.url.path,
            dict(request.url.params),
            {k.lower(): v for k, v in request.headers.items()},
            request.content,
        )

    @staticmethod
    def _to_httpx(
        request: httpx.Request, reply: _Reply, *, asynchronous: bool = False
    ) -> httpx.Response:
        import httpx

        fault = reply.fault
        if fault is not None and fault.kind == "timeout":
            raise httpx.ReadTimeout("fake portal: no answer in time", request=request)
        if fault is not None and fault.kind == "drop":
            raise httpx.RemoteProtocolError(
                "fake portal: server disconnected without sending a response", request=request
            )
        if fault is None or fault.kind not in ("trickle", "oversize"):
            return httpx.Response(reply.status, headers=list(reply.headers), content=reply.body)
        pause = fault.interval if fault.kind == "trickle" else 0.0
        chunks = _answer_chunks(reply)

        def slow() -> Iterator[bytes]:
            for i, chunk in enumerate(chunks):
                if i and pause:
                    time.sleep(pause)
                yield chunk

        async def slow_async() -> AsyncIterator[bytes]:
            import anyio

            for i, chunk in enumerate(chunks):
                if i and pause:
                    await anyio.sleep(pause)
                yield chunk

        return httpx.Response(
            reply.status,
            headers=_answer_headers(reply),
            content=slow_async() if asynchronous else slow(),
        )

    def transport(self) -> httpx.MockTransport:
        """An in-process ``httpx`` transport for :class:`httpx.Client` / ``PortalClient``.

        Timeouts raise ``httpx.ReadTimeout`` at once and drops ``httpx.RemoteProtocolError``;
        latency sleeps.
        """
        import httpx

        def handler(request: httpx.Request) -> httpx.Response:
            reply = self._handle_httpx(request)
            if reply.delay:
                time.sleep(reply.delay)
            return self._to_httpx(request, reply)

        return httpx.MockTransport(handler)

    def async_transport(self) -> httpx.MockTransport:
        """An in-process transport for :class:`httpx.AsyncClient` / ``AsyncPortalClient``."""
        import anyio
        import httpx

        async def handler(request: httpx.Request) -> httpx.Response:
            reply = self._handle_httpx(request)
            if reply.delay:
                await anyio.sleep(reply.delay)
            return self._to_httpx(request, reply, asynchronous=True)

        return httpx.MockTransport(handler)

    def serve(self, *, host: str = "127.0.0.1", port: int = 0) -> FakePortalServer:
        """Start a real HTTP server on loopback in a background thread.

        Args:
            host: a loopback address (``127.0.0.1``, ``::1`` or ``localhost``).
            port: TCP port; 0 picks a free one (see :attr:`FakePortalServer.url`).

        Returns:
            The running server; close it (or use it as a context manager) when done.
        """
        server = FakePortalServer(self, host=host, port=port)
        server.start()
        return server


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigurationError(
            f"host: the fake portal listens on loopback only; got {host!r}, "
            "expected 127.0.0.1, ::1 or localhost",
            field="host",
        )


_MAX_LINE = 65536
#: Header lines read from one request; past that the server answers 431 and closes, so a
#: client that never ends its header block cannot keep it reading (and storing) forever.
_MAX_HEADERS = 100


class FakePortalServer:
    """A :class:`FakePortal` served over real HTTP/1.1 (keep-alive) on loopback (a test double).

    The server is a small single-threaded asyncio HTTP/1.1 server from the standard library,
    so many concurrent connections cost no thread switches; a "timeout" fault holds its
    connection for :attr:`FakePortal.hang_seconds` without blocking the others.

    Args:
        portal: the fake to serve.
        host: a loopback address.
        port: TCP port, 0 for a free one.
    """

    def __init__(self, portal: FakePortal, *, host: str = "127.0.0.1", port: int = 0) -> None:
        _check_loopback(host)
        given: object = port
        if isinstance(given, bool) or not isinstance(given, int) or not 0 <= given <= 65535:
            raise ConfigurationError(
                f"port: expected a TCP port 0-65535 (0 picks a free one), got {port!r}",
                field="port",
            )
        self.portal = portal
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._sock.bind((host, port))
        except OSError as exc:
            self._sock.close()
            raise ConfigurationError(
                f"port: cannot listen on {host}:{port} ({exc.strerror}); choose another --port",
                field="port",
            ) from None
        self._sock.listen(256)
        self._sock.setblocking(False)  # noqa: FBT003 - stdlib signature
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._done = threading.Event()
        # Guards the life cycle: "closed" (close() was called) and "serving" (the loop runs),
        # so that a close() arriving at any moment, even before serving starts, ends cleanly.
        self._state_lock = threading.Lock()
        self._closed = False
        self._started = False
        self._serving = False

    @property
    def port(self) -> int:
        """The TCP port listened on."""
        return int(self._sock.getsockname()[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``"http://127.0.0.1:8765"``."""
        host = str(self._sock.getsockname()[0])
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Serve in a daemon thread (returns once the server accepts connections)."""
        self._thread = threading.Thread(target=self._run, daemon=True, name="fake-portal")
        self._thread.start()
        self._ready.wait(30)

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`close` is called from another thread.

        Returns at once if :meth:`close` was called before. The ``onestop portal fake``
        command calls :meth:`close` from its SIGTERM/SIGINT handler (in a helper thread), so
        it always exits cleanly whenever the signal arrives.
        """
        self._run()

    def _release(self) -> None:
        """Close the loop and the socket (once, by whoever owns the life cycle)."""
        if not self._loop.is_closed():
            self._loop.close()
        self._sock.close()
        self._done.set()

    def _run(self) -> None:
        with self._state_lock:
            if self._closed or self._started:
                # close() came first (nothing to serve), or the server already ran.
                self._ready.set()
                return
            self._started = True
        loop = self._loop
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                asyncio.start_server(self._connection, sock=self._sock)
            )
            try:
                with self._state_lock:
                    serve = not self._closed
                    self._serving = serve
                self._ready.set()
                if serve:
                    loop.run_forever()
            finally:
                with self._state_lock:
                    self._serving = False
                server.close()
                tasks = asyncio.all_tasks(loop)
                for task in tasks:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        finally:
            asyncio.set_event_loop(None)
            self._ready.set()
            self._release()

    def close(self) -> None:
        """Stop serving and release the port (idempotent; callable from any thread).

        Waits (up to 10 s) for the serving thread to finish, except when called from that
        thread itself.
        """
        with self._state_lock:
            if self._closed:
                return
            self._closed = True
            started, serving = self._started, self._serving
            if serving:
                self._loop.call_soon_threadsafe(self._loop.stop)
        if not started:
            self._release()  # never served: nothing else will release the port
            return
        if threading.current_thread() is not self._thread:
            self._done.wait(10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raw = writer.get_extra_info("socket")
        if raw is not None:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while await self._exchange(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            # Shutdown cancels open connections. Ending the handler normally (instead of
            # re-raising) keeps asyncio's stream callback from logging a CancelledError
            # traceback on Python 3.11; nothing awaits this task's result.
            pass
        finally:
            writer.close()

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; return whether the connection stays open."""
        line = await reader.readline()
        if not line:
            return False
        parts = line.decode("latin-1").split()
        if len(parts) != 3:
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return False
        method, target, version = parts
        headers: dict[str, str] = {}
        for _ in range(_MAX_HEADERS + 1):
            header = await reader.readline()
            if header in (b"\r\n", b"\n", b""):
                break
            key, _, value = header.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        else:
            writer.write(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n\r\n"
            )
            return False
        length = int(headers.get("content-length") or 0)
        body = await reader.readexactly(length) if length else b""
        url = urlsplit(target)
        reply = self.portal.handle(method, url.path, dict(parse_qsl(url.query)), headers, body)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.fault is not None and reply.fault.kind in ("timeout", "drop"):
            if reply.fault.kind == "timeout":
                await asyncio.sleep(self.portal.hang_seconds)
            return False
        keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        if reply.fault is not None and reply.fault.kind in ("trickle", "oversize"):
            return await self._send_faulty(writer, reply, reply.fault, keep=keep)
        head = [f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}"]
        head += [f"{k}: {v}" for k, v in reply.headers]
        head += [
            "Content-Type: application/json; charset=utf-8",
            f"Content-Length: {len(reply.body)}",
            f"Connection: {'keep-alive' if keep else 'close'}",
        ]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + reply.body)
        await writer.drain()
        return keep

    @staticmethod
    async def _send_faulty(
        writer: asyncio.StreamWriter, reply: _Reply, fault: _Fault, *, keep: bool
    ) -> bool:
        """Send a trickled or oversized answer; return whether the connection stays open."""
        extra = _answer_headers(reply)
        framed = any(k.lower() == "content-length" for k, _ in extra)
        keep = keep and framed
        head = [f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}"]
        head += [f"{k}: {v}" for k, v in extra]
        head += [
            "Content-Type: application/json; charset=utf-8",
            f"Connection: {'keep-alive' if keep else 'close'}",
        ]
        raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        trickle = fault.kind == "trickle"
        if trickle and fault.trickle_head:
            for i in range(len(raw)):
                writer.write(raw[i : i + 1])
                await writer.drain()
                await asyncio.sleep(fault.interval)
        else:
            writer.write(raw)
        for i, chunk in enumerate(_answer_chunks(reply)):
            if trickle and i:
                await asyncio.sleep(fault.interval)
            writer.write(chunk)
            await writer.drain()
        return keep
