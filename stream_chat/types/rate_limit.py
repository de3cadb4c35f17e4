from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

_LIMIT = "x-ratelimit-limit"
_REMAINING = "x-ratelimit-remaining"
_RESET = "x-ratelimit-reset"


@dataclass(frozen=True)
class RateLimitInfo:
    """The rate-limit window reported with a response."""

    limit: int
    remaining: int
    reset: datetime


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimitInfo | None:
    """Read the three ``x-ratelimit-*`` headers; ``None`` unless all three carry a value."""
    lowered = _lower_case(headers)
    limit = lowered.get(_LIMIT)
    remaining = lowered.get(_REMAINING)
    reset = lowered.get(_RESET)
    if not (limit and remaining and reset):
        return None
    return RateLimitInfo(
        limit=_first_int(limit),
        remaining=_first_int(remaining),
        reset=datetime.fromtimestamp(_first_int(reset), UTC),
    )


def reset_timestamp(headers: Mapping[str, str]) -> int | None:
    """The window end as Unix seconds, or ``None`` when the header is absent or empty."""
    reset = _lower_case(headers).get(_RESET)
    return _first_int(reset) if reset else None


def _lower_case(headers: Mapping[str, str]) -> Mapping[str, str]:
    if isinstance(headers, httpx.Headers):
        return headers  # already case-insensitive
    return {key.lower(): value for key, value in headers.items()}


def _first_int(value: str) -> int:
    # Repeated headers arrive comma-joined; the first non-empty piece wins, garbage reads as 0.
    piece = next((part.strip() for part in value.split(",") if part.strip()), "")
    try:
        return int(piece)
    except ValueError:
        return 0
