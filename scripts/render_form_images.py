"""Regenerate the pictures of docs/forms.md: each official form drawn from a sample dossier.

Needs the ``forms`` and ``pdf`` extras and Debian's poppler-utils (``pdftoppm``; ``apt-get
install poppler-utils``). Each form is rendered to PDF by onestop.forms, then to a 100 dpi
grayscale PNG by pdftoppm, reduced to 16 grey levels to keep the files small. The sample
dossiers are onestop.testing factories (fictitious people and numbers); the signed receipt is
signed with a throwaway test PKI, so its stamp shows the time the script ran.

Usage: ``python3 scripts/render_form_images.py [OUT_DIR]`` (default ``docs/images/forms``)
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from onestop.forms import FormSigner, Office, build_form, render_pdf
from onestop.models import (
    AgencyRef,
    DossierStatus,
    LienThongParticipant,
    LienThongStep,
    ProcessingTime,
)
from onestop.testing import build_test_pki, make_dossier, make_procedure

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TARGET = Path(__file__).resolve().parent.parent / "docs" / "images" / "forms"
OFFICE = Office(
    agency_name="Ủy ban nhân dân phường Hạc Thành",
    governing_body="Ủy ban nhân dân tỉnh Thanh Hóa",
    place="Thanh Hóa",
    lookup_url="https://dichvucong.example.vn/tra-cuu?ma={code}",
    phone="0237 3900 900",
)
POLICE = AgencyRef(name="Công an phường Hạc Thành")


def _samples() -> dict[str, tuple[object, object, dict[str, object]]]:
    procedure = make_procedure(3).model_copy(
        update={
            "lien_thong": (
                LienThongParticipant(
                    agency=POLICE, task="Xác minh nơi cư trú", share=ProcessingTime.working_days(2)
                ),
            )
        }
    )
    old = {"submitted_at": dt.datetime(2024, 11, 12, 9, 30, tzinfo=VN)}
    new = {"submitted_at": dt.datetime(2026, 3, 10, 8, 40, tzinfo=VN)}
    processing = make_dossier(3, procedure=procedure, status=DossierStatus.PROCESSING, **new)
    old_processing = make_dossier(3, procedure=procedure, status=DossierStatus.PROCESSING, **old)
    start = processing.received_at + dt.timedelta(hours=2)
    step = LienThongStep(
        agency=POLICE,
        task="Xác minh nơi cư trú",
        started_at=start,
        finished_at=start + dt.timedelta(days=1),
    )

    def extended(d):  # a Dossier in, a Dossier out
        return d.extend(
            at=d.due_at - dt.timedelta(days=3),
            by="lanh.dao",
            new_due_at=d.due_at + dt.timedelta(days=5),
            reason="Cần xác minh thêm thông tin với cơ quan có liên quan",
        )

    officer = {"officer": "Lê Thị Thu Hà"}
    return {
        "receipt": ("receipt", processing, officer),
        "receipt-tt01-2018": ("receipt", old_processing, officer),
        "supplement": (
            "supplement",
            make_dossier(3, procedure=procedure, status=DossierStatus.SUPPLEMENT_REQUESTED, **new),
            {
                **officer,
                "items": [
                    "Bản sao hợp đồng thuê nhà có công chứng hoặc chứng thực",
                    "Văn bản đồng ý của chủ nhà cho đăng ký thường trú",
                ],
            },
        ),
        "refusal": (
            "refusal",
            make_dossier(4, procedure=procedure, status=DossierStatus.REFUSED, **new),
            officer,
        ),
        "apology": ("apology", extended(processing), {"officer": "Nguyễn Văn Hùng"}),
        "apology-tt01-2018": ("apology", extended(old_processing), {"officer": "Nguyễn Văn Hùng"}),
        "stop": (
            "stop",
            make_dossier(3, procedure=procedure, status=DossierStatus.STOPPED, **new),
            officer,
        ),
        "control": ("control", processing.model_copy(update={"lien_thong": (step,)}), {}),
    }, procedure


def _png(pdf: bytes, target: Path, work: Path) -> None:
    source = work / "form.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-gray", "-png", "-singlefile", str(source), str(work / "page")],
        check=True,
    )
    with Image.open(work / "page.png") as page:
        page.convert("L").quantize(16).save(target, optimize=True)


def main() -> None:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm not found: apt-get install poppler-utils")
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET
    target.mkdir(parents=True, exist_ok=True)
    samples, procedure = _samples()
    pki = build_test_pki()
    signer = FormSigner(pki.organization.certificate, key=pki.organization.key)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, (kind, dossier, options) in samples.items():
            record = build_form(kind, dossier, procedure=procedure, office=OFFICE, **options)
            _png(render_pdf(record), target / f"{name}.png", work)
            if name == "receipt":
                _png(render_pdf(record, sign=signer), target / "receipt-signed.png", work)
    for path in sorted(target.glob("*.png")):
        print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
