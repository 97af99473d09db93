"""The ``onestop check-id`` and ``onestop provinces`` commands.

``check-id`` tells what an identifier is and its parts, or why it is invalid; ``provinces``
lists the province tables with their GSO, CCCD and agency codes.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

import typer

from onestop.cli._app import JsonOption, console, handle_errors, print_envelope, text_value
from onestop.errors import IdentifierReason, InvalidIdentifierError
from onestop.models._agency import AgencyCode, DossierCode, ProcedureCode
from onestop.models._identity import CitizenId, LegacyId, TaxCode
from onestop.models._provinces import (
    Province,
    predecessor_provinces,
    provinces,
    successor_province,
)

__all__ = ["Era", "IdKind", "check_id", "describe_identifier", "detect_kind", "list_provinces"]


class IdKind(StrEnum):
    """The identifier kinds ``check-id`` knows."""

    CCCD = "cccd"
    CMND = "cmnd"
    MST = "mst"
    AGENCY = "agency"
    DOSSIER = "dossier"
    PROCEDURE = "procedure"


_DOSSIER_TAIL = re.compile(r".+-[0-9]{6}-[0-9]{4}")
_PROCEDURE_HEAD = re.compile(r"[0-9]\.[0-9]{6}(\..*)?")
_MST_BRANCH = re.compile(r"[0-9]{10}\s*-\s*[0-9]{3}")


def detect_kind(value: str) -> IdKind | None:
    """Guess the kind of an identifier from its shape (``None`` when nothing fits).

    A 12-digit number is taken as a CCCD (it is also a valid personal MST since July 2025).
    """
    text = value.strip()
    digits = text.isascii() and text.isdigit()
    if digits and len(text) == 12:
        return IdKind.CCCD
    if digits and len(text) == 9:
        return IdKind.CMND
    if (digits and len(text) in (10, 13)) or _MST_BRANCH.fullmatch(text):
        return IdKind.MST
    if _DOSSIER_TAIL.fullmatch(text):
        return IdKind.DOSSIER
    if _PROCEDURE_HEAD.fullmatch(text):
        return IdKind.PROCEDURE
    if (text and not digits and "." in text) or (text[:1].isalpha() and text.isascii()):
        return IdKind.AGENCY
    return None


def _province(p: Province) -> dict[str, Any]:
    return {"code": p.code, "name": p.name_vi, "era": p.era}


def _agency_parts(code: AgencyCode) -> dict[str, Any]:
    authority = code.authority
    successor = code.successor
    return {
        "form": code.form,
        "level1": code.level1,
        "levels": list(code.levels),
        "authority": {
            "kind": authority.kind,
            "name": authority.name,
            "province": None if authority.province is None else _province(authority.province),
            "confirmed": authority.confirmed,
            "note": authority.note,
        },
        "closed": successor is not None,
        "successor": None if successor is None else str(successor),
    }


def describe_identifier(value: str, kind: IdKind) -> tuple[str, dict[str, Any]]:
    """Parse ``value`` as ``kind`` and return its canonical form and its parts.

    Raises:
        InvalidIdentifierError: when the value is not a valid identifier of that kind.
    """
    if kind is IdKind.CCCD:
        cid = CitizenId.parse(value)
        return str(cid), {
            "province": _province(cid.province),
            "province_2025": _province(successor_province(cid.province)),
            "sex": cid.sex,
            "century": cid.century,
            "birth_year": cid.birth_year,
        }
    if kind is IdKind.CMND:
        return str(LegacyId.parse(value)), {"digits": 9}
    if kind is IdKind.MST:
        tax = TaxCode.parse(value)
        return str(tax), {
            "form": tax.kind,
            "base": tax.base,
            "branch": tax.branch,
            "citizen_id": None if tax.citizen_id is None else str(tax.citizen_id),
        }
    if kind is IdKind.AGENCY:
        agency = AgencyCode.parse(value)
        return str(agency), _agency_parts(agency)
    if kind is IdKind.DOSSIER:
        dossier = DossierCode.parse(value)
        return str(dossier), {
            "agency": str(dossier.agency),
            "agency_parts": _agency_parts(dossier.agency),
            "received_on": dossier.received_on.isoformat(),
            "sequence": dossier.sequence,
        }
    procedure = ProcedureCode.parse(value)
    unit = procedure.agency
    return str(procedure), {
        "national": procedure.national,
        "localized": unit is not None,
        "agency": None if unit is None else str(unit),
    }


def _print_parts(parts: dict[str, Any], indent: str = "  ") -> None:
    for key, item in parts.items():
        if isinstance(item, dict):
            console.print(f"{indent}{key}:", markup=False)
            _print_parts(item, indent + "  ")
        else:
            shown = ", ".join(map(str, item)) if isinstance(item, list) else item
            console.print(f"{indent}{key}: {'-' if shown is None else shown}", markup=False)


@handle_errors
def check_id(
    value: Annotated[str, typer.Argument(parser=text_value, help="The identifier to check.")],
    kind: Annotated[
        IdKind | None,
        typer.Option("--kind", help="The kind of identifier; detected from its shape if omitted."),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Check a CCCD, CMND, MST, agency, dossier or procedure code and show its parts.

    An invalid identifier exits with status 2; with --json the error object carries the
    machine ``reason`` (length, characters, checksum, province...).
    """
    chosen = kind if kind is not None else detect_kind(value)
    if chosen is None:
        raise InvalidIdentifierError(
            "value: not recognisable as any identifier; expected a 12-digit CCCD, 9-digit "
            "CMND, 10/13-digit MST, agency code ('000.00.00.H56', 'H56.14'), dossier code "
            "('<agency>-YYMMDD-NNNN') or procedure code ('1.000894')",
            field="value",
            reason=IdentifierReason.FORMAT,
        )
    normalized, parts = describe_identifier(value, chosen)
    if json_:
        print_envelope(
            {"valid": True, "kind": chosen.value, "normalized": normalized, "parts": parts}
        )
        return
    console.print(f"valid {chosen.value}: {normalized}", markup=False)
    _print_parts(parts)


class Era(StrEnum):
    """The province tables ``onestop provinces`` can show."""

    Y2025 = "2025"
    Y2008 = "2008"


def _province_row(p: Province) -> dict[str, Any]:
    row: dict[str, Any] = {
        "code": p.code,
        "name_vi": p.name_vi,
        "name_en": p.name_en,
        "kind": p.kind,
        "agency_code": p.agency_code,
        "agency_code_confirmed": p.agency_code_confirmed,
        "agency_code_disputed": p.agency_code_note is not None,
    }
    if p.era == "2008":
        row["cccd_code"] = p.cccd_code
        row["successor_code"] = successor_province(p).code
    else:
        row["predecessor_codes"] = [q.code for q in predecessor_provinces(p)]
    return row


@handle_errors
def list_provinces(
    era: Annotated[
        Era,
        typer.Option("--era", help="2025: the 34 provinces from 1 July 2025; 2008: the 63 before."),
    ] = Era.Y2025,
    json_: JsonOption = False,
) -> None:
    """List the provinces of an era with their GSO, CCCD and agency (H-) codes."""
    rows = [_province_row(p) for p in provinces(era.value)]
    if json_:
        print_envelope({"era": era.value, "count": len(rows), "provinces": rows})
        return
    from rich.table import Table

    table = Table(title=f"{len(rows)} provinces ({era.value} era)")
    for column in ("code", "name", "kind", "H-code", "2025" if era is Era.Y2008 else "from"):
        table.add_column(column)
    for row in rows:
        mark = "" if row["agency_code_confirmed"] else ("?" if row["agency_code_disputed"] else "*")
        link = row["successor_code"] if era is Era.Y2008 else ", ".join(row["predecessor_codes"])
        table.add_row(row["code"], row["name_vi"], row["kind"], row["agency_code"] + mark, link)
    console.print(table)
    console.print("H-code marks: * inferred, ? disputed (see docs/identifiers.md)", markup=False)
