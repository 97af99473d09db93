"""What may change in a signed PDF: DocMDP certification, approval signatures, re-signing.

The documents are built with pyHanko (its signer certifies; its incremental writer makes the
later, unsigned revisions an attacker or a form-filling application would append).
"""

from __future__ import annotations

from io import BytesIO

import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from onestop.errors import SignatureError
from onestop.signatures import ProblemCode
from onestop.signatures.pdf import VisibleStamp, sign_pdf, verify_pdf
from onestop.testing import make_test_pdf

AMOUNT, FORGED = "1,000,000 VND", "999,000,000 VND"
P1, P2, P3 = fields.MDPPerm.NO_CHANGES, fields.MDPPerm.FILL_FORMS, fields.MDPPerm.ANNOTATE


@pytest.fixture(scope="module")
def form():
    return make_test_pdf("Quyet dinh cap kinh phi", form_fields={"SoTien": AMOUNT, "GhiChu": ""})


def _sign(pdf, issued, **kwargs):
    return sign_pdf(
        pdf, certificate=issued.certificate, key=issued.key, chain=issued.chain, **kwargs
    )


def _sign_ignoring_certification(pdf, issued, monkeypatch, pdf_edits):
    """Sign as a careless (or hostile) application would, whatever the certification says."""
    import pyhanko.sign.validation as validation

    with monkeypatch.context() as patch:
        patch.setattr(validation, "read_certification_data", lambda reader: None)
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(field_name="ChuKy2", md_algorithm="sha256")
        return signers.sign_pdf(writer, meta, signer=pdf_edits.pyhanko_signer(issued)).getvalue()


def _codes(statuses):
    return [s.problem_codes for s in statuses]


def _pyhanko_docmdp_ok(test_pki, pdf):
    roots = [asn1_x509.Certificate.load(test_pki.root.certificate.to_der())]
    first = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(first, ValidationContext(trust_roots=roots)).docmdp_ok


# -- certified documents (DocMDP) ------------------------------------------------------------


def test_p1_certified_amount_changed_later_is_invalid(test_pki, form, pdf_edits):
    """The reviewer's case: 'no changes allowed', then 1,000,000 -> 999,000,000 VND."""
    certified = pdf_edits.certify(form, test_pki.organization, P1)
    (untouched,) = verify_pdf(certified, trust=test_pki.trust_store())
    assert untouched.valid, untouched.problems
    assert dict(untouched.details)["certification"] == "no_changes"
    forged = pdf_edits.fill_field(certified, "SoTien", FORGED)
    (status,) = verify_pdf(forged, trust=test_pki.trust_store())
    assert status.intact and status.trusted and not status.valid
    assert status.problem_codes == (ProblemCode.DOCMDP_VIOLATION,)
    assert "SoTien" in status.problems[0].message and "P=1" in status.problems[0].message
    details = dict(status.details)
    assert details["changed_form_fields"] == "SoTien"
    assert details["modification_level"] == "form_filling"
    assert _pyhanko_docmdp_ok(test_pki, forged) is False  # pyHanko's validator agrees


def test_signature_added_after_p1_certification_is_invalid(test_pki, form, monkeypatch, pdf_edits):
    certified = pdf_edits.certify(form, test_pki.organization, P1)
    with pytest.raises(SignatureError, match=r"no changes allowed.*P=1") as info:
        _sign(certified, test_pki.signer)  # onestop refuses to break the certification
    assert info.value.field == "pdf"
    twice = _sign_ignoring_certification(certified, test_pki.signer, monkeypatch, pdf_edits)
    certification, approval = verify_pdf(twice, trust=test_pki.trust_store())
    assert certification.problem_codes == (ProblemCode.DOCMDP_VIOLATION,)
    assert "signature field(s) were added" in certification.problems[0].message
    assert approval.problem_codes == (ProblemCode.DOCMDP_VIOLATION,)
    assert approval.intact and approval.trusted and not approval.valid
    assert _pyhanko_docmdp_ok(test_pki, twice) is False


def test_p2_allows_form_filling_and_signing_but_not_annotations(test_pki, form, pdf_edits):
    certified = pdf_edits.certify(form, test_pki.organization, P2)
    filled = pdf_edits.fill_field(certified, "GhiChu", "Da duyet")
    (status,) = verify_pdf(filled, trust=test_pki.trust_store())
    assert status.valid, status.problems
    assert dict(status.details)["changed_form_fields"] == "GhiChu"
    assert _pyhanko_docmdp_ok(test_pki, filled) is True
    signed = _sign(filled, test_pki.signer)
    assert [s.valid for s in verify_pdf(signed, trust=test_pki.trust_store())] == [True, True]
    commented = pdf_edits.annotate(signed)
    certification, approval = verify_pdf(commented, trust=test_pki.trust_store())
    assert certification.problem_codes == (ProblemCode.DOCMDP_VIOLATION,)
    assert "annotations" in certification.problems[0].message
    assert approval.problem_codes == (ProblemCode.ANNOTATED_AFTER_SIGNING,)


def test_p3_allows_annotations_too(test_pki, form, pdf_edits):
    certified = pdf_edits.certify(form, test_pki.organization, P3)
    commented = pdf_edits.annotate(pdf_edits.fill_field(certified, "GhiChu", "Da duyet"))
    (status,) = verify_pdf(commented, trust=test_pki.trust_store())
    assert status.valid, status.problems
    details = dict(status.details)
    assert details["certification"] == "annotations"
    assert details["modification_level"] == "annotations"
    # Only comments and markup count as annotations: no links, no actions, no page content.
    javascript = generic.DictionaryObject(
        {
            generic.NameObject("/S"): generic.NameObject("/JavaScript"),
            generic.NameObject("/JS"): generic.TextStringObject("app.alert('x')"),
        }
    )
    for changed in (
        pdf_edits.annotate(certified, action=javascript),
        pdf_edits.annotate(certified, subtype="/Link"),
        pdf_edits.redraw_page(certified),
    ):
        (status,) = verify_pdf(changed, trust=test_pki.trust_store())
        assert status.problem_codes == (ProblemCode.MODIFIED_AFTER_SIGNING,)


def test_p3_annotations_after_a_later_signature(test_pki, form, pdf_edits):
    """Each step is judged against the last signed revision: certify, sign, then comment."""
    signed = _sign(pdf_edits.certify(form, test_pki.organization, P3), test_pki.signer)
    certification, approval = verify_pdf(pdf_edits.annotate(signed), trust=test_pki.trust_store())
    assert certification.valid, certification.problems
    assert approval.problem_codes == (ProblemCode.ANNOTATED_AFTER_SIGNING,)
    # An unsigned change of the content after the later signature is caught for both.
    statuses = verify_pdf(pdf_edits.redraw_page(signed), trust=test_pki.trust_store())
    assert _codes(statuses) == [(ProblemCode.MODIFIED_AFTER_SIGNING,)] * 2


def test_p3_verification_logs_nothing(test_pki, form, caplog, pdf_edits):
    """pyHanko warns that its analysis 'was not designed' for P=3; onestop avoids the call."""
    certified = pdf_edits.certify(form, test_pki.organization, P3)
    caplog.set_level("DEBUG", logger="pyhanko")
    (status,) = verify_pdf(pdf_edits.annotate(certified), trust=test_pki.trust_store())
    assert status.valid
    assert [r for r in caplog.records if r.levelname == "WARNING"] == []


# -- approval signatures ---------------------------------------------------------------------


def test_approval_signed_field_changed_later(test_pki, form, pdf_edits):
    signed = _sign(form, test_pki.organization)
    forged = pdf_edits.fill_field(signed, "SoTien", FORGED)
    (status,) = verify_pdf(forged, trust=test_pki.trust_store())
    assert status.intact and status.trusted and not status.valid
    assert status.problem_codes == (ProblemCode.FORM_CHANGED_AFTER_SIGNING,)
    assert status.summary() == "INVALID: form_changed_after_signing"
    assert dict(status.details)["changed_form_fields"] == "SoTien"
    # A form meant to be filled in after signing: the caller says so.
    (relaxed,) = verify_pdf(forged, trust=test_pki.trust_store(), allowed_changes="form_filling")
    assert relaxed.valid and dict(relaxed.details)["changed_form_fields"] == "SoTien"


def test_approval_signed_then_annotated(test_pki, form, pdf_edits):
    commented = pdf_edits.annotate(_sign(form, test_pki.organization))
    store = test_pki.trust_store()
    for allowed, codes in (
        ("signatures", (ProblemCode.ANNOTATED_AFTER_SIGNING,)),
        ("form_filling", (ProblemCode.ANNOTATED_AFTER_SIGNING,)),
        ("annotations", ()),
    ):
        (status,) = verify_pdf(commented, trust=store, allowed_changes=allowed)
        assert status.problem_codes == codes


def test_content_change_is_never_allowed(test_pki, form, pdf_edits):
    redrawn = pdf_edits.redraw_page(_sign(form, test_pki.organization))
    (status,) = verify_pdf(redrawn, trust=test_pki.trust_store(), allowed_changes="annotations")
    assert status.problem_codes == (ProblemCode.MODIFIED_AFTER_SIGNING,)


def test_signing_a_form_again_changes_no_field(test_pki, form):
    """pyHanko's own analysis lists every field a revision *could* change; only real changes
    count (a second signature rewrites the form dictionary but not the values)."""
    once = _sign(form, test_pki.signer)
    twice = _sign(once, test_pki.organization, stamp=VisibleStamp(page=0))
    first, second = verify_pdf(twice, trust=test_pki.trust_store())
    assert first.valid and second.valid, (first.problems, second.problems)
    assert "changed_form_fields" not in dict(first.details)
    assert dict(first.details)["modification_level"] == "form_filling"


def test_field_lock_permission_of_an_approval_signature(test_pki, form, pdf_edits):
    """PDF 2.0 lets a signature field's lock set DocMDP permissions (P=1: nothing after)."""
    spec = fields.SigFieldSpec(
        sig_field_name="KhoaP1",
        field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.ALL),
        doc_mdp_update_value=P1,
    )
    writer = IncrementalPdfFileWriter(BytesIO(form))
    meta = signers.PdfSignatureMetadata(field_name="KhoaP1", md_algorithm="sha256")
    locked = signers.sign_pdf(
        writer, meta, signer=pdf_edits.pyhanko_signer(test_pki.organization), new_field_spec=spec
    ).getvalue()
    (status,) = verify_pdf(locked, trust=test_pki.trust_store())
    assert status.valid and dict(status.details)["lock_permission"] == "no_changes"
    changed = pdf_edits.fill_field(locked, "GhiChu", "x")
    (status,) = verify_pdf(changed, trust=test_pki.trust_store())
    assert not status.valid
    assert status.problem_codes in (
        (ProblemCode.DOCMDP_VIOLATION,),
        (ProblemCode.MODIFIED_AFTER_SIGNING,),  # the field lock (all fields) already forbids it
    )


def test_allowed_changes_is_checked(test_pki, form):
    signed = _sign(form, test_pki.signer)
    with pytest.raises(SignatureError) as info:
        verify_pdf(signed, allowed_changes="everything")
    assert info.value.field == "allowed_changes"


# -- field names: a signed PDF can be signed again -------------------------------------------


def test_a_free_field_name_is_picked(test_pki):
    pdf = make_test_pdf(form_fields={"Signature2": "not a signature"})
    once = _sign(pdf, test_pki.signer)
    twice = _sign(once, test_pki.organization)
    statuses = verify_pdf(twice, trust=test_pki.trust_store())
    assert [dict(s.details)["field_name"] for s in statuses] == ["Signature1", "Signature3"]
    assert all(s.valid for s in statuses), [s.problems for s in statuses]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("Signature1", "already signed"),
        ("Signature2", "not a signature field"),
        ("", "not a usable field name"),
        ("a.b", "not a usable field name"),
    ],
)
def test_unusable_field_names(test_pki, name, fragment):
    once = _sign(make_test_pdf(form_fields={"Signature2": "x"}), test_pki.signer)
    with pytest.raises(SignatureError, match=fragment) as info:
        _sign(once, test_pki.organization, field_name=name)
    assert info.value.field == "field_name"


def test_an_empty_signature_field_of_the_document_is_filled(test_pki):
    writer = IncrementalPdfFileWriter(BytesIO(make_test_pdf()))
    fields.append_signature_field(
        writer, fields.SigFieldSpec("ChuKyLanhDao", box=(72, 72, 272, 132))
    )
    out = BytesIO()
    writer.write(out)
    signed = _sign(out.getvalue(), test_pki.signer, field_name="ChuKyLanhDao")
    (status,) = verify_pdf(signed, trust=test_pki.trust_store())
    assert status.valid and dict(status.details)["field_name"] == "ChuKyLanhDao"


def test_an_unsigned_signature_field_drawn_over_the_page(test_pki, form, pdf_edits):
    """A 'signature' widget nobody signed can show anything over the amount."""
    signed = _sign(form, test_pki.organization)
    (status,) = verify_pdf(pdf_edits.overlay_signature_field(signed), trust=test_pki.trust_store())
    assert status.problem_codes == (ProblemCode.FORM_CHANGED_AFTER_SIGNING,)
    assert dict(status.details)["changed_form_fields"] == "ChuKyGia"
    # An empty placeholder for the next signer (blank appearance) is fine.
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    fields.append_signature_field(
        writer, fields.SigFieldSpec("ChuKyLanhDao", box=(72, 72, 272, 132))
    )
    out = BytesIO()
    writer.write(out)
    (status,) = verify_pdf(out.getvalue(), trust=test_pki.trust_store())
    assert status.valid, status.problems
