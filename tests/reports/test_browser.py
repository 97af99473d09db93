"""The HTML report in a real browser: loads without console errors, the charts render."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from onestop.reports import report

pytestmark = pytest.mark.browser

CSV = (
    "MaHoSo,MaTTHC,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,KenhThucHien,TrangThaiHoSo,DonViXuLy\n"
    "H-1,1.000894,01/12/2026 08:00,04/12/2026 17:00,03/12/2026 10:00,1,9,Sở Tư pháp\n"
    "H-2,1.000894,02/11/2026 14:35,09/11/2026 17:00,12/11/2026 10:00,2,10,Sở Tư pháp\n"
    "H-3,2.001,03/11/2026 09:00,05/11/2026 17:00,05/11/2026 16:00,3,9,Sở Xây dựng\n"
    "H-4,2.001,04/12/2026 09:00,08/12/2026 17:00,,1,4,Sở Xây dựng\n"
)


def test_html_report_renders_without_console_errors(tmp_path, chromium):
    source = tmp_path / "export.csv"
    source.write_text(CSV, encoding="utf-8")
    page = tmp_path / "report.html"
    page.write_text(report(source).to_html(), encoding="utf-8")
    result = chromium.render(page.as_uri())
    artifacts = Path(os.environ.get("ONESTOP_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "report.png").write_bytes(result["png"])
    assert result["errors"] == []
    assert [c["id"] for c in result["charts"]] == [
        "chart-channel_mix",
        "chart-on_time_trend",
        "chart-department_ranking",
    ]
    for chart in result["charts"]:
        assert chart["width"] > 300 and chart["height"] > 100, chart
        assert chart["shapes"] > 10, chart
    assert result["png"].startswith(b"\x89PNG") and len(result["png"]) > 20_000


def test_the_check_sees_console_errors_and_blocked_fetches(tmp_path, chromium):
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; script-src 'unsafe-inline'\"></head><body>"
        "<script>console.error('boom')</script>"
        '<img src="https://example.invalid/x.png"></body></html>',
        encoding="utf-8",
    )
    result = chromium.render(page.as_uri())
    assert any("boom" in e for e in result["errors"])
    assert any("example.invalid" in e or "Content Security Policy" in e for e in result["errors"])
