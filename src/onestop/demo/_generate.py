"""The simulated centre's dossiers as one Arrow table, drawn with NumPy from one seed.

Everything is vectorized: the receipt days follow the civil-service calendar (working days
only, so Tết and the swapped days of the year are respected), the due dates come from the bulk
deadline kernel (:func:`onestop.deadlines.bulk.due_dates`, the engine's rules for arrays), and
the outcomes (supplement requests, extensions, finish and return dates) are drawn in working
days relative to those due dates. The same seed gives the same table, value for value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from onestop.deadlines import WorkCalendar, civil_service_calendar
from onestop.deadlines.bulk import due_dates, is_working_day
from onestop.demo._catalogue import DEPARTMENTS, PROCEDURES
from onestop.errors import InvalidInputError

__all__ = ["CHANNEL_MIX", "SimulationSettings", "simulate_records"]

#: Target channel mix of receipts: in person, by post, online (the seed province's 2022 mix).
CHANNEL_MIX: dict[str, float] = {"direct": 0.795, "postal": 0.04, "online": 0.165}
#: ``KenhThucHien`` codes of the channels.
_CHANNEL_CODE = {"direct": 1, "online": 2, "postal": 3}

# Office windows a desk receives in (minutes after midnight), morning and afternoon.
_MORNING = (7 * 60 + 30, 11 * 60 + 30)
_AFTERNOON = (13 * 60 + 30, 16 * 60 + 45)

# TrangThaiHoSo codes of the statuses the simulation ends in.
_REFUSED, _PROCESSING, _SUPPLEMENT, _WITHDRAWN, _COMPLETED, _RETURNED = 3, 4, 5, 7, 9, 10


@attrs.frozen(kw_only=True)
class SimulationSettings:
    """What to simulate: the period, the volume and the rates of the events.

    The defaults reproduce the order of magnitude of the seed province's published figures for
    January-July 2022: about 90,000 dossiers received, about 83,000 resolved, more than 99 %
    on time and a few hundred late.

    Attributes:
        start: first day of the period.
        end: last day of the period (included).
        dossiers: how many dossiers to receive over the period (about).
        province: the province's level-1 agency code (``H53`` Tây Ninh).
        supplement_rate: share of dossiers whose appraisal asks for a supplement.
        extension_rate: share of dossiers re-appointed once with an apology letter.
        late_rate: share of dossiers finished after their due date.
        refusal_rate: share refused at intake (never received).
        withdrawal_rate: share withdrawn by the applicant.
        online_payment_rate: share of online, fee-bearing dossiers paid online.
    """

    start: dt.date = dt.date(2022, 1, 1)
    end: dt.date = dt.date(2022, 7, 31)
    dossiers: int = 90_000
    province: str = "H53"
    supplement_rate: float = 0.045
    extension_rate: float = 0.004
    late_rate: float = 0.003
    refusal_rate: float = 0.003
    withdrawal_rate: float = 0.002
    online_payment_rate: float = 0.7

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInputError(
                f"end: the period ends ({self.end}) before it starts ({self.start})", field="end"
            )
        if self.dossiers < 1:
            raise InvalidInputError(
                f"dossiers: expected at least 1 dossier to simulate, got {self.dossiers}",
                field="dossiers",
            )


def _working_days(calendar: WorkCalendar, first: dt.date, last: dt.date) -> npt.NDArray[Any]:
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    working: npt.NDArray[Any] = days[is_working_day(days, calendar=calendar)]
    return working


def _day_weights(days: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """Relative daily volume: Mondays busier, a make-up Saturday quieter, rushes around Tết."""
    weekday = (days.astype("datetime64[D]").astype(np.int64) + 3) % 7  # Monday 0
    weights = np.ones(days.size)
    weights[weekday == 0] = 1.15
    weights[weekday == 4] = 0.95
    weights[weekday >= 5] = 0.5
    # The weeks before a long break are busier, the first days after it quieter.
    ordinals = days.astype(np.int64)
    gaps = np.diff(ordinals)
    for gap in np.nonzero(gaps > 4)[0]:
        i = int(gap)
        weights[max(0, i - 9) : i + 1] *= 1.25
        weights[i + 1 : i + 4] *= 0.7
    return weights


def _minutes(rng: np.random.Generator, n: int) -> npt.NDArray[np.int64]:
    """Minutes after midnight within office windows (60 % in the morning)."""
    morning = rng.random(n) < 0.6
    low = np.where(morning, _MORNING[0], _AFTERNOON[0])
    high = np.where(morning, _MORNING[1], _AFTERNOON[1])
    result: npt.NDArray[np.int64] = rng.integers(low, high)
    return result


def _instant(days: npt.NDArray[Any], minutes: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
    result: npt.NDArray[Any] = days.astype("datetime64[m]") + minutes.astype("timedelta64[m]")
    return result


def _timestamps(values: npt.NDArray[Any], mask: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    us = values.astype("datetime64[us]")
    return pa.array(us, type=pa.timestamp("us"), mask=mask)


def simulate_records(
    settings: SimulationSettings | None = None,
    *,
    seed: int = 2022,
    calendar: WorkCalendar | None = None,
) -> pa.Table:
    """Draw the centre's dossiers for the period as an Arrow table (one row per dossier).

    The columns carry the names of the national dossier record where there is one, read
    without configuration by :func:`onestop.records.read_records`: ``MaHoSo``, ``MaTTHC``,
    ``TenTTHC``, ``TenLinhVuc``, ``DonViXuLy``, ``KenhThucHien`` (1 in person, 2 online, 3 by
    post), ``TrangThaiHoSo`` (the status at the end of the period), ``NgayNopHoSo``,
    ``NgayTiepNhan``, ``NgayHenTra`` (the appointment the centre stored: the engine's, moved
    by a supplement and an extension), ``NgayKetThucXuLy``, ``NgayTra``, ``so_ngay_xu_ly``,
    ``co_phi``, ``DuocThanhToanTrucTuyen``; and the simulation's own: ``phi`` (VND),
    ``han_ban_dau`` (the first appointment), ``ngay_yeu_cau_bo_sung``, ``ngay_nhan_bo_sung``,
    ``ngay_gia_han``. Instants are Vietnam wall-clock time without a time zone, as in
    :mod:`onestop.records`.

    Args:
        settings: the period, the volume and the rates (default: January-July 2022).
        seed: the seed; the same seed gives the same table.
        calendar: the working calendar (default: the civil-service calendar).

    Raises:
        InvalidInputError: the period holds no working day.
    """
    s = settings or SimulationSettings()
    cal = calendar or civil_service_calendar()
    rng = np.random.default_rng(seed)
    days = _working_days(cal, s.start, s.end)
    if not days.size:
        raise InvalidInputError(
            f"start: no working day between {s.start} and {s.end}", field="start"
        )
    # Working days well past the period, for positions of finish and return dates.
    ahead = _working_days(cal, s.start, s.end + dt.timedelta(days=200))

    per_day = rng.multinomial(s.dossiers, _day_weights(days) / _day_weights(days).sum())
    n = int(per_day.sum())
    recv_pos = np.repeat(np.arange(days.size), per_day)

    # Department, then procedure within it.
    dept_w = np.array([d.weight for d in DEPARTMENTS])
    proc_dept = np.array([p.department for p in PROCEDURES])
    proc_w = np.array([p.weight for p in PROCEDURES])
    share = (
        np.array([dept_w[p.department - 1] for p in PROCEDURES])
        * proc_w
        / np.array([proc_w[proc_dept == p.department].sum() for p in PROCEDURES])
    )
    proc = rng.choice(len(PROCEDURES), size=n, p=share / share.sum())
    amount = np.array([p.days for p in PROCEDURES])[proc]
    fee = np.array([p.fee for p in PROCEDURES])[proc]

    # Channel: online likelier for some procedures, scaled to the target mix.
    online_bias = np.array([p.online_share for p in PROCEDURES])[proc]
    p_online = CHANNEL_MIX["online"] * online_bias / np.average(online_bias)
    draw = rng.random(n)
    channel = np.where(
        draw < p_online, 2, np.where(draw < p_online + CHANNEL_MIX["postal"], 3, 1)
    ).astype(np.int8)

    recv_min = _minutes(rng, n)
    received = _instant(days[recv_pos], recv_min)
    order = np.lexsort((recv_min, recv_pos))
    proc, amount, fee, channel = proc[order], amount[order], fee[order], channel[order]
    recv_pos, recv_min, received = recv_pos[order], recv_min[order], received[order]
    submitted = received - np.where(channel == 1, 0, rng.integers(10, 3 * 24 * 60, n)).astype(
        "timedelta64[m]"
    )

    first_due = due_dates(received, amount, calendar=cal)

    # Appraisal supplements: asked within 3 working days of receipt (NĐ 61/2018 Art. 19(4)),
    # brought back 1-8 working days later; the clock then restarts.
    sup = rng.random(n) < s.supplement_rate
    sup_req_pos = recv_pos + rng.integers(1, 4, n)
    sup_back_pos = sup_req_pos + rng.integers(1, 9, n)
    sup_req = _instant(ahead[sup_req_pos], _minutes(rng, n))
    sup_back = _instant(ahead[sup_back_pos], _minutes(rng, n))
    due = np.where(sup, due_dates(sup_back, amount, calendar=cal), first_due)
    start_pos = np.where(sup, sup_back_pos, recv_pos)
    start_min = np.where(
        sup, (sup_back - sup_back.astype("datetime64[D]")).astype(np.int64), recv_min
    )

    due_day = due.astype("datetime64[D]")
    due_pos = np.searchsorted(ahead, due_day)
    # Extensions: re-appointed once, 2-8 working days later, by a letter the day before.
    ext = (rng.random(n) < s.extension_rate) & (due_pos - 1 > start_pos)
    ext_days = rng.integers(2, 9, n)
    new_due_pos = due_pos + ext_days
    ext_at = _instant(ahead[np.maximum(due_pos - 1, start_pos)], np.full(n, 15 * 60))
    new_due = ahead[new_due_pos].astype("datetime64[us]") + (due - due_day.astype("datetime64[us]"))
    final_due_pos = np.where(ext, new_due_pos, due_pos)

    # Finish: most early, some on the due date, a few late (1-6 working days after it).
    span = final_due_pos - start_pos
    frac = rng.beta(2.4, 1.3, n)
    fin_pos = start_pos + np.floor(frac * (span + 1)).astype(np.int64)
    on_due = rng.random(n) < 0.08
    fin_pos = np.where(on_due, final_due_pos, np.minimum(fin_pos, final_due_pos))
    fin_pos = np.where(ext, due_pos + 1 + (rng.random(n) * ext_days).astype(np.int64), fin_pos)
    fin_pos = np.minimum(fin_pos, np.where(ext, new_due_pos, fin_pos))
    late = rng.random(n) < s.late_rate
    fin_pos = np.where(late, final_due_pos + rng.integers(1, 7, n), fin_pos)
    fin_min = _minutes(rng, n)
    same_day = fin_pos == start_pos
    fin_min = np.where(
        same_day, np.minimum(start_min + 30 + (fin_min % 90), _AFTERNOON[1] + 14), fin_min
    )
    finished = _instant(ahead[fin_pos], fin_min)
    ret_pos = fin_pos + rng.geometric(0.55, n) - 1
    ret_min = np.where(ret_pos == fin_pos, np.minimum(fin_min + 20, 17 * 60 - 1), _minutes(rng, n))
    returned = _instant(ahead[ret_pos], ret_min)

    # Status at the end of the period.
    end = np.datetime64(s.end + dt.timedelta(days=1), "m")
    refused = rng.random(n) < s.refusal_rate
    withdrawn = (rng.random(n) < s.withdrawal_rate) & ~refused & (finished >= end - 0)
    withdrawn |= (rng.random(n) < s.withdrawal_rate) & ~refused
    status = np.full(n, _PROCESSING, dtype=np.int8)
    status[finished < end] = _COMPLETED
    status[returned < end] = _RETURNED
    sup_open = sup & (sup_req < end) & (sup_back >= end)
    status[sup_open] = _SUPPLEMENT
    status[withdrawn] = _WITHDRAWN
    status[refused] = _REFUSED
    done = (status == _COMPLETED) | (status == _RETURNED)
    accepted = ~refused
    # An event after the end of the period has not happened yet.
    sup_seen = sup & accepted & (sup_req < end)
    sup_back_seen = sup_seen & (sup_back < end) & ~withdrawn
    ext_seen = ext & accepted & (ext_at < end) & ~withdrawn & ~sup_open
    stored_due = np.where(sup_back_seen, due, first_due)
    stored_due = np.where(ext_seen, new_due, stored_due)

    paid_online = (channel == 2) & (fee > 0) & (rng.random(n) < s.online_payment_rate)

    # Codes: per department and day, numbered in order of receipt.
    dept = proc_dept[proc]
    day_str = np.datetime_as_string(days, unit="D")
    yymmdd = np.array([d[2:4] + d[5:7] + d[8:10] for d in day_str])
    key = dept.astype(np.int64) * 100_000 + recv_pos
    counter = np.zeros(n, dtype=np.int64)
    key_order = np.argsort(key, kind="stable")
    sorted_key = key[key_order]
    starts = np.r_[0, np.nonzero(np.diff(sorted_key))[0] + 1]
    run = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    counter[key_order] = run + 1
    codes = [
        f"000.00.{d:02d}.{s.province}-{yymmdd[p]}-{c:04d}"
        for d, p, c in zip(dept.tolist(), recv_pos.tolist(), counter.tolist(), strict=True)
    ]

    names = [p.name for p in PROCEDURES]
    dept_names = [d.name for d in DEPARTMENTS]
    fields = [p.field_name for p in PROCEDURES]
    proc_dict = pa.DictionaryArray.from_arrays(pa.array(proc.astype(np.int32)), pa.array(names))
    return pa.table(
        {
            "MaHoSo": pa.array(codes, type=pa.string()),
            "MaTTHC": pa.DictionaryArray.from_arrays(
                pa.array(proc.astype(np.int32)), pa.array([p.code for p in PROCEDURES])
            ).cast(pa.string()),
            "TenTTHC": proc_dict.cast(pa.string()),
            "TenLinhVuc": pa.DictionaryArray.from_arrays(
                pa.array(proc.astype(np.int32)), pa.array(fields)
            ).cast(pa.string()),
            "DonViXuLy": pa.DictionaryArray.from_arrays(
                pa.array((dept - 1).astype(np.int32)), pa.array(dept_names)
            ).cast(pa.string()),
            "KenhThucHien": pa.array(channel.astype(np.int64)),
            "TrangThaiHoSo": pa.array(status.astype(np.int64)),
            "NgayNopHoSo": _timestamps(submitted),
            "NgayTiepNhan": _timestamps(received, mask=refused),
            "NgayHenTra": _timestamps(stored_due, mask=refused),
            "NgayKetThucXuLy": _timestamps(finished, mask=~done),
            "NgayTra": _timestamps(returned, mask=status != _RETURNED),
            "so_ngay_xu_ly": pa.array(amount.astype(np.int64)),
            "co_phi": pa.array(fee > 0),
            "phi": pa.array(fee.astype(np.int64)),
            "DuocThanhToanTrucTuyen": pa.array(np.where(paid_online, 1, 0).astype(np.int64)),
            "han_ban_dau": _timestamps(first_due, mask=refused),
            "ngay_yeu_cau_bo_sung": _timestamps(sup_req, mask=~sup_seen),
            "ngay_nhan_bo_sung": _timestamps(sup_back, mask=~sup_back_seen),
            "ngay_gia_han": _timestamps(ext_at, mask=~ext_seen),
        }
    )
