import asyncio
import inspect
from collections.abc import Awaitable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from stream_chat.async_chat.campaign import Campaign
from stream_chat.async_chat.channel import Channel
from stream_chat.async_chat.segment import Segment
from stream_chat.base.client import BaseStreamChat
from stream_chat.base.coroutines import coroutine_endpoints
from stream_chat.base.request import Request
from stream_chat.base.retry import RateLimitRetry, exhausted
from stream_chat.base.uploads import DOWNLOAD_HEADERS, is_remote, upload_request
from stream_chat.base.wire import JSON_BOOLEANS, read_reply
from stream_chat.types.campaign import CampaignData
from stream_chat.types.segment import SegmentData, SegmentType
from stream_chat.types.stream_response import StreamResponse
from stream_chat.version import __version__

# The async client's default part content type for uploads (the sync client sends none).
DEFAULT_UPLOAD_CONTENT_TYPE = "application/octet-stream"


@coroutine_endpoints
class StreamChatAsync(BaseStreamChat[Awaitable[StreamResponse]]):
    """Server-side Stream Chat client on ``httpx.AsyncClient``; request methods are coroutines."""

    _user_agent = f"stream-python-client-aio-{__version__}"
    _booleans = JSON_BOOLEANS

    def __init__(self, api_key: str, api_secret: str, timeout: float = 6.0, **options: Any) -> None:
        super().__init__(api_key, api_secret, timeout, **options)
        http_client: httpx.AsyncClient | None = options.get("http_client")
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            transport=options.get("transport"), timeout=self.timeout
        )
        # Clients replaced by set_http_session that we created: closed on close().
        self._replaced: list[httpx.AsyncClient] = []

    def _run(self, request: Request) -> Awaitable[StreamResponse]:
        return self._execute(request)

    async def _execute(self, request: Request) -> StreamResponse:
        response = await self._send(request)
        if response.status_code == 429 and self._rate_limit_retry is not None:
            response = await self._retry_while_rate_limited(
                request, response, self._rate_limit_retry
            )
        reply = read_reply(response)
        if request.on_response is not None:
            request.on_response(reply)
        return reply

    async def _send(self, request: Request) -> httpx.Response:
        method, url, content, headers = self._wire.outgoing(request)
        return await self._http.request(
            method, url, content=content, headers=headers, timeout=self.timeout
        )

    async def _retry_while_rate_limited(
        self, request: Request, response: httpx.Response, policy: RateLimitRetry
    ) -> httpx.Response:
        sleep = policy.sleep or asyncio.sleep
        attempts = 1
        while response.status_code == 429:
            if not policy.should_retry(attempts):
                raise exhausted(response, attempts)
            slept = sleep(policy.wait_before_retry(response))
            if inspect.isawaitable(slept):
                await slept
            response = await self._send(request)
            attempts += 1
        return response

    async def send_file(
        self,
        uri: str,
        url: str,
        name: str,
        user: Mapping[str, Any],
        content_type: str | None = None,
    ) -> StreamResponse:
        content = await self._read_source(url)
        request = upload_request(
            uri, name, user, content_type or DEFAULT_UPLOAD_CONTENT_TYPE, content
        )
        return await self._run(request)

    async def _read_source(self, url: str) -> bytes:
        if not is_remote(url):
            return await asyncio.to_thread(Path(url).read_bytes)
        # Downloads go out without the Stream credentials, which only the API may see.
        response = await self._http.get(url, headers=DOWNLOAD_HEADERS, timeout=self.timeout)
        response.raise_for_status()
        return response.content

    def channel(
        self, channel_type: str, channel_id: str | None = None, data: dict[str, Any] | None = None
    ) -> Channel:
        return Channel(self, channel_type, channel_id, data)

    def segment(
        self,
        segment_type: SegmentType,
        segment_id: str | None = None,
        data: SegmentData | None = None,
    ) -> Segment:
        return Segment(self, segment_type, segment_id, data)

    def campaign(
        self, campaign_id: str | None = None, data: CampaignData | None = None
    ) -> Campaign:
        return Campaign(self, campaign_id, data)

    def set_http_session(self, session: httpx.AsyncClient) -> None:
        """Send every later request through ``session`` (which the caller keeps owning)."""
        if self._owns_http:
            self._replaced.append(self._http)  # cannot be awaited closed from a plain method
        self._http = session
        self._owns_http = False

    async def close(self) -> None:
        """Close the connection pool, unless the httpx client was supplied by the caller."""
        for replaced in self._replaced:
            await replaced.aclose()
        self._replaced.clear()
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> "StreamChatAsync":
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()
