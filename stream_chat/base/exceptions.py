import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from stream_chat.types.rate_limit import RateLimitInfo, parse_rate_limit
from stream_chat.types.stream_response import headers_as_sent


class StreamChannelException(Exception):
    """A channel operation that cannot be sent (no channel id, empty user id)."""


class StreamAPIException(Exception):
    """The API answered with an error status or with a body that is not a JSON object."""

    def __init__(
        self, text: str, status_code: int, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(text, status_code)
        self.response_text = text
        self.status_code = status_code
        self.headers: dict[str, str] = headers_as_sent(headers) if headers is not None else {}
        self.json_response = False
        self.error_code: Any = None
        self.error_message: Any = None
        parsed = _json_object(text)
        if parsed is not None:
            self.json_response = True
            self.error_code = parsed.get("code", "unknown")
            self.error_message = parsed.get("message", "unknown")

    def rate_limit(self) -> RateLimitInfo | None:
        """The rate-limit window reported with the failed call, if any."""
        return parse_rate_limit(self.headers)

    def __str__(self) -> str:
        if self.json_response:
            # The stray closing quote is part of the upstream message format.
            return f'StreamChat error code {self.error_code}: {self.error_message}"'
        return f"StreamChat error HTTP code: {self.status_code}"


class StreamRateLimitExceeded(StreamAPIException):
    """Still rate limited (HTTP 429) after every attempt the retry policy allowed."""

    def __init__(
        self,
        text: str,
        status_code: int,
        *,
        headers: Mapping[str, str] | None = None,
        attempts: int,
        reset: datetime | None,
    ) -> None:
        super().__init__(text, status_code, headers=headers)
        self.attempts = attempts
        self.reset = reset

    def __str__(self) -> str:
        window = (
            f"the window resets at {self.reset.isoformat()}"
            if self.reset
            else "no reset time was given"
        )
        return f"{super().__str__()} (rate limit still exceeded after {self.attempts} attempts; {window})"


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
