"""Official codes of agencies, procedures and dossiers, and the dossier-number generator.

* :class:`AgencyCode`: mã định danh điện tử of an agency, in the legacy right-to-left QCVN form
  (``000.00.00.H56``, Thông tư 10/2016/TT-BTTTT) or the left-to-right form of Quyết định
  20/2020/QĐ-TTg (``H56.14``).
* :class:`ProcedureCode`: the national procedure code of the CSDLQG về TTHC (``1.000894``)
  and its localized form carrying the applying unit's code (``1.000494.000.00.00.H29``).
* :class:`DossierCode`: mã số hồ sơ ``<agency code>-YYMMDD-NNNN`` (Nghị định 61/2018/NĐ-CP
  Art. 26; Thông tư 01/2018/TT-VPCP Art. 19).
* :class:`DossierCodeGenerator` issues the next code per agency and day from a pluggable
  :class:`SequenceStore` (:class:`InMemorySequenceStore`, :class:`SqliteSequenceStore`).
"""

from __future__ import annotations

import operator
import os
import re
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol, Self, final, runtime_checkable

from onestop.errors import (
    ConfigurationError,
    IdentifierReason,
    InvalidIdentifierError,
    InvalidInputError,
    StorageError,
)
from onestop.models._data.provinces import DISPUTED_H, MINISTRIES
from onestop.models._identity import Identifier, reason_of, today_vn
from onestop.models._provinces import Province, find_province, successor_province
from onestop.tz import is_aware, to_vn

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "AgencyCode",
    "AgencyForm",
    "Authority",
    "AuthorityKind",
    "DossierCode",
    "DossierCodeGenerator",
    "InMemorySequenceStore",
    "ProcedureCode",
    "SequenceExhaustedError",
    "SequenceStore",
    "SqliteSequenceStore",
]

#: ``"legacy"`` = right-to-left QCVN form ``000.00.00.H56``; ``"qd20"`` = QĐ 20/2020 ``H56.14``.
AgencyForm = Literal["legacy", "qd20"]
#: What a level-1 code designates.
AuthorityKind = Literal["provincial_committee", "provincial_council", "ministry", "other"]

_LEGACY_RE = re.compile(r"([0-9]{3})\.([0-9]{2})\.([0-9]{2})\.([A-Y][0-9]{2})")
_QD20_RE = re.compile(r"[A-Y][0-9]{2}(?:\.[0-9A-Z]+)*")
_MAX_QD20_LENGTH = 35


@final
class Authority:
    """The body a level-1 agency code (Mã cấp 1) designates.

    Attributes:
        code: the level-1 code, e.g. ``"H56"``.
        kind: ``"provincial_committee"`` (H-codes, UBND tỉnh), ``"provincial_council"``
            (K-codes, HĐND tỉnh), ``"ministry"`` (G-codes: ministries and ministry-level
            bodies) or ``"other"``.
        name: Vietnamese name, when known (``None`` for a G-code onestop has no name for).
        province: for H- and K-codes, the 2008-era province.
        confirmed: whether the code-to-body mapping was seen on an official source rather than
            inferred from the table's order.
        note: a caveat on the mapping, for an inferred code that a found source contradicts.
    """

    __slots__ = ("code", "confirmed", "kind", "name", "note", "province")

    code: str
    kind: AuthorityKind
    name: str | None
    province: Province | None
    confirmed: bool
    note: str | None

    def __init__(
        self,
        code: str,
        kind: AuthorityKind,
        *,
        name: str | None = None,
        province: Province | None = None,
        confirmed: bool = False,
        note: str | None = None,
    ) -> None:
        for key, value in (
            ("code", code),
            ("kind", kind),
            ("name", name),
            ("province", province),
            ("confirmed", confirmed),
            ("note", note),
        ):
            object.__setattr__(self, key, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Authority is immutable (cannot set {name!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Authority):
            return NotImplemented
        return self.code == other.code

    def __hash__(self) -> int:
        return hash(("Authority", self.code))

    def __repr__(self) -> str:
        return f"Authority(code={self.code!r}, kind={self.kind!r}, name={self.name!r})"


def _authority(level1: str) -> Authority:
    letter, number = level1[0], level1[1:]
    if letter in "HK":
        province = find_province("H" + number, era="2008")
        if province is not None:
            if letter == "H":
                return Authority(
                    level1,
                    "provincial_committee",
                    name=f"Ủy ban nhân dân {province.full_name_vi.lower()[:1]}"
                    f"{province.full_name_vi[1:]}",
                    province=province,
                    confirmed=province.agency_code_confirmed,
                    note=DISPUTED_H.get(level1),
                )
            return Authority(
                level1,
                "provincial_council",
                name=f"Hội đồng nhân dân {province.full_name_vi.lower()[:1]}"
                f"{province.full_name_vi[1:]}",
                province=province,
                confirmed=level1 in ("K54", "K57"),
                note=DISPUTED_H.get("H" + number),
            )
    if letter == "G":
        name = MINISTRIES.get(level1)
        return Authority(level1, "ministry", name=name, confirmed=name is not None)
    return Authority(level1, "other")


@final
class AgencyCode(Identifier):
    """An agency's electronic identifier (mã định danh điện tử).

    Two written forms are accepted:

    * ``legacy``: ``V1V2V3.Z1Z2.Y1Y2.MX1X2``, four levels written right to left, unused levels
      zero (QCVN of Thông tư 10/2016/TT-BTTTT, used in dossier codes by Thông tư
      01/2018/TT-VPCP Art. 19), e.g. ``000.00.00.H56`` (UBND tỉnh Thanh Hóa).
    * ``qd20``: at most 35 characters ``[0-9A-Z.]``, groups separated by ``.``, the leftmost
      the level-1 code ``MX1X2`` (``M`` a letter A–Y), the others subordinate levels
      (Quyết định 20/2020/QĐ-TTg Art. 4), e.g. ``H56.14``.

    Lower-case letters are accepted and upper-cased. Codes of enterprises (their MST, Art. 5)
    and of other schemes (Art. 6) are not agency codes in this sense and are rejected.

    Example:
        >>> AgencyCode.parse("000.00.53.H48").levels
        ('H48', '53')
    """

    __slots__ = ("_form", "_levels")

    _FIELD = "agency_code"
    _PATTERN = (
        r"^([0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Ya-y][0-9]{2}"
        r"|(?=.{3,35}$)[A-Ya-y][0-9]{2}(\.[0-9A-Za-z]+)*)$"
    )
    _EXPECTED = (
        "a legacy code 'VVV.ZZ.YY.MXX' such as '000.00.00.H56' or a QĐ 20/2020 code of at most "
        "35 characters [0-9A-Z.] starting with the level-1 code, such as 'H56.14'"
    )

    _form: AgencyForm
    _levels: tuple[str, ...]

    def __init__(self, value: str) -> None:
        text = self._text(value).upper()
        if not text:
            raise self._error(text, IdentifierReason.EMPTY, "it is empty")
        legacy = _LEGACY_RE.fullmatch(text)
        if legacy is not None:
            v, z, y, m = legacy.groups()
            levels = [m, y, z, v]
            while len(levels) > 1 and set(levels[-1]) == {"0"}:
                levels.pop()
            self._set("_value", text)
            self._set("_form", "legacy")
            self._set("_levels", tuple(levels))
            return
        if len(text) > _MAX_QD20_LENGTH:
            raise self._error(
                text, IdentifierReason.LENGTH, f"it has {len(text)} characters, more than 35"
            )
        if _QD20_RE.fullmatch(text) is None:
            raise self._error(text, *self._why_not_qd20(text))
        self._set("_value", text)
        self._set("_form", "qd20")
        self._set("_levels", tuple(text.split(".")))

    @staticmethod
    def _why_not_qd20(text: str) -> tuple[IdentifierReason, str]:
        bad = sorted({ch for ch in text if not (ch.isascii() and (ch.isalnum() or ch == "."))})
        if bad:
            return (
                IdentifierReason.CHARACTERS,
                f"it contains characters outside [0-9A-Z.]: {''.join(bad)!r}",
            )
        if "" in text.split("."):
            return (
                IdentifierReason.FORMAT,
                "it has an empty group (two dots in a row, or a leading/trailing dot)",
            )
        if text[:1].isdigit():
            return (
                IdentifierReason.FORMAT,
                "it starts with a digit but is not the 4-group legacy form 'VVV.ZZ.YY.MXX' "
                "(3, 2, 2 digits and a letter with 2 digits)",
            )
        return (
            IdentifierReason.FORMAT,
            "its first group is not a level-1 code: a letter A–Y followed by 2 digits",
        )

    @classmethod
    def parse(cls, value: str) -> Self:
        """Parse and validate an agency code in either form.

        Raises:
            InvalidIdentifierError: naming the reason and the expected forms.
        """
        return cls(value)

    @property
    def form(self) -> AgencyForm:
        """``"legacy"`` (right to left, ``000.00.00.H56``) or ``"qd20"`` (``H56.14``)."""
        return self._form

    @property
    def level1(self) -> str:
        """The level-1 code (Mã cấp 1), e.g. ``"H56"``."""
        return self._levels[0]

    @property
    def levels(self) -> tuple[str, ...]:
        """The groups from level 1 down; trailing all-zero groups of the legacy form dropped."""
        return self._levels

    @property
    def is_level1(self) -> bool:
        """Whether the code designates the level-1 body itself (no subordinate level)."""
        return len(self._levels) == 1

    @property
    def authority(self) -> Authority:
        """The body the level-1 code designates (province UBND/HĐND, ministry, or other)."""
        return _authority(self.level1)

    @property
    def is_closed(self) -> bool:
        """Whether the level-1 code was closed by the 2025 merger (QĐ 09/2025/QĐ-TTg).

        A merged province keeps the level-1 code of the pre-merger province whose name it
        keeps; the codes of the provinces it absorbed are closed.
        """
        return self.successor is not None

    @property
    def successor(self) -> AgencyCode | None:
        """For a code closed by the 2025 merger, the level-1 code that replaces it.

        Only the level-1 body is mapped (``H39`` → ``H53``, Long An into Tây Ninh): subordinate
        units were reorganised and have new codes. The result keeps this code's form
        (``000.00.00.H53`` for a legacy code). ``None`` when the code is not closed, and also
        for a code whose province is disputed (``authority.note``), so that an open code is
        never rewritten on a guess.
        """
        authority = self.authority
        if authority.province is None or authority.note is not None:
            return None  # unknown body, or a disputed code: never rewrite it on a guess
        new = successor_province(authority.province)
        if new.agency_code == "H" + self.level1[1:]:
            return None
        level1 = self.level1[0] + new.agency_code[1:]
        return AgencyCode(f"000.00.00.{level1}" if self._form == "legacy" else level1)

    def resolve(self) -> AgencyCode:
        """This code if it is still open, else its :attr:`successor`."""
        return self.successor or self


_PROCEDURE_RE = re.compile(r"[0-9]\.[0-9]{6}")


@final
class ProcedureCode(Identifier):
    """The code of an administrative procedure (mã thủ tục hành chính).

    ``national``: the code in the national database of procedures (CSDLQG về TTHC),
    ``D.DDDDDD`` such as ``1.000894``. ``localized``: a copy applied by a unit, the national
    code followed by ``.`` and the unit's agency code in either form, such as
    ``1.000494.000.00.00.H29`` (TP HCM) or ``1.000948.H38`` (Lào Cai).
    """

    __slots__ = ("_agency",)

    _FIELD = "procedure_code"
    _PATTERN = r"^[0-9]\.[0-9]{6}(\..+)?$"
    _EXPECTED = (
        "a national code 'D.DDDDDD' such as '1.000894', optionally followed by '.' and an "
        "agency code, such as '1.000494.000.00.00.H29'"
    )

    _agency: AgencyCode | None

    def __init__(self, value: str) -> None:
        text = self._text(value).upper()
        if _PROCEDURE_RE.match(text) is None:
            raise self._error(
                text, IdentifierReason.FORMAT, "it does not start with a national code 'D.DDDDDD'"
            )
        rest = text[8:]
        agency: AgencyCode | None = None
        if rest and rest[0] != ".":
            raise self._error(
                text,
                IdentifierReason.FORMAT,
                "the national code must be followed by nothing or by '.' and an agency code",
            )
        if rest:
            try:
                agency = AgencyCode(rest[1:])
            except InvalidIdentifierError as exc:
                reason = reason_of(exc)
                raise self._error(
                    text,
                    IdentifierReason.AGENCY,
                    f"its agency part is not an agency code: {reason}",
                ) from None
        self._set("_value", text)
        self._set("_agency", agency)

    @classmethod
    def parse(cls, value: str) -> Self:
        """Parse and validate a procedure code.

        Raises:
            InvalidIdentifierError: naming the reason and the expected form.
        """
        return cls(value)

    @property
    def national(self) -> str:
        """The national code, e.g. ``"1.000494"``."""
        return self._value[:8]

    @property
    def agency(self) -> AgencyCode | None:
        """The applying unit's code of a localized procedure code, else ``None``."""
        return self._agency

    @property
    def is_localized(self) -> bool:
        """Whether the code carries a unit's agency code."""
        return self._agency is not None

    def national_code(self) -> ProcedureCode:
        """The national form of this code (itself when already national)."""
        return self if self._agency is None else ProcedureCode(self.national)

    def localize(self, agency: AgencyCode | str) -> ProcedureCode:
        """The localized code of this procedure for ``agency``."""
        unit = agency if isinstance(agency, AgencyCode) else AgencyCode(agency)
        return ProcedureCode(f"{self.national}.{unit}")


_MAX_SEQUENCE = 9999


@final
class DossierCode(Identifier):
    """A dossier number (mã số hồ sơ): ``<agency code>-YYMMDD-NNNN``.

    Nghị định 61/2018/NĐ-CP Art. 26 and Thông tư 01/2018/TT-VPCP Art. 19: the receiving
    agency's code, the receipt date ``YYMMDD`` and the 4-digit number of the dossier among those
    the agency received that day (``0001``–``9999``). The agency part may be in either
    :class:`AgencyCode` form (``000.00.53.H48-220921-0099``, ``H15.50.05.13-260301-0001``).
    """

    __slots__ = ("_agency", "_received_on", "_sequence")

    _FIELD = "dossier_code"
    _PATTERN = r"^[0-9A-Za-z.]+-[0-9]{6}-[0-9]{4}$"
    _EXPECTED = (
        "'<agency code>-YYMMDD-NNNN' such as '000.00.53.H48-220921-0099': the receiving "
        "agency's code, the receipt date and a 4-digit daily number 0001–9999"
    )

    _agency: AgencyCode
    _received_on: date
    _sequence: int

    def __init__(self, value: str) -> None:
        text = self._text(value).upper()
        parts = text.rsplit("-", 2)
        if len(parts) != 3:
            raise self._error(
                text, IdentifierReason.FORMAT, "it does not have the three parts separated by '-'"
            )
        agency_text, day_text, seq_text = parts
        try:
            agency = AgencyCode(agency_text)
        except InvalidIdentifierError as exc:
            reason = reason_of(exc)
            raise self._error(
                text, IdentifierReason.AGENCY, f"its agency part is not an agency code: {reason}"
            ) from None
        if not (len(day_text) == 6 and day_text.isascii() and day_text.isdigit()):
            raise self._error(text, IdentifierReason.DATE, "its date part is not 6 digits YYMMDD")
        try:
            received = date(2000 + int(day_text[:2]), int(day_text[2:4]), int(day_text[4:]))
        except ValueError:
            raise self._error(
                text, IdentifierReason.DATE, f"its date part {day_text!r} is not a real date"
            ) from None
        if not (len(seq_text) == 4 and seq_text.isascii() and seq_text.isdigit()):
            raise self._error(text, IdentifierReason.SEQUENCE, "its number part is not 4 digits")
        if seq_text == "0000":
            raise self._error(
                text,
                IdentifierReason.SEQUENCE,
                "its daily number is 0000; numbering starts at 0001",
            )
        self._set("_value", text)
        self._set("_agency", agency)
        self._set("_received_on", received)
        self._set("_sequence", int(seq_text))

    @classmethod
    def parse(cls, value: str) -> Self:
        """Parse and validate a dossier code.

        Raises:
            InvalidIdentifierError: naming the part at fault and the expected form.
        """
        return cls(value)

    @classmethod
    def build(cls, agency: AgencyCode | str, day: date, sequence: int) -> Self:
        """Compose a dossier code from its parts.

        Args:
            agency: the receiving agency (code or string).
            day: the receipt date (years 2000–2099, as the code has two year digits).
            sequence: the dossier's number among those received that day, 1–9999.

        Raises:
            InvalidIdentifierError: for a bad agency code, year or number.
        """
        unit = agency if isinstance(agency, AgencyCode) else AgencyCode(agency)
        when: object = day
        if not isinstance(when, date) or not 2000 <= when.year <= 2099:
            raise InvalidIdentifierError(
                f"received_on: {day!r} cannot be written YYMMDD; expected a date in 2000–2099",
                field="received_on",
                reason=IdentifierReason.DATE,
            )
        number: object = sequence
        if isinstance(number, bool) or not isinstance(number, int):
            raise InvalidIdentifierError(
                f"sequence: expected an int 1–9999, got a {type(sequence).__name__}",
                field="sequence",
                reason=IdentifierReason.TYPE,
            )
        if not 1 <= sequence <= _MAX_SEQUENCE:
            raise InvalidIdentifierError(
                f"sequence: {sequence} is out of range; expected 1–9999 (4 digits, "
                "Thông tư 01/2018/TT-VPCP Art. 19)",
                field="sequence",
                reason=IdentifierReason.SEQUENCE,
            )
        return cls._from_parts(unit, day, sequence)

    @classmethod
    def _from_parts(cls, agency: AgencyCode, day: date, sequence: int) -> Self:
        # Parts already validated: skip re-parsing the string.
        self = object.__new__(cls)
        self._set("_value", f"{agency}-{day:%y%m%d}-{sequence:04d}")
        self._set("_agency", agency)
        self._set("_received_on", date(day.year, day.month, day.day))
        self._set("_sequence", sequence)
        return self

    @property
    def agency(self) -> AgencyCode:
        """The receiving agency's code."""
        return self._agency

    @property
    def received_on(self) -> date:
        """The receipt date."""
        return self._received_on

    @property
    def sequence(self) -> int:
        """The dossier's number among those received that day (1–9999)."""
        return self._sequence


class SequenceExhaustedError(InvalidIdentifierError):
    """An agency received more than 9999 dossiers in one day: the 4-digit number overflows."""

    code = "dossier_sequence_exhausted"


@runtime_checkable
class SequenceStore(Protocol):
    """Where :class:`DossierCodeGenerator` keeps its counters (one per agency and day).

    Implementations must make :meth:`next_value` atomic: two concurrent callers never get the
    same value for the same agency and day.
    """

    def next_value(self, agency: str, day: date) -> int:
        """Increment and return the counter of ``agency`` on ``day`` (1 on first use)."""
        ...


@final
class InMemorySequenceStore:
    """A thread-safe in-process :class:`SequenceStore` (lost when the process ends)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, date], int] = {}

    def next_value(self, agency: str, day: date) -> int:
        """Increment and return the counter of ``agency`` on ``day`` (1 on first use)."""
        with self._lock:
            value = self._counters.get((agency, day), 0) + 1
            self._counters[(agency, day)] = value
            return value

    def current(self, agency: str, day: date) -> int:
        """The last value issued for ``agency`` on ``day`` (0 if none)."""
        with self._lock:
            return self._counters.get((agency, day), 0)


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS dossier_sequence ("
    " agency TEXT NOT NULL, day TEXT NOT NULL, value INTEGER NOT NULL,"
    " PRIMARY KEY (agency, day))"
)
_UPSERT = (
    "INSERT INTO dossier_sequence (agency, day, value) VALUES (?, ?, 1)"
    " ON CONFLICT (agency, day) DO UPDATE SET value = value + 1 RETURNING value"
)


@final
class SqliteSequenceStore:
    """A :class:`SequenceStore` in an SQLite file, safe across threads and processes.

    Each increment is one ``BEGIN IMMEDIATE`` transaction (an upsert with ``RETURNING``), so
    concurrent processes sharing the file serialise on SQLite's write lock and never issue the
    same number. Connections are opened per thread and per process (safe after ``fork``).

    Args:
        path: the database file (created if missing).
        timeout: seconds to wait for the write lock before failing.
        durable: ``True`` (default) syncs every increment to disk (``synchronous=FULL``), so
            no number is ever issued twice, even after a power cut. ``False`` uses
            ``synchronous=NORMAL``: much faster, still safe if the process crashes, but the
            last increments may be lost (and their numbers issued again) if the machine loses
            power.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, timeout: float = 30.0, durable: bool = True
    ) -> None:
        import sqlite3

        where: object = path
        if not isinstance(where, str | os.PathLike) or not str(where):
            raise ConfigurationError(
                f"path: expected a file path (str or os.PathLike) for the sequence database, "
                f"got {'an empty string' if path == '' else 'a ' + type(path).__name__}",
                field="path",
            )
        timeout_value: object = timeout
        if (
            isinstance(timeout_value, bool)
            or not isinstance(timeout_value, int | float)
            or not timeout_value >= 0
        ):
            raise ConfigurationError(
                "timeout: expected a number of seconds >= 0 to wait for the write lock",
                field="timeout",
            )
        self._path = Path(path)
        self._timeout = timeout
        self._synchronous = "FULL" if durable else "NORMAL"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._lock_pid = os.getpid()
        # (pid, thread id) -> (thread, connection); connections of finished threads are closed
        # when the next connection is opened, those of other processes are never touched.
        self._connections: dict[tuple[int, int], tuple[threading.Thread, sqlite3.Connection]] = {}
        try:
            connection = self._connection()
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(_SCHEMA)
        except (sqlite3.Error, ValueError, OSError) as exc:  # ValueError: e.g. a NUL in the path
            self.close()
            raise ConfigurationError(
                f"path: cannot use {self._path} as a sequence database ({exc}); expected a "
                "writable SQLite file path",
                field="path",
            ) from exc

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    def _guard(self) -> threading.Lock:
        pid = os.getpid()
        if self._lock_pid != pid:  # forked: the parent's lock may be held by a vanished thread
            self._lock = threading.Lock()
            self._lock_pid = pid
        return self._lock

    def _connection(self) -> sqlite3.Connection:
        pid = os.getpid()
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None or getattr(self._local, "pid", None) != pid:
            import sqlite3

            connection = sqlite3.connect(
                self._path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            connection.execute(f"PRAGMA synchronous={self._synchronous}")
            self._local.connection = connection
            self._local.pid = pid
            thread = threading.current_thread()
            with self._guard():
                finished = [
                    key
                    for key, (owner, _) in self._connections.items()
                    if key[0] == pid and not owner.is_alive()
                ]
                for key in finished:
                    self._connections.pop(key)[1].close()
                self._connections[(pid, threading.get_ident())] = (thread, connection)
        return connection

    def next_value(self, agency: str, day: date) -> int:
        """Increment and return the counter of ``agency`` on ``day`` (1 on first use).

        Raises:
            StorageError: the write lock was not obtained within ``timeout`` seconds, or the
                database failed (the increment is then not applied; retrying is safe).
        """
        import sqlite3

        connection = self._connection()
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StorageError(
                f"store: the sequence database {self._path} could not be locked for writing "
                f"within {self._timeout} s ({exc}); retry, or give a longer timeout=",
                field="store",
            ) from exc
        try:
            rows = connection.execute(_UPSERT, (agency, day.isoformat())).fetchall()
            connection.execute("COMMIT")
        except BaseException as exc:
            connection.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StorageError(
                    f"store: the sequence database {self._path} failed ({exc}); nothing was "
                    "issued, retry later",
                    field="store",
                ) from exc
            raise
        return int(rows[0][0])

    def current(self, agency: str, day: date) -> int:
        """The last value issued for ``agency`` on ``day`` (0 if none)."""
        row = (
            self._connection()
            .execute(
                "SELECT value FROM dossier_sequence WHERE agency = ? AND day = ?",
                (agency, day.isoformat()),
            )
            .fetchone()
        )
        return 0 if row is None else int(row[0])

    def close(self) -> None:
        """Close the connections this store opened in this process (the store stays usable)."""
        pid = os.getpid()
        with self._guard():
            mine = [key for key in self._connections if key[0] == pid]
            connections = [self._connections.pop(key)[1] for key in mine]
        for connection in connections:
            connection.close()
        self._local = threading.local()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@final
class DossierCodeGenerator:
    """Issues dossier codes: the next daily number of an agency, from a :class:`SequenceStore`.

    Example:
        >>> gen = DossierCodeGenerator(InMemorySequenceStore())
        >>> str(gen.next("000.00.00.H56", date(2026, 3, 2)))
        '000.00.00.H56-260302-0001'

    Args:
        store: where the counters live; :class:`InMemorySequenceStore` for one process,
            :class:`SqliteSequenceStore` (or your database) for several.
    """

    _MAX: ClassVar[int] = _MAX_SEQUENCE

    def __init__(self, store: SequenceStore) -> None:
        if not isinstance(store, SequenceStore):
            raise ConfigurationError(
                f"store: a {type(store).__name__} is not a sequence store; expected an object "
                "with next_value(agency: str, day: date) -> int, such as InMemorySequenceStore() "
                "or SqliteSequenceStore(path)",
                field="store",
            )
        self._store = store

    @property
    def store(self) -> SequenceStore:
        """The sequence store."""
        return self._store

    def next(self, agency: AgencyCode | str, day: date | None = None) -> DossierCode:
        """Issue the next dossier code of ``agency`` for ``day``.

        Args:
            agency: the receiving agency.
            day: the receipt date; defaults to today in Asia/Ho_Chi_Minh. An aware
                ``datetime`` counts for its date in Asia/Ho_Chi_Minh (``2026-03-02T20:00Z`` is
                3 March there); a naive one for its own calendar date.

        Returns:
            A new, never issued before, :class:`DossierCode`.

        Raises:
            InvalidIdentifierError: for a bad agency code or date (a date whose Vietnam date
                is outside 2000–2099).
            SequenceExhaustedError: when the agency already has 9999 dossiers that day.
            StorageError: the store failed, or returned something that is not a counter value
                (an integer of at least 1).
        """
        unit = agency if isinstance(agency, AgencyCode) else AgencyCode(agency)
        when: object = today_vn() if day is None else day
        # a datetime counts for its calendar date in Vietnam (counters are per day): convert
        # first, then check the year (2099-12-31T20:00Z is already 2100 in Vietnam)
        if is_aware(when):
            try:
                when = to_vn(when, field="received_on")
            except InvalidInputError:
                when = None  # within hours of year 1 or 9999: far outside 2000–2099
        if not isinstance(when, date) or not 2000 <= when.year <= 2099:
            given = day if day is not None else when
            raise InvalidIdentifierError(
                f"received_on: {given!r} cannot be written YYMMDD; expected a date in 2000–2099 "
                "(Vietnam time)",
                field="received_on",
                reason=IdentifierReason.DATE,
            )
        received = date(when.year, when.month, when.day)
        value = self._checked(self._store.next_value(str(unit), received))
        if value > self._MAX:
            raise SequenceExhaustedError(
                f"sequence: agency {unit} has already numbered {self._MAX} dossiers on "
                f"{received.isoformat()}; the daily number has 4 digits (Thông tư "
                "01/2018/TT-VPCP Art. 19), so no further code can be issued that day",
                field="sequence",
                reason=IdentifierReason.SEQUENCE,
            )
        return DossierCode._from_parts(unit, received, value)

    def _checked(self, value: object) -> int:
        """The store's answer, if it is a counter value (an integer of at least 1).

        A store is user code (a database, a cache): a value that is not a positive integer
        would give an invalid code (``-0005``, ``0000``) or fail deep inside formatting.
        Integer types of other libraries (``numpy.int64`` from a driver) are accepted.
        """
        store = type(self._store).__name__
        try:
            if isinstance(value, bool):
                raise TypeError
            number = operator.index(value)  # type: ignore[arg-type]
        except TypeError:
            raise StorageError(
                f"store: {store}.next_value returned a {type(value).__name__}, not an integer; "
                "a sequence store returns the new counter value (1, 2, 3...)",
                field="store",
            ) from None
        if number < 1:
            raise StorageError(
                f"store: {store}.next_value returned {number}; a sequence store returns the new "
                "counter value, 1 on the first dossier of the day, then 2, 3...",
                field="store",
            )
        return number
