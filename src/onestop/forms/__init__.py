"""The official one-stop forms, drawn from a dossier, as PDF (signed or not), HTML and JSON.

``build_form(kind, dossier, ...)`` gives a :class:`FormRecord` (every field from the dossier,
its procedure and the deadline engine); ``render_pdf(record, sign=...)`` draws it as an A4
PDF/A with the shipped Vietnamese font embedded, ``render_html(record)`` as a self-contained
page, and ``record.model_dump_json()`` is the JSON record. The forms are those of Thông tư
03/2025/TT-VPCP Phụ lục I, or of Thông tư 01/2018/TT-VPCP for dossiers received before 1 July
2025 (:func:`edition_for`).

Needs the ``forms`` extra (``pip install 'onestop-vn[forms]'``: fpdf2, segno), and the
``pdf`` extra to sign. Importing this package loads neither: the names load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from onestop._lazy import lazy_names

if TYPE_CHECKING:  # the names as mypy and IDEs see them; at run time they load lazily
    from onestop.forms._assets import font_file as font_file
    from onestop.forms._build import Office as Office
    from onestop.forms._build import build_form as build_form
    from onestop.forms._kinds import EDITION_BOUNDARY as EDITION_BOUNDARY
    from onestop.forms._kinds import FormEdition as FormEdition
    from onestop.forms._kinds import FormKind as FormKind
    from onestop.forms._kinds import edition_for as edition_for
    from onestop.forms._output import render_html as render_html
    from onestop.forms._output import render_pdf as render_pdf
    from onestop.forms._records import ApologyBody as ApologyBody
    from onestop.forms._records import ApplicantLines as ApplicantLines
    from onestop.forms._records import ClockNote as ClockNote
    from onestop.forms._records import ControlBody as ControlBody
    from onestop.forms._records import ControlRow as ControlRow
    from onestop.forms._records import DocumentLine as DocumentLine
    from onestop.forms._records import FormHeader as FormHeader
    from onestop.forms._records import FormRecord as FormRecord
    from onestop.forms._records import ReceiptBody as ReceiptBody
    from onestop.forms._records import RefusalBody as RefusalBody
    from onestop.forms._records import StopBody as StopBody
    from onestop.forms._records import SupplementBody as SupplementBody
    from onestop.forms._records import form_json_schema as form_json_schema
    from onestop.forms._sign import STAMP_TEXT as STAMP_TEXT
    from onestop.forms._sign import FormSigner as FormSigner

#: Public name -> private module that defines it.
_LAZY: dict[str, str] = {
    "EDITION_BOUNDARY": "onestop.forms._kinds",
    "STAMP_TEXT": "onestop.forms._sign",
    "ApologyBody": "onestop.forms._records",
    "ApplicantLines": "onestop.forms._records",
    "ClockNote": "onestop.forms._records",
    "ControlBody": "onestop.forms._records",
    "ControlRow": "onestop.forms._records",
    "DocumentLine": "onestop.forms._records",
    "FormEdition": "onestop.forms._kinds",
    "FormHeader": "onestop.forms._records",
    "FormKind": "onestop.forms._kinds",
    "FormRecord": "onestop.forms._records",
    "FormSigner": "onestop.forms._sign",
    "Office": "onestop.forms._build",
    "ReceiptBody": "onestop.forms._records",
    "RefusalBody": "onestop.forms._records",
    "StopBody": "onestop.forms._records",
    "SupplementBody": "onestop.forms._records",
    "build_form": "onestop.forms._build",
    "edition_for": "onestop.forms._kinds",
    "font_file": "onestop.forms._assets",
    "form_json_schema": "onestop.forms._records",
    "render_html": "onestop.forms._output",
    "render_pdf": "onestop.forms._output",
}

__all__: list[str] = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
