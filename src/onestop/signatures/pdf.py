"""PAdES signatures on PDF results (B-B, and B-T with a timestamp), through pyHanko.

Needs the ``pdf`` extra (``pip install 'onestop-vn[pdf]'``); pyHanko is imported only when a
function of this module runs.

* :func:`sign_pdf` signs a result PDF (invisible, or with a visible stamp showing the signer
  and the time) with a local key or any :data:`~onestop.signatures.cms.HashSigner`.
* :func:`prepare_pdf_signature` / :meth:`PreparedPdf.finish` is the deferred two-phase flow of
  USB tokens and remote signing (integrations.md §3.2: prepare the field and the byte-range
  digest, have the hash of the CMS signed attributes signed elsewhere, embed).
* :func:`verify_pdf` returns one :class:`~onestop.signatures.status.SignatureStatus` per
  signature, with the byte-range coverage in ``details``.

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
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs

from onestop.errors import SignatureError
from onestop.signatures._extras import require
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
    _check,
    _digest,
    _parse,
    _pick_signer,
    as_data,
    check_key_matches,
    prepare_signature,
)
from onestop.signatures.status import Problem, ProblemCode, SignatureStatus
from onestop.signatures.trust import RevocationPolicy, TrustInput

__all__ = [
    "PreparedPdf",
    "VisibleStamp",
    "prepare_pdf_signature",
    "sign_pdf",
    "verify_pdf",
]

_VN = ZoneInfo("Asia/Ho_Chi_Minh")

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
    """

    page: int = 0
    box: tuple[float, float, float, float] = (36.0, 36.0, 300.0, 100.0)
    text: str = "Ký bởi: {signer}\nCơ quan: {org}\nThời gian: {time}"
    font_file: str | None = None


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
    field_name: str = "Signature1",
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
        field_name: the signature field name (created when missing).
        reason: ``/Reason`` (e.g. ``"Phê duyệt kết quả"``).
        location: ``/Location`` (e.g. ``"Hà Nội"``).
        stamp: a visible appearance; ``None`` for an invisible signature.
        with_timestamp: reserve room for a B-T timestamp token.
        bytes_reserved: hex characters reserved for the CMS (default: estimated).
        now: the time shown on the visible stamp (default: now).

    Raises:
        SignatureError: when ``pdf`` cannot be read or the field cannot be created.
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


def _font_factory(font_file: str) -> Any:
    """A pyHanko font engine factory that reads the font once and closes the file.

    (pyHanko's own ``GlyphAccumulatorFactory`` leaves the font file open.)
    """
    try:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
    except ImportError as exc:  # pyHanko without its [opentype] extra
        raise SignatureError(
            "stamp.font_file: embedding a font needs fonttools and uharfbuzz "
            "(pip install 'pyhanko[opentype]')",
            field="stamp",
        ) from exc
    try:
        with open(font_file, "rb") as handle:
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
            return GlyphAccumulator(
                writer=writer,
                font_handle=BytesIO(font_bytes),
                font_size=self.font_size,
                obj_stream=obj_stream,
            )

    return InMemoryFont(font_file)


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

    when = (check_time(now, "now") or dt.datetime.now(dt.UTC)).astimezone(_VN)
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
    if stamp.font_file is not None:
        box_style = TextBoxStyle(font=_font_factory(stamp.font_file))
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
    field_name: str = "Signature1",
    reason: str | None = None,
    location: str | None = None,
    stamp: VisibleStamp | None = None,
    timestamper: Timestamper | None = None,
) -> bytes:
    """Sign a PDF (PAdES B-B; B-T when ``timestamper`` is given); return the signed PDF.

    Exactly one of ``key`` or ``signer`` (a hash signer: token, remote service) is needed.

    Example:
        >>> signed = sign_pdf(pdf, certificate=cert, key=key, chain=chain,
        ...                   stamp=VisibleStamp())  # doctest: +SKIP
    """
    hash_signer = _pick_signer(key, signer)
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
    return _digest(algorithm, content)


def _modification_level(emb: Any) -> str:
    """Run pyHanko's difference analysis of the revisions appended after a signature."""
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel

    try:
        emb.compute_integrity_info()
        result = emb.diff_result
    except Exception:  # the analysis itself failed on odd structures: treat as unsafe
        return "other"
    level = result.modification_level if isinstance(result, DiffResult) else ModificationLevel.OTHER
    return str(level.name).lower()


def verify_pdf(
    pdf: bytes,
    *,
    trust: TrustInput = None,
    at: dt.datetime | None = None,
    certificates: Iterable[Certificate] = (),
    revocation: RevocationPolicy | None = None,
) -> tuple[SignatureStatus, ...]:
    """Verify every signature of a PDF, in document order.

    Each status checks the CMS over the signed byte range (see
    :func:`onestop.signatures.cms.verify_bytes`) and the coverage: a signature that does not
    cover its whole revision gets ``incomplete_coverage``. ``details`` holds ``field_name``,
    ``coverage`` (``entire_file`` or ``entire_revision``: later revisions were appended, e.g.
    another signature), then pyHanko's ``modification_level`` of those revisions (``none``,
    ``lta_updates``, ``form_filling``, ``annotations`` or ``other``, the last one giving
    ``modified_after_signing``) and ``signer_reported_time`` (``/M``).

    Returns:
        One status per signature; an empty tuple for an unsigned PDF.

    Raises:
        SignatureError: when the PDF or one of its signature containers is malformed.
    """
    require("pyhanko.sign", feature="PDF signatures")
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
        except _read_errors(misc) as exc:
            raise SignatureError(
                f"pdf: a signature dictionary is malformed ({type(exc).__name__})", field="pdf"
            ) from exc
        parsed = _parse(der, "pdf")
        status, _signer = _check(
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
        if level == "entire_revision":
            modification = _modification_level(emb)
            details.append(("modification_level", modification))
            if modification == "other":
                problems.append(
                    Problem(
                        ProblemCode.MODIFIED_AFTER_SIGNING,
                        "revisions appended after this signature change the document's "
                        "content (not just form fields, annotations or further signatures)",
                    )
                )
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
