"""Connectors: the national public service portal, LGSP/NGSP gateways, postal and payment."""

from __future__ import annotations

__all__: list[str] = []
