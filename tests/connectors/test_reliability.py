"""Reliability: 10,000 status changes through the outbox to a faulty loopback portal, with the
worker process killed (SIGKILL) at random moments and restarted.

At the end the fake portal must hold each dossier's final state exactly as in the source, no
dossier may have been created twice (the fake *accepts* duplicate creates here, so only the
client's look-up-before-create prevents them), nothing may be pending and the dead-letter queue
must be empty. Every loop is bounded in count and time.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import threading
import time

import pytest

from onestop.connectors import HoSoRecord
from onestop.connectors.outbox import Outbox
from onestop.models import TRANSITIONS, DossierStatus
from onestop.testing import FakePortal

pytestmark = pytest.mark.slow

N_DOSSIERS = 1_000
N_CHANGES = 10_000
N_KILLS = 6
FAULT_RATE = 0.2

WORKER = r"""
import sys
import anyio
from onestop.connectors import RetryPolicy
from onestop.connectors.auth import AdapterAuth
from onestop.connectors.outbox import AsyncOutboxWorker, Outbox, OutboxPolicy
from onestop.connectors.portal import AsyncPortalClient

db, url, stop_when = sys.argv[1:4]

async def main():
    policy = OutboxPolicy(
        retry=RetryPolicy(attempts=25, initial_backoff=0.01, max_backoff=0.1), lease_seconds=60
    )
    retry = RetryPolicy(attempts=3, initial_backoff=0.01, max_backoff=0.05, total_timeout=5)
    with Outbox(db, policy=policy, synchronous="NORMAL") as box:
        async with AsyncPortalClient(
            url, auth=AdapterAuth("onestop", "onestop"), unit_code="H56", timeout=0.3,
            retry=retry, max_connections=16,
        ) as client:
            worker = AsyncOutboxWorker(box, client, concurrency=16, poll_interval=0.05)
            print("ready", flush=True)
            await worker.run(stop_when=stop_when, max_seconds=90)

anyio.run(main)
"""


def _changes(rng: random.Random) -> list[tuple[str, str]]:
    """10,000 legal status changes spread over 1,000 dossiers: (code, status code)."""
    status: dict[str, DossierStatus] = {}
    changes: list[tuple[str, str]] = []
    codes = [f"H56.14-261101-{i:04d}" for i in range(N_DOSSIERS)]
    initial = [DossierStatus.NEW, DossierStatus.RECEIVED]  # online or postal, counter
    for code in codes:
        status[code] = rng.choice(initial)
        changes.append((code, str(status[code].code)))
    active = list(codes)
    cyclic = {DossierStatus.RECEIVED, DossierStatus.PROCESSING}
    cyclic |= {DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.FINANCIAL_OBLIGATION}
    while len(changes) < N_CHANGES and active:
        i = rng.randrange(len(active))
        code = active[i]
        successors = sorted(TRANSITIONS[status[code]], key=lambda s: s.code)
        preferred = [s for s in successors if s in cyclic]
        nxt = rng.choice(preferred if preferred and rng.random() < 0.93 else successors)
        status[code] = nxt
        changes.append((code, str(nxt.code)))
        if not TRANSITIONS[nxt]:
            active[i] = active[-1]
            active.pop()
    assert len(changes) == N_CHANGES
    return changes


def _record(code: str, status: str) -> HoSoRecord:
    return HoSoRecord(
        MaHoSo=code,
        MaTTHC="1.001193",
        TenTTHC="Đăng ký khai sinh",
        TrangThaiHoSo=status,
        NgayNopHoSo="20261101080000",
    )


def _is_subsequence(seen: list[str], source: list[str]) -> bool:
    it = iter(source)
    return all(any(s == x for x in it) for s in seen)


def _dedupe(seq: list[str]) -> list[str]:
    return [s for i, s in enumerate(seq) if i == 0 or seq[i - 1] != s]


def test_outbox_survives_faults_and_sigkill(tmp_path):
    rng = random.Random(20261128)
    changes = _changes(rng)
    final: dict[str, str] = {}
    per_dossier: dict[str, list[str]] = {}
    for code, st in changes:
        final[code] = st
        per_dossier.setdefault(code, []).append(st)

    portal = FakePortal(duplicate_policy="accept", seed=7)
    portal.hang_seconds = 0.6
    portal.set_fault_rate(FAULT_RATE, kinds=("5xx", "timeout", "drop"), seed=7)
    db = str(tmp_path / "outbox.sqlite")
    deadline = time.monotonic() + 150

    with portal.serve() as server, Outbox(db, synchronous="NORMAL") as box:

        def produce() -> None:
            for start in range(0, N_CHANGES, 250):
                batch = changes[start : start + 250]
                box.enqueue_many([_record(code, st) for code, st in batch])
                time.sleep(0.05)

        producer = threading.Thread(target=produce)
        producer.start()

        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        kills = 0
        for _ in range(N_KILLS):
            assert time.monotonic() < deadline
            proc = subprocess.Popen(
                [sys.executable, "-c", WORKER, db, server.url, "never"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            assert proc.stdout is not None
            ready, _, _ = select.select([proc.stdout], [], [], 30)
            assert ready, "worker did not start within 30 s"
            assert proc.stdout.readline().strip() == b"ready"
            time.sleep(rng.uniform(0.3, 1.5))  # kill at a random moment of its work
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=10)
            proc.stdout.close()
        producer.join(timeout=60)
        assert not producer.is_alive()
        assert kills == N_KILLS

        final_run = subprocess.run(
            [sys.executable, "-c", WORKER, db, server.url, "empty"],
            env=env,
            capture_output=True,
            text=True,
            timeout=max(10.0, deadline - time.monotonic()),
            check=False,
        )
        assert final_run.returncode == 0, final_run.stderr[-2000:]
        stats = box.stats()
        dead = box.dead_letters()

    assert stats.pending == 0
    assert stats.in_flight == 0
    assert stats.dead == 0
    assert dead == []
    assert sum(portal.faults_injected.values()) > 100
    assert set(portal.dossier_codes()) == set(final)
    held = {c: portal.dossier(c) for c in final}
    wrong = [c for c, st in final.items() if held[c] is None or held[c].status != st]
    assert wrong == []
    created_twice = [c for c, n in portal.creates.items() if n != 1]
    assert created_twice == []
    out_of_order = [
        c
        for c, seen in portal.status_history.items()
        if not _is_subsequence(_dedupe(seen), per_dossier[c])
    ]
    assert out_of_order == []
