"""Compute a dossier's appointment date (ngày hẹn trả) and explain it.

Run: python3 examples/due_date.py   (needs only the core install: pip install onestop-vn)

A dossier received on Friday 13 February 2026 at 10:00 with a processing time of 5 working
days: the count skips the weekend, the five Tết days of Thông báo 9441/TB-BNV and the next
weekend, so the result is due at the close of office hours on Friday 27 February.
"""

from __future__ import annotations

import datetime as dt

from onestop import DossierClock, ProcessingTime, Timeliness, compute_due
from onestop.tz import VN_TZ, format_instant

# Instants are always timezone-aware; Vietnam time is UTC+7 all year.
received_at = dt.datetime(2026, 2, 13, 10, 0, tzinfo=VN_TZ)

# calendar=None: the official civil-service calendar (bundled notices, office hours
# 07:30-11:30 and 13:00-17:00). policy=None: the rules of the legal era the dossier was
# received in (NĐ 118/2025/NĐ-CP from 1 July 2025).
deadline = compute_due(received_at, ProcessingTime.working_days(5))
print("due:", format_instant(deadline.due_at))
print("provisional:", deadline.provisional)  # True only across a year without a notice

# The explanation cites the rule behind every counted and skipped day, in either language.
print(deadline.explain("en"))

# Office time left, at two instants: on receipt, and on the Monday after Tết.
print("left on receipt:", deadline.remaining(received_at).text("en"))
monday = dt.datetime(2026, 2, 23, 9, 0, tzinfo=VN_TZ)
print("left on 23/02 09:00:", deadline.remaining(monday).text("vi"))  # in Vietnamese

# Early, on time or late (TT 01/2018/TT-VPCP Art. 13 compares calendar dates in Vietnam time:
# a result ready on the due day, at any hour, is on time). The dossier clock is what follows
# a dossier after receipt (supplements, an extension, the end of processing).
clock = DossierClock(received_at, ProcessingTime.working_days(5))
assert clock.due_at == deadline.due_at
for finished in (
    dt.datetime(2026, 2, 26, 15, 0, tzinfo=VN_TZ),
    dt.datetime(2026, 2, 27, 16, 0, tzinfo=VN_TZ),
    dt.datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ),
):
    verdict = clock.finish(finished).timeliness()
    assert isinstance(verdict, Timeliness)
    print(f"finished {finished:%d/%m %H:%M}: {verdict.value}")
