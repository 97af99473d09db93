"""Procedures, processing times and online service levels."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from onestop.errors import InvalidDossierError, InvalidInputError
from onestop.models import (
    SAME_DAY_CUTOFF,
    AgencyRef,
    Channel,
    ChannelProcessingTime,
    LienThongParticipant,
    Procedure,
    ProcessingTime,
    ServiceLevel,
    TimeUnit,
)
from onestop.testing import make_procedure

# ------------------------------------------------------------------ ProcessingTime


def test_processing_time_units():
    assert {u.value for u in TimeUnit} == {
        "working_days",
        "calendar_days",
        "working_hours",
        "months",
        "same_day",
    }
    # the 766 data specification's DonViTinh = Giờ / Ngày / Ngày làm việc / Tháng.
    assert TimeUnit.WORKING_DAYS.label_vi == "Ngày làm việc"
    assert TimeUnit.MONTHS.label_vi == "Tháng"


def test_processing_time_constructors():
    assert ProcessingTime.working_days(5) == ProcessingTime(amount=5, unit=TimeUnit.WORKING_DAYS)
    assert ProcessingTime.calendar_days(30).unit is TimeUnit.CALENDAR_DAYS
    assert ProcessingTime.working_hours(8).unit is TimeUnit.WORKING_HOURS
    assert ProcessingTime.months(2).amount == 2
    # Luật Hộ tịch 2014 Art. 5(3): same day, 15:00 cut-off.
    same = ProcessingTime.same_day()
    assert (same.amount, same.unit, same.cutoff) == (0, TimeUnit.SAME_DAY, dt.time(15, 0))
    assert ProcessingTime.same_day(None).cutoff is None
    assert str(ProcessingTime.working_days(5)) == "5 working days"
    assert "15:00" in str(same)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": -1, "unit": "working_days"}, "amount"),
        ({"amount": 1, "unit": "fortnights"}, "unit"),
        ({"amount": True, "unit": "working_days"}, "amount"),
        ({"amount": "5", "unit": "working_days"}, "amount"),
        ({"amount": 2, "unit": "same_day"}, "amount"),
        ({"amount": 5, "unit": "working_days", "cutoff": "15:00"}, "cutoff"),
        ({"amount": 0, "unit": "same_day", "cutoff": "15:00", "extra": 1}, "extra"),
        ({"unit": "working_days"}, "amount"),
    ],
)
def test_processing_time_rejects(data, field):
    with pytest.raises(InvalidDossierError) as info:
        ProcessingTime(**data)
    assert info.value.field == field
    assert field in info.value.message


def test_same_day_cutoff_has_one_default():
    # one constant (15:00) whatever way a same-day time is built; None means no cut-off
    from onestop.deadlines import SameDayPolicy

    assert dt.time(15, 0) == SAME_DAY_CUTOFF
    built = [
        ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY),
        ProcessingTime(amount=0, unit="same_day"),
        ProcessingTime.model_validate({"amount": 0, "unit": "same_day"}),
        ProcessingTime.model_validate_json('{"amount": 0, "unit": "same_day"}'),
        ProcessingTime.same_day(),
    ]
    assert {pt.cutoff for pt in built} == {SAME_DAY_CUTOFF}
    assert SameDayPolicy().cutoff == SAME_DAY_CUTOFF
    assert ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY, cutoff=None).cutoff is None
    no_cutoff = ProcessingTime.model_validate_json(
        '{"amount": 0, "unit": "same_day", "cutoff": null}'
    )
    assert no_cutoff.cutoff is None
    # the dumped form keeps the meaning both ways
    for pt in (built[0], no_cutoff):
        assert ProcessingTime.model_validate_json(pt.model_dump_json()) == pt
    # another unit has no cut-off
    assert ProcessingTime(amount=5, unit="working_days").cutoff is None


def test_processing_time_rejects_aware_cutoff():
    with pytest.raises(InvalidDossierError) as info:
        ProcessingTime(amount=0, unit="same_day", cutoff=dt.time(15, tzinfo=dt.UTC))
    assert info.value.field == "cutoff"


def test_processing_time_is_frozen():
    time = ProcessingTime.working_days(3)
    with pytest.raises(AttributeError):
        time.amount = 4  # type: ignore[misc]
    assert hash(time) == hash(ProcessingTime.working_days(3))


# ------------------------------------------------------------------ ServiceLevel


# NĐ 43/2011 Art. 3 levels 1-4 against NĐ 42/2022 toàn trình / một phần.
@pytest.mark.parametrize(
    ("legacy", "level"),
    [
        (1, ServiceLevel.NONE),
        (2, ServiceLevel.NONE),
        (3, ServiceLevel.PARTIAL),
        (4, ServiceLevel.FULL),
    ],
)
def test_legacy_levels(legacy, level):
    assert ServiceLevel.from_legacy_level(legacy) is level
    assert ServiceLevel.from_legacy_level(level.legacy_level) is level


def test_legacy_level_values():
    assert ServiceLevel.FULL.legacy_level == 4
    assert ServiceLevel.PARTIAL.legacy_level == 3
    assert ServiceLevel.NONE.legacy_level == 2
    assert ServiceLevel.FULL.label_vi == "Toàn trình"


@pytest.mark.parametrize("bad", [0, 5, -1, True, "4", 3.0, None])
def test_legacy_level_rejects(bad):
    with pytest.raises(InvalidInputError) as info:
        ServiceLevel.from_legacy_level(bad)
    assert info.value.field == "service_level"


# ------------------------------------------------------------------ Procedure


def _data(**changes):
    data = make_procedure(0).model_dump()
    data.update(changes)
    return data


def test_make_procedure_seed_zero_is_marriage_registration():
    procedure = make_procedure(0)
    assert str(procedure.code) == "1.000894"
    assert procedure.name_vi == "Đăng ký kết hôn"
    assert procedure.processing_time_for(Channel.ONLINE) == ProcessingTime.same_day()
    assert Procedure.model_validate(procedure.model_dump()) == procedure


def test_processing_time_per_channel():
    times = (
        ChannelProcessingTime(channel=Channel.DIRECT, time=ProcessingTime.working_days(7)),
        ChannelProcessingTime(channel=Channel.ONLINE, time=ProcessingTime.working_days(5)),
    )
    procedure = make_procedure(3, channels=(Channel.DIRECT, Channel.ONLINE), processing_times=times)
    assert procedure.processing_time_for(Channel.DIRECT).amount == 7
    assert procedure.processing_time_for(Channel.ONLINE).amount == 5
    with pytest.raises(InvalidInputError) as info:
        procedure.processing_time_for(Channel.POSTAL)
    assert info.value.field == "channel"
    assert "postal" in info.value.message


def test_channels_override_adapts_times_and_level():
    procedure = make_procedure(0, channels=(Channel.DIRECT,))
    assert procedure.service_level is ServiceLevel.NONE
    assert [t.channel for t in procedure.processing_times] == [Channel.DIRECT]


def test_fees_per_channel():
    from onestop.models import FeeItem

    fees = (
        FeeItem(name="Lệ phí (trực tiếp)", amount=20_000, channel=Channel.DIRECT),
        FeeItem(name="Lệ phí (trực tuyến)", amount=10_000, channel=Channel.ONLINE),
        FeeItem(name="Phí chung", amount=5_000),
    )
    procedure = make_procedure(3, fees=fees)
    assert procedure.total_fees(Channel.DIRECT) == 25_000
    assert procedure.total_fees(Channel.ONLINE) == 15_000
    assert procedure.total_fees(Channel.POSTAL) == 5_000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"channels": ["direct", "direct"]}, "channels"),
        ({"levels": ["commune", "commune"]}, "levels"),
        ({"levels": []}, "levels"),
        ({"channels": []}, "channels"),
        ({"code": "1.00089"}, "code"),
        ({"name_vi": "   "}, "name_vi"),
        (
            {
                "processing_times": [
                    {"channel": "direct", "time": {"amount": 1, "unit": "working_days"}}
                ]
            },
            "processing_times",
        ),
        ({"service_level": "none"}, "service_level"),
        ({"fees": [{"name": "Lệ phí", "amount": -1}]}, "fees[0].amount"),
        ({"fees": [{"name": "Lệ phí", "amount": 1.5}]}, "fees[0].amount"),
        ({"documents": [{"name": "Tờ khai", "originals": -1}]}, "documents[0].originals"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_procedure_rejects(changes, field):
    with pytest.raises(InvalidDossierError) as info:
        Procedure.model_validate(_data(**changes))
    assert info.value.field == field
    assert isinstance(info.value.__cause__, ValidationError)


def test_extra_processing_time_for_unlisted_channel():
    data = _data(channels=["direct"], service_level="none")
    with pytest.raises(InvalidDossierError) as info:
        Procedure.model_validate(data)
    assert "not in channels" in info.value.message


def test_full_online_needs_online_channel():
    with pytest.raises(InvalidDossierError) as info:
        make_procedure(5, service_level=ServiceLevel.FULL)  # 2.000815 is counter-only
    assert info.value.field == "service_level"


def _lien_thong(*shares: int, unit: TimeUnit = TimeUnit.WORKING_DAYS):
    return tuple(
        LienThongParticipant(
            agency=AgencyRef(name=f"Cơ quan {i}", code="000.00.00.H29"),
            task=f"Bước {i}",
            share=ProcessingTime(amount=amount, unit=unit),
        )
        for i, amount in enumerate(shares)
    )


def test_lien_thong_shares_within_total():
    # 1.004222 Đăng ký thường trú: 7 working days on every channel.
    procedure = make_procedure(3, lien_thong=_lien_thong(3, 4))
    assert sum(p.share.amount for p in procedure.lien_thong) == 7
    with pytest.raises(InvalidDossierError) as info:
        make_procedure(3, lien_thong=_lien_thong(4, 4))
    assert info.value.field == "lien_thong"
    assert "8" in info.value.message and "7" in info.value.message
    with pytest.raises(InvalidDossierError) as info:
        make_procedure(3, lien_thong=_lien_thong(1, unit=TimeUnit.CALENDAR_DAYS))
    assert "unit" in info.value.message


@settings(max_examples=50, deadline=None)
@given(shares=st.lists(st.integers(0, 10), min_size=1, max_size=5), total=st.integers(0, 30))
def test_lien_thong_property(shares, total):
    time = ProcessingTime.working_days(total)
    base = _data(
        processing_times=[{"channel": c, "time": time} for c in ("direct", "online", "postal")],
        lien_thong=_lien_thong(*shares),
    )
    if sum(shares) <= total:
        assert Procedure.model_validate(base).lien_thong
    else:
        with pytest.raises(InvalidDossierError):
            Procedure.model_validate(base)


@settings(max_examples=100, deadline=None)
@given(
    data=st.dictionaries(
        st.sampled_from([*Procedure.model_fields, "junk"]),
        st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=10),
            st.lists(st.text(max_size=5), max_size=3),
            st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
        ),
    )
)
def test_random_input_raises_only_onestop_errors(data):
    """Whatever the input, the only exception is InvalidDossierError (never ValidationError)."""
    for attempt in (
        lambda: Procedure.model_validate(_data(**data)),
        lambda: Procedure.model_validate_json(repr(data)),
        lambda: Procedure(**data),
    ):
        try:
            attempt()
        except InvalidDossierError as exc:
            assert exc.message
            assert "errors.pydantic.dev" not in exc.message


def test_channel_given_as_string():
    procedure = make_procedure(0)
    assert procedure.processing_time_for("online") == procedure.processing_time_for(Channel.ONLINE)
    assert procedure.fees_for("direct") == procedure.fees_for(Channel.DIRECT)
    with pytest.raises(InvalidInputError) as info:
        procedure.processing_time_for("fax")
    assert info.value.field == "channel"


def test_validate_strings_converts_errors():
    assert ProcessingTime.model_validate_strings(
        {"amount": "3", "unit": "working_days"}
    ) == ProcessingTime.working_days(3)
    with pytest.raises(InvalidDossierError) as info:
        ProcessingTime.model_validate_strings({"amount": "ba", "unit": "working_days"})
    assert info.value.field == "amount"
