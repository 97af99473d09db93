"""The ``onestop holidays`` command."""

from __future__ import annotations
