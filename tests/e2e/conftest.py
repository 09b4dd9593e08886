"""End-to-end tests talk to a real Home Assistant over loopback HTTP."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def allow_loopback_sockets(socket_enabled: None) -> None:
    """Undo the test plugin's socket block: these tests need real connections."""
