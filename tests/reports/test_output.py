"""Charts, the HTML report and notebook representations."""

from __future__ import annotations

import re

import pytest

from onestop.errors import InvalidInputError
from onestop.reports import audit, report

CSV = (
    "MaHoSo,MaTTHC,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,KenhThucHien,TrangThaiHoSo,DonViXuLy,"
    "so_ngay_xu_ly\n"
    "H-1,1.000894,01/12/2026 08:00,04/12/2026 17:00,03/12/2026 10:00,1,9,Sở Tư pháp,3\n"
    "H-2,1.000894,02/11/2026 14:35,09/11/2026 17:00,12/11/2026 10:00,2,10,Sở Tư pháp,4\n"
    'H-3,2.001,03/11/2026 09:00,05/11/2026 17:00,05/11/2026 16:00,3,9,<Sở> & "XD",2\n'
    'H-4,2.001,04/12/2026 09:00,08/12/2026 17:00,,1,4,<Sở> & "XD",2\n'
    'H-5,2.001,xx,,,1,4,<Sở> & "XD",2\n'
)


@pytest.fixture(scope="module")
def rep(tmp_path_factory):
    path = tmp_path_factory.mktemp("out") / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    return report(path, by=("department",))


def test_html_is_self_contained_and_escapes_names(rep):
    page = rep.to_html(title="Báo cáo <thử>")
    assert page.startswith("<!doctype html>")
    assert "<script" not in page.lower()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # nothing is fetched: no src/href to another document, no url() outside the page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert not re.search(r"url\((?!#)", page)
    assert page.count("<svg") == 3
    assert "Báo cáo &lt;thử&gt;" in page
    assert "&lt;Sở&gt; &amp; &quot;XD&quot;" in page or '&lt;Sở&gt; &amp; "XD"' in page
    assert "<Sở>" not in page
    # chart ids are unique within the page (several inline SVGs share one document)
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_charts_and_saved_files(rep, tmp_path):
    charts = rep.charts()
    assert list(charts) == ["channel_mix", "on_time_trend", "department_ranking"]
    assert all(svg.startswith("<svg") for svg in charts.values())
    rep.save_chart("on_time_trend", str(tmp_path / "trend.png"))
    rep.save_chart("channel_mix", str(tmp_path / "mix.svg"))
    assert (tmp_path / "trend.png").read_bytes().startswith(b"\x89PNG")
    assert "<svg" in (tmp_path / "mix.svg").read_text(encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not a chart"):
        rep.save_chart("pie", str(tmp_path / "x.png"))
    with pytest.raises(InvalidInputError, match=r"\.png or \.svg"):
        rep.save_chart("channel_mix", str(tmp_path / "x.pdf"))


def test_notebook_representations(rep):
    fragment = rep._repr_html_()
    assert "<html" not in fragment and "<svg" in fragment and "766" in fragment
    records = rep.records._repr_html_()
    assert "rejected" in records and "NgayTiepNhan" in records
    checked = audit(rep.records)._repr_html_()
    assert "stored due dates checked" in checked


def test_to_pandas_has_the_break_down(rep):
    df = rep.to_pandas()
    assert set(df["department"]) == {"Sở Tư pháp", '<Sở> & "XD"'}
    assert {"received_total", "on_time_rate", "in_progress_overdue"} <= set(df.columns)
