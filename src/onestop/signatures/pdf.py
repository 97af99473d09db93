"""PAdES signatures on PDF results (B-B, and B-T with a timestamp), through pyHanko.

Needs the ``pdf`` extra (``pip install 'onestop-vn[pdf]'``); pyHanko is imported only when a
function of this module runs.

* :func:`sign_pdf` signs a result PDF (invisible, or with a visible stamp showing the signer
  and the time) with a local key or any :data:`~onestop.signatures.cms.HashSigner`.
* :func:`prepare_pdf_signature` / :meth:`PreparedPdf.finish` is the deferred two-phase flow of
  USB tokens and remote signing (prepare the field and the byte-range digest, have the hash of
  the CMS signed attributes signed elsewhere, embed).
* :func:`verify_pdf` returns one :class:`~onestop.signatures.status.SignatureStatus` per
  signature, with the byte-range coverage and what changed after the signature (DocMDP
  permissions, form fields, annotations) judged and described in ``problems`` and ``details``.

Signatures use the ``ETSI.CAdES.detached`` sub-filter with SHA-256, the ESS
signing-certificate-v2 attribute and no signing-time attribute (ETSI EN 319 142-1 §5.3: the
claimed time is the signature dictionary's ``/M``); B-T adds an RFC 3161 signature timestamp.
Legal context: administrative documents are PDF files signed by the issuing organisation
(Decree 30/2020/NĐ-CP, Art. 8 and Appendix I).
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Coroutine, Iterable
from io import BytesIO
from typing import Any, Literal, TypeAlias, TypeVar

import attrs

from onestop.errors import SignatureError
from onestop.signatures._extras import require
from onestop.signatures._pdfchanges import (
    LEVELS,
    ChangeReview,
    Level,
    PermissionSource,
    form_fields,
    permission_of,
    review_changes,
)
from onestop.signatures.certificates import (
    Certificate,
    PrivateKey,
    as_certificate,
    as_certificates,
    check_time,
)
from onestop.signatures.cms import (
    HashSigner,
    PreparedSignature,
    Timestamper,
    as_data,
    check_key_matches,
    check_signed_data,
    digest_of,
    parse_signed_data,
    pick_signer,
    prepare_signature,
)
from onestop.signatures.status import Problem, ProblemCode, SignatureStatus
from onestop.signatures.trust import RevocationPolicy, TrustInput
from onestop.tz import VN_TZ

__all__ = [
    "AllowedChanges",
    "PreparedPdf",
    "VisibleStamp",
    "prepare_pdf_signature",
    "sign_pdf",
    "verify_pdf",
]


#: What pyHanko raises, besides ``PdfError``, on a damaged PDF: structure checks are plain
#: ``assert`` statements, a garbled number is a ``decimal.InvalidOperation`` (an
#: ``ArithmeticError``), and a reference cycle can exhaust the recursion limit.
_PDF_READ_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    AssertionError,
    ArithmeticError,
    RecursionError,
)
T = TypeVar("T")


def _read_errors(misc: Any) -> tuple[type[Exception], ...]:
    """``PdfError`` of pyHanko's ``misc`` module plus :data:`_PDF_READ_ERRORS`."""
    return (misc.PdfError, *_PDF_READ_ERRORS)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Drive a pyHanko coroutine that does no I/O, without an event loop.

    Unlike ``asyncio.run`` this also works inside a running loop (e.g. a web handler).
    """
    try:
        coro.send(None)
    except StopIteration as done:
        value: T = done.value
        return value
    coro.close()
    raise SignatureError(  # pragma: no cover - only if pyHanko starts doing I/O here
        "pdf: pyHanko needed asynchronous I/O during signing, which onestop does not do",
        field="pdf",
    )


def fold_to_ascii(text: str) -> str:
    """Remove Vietnamese diacritics (``"Nguyễn Văn Đức"`` -> ``"Nguyen Van Duc"``).

    Used for visible stamps drawn with the PDF standard fonts, which have no Vietnamese glyphs.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


@attrs.frozen(slots=True)
class VisibleStamp:
    """A visible signature appearance.

    Attributes:
        page: 0-based page index (``-1``: the last page).
        box: ``(x1, y1, x2, y2)`` in PDF points from the page's lower-left corner.
        text: the stamp text; ``{signer}`` is replaced by the certificate CN, ``{time}`` by
            the signing time in Vietnam time (``dd/mm/yyyy HH:MM:SS``), ``{org}`` by the O.
        font_file: a TrueType/OpenType font with Vietnamese glyphs, subset and embedded
            (needs ``pyhanko[opentype]``, part of the ``pdf`` extra); without it the text is
            drawn in a standard font with the diacritics removed.
        font: the same font given as its content (bytes) instead of a path.
    """

    page: int = 0
    box: tuple[float, float, float, float] = (36.0, 36.0, 300.0, 100.0)
    text: str = "Ký bởi: {signer}\nCơ quan: {org}\nThời gian: {time}"
    font_file: str | None = None
    font: bytes | None = None


def _asn1(cert: Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.to_der())


def _reserve(certificate: Certificate, chain: tuple[Certificate, ...], *, timestamp: bool) -> int:
    certs = sum(len(c.to_der()) for c in (certificate, *chain))
    size = certs + 2048 + 1024  # signer info, attributes, signature value, slack
    if timestamp:
        size += 3 * certs + 4096  # a TSA token embeds its own certificates
    return 2 * size  # hex encoding


@attrs.frozen(slots=True)
class PreparedPdf:
    """Phase one of a deferred PDF signature: the document with a reserved signature field.

    Attributes:
        document: the PDF with the placeholder (the bytes to keep until :meth:`finish`).
        reserved_start: offset of the ``<`` opening the reserved ``/Contents`` hex string.
        reserved_end: offset just after its closing ``>``.
        signature: the prepared CMS signed attributes (their hash is what gets signed).
    """

    document: bytes
    reserved_start: int
    reserved_end: int
    signature: PreparedSignature

    @property
    def digest_to_sign(self) -> bytes:
        """SHA-256 of the CMS signed attributes: send this to the token or remote signer."""
        return self.signature.digest_to_sign

    def finish(self, signature_value: bytes, *, timestamper: Timestamper | None = None) -> bytes:
        """Phase two: embed the CMS built around ``signature_value``; return the signed PDF.

        Raises:
            SignatureError: when the value does not verify with the certificate, or the CMS
                does not fit in the reserved space.
        """
        der = self.signature.finish(signature_value, timestamper=timestamper)
        content = der.hex().upper().encode("ascii")
        room = self.reserved_end - self.reserved_start - 2
        if len(content) > room:
            raise SignatureError(
                f"signature: the CMS needs {len(content)} hex characters but only {room} were "
                "reserved; prepare again with a larger bytes_reserved",
                field="signature",
            )
        out = bytearray(self.document)
        start = self.reserved_start + 1
        out[start : start + len(content)] = content
        return bytes(out)


def prepare_pdf_signature(
    pdf: bytes,
    *,
    certificate: Certificate,
    chain: Iterable[Certificate] = (),
    field_name: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    stamp: VisibleStamp | None = None,
    with_timestamp: bool = False,
    bytes_reserved: int | None = None,
    now: dt.datetime | None = None,
) -> PreparedPdf:
    """Phase one: add a signature field to ``pdf`` and compute what must be signed.

    Args:
        pdf: the document (it is not modified; a new revision is appended).
        certificate: the signer's certificate.
        chain: intermediates (and optionally the root) to embed.
        field_name: the signature field to fill: an empty signature field of the document,
            or a new one by that name. Default: a new field with the first free name of
            ``Signature1``, ``Signature2``... (so a signed PDF can be signed again).
        reason: ``/Reason`` (e.g. ``"Phê duyệt kết quả"``).
        location: ``/Location`` (e.g. ``"Hà Nội"``).
        stamp: a visible appearance; ``None`` for an invisible signature.
        with_timestamp: reserve room for a B-T timestamp token.
        bytes_reserved: hex characters reserved for the CMS (default: estimated).
        now: the time shown on the visible stamp (default: now).

    Raises:
        SignatureError: when ``pdf`` cannot be read, ``field_name`` names a field that is
            already signed or is not a signature field, the document's certification allows
            no further signature (DocMDP P=1), or the field cannot be created.
        ConfigurationError: when pyHanko (the ``pdf`` extra) is not installed.
    """
    require("pyhanko.sign", feature="PDF signatures")
    from pyhanko.pdf_utils import misc
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    data = as_data(pdf, "pdf")
    certificate = as_certificate(certificate, field="certificate")
    chain_t = as_certificates(chain, field="chain")
    reserve = bytes_reserved or _reserve(certificate, chain_t, timestamp=with_timestamp)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    except _read_errors(misc) as exc:
        raise SignatureError(
            f"pdf: not a readable PDF document ({type(exc).__name__})", field="pdf"
        ) from exc
    field_name = _signature_field(writer, field_name)
    external = signers.ExternalSigner(
        signing_cert=_asn1(certificate),
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [_asn1(c) for c in chain_t]
        ),
        signature_value=256,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    stamp_style = None
    field_spec = None
    if stamp is not None:
        stamp_style, field_spec = _appearance(stamp, certificate, field_name, writer, now)
    pdf_signer = signers.PdfSigner(
        meta, signer=external, stamp_style=stamp_style, new_field_spec=field_spec
    )
    try:
        prepared_digest, _tbs, output = _run(
            pdf_signer.async_digest_doc_for_signing(writer, bytes_reserved=reserve)
        )
    except SignatureError:  # onestop's own, e.g. from the font engine: already precise
        raise
    except _read_errors(misc) as exc:
        raise SignatureError(
            f"pdf: cannot add a signature field ({type(exc).__name__}: {exc})", field="pdf"
        ) from exc
    output.seek(0)
    document = output.read()
    return PreparedPdf(
        document=document,
        reserved_start=prepared_digest.reserved_region_start,
        reserved_end=prepared_digest.reserved_region_end,
        signature=prepare_signature(
            prepared_digest.document_digest,
            certificate=certificate,
            chain=chain_t,
            include_signing_time=False,
        ),
    )


def _signature_field(writer: Any, field_name: str | None) -> str:
    """The field to sign: ``field_name`` checked, or the first free ``SignatureN`` name."""
    from pyhanko.pdf_utils import misc
    from pyhanko.sign.validation import read_certification_data

    try:
        certification = read_certification_data(writer)
        existing = form_fields(writer)
    except _read_errors(misc) as exc:
        raise SignatureError(
            f"pdf: the form of the document is malformed ({type(exc).__name__})", field="pdf"
        ) from exc
    if certification is not None and int(certification.permission.value) == 1:
        raise SignatureError(
            "pdf: the document is certified with 'no changes allowed' (DocMDP P=1); another "
            "signature would invalidate its certification",
            field="pdf",
        )
    if field_name is None:
        number = 1
        while f"Signature{number}" in existing:
            number += 1
        return f"Signature{number}"
    given: object = field_name  # callers without type checking may pass anything
    if not isinstance(given, str) or not given.strip() or "." in given:
        raise SignatureError(
            f"field_name: {field_name!r} is not a usable field name; expected a non-empty name "
            "without '.' (or None for a free one)",
            field="field_name",
        )
    field = existing.get(field_name)
    if field is not None and not field.is_signature:
        raise SignatureError(
            f"field_name: the document's field {field_name!r} is not a signature field; "
            "choose another name (or None for a free one)",
            field="field_name",
        )
    if field is not None and field.filled:
        raise SignatureError(
            f"field_name: the signature field {field_name!r} is already signed; choose "
            "another name (or None for a free one)",
            field="field_name",
        )
    return field_name


def _font_factory(font_file: str | None, font: bytes | None) -> Any:
    """A pyHanko font engine factory that reads the font once and closes the file.

    (pyHanko's own ``GlyphAccumulatorFactory`` leaves the font file open.) Tables that
    fontTools cannot subset (e.g. FontForge's ``FFTM`` timestamp) are dropped before
    subsetting, as fontTools would, but without its warning for each of them.
    """
    try:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
    except ImportError as exc:  # pyHanko without its [opentype] extra
        raise SignatureError(
            "stamp.font_file: embedding a font needs fonttools and uharfbuzz "
            "(pip install 'pyhanko[opentype]')",
            field="stamp",
        ) from exc
    if font is not None:
        font_bytes = bytes(font)
    else:
        try:
            with open(str(font_file), "rb") as handle:
                font_bytes = handle.read()
        except OSError as exc:
            raise SignatureError(
                f"stamp.font_file: cannot read the font ({exc.strerror or type(exc).__name__})",
                field="stamp",
            ) from exc

    class InMemoryFont(GlyphAccumulatorFactory):
        def create_font_engine(self, writer: Any, obj_stream: Any = None) -> Any:
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            try:
                engine = GlyphAccumulator(
                    writer=writer,
                    font_handle=BytesIO(font_bytes),
                    font_size=self.font_size,
                    obj_stream=obj_stream,
                )
                for tag in _unsubsettable_tables(engine.tt):
                    del engine.tt[tag]
            except Exception as exc:  # fontTools' errors have no common base class
                raise SignatureError(
                    "stamp.font: not a usable TrueType/OpenType font "
                    f"({type(exc).__name__}); give a .ttf or .otf file with a Unicode name "
                    "table, e.g. DejaVu Sans or Noto Sans",
                    field="stamp",
                ) from exc
            return engine

    return InMemoryFont(font_file or "font")


def _unsubsettable_tables(font: Any) -> list[str]:
    """The tables fontTools' subsetter does not know and would drop with a warning.

    The same test as the subsetter's (fontTools.subset ``Subsetter._subset_glyphs``): a table
    neither dropped nor kept as is by the default options, and without a ``subset_glyphs``
    method. Such tables (``FFTM``, vendor tables) say nothing about how glyphs look.
    """
    from fontTools import subset, ttLib

    options = subset.Options()
    keep = set(options.no_subset_tables) | set(options.drop_tables)
    tags: list[str] = list(font.keys())  # a TTFont, not a mapping
    return [
        tag
        for tag in tags
        if tag != "GlyphOrder"
        and tag.strip() not in keep
        and not hasattr(ttLib.getTableClass(tag), "subset_glyphs")
    ]


def _appearance(
    stamp: VisibleStamp,
    certificate: Certificate,
    field_name: str,
    writer: Any,
    now: dt.datetime | None,
) -> tuple[Any, Any]:
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields
    from pyhanko.stamp import TextStampStyle

    when = (check_time(now, "now") or dt.datetime.now(dt.UTC)).astimezone(VN_TZ)
    subject = certificate.subject
    try:
        text = str(stamp.text).format(
            signer=subject.common_name or "",
            org=subject.organization or "",
            time=when.strftime("%d/%m/%Y %H:%M:%S"),
        )
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise SignatureError(
            "stamp.text: only the placeholders {signer}, {org} and {time} are allowed "
            "(write a literal brace as {{ or }})",
            field="stamp",
        ) from exc
    try:
        x1, y1, x2, y2 = (int(v) for v in stamp.box)
        page_index = int(stamp.page)
    except (TypeError, ValueError) as exc:
        raise SignatureError(
            "stamp.box: expected (x1, y1, x2, y2) in PDF points and an integer page",
            field="stamp",
        ) from exc
    if x2 <= x1 or y2 <= y1:
        raise SignatureError(
            f"stamp.box: ({x1}, {y1}, {x2}, {y2}) is empty; expected x1 < x2 and y1 < y2 "
            "(lower-left, then upper-right corner)",
            field="stamp",
        )
    box_style: Any
    if stamp.font_file is not None and stamp.font is not None:
        raise SignatureError(
            "stamp: give the font as font_file (a path) or as font (its bytes), not both",
            field="stamp",
        )
    if stamp.font_file is not None or stamp.font is not None:
        box_style = TextBoxStyle(font=_font_factory(stamp.font_file, stamp.font))
    else:
        text = fold_to_ascii(text)
        box_style = TextBoxStyle()
    pages = int(writer.root["/Pages"]["/Count"])
    page = page_index if page_index >= 0 else pages + page_index
    if not 0 <= page < pages:
        raise SignatureError(
            f"stamp.page: page {stamp.page} does not exist (the document has {pages})",
            field="stamp",
        )
    style = TextStampStyle(stamp_text=text.replace("%", "%%"), text_box_style=box_style)
    spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=(x1, y1, x2, y2))
    return style, spec


def sign_pdf(
    pdf: bytes,
    *,
    certificate: Certificate,
    key: PrivateKey | None = None,
    signer: HashSigner | None = None,
    chain: Iterable[Certificate] = (),
    field_name: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    stamp: VisibleStamp | None = None,
    timestamper: Timestamper | None = None,
) -> bytes:
    """Sign a PDF (PAdES B-B; B-T when ``timestamper`` is given); return the signed PDF.

    Exactly one of ``key`` or ``signer`` (a hash signer: token, remote service) is needed.
    Each call adds one signature in a new revision: sign an already signed PDF again to add
    the next signer's (``field_name`` as in :func:`prepare_pdf_signature`: by default the
    first free ``SignatureN`` name).

    Example:
        >>> signed = sign_pdf(pdf, certificate=cert, key=key, chain=chain,
        ...                   stamp=VisibleStamp())  # doctest: +SKIP
    """
    hash_signer = pick_signer(key, signer)
    certificate = as_certificate(certificate, field="certificate")
    check_key_matches(key, certificate)
    prepared = prepare_pdf_signature(
        pdf,
        certificate=certificate,
        chain=chain,
        field_name=field_name,
        reason=reason,
        location=location,
        stamp=stamp,
        with_timestamp=timestamper is not None,
    )
    return prepared.finish(hash_signer(prepared.digest_to_sign), timestamper=timestamper)


def _digest_of(content: bytes, algorithm: str) -> bytes:
    return digest_of(algorithm, content)


#: What may change after an approval signature without invalidating it (see :func:`verify_pdf`).
AllowedChanges: TypeAlias = Literal["signatures", "form_filling", "annotations"]
_ALLOWED: tuple[AllowedChanges, ...] = ("signatures", "form_filling", "annotations")
#: The highest modification level each DocMDP permission allows (ISO 32000-1 Table 254):
#: P=1 only validation data and document timestamps, P=2 form filling and signing, P=3 also
#: annotations.
_PERMITTED: dict[int, Level] = {1: "lta_updates", 2: "form_filling", 3: "annotations"}
_PERMISSION_NAMES = {1: "no_changes", 2: "form_filling", 3: "annotations"}


def _what_changed(review: ChangeReview) -> str:
    parts: list[str] = []
    if review.changed_fields:
        parts.append(f"form field(s) {', '.join(review.changed_fields)} were filled in or changed")
    if review.unsigned_drawn:
        parts.append(_drawn(review))
    if review.later_signatures:
        parts.append(f"{review.later_signatures} signature field(s) were added or signed")
    if review.level == "annotations":
        parts.append("annotations (comments, markup) were added, changed or removed")
    return "; ".join(parts) or "form fields or signatures were changed"


def _drawn(review: ChangeReview) -> str:
    return (
        f"signature field(s) {', '.join(review.unsigned_drawn)} were added without being "
        "signed, with an appearance that draws over the page"
    )


def _change_problems(
    review: ChangeReview,
    permission: tuple[int, PermissionSource] | None,
    allowed: AllowedChanges,
) -> list[Problem]:
    """What the revisions after one signature do that its permissions do not allow."""
    if review.level == "other":
        return [
            Problem(
                ProblemCode.MODIFIED_AFTER_SIGNING,
                "revisions appended after this signature change the document's content (not "
                "just form fields, annotations, further signatures or validation data)",
            )
        ]
    if permission is not None:
        value, source = permission
        if LEVELS.index(review.level) <= LEVELS.index(_PERMITTED[value]):
            return []
        what = "certification" if source == "certification" else "signature field's lock"
        allows = {
            1: "no changes",
            2: "only form filling and signing",
            3: "only form filling, signing and annotations",
        }[value]
        return [
            Problem(
                ProblemCode.DOCMDP_VIOLATION,
                f"this signature's {what} (DocMDP P={value}) allows {allows}, but later "
                f"revisions change the document: {_what_changed(review)}",
            )
        ]
    problems: list[Problem] = []
    if review.unsigned_drawn:
        problems.append(
            Problem(
                ProblemCode.FORM_CHANGED_AFTER_SIGNING,
                f"after this signature, {_drawn(review)}: it can show anything over the "
                "signed content",
            )
        )
    if review.changed_fields and allowed == "signatures":
        problems.append(
            Problem(
                ProblemCode.FORM_CHANGED_AFTER_SIGNING,
                f"form field(s) {', '.join(review.changed_fields)} were filled in or changed "
                "after this signature, so the document no longer shows what was signed; "
                "accept it only for a form meant to be filled in after signing "
                "(allowed_changes='form_filling', --allow-changes form-filling)",
            )
        )
    if review.level == "annotations" and allowed != "annotations":
        problems.append(
            Problem(
                ProblemCode.ANNOTATED_AFTER_SIGNING,
                "annotations (comments, markup) were added, changed or removed after this "
                "signature; accept them with allowed_changes='annotations' "
                "(--allow-changes annotations)",
            )
        )
    return problems


def verify_pdf(
    pdf: bytes,
    *,
    trust: TrustInput = None,
    at: dt.datetime | None = None,
    certificates: Iterable[Certificate] = (),
    revocation: RevocationPolicy | None = None,
    allowed_changes: AllowedChanges = "signatures",
) -> tuple[SignatureStatus, ...]:
    """Verify every signature of a PDF, in document order.

    Each status checks the CMS over the signed byte range (see
    :func:`onestop.signatures.cms.verify_bytes`), the coverage (a signature that does not
    cover its whole revision gets ``incomplete_coverage``) and what the revisions appended
    after the signature change:

    * anything beyond form fields, annotations, further signatures and validation data:
      ``modified_after_signing``;
    * a **certification** signature (ISO 32000-1 §12.8.2.2, DocMDP), or a signature whose
      field lock sets a DocMDP permission (ISO 32000-2 §12.7.5.5), allows what its ``/P``
      says: 1 no changes (a further signature is a change), 2 form filling and signing,
      3 also annotations. More is ``docmdp_violation``; a signature added after a ``P=1``
      certification gets ``docmdp_violation`` too;
    * an **approval** signature allows what ``allowed_changes`` says. The default,
      ``"signatures"``, is for *result documents*: the licence, certificate or decision an
      agency issues as the result of a procedure (kết quả giải quyết thủ tục hành chính),
      whose content is final once signed (Decree 30/2020/NĐ-CP on administrative documents):
      only further signatures (e.g. the head of the agency after the officer) and validation
      data may follow, and a changed form field gives ``form_changed_after_signing``, a
      changed annotation ``annotated_after_signing``. Pass ``"form_filling"`` for a form
      meant to be filled in after signing (an agency-signed template a citizen completes),
      ``"annotations"`` to also accept comments and markup.

    ``details`` holds ``field_name``, ``coverage`` (``entire_file`` or ``entire_revision``:
    later revisions were appended), then ``modification_level`` of those revisions (``none``,
    ``lta_updates``, ``form_filling``, ``annotations`` or ``other``), ``changed_form_fields``
    (comma-separated names, when any), ``certification`` or ``lock_permission``
    (``no_changes``, ``form_filling`` or ``annotations``) when the signature sets a DocMDP
    permission, and ``signer_reported_time`` (``/M``).

    Args:
        pdf: the document.
        trust: trust anchors.
        at: validation time (default: the proven timestamp time, else now).
        certificates: extra certificates (intermediates) not embedded in the signatures.
        revocation: revocation policy (default: no revocation checking).
        allowed_changes: what may change after an approval signature (see above).

    Returns:
        One status per signature; an empty tuple for an unsigned PDF.

    Raises:
        SignatureError: when the PDF or one of its signature containers is malformed, or
            ``allowed_changes`` is not one of the values above.
    """
    require("pyhanko.sign", feature="PDF signatures")
    if allowed_changes not in _ALLOWED:
        raise SignatureError(
            f"allowed_changes: {allowed_changes!r} is not one of {', '.join(_ALLOWED)}",
            field="allowed_changes",
        )
    from asn1crypto import cms as asn1_cms
    from pyhanko.pdf_utils import misc
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel

    data = as_data(pdf, "pdf")
    at = check_time(at, "at")
    extra = as_certificates(certificates, field="certificates")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except _read_errors(misc) as exc:
        raise SignatureError(
            f"pdf: not a readable PDF document ({type(exc).__name__})", field="pdf"
        ) from exc
    results: list[SignatureStatus] = []
    no_changes_before = False  # a signature with DocMDP P=1 precedes this one
    for emb in embedded:
        try:
            ranges = [int(v) for v in emb.byte_range]
            if len(ranges) != 4:
                raise ValueError("a /ByteRange needs 4 numbers")
            a, b, c, d = ranges
            signed = data[a : a + b] + data[c : c + d]
            der = asn1_cms.ContentInfo.load(bytes(emb.pkcs7_content)).dump()
            coverage = emb.evaluate_signature_coverage()
            reported = emb.self_reported_timestamp
            name = str(emb.field_name)
            timestamp_only = emb.sig_object.get("/Type") == "/DocTimeStamp"
        except _read_errors(misc) as exc:
            raise SignatureError(
                f"pdf: a signature dictionary is malformed ({type(exc).__name__})", field="pdf"
            ) from exc
        parsed = parse_signed_data(der, "pdf")
        status, _signer = check_signed_data(
            parsed,
            functools.partial(_digest_of, signed),
            trust=trust,
            at=at,
            certificates=extra,
            revocation=revocation,
            usage="document_signing",
        )
        problems = list(status.problems)
        level = {
            SignatureCoverageLevel.ENTIRE_FILE: "entire_file",
            SignatureCoverageLevel.ENTIRE_REVISION: "entire_revision",
            SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "contiguous_block_from_start",
        }.get(coverage, "unclear")
        if level not in ("entire_file", "entire_revision"):
            problems.append(
                Problem(
                    ProblemCode.INCOMPLETE_COVERAGE,
                    "the signature's byte range does not cover its whole revision of the PDF, "
                    "so parts of the document are not protected",
                )
            )
        details = [("field_name", name), ("coverage", level)]
        if no_changes_before and not timestamp_only:
            problems.append(
                Problem(
                    ProblemCode.DOCMDP_VIOLATION,
                    "this signature was added to a document whose certification allows no "
                    "changes (DocMDP P=1)",
                )
            )
        permission = permission_of(emb)
        if permission is not None:
            key = "certification" if permission[1] == "certification" else "lock_permission"
            details.append((key, _PERMISSION_NAMES[permission[0]]))
            no_changes_before = no_changes_before or permission[0] == 1
        if level == "entire_revision":
            review = review_changes(
                reader, emb, permission=None if permission is None else permission[0]
            )
            details.append(("modification_level", review.level))
            changed = (*review.changed_fields, *review.unsigned_drawn)
            if changed:
                details.append(("changed_form_fields", ", ".join(changed)))
            problems.extend(_change_problems(review, permission, allowed_changes))
        if reported is not None:
            details.append(("signer_reported_time", reported.isoformat()))
        results.append(
            attrs.evolve(
                status,
                problems=tuple(problems),
                signing_time=status.signing_time or reported,
                details=tuple(details),
            )
        )
    return tuple(results)
