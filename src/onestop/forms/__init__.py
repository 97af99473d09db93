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

from onestop._lazy import attach_stub

# The public names are declared once, in __init__.pyi; they load on first use.
__getattr__, __dir__ = attach_stub(__name__, __file__)
