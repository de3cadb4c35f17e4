import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from stream_chat.base.client import BaseStreamChat
from stream_chat.base.request import Request
from stream_chat.base.retry import RateLimitRetry, exhausted
from stream_chat.base.uploads import DOWNLOAD_HEADERS, is_remote, upload_request
from stream_chat.base.wire import PYTHON_BOOLEANS, read_reply
from stream_chat.campaign import Campaign
from stream_chat.channel import Channel
from stream_chat.segment import Segment
from stream_chat.types.campaign import CampaignData
from stream_chat.types.segment import SegmentData, SegmentType
from stream_chat.types.stream_response import StreamResponse
from stream_chat.version import __version__


class StreamChat(BaseStreamChat[StreamResponse]):
    """Server-side Stream Chat client on a blocking ``httpx.Client``."""

    _user_agent = f"stream-python-client-{__version__}"
    _booleans = PYTHON_BOOLEANS

    def __init__(self, api_key: str, api_secret: str, timeout: float = 6.0, **options: Any) -> None:
        super().__init__(api_key, api_secret, timeout, **options)
        http_client: httpx.Client | None = options.get("http_client")
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            transport=options.get("transport"), timeout=self.timeout
        )

    def _run(self, request: Request) -> StreamResponse:
        response = self._send(request)
        if response.status_code == 429 and self._rate_limit_retry is not None:
            response = self._retry_while_rate_limited(request, response, self._rate_limit_retry)
        reply = read_reply(response)
        if request.on_response is not None:
            request.on_response(reply)
        return reply

    def _send(self, request: Request) -> httpx.Response:
        method, url, content, headers = self._wire.outgoing(request)
        return self._http.request(
            method, url, content=content, headers=headers, timeout=self.timeout
        )

    def _retry_while_rate_limited(
        self, request: Request, response: httpx.Response, policy: RateLimitRetry
    ) -> httpx.Response:
        sleep = policy.sleep or time.sleep
        attempts = 1
        while response.status_code == 429:
            if not policy.should_retry(attempts):
                raise exhausted(response, attempts)
            sleep(policy.wait_before_retry(response))
            response = self._send(request)
            attempts += 1
        return response

    def send_file(
        self,
        uri: str,
        url: str,
        name: str,
        user: Mapping[str, Any],
        content_type: str | None = None,
    ) -> StreamResponse:
        return self._run(upload_request(uri, name, user, content_type, self._read_source(url)))

    def _read_source(self, url: str) -> bytes:
        if not is_remote(url):
            return Path(url).read_bytes()
        # Downloads go out without the Stream credentials, which only the API may see.
        response = self._http.get(url, headers=DOWNLOAD_HEADERS, timeout=self.timeout)
        response.raise_for_status()
        return response.content

    def commit_message(self, message_id: str) -> StreamResponse:
        # Only the sync client has this method in the upstream 4.20.0 interface.
        return self._run(Request("POST", f"messages/{message_id}/commit", body={}))

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

    def set_http_session(self, session: httpx.Client) -> None:
        """Send every later request through ``session`` (which the caller keeps owning)."""
        if self._owns_http:
            self._http.close()
        self._http = session
        self._owns_http = False

    def close(self) -> None:
        """Close the connection pool, unless the httpx client was supplied by the caller."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> "StreamChat":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.close()
