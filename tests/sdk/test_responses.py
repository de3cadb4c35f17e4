"""StreamResponse, rate-limit parsing and how error replies surface."""

import json
from datetime import UTC, datetime

import httpx
import pytest

from stream_chat.base.exceptions import StreamAPIException
from stream_chat.types.rate_limit import RateLimitInfo
from stream_chat.types.stream_response import StreamResponse

from .support import RATE_LIMIT, RATE_LIMIT_HEADERS, Recorder, json_reply

ERROR_BODY = {
    "code": 16,
    "message": 'GetOrCreateChannel failed with error: "channel messaging:nope does not exist"',
    "StatusCode": 404,
    "duration": "0.00ms",
    "more_info": "https://getstream.io/chat/docs/api_errors_response",
    "details": [],
}


class TestStreamResponse:
    def test_is_the_body_dict(self) -> None:
        response = StreamResponse({"users": {}, "duration": "1ms"}, {"X-Custom": "1"}, 200)
        assert response == {"users": {}, "duration": "1ms"}
        assert isinstance(response, dict)
        assert json.dumps(response) == '{"users": {}, "duration": "1ms"}'

    def test_status_and_is_ok(self) -> None:
        assert StreamResponse({}, {}, 200).status_code() == 200
        assert StreamResponse({}, {}, 200).is_ok()
        assert StreamResponse({}, {}, 299).is_ok()
        assert not StreamResponse({}, {}, 302).is_ok()

    def test_headers_keep_the_spelling_sent(self, recorder: Recorder) -> None:
        recorder.queue(
            httpx.Response(
                200,
                json={},
                headers=[("X-RateLimit-Limit", "5"), ("X-Trace", "a"), ("X-Trace", "b")],
            )
        )
        response = recorder.sync_client().get_app_settings()
        headers = response.headers()
        assert headers["X-RateLimit-Limit"] == "5"
        assert headers["X-Trace"] == "a, b"
        assert "x-ratelimit-limit" not in headers

    def test_rate_limit(self) -> None:
        assert StreamResponse({}, RATE_LIMIT_HEADERS, 200).rate_limit() == RATE_LIMIT

    @pytest.mark.parametrize(
        ("headers", "expected"),
        [
            pytest.param(
                {
                    "x-ratelimit-limit": "1000, 1000",
                    "x-ratelimit-remaining": ",7",
                    "x-ratelimit-reset": " 60 ,99",
                },
                RateLimitInfo(1000, 7, datetime(1970, 1, 1, 0, 1, tzinfo=UTC)),
                id="comma-joined",
            ),
            pytest.param(
                {
                    "x-ratelimit-limit": "lots",
                    "x-ratelimit-remaining": "1.5",
                    "x-ratelimit-reset": "soon",
                },
                RateLimitInfo(0, 0, datetime(1970, 1, 1, tzinfo=UTC)),
                id="garbage-reads-as-zero",
            ),
            pytest.param(
                {
                    "X-RateLimit-Limit": "10",
                    "X-RateLimit-Remaining": "3",
                    "X-RateLimit-Reset": "1733580000",
                },
                RateLimitInfo(10, 3, datetime(2024, 12, 7, 14, 0, tzinfo=UTC)),
                id="capitalised-names",
            ),
            pytest.param(
                {"x-ratelimit-limit": "10", "x-ratelimit-remaining": "3"}, None, id="reset-missing"
            ),
            pytest.param(
                {"x-ratelimit-limit": "", "x-ratelimit-remaining": "3", "x-ratelimit-reset": "1"},
                None,
                id="empty",
            ),
            pytest.param({}, None, id="none"),
        ],
    )
    def test_rate_limit_edge_cases(
        self, headers: dict[str, str], expected: RateLimitInfo | None
    ) -> None:
        assert StreamResponse({}, headers, 200).rate_limit() == expected

    def test_rate_limit_reset_is_aware_utc(self) -> None:
        info = StreamResponse({}, RATE_LIMIT_HEADERS, 200).rate_limit()
        assert info is not None and info.reset.tzinfo is UTC

    def test_rate_limit_info_is_frozen(self) -> None:
        with pytest.raises(AttributeError):
            RATE_LIMIT.limit = 1  # type: ignore[misc]

    def test_empty_success_body_is_an_empty_response(self, recorder: Recorder) -> None:
        recorder.queue(httpx.Response(200, content=b"", headers=RATE_LIMIT_HEADERS))
        response = recorder.sync_client().get_app_settings()
        assert response == {}
        assert response.rate_limit() == RATE_LIMIT


class TestErrors:
    def test_json_error(self, recorder: Recorder) -> None:
        recorder.queue(json_reply(ERROR_BODY, status=404))
        with pytest.raises(StreamAPIException) as caught:
            recorder.sync_client().channel("messaging", "nope").query()
        error = caught.value
        assert error.status_code == 404
        assert error.error_code == 16
        assert error.error_message == ERROR_BODY["message"]
        assert error.json_response is True
        assert json.loads(error.response_text) == ERROR_BODY
        assert str(error) == f'StreamChat error code 16: {ERROR_BODY["message"]}"'
        assert error.rate_limit() == RATE_LIMIT
        assert error.headers["x-ratelimit-remaining"] == "998"

    def test_json_error_without_code_or_message(self, recorder: Recorder) -> None:
        recorder.queue(json_reply({"StatusCode": 500}, status=500))
        with pytest.raises(StreamAPIException) as caught:
            recorder.sync_client().get_app_settings()
        assert (caught.value.error_code, caught.value.error_message) == ("unknown", "unknown")
        assert str(caught.value) == 'StreamChat error code unknown: unknown"'

    def test_non_json_error_body(self, recorder: Recorder) -> None:
        recorder.queue(httpx.Response(502, content=b"<html>Bad Gateway</html>"))
        with pytest.raises(StreamAPIException) as caught:
            recorder.sync_client().get_app_settings()
        error = caught.value
        assert (error.status_code, error.json_response) == (502, False)
        assert error.response_text == "<html>Bad Gateway</html>"
        assert str(error) == "StreamChat error HTTP code: 502"
        assert error.rate_limit() is None

    def test_non_json_success_body(self, recorder: Recorder) -> None:
        recorder.queue(httpx.Response(200, content=b"not json"))
        with pytest.raises(StreamAPIException) as caught:
            recorder.sync_client().get_app_settings()
        assert (caught.value.status_code, caught.value.json_response) == (200, False)

    @pytest.mark.parametrize("status", [200, 400])
    def test_json_array_body_is_not_an_object(self, recorder: Recorder, status: int) -> None:
        recorder.queue(httpx.Response(status, content=b'[{"code": 4}]'))
        with pytest.raises(StreamAPIException) as caught:
            recorder.sync_client().get_app_settings()
        assert caught.value.json_response is False
        assert str(caught.value) == f"StreamChat error HTTP code: {status}"

    def test_rate_limited_reply(self, recorder: Recorder) -> None:
        headers = {
            "x-ratelimit-limit": "60",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "1733580060",
        }
        recorder.queue(
            json_reply({"code": 9, "message": "Too many requests"}, status=429, headers=headers)
        )
        with pytest.raises(StreamAPIException) as caught:
            recorder.sync_client().delete_channel_type("support")
        error = caught.value
        assert (error.status_code, error.error_code) == (429, 9)
        assert error.rate_limit() == RateLimitInfo(60, 0, datetime(2024, 12, 7, 14, 1, tzinfo=UTC))
        assert len(recorder.requests) == 1  # no retry unless asked for

    @pytest.mark.parametrize(("status", "raises"), [(398, False), (399, True), (400, True)])
    def test_error_threshold(self, recorder: Recorder, status: int, raises: bool) -> None:
        recorder.queue(json_reply({"ok": True}, status=status))
        client = recorder.sync_client()
        if raises:
            with pytest.raises(StreamAPIException):
                client.get_app_settings()
        else:
            assert client.get_app_settings().status_code() == status

    @pytest.mark.asyncio
    async def test_async_errors(self, recorder: Recorder) -> None:
        recorder.queue(json_reply(ERROR_BODY, status=404), httpx.Response(500, content=b"oops"))
        async with recorder.async_client() as client:
            with pytest.raises(StreamAPIException) as caught:
                await client.get_channel_type("nope")
            assert (caught.value.status_code, caught.value.error_code) == (404, 16)
            with pytest.raises(StreamAPIException) as caught:
                await client.get_channel_type("nope")
            assert str(caught.value) == "StreamChat error HTTP code: 500"

    def test_constructed_directly(self) -> None:
        error = StreamAPIException('{"code": 4, "message": "bad"}', 400)
        assert (error.error_code, error.error_message, error.headers) == (4, "bad", {})
        assert error.rate_limit() is None
