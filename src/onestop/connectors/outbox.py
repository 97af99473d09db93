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
* **bounded retries**: failures are retried with exponential backoff and jitter; after
  ``max_attempts`` tries, or at once for an error that retrying cannot fix, the entry becomes a
  *dead letter* with the reason, listed by :meth:`~Outbox.dead_letters` and re-queued with
  :meth:`~Outbox.requeue_dead`;
* **crash-safe without duplicates**: a claimed entry is leased to its worker (host, pid and a
  random token). If the worker dies, the entry is recovered (lease expiry, or at once when the
  owning process is gone) and sent again. Sending again is harmless because delivery is
  :meth:`~onestop.connectors.portal.PortalClient.upsert_dossier`, which looks the dossier up
  before creating it and falls back to an update on "đã tồn tại"; progress rows are keyed.

Counters (:meth:`~Outbox.stats`): pending, in flight, retrying, dead, failed (retrying + dead),
delivered, age of the oldest entry.
"""

from __future__ import annotations

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

from onestop.connectors._retry import is_retryable, testing_enabled
from onestop.connectors._wire import DossierRecord, ProgressRecord
from onestop.errors import (
    AuthenticationError,
    ConfigurationError,
    InvalidInputError,
    OneStopError,
    OutboxError,
)

if TYPE_CHECKING:
    from onestop.connectors.portal import AsyncPortalClient, PortalClient
    from onestop.models import Dossier

__all__ = [
    "AsyncOutboxWorker",
    "DeadLetter",
    "Outbox",
    "OutboxEntry",
    "OutboxPolicy",
    "OutboxStats",
    "OutboxWorker",
    "StopWhen",
    "WorkerReport",
]

logger = logging.getLogger("onestop.connectors.outbox")

_T = TypeVar("_T")

_SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('dossier', 'progress')),
    payload TEXT NOT NULL,
    source TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_flight', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    enqueued_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    next_attempt_at REAL NOT NULL,
    lease_until REAL,
    owner TEXT,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_at, id);
CREATE INDEX IF NOT EXISTS outbox_dossier ON outbox (dossier_code, id);
CREATE TABLE IF NOT EXISTS outbox_synced (
    dossier_code TEXT PRIMARY KEY,
    last_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO outbox_meta VALUES ('schema_version', '1');
INSERT OR IGNORE INTO outbox_meta VALUES ('delivered', '0');
"""

_REASON_LIMIT = 500
#: Seconds between two look-ups for entries of dead workers during claims.
_RECOVERY_INTERVAL = 1.0


def _is_seconds(value: object) -> bool:
    """Whether ``value`` is a finite, non-negative number (booleans excluded)."""
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and value >= 0
    )


@attrs.frozen(kw_only=True)
class OutboxPolicy:
    """Retry and lease bounds of the outbox.

    Attributes:
        max_attempts: tries of one entry before it becomes a dead letter.
        initial_backoff: seconds before the second try (before jitter).
        max_backoff: cap of one wait, in seconds.
        lease_seconds: how long a claimed entry belongs to its worker before another may take
            it over (a dead worker's entries on the same host are recovered at once).
    """

    max_attempts: int = attrs.field(default=10)
    initial_backoff: float = attrs.field(default=2.0)
    max_backoff: float = attrs.field(default=300.0)
    lease_seconds: float = attrs.field(default=300.0)

    @max_attempts.validator
    def _check_attempts(self, attribute: attrs.Attribute[int], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigurationError(
                f"{attribute.name}: expected a positive integer, got {value!r}",
                field=attribute.name,
            )

    @initial_backoff.validator
    @max_backoff.validator
    @lease_seconds.validator
    def _check_seconds(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not _is_seconds(value) or (attribute.name == "lease_seconds" and value == 0):
            raise ConfigurationError(
                f"{attribute.name}: expected a finite number of seconds "
                f"({'above' if attribute.name == 'lease_seconds' else 'at least'} 0), "
                f"got {value!r}",
                field=attribute.name,
            )

    def backoff(self, attempts: int, jitter: float) -> float:
        """Seconds to wait after the ``attempts``-th failure (zero in test mode)."""
        if testing_enabled():
            return 0.0
        base = self.initial_backoff * 2.0 ** max(0, attempts - 1)
        return min(self.max_backoff, base * (0.5 + jitter))


@attrs.frozen
class OutboxEntry:
    """A claimed entry, as a worker sees it.

    Attributes:
        id: the entry id (enqueue order).
        dossier_code: the dossier (``MaHoSo``).
        kind: ``"dossier"`` (full state, sent with an upsert) or ``"progress"`` (rows).
        payload: the portal-shaped JSON.
        attempts: tries so far, this one included.
        known_to_exist: the portal confirmed an earlier state of this dossier.
        owner: the worker holding the lease.
    """

    id: int
    dossier_code: str
    kind: Literal["dossier", "progress"]
    payload: str
    attempts: int
    known_to_exist: bool = False
    owner: str = ""

    def record(self) -> DossierRecord:
        """The dossier record of a ``"dossier"`` entry."""
        return DossierRecord.model_validate_json(self.payload)

    def progress_rows(self) -> list[ProgressRecord]:
        """The rows of a ``"progress"`` entry."""
        return [ProgressRecord.model_validate(r) for r in json.loads(self.payload)]


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

    Args:
        path: the database file (created if missing), or ``":memory:"`` for tests.
        policy: retry and lease bounds.
        synchronous: SQLite ``synchronous`` level; ``"FULL"`` survives power loss,
            ``"NORMAL"`` survives a process crash and is faster.
        clock: Unix-time clock, injectable for tests.

    Raises:
        OutboxError: the file cannot be opened or is not an outbox.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        policy: OutboxPolicy | None = None,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        clock: Callable[[], float] = time.time,
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
        self.path = str(path)
        self.policy = policy or OutboxPolicy()
        self._clock = clock
        self._lock = threading.RLock()
        self._rng = random.Random()
        self._last_recovery = float("-inf")
        try:
            fresh = False
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                fresh = not Path(self.path).exists()
            self._db = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute(f"PRAGMA synchronous = {synchronous}")
            self._db.executescript(_SCHEMA)
            if fresh:
                # The outbox holds dossiers (personal data): readable by its owner only.
                Path(self.path).chmod(0o600)
            version = self._db.execute(
                "SELECT value FROM outbox_meta WHERE key = 'schema_version'"
            ).fetchone()
        except (sqlite3.Error, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise OutboxError(
                f"outbox: cannot open {self.path!r} as an outbox database ({reason}); "
                "expected a writable file path",
                field="path",
            ) from exc
        if version is None or version[0] != _SCHEMA_VERSION:
            raise OutboxError(
                f"outbox: {self.path!r} has schema version {version and version[0]!r}, "
                f"expected {_SCHEMA_VERSION}",
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

    def _run(self, what: str, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run ``fn`` in one immediate transaction, mapping SQLite errors to OutboxError."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                raise OutboxError(f"outbox: {what} failed on {self.path!r} ({exc})") from exc

    # ----------------------------------------------------------------- producer side

    @staticmethod
    def _prepare(dossier: Dossier | DossierRecord) -> tuple[str, str, str | None]:
        if isinstance(dossier, DossierRecord):
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
                "AND state IN ('pending', 'in_flight') ORDER BY id DESC LIMIT 1",
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

    def enqueue(self, dossier: Dossier | DossierRecord) -> int:
        """Record the current state of a dossier for delivery (durable when this returns).

        Args:
            dossier: a domain dossier (mapped to the portal record now, so bad data fails here,
                in the caller) or a ready :class:`~onestop.connectors.DossierRecord`.

        Returns:
            The id of the entry holding the state (an existing waiting entry when coalesced).
        """
        code, payload, source = self._prepare(dossier)
        return int(self._run("enqueue", lambda db: self._put(db, code, "dossier", payload, source)))

    def enqueue_many(self, dossiers: Iterable[Dossier | DossierRecord]) -> list[int]:
        """Enqueue several dossier states in one transaction (in the given order)."""
        prepared = [self._prepare(d) for d in dossiers]
        return list(
            self._run(
                "enqueue",
                lambda db: [self._put(db, c, "dossier", p, s) for c, p, s in prepared],
            )
        )

    def enqueue_progress(self, rows: Sequence[ProgressRecord]) -> list[int]:
        """Record progress rows (one entry per dossier, kept in order after its states).

        Raises:
            InvalidInputError: ``rows`` is empty or holds something else than
                :class:`~onestop.connectors.ProgressRecord`.
        """
        given: object = rows
        if isinstance(given, str | bytes) or not rows:
            raise InvalidInputError(
                "rows: no progress rows given; expected at least one ProgressRecord",
                field="rows",
            )
        by_code: dict[str, list[dict[str, Any]]] = {}
        for i, row in enumerate(rows):
            if not isinstance(row, ProgressRecord):
                raise InvalidInputError(
                    f"rows[{i}]: expected a ProgressRecord, got {type(row).__name__}",
                    field=f"rows[{i}]",
                )
            by_code.setdefault(row.code, []).append(row.to_wire())
        return list(
            self._run(
                "enqueue",
                lambda db: [
                    self._put(db, code, "progress", json.dumps(items, ensure_ascii=False), None)
                    for code, items in by_code.items()
                ],
            )
        )

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

    def claim(self, limit: int, owner: str) -> list[OutboxEntry]:
        """Lease up to ``limit`` due entries, at most one per dossier, oldest first.

        Each claimed entry has its attempt count increased (so an entry that crashes its worker
        also ends as a dead letter).
        """
        now = self._clock()

        check = now - self._last_recovery >= _RECOVERY_INTERVAL

        def do(db: sqlite3.Connection) -> list[OutboxEntry]:
            if check:  # at most once a second: entries of dead workers, expired leases
                self._recover_in(db, now)
            rows = db.execute(
                "SELECT o.id, o.dossier_code, o.kind, o.payload, o.attempts, "
                "EXISTS (SELECT 1 FROM outbox_synced s WHERE s.dossier_code = o.dossier_code) "
                "FROM outbox o "
                "WHERE o.state = 'pending' AND o.next_attempt_at <= ? AND NOT EXISTS ("
                "  SELECT 1 FROM outbox p WHERE p.dossier_code = o.dossier_code AND p.id < o.id"
                "  AND p.state IN ('pending', 'in_flight')) "
                "ORDER BY o.id LIMIT ?",
                (now, limit),
            ).fetchall()
            lease = now + self.policy.lease_seconds
            db.executemany(
                "UPDATE outbox SET state = 'in_flight', owner = ?, lease_until = ?, "
                "attempts = attempts + 1, updated_at = ? WHERE id = ?",
                [(owner, lease, now, r[0]) for r in rows],
            )
            return [OutboxEntry(r[0], r[1], r[2], r[3], r[4] + 1, bool(r[5]), owner) for r in rows]

        entries = list(self._run("claim", do))
        if check:
            self._last_recovery = now
        return entries

    def complete(self, entry: OutboxEntry) -> None:
        """Remove a delivered entry, count it, and remember that the portal holds the dossier.

        Nothing happens if the lease was taken over by another worker meanwhile (that worker
        completes it; delivering twice is harmless).
        """

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
        letters at once; transport errors, 5xx, 429 and authentication problems are retried
        until ``policy.max_attempts``.
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
        dead = not retryable or entry.attempts >= self.policy.max_attempts
        now = self._clock()
        delay = self.policy.backoff(entry.attempts, self._rng.random())
        self._run(
            "fail",
            lambda db: db.execute(
                "UPDATE outbox SET state = ?, owner = NULL, lease_until = NULL, last_error = ?, "
                "next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'in_flight' "
                "AND owner = ?",
                ("dead" if dead else "pending", reason, now + delay, now, entry.id, entry.owner),
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
            ).fetchone()[0]
            retrying = db.execute(
                "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND attempts > 0"
            ).fetchone()[0]
            return OutboxStats(
                pending=int(counts.get("pending", 0)),
                in_flight=int(counts.get("in_flight", 0)),
                dead=int(counts.get("dead", 0)),
                delivered=int(delivered),
                oldest_age=None if oldest is None else max(0.0, now - float(oldest)),
                retrying=int(retrying),
            )

        stats: OutboxStats = self._run("stats", do)
        return stats

    def next_due_in(self) -> float | None:
        """Seconds until the next pending entry is due (0 if one is due now; ``None`` if none)."""
        row = self._run(
            "stats",
            lambda db: db.execute(
                "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'"
            ).fetchone(),
        )
        if row is None or row[0] is None:
            return None
        return max(0.0, float(row[0]) - self._clock())

    def dead_letters(self, *, limit: int = 100) -> list[DeadLetter]:
        """The dead letters, oldest first."""
        rows = self._run(
            "dead_letters",
            lambda db: db.execute(
                "SELECT id, dossier_code, kind, attempts, COALESCE(last_error, ''), enqueued_at "
                "FROM outbox WHERE state = 'dead' ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall(),
        )
        return [DeadLetter(*r) for r in rows]

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
        )
        return None if row is None else row[0]


#: When a worker run stops: nothing due now, nothing left at all, or never (follow mode).
StopWhen = Literal["idle", "empty", "never"]


def _finished(outbox: Outbox, stop_when: StopWhen, *, claimed_nothing: bool) -> bool:
    if stop_when == "never" or not claimed_nothing:
        return False
    if stop_when == "idle":
        due = outbox.next_due_in()
        return due is None or due > 0
    stats = outbox.stats()
    return stats.pending == 0 and stats.in_flight == 0


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
    """Drains an :class:`Outbox` to the portal with a :class:`PortalClient`, one entry at a time.

    Args:
        outbox: the outbox.
        client: the portal client.
        batch_size: entries claimed per round.
        poll_interval: seconds between polls when nothing is due.
    """

    def __init__(
        self,
        outbox: Outbox,
        client: PortalClient,
        *,
        batch_size: int = 20,
        poll_interval: float = 1.0,
    ) -> None:
        _check_worker(outbox, "batch_size", batch_size, poll_interval)
        self.outbox = outbox
        self.client = client
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.owner = Outbox.new_owner()

    def _deliver(self, entry: OutboxEntry) -> None:
        if entry.kind == "dossier":
            self.client.upsert_dossier(entry.record(), known_to_exist=entry.known_to_exist)
        else:
            self.client.push_progress(entry.progress_rows())

    def run_once(self, report: WorkerReport | None = None) -> int:
        """Claim one batch and deliver it; returns how many entries were claimed."""
        report = report if report is not None else WorkerReport()
        entries = self.outbox.claim(self.batch_size, owner=self.owner)
        for entry in entries:
            try:
                self._deliver(entry)
            except Exception as exc:
                if self.outbox.fail(entry, exc) == "dead":
                    report.dead += 1
                else:
                    report.retried += 1
            else:
                self.outbox.complete(entry)
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
            if _finished(self.outbox, stop_when, claimed_nothing=claimed == 0):
                break
            if claimed == 0:
                due = self.outbox.next_due_in()
                wait = self.poll_interval if due is None else min(self.poll_interval, due)
                if stop_event is not None:
                    stop_event.wait(wait)
                else:
                    time.sleep(wait)
        return report


class AsyncOutboxWorker:
    """Drains an :class:`Outbox` with an :class:`AsyncPortalClient`, ``concurrency`` at a time.

    Entries of different dossiers are delivered concurrently; entries of one dossier never are.

    Args:
        outbox: the outbox.
        client: the async portal client.
        concurrency: deliveries in flight at most.
        poll_interval: seconds between polls when nothing is due.
    """

    def __init__(
        self,
        outbox: Outbox,
        client: AsyncPortalClient,
        *,
        concurrency: int = 16,
        poll_interval: float = 1.0,
    ) -> None:
        _check_worker(outbox, "concurrency", concurrency, poll_interval)
        self.outbox = outbox
        self.client = client
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
        try:
            if entry.kind == "dossier":
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
            await self._db(self.outbox.complete, entry)
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
            return _finished(self.outbox, stop_when, claimed_nothing=claimed_nothing)

        async with anyio.create_task_group() as tg:
            while True:
                if deadline is not None and time.monotonic() >= deadline:
                    break
                if stop_event is not None and stop_event.is_set():
                    break
                claimed: list[OutboxEntry] = []
                if in_flight < self.concurrency:
                    claimed = await self._db(
                        self.outbox.claim, self.concurrency - in_flight, self.owner
                    )
                    for entry in claimed:
                        in_flight += 1
                        tg.start_soon(self._deliver, entry, report, done)
                if in_flight == 0 and await self._db(finished, not claimed):
                    break
                if claimed and in_flight < self.concurrency:
                    continue
                due = await self._db(self.outbox.next_due_in) if in_flight == 0 else None
                wait = self.poll_interval if due is None else min(self.poll_interval, due)
                with anyio.move_on_after(wait):
                    await wake.wait()
                wake = anyio.Event()
        return report
