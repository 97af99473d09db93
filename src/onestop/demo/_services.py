"""The fake portal and the fake VNPost on loopback, in a child process.

Served from the demo's own process, the fakes' server thread and the clients share one
interpreter lock: in a profile of the default run, a third of the synchronisation's time was
spent in ``socket.send`` waiting for it. In a child process the fakes answer on the other core,
as the real services would answer from other machines. The child serves
:class:`~onestop.testing.FakePortal` and :class:`~onestop.testing.FakePostal` with
``serve()`` (127.0.0.1, free ports), sends their URLs, and on request what they hold.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Mapping
from typing import Any

import attrs

from onestop.errors import OneStopError

__all__ = ["FakeServices", "FaultPlan"]

_START_SECONDS = 60.0


@attrs.frozen
class FaultPlan:
    """The faults the fakes inject.

    Attributes:
        seed: the seed of the fakes' random faults.
        rate: share of service calls failed (HTTP 5xx or a dropped connection).
        outage: 503 answers the portal gives first.
        hangs: requests the portal then holds without answering.
    """

    seed: int
    rate: float
    outage: int = 3
    hangs: int = 1


def _portal_state(portal: Any, postal: Any) -> dict[str, Any]:
    codes = portal.dossier_codes()
    return {
        "statuses": {code: portal.dossier(code).status for code in codes},
        "creates": dict(portal.creates),
        "updates": dict(portal.updates),
        "calls": dict(portal.calls),
        "portal_faults": dict(portal.faults_injected),
        "postal_creates": dict(postal.creates),
        "postal_faults": dict(postal.faults_injected),
    }


def serve_fakes(conn: Any, plan: FaultPlan) -> None:
    """The child process: serve the fakes until told to stop (a ``multiprocessing`` target)."""
    from onestop.testing import FakePortal, FakePostal

    portal, postal = FakePortal(seed=plan.seed), FakePostal()
    with portal.serve() as portal_server, postal.serve() as postal_server:
        portal.fail_next(plan.outage, status=503)
        portal.timeout_next(plan.hangs)
        portal.set_fault_rate(plan.rate, kinds=("5xx", "drop"), seed=plan.seed)
        postal.set_fault_rate(plan.rate, kinds=("5xx", "drop"), seed=plan.seed + 1)
        conn.send({"portal": portal_server.url, "postal": postal_server.url})
        while True:
            command = conn.recv()
            if command == "state":
                conn.send(_portal_state(portal, postal))
            else:
                break
    conn.close()


class FakeServices:
    """The child process serving the fakes; a context manager.

    Attributes:
        urls: ``{"portal": ..., "postal": ...}`` once started.
    """

    def __init__(self, plan: FaultPlan) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=serve_fakes, args=(child, plan), name="onestop-demo-fakes", daemon=True
        )
        self._process.start()
        child.close()
        if not self._conn.poll(_START_SECONDS):
            self.close()
            raise OneStopError("demo: the fake portal and post office did not start in time")
        self.urls: Mapping[str, str] = self._conn.recv()

    def state(self) -> dict[str, Any]:
        """What the fakes hold and counted (see :func:`serve_fakes`)."""
        self._conn.send("state")
        state: dict[str, Any] = self._conn.recv()
        return state

    def close(self) -> None:
        """Stop the child process (ended by force if it does not stop within 10 s)."""
        with contextlib.suppress(OSError, ValueError):  # the child is gone already
            self._conn.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)
        self._conn.close()

    def __enter__(self) -> FakeServices:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
