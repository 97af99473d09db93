"""The civil-service holiday calendar of Vietnam: statutes, official notices, overrides.

A :class:`HolidaySchedule` answers which days state agencies take off and which weekly rest
days they work ("làm bù"), year by year, from 1995 to 2199:

* years with an **official notice** in the data (every year 2013–2026, bundled in
  ``_data/civil_service.toml``, each entry with its notice number and URL) are served as
  published: statutory holidays, compensatory days (nghỉ bù), swapped days off and make-up
  working Saturdays;
* other years are **computed from the statutes** (Labor Code 1994 Art. 73, 2012 Art. 115,
  2019 Arts. 111–112, see :mod:`onestop.deadlines._statutes`) and are *provisional*: their
  entries carry ``provisional=True`` and querying them emits
  :class:`~onestop.errors.ProvisionalCalendarWarning`;
* years before 1995 or after 2199 raise :class:`~onestop.errors.CalendarDataMissingError`.

A province or an integrator adds next year's notice, or a local closure, at run time with
:meth:`HolidaySchedule.with_notice` (a TOML/JSON file or a dict; see ``docs/holidays.md``).

Example:
    >>> import datetime as dt
    >>> from onestop.deadlines.holidays import official_schedule
    >>> cal = official_schedule()
    >>> cal.is_day_off(dt.date(2026, 1, 2))  # swapped day off, Công văn 12729/VPCP-KGVX
    True
    >>> sorted(cal.make_up_days(2026))
    [datetime.date(2026, 1, 10), datetime.date(2026, 8, 22)]
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import attrs

from onestop.deadlines._statutes import (
    CIVIL_SERVICE_REST_DAYS,
    FIRST_YEAR,
    HOLIDAY_NAMES,
    LAST_YEAR,
    STATUTES,
    Entry,
    entry_names,
    statutory_entries,
)
from onestop.deadlines._types import Holiday, HolidayKind
from onestop.deadlines._warn import warn_caller
from onestop.errors import (
    CalendarDataError,
    CalendarDataMissingError,
    ConfigurationError,
    InvalidInputError,
    ProvisionalCalendarWarning,
)

__all__ = [
    "MAX_NOTICE_BYTES",
    "HolidaySchedule",
    "Notice",
    "NoticeDay",
    "NoticeSource",
    "NoticeYear",
    "load_notice",
    "official_schedule",
    "parse_notice",
    "warn_provisional_year",
]

NoticeMode = Literal["complete", "amend"]

_DATA_FILE = "civil_service.toml"
_FORMAT = 1
_KINDS = {k.value: k for k in HolidayKind}
_KEYS = {*HOLIDAY_NAMES, "other"}
_PAIRED = {HolidayKind.SWAPPED_DAY_OFF, HolidayKind.MAKE_UP_WORKING_DAY}


# --------------------------------------------------------------------------- notice data


@attrs.frozen(slots=True)
class NoticeSource:
    """A notice or statute that entries cite.

    Attributes:
        id: identifier used by the entries' ``source`` (e.g. ``"12729-VPCP-KGVX"``).
        title: the citation copied into :attr:`Holiday.basis`, e.g. ``"Công văn 12729/VPCP-KGVX"``.
        url: where the text or an official/press copy can be read.
        issuer: the issuing body.
        issued: date of issue.
        verified: whether a maintainer read the text (or a faithful copy) rather than a summary.
        note: free text (what it decides, caveats).
    """

    id: str
    title: str
    url: str | None = None
    issuer: str | None = None
    issued: dt.date | None = None
    verified: bool = False
    note: str | None = None


@attrs.frozen(slots=True)
class NoticeDay:
    """One dated entry of a notice, before its source is resolved.

    Attributes:
        date: the day.
        kind: what the entry does.
        key: the holiday it belongs to (``"tet"``, ``"national_day"``... or ``"other"``).
        source: id of the :class:`NoticeSource` it cites.
        pair: for a swap, the other day of the swap.
        name_vi: explicit Vietnamese name (default: derived from ``key`` and ``kind``).
        name_en: explicit English name.
    """

    date: dt.date
    kind: HolidayKind
    key: str
    source: str
    pair: dt.date | None = None
    name_vi: str | None = None
    name_en: str | None = None


@attrs.frozen(slots=True)
class NoticeYear:
    """The part of a notice about one year.

    Attributes:
        year: the year the schedule is for (entries may fall in the adjacent years, e.g. a
            make-up Saturday in late December).
        mode: ``"complete"`` (lists every day off of the year and replaces the statutory
            computation; the year stops being provisional) or ``"amend"`` (merged over what
            is already there; later entries win date by date).
        scope: ``"national"`` or the province/agency the notice applies to.
        days: the entries.
        cancel: dates whose earlier entries are removed (e.g. a provisional Tết day that the
            published notice placed elsewhere).
        note: free text.
    """

    year: int
    mode: NoticeMode
    scope: str
    days: tuple[NoticeDay, ...]
    cancel: tuple[dt.date, ...] = ()
    note: str | None = None


@attrs.frozen(slots=True)
class Notice:
    """A validated notice file: sources plus per-year schedules (see :func:`load_notice`).

    Attributes:
        origin: where it came from (file name or ``"<dict>"``), quoted in error messages.
        sources: the sources it defines, by id.
        years: the year schedules, in file order.
    """

    origin: str
    sources: Mapping[str, NoticeSource]
    years: tuple[NoticeYear, ...]


def _bad(origin: str, where: str, problem: str) -> CalendarDataError:
    return CalendarDataError(f"{origin}: {where}: {problem}", field=where)


def _date(origin: str, where: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _bad(origin, where, f"expected a date YYYY-MM-DD, got a date-time {value}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _bad(origin, where, f"expected a date YYYY-MM-DD, got {value!r}")


def _str(
    origin: str, where: str, value: object, *, optional: bool = True, multiline: bool = False
) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _bad(origin, where, f"expected a non-empty string, got {value!r}")
    allowed = "\t\n" if multiline else ""
    if any((ord(c) < 32 or 127 <= ord(c) < 160) and c not in allowed for c in value.strip()):
        what = "control characters" if multiline else "line breaks or control characters"
        raise _bad(origin, where, f"expected one line of text without {what}, got {value!r}")
    return value.strip()


def _table(origin: str, where: str, value: object, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(origin, where, f"expected a table, got {type(value).__name__}")
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise _bad(
            origin,
            where,
            f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}",
        )
    return value


def _list(origin: str, where: str, value: object) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise _bad(origin, where, f"expected an array, got {type(value).__name__}")
    return list(value)


def _parse_source(origin: str, sid: str, raw: object) -> NoticeSource:
    where = f"sources.{sid}"
    table = _table(origin, where, raw, {"title", "url", "issuer", "issued", "verified", "note"})
    url = _str(origin, f"{where}.url", table.get("url"))
    if url is not None and (not url.startswith(("https://", "http://")) or " " in url):
        raise _bad(origin, f"{where}.url", f"expected an http(s) URL without spaces, got {url!r}")
    issued = table.get("issued")
    verified = table.get("verified", False)
    if not isinstance(verified, bool):
        raise _bad(origin, f"{where}.verified", f"expected true or false, got {verified!r}")
    title = _str(origin, f"{where}.title", table.get("title"), optional=False)
    assert title is not None  # noqa: S101 - guaranteed by optional=False
    return NoticeSource(
        id=sid,
        title=title,
        url=url,
        issuer=_str(origin, f"{where}.issuer", table.get("issuer")),
        issued=None if issued is None else _date(origin, f"{where}.issued", issued),
        verified=verified,
        note=_str(origin, f"{where}.note", table.get("note"), multiline=True),
    )


def _parse_day(origin: str, where: str, raw: object, year: int) -> NoticeDay:
    allowed = {"date", "kind", "holiday", "source", "pair", "name_vi", "name_en"}
    table = _table(origin, where, raw, allowed)
    day = _date(origin, f"{where}.date", table.get("date"))
    if abs(day.year - year) > 1:
        raise _bad(origin, f"{where}.date", f"{day} is not in or next to the year {year}")
    kind_raw = table.get("kind")
    kind = _KINDS.get(kind_raw) if isinstance(kind_raw, str) else None
    if kind is None:
        raise _bad(origin, f"{where}.kind", f"{kind_raw!r} is not one of {', '.join(_KINDS)}")
    key = table.get("holiday", "other")
    if key not in _KEYS:
        raise _bad(origin, f"{where}.holiday", f"{key!r} is not one of {', '.join(sorted(_KEYS))}")
    name_vi = _str(origin, f"{where}.name_vi", table.get("name_vi"))
    name_en = _str(origin, f"{where}.name_en", table.get("name_en"))
    if key == "other" and (name_vi is None or name_en is None):
        raise _bad(origin, where, 'an entry with holiday = "other" needs name_vi and name_en')
    source = _str(origin, f"{where}.source", table.get("source"), optional=False)
    assert source is not None  # noqa: S101 - guaranteed by optional=False
    pair_raw = table.get("pair")
    pair = None if pair_raw is None else _date(origin, f"{where}.pair", pair_raw)
    if pair is not None and kind not in _PAIRED:
        raise _bad(
            origin, f"{where}.pair", f"only swapped and make-up days have a pair, not {kind}"
        )
    rest = CIVIL_SERVICE_REST_DAYS.weekdays_on(day)
    if kind is HolidayKind.MAKE_UP_WORKING_DAY and day.weekday() not in rest:
        raise _bad(origin, f"{where}.date", f"make-up working day {day} is not a weekly rest day")
    if kind in (HolidayKind.SWAPPED_DAY_OFF, HolidayKind.COMPENSATORY) and day.weekday() in rest:
        raise _bad(origin, f"{where}.date", f"{kind.value} {day} falls on a weekly rest day")
    return NoticeDay(day, kind, key, source, pair, name_vi, name_en)


def _parse_year(origin: str, where: str, raw: object) -> NoticeYear:
    table = _table(origin, where, raw, {"year", "mode", "scope", "note", "cancel", "days"})
    year = table.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise _bad(origin, f"{where}.year", f"expected an integer year, got {year!r}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _bad(origin, f"{where}.year", f"{year} is outside {FIRST_YEAR}–{LAST_YEAR}")
    mode = table.get("mode", "amend")
    if mode not in ("complete", "amend"):
        raise _bad(origin, f"{where}.mode", f"{mode!r} is not 'complete' or 'amend'")
    scope = _str(origin, f"{where}.scope", table.get("scope", "national"), optional=False)
    assert scope is not None  # noqa: S101 - guaranteed by optional=False
    days = tuple(
        _parse_day(origin, f"{where}.days[{j}]", d, year)
        for j, d in enumerate(_list(origin, f"{where}.days", table.get("days")))
    )
    seen: dict[dt.date, int] = {}
    for j, d in enumerate(days):
        if d.date in seen:
            raise _bad(origin, f"{where}.days[{j}].date", f"{d.date} repeats days[{seen[d.date]}]")
        seen[d.date] = j
    by_date = {d.date: d for d in days}
    for j, d in enumerate(days):
        if d.pair is None:
            continue
        other = by_date.get(d.pair)
        wanted = (
            HolidayKind.MAKE_UP_WORKING_DAY
            if d.kind is HolidayKind.SWAPPED_DAY_OFF
            else HolidayKind.SWAPPED_DAY_OFF
        )
        if other is not None and (other.kind is not wanted or other.pair != d.date):
            raise _bad(
                origin,
                f"{where}.days[{j}].pair",
                f"{d.pair} is listed but is not the matching {wanted.value} paired with {d.date}",
            )
    cancel = tuple(
        _date(origin, f"{where}.cancel[{j}]", c)
        for j, c in enumerate(_list(origin, f"{where}.cancel", table.get("cancel")))
    )
    return NoticeYear(
        year=year,
        mode=mode,
        scope=scope,
        days=days,
        cancel=cancel,
        note=_str(origin, f"{where}.note", table.get("note"), multiline=True),
    )


def _parse(raw: object, origin: str) -> Notice:
    table = _table(origin, "(top level)", raw, {"format", "sources", "year"})
    fmt = table.get("format", _FORMAT)
    if fmt != _FORMAT:
        raise _bad(origin, "format", f"unsupported format {fmt!r}; this onestop reads {_FORMAT}")
    raw_sources = table.get("sources", {})
    if not isinstance(raw_sources, Mapping):
        raise _bad(origin, "sources", f"expected a table, got {type(raw_sources).__name__}")
    sources = {str(k): _parse_source(origin, str(k), v) for k, v in raw_sources.items()}
    years = tuple(
        _parse_year(origin, f"year[{i}]", y)
        for i, y in enumerate(_list(origin, "year", table.get("year")))
    )
    return Notice(origin=origin, sources=sources, years=years)


#: The largest notice :func:`load_notice` and :func:`parse_notice` read: a year's notice is a
#: few kilobytes (the bundled 2013–2026 file is about 31 KB), so 1 MiB leaves room for any
#: real file while refusing a runaway one before it is parsed.
MAX_NOTICE_BYTES = 1024 * 1024

NoticeFormat = Literal["toml", "json"]


def parse_notice(
    text: str | bytes, *, origin: str = "<text>", fmt: NoticeFormat | None = None
) -> Notice:
    """Parse and validate the text of a notice file (TOML or JSON, UTF-8).

    :func:`load_notice` reads a file with it; use it directly when the text comes from
    elsewhere (a database, an upload, a command-line reader with its own size cap).

    Args:
        text: the file's content, as ``str`` or UTF-8 ``bytes`` (a UTF-8 byte-order mark is
            accepted).
        origin: the name quoted in error messages (e.g. the file name).
        fmt: ``"toml"`` or ``"json"``; default from ``origin``'s suffix (``.json`` is JSON,
            anything else TOML).

    Returns:
        The validated :class:`Notice`.

    Raises:
        CalendarDataError: the text is larger than :data:`MAX_NOTICE_BYTES`, is not UTF-8
            (e.g. UTF-16 from a Windows editor), is not valid TOML/JSON, is nested deeper
            than a parser can follow, or an entry is invalid; the message names ``origin``
            and the entry (e.g. ``year[0].days[3].kind``), never the content.
    """
    given: object = text
    if not isinstance(given, str | bytes):
        raise CalendarDataError(
            f"text: expected the notice's text (str or bytes), got {type(given).__name__}",
            field="text",
        )
    if fmt is None:
        fmt = "json" if origin.lower().endswith(".json") else "toml"
    elif fmt not in ("toml", "json"):
        raise CalendarDataError(f"fmt: expected 'toml' or 'json', got {fmt!r}", field="fmt")
    if len(text) > MAX_NOTICE_BYTES:
        raise CalendarDataError(
            f"{origin}: the notice is larger than {MAX_NOTICE_BYTES:,} bytes; a notice file "
            "holds a few years of entries (a few kilobytes)",
            field="data",
        )
    if isinstance(text, bytes):
        if text.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise CalendarDataError(
                f"{origin}: the notice is UTF-16 text; save it as UTF-8 and try again",
                field="data",
            )
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CalendarDataError(
                f"{origin}: the notice is not UTF-8 text (byte {exc.start} is not valid "
                "UTF-8); save it as UTF-8 and try again",
                field="data",
            ) from None
    else:
        text = text.removeprefix("\ufeff")
    name = "JSON" if fmt == "json" else "TOML"
    try:
        raw: object = json.loads(text) if fmt == "json" else tomllib.loads(text)
    except RecursionError:
        raise CalendarDataError(
            f"{origin}: not valid {name}: nested too deeply (a notice is a few levels deep: "
            "year -> days -> entry)",
            field="data",
        ) from None
    except ValueError as exc:  # json.JSONDecodeError and tomllib.TOMLDecodeError
        raise CalendarDataError(f"{origin}: not valid {name} ({exc})", field="data") from None
    return _parse(raw, origin)


def load_notice(data: Mapping[str, Any] | str | os.PathLike[str]) -> Notice:
    """Read and validate a notice: a TOML or JSON file, or an already-parsed mapping.

    The format is the one of the bundled ``civil_service.toml`` (see ``docs/holidays.md``):
    a ``sources`` table (id -> title, url, issuer, issued, verified, note) and ``year``
    entries (year, mode, scope, cancel, days). In JSON, dates are ``"YYYY-MM-DD"`` strings.
    Files are UTF-8, at most :data:`MAX_NOTICE_BYTES`; ``.json`` files are JSON, others TOML
    (see :func:`parse_notice`). Source ids may also refer to sources of the schedule the
    notice is added to (the bundled statutes and notices); that is checked by
    :meth:`HolidaySchedule.with_notice`.

    Args:
        data: a path to a ``.toml`` or ``.json`` file, or a mapping.

    Returns:
        The validated :class:`Notice`.

    Raises:
        CalendarDataError: ``data`` is neither a path nor a mapping, the file cannot be read
            (missing, a directory, too large, not UTF-8) or parsed, or an entry is invalid;
            the message names the file and the entry (e.g. ``year[0].days[3].kind``).
    """
    if isinstance(data, Mapping):
        return _parse(data, "<dict>")
    given: object = data
    if not isinstance(given, str | os.PathLike) or isinstance(given, bytes):
        raise CalendarDataError(
            "data: expected a path to a .toml or .json notice file, a mapping or a Notice, "
            f"got {type(data).__name__}",
            field="data",
        )
    try:
        path = Path(data)
    except TypeError as exc:  # an os.PathLike whose __fspath__ returns bytes
        raise CalendarDataError(f"data: not a usable file path ({exc})", field="data") from None
    if isinstance(data, str) and not data.strip():
        raise CalendarDataError(
            "data: expected a path to a .toml or .json notice file, got an empty string",
            field="data",
        )
    origin = path.name or str(path)
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_NOTICE_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise CalendarDataError(
            f"{origin}: cannot read the notice file ({reason})", field="data"
        ) from None
    return parse_notice(content, origin=origin)


def _bundled_notice() -> Notice:
    text = resources.files("onestop.deadlines").joinpath("_data", _DATA_FILE).read_text("utf-8")
    return _parse(tomllib.loads(text), _DATA_FILE)


# --------------------------------------------------------------------------- the schedule


def _lunar(year: int, month: int, day: int) -> dt.date:
    from onestop.deadlines.lunar import from_lunar

    return from_lunar(year, month, day)


def _check_culture_day(value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigurationError(
            f"culture_day: expected True or False, got {value!r}", field="culture_day"
        )
    return value


def _statute_sources() -> dict[str, NoticeSource]:
    return {k: NoticeSource(id=k, title=s.citation, url=s.url) for k, s in STATUTES.items()}


@attrs.frozen(slots=True)
class _YearTable:
    entries: tuple[Holiday, ...]
    days_off: frozenset[dt.date]
    make_up: frozenset[dt.date]
    provisional: bool


@attrs.frozen(slots=True)
class _Record:
    """A :class:`NoticeYear` with its entries resolved to :class:`Holiday` objects."""

    year: int
    mode: NoticeMode
    entries: tuple[Entry, ...]
    cancel: tuple[dt.date, ...]
    origin: str


@attrs.frozen(eq=False, slots=True)
class HolidaySchedule:
    """The civil-service days off and make-up working days of Vietnam, by year (immutable).

    Build one with :func:`official_schedule` (bundled notices 2013–2026 + statutes, cached),
    :meth:`bundled` (the same, uncached), or :meth:`statutes_only`; extend it with
    :meth:`with_notice`. Every query is for Vietnam local dates (Asia/Ho_Chi_Minh).

    Warnings: a query about a provisional year (no complete official notice) emits
    :class:`~onestop.errors.ProvisionalCalendarWarning`: on every call of the per-year
    methods (:meth:`holidays`, :meth:`days_off`, :meth:`make_up_days`; pass ``warn=False`` to
    silence), and once per year and schedule object for the per-day methods
    (:meth:`is_day_off`, :meth:`is_working_day`).

    Attributes:
        culture_day: whether 24/11 (Ngày Văn hóa Việt Nam, from 1 July 2026) is a day off.
    """

    culture_day: bool
    _sources: Mapping[str, NoticeSource] = attrs.field(repr=False, alias="sources")
    _records: tuple[_Record, ...] = attrs.field(repr=False, alias="records")
    _tables: dict[int, _YearTable] = attrs.field(factory=dict, init=False, repr=False)
    _off: dict[int, frozenset[dt.date]] = attrs.field(factory=dict, init=False, repr=False)
    _closed: dict[int, frozenset[dt.date]] = attrs.field(factory=dict, init=False, repr=False)

    # ------------------------------------------------------------------ constructors

    @classmethod
    def statutes_only(cls, *, culture_day: bool = True) -> HolidaySchedule:
        """A schedule with no notice at all: every year computed from the statutes.

        Args:
            culture_day: treat 24/11 as a day off from 1 July 2026.

        Raises:
            ConfigurationError: ``culture_day`` is not a bool.
        """
        return cls(
            culture_day=_check_culture_day(culture_day), sources=_statute_sources(), records=()
        )

    @classmethod
    def bundled(cls, *, culture_day: bool = True) -> HolidaySchedule:
        """A new schedule with the bundled notices (uncached, unlike :func:`official_schedule`).

        Args:
            culture_day: treat 24/11 as a day off from 1 July 2026.

        Raises:
            ConfigurationError: ``culture_day`` is not a bool.
        """
        return cls.statutes_only(culture_day=culture_day).with_notice(_bundled_notice())

    def with_notice(
        self, data: Notice | Mapping[str, Any] | str | os.PathLike[str]
    ) -> HolidaySchedule:
        """A copy of the schedule with another notice applied on top (later data wins).

        A ``complete`` year replaces everything known about that year (statutory computation
        or earlier notices) and makes it official; an ``amend`` year removes its ``cancel``
        dates, then sets its entries date by date. Sources are kept: every entry cites the
        notice it came from.

        Args:
            data: a :class:`Notice`, a mapping, or a path to a TOML/JSON file (see
                :func:`load_notice`).

        Returns:
            A new :class:`HolidaySchedule`; ``self`` is unchanged.

        Raises:
            CalendarDataError: invalid data, or an entry citing an unknown source id.
        """
        notice = data if isinstance(data, Notice) else load_notice(data)
        sources = {**self._sources, **notice.sources}
        records = list(self._records)
        for i, ny in enumerate(notice.years):
            entries = []
            for j, day in enumerate(ny.days):
                src = sources.get(day.source)
                if src is None:
                    raise _bad(
                        notice.origin,
                        f"year[{i}].days[{j}].source",
                        f"unknown source {day.source!r}; define it under [sources] "
                        f"or use one of {', '.join(sorted(sources))}",
                    )
                entries.append(_resolve(day, src))
            records.append(_Record(ny.year, ny.mode, tuple(entries), ny.cancel, notice.origin))
        return HolidaySchedule(
            culture_day=self.culture_day, sources=sources, records=tuple(records)
        )

    def with_options(self, *, culture_day: bool) -> HolidaySchedule:
        """A copy with the culture-day option changed (same notices).

        Args:
            culture_day: treat 24/11 as a day off from 1 July 2026.

        Raises:
            ConfigurationError: ``culture_day`` is not a bool.
        """
        return HolidaySchedule(
            culture_day=_check_culture_day(culture_day),
            sources=self._sources,
            records=self._records,
        )

    # ------------------------------------------------------------------ coverage

    @property
    def first_year(self) -> int:
        """First year covered (1995: the 1994 Labor Code took effect on 1 January 1995)."""
        return FIRST_YEAR

    @property
    def last_year(self) -> int:
        """Last year covered, inclusive (2199: the end of the lunar tables)."""
        return LAST_YEAR

    def covers(self, year: object) -> bool:
        """Whether ``year`` is in the supported range (official or provisional)."""
        return (
            isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= LAST_YEAR
        )

    def is_provisional(self, year: int) -> bool:
        """Whether ``year`` has no complete official notice (computed from the statutes).

        Raises:
            CalendarDataMissingError: ``year`` is outside the supported range.
        """
        self._check_year(year)
        return not any(r.year == year and r.mode == "complete" for r in self._records)

    @property
    def official_years(self) -> tuple[int, ...]:
        """The years with a complete official notice, ascending."""
        return tuple(sorted({r.year for r in self._records if r.mode == "complete"}))

    @property
    def sources(self) -> Mapping[str, NoticeSource]:
        """Every notice and statute the schedule knows, by id."""
        return dict(self._sources)

    # ------------------------------------------------------------------ per-year queries

    def holidays(self, year: int, *, warn: bool = True) -> list[Holiday]:
        """The entries of ``year``: days off and make-up working days, sorted by date.

        Statutory holidays falling on a weekend are listed too (followed by their
        compensatory day); weekend days inside a break that are neither are not.

        Args:
            year: a Gregorian year in :attr:`first_year`..:attr:`last_year`.
            warn: emit :class:`~onestop.errors.ProvisionalCalendarWarning` for a provisional
                year.

        Raises:
            CalendarDataMissingError: ``year`` is outside the supported range.
        """
        table = self._table(year)
        if warn and table.provisional:
            warn_provisional_year(year)
        return list(table.entries)

    def days_off(self, year: int, *, warn: bool = True) -> frozenset[dt.date]:
        """The dates of ``year`` that are days off by holiday, nghỉ bù, swap or closure.

        Ordinary weekly rest days (Saturday, Sunday) are not included.

        Args:
            year: a Gregorian year in :attr:`first_year`..:attr:`last_year`.
            warn: warn for a provisional year (see :meth:`holidays`).
        """
        table = self._table(year)
        if warn and table.provisional:
            warn_provisional_year(year)
        return table.days_off

    def make_up_days(self, year: int, *, warn: bool = True) -> frozenset[dt.date]:
        """The weekly rest days of ``year`` that are worked (ngày làm bù).

        Args:
            year: a Gregorian year in :attr:`first_year`..:attr:`last_year`.
            warn: warn for a provisional year (see :meth:`holidays`).
        """
        table = self._table(year)
        if warn and table.provisional:
            warn_provisional_year(year)
        return table.make_up

    # ------------------------------------------------------------------ per-day queries

    def is_day_off(self, day: dt.date) -> bool:
        """Whether ``day`` is a day off by holiday, nghỉ bù, swap or closure.

        Weekly rest days are not days off in this sense (use :meth:`is_working_day`).

        Raises:
            InvalidInputError: ``day`` is not a ``datetime.date`` (a ``datetime`` is refused).
            CalendarDataMissingError: the year is outside the supported range.
        """
        try:
            off = self._off[day.year]
        except (KeyError, AttributeError):
            self._load_day_year(day)
            off = self._off[day.year]
        if type(day) is not dt.date:
            _check_date(day)
        return day in off

    def is_working_day(self, day: dt.date) -> bool:
        """Whether state agencies work on ``day`` (civil-service calendar).

        A make-up day is worked; a day off is not; otherwise Monday–Friday are worked
        (Saturday too before 2 October 1999, QĐ 188/1999/QĐ-TTg).

        Raises:
            InvalidInputError: ``day`` is not a ``datetime.date``.
            CalendarDataMissingError: the year is outside the supported range.
        """
        try:
            closed = self._closed[day.year]
        except (KeyError, AttributeError):
            self._load_day_year(day)
            closed = self._closed[day.year]
        if type(day) is not dt.date:
            _check_date(day)
        return day not in closed

    # ------------------------------------------------------------------ internals

    def _check_year(self, year: object) -> None:
        if not isinstance(year, int) or isinstance(year, bool):
            raise InvalidInputError(
                f"year: expected an integer year, got {type(year).__name__}", field="year"
            )
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CalendarDataMissingError(
                f"year: {year} is outside the civil-service calendar "
                f"({FIRST_YEAR}–{LAST_YEAR}: from the 1994 Labor Code to the end of the lunar "
                "tables); onestop does not guess holidays outside it",
                field="year",
            )

    def _load_day_year(self, day: object) -> None:
        checked = _check_date(day)
        year = checked.year
        table = self._table(year)
        if table.provisional:
            warn_provisional_year(year)
        first = dt.date(year, 1, 1)
        rest = {
            d
            for d in (first + dt.timedelta(days=i) for i in range(366))
            if d.year == year and CIVIL_SERVICE_REST_DAYS.is_rest_day(d)
        }
        self._off[year] = table.days_off
        self._closed[year] = frozenset((rest - table.make_up) | table.days_off)

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            self._check_year(year)
            table = self._build(year)
            self._tables[year] = table
        return table

    def _build(self, year: int) -> _YearTable:
        complete = any(r.year == year and r.mode == "complete" for r in self._records)
        by_date: dict[dt.date, Entry] = {}
        if not complete:
            for entry in statutory_entries(year, lunar=_lunar, culture_day=self.culture_day):
                by_date[entry.holiday.date] = entry
        for record in self._records:
            if record.year == year and record.mode == "complete":
                by_date.clear()
            for cancelled in record.cancel:
                by_date.pop(cancelled, None)
            for entry in record.entries:
                if entry.holiday.date.year == year:
                    by_date[entry.holiday.date] = entry
        if not self.culture_day:
            by_date = {d: e for d, e in by_date.items() if e.key != "culture_day"}
        entries = tuple(by_date[d].holiday for d in sorted(by_date))
        return _YearTable(
            entries=entries,
            days_off=frozenset(h.date for h in entries if h.is_day_off),
            make_up=frozenset(h.date for h in entries if not h.is_day_off),
            provisional=not complete,
        )


def _resolve(day: NoticeDay, source: NoticeSource) -> Entry:
    if day.key == "other":
        vi, en = day.name_vi or "", day.name_en or ""
    else:
        vi, en = entry_names(day.key, day.kind, other=day.pair)
        vi, en = day.name_vi or vi, day.name_en or en
    return Entry(
        Holiday(
            date=day.date,
            name_vi=vi,
            name_en=en,
            kind=day.kind,
            basis=source.title,
            source_url=source.url,
            provisional=False,
        ),
        day.key,
    )


def _check_date(day: object) -> dt.date:
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise InvalidInputError(
            f"day: expected a datetime.date (Vietnam local date), got {type(day).__name__}",
            field="day",
        )
    return day


def warn_provisional_year(year: int) -> None:
    """Warn that ``year`` is provisional, in the name of the first caller outside onestop."""
    warn_caller(
        f"{year} has no official civil-service notice in the data: its days off are computed "
        "from the Labor Code and the usual pattern of the Prime Minister's notices and may "
        "differ from the notice once it is published; add it with "
        "HolidaySchedule.with_notice(...)",
        ProvisionalCalendarWarning,
    )


def official_schedule(*, culture_day: bool = True) -> HolidaySchedule:
    """The default civil-service schedule: bundled notices 2013–2026 over the statutes (cached).

    Args:
        culture_day: treat 24/11 (Ngày Văn hóa Việt Nam) as a day off from 1 July 2026 (NQ
            28/2026/QH16 Art. 2); whether a weekend 24/11 is compensated is not settled, see
            ``docs/holidays.md``.

    Returns:
        A shared :class:`HolidaySchedule` (immutable; its per-day warnings are emitted once
        per provisional year for the whole process).

    Raises:
        ConfigurationError: ``culture_day`` is not a bool.
    """
    return _official(culture_day=_check_culture_day(culture_day))


@functools.cache
def _official(*, culture_day: bool) -> HolidaySchedule:
    return HolidaySchedule.bundled(culture_day=culture_day)
