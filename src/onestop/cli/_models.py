"""The ``onestop schema`` command."""

from __future__ import annotations
