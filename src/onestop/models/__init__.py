"""Domain models: official codes and identities, procedures, dossiers and their statuses.

All models are immutable. Identifiers are value types with ``parse()`` and canonical ``str()``;
procedures and dossiers are frozen pydantic models with timezone-aware datetimes and VND
amounts as integers. ``json_schema(name)`` exports the JSON Schema of any public model.
"""

from __future__ import annotations

from onestop.models._procedure import ProcessingTime, ServiceLevel, TimeUnit
from onestop.models._status import TRANSITIONS, Channel, DossierStatus

__all__: list[str] = [
    "TRANSITIONS",
    "Channel",
    "DossierStatus",
    "ProcessingTime",
    "ServiceLevel",
    "TimeUnit",
]
