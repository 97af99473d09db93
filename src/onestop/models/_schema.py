"""JSON Schema export of the public domain models, for vendors working in other languages."""

from __future__ import annotations

import copy
import functools
from typing import Any, Literal

from onestop.errors import InvalidInputError
from onestop.models._base import FrozenModel
from onestop.models._dossier import (
    Applicant,
    Contact,
    Dossier,
    DossierEvent,
    DossierResult,
    Extension,
    LienThongStep,
    Payment,
    ProcedureRef,
    ResultDelivery,
    ResultDocument,
    SubmittedDocument,
    SupplementRequest,
)
from onestop.models._online_payment import OnlinePayment
from onestop.models._postal import PostalAddress, PostalOrder, PostalParty
from onestop.models._procedure import (
    AgencyRef,
    ChannelProcessingTime,
    FeeItem,
    FieldOfActivity,
    FormTemplate,
    LegalBasis,
    LienThongParticipant,
    Procedure,
    ProcedureResult,
    ProcessingTime,
    RequiredDocument,
)

__all__ = ["MODEL_NAMES", "SchemaMode", "json_schema"]

#: ``"validation"``: what the model accepts (fields with defaults are optional);
#: ``"serialization"``: what ``to_json()`` produces (every field present).
SchemaMode = Literal["validation", "serialization"]

_MODELS: dict[str, type[FrozenModel]] = {
    model.__name__: model
    for model in (
        AgencyRef,
        Applicant,
        ChannelProcessingTime,
        Contact,
        Dossier,
        DossierEvent,
        DossierResult,
        Extension,
        FeeItem,
        FieldOfActivity,
        FormTemplate,
        LegalBasis,
        LienThongParticipant,
        LienThongStep,
        OnlinePayment,
        Payment,
        PostalAddress,
        PostalOrder,
        PostalParty,
        Procedure,
        ProcedureRef,
        ProcedureResult,
        ProcessingTime,
        RequiredDocument,
        ResultDelivery,
        ResultDocument,
        SubmittedDocument,
        SupplementRequest,
    )
}

#: The names :func:`json_schema` accepts, sorted.
MODEL_NAMES: tuple[str, ...] = tuple(sorted(_MODELS))
_CANONICAL_NAMES: dict[str, str] = {name.lower(): name for name in MODEL_NAMES}

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@functools.cache
def _build(name: str, mode: SchemaMode) -> dict[str, Any]:
    schema = _MODELS[name].model_json_schema(mode=mode)
    return {"$schema": _DIALECT, **schema}


def json_schema(name: str, *, mode: SchemaMode = "validation") -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a public model.

    Identifiers (dossier, procedure and agency codes, CCCD, CMND, MST) appear as strings with a
    ``pattern``; datetimes as ``date-time`` strings that must carry an offset; enumerations as
    their string values; VND amounts as integers.

    Args:
        name: a model name from :data:`MODEL_NAMES`, e.g. ``"Dossier"`` (case-insensitive).
        mode: ``"validation"`` (what the model accepts, the default) or ``"serialization"``
            (what ``to_json()`` produces).

    Returns:
        A new dict each call (safe to modify).

    Raises:
        InvalidInputError: unknown ``name`` (the message lists the valid names) or ``mode``.

    Example:
        >>> json_schema("ProcessingTime")["properties"]["amount"]["minimum"]
        0
    """
    canonical = _CANONICAL_NAMES.get(str(name).strip().lower())
    if canonical is None:
        raise InvalidInputError(
            f"model: unknown model name {str(name)[:40]!r}; expected one of "
            f"{', '.join(MODEL_NAMES)}",
            field="model",
        )
    if mode not in ("validation", "serialization"):
        raise InvalidInputError(
            f"mode: unknown schema mode {str(mode)[:20]!r}; expected 'validation' or "
            "'serialization'",
            field="mode",
        )
    return copy.deepcopy(_build(canonical, mode))
