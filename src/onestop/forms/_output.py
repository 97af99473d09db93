"""The form as a PDF (optionally signed) and as HTML."""

from __future__ import annotations

from onestop.errors import FormError
from onestop.forms._html import render_html as _draw_html
from onestop.forms._pdf import render_layout
from onestop.forms._records import FormRecord
from onestop.forms._sign import as_form_signer, sign_form

__all__ = ["render_html", "render_pdf"]


def _check(record: object) -> FormRecord:
    if not isinstance(record, FormRecord):
        raise FormError(
            f"record: expected an onestop.forms.FormRecord (from build_form), got "
            f"{type(record).__name__}",
            field="record",
        )
    return record


def render_pdf(record: FormRecord, *, sign: object = None, pdfa: bool = True) -> bytes:
    """``record``'s form as an A4 PDF, signed when ``sign`` is given.

    Args:
        record: the form (:func:`onestop.forms.build_form`).
        sign: a :class:`~onestop.forms.FormSigner` (key and certificate, PKCS#12, a hash
            signer or remote signing), or an object with ``certificate`` and ``key`` (a loaded
            PKCS#12 bundle): the PDF gets a PAdES signature, with a visible stamp in Vietnamese
            over the issuing officer's signature block unless ``FormSigner(visible=False)``.
        pdfa: write PDF/A-2u (ISO 19005-2, fonts embedded, Unicode text), the archival form.

    Returns:
        The PDF bytes. Unsigned, they depend only on the record.

    Raises:
        FormError: ``record`` or ``sign`` is of the wrong kind.
        MissingExtraError: fpdf2/segno (``forms`` extra) or pyHanko (``pdf`` extra, to sign)
            is not installed.
        SignatureError: the key does not match the certificate, or signing failed.
    """
    form = _check(record)
    signer = None if sign is None else as_form_signer(sign)
    drawn = render_layout(form, pdfa=bool(pdfa))
    if signer is None:
        return drawn.data
    return sign_form(
        drawn.data,
        signer,
        page=drawn.sign_page,
        box=drawn.sign_box,
        reason=f"Ký số {form.title[0]}{form.title[1:].lower()}, mã hồ sơ {form.dossier_code}",
        location=form.header.place,
    )


def render_html(record: FormRecord) -> str:
    """``record``'s form as one self-contained HTML page (inline CSS, the QR code as SVG).

    Raises:
        FormError: ``record`` is not a :class:`~onestop.forms.FormRecord`.
        MissingExtraError: segno (the ``forms`` extra) is not installed (receipt QR code).
    """
    return _draw_html(_check(record))
