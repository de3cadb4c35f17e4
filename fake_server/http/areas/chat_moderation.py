"""Bans (app-wide and channel scope) and channel mutes (§2.12, §2.15; moderation §2.1-2.2, §2.6)."""

from __future__ import annotations

from typing import Any

from fake_server.domain.chat import bans, channels, inputs
from fake_server.domain.chat.models import Channel
from fake_server.domain.errors import input_error
from fake_server.domain.ids import split_cid
from fake_server.http.areas.chat_common import acting, client_user, core
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


def _scope(ctx: RequestContext, holder: dict[str, Any]) -> Channel | None:
    cid = channels.parse_cid_or_type_id(holder)
    return None if cid is None else channels.require_cid(core(ctx), cid)


@route("POST", "/moderation/ban", "Ban")
def ban(ctx: RequestContext) -> dict[str, Any]:
    app = ctx.app
    body = ctx.body()
    target_id = inputs.string(body.get("target_user_id"), "target_user_id", required=True)
    assert target_id is not None
    banner_id: str | None = None
    for key in ("banned_by_id", "user_id"):
        if body.get(key) is not None:
            banner_id = inputs.string(body[key], key, required=True)
            break
    else:
        for key in ("banned_by", "user"):
            holder = body.get(key)
            if holder is not None:
                banner_id = inputs.string(inputs.obj(holder, key).get("id"), f"{key}.id", required=True)
                break
    banner_id = banner_id or client_user(ctx)
    if banner_id is None:
        raise input_error("either user or user_id must be provided when using server side auth.")
    app.users.require(target_id, field="target_user_id")
    app.users.require(banner_id, field="banned_by_id")
    scope = _scope(ctx, body)
    bans.ban(
        core(ctx), target_id, scope, banned_by_id=banner_id,
        timeout=inputs.integer(body.get("timeout"), "timeout"),
        reason=inputs.string(body.get("reason"), "reason"),
        shadow=inputs.flag(body.get("shadow"), "shadow"),
        ip_ban=inputs.flag(body.get("ip_ban"), "ip_ban"),
    )
    return {}


@route("DELETE", "/moderation/ban", "Unban")
def unban(ctx: RequestContext) -> dict[str, Any]:
    query = {k: v for k, v in ctx.query.items() if v != ""}
    target_id = inputs.string(query.get("target_user_id"), "target_user_id", required=True)
    assert target_id is not None
    ctx.app.users.require(target_id, field="target_user_id")
    bans.unban(core(ctx), target_id, _scope(ctx, query), created_by=query.get("created_by"))
    return {}


def _mute_targets(body: dict[str, Any]) -> list[str]:
    cids: list[str] = []
    if body.get("channel_cid") not in (None, ""):
        cids.append(inputs.string(body["channel_cid"], "channel_cid") or "")
    cids.extend(inputs.string_list(body.get("channel_cids"), "channel_cids", limit=bans.MAX_MUTED_CHANNELS))
    if not cids:
        raise input_error("either channel_cid or channel_cids must be provided")
    for cid in cids:
        split_cid(cid, "channel_cid")
    return list(dict.fromkeys(cids))


@route("POST", "/moderation/mute/channel", "MuteChannel")
def mute_channel(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    body = ctx.body()
    user = acting(ctx, body)
    assert user is not None
    cids = _mute_targets(body)
    mutes = bans.mute_channels(chat, user.id, cids, inputs.integer(body.get("expiration"), "expiration"))
    rendered = [bans.render_channel_mute(chat, mute) for mute in mutes]
    out: dict[str, Any] = {"own_user": bans.own_user(chat, user.id)}
    if len(rendered) == 1:
        out["channel_mute"] = rendered[0]
    else:
        out["channel_mutes"] = rendered
    return out


@route("POST", "/moderation/unmute/channel", "UnmuteChannel")
def unmute_channel(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body()
    user = acting(ctx, body)
    assert user is not None
    bans.unmute_channels(core(ctx), user.id, _mute_targets(body))
    return {}


ROUTES: list[Route] = [ban, unban, mute_channel, unmute_channel]
