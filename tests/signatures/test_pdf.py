"""PAdES signing and verification, checked against pyHanko's own validator."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from onestop.errors import SignatureError
from onestop.signatures import ProblemCode
from onestop.signatures.pdf import (
    VisibleStamp,
    fold_to_ascii,
    prepare_pdf_signature,
    sign_pdf,
    verify_pdf,
)
from onestop.testing import make_test_pdf


def _pyhanko(pki, pdf):
    roots = [asn1_x509.Certificate.load(pki.root.certificate.to_der())]
    reader = PdfFileReader(BytesIO(pdf))
    return [
        validate_pdf_signature(sig, ValidationContext(trust_roots=roots))
        for sig in reader.embedded_signatures
    ]


@pytest.fixture(scope="module")
def source():
    return make_test_pdf("Giấy chứng nhận đăng ký hộ kinh doanh", pages=2)


@pytest.fixture(scope="module")
def signed(test_pki, source):
    s = test_pki.signer
    return sign_pdf(
        source,
        certificate=s.certificate,
        key=s.key,
        chain=s.chain,
        reason="Phê duyệt",
        location="Hà Nội",
    )


def test_invisible_b_b(test_pki, signed):
    (status,) = verify_pdf(signed, trust=test_pki.trust_store())
    assert status.valid, status.problems
    assert status.signer.tax_code == "0109999904"
    details = dict(status.details)
    assert details["coverage"] == "entire_file" and details["field_name"] == "Signature1"
    assert status.signing_time is not None  # from /M
    (theirs,) = _pyhanko(test_pki, signed)
    assert theirs.intact and theirs.valid and theirs.trusted
    assert theirs.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert theirs.signing_cert.dump() == test_pki.signer.certificate.to_der()


def test_pades_structure(signed):
    reader = PdfFileReader(BytesIO(signed))
    (sig,) = reader.embedded_signatures
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig.md_algorithm == "sha256"
    attrs = {a["type"].native for a in sig.signer_info["signed_attrs"]}
    assert "signing_certificate_v2" in attrs and "signing_time" not in attrs
    assert sig.sig_object["/Reason"] == "Phê duyệt"


def test_visible_stamp_b_t_and_second_signature(test_pki, signed):
    org = test_pki.organization
    when = test_pki.now - dt.timedelta(days=1)
    twice = sign_pdf(
        signed,
        certificate=org.certificate,
        key=org.key,
        chain=org.chain,
        field_name="ChuKyCoQuan",
        stamp=VisibleStamp(page=-1, box=(300, 40, 560, 110)),
        timestamper=test_pki.timestamper(at=when),
    )
    first, second = verify_pdf(twice, trust=test_pki.trust_store())
    assert first.valid and second.valid
    assert dict(first.details)["coverage"] == "entire_revision"
    assert dict(first.details)["modification_level"] == "form_filling"
    assert second.timestamp_time == when
    ours_first, ours_second = _pyhanko(test_pki, twice)
    assert ours_first.valid and ours_first.trusted
    assert ours_second.valid and ours_second.trusted
    assert ours_second.timestamp_validity is not None and ours_second.timestamp_validity.valid
    assert ours_second.timestamp_validity.timestamp == when
    # The stamp is on the last page with the folded signer name and the Vietnam time.
    reader = PdfFileReader(BytesIO(twice))
    field = reader.embedded_signatures[1].sig_field
    rect = [float(v) for v in field["/Rect"]]
    assert rect == [300, 40, 560, 110]
    assert field["/P"] == reader.root["/Pages"]["/Kids"][1]
    appearance = field["/AP"]["/N"].data
    assert b"So Tu phap Thanh pho Thu Nghiem" in appearance


def test_deferred_two_phase(test_pki, source):
    s = test_pki.signer
    prepared = prepare_pdf_signature(source, certificate=s.certificate, chain=s.chain)
    assert len(prepared.digest_to_sign) == 32
    with pytest.raises(SignatureError, match="does not verify"):
        prepared.finish(test_pki.organization.signer(prepared.digest_to_sign))
    # ... the hash travels to a token or a remote signer and comes back:
    signed = prepared.finish(s.signer(prepared.digest_to_sign))
    (status,) = verify_pdf(signed, trust=test_pki.trust_store())
    assert status.valid
    (theirs,) = _pyhanko(test_pki, signed)
    assert theirs.valid and theirs.trusted


def test_rsa_chain(test_pki_rsa, source):
    s = test_pki_rsa.signer
    signed = sign_pdf(source, certificate=s.certificate, signer=s.signer, chain=s.chain)
    (theirs,) = _pyhanko(test_pki_rsa, signed)
    assert theirs.valid and theirs.trusted
    assert verify_pdf(signed, trust=test_pki_rsa.trust_store())[0].valid


def test_reserved_space_too_small(test_pki, source):
    s = test_pki.signer
    prepared = prepare_pdf_signature(
        source, certificate=s.certificate, chain=s.chain, bytes_reserved=200
    )
    with pytest.raises(SignatureError, match="reserved"):
        prepared.finish(s.signer(prepared.digest_to_sign))


def test_tampered_content_and_untrusted(test_pki, signed):
    at = signed.index(b"trang 1")
    tampered = signed[:at] + b"TRANG 1" + signed[at + 7 :]
    (status,) = verify_pdf(tampered, trust=test_pki.trust_store())
    assert not status.valid and status.problem_codes == (ProblemCode.TAMPERED,)
    (status,) = verify_pdf(signed)
    assert not status.valid and status.problem_codes == (ProblemCode.NO_TRUST_ANCHORS,)


def test_expired_signer(test_pki, source):
    e = test_pki.expired
    signed = sign_pdf(source, certificate=e.certificate, key=e.key, chain=e.chain)
    (status,) = verify_pdf(signed, trust=test_pki.trust_store())
    assert status.intact and status.problem_codes == (ProblemCode.EXPIRED,)


def test_content_changed_in_a_later_revision(test_pki, signed):
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0]
    stream = generic.StreamObject(stream_data=b"BT /F1 30 Tf 72 700 Td (GIA MAO) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    (status,) = verify_pdf(out.getvalue(), trust=test_pki.trust_store())
    assert status.intact
    assert status.problem_codes == (ProblemCode.MODIFIED_AFTER_SIGNING,)


def test_unsigned_and_malformed(test_pki, source, signed):
    assert verify_pdf(source) == ()
    for bad in (b"", b"%PDF-1.7\n", b"not a pdf", signed[: len(signed) // 2]):
        with pytest.raises(SignatureError) as info:
            verify_pdf(bad)
        assert info.value.field == "pdf"
    with pytest.raises(SignatureError, match="pdf"):
        prepare_pdf_signature(b"garbage", certificate=test_pki.signer.certificate)


def test_stamp_page_out_of_range(test_pki, source):
    s = test_pki.signer
    with pytest.raises(SignatureError, match="page 7"):
        prepare_pdf_signature(source, certificate=s.certificate, stamp=VisibleStamp(page=7))


def test_fold_to_ascii():
    assert fold_to_ascii("Nguyễn Văn Đức - Sở Tư pháp") == "Nguyen Van Duc - So Tu phap"


@given(st.data())
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_mutation_of_signed_bytes_is_never_valid(test_pki, signed, data):
    reader = PdfFileReader(BytesIO(signed))
    a, b, c, d = (int(v) for v in reader.embedded_signatures[0].byte_range)
    index = data.draw(st.one_of(st.integers(a, a + b - 1), st.integers(c, c + d - 1)))
    mutated = bytearray(signed)
    mutated[index] ^= data.draw(st.integers(1, 255))
    try:
        statuses = verify_pdf(bytes(mutated), trust=test_pki.trust_store())
    except SignatureError:
        return
    assert not any(s.valid for s in statuses)


@given(st.binary(max_size=300))
@settings(max_examples=60, deadline=None)
def test_fuzz_pdf_reader_raises_only_signature_error(data):
    try:
        statuses = verify_pdf(b"%PDF-1.7\n" + data)
    except SignatureError:
        return
    assert not any(s.valid for s in statuses)


def test_font_file_without_the_opentype_extra(test_pki, source, monkeypatch):
    """Without fontTools/HarfBuzz (pyHanko's [opentype] extra) the error says what to install.

    The extra is installed here (the ``pdf`` extra pulls it in), so its absence is simulated:
    a ``None`` entry in ``sys.modules`` makes the import fail as it would without it.
    """
    import sys

    monkeypatch.setitem(sys.modules, "pyhanko.pdf_utils.font.opentype", None)
    s = test_pki.signer
    stamp = VisibleStamp(font_file="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    with pytest.raises(SignatureError, match=r"pyhanko\[opentype\]") as info:
        prepare_pdf_signature(source, certificate=s.certificate, stamp=stamp)
    assert info.value.field == "stamp"


@pytest.mark.parametrize("subfilter", ["ADOBE_PKCS7_DETACHED", "PADES"])
def test_pdf_signed_by_pyhanko_verifies_with_onestop(test_pki, source, subfilter):
    """The other direction: a PDF signed by pyHanko's own signer, verified by onestop."""
    from asn1crypto import keys as asn1_keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    s = test_pki.signer
    simple = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(s.certificate.to_der()),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            s.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.to_der()) for c in s.chain]
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="PyHanko",
        md_algorithm="sha256",
        subfilter=getattr(fields.SigSeedSubFilter, subfilter),
    )
    out = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(source)), meta, signer=simple)
    (status,) = verify_pdf(out.getvalue(), trust=test_pki.trust_store())
    assert status.valid, status.problems
    assert status.signer.citizen_id == "001090012345"
    assert dict(status.details)["field_name"] == "PyHanko"


def test_visible_stamp_keeps_vietnamese_with_a_font(test_pki, source):
    pytest.importorskip("pyhanko.pdf_utils.font.opentype", exc_type=ImportError)
    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    if not Path(font).exists():
        pytest.skip("DejaVuSans is not installed")
    s = test_pki.signer
    signed = sign_pdf(
        source,
        certificate=s.certificate,
        key=s.key,
        chain=s.chain,
        stamp=VisibleStamp(font_file=font),
    )
    (status,) = verify_pdf(signed, trust=test_pki.trust_store())
    assert status.valid
    (theirs,) = _pyhanko(test_pki, signed)
    assert theirs.valid and theirs.trusted
    appearance = PdfFileReader(BytesIO(signed)).embedded_signatures[0].sig_field["/AP"]["/N"].data
    # The text is drawn with the embedded font; /ActualText carries the words themselves.
    texts = [_pdf_literal(appearance, m.end()) for m in re.finditer(rb"/ActualText \(", appearance)]
    decoded = "\n".join(t.decode("utf-16") for t in texts)
    assert "Ký bởi: Nguyễn Văn Thử" in decoded
    assert "Cơ quan: UBND Phường Thử Nghiệm" in decoded


def _pdf_literal(data: bytes, start: int) -> bytes:
    """Decode a PDF literal string starting after its '(' (escapes per ISO 32000 §7.3.4.2)."""
    out = bytearray()
    i = start
    while data[i : i + 1] != b")":
        if data[i : i + 1] == b"\\":
            nxt = data[i + 1 : i + 2]
            if nxt.isdigit():
                j = i + 1
                while j < i + 4 and data[j : j + 1].isdigit():
                    j += 1
                out.append(int(data[i + 1 : j], 8))
                i = j
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(nxt, nxt)
            i += 2
            continue
        out += data[i : i + 1]
        i += 1
    return bytes(out)


#: ``where`` value of the explicit example: the last hex digit of the first name attribute type
#: ``2.5.4.3`` (commonName) in the embedded certificates. Shifting it by 3 makes it ``2.5.4.6``
#: (countryName), whose value must be 2 characters: cryptography parses such a name leniently
#: and warns (a ``UserWarning``), which must never reach the caller.
_NAME_TYPE = -1


@example(where=_NAME_TYPE, shift=3)
@given(where=st.integers(0, 10**9), shift=st.integers(1, 15))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_mutation_of_the_embedded_signature_is_never_valid(test_pki, signed, where, shift):
    """Change one hex digit of the ``/Contents`` CMS (the part the byte range leaves out)."""
    reader = PdfFileReader(BytesIO(signed))
    a, b, c, _d = (int(v) for v in reader.embedded_signatures[0].byte_range)
    der = reader.embedded_signatures[0].pkcs7_content
    # Only the DER's own hex digits (not the zero padding after it) carry the signature.
    start = a + b + 1  # after '<'
    if where == _NAME_TYPE:
        index = signed.index(b"0603550403", start, start + 2 * len(der)) + 9
    else:
        index = start + where % (2 * len(der))
    new = format((int(chr(signed[index]), 16) + shift) % 16, "X")
    mutated = bytearray(signed)
    mutated[index] = ord(new)
    assert c > index  # still inside the hole of the byte range
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # whatever the suite's filters: no warning escapes
        try:
            statuses = verify_pdf(bytes(mutated), trust=test_pki.trust_store())
        except SignatureError:
            return
    if any(s.valid for s in statuses):
        # Only bytes outside the signer's signed attributes, signature value and certificate
        # (e.g. an embedded CA certificate) may change without invalidating the signature.
        from asn1crypto import cms as asn1_cms

        original = asn1_cms.ContentInfo.load(der)["content"]["signer_infos"][0]
        again = PdfFileReader(BytesIO(bytes(mutated))).embedded_signatures[0].signer_info
        assert original["signed_attrs"].dump() == again["signed_attrs"].dump()
        assert original["signature"].native == again["signature"].native


@given(st.data())
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_truncated_or_garbled_signed_pdf_is_an_error_or_invalid(test_pki, signed, data):
    """Cut a signed PDF anywhere, or overwrite a stretch of it with junk."""
    pdf = bytearray(signed)
    if data.draw(st.booleans(), label="truncate"):
        pdf = pdf[: data.draw(st.integers(0, len(pdf) - 1), label="cut")]
    else:
        start = data.draw(st.integers(0, len(pdf) - 1), label="start")
        junk = data.draw(st.binary(min_size=1, max_size=64), label="junk")
        pdf[start : start + len(junk)] = junk
        if bytes(pdf) == signed:
            return
    try:
        statuses = verify_pdf(bytes(pdf), trust=test_pki.trust_store())
    except SignatureError:
        return
    for status in statuses:
        if status.valid:  # the junk landed outside the signed ranges and the CMS' signed parts
            a, b, c, d = (
                int(v) for v in PdfFileReader(BytesIO(bytes(pdf))).embedded_signatures[0].byte_range
            )
            assert (
                bytes(pdf[a : a + b]) + bytes(pdf[c : c + d])
                == signed[a : a + b] + signed[c : c + d]
            )


def _in_last_revision(pdf, old, new):
    start = pdf.index(b"%%EOF") + 5  # the signature's incremental update follows
    index = pdf.index(old, start)
    return pdf[:index] + new + pdf[index + len(old) :]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # A number pyHanko cannot convert: decimal.InvalidOperation (an ArithmeticError).
        (b"<<\n/Type /Catalog", b"<<\n.Type /Catalog"),
        # The trailer's /Root points to a missing object: pyHanko's structure assert fails.
        (b"/Root 1 0 R", b"/Root 1 1 R"),
    ],
)
def test_damaged_pdf_structures_raise_signature_error(test_pki, signed, old, new):
    damaged = _in_last_revision(signed, old, new)
    with pytest.raises(SignatureError) as info:
        verify_pdf(damaged, trust=test_pki.trust_store())
    assert info.value.field == "pdf"
    s = test_pki.signer
    with pytest.raises(SignatureError):
        sign_pdf(damaged, certificate=s.certificate, key=s.key)


def test_font_tables_fonttools_cannot_subset_are_dropped_quietly(
    test_pki, source, caplog, font_with_unknown_table
):
    """fontTools logs 'FFTM NOT subset; don't know how to subset; dropped' for such a font."""
    font = font_with_unknown_table
    s = test_pki.signer
    caplog.set_level("INFO")
    signed = sign_pdf(
        source,
        certificate=s.certificate,
        key=s.key,
        chain=s.chain,
        stamp=VisibleStamp(font_file=str(font)),
    )
    assert [r.getMessage() for r in caplog.records if r.levelno >= 30] == []
    (status,) = verify_pdf(signed, trust=test_pki.trust_store())
    assert status.valid


@pytest.mark.parametrize(
    ("stamp", "fragment"),
    [
        (VisibleStamp(font=b"not a font"), "not a usable TrueType/OpenType font"),
        (VisibleStamp(font=b"x", font_file="/x.ttf"), "not both"),
    ],
)
def test_unusable_stamp_fonts(test_pki, source, stamp, fragment):
    s = test_pki.signer
    with pytest.raises(SignatureError, match=fragment) as info:
        prepare_pdf_signature(source, certificate=s.certificate, stamp=stamp)
    assert info.value.field == "stamp"
