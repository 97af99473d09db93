"""Build signed PDFs and the later revisions that change them, with pyHanko (test helpers).

pyHanko's signer certifies documents (DocMDP); its incremental writer appends the unsigned
revisions an attacker, a PDF editor or a form-filling application would.
"""

from __future__ import annotations

from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from onestop.testing import text_field_appearance


def pyhanko_signer(issued):
    """A pyHanko signer for a test PKI certificate and key."""
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(issued.certificate.to_der()),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            issued.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.to_der()) for c in issued.chain]
        ),
    )


def certify(pdf, issued, permission):
    """Certify ``pdf`` (field ``ChungThuc``) with DocMDP ``permission`` (an ``MDPPerm``)."""
    meta = signers.PdfSignatureMetadata(
        field_name="ChungThuc",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=permission,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    return signers.sign_pdf(writer, meta, signer=pyhanko_signer(issued)).getvalue()


def append_revision(pdf, change):
    """Append one unsigned revision made by ``change(writer)``."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    change(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def fill_field(pdf, name, value):
    """A later revision setting a text field's value and drawing it (what a PDF editor does)."""

    def change(writer):
        for ref in writer.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if field["/T"] != name:
                continue
            old = field["/AP"]["/N"].get_object()
            look = generic.StreamObject(
                {
                    generic.NameObject(k): old.raw_get(k)
                    for k in ("/Type", "/Subtype", "/BBox", "/Resources")
                },
                stream_data=text_field_appearance(value),
            )
            field["/V"] = generic.TextStringObject(value)
            field["/AP"] = generic.DictionaryObject(
                {generic.NameObject("/N"): writer.add_object(look)}
            )
            writer.update_container(field)

    return append_revision(pdf, change)


def annotate(pdf, *, subtype="/FreeText", action=None):
    """A later revision adding a comment (with its appearance) to the first page."""

    def change(writer):
        page_ref = writer.root["/Pages"]["/Kids"][0]
        page = page_ref.get_object()
        look = generic.StreamObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/XObject"),
                generic.NameObject("/Subtype"): generic.NameObject("/Form"),
                generic.NameObject("/BBox"): generic.ArrayObject(
                    [generic.NumberObject(v) for v in (0, 0, 200, 30)]
                ),
            },
            stream_data=b"BT /Helv 12 Tf 2 10 Td (DA THANH TOAN) Tj ET",
        )
        annotation = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject(subtype),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(v) for v in (300, 700, 500, 730)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject("Đã thanh toán"),
                generic.NameObject("/P"): page_ref,
                generic.NameObject("/AP"): generic.DictionaryObject(
                    {generic.NameObject("/N"): writer.add_object(look)}
                ),
            }
        )
        if action is not None:
            annotation[generic.NameObject("/A")] = action
        annots = list(page.get("/Annots", generic.ArrayObject()))
        page[generic.NameObject("/Annots")] = generic.ArrayObject(
            [*annots, writer.add_object(annotation)]
        )
        writer.update_container(page)

    return append_revision(pdf, change)


def redraw_page(pdf):
    """A later revision replacing the first page's content (not a permitted change at all)."""

    def change(writer):
        page = writer.root["/Pages"]["/Kids"][0].get_object()
        stream = generic.StreamObject(stream_data=b"BT /F1 30 Tf 72 600 Td (GIA MAO) Tj ET")
        page[generic.NameObject("/Contents")] = writer.add_object(stream)
        writer.update_container(page)

    return append_revision(pdf, change)


def overlay_signature_field(pdf, text=b"999,000,000 VND"):
    """A later revision adding an *unsigned* signature field whose appearance draws ``text``
    where the first text field is: an overlay nobody signs."""

    def change(writer):
        spec = fields.SigFieldSpec("ChuKyGia", box=(72, 700, 292, 720), on_page=0)
        fields.append_signature_field(writer, spec)
        for ref in writer.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if field.get("/T") == "ChuKyGia":
                look = generic.StreamObject(
                    {
                        generic.NameObject("/Type"): generic.NameObject("/XObject"),
                        generic.NameObject("/Subtype"): generic.NameObject("/Form"),
                        generic.NameObject("/BBox"): generic.ArrayObject(
                            [generic.NumberObject(v) for v in (0, 0, 220, 20)]
                        ),
                    },
                    stream_data=b"1 g 0 0 220 20 re f 0 g BT /Helv 12 Tf 2 6 Td ("
                    + text
                    + b") Tj ET",
                )
                field["/AP"] = generic.DictionaryObject(
                    {generic.NameObject("/N"): writer.add_object(look)}
                )
                writer.update_container(field)

    return append_revision(pdf, change)
