"""Tables as plain Python rows, without Arrow: CSV delimiter sniffing and workbook reading.

:mod:`onestop.records` builds Arrow columns from these; the rule tables of
:mod:`onestop.testing` (``onestop check-rules``) read the same files with them and need neither
pyarrow nor NumPy. Workbooks are read with python-calamine (``excel`` extra), imported on use.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from onestop._lazy import load_module
from onestop.errors import InvalidInputError

__all__ = ["cell_text", "sniff_delimiter", "workbook_rows"]


def sniff_delimiter(head: bytes) -> str:
    """The delimiter of a CSV file from its first line: ``,``, ``;``, tab or ``|``.

    Excel in a Vietnamese locale saves "CSV" with semicolons; a tab-separated export is read
    the same way. A line that shows none of them is read with commas.
    """
    line = head.split(b"\n", 1)[0].decode("utf-8-sig", "replace")
    try:
        return csv.Sniffer().sniff(line, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def cell_text(value: Any) -> str | None:
    """A workbook cell as text: ``None`` when empty, whole numbers without ``.0``.

    Dates and times become ISO 8601 (``2026-02-13T10:00:00``: a typed date-time cell carries
    no offset, and is read as Vietnam time downstream); booleans ``"1"``/``"0"``.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def workbook_rows(data: Path | bytes, sheet: str | int | None = None) -> list[list[str | None]]:
    """The rows of one worksheet as text cells (:func:`cell_text`), header row first.

    Trailing empty rows are dropped; rows keep the worksheet's width (short rows are not
    padded here).

    Args:
        data: the workbook's path or bytes (``.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls``, ``.ods``).
        sheet: the worksheet's name or 0-based index; default the first.

    Raises:
        MissingExtraError: python-calamine (the ``excel`` extra) is not installed.
        InvalidInputError: the workbook cannot be read, the sheet does not exist, or it is
            empty (no header row).
    """
    calamine = load_module("python_calamine", feature="reading Excel workbooks")
    try:
        book = (
            calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            if isinstance(data, bytes)
            else calamine.CalamineWorkbook.from_path(str(data))
        )
        if sheet is None:
            ws = book.get_sheet_by_index(0)
        elif isinstance(sheet, int):
            ws = book.get_sheet_by_index(sheet)
        else:
            ws = book.get_sheet_by_name(sheet)
        rows = ws.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error classes for any unreadable book
        raise InvalidInputError(
            f"file: cannot read the workbook ({type(exc).__name__}: {str(exc)[:200]})",
            field="file",
        ) from None
    if not rows:
        raise InvalidInputError("file: the worksheet is empty (no header row)", field="file")
    out = [[cell_text(c) for c in row] for row in rows]
    while len(out) > 1 and all(c is None for c in out[-1]):
        out.pop()
    return out
