"""Digital signatures with Vietnamese certificates: CMS (PKCS#7), PAdES, trust chains."""

from __future__ import annotations

__all__: list[str] = []
