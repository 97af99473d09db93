"""The public API is curated: ``__all__`` is pinned and every name in it resolves."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

import pytest

import onestop
from onestop.errors import MissingExtraError

PUBLIC_PACKAGES = [
    "onestop",
    "onestop.errors",
    "onestop.tz",
    "onestop.models",
    "onestop.deadlines",
    "onestop.signatures",
    "onestop.connectors",
    "onestop.testing",
    "onestop.forms",
    "onestop.records",
    "onestop.reports",
]


#: The curated top-level API: the nouns most programs need (the subpackages are the full API).
#: Changing it is an API change: update CHANGELOG.md too.
EXPECTED_TOP_LEVEL = frozenset(
    {
        "__version__",
        # the subpackages: the full API, imported on first use
        "connectors",
        "deadlines",
        "errors",
        "models",
        "signatures",
        "testing",
        "tz",
        # models
        "AgencyCode",
        "Applicant",
        "Channel",
        "CitizenId",
        "Dossier",
        "DossierCode",
        "DossierStatus",
        "Procedure",
        "ProcedureCode",
        "ProcessingTime",
        "TaxCode",
        "TimeUnit",
        # deadlines
        "Deadline",
        "DossierClock",
        "Timeliness",
        "WorkCalendar",
        "civil_service_calendar",
        "compute_due",
        "to_lunar",
        # connectors, signatures
        "AsyncPortalClient",
        "Outbox",
        "PortalClient",
        "SignatureStatus",
        "sign_pdf",
        "verify_pdf",
        # the root of the error tree and its main branches
        "OneStopError",
        "InvalidInputError",
        "InvalidIdentifierError",
        "InvalidDossierError",
        "ConfigurationError",
        "CalendarError",
        "DeadlineError",
        "SignatureError",
        "StorageError",
        "ConnectorError",
    }
)

#: Names the top level exported before issue 10, now only in their subpackage (or removed).
REMOVED_FROM_TOP_LEVEL = [
    "EstimatedDateWarning",
    "due_for_procedure",
    "clock_for",
    "policy_for",
    "RetryPolicy",
    "LunarDate",
    "PAUSE",
    "json_schema",
    "sign_bytes",
    "TrustStore",
]


def test_top_level_api_is_pinned():
    assert len(onestop.__all__) == len(set(onestop.__all__))
    assert set(onestop.__all__) == EXPECTED_TOP_LEVEL


def test_dir_lists_the_public_api():
    assert set(dir(onestop)) >= EXPECTED_TOP_LEVEL


@pytest.mark.parametrize("name", REMOVED_FROM_TOP_LEVEL)
def test_trimmed_names_are_not_at_the_top_level(name):
    assert name not in dir(onestop)
    with pytest.raises(AttributeError, match=f"has no attribute {name!r}"):
        getattr(onestop, name)


def test_top_level_names_are_the_subpackage_objects():
    from onestop import connectors, deadlines, errors, models

    assert onestop.compute_due is deadlines.compute_due
    assert onestop.Dossier is models.Dossier
    assert onestop.PortalClient is connectors.PortalClient
    assert onestop.OneStopError is errors.OneStopError


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
            try:
                value = getattr(module, name)
            except MissingExtraError as exc:
                # the spark extra is not in dev (pyspark needs newer pandas and pyarrow than
                # dev's lower bounds): without it, its names say which extra to install
                assert importlib.util.find_spec("pyspark") is None, (info.name, name)
                assert "onestop-vn[spark]" in str(exc), (info.name, name)
                continue
            assert not (
                type(value).__name__ == "module" and value.__name__.split(".")[-1].startswith("_")
            ), (info.name, name)


def test_version_matches_metadata():
    from importlib.metadata import version

    assert onestop.__version__ == version("onestop-vn")


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError):
        _ = onestop.does_not_exist  # type: ignore[attr-defined]
