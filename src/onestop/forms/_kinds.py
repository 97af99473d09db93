"""Which forms exist, in which edition, and which edition a dossier's forms follow.

Two sets of one-stop forms have been in force:

* **Thông tư 01/2018/TT-VPCP** Art. 9 (guiding Nghị định 61/2018/NĐ-CP): Mẫu 01 Giấy tiếp nhận
  hồ sơ và hẹn trả kết quả, 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, 03 Phiếu từ chối tiếp
  nhận giải quyết hồ sơ, 04 Phiếu xin lỗi và hẹn lại ngày trả kết quả, 05 Phiếu kiểm soát quá
  trình giải quyết hồ sơ, 06 Sổ theo dõi hồ sơ.
* **Thông tư 03/2025/TT-VPCP** Phụ lục I (guiding Nghị định 118/2025/NĐ-CP): the same 01-03,
  then 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết, 05 Thông báo dừng giải quyết
  hồ sơ (new: Nghị định 118/2025 Art. 21, Thông tư 03/2025 Art. 7), 06 Phiếu kiểm soát quá
  trình giải quyết hồ sơ, 07 Sổ theo dõi hồ sơ.

The register (Sổ theo dõi) is a table kept in the information system, not a document handed
to anyone, so it is not drawn here. The 2018 set has no stop notice: a stop notice for a
dossier of that era is drawn with the same content and no form number.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from onestop.deadlines import RULES_61_2018, RULES_118_2025, rules_for
from onestop.errors import FormError

__all__ = ["EDITION_BOUNDARY", "FormEdition", "FormKind", "edition_for"]


def _boundary() -> dt.datetime:
    start = RULES_118_2025.starts_at
    if start is None:  # pragma: no cover - the 2025 rule set has a start
        raise FormError("the rule set of NĐ 118/2025 has no start", field="received_at")
    return start


#: The instant Nghị định 118/2025/NĐ-CP took effect and Nghị định 61/2018/NĐ-CP lapsed
#: (Nghị định 118/2025 Art. 40(1)): 1 July 2025 00:00 in Vietnam. Read from the deadline
#: engine's rule set of that era (:data:`onestop.deadlines.RULES_118_2025`), where the date is
#: written once.
EDITION_BOUNDARY = _boundary()


class FormKind(StrEnum):
    """The forms a one-stop desk issues about a dossier."""

    RECEIPT = "receipt"
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả: the receipt with the appointment."""
    SUPPLEMENT = "supplement"
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: what the applicant must complete."""
    REFUSAL = "refusal"
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ: the dossier is refused at intake."""
    APOLOGY = "apology"
    """The apology for a late result, with the new appointment (the one re-appointment)."""
    STOP = "stop"
    """Thông báo dừng giải quyết hồ sơ: processing is stopped."""
    CONTROL = "control"
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: the hand-overs between bodies."""


class FormEdition(StrEnum):
    """The circular whose forms a dossier's paperwork follows."""

    TT01_2018 = "tt01-2018"
    """Thông tư 01/2018/TT-VPCP, for dossiers under Nghị định 61/2018/NĐ-CP."""
    TT03_2025 = "tt03-2025"
    """Thông tư 03/2025/TT-VPCP, for dossiers under Nghị định 118/2025/NĐ-CP."""

    @property
    def circular(self) -> str:
        """The circular's number, e.g. ``"Thông tư 03/2025/TT-VPCP"``."""
        return _CIRCULARS[self]

    @property
    def decree(self) -> str:
        """The decree the circular guides, e.g. ``"Nghị định 118/2025/NĐ-CP"``."""
        return _DECREES[self]

    @property
    def desk_name(self) -> str:
        """The one-stop desk's name in the decree the edition guides.

        "Bộ phận tiếp nhận và trả kết quả" (Nghị định 61/2018/NĐ-CP), "Bộ phận Một cửa" (Nghị
        định 118/2025/NĐ-CP).
        """
        return _DESKS[self]

    def form_number(self, kind: FormKind) -> str | None:
        """The form's number in this edition (``"01"``...), ``None`` when it has no such form."""
        return _NUMBERS[self].get(FormKind(kind))

    def form_title(self, kind: FormKind) -> str:
        """The form's title as printed, in capitals."""
        return _TITLES[self][FormKind(kind)]

    def reference(self, kind: FormKind) -> str:
        """Where the form comes from, e.g. ``"Mẫu số 01, Phụ lục I, Thông tư 03/2025/TT-VPCP"``.

        For a form the edition does not have (the stop notice of Thông tư 01/2018), names the
        decree the dossier is governed by instead.
        """
        number = self.form_number(kind)
        if number is None:
            return f"Không có mẫu trong {self.circular}; hồ sơ theo {self.decree}"
        where = "Phụ lục I, " if self is FormEdition.TT03_2025 else ""
        return f"Mẫu số {number}, {where}{self.circular}"


#: The forms of each era of the deadline engine's rule sets.
_EDITIONS = {
    RULES_61_2018.era: FormEdition.TT01_2018,
    RULES_118_2025.era: FormEdition.TT03_2025,
}
_CIRCULARS = {
    FormEdition.TT01_2018: "Thông tư 01/2018/TT-VPCP",
    FormEdition.TT03_2025: "Thông tư 03/2025/TT-VPCP",
}
_DECREES = {
    FormEdition.TT01_2018: "Nghị định 61/2018/NĐ-CP",
    FormEdition.TT03_2025: "Nghị định 118/2025/NĐ-CP",
}
_DESKS = {
    FormEdition.TT01_2018: "Bộ phận tiếp nhận và trả kết quả",
    FormEdition.TT03_2025: "Bộ phận Một cửa",
}
_NUMBERS: dict[FormEdition, dict[FormKind, str]] = {
    FormEdition.TT01_2018: {
        FormKind.RECEIPT: "01",
        FormKind.SUPPLEMENT: "02",
        FormKind.REFUSAL: "03",
        FormKind.APOLOGY: "04",
        FormKind.CONTROL: "05",
    },
    FormEdition.TT03_2025: {
        FormKind.RECEIPT: "01",
        FormKind.SUPPLEMENT: "02",
        FormKind.REFUSAL: "03",
        FormKind.APOLOGY: "04",
        FormKind.STOP: "05",
        FormKind.CONTROL: "06",
    },
}
_COMMON_TITLES = {
    FormKind.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    FormKind.SUPPLEMENT: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    FormKind.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    FormKind.STOP: "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
    FormKind.CONTROL: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
}
_TITLES: dict[FormEdition, dict[FormKind, str]] = {
    FormEdition.TT01_2018: {
        **_COMMON_TITLES,
        FormKind.APOLOGY: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    },
    FormEdition.TT03_2025: {
        **_COMMON_TITLES,
        FormKind.APOLOGY: "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    },
}


def edition_for(received_at: dt.datetime) -> FormEdition:
    """The edition of the forms for a dossier received at ``received_at``.

    A dossier is governed by the decree in force when it was received: Nghị định 61/2018/NĐ-CP
    (forms of Thông tư 01/2018/TT-VPCP) before 1 July 2025 00:00 Vietnam time, Nghị định
    118/2025/NĐ-CP (forms of Thông tư 03/2025/TT-VPCP) from then on (Nghị định 118/2025 Art.
    40(1)). The era is the deadline engine's (:func:`onestop.deadlines.rules_for`), so the
    forms and the deadline explanations of a dossier always cite the same decree;
    :func:`onestop.forms.build_form` calls this with the dossier's ``received_at`` (its
    ``submitted_at`` when it was never accepted, as for a refusal at intake).

    Args:
        received_at: the aware receipt instant.

    Raises:
        FormError: ``received_at`` is not an aware datetime.
    """
    value: object = received_at
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise FormError(
            "received_at: expected an aware datetime (with a UTC offset), such as "
            "2025-07-01T08:00:00+07:00",
            field="received_at",
        )
    return _EDITIONS[rules_for(received_at).era]
