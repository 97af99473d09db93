"""A durable outbox: dossier changes recorded locally in SQLite and delivered to the portal.

The provincial system calls :meth:`Outbox.enqueue` in the same place it saves a dossier change;
a worker (:class:`OutboxWorker`, or :class:`AsyncOutboxWorker` with bounded concurrency) drains
the outbox to the portal. Guarantees:

* **durable**: an entry is in the SQLite file (WAL mode, ``synchronous=FULL`` by default) when
  :meth:`~Outbox.enqueue` returns, and leaves it only after the portal confirmed it;
* **in order per dossier**: an entry is sent only when no earlier entry of the same dossier is
  pending or in flight; different dossiers go in parallel;
* **coalescing**: a new state of a dossier whose latest entry is still waiting replaces that
  entry's payload (the portal only needs the latest state; each entry carries the full state);
* **bounded retries**: failures are retried with exponential backoff and jitter, by the clients'
  rule (:func:`~onestop.connectors.should_retry`, ``OutboxPolicy.retry``); after its
  ``attempts``, or at once for an error that retrying cannot fix, the entry becomes a
  *dead letter* with the reason, listed by :meth:`~Outbox.dead_letters` and re-queued with
  :meth:`~Outbox.requeue_dead`;
* **crash-safe without duplicates**: a claimed entry is leased to its worker (host, pid and a
  random token). If the worker dies, the entry is recovered (lease expiry, or at once when the
  owning process is gone) and sent again. Sending again is harmless because delivery is
  :meth:`~onestop.connectors.portal.PortalClient.upsert_dossier`, which looks the dossier up
  before creating it and falls back to an update on "đã tồn tại"; progress rows are keyed;
* **no delivery outlives its lease**: a worker refuses a client whose longest upsert
  (:attr:`~onestop.connectors.PortalClient.max_upsert_seconds`: its retry budget plus four
  calls of its total per-call ``timeout``) is not below ``OutboxPolicy.lease_seconds``, and the
  sync worker renews the lease of an entry that waited in its batch before sending it, so a
  slow delivery is never taken over (and an old state never overtakes a newer one);
* **owner-only files**: a new outbox file is created with mode 0600 before SQLite opens it,
  and SQLite gives its write-ahead log, the log's index and any journal the database file's
  mode, so all of them (which hold dossiers) are owner-only from the moment they exist.

Counters (:meth:`~Outbox.stats`): pending, in flight, retrying, dead, failed (retrying + dead),
delivered, age of the oldest entry; :meth:`~Outbox.retrying` lists the retrying entries with
their last error and :meth:`~Outbox.dead_letters` the dead ones. ``Outbox(path, read_only=True)``
inspects an outbox without writing anything (``onestop portal status``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import math
import os
import random
import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar

import attrs

from onestop._http import RetryPolicy, is_retryable, should_retry, testing_mode
from onestop.connectors._postal_protocol import OrderResult
from onestop.connectors._postal_wire import OrderRecord
from onestop.connectors._protocol import PROGRESS_CHUNK
from onestop.connectors._sqlite import is_locked, restrict_files
from onestop.connectors._wire import HoSoRecord, TienTrinhRecord
from onestop.errors import (
    AuthenticationError,
    ConfigurationError,
    InvalidInputError,
    OneStopError,
    OutboxError,
)
from onestop.models import PostalOrder, PostalOrderKind
from onestop.tz import VN_TZ

if TYPE_CHECKING:
    from onestop.connectors.portal import AsyncPortalClient, PortalClient
    from onestop.connectors.postal import AsyncPostalClient, PostalClient
    from onestop.models import Dossier

__all__ = [
    "OUTBOX_RETRY",
    "AsyncOutboxWorker",
    "DeadLetter",
    "Outbox",
    "OutboxEntry",
    "OutboxPolicy",
    "OutboxStats",
    "OutboxWorker",
    "RetryingEntry",
    "SentPostalOrder",
    "StopWhen",
    "WorkerReport",
]

logger = logging.getLogger("onestop.connectors.outbox")

_T = TypeVar("_T")

_SCHEMA_VERSION = "2"
#: Versions an outbox file may have: version 1 (before postal orders) is converted to 2 when
#: the file is opened for writing, and read as it is when opened read-only.
_READABLE_VERSIONS = ("1", _SCHEMA_VERSION)
_OUTBOX_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('dossier', 'progress', 'postal')),
    payload TEXT NOT NULL,
    source TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_flight', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    enqueued_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    next_attempt_at REAL NOT NULL,
    lease_until REAL,
    owner TEXT,
    last_error TEXT,
    order_number TEXT
);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_at, id);
CREATE INDEX IF NOT EXISTS outbox_dossier ON outbox (dossier_code, id);
CREATE INDEX IF NOT EXISTS outbox_order ON outbox (order_number) WHERE order_number IS NOT NULL;
"""
_SCHEMA = (
    _OUTBOX_TABLE.format(name="outbox")
    + """
CREATE TABLE IF NOT EXISTS outbox_synced (
    dossier_code TEXT PRIMARY KEY,
    last_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox_postal_orders (
    order_number TEXT PRIMARY KEY,
    dossier_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    duplicate INTEGER NOT NULL,
    sent_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_postal_dossier ON outbox_postal_orders (dossier_code);
CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO outbox_meta VALUES ('schema_version', '2');
INSERT OR IGNORE INTO outbox_meta VALUES ('delivered', '0');
"""
)
#: Version 1 → 2: the outbox table gains the 'postal' kind and the order_number column (SQLite
#: cannot change a CHECK in place: the table is rebuilt, its AUTOINCREMENT counter kept, so
#: that no new entry ever reuses the id of a delivered one).
_MIGRATE_1_TO_2 = (
    _OUTBOX_TABLE.format(name="outbox_v2")  # noqa: S608 - constant SQL, nothing interpolated
    + """
INSERT INTO outbox_v2 (id, dossier_code, kind, payload, source, state, attempts, enqueued_at,
    updated_at, next_attempt_at, lease_until, owner, last_error)
    SELECT id, dossier_code, kind, payload, source, state, attempts, enqueued_at, updated_at,
    next_attempt_at, lease_until, owner, last_error FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
"""
)

_REASON_LIMIT = 500
#: Seconds between two look-ups for entries of dead workers during claims.
_RECOVERY_INTERVAL = 1.0
#: The tables of an outbox; a file without them is not one.
_TABLES = ("outbox", "outbox_meta", "outbox_synced")
#: Entry kinds per channel: the portal's (dossier states, progress rows) and VNPost's orders.
_PORTAL_KINDS = ("dossier", "progress")
_POSTAL_KINDS = ("postal",)
#: Progress rows per outbox entry: one portal call each (the chunk size of the clients).
_PROGRESS_ROWS_PER_ENTRY = PROGRESS_CHUNK


def _is_seconds(value: object) -> bool:
    """Whether ``value`` is a finite, non-negative number (booleans excluded)."""
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and value >= 0
    )


#: The outbox's default retry bounds: ten tries per entry, waits from 2 s doubling up to 5 min
#: (about 25 minutes of tries in all before an entry becomes a dead letter), and a
#: ``Retry-After`` of up to an hour honoured.
OUTBOX_RETRY = RetryPolicy(
    attempts=10, initial_backoff=2.0, max_backoff=300.0, max_retry_after=3600.0
)


@attrs.frozen(kw_only=True)
class OutboxPolicy:
    """Retry and lease bounds of the outbox.

    Attributes:
        retry: when a failed entry is tried again, by the same rule as a client's calls
            (:func:`~onestop.connectors.should_retry`): ``attempts`` tries of an entry before it
            becomes a dead letter, the exponential ``initial_backoff``/``max_backoff`` waits, a
            ``Retry-After`` up to ``max_retry_after`` honoured. Its ``total_timeout`` does not
            apply: an entry is bounded by its attempts (a re-queued dead letter starts
            afresh), however long its waits.
        lease_seconds: how long a claimed entry belongs to its worker before another may take
            it over (a dead worker's entries on the same host are recovered at once).
    """

    retry: RetryPolicy = attrs.field(default=OUTBOX_RETRY)
    lease_seconds: float = attrs.field(default=300.0)

    @retry.validator
    def _check_retry(self, _attribute: attrs.Attribute[RetryPolicy], value: object) -> None:
        if not isinstance(value, RetryPolicy):
            raise ConfigurationError(
                f"retry: expected a RetryPolicy, got {type(value).__name__}", field="retry"
            )

    @lease_seconds.validator
    def _check_lease(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not _is_seconds(value) or value == 0:
            raise ConfigurationError(
                f"{attribute.name}: expected a finite number of seconds (above 0), got {value!r}",
                field=attribute.name,
            )


@attrs.frozen
class OutboxEntry:
    """A claimed entry, as a worker sees it.

    Attributes:
        id: the entry id (enqueue order).
        dossier_code: the dossier (``MaHoSo``).
        kind: ``"dossier"`` (full state, sent with an upsert), ``"progress"`` (rows) or
            ``"postal"`` (a VNPost order).
        payload: the wire-shaped JSON.
        attempts: tries so far, this one included.
        known_to_exist: the portal confirmed an earlier state of this dossier.
        owner: the worker holding the lease.
        lease_until: when the lease ends (Unix time of the outbox's clock).
        order_number: the VNPost order number of a ``"postal"`` entry.
    """

    id: int
    dossier_code: str
    kind: Literal["dossier", "progress", "postal"]
    payload: str
    attempts: int
    known_to_exist: bool = False
    owner: str = ""
    lease_until: float = math.inf
    order_number: str | None = None

    def record(self) -> HoSoRecord:
        """The dossier record of a ``"dossier"`` entry."""
        return HoSoRecord.model_validate_json(self.payload)

    def progress_rows(self) -> list[TienTrinhRecord]:
        """The rows of a ``"progress"`` entry."""
        return [TienTrinhRecord.model_validate(r) for r in json.loads(self.payload)]

    def postal_order(self) -> tuple[str, OrderRecord]:
        """The order kind (``"pickup"`` / ``"delivery"``) and the VNPost order of a postal entry."""
        data = json.loads(self.payload)
        return str(data["kind"]), OrderRecord.model_validate(data["order"])


@attrs.frozen
class SentPostalOrder:
    """A VNPost order the outbox delivered, as recorded in the same step (never twice).

    Attributes:
        order_number: the order number (``OrderNumber``).
        dossier_code: the dossier.
        kind: ``"pickup"`` or ``"delivery"``.
        status: VNPost's answer, ``"100"`` or ``"101"``.
        duplicate: VNPost already held the number (an earlier send whose answer was lost).
        sent_at: when VNPost's answer was recorded (Unix time of the outbox's clock).
    """

    order_number: str
    dossier_code: str
    kind: str
    status: str
    duplicate: bool
    sent_at: float

    def to_postal_order(self) -> PostalOrder:
        """The domain record, for :meth:`~onestop.models.Dossier.with_postal_order`."""
        return PostalOrder(
            order_number=self.order_number,
            kind=PostalOrderKind(self.kind),
            sent_at=dt.datetime.fromtimestamp(self.sent_at, tz=VN_TZ),
            duplicate=self.duplicate,
        )


@attrs.frozen
class DeadLetter:
    """An entry given up on.

    Attributes:
        id: the entry id.
        dossier_code: the dossier.
        kind: ``"dossier"`` or ``"progress"``.
        attempts: how many tries were made.
        reason: the error code and message of the last failure.
        enqueued_at: when it was first enqueued (Unix time).
    """

    id: int
    dossier_code: str
    kind: str
    attempts: int
    reason: str
    enqueued_at: float


@attrs.frozen
class RetryingEntry:
    """A waiting entry whose last try failed: it will be tried again.

    Attributes:
        id: the entry id.
        dossier_code: the dossier.
        kind: ``"dossier"`` or ``"progress"``.
        attempts: tries made so far.
        last_error: the error code and message of the last failure (messages never hold
            personal data), or ``None`` when its worker stopped before recording one.
        next_attempt_at: when it is due again (Unix time).
    """

    id: int
    dossier_code: str
    kind: str
    attempts: int
    last_error: str | None
    next_attempt_at: float


@attrs.frozen
class OutboxStats:
    """Counters of the outbox.

    Attributes:
        pending: entries waiting to be sent (including those waiting for a retry).
        in_flight: entries claimed by a worker.
        retrying: pending entries that failed at least once (a subset of ``pending``).
        dead: dead letters (failed for good).
        delivered: entries delivered since the outbox file was created.
        oldest_age: seconds since the oldest pending or in-flight entry was enqueued
            (``None`` when there is none).
    """

    pending: int
    in_flight: int
    dead: int
    delivered: int
    oldest_age: float | None
    retrying: int = 0

    @property
    def failed(self) -> int:
        """Undelivered entries whose last try failed: ``retrying + dead``."""
        return self.retrying + self.dead

    def to_dict(self) -> dict[str, int | float | None]:
        """JSON-ready counters with stable keys.

        Keys: ``pending``, ``in_flight``, ``retrying``, ``dead``, ``failed`` (retrying + dead),
        ``delivered``, ``oldest_age_seconds``.
        """
        return {
            "pending": self.pending,
            "in_flight": self.in_flight,
            "retrying": self.retrying,
            "dead": self.dead,
            "failed": self.failed,
            "delivered": self.delivered,
            "oldest_age_seconds": None if self.oldest_age is None else round(self.oldest_age, 3),
        }


@attrs.define
class WorkerReport:
    """What a worker run did.

    Attributes:
        delivered: entries confirmed by the portal.
        retried: failures scheduled for another try.
        dead: entries that became dead letters.
    """

    delivered: int = 0
    retried: int = 0
    dead: int = 0

    def to_dict(self) -> dict[str, int]:
        """JSON-ready counts."""
        return {"delivered": self.delivered, "retried": self.retried, "dead": self.dead}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Outbox:
    """The durable SQLite outbox (see the module documentation for the guarantees).

    The file and the files SQLite keeps beside it (``-wal``, ``-shm``, ``-journal``) are
    readable by their owner only from the moment they exist: they hold personal data.

    Args:
        path: the database file (created if missing), or ``":memory:"`` for tests.
        policy: retry and lease bounds.
        synchronous: SQLite ``synchronous`` level; ``"FULL"`` survives power loss,
            ``"NORMAL"`` survives a process crash and is faster.
        clock: Unix-time clock, injectable for tests.
        read_only: open an existing outbox for inspection only (:meth:`stats`,
            :meth:`dead_letters`, :meth:`retrying`): SQLite's ``mode=ro``, no write lock
            needed (it works while a worker writes), nothing created or converted, and a
            file that is not an outbox is refused.
        lock_timeout: seconds to wait for a lock held by another process before giving up
            with an :class:`~onestop.errors.OutboxError` that says so.

    Raises:
        OutboxError: the file cannot be opened, is locked, or is an outbox of another
            schema version (or one whose version was changed outside onestop).
        InvalidInputError: with ``read_only``, the file is missing or is not an outbox.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        policy: OutboxPolicy | None = None,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        clock: Callable[[], float] = time.time,
        read_only: bool = False,
        lock_timeout: float = 30.0,
    ) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise ConfigurationError(
                f"synchronous: expected 'FULL' or 'NORMAL', got {synchronous!r}",
                field="synchronous",
            )
        given: object = path
        if not isinstance(given, str | os.PathLike) or not str(given).strip():
            raise ConfigurationError(
                f"path: expected the path of the outbox file (str or Path), got "
                f"{type(path).__name__ if not isinstance(path, str) else 'an empty string'}",
                field="path",
            )
        if policy is not None and not isinstance(policy, OutboxPolicy):
            raise ConfigurationError(
                f"policy: expected an OutboxPolicy, got {type(policy).__name__}", field="policy"
            )
        if not _is_seconds(lock_timeout):
            raise ConfigurationError(
                f"lock_timeout: expected a finite number of seconds (at least 0), "
                f"got {lock_timeout!r}",
                field="lock_timeout",
            )
        self.path = str(path)
        if read_only and self.path == ":memory:":
            raise ConfigurationError(
                "read_only: an in-memory outbox cannot be opened read-only; give a file path",
                field="read_only",
            )
        self.policy = policy or OutboxPolicy()
        self.read_only = bool(read_only)
        self._clock = clock
        self._lock = threading.RLock()
        self._rng = random.Random()
        self._last_recovery = float("-inf")
        if self.read_only:
            self._db = self._open_read_only(float(lock_timeout))
        else:
            self._db = self._open_writable(synchronous, float(lock_timeout))
        self._check_schema()

    def _open_writable(self, synchronous: str, lock_timeout: float) -> sqlite3.Connection:
        """Open (creating if needed) the outbox for reading and writing."""
        try:
            if self.path != ":memory:":
                restrict_files(self.path, what="outbox")
            db = sqlite3.connect(
                self.path, timeout=lock_timeout, isolation_level=None, check_same_thread=False
            )
        except (sqlite3.Error, OSError) as exc:
            raise self._open_error(exc) from exc
        try:
            db.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(f"PRAGMA synchronous = {synchronous}")
            db.executescript(_SCHEMA)
            self._migrate(db)
            db.executescript(_INDEXES)
        except sqlite3.Error as exc:
            db.close()
            raise self._open_error(exc) from exc
        return db

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        """Convert a version-1 outbox to version 2, in one transaction (nothing half-done)."""
        row = db.execute("SELECT value FROM outbox_meta WHERE key = 'schema_version'").fetchone()
        if row is None or row[0] != "1":
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            seq = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
            for statement in _MIGRATE_1_TO_2.split(";"):
                if statement.strip():
                    db.execute(statement)
            if seq is not None:
                db.execute("DELETE FROM sqlite_sequence WHERE name = 'outbox'")
                db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)", seq)
            db.execute("UPDATE outbox_meta SET value = '2' WHERE key = 'schema_version'")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        logger.info("outbox: converted from schema version 1 to 2 (postal orders)")

    def _open_read_only(self, lock_timeout: float) -> sqlite3.Connection:
        """Open an existing outbox read-only (``mode=ro``): nothing is created or written."""
        target = Path(self.path)
        if not target.is_file():
            raise InvalidInputError(
                f"path: no outbox file at {self.path!r}; expected the path of an existing outbox",
                field="path",
            )
        try:
            db = sqlite3.connect(
                target.absolute().as_uri() + "?mode=ro",
                uri=True,
                timeout=lock_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise self._open_error(exc) from exc
        try:
            db.execute("PRAGMA query_only = ON")
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        except sqlite3.Error as exc:
            db.close()
            if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
                raise InvalidInputError(
                    f"path: {self.path!r} is not an outbox (not an SQLite database); expected "
                    "the outbox file given to `onestop portal enqueue` or to Outbox(...)",
                    field="path",
                ) from None
            raise self._open_error(exc) from exc
        missing = sorted(set(_TABLES) - tables)
        if missing:
            db.close()
            raise InvalidInputError(
                f"path: {self.path!r} is an SQLite database but not an outbox (no "
                f"{', '.join(missing)} table); expected the outbox file given to "
                "`onestop portal enqueue` or to Outbox(...)",
                field="path",
            )
        return db

    def _open_error(self, exc: BaseException) -> OutboxError:
        """The error for a failure to open the file (locked, unreadable, not a database)."""
        if is_locked(exc):
            return self._locked_error()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return OutboxError(
            f"outbox: cannot open {self.path!r} as an outbox database ({reason}); expected "
            + ("a readable outbox file" if self.read_only else "a writable file path"),
            field="path",
        )

    def _locked_error(self) -> OutboxError:
        return OutboxError(
            f"outbox: {self.path!r} is locked by another process (a running worker?) — "
            "retry or stop it"
        )

    def _check_schema(self) -> None:
        """Refuse an outbox of another schema version, or one whose version was tampered with."""
        try:
            row = self._db.execute(
                "SELECT value FROM outbox_meta WHERE key = 'schema_version'"
            ).fetchone()
        except sqlite3.Error as exc:
            self._db.close()
            raise self._open_error(exc) from exc
        value = None if row is None else row[0]
        if value == _SCHEMA_VERSION or (self.read_only and value in _READABLE_VERSIONS):
            return
        self._db.close()
        if isinstance(value, str) and value.isdigit() and len(value) < 10:
            found = f"schema version {value}"
        elif value is None:
            found = "no schema version"
        else:
            found = "an unreadable schema version (not a number; changed outside onestop?)"
        raise OutboxError(
            f"outbox: {self.path!r} has {found} in outbox_meta, expected {_SCHEMA_VERSION}",
            field="path",
        )

    def __repr__(self) -> str:
        return f"Outbox({self.path!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    # ----------------------------------------------------------------- plumbing

    def _run(
        self, what: str, fn: Callable[[sqlite3.Connection], Any], *, write: bool = True
    ) -> Any:
        """Run ``fn`` in one transaction, mapping SQLite errors to OutboxError.

        A write takes the write lock at once (``BEGIN IMMEDIATE``); a read is a plain
        snapshot (``BEGIN``) that never waits for a writer in WAL mode.
        """
        if write and self.read_only:
            raise OutboxError(
                f"outbox: {what} needs a writable outbox; {self.path!r} was opened read-only"
            )
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    result = fn(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                if is_locked(exc):
                    raise self._locked_error() from exc
                raise OutboxError(f"outbox: {what} failed on {self.path!r} ({exc})") from exc

    # ----------------------------------------------------------------- producer side

    @staticmethod
    def _prepare(dossier: Dossier | HoSoRecord) -> tuple[str, str, str | None]:
        if isinstance(dossier, HoSoRecord):
            return dossier.code, dossier.model_dump_json(by_alias=True), None
        from onestop.connectors._mapping import dossier_to_record

        record = dossier_to_record(dossier)
        return record.code, record.model_dump_json(by_alias=True), dossier.model_dump_json()

    def _put(
        self, db: sqlite3.Connection, code: str, kind: str, payload: str, source: str | None
    ) -> int:
        now = self._clock()
        if kind == "dossier":
            row = db.execute(
                "SELECT id, kind, state FROM outbox WHERE dossier_code = ? "
                "AND state IN ('pending', 'in_flight') AND kind IN ('dossier', 'progress') "
                "ORDER BY id DESC LIMIT 1",
                (code,),
            ).fetchone()
            if row is not None and row[1] == "dossier" and row[2] == "pending":
                db.execute(
                    "UPDATE outbox SET payload = ?, source = ?, updated_at = ? WHERE id = ?",
                    (payload, source, now, row[0]),
                )
                return int(row[0])
        cursor = db.execute(
            "INSERT INTO outbox (dossier_code, kind, payload, source, enqueued_at, updated_at, "
            "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code, kind, payload, source, now, now, now),
        )
        return int(cursor.lastrowid or 0)

    def enqueue(self, dossier: Dossier | HoSoRecord) -> int:
        """Record the current state of a dossier for delivery (durable when this returns).

        Args:
            dossier: a domain dossier (mapped to the portal record now, so bad data fails here,
                in the caller) or a ready :class:`~onestop.connectors.HoSoRecord`.

        Returns:
            The id of the entry holding the state (an existing waiting entry when coalesced).
        """
        code, payload, source = self._prepare(dossier)
        return int(self._run("enqueue", lambda db: self._put(db, code, "dossier", payload, source)))

    def enqueue_many(self, dossiers: Iterable[Dossier | HoSoRecord]) -> list[int]:
        """Enqueue several dossier states in one transaction (in the given order)."""
        prepared = [self._prepare(d) for d in dossiers]
        return list(
            self._run(
                "enqueue",
                lambda db: [self._put(db, c, "dossier", p, s) for c, p, s in prepared],
            )
        )

    def enqueue_progress(self, rows: Sequence[TienTrinhRecord]) -> list[int]:
        """Record progress rows, kept in order after the dossier's states.

        Each entry holds the rows of one dossier, at most ``PROGRESS_CHUNK`` (10) of them, so
        that delivering it is one portal call, as bounded in time as a dossier upsert.

        Raises:
            InvalidInputError: ``rows`` is empty or holds something else than
                :class:`~onestop.connectors.TienTrinhRecord`.
        """
        given: object = rows
        if isinstance(given, str | bytes) or not rows:
            raise InvalidInputError(
                "rows: no progress rows given; expected at least one TienTrinhRecord",
                field="rows",
            )
        by_code: dict[str, list[dict[str, Any]]] = {}
        for i, row in enumerate(rows):
            if not isinstance(row, TienTrinhRecord):
                raise InvalidInputError(
                    f"rows[{i}]: expected a TienTrinhRecord, got {type(row).__name__}",
                    field=f"rows[{i}]",
                )
            by_code.setdefault(row.code, []).append(row.to_wire())
        return list(
            self._run(
                "enqueue",
                lambda db: [
                    self._put(
                        db,
                        code,
                        "progress",
                        json.dumps(items[i : i + _PROGRESS_ROWS_PER_ENTRY], ensure_ascii=False),
                        None,
                    )
                    for code, items in by_code.items()
                    for i in range(0, len(items), _PROGRESS_ROWS_PER_ENTRY)
                ],
            )
        )

    def enqueue_postal(
        self,
        order: OrderRecord,
        *,
        kind: PostalOrderKind | str,
        dossier_code: str,
    ) -> int:
        """Record a VNPost order for delivery (durable when this returns).

        A worker with a postal client sends it (:class:`OutboxWorker` ``postal=``) and records
        VNPost's answer in the same step as it removes the entry (:meth:`postal_orders`), so
        that an order is recorded once. A crash between VNPost's acceptance and that step
        makes the order be sent again: VNPost answers ``"101"`` for the number it holds and
        no second pickup is created.

        An order whose number is already waiting or in flight is not queued twice: its entry
        id is returned.

        Args:
            order: the order (:meth:`~onestop.connectors.PostalClient.pickup_order` or
                :meth:`~onestop.connectors.PostalClient.delivery_order`).
            kind: ``"pickup"`` or ``"delivery"``.
            dossier_code: the dossier the order belongs to.

        Raises:
            InvalidInputError: not an :class:`~onestop.connectors.OrderRecord`, an unknown
                kind or an empty dossier code.
        """
        if not isinstance(order, OrderRecord):
            raise InvalidInputError(
                f"order: expected an OrderRecord (PostalClient.pickup_order(...)), got "
                f"{type(order).__name__}",
                field="order",
            )
        order_kind = PostalOrderKind(kind)
        code: object = dossier_code
        if not isinstance(code, str) or not code.strip():
            raise InvalidInputError(
                "dossier_code: expected the code of the dossier the order belongs to",
                field="dossier_code",
            )
        payload = json.dumps(
            {"kind": order_kind.value, "order": order.to_wire()}, ensure_ascii=False
        )
        number = order.order_number

        def do(db: sqlite3.Connection) -> int:
            row = db.execute(
                "SELECT id FROM outbox WHERE order_number = ? AND kind = 'postal' "
                "AND state IN ('pending', 'in_flight') ORDER BY id LIMIT 1",
                (number,),
            ).fetchone()
            if row is not None:
                return int(row[0])
            entry_id = self._put(db, str(code).strip(), "postal", payload, None)
            db.execute("UPDATE outbox SET order_number = ? WHERE id = ?", (number, entry_id))
            return entry_id

        return int(self._run("enqueue", do))

    def postal_orders(self, dossier_code: str | None = None) -> list[SentPostalOrder]:
        """The VNPost orders the outbox delivered (of one dossier, or all), oldest first."""
        if self.read_only and not self._has_postal_table():
            return []
        sql = (
            "SELECT order_number, dossier_code, kind, status, duplicate, sent_at "
            "FROM outbox_postal_orders"
        )
        params: tuple[str, ...] = ()
        if dossier_code is not None:
            sql += " WHERE dossier_code = ?"
            params = (dossier_code,)
        rows = self._run(
            "postal_orders",
            lambda db: db.execute(sql + " ORDER BY sent_at, order_number", params).fetchall(),
            write=False,
        )
        return [SentPostalOrder(r[0], r[1], r[2], r[3], bool(r[4]), float(r[5])) for r in rows]

    def _has_postal_table(self) -> bool:
        row = self._run(
            "postal_orders",
            lambda db: db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox_postal_orders'"
            ).fetchone(),
            write=False,
        )
        return row is not None

    # ----------------------------------------------------------------- worker side

    @staticmethod
    def new_owner() -> str:
        """A worker identity: ``host:pid:token``."""
        return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

    def _recover_in(self, db: sqlite3.Connection, now: float) -> int:
        host = socket.gethostname()
        stale: list[int] = []
        for entry_id, owner, lease_until in db.execute(
            "SELECT id, owner, lease_until FROM outbox WHERE state = 'in_flight'"
        ).fetchall():
            owner_host, _, rest = str(owner or "").partition(":")
            pid_text = rest.partition(":")[0]
            gone = owner_host == host and pid_text.isdigit() and not _pid_alive(int(pid_text))
            if gone or lease_until is None or lease_until < now:
                stale.append(entry_id)
        db.executemany(
            "UPDATE outbox SET state = 'pending', owner = NULL, lease_until = NULL, "
            "updated_at = ? WHERE id = ?",
            [(now, i) for i in stale],
        )
        return len(stale)

    def recover(self) -> int:
        """Give back in-flight entries whose worker died or whose lease expired.

        Workers call this on start, and :meth:`claim` does it at most once a second; returns
        the number recovered.
        """
        now = self._clock()
        count = int(self._run("recover", lambda db: self._recover_in(db, now)))
        if count:
            logger.info("outbox: recovered %d in-flight entr(y/ies) of dead workers", count)
        return count

    def claim(
        self, limit: int, owner: str, *, kinds: Sequence[str] | None = None
    ) -> list[OutboxEntry]:
        """Lease up to ``limit`` due entries, at most one per dossier and channel, oldest first.

        Entries of one dossier are delivered in order within their channel: the portal's
        (dossier states and progress rows) and VNPost's (postal orders); the two channels do
        not wait for each other. Each claimed entry has its attempt count increased (so an
        entry that crashes its worker also ends as a dead letter).

        Args:
            limit: the most entries claimed.
            owner: the claiming worker (:meth:`new_owner`).
            kinds: the entry kinds the worker can deliver (default: every kind).
        """
        now = self._clock()
        wanted = tuple(kinds) if kinds is not None else (*_PORTAL_KINDS, *_POSTAL_KINDS)
        unknown = set(wanted) - {*_PORTAL_KINDS, *_POSTAL_KINDS}
        if unknown or not wanted:
            raise InvalidInputError(
                f"kinds: expected some of 'dossier', 'progress', 'postal', got {list(wanted)!r}",
                field="kinds",
            )
        marks = ", ".join("?" * len(wanted))

        check = now - self._last_recovery >= _RECOVERY_INTERVAL

        def do(db: sqlite3.Connection) -> list[OutboxEntry]:
            if check:  # at most once a second: entries of dead workers, expired leases
                self._recover_in(db, now)
            rows = db.execute(
                "SELECT o.id, o.dossier_code, o.kind, o.payload, o.attempts, "  # noqa: S608 - "?" only
                "EXISTS (SELECT 1 FROM outbox_synced s WHERE s.dossier_code = o.dossier_code), "
                "o.order_number "
                "FROM outbox o "
                f"WHERE o.state = 'pending' AND o.next_attempt_at <= ? AND o.kind IN ({marks}) "
                "AND NOT EXISTS ("
                "  SELECT 1 FROM outbox p WHERE p.dossier_code = o.dossier_code AND p.id < o.id"
                "  AND p.state IN ('pending', 'in_flight')"
                "  AND (p.kind = 'postal') = (o.kind = 'postal')) "
                "ORDER BY o.id LIMIT ?",
                (now, *wanted, limit),
            ).fetchall()
            lease = now + self.policy.lease_seconds
            db.executemany(
                "UPDATE outbox SET state = 'in_flight', owner = ?, lease_until = ?, "
                "attempts = attempts + 1, updated_at = ? WHERE id = ?",
                [(owner, lease, now, r[0]) for r in rows],
            )
            return [
                OutboxEntry(r[0], r[1], r[2], r[3], r[4] + 1, bool(r[5]), owner, lease, r[6])
                for r in rows
            ]

        entries = list(self._run("claim", do))
        if check:
            self._last_recovery = now
        return entries

    def ensure_lease(self, entry: OutboxEntry, seconds: float) -> OutboxEntry | None:
        """Keep ``entry`` leased for at least ``seconds`` more, renewing the lease if needed.

        A worker that claimed several entries calls this before each delivery, so that an
        entry never waits past its lease while the ones before it are sent (another worker
        could otherwise take it over and two workers would send it).

        Returns:
            The entry (with its new ``lease_until`` when renewed), or ``None`` when its lease
            was taken over by another worker, which then delivers it.
        """
        now = self._clock()
        if entry.lease_until - now >= seconds:
            return entry
        lease = now + max(seconds, self.policy.lease_seconds)
        renewed = self._run(
            "renew",
            lambda db: (
                db.execute(
                    "UPDATE outbox SET lease_until = ?, updated_at = ? WHERE id = ? "
                    "AND state = 'in_flight' AND owner = ?",
                    (lease, now, entry.id, entry.owner),
                ).rowcount
            ),
        )
        return attrs.evolve(entry, lease_until=lease) if renewed else None

    def complete(self, entry: OutboxEntry, *, postal: OrderResult | None = None) -> None:
        """Remove a delivered entry, count it, and remember what the service now holds.

        For a dossier state: that the portal holds the dossier. For a postal order: VNPost's
        answer (``postal``), recorded in the same transaction as the entry's removal (see
        :meth:`postal_orders`; a number already recorded keeps its first record). Nothing
        happens if the lease was taken over by another worker meanwhile (that worker completes
        it; delivering twice is harmless).
        """
        now = self._clock()

        def do(db: sqlite3.Connection) -> None:
            cursor = db.execute(
                "DELETE FROM outbox WHERE id = ? AND state = 'in_flight' AND owner = ?",
                (entry.id, entry.owner),
            )
            if cursor.rowcount:
                db.execute(
                    "UPDATE outbox_meta SET value = CAST(value AS INTEGER) + 1 "
                    "WHERE key = 'delivered'"
                )
                if entry.kind == "postal" and postal is not None:
                    kind, _ = entry.postal_order()
                    db.execute(
                        "INSERT INTO outbox_postal_orders VALUES (?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (order_number) DO NOTHING",
                        (
                            postal.order_number,
                            entry.dossier_code,
                            kind,
                            postal.status,
                            int(postal.duplicate),
                            now,
                        ),
                    )
            if entry.kind == "dossier":
                db.execute(
                    "INSERT INTO outbox_synced VALUES (?, ?) ON CONFLICT (dossier_code) "
                    "DO UPDATE SET last_id = max(last_id, excluded.last_id)",
                    (entry.dossier_code, entry.id),
                )

        self._run("complete", do)

    def fail(self, entry: OutboxEntry, error: BaseException) -> Literal["retry", "dead"]:
        """Record a failed delivery: schedule a retry, or make the entry a dead letter.

        Errors that retrying cannot fix (bad data, a 4xx, an unexpected answer) go to the dead
        letters at once; transport errors, 5xx, 429 (after its ``Retry-After``) and
        authentication problems are retried, by :func:`~onestop.connectors.should_retry` under
        ``policy.retry``, until its ``attempts`` are used.
        """
        if isinstance(error, OneStopError):
            reason = f"{error.code}: {error.message}"
            retryable = is_retryable(error, idempotent=True) or isinstance(
                error, AuthenticationError
            )
        else:
            reason = f"internal_error: {type(error).__name__}"
            retryable = True
        reason = reason[:_REASON_LIMIT]
        delay = should_retry(
            error,
            attempt=entry.attempts,
            elapsed=None,
            idempotent=True,
            policy=self.policy.retry,
            jitter=self._rng.random(),
            testing=testing_mode(),
            retryable=retryable,
        )
        dead = delay is None
        now = self._clock()
        self._run(
            "fail",
            lambda db: db.execute(
                "UPDATE outbox SET state = ?, owner = NULL, lease_until = NULL, last_error = ?, "
                "next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'in_flight' "
                "AND owner = ?",
                (
                    "dead" if dead else "pending",
                    reason,
                    now + (delay or 0.0),
                    now,
                    entry.id,
                    entry.owner,
                ),
            ),
        )
        if dead:
            logger.warning(
                "outbox: entry %d (%s) is a dead letter after %d attempt(s): %s",
                entry.id,
                entry.kind,
                entry.attempts,
                reason.split(":", 1)[0],
            )
            return "dead"
        return "retry"

    # ----------------------------------------------------------------- inspection

    def stats(self) -> OutboxStats:
        """The counters (pending, in flight, retrying, dead, delivered, age of the oldest)."""
        now = self._clock()

        def do(db: sqlite3.Connection) -> OutboxStats:
            counts = dict(
                db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall()
            )
            oldest = db.execute(
                "SELECT MIN(enqueued_at) FROM outbox WHERE state IN ('pending', 'in_flight')"
            ).fetchone()[0]
            delivered = db.execute(
                "SELECT value FROM outbox_meta WHERE key = 'delivered'"
            ).fetchone()
            retrying = db.execute(
                "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND attempts > 0"
            ).fetchone()[0]
            return OutboxStats(
                pending=int(counts.get("pending", 0)),
                in_flight=int(counts.get("in_flight", 0)),
                dead=int(counts.get("dead", 0)),
                delivered=int(
                    self._stored_number(
                        None if delivered is None else delivered[0], "the 'delivered' counter"
                    )
                ),
                oldest_age=None
                if oldest is None
                else max(0.0, now - self._stored_number(oldest, "an entry's enqueued_at")),
                retrying=int(retrying),
            )

        stats: OutboxStats = self._run("stats", do, write=False)
        return stats

    def _stored_number(self, value: object, what: str) -> float:
        """A number read back from the file; a value changed outside onestop is an error.

        The value itself is not quoted: it could be anything, personal data included.
        """
        number: object = value
        if isinstance(value, str) and len(value) < 40:
            try:
                number = float(value)
            except ValueError:
                number = None
        if (
            isinstance(number, int | float)
            and not isinstance(number, bool)
            and math.isfinite(number)
        ):
            return float(number)
        raise OutboxError(
            f"outbox: {what} in {self.path!r} is not a number (the file was changed outside "
            "onestop); restore it from a backup, or fix the value with sqlite3"
        )

    def next_due_in(self, *, kinds: Sequence[str] | None = None) -> float | None:
        """Seconds until the next pending entry is due (0 if one is due now; ``None`` if none).

        Args:
            kinds: count only entries of these kinds (a worker's channels); default all.
        """
        sql, params = self._of_kinds(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'", kinds
        )
        row = self._run("stats", lambda db: db.execute(sql, params).fetchone(), write=False)
        if row is None or row[0] is None:
            return None
        return max(0.0, float(row[0]) - self._clock())

    def unfinished(self, *, kinds: Sequence[str] | None = None) -> int:
        """Entries pending or in flight (of ``kinds`` only, when given)."""
        sql, params = self._of_kinds(
            "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'in_flight')", kinds
        )
        row = self._run("stats", lambda db: db.execute(sql, params).fetchone(), write=False)
        return int(row[0])

    @staticmethod
    def _of_kinds(sql: str, kinds: Sequence[str] | None) -> tuple[str, tuple[str, ...]]:
        """``sql`` narrowed to entries of ``kinds`` (a fixed list of placeholders)."""
        if kinds is None:
            return sql, ()
        wanted = tuple(kinds)
        return sql + " AND kind IN (" + ", ".join("?" * len(wanted)) + ")", wanted

    def dead_letters(self, *, limit: int = 100) -> list[DeadLetter]:
        """The dead letters, oldest first."""
        rows = self._run(
            "dead_letters",
            lambda db: db.execute(
                "SELECT id, dossier_code, kind, attempts, COALESCE(last_error, ''), enqueued_at "
                "FROM outbox WHERE state = 'dead' ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall(),
            write=False,
        )
        return [DeadLetter(*r) for r in rows]

    def retrying(self, *, limit: int = 100) -> list[RetryingEntry]:
        """The waiting entries whose last try failed, oldest first, with their last error.

        These are what the ``retrying`` counter of :meth:`stats` counts.
        """
        rows = self._run(
            "retrying",
            lambda db: db.execute(
                "SELECT id, dossier_code, kind, attempts, last_error, next_attempt_at "
                "FROM outbox WHERE state = 'pending' AND attempts > 0 ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall(),
            write=False,
        )
        return [RetryingEntry(*r) for r in rows]

    def requeue_dead(self, ids: Iterable[int] | None = None) -> int:
        """Put dead letters back in the queue with a fresh attempt count; returns how many.

        A dead dossier state older than a state already delivered is dropped instead: sending
        it again would move the portal back to an old status.

        Args:
            ids: the entries to requeue (default: every dead letter).
        """
        now = self._clock()
        selected = None if ids is None else list(ids)

        def do(db: sqlite3.Connection) -> int:
            superseded = db.execute(
                "DELETE FROM outbox WHERE state = 'dead' AND kind = 'dossier' AND id < ("
                "SELECT last_id FROM outbox_synced s WHERE s.dossier_code = outbox.dossier_code)"
            ).rowcount
            if superseded:
                logger.info("outbox: dropped %d superseded dead letter(s)", superseded)
            sql = (
                "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, "
                "updated_at = ? WHERE state = 'dead'"
            )
            if selected is None:
                return db.execute(sql, (now, now)).rowcount
            return sum(db.execute(sql + " AND id = ?", (now, now, i)).rowcount for i in selected)

        return int(self._run("requeue", do))

    def source(self, entry_id: int) -> str | None:
        """The serialized domain dossier stored with an entry (``None`` for wire-only entries)."""
        row = self._run(
            "source",
            lambda db: db.execute("SELECT source FROM outbox WHERE id = ?", (entry_id,)).fetchone(),
            write=False,
        )
        return None if row is None else row[0]


#: When a worker run stops: nothing due now, nothing left at all, or never (follow mode).
StopWhen = Literal["idle", "empty", "never"]


def _finished(
    outbox: Outbox, stop_when: StopWhen, *, claimed_nothing: bool, kinds: Sequence[str]
) -> bool:
    """Whether a worker delivering ``kinds`` has reached its stop condition."""
    if stop_when == "never" or not claimed_nothing:
        return False
    if stop_when == "idle":
        due = outbox.next_due_in(kinds=kinds)
        return due is None or due > 0
    return outbox.unfinished(kinds=kinds) == 0


def _delivery_budget(outbox: Outbox, *clients: object) -> float | None:
    """The longest one delivery can take with ``clients``; refused if the lease is shorter.

    A delivery that outlives its lease could be taken over by another worker while it is
    still being sent, and an old state could then reach the portal after a newer one. The
    bound is a portal client's :attr:`~onestop.connectors.PortalClient.max_upsert_seconds`
    (``retry.total_timeout`` plus four calls of ``timeout`` each: the longest upsert; a
    progress entry is one call, which takes less) and a postal client's
    :attr:`~onestop.connectors.PostalClient.max_send_seconds` (``retry.total_timeout`` plus
    one call). A client without either attribute (a test double) is not checked.

    Raises:
        ConfigurationError: a bound is not below ``outbox.policy.lease_seconds``.
    """
    longest: float | None = None
    for client in clients:
        if client is None:
            continue
        budget = getattr(client, "max_upsert_seconds", None)
        how = "its RetryPolicy.total_timeout plus 4 calls of its timeout each"
        if budget is None:
            budget = getattr(client, "max_send_seconds", None)
            how = "its RetryPolicy.total_timeout plus one call of its timeout"
        if not _is_seconds(budget):
            continue
        seconds = float(budget)  # type: ignore[arg-type]
        lease = outbox.policy.lease_seconds
        if seconds >= lease:
            raise ConfigurationError(
                f"lease_seconds: one delivery may take up to {seconds:g} s with this client "
                f"({how}), which is not below the outbox lease of {lease:g} s, so another "
                "worker could take an entry over while it is still being sent; give "
                "OutboxPolicy(lease_seconds=...) more than that, or lower the client's timeout "
                "(--timeout) or total_timeout",
                field="lease_seconds",
            )
        longest = seconds if longest is None else max(longest, seconds)
    return longest


def _worker_kinds(portal: object, postal: object) -> tuple[str, ...]:
    """The entry kinds a worker with these clients delivers; at least one client is needed."""
    if portal is None and postal is None:
        raise ConfigurationError(
            "client: a worker needs a portal client, a postal client (postal=), or both",
            field="client",
        )
    return (*(_PORTAL_KINDS if portal is not None else ()), *(_POSTAL_KINDS if postal else ()))


def _check_worker(outbox: object, name: str, count: object, poll_interval: object) -> None:
    if not isinstance(outbox, Outbox):
        raise ConfigurationError(
            f"outbox: expected an Outbox, got {type(outbox).__name__}", field="outbox"
        )
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ConfigurationError(f"{name}: must be at least 1, got {count!r}", field=name)
    if not _is_seconds(poll_interval):
        raise ConfigurationError(
            f"poll_interval: expected a finite number of seconds (at least 0), "
            f"got {poll_interval!r}",
            field="poll_interval",
        )


class OutboxWorker:
    """Drains an :class:`Outbox` with a :class:`PortalClient` and/or a :class:`PostalClient`.

    One entry at a time: dossier states and progress rows go to the portal (``client``),
    postal orders to VNPost (``postal``); a worker claims only the kinds it has a client for.

    Args:
        outbox: the outbox.
        client: the portal client, or ``None`` for a postal-only worker.
        postal: the postal client, for postal orders.
        batch_size: entries claimed per round (each one's lease is renewed before it is sent
            if the ones before it took long).
        poll_interval: seconds between polls when nothing is due.

    Raises:
        ConfigurationError: a bad argument, no client at all, or a client whose longest
            delivery (``max_upsert_seconds``, ``max_send_seconds``) is not below the lease.
    """

    def __init__(
        self,
        outbox: Outbox,
        client: PortalClient | None = None,
        *,
        postal: PostalClient | None = None,
        batch_size: int = 20,
        poll_interval: float = 1.0,
    ) -> None:
        _check_worker(outbox, "batch_size", batch_size, poll_interval)
        self._kinds = _worker_kinds(client, postal)
        self._budget = _delivery_budget(outbox, client, postal)
        self.outbox = outbox
        self.client = client
        self.postal = postal
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.owner = Outbox.new_owner()

    def _deliver(self, entry: OutboxEntry) -> OrderResult | None:
        if entry.kind == "postal":
            if self.postal is None:  # pragma: no cover - such entries are never claimed
                raise ConfigurationError("postal: no postal client", field="postal")
            return self.postal.send_order(entry.postal_order()[1])
        if self.client is None:  # pragma: no cover - such entries are never claimed
            raise ConfigurationError("client: no portal client", field="client")
        if entry.kind == "dossier":
            self.client.upsert_dossier(entry.record(), known_to_exist=entry.known_to_exist)
        else:
            self.client.push_progress(entry.progress_rows())
        return None

    def run_once(self, report: WorkerReport | None = None) -> int:
        """Claim one batch and deliver it; returns how many entries were claimed."""
        report = report if report is not None else WorkerReport()
        entries = self.outbox.claim(self.batch_size, owner=self.owner, kinds=self._kinds)
        for claimed in entries:
            # Entries wait for the ones before them: renew a lease that could end mid-send.
            entry = claimed
            if self._budget is not None:
                kept = self.outbox.ensure_lease(claimed, self._budget)
                if kept is None:
                    continue  # taken over by another worker, which delivers it
                entry = kept
            try:
                result = self._deliver(entry)
            except Exception as exc:
                if self.outbox.fail(entry, exc) == "dead":
                    report.dead += 1
                else:
                    report.retried += 1
            else:
                self.outbox.complete(entry, postal=result)
                report.delivered += 1
        return len(entries)

    def run(
        self,
        *,
        stop_when: StopWhen = "idle",
        max_seconds: float | None = None,
        stop_event: threading.Event | None = None,
    ) -> WorkerReport:
        """Deliver entries until a stop condition.

        Args:
            stop_when: ``"idle"`` (nothing due now), ``"empty"`` (nothing pending or in flight)
                or ``"never"`` (follow mode).
            max_seconds: stop after this long (entries in flight are finished first).
            stop_event: stop when this event is set.

        Returns:
            The counts of this run.
        """
        report = WorkerReport()
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        self.outbox.recover()
        while not (stop_event is not None and stop_event.is_set()):
            if deadline is not None and time.monotonic() >= deadline:
                break
            claimed = self.run_once(report)
            if _finished(self.outbox, stop_when, claimed_nothing=claimed == 0, kinds=self._kinds):
                break
            if claimed == 0:
                due = self.outbox.next_due_in(kinds=self._kinds)
                wait = self.poll_interval if due is None else min(self.poll_interval, due)
                if stop_event is not None:
                    stop_event.wait(wait)
                else:
                    time.sleep(wait)
        return report


class AsyncOutboxWorker:
    """Drains an :class:`Outbox` with async clients, ``concurrency`` deliveries at a time.

    Entries of different dossiers are delivered concurrently; entries of one dossier and
    channel never are. As :class:`OutboxWorker`, it claims the kinds it has a client for.

    Args:
        outbox: the outbox.
        client: the async portal client, or ``None`` for a postal-only worker.
        postal: the async postal client, for postal orders.
        concurrency: deliveries in flight at most.
        poll_interval: seconds between polls when nothing is due.

    Raises:
        ConfigurationError: a bad argument, no client at all, or a client whose longest
            delivery is not below the outbox lease.
    """

    def __init__(
        self,
        outbox: Outbox,
        client: AsyncPortalClient | None = None,
        *,
        postal: AsyncPostalClient | None = None,
        concurrency: int = 16,
        poll_interval: float = 1.0,
    ) -> None:
        _check_worker(outbox, "concurrency", concurrency, poll_interval)
        self._kinds = _worker_kinds(client, postal)
        _delivery_budget(outbox, client, postal)
        self.outbox = outbox
        self.client = client
        self.postal = postal
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.owner = Outbox.new_owner()

    @staticmethod
    async def _db(fn: Callable[..., _T], *args: Any) -> _T:
        """Run a (possibly fsync-bound) outbox call in a worker thread, off the event loop."""
        import anyio.to_thread

        return await anyio.to_thread.run_sync(fn, *args)

    async def _deliver(
        self, entry: OutboxEntry, report: WorkerReport, done: Callable[[], None]
    ) -> None:
        result: OrderResult | None = None
        try:
            if entry.kind == "postal":
                if self.postal is None:  # pragma: no cover - such entries are never claimed
                    raise ConfigurationError("postal: no postal client", field="postal")
                result = await self.postal.send_order(entry.postal_order()[1])
            elif self.client is None:  # pragma: no cover - such entries are never claimed
                raise ConfigurationError("client: no portal client", field="client")
            elif entry.kind == "dossier":
                await self.client.upsert_dossier(
                    entry.record(), known_to_exist=entry.known_to_exist
                )
            else:
                await self.client.push_progress(entry.progress_rows())
        except Exception as exc:
            if await self._db(self.outbox.fail, entry, exc) == "dead":
                report.dead += 1
            else:
                report.retried += 1
        else:
            await self._db(functools.partial(self.outbox.complete, entry, postal=result))
            report.delivered += 1
        finally:
            done()

    async def run(
        self,
        *,
        stop_when: StopWhen = "idle",
        max_seconds: float | None = None,
        stop_event: threading.Event | None = None,
    ) -> WorkerReport:
        """Deliver until ``stop_when`` (see :meth:`OutboxWorker.run`), time or a stop event.

        ``stop_event`` is checked at least every ``poll_interval``; deliveries in flight finish
        first. SQLite calls run in worker threads so that a slow disk never stalls the event
        loop.

        Returns:
            The counts of this run.
        """
        import anyio

        report = WorkerReport()
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        await self._db(self.outbox.recover)
        in_flight = 0
        wake = anyio.Event()

        def done() -> None:
            nonlocal in_flight
            in_flight -= 1
            wake.set()

        def finished(claimed_nothing: bool) -> bool:  # noqa: FBT001
            return _finished(
                self.outbox, stop_when, claimed_nothing=claimed_nothing, kinds=self._kinds
            )

        async with anyio.create_task_group() as tg:
            while True:
                if deadline is not None and time.monotonic() >= deadline:
                    break
                if stop_event is not None and stop_event.is_set():
                    break
                claimed: list[OutboxEntry] = []
                if in_flight < self.concurrency:
                    claimed = await self._db(
                        functools.partial(
                            self.outbox.claim,
                            self.concurrency - in_flight,
                            self.owner,
                            kinds=self._kinds,
                        )
                    )
                    for entry in claimed:
                        in_flight += 1
                        tg.start_soon(self._deliver, entry, report, done)
                if in_flight == 0 and await self._db(finished, not claimed):
                    break
                if claimed and in_flight < self.concurrency:
                    continue
                due = (
                    await self._db(functools.partial(self.outbox.next_due_in, kinds=self._kinds))
                    if in_flight == 0
                    else None
                )
                wait = self.poll_interval if due is None else min(self.poll_interval, due)
                with anyio.move_on_after(wait):
                    await wake.wait()
                wake = anyio.Event()
        return report
