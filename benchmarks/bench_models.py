"""Cost of the domain models: JSON parse/emit, transitions and the dossier factory.

Anchors measured in the same run: ``json.loads`` / ``json.dumps`` of the same document (the
floor for any JSON-based exchange) and a plain pydantic model with the same JSON shape and no
onestop validation (what a vendor's own unchecked model would cost).

Run: ``python3 benchmarks/bench_models.py`` (prints a table; medians of repeats).
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

REPEATS = 7


def median_us(func: Any, number: int) -> float:
    times = timeit.repeat(func, number=number, repeat=REPEATS)
    return statistics.median(times) / number * 1e6


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

    rows = [
        ("json.loads (anchor)", median_us(lambda: json.loads(text), 2000)),
        ("json.dumps (anchor)", median_us(lambda: json.dumps(data, ensure_ascii=False), 2000)),
        (
            "loose pydantic parse (anchor)",
            median_us(lambda: _Loose.model_validate_json(text), 2000),
        ),
        ("Dossier.from_json", median_us(lambda: Dossier.from_json(text), 500)),
        ("Dossier.to_json", median_us(dossier.to_json, 2000)),
        ("Dossier.model_validate(dict)", median_us(lambda: Dossier.model_validate(data), 500)),
        (
            "dossier.complete() (transition)",
            median_us(lambda: processing.complete(at=at, by="cb"), 500),
        ),
        ("make_dossier(seed) (RETURNED)", median_us(lambda: make_dossier(3), 100)),
    ]
    anchor = rows[0][1]
    loose = rows[2][1]
    print(f"document: {len(text)} bytes, {len(dossier.events)} events")
    print(f"{'operation':36} {'median µs':>10} {'× json.loads':>13} {'× loose':>9}")
    for name, micros in rows:
        print(f"{name:36} {micros:10.1f} {micros / anchor:13.1f} {micros / loose:9.1f}")


if __name__ == "__main__":
    main()
