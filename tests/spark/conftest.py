"""One local Spark session (``local[2]``) for the whole run, and the CLI fixtures.

Spark needs Java: without it the Spark tests skip locally, and fail in CI, which installs
Java 17 and sets ``ONESTOP_REQUIRE_SPARK=1`` (as the browser test does with Chromium).
"""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest
from typer.testing import CliRunner

from onestop.cli._commands import build_app


def _why_not() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'onestop-vn[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and os.path.isdir(java_home)):
        return "Java is not installed (CI installs openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark():
    why = _why_not()
    if why is not None:
        if os.environ.get("ONESTOP_REQUIRE_SPARK") == "1":
            pytest.fail(f"ONESTOP_REQUIRE_SPARK=1 but {why}")
        pytest.skip(f"{why}; CI sets ONESTOP_REQUIRE_SPARK=1")
    from onestop.spark import local_session

    session = local_session("local[2]", app_name="onestop-tests")
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture(scope="session")
def app():
    return build_app()


@pytest.fixture
def runner():
    return CliRunner()
