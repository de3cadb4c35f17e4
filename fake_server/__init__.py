"""An in-memory fake of the Stream Chat REST API."""

from fake_server.app import DEFAULT_API_KEY, DEFAULT_API_SECRET, FakeStream, create_app
from fake_server.domain.app import ChatApp
from fake_server.transport import AsyncFakeTransport, FakeTransport

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_API_SECRET",
    "AsyncFakeTransport",
    "ChatApp",
    "FakeStream",
    "FakeTransport",
    "create_app",
]
