"""Domain models: official codes and identities, procedures, dossiers and their statuses.

All models are immutable. Identifiers are value types with ``parse()`` and canonical ``str()``;
procedures and dossiers are frozen pydantic models with timezone-aware datetimes and VND
amounts as integers. ``json_schema(name)`` exports the JSON Schema of any public model.
"""

from __future__ import annotations

from onestop.models._agency import (
    AgencyCode,
    Authority,
    DossierCode,
    DossierCodeGenerator,
    InMemorySequenceStore,
    ProcedureCode,
    SequenceExhaustedError,
    SequenceStore,
    SqliteSequenceStore,
)
from onestop.models._identity import CitizenId, LegacyId, TaxCode
from onestop.models._procedure import ProcessingTime, ServiceLevel, TimeUnit
from onestop.models._provinces import (
    Province,
    predecessor_provinces,
    province_by_code,
    provinces,
    successor_province,
)
from onestop.models._status import TRANSITIONS, Channel, DossierStatus

__all__: list[str] = [
    "TRANSITIONS",
    "AgencyCode",
    "Authority",
    "Channel",
    "CitizenId",
    "DossierCode",
    "DossierCodeGenerator",
    "DossierStatus",
    "InMemorySequenceStore",
    "LegacyId",
    "ProcedureCode",
    "ProcessingTime",
    "Province",
    "SequenceExhaustedError",
    "SequenceStore",
    "ServiceLevel",
    "SqliteSequenceStore",
    "TaxCode",
    "TimeUnit",
    "predecessor_provinces",
    "province_by_code",
    "provinces",
    "successor_province",
]
