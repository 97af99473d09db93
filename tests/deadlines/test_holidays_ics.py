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
