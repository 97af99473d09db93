import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.errors import InvalidInputError
from onestop.tz import (
    VN_TZ,
    format_instant,
    is_aware,
    parse_date,
    parse_instant,
    require_aware,
    to_vn,
    vn_date,
)


class _NoOffset(dt.tzinfo):
    def utcoffset(self, d):
        return None

    def dst(self, d):
        return None


@pytest.mark.parametrize(
    "value",
    [dt.datetime(2026, 2, 13, 10), dt.datetime(2026, 2, 13, 10, tzinfo=_NoOffset()), "2026", None],
)
def test_require_aware_refuses_naive_and_non_datetimes(value):
    with pytest.raises(InvalidInputError, match="received_at") as info:
        require_aware(value, field="received_at")
    assert info.value.field == "received_at"
    assert not is_aware(value)


def test_to_vn_converts_and_reports_overflow():
    utc = dt.datetime(2026, 2, 12, 20, 30, tzinfo=dt.UTC)
    assert to_vn(utc, field="x") == utc
    assert to_vn(utc, field="x").tzinfo is VN_TZ
    assert vn_date(utc, field="x") == dt.date(2026, 2, 13)
    late = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-12)))
    with pytest.raises(InvalidInputError, match="outside the range"):
        to_vn(late, field="x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-13T10:00:00+07:00", dt.datetime(2026, 2, 13, 10, tzinfo=VN_TZ)),
        ("2026-02-13T03:00:00Z", dt.datetime(2026, 2, 13, 10, tzinfo=VN_TZ)),
        ("2026-02-13 10:00", dt.datetime(2026, 2, 13, 10, tzinfo=VN_TZ)),
        ("13/02/2026 10:00", dt.datetime(2026, 2, 13, 10, tzinfo=VN_TZ)),
        ("06/12/2026 14:35:07", dt.datetime(2026, 12, 6, 14, 35, 7, tzinfo=VN_TZ)),
        ("6-12-2026", dt.datetime(2026, 12, 6, tzinfo=VN_TZ)),
        ("2026-02-13", dt.datetime(2026, 2, 13, tzinfo=VN_TZ)),
    ],
)
def test_parse_instant_reads_iso_and_vietnamese_forms(text, expected):
    value = parse_instant(text, field="received")
    assert value == expected
    # Without an offset the text is Vietnam time; with one, the offset given is kept.
    assert value.tzinfo is VN_TZ or value.utcoffset() == parse_instant(text, field="r").utcoffset()
    assert (value.tzinfo is VN_TZ) == (text[-1:] != "Z" and "+" not in text)


@pytest.mark.parametrize("text", ["", "  ", "31/02/2026 10:00", "13/02/2026 25:00", "tomorrow"])
def test_parse_instant_refuses_with_the_field_name(text):
    with pytest.raises(InvalidInputError, match=r"^received: .*dd/mm/yyyy"):
        parse_instant(text, field="received")


def test_parse_date():
    assert parse_date("2026-02-13", field="d") == dt.date(2026, 2, 13)
    assert parse_date(" 13/02/2026 ", field="d") == dt.date(2026, 2, 13)
    for bad in ("13/02/2026 10:00", "2026-02-30", "", "x"):
        with pytest.raises(InvalidInputError, match=r"^d: "):
            parse_date(bad, field="d")


@given(st.datetimes(timezones=st.timezones()))
def test_parse_instant_round_trips_format_instant(value):
    if value.utcoffset() is None:
        return
    try:
        text = format_instant(value)
    except InvalidInputError:
        return  # out of range in Vietnam time
    back = parse_instant(text, field="x")
    # Compared in UTC: an instant in a zone's DST gap compares unequal across zones (PEP 495).
    assert back.astimezone(dt.UTC) == value.astimezone(dt.UTC)
    # Vietnam's offset at that instant (UTC+8 before 13 June 1975, UTC+7 since).
    assert back.utcoffset() == value.astimezone(VN_TZ).utcoffset()
