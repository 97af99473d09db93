"""The fake portal and the fake VNPost on loopback, in a child process.

Served from the demo's own process, the fakes' server thread and the clients share one
interpreter lock: in a profile of the default run, a third of the synchronisation's time was
spent in ``socket.send`` waiting for it. In a child process the fakes answer on the other core,
as the real services would answer from other machines. The child (``python -m
onestop.demo._services SEED RATE``) serves :class:`~onestop.testing.FakePortal` and
:class:`~onestop.testing.FakePostal` with ``serve()`` (127.0.0.1, free ports), prints their
URLs as one JSON line, then answers ``state`` lines with what the fakes hold, until ``stop``
or the end of its input.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Mapping
from typing import IO, Any

import attrs

from onestop.errors import OneStopError

__all__ = ["FakeServices", "FaultPlan", "main"]

_STOP_SECONDS = 10.0


@attrs.frozen
class FaultPlan:
    """The faults the fakes inject.

    Attributes:
        seed: the seed of the fakes' random faults.
        rate: share of service calls failed (HTTP 5xx or a dropped connection).
        outage: 503 answers the portal gives first.
        hangs: requests the portal then holds without answering (half a second each).
    """

    seed: int
    rate: float
    outage: int = 3
    hangs: int = 1


def _state(portal: Any, postal: Any) -> dict[str, Any]:
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


def _say(out: IO[str], value: object) -> None:
    out.write(json.dumps(value, ensure_ascii=False) + "\n")
    out.flush()


def main(argv: list[str] | None = None) -> None:
    """The child process: serve the fakes until ``stop`` or the end of standard input."""
    from onestop.testing import FakePortal, FakePostal

    seed_text, rate_text, outage_text, hangs_text = argv or sys.argv[1:]
    seed = int(seed_text)
    rate = float(rate_text)
    portal, postal = FakePortal(seed=seed), FakePostal()
    portal.hang_seconds = 0.5
    with portal.serve() as portal_server, postal.serve() as postal_server:
        portal.fail_next(int(outage_text), status=503)
        portal.timeout_next(int(hangs_text))
        portal.set_fault_rate(rate, kinds=("5xx", "drop"), seed=seed)
        postal.set_fault_rate(rate, kinds=("5xx", "drop"), seed=seed + 1)
        _say(sys.stdout, {"portal": portal_server.url, "postal": postal_server.url})
        for line in sys.stdin:
            if line.strip() != "state":
                break
            _say(sys.stdout, _state(portal, postal))


class FakeServices:
    """The child process serving the fakes; a context manager.

    Attributes:
        urls: ``{"portal": ..., "postal": ...}``.

    Raises:
        OneStopError: the child did not start.
    """

    def __init__(self, plan: FaultPlan) -> None:
        self._process = subprocess.Popen(  # noqa: S603 - this interpreter, our own module
            [
                sys.executable,
                "-m",
                "onestop.demo._services",
                str(plan.seed),
                repr(plan.rate),
                str(plan.outage),
                str(plan.hangs),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        if self._process.stdin is None or self._process.stdout is None:  # pragma: no cover
            raise OneStopError("demo: no pipe to the fake portal and post office")
        self._in: IO[str] = self._process.stdin
        self._out: IO[str] = self._process.stdout
        first = self._read()
        if first is None:
            self.close()
            raise OneStopError("demo: the fake portal and post office did not start")
        self.urls: Mapping[str, str] = first

    def _read(self) -> Any:
        line = self._out.readline()
        return json.loads(line) if line else None

    def state(self) -> dict[str, Any]:
        """What the fakes hold and counted: dossier statuses, creates, calls, faults."""
        self._in.write("state\n")
        self._in.flush()
        state = self._read()
        if state is None:
            raise OneStopError("demo: the fake portal and post office stopped early")
        result: dict[str, Any] = state
        return result

    def close(self) -> None:
        """Stop the child (ended by force if it does not stop within 10 s)."""
        if not self._in.closed:
            with contextlib.suppress(OSError):  # the child is gone already
                self._in.write("stop\n")
                self._in.close()
        try:
            self._process.wait(_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._out.close()

    def __enter__(self) -> FakeServices:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


if __name__ == "__main__":
    main()
