"""POST with httpx, reporting timeouts and network errors instead of raising."""

from __future__ import annotations

import httpx

from fake_server.domain.outbound_model import SendResult

MAX_RESPONSE_BYTES = 1024 * 1024


class HttpSender:
    """A thread-safe sender over one ``httpx.Client`` (connections are kept alive, §8.2).

    Environment proxies are ignored (``trust_env=False``): webhooks of a local fake go to
    local receivers. Redirects are not followed (a 3xx answer is a final, failed attempt).
    """

    def __init__(self, client: httpx.Client | None = None) -> None:
        self._client = client or httpx.Client(trust_env=False, follow_redirects=False)

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> SendResult:
        try:
            response = self._client.post(url, content=body, headers=headers, timeout=timeout)
        except httpx.TimeoutException as exc:
            return SendResult(status=None, error=f"{type(exc).__name__}: {exc}", timed_out=True)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            return SendResult(status=None, error=f"{type(exc).__name__}: {exc}")
        return SendResult(status=response.status_code, body=response.content[:MAX_RESPONSE_BYTES])

    def close(self) -> None:
        self._client.close()
