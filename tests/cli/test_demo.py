"""``onestop demo``: the main job end to end, with dates worked out by hand."""

from __future__ import annotations

import json


def test_demo_json(app, runner, tmp_path):
    result = runner.invoke(app, ["demo", "--json", "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    # Received Friday 13/02/2026 10:00; 14-22/02 is the Tết break (Thông báo 9441/TB-BNV),
    # so 7 working days are 23, 24, 25, 26, 27/02, 02/03 and 03/03.
    assert data["deadline"]["due"] == "2026-03-03T17:00:00+07:00"
    assert "9441/TB-BNV" in data["deadline"]["explanation_vi"]
    # Supplement received Thursday 26/02 14:00, clock restarted (NĐ 61/2018 Art. 19(4)):
    # 27/02, 02/03, 03/03, 04/03, 05/03, 06/03, 09/03.
    assert data["clock"]["due_after_supplement"] == "2026-03-09T17:00:00+07:00"
    # Completed 06/03, before the due date 09/03: early (TT 01/2018 Art. 13).
    assert data["clock"]["timeliness"] == "early"
    assert data["dossier"]["code"] == "000.00.00.H56-260213-0001"
    assert data["dossier"]["status_code"] == 10
    # Three outbox runs; the last three states coalesced into one update.
    assert data["portal"] == {
        "held_status": "10",
        "creates": 1,
        "updates": 2,
        "faults_injected": {"5xx": 2, "timeout": 1},
    }
    assert data["outbox"]["stats"]["pending"] == 0
    assert data["outbox"]["stats"]["dead"] == 0
    assert data["signature"]["valid"] is True
    assert data["signature"]["tampered_valid"] is False
    # No full personal ID in the output.
    assert "*" in data["applicant"]["citizen_id"]


def test_demo_text(app, runner, tmp_path):
    result = runner.invoke(app, ["demo", "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Ngày hẹn trả: 2026-03-03T17:00:00+07:00" in result.stdout
