"""The one place where postal wire records and domain models meet.

==========================================  ==============================================
domain                                      VNPost order (``OrderRecord``)
==========================================  ==============================================
dossier code (+ kind, see below)            ``OrderNumber``
the deployment's VNPost customer code       ``CustomerCode``
sender / receiver :class:`PostalParty`      ``Sender*`` / ``Receiver*``: name, tel, e-mail
:meth:`PostalAddress.one_line`              ``SenderAddress`` / ``ReceiverAddress``
``vnpost_province_code`` / ``…district…``   ``SenderProvince`` / ``SenderDistrict`` (0 if
                                            unknown, as TD.DichVuCongApi sends)
procedure and dossier code                  ``Description``
==========================================  ==============================================

A *pickup* goes from the applicant to the agency; a *delivery* from the agency to the
applicant (OpenCPS ``sendCollectionVNPostalRequest`` swaps sender and receiver the same way).
The applicant's party is the dossier's applicant with the structured address of its contact
(:attr:`~onestop.models.Contact.postal_address`), unless the caller gives another one.

Order numbers: a delivery uses the dossier code itself, as TD.DichVuCongApi does
[confirmed]; a pickup uses the dossier code followed by ``-TG`` (thu gom) so that both orders
of one dossier have distinct numbers [onestop's convention; give ``order_number=`` to follow
another].
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from onestop.connectors._postal_protocol import OrderResult, TrackingEvent
from onestop.connectors._postal_wire import OrderRecord
from onestop.errors import InvalidInputError
from onestop.models import (
    Dossier,
    PostalOrder,
    PostalOrderKind,
    PostalParty,
)
from onestop.models._postal import ORDER_NUMBER_PATTERN

__all__ = [
    "PICKUP_SUFFIX",
    "applicant_party",
    "apply_tracking",
    "order_number_for",
    "order_record",
    "postal_order",
]

#: Appended to the dossier code to number its pickup order.
PICKUP_SUFFIX = "-TG"

_DESCRIPTION_LIMIT = 500
_ITEM_CODE = re.compile(r"^[0-9A-Za-z]{4,30}$")


def order_number_for(dossier_code: str, kind: PostalOrderKind | str) -> str:
    """The order number onestop gives a dossier's order of ``kind``.

    Example:
        >>> order_number_for("H56.14-260316-0001", "pickup")
        'H56.14-260316-0001-TG'
    """
    kind = PostalOrderKind(kind)
    code = str(dossier_code)
    return code + PICKUP_SUFFIX if kind is PostalOrderKind.PICKUP else code


def applicant_party(dossier: Dossier) -> PostalParty:
    """The applicant as a postal party: name, phone, e-mail and structured address.

    Raises:
        InvalidInputError: the applicant's contact has no phone or no ``postal_address``.
    """
    contact = dossier.applicant.contact
    if contact.postal_address is None:
        raise InvalidInputError(
            "applicant.contact.postal_address: the dossier has no structured postal address "
            "(province, commune, VNPost codes); add one, or pass applicant=PostalParty(...)",
            field="applicant.contact.postal_address",
        )
    if contact.phone is None:
        raise InvalidInputError(
            "applicant.contact.phone: VNPost needs a phone number for the postman; add one, "
            "or pass applicant=PostalParty(...)",
            field="applicant.contact.phone",
        )
    return PostalParty(
        name=dossier.applicant.name,
        phone=contact.phone,
        email=contact.email,
        address=contact.postal_address,
    )


def _description(dossier: Dossier, kind: PostalOrderKind) -> str:
    what = "Thu gom hồ sơ" if kind is PostalOrderKind.PICKUP else "Trả kết quả hồ sơ"
    text = f"{what} {dossier.code} - {dossier.procedure.name}"
    return text if len(text) <= _DESCRIPTION_LIMIT else text[: _DESCRIPTION_LIMIT - 1] + "…"


def order_record(
    dossier: Dossier,
    *,
    kind: PostalOrderKind | str,
    agency: PostalParty,
    customer_code: str,
    applicant: PostalParty | None = None,
    order_number: str | None = None,
) -> OrderRecord:
    """The VNPost order of a dossier's pickup or result delivery.

    Args:
        dossier: the dossier.
        kind: ``"pickup"`` or ``"delivery"``.
        agency: the agency's party (its one-stop counter).
        customer_code: the deployment's VNPost customer code.
        applicant: the applicant's party; by default :func:`applicant_party`.
        order_number: the order number; by default :func:`order_number_for`.

    Raises:
        InvalidInputError: a missing piece (the applicant's address, the agency) or a
            malformed order number.
    """
    if not isinstance(dossier, Dossier):
        raise InvalidInputError(
            f"dossier: expected a Dossier, got {type(dossier).__name__}", field="dossier"
        )
    kind = PostalOrderKind(kind)
    if not isinstance(agency, PostalParty):
        raise InvalidInputError(
            "agency: expected the agency's PostalParty (name, phone, address of its counter); "
            "give it to the client (agency=) or set ONESTOP_POSTAL_AGENCY_FILE",
            field="agency",
        )
    code: object = customer_code
    if not isinstance(code, str) or not code.strip():
        raise InvalidInputError(
            "customer_code: empty; expected the VNPost customer code of the deployment",
            field="customer_code",
        )
    person: object = applicant_party(dossier) if applicant is None else applicant
    if not isinstance(person, PostalParty):
        raise InvalidInputError(
            f"applicant: expected a PostalParty, got {type(person).__name__}", field="applicant"
        )
    number: object = (
        order_number_for(str(dossier.code), kind) if order_number is None else order_number
    )
    if not isinstance(number, str) or not re.match(ORDER_NUMBER_PATTERN, number):
        raise InvalidInputError(
            "order_number: expected 1-60 letters, digits, '.', '-', '_' or '/', starting with "
            "a letter or digit",
            field="order_number",
        )
    sender, receiver = (person, agency) if kind is PostalOrderKind.PICKUP else (agency, person)
    return OrderRecord(
        CustomerCode=customer_code.strip(),
        OrderNumber=number,
        CODAmount=0,
        SenderProvince=sender.address.vnpost_province_code or 0,
        SenderDistrict=sender.address.vnpost_district_code or 0,
        SenderAddress=sender.address.one_line(),
        SenderName=sender.name,
        SenderEmail=sender.email or "",
        SenderTel=sender.phone,
        Description=_description(dossier, kind),
        ReceiverName=receiver.name,
        ReceiverAddress=receiver.address.one_line(),
        ReceiverTel=receiver.phone,
        ReceiverProvince=receiver.address.vnpost_province_code or 0,
        ReceiverDistrict=receiver.address.vnpost_district_code or 0,
        ReceiverEmail=receiver.email or "",
    )


def postal_order(
    result: OrderResult, *, kind: PostalOrderKind | str, at: dt.datetime
) -> PostalOrder:
    """The domain record of an accepted order, for :meth:`Dossier.with_postal_order`.

    Args:
        result: VNPost's answer.
        kind: pickup or delivery.
        at: when the answer came (timezone-aware).
    """
    return PostalOrder(
        order_number=result.order_number,
        kind=PostalOrderKind(kind),
        sent_at=at,
        duplicate=result.duplicate,
    )


def apply_tracking(
    dossier: Dossier, events: Iterable[TrackingEvent], *, at: dt.datetime
) -> Dossier:
    """The dossier with the statuses that ``events`` report for its orders, observed at ``at``.

    Events of other dossiers' orders, and events with a code outside 0-22, are skipped; the
    latest event of an order (in feed order) wins; an item code the feed gives is recorded.
    """
    latest: dict[str, TrackingEvent] = {}
    for event in events:
        if event.status is not None and dossier.postal_order(event.order_number) is not None:
            latest[event.order_number] = event
    for number, event in latest.items():
        if event.status is None:  # pragma: no cover - filtered above
            continue
        dossier = dossier.with_postal_status(number, event.status, at=at)
        order = dossier.postal_order(number)
        code = event.item_code
        if order is not None and order.item_code is None and code and _ITEM_CODE.match(code):
            dossier = dossier.with_postal_order(order.model_copy(update={"item_code": code}))
    return dossier
