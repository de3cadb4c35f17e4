"""One fake Stream app (tenant): all state of one api_key, guarded by one lock."""

from __future__ import annotations

import threading
from datetime import datetime
from types import TracebackType
from typing import Any

from fake_server.domain.auth import TokenVerifier
from fake_server.domain.blocklists import BlocklistRegistry
from fake_server.domain.campaigns import CampaignStore
from fake_server.domain.channel_types import ChannelTypeRegistry, CommandRegistry
from fake_server.domain.clock import Clock
from fake_server.domain.devices import PushRegistry
from fake_server.domain.events import Event, EventLog
from fake_server.domain.faults import FaultInjector
from fake_server.domain.flags import FlagStore
from fake_server.domain.imports import ImportRegistry
from fake_server.domain.moderation import BanRecord, ChannelMute, UserMute
from fake_server.domain.outbound import Outbound
from fake_server.domain.permissions import AccessControl
from fake_server.domain.ratelimits import RateLimiter
from fake_server.domain.requestlog import RequestLog
from fake_server.domain.settings import default_settings
from fake_server.domain.tasks import TaskRegistry
from fake_server.domain.timefmt import format_time
from fake_server.domain.users import UserDirectory


class ChatApp:
    """State and rules of one app. Knows nothing about HTTP.

    Every mutation happens while ``lock`` is held (the HTTP layer takes it around each
    request); code that touches state outside a request takes it too.
    """

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        name: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.api_key = api_key
        self.api_secret = api_secret
        self.name = name or api_key
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self._serving = _Serving(self)
        self.events = EventLog()
        self.requests = RequestLog()
        self.rate_limits = RateLimiter(self.clock)
        self.faults = FaultInjector()
        self.tokens = TokenVerifier(self)
        self._init_state()
        # Delivery of events to webhooks/queues outlives resets (it subscribes to ``events``).
        self.outbound = Outbound(self)

    def _init_state(self) -> None:
        self.created_at: datetime = self.clock.now()
        self.settings: dict[str, Any] = default_settings()
        self.commands = CommandRegistry()
        self.channel_types = ChannelTypeRegistry(self)
        self.users = UserDirectory(self)
        self.tasks = TaskRegistry(self)
        # Moderation records every area consults: bans show on users and members; mutes
        # change unread counting.
        self.bans: dict[tuple[str, str | None], BanRecord] = {}
        self.user_mutes: dict[tuple[str, str], UserMute] = {}
        self.channel_mutes: dict[tuple[str, str], ChannelMute] = {}

        self.blocklists = BlocklistRegistry(self)
        self.access = AccessControl(self)
        self.push = PushRegistry(self)
        self.flags = FlagStore(self)
        self.imports = ImportRegistry(self)
        self.campaigns = CampaignStore(self)

        from fake_server.domain.chat import ChatCore

        self.chat = ChatCore(self)

    def serving(self) -> _Serving:
        """Hold the app for one request: mutations are serialised, per-request memos live."""
        return self._serving

    # -- control operations (also served under /_fake/) ------------------------------------------

    def reset(self) -> None:
        """Forget all data, logs, counters and faults; keep the credentials and the clock."""
        with self.lock:
            self._init_state()
            self.events.clear()
            self.requests.clear()
            self.rate_limits = RateLimiter(self.clock)
            self.faults.clear()
            self.tokens = TokenVerifier(self)
            self.outbound.reset()

    def advance(self, seconds: float) -> datetime:
        """Move this app's clock forward (token expiry, windows, timeouts all follow it)."""
        return self.clock.advance(seconds)

    def set_rate_limit(self, operation: str, limit: int | None) -> None:
        self.rate_limits.set_limit(operation, limit)

    # -- events ----------------------------------------------------------------------------------

    def emit(self, event_type: str, **payload: Any) -> Event:
        return self.record_event({"type": event_type, **payload})

    def record_event(self, event: Event) -> Event:
        """Record an event built by the caller (``type`` first); ``created_at`` is added unless given."""
        if "created_at" not in event:
            event["created_at"] = format_time(self.clock.now())
        self.events.append(event)
        return event

    # -- moderation lookups ----------------------------------------------------------------------

    def active_ban(self, user_id: str, cid: str | None = None) -> BanRecord | None:
        ban = self.bans.get((user_id, cid))
        if ban is None or not ban.active(self.clock.peek()):
            return None
        return ban

    def active_user_mute(self, user_id: str, target_id: str) -> UserMute | None:
        mute = self.user_mutes.get((user_id, target_id))
        if mute is None or not mute.active(self.clock.peek()):
            return None
        return mute

    def active_channel_mute(self, user_id: str, cid: str) -> ChannelMute | None:
        mute = self.channel_mutes.get((user_id, cid))
        if mute is None or not mute.active(self.clock.peek()):
            return None
        return mute


class _Serving:
    """The context of one request on an app (see ``ChatApp.serving``).

    A class rather than a generator-based context manager: it wraps every request. Only the
    outermost of nested entries (same thread, the lock is re-entrant) sets up and clears the
    per-request memos; the depth is only touched while the lock is held.
    """

    __slots__ = ("_app", "_depth")

    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self._depth = 0

    def __enter__(self) -> None:
        app = self._app
        app.lock.acquire()
        if self._depth == 0:
            app.users.memo = {}
            app.channel_types.memo = {}
        self._depth += 1

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        app = self._app
        self._depth -= 1
        try:
            if self._depth == 0:
                app.users.memo = None
                app.channel_types.memo = None
                app.chat.just_published = None
        finally:
            app.lock.release()
