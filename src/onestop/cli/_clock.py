"""The ``onestop clock`` command: the whole dossier clock of one dossier file.

``onestop clock DOSSIER.json [--at INSTANT] [--supplement-policy restart|pause] [--era NAME]
[--amount N --unit UNIT] [--json]`` reads a dossier in onestop's JSON (a
:class:`~onestop.models.Dossier`, as ``Dossier.to_json()`` writes it) or one record of the
national portal (``DongBoHoSoMC`` / ``TraCuuHoSo``: ``MaHoSo``, ``NgayTiepNhan``...), builds its
:class:`~onestop.deadlines.DossierClock` (receipt, supplements, extension, liên thông steps,
the online answer limit) and prints where it stands at ``--at`` (default: now): the due date,
whether the clock is paused, the office time left, the timeliness, the era whose rules govern
the dossier, the flags with their legal basis, and the explanation in Vietnamese and English.

A portal record does not carry the procedure's processing time: give it with ``--amount`` and
``--unit`` (they also override a dossier's own). In a portal record, a supplement requested
before ``NgayTiepNhan`` is the desk's answer at intake (it does not touch the clock); the
others are appraisal-stage requests.

Exit status 0 when the clock could be computed, 2 on bad input (an unreadable file, a date out
of order, an unknown era...).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import attrs
import typer

from onestop.cli._app import (
    JsonOption,
    console,
    handle_errors,
    print_envelope,
    read_input_text,
    text_value,
)
from onestop.deadlines import (
    DossierClock,
    Submission,
    SupplementSpan,
    civil_service_calendar,
    parse_processing_time,
)
from onestop.deadlines._text import LANGS
from onestop.errors import InvalidInputError
from onestop.models import Channel, Dossier, ProcessingTime
from onestop.tz import format_instant, parse_instant, to_vn

if TYPE_CHECKING:
    from onestop.deadlines import WorkCalendar

__all__ = ["clock_command"]


def _document(path: Path) -> dict[str, Any]:
    text = read_input_text(path, field="dossier")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"dossier: {path.name!r} is not JSON ({exc.msg}, line {exc.lineno}); expected a "
            "dossier in onestop's JSON or a portal record",
            field="dossier",
        ) from None
    if not isinstance(data, dict):
        raise InvalidInputError(
            f"dossier: expected one JSON object (a dossier or a portal record), got a "
            f"{type(data).__name__}",
            field="dossier",
        )
    return data


def _portal_clock(
    data: dict[str, Any],
    processing_time: ProcessingTime | None,
    *,
    calendar: WorkCalendar,
    supplement_policy: str | None,
    rules: str | None,
) -> DossierClock:
    """The clock of one portal record: the one place the CLI reads the portal's wire format."""
    from onestop.connectors import HoSoRecord, parse_portal_datetime

    record = HoSoRecord.model_validate(data)

    def instant(value: str, field: str) -> dt.datetime | None:
        return parse_portal_datetime(value, field=field)

    received = instant(record.received_at, "NgayTiepNhan")
    if received is None:
        raise InvalidInputError(
            "NgayTiepNhan: the record has no receipt instant; the clock starts when the complete "
            "dossier is received",
            field="NgayTiepNhan",
        )
    if processing_time is None:
        raise InvalidInputError(
            "processing_time: a portal record does not carry the procedure's processing time; "
            "give it with --amount and --unit",
            field="processing_time",
        )
    submitted = instant(record.submitted_at, "NgayNopHoSo")
    answered: dt.datetime | None = None
    supplements = []
    for i, item in enumerate(record.supplements):
        where = f"DanhSachHoSoBoSung[{i}]"
        requested = instant(item.requested_at, f"{where}.NgayBoSung")
        if requested is None:
            raise InvalidInputError(
                f"{where}.NgayBoSung: a supplement request without its date",
                field=f"{where}.NgayBoSung",
            )
        back = instant(item.received_at, f"{where}.NgayTiepNhanBoSung")
        if back is not None and back < requested:
            raise InvalidInputError(
                f"{where}.NgayTiepNhanBoSung: earlier than its request (NgayBoSung)",
                field=f"{where}.NgayTiepNhanBoSung",
            )
        if requested < received:  # asked at intake: the desk's answer, before the clock
            answered = requested if answered is None else min(answered, requested)
            continue
        supplements.append(SupplementSpan(requested, back))
    finished = instant(record.finished_at, "NgayKetThucXuLy") or instant(
        record.returned_at, "NgayTra"
    )
    submission = None
    if submitted is not None:
        if submitted > received:
            raise InvalidInputError(
                "NgayNopHoSo: later than NgayTiepNhan; a dossier is received after it is submitted",
                field="NgayNopHoSo",
            )
        submission = Submission(submitted, Channel.from_code(record.channel), answered)
    return DossierClock(
        received,
        processing_time,
        calendar=calendar,
        supplement_policy=supplement_policy,
        supplements=supplements,
        finished_at=finished,
        submission=submission,
        rules=rules,
    )


def _clock(
    data: dict[str, Any],
    processing_time: ProcessingTime | None,
    *,
    supplement_policy: str | None,
    rules: str | None,
) -> tuple[str, DossierClock]:
    calendar = civil_service_calendar(warn_provisional=False)
    if "MaHoSo" in data:
        clock = _portal_clock(
            data,
            processing_time,
            calendar=calendar,
            supplement_policy=supplement_policy,
            rules=rules,
        )
        return "portal", clock
    dossier = Dossier.model_validate(data)
    clock = DossierClock.from_dossier(
        dossier, calendar=calendar, supplement_policy=supplement_policy, rules=rules
    )
    if processing_time is not None:
        clock = attrs.evolve(clock, processing_time=processing_time)
    return "onestop", clock


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else format_instant(value)


@handle_errors
def clock_command(
    dossier_file: Annotated[
        Path,
        typer.Argument(
            metavar="DOSSIER.json",
            help="A dossier in onestop's JSON (Dossier.to_json()) or one portal record "
            "(MaHoSo, NgayTiepNhan, DanhSachHoSoBoSung...).",
        ),
    ],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            parser=text_value,
            metavar="INSTANT",
            help="The instant to read the clock at (default: now): ISO 8601 (no offset: Vietnam "
            "time) or dd/mm/yyyy HH:MM.",
        ),
    ] = None,
    supplement_policy: Annotated[
        str | None,
        typer.Option(
            "--supplement-policy",
            parser=text_value,
            metavar="POLICY",
            help="restart (default: the time is counted again from the completed dossier) or "
            "pause (the waiting time is added back).",
        ),
    ] = None,
    era: Annotated[
        str | None,
        typer.Option(
            "--era",
            parser=text_value,
            metavar="NAME",
            help="Replay the dossier under another era's rules: ND-61-2018 or ND-118-2025 "
            "(default: the one in force at its receipt).",
        ),
    ] = None,
    amount: Annotated[
        int | None,
        typer.Option(
            "--amount",
            help="Processing time amount (required for a portal record; overrides a dossier's).",
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            parser=text_value,
            metavar="UNIT",
            help="Unit of --amount: working-days (default), working-hours, calendar-days, "
            "months or same-day.",
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Read a dossier's clock: due date, pause, office time left, timeliness, era and flags.

    With --json, print one object: due, original_due, base_due, received, at, paused,
    remaining_working_seconds, timeliness, era, source, flags (code, message_vi, message_en,
    basis) and explanation (vi, en).
    """
    when = (
        parse_instant(at, field="at")
        if at is not None
        else to_vn(dt.datetime.now(dt.UTC).replace(microsecond=0), field="at")
    )
    if unit is not None and amount is None:
        raise InvalidInputError("amount: --unit needs --amount", field="amount")
    processing_time = None if amount is None else parse_processing_time(amount, unit)
    source, clock = _clock(
        _document(dossier_file),
        processing_time,
        supplement_policy=supplement_policy,
        rules=era,
    )
    flags = clock.flags(when)
    payload: dict[str, Any] = {
        "source": source,
        "received": _iso(clock.received_at),
        "at": _iso(when),
        "base_due": _iso(clock.base.due_at),
        "original_due": _iso(clock.original_due_at),
        "due": _iso(clock.due_at),
        "paused": clock.is_paused(when),
        "remaining_working_seconds": round(clock.remaining(when).total_seconds()),
        "timeliness": clock.timeliness(when).value,
        "era": clock.era,
        "flags": [
            {
                "code": flag.code.value,
                "message_vi": flag.message("vi"),
                "message_en": flag.message("en"),
                "basis": [c.to_dict() for c in flag.basis],
            }
            for flag in flags
        ],
        "explanation": {lang: clock.explain(lang, at=when) for lang in LANGS},
    }
    if json_:
        print_envelope(payload)
        return
    left = clock.remaining(when)
    lines = [
        f"era: {clock.era} ({clock.rules.name})",
        f"due: {payload['due'] or 'unknown until the supplement comes back'}",
        f"at: {payload['at']}: {clock.timeliness(when).label_en}"
        + ("; paused (waiting for a supplement)" if payload["paused"] else ""),
        f"office time left: {left.text('en')}",
    ]
    lines += [f"flag {flag.code.value}: {flag.message('en')}" for flag in flags]
    for line in lines:
        console.print(line, markup=False, soft_wrap=True)
    for lang in ("vi", "en"):
        console.print("", markup=False)
        console.print(payload["explanation"][lang], markup=False, soft_wrap=True)
