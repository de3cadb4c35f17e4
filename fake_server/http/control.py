"""The control plane under /_fake/: manage apps, clocks, limits, faults and read the logs.

Like moto's /moto-api/, it is unauthenticated: the fake is a local development tool.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fake_server.domain.app import ChatApp
from fake_server.domain.errors import APIError
from fake_server.domain.registry import AppRegistry
from fake_server.domain.requestlog import RequestRecord
from fake_server.domain.timefmt import format_time, parse_time


def _registry(request: Request) -> AppRegistry:
    registry: AppRegistry = request.app.state.registry
    return registry


def app_of(request: Request) -> ChatApp:
    app = _registry(request).get(request.path_params["api_key"])
    if app is None:
        raise ControlError(404, f"no app with api_key {request.path_params['api_key']!r}")
    return app


class ControlError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ControlError(400, f"invalid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ControlError(400, "the body must be a JSON object")
    return value


def describe_app(app: ChatApp) -> dict[str, Any]:
    return {
        "api_key": app.api_key,
        "api_secret": app.api_secret,
        "name": app.name,
        "now": format_time(app.clock.peek()),
        "frozen": app.clock.frozen,
        "users": len(app.users.by_id),
        "events": app.events.total,
    }


def handled(endpoint: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Awaitable[Response]]:
    async def wrapper(request: Request) -> Response:
        try:
            result = await endpoint(request)
        except ControlError as exc:
            return JSONResponse({"error": exc.detail}, status_code=exc.status)
        except (ValueError, APIError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(result)

    return wrapper


async def list_apps(request: Request) -> Any:
    return {"apps": [describe_app(app) for app in _registry(request)]}


async def create_app(request: Request) -> Any:
    body = await json_body(request)
    key, secret = body.get("api_key"), body.get("api_secret")
    if not isinstance(key, str) or not key or not isinstance(secret, str) or not secret:
        raise ControlError(400, "api_key and api_secret are required strings")
    if _registry(request).get(key) is not None:
        raise ControlError(409, f"an app with api_key {key!r} already exists")
    return {"app": describe_app(_registry(request).create(key, secret, name=body.get("name")))}


async def get_app(request: Request) -> Any:
    return {"app": describe_app(app_of(request))}


async def delete_app(request: Request) -> Any:
    app_of(request)
    _registry(request).remove(request.path_params["api_key"])
    return {}


async def reset_app(request: Request) -> Any:
    app = app_of(request)
    app.reset()
    return {"app": describe_app(app)}


async def clock(request: Request) -> Any:
    app = app_of(request)
    if request.method == "POST":
        body = await json_body(request)
        if "freeze" in body:
            freeze = body["freeze"]
            app.clock.freeze(None if freeze is True else parse_time(freeze, "freeze"))
        if body.get("unfreeze"):
            app.clock.unfreeze()
        if "advance" in body:
            seconds = body["advance"]
            if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                raise ControlError(400, "advance must be a number of seconds")
            app.advance(float(seconds))
    return {"now": format_time(app.clock.peek()), "frozen": app.clock.frozen}


async def rate_limits(request: Request) -> Any:
    app = app_of(request)
    if request.method == "POST":
        body = await json_body(request)
        for operation, limit in (body.get("limits") or {}).items():
            if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
                raise ControlError(400, f"limit of {operation} must be an integer or null")
            app.set_rate_limit(operation, limit)
        if "enforce" in body:
            app.rate_limits.enforce = bool(body["enforce"])
        if "burst" in body:
            app.rate_limits.burst = bool(body["burst"])
    limiter = app.rate_limits
    return {"overrides": dict(limiter.overrides), "enforce": limiter.enforce, "burst": limiter.burst}


async def faults(request: Request) -> Any:
    app = app_of(request)
    body = await json_body(request)
    operation = body.get("operation", "*")
    if "latency" in body:
        app.faults.set_latency(operation, float(body["latency"]))
    if "status" in body:
        app.faults.fail_next(
            operation, int(body["status"]), int(body.get("code", 0)), int(body.get("count", 1)), body.get("message")
        )
    if body.get("clear"):
        app.faults.clear()
    return {}


async def requests_log(request: Request) -> Any:
    app = app_of(request)
    records = app.requests.list()
    operation = request.query_params.get("operation")
    if operation:
        records = [r for r in records if r.operation == operation]
    limit = int(request.query_params.get("limit", "0") or 0)
    if limit > 0:
        records = records[-limit:]
    return {"requests": [_record(r) for r in records]}


def _record(record: RequestRecord) -> dict[str, Any]:
    return {
        "method": record.method,
        "path": record.path,
        "operation": record.operation,
        "query": record.query,
        "path_params": record.path_params,
        "body": record.body,
        "status": record.status,
        "error_code": record.error_code,
        "response": record.response,
        "at": format_time(record.at),
        "platform": record.platform,
        "user_id": record.user_id,
    }


async def events_log(request: Request) -> Any:
    app = app_of(request)
    events = app.events.list(request.query_params.get("type"))
    limit = int(request.query_params.get("limit", "0") or 0)
    if limit > 0:
        events = events[-limit:]
    return {"events": events}


routes = [
    Route("/apps", handled(list_apps), methods=["GET"]),
    Route("/apps", handled(create_app), methods=["POST"]),
    Route("/apps/{api_key}", handled(get_app), methods=["GET"]),
    Route("/apps/{api_key}", handled(delete_app), methods=["DELETE"]),
    Route("/apps/{api_key}/reset", handled(reset_app), methods=["POST"]),
    Route("/apps/{api_key}/clock", handled(clock), methods=["GET", "POST"]),
    Route("/apps/{api_key}/rate_limits", handled(rate_limits), methods=["GET", "POST"]),
    Route("/apps/{api_key}/faults", handled(faults), methods=["POST"]),
    Route("/apps/{api_key}/requests", handled(requests_log), methods=["GET"]),
    Route("/apps/{api_key}/events", handled(events_log), methods=["GET"]),
]
