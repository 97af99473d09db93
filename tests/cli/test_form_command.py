"""``onestop form``: a form from a dossier file, as PDF (and HTML), signed or not."""

from __future__ import annotations

import json

import pytest

from onestop.models import DossierStatus
from onestop.testing import make_dossier, make_procedure


@pytest.fixture(scope="module")
def inputs(test_pki, tmp_path_factory):
    base = tmp_path_factory.mktemp("form")
    procedure = make_procedure(3)
    dossier = make_dossier(3, procedure=procedure, status=DossierStatus.PROCESSING)
    paths = test_pki.write(base / "pki")
    paths["dossier"] = base / "hoso.json"
    paths["dossier"].write_text(dossier.model_dump_json(), encoding="utf-8")
    paths["procedure"] = base / "thutuc.json"
    paths["procedure"].write_text(procedure.model_dump_json(), encoding="utf-8")
    paths["office"] = base / "office.json"
    paths["office"].write_text(
        json.dumps({"agency_name": "Ủy ban nhân dân phường Bến Thành", "place": "TP. Hồ Chí Minh"}),
        encoding="utf-8",
    )
    return {**paths, "model": dossier}


def test_receipt_signed_with_html_and_json(app, runner, inputs, tmp_path):
    out = tmp_path / "giay-tiep-nhan.pdf"
    result = runner.invoke(
        app,
        [
            "form",
            "receipt",
            str(inputs["dossier"]),
            "--procedure",
            str(inputs["procedure"]),
            "--office",
            str(inputs["office"]),
            "--officer",
            "Phạm Minh Châu",
            "--out",
            str(out),
            "--html",
            "--sign-key",
            str(inputs["organization.key"]),
            "--sign-cert",
            str(inputs["organization"]),
            "--sign-chain",
            str(inputs["organization.chain"]),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] and data["signed"] and data["form"] == "receipt"
    assert data["edition"] == "tt03-2025"
    assert data["record"]["dossier_code"] == str(inputs["model"].code)
    assert data["record"]["header"]["issuer"] == "Ủy ban nhân dân phường Bến Thành"
    assert out.read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "giay-tiep-nhan.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")
    verified = runner.invoke(app, ["verify", str(out), "--trust", str(inputs["root"]), "--json"])
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["valid"] is True


def test_unsigned_form_prints_a_line(app, runner, inputs, tmp_path):
    out = tmp_path / "kiem-soat.pdf"
    result = runner.invoke(app, ["form", "control", str(inputs["dossier"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in result.stdout
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["form", "invoice", "{dossier}"], "form_error"),
        (["form", "refusal", "{dossier}"], "form_error"),
        (["form", "receipt", "{garbage}"], "invalid_dossier"),
        (["form", "receipt", "{dossier}", "--sign-key", "{key}"], "invalid_input"),
        (["form", "receipt", "{dossier}", "--office", "{garbage}"], "invalid_input"),
        (["form", "receipt", "{dossier}", "--item", "Giấy tờ"], "form_error"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(app, runner, inputs, tmp_path, args, code):
    garbage = tmp_path / "rac.json"
    garbage.write_text("{not json", encoding="utf-8")
    out = tmp_path / "out.pdf"
    values = {
        "dossier": str(inputs["dossier"]),
        "garbage": str(garbage),
        "key": str(inputs["signer.key"]),
    }
    argv = [a.format(**values) for a in args] + ["--out", str(out), "--json"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["error"]["code"] == code
    assert not out.exists()
    assert inputs["model"].applicant.name not in result.output  # no personal data in errors
