"""The ``onestop check-id`` command."""

from __future__ import annotations
