"""User mutes: POST /moderation/mute and /moderation/unmute (moderation §2.4-§2.5).
Channel mutes (/moderation/mute/channel) are served by the chat core."""

from __future__ import annotations

from typing import Any

from fake_server.domain import mod_mutes
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/moderation/mute", "MuteUser")
def mute_user(ctx: RequestContext) -> dict[str, Any]:
    return mod_mutes.mute(ctx.app, ctx.body(), ctx.actor)


@route("POST", "/moderation/unmute", "UnmuteUser")
def unmute_user(ctx: RequestContext) -> dict[str, Any]:
    return mod_mutes.unmute(ctx.app, ctx.body(), ctx.actor)


ROUTES: list[Route] = [mute_user, unmute_user]
