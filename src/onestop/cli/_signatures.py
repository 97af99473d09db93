"""The ``onestop sign`` and ``onestop verify`` commands (detached CMS, DER ``.p7s``).

``verify`` exits with 0 only for a valid signature, 1 for a signature that is not valid and 2
for malformed input. With ``--json`` a verdict is the envelope ``{"ok": <valid>, "error":
null, "valid", "intact", "trusted", "signer", "problems", ...}``: a signature that does not
verify is a negative answer (``ok`` false, ``error`` null), not an error. Malformed input is
``{"ok": false, "error": {...}}`` with exit status 2. Every instant is printed in Vietnam time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from onestop.cli._app import (
    MAX_DOCUMENT_BYTES,
    JsonOption,
    console,
    err_console,
    handle_errors,
    path_value,
    print_envelope,
    read_input_bytes,
    state,
    text_value,
)
from onestop.errors import SignatureError
from onestop.tz import format_instant, parse_instant

if TYPE_CHECKING:
    from onestop.signatures.certificates import Certificate
    from onestop.signatures.pdf import AllowedChanges
    from onestop.signatures.status import SignatureStatus, SignerIdentity

__all__ = ["cert_info_command", "sign_command", "verify_command"]

#: ``--allow-changes`` values (hyphens or underscores) -> ``verify_pdf(allowed_changes=...)``.
_ALLOWED_CHANGES: dict[str, AllowedChanges] = {
    "signatures": "signatures",
    "form_filling": "form_filling",
    "annotations": "annotations",
}


def _instant(value: dt.datetime | None) -> str | None:
    return None if value is None else format_instant(value)


def _identity_payload(identity: SignerIdentity) -> dict[str, Any]:
    """A signer's ``to_dict()`` with its validity instants in Vietnam time."""
    payload = identity.to_dict()
    payload["not_before"] = format_instant(identity.not_before)
    payload["not_after"] = format_instant(identity.not_after)
    return payload


def _status_payload(status: SignatureStatus) -> dict[str, Any]:
    """A status's ``to_dict()`` with every instant in Vietnam time (``+07:00``)."""
    payload = status.to_dict()
    payload["signer"] = None if status.signer is None else _identity_payload(status.signer)
    payload["signing_time"] = _instant(status.signing_time)
    payload["timestamp_time"] = _instant(status.timestamp_time)
    payload["validated_at"] = format_instant(status.validated_at)
    return payload


#: Loggers of the libraries PDF signing and verification run: pyHanko logs (with a traceback)
#: what its readers tolerate in a damaged PDF; fontTools logs what it drops from a font.
_LIBRARY_LOGGERS = ("pyhanko", "fontTools")
#: With ``--debug``: onestop's signature debug records on standard error.
_DEBUG_HANDLER = logging.StreamHandler()
_DEBUG_HANDLER.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))


def _library_logs() -> None:
    """Keep library log records off the terminal, unless ``--debug`` asks for them.

    Without logging configured, Python prints warning records on standard error, which looks
    like a crash; the outcome is already in the result (``modified_after_signing``...). So a
    handler that drops them is attached to the libraries' loggers; an application that
    configures logging still receives them through propagation. With ``--debug`` those
    records stay, and onestop's own debug records (why a revision counts as modified, with
    the traceback) are printed on standard error as well.
    """
    if state["debug"]:
        logger = logging.getLogger("onestop.signatures")
        if _DEBUG_HANDLER not in logger.handlers:
            logger.addHandler(_DEBUG_HANDLER)
        logger.setLevel(logging.DEBUG)
        return
    for name in _LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _out(text: str) -> None:
    """Print one line as it is: no rich markup (file names may hold brackets), no wrapping."""
    console.print(text, markup=False, soft_wrap=True)


def _read(path: Path, field: str) -> bytes:
    """A key, certificate, CRL or OCSP file (the usual input size cap)."""
    return read_input_bytes(path, field=field)


def _document(path: Path, field: str) -> bytes:
    """The document signed or verified (PDFs and attachments may be large)."""
    return read_input_bytes(path, field=field, max_bytes=MAX_DOCUMENT_BYTES)


@handle_errors
def sign_command(
    file: Annotated[Path, typer.Argument(parser=path_value, help="The file to sign.")],
    key: Annotated[Path, typer.Option("--key", parser=path_value, help="Private key, PEM or DER.")],
    cert: Annotated[
        Path, typer.Option("--cert", parser=path_value, help="Signer certificate, PEM or DER.")
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            parser=path_value,
            help="Where to write the DER .p7s signature (or the signed PDF).",
        ),
    ],
    chain: Annotated[
        Path | None,
        typer.Option(
            "--chain", parser=path_value, help="Intermediate (and root) certificates, PEM."
        ),
    ] = None,
    password_env: Annotated[
        str | None,
        typer.Option(
            "--password-env",
            parser=text_value,
            help="Name of an environment variable holding the key password (never on the "
            "command line).",
        ),
    ] = None,
    pades: Annotated[
        bool,
        typer.Option(
            "--pades", metavar="", help="FILE is a PDF: write it signed (PAdES B-B) to --out."
        ),
    ] = False,
    visible: Annotated[
        bool, typer.Option("--visible", metavar="", help="With --pades: stamp the signer and time.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", parser=text_value, help="With --pades: /Reason.")
    ] = None,
    field: Annotated[
        str | None,
        typer.Option(
            "--field",
            parser=text_value,
            help="With --pades: the signature field to create or fill (default: a free "
            "name, Signature1, Signature2...).",
        ),
    ] = None,
    font: Annotated[
        Path | None,
        typer.Option(
            "--font",
            parser=path_value,
            help="With --visible: a TrueType/OpenType font with Vietnamese glyphs for the "
            "stamp (default: a standard font, diacritics removed).",
        ),
    ] = None,
    tsa: Annotated[
        str | None,
        typer.Option(
            "--tsa",
            parser=text_value,
            help="RFC 3161 timestamp authority URL: adds a signature timestamp (CAdES-B-T, "
            "or PAdES B-T with --pades).",
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Sign FILE with a detached CMS (PKCS#7) SHA-256 signature, written as DER.

    With ``--pades`` FILE must be a PDF, and ``--out`` receives the signed PDF instead (a PDF
    already signed gets one more signature, in a new field). With ``--tsa URL`` a timestamp
    from that authority is added (B-T).
    """
    from onestop.signatures.certificates import (
        load_certificate,
        load_certificates,
        load_private_key,
    )
    from onestop.signatures.cms import sign_bytes

    password: str | None = None
    if password_env is not None:
        password = os.environ.get(password_env)
        if password is None:
            raise SignatureError(
                f"--password-env: the environment variable {password_env!r} is not set",
                field="password_env",
            )
    private_key = load_private_key(_read(key, "key"), password=password, field="key")
    certificate = load_certificate(_read(cert, "cert"), field="cert")
    extra = load_certificates(_read(chain, "chain"), field="chain") if chain else ()
    if not pades and (visible or reason or field is not None):
        raise SignatureError(
            "--visible/--reason/--field: only meaningful with --pades", field="pades"
        )
    if font is not None and not visible:
        raise SignatureError("--font: only meaningful with --visible", field="font")
    content = _document(file, "file")
    font_data = _read(font, "font") if font is not None else None
    with contextlib.ExitStack() as stack:
        timestamper = None
        if tsa is not None:
            if not tsa.startswith(("https://", "http://")):
                raise SignatureError(
                    f"--tsa: {tsa!r} is not an http(s) URL; expected e.g. "
                    "https://tsa.example.vn/tsa",
                    field="tsa",
                )
            import httpx

            from onestop._version import __version__
            from onestop.signatures.timestamps import http_timestamper

            client = stack.enter_context(
                httpx.Client(timeout=30.0, headers={"User-Agent": f"onestop/{__version__}"})
            )
            timestamper = http_timestamper(tsa, client)
        if pades:
            from onestop.signatures.pdf import VisibleStamp, sign_pdf

            _library_logs()
            signature = sign_pdf(
                content,
                certificate=certificate,
                key=private_key,
                chain=extra,
                field_name=field,
                reason=reason,
                stamp=VisibleStamp(page=-1, font=font_data) if visible else None,
                timestamper=timestamper,
            )
        else:
            signature = sign_bytes(
                content,
                certificate=certificate,
                key=private_key,
                chain=extra,
                timestamper=timestamper,
            )
    _write(out, signature)
    result: dict[str, Any] = {
        "out": str(out),
        "bytes": len(signature),
        "signature_sha256": hashlib.sha256(signature).hexdigest(),
        "signer": _identity_payload(certificate.identity),
        "warnings": _signing_warnings(certificate),
    }
    if json_:
        print_envelope(result)
    else:
        kind = "signed PDF" if pades else "DER CMS"
        _out(f"Signed {file.name} -> {out} ({len(signature)} bytes, {kind})")
        for warning in result["warnings"]:
            err_console.print(f"warning: {warning}", markup=False, soft_wrap=True)


def _write(out: Path, data: bytes) -> None:
    """Write ``out`` whole or not at all (a temporary file renamed over it)."""
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise SignatureError(
            f"out: cannot write {out.name!r} ({exc.strerror or type(exc).__name__})", field="out"
        ) from exc


def _signing_warnings(certificate: Certificate) -> list[str]:
    """What will make verifiers reject the signature although signing worked."""
    warnings: list[str] = []
    now = dt.datetime.now(dt.UTC)
    state_now = certificate.validity_at(now)
    if state_now == "expired":
        warnings.append(
            f"the certificate expired at {format_instant(certificate.not_after)}; verifiers will "
            "report 'expired' (renew the certificate with the CA)"
        )
    elif state_now == "not_yet_valid":
        warnings.append(
            f"the certificate is valid only from {format_instant(certificate.not_before)}; "
            "verifiers will report 'not_yet_valid' until then"
        )
    usage = certificate.key_usage
    if usage is not None and not usage & {"digital_signature", "content_commitment"}:
        warnings.append(
            "the certificate's key usage allows neither digitalSignature nor nonRepudiation; "
            "verifiers will report 'wrong_usage'"
        )
    return warnings


def _combine(statuses: tuple[SignatureStatus, ...]) -> SignatureStatus:
    """One status for a PDF: the first signature's facts, every signature's problems."""
    import attrs

    first = statuses[0]
    problems = tuple(p for st in statuses for p in st.problems)
    return attrs.evolve(
        first,
        intact=all(st.intact for st in statuses),
        trusted=all(st.trusted for st in statuses),
        problems=problems,
    )


@handle_errors
def verify_command(
    file: Annotated[Path, typer.Argument(parser=path_value, help="The signed file.")],
    signature: Annotated[
        Path | None,
        typer.Option(
            "--signature",
            parser=path_value,
            help="Detached CMS signature (.p7s, DER or PEM); omit to verify the signatures "
            "embedded in a PDF.",
        ),
    ] = None,
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            parser=path_value,
            help="Trusted root certificates (PEM/DER); repeatable.",
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            parser=text_value,
            help="Validation time: ISO 8601 (no offset: Vietnam time) or dd/mm/yyyy HH:MM.",
        ),
    ] = None,
    crl: Annotated[
        list[Path] | None,
        typer.Option(
            "--crl",
            parser=path_value,
            help="CRL file for offline revocation checking; repeatable.",
        ),
    ] = None,
    ocsp: Annotated[
        list[Path] | None,
        typer.Option(
            "--ocsp",
            parser=path_value,
            help="DER OCSP response for offline revocation checking; repeatable.",
        ),
    ] = None,
    allow_changes: Annotated[
        str,
        typer.Option(
            "--allow-changes",
            parser=text_value,
            help="PDF: what may change after an approval signature: 'signatures' (result "
            "documents: only more signatures), 'form-filling' (a form filled in after "
            "signing) or 'annotations' (also comments).",
        ),
    ] = "signatures",
    json_: JsonOption = False,
) -> None:
    """Verify a detached CMS signature of FILE, or the signatures in a PDF; exit 0 if valid.

    A PDF is valid when it has at least one signature and every signature is valid; the JSON
    then also lists each signature under ``signatures``. A PDF is read as a result document:
    nothing but further signatures may follow an approval signature (``--allow-changes``
    relaxes that for forms); a certified PDF allows what its certification allows.
    """
    _library_logs()
    from onestop.signatures.certificates import load_certificates
    from onestop.signatures.cms import verify_bytes
    from onestop.signatures.trust import RevocationPolicy, TrustStore

    changes = _ALLOWED_CHANGES.get(allow_changes.strip().lower().replace("-", "_"))
    if changes is None:
        raise SignatureError(
            f"--allow-changes: {allow_changes!r} is not one of signatures, form-filling, "
            "annotations",
            field="allow_changes",
        )
    when = parse_instant(at, field="at") if at is not None else None
    store = (
        TrustStore(
            tuple(c for p in trust for c in load_certificates(_read(p, "trust"), field="trust"))
        )
        if trust
        else None
    )
    revocation = (
        RevocationPolicy.offline(
            crls=[_read(p, "crl") for p in crl or ()],
            ocsp_responses=[_read(p, "ocsp") for p in ocsp or ()],
        )
        if crl or ocsp
        else None
    )
    content = _document(file, "file")
    pdf_statuses: tuple[SignatureStatus, ...] | None = None
    if signature is not None:
        status = verify_bytes(
            content, _read(signature, "signature"), trust=store, at=when, revocation=revocation
        )
    else:
        if content.lstrip()[:5] != b"%PDF-":
            raise SignatureError(
                "--signature: required unless FILE is a PDF with embedded signatures",
                field="signature",
            )
        from onestop.signatures.pdf import verify_pdf

        pdf_statuses = verify_pdf(
            content,
            trust=store,
            at=when,
            revocation=revocation,
            allowed_changes=changes,
        )
        if not pdf_statuses:
            raise SignatureError("file: the PDF has no signature", field="file")
        status = _combine(pdf_statuses)
    if json_:
        payload = _status_payload(status)
        if pdf_statuses is not None:
            payload["signatures"] = [_status_payload(st) for st in pdf_statuses]
        print_envelope(payload, ok=status.valid)
    else:
        _out(status.summary())
        if status.signer is not None:
            signer = status.signer
            _out(f"  signer: {signer.common_name}")
            for ident in signer.identifiers:  # MST:, CCCD:, CMND:... as the certificate has them
                _out(f"  {ident.prefix or 'UID'}: {ident.value}")
            _out(f"  issuer: {signer.issuer}")
        if status.signing_time is not None:
            _out(f"  signing time (claimed): {format_instant(status.signing_time)}")
        if status.timestamp_time is not None:
            _out(f"  timestamp: {format_instant(status.timestamp_time)}")
        for problem in status.problems:
            _out(f"  - [{problem.code.value}] {problem.message}")
    raise typer.Exit(0 if status.valid else 1)


@handle_errors
def cert_info_command(
    cert: Annotated[
        Path, typer.Argument(parser=path_value, help="Certificate file(s): PEM, DER or PKCS#7.")
    ],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            parser=text_value,
            help="Report validity at this time (default: now): ISO 8601 (no offset: Vietnam "
            "time) or dd/mm/yyyy HH:MM.",
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Show a certificate's holder (CN, O, MST/CCCD UIDs...), issuer, validity and usages."""
    from onestop.signatures.certificates import load_certificates

    when = parse_instant(at, field="at") if at is not None else dt.datetime.now(dt.UTC)
    items: list[dict[str, Any]] = []
    for certificate in load_certificates(_read(cert, "cert"), field="cert"):
        items.append(
            {
                "subject": certificate.subject.rfc4514,
                "identity": _identity_payload(certificate.identity),
                "is_ca": certificate.is_ca,
                "key_usage": sorted(certificate.key_usage or ()),
                "extended_key_usage": sorted(certificate.extended_key_usage or ()),
                "validity_at": {
                    "time": format_instant(when),
                    "state": certificate.validity_at(when),
                },
            }
        )
    if json_:
        print_envelope({"certificates": items})
        return
    for item in items:
        identity = item["identity"]
        _out(item["subject"])
        for ident in identity["identifiers"]:
            _out(f"  {ident['prefix'] or 'UID'}: {ident['value']}")
        _out(f"  issuer: {identity['issuer']}")
        _out(
            f"  valid {identity['not_before']} .. {identity['not_after']} "
            f"({item['validity_at']['state']} at {format_instant(when)})"
        )
        _out(
            f"  key usage: {', '.join(item['key_usage']) or '-'}; "
            f"EKU: {', '.join(item['extended_key_usage']) or '-'}; CA: {item['is_ca']}"
        )
