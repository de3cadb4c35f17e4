"""The wire format shared by both clients: URLs, query strings, headers, bodies, replies."""

import json
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlencode

import httpx

from stream_chat.base.exceptions import StreamAPIException
from stream_chat.base.multipart import encode_upload
from stream_chat.base.request import Request
from stream_chat.types.stream_response import StreamResponse

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

# Upstream treats anything from 399 on as an error; kept for fidelity (no real status is 399).
ERROR_STATUS_FROM = 399


class BooleanStyle(NamedTuple):
    """How ``True``/``False`` are spelled in query strings."""

    true: str
    false: str


PYTHON_BOOLEANS = BooleanStyle("True", "False")
JSON_BOOLEANS = BooleanStyle("true", "false")


class OutgoingRequest(NamedTuple):
    method: str
    url: str
    content: bytes | None
    headers: Mapping[str, str]


class Wire:
    """Turns a :class:`Request` into what httpx sends, with everything constant precomputed."""

    def __init__(
        self, base_url: str, api_key: str, auth_token: str, user_agent: str, booleans: BooleanStyle
    ) -> None:
        self._base_url = base_url
        self._api_key_query = urlencode({"api_key": api_key})
        self._booleans = booleans
        self.upload_headers: dict[str, str] = {
            "Authorization": auth_token,
            "stream-auth-type": "jwt",
            "X-Stream-Client": user_agent,
        }
        self.json_headers = {**self.upload_headers, "Content-type": "application/json"}

    def outgoing(self, request: Request) -> OutgoingRequest:
        url = f"{self._base_url}/{request.path.lstrip('/')}?{self._api_key_query}"
        if request.params:
            extra = self.encode_params(request.params)
            if extra:
                url = f"{url}&{extra}"
        if request.upload is not None:
            content, content_type = encode_upload(request.upload)
            return OutgoingRequest(
                request.method, url, content, {**self.upload_headers, "Content-Type": content_type}
            )
        if request.method in _BODY_METHODS:
            body = request.body if request.body is not None else {}
            return OutgoingRequest(
                request.method, url, json.dumps(body).encode(), self.json_headers
            )
        return OutgoingRequest(request.method, url, None, self.json_headers)

    def encode_params(self, params: Mapping[str, Any]) -> str:
        pairs: list[tuple[str, str]] = []
        for key, value in params.items():
            if value is None:
                continue  # None means "not given"
            if isinstance(value, (list, tuple)):
                pairs.extend((key, self._scalar(item)) for item in value if item is not None)
            else:
                pairs.append((key, self._scalar(value)))
        return urlencode(pairs)

    def _scalar(self, value: Any) -> str:
        if value is True:
            return self._booleans.true
        if value is False:
            return self._booleans.false
        return value if isinstance(value, str) else str(value)


def read_reply(response: httpx.Response) -> StreamResponse:
    """A successful JSON object reply becomes a StreamResponse; anything else raises."""
    status = response.status_code
    if status >= ERROR_STATUS_FROM:
        raise api_error(response)
    content = response.content
    if not content:
        return StreamResponse({}, response.headers, status)
    try:
        body = json.loads(content)
    except ValueError:
        raise api_error(response) from None
    if not isinstance(body, dict):
        raise api_error(response)
    return StreamResponse(body, response.headers, status)


def api_error(response: httpx.Response) -> StreamAPIException:
    return StreamAPIException(response.text, response.status_code, headers=response.headers)
