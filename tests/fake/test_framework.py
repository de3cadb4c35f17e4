"""The fake's request pipeline: envelope, routing, api keys, rate limits, faults, control plane."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
import jwt
import pytest

from fake_server import AsyncFakeTransport, ChatApp, FakeStream, FakeTransport, create_app
from fake_server.domain.requestlog import RequestLog, RequestRecord
from fake_server.http.api import StreamAPI, parse_query
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, Router, route
from tests.conftest import IN_PROCESS_URL, RawAPI


def error_of(response: httpx.Response) -> tuple[int, int, str]:
    body = response.json()
    return response.status_code, body["code"], body["message"]


class TestEnvelope:
    def test_success_carries_duration_and_json_content_type(self, raw: RawAPI) -> None:
        response = raw.request("GET", "/rate_limits")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json;charset=utf-8"
        assert response.json()["duration"].endswith("ms")

    def test_error_envelope_has_every_field(self, raw: RawAPI) -> None:
        response = raw.request("GET", "/no/such/route")
        body = response.json()
        assert response.status_code == 404
        assert body == {
            "code": 16,
            "message": 'Request failed with error: "Not Found"',
            "exception_fields": {},
            "StatusCode": 404,
            "duration": "0.00ms",
            "more_info": "https://getstream.io/chat/docs/api_errors_response",
            "details": [],
        }

    def test_known_route_with_wrong_method_is_not_found(self, raw: RawAPI) -> None:
        assert error_of(raw.request("DELETE", "/rate_limits"))[:2] == (404, 16)

    def test_doubled_slashes_are_tolerated(self, raw: RawAPI) -> None:
        # What the SDK builds from a base URL ending in "/": f"{base_url}/{route}".
        assert raw.request("GET", IN_PROCESS_URL + "//rate_limits").status_code == 200


class TestApiKey:
    def test_missing_api_key(self, raw: RawAPI) -> None:
        status, code, message = error_of(raw.request("GET", "/rate_limits", api_key=""))
        assert (status, code) == (401, 2)
        assert "api_key or app_id not provided" in message

    def test_unknown_api_key_is_checked_before_the_token(self, raw: RawAPI) -> None:
        status, code, message = error_of(raw.request("GET", "/rate_limits", api_key="nope", token="garbage"))
        assert (status, code) == (401, 2)
        assert "api_key not valid" in message

    def test_apps_are_isolated(self, fake_service: FakeStream, chat_app: ChatApp) -> None:
        other = fake_service.add_app("other-app-key", "other-secret")
        other_raw = RawAPI(other, fake_service)
        try:
            # A token signed for one app is rejected by another.
            token = jwt.encode({"server": True}, chat_app.api_secret, algorithm="HS256")
            response = other_raw.request("GET", "/rate_limits", token=token)
            assert error_of(response)[:2] == (401, 43)
        finally:
            other_raw.http.close()
            fake_service.registry.remove("other-app-key")


class TestRateLimits:
    def test_headers_present_and_decreasing(self, raw: RawAPI) -> None:
        first = raw.request("GET", "/rate_limits")
        second = raw.request("GET", "/rate_limits")
        assert first.headers["x-ratelimit-limit"] == "60"
        assert int(first.headers["x-ratelimit-remaining"]) == 59
        assert int(second.headers["x-ratelimit-remaining"]) == 58
        assert int(first.headers["x-ratelimit-reset"]) % 60 == 0

    def test_errors_carry_rate_limit_headers_too(self, raw: RawAPI) -> None:
        response = raw.request("GET", "/tasks/unknown")
        assert response.status_code == 404
        assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} <= set(response.headers)

    def test_over_the_limit_is_429_until_the_window_resets(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.clock.freeze()
        chat_app.set_rate_limit("GetRateLimits", 2)
        assert raw.request("GET", "/rate_limits").status_code == 200
        assert raw.request("GET", "/rate_limits").status_code == 200
        limited = raw.request("GET", "/rate_limits")
        status, code, message = error_of(limited)
        assert (status, code) == (429, 9)
        assert "Too many requests" in message
        assert limited.headers["x-ratelimit-remaining"] == "0"
        assert limited.headers["x-ratelimit-limit"] == "2"
        chat_app.advance(60)
        assert raw.request("GET", "/rate_limits").status_code == 200

    def test_limits_are_per_operation(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.set_rate_limit("GetRateLimits", 1)
        raw.request("GET", "/rate_limits")
        assert raw.request("GET", "/rate_limits").status_code == 429
        assert raw.request("GET", "/tasks/x").status_code == 404  # another operation, its own bucket

    def test_burst_rule_is_off_by_default_and_available(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.clock.freeze()
        chat_app.set_rate_limit("GetRateLimits", 60)  # burst allowance 60 / 30 = 2 per second
        for _ in range(3):
            assert raw.request("GET", "/rate_limits").status_code == 200
        chat_app.rate_limits.burst = True
        chat_app.advance(60)
        statuses = [raw.request("GET", "/rate_limits").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]

    def test_get_rate_limits_reports_live_counters(self, raw: RawAPI) -> None:
        raw.request("GET", "/tasks/a")
        raw.request("GET", "/tasks/b")
        body = raw.request(
            "GET", "/rate_limits", params={"server_side": "true", "endpoints": "GetTask,NoSuchOp"}
        ).json()
        assert set(body) == {"server_side", "duration"}
        assert set(body["server_side"]) == {"GetTask"}
        assert body["server_side"]["GetTask"]["limit"] == 1000
        assert body["server_side"]["GetTask"]["remaining"] == 998

    def test_get_rate_limits_without_flags_lists_every_platform(self, raw: RawAPI) -> None:
        body = raw.request("GET", "/rate_limits", params={"endpoints": "GetTask"}).json()
        assert set(body) == {"server_side", "android", "ios", "web", "duration"}
        assert body["web"]["GetTask"] == {
            "limit": 1000,
            "remaining": 1000,
            "reset": body["web"]["GetTask"]["reset"],
        }

    def test_user_tokens_count_in_their_own_platform_bucket(self, raw: RawAPI, chat_app: ChatApp) -> None:
        token = raw.user_token("jane")
        raw.request("GET", "/rate_limits", token=token, headers={"X-Stream-Client": "stream-chat-android-6.0"})
        assert chat_app.rate_limits.peek("GetRateLimits", "android").remaining == 59
        assert chat_app.rate_limits.peek("GetRateLimits", "server_side").remaining == 60


class TestFaults:
    def test_fail_next_then_recover(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.faults.fail_next("GetRateLimits", 503, -1, count=2, message="maintenance")
        assert error_of(raw.request("GET", "/rate_limits"))[:2] == (503, -1)
        _, _, message = error_of(raw.request("GET", "/rate_limits"))
        assert "maintenance" in message
        assert raw.request("GET", "/rate_limits").status_code == 200

    def test_injected_latency_suspends_and_completes(self, raw: RawAPI, chat_app: ChatApp) -> None:
        # The sync transport steps requests by hand; one that really suspends must still finish.
        chat_app.faults.set_latency("GetRateLimits", 0.02)
        started = time.perf_counter()
        assert raw.request("GET", "/rate_limits").status_code == 200
        assert time.perf_counter() - started >= 0.02
        chat_app.faults.set_latency("GetRateLimits", 0)
        assert raw.request("GET", "/rate_limits").status_code == 200

    @pytest.mark.asyncio
    async def test_injected_latency_with_the_async_transport(self, chat_app: ChatApp, fake_service: FakeStream) -> None:
        chat_app.faults.set_latency("*", 0.02)
        token = jwt.encode({"server": True}, chat_app.api_secret, algorithm="HS256")
        headers = {"Authorization": token, "stream-auth-type": "jwt"}
        async with httpx.AsyncClient(transport=AsyncFakeTransport(fake_service), base_url=IN_PROCESS_URL) as http:
            started = time.perf_counter()
            response = await http.get("/rate_limits", params={"api_key": chat_app.api_key}, headers=headers)
        assert response.status_code == 200
        assert time.perf_counter() - started >= 0.02

    def test_a_request_that_waits_is_counted_once(self, client: Any, chat_app: ChatApp) -> None:
        chat_app.faults.set_latency("GetApp", 0.005)
        first = client.get_app_settings().rate_limit().remaining
        logged = len(chat_app.requests)
        second = client.get_app_settings().rate_limit().remaining
        assert first - second == 1
        assert len(chat_app.requests) == logged + 1
        chat_app.faults.fail_next("GetApp", 503, -1, message="first")
        chat_app.faults.fail_next("GetApp", 502, -1, message="second")
        with pytest.raises(Exception, match="first"):
            client.get_app_settings()
        with pytest.raises(Exception, match="second"):  # not consumed by the first call
            client.get_app_settings()

    @pytest.mark.asyncio
    async def test_a_request_that_waits_is_counted_once_async(self, aclient: Any, chat_app: ChatApp) -> None:
        chat_app.faults.set_latency("GetApp", 0.005)
        first = (await aclient.get_app_settings()).rate_limit().remaining
        second = (await aclient.get_app_settings()).rate_limit().remaining
        assert first - second == 1

    def test_fault_on_any_operation(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.faults.fail_next("*", 500, -1)
        assert raw.request("GET", "/tasks/x").status_code == 500
        assert raw.request("GET", "/tasks/x").status_code == 404


def _crashing_api(app: ChatApp) -> StreamAPI:
    from fake_server.domain.registry import AppRegistry

    @route("GET", "/boom", "Boom")
    def boom(ctx: RequestContext) -> dict[str, Any]:
        raise RuntimeError("kaboom")

    registry = AppRegistry()
    registry._apps[app.api_key] = app
    return StreamAPI(registry, [boom])


def test_unexpected_exception_is_500_code_minus_one_and_logged(chat_app: ChatApp, caplog: pytest.LogCaptureFixture) -> None:
    api = _crashing_api(chat_app)
    raw = RawAPI(chat_app, create_app(api_key=None))
    raw.http.close()
    raw.http = httpx.Client(transport=FakeTransport(api), base_url=IN_PROCESS_URL)
    with raw.http, caplog.at_level(logging.ERROR, logger="fake_server"):
        response = raw.request("GET", "/boom")
    assert error_of(response)[:2] == (500, -1)
    assert "Traceback" not in response.text
    assert any("kaboom" in (record.exc_text or "") for record in caplog.records)


class TestRouter:
    def test_literal_segments_win_over_parameters(self) -> None:
        def handler(ctx: RequestContext) -> None:
            return None

        router = Router(
            [
                Route("POST", "/channels/{type}", "A", handler),
                Route("POST", "/channels/read", "B", handler),
                Route("GET", "/files/{rest*}", "C", handler),
            ]
        )
        assert router.match("POST", "/channels/read") is not None
        matched = router.match("POST", "/channels/read")
        assert matched is not None and matched[0].operation == "B"
        matched = router.match("POST", "/channels/messaging")
        assert matched is not None and matched[1] == {"type": "messaging"}
        matched = router.match("GET", "/files/a/b%20c/d")
        assert matched is not None and matched[1] == {"rest": "a/b c/d"}
        assert router.match("GET", "/channels/read") is None

    def test_path_parameters_are_percent_decoded(self) -> None:
        def handler(ctx: RequestContext) -> None:
            return None

        router = Router([Route("GET", "/users/{user_id}", "A", handler)])
        matched = router.match("GET", "/users/jane%40example")
        assert matched is not None and matched[1] == {"user_id": "jane@example"}


class TestTransports:
    def test_sync_transport_inside_a_running_loop_uses_a_background_loop(self, raw: RawAPI) -> None:
        async def call_sync_client_from_async_code() -> int:
            return raw.request("GET", "/rate_limits").status_code

        assert asyncio.run(call_sync_client_from_async_code()) == 200

    def test_sync_transport_from_many_threads(self, raw: RawAPI, chat_app: ChatApp) -> None:
        statuses: list[int] = []

        def worker() -> None:
            for _ in range(10):
                statuses.append(raw.request("GET", "/tasks/x").status_code)

        threads = [threading.Thread(target=worker) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [404] * 50
        assert len(chat_app.requests) == 50

    @pytest.mark.asyncio
    async def test_async_transport(self, chat_app: ChatApp, fake_service: FakeStream) -> None:
        async with httpx.AsyncClient(transport=AsyncFakeTransport(fake_service), base_url=IN_PROCESS_URL) as http:
            response = await http.get("/rate_limits", params={"api_key": chat_app.api_key})
        assert error_of(response)[:2] == (401, 5)

    def test_control_plane_is_reachable_through_the_transport(self, fake_service: FakeStream) -> None:
        with httpx.Client(transport=FakeTransport(fake_service), base_url=IN_PROCESS_URL) as http:
            assert http.get("/_fake/apps").status_code == 200


class TestRequestLog:
    def test_records_operation_body_status_and_actor(self, raw: RawAPI, chat_app: ChatApp) -> None:
        raw.request("GET", "/tasks/abc", params={"flag": "1"})
        record = chat_app.requests.list()[-1]
        assert (record.method, record.operation, record.status, record.error_code) == ("GET", "GetTask", 404, 16)
        assert record.query == {"flag": "1"}
        assert record.path_params == {"task_id": "abc"}
        assert record.platform == "server_side"

    def test_bounded_by_count_and_by_body_bytes(self) -> None:
        log = RequestLog(capacity=3, max_bytes=100)
        for index in range(5):
            log.append(_record(index, body=b"x" * 10))
        assert [r.path for r in log.list()] == ["/2", "/3", "/4"]
        log.append(_record(5, body=b"y" * 70))  # 10 + 10 + 70 fits, 10 more would not
        assert [r.path for r in log.list()] == ["/3", "/4", "/5"]
        log.append(_record(6, body=b"z" * 95))
        assert [r.path for r in log.list()] == ["/6"]
        log.append(_record(7, body=b"w" * 500))  # the newest is kept even when over budget
        assert [r.path for r in log.list()] == ["/7"]
        log.clear()
        log.append(_record(8, body=b"v" * 100))
        assert [r.path for r in log.list()] == ["/8"]


def _record(index: int, *, body: bytes) -> RequestRecord:
    return RequestRecord(
        method="POST", path=f"/{index}", operation="Op", query={}, status=200,
        at=datetime.now(UTC), raw_body=body[: len(body) // 2], raw_response=body[len(body) // 2 :],
    )


class TestControlPlane:
    @pytest.fixture
    def http(self, fake_service: FakeStream) -> Iterator[httpx.Client]:
        with httpx.Client(transport=FakeTransport(fake_service), base_url=IN_PROCESS_URL) as client:
            yield client

    def test_create_list_reset_delete(self, http: httpx.Client, fake_service: FakeStream) -> None:
        created = http.post("/_fake/apps", json={"api_key": "cp-key", "api_secret": "cp-secret", "name": "CP"})
        assert created.status_code == 200
        assert created.json()["app"]["name"] == "CP"
        assert http.post("/_fake/apps", json={"api_key": "cp-key", "api_secret": "x"}).status_code == 409
        assert "cp-key" in [a["api_key"] for a in http.get("/_fake/apps").json()["apps"]]
        app = fake_service.get_app("cp-key")
        app.users.ensure({"id": "jane"})
        assert http.post("/_fake/apps/cp-key/reset").json()["app"]["users"] == 0
        assert http.delete("/_fake/apps/cp-key").status_code == 200
        assert http.get("/_fake/apps/cp-key").status_code == 404

    def test_clock_freeze_and_advance(self, http: httpx.Client, chat_app: ChatApp) -> None:
        frozen = http.post(f"/_fake/apps/{chat_app.api_key}/clock", json={"freeze": "2030-01-01T00:00:00Z"}).json()
        assert frozen == {"now": "2030-01-01T00:00:00.000000Z", "frozen": True}
        moved = http.post(f"/_fake/apps/{chat_app.api_key}/clock", json={"advance": 90}).json()
        assert moved["now"] == "2030-01-01T00:01:30.000000Z"
        assert http.post(f"/_fake/apps/{chat_app.api_key}/clock", json={"advance": "soon"}).status_code == 400

    def test_rate_limit_override_and_request_log(self, http: httpx.Client, raw: RawAPI, chat_app: ChatApp) -> None:
        body = http.post(f"/_fake/apps/{chat_app.api_key}/rate_limits", json={"limits": {"GetTask": 1}}).json()
        assert body["overrides"] == {"GetTask": 1}
        raw.request("GET", "/tasks/a")
        assert raw.request("GET", "/tasks/a").status_code == 429
        log = http.get(f"/_fake/apps/{chat_app.api_key}/requests", params={"operation": "GetTask"}).json()
        assert [r["status"] for r in log["requests"]] == [404, 429]

    def test_faults_through_the_control_plane(self, http: httpx.Client, raw: RawAPI, chat_app: ChatApp) -> None:
        http.post(f"/_fake/apps/{chat_app.api_key}/faults", json={"operation": "GetTask", "status": 502, "code": -1})
        assert raw.request("GET", "/tasks/a").status_code == 502

    def test_events_log(self, http: httpx.Client, chat_app: ChatApp) -> None:
        chat_app.users.ensure({"id": "jane"})
        events = http.get(f"/_fake/apps/{chat_app.api_key}/events", params={"type": "user.updated"}).json()["events"]
        assert [e["user"]["id"] for e in events] == ["jane"]

    def test_bad_json_is_400(self, http: httpx.Client) -> None:
        assert http.post("/_fake/apps", content=b"{nope").status_code == 400
        assert http.post("/_fake/apps", content=json.dumps([1]).encode()).status_code == 400


def _server_only_routes() -> list[Route]:
    from fake_server.http.routes import all_routes

    return [r for r in all_routes() if r.server_only]


@pytest.mark.parametrize("server_route", _server_only_routes(), ids=lambda r: f"{r.method} {r.path}")
def test_server_only_routes_refuse_user_tokens(server_route: Route, raw: RawAPI) -> None:
    path = "/".join("x" if part.startswith("{") else part for part in server_route.path.split("/"))
    response = raw.request(server_route.method, path, token=raw.user_token("jane"), json={} if server_route.method != "GET" else None)
    assert error_of(response)[:2] == (403, 17)


@pytest.mark.parametrize(
    "raw", [b"", b"api_key=abc", b"a=1&b=&c&&d=x=y", b"a=%20b&c=+", b"k=1&k=2", b"=v&x=1", b"a=1;b=2", b"n=caf%C3%A9"]
)
def test_query_strings_parse_like_the_standard_library(raw: bytes) -> None:
    expected = dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
    assert parse_query(raw) == expected
