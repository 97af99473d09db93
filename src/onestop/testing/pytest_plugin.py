"""The onestop pytest plugin (registered through the ``pytest11`` entry point).

Fixtures are defined here and import their dependencies only when used, so the plugin costs
nothing in test-suites that do not use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from onestop.testing._pki import ThrowawayPKI


@pytest.fixture(scope="session")
def test_pki() -> ThrowawayPKI:
    """A throwaway EC P-256 PKI (:func:`onestop.testing.build_test_pki`), built once a session."""
    from onestop.testing._pki import build_test_pki

    return build_test_pki(key_type="ec")


@pytest.fixture(scope="session")
def test_pki_rsa() -> ThrowawayPKI:
    """The same PKI with RSA 2048 keys (slower to build; for realism and interop tests)."""
    from onestop.testing._pki import build_test_pki

    return build_test_pki(key_type="rsa")
