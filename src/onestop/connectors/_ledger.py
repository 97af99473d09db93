"""The payment ledger: online payments recorded durably, IPNs and QUERY answers applied once.

A one-stop system opens a transaction (:meth:`PaymentLedger.open`) *before* it sends the INIT,
so that the reference is known whatever happens next; the platform's outcome arrives by IPN
(:meth:`PaymentLedger.handle_ipn` in the web handler) or by a QUERY of the reconciliation
(:meth:`~onestop.connectors.PaymentClient.reconcile`), and each is applied by
:meth:`PaymentLedger.apply_ipn` / :meth:`PaymentLedger.apply_query` in one SQLite transaction
that checks, changes the state and writes one event:

* **forged or wrong messages are refused** (:class:`~onestop.errors.PaymentRejectedError`,
  nothing recorded): a malformed body, a checksum that does not match (a field changed, or
  another secret), another partner code, an unknown reference, an amount or a currency that
  differs from the pending transaction's;
* **a repeated genuine message is acknowledged without a second change** (the same outcome
  again: :attr:`IpnOutcome.duplicate`); a late genuine failure after a recorded success is
  acknowledged and not applied (:attr:`IpnOutcome.stale`): a success never changes;
* **concurrent deliveries** of one IPN serialize on SQLite's write lock, so exactly one
  applies it, whatever the number of workers or processes;
* with the HMAC checksum variant, which does not cover ``MaLoi``, an IPN is not trusted for
  the outcome: it is acknowledged, left pending and marked for a QUERY
  (:attr:`IpnOutcome.needs_query`).

The file is owner-only and its secret is never in an error, a log or a ``repr``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal, Self

import attrs

from onestop.connectors._payment_protocol import (
    ChecksumAlgorithm,
    IpnVerification,
    QueryResult,
    check_algorithm,
    ipn_reply,
    verify_ipn,
)
from onestop.connectors._sqlite import is_locked, restrict_files
from onestop.errors import (
    ConfigurationError,
    InvalidInputError,
    PaymentProblem,
    PaymentRejectedError,
    StorageError,
)
from onestop.models import OnlinePayment, OnlinePaymentState
from onestop.tz import VN_TZ, require_aware

__all__ = ["IpnOutcome", "LedgerEvent", "PaymentLedger", "ReconcileReport", "new_reference"]

logger = logging.getLogger("onestop.connectors.payment")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS payments (
    reference TEXT PRIMARY KEY,
    dossier_code TEXT NOT NULL,
    payment TEXT NOT NULL,
    state TEXT NOT NULL,
    initiated_at REAL NOT NULL,
    payment_url TEXT,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_pending ON payments (state, initiated_at);
CREATE INDEX IF NOT EXISTS payments_dossier ON payments (dossier_code);
CREATE TABLE IF NOT EXISTS payment_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL,
    at REAL NOT NULL,
    source TEXT NOT NULL,
    state TEXT NOT NULL,
    applied INTEGER NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payment_events_reference ON payment_events (reference, id);
CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO ledger_meta VALUES ('schema_version', '1');
"""
_SCHEMA_VERSION = "1"

_NOT_WORD = re.compile(r"\W")


def new_reference(dossier_code: str, *, at: dt.datetime) -> str:
    """A fresh transaction reference (``MaThamChieu``) for a dossier.

    TD.DichVuCongApi's form, ``"dvc"`` + the dossier code without punctuation + the time
    (``yyyyMMddHHmmss``, Vietnam time), followed by 4 random hex digits so that two INITs of
    one dossier in the same second never share a reference.

    Example:
        >>> import datetime as dt
        >>> from onestop.tz import VN_TZ
        >>> ref = new_reference("H56.14-260316-0001", at=dt.datetime(2026, 3, 16, 9, tzinfo=VN_TZ))
        >>> ref[:31]
        'dvcH5614260316000120260316090000'
    """
    moment = require_aware(at, field="at").astimezone(VN_TZ)
    code = _NOT_WORD.sub("", str(dossier_code))[:60]
    return f"dvc{code}{moment:%Y%m%d%H%M%S}{secrets.token_hex(2)}"


@attrs.frozen
class IpnOutcome:
    """What the ledger did with an IPN or a QUERY answer, and what to answer the platform.

    Attributes:
        reference: the transaction.
        state: its state after the message.
        applied: the message changed the state now (exactly one message per change).
        duplicate: the same outcome was already recorded (a repeated message).
        stale: a failure arrived after a recorded success: acknowledged, not applied.
        needs_query: the IPN's checksum does not cover its outcome (HMAC variant): nothing
            applied; confirm with a QUERY.
        http_status: the HTTP status to answer an IPN with (200).
        reply: the JSON body to answer an IPN with.
    """

    reference: str
    state: OnlinePaymentState
    applied: bool
    duplicate: bool = False
    stale: bool = False
    needs_query: bool = False
    http_status: int = 200
    reply: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class LedgerEvent:
    """One message the ledger accepted for a transaction.

    Attributes:
        reference: the transaction.
        at: when (Unix time of the ledger's clock).
        source: ``"ipn"`` or ``"query"``.
        state: the outcome the message reported.
        applied: whether it changed the state.
        note: ``"applied"``, ``"duplicate"``, ``"stale"`` or ``"needs_query"``.
    """

    reference: str
    at: float
    source: str
    state: str
    applied: bool
    note: str


@attrs.define
class ReconcileReport:
    """What a reconciliation run did.

    Attributes:
        queried: transactions asked about.
        settled: of those, the ones whose outcome was applied now.
        still_pending: the platform is not sure yet (``TrangThaiGD`` 3).
        failed: queries that failed (the transaction stays pending; tried next run).
        rejected: answers refused (amount, currency, partner or reference mismatch).
    """

    queried: int = 0
    settled: int = 0
    still_pending: int = 0
    failed: int = 0
    rejected: int = 0

    def to_dict(self) -> dict[str, int]:
        """JSON-ready counts."""
        return attrs.asdict(self)


class PaymentLedger:
    """The durable record of online payments (SQLite; see the module documentation).

    Args:
        path: the database file (created owner-only if missing), or ``":memory:"``.
        partner_code: this deployment's ``MaDoiTac``.
        secret: the secret shared with the platform (never shown).
        algorithm: the checksum algorithm (``"sha256-secret"`` or ``"hmac-sha256"``).
        clock: Unix-time clock (injectable for tests).
        synchronous: SQLite ``synchronous``; ``"FULL"`` survives a power cut.
        lock_timeout: seconds to wait for another process's lock.

    Raises:
        ConfigurationError: an empty partner code or secret, an unknown algorithm.
        StorageError: the file cannot be opened as a ledger.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        partner_code: str,
        secret: str,
        algorithm: ChecksumAlgorithm = "sha256-secret",
        clock: Callable[[], float] = time.time,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        lock_timeout: float = 30.0,
    ) -> None:
        for name, value in (("partner_code", partner_code), ("secret", secret)):
            given: object = value
            if not isinstance(given, str) or not given.strip():
                raise ConfigurationError(
                    f"{name}: empty; expected the payment platform's {name.replace('_', ' ')}",
                    field=name,
                )
        if synchronous not in ("FULL", "NORMAL"):
            raise ConfigurationError(
                f"synchronous: expected 'FULL' or 'NORMAL', got {synchronous!r}",
                field="synchronous",
            )
        self.algorithm = check_algorithm(algorithm)
        self.partner_code = partner_code.strip()
        self._secret = secret
        self.path = str(path)
        self._clock = clock
        self._lock = threading.RLock()
        try:
            if self.path != ":memory:":
                restrict_files(self.path, what="payment ledger")
            self._db = sqlite3.connect(
                self.path, timeout=lock_timeout, isolation_level=None, check_same_thread=False
            )
            self._db.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute(f"PRAGMA synchronous = {synchronous}")
            self._db.executescript(_SCHEMA)
            row = self._db.execute(
                "SELECT value FROM ledger_meta WHERE key = 'schema_version'"
            ).fetchone()
        except (sqlite3.Error, OSError) as exc:
            raise self._error("open", exc) from exc
        if row is None or row[0] != _SCHEMA_VERSION:
            self._db.close()
            raise StorageError(
                f"payment ledger: {self.path!r} is not a payment ledger of schema version "
                f"{_SCHEMA_VERSION}",
                field="path",
            )

    def __repr__(self) -> str:
        return f"PaymentLedger({self.path!r}, partner_code={self.partner_code!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    def _error(self, what: str, exc: BaseException) -> StorageError:
        if is_locked(exc):
            return StorageError(
                f"payment ledger: {self.path!r} is locked by another process; retry later"
            )
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return StorageError(f"payment ledger: {what} failed on {self.path!r} ({reason})")

    def _run(self, what: str, fn: Callable[[sqlite3.Connection], Any], *, write: bool) -> Any:
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
                raise self._error(what, exc) from exc

    # ----------------------------------------------------------------- transactions

    def open(self, payment: OnlinePayment, *, dossier_code: str) -> OnlinePayment:
        """Record a new pending transaction before its INIT is sent (durable on return).

        Opening the same reference again with the same amount and currency returns the
        recorded transaction (so a caller may retry); with other data it is refused.

        Raises:
            InvalidInputError: not a pending :class:`~onestop.models.OnlinePayment`, an empty
                dossier code, or a reference already used for another payment.
        """
        given: object = payment
        if not isinstance(given, OnlinePayment) or given.state.is_final:
            raise InvalidInputError(
                "payment: expected a pending OnlinePayment (state 'pending')", field="payment"
            )
        code: object = dossier_code
        if not isinstance(code, str) or not code.strip():
            raise InvalidInputError(
                "dossier_code: expected the code of the dossier paid for", field="dossier_code"
            )
        now = self._clock()

        def do(db: sqlite3.Connection) -> OnlinePayment:
            row = db.execute(
                "SELECT payment FROM payments WHERE reference = ?", (payment.reference,)
            ).fetchone()
            if row is not None:
                existing = OnlinePayment.from_json(row[0])
                if (existing.amount, existing.currency) != (payment.amount, payment.currency):
                    raise InvalidInputError(
                        "reference: already used for another payment; mint a new one "
                        "(new_reference)",
                        field="reference",
                    )
                return existing
            db.execute(
                "INSERT INTO payments VALUES (?, ?, ?, ?, ?, NULL, ?)",
                (
                    payment.reference,
                    str(code).strip(),
                    payment.to_json(),
                    payment.state.value,
                    payment.initiated_at.timestamp(),
                    now,
                ),
            )
            return payment

        result: OnlinePayment = self._run("open", do, write=True)
        return result

    def record_url(self, reference: str, url: str) -> None:
        """Remember the payment page the INIT answered for a transaction."""
        self._run(
            "record_url",
            lambda db: db.execute(
                "UPDATE payments SET payment_url = ?, updated_at = ? WHERE reference = ?",
                (url, self._clock(), reference),
            ),
            write=True,
        )

    def payment_url(self, reference: str) -> str | None:
        """The payment page of a transaction, once its INIT was answered."""
        row = self._run(
            "payment_url",
            lambda db: db.execute(
                "SELECT payment_url FROM payments WHERE reference = ?", (reference,)
            ).fetchone(),
            write=False,
        )
        return None if row is None else row[0]

    def payment(self, reference: str) -> OnlinePayment | None:
        """The transaction with this reference, or ``None``."""
        row = self._run(
            "payment",
            lambda db: db.execute(
                "SELECT payment FROM payments WHERE reference = ?", (reference,)
            ).fetchone(),
            write=False,
        )
        return None if row is None else OnlinePayment.from_json(row[0])

    def dossier_code(self, reference: str) -> str | None:
        """The dossier a transaction pays for, or ``None``."""
        row = self._run(
            "payment",
            lambda db: db.execute(
                "SELECT dossier_code FROM payments WHERE reference = ?", (reference,)
            ).fetchone(),
            write=False,
        )
        return None if row is None else str(row[0])

    def payments(
        self, *, dossier_code: str | None = None, state: OnlinePaymentState | None = None
    ) -> list[OnlinePayment]:
        """The transactions (of one dossier, in one state), oldest first."""
        sql = "SELECT payment FROM payments WHERE 1 = 1"
        params: list[str] = []
        if dossier_code is not None:
            sql += " AND dossier_code = ?"
            params.append(dossier_code)
        if state is not None:
            sql += " AND state = ?"
            params.append(OnlinePaymentState(state).value)
        rows = self._run(
            "payments",
            lambda db: db.execute(sql + " ORDER BY initiated_at, reference", params).fetchall(),
            write=False,
        )
        return [OnlinePayment.from_json(r[0]) for r in rows]

    def pending(
        self,
        *,
        older_than: dt.timedelta = dt.timedelta(minutes=30),
        not_older_than: dt.timedelta = dt.timedelta(days=3),
        now: dt.datetime | None = None,
        limit: int = 1000,
    ) -> list[OnlinePayment]:
        """Pending transactions opened between ``not_older_than`` and ``older_than`` ago.

        The reconciliation's window (TD.DichVuCongApi queries INITs 30 minutes to 3 days old).
        """
        at = (
            dt.datetime.fromtimestamp(self._clock(), tz=VN_TZ)
            if now is None
            else require_aware(now, field="now")
        )
        newest = (at - older_than).timestamp()
        oldest = (at - not_older_than).timestamp()
        rows = self._run(
            "pending",
            lambda db: db.execute(
                "SELECT payment FROM payments WHERE state = 'pending' AND initiated_at <= ? "
                "AND initiated_at >= ? ORDER BY initiated_at LIMIT ?",
                (newest, oldest, limit),
            ).fetchall(),
            write=False,
        )
        return [OnlinePayment.from_json(r[0]) for r in rows]

    def events(self, reference: str | None = None) -> list[LedgerEvent]:
        """The messages accepted (for one transaction, or all), in order."""
        sql = "SELECT reference, at, source, state, applied, note FROM payment_events"
        params: tuple[str, ...] = ()
        if reference is not None:
            sql += " WHERE reference = ?"
            params = (reference,)
        rows = self._run(
            "events", lambda db: db.execute(sql + " ORDER BY id", params).fetchall(), write=False
        )
        return [LedgerEvent(r[0], float(r[1]), r[2], r[3], bool(r[4]), r[5]) for r in rows]

    # ----------------------------------------------------------------- messages

    def verify(self, body: bytes | str | Mapping[str, Any]) -> IpnVerification:
        """Check an IPN's form, checksum and partner code (nothing recorded)."""
        return verify_ipn(
            body, secret=self._secret, algorithm=self.algorithm, partner_code=self.partner_code
        )

    def apply_ipn(self, body: bytes | str | Mapping[str, Any]) -> IpnOutcome:
        """Verify an IPN and apply its outcome once (see the module documentation).

        Raises:
            PaymentRejectedError: the IPN is refused (nothing recorded); ``reason`` says why.
        """
        check = self.verify(body)
        ipn = check.ipn
        if not check.valid or ipn is None or check.state is None:
            problem = check.problems[0] if check.problems else PaymentProblem.MALFORMED
            text = {
                PaymentProblem.MALFORMED: "the body is not an IPN (a JSON object with "
                "LoaiBanTin, MaLoi, MaDoiTac, MaThamChieu, SoTien, MaTienTe, ThoiGianGD, "
                "MaXacThuc)",
                PaymentProblem.CHECKSUM: "MaXacThuc does not match the fields (a field was "
                "changed, or it was signed with another secret or algorithm)",
                PaymentProblem.PARTNER: "MaDoiTac is not this deployment's partner code",
            }[problem]
            raise PaymentRejectedError(
                f"ipn: refused: {text}", reason=problem, reference=check.reference, field="ipn"
            )
        outcome = self._apply(
            ipn.reference,
            amount=ipn.amount,
            currency=ipn.currency,
            state=check.state,
            source="ipn",
            transaction_id=ipn.transaction_id or None,
            bank_code=ipn.bank_code or None,
            needs_query=check.needs_query,
        )
        return attrs.evolve(outcome, reply=ipn_reply(ipn, accepted=True))

    def handle_ipn(self, body: bytes | str | Mapping[str, Any]) -> IpnOutcome:
        """:meth:`apply_ipn` for a web handler: a refusal becomes an outcome, never an error.

        Answer the platform with ``outcome.http_status`` and ``outcome.reply`` (JSON): 200
        and the IPN echoed when it was applied or repeated, 400 and ``MaLoi "99"`` with the
        reason when it was refused.
        """
        try:
            return self.apply_ipn(body)
        except PaymentRejectedError as exc:
            logger.warning("ipn refused: %s", exc.reason.value)
            check = self.verify(body)
            return IpnOutcome(
                reference=exc.reference or "",
                state=OnlinePaymentState.PENDING,
                applied=False,
                http_status=400,
                reply=ipn_reply(check.ipn, accepted=False, message=exc.reason.value),
            )

    def apply_query(self, result: QueryResult) -> IpnOutcome:
        """Apply a QUERY answer's outcome once (the same checks as an IPN's, but the checksum).

        Raises:
            PaymentRejectedError: another partner, an unknown reference, another amount or
                currency (nothing recorded).
        """
        if result.partner_code and result.partner_code != self.partner_code:
            raise PaymentRejectedError(
                "query: refused: MaDoiTac is not this deployment's partner code",
                reason=PaymentProblem.PARTNER,
                reference=result.reference,
            )
        return self._apply(
            result.reference,
            amount=str(result.amount),
            currency=result.currency,
            state=result.state,
            source="query",
            transaction_id=result.transaction_id,
            bank_code=result.bank_code,
            needs_query=False,
        )

    def _apply(
        self,
        reference: str,
        *,
        amount: str,
        currency: str,
        state: OnlinePaymentState,
        source: str,
        transaction_id: str | None,
        bank_code: str | None,
        needs_query: bool,
    ) -> IpnOutcome:
        now = self._clock()
        at = dt.datetime.fromtimestamp(now, tz=VN_TZ)

        def event(db: sqlite3.Connection, note: str, *, applied: bool) -> None:
            db.execute(
                "INSERT INTO payment_events (reference, at, source, state, applied, note) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (reference, now, source, state.value, int(applied), note),
            )

        def do(db: sqlite3.Connection) -> IpnOutcome:
            row = db.execute(
                "SELECT payment FROM payments WHERE reference = ?", (reference,)
            ).fetchone()
            if row is None:
                raise PaymentRejectedError(
                    f"{source}: refused: MaThamChieu names no transaction of this system",
                    reason=PaymentProblem.UNKNOWN_REFERENCE,
                    reference=reference[:100],
                    field="MaThamChieu",
                )
            current = OnlinePayment.from_json(row[0])
            if amount.strip() != str(current.amount):
                raise PaymentRejectedError(
                    f"{source}: refused: SoTien differs from the pending transaction's amount",
                    reason=PaymentProblem.AMOUNT,
                    reference=reference,
                    field="SoTien",
                )
            if currency.strip() != current.currency:
                raise PaymentRejectedError(
                    f"{source}: refused: MaTienTe differs from the pending transaction's currency",
                    reason=PaymentProblem.CURRENCY,
                    reference=reference,
                    field="MaTienTe",
                )
            if needs_query:
                event(db, "needs_query", applied=False)
                return IpnOutcome(reference, current.state, applied=False, needs_query=True)
            if state is current.state or state is OnlinePaymentState.PENDING:
                event(db, "duplicate", applied=False)
                return IpnOutcome(reference, current.state, applied=False, duplicate=True)
            if not current.state.can_become(state):
                event(db, "stale", applied=False)
                logger.warning(
                    "payment %s: a %s report after a recorded %s was not applied",
                    reference,
                    state.value,
                    current.state.value,
                )
                return IpnOutcome(reference, current.state, applied=False, stale=True)
            updated = current.settle(
                state, at=at, transaction_id=transaction_id, bank_code=bank_code
            )
            db.execute(
                "UPDATE payments SET payment = ?, state = ?, updated_at = ? WHERE reference = ?",
                (updated.to_json(), updated.state.value, now, reference),
            )
            event(db, "applied", applied=True)
            return IpnOutcome(reference, updated.state, applied=True)

        outcome: IpnOutcome = self._run(source, do, write=True)
        return outcome
