"""Signed forms: PAdES accepted by onestop's verifier and pyHanko's, a visible Vietnamese stamp."""

from __future__ import annotations

import io

import pytest

from onestop.errors import FormError
from onestop.forms import FormSigner, build_form, render_pdf
from onestop.signatures import key_signer, verify_pdf
from onestop.testing import FakeRemoteSigner


@pytest.fixture(scope="module")
def receipt(dossiers, procedure):
    return build_form("receipt", dossiers["2025"]["receipt"], procedure=procedure)


def _pyhanko_accepts(pdf: bytes, test_pki) -> None:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(test_pki.root.certificate.to_der())
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"


def _stamp_font_maps(pdf: bytes, text: str) -> bool:
    """Whether the signature's stamp font is the shipped Tinos and maps ``text``'s letters."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    (widget,) = [a.get_object() for a in reader.pages[0]["/Annots"]]
    appearance = widget["/AP"]["/N"].get_object()
    fonts = []

    def collect(xobject) -> None:
        resources = xobject.get("/Resources", {})
        fonts.extend(f.get_object() for f in resources.get("/Font", {}).values())
        for inner in resources.get("/XObject", {}).values():
            collect(inner.get_object())

    collect(appearance)
    (font,) = fonts
    cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
    targets = {f"{ord(ch):04X}" for ch in text if not ch.isspace()}
    return "+Tinos" in str(font["/BaseFont"]) and all(t in cmap.upper() for t in targets)


def test_signed_with_key_and_certificate(test_pki, receipt, pdf_text):
    s = test_pki.signer
    pdf = render_pdf(receipt, sign=FormSigner(s.certificate, key=s.key, chain=s.chain))
    (status,) = verify_pdf(pdf, trust=test_pki.trust_store())
    assert status.valid and status.trusted
    _pyhanko_accepts(pdf, test_pki)
    assert _stamp_font_maps(pdf, "Ký bởi Thời gian")
    assert receipt.dossier_code in pdf_text(pdf)  # the content is still there


def test_signed_with_a_pkcs12_bundle_object(test_pki, receipt):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    s = test_pki.signer
    data = pkcs12.serialize_key_and_certificates(
        b"signer",
        s.key,
        x509.load_der_x509_certificate(s.certificate.to_der()),
        [x509.load_der_x509_certificate(c.to_der()) for c in s.chain],
        BestAvailableEncryption(b"mat-khau"),
    )
    signer = FormSigner.from_pkcs12(data, password="mat-khau", visible=False)
    pdf = render_pdf(receipt, sign=signer)
    (status,) = verify_pdf(pdf, trust=test_pki.trust_store())
    assert status.valid
    from pypdf import PdfReader

    widgets = PdfReader(io.BytesIO(pdf)).pages[0].get("/Annots") or []
    rects = [w.get_object()["/Rect"] for w in widgets]
    assert all(float(r[2]) - float(r[0]) == 0 for r in rects)  # invisible: an empty widget


def test_signed_with_an_external_hash_signer(test_pki, receipt):
    s = test_pki.organization
    calls = []

    def token(digest: bytes) -> bytes:
        calls.append(digest)
        return key_signer(s.key)(digest)

    pdf = render_pdf(receipt, sign=FormSigner(s.certificate, signer=token, chain=s.chain))
    assert len(calls) == 1 and len(calls[0]) == 32
    _pyhanko_accepts(pdf, test_pki)


def test_signed_through_remote_signing(test_pki, receipt):
    from onestop.signatures import RemoteSigningClient

    fake = FakeRemoteSigner.from_pki(test_pki)
    with RemoteSigningClient(
        base_url="https://ky-so.example.invalid/api",
        sp_id="DVCQG",
        sp_password="fake-sp-password",
        transport=fake.transport(),
    ) as client:
        signer = FormSigner.remote(client, user_id="001090012345", doc_id=receipt.dossier_code)
        pdf = render_pdf(receipt, sign=signer)
    (status,) = verify_pdf(pdf, trust=test_pki.trust_store())
    assert (
        status.valid
        and status.signer.common_name == test_pki.signer.certificate.subject.common_name
    )


def test_loaded_bundle_objects_sign_directly(test_pki, receipt):
    pdf = render_pdf(receipt, sign=test_pki.signer)  # anything with certificate and key
    assert verify_pdf(pdf, trust=test_pki.trust_store())[0].valid


def test_wrong_signer_values(test_pki, receipt):
    with pytest.raises(FormError, match="FormSigner"):
        render_pdf(receipt, sign="signer.pem")
