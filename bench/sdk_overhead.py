"""Per-call overhead of the SDK against a bare httpx request of the same shape.

Both sides talk to an ``httpx.MockTransport`` that returns the same canned 200 JSON reply with
rate-limit headers, so the figures isolate client-side work. Workloads run interleaved, in
rotating order, for several rounds; the report gives per-call medians and the median of the
per-round ratios (SDK / bare), with a target of at most 1.15x.

    python bench/sdk_overhead.py [--rounds 15] [--calls 2000]
"""

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stream_chat import StreamChat
from stream_chat.version import __version__

API_KEY = "bench-key"
API_SECRET = "bench-secret-bench-secret-bench-secret-0123456789"
BASE_URL = "https://chat.stream-io-api.com"
TARGET_RATIO = 1.15

REPLY_BODY = (
    b'{"users": {"ann": {"id": "ann", "role": "user", "created_at": "2024-12-07T10:00:00.000000Z"}},'
    b' "message": {"id": "m1", "text": "hello", "type": "regular"}, "duration": "1.23ms"}'
)
REPLY_HEADERS = [
    ("content-type", "application/json;charset=utf-8"),
    ("x-ratelimit-limit", "1000"),
    ("x-ratelimit-remaining", "999"),
    ("x-ratelimit-reset", "1733580000"),
]

USER = {"id": "ann", "name": "Ann", "role": "user", "favorite_color": "blue"}
MESSAGE = {"text": "hello", "priority": "high"}


def canned_reply(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers=REPLY_HEADERS, content=REPLY_BODY)


def sdk_calls() -> dict[str, Callable[[], object]]:
    client = StreamChat(
        API_KEY, API_SECRET, base_url=BASE_URL, transport=httpx.MockTransport(canned_reply)
    )
    channel = client.channel("messaging", "general")
    return {
        "upsert_user": lambda: client.upsert_user(USER),
        "send_message": lambda: channel.send_message(MESSAGE, "ann"),
    }


def bare_calls() -> dict[str, Callable[[], object]]:
    """The same requests (URL, query, headers, JSON body) sent with httpx directly."""
    http = httpx.Client(transport=httpx.MockTransport(canned_reply), timeout=6.0)
    token = StreamChat(API_KEY, API_SECRET).auth_token
    headers = {
        "Authorization": token,
        "stream-auth-type": "jwt",
        "X-Stream-Client": f"stream-python-client-{__version__}",
        "Content-type": "application/json",
    }
    params = {"api_key": API_KEY}

    def upsert_user() -> object:
        response = http.post(
            f"{BASE_URL}/users", params=params, headers=headers, json={"users": {"ann": USER}}
        )
        return response.json()

    def send_message() -> object:
        body = {"message": {**MESSAGE, "user": {"id": "ann"}}}
        url = f"{BASE_URL}/channels/messaging/general/message"
        return http.post(url, params=params, headers=headers, json=body).json()

    return {"upsert_user": upsert_user, "send_message": send_message}


def per_call_us(call: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=2000, help="calls per workload per round")
    args = parser.parse_args()

    sdk, bare = sdk_calls(), bare_calls()
    workloads = [
        (name, side, calls[name]) for name in sdk for side, calls in (("sdk", sdk), ("bare", bare))
    ]
    for _, _, call in workloads:  # warm up connection pools and caches
        per_call_us(call, 200)

    timings: dict[tuple[str, str], list[float]] = {(name, side): [] for name, side, _ in workloads}
    gc.disable()
    try:
        for round_index in range(args.rounds):
            shift = round_index % len(workloads)
            for name, side, call in workloads[shift:] + workloads[:shift]:
                timings[name, side].append(per_call_us(call, args.calls))
            gc.collect()
    finally:
        gc.enable()

    worst = 0.0
    print(f"{args.rounds} rounds x {args.calls} calls per workload, interleaved; medians")
    for name in sdk:
        sdk_us, bare_us = timings[name, "sdk"], timings[name, "bare"]
        ratio = statistics.median(s / b for s, b in zip(sdk_us, bare_us, strict=True))
        worst = max(worst, ratio)
        print(
            f"{name:13s} sdk {statistics.median(sdk_us):7.1f} us/call   "
            f"bare httpx {statistics.median(bare_us):7.1f} us/call   ratio {ratio:.3f}x"
        )
    verdict = "OK" if worst <= TARGET_RATIO else "ABOVE TARGET"
    print(f"target <= {TARGET_RATIO:.2f}x: {verdict}")
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
