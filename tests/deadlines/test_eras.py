"""Rules by legal era (issue 11): golden scenarios, each worked out by hand.

NĐ 118/2025/NĐ-CP Art. 40(1): "Nghị định này có hiệu lực thi hành từ ngày 01 tháng 7 năm
2025"; NĐ 61/2018/NĐ-CP and NĐ 107/2021/NĐ-CP lapse that day. A dossier is governed by the text
in force at its receipt: before 1 July 2025 00:00 Vietnam time, NĐ 61/2018; from then on, NĐ
118/2025, whose new, checkable rules are:

* Art. 17(2)(c): an online dossier is accepted or sent back "không muộn hơn 08 (tám) giờ làm
  việc" after the system receives it;
* Arts. 11(2)(c), 16(3), 17(2)(a): the supplement is asked for once;
* Art. 19(5): the supplement notice within 3 working days of receipt; the time restarts; "Sau
  15 ngày kể từ khi thông báo … thực hiện đóng hồ sơ";
* Art. 19(6): the apology at the latest one day before the due date; "Việc hẹn lại ngày trả kết
  quả được thực hiện không quá một lần".

The office hours are the civil-service default, 07:30–11:30 and 13:00–17:00 (8 h a day); the
days off are the official schedule (2025: 1/9–2/9; 2026: Tết 16–20/2, 24/11 Culture Day, NQ
28/2026/QH16 Art. 2). Every scenario below lies in weeks without other days off unless said.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import (
    RULE_SETS,
    RULES_61_2018,
    RULES_118_2025,
    DossierClock,
    ExtensionSpan,
    FlagCode,
    RuleSet,
    StepKind,
    Submission,
    SupplementSpan,
    WorkingTime,
    civil_service_calendar,
    compute_due,
    rules_by_name,
    rules_for,
)
from onestop.errors import DeadlineError, InvalidInputError
from onestop.models import Channel, DossierStatus, ProcessingTime, TimeUnit
from onestop.testing import make_dossier, make_work_calendar
from onestop.tz import VN_TZ

CAL = civil_service_calendar(warn_provisional=False)
WD5 = ProcessingTime.working_days(5)
WD10 = ProcessingTime.working_days(10)
H = WorkingTime.of(hours=1)


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def codes(flags) -> list[FlagCode]:
    return [f.code for f in flags]


def texts(citations) -> list[str]:
    return [c.text() for c in citations]


# ----------------------------------------------------------------------------- the boundary


def test_the_receipt_instant_chooses_the_era():
    assert rules_for(at(2025, 6, 30, 23, 59)) is RULES_61_2018
    assert rules_for(dt.datetime(2025, 6, 30, 23, 59, 59, 999999, tzinfo=VN_TZ)) is RULES_61_2018
    assert rules_for(at(2025, 7, 1, 0, 0)) is RULES_118_2025
    # an instant, whatever its offset: 17:00 UTC on 30 June is midnight in Vietnam
    assert rules_for(dt.datetime(2025, 6, 30, 17, 0, tzinfo=dt.UTC)) is RULES_118_2025
    assert rules_for(dt.datetime(2025, 6, 30, 16, 59, tzinfo=dt.UTC)) is RULES_61_2018
    # archives: long before, long after
    assert rules_for(at(2019, 1, 2)) is RULES_61_2018
    assert rules_for(at(2031, 1, 2)) is RULES_118_2025
    assert RULES_118_2025.starts_at == at(2025, 7, 1, 0, 0)
    assert dict(RULE_SETS) == {"ND-61-2018": RULES_61_2018, "ND-118-2025": RULES_118_2025}
    with pytest.raises(InvalidInputError) as exc:
        rules_for(dt.datetime(2025, 7, 1))  # naive: which day is it?
    assert exc.value.field == "received_at"


def test_the_same_dossier_received_on_30_june_and_on_1_july_2025():
    # A. Mon 30/6/2025 10:00, 5 working days: the receipt day is not counted; Tue 1/7 (1),
    # Wed 2/7 (2), Thu 3/7 (3), Fri 4/7 (4), Sat 5 and Sun 6 not counted, Mon 7/7 (5) -> due
    # Mon 7/7/2025 17:00. Received before NĐ 118/2025 took effect: NĐ 61/2018 governs.
    a = compute_due(at(2025, 6, 30, 10), WD5, calendar=CAL)
    assert a.due_at == at(2025, 7, 7, 17)
    assert a.era == "ND-61-2018" and a.rules is RULES_61_2018
    first = a.explanation[0]
    assert first.kind is StepKind.GOVERNING_TEXT
    assert first.values["reason"] == "before_next"
    assert texts(first.basis) == ["NĐ 118/2025/NĐ-CP Điều 40 khoản 1"]
    assert a.explain("vi").startswith(
        "1. Văn bản áp dụng: NĐ 61/2018/NĐ-CP (sửa đổi, bổ sung bởi NĐ 107/2021/NĐ-CP) — hồ sơ "
        "tiếp nhận ngày Thứ Hai 30/06/2025, trước ngày NĐ 118/2025/NĐ-CP có hiệu lực (Thứ Ba "
        "01/07/2025) (NĐ 118/2025/NĐ-CP Điều 40 khoản 1)"
    )
    # B. Tue 1/7/2025 10:00: Wed 2/7 (1), Thu 3/7 (2), Fri 4/7 (3), Mon 7/7 (4), Tue 8/7 (5)
    # -> due Tue 8/7/2025 17:00, under NĐ 118/2025.
    b = compute_due(at(2025, 7, 1, 10), WD5, calendar=CAL)
    assert b.due_at == at(2025, 7, 8, 17)
    assert b.era == "ND-118-2025" and b.to_dict()["era"] == "ND-118-2025"
    assert b.explanation[0].values["reason"] == "in_force"
    assert "when NĐ 118/2025/NĐ-CP was in force (since Tuesday 01/07/2025)" in b.explain("en")
    # The clocks cite the supplement rule of their own decree, with the same words.
    ca = DossierClock(at(2025, 6, 30, 10), WD5, calendar=CAL)
    cb = DossierClock(at(2025, 7, 1, 10), WD5, calendar=CAL)
    ca = ca.with_supplement(at(2025, 7, 2, 9))
    cb = cb.with_supplement(at(2025, 7, 3, 9))
    assert texts(ca.explanation()[2].basis) == ["NĐ 61/2018/NĐ-CP Điều 19(4)"]
    assert texts(cb.explanation()[2].basis) == ["NĐ 118/2025/NĐ-CP Điều 19 khoản 5"]
    # Neither request is late (within 3 working days: Thu 3/7 for A, Fri 4/7 for B). Three
    # weeks later, still unanswered: NĐ 61/2018 has no closing rule; under NĐ 118/2025 the 15
    # days after Thu 3/7 end on Fri 18/7/2025, so on Mon 21/7 the dossier should be closed.
    later = at(2025, 7, 21, 10)
    assert codes(ca.flags(later)) == [FlagCode.SUPPLEMENT_PENDING]
    assert codes(cb.flags(later)) == [FlagCode.SUPPLEMENT_PENDING, FlagCode.SUPPLEMENT_EXPIRED]
    assert cb.supplement_close_date() == dt.date(2025, 7, 18)
    assert ca.supplement_close_date() is None
    assert ca.to_dict(at=later)["era"] == "ND-61-2018"
    assert cb.to_dict(at=later)["era"] == "ND-118-2025"


# ----------------------------------------------------------------------------- Art. 17(2)(c)


def online(submitted: dt.datetime, received: dt.datetime, **kwargs) -> DossierClock:
    sub = Submission(submitted, Channel.ONLINE, kwargs.pop("answered_at", None))
    return DossierClock(received, WD5, calendar=CAL, submission=sub, **kwargs)


def test_an_online_dossier_accepted_after_9_working_hours():
    # Submitted online Mon 2/3/2026 08:00. Working hours: Mon 08:00–11:30 (3 h 30) and
    # 13:00–17:00 (4 h) = 7 h 30; Tue 07:30–08:00 = 30 min: the 8th working hour ends Tue
    # 3/3 08:00. Accepted Tue 3/3 09:00 = 9 working hours after submission -> flagged.
    c = online(at(2026, 3, 2, 8), at(2026, 3, 3, 9))
    [flag] = c.flags()
    assert flag.code is FlagCode.LATE_ONLINE_ACCEPTANCE
    assert flag.values["limit_at"] == at(2026, 3, 3, 8)
    assert flag.values["elapsed"] == 9 * H
    assert texts(flag.basis) == ["NĐ 118/2025/NĐ-CP Điều 17 khoản 2 điểm c"]
    assert "quá 08 giờ làm việc (hạn 08:00 Thứ Ba 03/03/2026" in flag.message_vi
    assert "later than 8 working hours (limit 08:00 Tuesday 03/03/2026" in flag.message_en
    assert "9 h of office time" in flag.message_en
    # exactly 8 working hours is in time; a counter dossier has no such limit
    assert online(at(2026, 3, 2, 8), at(2026, 3, 3, 8)).flags() == ()
    counter = Submission(at(2026, 3, 2, 8), Channel.DIRECT)
    assert DossierClock(at(2026, 3, 3, 9), WD5, calendar=CAL, submission=counter).flags() == ()
    # sent back for completion at Mon 16:00 (within the 8 hours), accepted Wed: in time
    assert (
        online(at(2026, 3, 2, 8), at(2026, 3, 4, 9), answered_at=at(2026, 3, 2, 16)).flags() == ()
    )
    # The same dossier a year earlier (Mon 2/6/2025, Tue 3/6/2025): NĐ 61/2018 set no limit.
    assert online(at(2025, 6, 2, 8), at(2025, 6, 3, 9)).flags() == ()
    # ... and replayed under NĐ 61/2018, the 2026 one is not checked either.
    assert online(at(2026, 3, 2, 8), at(2026, 3, 3, 9), rules="ND-61-2018").flags() == ()


def test_the_online_answer_is_read_from_a_recorded_dossier():
    d = make_dossier(
        11, status=DossierStatus.NEW, channel=Channel.ONLINE, submitted_at=at(2026, 3, 2, 8)
    )
    d = d.accept(at=at(2026, 3, 3, 9), by="cb1", due_at=at(2026, 3, 10, 17))
    c = DossierClock.from_dossier(d, calendar=CAL)
    assert c.submission == Submission(at(2026, 3, 2, 8), Channel.ONLINE, at(2026, 3, 3, 9))
    assert codes(c.flags()) == [FlagCode.LATE_ONLINE_ACCEPTANCE]


# ----------------------------------------------------------------------------- supplements


def test_two_supplement_requests():
    # Received Mon 2/3/2026 09:00, 10 working days. Request 1 Wed 4/3 10:00 (within 3 working
    # days: limit Thu 5/3), back Mon 9/3 14:00. Request 2 Tue 10/3 10:00 (within 3 working days
    # of the resubmission: limit Thu 12/3), back Thu 12/3 09:00. The time restarts from the
    # last resubmission: Fri 13/3 (1), 16–20/3 (2–6), 23–26/3 (7–10) -> Thu 26/3/2026 17:00.
    c = DossierClock(
        at(2026, 3, 2),
        WD10,
        calendar=CAL,
        supplements=[
            SupplementSpan(at(2026, 3, 4, 10), at(2026, 3, 9, 14)),
            SupplementSpan(at(2026, 3, 10, 10), at(2026, 3, 12, 9)),
        ],
    )
    assert c.due_at == at(2026, 3, 26, 17)
    [flag] = c.flags()
    assert flag.code is FlagCode.REPEATED_SUPPLEMENT_REQUEST and flag.values["count"] == 2
    assert texts(flag.basis) == [
        "NĐ 118/2025/NĐ-CP Điều 11 khoản 2 điểm c",
        "NĐ 118/2025/NĐ-CP Điều 16 khoản 3",
        "NĐ 118/2025/NĐ-CP Điều 17 khoản 2 điểm a",
        "QĐ 766/QĐ-TTg chỉ số 2.1",
    ]
    # a request on the 4th working day after receipt (Fri 6/3) is late (Art. 19(5))
    late = DossierClock(at(2026, 3, 2), WD10, calendar=CAL).with_supplement(at(2026, 3, 6, 9))
    assert codes(late.flags()) == [FlagCode.LATE_SUPPLEMENT_REQUEST, FlagCode.SUPPLEMENT_PENDING]
    assert texts(late.flags()[0].basis) == ["NĐ 118/2025/NĐ-CP Điều 19 khoản 5"]


def test_a_supplement_never_answered():
    # Received Mon 2/3/2026, request Fri 6/3/2026 (flagged late too: see above). The 15 days
    # run from Sat 7/3 and end on Sat 21/3, a weekly rest day: the period ends on Mon 23/3
    # (Civil Code Art. 148(5)). From Tue 24/3 the dossier should be closed.
    c = DossierClock(at(2026, 3, 2), WD10, calendar=CAL).with_supplement(at(2026, 3, 6, 9))
    assert c.supplement_close_date() == dt.date(2026, 3, 23)
    assert FlagCode.SUPPLEMENT_EXPIRED not in codes(c.flags(at(2026, 3, 23, 16)))
    expired = c.flags(at(2026, 3, 24, 8))
    assert codes(expired)[-1] is FlagCode.SUPPLEMENT_EXPIRED
    flag = expired[-1]
    assert flag.values["last_day"] == dt.date(2026, 3, 23)
    assert texts(flag.basis) == ["NĐ 118/2025/NĐ-CP Điều 19 khoản 5"]
    assert flag.message_vi == (
        "Yêu cầu bổ sung lần 1 lập ngày Thứ Sáu 06/03/2026 chưa được đáp ứng sau 15 ngày (hết "
        "ngày Thứ Hai 23/03/2026): Bộ phận Một cửa thực hiện đóng hồ sơ"
    )
    assert "should close the dossier" in flag.message_en
    # the recorded facts alone (no instant) say nothing about it
    assert FlagCode.SUPPLEMENT_EXPIRED not in codes(c.flags())
    # the period is a parameter: 15 working days after Fri 6/3 -> 9–13, 16–20, 23–27/3:
    # Fri 27/3; 30 calendar days -> Sun 5/4 -> Mon 6/4/2026
    working = RULES_118_2025.replace(supplement_close_unit=TimeUnit.WORKING_DAYS)
    wc = DossierClock(at(2026, 3, 2), WD10, calendar=CAL, rules=working)
    assert wc.with_supplement(at(2026, 3, 6, 9)).supplement_close_date() == dt.date(2026, 3, 27)
    thirty = DossierClock(
        at(2026, 3, 2), WD10, calendar=CAL, rules=RULES_118_2025.replace(supplement_close_days=30)
    ).with_supplement(at(2026, 3, 6, 9))
    assert thirty.supplement_close_date() == dt.date(2026, 4, 6)
    # a dossier closed (or answered) is not flagged
    assert FlagCode.SUPPLEMENT_EXPIRED not in codes(
        c.finish(at(2026, 3, 24, 8)).flags(at(2026, 4, 1))
    )
    answered = c.with_resubmission(at(2026, 3, 25, 9))
    assert answered.supplement_close_date() is None


def test_a_closed_dossier_ends_its_clock():
    d = make_dossier(3, status=DossierStatus.SUPPLEMENT_REQUESTED)
    requested = d.supplements[-1].requested_at
    c = DossierClock.from_dossier(d, calendar=CAL)
    assert codes(c.flags(requested + dt.timedelta(days=20)))[-1] is FlagCode.SUPPLEMENT_EXPIRED
    closed = d.close(at=requested + dt.timedelta(days=20), by="cb1")
    cc = DossierClock.from_dossier(closed, calendar=CAL)
    assert cc.finished_at == closed.closed_at
    assert FlagCode.SUPPLEMENT_EXPIRED not in codes(cc.flags(requested + dt.timedelta(days=30)))


# ----------------------------------------------------------------------------- Art. 19(6)


def test_a_late_apology():
    # Received Mon 2/3/2026 09:00, 10 working days -> Mon 16/3/2026 17:00. "chậm nhất 01 ngày
    # trước ngày hết hạn": the working day before Mon 16/3 is Fri 13/3. A letter on Mon 16/3
    # 08:00 is late.
    c = DossierClock(at(2026, 3, 2), WD10, calendar=CAL)
    late = c.with_extension(at(2026, 3, 20, 17), apology_at=at(2026, 3, 16, 8))
    [flag] = late.flags()
    assert flag.code is FlagCode.LATE_APOLOGY and flag.values["latest"] == dt.date(2026, 3, 13)
    assert texts(flag.basis) == [
        "NĐ 118/2025/NĐ-CP Điều 19 khoản 6",
        "TT 03/2025/TT-VPCP Phụ lục I Mẫu 04",
    ]
    assert "Văn bản xin lỗi lập ngày Thứ Hai 16/03/2026" in flag.message_vi
    # the same a year before the reform cites NĐ 61/2018 Art. 19(9) and the 2018 form
    old = DossierClock(at(2024, 3, 4), WD10, calendar=CAL)  # Mon 4/3/2024 -> Mon 18/3/2024
    old_late = old.with_extension(at(2024, 3, 22, 17), apology_at=at(2024, 3, 18, 8))
    assert texts(old_late.flags()[0].basis) == [
        "NĐ 61/2018/NĐ-CP Điều 19(9)",
        "TT 01/2018/TT-VPCP Mẫu 04",
    ]


def test_a_second_re_appointment():
    # Due Mon 16/3/2026 17:00; re-appointed to Fri 20/3 17:00 by a letter of Fri 13/3 10:00
    # (in time), then again to Fri 27/3 17:00 by a letter of Thu 19/3 10:00: "không quá một
    # lần" -> flagged; the last date applies from its letter on.
    first = ExtensionSpan(at(2026, 3, 20, 17), apology_at=at(2026, 3, 13, 10))
    second = ExtensionSpan(at(2026, 3, 27, 17), apology_at=at(2026, 3, 19, 10))
    c = DossierClock(at(2026, 3, 2), WD10, calendar=CAL, extension=first, later_extensions=[second])
    assert c.extensions == (first, second)
    assert c.due_at == at(2026, 3, 27, 17)
    [flag] = c.flags()
    assert flag.code is FlagCode.REPEATED_EXTENSION and flag.values["count"] == 2
    assert texts(flag.basis)[0] == "NĐ 118/2025/NĐ-CP Điều 19 khoản 6"
    assert flag.message_en == (
        "The result date was re-appointed 2 times (only one re-appointment is allowed)"
    )
    # Before the second letter the first new date is in force: Thu 19/3 09:00 -> Fri 20/3
    # 17:00 is 2 h 30 + 4 h + 8 h = 14 h 30. After it: Thu 19/3 11:00 -> Fri 27/3 17:00 is
    # 30 min + 4 h (Thu) + 8 h (Fri 20) + 4 × 8 h (23–26) + 8 h (Fri 27) = 52 h 30.
    assert c.remaining(at(2026, 3, 19, 9)) == WorkingTime.of(hours=14, minutes=30)
    assert c.remaining(at(2026, 3, 19, 11)) == WorkingTime.of(hours=52, minutes=30)
    steps = [s for s in c.explanation() if s.kind is StepKind.EXTENSION]
    assert [s.values["due_before"] for s in steps] == [at(2026, 3, 16, 17), at(2026, 3, 20, 17)]
    # finished Wed 25/3: late against the first appointment, early against the last one
    done = c.finish(at(2026, 3, 25, 10))
    assert done.timeliness().value == "late"
    assert done.timeliness(against="extended").value == "early"
    # the library itself still refuses to make a second one
    with pytest.raises(DeadlineError) as exc:
        DossierClock(at(2026, 3, 2), WD10, calendar=CAL, extension=first).with_extension(
            at(2026, 3, 27, 17)
        )
    assert "NĐ 118/2025/NĐ-CP Điều 19 khoản 6" in str(exc.value)


# ----------------------------------------------------------------------------- 24/11/2026


def test_receipts_on_culture_day_2026():
    # Tue 24/11/2026 is Ngày Văn hóa Việt Nam, a day off (NQ 28/2026/QH16 Art. 2, from
    # 1/7/2026). Received Mon 23/11 10:00, 3 working days: Tue 24 not counted, Wed 25 (1),
    # Thu 26 (2), Fri 27 (3) -> Fri 27/11/2026 17:00 (Thu 26/11 without the day off).
    d = compute_due(at(2026, 11, 23, 10), ProcessingTime.working_days(3), calendar=CAL)
    assert d.due_at == at(2026, 11, 27, 17)
    assert "Ngày Văn hóa Việt Nam — ngày nghỉ, không tính (NQ 28/2026/QH16 Điều 2)" in d.explain()
    no_culture = make_work_calendar(culture_day=False, warn_provisional=False)
    plain = compute_due(at(2026, 11, 23, 10), ProcessingTime.working_days(3), calendar=no_culture)
    assert plain.due_at == at(2026, 11, 26, 17)
    # Received online on the day off itself (accepted at 10:00): the receipt day is not
    # counted anyway: Wed 25 (1), Thu 26 (2), Fri 27 (3) -> Fri 27/11 17:00.
    on_the_day = compute_due(at(2026, 11, 24, 10), ProcessingTime.working_days(3), calendar=CAL)
    assert on_the_day.due_at == at(2026, 11, 27, 17)
    # A same-day procedure received on the day off is due at the close of the next working day.
    same_day = compute_due(at(2026, 11, 24, 10), ProcessingTime.same_day(), calendar=CAL)
    assert same_day.due_at == at(2026, 11, 25, 17)
    # The 8 working hours of an online dossier submitted Mon 23/11 15:00 skip the day off:
    # Mon 15:00–17:00 (2 h), Wed 25 07:30–11:30 (4 h), 13:00–15:00 (2 h) -> Wed 25/11 15:00.
    assert online(at(2026, 11, 23, 15), at(2026, 11, 25, 14)).flags() == ()
    [late] = online(at(2026, 11, 23, 15), at(2026, 11, 25, 15, 30)).flags()
    assert late.values["limit_at"] == at(2026, 11, 25, 15)


# ----------------------------------------------------------------------------- overrides


def test_the_caller_can_replay_a_dossier_under_the_other_text():
    received = at(2025, 7, 1, 10)
    by_date = compute_due(received, WD5, calendar=CAL)
    for rules in ("ND-61-2018", "nd_61_2018", "NĐ 61/2018/NĐ-CP", RULES_61_2018):
        replayed = compute_due(received, WD5, calendar=CAL, rules=rules)
        assert replayed.rules is RULES_61_2018 and replayed.due_at == by_date.due_at
        step = replayed.explanation[0]
        assert step.values["reason"] == "chosen" and step.values["by_date"] == "NĐ 118/2025/NĐ-CP"
    assert "theo lựa chọn của người dùng" in replayed.explain("vi")
    assert "as chosen by the caller" in replayed.explain("en")
    clock = DossierClock(received, WD5, calendar=CAL, rules="ND-61-2018")
    clock = clock.with_supplement(at(2025, 7, 2, 9), at(2025, 7, 3, 9))
    assert clock.rules is RULES_61_2018 and clock.era == "ND-61-2018"
    assert "NĐ 61/2018/NĐ-CP Điều 19(4)" in clock.explain("vi")
    assert "118/2025/NĐ-CP Điều 19" not in clock.explain("vi")
    # the nested deadline explanations do not repeat the governing text
    assert [s.kind for s in clock.explanation()].count(StepKind.GOVERNING_TEXT) == 1
    assert all(s.kind is not StepKind.GOVERNING_TEXT for s in clock.explanation()[1].detail)
    d = make_dossier(12, status=DossierStatus.PROCESSING)
    assert DossierClock.from_dossier(d, calendar=CAL, rules="ND-61-2018").rules is RULES_61_2018
    assert rules_by_name("nd 118 2025") is RULES_118_2025
    payload = json.loads(json.dumps(replayed.to_dict(explain=True)))
    assert payload["era"] == "ND-61-2018"
    assert payload["explanation"]["steps"][0]["values"]["reason"] == "chosen"


def test_a_receipt_before_nd_61_2018_says_no_earlier_rule_set_exists():
    d = compute_due(at(2017, 3, 1, 10), ProcessingTime.working_days(3), calendar=CAL)
    step = d.explanation[0]
    assert step.values["reason"] == "before_first" and step.basis == ()
    assert "no rule set of the earlier texts is defined" in d.explain("en")


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", ["ND-99-2030", "", "61/2018", 2025])
def test_an_unknown_era_is_a_typed_error(name):
    for call in (
        lambda: compute_due(at(2026, 3, 2), WD5, rules=name),
        lambda: DossierClock(at(2026, 3, 2), WD5, rules=name),
        lambda: rules_by_name(name),
    ):
        with pytest.raises(InvalidInputError) as exc:
            call()
        assert exc.value.field == "rules"
        assert "ND-61-2018" in str(exc.value)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"supplement_close_days": -1}, "rules.supplement_close_days"),
        ({"supplement_close_days": 0}, "rules.supplement_close_days"),
        ({"supplement_close_days": 10_000}, "rules.supplement_close_days"),
        ({"supplement_close_days": True}, "rules.supplement_close_days"),
        ({"supplement_close_days": 15.5}, "rules.supplement_close_days"),
        ({"supplement_close_unit": TimeUnit.MONTHS}, "rules.supplement_close_unit"),
        ({"online_answer_hours": -8}, "rules.online_answer_hours"),
        ({"online_answer_hours": 100_000}, "rules.online_answer_hours"),
        ({"supplement_request_window": 0}, "rules.supplement_request_window"),
        ({"supplement_request_window": None}, "rules.supplement_request_window"),
        ({"effective_from": "2025-07-01"}, "rules.effective_from"),
        ({"name": ""}, "rules.name"),
        ({"colour": "blue"}, "rules.colour"),
    ],
)
def test_an_absurd_rule_parameter_is_a_typed_error(changes, field):
    with pytest.raises(InvalidInputError) as exc:
        RULES_118_2025.replace(**changes)
    assert exc.value.field == field


def test_a_custom_rule_set_must_cite_rules_and_be_built_right():
    with pytest.raises(InvalidInputError) as exc:
        RuleSet("Luật chuyên ngành", None, {"receipt": ()})  # type: ignore[dict-item]
    assert exc.value.field == "rules.citations"


def test_events_out_of_order_are_typed_errors():
    received = at(2026, 3, 2)
    # a supplement before the receipt
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(received, WD5, supplements=[SupplementSpan(at(2026, 3, 1), None)])
    assert exc.value.field == "supplements[0].requested_at"
    # a result before the resubmission
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(
            received,
            WD5,
            supplements=[SupplementSpan(at(2026, 3, 3), at(2026, 3, 5))],
            finished_at=at(2026, 3, 4),
        )
    assert exc.value.field == "finished_at"
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(received, WD5).with_supplement(at(2026, 3, 4)).finish(at(2026, 3, 3))
    assert exc.value.field == "finished_at"
    # a submission after the receipt, an answer after the receipt or before the submission
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(received, WD5, submission=Submission(at(2026, 3, 3), "online"))
    assert exc.value.field == "submission.submitted_at"
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(received, WD5, submission=Submission(at(2026, 3, 1), "online", at(2026, 3, 3)))
    assert exc.value.field == "submission.answered_at"
    with pytest.raises(InvalidInputError) as exc:
        Submission(at(2026, 3, 2), Channel.ONLINE, at(2026, 3, 1))
    assert exc.value.field == "submission.answered_at"
    # re-appointments out of order, or a second without a first
    first = ExtensionSpan(at(2026, 3, 20, 17), apology_at=at(2026, 3, 13))
    second = ExtensionSpan(at(2026, 3, 27, 17), apology_at=at(2026, 3, 12))
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(received, WD10, extension=first, later_extensions=[second])
    assert exc.value.field == "later_extensions[0].apology_at"
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(received, WD10, later_extensions=[first])
    assert exc.value.field == "later_extensions"


@settings(max_examples=200, deadline=None)
@given(
    instant=st.datetimes(min_value=dt.datetime(2018, 1, 1), max_value=dt.datetime(2032, 12, 31)),
    offset=st.integers(-12, 14),
)
def test_one_boundary_for_deadlines_and_forms(instant, offset):
    """The era of a receipt and the edition of its forms come from one comparison."""
    from onestop.forms import FormEdition, edition_for

    received = instant.replace(tzinfo=dt.timezone(dt.timedelta(hours=offset)))
    new_era = received >= dt.datetime(2025, 7, 1, tzinfo=VN_TZ)
    assert (rules_for(received) is RULES_118_2025) is new_era
    assert (edition_for(received) is FormEdition.TT03_2025) is new_era
    step = compute_due(received, WD5, calendar=CAL).explanation[0]
    assert step.values["era"] == ("ND-118-2025" if new_era else "ND-61-2018")
