"""The ``onestop lunar`` and ``onestop holidays`` commands."""

from __future__ import annotations
