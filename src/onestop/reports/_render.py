"""Charts (matplotlib, SVG/PNG) and the self-contained HTML report.

The HTML report works offline: the CSS is inline, the charts are inline SVG (text drawn with
the reader's own fonts), there is no script, and a Content-Security-Policy forbids the page to
fetch anything. matplotlib is imported only here (``charts`` extra), without pyplot, so no
global figure state and no display backend is touched.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from onestop.errors import InvalidInputError, MissingExtraError

if TYPE_CHECKING:
    from onestop.reports._report import Report

__all__ = ["CHARTS", "charts_svg", "report_fragment", "report_html", "save_chart"]

_COLOURS = {"direct": "#4C72B0", "online": "#55A868", "postal": "#DD8452", "late": "#C44E52"}


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        error = MissingExtraError(
            "charts: report charts need matplotlib; install it with "
            "pip install 'onestop-vn[charts]'",
            field="charts",
        )
        error.name = "matplotlib"
        raise error from exc
    return Figure(figsize=(width, height), layout="constrained")


def _months(report: Report) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = report.indicators(("month",)).to_pylist()
    return rows


def _channel_mix(report: Report) -> Any:
    rows = _months(report)
    labels = [r["period"] for r in rows]
    fig = _figure(7.5, 3.6)
    ax = fig.add_subplot()
    bottom = [0] * len(rows)
    for channel, name in (("direct", "Trực tiếp"), ("online", "Trực tuyến"), ("postal", "BCCI")):
        values = [r[f"received_{channel}"] for r in rows]
        ax.bar(labels, values, bottom=bottom, label=name, color=_COLOURS[channel])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title("Hồ sơ tiếp nhận theo kênh (received by channel)")
    ax.set_ylabel("hồ sơ")
    ax.legend(loc="upper left", fontsize="small")
    ax.tick_params(axis="x", labelrotation=45 if len(rows) > 8 else 0)
    return fig


def _on_time_trend(report: Report) -> Any:
    rows = _months(report)
    labels = [r["period"] for r in rows]
    fig = _figure(7.5, 3.6)
    ax = fig.add_subplot()
    good = [r["resolved_early"] + r["resolved_on_time"] for r in rows]
    late = [r["resolved_late"] for r in rows]
    ax.bar(labels, good, label="Trước hạn, đúng hạn", color=_COLOURS["online"])
    ax.bar(labels, late, bottom=good, label="Quá hạn", color=_COLOURS["late"])
    ax.set_ylabel("hồ sơ đã giải quyết")
    ax.tick_params(axis="x", labelrotation=45 if len(rows) > 8 else 0)
    rate = ax.twinx()
    rate.plot(
        labels,
        [None if r["on_time_rate"] is None else 100 * r["on_time_rate"] for r in rows],
        color="#333333",
        marker="o",
        label="Tỷ lệ đúng hạn (%)",
    )
    rate.set_ylim(0, 105)
    rate.set_ylabel("%")
    ax.set_title("Giải quyết đúng hạn theo tháng (on-time trend)")
    ax.legend(loc="lower left", fontsize="small")
    return fig


def _department_ranking(report: Report) -> Any:
    rows = [
        r for r in report.indicators(("department",)).to_pylist() if r["on_time_rate"] is not None
    ]
    rows.sort(key=lambda r: (r["on_time_rate"], r["resolved_total"]))
    rows = rows[-25:]
    fig = _figure(7.5, max(2.2, 0.32 * len(rows) + 1.2))
    ax = fig.add_subplot()
    names = [str(r["department"]) if r["department"] is not None else "(không rõ)" for r in rows]
    ax.barh(names, [100 * r["on_time_rate"] for r in rows], color=_COLOURS["direct"])
    for i, r in enumerate(rows):
        ax.text(1, i, f"{r['resolved_total']:,} hồ sơ", va="center", fontsize="x-small",
                color="white")  # fmt: skip
    ax.set_xlim(0, 100)
    ax.set_xlabel("% giải quyết trước hạn, đúng hạn")
    ax.set_title("Xếp hạng đơn vị (department ranking)")
    return fig


#: Chart name -> builder.
CHARTS: dict[str, Callable[[Report], Any]] = {
    "channel_mix": _channel_mix,
    "on_time_trend": _on_time_trend,
    "department_ranking": _department_ranking,
}


def _svg(fig: Any, prefix: str) -> str:
    from matplotlib import rc_context

    buf = io.StringIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "onestop"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)  # RDF credits, no content
    # ids unique per chart: several inline SVGs share one document
    text = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    return re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)


def charts_svg(report: Report) -> dict[str, str]:
    """Every chart as SVG text (to inline in HTML or save)."""
    return {name: _svg(build(report), name) for name, build in CHARTS.items()}


def save_chart(report: Report, name: str, path: str) -> None:
    """Write chart ``name`` to ``path`` (``.png`` or ``.svg``)."""
    build = CHARTS.get(name)
    if build is None:
        raise InvalidInputError(
            f"chart: {name!r} is not a chart; expected {', '.join(CHARTS)}", field="chart"
        )
    suffix = str(path).rsplit(".", 1)[-1].lower()
    if suffix not in ("png", "svg"):
        raise InvalidInputError("path: give a .png or .svg file name", field="path")
    from matplotlib import rc_context

    fig = build(report)
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "onestop"}):
        fig.savefig(
            path, format=suffix, dpi=150, metadata={"Date": None} if suffix == "svg" else None
        )


# ---------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;
color:#1d2430;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.15rem;margin:28px 0 8px}
.meta{color:#5b6472;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px}
.card{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px #0001}
.card b{display:block;font-size:1.45rem}.card span{color:#5b6472;font-size:.85rem}
figure{background:#fff;border-radius:8px;margin:12px 0;padding:8px;box-shadow:0 1px 2px #0001}
figure svg{width:100%;height:auto}figcaption{color:#5b6472;font-size:.85rem}
table{border-collapse:collapse;background:#fff;width:100%;font-size:.88rem}
th,td{padding:5px 8px;border-bottom:1px solid #e4e7eb;text-align:right}
th:first-child,td:first-child,td.t{text-align:left}td.t{white-space:nowrap}th{background:#eef1f5}
footer{color:#5b6472;font-size:.8rem;margin-top:32px}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _fmt(value: Any, kind: str = "n") -> str:
    if value is None:
        return "—"
    if kind == "%":
        return f"{100 * value:.2f}%"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    return html.escape(str(value))


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, str]]) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label, _ in columns)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="t">{_fmt(row[key])}</td>'
            if kind == "t"
            else f"<td>{_fmt(row[key], kind)}</td>"
            for key, _, kind in columns
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_GROUP_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("received_total", "Tiếp nhận", "n"),
    ("share_online", "Trực tuyến", "%"),
    ("resolved_total", "Đã giải quyết", "n"),
    ("resolved_early", "Trước hạn", "n"),
    ("resolved_on_time", "Đúng hạn", "n"),
    ("resolved_late", "Quá hạn", "n"),
    ("on_time_rate", "Tỷ lệ đúng hạn", "%"),
    ("in_progress_on_time", "Đang xử lý trong hạn", "n"),
    ("in_progress_overdue", "Đang xử lý quá hạn", "n"),
)


def _cards(report: Report) -> str:
    o = report.overall
    cards = (
        (o["received_total"], "hồ sơ tiếp nhận (received)", "n"),
        (o["share_online"], "nộp trực tuyến (online)", "%"),
        (o["resolved_total"], "đã giải quyết (resolved)", "n"),
        (o["on_time_rate"], "trước hạn, đúng hạn (on time)", "%"),
        (o["resolved_late"], "quá hạn (late)", "n"),
        (o["in_progress_overdue"], "đang xử lý quá hạn (overdue)", "n"),
    )
    return '<div class="cards">' + "".join(
        f"<div class=\"card\"><b>{_fmt(v, k)}</b><span>{html.escape(t)}</span></div>"
        for v, t, k in cards
    ) + "</div>"  # fmt: skip


def _sections(report: Report, *, charts: bool) -> list[str]:
    parts = [_cards(report)]
    if charts:
        captions = {
            "channel_mix": "Hồ sơ tiếp nhận theo tháng và kênh: trực tiếp, trực tuyến, bưu chính.",
            "on_time_trend": "Hồ sơ đã giải quyết theo tháng; đường: tỷ lệ trước hạn, đúng hạn.",
            "department_ranking": "Tỷ lệ giải quyết trước hạn, đúng hạn theo đơn vị.",
        }
        parts.append("<h2>Biểu đồ (charts)</h2>")
        for name, svg in charts_svg(report).items():
            parts.append(
                f'<figure id="chart-{name}" class="chart">{svg}'
                f"<figcaption>{html.escape(captions[name])}</figcaption></figure>"
            )
    items = report.decision_766["items"]
    parts.append("<h2>Quyết định 766/QĐ-TTg (các chỉ số tính được từ hồ sơ)</h2>")
    parts.append(
        _table(
            items,
            (
                ("item", "Chỉ số", "t"),
                ("name", "Tên", "t"),
                ("ratio", "Tỷ lệ", "%"),
                ("target", "Mục tiêu", "%"),
                ("points", "Điểm tối đa", "n"),
                ("score", "Điểm", "n"),
            ),
        )
    )
    for by, title, label in (
        ("department", "Theo đơn vị (by department)", "Đơn vị"),
        ("month", "Theo tháng (by month)", "Tháng"),
    ):
        rows = report.indicators((by,)).to_pylist()
        key = "period" if by == "month" else by
        parts.append(f"<h2>{html.escape(title)}</h2>")
        parts.append(_table(rows, ((key, label, "t"), *_GROUP_COLUMNS)))
    times = report.processing_times.slice(0, 50).to_pylist()
    parts.append("<h2>Thời gian giải quyết trung bình theo thủ tục (item 2.2)</h2>")
    parts.append(
        _table(
            times,
            (
                ("procedure", "Thủ tục", "t"),
                ("resolved_total", "Đã giải quyết", "n"),
                ("mean_working_days", "Ngày làm việc TB", "n"),
                ("mean_elapsed_days", "Ngày TB", "n"),
            ),
        )
    )
    errors = report.records.errors_summary()
    parts.append(f"<h2>Dòng bị loại (rejected rows): {report.records.rows_rejected:,}</h2>")
    if errors:
        parts.append(
            _table(
                [{"column": c, "reason": r, "rows": k} for c, r, k in errors[:30]],
                (("column", "Cột", "t"), ("reason", "Lý do", "t"), ("rows", "Số dòng", "n")),
            )
        )
    return parts


def _meta(report: Report) -> str:
    due = "tính lại bằng onestop" if report.due == "recompute" else "theo NgayHenTra đã lưu"
    return (
        f"Kỳ {report.start.strftime('%d/%m/%Y')} – {report.end.strftime('%d/%m/%Y')}; hồ sơ đang "
        f"xử lý xét tại {report.as_of.strftime('%H:%M %d/%m/%Y')}; hạn trả {due}; "
        f"{len(report.records):,} dòng hợp lệ / {report.records.rows_read:,} dòng đọc."
    )


def report_html(report: Report, *, title: str | None = None) -> str:
    """The whole report as one self-contained HTML page."""
    heading = html.escape(title or "Báo cáo tình hình giải quyết thủ tục hành chính")
    body = "\n".join(_sections(report, charts=True))
    return (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{heading}</title><style>{_CSS}</style></head>\n<body><main>"
        f'<h1>{heading}</h1><p class="meta">{html.escape(_meta(report))}</p>\n{body}\n'
        "<footer>Trước hạn / đúng hạn / quá hạn: so sánh ngày kết thúc với ngày hẹn trả "
        "(Thông tư 01/2018/TT-VPCP Điều 13). Chỉ số 766: Quyết định 766/QĐ-TTg ngày 23/6/2022. "
        "Tạo bởi onestop.</footer></main></body></html>\n"
    )


def report_fragment(report: Report) -> str:
    """An HTML fragment for notebooks (charts when matplotlib is installed)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        charts = False
    else:
        charts = True
    return (
        f'<div class="onestop-report"><p>{html.escape(_meta(report))}</p>'
        + "\n".join(_sections(report, charts=charts))
        + "</div>"
    )
