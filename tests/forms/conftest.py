"""Dossiers of both legal eras, one for each form, built through the lifecycle methods."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from zoneinfo import ZoneInfo

import pytest

from onestop.models import (
    AgencyRef,
    DossierStatus,
    LegalBasis,
    LienThongParticipant,
    LienThongStep,
    ProcessingTime,
)
from onestop.testing import make_dossier, make_procedure

VN = ZoneInfo("Asia/Ho_Chi_Minh")
#: A receipt instant of each era: NĐ 61/2018 (TT 01/2018 forms) and NĐ 118/2025 (TT 03/2025).
ERAS = {
    "2018": dt.datetime(2024, 11, 12, 9, 30, tzinfo=VN),
    "2025": dt.datetime(2026, 3, 10, 14, 5, tzinfo=VN),
}
POLICE = AgencyRef(name="Công an xã Đông Sơn")


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="session")
def pdf_text():
    """``pdf_text(data)``: every page's text, NFC, whitespace collapsed (lines wrap anywhere)."""
    return _pdf_text


@pytest.fixture(scope="session")
def squash():
    """``squash(text)``: whitespace collapsed, to compare with :func:`pdf_text`'s output."""
    return _squash


@pytest.fixture(scope="session")
def officer() -> str:
    """The officer named on the forms."""
    return "Trần Thị Bích Ngọc"


@pytest.fixture(scope="session")
def procedure():
    base = make_procedure(3)  # Đăng ký thường trú, 7 working days
    return base.model_copy(
        update={
            "legal_basis": (
                LegalBasis(number="68/2020/QH14", title="Luật Cư trú"),
                LegalBasis(number="154/2024/NĐ-CP"),
            ),
            "lien_thong": (
                LienThongParticipant(
                    agency=POLICE, task="Xác minh nơi cư trú", share=ProcessingTime.working_days(2)
                ),
            ),
        }
    )


def _at(era: str, **kw):
    return {"submitted_at": ERAS[era], **kw}


@pytest.fixture(scope="session", params=sorted(ERAS))
def era(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def dossiers(procedure):
    """``{era: {kind: dossier}}`` with the event each form records."""
    out = {}
    for era in ERAS:
        processing = make_dossier(
            3, procedure=procedure, status=DossierStatus.PROCESSING, **_at(era)
        )
        received = processing.received_at
        step_start = received + dt.timedelta(hours=2)
        with_step = processing.model_copy(
            update={
                "lien_thong": (
                    LienThongStep(
                        agency=POLICE,
                        task="Xác minh nơi cư trú",
                        started_at=step_start,
                        finished_at=step_start + dt.timedelta(days=1),
                    ),
                )
            }
        )
        due = processing.due_at
        extended = processing.extend(
            at=due - dt.timedelta(days=3),
            by="lanh.dao",
            new_due_at=due + dt.timedelta(days=5),
            reason="Cần xác minh thêm thông tin với cơ quan có liên quan",
        )
        out[era] = {
            "receipt": processing,
            "control": with_step,
            "supplement": make_dossier(
                3, procedure=procedure, status=DossierStatus.SUPPLEMENT_REQUESTED, **_at(era)
            ),
            "refusal": make_dossier(
                4, procedure=procedure, status=DossierStatus.REFUSED, **_at(era)
            ),
            "apology": extended,
            "stop": make_dossier(3, procedure=procedure, status=DossierStatus.STOPPED, **_at(era)),
        }
    return out
