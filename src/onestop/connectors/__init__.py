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

from onestop._lazy import attach_stub

# The public names are declared once, in __init__.pyi; they load on first use.
__getattr__, __dir__ = attach_stub(__name__, __file__)
