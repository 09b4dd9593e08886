"""End-to-end tests talk to a real Home Assistant over loopback HTTP.

They run two ways. In the main suite, pytest runs in .toolchain/venv beside
pytest-homeassistant-custom-component, which blocks sockets. In `make test-versions` pytest
runs in another release's venv (.toolchain/venv-<version>) with --confcutdir=tests/e2e, so
tests/conftest.py and its test plugin are not loaded (no plugin version may exist for that
release yet). Either way the `hass` a test starts is the one installed beside pytest
(scripts/dev.py starts `sys.executable -m homeassistant`); the header says which.
"""

from __future__ import annotations

from importlib.metadata import version
import sys

import pytest


def pytest_report_header() -> str:
    """Say which Home Assistant the end-to-end tests start."""
    return (
        f"end-to-end: hass is Home Assistant {version('homeassistant')} ({sys.prefix})"
    )


@pytest.fixture(autouse=True)
def allow_loopback_sockets(request: pytest.FixtureRequest) -> None:
    """Undo the test plugin's socket block, where it is loaded: these need real connections."""
    if request.config.pluginmanager.has_plugin("socket"):  # pytest-socket
        request.getfixturevalue("socket_enabled")
