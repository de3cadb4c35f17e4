"""Fixtures of the ops tests (tasks, exports, imports, segments, campaigns, outbound):
one ``sdk`` caller for the sync and the async client (each in-process and over loopback),
user seeding over HTTP, and a loopback webhook receiver."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from .receiver import Receiver, start_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = start_receiver()
    yield server
    server.stop()


Fetch = Callable[..., httpx.Response]


@pytest.fixture
def fetch(fake_service: Any) -> Iterator[Fetch]:
    """``fetch(method, url, **kwargs)``: a plain HTTP request to a URL the fake handed out
    (upload or download URLs): in-process URLs through the in-process transport, loopback
    URLs over the network — no api_key, no token."""
    from fake_server import FakeTransport
    from tests.conftest import IN_PROCESS_URL

    in_process = httpx.Client(transport=FakeTransport(fake_service))
    network = httpx.Client(trust_env=False)

    def run(method: str, url: str, **kwargs: Any) -> httpx.Response:
        client = in_process if url.startswith(IN_PROCESS_URL) else network
        return client.request(method, url, **kwargs)

    yield run
    in_process.close()
    network.close()
