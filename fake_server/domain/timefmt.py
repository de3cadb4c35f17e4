"""Timestamps on the wire: RFC 3339 in UTC with 'Z' and six fractional digits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from fake_server.domain.errors import input_error

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(Z|z|[+-]\d{2}:?\d{2})?$"
)


@lru_cache(maxsize=1 << 16)
def format_time(value: datetime) -> str:
    # Cached: the same stored instants (creation times of users, messages, ...) are rendered
    # over and over. isoformat is faster than strftime and always writes a four-digit year.
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")[:-6] + "Z"


def format_optional(value: datetime | None) -> str | None:
    return None if value is None else format_time(value)


def try_parse_time(value: object) -> datetime | None:
    """Parse RFC 3339 (zone-less means UTC, as the SDK sends naive isoformat()); None if not a timestamp."""
    if not isinstance(value, str):
        return None
    match = _RFC3339.match(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    tz: timezone = UTC
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        parsed = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micros, tzinfo=tz
        )
    except ValueError:
        return None
    return parsed.astimezone(UTC)


def parse_time(value: object, field: str) -> datetime:
    parsed = try_parse_time(value)
    if parsed is None:
        raise input_error(f'expected date for field "{field}" but got "{value}"', **{field: "invalid date"})
    return parsed


def unix_seconds(value: datetime) -> int:
    return int(value.timestamp())
