"""The dossier clock's API: inputs, errors, the Dossier adapter, explanations and JSON."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

from onestop.deadlines import (
    PAUSE,
    RESTART,
    SUPPLEMENT_POLICIES,
    DossierClock,
    ExtensionSpan,
    FlagCode,
    LienThongSpan,
    StaticHolidaySource,
    Submission,
    SupplementSpan,
    Timeliness,
    WorkCalendar,
    WorkingTime,
    compute_due,
    supplement_policy_by_name,
)
from onestop.errors import DeadlineError, InvalidInputError, OneStopError
from onestop.models import (
    AgencyRef,
    Channel,
    DossierStatus,
    LienThongParticipant,
    LienThongStep,
    ProcessingTime,
    ServiceLevel,
    TimeUnit,
)
from onestop.testing import make_dossier, make_procedure

TZ = dt.timezone(dt.timedelta(hours=7))
H = WorkingTime.of(hours=1)
HOUR = dt.timedelta(hours=1)


def at(m, d, hh=0, mm=0, y=2026):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def cal(work_calendar):
    return work_calendar  # the official calendar, from the onestop pytest plugin


@pytest.fixture(scope="module")
def plain_cal():
    """Mon–Fri, no holidays, 07:30–11:30 and 13:00–17:00: an independent arithmetic check."""
    return WorkCalendar(StaticHolidaySource((), first_year=2020, last_year=2030))


WD10 = ProcessingTime.working_days(10)
RECEIVED = at(3, 2, 9)


# ----------------------------------------------------------------------------- policies


def test_supplement_policies_by_name():
    assert supplement_policy_by_name("restart") is RESTART
    assert supplement_policy_by_name("pause") is PAUSE
    assert set(SUPPLEMENT_POLICIES) == {"restart", "pause"}
    with pytest.raises(InvalidInputError) as exc:
        supplement_policy_by_name("freeze")
    assert exc.value.field == "supplement_policy"
    assert "pause, restart" in str(exc.value)


def test_policy_given_by_name(cal):
    c = DossierClock(RECEIVED, WD10, calendar=cal, supplement_policy="pause")
    assert c.supplement_policy is PAUSE


def test_unknown_counting_policy(cal):
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(RECEIVED, WD10, calendar=cal, counting_policy="lunar-days")
    assert exc.value.field == "policy"


# ----------------------------------------------------------------------------- bad input


def test_naive_receipt(cal):
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(dt.datetime(2026, 3, 2, 9), WD10, calendar=cal)
    assert exc.value.field == "received_at"
    assert "naive" in str(exc.value)


def test_question_before_receipt(cal):
    c = DossierClock(RECEIVED, WD10, calendar=cal)
    with pytest.raises(InvalidInputError) as exc:
        c.remaining(at(3, 1, 9))
    assert exc.value.field == "at"
    with pytest.raises(InvalidInputError):
        c.remaining(dt.datetime(2026, 3, 3, 9))


def test_supplement_before_receipt(cal):
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(
            RECEIVED, WD10, calendar=cal, supplements=[SupplementSpan(at(3, 1, 9), at(3, 3, 9))]
        )
    assert exc.value.field == "supplements[0].requested_at"


def test_overlapping_supplements(cal):
    spans = [SupplementSpan(at(3, 3, 9), at(3, 5, 9)), SupplementSpan(at(3, 4, 9), at(3, 6, 9))]
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(RECEIVED, WD10, calendar=cal, supplements=spans)
    assert exc.value.field == "supplements[1].requested_at"


def test_request_while_one_is_pending(cal):
    c = DossierClock(RECEIVED, WD10, calendar=cal).with_supplement(at(3, 3, 9))
    with pytest.raises(InvalidInputError) as exc:
        c.with_supplement(at(3, 4, 9))
    assert exc.value.field == "supplements[1].requested_at"


def test_resubmission_without_request(cal):
    with pytest.raises(DeadlineError) as exc:
        DossierClock(RECEIVED, WD10, calendar=cal).with_resubmission(at(3, 4, 9))
    assert exc.value.field == "resubmitted_at"


def test_extension_must_move_the_date_later(cal):
    with pytest.raises(DeadlineError) as exc:
        DossierClock(RECEIVED, WD10, calendar=cal).with_extension(
            at(3, 16, 17), apology_at=at(3, 13, 9)
        )
    assert exc.value.field == "extension.new_due_at"


def test_extension_while_supplement_pending(cal):
    c = DossierClock(RECEIVED, WD10, calendar=cal).with_supplement(at(3, 3, 9))
    with pytest.raises(DeadlineError) as exc:
        c.with_extension(at(3, 30, 17))
    assert exc.value.field == "extension"


def test_finish_before_receipt(cal):
    with pytest.raises(InvalidInputError) as exc:
        DossierClock(RECEIVED, WD10, calendar=cal, finished_at=at(3, 1, 9))
    assert exc.value.field == "finished_at"


def test_finish_copy_is_checked_like_the_constructor(cal):
    c = DossierClock(RECEIVED, WD10, calendar=cal)
    with pytest.raises(InvalidInputError) as exc:
        c.finish(at(3, 1, 9))
    assert exc.value.field == "finished_at"
    with pytest.raises(InvalidInputError) as exc:
        c.finish(dt.datetime(2026, 3, 20, 9))  # naive
    assert exc.value.field == "finished_at"
    with pytest.raises(InvalidInputError) as exc:
        c.with_step("UBND xã")  # type: ignore[arg-type]
    assert exc.value.field == "steps"


@pytest.mark.parametrize("policy", [RESTART, PAUSE])
def test_with_copies_equal_a_clock_built_whole(cal, policy):
    """finish / with_extension / with_step give the clock the constructor gives from scratch."""
    step = LienThongSpan("UBND xã", at(3, 3, 9), due_at=at(3, 5, 17), finished_at=at(3, 5, 16))
    start = DossierClock(RECEIVED, WD10, calendar=cal, supplement_policy=policy).with_supplement(
        at(3, 3, 10), at(3, 9, 8)
    )
    new_due = start.due_at + dt.timedelta(days=7)
    copy = (
        start.with_step(step).with_extension(new_due, apology_at=at(3, 12, 9)).finish(at(3, 25, 15))
    )
    whole = DossierClock(
        RECEIVED,
        WD10,
        calendar=cal,
        supplement_policy=policy,
        supplements=start.supplements,
        extension=ExtensionSpan(new_due, at(3, 12, 9)),
        steps=(step,),
        finished_at=at(3, 25, 15),
    )
    assert copy == whole
    assert copy.to_dict(at=at(3, 20, 9)) == whole.to_dict(at=at(3, 20, 9))
    assert copy.due_at == new_due and copy.original_due_at == start.due_at


def test_lien_thong_step_needs_a_limit():
    with pytest.raises(InvalidInputError) as exc:
        LienThongSpan("UBND xã", at(3, 3, 9))
    assert exc.value.field == "steps.share"
    with pytest.raises(InvalidInputError):
        LienThongSpan("UBND xã", at(3, 3, 9), due_at=at(3, 5, 17), finished_at=at(3, 2, 9))


def test_errors_are_onestop_errors_and_value_errors(cal):
    with pytest.raises(ValueError) as exc:
        DossierClock(RECEIVED, WD10, calendar=cal).timeliness()
    assert isinstance(exc.value, OneStopError)
    assert exc.value.field == "at"


# ----------------------------------------------------------------------------- arithmetic


def test_independent_plain_calendar_arithmetic(plain_cal):
    # Without holidays: Wed 1 Jul 2026 10:00 + 10 working days = Wed 15 Jul 17:00.
    # Restart after a supplement answered Fri 3 Jul 15:00 -> 10 working days after Fri 3 Jul
    # = Fri 17 Jul 17:00. Pause: Thu 2 Jul 09:00 -> Fri 3 Jul 15:00 pauses 1 working day
    # (Fri 3) -> Thu 16 Jul 17:00.
    received = at(7, 1, 10)
    span = SupplementSpan(at(7, 2, 9), at(7, 3, 15))
    restart = DossierClock(received, WD10, calendar=plain_cal, supplements=[span])
    pause = DossierClock(
        received, WD10, calendar=plain_cal, supplements=[span], supplement_policy=PAUSE
    )
    assert restart.base.due_at == at(7, 15, 17)
    assert restart.due_at == at(7, 17, 17)
    assert pause.due_at == at(7, 16, 17)


def test_calendar_day_pause_uses_the_civil_code(plain_cal):
    # 15 calendar days from Wed 1 Jul 2026 -> Thu 16 Jul. A pause from Mon 6 to Fri 10 Jul is
    # 4 calendar days -> 19 days -> Mon 20 Jul (Sun 19 Jul moves to Monday, BLDS Art. 148(5)).
    pt = ProcessingTime.calendar_days(15)
    span = SupplementSpan(at(7, 6, 9), at(7, 10, 9))
    c = DossierClock(
        at(7, 1, 10), pt, calendar=plain_cal, supplements=[span], supplement_policy=PAUSE
    )
    assert c.base.due_at.date() == dt.date(2026, 7, 16)
    assert c.due_at.date() == dt.date(2026, 7, 20)


def test_month_pause(plain_cal):
    # 1 month from Fri 31 Jul 2026 -> 31 Aug (Mon). Pause of 2 calendar days -> Wed 2 Sep.
    pt = ProcessingTime.months(1)
    span = SupplementSpan(at(8, 3, 9), at(8, 5, 9))
    c = DossierClock(
        at(7, 31, 10), pt, calendar=plain_cal, supplements=[span], supplement_policy=PAUSE
    )
    assert c.base.due_at.date() == dt.date(2026, 8, 31)
    assert c.due_at.date() == dt.date(2026, 9, 2)


def test_same_day_pause(plain_cal):
    # Same-day with 15:00 cut-off: received Mon 6 Jul 10:00 -> due Mon 17:00. Supplement
    # requested Mon 11:00, back Tue 09:00: one working day paused -> Tue 7 Jul 17:00.
    pt = ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY, cutoff=dt.time(15))
    span = SupplementSpan(at(7, 6, 11), at(7, 7, 9))
    c = DossierClock(
        at(7, 6, 10), pt, calendar=plain_cal, supplements=[span], supplement_policy=PAUSE
    )
    assert c.base.due_at == at(7, 6, 17)
    assert c.due_at == at(7, 7, 17)


def test_lien_thong_with_explicit_due(cal):
    step = LienThongSpan("UBND xã", at(3, 3, 9), due_at=at(3, 5, 17), finished_at=at(3, 5, 16))
    (sd,) = DossierClock(RECEIVED, WD10, calendar=cal, steps=[step]).step_deadlines()
    assert (sd.due_at, sd.deadline, sd.over_share) == (at(3, 5, 17), None, False)


def test_missing_apology_is_flagged(cal):
    c = DossierClock(RECEIVED, WD10, calendar=cal, extension=ExtensionSpan(at(3, 20, 17)))
    assert [f.code for f in c.flags()] == [FlagCode.MISSING_APOLOGY]
    # Without the letter's date the extension applies from the start.
    assert c.remaining(RECEIVED) == c.calendar.working_time_between(RECEIVED, at(3, 20, 17))


def test_extension_applies_from_the_letter(cal):
    c = DossierClock(
        RECEIVED,
        WD10,
        calendar=cal,
        extension=ExtensionSpan(at(3, 20, 17), apology_at=at(3, 13, 10)),
    )
    # Before the letter, the original appointment: Fri 13 Mar 09:00 -> Mon 16 Mar 17:00 =
    # 2.5 h + 4 h + 8 h = 14.5 h. After it, Fri 20 Mar: + 4 days x 8 h = 46.5 h.
    assert c.remaining(at(3, 13, 9)) == 14.5 * H
    assert c.remaining(at(3, 13, 10)) == 45.5 * H


def test_unfinished_timeliness(cal):
    c = DossierClock(RECEIVED, WD10, calendar=cal)
    assert c.timeliness(at(3, 10, 9)) is Timeliness.IN_PROGRESS_ON_TIME
    assert c.timeliness(at(3, 17, 9)) is Timeliness.IN_PROGRESS_OVERDUE
    assert c.timeliness_766(at(3, 31, 23)) is Timeliness.IN_PROGRESS_OVERDUE
    pending = c.with_supplement(at(3, 4, 9))
    # Decision 766: a dossier waiting for its only supplement is judged at the request.
    assert pending.timeliness_766(at(3, 31, 23)) is Timeliness.IN_PROGRESS_ON_TIME
    assert pending.timeliness(at(3, 31, 23)) is Timeliness.IN_PROGRESS_ON_TIME


# ----------------------------------------------------------------------------- explanation


def test_explain_bilingual_and_cites_rules(cal):
    c = (
        DossierClock(RECEIVED, WD10, calendar=cal)
        .with_supplement(at(3, 4, 10), at(3, 9, 14))
        .with_extension(at(3, 27, 17), apology_at=at(3, 20, 9))
        .finish(at(3, 26, 9))
    )
    vi, en = c.explain("vi"), c.explain("en")
    # received in March 2026: NĐ 118/2025 governs, and the first step says why
    assert vi.startswith("1. Văn bản áp dụng: NĐ 118/2025/NĐ-CP — hồ sơ tiếp nhận ngày Thứ Hai")
    assert "\n2. Tiếp nhận hồ sơ đầy đủ lúc 09:00 Thứ Hai 02/03/2026" in vi
    # the legal bases of that era, in both languages
    for text in (vi, en):
        assert "NĐ 118/2025/NĐ-CP Điều 40 khoản 1" in text
        assert "NĐ 118/2025/NĐ-CP Điều 19 khoản 5" in text
        assert "NĐ 118/2025/NĐ-CP Điều 19 khoản 6" in text
        assert "TT 01/2018/TT-VPCP Điều 13" in text
        assert "61/2018" not in text
    assert "counted again" in en
    # 26 Mar is after the restarted due date of 23 Mar, before the new date of 27 Mar.
    assert (
        "so với ngày hẹn Thứ Hai 23/03/2026: Quá hạn; so với ngày hẹn lại Thứ Sáu 27/03/2026: "
        "Trước hạn"
    ) in vi
    assert "against the new date Friday 27/03/2026: Early" in en
    assert "received at 09:00 Monday 02/03/2026" in en
    kinds = [s.kind.value for s in c.explanation()]
    assert kinds == ["governing_text", "receipt", "supplement", "extension", "result"]
    with pytest.raises(InvalidInputError) as exc:
        c.explain("fr")  # type: ignore[arg-type]
    assert exc.value.field == "lang"


def test_to_dict_is_json_with_stable_keys(cal):
    c = DossierClock(RECEIVED, WD10, calendar=cal).with_supplement(at(3, 4, 10), at(3, 9, 14))
    data = json.loads(json.dumps(c.to_dict(at=at(3, 10, 9))))
    assert set(data) == {
        "received_at",
        "processing_time",
        "supplement_policy",
        "counting_policy",
        "base_due_at",
        "original_due_at",
        "due_at",
        "finished_at",
        "at",
        "remaining_minutes",
        "overdue",
        "paused",
        "timeliness",
        "flags",
        "era",
        "explanation",
    }
    assert data["era"] == "ND-118-2025"
    assert data["due_at"] == "2026-03-23T17:00:00+07:00"
    assert data["base_due_at"] == "2026-03-16T17:00:00+07:00"
    assert data["processing_time"] == {"amount": 10, "unit": "working_days", "cutoff": None}
    assert data["supplement_policy"] == "restart"
    assert data["timeliness"] == "in_progress_on_time"
    assert data["flags"] == []
    assert set(data["explanation"]) == {"vi", "en", "steps"}
    # Tue 10 Mar 09:00 -> Mon 23 Mar 17:00: 6.5 h + 8 days x 8 h (11–13, 16–20 Mar) + 8 h.
    assert data["remaining_minutes"] == (6.5 + 64 + 8) * 60


# ----------------------------------------------------------------------------- from models


def test_compute_due_for_a_procedure(cal):
    procedure = make_procedure(3)
    pt = procedure.processing_time_for(Channel.ONLINE)
    deadline = compute_due(RECEIVED, procedure.processing_time_for(Channel.ONLINE), calendar=cal)
    assert deadline.due_at == cal.closing_time(cal.add_working_days(RECEIVED.date(), pt.amount))
    assert compute_due(RECEIVED, procedure.processing_time_for("online"), calendar=cal) == deadline
    with pytest.raises(InvalidInputError) as exc:
        compute_due(RECEIVED, procedure.processing_time_for("fax"), calendar=cal)
    assert exc.value.field == "channel"


def test_clock_for_dossier_matches_the_facts(cal):
    d = make_dossier(7, status=DossierStatus.NEW, submitted_at=at(3, 2, 8))
    received = at(3, 2, 9)
    due = at(3, 16, 17)
    d = d.model_copy(update={"procedure": d.procedure.model_copy(update={"processing_time": WD10})})
    d = d.accept(at=received, by="cb1", due_at=due)
    d = d.start_processing(at=at(3, 2, 10), by="cb1")
    d = d.request_supplement(at=at(3, 4, 10), by="cb1", reason="Thiếu bản sao")
    d = d.receive_supplement(at=at(3, 9, 14), by="cb1", due_at=at(3, 23, 17))
    d = d.extend(at=at(3, 20, 9), by="cb1", new_due_at=at(3, 27, 17), reason="Chờ xác minh")
    d = d.complete(at=at(3, 26, 9), by="cb1")
    c = DossierClock.from_dossier(d, calendar=cal)
    manual = DossierClock(
        received,
        WD10,
        calendar=cal,
        supplements=[SupplementSpan(at(3, 4, 10), at(3, 9, 14))],
        extension=ExtensionSpan(at(3, 27, 17), apology_at=at(3, 20, 9)),
        finished_at=at(3, 26, 9),
        # submitted at 08:00, first answered by the acceptance at 09:00
        submission=Submission(at(3, 2, 8), d.channel, received),
    )
    assert c == manual
    # The restart policy gives the date the dossier recorded on resubmission.
    assert c.original_due_at == at(3, 23, 17)
    assert c.due_at == d.due_at
    assert DossierClock.from_dossier(
        d, calendar=cal, supplement_policy="pause"
    ).original_due_at == at(3, 19, 17)


def test_clock_for_closed_dossier(cal):
    d = make_dossier(8, status=DossierStatus.PROCESSING)
    stopped = d.stop(at=d.received_at + dt.timedelta(days=1), by="cb1", reason="Theo yêu cầu")
    assert DossierClock.from_dossier(
        stopped, calendar=cal
    ).finished_at == d.received_at + dt.timedelta(days=1)
    assert DossierClock.from_dossier(d, calendar=cal).finished_at is None


def test_clock_for_unreceived_dossier(cal):
    d = make_dossier(9, status=DossierStatus.NEW)
    with pytest.raises(DeadlineError) as exc:
        DossierClock.from_dossier(d, calendar=cal)
    assert exc.value.field == "received_at"


def test_clock_for_lien_thong(cal):
    land = AgencyRef(name="Văn phòng đăng ký đất đai")
    tax = AgencyRef(name="Chi cục Thuế")
    procedure = make_procedure(
        3,  # 7 working days on every channel
        lien_thong=(
            LienThongParticipant(agency=land, task="Đo đạc", share=ProcessingTime.working_days(3)),
            LienThongParticipant(
                agency=tax, task="Xác định thuế", share=ProcessingTime.working_days(2)
            ),
        ),
    )
    d = make_dossier(4, status=DossierStatus.PROCESSING, procedure=procedure)
    start = d.received_at
    steps = (
        LienThongStep(agency=land, task="Đo đạc", started_at=start, finished_at=start + 10 * HOUR),
        LienThongStep(agency=tax, task="Xác định thuế", started_at=start + 10 * HOUR),
        LienThongStep(agency=AgencyRef(name="Khác"), task="Không có hạn", started_at=start),
    )
    d = d.model_copy(update={"lien_thong": steps})
    c = DossierClock.from_dossier(d, procedure=procedure, calendar=cal)
    assert [s.agency for s in c.steps] == ["Văn phòng đăng ký đất đai", "Chi cục Thuế"]
    assert [s.share.amount for s in c.steps] == [3, 2]
    assert c.processing_time == procedure.processing_time_for(d.channel)


def test_docs_examples_run():
    import pathlib
    import re

    doc = pathlib.Path(__file__).parents[2] / "docs" / "dossier-clock.md"
    if not doc.exists():
        pytest.skip("docs not shipped in this distribution")
    blocks = re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 4
    namespace: dict[str, object] = {"print": lambda *a, **k: None}
    for i, block in enumerate(blocks):
        exec(compile(block, f"dossier-clock.md[{i}]", "exec"), namespace)  # noqa: S102


def test_clock_stops_at_the_finish(cal):
    # Finished Fri 13 Mar 15:00, due Mon 16 Mar 17:00: 2 h + 8 h left, frozen afterwards.
    c = DossierClock(RECEIVED, WD10, calendar=cal, finished_at=at(3, 13, 15))
    assert c.remaining(at(3, 13, 15)) == 10 * H
    assert c.remaining(at(3, 30, 9)) == 10 * H
    assert not c.is_overdue(at(3, 30, 9))
    late = DossierClock(RECEIVED, WD10, calendar=cal, finished_at=at(3, 17, 9))
    assert late.remaining(at(4, 1, 9)) == -1.5 * H  # Tue 17 Mar 07:30 -> 09:00
    assert late.is_overdue(at(4, 1, 9))


def test_closed_while_a_supplement_is_awaited(cal):
    # Requested Fri 13 Mar 10:00 (limit Thu 5 Mar: flagged), never answered; the applicant
    # withdraws on Mon 30 Mar. The agency's time stopped at the request, before the due date
    # (Mon 16 Mar): early by the date rule. The 766 note takes the withdrawal as the end
    # instant before a pending supplement, and 30 Mar is after the due date: late.
    c = (
        DossierClock(RECEIVED, WD10, calendar=cal)
        .with_supplement(at(3, 13, 10))
        .finish(at(3, 30, 9))
    )
    assert c.due_at is None
    assert c.timeliness() is Timeliness.EARLY
    assert c.timeliness_766(at(3, 31, 23)) is Timeliness.LATE
    assert [f.code for f in c.flags()] == [
        FlagCode.LATE_SUPPLEMENT_REQUEST,
        FlagCode.SUPPLEMENT_PENDING,
    ]
    assert c.to_dict()["timeliness"] == "early"


def test_a_procedure_refuses_a_channel_it_lacks(cal):
    procedure = make_procedure(3)
    only_direct = procedure.model_copy(
        update={
            "channels": (Channel.DIRECT,),
            "processing_times": procedure.processing_times[:1],
            "service_level": ServiceLevel.NONE,
        }
    )
    assert only_direct.processing_times[0].channel is Channel.DIRECT
    with pytest.raises(InvalidInputError) as exc:
        compute_due(RECEIVED, only_direct.processing_time_for(Channel.ONLINE), calendar=cal)
    assert exc.value.field == "channel"


def test_recorded_extension_not_later_is_flagged_not_refused(cal):
    # A record from a system that ignored Tết: received Fri 13 Feb 2026, 5 working days,
    # appointment written as Fri 20 Feb and "extended" to Tue 24 Feb. onestop's due date is
    # Fri 27 Feb, so the extension does not extend: flagged, and the recorded date is kept.
    d = make_dossier(11, status=DossierStatus.NEW, submitted_at=at(2, 13, 9))
    d = d.model_copy(
        update={
            "procedure": d.procedure.model_copy(
                update={"processing_time": ProcessingTime.working_days(5)}
            )
        }
    )
    d = d.accept(at=at(2, 13, 10), by="cb1", due_at=at(2, 20, 17))
    d = d.start_processing(at=at(2, 13, 11), by="cb1")
    d = d.extend(at=at(2, 19, 9), by="cb1", new_due_at=at(2, 24, 17), reason="Chờ xác minh")
    c = DossierClock.from_dossier(d, calendar=cal)
    assert c.original_due_at == at(2, 27, 17)
    assert c.due_at == at(2, 24, 17)
    assert FlagCode.EXTENSION_NOT_LATER in [f.code for f in c.flags()]
    # The interactive path refuses it.
    with pytest.raises(DeadlineError):
        DossierClock(at(2, 13, 10), ProcessingTime.working_days(5), calendar=cal).with_extension(
            at(2, 24, 17)
        )


def test_recorded_extension_while_supplement_pending(cal):
    c = DossierClock(
        RECEIVED,
        WD10,
        calendar=cal,
        supplements=[SupplementSpan(at(3, 4, 9))],
        extension=ExtensionSpan(at(3, 27, 17), apology_at=at(3, 5, 9)),
    )
    assert c.original_due_at is None
    assert c.due_at == at(3, 27, 17)
    assert c.is_paused(at(3, 10, 9))
    assert [f.code for f in c.flags()] == [FlagCode.SUPPLEMENT_PENDING]
    assert "lang" not in c.explain("en")


def test_english_dates_do_not_depend_on_the_locale():
    import datetime as _dt

    from onestop.deadlines.explain import renderer

    # weekday names written out, dd/mm/yyyy: a run under another locale checks the same text
    assert renderer("en").fmt.day(_dt.date(2026, 2, 9)) == "Monday 09/02/2026"
    assert renderer("vi").fmt.day(_dt.date(2026, 12, 31)) == "Thứ Năm 31/12/2026"
    instant = _dt.datetime(2026, 3, 9, 10, 0, tzinfo=_dt.UTC)  # 17:00 in Vietnam
    assert renderer("en").fmt.instant(instant) == "17:00 Monday 09/03/2026"
    assert renderer("vi").fmt.instant(instant) == "17:00 Thứ Hai 09/03/2026"


# ----------------------------------------------------------------------------- boundaries


def test_a_step_finished_exactly_at_its_due_time_is_within_its_share(cal):
    # 3 working days from Mon 2 Mar 09:00: due Thu 5 Mar 17:00
    share = ProcessingTime.working_days(3)
    due = at(3, 5, 17)
    on_time = LienThongSpan("Sở Tư pháp", at(3, 2, 9), share=share, finished_at=due)
    c = DossierClock(RECEIVED, WD10, calendar=cal).with_step(on_time)
    (sd,) = c.step_deadlines()
    assert (sd.due_at, sd.over_share) == (due, False)
    assert FlagCode.STEP_OVER_SHARE not in [f.code for f in c.flags()]
    # judged unfinished at the due instant itself: not over either
    running = LienThongSpan("Sở Tư pháp", at(3, 2, 9), share=share)
    (sd,) = DossierClock(RECEIVED, WD10, calendar=cal).with_step(running).step_deadlines(due)
    assert sd.over_share is False
    # a microsecond later it is
    late = attrs.evolve(on_time, finished_at=due + dt.timedelta(microseconds=1))
    c = DossierClock(RECEIVED, WD10, calendar=cal).with_step(late)
    assert c.step_deadlines()[0].over_share is True
    assert [f.code for f in c.flags()] == [FlagCode.STEP_OVER_SHARE]
    assert "vượt thời gian được giao (3 ngày làm việc, hạn 17:00 Thứ Năm 05/03/2026)" in (
        c.flags()[0].message_vi
    )


def test_a_zero_length_step(cal):
    # an agency that answers the moment it receives its part (an automatic registry check)
    start = at(3, 3, 10)
    instant = LienThongSpan(
        "Cơ sở dữ liệu quốc gia về dân cư", start, due_at=start, finished_at=start
    )
    c = DossierClock(RECEIVED, WD10, calendar=cal).with_step(instant)
    (sd,) = c.step_deadlines()
    assert (sd.due_at, sd.over_share, sd.deadline) == (start, False, None)
    assert c.flags() == ()
    counted = LienThongSpan(
        "Sở Tư pháp", start, share=ProcessingTime.working_days(0), finished_at=start
    )
    (sd,) = DossierClock(RECEIVED, WD10, calendar=cal).with_step(counted).step_deadlines()
    assert sd.over_share is False and sd.due_at == at(3, 3, 17)
    with pytest.raises(InvalidInputError) as err:
        LienThongSpan(
            "Sở Tư pháp",
            start,
            share=ProcessingTime.working_days(1),
            finished_at=start - dt.timedelta(microseconds=1),
        )
    assert err.value.field == "steps.finished_at"
