"""``onestop demo`` (the default): the simulated service centre in the terminal.

The work is :func:`onestop.demo.run_centre`; this module shows its progress with rich progress
bars and prints its figures as tables, every label in Vietnamese (channel names from
:attr:`onestop.models.Channel.label_vi`, never the enum values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from onestop.cli._app import console, err_console

__all__ = ["FAULTS_VI", "STEP_LABELS", "render_centre", "run_with_progress"]

#: The fakes' fault kinds, as the output names them.
FAULTS_VI: dict[str, str] = {
    "5xx": "lỗi máy chủ (5xx)",
    "timeout": "hết thời gian chờ",
    "drop": "mất kết nối",
    "429": "quá tải (429)",
    "trickle": "trả lời nhỏ giọt",
    "oversize": "trả lời quá lớn",
}

#: What each step of :data:`onestop.demo.STEPS` is called on screen.
STEP_LABELS: dict[str, str] = {
    "generate": "Sinh dữ liệu hồ sơ",
    "report": "Lập báo cáo",
    "receipts": "Giấy tiếp nhận (mẫu 01)",
    "sync": "Đồng bộ Cổng DVCQG, bưu chính",
    "payments": "Thanh toán trực tuyến",
    "write": "Ghi dữ liệu, báo cáo",
}


def run_with_progress(*, show: bool, **kwargs: Any) -> dict[str, Any]:
    """:func:`onestop.demo.run_centre` with a progress bar per step (on standard error)."""
    from onestop.demo import run_centre

    if not show:
        return run_centre(**kwargs)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("{task.description:<32}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
    ) as bars:
        tasks: dict[str, Any] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bars.add_task(STEP_LABELS.get(step, step), total=max(total, 1))
            bars.update(tasks[step], completed=min(done, max(total, 1)), total=max(total, 1))

        return run_centre(progress=progress, **kwargs)


def _dec(value: float, digits: int) -> str:
    """A decimal number written the Vietnamese way (decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",")


def _pct(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{_dec(value * 100, digits)} %"


def _n(value: int) -> str:
    """A whole number with Vietnamese thousands separators (dots)."""
    return f"{value:,}".replace(",", ".")


def render_centre(result: dict[str, Any]) -> None:
    """Print the figures of a run (see :func:`onestop.demo.run_centre`)."""
    from rich.table import Table

    from onestop.models import Channel

    rep = result["report"]
    sim = result["simulated"]
    period = rep["period"]
    console.rule(f"[bold]onestop demo[/bold]: {result['centre']}")
    console.print(
        f"Kỳ báo cáo {period['from']} – {period['to']} (lịch làm việc của cán bộ, công chức); "
        f"{_n(sim['dossiers'])} hồ sơ, {sim['departments']} đơn vị, {sim['procedures']} thủ tục; "
        f"hạt giống (seed) {result['seed']}",
        markup=False,
    )

    overview = Table(title="Tổng quan")
    overview.add_column("Chỉ tiêu")
    overview.add_column("Số liệu", justify="right")
    for label, value in (
        ("Hồ sơ tiếp nhận", _n(rep["received"])),
        ("Không được tiếp nhận", _n(rep["not_accepted"])),
        ("Đã giải quyết", _n(rep["resolved"])),
        ("  trước hạn", _n(rep["early"])),
        ("  đúng hạn", _n(rep["on_time"])),
        ("  quá hạn", _n(rep["late"])),
        ("Tỷ lệ đúng hạn", _pct(rep["on_time_rate"])),
        ("Đang giải quyết", _n(rep["in_progress"])),
        ("  trong đó quá hạn", _n(rep["in_progress_overdue"])),
        ("Rút, dừng xử lý", _n(rep["withdrawn_or_stopped"])),
        ("Yêu cầu bổ sung", _n(sim["supplement_requests"])),
        ("Gia hạn (thư xin lỗi)", _n(sim["extensions"])),
        ("Thời gian giải quyết trung bình", f"{_dec(rep['mean_working_days'], 2)} ngày làm việc"),
    ):
        overview.add_row(label, value)
    console.print(overview)

    channels = Table(title="Theo kênh tiếp nhận")
    channels.add_column("Kênh")
    channels.add_column("Hồ sơ", justify="right")
    channels.add_column("Tỷ lệ", justify="right")
    channels.add_column("Mục tiêu", justify="right")
    for key in ("direct", "postal", "online"):
        channels.add_row(
            Channel(key).label_vi,
            _n(rep["by_channel"][key]),
            _pct(rep["channel_shares"][key], 1),
            _pct(sim["target_channel_mix"][key], 1),
        )
    console.print(channels)

    depts = Table(title="Theo đơn vị")
    depts.add_column("Đơn vị")
    depts.add_column("Tiếp nhận", justify="right")
    depts.add_column("Đã giải quyết", justify="right")
    depts.add_column("Quá hạn", justify="right")
    depts.add_column("Tỷ lệ đúng hạn", justify="right")
    for row in result["by_department"]:
        depts.add_row(
            row["department"],
            _n(row["received"]),
            _n(row["resolved"]),
            _n(row["late"]),
            _pct(row["on_time_rate"]),
        )
    console.print(depts)

    sync, pay, rec = result["sync"], result["payments"], result["receipts"]
    portal, postal = sync["portal"], sync["postal"]
    transport = sync["transport"]
    faults = ", ".join(
        f"{FAULTS_VI.get(kind, kind)} × {_n(n)}"
        for kind, n in sorted(transport["portal_faults"].items())
    )
    console.print(
        f"Đồng bộ Cổng DVCQG (giả lập, {sync['window']['from']} – {sync['window']['to']}): "
        f"{_n(sync['dossiers'])} hồ sơ, {_n(portal['creates'])} lần tạo, "
        f"{_n(transport['portal_updates'])} lần cập nhật, {_n(sync['progress_rows'])} bước "
        f"xử lý trong {_n(sync['progress_calls'])} lần gọi; lỗi giả lập: {faults or 'không'}; "
        f"outbox còn {sync['outbox']['pending']} chờ gửi, {sync['outbox']['dead']} hỏng",
        markup=False,
    )
    console.print(
        f"Bưu chính công ích (giả lập): {_n(postal['pickups'])} đơn thu gom hồ sơ, "
        f"{_n(postal['deliveries'])} đơn chuyển trả kết quả; mỗi đơn có đúng một lần ở bưu "
        f"điện: {'có' if postal['at_fake_exactly_once'] else 'KHÔNG'}",
        markup=False,
    )
    reconciled = pay["reconciliation"].get("settled", 0) if pay["reconciliation"] else 0
    console.print(
        f"Thanh toán trực tuyến (giả lập): {_n(pay['opened'])} giao dịch, "
        f"{_n(pay['amount_vnd'])} đồng; {_n(pay['settled_by_callback'])} xác nhận qua IPN, "
        f"{_n(reconciled)} qua đối soát ({_n(pay['callbacks_lost'])} IPN bị mất); "
        f"còn chờ {pay['pending']}",
        markup=False,
    )
    console.print(
        f"Giấy tiếp nhận (mẫu 01): {rec['drawn']} bản PDF, {rec['signed']} bản ký số "
        f"(PKI thử nghiệm), chữ ký hợp lệ: {rec['signatures_valid']}/{rec['signed']}",
        markup=False,
    )
    failed = [name for name, ok in result["checks"].items() if not ok]
    console.print(
        "Kiểm tra nhất quán: " + ("đạt" if not failed else "KHÔNG ĐẠT (" + ", ".join(failed) + ")"),
        markup=False,
    )
    seconds = result["seconds"]
    console.print(
        "Thời gian: "
        + "; ".join(f"{STEP_LABELS.get(k, k)} {_dec(v, 1)} s" for k, v in seconds.items())
        + f" — tổng {_dec(sum(seconds.values()), 1)} s",
        markup=False,
    )
    if result["out"]:
        folder = Path(result["out"]["html"]).parent
        console.print(f"Đã lưu dữ liệu, giấy tiếp nhận và báo cáo HTML vào {folder}", markup=False)
    elif result["html"]:
        console.print(f"Báo cáo HTML: {result['html']}", markup=False, soft_wrap=True)
    else:
        console.print("Báo cáo HTML: dùng --out THƯ_MỤC để giữ lại", markup=False)
