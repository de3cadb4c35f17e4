"""Bans (app-wide and channel scope, moderation §2.1-2.2) and channel mutes (§2.12)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import render
from fake_server.domain.chat.models import Channel
from fake_server.domain.errors import feature_disabled, input_error
from fake_server.domain.moderation import BanRecord, ChannelMute
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

MAX_MUTED_CHANNELS = 25


def ban(
    core: ChatCore,
    target_id: str,
    channel: Channel | None,
    *,
    banned_by_id: str | None,
    timeout: int | None,
    reason: str | None,
    shadow: bool,
    ip_ban: bool,
) -> BanRecord:
    """Create or replace the ban of ``target_id`` in a scope; ``timeout`` in minutes.

    Moderation §2.1: absent/0 = permanent, negative = 400/4 (the channel catalogue's
    "negative/zero = already expired" is the minority reading; this one is the recorded choice).
    """
    app = core.app
    if timeout is not None and timeout < 0:
        raise input_error("timeout must be a positive number of minutes")
    if ip_ban and channel is not None:
        raise input_error("ip_ban is only supported for app-wide bans")
    now = app.clock.now()
    cid = channel.cid if channel is not None else None
    record = BanRecord(
        user_id=target_id,
        cid=cid,
        created_at=now,
        banned_by_id=banned_by_id,
        expires=now + timedelta(minutes=timeout) if timeout else None,
        reason=reason,
        shadow=shadow,
        ip_ban=ip_ban,
    )
    app.bans[(target_id, cid)] = record
    payload: dict[str, Any] = {"user": render.user(core, target_id), "shadow": shadow}
    if banned_by_id is not None:
        payload["created_by"] = render.user(core, banned_by_id)
    if reason is not None:
        payload["reason"] = reason
    if record.expires is not None:
        payload["expiration"] = format_time(record.expires)
    if channel is not None:
        core.channel_event("user.banned", channel, **payload)
    else:
        app.emit("user.banned", **payload)
    return record


def unban(core: ChatCore, target_id: str, channel: Channel | None, *, created_by: str | None) -> None:
    """Remove the ban in that scope, shadow or not (idempotent)."""
    app = core.app
    cid = channel.cid if channel is not None else None
    record = app.bans.pop((target_id, cid), None)
    payload: dict[str, Any] = {"user": render.user(core, target_id), "shadow": bool(record and record.shadow)}
    if created_by is not None:
        payload["created_by"] = render.user(core, created_by)
    if channel is not None:
        core.channel_event("user.unbanned", channel, **payload)
    else:
        app.emit("user.unbanned", **payload)


def is_shadow_banned(core: ChatCore, user_id: str, cid: str) -> bool:
    app = core.app
    app_ban = app.active_ban(user_id)
    if app_ban is not None and app_ban.shadow:
        return True
    channel_ban = app.active_ban(user_id, cid)
    return channel_ban is not None and channel_ban.shadow


def is_banned(core: ChatCore, user_id: str, cid: str) -> bool:
    app = core.app
    return any(ban is not None and not ban.shadow for ban in (app.active_ban(user_id), app.active_ban(user_id, cid)))


# -- channel mutes -----------------------------------------------------------------------------


def _mute_channels(core: ChatCore, cids: list[str]) -> list[Channel]:
    found: list[Channel] = []
    missing: list[str] = []
    for cid in cids:
        channel = core.store.channels.get(cid)
        if channel is None or channel.deleted:
            missing.append(cid)
        else:
            found.append(channel)
    if missing:
        raise input_error(f"some channels do not exist or were deleted: ({', '.join(missing)})")
    return found


def mute_channels(core: ChatCore, user_id: str, cids: list[str], expiration_ms: int | None) -> list[ChannelMute]:
    """One mute per (user, channel); muting again replaces the expiration."""
    if expiration_ms is not None and expiration_ms < 0:
        raise input_error("expiration must be a positive number of milliseconds")
    app = core.app
    channels = _mute_channels(core, cids)
    for channel in channels:
        # Choice: the type's ``mutes`` flag gates channel mutes like the other feature flags.
        if not render.effective_config(core, channel).get("mutes", True):
            raise feature_disabled(f"channel type {channel.type} has mutes disabled")
    now = app.clock.now()
    expires = now + timedelta(milliseconds=expiration_ms) if expiration_ms else None
    mutes: list[ChannelMute] = []
    for channel in channels:
        previous = app.channel_mutes.get((user_id, channel.cid))
        created = previous.created_at if previous is not None and previous.active(now) else now
        mute = ChannelMute(user_id=user_id, cid=channel.cid, created_at=created, updated_at=now, expires=expires)
        app.channel_mutes[(user_id, channel.cid)] = mute
        mutes.append(mute)
        core.channel_event("channel.muted", channel, user=render.user(core, user_id), mute=render_channel_mute(core, mute))
    app.emit("notification.channel_mutes_updated", me=own_user(core, user_id), user=render.user(core, user_id))
    return mutes


def unmute_channels(core: ChatCore, user_id: str, cids: list[str]) -> None:
    app = core.app
    for channel in _mute_channels(core, cids):
        if app.channel_mutes.pop((user_id, channel.cid), None) is not None:
            core.channel_event("channel.unmuted", channel, user=render.user(core, user_id))
    app.emit("notification.channel_mutes_updated", me=own_user(core, user_id), user=render.user(core, user_id))


def render_channel_mute(core: ChatCore, mute: ChannelMute) -> dict[str, Any]:
    channel = core.store.channels.get(mute.cid)
    out: dict[str, Any] = {
        "user": render.user(core, mute.user_id),
        "created_at": format_time(mute.created_at),
        "updated_at": format_time(mute.updated_at),
    }
    if channel is not None:
        out["channel"] = render.render_channel(core, channel)
    if mute.expires is not None:
        out["expires"] = format_time(mute.expires)
    return out


def render_user_channel_mutes(core: ChatCore, user_id: str) -> list[dict[str, Any]]:
    app = core.app
    now = app.clock.peek()
    mutes = [
        mute for (owner, cid), mute in app.channel_mutes.items()
        if owner == user_id and mute.active(now) and cid in core.store.channels
        and not core.store.channels[cid].deleted
    ]
    mutes.sort(key=lambda m: m.created_at)
    return [render_channel_mute(core, mute) for mute in mutes]


def own_user(core: ChatCore, user_id: str) -> dict[str, Any]:
    """OwnUser (models §1.3) as mute responses return it."""
    users = core.app.users
    return users.render_full(users.require(user_id))
