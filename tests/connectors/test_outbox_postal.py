"""Postal orders through the durable outbox: recorded once, never a second pickup, schema v2."""

from __future__ import annotations

import sqlite3

import anyio
import pytest

from onestop.connectors import (
    AdapterAuth,
    AsyncOutboxWorker,
    AsyncPostalClient,
    GatewayAuth,
    HoSoRecord,
    Outbox,
    OutboxWorker,
    PortalClient,
    PostalClient,
    RetryPolicy,
)
from onestop.connectors.outbox import OutboxPolicy
from onestop.errors import ConfigurationError, InvalidInputError
from onestop.models import PostalOrderKind
from onestop.testing import make_dossier, make_postal_party

BASE = "https://api.mitc.vn/apiVNPostNGSP/p1.0"
AGENCY = make_postal_party(seed=7)
APPLICANT = make_postal_party(seed=8)


@pytest.fixture
def box(tmp_path, manual_clock):
    policy = OutboxPolicy(
        retry=RetryPolicy(attempts=3, initial_backoff=10, max_backoff=100), lease_seconds=60
    )
    with Outbox(tmp_path / "o.sqlite", policy=policy, clock=manual_clock) as outbox:
        yield outbox


@pytest.fixture
def postal_client(fake_postal):
    with PostalClient(
        BASE,
        auth=GatewayAuth("onestop-key", "onestop-secret"),
        customer_code="HCC-ONESTOP",
        agency=AGENCY,
        transport=fake_postal.transport(),
        timeout=5,
        retry=RetryPolicy(attempts=2, total_timeout=10),
    ) as client:
        yield client


def _enqueue(box, client, seed, kind="pickup"):
    dossier = make_dossier(seed)
    make = client.pickup_order if kind == "pickup" else client.delivery_order
    order = make(dossier, applicant=APPLICANT)
    return box.enqueue_postal(order, kind=kind, dossier_code=str(dossier.code)), order


def test_an_order_is_sent_and_recorded_once(box, postal_client, fake_postal):
    entry_id, order = _enqueue(box, postal_client, 1)
    assert _enqueue(box, postal_client, 1)[0] == entry_id  # waiting: not queued twice
    report = OutboxWorker(box, postal=postal_client).run(stop_when="empty")
    assert report.delivered == 1
    [sent] = box.postal_orders()
    assert (sent.order_number, sent.kind, sent.status, sent.duplicate) == (
        order.order_number,
        "pickup",
        "100",
        False,
    )
    assert fake_postal.creates[order.order_number] == 1
    record = sent.to_postal_order()
    assert record.kind is PostalOrderKind.PICKUP and record.sent_at.utcoffset() is not None
    dossier = make_dossier(1).with_postal_order(record)
    assert dossier.postal_order(order.order_number) == record
    assert box.postal_orders(dossier_code="other") == []


def test_a_crash_between_sent_and_recorded_creates_no_second_pickup(
    box, postal_client, fake_postal, manual_clock
):
    _, order = _enqueue(box, postal_client, 2)
    [entry] = box.claim(10, owner="dead-worker:1:x", kinds=("postal",))
    postal_client.send_order(entry.postal_order()[1])  # VNPost accepted ...
    # ... and the worker died before recording it: the lease runs out, another worker resends
    manual_clock.now += 61
    assert box.recover() == 1
    OutboxWorker(box, postal=postal_client).run(stop_when="empty")
    [sent] = box.postal_orders()
    assert sent.duplicate and sent.status == "101"
    assert fake_postal.creates[order.order_number] == 1
    assert fake_postal.duplicates[order.order_number] == 1
    assert box.stats().pending == 0


def test_channels_do_not_wait_for_each_other(box, postal_client, fake_postal):
    dossier = make_dossier(3)
    box.enqueue(HoSoRecord(MaHoSo=str(dossier.code), TrangThaiHoSo="2"))  # portal entry first
    order = postal_client.delivery_order(dossier, applicant=APPLICANT)
    box.enqueue_postal(order, kind="delivery", dossier_code=str(dossier.code))
    # a postal-only worker delivers the order although the portal entry of the dossier waits
    OutboxWorker(box, postal=postal_client).run(stop_when="idle")
    assert fake_postal.order(order.order_number) is not None
    assert box.stats().pending == 1
    [waiting] = box.claim(10, owner="w")
    assert waiting.kind == "dossier"


def test_the_async_worker_delivers_orders(box, fake_postal):
    orders = []

    async def main():
        async with AsyncPostalClient(
            BASE,
            auth=GatewayAuth("onestop-key", "onestop-secret"),
            customer_code="HCC-ONESTOP",
            agency=AGENCY,
            transport=fake_postal.async_transport(),
            timeout=5,
            retry=RetryPolicy(attempts=2, total_timeout=10),
        ) as client:
            for seed in range(4, 10):
                dossier = make_dossier(seed)
                order = client.pickup_order(dossier, applicant=APPLICANT)
                orders.append(order.order_number)
                box.enqueue_postal(order, kind="pickup", dossier_code=str(dossier.code))
            worker = AsyncOutboxWorker(box, postal=client, concurrency=4, poll_interval=0.01)
            return await worker.run(stop_when="empty")

    fake_postal.fail_next(2, status=503)
    report = anyio.run(main)
    assert report.delivered == 6
    assert sorted(o.order_number for o in box.postal_orders()) == sorted(orders)
    assert all(fake_postal.creates[n] == 1 for n in orders)


def test_bad_arguments(box, postal_client):
    with pytest.raises(InvalidInputError, match="OrderRecord"):
        box.enqueue_postal({"OrderNumber": "x"}, kind="pickup", dossier_code="A")
    order = postal_client.pickup_order(make_dossier(11), applicant=APPLICANT)
    with pytest.raises(InvalidInputError, match="postal_order_kind"):
        box.enqueue_postal(order, kind="pigeon", dossier_code="A")
    with pytest.raises(InvalidInputError, match="dossier_code"):
        box.enqueue_postal(order, kind="pickup", dossier_code=" ")
    with pytest.raises(InvalidInputError, match="kinds"):
        box.claim(1, owner="w", kinds=("fax",))
    with pytest.raises(ConfigurationError, match="needs a portal client, a postal client"):
        OutboxWorker(box)
    slow = postal_client.with_options(timeout=50, retry=RetryPolicy(total_timeout=20))
    with pytest.raises(ConfigurationError, match="one call of its timeout"):
        OutboxWorker(box, postal=slow)
    portal = PortalClient(
        "https://adapter.example",
        auth=AdapterAuth("a", "b"),
        unit_code="H56",
        timeout=1,
        retry=RetryPolicy(total_timeout=10),
    )
    with portal:
        OutboxWorker(box, portal, postal=postal_client)  # both channels in one worker


_V1_SCHEMA = """
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('dossier', 'progress')),
    payload TEXT NOT NULL,
    source TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_flight', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    enqueued_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    next_attempt_at REAL NOT NULL,
    lease_until REAL,
    owner TEXT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
CREATE INDEX outbox_dossier ON outbox (dossier_code, id);
CREATE TABLE outbox_synced (dossier_code TEXT PRIMARY KEY, last_id INTEGER NOT NULL);
CREATE TABLE outbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO outbox_meta VALUES ('schema_version', '1');
INSERT INTO outbox_meta VALUES ('delivered', '40');
"""


def _v1_outbox(path):
    db = sqlite3.connect(path)
    db.executescript(_V1_SCHEMA)
    for i in range(1, 6):
        db.execute(
            "INSERT INTO outbox (dossier_code, kind, payload, enqueued_at, updated_at, "
            "next_attempt_at) VALUES (?, 'dossier', ?, 1, 1, 1)",
            (
                f"H-{i}",
                HoSoRecord(MaHoSo=f"H-{i}", TrangThaiHoSo="2").model_dump_json(by_alias=True),
            ),
        )
    db.execute("DELETE FROM outbox WHERE id > 2")  # delivered: ids 3-5 must never come back
    db.execute("INSERT INTO outbox_synced VALUES ('H-5', 5)")
    db.commit()
    db.close()


def test_a_version_1_outbox_is_converted_and_keeps_its_ids(tmp_path, postal_client):
    path = tmp_path / "v1.sqlite"
    _v1_outbox(path)
    with Outbox(path, read_only=True) as old:  # read as it is
        assert old.stats().pending == 2 and old.postal_orders() == []
    with Outbox(path) as box:
        assert box.stats().pending == 2 and box.stats().delivered == 40
        new_id, _ = _enqueue(box, postal_client, 12)
        assert new_id == 6  # after the highest id ever used, not after the highest left
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM outbox_meta WHERE key='schema_version'").fetchone() == (
        "2",
    )
    db.close()
