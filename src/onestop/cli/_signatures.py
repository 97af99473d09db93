"""The ``onestop sign`` and ``onestop verify`` commands."""

from __future__ import annotations
