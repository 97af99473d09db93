"""The ``onestop check-rules`` command: a vendor's rule table checked against onestop.

``onestop check-rules CASES [--json] [--junit OUT.xml] [--column FIELD=COLUMN]...
[--format csv|yaml|excel] [--sheet NAME] [--procedures FILE.json] [--office-hours SESSIONS]
[--notice FILE]... [--limit N] [--lang vi|en]`` reads a rule table (CSV, YAML or Excel: one
case a row, see :data:`onestop.testing.COLUMNS`), counts every case with onestop and reports
each disagreement with onestop's explanation and the articles behind it.

Exit status 0 when every case agrees, 1 when any disagrees (``"ok": false, "error": null``,
so that CI fails), 2 on a malformed table (the message lists the rows and columns at fault).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from onestop.cli._app import (
    JsonOption,
    column_mapping,
    console,
    handle_errors,
    path_value,
    print_envelope,
    read_input_bytes,
    read_input_text,
    text_value,
)
from onestop.cli._deadlines import OfficeHoursOption, command_calendar
from onestop.cli._holidays import NoticeOption, with_notices
from onestop.deadlines import official_schedule
from onestop.errors import InvalidInputError, OneStopError
from onestop.models import Procedure
from onestop.testing import check_rules
from onestop.testing._rule_tables import MAX_TABLE_BYTES, TableFormat, detect_table_format

__all__ = ["check_rules_command"]

_FORMATS: tuple[TableFormat, ...] = ("csv", "yaml", "excel")


def _procedures(path: Path) -> list[Procedure]:
    text = read_input_text(path, field="procedures")
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"procedures: {path.name!r} is not JSON ({exc.msg}, line {exc.lineno}); expected a "
            "list of procedures in onestop's JSON (Procedure.to_json())",
            field="procedures",
        ) from None
    if isinstance(data, dict) and isinstance(data.get("procedures"), list):
        data = data["procedures"]
    if not isinstance(data, list):
        raise InvalidInputError(
            "procedures: expected a JSON list of procedures (or an object whose 'procedures' "
            "key holds one)",
            field="procedures",
        )
    out = []
    for i, item in enumerate(data):
        try:
            out.append(Procedure.model_validate(item))
        except OneStopError as exc:
            raise InvalidInputError(
                f"procedures[{i}]: not a procedure ({exc.message})", field="procedures"
            ) from None
    return out


@handle_errors
def check_rules_command(
    cases: Annotated[
        Path,
        typer.Argument(
            metavar="CASES",
            help="The rule table: CSV, YAML or Excel, one case a row (received, amount, unit, "
            "expected_due…; portal names such as NgayTiepNhan and NgayHenTra work too).",
        ),
    ],
    junit: Annotated[
        Path | None,
        typer.Option(
            "--junit",
            parser=path_value,
            metavar="OUT.xml",
            help="Also write the result as a JUnit XML report (one test case a row).",
        ),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            parser=text_value,
            metavar="FIELD=COLUMN",
            help="Read a rule-table FIELD from the table's COLUMN, e.g. "
            "--column expected_due='Hạn trả' (repeat for several).",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            parser=text_value,
            help="csv, yaml or excel (default: from the file extension).",
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet", parser=text_value, help="Excel worksheet name or index (default: first)."
        ),
    ] = None,
    procedures: Annotated[
        Path | None,
        typer.Option(
            "--procedures",
            parser=path_value,
            metavar="FILE.json",
            help="A procedure catalogue (onestop's JSON): rows with a procedure code and no "
            "amount use its processing time.",
        ),
    ] = None,
    office_hours: OfficeHoursOption = None,
    notice: NoticeOption = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", help="Show at most N disagreements (default: all)."),
    ] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang", parser=text_value, help="Language of the explanations printed: vi or en."
        ),
    ] = "vi",
    json_: JsonOption = False,
) -> None:
    """Check a rule table of expected due dates and timeliness against onestop.

    Each disagreement comes with onestop's step-by-step explanation and the articles it relies
    on. With --json, print one object with source, cases, agreed, all_agree, disagreements
    (row, id, field, expected, computed, note, era, explanation, basis) and ignored_columns.
    Exit status 0 when every case agrees, 1 when any disagrees, 2 on a malformed table.
    """
    if fmt is not None and fmt not in _FORMATS:
        raise InvalidInputError(
            f"format: {fmt!r} is not a rule-table format; expected {', '.join(_FORMATS)}",
            field="format",
        )
    if limit is not None and limit < 0:
        raise InvalidInputError("limit: must be >= 0", field="limit")
    if lang not in ("vi", "en"):
        raise InvalidInputError(f"lang: expected vi or en, got {lang!r}", field="lang")
    given = [known for known in _FORMATS if known == fmt]
    chosen: TableFormat = given[0] if given else detect_table_format(cases)
    data = read_input_bytes(cases, field="cases", max_bytes=MAX_TABLE_BYTES)
    calendar = command_calendar(office_hours, schedule=with_notices(official_schedule(), notice))
    sheet_ref: str | int | None = int(sheet) if sheet is not None and sheet.isdigit() else sheet
    report = check_rules(
        data,
        calendar=calendar,
        format=chosen,
        sheet=sheet_ref,
        columns=column_mapping(column, example="expected_due=NgayHenTra"),
        procedures=None if procedures is None else _procedures(procedures),
        name=cases.name,
    )
    if junit is not None:
        report.write_junit(junit)
    if json_:
        print_envelope(report.to_dict(limit=limit), ok=report.all_agree)
        if not report.all_agree:
            raise typer.Exit(1)
        return
    failing = [r for r in report.results if not r.agreed]
    shown = failing if limit is None else failing[:limit]
    for result in shown:
        console.print(result.report("en" if lang == "en" else "vi"), markup=False, soft_wrap=True)
        console.print("", markup=False)
    if len(shown) < len(failing):
        console.print(
            f"… and {len(failing) - len(shown)} more disagreeing cases (--limit)", markup=False
        )
    if report.ignored_columns:
        console.print(
            "ignored columns: " + ", ".join(report.ignored_columns), markup=False, soft_wrap=True
        )
    console.print(report.summary(), markup=False, soft_wrap=True)
    if junit is not None:
        console.print(f"JUnit report: {junit}", markup=False, soft_wrap=True)
    if not report.all_agree:
        raise typer.Exit(1)
