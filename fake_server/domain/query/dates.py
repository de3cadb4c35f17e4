"""Timestamp parsing/formatting for filter operands and cursors (conventions §4.3)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from ..timefmt import format_time
from .values import as_aware

_TIMESTAMP_RE = re.compile(
    r"""
    (?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})
    (?:
        [Tt\ ]
        (?P<hour>\d{2}):(?P<minute>\d{2})
        (?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?
        (?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<off_h>\d{2}):?(?P<off_m>\d{2}))?
    )?
    """,
    re.VERBOSE,
)


def parse_timestamp(value: object) -> datetime | None:
    """Parse an RFC 3339 timestamp into an aware UTC datetime; ``None`` if it is not one.

    Accepts ``Z`` or a numeric offset, an optional fraction (up to nanoseconds, truncated to
    microseconds), a zone-less string (= UTC, conventions §2.4) and a bare date (= midnight UTC).
    An aware/naive ``datetime`` is accepted as is (naive = UTC).
    """
    if isinstance(value, datetime):
        return as_aware(value).astimezone(UTC)
    if not isinstance(value, str):
        return None
    match = _TIMESTAMP_RE.fullmatch(value)
    if match is None:
        return None
    parts = match.groupdict()
    fraction = (parts["fraction"] or "").ljust(6, "0")[:6]
    try:
        zone = UTC
        if parts["sign"] is not None:
            hours, minutes = int(parts["off_h"]), int(parts["off_m"])
            if hours > 23 or minutes > 59:
                return None
            offset = timedelta(hours=hours, minutes=minutes)
            zone = timezone(-offset if parts["sign"] == "-" else offset)
        parsed = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int(fraction),
            tzinfo=zone,
        )
    except ValueError:
        return None
    return parsed.astimezone(UTC)


def format_timestamp(value: datetime) -> str:
    """RFC 3339 in UTC with ``Z`` and exactly six fractional digits (conventions §4.3)."""
    return format_time(as_aware(value))
