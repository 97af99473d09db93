"""Closing a dossier (đóng hồ sơ): NĐ 118/2025/NĐ-CP Art. 19(5), issue 11.

"Sau 15 ngày kể từ khi thông báo … nếu tổ chức, cá nhân không hoàn thành việc hoàn thiện hồ sơ,
… Bộ phận Một cửa thực hiện đóng hồ sơ": a dossier waiting for an appraisal-stage supplement is
closed. The national status list has no code for it: the dossier becomes ``STOPPED`` (8, Dừng
xử lý), the event's action says it was a closing, and the open request stays open.
"""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.errors import InvalidDossierError, InvalidTransitionError
from onestop.models import (
    CLOSED_STATUS,
    Dossier,
    DossierStatus,
    EventAction,
    SupplementStage,
)
from onestop.testing import make_dossier

DAY = dt.timedelta(days=1)


def _waiting(seed: int = 3) -> Dossier:
    d = make_dossier(seed, status=DossierStatus.SUPPLEMENT_REQUESTED)
    assert d.open_supplement is not None
    assert d.open_supplement.stage is SupplementStage.APPRAISAL
    return d


def test_a_dossier_waiting_for_its_supplement_is_closed_as_stopped():
    d = _waiting()
    requested = d.supplements[-1].requested_at
    closed = d.close(at=requested + 16 * DAY, by="cb1", note="Quá 15 ngày không bổ sung")
    assert CLOSED_STATUS is DossierStatus.STOPPED
    assert closed.status is DossierStatus.STOPPED and closed.status.code == 8
    assert closed.events[-1].action is EventAction.CLOSE
    assert closed.events[-1].from_status is DossierStatus.SUPPLEMENT_REQUESTED
    assert closed.closed_at == requested + 16 * DAY
    # the supplement never came back: the request stays open, the dossier is terminal
    assert closed.supplements[-1].resubmitted_at is None
    assert closed.status.is_terminal and not closed.allowed_next()
    # an imported copy keeps it
    again = Dossier.from_json(closed.to_json())
    assert again == closed and again.closed_at == closed.closed_at
    # a dossier stopped for another reason was not closed
    stopped = d.stop(at=requested + DAY, by="cb1", reason="Công dân yêu cầu dừng")
    assert stopped.status is DossierStatus.STOPPED and stopped.closed_at is None
    assert d.closed_at is None


@pytest.mark.parametrize("status", [DossierStatus.PROCESSING, DossierStatus.RECEIVED])
def test_only_a_dossier_waiting_for_a_supplement_can_be_closed(status):
    d = make_dossier(4, status=status)
    with pytest.raises(InvalidTransitionError) as exc:
        d.close(at=d.events[-1].at + DAY, by="cb1")
    assert exc.value.field == "status"
    assert "Art. 19(5)" in str(exc.value)


def test_an_intake_supplement_does_not_close_the_dossier():
    d = make_dossier(5, status=DossierStatus.NEW)
    waiting = d.request_supplement(at=d.submitted_at + DAY, by="cb1", reason="Thiếu tờ khai")
    assert waiting.open_supplement is not None
    assert waiting.open_supplement.stage is SupplementStage.INTAKE
    with pytest.raises(InvalidTransitionError) as exc:
        waiting.close(at=d.submitted_at + 20 * DAY, by="cb1")
    assert "intake" in str(exc.value)


def test_closing_keeps_the_time_order():
    d = _waiting()
    with pytest.raises(InvalidDossierError) as exc:
        d.close(at=d.events[-1].at - DAY, by="cb1")
    assert exc.value.field == "at"


def _with_last_event(d: Dossier, **changes: object) -> dict:
    data = d.model_dump(mode="json")
    data["events"][-1] |= changes
    return data


def test_an_imported_closing_must_follow_the_rule():
    closed = _waiting().close(at=_waiting().events[-1].at + 16 * DAY, by="cb1")
    index = len(closed.events) - 1
    # a "close" that did not come from a supplement request
    processing = make_dossier(6, status=DossierStatus.PROCESSING)
    stopped = processing.stop(at=processing.events[-1].at + DAY, by="cb1", reason="Dừng")
    bad = _with_last_event(stopped, action="close")
    with pytest.raises(InvalidDossierError) as exc:
        Dossier.model_validate(bad)
    assert exc.value.field == f"events[{len(stopped.events) - 1}].action"
    # a "close" after the supplement came back
    data = closed.model_dump(mode="json")
    back = closed.supplements[-1].requested_at + DAY
    data["supplements"][-1]["resubmitted_at"] = back.isoformat()
    with pytest.raises(InvalidDossierError) as exc:
        Dossier.model_validate(data)
    assert exc.value.field == f"events[{index}].action"
