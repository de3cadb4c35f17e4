"""Control-plane routes for outbound traffic (mounted under ``/_fake``):

- ``GET /apps/{api_key}/webhooks`` — webhook deliveries (attempts, statuses, errors,
  timestamps, the exact signed body) and hook calls. Query: ``event_type``, ``url``,
  ``flush`` (seconds to wait for pending deliveries first), ``limit`` (newest N).
- ``POST /apps/{api_key}/webhooks`` — ``{"enabled": bool}`` switches delivery on/off;
  ``{"flush": seconds}`` waits for pending deliveries; ``{"clear": true}`` forgets records.
- ``DELETE /apps/{api_key}/webhooks`` — forget deliveries and hook calls.
- ``GET /apps/{api_key}/queues`` — SQS messages per queue URL and SNS messages per topic ARN
  (query ``kind=sqs|sns``, ``target``), plus messages dropped for size.
- ``DELETE /apps/{api_key}/queues`` — purge the in-memory queues.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from starlette.requests import Request
from starlette.routing import Route

from fake_server.domain.app import ChatApp
from fake_server.http.control import ControlError, app_of, handled, json_body


def _seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ControlError(400, f"{name} must be a number of seconds")
    try:
        seconds = float(value)
    except ValueError:
        raise ControlError(400, f"{name} must be a number of seconds") from None
    if seconds < 0:
        raise ControlError(400, f"{name} must not be negative")
    return seconds


async def _flush(app: ChatApp, seconds: float) -> bool:
    # flush() blocks on a condition; keep the event loop free while it waits.
    return await asyncio.to_thread(app.outbound.flush, seconds)


async def _webhooks_state(request: Request, app: ChatApp, flushed: bool | None) -> dict[str, Any]:
    outbound = app.outbound
    query = request.query_params
    deliveries = outbound.deliveries(event_type=query.get("event_type") or None, url=query.get("url") or None)
    limit = query.get("limit")
    if limit:
        try:
            count = int(limit)
        except ValueError:
            raise ControlError(400, "limit must be an integer") from None
        deliveries = deliveries[-count:] if count > 0 else deliveries
    out: dict[str, Any] = {
        "enabled": outbound.enabled,
        "pending": outbound.pending,
        "deliveries": [d.render() for d in deliveries],
        "hook_calls": [call.render() for call in outbound.hook_calls()],
    }
    if flushed is not None:
        out["flushed"] = flushed
    return out


async def get_webhooks(request: Request) -> Any:
    app = app_of(request)
    flushed: bool | None = None
    if "flush" in request.query_params:
        flushed = await _flush(app, _seconds(request.query_params["flush"] or "10", "flush"))
    return await _webhooks_state(request, app, flushed)


async def post_webhooks(request: Request) -> Any:
    app = app_of(request)
    body = await json_body(request)
    if "enabled" in body:
        if not isinstance(body["enabled"], bool):
            raise ControlError(400, "enabled must be a boolean")
        app.outbound.enabled = body["enabled"]
    if body.get("clear"):
        app.outbound.clear(queues=False)
    flushed: bool | None = None
    if "flush" in body:
        flushed = await _flush(app, _seconds(body["flush"], "flush"))
    return await _webhooks_state(request, app, flushed)


async def delete_webhooks(request: Request) -> Any:
    app_of(request).outbound.clear(queues=False)
    return {}


async def get_queues(request: Request) -> Any:
    app = app_of(request)
    raw_kind = request.query_params.get("kind") or None
    kind: Literal["sqs", "sns"] | None = None
    if raw_kind == "sqs":
        kind = "sqs"
    elif raw_kind == "sns":
        kind = "sns"
    elif raw_kind is not None:
        raise ControlError(400, 'kind must be "sqs" or "sns"')
    target = request.query_params.get("target") or None
    sqs: dict[str, list[dict[str, Any]]] = {}
    sns: dict[str, list[dict[str, Any]]] = {}
    for message in app.outbound.queue_messages(kind, target):
        bucket = sqs if message.kind == "sqs" else sns
        bucket.setdefault(message.target, []).append(message.render())
    return {"sqs": sqs, "sns": sns, "dropped": app.outbound.dropped_messages()}


async def delete_queues(request: Request) -> Any:
    app_of(request).outbound.clear(deliveries=False, hooks=False)
    return {}


routes = [
    Route("/apps/{api_key}/webhooks", handled(get_webhooks), methods=["GET"]),
    Route("/apps/{api_key}/webhooks", handled(post_webhooks), methods=["POST"]),
    Route("/apps/{api_key}/webhooks", handled(delete_webhooks), methods=["DELETE"]),
    Route("/apps/{api_key}/queues", handled(get_queues), methods=["GET"]),
    Route("/apps/{api_key}/queues", handled(delete_queues), methods=["DELETE"]),
]
