"""The simulated centre end to end: data, report, receipts, portal, post office, payments.

:func:`run_centre` runs the steps a Public Administration Service Center's systems run over a
period, against the shipped fakes on loopback, and returns the figures as a JSON-ready dict.
Each step reports its progress through an optional callback (``progress(step, done, total)``)
so that a terminal, a notebook or a log can show it; nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from onestop.demo._catalogue import DEPARTMENTS, PROCEDURES
from onestop.demo._dossiers import EVENT_COLUMNS, OFFICER, DossierBuilder, procedure_of
from onestop.demo._generate import CHANNEL_MIX, SimulationSettings, simulate_records
from onestop.errors import InvalidInputError, OneStopError
from onestop.tz import VN_TZ

__all__ = ["MODES", "STEPS", "Mode", "Progress", "RunPlan", "run_centre"]

#: ``progress(step, done, total)``: ``step`` one of :data:`STEPS`.
Progress = Callable[[str, int, int], None]
Mode = Literal["default", "small", "full"]
#: The run modes: the default run, a small one (a few seconds), the full one.
MODES: tuple[Mode, ...] = ("default", "small", "full")
#: The steps of a run, in order.
STEPS: tuple[str, ...] = ("generate", "report", "receipts", "sync", "payments", "write")

_PROVINCE_NAME = "Tây Ninh"
#: Progress rows per ``CapNhatTienDoHoSoMC`` call (TD.DichVuCongApi sends 10).
_CHUNK = 10
_UNIT = "H53"
_EPOCH_MINUTE = np.datetime64("1970-01-01T00:00", "m")


@attrs.frozen(kw_only=True)
class RunPlan:
    """How much a run does.

    Attributes:
        settings: what to simulate (period, volume, rates).
        sync_days: the portal, postal and payment steps cover the dossiers with an event in
            the last ``sync_days`` days of the period (``None``: the whole period).
        receipts: how many receipts (form 01) to draw as PDF.
        signed: how many of them to sign with the test PKI.
        fault_rate: share of portal, postal and payment calls failed by the fakes.
        lost_callbacks: share of payments whose callback (IPN) never arrives.
    """

    settings: SimulationSettings = attrs.field(factory=SimulationSettings)
    sync_days: int | None = 7
    receipts: int = 12
    signed: int = 4
    fault_rate: float = 0.03
    lost_callbacks: float = 0.05

    @classmethod
    def for_mode(cls, mode: Mode) -> RunPlan:
        """The plan of ``onestop demo`` (``default``), ``--small`` and ``--full``."""
        if mode == "default":
            return cls()
        if mode == "small":
            return cls(settings=SimulationSettings(dossiers=3_000), receipts=3, signed=1)
        if mode == "full":
            return cls(sync_days=None, receipts=24, signed=6)
        raise InvalidInputError(
            f"mode: expected one of {', '.join(MODES)}, got {mode!r}", field="mode"
        )


class _Steps:
    """Progress reporting and timing of the steps."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}

    def tick(self, step: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(step, done, total)

    @contextmanager
    def step(self, name: str, total: int = 1) -> Iterator[None]:
        started = time.perf_counter()
        self.tick(name, 0, total)
        yield
        self.tick(name, total, total)
        self.seconds[name] = round(time.perf_counter() - started, 3)


def _local(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=VN_TZ)


def _report_figures(rep: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = rep.to_dict()
    received, resolved = data["received"], data["resolved"]
    overall = {
        "period": data["period"],
        "rows": data["rows_read"],
        "rows_rejected": data["rows_rejected"],
        "received": received["total"],
        "not_accepted": received["not_accepted"],
        "by_channel": {k: received["by_channel"][k] for k in ("direct", "postal", "online")},
        "channel_shares": {
            k: round(received["shares"][k], 4) for k in ("direct", "postal", "online")
        },
        "resolved": resolved["total"],
        "early": resolved["early"],
        "on_time": resolved["on_time"],
        "late": resolved["late"],
        "on_time_rate": round(resolved["on_time_rate"], 5),
        "returned": resolved["returned"],
        "mean_working_days": round(resolved["mean_working_days"], 2),
        "in_progress": data["in_progress"]["total"],
        "in_progress_overdue": data["in_progress"]["overdue"],
        "withdrawn_or_stopped": data["closed"],
        "online_payment_rate": data["online"].get("payment_rate"),
    }
    rows = rep.table.select(
        ["department", "received_total", "resolved_total", "resolved_late", "on_time_rate"]
    ).to_pylist()
    by_department = sorted(
        (
            {
                "department": r["department"],
                "received": r["received_total"],
                "resolved": r["resolved_total"],
                "late": r["resolved_late"],
                "on_time_rate": None if r["on_time_rate"] is None else round(r["on_time_rate"], 5),
            }
            for r in rows
        ),
        key=lambda r: (-r["received"], r["department"]),
    )
    return overall, by_department


def _minutes(column: pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """Minutes since the epoch of a timestamp column; missing values are a very large number."""
    values = column.to_numpy(zero_copy_only=False).astype("datetime64[m]")
    out: np.ndarray[Any, Any] = np.where(
        np.isnat(values), np.iinfo(np.int64).max, (values - _EPOCH_MINUTE).astype(np.int64)
    )
    return out


def _window_rows(table: pa.Table, first: dt.date, last: dt.date) -> np.ndarray[Any, Any]:
    """Rows with at least one event between ``first`` and ``last`` (both included)."""
    lo = int((np.datetime64(first, "m") - _EPOCH_MINUTE).astype(np.int64))
    hi = int((np.datetime64(last + dt.timedelta(days=1), "m") - _EPOCH_MINUTE).astype(np.int64))
    hit = np.zeros(table.num_rows, dtype=bool)
    for name in EVENT_COLUMNS:
        m = _minutes(table.column(name))
        hit |= (m >= lo) & (m < hi)
    rows: np.ndarray[Any, Any] = np.nonzero(hit)[0]
    return rows


def _sample(rng: np.random.Generator, candidates: np.ndarray[Any, Any], k: int) -> list[int]:
    if not candidates.size or k <= 0:
        return []
    picked = rng.choice(candidates, size=min(k, candidates.size), replace=False)
    return sorted(int(i) for i in picked)


def _receipts(
    builder: DossierBuilder,
    rows: Sequence[int],
    signed: int,
    folder: Path | None,
    steps: _Steps,
) -> dict[str, Any]:
    """Form 01 for ``rows`` (the dossier right after its receipt), the first ``signed`` signed."""
    from onestop.forms import FormSigner, Office, build_form, render_pdf
    from onestop.signatures import verify_pdf
    from onestop.testing import build_test_pki

    office = Office(
        agency_name=f"Trung tâm Phục vụ hành chính công tỉnh {_PROVINCE_NAME}",
        governing_body=f"Ủy ban nhân dân tỉnh {_PROVINCE_NAME}",
        desk_name=f"Trung tâm Phục vụ hành chính công tỉnh {_PROVINCE_NAME}",
        place=_PROVINCE_NAME,
        lookup_url="https://dichvucong.example.vn/tra-cuu?ma={code}",
    )
    pki = build_test_pki() if signed else None
    signer = (
        FormSigner(certificate=pki.signer.certificate, key=pki.signer.key, chain=pki.signer.chain)
        if pki is not None
        else None
    )
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    drawn, valid, files, appointments = 0, 0, [], []
    for n, i in enumerate(rows):
        row = builder.row(i)
        received = _local(row["NgayTiepNhan"])
        dossier = builder.dossier(i, as_of=received + dt.timedelta(seconds=1))
        record = build_form(
            "receipt",
            dossier,
            procedure=procedure_of(row["MaTTHC"]),
            office=office,
            officer=OFFICER,
        )
        sign = signer if n < signed else None
        pdf = render_pdf(record, sign=sign)
        drawn += 1
        if sign is not None and pki is not None:
            statuses = verify_pdf(pdf, trust=pki.trust_store())
            valid += int(bool(statuses) and all(s.valid for s in statuses))
        appointments.append(
            {"code": row["MaHoSo"], "due": dossier.due_at.isoformat() if dossier.due_at else None}
        )
        if folder is not None:
            name = f"giay-tiep-nhan-{row['MaHoSo'].replace('.', '_')}{'-ky-so' if sign else ''}.pdf"
            (folder / name).write_bytes(pdf)
            files.append(name)
        steps.tick("receipts", n + 1, len(rows))
    return {
        "drawn": drawn,
        "signed": min(signed, drawn),
        "signatures_valid": valid,
        "appointments": appointments,
        "files": files,
    }


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


def _sync(
    builder: DossierBuilder,
    rows: np.ndarray[Any, Any],
    first: dt.date,
    last: dt.date,
    workdir: Path,
    plan: RunPlan,
    seed: int,
    steps: _Steps,
) -> dict[str, Any]:
    """Synchronise the window day by day with the fake portal and the fake VNPost on loopback.

    Each day's new dossier states and postal orders go through the durable outbox; the day's
    progress rows follow in shared calls.
    """
    import anyio

    from onestop.connectors import (
        AdapterAuth,
        AsyncOutboxWorker,
        AsyncPortalClient,
        AsyncPostalClient,
        GatewayAuth,
        Outbox,
        RetryPolicy,
        progress_rows,
    )
    from onestop.connectors.outbox import OutboxPolicy
    from onestop.demo._services import FakeServices, FaultPlan
    from onestop.models import Channel
    from onestop.testing import make_postal_party

    postal_parties = [make_postal_party(seed=k) for k in range(1, 9)]
    agency_party = make_postal_party(seed=0)
    policy = OutboxPolicy(retry=RetryPolicy(attempts=12, initial_backoff=0.02, max_backoff=0.2))
    outbox = Outbox(workdir / "outbox.sqlite", policy=policy, synchronous="NORMAL")
    events = {int(i): builder.events(int(i)) for i in rows}
    by_day: dict[dt.date, list[int]] = {}
    for i, instants in events.items():
        for day in sorted({t.date() for t in instants if first <= t.date() <= last}):
            by_day.setdefault(day, []).append(i)
    days = _days(first, last)
    totals = dict.fromkeys(
        ("states", "progress_rows", "progress_calls", "progress_failed", "pickups", "deliveries"),
        0,
    )
    worker_totals = {"delivered": 0, "retried": 0, "dead": 0}
    orders: list[str] = []

    async def push(client: Any, chunk: list[Any], limiter: anyio.CapacityLimiter) -> None:
        async with limiter:
            for attempt in range(1, 4):
                try:
                    await client.push_progress(chunk, chunk_size=_CHUNK)
                except OneStopError:
                    if attempt == 3:
                        totals["progress_failed"] += len(chunk)
                    continue
                totals["progress_calls"] += 1
                return

    async def main(urls: Mapping[str, str]) -> None:
        # made inside the event loop: anyio 4.0 creates a limiter only from async code
        limiter = anyio.CapacityLimiter(8)
        retry = RetryPolicy(attempts=6, initial_backoff=0.02, max_backoff=0.2, total_timeout=30)
        async with (
            AsyncPortalClient(
                urls["portal"],
                auth=AdapterAuth("onestop", "onestop"),
                unit_code=_UNIT,
                retry=retry,
                timeout=5,
            ) as client,
            AsyncPostalClient(
                urls["postal"],
                auth=GatewayAuth("onestop-key", "onestop-secret"),
                customer_code="HCC-ONESTOP",
                agency=agency_party,
                retry=retry,
                timeout=5,
            ) as postal_client,
        ):
            worker = AsyncOutboxWorker(
                outbox, client, postal=postal_client, concurrency=8, poll_interval=0.01
            )
            for n, day in enumerate(days):
                end_of_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), VN_TZ)
                stamp = day.strftime("%Y%m%d")
                states, progress = [], []
                for i in by_day.get(day, []):
                    dossier = builder.dossier(i, as_of=end_of_day)
                    states.append(dossier)
                    progress += [
                        r for r in progress_rows(dossier) if r.handled_at.startswith(stamp)
                    ]
                    if dossier.channel is Channel.POSTAL:
                        party = postal_parties[i % len(postal_parties)]
                        row = builder.row(i)
                        if row["NgayNopHoSo"].date() == day:
                            order = postal_client.pickup_order(dossier, applicant=party)
                            outbox.enqueue_postal(
                                order, kind="pickup", dossier_code=str(dossier.code)
                            )
                            orders.append(order.order_number)
                            totals["pickups"] += 1
                        if row["NgayTra"] is not None and row["NgayTra"].date() == day:
                            order = postal_client.delivery_order(dossier, applicant=party)
                            outbox.enqueue_postal(
                                order, kind="delivery", dossier_code=str(dossier.code)
                            )
                            orders.append(order.order_number)
                            totals["deliveries"] += 1
                if states:
                    outbox.enqueue_many(states)
                    totals["states"] += len(states)
                report = await worker.run(stop_when="empty", max_seconds=120)
                for key in worker_totals:
                    worker_totals[key] += getattr(report, key)
                # Progress rows of several dossiers share a call (CapNhatTienDoHoSoMC takes
                # a list), once the day's states are at the portal.
                chunks = [progress[k : k + _CHUNK] for k in range(0, len(progress), _CHUNK)]
                async with anyio.create_task_group() as group:
                    for chunk in chunks:
                        group.start_soon(push, client, chunk, limiter)
                totals["progress_rows"] += len(progress)
                steps.tick("sync", n + 1, len(days))

    # The portal is down for a moment at the start, then fails now and then; so does VNPost.
    try:
        with FakeServices(FaultPlan(seed=seed, rate=plan.fault_rate)) as fakes:
            anyio.run(main, fakes.urls)
            held = fakes.state()
        stats = outbox.stats().to_dict()
        sent = outbox.postal_orders()
    finally:
        outbox.close()
    # The portal must hold each synchronised dossier in the state the centre ended with.
    last_day_end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), VN_TZ)
    mismatched = 0
    statuses = held["statuses"]
    synced = sorted({i for v in by_day.values() for i in v})
    for i in synced:
        source = builder.dossier(i, as_of=last_day_end)
        if statuses.get(str(source.code)) != str(source.status.code):
            mismatched += 1
    at_fake = [held["postal_creates"].get(number, 0) for number in orders]
    return {
        "window": {"from": first.isoformat(), "to": last.isoformat()},
        "dossiers": len(synced),
        "states_enqueued": totals["states"],
        "progress_rows": totals["progress_rows"],
        "progress_calls": totals["progress_calls"],
        "progress_rows_failed": totals["progress_failed"],
        "outbox": {k: stats[k] for k in ("pending", "in_flight", "retrying", "dead")},
        "portal": {
            "dossiers_held": len(statuses),
            "creates": sum(held["creates"].values()),
            "status_mismatches": mismatched,
        },
        "postal": {
            "orders": len(orders),
            "pickups": totals["pickups"],
            "deliveries": totals["deliveries"],
            "recorded": len(sent),
            "at_fake_exactly_once": all(c == 1 for c in at_fake),
        },
        # What the transport did depends on the timing of the concurrent deliveries (which
        # call a fault hits, how often a delivery whose answer was lost is repeated): the
        # same seed gives the same outcome above, not the same counts here.
        "transport": {
            "outbox_delivered": stats["delivered"],
            "worker": worker_totals,
            "portal_calls": dict(sorted(held["calls"].items())),
            "portal_updates": sum(held["updates"].values()),
            "portal_faults": dict(sorted(held["portal_faults"].items())),
            "postal_faults": dict(sorted(held["postal_faults"].items())),
        },
    }


def _payments(
    builder: DossierBuilder,
    rows: Sequence[int],
    workdir: Path,
    plan: RunPlan,
    seed: int,
    steps: _Steps,
) -> dict[str, Any]:
    """Online fees: INIT on the platform, the citizen pays, IPNs (some lost), reconciliation."""
    from onestop.connectors import PaymentClient, PaymentLedger, RetryPolicy
    from onestop.models import FeeItem, FeeKind, OnlinePaymentState
    from onestop.testing import FakePayment

    fake = FakePayment()
    rng = np.random.default_rng(seed + 7)
    lost = rng.random(len(rows)) < plan.lost_callbacks
    secret = "onestop-payment-secret"  # noqa: S105 - the fake's documented test secret
    opened: list[tuple[str, dt.datetime]] = []
    ledger = PaymentLedger(
        workdir / "payments.sqlite",
        partner_code=fake.partner_code,
        secret=secret,
        synchronous="NORMAL",
    )
    try:
        with (
            fake.serve() as server,
            PaymentClient(
                server.url,
                partner_code=fake.partner_code,
                secret=secret,
                retry=RetryPolicy(attempts=4, initial_backoff=0.02, max_backoff=0.1),
                timeout=5,
            ) as client,
        ):
            for n, i in enumerate(rows):
                row = builder.row(i)
                received = _local(row["NgayTiepNhan"])
                dossier = builder.dossier(i, as_of=received + dt.timedelta(seconds=1))
                fees = (FeeItem(name="Phí, lệ phí", amount=row["phi"], kind=FeeKind.FEE),)
                payment, _ = client.begin_payment(ledger, dossier, fees=fees, at=received)
                fake.pay(payment.reference, notify=not lost[n])
                opened.append((payment.reference, received))
                steps.tick("payments", n + 1, len(rows) + 1)
            deliveries = fake.deliver_ipns(ledger.handle_ipn)
            by_ipn = sum(1 for d in deliveries if d.acknowledged)
            latest = max((t for _, t in opened), default=None)
            reconciled = (
                client.reconcile(
                    ledger,
                    older_than=dt.timedelta(minutes=30),
                    not_older_than=dt.timedelta(days=400),
                    now=latest + dt.timedelta(hours=1),
                ).to_dict()
                if latest is not None
                else {}
            )
        held = [ledger.payment(ref) for ref, _ in opened]
        states = [p.state for p in held if p is not None]
    finally:
        ledger.close()
    return {
        "opened": len(opened),
        "amount_vnd": int(sum(builder.row(i)["phi"] for i in rows)),
        "settled_by_callback": by_ipn,
        "callbacks_lost": int(lost.sum()),
        "reconciliation": reconciled,
        "succeeded": sum(1 for s in states if s is OnlinePaymentState.SUCCEEDED),
        "pending": sum(1 for s in states if s is OnlinePaymentState.PENDING),
    }


def _write(table: pa.Table, rep: Any, folder: Path, summary: Mapping[str, Any]) -> dict[str, str]:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "csv": folder / "ho-so.csv",
        "parquet": folder / "ho-so.parquet",
        "html": folder / "bao-cao.html",
        "json": folder / "so-lieu.json",
    }
    pacsv.write_csv(table, paths["csv"])
    pq.write_table(table, paths["parquet"], compression="zstd")
    paths["html"].write_text(rep.to_html(title=summary["centre"]), encoding="utf-8")
    paths["json"].write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return {k: str(v) for k, v in paths.items()}


def run_centre(
    *,
    seed: int = 2022,
    mode: Mode = "default",
    workdir: str | Path,
    out: str | Path | None = None,
    plan: RunPlan | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Simulate the centre over the period and run every step; the figures as a dict.

    Steps (:data:`STEPS`): draw the dossiers (:func:`simulate_records`); the report by channel
    and by department (:func:`onestop.reports.report` on the stored appointments, the bulk
    deadline kernel filling any gap); receipts (form 01, :func:`onestop.forms.build_form`) for
    a sample, some signed with a throwaway test PKI and verified; the dossiers of the last days
    (or all, ``mode="full"``) synchronised day by day through the durable outbox to
    :class:`~onestop.testing.FakePortal` on loopback with injected faults, their postal orders
    to :class:`~onestop.testing.FakePostal`; their online fees paid through
    :class:`~onestop.testing.FakePayment` (some callbacks lost, settled by the reconciliation);
    the HTML report; with ``out``, the data (CSV, Parquet), the receipts (PDF), the HTML report
    and the figures (JSON) written there.

    Args:
        seed: the seed; the same seed gives the same data and the same figures.
        mode: ``"default"``, ``"small"`` (3,000 dossiers) or ``"full"`` (every dossier to the
            portal, the post office and the payment platform).
        workdir: a directory for the outbox and the payment ledger.
        out: a directory to keep the data, receipts and report in (``None``: nothing kept).
        plan: overrides the mode's :class:`RunPlan`.
        progress: called as ``progress(step, done, total)`` while the steps run.

    Returns:
        A dict with ``seed``, ``mode``, ``simulated``, ``report``, ``by_department``,
        ``receipts``, ``sync``, ``payments``, ``checks``, ``out`` (the files kept),
        ``html`` (the HTML report: in ``out``, else in ``workdir``) and ``seconds`` (the
        durations of the steps; with the paths, all that differs between runs with the same
        seed).

    Raises:
        InvalidInputError: an unknown mode or a seed below 0.
    """
    from onestop.reports import report
    from onestop.testing import make_dossier

    given: object = seed
    if isinstance(given, bool) or not isinstance(given, int) or seed < 0:
        raise InvalidInputError(f"seed: expected an integer >= 0, got {seed!r}", field="seed")
    plan = plan or RunPlan.for_mode(mode)
    s = plan.settings
    workdir = Path(workdir)
    folder = Path(out) if out is not None else None
    steps = _Steps(progress)

    with steps.step("generate"):
        table = simulate_records(s, seed=seed)
    with steps.step("report"):
        rep = report(table, start=s.start, end=s.end, by=("department",), due="stored")
        overall, by_department = _report_figures(rep)
    channel = table.column("KenhThucHien")
    status = table.column("TrangThaiHoSo")
    counts = {
        "dossiers": table.num_rows,
        "departments": len(DEPARTMENTS),
        "procedures": len(PROCEDURES),
        "target_channel_mix": dict(CHANNEL_MIX),
        "supplement_requests": table.num_rows - table.column("ngay_yeu_cau_bo_sung").null_count,
        "extensions": table.num_rows - table.column("ngay_gia_han").null_count,
        "refused": int(pc.sum(pc.equal(status, 3)).as_py() or 0),
        "postal": int(pc.sum(pc.equal(channel, 3)).as_py() or 0),
    }
    applicants = tuple(make_dossier(seed=k).applicant for k in range(16))
    rng = np.random.default_rng(seed + 1)
    if plan.sync_days is None:
        first = s.start
    else:
        first = max(s.start, s.end - dt.timedelta(days=plan.sync_days - 1))
    window = _window_rows(table, first, s.end)
    builder = DossierBuilder(table.take(pa.array(window)), applicants, province=s.province)
    local = np.arange(window.size)
    accepted = local[np.asarray(status.take(pa.array(window)).to_numpy()) != 3]
    received_in = _minutes(table.column("NgayTiepNhan").take(pa.array(window)))
    lo = int((np.datetime64(first, "m") - _EPOCH_MINUTE).astype(np.int64))
    fresh = accepted[received_in[accepted] >= lo]

    with steps.step("receipts", plan.receipts):
        receipts = _receipts(
            builder,
            _sample(rng, fresh, plan.receipts),
            plan.signed,
            folder / "giay-tiep-nhan" if folder is not None else None,
            steps,
        )
    with steps.step("sync", (s.end - first).days + 1):
        sync = _sync(builder, local, first, s.end, workdir, plan, seed, steps)
    paid = np.asarray(table.column("DuocThanhToanTrucTuyen").take(pa.array(window)).to_numpy())
    pay_rows = [int(i) for i in fresh if paid[i] == 1]
    with steps.step("payments", len(pay_rows) + 1):
        payments = _payments(builder, pay_rows, workdir, plan, seed, steps)

    checks = {
        "report_rows_equal_generated": overall["rows"] == table.num_rows,
        "received_plus_refused_equal_generated": (
            overall["received"] + overall["not_accepted"] == table.num_rows
        ),
        "departments_add_up": sum(d["received"] for d in by_department) == overall["received"],
        "outbox_drained": sync["outbox"]["pending"] == 0
        and sync["outbox"]["in_flight"] == 0
        and sync["outbox"]["dead"] == 0,
        "portal_holds_every_synced_dossier": sync["portal"]["dossiers_held"] == sync["dossiers"]
        and sync["portal"]["status_mismatches"] == 0,
        "postal_orders_once_each": sync["postal"]["at_fake_exactly_once"]
        and sync["postal"]["recorded"] == sync["postal"]["orders"],
        "payments_settled": payments["pending"] == 0,
        "progress_rows_delivered": sync["progress_rows_failed"] == 0,
        "signatures_valid": receipts["signatures_valid"] == receipts["signed"],
    }
    result: dict[str, Any] = {
        "seed": seed,
        "mode": mode,
        "centre": f"Trung tâm Phục vụ hành chính công tỉnh {_PROVINCE_NAME} (mô phỏng)",
        "simulated": counts,
        "report": overall,
        "by_department": by_department,
        "receipts": receipts,
        "sync": sync,
        "payments": payments,
        "checks": checks,
        "out": None,
        "html": None,
        "seconds": steps.seconds,
    }
    with steps.step("write"):
        if folder is not None:
            result["out"] = _write(table, rep, folder, result)
            result["html"] = result["out"]["html"]
        else:
            page = workdir / "bao-cao.html"
            page.write_text(rep.to_html(title=result["centre"]), encoding="utf-8")
            result["html"] = str(page)
    return result
