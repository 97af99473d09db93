"""Forms per second: the receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả), against its due date.

A desk prints one receipt per dossier, so what matters is the time of one form. Anchors, timed
in the same run on the same 40 dossiers (a procedure of 7 working days, the official
civil-service calendar):

* the due date alone: ``compute_due`` for the dossier's processing time, the one computation
  a receipt cannot do without;
* the dossier's clock (``DossierClock.from_dossier``), which the forms read the appointment from.

Then, per receipt: the record (``build_form``: the clock, the papers, the header), the HTML,
the unsigned PDF/A (fpdf2: layout, fonts subset and embedded, QR code), and the PDF signed with
an EC P-256 key (PAdES B-B with the visible Vietnamese stamp, pyHanko) — the figure the target
(well under 100 ms per signed receipt) is about. Medians of REPEATS batches, in milliseconds per
form (wall clock) and as a ratio to the due-date anchor, with the process CPU time beside it
(steadier than the wall clock on a machine shared with other work).

Run: ``python3 benchmarks/bench_forms.py``
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from onestop.deadlines import DossierClock, civil_service_calendar, compute_due
from onestop.forms import FormSigner, build_form, render_html, render_pdf
from onestop.models import DossierStatus
from onestop.testing import build_test_pki, make_dossier, make_procedure

N = 40
REPEATS = 5


def _median_ms(func: Callable[[object], object], items: list[object]) -> tuple[float, float]:
    """Median wall and CPU milliseconds per item."""
    wall, cpu = [], []
    for _ in range(REPEATS):
        start, start_cpu = time.perf_counter(), time.process_time()
        for item in items:
            func(item)
        wall.append((time.perf_counter() - start) / len(items) * 1000)
        cpu.append((time.process_time() - start_cpu) / len(items) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    procedure = make_procedure(3)
    dossiers = [
        make_dossier(seed, procedure=procedure, status=DossierStatus.PROCESSING)
        for seed in range(N)
    ]
    calendar = civil_service_calendar()
    pki = build_test_pki(key_type="ec")
    signer = FormSigner(pki.organization.certificate, key=pki.organization.key)
    records = [build_form("receipt", d, procedure=procedure) for d in dossiers]
    render_pdf(records[0], sign=signer)  # warm up: imports, font parsing caches

    def due(d: object) -> object:
        dossier = d  # a Dossier
        return compute_due(
            dossier.received_at, dossier.procedure.processing_time, calendar=calendar
        )

    rows = [
        ("due date (compute_due), anchor", _median_ms(due, dossiers)),
        (
            "dossier clock (from_dossier)",
            _median_ms(lambda d: DossierClock.from_dossier(d, procedure=procedure), dossiers),
        ),
        (
            "receipt record (build_form)",
            _median_ms(lambda d: build_form("receipt", d, procedure=procedure), dossiers),
        ),
        ("receipt HTML (render_html)", _median_ms(render_html, records)),
        ("receipt PDF/A, unsigned", _median_ms(render_pdf, records)),
        ("receipt PDF, no PDF/A", _median_ms(lambda r: render_pdf(r, pdfa=False), records)),
        (
            "receipt PDF/A, signed + stamp",
            _median_ms(lambda r: render_pdf(r, sign=signer), records),
        ),
    ]
    anchor = rows[0][1][0]
    print(f"{N} receipts, medians of {REPEATS} runs")
    print(f"{'operation':<34}{'ms/form':>10}{'CPU ms':>10}{'forms/s':>10}{'× due date':>12}")
    for name, (ms, cpu) in rows:
        print(f"{name:<34}{ms:>10.3f}{cpu:>10.3f}{1000 / ms:>10.0f}{ms / anchor:>12.0f}")


if __name__ == "__main__":
    main()
