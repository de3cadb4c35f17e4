"""Ban and mute records shared by every area that must honour them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class BanRecord:
    """An app-wide ban (``cid`` is None) or a channel ban of ``user_id``."""

    user_id: str
    cid: str | None
    created_at: datetime
    banned_by_id: str | None = None
    expires: datetime | None = None
    reason: str | None = None
    shadow: bool = False
    ip_ban: bool = False

    def active(self, now: datetime) -> bool:
        return self.expires is None or self.expires > now


@dataclass(slots=True)
class UserMute:
    user_id: str
    target_id: str
    created_at: datetime
    updated_at: datetime
    expires: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.expires is None or self.expires > now


@dataclass(slots=True)
class ChannelMute:
    user_id: str
    cid: str
    created_at: datetime
    updated_at: datetime
    expires: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.expires is None or self.expires > now
