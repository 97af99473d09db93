"""Reliability of the postal and payment connectors over loopback: faults and SIGKILL.

* 1,000 postal orders go through the durable outbox to a fake VNPost that fails 20% of the
  calls (5xx, timeouts and dropped connections, half of those after the order was taken), the
  worker process killed (SIGKILL) at random moments and restarted: every order exists exactly
  once at the fake, and each is recorded once in the outbox.
* 1,000 payments: a worker process INITs them and reconciles, an IPN receiver process applies
  the callbacks of a fake platform that fails 20% of its calls and sends duplicates, tampered
  copies, forgeries, late and lost callbacks; both processes are killed at random moments.
  Every transaction ends in the platform's state with exactly one applied change, and no
  forged or tampered IPN was acknowledged.

Every loop is bounded in count and time.
"""

from __future__ import annotations

import os
import random
import select
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from onestop.connectors import OrderRecord, Outbox, PaymentLedger
from onestop.models import OnlinePayment, OnlinePaymentState
from onestop.testing import FakePayment, FakePostal
from onestop.tz import VN_TZ

pytestmark = pytest.mark.slow

N = 1_000
N_KILLS = 4
FAULT_RATE = 0.2
SECRET = "onestop-payment-secret"

POSTAL_WORKER = r"""
import sys
import anyio
from onestop.connectors import AsyncOutboxWorker, AsyncPostalClient, GatewayAuth, Outbox
from onestop.connectors import RetryPolicy
from onestop.connectors.outbox import OutboxPolicy

db, url, stop_when = sys.argv[1:4]

async def main():
    policy = OutboxPolicy(
        retry=RetryPolicy(attempts=40, initial_backoff=0.01, max_backoff=0.1), lease_seconds=60
    )
    retry = RetryPolicy(attempts=3, initial_backoff=0.01, max_backoff=0.05, total_timeout=5)
    with Outbox(db, policy=policy, synchronous="NORMAL") as box:
        async with AsyncPostalClient(
            url, auth=GatewayAuth("onestop-key", "onestop-secret"), customer_code="HCC-ONESTOP",
            timeout=0.3, retry=retry, max_connections=16,
        ) as client:
            worker = AsyncOutboxWorker(box, postal=client, concurrency=16, poll_interval=0.05)
            print("ready", flush=True)
            await worker.run(stop_when=stop_when, max_seconds=90)

anyio.run(main)
"""

PAYMENT_WORKER = r"""
import datetime as dt, sys, time
import anyio
from onestop.connectors import AsyncPaymentClient, PaymentLedger, RetryPolicy
from onestop.errors import OneStopError
from onestop.testing import make_dossier

db, url, stop_when = sys.argv[1:4]
dossier = make_dossier(0)
ledger = PaymentLedger(db, partner_code="ONESTOP", secret="onestop-payment-secret",
                       synchronous="NORMAL")
retry = RetryPolicy(attempts=3, initial_backoff=0.01, max_backoff=0.05, total_timeout=5)

async def init(client, limit, payment):
    async with limit:
        try:
            page = await client.init(payment, dossier=dossier)
        except OneStopError:
            return  # tried again next round, with the same reference
        ledger.record_url(payment.reference, page)

async def main():
    limit = anyio.Semaphore(16)
    async with AsyncPaymentClient(url, partner_code="ONESTOP", secret="onestop-payment-secret",
                                  timeout=0.3, retry=retry, max_connections=16) as client:
        print("ready", flush=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            waiting = [p for p in ledger.payments(state="pending")
                       if ledger.payment_url(p.reference) is None]
            async with anyio.create_task_group() as tg:
                for payment in waiting:
                    tg.start_soon(init, client, limit, payment)
            await client.reconcile(ledger, older_than=dt.timedelta(seconds=5),
                                   not_older_than=dt.timedelta(days=1), concurrency=16)
            if stop_when == "empty" and not ledger.payments(state="pending"):
                break
            await anyio.sleep(0.05)

anyio.run(main)
"""

IPN_RECEIVER = r"""
import http.server, json, sys
from onestop.connectors import PaymentLedger

db, port = sys.argv[1], int(sys.argv[2])
ledger = PaymentLedger(db, partner_code="ONESTOP", secret="onestop-payment-secret",
                       synchronous="NORMAL")

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        outcome = ledger.handle_ipn(body)
        reply = json.dumps(dict(outcome.reply)).encode()
        self.send_response(outcome.http_status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("ready", flush=True)
server.serve_forever()
"""


def _spawn(script: str, *args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    assert ready, "the process did not start within 30 s"
    assert proc.stdout.readline().strip() == b"ready"
    return proc


def _kill(proc: subprocess.Popen[bytes]) -> bool:
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    if proc.stdout is not None:
        proc.stdout.close()
    return killed


def _order(i: int) -> OrderRecord:
    return OrderRecord(
        CustomerCode="HCC-ONESTOP",
        OrderNumber=f"H56.14-261101-{i:04d}-TG",
        SenderName="Người nộp thử",
        SenderTel="0900000000",
        SenderAddress="Số 1 đường Thử, Phường Thử, Tỉnh Thanh Hóa",
        ReceiverName="Trung tâm Phục vụ hành chính công",
        ReceiverTel="0237000000",
        ReceiverAddress="Số 2 đường Thử, Phường Hạc Thành, Tỉnh Thanh Hóa",
    )


def test_postal_orders_survive_faults_and_sigkill(tmp_path):
    rng = random.Random(20261201)
    postal = FakePostal(seed=11)
    postal.hang_seconds = 0.6
    postal.set_fault_rate(FAULT_RATE, kinds=("5xx", "timeout", "drop"), seed=11)
    db = str(tmp_path / "outbox.sqlite")
    deadline = time.monotonic() + 150
    with postal.serve() as server, Outbox(db, synchronous="NORMAL") as box:

        def produce() -> None:
            for start in range(0, N, 100):
                for i in range(start, start + 100):
                    box.enqueue_postal(_order(i), kind="pickup", dossier_code=f"H56-{i}")
                time.sleep(0.05)

        producer = threading.Thread(target=produce)
        producer.start()
        kills = 0
        for _ in range(N_KILLS):
            assert time.monotonic() < deadline
            proc = _spawn(POSTAL_WORKER, db, server.url, "never")
            time.sleep(rng.uniform(0.3, 1.5))  # kill at a random moment of its work
            kills += _kill(proc)
        producer.join(timeout=60)
        assert not producer.is_alive()
        assert kills == N_KILLS
        final = subprocess.run(
            [sys.executable, "-c", POSTAL_WORKER, db, server.url, "empty"],
            capture_output=True,
            text=True,
            timeout=max(10.0, deadline - time.monotonic()),
            check=False,
        )
        assert final.returncode == 0, final.stderr[-2000:]
        stats, dead, sent = box.stats(), box.dead_letters(), box.postal_orders()

    assert (stats.pending, stats.in_flight, stats.dead, dead) == (0, 0, 0, [])
    assert sum(postal.faults_injected.values()) > 100
    expected = {_order(i).order_number for i in range(N)}
    assert set(postal.order_numbers()) == expected
    assert [n for n, count in postal.creates.items() if count != 1] == []
    assert sum(postal.duplicates.values()) > 0  # lost answers were resent and told 101
    assert sorted(o.order_number for o in sent) == sorted(expected)  # recorded once each


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_payments_survive_faults_forgeries_and_sigkill(tmp_path):
    rng = random.Random(20261202)
    fake = FakePayment(seed=12, max_ipn_attempts=100_000)
    fake.hang_seconds = 0.6
    fake.set_fault_rate(FAULT_RATE, kinds=("5xx", "timeout", "drop"), seed=12)
    db = str(tmp_path / "ledger.sqlite")
    port = _free_port()
    receiver_url = f"http://127.0.0.1:{port}/ipn"
    opened_at = time.time()
    with PaymentLedger(db, partner_code="ONESTOP", secret=SECRET, synchronous="NORMAL") as ledger:
        import datetime as dt

        at = dt.datetime.fromtimestamp(opened_at, tz=VN_TZ)
        for i in range(N):
            ledger.open(
                OnlinePayment(reference=f"dvc{i:05d}", amount=10_000 + i, initiated_at=at),
                dossier_code=f"H56-{i}",
            )
        deadline = time.monotonic() + 170
        paid: set[str] = set()
        truth: dict[str, bool] = {}

        with fake.serve() as server:
            fake.start_ipn_sender(receiver_url, interval=0.02)
            processes = {
                "worker": _spawn(PAYMENT_WORKER, db, server.url, "never"),
                "receiver": _spawn(IPN_RECEIVER, db, str(port)),
            }

            def pay_what_is_open() -> None:
                for reference in fake.references():
                    if reference in paid:
                        continue
                    paid.add(reference)
                    success = rng.random() < 0.8
                    truth[reference] = success
                    roll = rng.random()
                    if roll < 0.05:
                        fake.pay(reference, success=success, notify=False)  # lost callback
                        continue
                    if roll < 0.10:
                        fake.hold_ipns(1)  # late: sent after the reconciliation
                    elif roll < 0.20:
                        fake.duplicate_ipns(1)
                    elif roll < 0.30:
                        fake.tamper_ipns(1, field=rng.choice(["SoTien", "MaLoi", "MaTienTe"]))
                    fake.pay(reference, success=success)
                    if roll > 0.97:
                        fake.forge_ipn(
                            reference, how=rng.choice(["wrong_secret", "unknown_reference"])
                        )

            kills = 0
            for round_ in range(N_KILLS):
                assert time.monotonic() < deadline
                pause_until = time.monotonic() + rng.uniform(0.5, 1.5)
                while time.monotonic() < pause_until:
                    pay_what_is_open()
                    time.sleep(0.05)
                name = "worker" if round_ % 2 == 0 else "receiver"
                kills += _kill(processes[name])
                script = PAYMENT_WORKER if name == "worker" else IPN_RECEIVER
                args = (db, server.url, "never") if name == "worker" else (db, str(port))
                processes[name] = _spawn(script, *args)
            assert kills == N_KILLS

            while len(paid) < N:  # the worker has INITed everything by now or soon
                assert time.monotonic() < deadline, f"only {len(paid)} INITs reached the fake"
                pay_what_is_open()
                time.sleep(0.05)
            fake.release_held()
            _kill(processes["worker"])
            final = subprocess.run(
                [sys.executable, "-c", PAYMENT_WORKER, db, server.url, "empty"],
                capture_output=True,
                text=True,
                timeout=max(10.0, deadline - time.monotonic()),
                check=False,
            )
            assert final.returncode == 0, final.stderr[-2000:]
            while fake.queued_ipns:  # the late and repeated callbacks still arrive
                assert time.monotonic() < deadline, f"{fake.queued_ipns} IPNs never delivered"
                time.sleep(0.05)
            fake.stop_ipn_sender()
            _kill(processes["receiver"])

        states = {p.reference: p.state for p in ledger.payments()}
        events = ledger.events()

    assert sum(fake.faults_injected.values()) > 100
    wrong = [
        r
        for r, success in truth.items()
        if states[r] is not (OnlinePaymentState.SUCCEEDED if success else OnlinePaymentState.FAILED)
    ]
    assert wrong == []
    applied: dict[str, int] = {}
    for event in events:
        applied[event.reference] = applied.get(event.reference, 0) + event.applied
    assert [r for r in truth if applied.get(r) != 1] == []  # one change per transaction
    forged = [d for d in fake.deliveries if not d.genuine]
    assert forged and not [d for d in forged if d.acknowledged]
    genuine = [d for d in fake.deliveries if d.genuine and d.acknowledged]
    assert len({d.reference for d in genuine}) > 0.8 * N
    assert fake.given_up == []
    by_source = {e.source for e in events if e.applied}
    assert by_source == {"ipn", "query"}  # callbacks applied, lost ones reconciled
