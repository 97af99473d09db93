"""The public API is curated: ``__all__`` is pinned and every name in it resolves."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import onestop

PUBLIC_PACKAGES = [
    "onestop",
    "onestop.errors",
    "onestop.models",
    "onestop.deadlines",
    "onestop.signatures",
    "onestop.connectors",
    "onestop.testing",
]


#: The curated top-level API. Changing it is an API change: update CHANGELOG.md too.
EXPECTED_TOP_LEVEL = frozenset(
    {
        "APIStatusError",
        "AdapterAuth",
        "AgencyCode",
        "Applicant",
        "AsyncOutboxWorker",
        "AsyncPortalClient",
        "AuthenticationError",
        "CalendarDataError",
        "CalendarDataMissingError",
        "CalendarDaysPolicy",
        "CalendarError",
        "CertificateError",
        "Channel",
        "CitizenId",
        "ClockFlag",
        "ConfigurationError",
        "ConflictError",
        "ConnectTimeoutError",
        "ConnectorError",
        "CountingPolicy",
        "Deadline",
        "DeadlineError",
        "Dossier",
        "DossierClock",
        "DossierCode",
        "DossierCodeGenerator",
        "DossierStatus",
        "EstimatedDateWarning",
        "ExplanationStep",
        "FlagCode",
        "GatewayAuth",
        "Holiday",
        "HolidayKind",
        "HolidaySchedule",
        "InMemorySequenceStore",
        "InvalidDossierError",
        "InvalidIdentifierError",
        "InvalidInputError",
        "InvalidTransitionError",
        "LegacyId",
        "LunarDate",
        "LunarDateError",
        "MissingExtraError",
        "MonthsPolicy",
        "NetworkError",
        "NotFoundError",
        "OfficeHours",
        "OfficeHoursSchedule",
        "OneStopError",
        "OneStopWarning",
        "Outbox",
        "OutboxError",
        "OutboxWorker",
        "PAUSE",
        "PortalClient",
        "ProblemCode",
        "Procedure",
        "ProcedureCode",
        "ProcessingTime",
        "Province",
        "ProvisionalCalendarWarning",
        "RESTART",
        "RateLimitedError",
        "ReadTimeoutError",
        "RetryPolicy",
        "SameDayPolicy",
        "SequenceStore",
        "ServerError",
        "ServiceLevel",
        "SignatureError",
        "SignatureStatus",
        "StorageError",
        "SqliteSequenceStore",
        "TaxCode",
        "TimeUnit",
        "Timeliness",
        "TransportError",
        "TrustStore",
        "UnexpectedResponseError",
        "WorkCalendar",
        "WorkingDaysPolicy",
        "WorkingHoursPolicy",
        "__version__",
        "civil_service_calendar",
        "classify",
        "classify_766",
        "compute_due",
        "from_lunar",
        "json_schema",
        "load_notice",
        "lunar_new_year",
        "official_schedule",
        "policy_by_name",
        "policy_for",
        "procedure_from_record",
        "province_by_code",
        "provinces",
        "sign_bytes",
        "sign_pdf",
        "sign_record",
        "successor_province",
        "to_ics",
        "to_lunar",
        "verify_bytes",
        "verify_pdf",
        "verify_record",
    }
)


def test_top_level_api_is_pinned():
    assert len(onestop.__all__) == len(set(onestop.__all__))
    assert set(onestop.__all__) == EXPECTED_TOP_LEVEL


def test_dir_lists_the_public_api():
    assert set(dir(onestop)) >= EXPECTED_TOP_LEVEL


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_every_exported_name_resolves(package):
    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_no_private_names_exported(package):
    module = importlib.import_module(package)
    leaked = [n for n in module.__all__ if n.startswith("_") and n != "__version__"]
    assert leaked == []


def test_exported_objects_come_from_onestop():
    for name in onestop.__all__:
        obj = getattr(onestop, name)
        mod = getattr(obj, "__module__", "onestop")
        assert mod.startswith("onestop"), (name, mod)


def test_public_modules_do_not_reexport_private_modules():
    """No public module exposes a private module object (pydantic's test_public_internal)."""
    root = onestop.__path__
    for info in pkgutil.walk_packages(root, prefix="onestop."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        if info.name.startswith("onestop.cli"):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            value = getattr(module, name)
            assert not (
                type(value).__name__ == "module" and value.__name__.split(".")[-1].startswith("_")
            ), (info.name, name)


def test_version_matches_metadata():
    from importlib.metadata import version

    assert onestop.__version__ == version("onestop-vn")


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError):
        _ = onestop.does_not_exist  # type: ignore[attr-defined]
