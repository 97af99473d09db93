"""The onestop pytest plugin (registered through the ``pytest11`` entry point).

Fixtures are defined here and import their dependencies only when used, so the plugin costs
nothing in test-suites that do not use them.
"""

from __future__ import annotations
