from collections.abc import Mapping
from typing import Any

import httpx

from stream_chat.types.rate_limit import RateLimitInfo, parse_rate_limit


class StreamResponse(dict[str, Any]):
    """The JSON object of a successful reply, plus its status code and headers."""

    def __init__(
        self, response_dict: Mapping[str, Any], headers: Mapping[str, str], status_code: int
    ) -> None:
        super().__init__(response_dict)
        self._headers = headers
        self._status_code = status_code

    def rate_limit(self) -> RateLimitInfo | None:
        return parse_rate_limit(self._headers)

    def headers(self) -> dict[str, str]:
        """The response headers with their names spelled as the server sent them."""
        return headers_as_sent(self._headers)

    def status_code(self) -> int:
        return self._status_code

    def is_ok(self) -> bool:
        return 200 <= self._status_code < 300


def headers_as_sent(headers: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(headers, httpx.Headers):
        return dict(headers)
    result: dict[str, str] = {}
    for raw_name, raw_value in headers.raw:
        name, value = raw_name.decode(headers.encoding), raw_value.decode(headers.encoding)
        # Repeated headers are joined the way HTTP allows folding them.
        result[name] = f"{result[name]}, {value}" if name in result else value
    return result
