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

import collections
import copy
import json
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Literal

import attrs

from onestop.connectors._wire import HoSoRecord, PortalStatus, TienTrinhRecord
from onestop.errors import ConfigurationError
from onestop.testing._fake_http import FakeServer, FaultKind, FaultyService, Reply
from onestop.testing._fake_http import json_bytes as _json

__all__ = ["FakePortal", "FakePortalServer", "FaultKind"]

_SESSION_ERROR = "Session không hợp lệ hoặc đã hết hạn, vui lòng đăng nhập lại"


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


class FakePortal(FaultyService):
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

    service_name = "fake portal"

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
        super().__init__(
            seed=seed,
            clock=clock,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            token_ttl=token_ttl,
        )
        self._accounts = {username: password}
        self.login_path = login_path
        self.token_path = token_path
        self.service_paths = frozenset(service_paths)
        self.session_ttl = session_ttl
        self.duplicate_policy = duplicate_policy
        self._sessions: dict[str, float] = {}
        self._dossiers: dict[str, dict[str, Any]] = {}
        self._progress: dict[str, dict[tuple[str, str, str], dict[str, Any]]] = {}
        self._procedures: dict[str, dict[str, Any]] = {p["MATTHC"]: p for p in _sample_catalogue()}
        self._agencies = [
            {"MACOQUAN": "H56", "TENCOQUAN": "UBND tỉnh mẫu"},
            {"MACOQUAN": "H56.14", "TENCOQUAN": "Sở mẫu"},
        ]
        self._ok_count = 0
        self.creates: collections.Counter[str] = collections.Counter()
        self.updates: collections.Counter[str] = collections.Counter()
        self.status_history: dict[str, list[str]] = collections.defaultdict(list)
        self.calls: collections.Counter[str] = collections.Counter()

    # ----------------------------------------------------------------- configuration

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

    # ----------------------------------------------------------------- sessions

    def expire_sessions(self) -> None:
        """Invalidate every adapter session (as when the adapter restarts)."""
        with self._lock:
            self._sessions.clear()

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

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Reply:
        """Answer one HTTP request (headers with lower-case names); used by both front ends."""
        with self._lock:
            delay = self._latency
            if method != "POST":
                return Reply(405, _json({"error": "method not allowed"}), delay=delay)
            if path == self.login_path:
                self.calls["login"] += 1
                return attrs.evolve(self._login(body), delay=delay)
            if path == self.token_path:
                self.calls["token"] += 1
                return attrs.evolve(self._token(headers, body), delay=delay)
            if path not in self.service_paths:
                return Reply(404, _json({"error": "not found"}), delay=delay)
            return self._service_call(lambda: self._service(query, headers, body), delay=delay)

    def _login(self, body: bytes) -> Reply:
        try:
            data = json.loads(body)
            user, password = str(data["username"]), str(data["password"])
        except (ValueError, KeyError, TypeError):
            return Reply(200, self._err("1", "Thiếu username hoặc password"))
        if self._accounts.get(user) != password:
            return Reply(200, self._err("1", "Sai tên đăng nhập hoặc mật khẩu"))
        session = secrets.token_hex(16)
        self._sessions[session] = self._clock() + self.session_ttl
        return Reply(
            200,
            _json({"session": session, "error_code": 0, "message": "Đăng nhập thành công"}),
        )

    def _service(self, query: Mapping[str, str], headers: Mapping[str, str], body: bytes) -> Reply:
        try:
            data = json.loads(body)
        except ValueError:
            return Reply(400, _json({"error": "body is not JSON"}))
        if not isinstance(data, dict):
            return Reply(400, _json({"error": "body is not a JSON object"}))
        service = str(data.get("service", ""))
        if headers.get("authorization", "").startswith("Bearer "):
            refused = self._check_bearer(headers, service)
            if refused is not None:
                return refused
            if query.get("service", "") != service:
                return Reply(400, _json({"error": "?service= does not match the body"}))
        else:
            session = str(data.get("session", ""))
            expiry = self._sessions.get(session)
            if expiry is None or self._clock() >= expiry:
                self._sessions.pop(session, None)
                return Reply(200, self._err(-1, _SESSION_ERROR))
        self.calls[service] += 1
        if not str(data.get("madonvi", "")).strip():
            return Reply(200, self._err(2, "Thiếu mã đơn vị (madonvi)"))
        handler = self._services.get(service)
        if handler is None:
            return Reply(200, self._err(-9, f"Dịch vụ {service[:40]!r} không được hỗ trợ"))
        return Reply(200, handler(self, data))

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


class FakePortalServer(FakeServer):
    """A :class:`FakePortal` served over real HTTP/1.1 (keep-alive) on loopback (a test double).

    Args:
        portal: the fake to serve.
        host: a loopback address.
        port: TCP port, 0 for a free one.
    """

    def __init__(self, portal: FakePortal, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(portal, host=host, port=port)
        self.portal = portal
