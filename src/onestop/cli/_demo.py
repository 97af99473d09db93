"""The ``onestop demo`` command: the main job end to end.

One dossier goes through what a provincial Public Administration Service Center does with it:
receipt with a dossier code, the appointment date on the official civil-service calendar (with
its explanation), processing with a supplement request, the dossier clock's early / on-time /
late verdict, a signed receipt record, and every status change synchronised through the durable
outbox to an in-process fake of the National Public Service Portal that fails now and then.
Everything runs locally and deterministically; nothing is sent over the network.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.table import Table

from onestop.cli._app import (
    JsonOption,
    console,
    err_console,
    handle_errors,
    path_value,
    print_envelope,
)
from onestop.errors import InvalidInputError, mask_id
from onestop.tz import VN_TZ, format_instant

__all__ = ["run_demo"]

OFFICER = "Cán bộ Bộ phận Một cửa"


def _at(day: str, hhmm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=VN_TZ)


def run_demo(*, workdir: Path, procedure_seed: int = 3) -> dict[str, Any]:
    """Run the demonstration and return its findings as a JSON-ready dict.

    Args:
        workdir: a directory for the outbox database.
        procedure_seed: seed of :func:`onestop.testing.make_procedure` (3 gives
            1.004222 Đăng ký thường trú, 7 working days).

    Returns:
        A dict with the keys ``dossier``, ``applicant``, ``deadline``, ``history``,
        ``clock``, ``portal``, ``outbox`` and ``signature``.
    """
    from onestop.connectors import AdapterAuth, Outbox, OutboxWorker, PortalClient, RetryPolicy
    from onestop.deadlines import RESTART, DossierClock, civil_service_calendar, compute_due
    from onestop.models import (
        AgencyCode,
        Channel,
        Dossier,
        DossierCodeGenerator,
        InMemorySequenceStore,
    )
    from onestop.testing import FakePortal, make_dossier, make_procedure

    calendar = civil_service_calendar()
    procedure = make_procedure(seed=procedure_seed)
    applicant = make_dossier(seed=procedure_seed).applicant
    agency = AgencyCode.parse("000.00.00.H56")

    # 1. Receipt on the Friday before the Tết 2026 break (14-22 Feb 2026).
    received = _at("2026-02-13", "10:00")
    code = DossierCodeGenerator(InMemorySequenceStore()).next(agency, received.date())
    deadline = compute_due(
        received, procedure.processing_time_for(Channel.DIRECT), calendar=calendar
    )
    dossier = Dossier.submit(
        code=code,
        procedure=procedure,
        applicant=applicant,
        channel=Channel.DIRECT,
        at=received,
        by=OFFICER,
        due_at=deadline.due_at,
    )

    outbox = Outbox(workdir / "outbox.sqlite", synchronous="NORMAL")
    portal = FakePortal(seed=7)
    retry = RetryPolicy(attempts=5, initial_backoff=0.01, max_backoff=0.05)
    client = PortalClient(
        "https://adapter.example",
        auth=AdapterAuth("onestop", "onestop"),
        unit_code="H56",
        transport=portal.transport(),
        retry=retry,
    )
    worker = OutboxWorker(outbox, client)
    reports: list[dict[str, int]] = []

    # The receipt is recorded, then synchronised while the portal fails twice and times out once.
    outbox.enqueue(dossier)
    portal.fail_next(2, status=503)
    portal.timeout_next(1)
    reports.append(worker.run(stop_when="empty", max_seconds=30).to_dict())

    # 2. Processing, a supplement request and the restarted clock (NĐ 61/2018 Art. 19(4)).
    dossier = dossier.start_processing(at=_at("2026-02-23", "08:30"), by=OFFICER)
    outbox.enqueue(dossier)
    dossier = dossier.request_supplement(
        at=_at("2026-02-24", "09:15"), by=OFFICER, reason="Thiếu bản sao giấy tờ chứng minh chỗ ở"
    )
    outbox.enqueue(dossier)
    reports.append(worker.run(stop_when="empty", max_seconds=30).to_dict())
    resubmitted = _at("2026-02-26", "14:00")
    clock = DossierClock.from_dossier(
        dossier, procedure=procedure, calendar=calendar, supplement_policy=RESTART
    )
    clock = clock.with_resubmission(resubmitted)
    dossier = dossier.receive_supplement(at=resubmitted, by=OFFICER, due_at=clock.due_at)
    outbox.enqueue(dossier)
    dossier = dossier.complete(at=_at("2026-03-06", "15:30"), by="Công an tỉnh Thanh Hóa")
    outbox.enqueue(dossier)
    dossier = dossier.return_result(at=_at("2026-03-09", "08:45"), by=OFFICER)
    outbox.enqueue(dossier)
    # 3. The last three states coalesce: the portal needs only the latest one.
    reports.append(worker.run(stop_when="empty", max_seconds=30).to_dict())
    held = client.lookup_dossier(str(dossier.code))
    client.close()
    stats = outbox.stats()
    outbox.close()
    final_clock = DossierClock.from_dossier(
        dossier, procedure=procedure, calendar=calendar, supplement_policy=RESTART
    )

    result: dict[str, Any] = {
        "dossier": {
            "code": str(dossier.code),
            "procedure": f"{procedure.code} {procedure.name_vi}",
            "channel": dossier.channel.value,
            "received_at": format_instant(received),
            "status": dossier.status.value,
            "status_code": dossier.status.code,
        },
        "applicant": _applicant_summary(applicant),
        "deadline": {
            "due": format_instant(deadline.due_at),
            "policy": deadline.policy.name,
            "explanation_vi": deadline.explain("vi"),
            "explanation_en": deadline.explain("en"),
        },
        "history": [
            {
                "at": format_instant(e.at),
                "to": e.to_status.value if e.to_status else None,
                "action": str(e.action),
            }
            for e in dossier.events
        ],
        "clock": {
            "supplement_policy": "restart",
            "due_after_supplement": format_instant(clock.due_at) if clock.due_at else None,
            "timeliness": str(final_clock.timeliness(dossier.completed_at or received)),
            "explanation_vi": final_clock.explain("vi"),
        },
        "portal": {
            "held_status": held.status if held else None,
            "creates": portal.creates.get(str(dossier.code), 0),
            "updates": portal.updates.get(str(dossier.code), 0),
            "faults_injected": dict(portal.faults_injected),
        },
        "outbox": {"worker_runs": reports, "stats": stats.to_dict()},
        "signature": _sign_receipt(str(dossier.code), received, deadline.due_at),
    }
    return result


def _applicant_summary(applicant: Any) -> dict[str, Any]:
    cid = getattr(applicant, "citizen_id", None)
    if cid is None:
        return {"kind": str(applicant.kind)}
    return {
        "kind": str(applicant.kind),
        "citizen_id": mask_id(str(cid)),
        "birth_year": cid.birth_year,
        "sex": str(cid.sex),
        "birth_province": cid.province.name_vi,
    }


def _sign_receipt(code: str, received: dt.datetime, due: dt.datetime) -> dict[str, Any]:
    try:
        from onestop.signatures import sign_record, verify_record
        from onestop.testing import build_test_pki
    except ImportError as exc:  # pragma: no cover - only without the signatures extra
        return {"skipped": f"pip install 'onestop-vn[signatures]' ({exc.name} missing)"}
    pki = build_test_pki()
    receipt = {"MaHoSo": code, "NgayTiepNhan": received.isoformat(), "NgayHenTra": due.isoformat()}
    signer = pki.signer
    signed = sign_record(
        receipt, certificate=signer.certificate, key=signer.key, chain=signer.chain
    )
    status = verify_record(receipt, signed.signature, trust=pki.trust_store())
    tampered = dict(receipt, NgayHenTra=(due + dt.timedelta(days=1)).isoformat())
    bad = verify_record(tampered, signed.signature, trust=pki.trust_store())
    return {
        "signer": signer.certificate.subject.common_name,
        "valid": status.valid,
        "tampered_valid": bad.valid,
        "tampered_problems": [p.code.value for p in bad.problems],
        "signature_bytes": len(signed.signature),
    }


#: What the history table calls each event (the model's action names are English).
_ACTIONS_VI: dict[str, str] = {
    "submit": "nộp hồ sơ",
    "accept": "tiếp nhận",
    "refuse": "từ chối tiếp nhận",
    "start_processing": "bắt đầu xử lý",
    "request_supplement": "yêu cầu bổ sung",
    "receive_supplement": "nhận hồ sơ bổ sung",
    "request_payment": "yêu cầu nghĩa vụ tài chính",
    "record_payment": "ghi nhận thanh toán",
    "withdraw": "rút hồ sơ",
    "stop": "dừng xử lý",
    "close": "kết thúc hồ sơ",
    "complete": "xử lý xong",
    "return_result": "trả kết quả",
    "extend": "gia hạn (thư xin lỗi)",
    "transition": "chuyển trạng thái",
    "note": "ghi chú",
}
_SEX_VI = {"male": "nam", "female": "nữ"}


def _render(result: dict[str, Any]) -> None:
    from onestop.cli._demo_centre import FAULTS_VI
    from onestop.deadlines import Timeliness
    from onestop.models import Channel, DossierStatus

    d = result["dossier"]
    console.rule("[bold]onestop demo --one-dossier[/bold]: một hồ sơ từ tiếp nhận đến trả kết quả")
    console.print(
        f"Hồ sơ [bold]{d['code']}[/bold] — {d['procedure']} — kênh "
        f"{Channel(d['channel']).label_vi.lower()}, tiếp nhận {d['received_at']}"
    )
    a = result["applicant"]
    if "citizen_id" in a:
        console.print(
            f"Người nộp: CCCD {a['citizen_id']} (nơi đăng ký khai sinh {a['birth_province']}, "
            f"năm sinh {a['birth_year']}, giới tính {_SEX_VI.get(a['sex'], a['sex'])})"
        )
    dl = result["deadline"]
    console.print(Panel(dl["explanation_vi"], title=f"Ngày hẹn trả: {dl['due']}", expand=False))
    table = Table(title="Lịch sử hồ sơ")
    table.add_column("Thời điểm")
    table.add_column("Thao tác")
    table.add_column("Trạng thái")
    for e in result["history"]:
        table.add_row(
            e["at"],
            _ACTIONS_VI.get(e["action"], e["action"]),
            DossierStatus(e["to"]).label_vi if e["to"] else "",
        )
    console.print(table)
    c = result["clock"]
    console.print(
        f"Sau bổ sung (tính lại từ đầu): hạn mới {c['due_after_supplement']}; "
        f"kết quả: [bold]{Timeliness(c['timeliness']).label_vi.lower()}[/bold]"
    )
    p, o = result["portal"], result["outbox"]
    faults = ", ".join(
        f"{FAULTS_VI.get(kind, kind)} × {n}" for kind, n in sorted(p["faults_injected"].items())
    )
    stats = o["stats"]
    console.print(
        f"Cổng DVCQG (giả lập): mã trạng thái {p['held_status']}, tạo {p['creates']} lần, "
        f"cập nhật {p['updates']} lần, lỗi giả lập: {faults or 'không'}; outbox: "
        f"{stats['delivered']} đã gửi, {stats['pending']} chờ gửi, {stats['dead']} hỏng",
        markup=False,
    )
    s = result["signature"]
    if "skipped" in s:
        console.print(f"Chữ ký số: bỏ qua ({s['skipped']})")
    else:
        console.print(
            f"Giấy tiếp nhận ký số bởi {s['signer']}: "
            f"{'hợp lệ' if s['valid'] else 'KHÔNG hợp lệ'}; sửa ngày hẹn → "
            f"{'hợp lệ' if s['tampered_valid'] else 'không hợp lệ (nội dung đã bị sửa sau khi ký)'}"
        )


def _usable_workdir(
    workdir: Path, *, what: str = "its outbox database", field: str = "workdir"
) -> Path:
    """``workdir``, created if missing; bad input if it is a file or cannot be written."""
    try:
        workdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problem = "is not a directory" if workdir.exists() else "cannot be created"
        raise InvalidInputError(
            f"{field}: {str(workdir)!r} {problem} ({exc.strerror or type(exc).__name__}); give "
            f"a directory the demo may write {what} into",
            field=field,
        ) from None
    if not os.access(workdir, os.W_OK | os.X_OK):
        raise InvalidInputError(
            f"{field}: {str(workdir)!r} is not writable; give a directory the demo may write "
            f"{what} into",
            field=field,
        )
    return workdir


@handle_errors
def demo(
    json_: JsonOption = False,
    workdir: Annotated[
        Path | None,
        typer.Option(
            "--workdir",
            parser=path_value,
            metavar="DIR",
            help="Directory for the outbox, the payment ledger and the HTML report "
            "(default: temporary).",
        ),
    ] = None,
    one_dossier: Annotated[
        bool,
        typer.Option(
            "--one-dossier",
            help="Walk one dossier through receipt, deadline, processing, signing and portal "
            "sync instead.",
        ),
    ] = False,
    seed: Annotated[
        int,
        typer.Option("--seed", min=0, help="Seed of the simulation: same seed, same figures."),
    ] = 2022,
    small: Annotated[
        bool, typer.Option("--small", help="3,000 dossiers: a run of a few seconds.")
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Synchronise the whole period with the portal, the post office and the "
            "payment platform (minutes), not only the last week.",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            parser=path_value,
            metavar="DIR",
            help="Keep the data (CSV, Parquet), sample receipts (PDF), the HTML report and "
            "the figures (JSON) in DIR.",
        ),
    ] = None,
) -> None:
    """Simulate a provincial Public Administration Service Center over January-July 2022.

    About 90,000 dossiers of 17 departments on the 2022 civil-service calendar: the report by
    channel and department, receipts (some signed), synchronisation through the outbox to the
    fake portal, postal orders and online payments, all on loopback.
    """
    if small and full:
        raise InvalidInputError(
            "small: --small and --full cannot be combined; choose one", field="small"
        )
    if one_dossier:
        if small or full or out is not None or seed != 2022:
            raise InvalidInputError(
                "one_dossier: --one-dossier takes only --workdir and --json (not --seed, "
                "--small, --full or --out)",
                field="one_dossier",
            )
        _one_dossier(json_=json_, workdir=workdir)
        return
    from onestop.cli._demo_centre import render_centre, run_with_progress

    mode = "small" if small else "full" if full else "default"
    folder = (
        _usable_workdir(out, what="the demo's data, receipts and report", field="out")
        if out is not None
        else None
    )
    show = not json_ and err_console.is_terminal
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="onestop-demo-") as tmp:
            result = run_with_progress(show=show, seed=seed, mode=mode, workdir=tmp, out=folder)
            if folder is None and result.get("html"):
                # the report outlives the temporary directory: one HTML file of its own
                kept, name = tempfile.mkstemp(prefix="onestop-demo-", suffix=".html")
                with os.fdopen(kept, "wb") as page:
                    page.write(Path(result["html"]).read_bytes())
                result["html"] = name
    else:
        result = run_with_progress(
            show=show, seed=seed, mode=mode, workdir=_usable_workdir(workdir), out=folder
        )
    failed = [name for name, ok in result["checks"].items() if not ok]
    problem = f"consistency checks failed: {', '.join(failed)}" if failed else None
    if json_:
        error = None if problem is None else {"code": "checks_failed", "message": problem}
        print_envelope(result, ok=problem is None, error=error and {**error, "field": None})
    else:
        render_centre(result)
        if problem is not None:
            err_console.print(f"error[checks_failed]: {problem}", markup=False, soft_wrap=True)
    if problem is not None:
        raise typer.Exit(1)


def _one_dossier(*, json_: bool, workdir: Path | None) -> None:
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="onestop-demo-") as tmp:
            result = run_demo(workdir=Path(tmp))
    else:
        result = run_demo(workdir=_usable_workdir(workdir))
    if json_:
        print_envelope(result)
    else:
        _render(result)
