"""iCalendar export: parsed back with a small RFC 5545 reader and compared with the schedule."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import HolidaySchedule, official_schedule, to_ics
from onestop.deadlines._ics import escape_text, fold_line
from onestop.errors import InvalidInputError, ProvisionalCalendarWarning


def unfold(text: str) -> list[str]:
    """RFC 5545 §3.1: a CRLF followed by one space or tab continues the previous line."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # bare LF is not allowed
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def parse(text: str) -> list[dict[str, str]]:
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines[1:-1]:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
    assert current is None
    return events


def test_round_trip_2026():
    cal = official_schedule()
    text = to_ics(cal, 2026)
    for raw in text.split("\r\n"):
        assert len(raw.encode("utf-8")) <= 75
    events = parse(text)
    holidays = cal.holidays(2026)
    assert len(events) == len(holidays)
    for event, h in zip(events, holidays, strict=True):
        start = dt.datetime.strptime(event["DTSTART;VALUE=DATE"], "%Y%m%d").date()
        end = dt.datetime.strptime(event["DTEND;VALUE=DATE"], "%Y%m%d").date()
        assert start == h.date and end == h.date + dt.timedelta(days=1)
        assert unescape(event["SUMMARY"]) == h.name_vi
        assert unescape(event["DESCRIPTION"]).startswith(f"{h.name_en}. {h.basis}")
        assert event["CATEGORIES"] == h.kind.value
        assert event["DTSTAMP"] == "20000101T000000Z"
        assert event.get("URL;VALUE=URI") == h.source_url
        assert event["TRANSP"] == ("OPAQUE" if not h.is_day_off else "TRANSPARENT")
    uids = [e["UID"] for e in events]
    assert len(set(uids)) == len(uids)
    assert "20260102-swapped_day_off@onestop.vn-calendar" in uids


def test_deterministic_and_injectable_dtstamp():
    cal = official_schedule()
    assert to_ics(cal, 2025) == to_ics(cal, 2025)
    stamp = dt.datetime(2026, 11, 28, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    events = parse(to_ics(cal, 2025, dtstamp=stamp))
    assert {e["DTSTAMP"] for e in events} == {"20261128T083000Z"}
    with pytest.raises(InvalidInputError, match="timezone-aware"):
        to_ics(cal, 2025, dtstamp=dt.datetime(2026, 1, 1))


def test_provisional_year_is_marked():
    cal = HolidaySchedule.bundled()
    with pytest.warns(ProvisionalCalendarWarning):
        text = to_ics(cal, 2027)
    assert "X-WR-CALNAME:Lịch nghỉ cán bộ\\, công chức 2027 (dự kiến)" in unfold(text)
    assert all(unescape(e["SUMMARY"]).endswith("(dự kiến)") for e in parse(text))
    to_ics(cal, 2027, warn=False)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300))
def test_fold_respects_octets_and_unfolds_to_the_same_text(value):
    line = "SUMMARY:" + escape_text(value)
    folded = fold_line(line)
    chunks = folded.split("\r\n ")
    assert all(len(c.encode("utf-8")) <= (75 if i == 0 else 74) for i, c in enumerate(chunks))
    assert "".join(chunks) == line
    assert unescape(escape_text(value)) == value.replace("\r\n", "\n").replace("\r", "\n")


def test_escaping():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_work_calendar_exports_with_its_extra_entries():
    """``civil_service_calendar()`` (issue 3's calendar object) exports like its schedule."""
    from onestop.deadlines import Holiday, HolidayKind, civil_service_calendar

    schedule = official_schedule()
    assert to_ics(civil_service_calendar(schedule=schedule), 2026) == to_ics(schedule, 2026)
    closure = Holiday(
        date=dt.date(2026, 3, 10),
        name_vi="Nghỉ lễ hội",
        name_en="Festival closure",
        kind=HolidayKind.EXTRA_DAY_OFF,
        basis="Quyết định 1/QĐ-UBND",
    )
    local = civil_service_calendar(schedule=schedule, extra_holidays=[closure])
    events = parse(to_ics(local, 2026))
    assert [e["DTSTART;VALUE=DATE"] for e in events] == [
        f"{h.date:%Y%m%d}" for h in local.holidays(2026)
    ]
    assert "20260310-extra_day_off@onestop.vn-calendar" in {e["UID"] for e in events}
    # a provisional year warns once, from to_ics, whatever the calendar does itself
    with pytest.warns(ProvisionalCalendarWarning) as record:
        text = to_ics(civil_service_calendar(schedule=HolidaySchedule.bundled()), 2027)
    assert len(record) == 1 and record[0].filename == __file__
    assert all(unescape(e["SUMMARY"]).endswith("(dự kiến)") for e in parse(text))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"schedule": None}, "schedule"),
        ({"schedule": "official"}, "schedule"),
        ({"year": "2026"}, "year"),
        ({"year": 2026.0}, "year"),
        ({"year": True}, "year"),
        ({"dtstamp": "2026-01-01T00:00:00Z"}, "dtstamp"),
        ({"dtstamp": dt.date(2026, 1, 1)}, "dtstamp"),
        ({"domain": ""}, "domain"),
        ({"domain": "example.org\r\nBEGIN:VEVENT"}, "domain"),
        ({"domain": "a b"}, "domain"),
        ({"domain": None}, "domain"),
    ],
)
def test_bad_arguments_raise_invalid_input(kwargs, field):
    args = {"schedule": official_schedule(), "year": 2026, **kwargs}
    schedule, year = args.pop("schedule"), args.pop("year")
    with pytest.raises(InvalidInputError) as info:
        to_ics(schedule, year, **args)
    assert info.value.field == field


def test_out_of_range_year_raises_calendar_data_missing():
    from onestop.deadlines import civil_service_calendar
    from onestop.errors import CalendarDataMissingError

    for source in (official_schedule(), civil_service_calendar()):
        with pytest.raises(CalendarDataMissingError):
            to_ics(source, 2200)


@pytest.mark.parametrize("year", [2019, 2026, 2027])
def test_independent_parser_reads_the_same_events(year):
    """Cross-check with the ``icalendar`` library (an independent RFC 5545 parser)."""
    icalendar = pytest.importorskip("icalendar")
    schedule = HolidaySchedule.bundled()
    text = to_ics(schedule, year, warn=False)
    calendar = icalendar.Calendar.from_ical(text)
    assert calendar.errors == []
    events = list(calendar.walk("VEVENT"))
    expected = schedule.holidays(year, warn=False)
    assert len(events) == len(expected)
    suffix = " (dự kiến)" if schedule.is_provisional(year) else ""
    for event, h in zip(events, expected, strict=True):
        assert event.errors == []
        assert event.decoded("DTSTART") == h.date
        assert event.decoded("DTEND") == h.date + dt.timedelta(days=1)
        assert str(event["SUMMARY"]) == h.name_vi + suffix
        description = f"{h.name_en}. {h.basis}" + (f". {h.source_url}" if h.source_url else "")
        assert str(event["DESCRIPTION"]) == description
        assert event.decoded("DTSTAMP") == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        assert str(event["TRANSP"]) == ("TRANSPARENT" if h.is_day_off else "OPAQUE")
    assert len({str(e["UID"]) for e in events}) == len(events)
