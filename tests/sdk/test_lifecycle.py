"""Connection handling: injected transports and clients, reuse, close and context managers."""

import httpx
import pytest

from stream_chat import StreamChat, StreamChatAsync

from .support import API_KEY, API_SECRET, BASE_URL, Recorder


class CountingTransport(httpx.MockTransport):
    def __init__(self, recorder: Recorder) -> None:
        super().__init__(recorder)
        self.closed = 0

    def close(self) -> None:
        self.closed += 1

    async def aclose(self) -> None:
        self.closed += 1


def test_context_manager_closes_the_owned_client(recorder: Recorder) -> None:
    transport = CountingTransport(recorder)
    with StreamChat(API_KEY, API_SECRET, base_url=BASE_URL, transport=transport) as client:
        client.get_app_settings()
        client.get_app_settings()
    assert transport.closed == 1
    assert len(recorder.requests) == 2


def test_close_is_explicit_too(recorder: Recorder) -> None:
    transport = CountingTransport(recorder)
    client = StreamChat(API_KEY, API_SECRET, base_url=BASE_URL, transport=transport)
    client.close()
    assert transport.closed == 1


def test_callers_client_is_used_and_left_open(recorder: Recorder) -> None:
    transport = CountingTransport(recorder)
    http = httpx.Client(transport=transport, headers={"X-Extra": "kept"})
    with StreamChat(API_KEY, API_SECRET, base_url=BASE_URL, http_client=http) as client:
        client.get_app_settings()
    assert transport.closed == 0
    assert not http.is_closed
    assert recorder.last.headers["x-extra"] == "kept"
    http.close()


def test_set_http_session_switches_and_closes_the_owned_client(recorder: Recorder) -> None:
    first, second = CountingTransport(recorder), CountingTransport(recorder)
    client = StreamChat(API_KEY, API_SECRET, base_url=BASE_URL, transport=first)
    session = httpx.Client(transport=second)
    client.set_http_session(session)
    assert first.closed == 1
    client.get_app_settings()
    client.close()
    assert second.closed == 0 and not session.is_closed
    session.close()


@pytest.mark.asyncio
async def test_async_context_manager_closes_the_owned_client(recorder: Recorder) -> None:
    transport = CountingTransport(recorder)
    async with StreamChatAsync(
        API_KEY, API_SECRET, base_url=BASE_URL, transport=transport
    ) as client:
        await client.get_app_settings()
    assert transport.closed == 1


@pytest.mark.asyncio
async def test_async_callers_client_is_left_open(recorder: Recorder) -> None:
    transport = CountingTransport(recorder)
    http = httpx.AsyncClient(transport=transport)
    async with StreamChatAsync(API_KEY, API_SECRET, base_url=BASE_URL, http_client=http) as client:
        await client.get_app_settings()
    assert transport.closed == 0 and not http.is_closed
    await http.aclose()


@pytest.mark.asyncio
async def test_async_set_http_session_closes_replaced_client_on_close(recorder: Recorder) -> None:
    first, second = CountingTransport(recorder), CountingTransport(recorder)
    client = StreamChatAsync(API_KEY, API_SECRET, base_url=BASE_URL, transport=first)
    session = httpx.AsyncClient(transport=second)
    client.set_http_session(session)
    await client.get_app_settings()
    await client.close()
    assert (first.closed, second.closed) == (1, 0)
    await session.aclose()


def test_connections_are_reused(recorder: Recorder) -> None:
    client = recorder.sync_client()
    pool = client._http  # the one client every request goes through
    for _ in range(3):
        client.get_app_settings()
    assert client._http is pool
    assert len(recorder.requests) == 3


def test_unknown_options_are_kept_and_ignored() -> None:
    client = StreamChat(API_KEY, API_SECRET, some_future_option=1)
    assert client.options == {"some_future_option": 1}
