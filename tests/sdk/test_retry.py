"""The opt-in retry on HTTP 429, with injected clock and sleep (tests never really wait)."""

from datetime import UTC, datetime

import httpx
import pytest

from stream_chat import RateLimitRetry
from stream_chat.base.exceptions import StreamAPIException, StreamRateLimitExceeded
from stream_chat.base.retry import retry_policy

from .support import Recorder, json_reply

RESET = 1733580060
NOW = RESET - 5.5


def limited(reset: int | None = RESET) -> httpx.Response:
    headers = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "0"}
    if reset is not None:
        headers["x-ratelimit-reset"] = str(reset)
    return json_reply({"code": 9, "message": "Too many requests"}, status=429, headers=headers)


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def policy(sleeps: Sleeps, now: float = NOW, max_attempts: int = 3) -> RateLimitRetry:
    return RateLimitRetry(max_attempts=max_attempts, clock=lambda: now, sleep=sleeps)


def test_off_by_default(recorder: Recorder) -> None:
    recorder.queue(limited())
    with pytest.raises(StreamAPIException) as caught:
        recorder.sync_client().get_app_settings()
    assert type(caught.value) is StreamAPIException
    assert len(recorder.requests) == 1


def test_succeeds_after_waiting_for_the_window(recorder: Recorder) -> None:
    sleeps = Sleeps()
    recorder.queue(limited(), limited())
    reply = recorder.sync_client(rate_limit_retry=policy(sleeps)).get_app_settings()
    assert reply.status_code() == 200
    assert sleeps.calls == [5.5, 5.5]
    assert len(recorder.requests) == 3


def test_retried_request_is_identical(recorder: Recorder) -> None:
    recorder.queue(limited())
    recorder.sync_client(rate_limit_retry=policy(Sleeps())).upsert_user({"id": "ann"})
    first, second = recorder.requests
    assert (first.method, first.url, first.content) == (second.method, second.url, second.content)


@pytest.mark.parametrize(
    ("now", "reset", "expected"),
    [
        pytest.param(RESET - 100, RESET, 30.0, id="bounded-by-max-wait"),
        pytest.param(RESET + 10, RESET, 0.0, id="never-negative"),
        pytest.param(NOW, None, 1.0, id="no-reset-header"),
    ],
)
def test_wait_bounds(recorder: Recorder, now: float, reset: int | None, expected: float) -> None:
    sleeps = Sleeps()
    recorder.queue(limited(reset))
    recorder.sync_client(rate_limit_retry=policy(sleeps, now=now)).get_app_settings()
    assert sleeps.calls == [expected]


def test_exhaustion_raises_a_clear_error(recorder: Recorder) -> None:
    sleeps = Sleeps()
    recorder.queue(limited(), limited(), limited())
    with pytest.raises(StreamRateLimitExceeded) as caught:
        recorder.sync_client(rate_limit_retry=policy(sleeps)).get_app_settings()
    error = caught.value
    assert isinstance(error, StreamAPIException)
    assert (error.status_code, error.error_code, error.attempts) == (429, 9, 3)
    assert error.reset == datetime(2024, 12, 7, 14, 1, tzinfo=UTC)
    assert str(error) == (
        'StreamChat error code 9: Too many requests" (rate limit still exceeded after 3 attempts; '
        "the window resets at 2024-12-07T14:01:00+00:00)"
    )
    rate_limit = error.rate_limit()
    assert rate_limit is not None and rate_limit.remaining == 0
    assert len(recorder.requests) == 3
    assert sleeps.calls == [5.5, 5.5]


def test_single_attempt_policy_does_not_retry(recorder: Recorder) -> None:
    recorder.queue(limited(None))
    with pytest.raises(StreamRateLimitExceeded, match="after 1 attempts; no reset time was given"):
        recorder.sync_client(rate_limit_retry=policy(Sleeps(), max_attempts=1)).get_app_settings()
    assert len(recorder.requests) == 1


def test_other_errors_are_not_retried(recorder: Recorder) -> None:
    sleeps = Sleeps()
    recorder.queue(json_reply({"code": -1, "message": "boom"}, status=500))
    with pytest.raises(StreamAPIException):
        recorder.sync_client(rate_limit_retry=policy(sleeps)).get_app_settings()
    assert sleeps.calls == []


@pytest.mark.asyncio
async def test_async_retry_with_async_sleep(recorder: Recorder) -> None:
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    recorder.queue(limited())
    retry = RateLimitRetry(clock=lambda: NOW, sleep=sleep)
    async with recorder.async_client(rate_limit_retry=retry) as client:
        reply = await client.channel("messaging", "general").send_message({"text": "hi"}, "ann")
    assert reply.status_code() == 200
    assert waited == [5.5]
    assert len(recorder.requests) == 2


@pytest.mark.asyncio
async def test_async_exhaustion(recorder: Recorder) -> None:
    sleeps = Sleeps()
    recorder.queue(limited(), limited())
    async with recorder.async_client(rate_limit_retry=policy(sleeps, max_attempts=2)) as client:
        with pytest.raises(StreamRateLimitExceeded) as caught:
            await client.get_app_settings()
    assert caught.value.attempts == 2
    assert sleeps.calls == [5.5]


def test_option_values() -> None:
    assert retry_policy(None) is None
    assert retry_policy(False) is None
    assert retry_policy(True) == RateLimitRetry()
    custom = RateLimitRetry(max_attempts=5, max_wait=2.0)
    assert retry_policy(custom) is custom
    with pytest.raises(TypeError):
        retry_policy(3)
    with pytest.raises(ValueError):
        RateLimitRetry(max_attempts=0)
    with pytest.raises(ValueError):
        RateLimitRetry(max_wait=-1)
    assert (RateLimitRetry().max_attempts, RateLimitRetry().max_wait) == (3, 30.0)
