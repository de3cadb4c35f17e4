"""Campaigns (endpoints-moderation-tasks §6): CRUD, queries, start/stop/test. Server-side only."""

from __future__ import annotations

from typing import Any

from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/campaigns", "CreateCampaign", server_only=True)
def create_campaign(ctx: RequestContext) -> dict[str, Any]:
    return ctx.app.campaigns.create(ctx.body())


@route("POST", "/campaigns/query", "QueryCampaigns", server_only=True)
def query_campaigns(ctx: RequestContext) -> dict[str, Any]:
    return ctx.app.campaigns.query(ctx.body())


@route("GET", "/campaigns/{campaign_id}", "GetCampaign", server_only=True)
def get_campaign(ctx: RequestContext) -> dict[str, Any]:
    options = {key: ctx.query[key] for key in ("limit", "next", "prev") if ctx.query.get(key)}
    return ctx.app.campaigns.get(ctx.params["campaign_id"], options)


@route("PUT", "/campaigns/{campaign_id}", "UpdateCampaign", server_only=True)
def update_campaign(ctx: RequestContext) -> dict[str, Any]:
    return ctx.app.campaigns.update(ctx.params["campaign_id"], ctx.body())


@route("DELETE", "/campaigns/{campaign_id}", "DeleteCampaign", server_only=True)
def delete_campaign(ctx: RequestContext) -> dict[str, Any]:
    # Unknown query options (e.g. a historical hard-delete flag) are ignored (§6.7 Fake).
    ctx.app.campaigns.delete(ctx.params["campaign_id"])
    return {}


@route("POST", "/campaigns/{campaign_id}/start", "StartCampaign", server_only=True)
def start_campaign(ctx: RequestContext) -> dict[str, Any]:
    return ctx.app.campaigns.start(ctx.params["campaign_id"], ctx.body())


@route("POST", "/campaigns/{campaign_id}/stop", "StopCampaign", server_only=True)
def stop_campaign(ctx: RequestContext) -> dict[str, Any]:
    return ctx.app.campaigns.stop(ctx.params["campaign_id"])


@route("POST", "/campaigns/{campaign_id}/test", "TestCampaign", server_only=True)
def test_campaign(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.campaigns.test(ctx.params["campaign_id"], ctx.body())
    return {}


ROUTES: list[Route] = [
    create_campaign,
    query_campaigns,
    get_campaign,
    update_campaign,
    delete_campaign,
    start_campaign,
    stop_campaign,
    test_campaign,
]
