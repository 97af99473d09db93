"""``onestop demo``: the simulated centre, and ``--one-dossier`` with dates worked out by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer.main
from typer.testing import CliRunner

from onestop.reports import report


def test_demo_json(app, runner, tmp_path):
    result = runner.invoke(app, ["demo", "--one-dossier", "--json", "--workdir", str(tmp_path)])
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
    result = runner.invoke(app, ["demo", "--one-dossier", "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Ngày hẹn trả: 2026-03-03T17:00:00+07:00" in result.stdout
    # Vietnamese text names values in Vietnamese, never with the enums' English values.
    assert "kênh trực tiếp" in result.stdout
    assert re.search(r"giới tính (nam|nữ)\)", result.stdout)
    flat = " ".join(result.stdout.split())  # rich wraps at the terminal's width
    assert "Đã trả kết quả" in flat and "kết quả: trước hạn" in flat
    _no_english_values(result.stdout)


#: English enum values that must never appear in the Vietnamese terminal output.
ENGLISH = (
    "direct",
    "online",
    "postal",
    "female",
    "male",
    "returned",
    "received",
    "processing",
    "completed",
    "early",
    "on_time",
    "late",
    "timeout",
    "drop",
    "submit",
    "accept",
)


def _no_english_values(text):
    words = set(re.findall(r"[a-z_]+", text))
    assert words.isdisjoint(ENGLISH), sorted(words & set(ENGLISH))


def _stable(data):
    """The figures of a run without what may differ between runs of the same seed."""
    data = dict(data)
    for key in ("seconds", "out", "html"):
        data.pop(key)
    data["sync"] = {k: v for k, v in data["sync"].items() if k != "transport"}
    data["receipts"] = {k: v for k, v in data["receipts"].items() if k != "files"}
    return data


@pytest.fixture(scope="module")
def small_out(app, tmp_path_factory):
    """``onestop demo --small --seed 3 --out DIR --json``: the envelope and DIR."""
    folder = tmp_path_factory.mktemp("demo-out")
    result = CliRunner().invoke(
        app, ["demo", "--small", "--seed", "3", "--out", str(folder), "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), folder


def test_small_json_envelope_and_consistent_figures(small_out):
    data, _ = small_out
    assert data["ok"] is True and data["error"] is None
    assert (data["seed"], data["mode"]) == (3, "small")
    assert all(data["checks"].values()), data["checks"]
    rep = data["report"]
    assert rep["period"]["from"] == "2022-01-01" and rep["period"]["to"] == "2022-07-31"
    assert rep["received"] + rep["not_accepted"] == rep["rows"] == 3_000
    assert sum(d["received"] for d in data["by_department"]) == rep["received"]
    assert data["sync"]["outbox"]["pending"] == 0 and data["sync"]["outbox"]["dead"] == 0


def test_out_keeps_data_receipts_and_report(small_out):
    data, folder = small_out
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["bao-cao.html", "giay-tiep-nhan", "ho-so.csv", "ho-so.parquet", "so-lieu.json"]
    table = pq.read_table(folder / "ho-so.parquet")
    assert table.num_rows == 3_000
    # The kept data gives the printed figures again, from CSV and from Parquet.
    for source in (folder / "ho-so.csv", folder / "ho-so.parquet"):
        figures = report(source, start=None, end=None).to_dict()
        assert figures["received"]["total"] == data["report"]["received"]
        assert figures["resolved"]["late"] == data["report"]["late"]
    # Every postal pickup of the synchronised week is in the data: one per postal dossier
    # submitted in the window.
    window = data["sync"]["window"]
    rows = table.to_pylist()
    submitted = [
        r
        for r in rows
        if r["KenhThucHien"] == 3
        and window["from"] <= r["NgayNopHoSo"].date().isoformat() <= window["to"]
    ]
    assert data["sync"]["postal"]["pickups"] == len(submitted)
    receipts = sorted((folder / "giay-tiep-nhan").iterdir())
    assert len(receipts) == data["receipts"]["drawn"] == 3
    signed = [p for p in receipts if p.name.endswith("-ky-so.pdf")]
    assert len(signed) == 1 and b"/ByteRange" in signed[0].read_bytes()
    assert all(p.read_bytes().startswith(b"%PDF-") for p in receipts)
    html = (folder / "bao-cao.html").read_text(encoding="utf-8")
    assert "<svg" in html and "<script" not in html and "Sở Tư pháp" in html
    kept = json.loads((folder / "so-lieu.json").read_text(encoding="utf-8"))
    assert kept["report"] == data["report"]


def test_the_same_seed_gives_the_same_figures(small_out, app, runner, tmp_path):
    first, _ = small_out
    again = runner.invoke(app, ["demo", "--small", "--seed", "3", "--json"])
    assert again.exit_code == 0, again.output
    second = json.loads(again.stdout)
    assert _stable(second) == _stable(first)
    # without --out or --workdir the run's files go with its temporary directory, except the
    # HTML report, kept as a file of its own
    page = Path(second["html"])
    try:
        text = page.read_text(encoding="utf-8")
        assert page.name.startswith("onestop-demo-") and page.suffix == ".html"
        assert "<svg" in text and "Sở Tư pháp" in text
    finally:
        page.unlink()


def test_small_text_is_vietnamese(app, runner, tmp_path):
    result = runner.invoke(app, ["demo", "--small", "--seed", "4", "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for label in ("Theo kênh tiếp nhận", "Trực tiếp", "Bưu chính công ích", "Trực tuyến"):
        assert label in out
    assert "Theo đơn vị" in out and "Sở Giao thông vận tải" in out
    assert "Tỷ lệ đúng hạn" in out and "Kiểm tra nhất quán: đạt" in out
    _no_english_values(out)
    assert (tmp_path / "bao-cao.html").is_file()  # the HTML report, kept with --workdir
    assert f"Báo cáo HTML: {tmp_path / 'bao-cao.html'}" in out


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--small", "--full"], "small"),
        (["--one-dossier", "--small"], "one_dossier"),
        (["--one-dossier", "--out", "{tmp}"], "one_dossier"),
        (["--out", "{file}"], "out"),
    ],
)
def test_bad_combinations_exit_2(app, runner, tmp_path, argv, field):
    afile = tmp_path / "a-file"
    afile.write_text("x", encoding="utf-8")
    argv = [a.format(tmp=tmp_path, file=afile) for a in argv]
    result = runner.invoke(app, ["demo", *argv, "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["field"]) == ("invalid_input", field)


def test_progress_bars_name_every_step_in_vietnamese(monkeypatch, capsys):
    import onestop.demo
    from onestop.cli._demo_centre import STEP_LABELS, run_with_progress

    def fake_run(*, progress, **kwargs):
        for step in onestop.demo.STEPS:
            progress(step, 0, 4)
            progress(step, 4, 4)
        return {"kwargs": kwargs}

    monkeypatch.setattr(onestop.demo, "run_centre", fake_run)
    assert run_with_progress(show=True, seed=1) == {"kwargs": {"seed": 1}}
    err = capsys.readouterr().err
    assert set(STEP_LABELS) == set(onestop.demo.STEPS)
    for label in STEP_LABELS.values():
        assert label in err
    assert err.count("4/4") == len(STEP_LABELS)


def test_every_flag_is_documented(app):
    doc = Path(__file__).resolve().parents[2] / "docs" / "demo.md"
    command = typer.main.get_command(app).commands["demo"]
    flags = {opt for p in command.params for opt in p.opts if opt.startswith("--")}
    table = doc.read_text(encoding="utf-8").split("## Flags", 1)[1]
    documented = set(re.findall(r"^\| `(--[a-z-]+)", table, re.M))
    assert flags - {"--help"} == documented


def test_a_failed_consistency_check_exits_1(app, runner, monkeypatch):
    import onestop.demo

    def broken_run(**kwargs):
        return {"report": {}, "checks": {"outbox_drained": True, "payments_settled": False}}

    monkeypatch.setattr(onestop.demo, "run_centre", broken_run)
    result = runner.invoke(app, ["demo", "--small", "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["report"] == {}
    assert data["error"]["code"] == "checks_failed"
    assert "payments_settled" in data["error"]["message"]
