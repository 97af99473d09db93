"""The durable outbox: durability, order per dossier, coalescing, retries, dead letters, leases."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import anyio
import pytest

from onestop.connectors import (
    AdapterAuth,
    AsyncOutboxWorker,
    AsyncPortalClient,
    DossierRecord,
    Outbox,
    OutboxWorker,
    PortalClient,
    ProgressRecord,
    RetryPolicy,
    set_testing,
)
from onestop.connectors.outbox import OutboxPolicy
from onestop.errors import (
    InvalidInputError,
    NotFoundError,
    OutboxError,
    ServerError,
    UnexpectedResponseError,
)
from onestop.testing import make_dossier


class Clock:
    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def rec(code, status="2"):
    return DossierRecord(MaHoSo=code, TrangThaiHoSo=status)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def box(tmp_path, clock):
    policy = OutboxPolicy(max_attempts=3, initial_backoff=10, max_backoff=100, lease_seconds=60)
    with Outbox(tmp_path / "o.sqlite", policy=policy, clock=clock) as outbox:
        yield outbox


def test_file_is_wal_and_survives_reopen(tmp_path):
    path = tmp_path / "sub" / "o.sqlite"
    with Outbox(path) as outbox:
        outbox.enqueue(rec("A"))
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert path.stat().st_mode & 0o777 == 0o600  # personal data: owner only
    with Outbox(path) as again:
        assert again.stats().pending == 1
        [entry] = again.claim(10, owner=again.new_owner())
        assert entry.record() == rec("A")


def test_not_an_outbox_is_reported(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(OutboxError) as info:
        Outbox(bad)
    assert info.value.field == "path"
    db = sqlite3.connect(tmp_path / "old.sqlite")
    db.execute("CREATE TABLE outbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO outbox_meta VALUES ('schema_version', '0')")
    db.commit()
    db.close()
    with pytest.raises(OutboxError):
        Outbox(tmp_path / "old.sqlite")


def test_coalesces_waiting_states_to_the_latest(box):
    first = box.enqueue(rec("A", "1"))
    assert box.enqueue(rec("A", "2")) == first
    assert box.enqueue(rec("A", "4")) == first
    assert box.stats().pending == 1
    [entry] = box.claim(10, owner="w")
    assert entry.record().status == "4"
    # While in flight, a new state waits in a new entry (the sent one is not altered).
    second = box.enqueue(rec("A", "9"))
    assert second != first
    assert box.stats().pending == 1
    assert box.stats().in_flight == 1


def test_order_per_dossier_and_parallel_dossiers(box):
    box.enqueue(rec("A", "2"))
    box.enqueue_progress([ProgressRecord(MaHoSo="A", ThoiDiemXuLy="20261128080000", TrangThai="2")])
    box.enqueue(rec("A", "4"))  # after the progress entry: not merged into the first state
    box.enqueue(rec("B", "2"))
    assert box.stats().pending == 4
    claimed = box.claim(10, owner="w")
    assert [(e.dossier_code, e.kind) for e in claimed] == [("A", "dossier"), ("B", "dossier")]
    assert box.claim(10, owner="w") == []  # A's next entry waits for A's first
    for entry in claimed:
        box.complete(entry)
    [progress] = box.claim(10, owner="w")
    assert progress.kind == "progress"
    assert progress.progress_rows()[0].status == "2"
    box.complete(progress)
    [last] = box.claim(10, owner="w")
    assert last.record().status == "4"
    assert last.known_to_exist  # A was confirmed before
    box.complete(last)
    assert box.stats().delivered == 4


def test_retry_backoff_then_dead_letter(box, clock):
    box.enqueue(rec("A"))
    [entry] = box.claim(1, owner="w")
    assert box.fail(entry, ServerError("HTTP 503", status_code=503)) == "retry"
    assert box.claim(1, owner="w") == []  # waiting for the backoff
    assert (box.stats().pending, box.stats().retrying, box.stats().failed) == (1, 1, 1)
    due = box.next_due_in()
    assert 5 <= due <= 15  # 10 s * (0.5 + jitter)
    clock.now += due
    [entry] = box.claim(1, owner="w")
    assert entry.attempts == 2
    assert box.fail(entry, ServerError("HTTP 503", status_code=503)) == "retry"
    clock.now += 100
    [entry] = box.claim(1, owner="w")
    assert box.fail(entry, ServerError("HTTP 503", status_code=503)) == "dead"
    stats = box.stats()
    assert (stats.pending, stats.in_flight, stats.dead) == (0, 0, 1)
    [letter] = box.dead_letters()
    assert letter.attempts == 3
    assert letter.reason.startswith("server_error: HTTP 503")
    assert box.requeue_dead() == 1
    assert box.claim(1, owner="w")[0].attempts == 1


@pytest.mark.parametrize(
    "error",
    [
        UnexpectedResponseError("bad body"),
        NotFoundError("HTTP 404", status_code=404),
        InvalidInputError("bad data", field="x"),
    ],
)
def test_errors_that_retrying_cannot_fix_go_to_dead_letters_at_once(box, error):
    box.enqueue(rec("A"))
    [entry] = box.claim(1, owner="w")
    assert box.fail(entry, error) == "dead"
    assert box.dead_letters()[0].reason.startswith(error.code)


def test_dead_letter_does_not_block_newer_states(box):
    box.enqueue(rec("A", "2"))
    [entry] = box.claim(1, owner="w")
    box.fail(entry, UnexpectedResponseError("bad"))
    box.enqueue(rec("A", "4"))
    [entry] = box.claim(1, owner="w")
    assert entry.record().status == "4"


def test_requeue_drops_states_older_than_a_delivered_one(box):
    box.enqueue(rec("A", "2"))
    [old] = box.claim(1, owner="w")
    box.fail(old, UnexpectedResponseError("bad"))
    box.enqueue(rec("A", "4"))
    box.enqueue(rec("B", "2"))
    [newer, other] = box.claim(5, owner="w")
    box.fail(other, UnexpectedResponseError("bad"))
    box.complete(newer)
    assert {d.dossier_code for d in box.dead_letters()} == {"A", "B"}
    assert box.requeue_dead() == 1  # B's state; A's old state would regress the portal
    assert box.dead_letters() == []
    [again] = box.claim(5, owner="w")
    assert again.dossier_code == "B"


def test_stats_age_of_oldest(box, clock):
    assert box.stats().oldest_age is None
    box.enqueue(rec("A"))
    clock.now += 42
    box.enqueue(rec("B"))
    assert box.stats().oldest_age == pytest.approx(42)
    assert box.stats().to_dict() == {
        "pending": 2,
        "in_flight": 0,
        "retrying": 0,
        "dead": 0,
        "failed": 0,
        "delivered": 0,
        "oldest_age_seconds": 42.0,
    }


def test_lease_expiry_recovers_an_entry(box, clock):
    box.enqueue(rec("A"))
    [entry] = box.claim(1, owner="other-host:1:abcd")
    assert box.claim(1, owner="w") == []
    clock.now += 61
    [again] = box.claim(1, owner="w")
    assert again.id == entry.id
    assert again.attempts == 2
    # The first worker comes back late: its outcome no longer touches the entry.
    box.fail(entry, ServerError("late", status_code=503))
    box.complete(entry)
    assert (box.stats().in_flight, box.stats().delivered) == (1, 0)
    box.complete(again)
    assert (box.stats().in_flight, box.stats().delivered) == (0, 1)


def test_dead_worker_on_this_host_is_recovered_at_once(box, clock):
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(proc.stdout)
    owner = Outbox.new_owner().rsplit(":", 2)[0] + f":{dead_pid}:dead"
    box.enqueue(rec("A"))
    box.claim(1, owner=owner)
    clock.now += 1.5  # a running worker notices within a second, lease or not
    [taken] = box.claim(1, owner="running-worker")
    assert taken.attempts == 2
    box.fail(taken, NotFoundError("gone", status_code=404))
    box.requeue_dead()
    box.claim(1, owner=owner)
    assert box.recover() == 1
    assert box.stats().pending == 1
    live = box.new_owner()
    box.claim(1, owner=live)
    assert box.recover() == 0  # our own process is alive: its lease stands


def test_enqueue_domain_dossier_keeps_the_source(box):
    dossier = make_dossier(seed=4)
    entry_id = box.enqueue(dossier)
    [entry] = box.claim(1, owner="w")
    assert entry.record().code == str(dossier.code)
    assert box.source(entry_id) == dossier.model_dump_json()
    with pytest.raises(InvalidInputError):
        box.enqueue_progress([])


def _client(portal):
    return PortalClient(
        "https://a.example",
        auth=AdapterAuth("onestop", "onestop"),
        unit_code="H56",
        transport=portal.transport(),
    )


def test_sync_worker_drains_through_faults(tmp_path, fake_portal):
    fake_portal.set_fault_rate(0.3, seed=3)
    with Outbox(tmp_path / "o.sqlite") as outbox:
        outbox.enqueue_many([rec(f"D-{i}", "2") for i in range(30)])
        outbox.enqueue_many([rec(f"D-{i}", "4") for i in range(0, 30, 3)])
        report = OutboxWorker(outbox, _client(fake_portal)).run(stop_when="empty", max_seconds=30)
        stats = outbox.stats()
    assert (stats.pending, stats.in_flight, stats.dead) == (0, 0, 0)
    assert report.delivered == stats.delivered
    assert sum(fake_portal.faults_injected.values()) > 0
    assert all(
        fake_portal.dossier(f"D-{i}").status == ("4" if i % 3 == 0 else "2") for i in range(30)
    )
    assert set(fake_portal.creates.values()) == {1}


def test_async_worker_drains_concurrently(tmp_path, fake_portal):
    fake_portal.set_fault_rate(0.2, seed=5)
    with Outbox(tmp_path / "o.sqlite") as outbox:
        outbox.enqueue_many([rec(f"D-{i}") for i in range(60)])

        async def main():
            async with AsyncPortalClient(
                "https://a.example",
                auth=AdapterAuth("onestop", "onestop"),
                unit_code="H56",
                transport=fake_portal.async_transport(),
            ) as client:
                worker = AsyncOutboxWorker(outbox, client, concurrency=8, poll_interval=0.01)
                return await worker.run(stop_when="empty", max_seconds=30)

        report = anyio.run(main)
        assert outbox.stats().pending == 0
    assert report.delivered == 60
    assert len(fake_portal.dossier_codes()) == 60


def test_worker_idle_mode_leaves_backoff_entries(tmp_path, fake_portal):
    set_testing(False)  # real backoff for the outbox: the entry must wait
    policy = OutboxPolicy(initial_backoff=60)
    with Outbox(tmp_path / "o.sqlite", policy=policy) as outbox:
        outbox.enqueue(rec("A"))
        fake_portal.fail_next(100)
        client = PortalClient(
            "https://a.example",
            auth=AdapterAuth("onestop", "onestop"),
            unit_code="H56",
            transport=fake_portal.transport(),
            retry=RetryPolicy.no_retry(),
        )
        report = OutboxWorker(outbox, client).run(stop_when="idle", max_seconds=10)
        assert report.retried == 1
        assert outbox.stats().pending == 1
        assert outbox.next_due_in() > 20
