"""Connectors: the national public service portal (Cổng DVCQG) and its LGSP/NGSP gateways.

* :mod:`onestop.connectors.portal`: :class:`PortalClient` and :class:`AsyncPortalClient`;
* :mod:`onestop.connectors.auth`: :class:`AdapterAuth` (session login) and
  :class:`GatewayAuth` (OAuth2 client credentials);
* :mod:`onestop.connectors.outbox`: the durable SQLite :class:`Outbox` and its workers;
* wire records (:class:`HoSoRecord`, :class:`TienTrinhRecord`, …) and their mapping to and
  from the domain models (:func:`dossier_to_record`, :func:`progress_rows`,
  :func:`status_of_record`, :func:`procedure_from_record`), the retry rule
  (:func:`should_retry`, :class:`RetryPolicy`, :func:`set_testing`, :class:`NoBackoff`; the
  HTTP core shared with remote signing) and settings from the
  environment (:class:`PortalSettings`).

Names load lazily: ``import onestop.connectors`` imports neither httpx nor SQLite code until a
name that needs it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from onestop._lazy import lazy_names

if TYPE_CHECKING:  # the names as mypy and IDEs see them; at run time they load lazily
    from onestop._http import NoBackoff as NoBackoff
    from onestop._http import RetryPolicy as RetryPolicy
    from onestop._http import set_testing as set_testing
    from onestop._http import should_retry as should_retry
    from onestop.connectors._mapping import dossier_to_record as dossier_to_record
    from onestop.connectors._mapping import procedure_from_record as procedure_from_record
    from onestop.connectors._mapping import progress_rows as progress_rows
    from onestop.connectors._mapping import status_of_record as status_of_record
    from onestop.connectors._protocol import UpsertResult as UpsertResult
    from onestop.connectors._settings import PortalSettings as PortalSettings
    from onestop.connectors._wire import DanhMucRecord as DanhMucRecord
    from onestop.connectors._wire import Envelope as Envelope
    from onestop.connectors._wire import HoSoRecord as HoSoRecord
    from onestop.connectors._wire import PortalStatus as PortalStatus
    from onestop.connectors._wire import ThuTucRecord as ThuTucRecord
    from onestop.connectors._wire import ThuTucTomTatRecord as ThuTucTomTatRecord
    from onestop.connectors._wire import TienTrinhRecord as TienTrinhRecord
    from onestop.connectors._wire import format_portal_datetime as format_portal_datetime
    from onestop.connectors._wire import parse_portal_datetime as parse_portal_datetime
    from onestop.connectors.auth import AdapterAuth as AdapterAuth
    from onestop.connectors.auth import GatewayAuth as GatewayAuth
    from onestop.connectors.outbox import AsyncOutboxWorker as AsyncOutboxWorker
    from onestop.connectors.outbox import DeadLetter as DeadLetter
    from onestop.connectors.outbox import Outbox as Outbox
    from onestop.connectors.outbox import OutboxStats as OutboxStats
    from onestop.connectors.outbox import OutboxWorker as OutboxWorker
    from onestop.connectors.outbox import RetryingEntry as RetryingEntry
    from onestop.connectors.portal import AsyncPortalClient as AsyncPortalClient
    from onestop.connectors.portal import PortalClient as PortalClient

#: Public name -> private or public module that defines it.
_LAZY: dict[str, str] = {
    "AdapterAuth": "onestop.connectors.auth",
    "AsyncOutboxWorker": "onestop.connectors.outbox",
    "AsyncPortalClient": "onestop.connectors.portal",
    "DeadLetter": "onestop.connectors.outbox",
    "DanhMucRecord": "onestop.connectors._wire",
    "HoSoRecord": "onestop.connectors._wire",
    "Envelope": "onestop.connectors._wire",
    "GatewayAuth": "onestop.connectors.auth",
    "NoBackoff": "onestop._http",
    "Outbox": "onestop.connectors.outbox",
    "OutboxStats": "onestop.connectors.outbox",
    "OutboxWorker": "onestop.connectors.outbox",
    "PortalClient": "onestop.connectors.portal",
    "PortalSettings": "onestop.connectors._settings",
    "PortalStatus": "onestop.connectors._wire",
    "ThuTucRecord": "onestop.connectors._wire",
    "ThuTucTomTatRecord": "onestop.connectors._wire",
    "TienTrinhRecord": "onestop.connectors._wire",
    "RetryPolicy": "onestop._http",
    "RetryingEntry": "onestop.connectors.outbox",
    "UpsertResult": "onestop.connectors._protocol",
    "dossier_to_record": "onestop.connectors._mapping",
    "format_portal_datetime": "onestop.connectors._wire",
    "parse_portal_datetime": "onestop.connectors._wire",
    "procedure_from_record": "onestop.connectors._mapping",
    "progress_rows": "onestop.connectors._mapping",
    "set_testing": "onestop._http",
    "should_retry": "onestop._http",
    "status_of_record": "onestop.connectors._mapping",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
