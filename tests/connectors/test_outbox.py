"""The durable outbox: durability, order per dossier, coalescing, retries, dead letters, leases."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import anyio
import pytest

from onestop.connectors import (
    AdapterAuth,
    AsyncOutboxWorker,
    AsyncPortalClient,
    HoSoRecord,
    Outbox,
    OutboxWorker,
    PortalClient,
    RetryPolicy,
    TienTrinhRecord,
    set_testing,
)
from onestop.connectors.outbox import OUTBOX_RETRY, OutboxPolicy
from onestop.errors import (
    ConfigurationError,
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
    return HoSoRecord(MaHoSo=code, TrangThaiHoSo=status)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def box(tmp_path, clock):
    policy = OutboxPolicy(
        retry=RetryPolicy(attempts=3, initial_backoff=10, max_backoff=100), lease_seconds=60
    )
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
    box.enqueue_progress(
        [TienTrinhRecord(MaHoSo="A", ThoiDiemXuLy="20261128080000", TrangThai="2")]
    )
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
    # A first wait of 100-300 s: longer than the retry policy's total_timeout (60 s), which
    # bounds a client's call, not an outbox entry (bounded by its attempts).
    policy = OutboxPolicy(retry=OUTBOX_RETRY.replace(initial_backoff=200))
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
        assert outbox.next_due_in() > 90


# ---------------------------------------------------------------- file permissions


def _modes(path):
    """Permission bits of the outbox file and of every file SQLite keeps beside it."""
    return {
        f.name[len(path.name) :] or "db": f.stat().st_mode & 0o777
        for f in path.parent.iterdir()
        if f.name.startswith(path.name)
    }


@pytest.fixture
def open_umask():
    """The usual umask 022, under which a plain file is created 0644."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_every_outbox_file_is_owner_only_from_creation(tmp_path, open_umask):
    path = tmp_path / "o.sqlite"
    with Outbox(path) as outbox:
        # Right after opening: the database, its write-ahead log and the log's index.
        assert _modes(path) == {"db": 0o600, "-wal": 0o600, "-shm": 0o600}
        outbox.enqueue(make_dossier(seed=3))  # a dossier with names and ID numbers
        assert set(_modes(path).values()) == {0o600}
        assert (path.parent / "o.sqlite-wal").stat().st_size > 0  # the dossier is in the log
    assert set(_modes(path).values()) == {0o600}


def test_an_existing_empty_file_is_tightened(tmp_path, open_umask):
    path = tmp_path / "o.sqlite"
    path.touch(mode=0o644)  # made by a deployment tool before the first start
    assert path.stat().st_mode & 0o777 == 0o644
    with Outbox(path) as outbox:
        outbox.enqueue(rec("A"))
        assert set(_modes(path).values()) == {0o600}


def test_side_files_wider_than_the_outbox_are_narrowed(tmp_path, open_umask):
    path = tmp_path / "o.sqlite"
    with Outbox(path) as outbox:
        outbox.enqueue(rec("A"))
    # Left by an older version, or a crash: a log readable by everyone beside a 0600 outbox.
    for suffix in ("-wal", "-journal"):
        side = tmp_path / f"o.sqlite{suffix}"
        side.touch()
        side.chmod(0o644)
    with Outbox(path) as outbox:
        assert outbox.stats().pending == 1
        assert set(_modes(path).values()) == {0o600}


def test_an_existing_outbox_keeps_the_mode_its_owner_gave_it(tmp_path, open_umask):
    path = tmp_path / "o.sqlite"
    with Outbox(path) as outbox:
        outbox.enqueue(rec("A"))
    path.chmod(0o640)  # shared with a monitoring group on purpose
    with Outbox(path) as outbox:
        outbox.enqueue(rec("B"))
        assert set(_modes(path).values()) == {0o640}


# ---------------------------------------------------------------- read-only inspection


def _foreign_database(path, *, wal=False):
    db = sqlite3.connect(path)
    if wal:
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE citizens (name TEXT)")
    db.execute("INSERT INTO citizens VALUES ('Nguyễn Văn A')")
    db.commit()
    db.close()


def test_read_only_refuses_a_database_that_is_not_an_outbox_and_writes_nothing(tmp_path):
    path = tmp_path / "app.db"
    _foreign_database(path)
    before = path.read_bytes()
    with pytest.raises(InvalidInputError) as info:
        Outbox(path, read_only=True)
    assert info.value.field == "path"
    assert "not an outbox" in info.value.message
    assert "outbox" in info.value.message and "outbox_meta" in info.value.message
    assert path.read_bytes() == before
    assert sorted(f.name for f in tmp_path.iterdir()) == ["app.db"]  # no -wal, no -journal


@pytest.mark.parametrize("content", [b"", b"not a database at all " * 50])
def test_read_only_refuses_an_empty_or_foreign_file(tmp_path, content):
    path = tmp_path / "o.sqlite"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match="not an outbox"):
        Outbox(path, read_only=True)
    assert path.read_bytes() == content
    with pytest.raises(InvalidInputError, match="no outbox file"):
        Outbox(tmp_path / "missing.sqlite", read_only=True)
    assert not (tmp_path / "missing.sqlite").exists()


def test_read_only_works_while_a_worker_holds_the_write_lock(tmp_path):
    path = tmp_path / "o.sqlite"
    with Outbox(path) as outbox:
        outbox.enqueue(rec("A"))
        outbox.enqueue(rec("B"))
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE outbox SET attempts = attempts")  # the write lock, held
    try:
        with Outbox(path, read_only=True, lock_timeout=0.2) as view:
            assert view.stats().pending == 2
            assert view.dead_letters() == []
            assert view.retrying() == []
            with pytest.raises(OutboxError, match="read-only"):
                view.enqueue(rec("C"))
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_locked_outbox_says_so(tmp_path):
    path = tmp_path / "o.sqlite"
    with Outbox(path) as outbox:
        outbox.enqueue(rec("A"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for read_only in (True, False):
            with pytest.raises(OutboxError) as info:
                Outbox(path, read_only=read_only, lock_timeout=0.1)
            assert "locked by another process (a running worker?)" in info.value.message
            assert "retry or stop it" in info.value.message
            assert "writable file path" not in info.value.message
    finally:
        holder.close()


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("schema_version", "079203001234 Nguyễn Văn A", "unreadable schema version"),
        ("schema_version", "7", "schema version 7"),
        ("delivered", "garbage 079203001234", "'delivered' counter"),
    ],
)
def test_a_tampered_meta_value_is_a_typed_error(tmp_path, key, value, named):
    path = tmp_path / "o.sqlite"
    with Outbox(path) as outbox:
        outbox.enqueue(rec("A"))
    db = sqlite3.connect(path)
    db.execute("UPDATE outbox_meta SET value = ? WHERE key = ?", (value, key))
    db.commit()
    db.close()
    for read_only in (True, False):
        with pytest.raises(OutboxError) as info, Outbox(path, read_only=read_only) as box:
            box.stats()
        assert named in info.value.message
        assert "079203001234" not in info.value.message  # the value is never quoted


def test_retrying_lists_the_last_error(box, clock):
    box.enqueue(rec("A"))
    box.enqueue(rec("B"))
    entries = box.claim(5, owner="w")
    box.fail(entries[0], ServerError("TraCuuHoSo: HTTP 503", status_code=503))
    box.complete(entries[1])
    [waiting] = box.retrying()
    assert (waiting.dossier_code, waiting.kind, waiting.attempts) == ("A", "dossier", 1)
    assert waiting.last_error == "server_error: TraCuuHoSo: HTTP 503"
    assert waiting.next_attempt_at > clock.now
    assert box.stats().retrying == 1


# ---------------------------------------------------------------- leases and delivery time


def test_progress_is_enqueued_in_entries_of_one_call_each(box):
    rows = [
        TienTrinhRecord(MaHoSo="A", ThoiDiemXuLy=f"202611280800{i:02d}", TrangThai="2")
        for i in range(25)
    ]
    ids = box.enqueue_progress(rows)
    assert len(ids) == 3
    sizes = []
    for _ in ids:  # in order: each waits for the one before
        [entry] = box.claim(5, owner="w")
        sizes.append(len(entry.progress_rows()))
        box.complete(entry)
    assert sizes == [10, 10, 5]


def test_ensure_lease_renews_only_when_needed(box, clock):
    box.enqueue(rec("A"))
    [entry] = box.claim(1, owner="w")
    assert box.ensure_lease(entry, 30) is entry  # 60 s left: nothing to do
    clock.now += 50
    renewed = box.ensure_lease(entry, 30)
    assert renewed is not None
    assert renewed.lease_until == pytest.approx(clock.now + 60)
    clock.now += 59
    assert box.recover() == 0  # the renewed lease stands
    clock.now += 2
    assert box.recover() == 1
    box.claim(1, owner="other")
    assert box.ensure_lease(renewed, 30) is None  # taken over: the other worker delivers it


def _portal_client(portal, **kwargs):
    return PortalClient(
        "https://a.example",
        auth=AdapterAuth("onestop", "onestop"),
        unit_code="H56",
        transport=portal.transport(),
        **kwargs,
    )


def test_workers_refuse_a_client_that_can_outlive_the_lease(tmp_path, fake_portal):
    policy = OutboxPolicy(lease_seconds=120)
    with Outbox(tmp_path / "o.sqlite", policy=policy) as outbox:
        slow = _portal_client(fake_portal, timeout=20)  # 60 s of retries + 4 calls of 20 s
        assert slow.max_upsert_seconds == 140
        with pytest.raises(ConfigurationError) as info:
            OutboxWorker(outbox, slow)
        assert info.value.field == "lease_seconds"
        assert "140" in info.value.message and "120" in info.value.message

        async def build_async():
            async with AsyncPortalClient(
                "https://a.example",
                auth=AdapterAuth("onestop", "onestop"),
                unit_code="H56",
                transport=fake_portal.async_transport(),
                timeout=20,
            ) as client:
                AsyncOutboxWorker(outbox, client)

        with pytest.raises(ConfigurationError, match="lease"):
            anyio.run(build_async)
        fitting = _portal_client(fake_portal, timeout=10, retry=RetryPolicy(total_timeout=30))
        assert fitting.max_upsert_seconds == 70
        OutboxWorker(outbox, fitting)  # accepted


def test_sync_worker_renews_the_lease_of_entries_waiting_in_its_batch(tmp_path, fake_portal):
    import httpx

    clock = Clock()
    path = tmp_path / "o.sqlite"
    inner = fake_portal.transport()
    taken_over = []

    def slow_portal(request):
        # Each call takes 40 s of the outbox's clock; before each, another worker looks for
        # expired leases to take over.
        with Outbox(path, clock=clock) as other:
            taken_over.append(other.recover())
        clock.now += 40
        return inner.handle_request(request)

    policy = OutboxPolicy(lease_seconds=100)
    with Outbox(path, policy=policy, clock=clock) as outbox:
        outbox.enqueue_many([rec("A"), rec("B")])
        client = PortalClient(
            "https://a.example",
            auth=AdapterAuth("onestop", "onestop"),
            unit_code="H56",
            transport=httpx.MockTransport(slow_portal),
            timeout=5,
            retry=RetryPolicy(total_timeout=10),  # at most 30 s per delivery
        )
        report = OutboxWorker(outbox, client, batch_size=2).run(stop_when="empty")
    # A took 120 s (login, look-up, create): B's lease would have ended before its turn.
    assert report.delivered == 2
    assert sum(taken_over) == 0
    assert set(fake_portal.creates.values()) == {1}
