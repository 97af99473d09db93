"""Dossier statuses, channels and the transition table (exhaustively)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.errors import InvalidInputError, InvalidTransitionError
from onestop.models import (
    SUPPLEMENT_EXITS,
    TRANSITIONS,
    Channel,
    Dossier,
    DossierStatus,
    SupplementStage,
)
from onestop.testing import make_dossier

S = DossierStatus

# TrangThaiHoSo as pushed to Cổng DVCQG (the status codes of the national portal's integration
# specification, QĐ 766/QĐ-TTg data; TD HoSoEventUtils.cs).
NATIONAL_STATUSES = [
    (1, "Mới đăng ký", S.NEW),
    (2, "Được tiếp nhận", S.RECEIVED),
    (3, "Không được tiếp nhận", S.REFUSED),
    (4, "Đang xử lý", S.PROCESSING),
    (5, "Yêu cầu bổ sung giấy tờ", S.SUPPLEMENT_REQUESTED),
    (6, "Yêu cầu thực hiện nghĩa vụ tài chính", S.FINANCIAL_OBLIGATION),
    (7, "Công dân yêu cầu rút hồ sơ", S.WITHDRAWN),
    (8, "Dừng xử lý", S.STOPPED),
    (9, "Đã xử lý xong", S.COMPLETED),
    (10, "Đã trả kết quả", S.RETURNED),
]


@pytest.mark.parametrize(("code", "label", "status"), NATIONAL_STATUSES)
def test_national_codes_and_labels(code, label, status):
    assert status.code == code
    assert status.label_vi == label
    assert DossierStatus.from_code(code) is status
    assert DossierStatus.from_code(str(code)) is status
    assert DossierStatus.from_code(f" {code} ") is status
    assert status.label_en and status.label_en != status.label_vi


def test_ten_distinct_statuses():
    assert len(DossierStatus) == 10
    assert sorted(s.code for s in DossierStatus) == list(range(1, 11))
    assert len({s.label_en for s in DossierStatus}) == 10


@pytest.mark.parametrize("bad", [0, 11, -1, "0", "x", "", "4.0", True, None, 4.0])
def test_status_from_bad_code(bad):
    with pytest.raises(InvalidInputError) as info:
        DossierStatus.from_code(bad)
    assert info.value.field == "status_code"
    assert "1" in info.value.message and "10" in info.value.message


# KenhThucHien 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích (the three channels of NĐ 118/2025).
@pytest.mark.parametrize(
    ("code", "channel"), [(1, Channel.DIRECT), (2, Channel.ONLINE), (3, Channel.POSTAL)]
)
def test_channel_codes(code, channel):
    assert channel.code == code
    assert Channel.from_code(code) is channel
    assert Channel.from_code(str(code)) is channel
    assert channel.label_vi


@pytest.mark.parametrize("bad", [0, 4, "2a", False, None])
def test_channel_bad_code(bad):
    with pytest.raises(InvalidInputError) as info:
        Channel.from_code(bad)
    assert info.value.field == "channel_code"


# ------------------------------------------------------------------ table properties


def test_terminal_statuses():
    # Refusal, stop and return close a dossier (NĐ 61/2018 Arts. 17, 20; TT 03/2025 Art. 7).
    assert {s for s in DossierStatus if s.is_terminal} == {S.REFUSED, S.STOPPED, S.RETURNED}
    for status in DossierStatus:
        assert status.allowed_next() == TRANSITIONS[status]
        assert status not in TRANSITIONS[status], "no self-transitions"


def test_every_status_reachable_from_new_and_every_path_can_end():
    seen = {S.NEW}
    queue = deque([S.NEW])
    while queue:
        for nxt in TRANSITIONS[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    assert seen == set(DossierStatus)
    for status in DossierStatus:
        reach, todo = {status}, [status]
        while todo:
            for nxt in TRANSITIONS[todo.pop()]:
                if nxt not in reach:
                    reach.add(nxt)
                    todo.append(nxt)
        assert any(s.is_terminal for s in reach), status


def test_legal_shape_of_the_table():
    # Only a completed dossier can be returned; only an unaccepted one refused at intake.
    assert {s for s in DossierStatus if S.RETURNED in TRANSITIONS[s]} == {S.COMPLETED}
    assert {s for s in DossierStatus if S.REFUSED in TRANSITIONS[s]} == {
        S.NEW,
        S.SUPPLEMENT_REQUESTED,
    }
    # A result can never be produced before acceptance.
    assert S.COMPLETED not in TRANSITIONS[S.NEW]
    # Every open status can be withdrawn by the applicant and stopped (118/2025 Art. 21).
    for status in (S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION):
        assert status.is_open
        assert {S.WITHDRAWN, S.STOPPED} <= TRANSITIONS[status]


def test_can_transition_to_matches_table():
    for a, b in itertools.product(DossierStatus, repeat=2):
        assert a.can_transition_to(b) is (b in TRANSITIONS[a])


# ------------------------------------------------------------------ exhaustive pairs


def _bases() -> dict[str, Dossier]:
    bases = {status.value: make_dossier(7, status=status) for status in DossierStatus}
    # make_dossier asks for the supplement during appraisal; add one asked at intake.
    new = bases["new"]
    bases["supplement_requested@intake"] = new.request_supplement(
        at=new.submitted_at + dt.timedelta(minutes=1), by="cb", reason="Thiếu tờ khai"
    )
    return bases


_BASES = _bases()


def _later(d: Dossier) -> dt.datetime:
    return d.events[-1].at + dt.timedelta(minutes=5)


def test_supplement_stage_refines_the_table():
    intake = _BASES["supplement_requested@intake"]
    appraisal = _BASES["supplement_requested"]
    assert intake.open_supplement.stage is SupplementStage.INTAKE
    assert appraisal.open_supplement.stage is SupplementStage.APPRAISAL
    # Together the two stages allow exactly the table's successors.
    assert intake.allowed_next() | appraisal.allowed_next() == TRANSITIONS[S.SUPPLEMENT_REQUESTED]
    assert intake.allowed_next() == SUPPLEMENT_EXITS[SupplementStage.INTAKE]
    assert appraisal.allowed_next() == SUPPLEMENT_EXITS[SupplementStage.APPRAISAL]
    for name, base in _BASES.items():
        if base.status is not S.SUPPLEMENT_REQUESTED:
            assert base.allowed_next() == TRANSITIONS[base.status], name


@pytest.mark.parametrize(
    ("base_name", "requested"), list(itertools.product(sorted(_BASES), DossierStatus))
)
def test_every_pair_of_statuses(base_name, requested):
    base = _BASES[base_name]
    current = base.status
    at = _later(base)
    due = at + dt.timedelta(days=3) if requested is S.RECEIVED else None
    if requested in base.allowed_next():
        assert requested in TRANSITIONS[current]
        moved = base.transition(requested, at=at, by="tester", note="lý do", due_at=due)
        assert moved.status is requested
        assert moved.events[:-1] == base.events
        last = moved.events[-1]
        assert (last.from_status, last.to_status, last.at) == (current, requested, at)
        assert base.status is current  # the original is untouched
        assert Dossier.from_json(moved.to_json()) == moved
    else:
        with pytest.raises(InvalidTransitionError) as info:
            base.transition(requested, at=at, by="tester", note="lý do", due_at=due)
        message = info.value.message
        assert current.value in message and requested.value in message
        assert info.value.field == "status"
        assert info.value.code == "invalid_transition"


# ------------------------------------------------------------------ random walks


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 10_000), choices=st.lists(st.integers(0, 1000), max_size=12))
def test_random_walk_follows_the_table(seed, choices):
    dossier = make_dossier(seed, status=S.NEW)
    for pick in choices:
        options = sorted(dossier.allowed_next(), key=lambda s: s.code)
        if not options:
            break
        target = options[pick % len(options)]
        at = _later(dossier)
        due = at + dt.timedelta(days=2) if target is S.RECEIVED else None
        dossier = dossier.transition(target, at=at, by="walker", note="bước", due_at=due)
    chain = [e.to_status for e in dossier.events]
    for before, after in itertools.pairwise(chain):
        assert after in TRANSITIONS[before]
    assert chain[-1] is dossier.status
    assert Dossier.from_json(dossier.to_json()) == dossier


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    targets=st.lists(st.sampled_from(list(DossierStatus)), max_size=12),
)
def test_any_request_succeeds_iff_allowed(seed, targets):
    dossier = make_dossier(seed, status=S.NEW)
    for target in targets:
        at = _later(dossier)
        due = at + dt.timedelta(days=2) if target is S.RECEIVED else None
        allowed = target in dossier.allowed_next()
        try:
            dossier = dossier.transition(target, at=at, by="walker", due_at=due)
        except InvalidTransitionError:
            assert not allowed
        else:
            assert allowed
