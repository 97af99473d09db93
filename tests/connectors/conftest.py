"""Fixtures shared by the connector tests of the postal and payment services."""

from __future__ import annotations

import pytest


class ManualClock:
    """A clock that moves only when told (Unix seconds)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()
