"""The explanation model: built from the calculation's trace, rendered once per language.

Properties (on the official calendar, random receipts, amounts and policies): every
explanation ends on the computed due instant, and the units its steps count add up to the
processing time exactly. Then the behaviours a mutation run found untested: English keeps the
legal citations, the two languages never swap their words, the working-day numbering, the
weekend of a Friday-evening receipt counted in hours, one date style in a clock's text.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import (
    RULES_61_2018,
    RULES_118_2025,
    CalendarDaysPolicy,
    Citation,
    DossierClock,
    Explanation,
    MonthsPolicy,
    Rule,
    SameDayPolicy,
    StepKind,
    Topic,
    WorkingDaysPolicy,
    WorkingHoursPolicy,
    WorkingTime,
    civil_service_calendar,
    compute_due,
    rules_for,
)
from onestop.deadlines.explain import renderer
from onestop.errors import DeadlineError, InvalidInputError
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ

CAL = civil_service_calendar(warn_provisional=False)


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


# ---------------------------------------------------------------------------- properties

POLICIES = st.sampled_from(
    [
        (WorkingDaysPolicy(), TimeUnit.WORKING_DAYS),
        (WorkingDaysPolicy(receipt_day_counts=True), TimeUnit.WORKING_DAYS),
        (WorkingHoursPolicy(), TimeUnit.WORKING_DAYS),
        (WorkingHoursPolicy(), TimeUnit.WORKING_HOURS),
        (WorkingHoursPolicy(hours_per_day=7), TimeUnit.WORKING_DAYS),
        (SameDayPolicy(), TimeUnit.SAME_DAY),
        (SameDayPolicy(cutoff=None), TimeUnit.SAME_DAY),
        (CalendarDaysPolicy(), TimeUnit.CALENDAR_DAYS),
        (CalendarDaysPolicy(day_end="midnight"), TimeUnit.CALENDAR_DAYS),
        (MonthsPolicy(), TimeUnit.MONTHS),
    ]
)
RECEIPTS = st.datetimes(min_value=dt.datetime(2019, 1, 1), max_value=dt.datetime(2026, 8, 31)).map(
    lambda x: x.replace(tzinfo=VN_TZ)
)


def _counted(explanation: Explanation, unit: TimeUnit) -> int:
    return sum(s.counted for s in explanation if s.counted_unit is unit)


@settings(max_examples=300, deadline=None)
@given(RECEIPTS, st.integers(0, 40), POLICIES)
def test_every_explanation_ends_on_the_due_instant_and_counts_the_processing_time(
    received, amount, case
):
    policy, unit = case
    amount = {TimeUnit.SAME_DAY: 0, TimeUnit.MONTHS: amount % 4}.get(unit, amount)
    pt = ProcessingTime(amount=amount, unit=unit)
    d = policy.due(received, pt, calendar=CAL)
    steps = d.explanation.steps
    # first the governing text, then the receipt
    assert steps[0].kind is StepKind.GOVERNING_TEXT and steps[0].values["era"] == d.era
    assert steps[1].kind is StepKind.RECEIVED and steps[1].at == d.received_at
    assert steps[-1].kind is StepKind.DUE
    assert steps[-1].at == d.due_at
    assert steps[-1].date == d.due_date
    times = [s.counted_time for s in steps if s.counted_time is not None]
    if isinstance(policy, WorkingHoursPolicy):
        minutes = (
            amount * 60
            if unit is TimeUnit.WORKING_HOURS
            else amount * policy.minutes_per_day(CAL, d.received_at.date())
        )
        assert sum(times, WorkingTime(0)) == WorkingTime.of(minutes=minutes)
        assert CAL.working_time_between(d.received_at, d.due_at) <= WorkingTime.of(minutes=minutes)
        assert _counted(d.explanation, TimeUnit.WORKING_DAYS) == 0
    else:
        assert times == []
        assert _counted(d.explanation, unit) == amount
        others = {u for u in TimeUnit if u is not unit}
        assert all(s.counted_unit not in others for s in steps)
    # the days listed come in date order, each at most once
    days: list[dt.date] = []
    for s in steps[1:-1]:
        if s.kind in (StepKind.COUNTED, StepKind.SKIPPED, StepKind.MAKE_UP):
            last = s.last_date or s.date
            days.extend(s.date + dt.timedelta(days=k) for k in range((last - s.date).days + 1))
    assert days == sorted(set(days))
    # and it renders in both languages, one numbered line per step
    for lang in ("vi", "en"):
        lines = d.explain(lang).splitlines()
        assert [line.split(". ", 1)[0] for line in lines] == [
            str(i) for i in range(1, len(steps) + 1)
        ]


# ---------------------------------------------------------------------------- citations


def test_english_explanations_keep_their_legal_citations():
    cases = [
        (
            compute_due(at(2026, 3, 2), ProcessingTime.working_days(3), calendar=CAL),
            "BLDS 2015 Điều 147 khoản 2",
        ),
        (
            compute_due(at(2026, 1, 9, 15, 30), ProcessingTime.same_day(), calendar=CAL),
            "Luật Hộ tịch 2014 Điều 5 khoản 3",
        ),
        (
            compute_due(at(2026, 1, 31), ProcessingTime.months(1), calendar=CAL),
            "BLDS 2015 Điều 148 khoản 5",
        ),
        (
            compute_due(at(2026, 3, 6, 18), ProcessingTime.working_hours(8), calendar=CAL),
            "precedent: the Thanh Hóa system",
        ),
        (
            compute_due(at(2026, 2, 13), ProcessingTime.working_days(5), calendar=CAL),
            "Thông báo 9441/TB-BNV",
        ),
    ]
    for deadline, citation in cases:
        assert citation in deadline.explain("en"), deadline.explain("en")
    # every step with a basis shows it, in both languages
    for deadline, _ in cases:
        for step in deadline.explanation:
            for lang in ("vi", "en"):
                for c in step.basis:
                    assert f"({c.text(lang)}" in step.text(lang) or f"; {c.text(lang)}" in (
                        step.text(lang)
                    )
    clock = DossierClock(at(2026, 3, 2), ProcessingTime.working_days(10), calendar=CAL)
    clock = clock.with_supplement(at(2026, 3, 4), at(2026, 3, 9))
    english = clock.explain("en")
    assert "NĐ 118/2025/NĐ-CP Điều 17 khoản 3; BLDS 2015 Điều 147" in english
    assert "NĐ 118/2025/NĐ-CP Điều 19 khoản 5" in english


def test_citations_come_from_the_rule_set_in_force():
    # the receipt instant chooses the era: 1 July 2025 00:00 Vietnam time is the boundary
    assert rules_for(at(2026, 3, 2)) is RULES_118_2025
    assert rules_for(at(2025, 6, 30, 23, 59)) is RULES_61_2018
    assert rules_for(at(2025, 7, 1, 0, 0)) is RULES_118_2025
    assert RULES_61_2018.cite(Rule.SUPPLEMENT_RESTART) == (
        Citation("NĐ 61/2018/NĐ-CP", "Điều 19(4)"),
    )
    assert RULES_118_2025.cite(Rule.SUPPLEMENT_RESTART) == (
        Citation("NĐ 118/2025/NĐ-CP", "Điều 19 khoản 5"),
    )
    assert Citation("NĐ 61/2018/NĐ-CP", "Điều 19 khoản 4").text() == (
        "NĐ 61/2018/NĐ-CP Điều 19 khoản 4"
    )
    precedent = RULES_61_2018.cite(Rule.WORKING_HOURS)[0]
    assert precedent.text("en") != precedent.text("vi")
    assert precedent.to_dict()["en"].startswith("as deployed one-stop systems")
    # every rule is cited (61/2018 has no online answer limit and no closing of a dossier),
    # and an incomplete rule set says which rule it lacks
    assert set(RULES_118_2025.citations) == set(Rule)
    assert set(RULES_61_2018.citations) == set(Rule) - {Rule.ONLINE_ANSWER, Rule.SUPPLEMENT_CLOSE}
    partial = type(RULES_61_2018)("thử", None, {Rule.RECEIPT: (Citation("X"),)})
    with pytest.raises(DeadlineError, match="supplement_restart"):
        partial.cite(Rule.SUPPLEMENT_RESTART)


# ---------------------------------------------------------------------------- languages


def test_unit_words_and_the_cutoff_never_swap_languages():
    vi, en = renderer("vi").fmt, renderer("en").fmt
    vi_words = {"ngày làm việc", "giờ làm việc", "tháng", "trong ngày"}
    en_words = {"working day", "working hour", "month", "calendar day", "same day", "cut-off"}
    for unit in TimeUnit:
        amount = 0 if unit is TimeUnit.SAME_DAY else 2
        pt = ProcessingTime(amount=amount, unit=unit)
        in_vi, in_en = vi.processing_time(pt), en.processing_time(pt)
        assert not any(w in in_vi for w in en_words), in_vi
        assert not any(w in in_en for w in vi_words), in_en
    assert vi.processing_time(ProcessingTime.working_days(5)) == "5 ngày làm việc"
    assert en.processing_time(ProcessingTime.working_days(5)) == "5 working days"
    assert en.processing_time(ProcessingTime.working_days(1)) == "1 working day"
    assert vi.processing_time(ProcessingTime.same_day()) == (
        "trong ngày (nhận sau 15:00 thì trả vào ngày làm việc tiếp theo)"
    )
    assert en.processing_time(ProcessingTime.same_day()) == "same day, cut-off 15:00"
    assert en.processing_time(ProcessingTime.same_day(None)) == "same day"
    # and in a whole clock explanation
    clock = DossierClock(at(2026, 3, 2, 9), ProcessingTime.same_day(dt.time(16)), calendar=CAL)
    assert "thời hạn giải quyết trong ngày (nhận sau 16:00" in clock.explain("vi")
    assert "processing time same day, cut-off 16:00" in clock.explain("en")
    assert "trong ngày" not in clock.explain("en") and "cut-off" not in clock.explain("vi")
    with pytest.raises(InvalidInputError) as err:
        clock.explain("fr")  # type: ignore[arg-type]
    assert err.value.field == "lang"


def test_working_days_are_numbered_from_one_across_breaks():
    straight = compute_due(at(2026, 3, 2), ProcessingTime.working_days(4), calendar=CAL)
    assert "Thứ Ba 03/03/2026 – Thứ Sáu 06/03/2026: ngày làm việc thứ 1–4" in straight.explain()
    assert "Tuesday 03/03/2026 – Friday 06/03/2026: working days 1–4" in straight.explain("en")
    counted = [s for s in straight.explanation if s.kind is StepKind.COUNTED]
    assert [(s.values["first_number"], s.values["last_number"]) for s in counted] == [(1, 4)]
    # a weekend in between: Friday is day 1, Monday–Wednesday days 2–4
    split = compute_due(at(2026, 3, 5), ProcessingTime.working_days(4), calendar=CAL)
    text = split.explain()
    assert "Thứ Sáu 06/03/2026: ngày làm việc thứ 1\n" in text
    assert "Thứ Hai 09/03/2026 – Thứ Tư 11/03/2026: ngày làm việc thứ 2–4" in text
    # a make-up Saturday is numbered in the run: Fri 9 Jan day 1, Sat 10 Jan day 2
    makeup = compute_due(at(2026, 1, 8), ProcessingTime.working_days(3), calendar=CAL)
    assert (
        "Thứ Bảy 10/01/2026 là ngày làm việc bù theo Công văn 12729/VPCP-KGVX, ngày làm việc thứ 2"
    ) in makeup.explain()
    assert "Monday 12/01/2026: working day 3" in makeup.explain("en")


def test_a_friday_evening_receipt_counted_in_hours_explains_the_weekend():
    d = compute_due(at(2026, 3, 6, 18), ProcessingTime.working_hours(8), calendar=CAL)
    assert d.due_at == at(2026, 3, 9, 17)
    weekend = [s for s in d.explanation if s.topic is Topic.WEEKLY_REST]
    assert [(s.date, s.last_date) for s in weekend] == [(dt.date(2026, 3, 7), dt.date(2026, 3, 8))]
    text = d.explain("vi")
    assert "Thứ Bảy 07/03/2026 – Chủ Nhật 08/03/2026: nghỉ hằng tuần, không tính" in text
    assert "bắt đầu tính từ 07:30 Thứ Hai 09/03/2026" in text
    assert "Saturday 07/03/2026 – Sunday 08/03/2026: weekly rest, not counted" in d.explain("en")


def test_a_clock_explanation_has_one_date_style():
    clock = (
        DossierClock(at(2026, 2, 5), ProcessingTime.working_days(5), calendar=CAL)
        .with_supplement(at(2026, 2, 6, 9), at(2026, 2, 11, 14))
        .with_extension(at(2026, 3, 6, 17), apology_at=at(2026, 2, 24, 9))
        .finish(at(2026, 3, 5, 9))
    )
    for lang, weekdays in (
        ("vi", "Thứ Hai|Thứ Ba|Thứ Tư|Thứ Năm|Thứ Sáu|Thứ Bảy|Chủ Nhật"),
        ("en", "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"),
    ):
        text = clock.explain(lang)
        dates = re.findall(r"(\S+(?: \S+)?) (\d{2}/\d{2}/\d{4})", text)
        assert dates
        assert all(re.fullmatch(rf".*({weekdays})", before) for before, _ in dates), dates
        assert not re.search(r"\d{2} (Jan|Feb|Mar|Apr) \d{4}|ngày \d{2}/\d{2}", text)
