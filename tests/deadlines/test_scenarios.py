"""Golden scenarios of the dossier clock, worked out by hand from the legal texts.

Calendar facts used (the official civil-service schedule, from the notices cited below):

* 2026 New Year: Thu 1 Jan (BLLĐ 2019 Art. 112) and Fri 2 Jan off (swap), worked back on
  Sat 10 Jan 2026 (Công văn 12729/VPCP-KGVX, 25/12/2025).
* Tết 2026: Sat 14 – Sun 22 Feb; weekdays off Mon 16 – Fri 20 Feb (Thông báo 9441/TB-BNV).
* No holiday in March 2026. Office hours 07:30–11:30 and 13:00–17:00 (8 h a day).

Counting (Civil Code 2015 Art. 147(2), NĐ 61/2018 Arts. 17–19): the receipt day is not
counted; a working-day deadline ends at the close of office hours (17:00) of the N-th working
day after the receipt day.
"""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.deadlines import (
    PAUSE,
    RESTART,
    DossierClock,
    FlagCode,
    LienThongSpan,
    Timeliness,
    WorkingTime,
)
from onestop.errors import DeadlineError
from onestop.models import ProcessingTime, TimeUnit

TZ = dt.timezone(dt.timedelta(hours=7))
H = WorkingTime.of(hours=1)


def at(m, d, hh=0, mm=0, y=2026):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def cal(work_calendar):
    return work_calendar  # the official calendar, from the onestop pytest plugin


def clock(cal, received, amount=10, unit=TimeUnit.WORKING_DAYS, **kw):
    return DossierClock(received, ProcessingTime(amount=amount, unit=unit), calendar=cal, **kw)


def codes(flags):
    return [f.code for f in flags]


# ----------------------------------------------------------------------------- Tết 2026


def test_tet_2026_break(cal):
    # Received Fri 13 Feb 10:00, 5 working days. Not counted: 13 Feb (receipt day), Sat 14,
    # Sun 15, Mon 16 – Fri 20 (Tết), Sat 21, Sun 22. Counted: Mon 23 (1), Tue 24 (2),
    # Wed 25 (3), Thu 26 (4), Fri 27 (5) -> due Fri 27 Feb 2026 17:00.
    c = clock(cal, at(2, 13, 10), 5)
    assert c.due_at == at(2, 27, 17)
    text = c.explain("vi")
    assert "Tết Nguyên đán" in text
    assert "9441/TB-BNV" in text
    assert "NĐ 118/2025/NĐ-CP Điều 17 khoản 3" in text  # received in 2026: NĐ 118/2025
    assert "Lunar New Year" in c.explain("en") or "Tết" in c.explain("en")


def test_tet_2026_received_on_saturday_online(cal):
    # An online dossier accepted on Sat 14 Feb: the count starts after it, and the Tết days are
    # skipped the same way -> Fri 27 Feb 17:00.
    assert clock(cal, at(2, 14, 9), 5).due_at == at(2, 27, 17)


def test_tet_2026_received_the_day_before(cal):
    # Received Thu 12 Feb: Fri 13 (1), then Tết, Mon 23 (2) .. Thu 26 (5) -> Thu 26 Feb 17:00.
    assert clock(cal, at(2, 12, 10), 5).due_at == at(2, 26, 17)


# ----------------------------------------------------------------------------- New Year 2026


def test_2_january_2026_swap(cal):
    # Received Wed 31 Dec 2025 09:00, 3 working days: Thu 1 Jan (holiday) and Fri 2 Jan (swapped
    # day off) are skipped, Sat 3 / Sun 4 rest; Mon 5 (1), Tue 6 (2), Wed 7 (3) -> 7 Jan 17:00.
    c = clock(cal, at(12, 31, 9, y=2025), 3)
    assert c.due_at == at(1, 7, 17)
    assert "12729/VPCP-KGVX" in c.explain("vi")


def test_10_january_2026_make_up_saturday(cal):
    # Received Thu 8 Jan 14:00, 2 working days: Fri 9 (1), Sat 10 Jan is a make-up working day
    # (2) -> due Sat 10 Jan 2026 17:00 (without the make-up day it would be Mon 12 Jan).
    c = clock(cal, at(1, 8, 14), 2)
    assert c.due_at == at(1, 10, 17)
    assert "Thứ Bảy 10/01/2026 là ngày làm việc bù theo Công văn 12729/VPCP-KGVX" in c.explain()


# ----------------------------------------------------------------------------- 15:00 cut-off


SAME_DAY_15 = ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY, cutoff=dt.time(15))


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Before 15:00 on a working day: the same day, at closing.
        (at(1, 9, 14, 59), at(1, 9, 17)),
        # After 15:00 on Fri 9 Jan: the next working day is the make-up Saturday 10 Jan.
        (at(1, 9, 15, 30), at(1, 10, 17)),
        # After 15:00 on Fri 13 Feb: next working day after Tết, Mon 23 Feb.
        (at(2, 13, 15, 30), at(2, 23, 17)),
        # After 15:00 on Wed 31 Dec 2025: 1 Jan holiday, 2 Jan swapped off -> Mon 5 Jan.
        (at(12, 31, 16, y=2025), at(1, 5, 17)),
    ],
)
def test_same_day_after_15h(cal, received, due):
    # Luật Hộ tịch 2014 Art. 5(3); NĐ 23/2015 Art. 7; NĐ 99/2022 Art. 16(1).
    c = DossierClock(received, SAME_DAY_15, calendar=cal)
    assert c.due_at == due


# ----------------------------------------------------------------------------- supplements

# Received Mon 2 Mar 2026 09:00, 10 working days: 3–6 Mar (1–4), 9–13 Mar (5–9), Mon 16 (10)
# -> due Mon 16 Mar 17:00. Supplement requested Wed 4 Mar 10:00 (within 3 working days: the
# limit is Thu 5 Mar), completed dossier back Mon 9 Mar 14:00.
RECEIVED = at(3, 2, 9)
REQUESTED = at(3, 4, 10)
RESUBMITTED = at(3, 9, 14)


def test_supplement_restart(cal):
    # NĐ 61/2018 Art. 19(4): counted again from Mon 9 Mar: 10–13 Mar (1–4), 16–20 Mar (5–9),
    # Mon 23 Mar (10) -> due Mon 23 Mar 17:00.
    c = clock(cal, RECEIVED, supplement_policy=RESTART).with_supplement(REQUESTED, RESUBMITTED)
    assert c.base.due_at == at(3, 16, 17)
    assert c.due_at == at(3, 23, 17)
    assert FlagCode.LATE_SUPPLEMENT_REQUEST not in codes(c.flags())
    assert "tính lại từ đầu" in c.explain("vi")


def test_supplement_pause(cal):
    # Pause: working days from Wed 4 Mar (excluded) to Mon 9 Mar (included) = Thu 5, Fri 6,
    # Mon 9 = 3 days, added to the 10 counted from receipt: 13 working days after 2 Mar ->
    # Thu 19 Mar 17:00 (earlier than the restart's 23 Mar).
    c = clock(cal, RECEIVED, supplement_policy=PAUSE).with_supplement(REQUESTED, RESUBMITTED)
    assert c.due_at == at(3, 19, 17)
    assert "3 working days" in c.explain("en")


def test_supplement_while_pending(cal):
    # While the supplement is awaited the due date is unknown and the clock is frozen at the
    # request: remaining = Wed 4 Mar 10:00 -> Mon 16 Mar 17:00 = 5.5 h (4 Mar) + 7 working
    # days x 8 h (5, 6, 9–13 Mar) + 8 h (16 Mar) = 5.5 + 56 + 8 = 69.5 h.
    for policy in (RESTART, PAUSE):
        c = clock(cal, RECEIVED, supplement_policy=policy).with_supplement(REQUESTED)
        assert c.due_at is None
        assert c.is_paused(at(3, 6, 10))
        assert c.remaining(at(3, 6, 10)) == 69.5 * H
        assert c.remaining(at(3, 20, 10)) == 69.5 * H  # still frozen
        assert not c.is_overdue(at(3, 30, 10))
        assert FlagCode.SUPPLEMENT_PENDING in codes(c.flags())
        resumed = c.with_resubmission(RESUBMITTED)
        assert resumed.due_at == (at(3, 23, 17) if policy is RESTART else at(3, 19, 17))


def test_supplement_in_working_hours(cal):
    # Deployed systems count 5 working days as 40 office hours from the receipt instant:
    # Fri 13 Feb 10:00 -> 11:30 (1.5 h) + 13:00–17:00 (4 h) = 5.5 h; Tết; Mon 23 – Thu 26 Feb
    # 4 x 8 h = 32 h (37.5 h); Fri 27 Feb 07:30 + 2.5 h = 10:00 -> due Fri 27 Feb 10:00.
    base = clock(cal, at(2, 13, 10), 5, counting_policy="working-hours", supplement_policy=PAUSE)
    assert base.due_at == at(2, 27, 10)
    # Pause Mon 23 Feb 09:00 -> 14:00 = 2.5 h + 1 h = 3.5 h of office time, added to the due:
    # Fri 27 Feb 10:00 -> 11:30 (1.5 h) then 13:00 + 2 h -> Fri 27 Feb 15:00.
    paused = base.with_supplement(at(2, 23, 9), at(2, 23, 14))
    assert paused.due_at == at(2, 27, 15)
    # Restart counts 40 h again from Mon 23 Feb 14:00: 3 h (23 Feb) + 4 x 8 h (24–27 Feb) =
    # 35 h, then Mon 2 Mar 07:30 + 5 h = 14:00 (4 h to 11:30, 1 h from 13:00).
    restarted = clock(cal, at(2, 13, 10), 5, counting_policy="working-hours")
    restarted = restarted.with_supplement(at(2, 23, 9), at(2, 23, 14))
    assert restarted.supplement_policy is RESTART
    assert restarted.due_at == at(3, 2, 14)


def test_late_supplement_request_is_flagged(cal):
    # Art. 19(4): within 3 working days from receipt. Received Fri 13 Feb: the limit is the 3rd
    # working day after it, Wed 25 Feb (23, 24, 25 Feb; Tết in between).
    c = clock(cal, at(2, 13, 10), 10)
    assert codes(c.with_supplement(at(2, 25, 16)).flags()) == [FlagCode.SUPPLEMENT_PENDING]
    late = c.with_supplement(at(2, 26, 9))
    assert codes(late.flags()) == [FlagCode.LATE_SUPPLEMENT_REQUEST, FlagCode.SUPPLEMENT_PENDING]
    assert "25/02/2026" in late.flags()[0].message_vi


def test_two_supplement_requests_are_late_under_766(cal):
    # Two requests, each answered the same day; restart from Wed 4 Mar 11:00 -> 10 working
    # days -> Wed 18 Mar 17:00. Finished Thu 5 Mar 16:00: early by the date rule of
    # TT 01/2018 Art. 13, but overdue under Decision 766 (more than one request).
    c = (
        clock(cal, RECEIVED)
        .with_supplement(at(3, 3, 9), at(3, 3, 15))
        .with_supplement(at(3, 4, 9), at(3, 4, 11))
        .finish(at(3, 5, 16))
    )
    assert c.due_at == at(3, 18, 17)
    assert c.timeliness() is Timeliness.EARLY
    assert c.timeliness_766(at(3, 31, 23, 59)) is Timeliness.LATE
    assert FlagCode.REPEATED_SUPPLEMENT_REQUEST in codes(c.flags())


def test_766_subtracts_the_supplement_time(cal):
    # Decision 766 judges against the appointment given at receipt (Mon 16 Mar 17:00) with the
    # waiting time subtracted: finished Thu 19 Mar 10:00 - (Mon 9 Mar 14:00 - Wed 4 Mar 10:00 =
    # 5 days 4 hours) = Sat 14 Mar 06:00, before 16 Mar -> early. By the date rule the same
    # dossier is early under restart (due 23 Mar) and on time under pause (due 19 Mar).
    finished = at(3, 19, 10)
    restart = clock(cal, RECEIVED).with_supplement(REQUESTED, RESUBMITTED).finish(finished)
    pause = clock(cal, RECEIVED, supplement_policy=PAUSE)
    pause = pause.with_supplement(REQUESTED, RESUBMITTED).finish(finished)
    assert restart.timeliness_766(at(3, 31, 23)) is Timeliness.EARLY
    assert restart.timeliness() is Timeliness.EARLY
    assert pause.timeliness() is Timeliness.ON_TIME


# ----------------------------------------------------------------------------- extension


def test_single_extension(cal):
    # Due Mon 16 Mar 17:00; the apology letter must go out at the latest one working day
    # before: Fri 13 Mar. Letter Fri 13 Mar 10:00 (in time), new appointment Fri 20 Mar 17:00.
    c = clock(cal, RECEIVED).with_extension(at(3, 20, 17), apology_at=at(3, 13, 10))
    assert c.apology_due_date == dt.date(2026, 3, 13)
    assert c.original_due_at == at(3, 16, 17)
    assert c.due_at == at(3, 20, 17)
    assert c.flags() == ()
    # After the letter the new date applies: Mon 16 Mar 17:30 -> Fri 20 Mar 17:00 is four
    # full working days (17–20 Mar) = 32 h.
    assert c.remaining(at(3, 16, 17, 30)) == 32 * H
    assert not c.is_overdue(at(3, 17, 9))
    # Finished Thu 19 Mar: late against the original appointment (Art. 19(9) extends a dossier
    # that is going to be late), early against the new one.
    done = c.finish(at(3, 19, 10))
    assert done.timeliness() is Timeliness.LATE
    assert done.timeliness(against="extended") is Timeliness.EARLY
    assert "NĐ 118/2025/NĐ-CP Điều 19 khoản 6" in done.explain("vi")


def test_late_apology_letter_is_flagged(cal):
    c = clock(cal, RECEIVED).with_extension(at(3, 20, 17), apology_at=at(3, 16, 8))
    assert codes(c.flags()) == [FlagCode.LATE_APOLOGY]
    assert "13/03/2026" in c.flags()[0].message_vi


def test_apology_deadline_skips_tet(cal):
    # Received Fri 13 Feb 10:00 with 1 working day -> due Mon 23 Feb 17:00 (Tết skipped). The
    # working day before the due date is Fri 13 Feb: a letter on Mon 23 Feb is late.
    c = clock(cal, at(2, 13, 10), 1)
    assert c.due_at == at(2, 23, 17)
    assert c.apology_due_date == dt.date(2026, 2, 13)
    assert c.with_extension(at(2, 25, 17), apology_at=at(2, 13, 16)).flags() == ()
    late = c.with_extension(at(2, 25, 17), apology_at=at(2, 23, 9))
    assert codes(late.flags()) == [FlagCode.LATE_APOLOGY]


def test_second_extension_is_refused(cal):
    c = clock(cal, RECEIVED).with_extension(at(3, 20, 17), apology_at=at(3, 13, 10))
    with pytest.raises(DeadlineError) as exc:
        c.with_extension(at(3, 27, 17), apology_at=at(3, 19, 10))
    assert exc.value.field == "extension"
    assert "NĐ 118/2025/NĐ-CP Điều 19 khoản 6" in str(exc.value)


# ----------------------------------------------------------------------------- liên thông


def test_lien_thong_step_over_its_share(cal):
    # Step 1: 3 working days from Tue 3 Mar 10:00 -> Wed 4 (1), Thu 5 (2), Fri 6 (3) -> due
    # Fri 6 Mar 17:00; returned Mon 9 Mar 08:00 -> over its share.
    # Step 2: 5 working days from Mon 9 Mar 08:00 -> 10, 11, 12, 13, 16 Mar -> Mon 16 Mar 17:00.
    step1 = LienThongSpan(
        "Sở Tài nguyên và Môi trường",
        at(3, 3, 10),
        share=ProcessingTime.working_days(3),
        finished_at=at(3, 9, 8),
    )
    step2 = LienThongSpan("Chi cục Thuế", at(3, 9, 8), share=ProcessingTime.working_days(5))
    c = clock(cal, RECEIVED).with_step(step1).with_step(step2)
    first, second = c.step_deadlines(at(3, 13, 10))
    assert (first.due_at, first.over_share) == (at(3, 6, 17), True)
    assert (second.due_at, second.over_share) == (at(3, 16, 17), False)
    assert c.step_deadlines()[1].over_share is None
    assert c.step_deadlines(at(3, 17, 8))[1].over_share is True
    assert codes(c.flags()) == [FlagCode.STEP_OVER_SHARE]
    assert "Sở Tài nguyên và Môi trường" in c.flags()[0].message_vi


# ----------------------------------------------------------------------------- remaining time


def test_remaining_and_overdue(cal):
    # Received Mon 2 Mar 09:00, due Mon 16 Mar 17:00. At receipt: 2.5 h + 4 h on 2 Mar plus
    # 10 days x 8 h = 86.5 h. On Tue 17 Mar 08:30: one hour of office time past due -> -1 h.
    c = clock(cal, RECEIVED)
    assert c.remaining(RECEIVED) == 86.5 * H
    assert c.remaining(at(3, 16, 16)) == 1 * H
    assert c.remaining(at(3, 17, 8, 30)) == -1 * H
    assert not c.is_overdue(at(3, 16, 17))
    assert c.is_overdue(at(3, 16, 17, 1))
    assert c.timeliness(at(3, 16, 17, 1)) is Timeliness.IN_PROGRESS_OVERDUE
    assert FlagCode.OVERDUE in codes(c.flags(at(3, 17, 9)))


def test_pause_across_tet_explains_the_days_added(cal):
    # Working hours, pause: received Thu 5 Feb 10:00, 5 days x 8 h = 40 h -> Thu 12 Feb 10:00.
    # Paused Fri 6 Feb 09:00 -> Wed 11 Feb 14:00: 6.5 h (6 Feb) + 8 + 8 (9, 10 Feb) + 5 h
    # (11 Feb) = 27.5 h, added to Thu 12 Feb 10:00: 5.5 h (12 Feb) + 8 h (13 Feb) = 13.5 h, Tết
    # 16-20 Feb skipped, 8 h (Mon 23 Feb) = 21.5 h, Tue 24 Feb 07:30 + 6 h -> 15:00.
    c = clock(cal, at(2, 5, 10), 5, counting_policy="working-hours", supplement_policy=PAUSE)
    c = c.with_supplement(at(2, 6, 9), at(2, 11, 14))
    assert c.due_at == at(2, 24, 15)
    supplement = next(s for s in c.explanation() if s.kind == "supplement")
    assert "27 giờ 30 phút làm việc" in supplement.text("vi")
    assert "27 h 30 min of office time" in supplement.text("en")
    assert supplement.values["paused"] == WorkingTime.of(hours=27, minutes=30)
    # the days between the old and the new due date are listed, each Tết day with its notice
    detail_vi, detail_en = supplement.detail.text("vi"), supplement.detail.text("en")
    assert detail_vi.count("Thông báo 9441/TB-BNV") == 5
    assert "Thứ Hai 16/02/2026: Tết Nguyên đán" in detail_vi
    assert detail_en.splitlines()[-1].endswith(
        "Monday 23/02/2026 – Tuesday 24/02/2026: working days, counted"
    )
