"""POST /channels/{type}/{id}/event (§2.16)."""

from __future__ import annotations

from typing import Any

from fake_server.domain.chat import channel_events
from fake_server.http.areas.chat_common import channel, client_user, core
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/channels/{type}/{id}/event", "SendEvent")
def send_event(ctx: RequestContext) -> dict[str, Any]:
    target = channel(ctx)
    event = channel_events.send_event(core(ctx), target, ctx.body().get("event"), client_user=client_user(ctx))
    return {"event": event}


ROUTES: list[Route] = [send_event]
