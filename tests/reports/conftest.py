"""A pure-Python reference of the report indicators, row by row, and fixtures.

Written to be obviously right rather than fast: every record is judged with the scalar deadline
engine (``compute_due``, ``timeliness.classify``, ``WorkCalendar.working_days_between``) and every
period and group is counted in plain loops. The DuckDB report must give the same numbers.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import os
import select
import shutil
import subprocess
import time
import warnings
from collections import defaultdict

import pytest

from onestop.deadlines import civil_service_calendar, compute_due
from onestop.deadlines.timeliness import Timeliness, classify
from onestop.errors import ProvisionalCalendarWarning
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ

NOT_RESOLVED = {"new", "refused", "withdrawn", "stopped"}
OPEN_END = dt.datetime(9999, 12, 31)
TICK = dt.timedelta(microseconds=1)
CODES = {Timeliness.EARLY: 0, Timeliness.ON_TIME: 1, Timeliness.LATE: 2}


def _aware(value):
    return value.replace(tzinfo=VN_TZ)


def _local(value):
    return value.astimezone(VN_TZ).replace(tzinfo=None)


def computed_due(row, calendar):
    if row["processing_amount"] is None:
        return None
    amount = row["processing_amount"]
    unit = TimeUnit(row["processing_unit"] or "working_days")
    received = row["received_at"]
    if not calendar.first_year <= received.year < calendar.last_year:
        return None
    if unit is TimeUnit.SAME_DAY and amount != 0:
        return None
    if unit is TimeUnit.MONTHS and amount > 60:
        return None
    deadline = compute_due(
        _aware(received),
        ProcessingTime(amount=amount, unit=unit),
        calendar=calendar,
        policy=unit.value.replace("_", "-"),
    )
    return _local(deadline.due_at)


def judge_row(row, calendar, due_mode):
    """The per-record facts: due used, end, outcome, working days taken, elapsed days."""
    computed = computed_due(row, calendar)
    stored = row["due_at"]
    if due_mode == "stored":
        due = stored if stored is not None else computed
    else:
        due = computed if computed is not None else stored
    end = None
    if row["status"] not in NOT_RESOLVED:
        end = row["finished_at"] or row["returned_at"]
    outcome = None
    if end is not None and due is not None:
        outcome = CODES[classify(_aware(due), finished_at=_aware(end))]
    taken = elapsed = None
    if end is not None:
        taken = calendar.working_days_between(row["received_at"].date(), end.date())
        elapsed = (end - row["received_at"]).total_seconds() / 86400
    return {"due": due, "end": end, "outcome": outcome, "taken": taken, "elapsed": elapsed}


def reference_indicators(rows, periods, groups, *, due_mode="stored", calendar=None):
    """Indicators per (period, *group values), computed record by record.

    ``periods`` is a list of ``(label, first_day, last_day, judge_at)``.
    """
    calendar = calendar or civil_service_calendar()
    with warnings.catch_warnings():  # a provisional year is flagged by the report, not here
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        facts = [judge_row(r, calendar, due_mode) for r in rows]
    out = {}
    for label, first, last, judge in periods:
        s = dt.datetime.combine(first, dt.time())
        e = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
        acc = defaultdict(lambda: defaultdict(int))
        taken = defaultdict(list)
        elapsed = defaultdict(list)
        for row, f in zip(rows, facts, strict=True):
            status = row["status"]
            accepted = status not in ("new", "refused")
            closed = status in ("withdrawn", "stopped")
            end = f["end"]
            if accepted and not closed and end is None:
                last_event = OPEN_END
            else:
                last_event = max(
                    v
                    for v in (row["received_at"], end, row["finished_at"], row["returned_at"])
                    if v is not None
                )
            if not (row["received_at"] < e and last_event >= s):
                continue
            key = (label, *(row[g] for g in groups))
            c = acc[key]
            c["_seen"] += 0
            received_in = s <= row["received_at"] < e
            if accepted and received_in:
                c["received_total"] += 1
                channel = row["channel"]
                c["received_" + (channel or "unknown_channel")] += 1
                pay_base = (
                    row["fee_bearing"]
                    if row["fee_bearing"] is not None
                    else row["paid_online"] is not None
                )
                if pay_base:
                    c["payment_base"] += 1
                    c["paid_online"] += bool(row["paid_online"])
                if row["digitised"] is not None:
                    c["digitised_base"] += 1
                    c["digitised"] += bool(
                        row["digitised"] and (row["e_result"] is None or row["e_result"])
                    )
                if row["reused"] is not None:
                    c["reused_base"] += 1
                    c["reused"] += bool(row["reused"])
            if not accepted and row["received_at"] >= s:
                c["not_accepted"] += 1
            if accepted and not closed and row["received_at"] < s and (end is None or end >= s):
                c["carried_over"] += 1
            if end is not None and s <= end < e:
                c["resolved_total"] += 1
                name = {0: "early", 1: "on_time", 2: "late", None: "no_due"}[f["outcome"]]
                c["resolved_" + name] += 1
                if f["taken"] is not None:
                    taken[key].append(f["taken"])
                elapsed[key].append(f["elapsed"])
            returned = row["returned_at"] or (end if status == "returned" else None)
            if returned is not None and s <= returned < e:
                c["returned"] += 1
            closed_at = row["finished_at"] or row["returned_at"] or row["received_at"]
            if closed and s <= closed_at < e:
                c["closed"] += 1
            if accepted and not closed and (end is None or end >= e):
                if f["due"] is None:
                    c["in_progress_no_due"] += 1
                elif judge > f["due"]:
                    c["in_progress_overdue"] += 1
                else:
                    c["in_progress_on_time"] += 1
        for key, c in acc.items():
            row = dict(c)
            row.pop("_seen", None)
            row["mean_working_days"] = sum(taken[key]) / len(taken[key]) if taken[key] else None
            row["mean_elapsed_days"] = (
                sum(elapsed[key]) / len(elapsed[key]) if elapsed[key] else None
            )
            good = c["resolved_early"] + c["resolved_on_time"]
            judged = good + c["resolved_late"]
            row["on_time_rate"] = good / judged if judged else None
            total = c["received_total"]
            for channel in ("direct", "online", "postal"):
                row[f"share_{channel}"] = c[f"received_{channel}"] / total if total else None
            row["online_rate"] = row["share_online"]
            for rate, num, den in (
                ("online_payment_rate", "paid_online", "payment_base"),
                ("digitisation_rate", "digitised", "digitised_base"),
                ("reuse_rate", "reused", "reused_base"),
            ):
                row[rate] = c[num] / c[den] if c[den] else None
            row["rate_766_on_time"] = (
                (good + c["in_progress_on_time"])
                / (judged + c["in_progress_on_time"] + c["in_progress_overdue"])
                if judged + c["in_progress_on_time"] + c["in_progress_overdue"]
                else None
            )
            out[key] = row
    return out


@pytest.fixture(scope="session")
def calendar():
    return civil_service_calendar()


@pytest.fixture(scope="session")
def reference():
    return reference_indicators


# ---------------------------------------------------------------------- headless Chromium


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4).

    No network, no profile shared with anything else; every console error, uncaught exception
    and error log entry of the page is collected.
    """

    def __init__(self, exe, profile):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire():  # runs in the child: the protocol wants fds 3 (in) and 4 (out)
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=wire,  # the test process starts no thread before this
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next = 0
        self.events = []

    def close(self):
        with contextlib.suppress(OSError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self._to_child)
        os.close(self._from_child)

    def _read(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise OSError("Chromium closed the pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=30.0):
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, session, timeout=30.0):
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                return event
        while True:
            event = self._read(deadline)
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return event

    def render(self, url, *, width=1200, height=900):
        """Load ``url``; return console errors, chart boxes and a full-page PNG screenshot."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session)
        charts = self.send(
            "Runtime.evaluate",
            {
                "expression": "JSON.stringify([...document.querySelectorAll('figure.chart svg')]"
                ".map(s => { const b = s.getBoundingClientRect(); return {id: "
                "s.closest('figure').id, width: b.width, height: b.height, shapes: "
                "s.querySelectorAll('path, rect, use').length}; }))",
                "returnByValue": True,
            },
            session=session,
        )["result"]["value"]
        shot = self.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True},
            session=session,
        )["data"]
        self.send("Runtime.evaluate", {"expression": "1"}, session=session)  # flush events
        errors = []
        for e in self.events:
            if e.get("sessionId") != session:
                continue
            p = e.get("params", {})
            if e.get("method") == "Runtime.consoleAPICalled" and p.get("type") in (
                "error",
                "assert",
            ):
                errors.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in p["args"])
                )
            elif e.get("method") == "Runtime.exceptionThrown":
                errors.append(p["exceptionDetails"].get("text", "exception"))
            elif e.get("method") == "Log.entryAdded" and p["entry"].get("level") == "error":
                errors.append(p["entry"].get("text", "error"))
        self.send("Target.closeTarget", {"targetId": target})
        return {"errors": errors, "charts": json.loads(charts), "png": base64.b64decode(shot)}


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    exe = _chromium()
    if exe is None:
        if os.environ.get("ONESTOP_REQUIRE_BROWSER") == "1":
            pytest.fail("ONESTOP_REQUIRE_BROWSER=1 but no chromium on PATH")
        pytest.skip("chromium is not installed (CI installs it and sets ONESTOP_REQUIRE_BROWSER=1)")
    browser = Chromium(exe, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield browser
    finally:
        browser.close()
