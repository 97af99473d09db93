"""The ``onestop due`` and ``onestop working-days`` commands."""

from __future__ import annotations
