"""Data tables of :mod:`onestop.models` (data only, no logic)."""
