"""Helpers for the plugin's tests: pytester sessions that load the plugin through its entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

INI = """
[pytest]
addopts = -p no:cacheprovider --strict-markers
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
filterwarnings =
    error::pytest.PytestUnraisableExceptionWarning
    ignore::jwt.warnings.InsecureKeyLengthWarning
    ignore::pytest.PytestAssertRewriteWarning
"""

NO_NETWORK_CONFTEST = '''
import socket

import pytest


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Any socket connection fails: replay must not need the server."""

    def refuse(self, address):
        raise OSError(f"network disabled in this test run (tried {address!r})")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
'''


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester project with strict markers and strict asyncio, and no Stream credentials."""
    for name in ("STREAM_KEY", "STREAM_SECRET", "STREAM_CHAT_URL"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeini(INI)
    return pytester


def cassette_files(root: Path) -> list[Path]:
    return sorted((root / "cassettes").rglob("*.yaml"))
