"""Rate limits per app, operation and platform over one-minute windows (conventions §6)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fake_server.domain.clock import Clock

PLATFORMS = ("server_side", "android", "ios", "web")
DEFAULT_LIMIT = 1000  # operations the published table does not list (a choice, §6.4)
WINDOW_SECONDS = 60

_10K = ("GetOrCreateChannel", "GetOrCreateDistinctChannel", "GetApp", "MarkChannelsRead",
        "MarkRead", "QueryChannels", "SendEvent", "Connect")
_1K = ("CreateGuest", "DeleteMessage", "DeleteReaction", "GetMessage", "GetReactions",
       "GetReplies", "QueryUsers", "RunMessageAction", "SendMessage", "SendReaction",
       "StopWatchingChannel", "UpdateMessage", "UpdateMessagePartial", "UploadFile", "UploadImage")
_300 = ("Ban", "CreateDevice", "Flag", "HideChannel", "MuteUser", "MuteChannel", "QueryMembers",
        "Search", "ShowChannel", "Unban", "Unflag", "UnmuteUser", "UnmuteChannel", "UpdateChannel",
        "UpdateChannelPartial", "UpdateUsers", "UpdateUsersPartial")
_60 = ("ReactivateUser", "ReactivateUsers", "CheckPush", "CreateChannelType", "DeactivateUser",
       "DeactivateUsers", "DeleteChannel", "DeleteChannelType", "DeleteDevice", "DeleteFile",
       "DeleteImage", "DeleteUser", "ExportChannels", "ExportUser", "GetChannelType",
       "ListChannelTypes", "ListDevices", "TruncateChannel", "UpdateApp", "UpdateChannelType",
       "GetRateLimits")

DEFAULT_LIMITS: dict[str, int] = {
    **dict.fromkeys(_10K, 10_000),
    **dict.fromkeys(_1K, 1_000),
    **dict.fromkeys(_300, 300),
    **dict.fromkeys(_60, 60),
}


@dataclass(slots=True)
class RateLimitState:
    limit: int
    remaining: int
    reset: int  # Unix seconds at which the current window ends
    allowed: bool = True


class RateLimiter:
    """Fixed windows aligned to the minute of the app's clock.

    ``burst`` adds the documented per-second rule (limit / 30); it is off by default
    because in-process calls are far faster than real network round trips.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], tuple[int, int]] = {}
        self._seconds: dict[tuple[str, str], tuple[int, int]] = {}
        self.overrides: dict[str, int] = {}
        self.enforce = True
        self.burst = False

    def limit_for(self, operation: str) -> int:
        override = self.overrides.get(operation)
        if override is not None:
            return override
        return DEFAULT_LIMITS.get(operation, DEFAULT_LIMIT)

    def set_limit(self, operation: str, limit: int | None) -> None:
        if limit is None:
            self.overrides.pop(operation, None)
        elif limit < 0:
            raise ValueError("a rate limit cannot be negative")
        else:
            self.overrides[operation] = limit

    def hit(self, operation: str, platform: str) -> RateLimitState:
        """Count one request and say whether it may proceed."""
        now = self._clock.peek().timestamp()
        window = int(now // WINDOW_SECONDS)
        reset = (window + 1) * WINDOW_SECONDS
        limit = self.limit_for(operation)
        key = (operation, platform)
        with self._lock:
            start, count = self._windows.get(key, (window, 0))
            if start != window:
                count = 0
            count += 1
            self._windows[key] = (window, count)
            allowed = count <= limit
            if allowed and self.burst:
                allowed = self._burst_allows(key, int(now), limit)
        if not self.enforce:
            allowed = True
        return RateLimitState(limit=limit, remaining=max(limit - count, 0), reset=reset, allowed=allowed)

    def _burst_allows(self, key: tuple[str, str], second: int, limit: int) -> bool:
        start, count = self._seconds.get(key, (second, 0))
        if start != second:
            count = 0
        count += 1
        self._seconds[key] = (second, count)
        return count <= max(limit // 30, 1)

    def peek(self, operation: str, platform: str) -> RateLimitState:
        """The current state of one bucket without counting a request."""
        now = self._clock.peek().timestamp()
        window = int(now // WINDOW_SECONDS)
        limit = self.limit_for(operation)
        with self._lock:
            start, count = self._windows.get((operation, platform), (window, 0))
        if start != window:
            count = 0
        return RateLimitState(limit=limit, remaining=max(limit - count, 0), reset=(window + 1) * WINDOW_SECONDS)

    def known_operations(self) -> set[str]:
        with self._lock:
            used = {operation for operation, _ in self._windows}
        return used | set(DEFAULT_LIMITS) | set(self.overrides)
