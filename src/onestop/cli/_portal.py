"""The ``onestop portal`` and ``onestop fake-portal`` commands."""

from __future__ import annotations
