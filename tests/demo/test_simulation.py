"""onestop.demo: the simulated centre's data (seeded, on the 2022 calendar) and its run."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow.compute as pc
import pytest

from onestop.deadlines import civil_service_calendar, compute_due
from onestop.demo import (
    CHANNEL_MIX,
    DEPARTMENTS,
    STEPS,
    DossierBuilder,
    SimulationSettings,
    run_centre,
    simulate_records,
)
from onestop.errors import InvalidInputError
from onestop.models import ProcessingTime
from onestop.reports import report
from onestop.testing import make_dossier
from onestop.tz import VN_TZ

SMALL = SimulationSettings(dossiers=2_000)


@pytest.fixture(scope="module")
def province():
    """The default simulation: about 90,000 dossiers, January-July 2022."""
    return simulate_records(seed=2022)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    calls = []
    result = run_centre(
        seed=11,
        mode="small",
        workdir=tmp_path_factory.mktemp("work"),
        progress=lambda step, done, total: calls.append((step, done, total)),
    )
    return result, calls


def _local(value):
    return value.replace(tzinfo=VN_TZ)


def test_the_same_seed_gives_the_same_table_and_another_seed_another():
    first = simulate_records(SMALL, seed=5)
    assert first.equals(simulate_records(SMALL, seed=5))
    assert not first.equals(simulate_records(SMALL, seed=6))


def test_the_defaults_give_the_seed_provinces_order_of_magnitude(province):
    figures = report(province, start=dt.date(2022, 1, 1), end=dt.date(2022, 7, 31)).to_dict()
    assert province.num_rows == 90_000
    assert 88_000 <= figures["received"]["total"] <= 90_000
    shares = figures["received"]["shares"]
    for channel, target in CHANNEL_MIX.items():
        assert abs(shares[channel] - target) < 0.01, channel
    resolved = figures["resolved"]
    assert 80_000 <= resolved["total"] <= 88_000
    assert resolved["on_time_rate"] > 0.99
    assert 100 <= resolved["late"] <= 500  # a few hundred late dossiers
    departments = set(province.column("DonViXuLy").to_pylist())
    assert departments == {d.name for d in DEPARTMENTS} and len(departments) == 17


def test_dossiers_are_received_on_working_days_only(province):
    days = pc.cast(province.column("NgayTiepNhan"), "date32").drop_null().to_pylist()
    calendar = civil_service_calendar()
    distinct = set(days)
    assert all(calendar.is_working_day(d) for d in distinct)
    # Tết Nhâm Dần: 31/01-04/02/2022 off, and 03/01/2022 for New Year's Day.
    tet = {dt.date(2022, 1, 31) + dt.timedelta(days=k) for k in range(5)}
    assert not distinct & (tet | {dt.date(2022, 1, 3)})
    assert dt.date(2022, 2, 7) in distinct


def test_stored_due_dates_are_the_engines(province):
    """Bulk-drawn appointments equal the scalar engine's, before and after a supplement."""
    rows = province.slice(0, 30_000).to_pylist()
    plain = [r for r in rows if r["NgayTiepNhan"] and not r["ngay_nhan_bo_sung"]]
    plain = [r for r in plain if not r["ngay_gia_han"]][::97]
    restarted = [r for r in rows if r["ngay_nhan_bo_sung"] and not r["ngay_gia_han"]][::7]
    assert len(plain) > 200 and len(restarted) > 50
    for r, start in [(r, r["NgayTiepNhan"]) for r in plain] + [
        (r, r["ngay_nhan_bo_sung"]) for r in restarted
    ]:
        due = compute_due(_local(start), ProcessingTime.working_days(r["so_ngay_xu_ly"])).due_at
        assert due == _local(r["NgayHenTra"]), r["MaHoSo"]


def test_extensions_move_the_appointment_later(province):
    rows = [r for r in province.slice(0, 40_000).to_pylist() if r["ngay_gia_han"]]
    assert rows
    assert all(r["NgayHenTra"] > r["han_ban_dau"] for r in rows)
    # the apology letter goes out before the appointment it replaces
    plain = [r for r in rows if not r["ngay_nhan_bo_sung"]]
    assert plain and all(r["ngay_gia_han"] < r["han_ban_dau"] for r in plain)


def test_domain_dossiers_reach_the_tables_status_and_appointment(province):
    sample = province.take(np.arange(0, province.num_rows, 157))
    builder = DossierBuilder(sample, (make_dossier(seed=1).applicant,))
    statuses = sample.column("TrangThaiHoSo").to_pylist()
    for i in range(sample.num_rows):
        dossier = builder.dossier(i)
        row = builder.row(i)
        assert dossier.status.code == statuses[i], row["MaHoSo"]
        if row["NgayHenTra"] is not None and statuses[i] not in (3, 5, 7):
            assert dossier.due_at == _local(row["NgayHenTra"]), row["MaHoSo"]


def test_a_dossier_before_an_instant_has_only_the_earlier_events(province):
    rows = province.slice(0, 5_000).to_pylist()
    i = next(k for k, r in enumerate(rows) if r["TrangThaiHoSo"] == 10 and r["ngay_nhan_bo_sung"])
    builder = DossierBuilder(province.slice(0, 5_000), (make_dossier(seed=1).applicant,))
    back = _local(rows[i]["ngay_nhan_bo_sung"])
    assert builder.dossier(i, as_of=back).status.code == 5  # waiting for the supplement
    assert builder.dossier(i, as_of=back + dt.timedelta(seconds=1)).status.code == 4


def test_bad_settings_are_refused():
    with pytest.raises(InvalidInputError) as info:
        SimulationSettings(start=dt.date(2022, 7, 1), end=dt.date(2022, 6, 1))
    assert info.value.field == "end"
    with pytest.raises(InvalidInputError):
        SimulationSettings(dossiers=0)
    with pytest.raises(InvalidInputError) as info:
        run_centre(seed=-1, workdir="unused")
    assert info.value.field == "seed"


def test_a_small_run_adds_up(small_run):
    result, _ = small_run
    rep, sync = result["report"], result["sync"]
    assert all(result["checks"].values()), result["checks"]
    assert rep["rows"] == result["simulated"]["dossiers"] == 3_000
    assert rep["received"] + rep["not_accepted"] == 3_000
    assert sum(rep["by_channel"].values()) == rep["received"]
    for channel, target in CHANNEL_MIX.items():
        assert abs(rep["channel_shares"][channel] - target) < 0.03, channel
    assert sum(d["received"] for d in result["by_department"]) == rep["received"]
    assert sum(d["late"] for d in result["by_department"]) == rep["late"]
    assert sync["outbox"] == {"pending": 0, "in_flight": 0, "retrying": 0, "dead": 0}
    assert sync["portal"]["dossiers_held"] == sync["dossiers"] > 100
    assert sync["portal"]["creates"] == sync["dossiers"]  # never created twice
    assert sync["portal"]["status_mismatches"] == 0
    assert sum(sync["transport"]["portal_faults"].values()) > 0  # faults were injected
    postal = sync["postal"]
    assert postal["orders"] == postal["pickups"] + postal["deliveries"] == postal["recorded"]
    assert postal["at_fake_exactly_once"]
    pay = result["payments"]
    assert pay["succeeded"] == pay["opened"] > 0 and pay["pending"] == 0
    assert pay["settled_by_callback"] + pay["reconciliation"]["settled"] == pay["opened"]
    receipts = result["receipts"]
    assert (receipts["drawn"], receipts["signed"], receipts["signatures_valid"]) == (3, 1, 1)


def test_a_run_reports_the_progress_of_every_step(small_run):
    _, calls = small_run
    steps = list(dict.fromkeys(step for step, _, _ in calls))
    assert steps == list(STEPS)
    for step in STEPS:
        done, total = next((d, t) for s, d, t in reversed(calls) if s == step)
        assert done == total
    sync_ticks = [d for s, d, _ in calls if s == "sync"]
    assert len(sync_ticks) > 3 and sync_ticks == sorted(sync_ticks)


def test_the_last_event_day_gives_the_final_state(province):
    """What is synchronised day by day ends in the dossier's final state: every state change
    (a refusal a few minutes after a submission just before midnight included) is an event."""
    status = province.column("TrangThaiHoSo").to_numpy()
    rows = np.nonzero(status != 10)[0]  # every dossier not simply returned
    rows = np.concatenate([rows, np.arange(0, province.num_rows, 997)])
    sample = province.take(rows)
    builder = DossierBuilder(sample, (make_dossier(seed=1).applicant,))
    for i in range(sample.num_rows):
        last = builder.events(i)[-1]
        end_of_day = dt.datetime.combine(last.date() + dt.timedelta(days=1), dt.time(), VN_TZ)
        assert builder.dossier(i, as_of=end_of_day) == builder.dossier(i), builder.row(i)["MaHoSo"]
