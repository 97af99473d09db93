"""Cost of the domain models: JSON parse/emit, transitions and the dossier factory.

Anchors measured in the same run: ``json.loads`` / ``json.dumps`` of the same document (the
floor for any JSON-based exchange) and a plain pydantic model with the same JSON shape and no
onestop validation (what a vendor's own unchecked model would cost).

Run: ``python3 benchmarks/bench_models.py`` (prints a table; medians over interleaved rounds,
ratios taken within each round).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import timeit
from typing import Any

from pydantic import BaseModel

from onestop.models import Dossier, DossierStatus
from onestop.testing import make_dossier

REPEATS = 15


def interleaved(ops: list[tuple[str, Any, int]]) -> dict[str, list[float]]:
    """Time every operation once per round, round after round, so that load on the shared
    machine hits all of them alike; returns µs per call for each round."""
    out: dict[str, list[float]] = {name: [] for name, _, _ in ops}
    for _ in range(REPEATS):
        for name, func, number in ops:
            out[name].append(timeit.timeit(func, number=number) / number * 1e6)
    return out


class _Loose(BaseModel):
    """Anchor: the same JSON object, untyped (dict/list values), no invariants."""

    code: str
    procedure: dict[str, Any]
    applicant: dict[str, Any]
    channel: str
    summary: str | None
    submitted_at: str
    received_at: str | None
    due_at: str | None
    status: str
    documents: list[dict[str, Any]]
    fees: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    supplements: list[dict[str, Any]]
    extension: dict[str, Any] | None
    lien_thong: list[dict[str, Any]]
    result: dict[str, Any] | None
    events: list[dict[str, Any]]


def main() -> None:
    dossier = make_dossier(1, status=DossierStatus.RETURNED)
    text = dossier.to_json()
    data = json.loads(text)
    processing = make_dossier(1, status=DossierStatus.PROCESSING)
    at = processing.events[-1].at + dt.timedelta(minutes=5)

    ops = [
        ("json.loads (anchor)", lambda: json.loads(text), 400),
        ("json.dumps (anchor)", lambda: json.dumps(data, ensure_ascii=False), 400),
        ("loose pydantic parse (anchor)", lambda: _Loose.model_validate_json(text), 400),
        ("Dossier.from_json", lambda: Dossier.from_json(text), 100),
        ("Dossier.to_json", dossier.to_json, 400),
        ("Dossier.model_validate(dict)", lambda: Dossier.model_validate(data), 100),
        ("dossier.complete() (transition)", lambda: processing.complete(at=at, by="cb"), 100),
        ("make_dossier(seed) (RETURNED)", lambda: make_dossier(3), 20),
    ]
    times = interleaved(ops)
    anchor = times["json.loads (anchor)"]
    loose = times["loose pydantic parse (anchor)"]
    print(f"document: {len(text)} bytes, {len(dossier.events)} events; {REPEATS} rounds")
    print(f"{'operation':36} {'median µs':>10} {'× json.loads':>13} {'× loose':>9}")
    for name, _, _ in ops:
        mine = times[name]
        ratio_json = statistics.median(m / a for m, a in zip(mine, anchor, strict=True))
        ratio_loose = statistics.median(m / a for m, a in zip(mine, loose, strict=True))
        print(f"{name:36} {statistics.median(mine):10.1f} {ratio_json:13.1f} {ratio_loose:9.1f}")


if __name__ == "__main__":
    main()
