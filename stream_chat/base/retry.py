"""Opt-in waiting and retrying when the API answers 429 (rate limited)."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from stream_chat.base.exceptions import StreamRateLimitExceeded
from stream_chat.types.rate_limit import reset_timestamp

# Used when a 429 carries no x-ratelimit-reset header (still bounded by max_wait).
WAIT_WITHOUT_RESET = 1.0


@dataclass(frozen=True)
class RateLimitRetry:
    """Retry policy for HTTP 429 replies.

    ``max_attempts`` counts every request, the first one included. Before each retry the client
    waits until the window reported in ``x-ratelimit-reset`` ends, at most ``max_wait`` seconds.
    ``clock`` returns Unix seconds; ``sleep`` defaults to ``time.sleep`` (sync client) or
    ``asyncio.sleep`` (async client) and may return an awaitable in the async client.
    """

    max_attempts: int = 3
    max_wait: float = 30.0
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], object] | None = None

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.max_wait < 0:
            raise ValueError("max_wait must not be negative")

    def should_retry(self, attempts_made: int) -> bool:
        return attempts_made < self.max_attempts

    def wait_before_retry(self, response: httpx.Response) -> float:
        reset = reset_timestamp(response.headers)
        if reset is None:
            return min(WAIT_WITHOUT_RESET, self.max_wait)
        return min(max(reset - self.clock(), 0.0), self.max_wait)


def retry_policy(option: object) -> RateLimitRetry | None:
    """Read the ``rate_limit_retry`` constructor option: a policy, ``True`` for defaults, or off."""
    if option is None or option is False:
        return None
    if option is True:
        return RateLimitRetry()
    if isinstance(option, RateLimitRetry):
        return option
    raise TypeError(
        f"rate_limit_retry must be a RateLimitRetry or a bool, not {type(option).__name__}"
    )


def exhausted(response: httpx.Response, attempts: int) -> StreamRateLimitExceeded:
    reset = reset_timestamp(response.headers)
    return StreamRateLimitExceeded(
        response.text,
        response.status_code,
        headers=response.headers,
        attempts=attempts,
        reset=datetime.fromtimestamp(reset, UTC) if reset is not None else None,
    )
