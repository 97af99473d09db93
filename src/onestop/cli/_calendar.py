"""The ``onestop lunar`` command."""

from __future__ import annotations
