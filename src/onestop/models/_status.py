"""Dossier statuses, channels and the status transition table.

The ten statuses and their numeric codes are those the one-stop information systems push to the
National Public Service Portal (Cổng DVCQG) as ``TrangThaiHoSo``; the portal must show a status
at every step of NĐ 61/2018/NĐ-CP Arts. 17-20 (TT 22/2019/TT-BTTTT Art. 4). The transition
table follows the steps of those articles (now NĐ 118/2025/NĐ-CP and TT 03/2025/TT-VPCP):
intake (accept, refuse, ask for a supplement), processing, supplement after appraisal,
financial obligations, the citizen's withdrawal, stopping (TT 03/2025 Art. 7, Mẫu 05
"Thông báo dừng giải quyết hồ sơ"), completion and return of the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from onestop.errors import InvalidInputError, InvalidTransitionError

__all__ = [
    "INITIAL_STATUSES",
    "TRANSITIONS",
    "Channel",
    "DossierStatus",
    "ModelEnum",
    "check_transition",
    "transition_error",
]


def _snake(name: str) -> str:
    return "".join(
        f"_{ch.lower()}" if ch.isupper() and i else ch.lower() for i, ch in enumerate(name)
    )


class ModelEnum(StrEnum):
    """Base of the models' string enums: an unknown value raises a onestop error.

    ``DossierStatus("x")`` raises :class:`~onestop.errors.InvalidInputError` (a ``ValueError``,
    as with any enum) whose message names the enum and lists the valid values. pydantic fields
    of these types report unknown values through the model's own error instead.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        field = _snake(cls.__name__)
        shown = (
            repr(value[:40])
            if isinstance(value, str)
            else f"a value of type {type(value).__name__}"
        )
        raise InvalidInputError(
            f"{field}: {shown} is not a valid value of {cls.__name__}; expected one of "
            f"{', '.join(repr(m.value) for m in cls)}",
            field=field,
        )


class Channel(ModelEnum):
    """How a dossier was submitted (kênh thực hiện).

    ``.code`` is the national ``KenhThucHien`` value sent to Cổng DVCQG: 1 trực tiếp,
    2 trực tuyến, 3 bưu chính công ích (NĐ 118/2025 lists the three channels).
    """

    DIRECT = "direct"
    """At the one-stop counter (trực tiếp)."""
    ONLINE = "online"
    """Online through Cổng DVCQG or the provincial portal (trực tuyến)."""
    POSTAL = "postal"
    """Through the public postal service (bưu chính công ích, BCCI)."""

    @property
    def code(self) -> int:
        """National ``KenhThucHien`` code (1, 2 or 3)."""
        return _CHANNEL_CODES[self]

    @property
    def label_vi(self) -> str:
        """Vietnamese label, e.g. ``"Trực tuyến"``."""
        return _CHANNEL_LABELS_VI[self]

    @classmethod
    def from_code(cls, code: int | str) -> Channel:
        """Return the channel of a national ``KenhThucHien`` code.

        Args:
            code: ``1``, ``2`` or ``3`` (an ``int`` or its decimal string, as the portal sends).

        Raises:
            InvalidInputError: the code is not one of 1, 2, 3.
        """
        number = _parse_code(code, field="channel_code", valid="1, 2 or 3")
        for member, value in _CHANNEL_CODES.items():
            if value == number:
                return member
        raise InvalidInputError(
            f"channel_code: unknown KenhThucHien code {number}; expected 1 (trực tiếp), "
            "2 (trực tuyến) or 3 (bưu chính công ích)",
            field="channel_code",
        )


_CHANNEL_CODES: dict[Channel, int] = {Channel.DIRECT: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}
_CHANNEL_LABELS_VI: dict[Channel, str] = {
    Channel.DIRECT: "Trực tiếp",
    Channel.ONLINE: "Trực tuyến",
    Channel.POSTAL: "Bưu chính công ích",
}


class DossierStatus(ModelEnum):
    """The ten national dossier statuses (``TrangThaiHoSo``), with their numeric ``.code``.

    The allowed successors of each status are in :data:`TRANSITIONS` and
    :meth:`allowed_next`.
    """

    NEW = "new"
    """1 Mới đăng ký: submitted (online or by post), not yet accepted."""
    RECEIVED = "received"
    """2 Được tiếp nhận: accepted; the receipt time starts the processing clock."""
    REFUSED = "refused"
    """3 Không được tiếp nhận: refused at intake (Phiếu từ chối, NĐ 61/2018 Art. 17)."""
    PROCESSING = "processing"
    """4 Đang xử lý: being appraised and decided."""
    SUPPLEMENT_REQUESTED = "supplement_requested"
    """5 Yêu cầu bổ sung giấy tờ: the applicant must complete the dossier."""
    FINANCIAL_OBLIGATION = "financial_obligation"
    """6 Yêu cầu thực hiện nghĩa vụ tài chính: fees, charges or taxes must be paid."""
    WITHDRAWN = "withdrawn"
    """7 Công dân yêu cầu rút hồ sơ: the applicant withdrew the dossier."""
    STOPPED = "stopped"
    """8 Dừng xử lý: processing stopped (TT 03/2025 Art. 7, Mẫu 05)."""
    COMPLETED = "completed"
    """9 Đã xử lý xong: the result is ready."""
    RETURNED = "returned"
    """10 Đã trả kết quả: the result was handed over or sent."""

    @property
    def code(self) -> int:
        """National ``TrangThaiHoSo`` code, 1 to 10."""
        return _STATUS_INFO[self][0]

    @property
    def label_vi(self) -> str:
        """Vietnamese label as shown on the portal, e.g. ``"Đang xử lý"``."""
        return _STATUS_INFO[self][1]

    @property
    def label_en(self) -> str:
        """English label, e.g. ``"In processing"``."""
        return _STATUS_INFO[self][2]

    @property
    def is_terminal(self) -> bool:
        """Whether no further status change is allowed (refused, stopped, returned)."""
        return not TRANSITIONS[self]

    @property
    def is_open(self) -> bool:
        """Whether the dossier is accepted and still awaiting its result (the clock runs).

        True for received, processing, supplement requested and financial obligation.
        """
        return self in _OPEN

    def allowed_next(self) -> frozenset[DossierStatus]:
        """The statuses this status may change to (empty for a terminal status)."""
        return TRANSITIONS[self]

    def can_transition_to(self, other: DossierStatus) -> bool:
        """Whether the transition table allows ``self`` → ``other``."""
        return other in TRANSITIONS[self]

    @classmethod
    def from_code(cls, code: int | str) -> DossierStatus:
        """Return the status of a national ``TrangThaiHoSo`` code.

        Args:
            code: 1 to 10, as ``int`` or decimal string (the portal sends strings).

        Raises:
            InvalidInputError: the code is not between 1 and 10.
        """
        number = _parse_code(code, field="status_code", valid="1 to 10")
        for member, info in _STATUS_INFO.items():
            if info[0] == number:
                return member
        raise InvalidInputError(
            f"status_code: unknown TrangThaiHoSo code {number}; expected an integer from 1 "
            "(Mới đăng ký) to 10 (Đã trả kết quả)",
            field="status_code",
        )


_STATUS_INFO: dict[DossierStatus, tuple[int, str, str]] = {
    DossierStatus.NEW: (1, "Mới đăng ký", "Newly registered"),
    DossierStatus.RECEIVED: (2, "Được tiếp nhận", "Received"),
    DossierStatus.REFUSED: (3, "Không được tiếp nhận", "Refused at intake"),
    DossierStatus.PROCESSING: (4, "Đang xử lý", "In processing"),
    DossierStatus.SUPPLEMENT_REQUESTED: (5, "Yêu cầu bổ sung giấy tờ", "Supplement requested"),
    DossierStatus.FINANCIAL_OBLIGATION: (
        6,
        "Yêu cầu thực hiện nghĩa vụ tài chính",
        "Financial obligation requested",
    ),
    DossierStatus.WITHDRAWN: (7, "Công dân yêu cầu rút hồ sơ", "Withdrawn by the applicant"),
    DossierStatus.STOPPED: (8, "Dừng xử lý", "Processing stopped"),
    DossierStatus.COMPLETED: (9, "Đã xử lý xong", "Processed, result ready"),
    DossierStatus.RETURNED: (10, "Đã trả kết quả", "Result returned"),
}

_S = DossierStatus

_OPEN = frozenset({_S.RECEIVED, _S.PROCESSING, _S.SUPPLEMENT_REQUESTED, _S.FINANCIAL_OBLIGATION})

#: The transition table: status -> the statuses it may change to.
#:
#: * ``NEW`` → accepted, refused, asked for a supplement at intake (NĐ 61/2018 Art. 17(1)-(2),
#:   "một lần đầy đủ"), or withdrawn before acceptance.
#: * ``RECEIVED`` → processing, supplement, financial obligation, withdrawn, stopped, or
#:   completed directly for procedures whose result is given at once (Art. 17(4)).
#: * ``PROCESSING`` → supplement after appraisal (Art. 19(4)), financial obligation,
#:   withdrawn, stopped, completed.
#: * ``SUPPLEMENT_REQUESTED`` → accepted (an intake supplement that was completed), refused
#:   (an intake supplement that was not), processing (supplement after appraisal received;
#:   the clock restarts, Art. 19(4)), withdrawn, stopped.
#: * ``FINANCIAL_OBLIGATION`` → processing or completed once paid, withdrawn, stopped.
#: * ``WITHDRAWN`` → stopped (the office closes the withdrawn dossier with Mẫu 05).
#: * ``COMPLETED`` → returned.
#: * ``REFUSED``, ``STOPPED`` and ``RETURNED`` are terminal.
TRANSITIONS: Mapping[DossierStatus, frozenset[DossierStatus]] = MappingProxyType(
    {
        _S.NEW: frozenset({_S.RECEIVED, _S.REFUSED, _S.SUPPLEMENT_REQUESTED, _S.WITHDRAWN}),
        _S.RECEIVED: frozenset(
            {
                _S.PROCESSING,
                _S.SUPPLEMENT_REQUESTED,
                _S.FINANCIAL_OBLIGATION,
                _S.WITHDRAWN,
                _S.STOPPED,
                _S.COMPLETED,
            }
        ),
        _S.REFUSED: frozenset(),
        _S.PROCESSING: frozenset(
            {
                _S.SUPPLEMENT_REQUESTED,
                _S.FINANCIAL_OBLIGATION,
                _S.WITHDRAWN,
                _S.STOPPED,
                _S.COMPLETED,
            }
        ),
        _S.SUPPLEMENT_REQUESTED: frozenset(
            {_S.RECEIVED, _S.REFUSED, _S.PROCESSING, _S.WITHDRAWN, _S.STOPPED}
        ),
        _S.FINANCIAL_OBLIGATION: frozenset({_S.PROCESSING, _S.COMPLETED, _S.WITHDRAWN, _S.STOPPED}),
        _S.WITHDRAWN: frozenset({_S.STOPPED}),
        _S.STOPPED: frozenset(),
        _S.COMPLETED: frozenset({_S.RETURNED}),
        _S.RETURNED: frozenset(),
    }
)

#: Statuses a dossier history may start in: online/postal submissions start as ``NEW``,
#: counter submissions are accepted on the spot (``RECEIVED``).
INITIAL_STATUSES: frozenset[DossierStatus] = frozenset({_S.NEW, _S.RECEIVED})


def _parse_code(code: object, *, field: str, valid: str) -> int:
    if isinstance(code, bool):
        raise InvalidInputError(
            f"{field}: expected an integer code ({valid}), got a boolean", field=field
        )
    if isinstance(code, int):
        return code
    if isinstance(code, str) and code.strip().isdigit():
        return int(code.strip())
    raise InvalidInputError(
        f"{field}: expected an integer code ({valid}) or its decimal string", field=field
    )


def transition_error(current: DossierStatus, requested: DossierStatus) -> InvalidTransitionError:
    """Build the error for a status change the table does not allow (names both statuses)."""
    allowed = ", ".join(f"{s.value} ({s.code})" for s in sorted(TRANSITIONS[current], key=_code))
    return InvalidTransitionError(
        f"status: cannot change from {current.value} ({current.code} {current.label_vi}) to "
        f"{requested.value} ({requested.code} {requested.label_vi}); allowed from "
        f"{current.value}: {allowed or 'none, the status is terminal'}",
        field="status",
    )


def check_transition(current: DossierStatus, requested: DossierStatus) -> None:
    """Raise unless the transition table allows ``current`` → ``requested``.

    Raises:
        InvalidTransitionError: the transition is not in :data:`TRANSITIONS`.
    """
    if requested not in TRANSITIONS[current]:
        raise transition_error(current, requested)


def _code(status: DossierStatus) -> int:
    return status.code
