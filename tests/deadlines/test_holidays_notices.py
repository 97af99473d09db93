"""Run-time notices: loading, validation errors, and how they combine with the schedule."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import (
    HolidayKind,
    HolidaySchedule,
    load_notice,
    official_schedule,
    parse_notice,
)
from onestop.errors import CalendarDataError, ProvisionalCalendarWarning

D = dt.date
DOCS = Path(__file__).resolve().parents[2] / "docs" / "holidays.md"

NOTICE_2027 = {
    "sources": {
        "TB-2027": {
            "title": "Thông báo 1234/TB-BNV (giả định)",
            "url": "https://example.gov.vn/tb-1234",
            "issued": "2026-11-20",
        }
    },
    "year": [
        {
            "year": 2027,
            "mode": "complete",
            "days": [
                {
                    "date": "2027-01-01",
                    "kind": "statutory",
                    "holiday": "new_year",
                    "source": "TB-2027",
                },
                {"date": "2027-02-05", "kind": "statutory", "holiday": "tet", "source": "TB-2027"},
                {"date": "2027-02-08", "kind": "statutory", "holiday": "tet", "source": "TB-2027"},
                {"date": "2027-02-09", "kind": "statutory", "holiday": "tet", "source": "TB-2027"},
                {"date": "2027-02-10", "kind": "statutory", "holiday": "tet", "source": "TB-2027"},
                {"date": "2027-02-11", "kind": "statutory", "holiday": "tet", "source": "TB-2027"},
                {
                    "date": "2027-04-16",
                    "kind": "statutory",
                    "holiday": "hung_kings",
                    "source": "BLLD2019-112",
                },
                {
                    "date": "2027-04-30",
                    "kind": "statutory",
                    "holiday": "reunification",
                    "source": "BLLD2019-112",
                },
                {
                    "date": "2027-05-01",
                    "kind": "statutory",
                    "holiday": "labour_day",
                    "source": "BLLD2019-112",
                },
                {
                    "date": "2027-05-03",
                    "kind": "compensatory",
                    "holiday": "labour_day",
                    "source": "BLLD2019-111",
                },
                {
                    "date": "2027-09-02",
                    "kind": "statutory",
                    "holiday": "national_day",
                    "source": "BLLD2019-112",
                },
                {
                    "date": "2027-09-03",
                    "kind": "statutory",
                    "holiday": "national_day",
                    "source": "TB-2027",
                },
                {
                    "date": "2027-11-24",
                    "kind": "statutory",
                    "holiday": "culture_day",
                    "source": "NQ28-2026",
                },
            ],
        }
    ],
}


def test_complete_notice_makes_a_year_official():
    cal = official_schedule().with_notice(NOTICE_2027)
    assert not cal.is_provisional(2027)
    entries = cal.holidays(2027)  # no warning any more
    assert all(not h.provisional for h in entries)
    tet = [h for h in entries if h.date.month == 2]
    assert [h.date.day for h in tet] == [5, 8, 9, 10, 11]
    assert tet[0].basis == "Thông báo 1234/TB-BNV (giả định)"
    assert tet[0].source_url == "https://example.gov.vn/tb-1234"
    # statutory sources of the bundled data resolve too
    hung = next(h for h in entries if h.date == D(2027, 4, 16))
    assert hung.basis.startswith("BLLĐ 2019") and hung.source_url
    # the provisional 4/2 Tết day of the usual pattern is gone
    assert cal.is_working_day(D(2027, 2, 4))
    # the original is unchanged
    assert official_schedule().is_provisional(2027)
    assert "TB-2027" in cal.sources and "TB-2027" not in official_schedule().sources


def test_amend_adds_a_province_closure_and_keeps_the_year_official():
    closure = {
        "sources": {"UBND-X": {"title": "Quyết định 99/QĐ-UBND tỉnh X"}},
        "year": [
            {
                "year": 2026,
                "scope": "Tỉnh X",
                "days": [
                    {
                        "date": "2026-03-10",
                        "kind": "extra_day_off",
                        "source": "UBND-X",
                        "name_vi": "Nghỉ lễ hội địa phương",
                        "name_en": "Local festival closure",
                    }
                ],
            }
        ],
    }
    base = official_schedule()
    cal = base.with_notice(closure)
    assert cal.is_day_off(D(2026, 3, 10)) and not base.is_day_off(D(2026, 3, 10))
    assert not cal.is_provisional(2026)
    new = set(cal.holidays(2026)) - set(base.holidays(2026))
    (added,) = new
    assert added.kind is HolidayKind.EXTRA_DAY_OFF
    assert added.basis == "Quyết định 99/QĐ-UBND tỉnh X" and added.source_url is None
    assert added.name_en == "Local festival closure"


def test_amend_over_a_provisional_year_cancels_and_later_wins():
    first = {
        "sources": {"A": {"title": "Notice A"}},
        "year": [
            {
                "year": 2027,
                "cancel": ["2027-02-04"],
                "days": [
                    {"date": "2027-02-11", "kind": "statutory", "holiday": "tet", "source": "A"}
                ],
            }
        ],
    }
    second = {
        "sources": {"B": {"title": "Notice B"}},
        "year": [
            {
                "year": 2027,
                "days": [
                    {
                        "date": "2027-02-11",
                        "kind": "swapped_day_off",
                        "holiday": "tet",
                        "source": "B",
                    },
                ],
            }
        ],
    }
    cal = HolidaySchedule.bundled().with_notice(first).with_notice(second)
    with pytest.warns(ProvisionalCalendarWarning):
        entries = {h.date: h for h in cal.holidays(2027)}
    assert D(2027, 2, 4) not in entries
    assert entries[D(2027, 2, 11)].basis == "Notice B"
    assert entries[D(2027, 2, 11)].kind is HolidayKind.SWAPPED_DAY_OFF
    assert not entries[D(2027, 2, 11)].provisional and entries[D(2027, 2, 5)].provisional
    assert cal.is_provisional(2027)


def test_toml_and_json_files(tmp_path):
    toml_text = _docs_toml()
    path = tmp_path / "notice.toml"
    path.write_text(toml_text, encoding="utf-8")
    from_toml = load_notice(path)
    json_path = tmp_path / "notice.json"
    json_path.write_text(json.dumps(tomllib.loads(toml_text), default=str), encoding="utf-8")
    from_json = load_notice(json_path)
    assert from_toml.years == from_json.years
    assert from_toml.sources == from_json.sources
    assert from_toml.origin == "notice.toml"


def _docs_toml() -> str:
    blocks = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "docs/holidays.md has no toml example"
    return blocks[0]


def test_the_worked_example_in_the_docs_loads_and_applies(tmp_path):
    path = tmp_path / "lai-chau-2027.toml"
    path.write_text(_docs_toml(), encoding="utf-8")
    cal = official_schedule().with_notice(path)
    assert not cal.is_provisional(2027)
    assert cal.is_working_day(D(2027, 2, 20)) and not cal.is_working_day(D(2027, 2, 12))
    assert all(not h.provisional for h in cal.holidays(2027))


# --------------------------------------------------------------------------- invalid data


def _one_day(**day) -> dict:
    base = {"date": "2027-02-11", "kind": "statutory", "holiday": "tet", "source": "BLLD2019-112"}
    base.update(day)
    return {"year": [{"year": 2027, "days": [{k: v for k, v in base.items() if v is not None}]}]}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_one_day(kind="holiday"), "year[0].days[0].kind", "is not one of"),
        (_one_day(holiday="xmas"), "year[0].days[0].holiday", "is not one of"),
        (_one_day(date="2027-02-30"), "year[0].days[0].date", "YYYY-MM-DD"),
        (_one_day(date="2029-02-01"), "year[0].days[0].date", "next to the year"),
        (_one_day(source=None), "year[0].days[0].source", "non-empty string"),
        (_one_day(colour="red"), "year[0].days[0]", "unknown key"),
        (_one_day(kind="make_up_working_day"), "year[0].days[0].date", "not a weekly rest day"),
        (_one_day(date="2027-02-13", kind="compensatory"), "year[0].days[0].date", "rest day"),
        (_one_day(pair="2027-02-13"), "year[0].days[0].pair", "only swapped"),
        (_one_day(holiday="other"), "year[0].days[0]", "needs name_vi and name_en"),
        ({"year": [{"year": 1990, "days": []}]}, "year[0].year", "outside"),
        ({"year": [{"year": "2027"}]}, "year[0].year", "integer"),
        ({"year": [{"year": 2027, "mode": "replace"}]}, "year[0].mode", "'complete' or 'amend'"),
        ({"format": 2}, "format", "unsupported format"),
        ({"sources": {"X": {"url": "https://x"}}}, "sources.X.title", "non-empty"),
        ({"sources": {"X": {"title": "t", "url": "ftp://x"}}}, "sources.X.url", "http"),
        (
            {"sources": {"X": {"title": "t", "verified": "yes"}}},
            "sources.X.verified",
            "true or false",
        ),
        ({"sources": []}, "sources", "expected a table"),
        ({"year": {"year": 2027}}, "year", "expected an array"),
        ({"years": []}, "(top level)", "unknown key"),
        ({"year": [{"year": 2027, "cancel": ["soon"]}]}, "year[0].cancel[0]", "YYYY-MM-DD"),
        # text that would break a line of the .ics export or a table cell
        (
            {"sources": {"X": {"title": "t", "url": "https://x\r\nBEGIN:VEVENT"}}},
            "sources.X.url",
            "line breaks",
        ),
        ({"sources": {"X": {"title": "t", "url": "https://x y"}}}, "sources.X.url", "spaces"),
        ({"sources": {"X": {"title": "Thông\nbáo"}}}, "sources.X.title", "line breaks"),
        (_one_day(name_vi="Tết\x00"), "year[0].days[0].name_vi", "control characters"),
        ({"year": [{"year": 2027, "scope": "Lai\x1bChâu"}]}, "year[0].scope", "control"),
    ],
)
def test_invalid_data_names_the_entry(data, field, message):
    with pytest.raises(CalendarDataError, match=re.escape(message)) as info:
        load_notice(data)
    assert info.value.field == field
    assert str(info.value).startswith(f"<dict>: {field}: ")


def test_duplicate_dates_and_unpaired_swaps():
    dup = _one_day()
    dup["year"][0]["days"] *= 2
    with pytest.raises(CalendarDataError, match=r"repeats days\[0\]"):
        load_notice(dup)
    bad_pair = {
        "year": [
            {
                "year": 2027,
                "days": [
                    {
                        "date": "2027-02-12",
                        "kind": "swapped_day_off",
                        "holiday": "tet",
                        "source": "S",
                        "pair": "2027-02-20",
                    },
                    {
                        "date": "2027-02-20",
                        "kind": "make_up_working_day",
                        "holiday": "tet",
                        "source": "S",
                        "pair": "2027-02-27",
                    },
                ],
            }
        ]
    }
    with pytest.raises(CalendarDataError, match="matching"):
        load_notice(bad_pair)


def test_unknown_source_is_reported_when_applied():
    notice = load_notice(_one_day(source="NOPE"))
    with pytest.raises(CalendarDataError, match="unknown source 'NOPE'") as info:
        official_schedule().with_notice(notice)
    assert info.value.field == "year[0].days[0].source"


def test_multi_line_notes_are_kept():
    notice = load_notice(
        {
            "sources": {"X": {"title": "t", "note": "line one\n\tline two"}},
            "year": [{"year": 2027, "note": "a\nb"}],
        }
    )
    assert notice.sources["X"].note == "line one\n\tline two"
    assert notice.years[0].note == "a\nb"


@pytest.mark.parametrize("data", [None, 5, 2027.0, b"notice.toml", ["a.toml"], "", "   "])
def test_neither_a_path_nor_a_mapping(data):
    with pytest.raises(CalendarDataError) as info:
        load_notice(data)
    assert info.value.field == "data"
    assert "expected a path to a .toml or .json notice file" in info.value.message
    with pytest.raises(CalendarDataError):
        official_schedule().with_notice(data)


@pytest.mark.parametrize("value", [None, "no", 0, 1, []])
def test_culture_day_must_be_a_bool(value):
    from onestop.errors import ConfigurationError

    for make in (
        official_schedule,
        HolidaySchedule.bundled,
        HolidaySchedule.statutes_only,
        official_schedule().with_options,
    ):
        with pytest.raises(ConfigurationError) as info:
            make(culture_day=value)
        assert info.value.field == "culture_day"


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(CalendarDataError, match="cannot read"):
        load_notice(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("format = = 1\n", encoding="utf-8")
    with pytest.raises(CalendarDataError, match=r"bad\.toml: not valid TOML"):
        load_notice(bad)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{", encoding="utf-8")
    with pytest.raises(CalendarDataError, match="not valid JSON"):
        load_notice(bad_json)
    dt_value = tmp_path / "datetime.toml"
    dt_value.write_text(
        '[[year]]\nyear = 2027\ndays = [{ date = 2027-02-11T08:00:00, kind = "statutory", '
        'holiday = "tet", source = "S" }]\n',
        encoding="utf-8",
    )
    with pytest.raises(CalendarDataError, match="date-time"):
        load_notice(dt_value)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("deep.json", b"[" * 100_000, "nested too deeply"),
        ("deep.toml", b"a = " + b"[" * 100_000, "nested too deeply"),
        ("deep_tables.toml", b"a = " + b"{b = " * 50_000, "nested too deeply"),
        ("utf16.toml", "format = 1\n".encode("utf-16"), "UTF-16 text; save it as UTF-8"),
        ("utf16.json", '{"format": 1}'.encode("utf-16"), "UTF-16 text; save it as UTF-8"),
        ("junk.json", bytes(range(256)), "not UTF-8 text"),
        ("large.toml", b"a = '" + b"x" * (1024 * 1024) + b"'\n", "larger than 1,048,576 bytes"),
    ],
)
def test_hostile_files_raise_calendar_data_error(tmp_path, name, content, message):
    """Issue 9: nesting beyond the parsers (RecursionError), UTF-16, junk, runaway size."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CalendarDataError, match=message) as info:
        load_notice(path)
    assert info.value.field == "data"
    assert str(info.value).startswith(f"{name}: ")
    with pytest.raises(CalendarDataError, match=message):
        official_schedule().with_notice(path)


def test_parse_notice_reads_text_from_anywhere(tmp_path):
    toml_text = _docs_toml()
    from_text = parse_notice(toml_text, origin="upload.toml")
    from_bytes = parse_notice("\ufeff".encode() + toml_text.encode(), origin="upload.toml")
    as_json = json.dumps(tomllib.loads(toml_text), default=str)
    from_json = parse_notice(as_json, origin="from-db", fmt="json")
    assert from_text.years == from_bytes.years == from_json.years
    assert from_text.origin == "upload.toml"
    with pytest.raises(CalendarDataError, match=r"from-db: not valid TOML"):
        parse_notice(as_json, origin="from-db")  # no .json suffix and no fmt: read as TOML
    with pytest.raises(CalendarDataError, match="fmt"):
        parse_notice(toml_text, fmt="yaml")  # type: ignore[arg-type]
    with pytest.raises(CalendarDataError, match="text"):
        parse_notice(tmp_path)  # type: ignore[arg-type]
    with pytest.raises(CalendarDataError, match="cannot read"):
        load_notice(tmp_path)  # a directory


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 3000) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["format", "sources", "year", "days", "date", "kind", "title", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(data=st.dictionaries(st.sampled_from(["format", "sources", "year", "x"]), _json_values))
def test_arbitrary_input_raises_only_calendar_data_error(data):
    with contextlib.suppress(CalendarDataError):
        load_notice(data)


def test_bundled_file_validates_and_every_source_is_used():
    cal = official_schedule()
    used = {h.basis for y in range(2012, 2027) for h in cal.holidays(y, warn=False)}
    titles = {s.title for s in cal.sources.values()}
    assert used <= titles
    notice_sources = {
        s.title for k, s in cal.sources.items() if not k.startswith(("BLLD", "NQ", "LUAT"))
    }
    assert notice_sources <= used


# --------------------------------------------------------------------------- merge semantics


@st.composite
def _notice_years(draw, year: int):
    first = D(year, 1, 1)
    dates = st.builds(lambda i: first + dt.timedelta(days=i), st.integers(0, 364))
    days = {}
    for day in draw(st.lists(dates, max_size=6, unique=True)):
        if day.weekday() >= 5:
            kind = draw(st.sampled_from(["make_up_working_day", "statutory"]))
        else:
            kind = draw(st.sampled_from(["statutory", "extra_day_off", "swapped_day_off"]))
        days[day] = kind
    return {
        "year": year,
        "mode": draw(st.sampled_from(["amend", "amend", "complete"])),
        "cancel": [d.isoformat() for d in draw(st.lists(dates, max_size=3))],
        "days": [
            {"date": d.isoformat(), "kind": k, "holiday": "tet", "source": "BLLD2019-112"}
            for d, k in days.items()
        ],
    }


@settings(max_examples=40, deadline=None)
@given(data=st.data(), year=st.sampled_from([2025, 2026, 2027]))
def test_notices_merge_date_by_date_later_wins(data, year):
    notices = data.draw(st.lists(_notice_years(year), min_size=1, max_size=3))
    base = official_schedule()
    model = {h.date: h.kind.value for h in base.holidays(year, warn=False)}
    official = not base.is_provisional(year)
    cal = base
    for ny in notices:
        cal = cal.with_notice({"year": [ny]})
        if ny["mode"] == "complete":
            model.clear()
            official = True
        for c in ny["cancel"]:
            model.pop(D.fromisoformat(c), None)
        model.update({D.fromisoformat(d["date"]): d["kind"] for d in ny["days"]})
    got = {h.date: h.kind.value for h in cal.holidays(year, warn=False)}
    assert got == model
    assert cal.is_provisional(year) is not official
    assert cal.days_off(year, warn=False) == {
        d for d, k in model.items() if k != "make_up_working_day"
    }
    assert cal.make_up_days(year, warn=False) == {
        d for d, k in model.items() if k == "make_up_working_day"
    }
