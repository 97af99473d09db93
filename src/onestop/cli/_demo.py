"""The ``onestop demo`` command: the main job end to end."""

from __future__ import annotations
