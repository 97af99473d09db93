"""Fixtures shared by several test directories.

Each directory's own fixtures live in its ``conftest.py``; those here are used by more than
one (the command-line tests and the signature tests both build changed PDFs and stamp fonts).
Values needed at import time live in :mod:`tests._helpers`. No test imports another test
module or a ``conftest.py`` (``tests/test_architecture.py`` checks it).
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest

#: Code points the stamp font covers: ASCII, Latin-1, Latin Extended-A/B, the Vietnamese block.
_COVERED = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x1EA0, 0x1EFA)]


def _font_with_unknown_table() -> bytes:
    """A valid TrueType font (one box glyph for every covered character) with an FFTM table."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    def box():
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0))
        pen.lineTo((50, 700))
        pen.lineTo((450, 700))
        pen.lineTo((450, 0))
        pen.closePath()
        return pen.glyph()

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "box"])
    builder.setupCharacterMap(dict.fromkeys(_COVERED, "box"))
    builder.setupGlyf({".notdef": box(), "box": box()})
    builder.setupHorizontalMetrics({".notdef": (500, 50), "box": (500, 50)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable(
        {"familyName": "Onestop Test", "styleName": "Regular", "psName": "OnestopTest-Regular"}
    )
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    fftm = newTable("FFTM")
    fftm.version = 1
    fftm.FFTimeStamp = fftm.sourceCreated = fftm.sourceModified = 0
    builder.font["FFTM"] = fftm
    out = BytesIO()
    builder.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def font_with_unknown_table(tmp_path_factory) -> Path:
    """A tiny TrueType font file with a table fontTools cannot subset (``FFTM``).

    FontForge writes an ``FFTM`` (timestamps) table into the fonts it builds, DejaVu Sans among
    them; fontTools' subsetter drops such a table with a warning. The font is built here (one
    box glyph for every covered character) so the tests need no font installed.
    """
    path = tmp_path_factory.mktemp("fonts") / "stamp.ttf"
    path.write_bytes(_font_with_unknown_table())
    return path


class PdfEdits:
    """Signed PDFs and the later revisions that change them, built with pyHanko.

    pyHanko's signer certifies documents (DocMDP); its incremental writer appends the unsigned
    revisions an attacker, a PDF editor or a form-filling application would.
    """

    @staticmethod
    def pyhanko_signer(issued):
        """A pyHanko signer for a test PKI certificate and key."""
        from asn1crypto import keys as asn1_keys
        from asn1crypto import x509 as asn1_x509
        from cryptography.hazmat.primitives import serialization
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

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

    @staticmethod
    def certify(pdf, issued, permission):
        """Certify ``pdf`` (field ``ChungThuc``) with DocMDP ``permission`` (an ``MDPPerm``)."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(
            field_name="ChungThuc",
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            certify=True,
            docmdp_permissions=permission,
        )
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        return signers.sign_pdf(writer, meta, signer=PdfEdits.pyhanko_signer(issued)).getvalue()

    @staticmethod
    def append_revision(pdf, change):
        """Append one unsigned revision made by ``change(writer)``."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        change(writer)
        out = BytesIO()
        writer.write(out)
        return out.getvalue()

    @staticmethod
    def fill_field(pdf, name, value):
        """A later revision setting a text field's value and drawing it (what a PDF editor does)."""
        from pyhanko.pdf_utils import generic

        from onestop.testing import text_field_appearance

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

        return PdfEdits.append_revision(pdf, change)

    @staticmethod
    def annotate(pdf, *, subtype="/FreeText", action=None):
        """A later revision adding a comment (with its appearance) to the first page."""
        from pyhanko.pdf_utils import generic

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

        return PdfEdits.append_revision(pdf, change)

    @staticmethod
    def redraw_page(pdf):
        """A later revision replacing the first page's content (not a permitted change at all)."""
        from pyhanko.pdf_utils import generic

        def change(writer):
            page = writer.root["/Pages"]["/Kids"][0].get_object()
            stream = generic.StreamObject(stream_data=b"BT /F1 30 Tf 72 600 Td (GIA MAO) Tj ET")
            page[generic.NameObject("/Contents")] = writer.add_object(stream)
            writer.update_container(page)

        return PdfEdits.append_revision(pdf, change)

    @staticmethod
    def overlay_signature_field(pdf, text=b"999,000,000 VND"):
        """A later revision adding an *unsigned* signature field whose appearance draws ``text``
        where the first text field is: an overlay nobody signs."""
        from pyhanko.pdf_utils import generic
        from pyhanko.sign import fields

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

        return PdfEdits.append_revision(pdf, change)


@pytest.fixture(scope="session")
def pdf_edits() -> type[PdfEdits]:
    """The PDF revision builders of :class:`PdfEdits` (certify, fill a field, annotate, ...)."""
    return PdfEdits
