"""Fixtures for command-line tests: the fully registered app and a runner."""

from __future__ import annotations

import importlib

import pytest
from typer.testing import CliRunner

import onestop.cli


@pytest.fixture(scope="session")
def app():
    for name in onestop.cli.COMMAND_MODULES:
        importlib.import_module(name)
    from onestop.cli._app import app as typer_app

    return typer_app


@pytest.fixture
def runner():
    return CliRunner()
