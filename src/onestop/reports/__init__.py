"""Statistics provinces publish and the Decision 766 indicators."""

from __future__ import annotations

__all__: list[str] = []
