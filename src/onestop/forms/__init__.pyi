"""Public names of :mod:`onestop.forms`, declared once; ``__init__.py`` loads them lazily."""

from ._assets import font_file as font_file
from ._build import Office as Office
from ._build import build_form as build_form
from ._kinds import EDITION_BOUNDARY as EDITION_BOUNDARY
from ._kinds import FormEdition as FormEdition
from ._kinds import FormKind as FormKind
from ._kinds import edition_for as edition_for
from ._output import render_html as render_html
from ._output import render_pdf as render_pdf
from ._records import ApologyBody as ApologyBody
from ._records import ApplicantLines as ApplicantLines
from ._records import ClockNote as ClockNote
from ._records import ControlBody as ControlBody
from ._records import ControlRow as ControlRow
from ._records import DocumentLine as DocumentLine
from ._records import FormHeader as FormHeader
from ._records import FormRecord as FormRecord
from ._records import ReceiptBody as ReceiptBody
from ._records import RefusalBody as RefusalBody
from ._records import StopBody as StopBody
from ._records import SupplementBody as SupplementBody
from ._records import form_json_schema as form_json_schema
from ._sign import STAMP_TEXT as STAMP_TEXT
from ._sign import FormSigner as FormSigner
