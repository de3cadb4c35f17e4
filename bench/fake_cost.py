"""What a stateful call into the fake costs, relative to a canned reply, and how queries scale.

Measured in one run, interleaved round by round, medians of the rounds:
  * ``send_message`` and ``query_channels`` through the in-process transports (sync and async)
    and over loopback (uvicorn on 127.0.0.1), each relative to the same SDK call answered by an
    ``httpx.MockTransport`` that returns a canned copy of the fake's own reply;
  * ``query_channels`` with a member filter in an app with 100 channels and in one with 100,000.

Targets (issue 3): in-process <= 2x, loopback <= 5x, member-filtered query_channels as fast with
100,000 channels as with 100.

    python bench/fake_cost.py [--rounds 9] [--calls 300] [--big 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from fake_server import AsyncFakeTransport, FakeStream, FakeTransport, create_app
from fake_server.live import LiveServer
from stream_chat import StreamChat, StreamChatAsync

KEY, SECRET = "bench-key", "bench-secret"
BASE = "http://fake.bench"


def canned(reply: httpx.Response) -> tuple[Callable[[httpx.Request], httpx.Response], Callable[[httpx.Request], Awaitable[httpx.Response]]]:
    """Mock handlers that answer every request with a copy of ``reply``."""
    status, headers, content = reply.status_code, list(reply.headers.raw), reply.content

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        return httpx.Response(status, headers=headers, content=content)

    async def async_handler(request: httpx.Request) -> httpx.Response:
        await request.aread()
        return httpx.Response(status, headers=headers, content=content)

    return handler, async_handler


def seed(chat: StreamChat, channels: int, *, member_of: int = 10, messages: int = 0) -> None:
    """``channels`` two-member channels; user "me" is a member of ``member_of`` of them, and
    each of those holds ``messages`` messages."""
    pool = [f"u{i}" for i in range(199)]
    chat.upsert_users([{"id": "me"}, *({"id": u} for u in pool[:99])])
    chat.upsert_users([{"id": u} for u in pool[99:]])  # at most 100 users per call
    for i in range(channels):
        members = ["me", pool[i % len(pool)]] if i < member_of else [pool[i % 199], pool[(i * 7 + 1) % 199]]
        channel = chat.channel("messaging", f"c{i}", {"members": members})
        channel.create(members[0])
        for n in range(messages if i < member_of else 0):
            channel.send_message({"text": f"message {n} in c{i}"}, members[n % 2])


def timed(call: Callable[[], Any], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls * 1e6


async def atimed(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        await call()
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--big", type=int, default=100_000)
    args = parser.parse_args()

    fake: FakeStream = create_app(KEY, SECRET, apps=[("small-key", SECRET), ("big-key", SECRET)])
    for app in fake.registry:
        app.rate_limits.enforce = False  # the benchmark makes far more calls than a minute allows
    inproc = StreamChat(KEY, SECRET, base_url=BASE, transport=FakeTransport(fake))
    seed(inproc, 20, messages=5)
    # Sends go to a channel outside the query's result, so every query answers the same state.
    channel = inproc.channel("messaging", "sink", {"members": ["u1", "u2"]})
    channel.create("u1")
    message = {"text": "hello from the benchmark"}
    member_filter = {"members": {"$in": ["me"]}}

    send_reply = inproc._http.post(  # a real reply of the fake, to serve canned
        f"{BASE}/channels/messaging/sink/message",
        params={"api_key": KEY},
        headers={"Authorization": inproc.auth_token, "stream-auth-type": "jwt"},
        content=json.dumps({"message": {**message, "user": {"id": "me"}}}),
    )
    query_reply = inproc._http.post(
        f"{BASE}/channels",
        params={"api_key": KEY},
        headers={"Authorization": inproc.auth_token, "stream-auth-type": "jwt"},
        content=json.dumps({"filter_conditions": member_filter, "sort": [], "state": True}),
    )
    send_mock, send_amock = canned(send_reply)
    query_mock, query_amock = canned(query_reply)
    mock_send = StreamChat(KEY, SECRET, base_url=BASE, transport=httpx.MockTransport(send_mock))
    mock_query = StreamChat(KEY, SECRET, base_url=BASE, transport=httpx.MockTransport(query_mock))

    server = LiveServer(fake).start()
    loopback = StreamChat(KEY, SECRET, base_url=server.base_url)

    workloads: dict[str, dict[str, Callable[[], Any]]] = {
        "send_message": {
            "canned": lambda: mock_send.channel("messaging", "sink").send_message(message, "me"),
            "in-process": lambda: channel.send_message(message, "me"),
            "loopback": lambda: loopback.channel("messaging", "sink").send_message(message, "me"),
        },
        "query_channels": {
            "canned": lambda: mock_query.query_channels(member_filter),
            "in-process": lambda: inproc.query_channels(member_filter),
            "loopback": lambda: loopback.query_channels(member_filter),
        },
    }
    results: dict[str, dict[str, list[float]]] = {w: {m: [] for m in modes} for w, modes in workloads.items()}
    for _ in range(args.rounds):
        for workload, modes in workloads.items():
            for mode, call in modes.items():
                results[workload][mode].append(timed(call, args.calls))

    async def async_rounds() -> dict[str, dict[str, list[float]]]:
        async with (
            StreamChatAsync(KEY, SECRET, base_url=BASE, transport=AsyncFakeTransport(fake)) as achat,
            StreamChatAsync(KEY, SECRET, base_url=BASE, transport=httpx.MockTransport(send_amock)) as amock_send,
            StreamChatAsync(KEY, SECRET, base_url=BASE, transport=httpx.MockTransport(query_amock)) as amock_query,
        ):
            achannel = achat.channel("messaging", "sink")
            amock_channel = amock_send.channel("messaging", "sink")
            modes: dict[str, dict[str, Callable[[], Awaitable[Any]]]] = {
                "send_message": {
                    "canned": lambda: amock_channel.send_message(message, "me"),
                    "in-process": lambda: achannel.send_message(message, "me"),
                },
                "query_channels": {
                    "canned": lambda: amock_query.query_channels(member_filter),
                    "in-process": lambda: achat.query_channels(member_filter),
                },
            }
            out: dict[str, dict[str, list[float]]] = {w: {m: [] for m in ms} for w, ms in modes.items()}
            for _ in range(args.rounds):
                for workload, calls in modes.items():
                    for mode, call in calls.items():
                        out[workload][mode].append(await atimed(call, args.calls))
            return out

    async_results = asyncio.run(async_rounds())
    server.stop()

    print(f"{args.rounds} rounds x {args.calls} calls, interleaved; medians (us per call)")
    for label, table in (("sync", results), ("async", async_results)):
        for workload, modes in table.items():
            base = statistics.median(modes["canned"])
            cells = [f"canned {base:7.1f}"]
            for mode, samples in modes.items():
                if mode != "canned":
                    value = statistics.median(samples)
                    cells.append(f"{mode} {value:7.1f} ({value / base:.2f}x)")
            print(f"  {label:5} {workload:15} " + "   ".join(cells))

    small = StreamChat("small-key", SECRET, base_url=BASE, transport=FakeTransport(fake))
    big = StreamChat("big-key", SECRET, base_url=BASE, transport=FakeTransport(fake))
    seed(small, 100)
    started = time.perf_counter()
    seed(big, args.big)
    print(f"  seeded {args.big} channels in {time.perf_counter() - started:.1f}s")
    scale: dict[str, list[float]] = {"100": [], str(args.big): []}
    for _ in range(args.rounds):
        scale["100"].append(timed(lambda: small.query_channels(member_filter), args.calls))
        scale[str(args.big)].append(timed(lambda: big.query_channels(member_filter), args.calls))
    small_cost = statistics.median(scale["100"])
    big_cost = statistics.median(scale[str(args.big)])
    print(
        f"  query_channels(members $in) with 100 channels {small_cost:7.1f} us, with {args.big} "
        f"{big_cost:7.1f} us ({big_cost / small_cost:.2f}x)"
    )


if __name__ == "__main__":
    main()
