"""The ``onestop form`` command: an official one-stop form from a dossier, as PDF (and HTML).

``onestop form receipt DOSSIER.json --out receipt.pdf`` writes the Giấy tiếp nhận hồ sơ và hẹn
trả kết quả of the dossier (the other kinds: supplement, refusal, apology, stop, control).
``--html`` also writes ``receipt.html`` beside it; ``--sign-key KEY --sign-cert CERT`` (or
``--sign-p12 FILE``) signs the PDF (PAdES, visible stamp in Vietnamese); ``--json`` prints one
object with the output paths and the form's record. Bad input exits with 2, and nothing is
written.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from onestop.cli._app import (
    JsonOption,
    console,
    handle_errors,
    path_value,
    print_envelope,
    read_input_bytes,
    read_input_text,
    text_value,
)
from onestop.errors import ConfigurationError, FormError, InvalidInputError

__all__ = ["form_command"]

_KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control")


def _write_atomically(target: Path, data: bytes, field: str) -> None:
    """Write ``data`` to ``target`` through a temporary file, so that no partial file is left."""
    directory = target.parent if str(target.parent) else Path()
    try:
        handle, temp = tempfile.mkstemp(prefix=".onestop-", dir=directory)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigurationError(
            f"{field}: cannot write {str(target)!r} ({exc.strerror or type(exc).__name__})",
            field=field,
        ) from None


def _signer(
    key: Path | None,
    cert: Path | None,
    chain: Path | None,
    p12: Path | None,
    password_env: str | None,
) -> Any:
    if key is None and cert is None and p12 is None:
        if chain is not None or password_env is not None:
            raise InvalidInputError(
                "--sign-chain/--password-env: only meaningful with --sign-key and --sign-cert "
                "or --sign-p12",
                field="sign",
            )
        return None
    password: str | None = None
    if password_env is not None:
        password = os.environ.get(password_env)
        if password is None:
            raise InvalidInputError(
                f"--password-env: the environment variable {password_env!r} is not set",
                field="password_env",
            )
    from onestop.forms import FormSigner

    if p12 is not None:
        if key is not None or cert is not None:
            raise InvalidInputError(
                "--sign-p12: give either --sign-p12 or --sign-key with --sign-cert, not both",
                field="sign_p12",
            )
        return FormSigner.from_pkcs12(
            read_input_bytes(p12, field="sign_p12"),
            password=password,
        )
    if key is None or cert is None:
        raise InvalidInputError(
            "--sign-key/--sign-cert: signing needs both the private key and its certificate",
            field="sign_key" if key is None else "sign_cert",
        )
    return FormSigner.from_pem(
        key=read_input_bytes(key, field="sign_key"),
        certificate=read_input_bytes(cert, field="sign_cert"),
        chain=read_input_bytes(chain, field="sign_chain") if chain else None,
        password=password,
    )


@handle_errors
def form_command(
    kind: Annotated[
        str,
        typer.Argument(
            help="receipt, supplement, refusal, apology, stop or control.", show_default=False
        ),
    ],
    dossier_file: Annotated[
        Path, typer.Argument(help="The dossier, as JSON (onestop schema Dossier).")
    ],
    out: Annotated[Path, typer.Option("--out", parser=path_value, help="Where to write the PDF.")],
    html: Annotated[
        bool,
        typer.Option("--html", metavar="", help="Also write the form as HTML beside the PDF."),
    ] = False,
    procedure_file: Annotated[
        Path | None,
        typer.Option(
            "--procedure",
            parser=path_value,
            help="The procedure, as JSON: the list of papers, legal basis, competent body.",
        ),
    ] = None,
    office_file: Annotated[
        Path | None,
        typer.Option(
            "--office",
            parser=path_value,
            help="The issuing office as JSON: agency_name, governing_body, desk_name, place, "
            "lookup_url (with {code}), phone.",
        ),
    ] = None,
    officer: Annotated[
        str | None,
        typer.Option(
            "--officer", parser=text_value, help="Name of the officer who signs the form."
        ),
    ] = None,
    number: Annotated[
        str | None,
        typer.Option(
            "--number", parser=text_value, help="Document number and symbol (số, ký hiệu)."
        ),
    ] = None,
    item: Annotated[
        list[str] | None,
        typer.Option(
            "--item", parser=text_value, help="supplement: one item to complete; repeatable."
        ),
    ] = None,
    office_hours: Annotated[
        str | None,
        typer.Option(
            "--office-hours",
            parser=text_value,
            help="The agency's office sessions, e.g. '07:30-11:30,13:00-17:00' (default), for "
            "the appointment.",
        ),
    ] = None,
    sign_key: Annotated[
        Path | None,
        typer.Option("--sign-key", parser=path_value, help="Sign: private key, PEM or DER."),
    ] = None,
    sign_cert: Annotated[
        Path | None,
        typer.Option("--sign-cert", parser=path_value, help="Sign: the key's certificate."),
    ] = None,
    sign_chain: Annotated[
        Path | None,
        typer.Option(
            "--sign-chain", parser=path_value, help="Sign: intermediate certificates, PEM."
        ),
    ] = None,
    sign_p12: Annotated[
        Path | None,
        typer.Option("--sign-p12", parser=path_value, help="Sign: a PKCS#12 file (key and chain)."),
    ] = None,
    password_env: Annotated[
        str | None,
        typer.Option(
            "--password-env",
            parser=text_value,
            help="Name of an environment variable holding the key or PKCS#12 password.",
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Write an official one-stop form of a dossier as an A4 PDF/A (signed with --sign-*)."""
    from onestop.forms import FormKind, build_form, render_html, render_pdf
    from onestop.models import Dossier, Procedure

    if kind not in _KINDS:
        raise FormError(
            f"kind: unknown form {kind[:30]!r}; expected one of {', '.join(_KINDS)}", field="kind"
        )
    dossier = Dossier.model_validate_json(read_input_text(dossier_file, field="dossier"))
    procedure = (
        Procedure.model_validate_json(read_input_text(procedure_file, field="procedure"))
        if procedure_file is not None
        else None
    )
    office = None
    if office_file is not None:
        import json

        try:
            data = json.loads(read_input_text(office_file, field="office"))
        except json.JSONDecodeError as exc:
            raise InvalidInputError(
                f"office: {str(office_file)!r} is not JSON (line {exc.lineno}: {exc.msg})",
                field="office",
            ) from None
        if not isinstance(data, dict):
            raise InvalidInputError(
                'office: expected a JSON object such as {"place": "Thanh Hóa"}',
                field="office",
            )
        office = data
    calendar = None
    if office_hours is not None:
        from onestop.deadlines import OfficeHours, civil_service_calendar

        calendar = civil_service_calendar(office_hours=OfficeHours.parse(office_hours))
    signer = _signer(sign_key, sign_cert, sign_chain, sign_p12, password_env)
    record = build_form(
        FormKind(kind),
        dossier,
        procedure=procedure,
        office=office,
        number=number,
        officer=officer,
        items=tuple(item) if item else None,
        calendar=calendar,
    )
    pdf = render_pdf(record, sign=signer)
    page = render_html(record) if html else None
    html_path = out.with_suffix(".html") if html else None
    _write_atomically(out, pdf, "out")
    if page is not None and html_path is not None:
        _write_atomically(html_path, page.encode("utf-8"), "out")
    if json_:
        print_envelope(
            {
                "form": record.kind.value,
                "edition": record.edition.value,
                "reference": record.reference,
                "out": str(out),
                "bytes": len(pdf),
                "sha256": hashlib.sha256(pdf).hexdigest(),
                "signed": signer is not None,
                "html": str(html_path) if html_path else None,
                "record": record.model_dump(mode="json"),
            }
        )
    else:
        signed = ", signed" if signer is not None else ""
        console.print(
            f"{record.reference}: {record.title} -> {out} ({len(pdf):,} bytes{signed})",
            markup=False,
            soft_wrap=True,
        )
        if html_path is not None:
            console.print(f"HTML -> {html_path}", markup=False, soft_wrap=True)
