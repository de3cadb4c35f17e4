"""What a stateful call into the fake costs, relative to a canned reply, and how queries scale.

Measured in one run, interleaved round by round, medians of the rounds and of the per-round
ratios. The garbage collector runs as it would in a test process: a full collection lands in
whichever block crosses its threshold, which over the rounds charges each mode for what it
promotes, and the median keeps one collection from deciding a figure. (Collecting before each
block instead forgives every block the debt it leaves below the threshold, and then which mode
pays depends on where the thresholds happen to fall.)
  * ``send_message`` and ``query_channels`` through the in-process transports (sync and async),
    each relative to the same SDK call answered by an ``httpx.MockTransport`` that returns a
    canned copy of the fake's own reply;
  * the same calls over loopback, two ways: to ``stream-chat-fake`` running as its own process
    (offline development, other processes and languages) and to the fake served from a thread of
    the calling process (the ``stream_chat_fake_server`` fixture). Each loopback figure comes with
    its floor: the same setup serving an ASGI app that answers the canned reply at once, i.e.
    what loopback HTTP alone costs there;
  * ``query_channels`` with a member filter in an app with 100 channels and in one with 100,000.

Targets (issue 3): in-process <= 2x, loopback <= 5x, member-filtered query_channels as fast with
100,000 channels as with 100.

    python bench/fake_cost.py [--rounds 15] [--calls 300] [--big 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fake_server import AsyncFakeTransport, FakeStream, FakeTransport, create_app
from fake_server.live import LiveServer
from stream_chat import StreamChat, StreamChatAsync

KEY, SECRET = "bench-key", "bench-secret"
BASE = "http://fake.bench"
MESSAGE = {"text": "hello from the benchmark"}
MEMBER_FILTER = {"members": {"$in": ["me"]}}

class Canned:
    """A recorded reply of the fake, served as is by mock transports and floor servers."""

    def __init__(self, status: int, headers: list[tuple[str, str]], content: bytes) -> None:
        self.status, self.headers, self.content = status, headers, content

    @classmethod
    def of(cls, reply: httpx.Response) -> Canned:
        headers = [(k.decode(), v.decode()) for k, v in reply.headers.raw if k.lower() != b"content-length"]
        return cls(reply.status_code, headers, reply.content)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps([self.status, self.headers, self.content.decode()]))

    @classmethod
    def load(cls, path: Path) -> Canned:
        status, headers, content = json.loads(path.read_text())
        return cls(status, [(k, v) for k, v in headers], content.encode())

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return httpx.Response(self.status, headers=self.headers, content=self.content)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return httpx.Response(self.status, headers=self.headers, content=self.content)

    def asgi_app(self) -> Callable[..., Awaitable[None]]:
        """An ASGI app answering every request with this reply (a plain coroutine function, so
        uvicorn recognises the ASGI 3 interface)."""
        # With its length, as the fake answers (without one uvicorn would switch to chunked).
        headers = [(k.encode(), v.encode()) for k, v in self.headers]
        headers.append((b"content-length", str(len(self.content)).encode()))
        status, content = self.status, self.content

        async def app(scope: dict[str, Any], receive: Callable[[], Awaitable[Any]], send: Callable[[Any], Awaitable[None]]) -> None:
            if scope["type"] != "http":
                return
            while (await receive()).get("more_body"):
                pass
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": content})

        return app


def seed(chat: StreamChat, channels: int, *, member_of: int = 10, messages: int = 0) -> None:
    """``channels`` two-member channels; user "me" is a member of ``member_of`` of them, and
    each of those holds ``messages`` messages; plus the "sink" channel sends go to."""
    pool = [f"u{i}" for i in range(199)]
    chat.upsert_users([{"id": "me"}, *({"id": u} for u in pool[:99])])
    chat.upsert_users([{"id": u} for u in pool[99:]])  # at most 100 users per call
    for i in range(channels):
        members = ["me", pool[i % len(pool)]] if i < member_of else [pool[i % 199], pool[(i * 7 + 1) % 199]]
        channel = chat.channel("messaging", f"c{i}", {"members": members})
        channel.create(members[0])
        for n in range(messages if i < member_of else 0):
            channel.send_message({"text": f"message {n} in c{i}"}, members[n % 2])
    # Sends go to a channel outside the query's result, so every query answers the same state.
    chat.channel("messaging", "sink", {"members": ["u1", "u2"]}).create("u1")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def process(*args: str) -> Iterator[subprocess.Popen[str]]:
    child = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True)
    try:
        yield child
    finally:
        child.terminate()
        child.wait(timeout=10)


def wait_until_serving(base_url: str) -> None:
    for _ in range(200):
        try:
            httpx.get(base_url)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing serves {base_url}")


def tracked_objects_kept(call: Callable[[], Any], calls: int = 1000) -> float:
    """GC-tracked objects a call leaves alive, on average: every one is walked again by each
    full collection, so what a stored message or log entry keeps decides that cost."""
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(calls):
        call()
    gc.collect()
    return (len(gc.get_objects()) - before) / calls


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


def report(label: str, table: dict[str, dict[str, list[float]]]) -> None:
    """Median time per mode, and the median of the per-round ratios to the canned call (each
    round's modes ran back to back, so a ratio within a round cancels slower drifts)."""
    for workload, modes in table.items():
        canned = modes["canned"]
        cells = [f"canned {statistics.median(canned):7.1f}"]
        for mode, samples in modes.items():
            if mode != "canned":
                ratio = statistics.median(value / base for value, base in zip(samples, canned, strict=True))
                cells.append(f"{mode} {statistics.median(samples):7.1f} ({ratio:.2f}x)")
        print(f"  {label:5} {workload:15} " + "   ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--serve-canned", type=Path, help=argparse.SUPPRESS)  # a floor server process
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_canned is not None:
        import uvicorn

        uvicorn.run(Canned.load(args.serve_canned).asgi_app(), host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")
        return

    fake: FakeStream = create_app(KEY, SECRET, apps=[("small-key", SECRET), ("big-key", SECRET)])
    for app in fake.registry:
        app.rate_limits.enforce = False  # the benchmark makes far more calls than a minute allows
    inproc = StreamChat(KEY, SECRET, base_url=BASE, transport=FakeTransport(fake))
    seed(inproc, 20, messages=5)
    auth = {"Authorization": inproc.auth_token, "stream-auth-type": "jwt"}
    replies = {  # real replies of the fake, to serve canned
        "send_message": Canned.of(inproc._http.post(
            f"{BASE}/channels/messaging/sink/message", params={"api_key": KEY}, headers=auth,
            content=json.dumps({"message": {**MESSAGE, "user": {"id": "me"}}}),
        )),
        "query_channels": Canned.of(inproc._http.post(
            f"{BASE}/channels", params={"api_key": KEY}, headers=auth,
            content=json.dumps({"filter_conditions": MEMBER_FILTER, "sort": [], "state": True}),
        )),
    }

    def call(chat: StreamChat, workload: str) -> Callable[[], Any]:
        if workload == "send_message":
            return lambda: chat.channel("messaging", "sink").send_message(MESSAGE, "me")
        return lambda: chat.query_channels(MEMBER_FILTER)

    with tempfile.TemporaryDirectory() as scratch, process("-m", "fake_server", "--port", "0", "--api-key", KEY, "--api-secret", SECRET) as cli:
        banner = cli.stdout.readline() if cli.stdout else ""
        cli_url = banner.split(" at ", 1)[1].strip()
        wait_until_serving(cli_url)
        httpx.post(f"{cli_url}/_fake/apps/{KEY}/rate_limits", json={"enforce": False})
        cli_chat = StreamChat(KEY, SECRET, base_url=cli_url)
        seed(cli_chat, 20, messages=5)
        thread_server = LiveServer(fake).start()
        thread_chat = StreamChat(KEY, SECRET, base_url=thread_server.base_url)

        floors: dict[str, dict[str, StreamChat]] = {}
        floor_servers: list[LiveServer] = []
        with ExitStack() as stack:
            for workload, canned in replies.items():
                reply_file = Path(scratch) / f"{workload}.json"
                canned.save(reply_file)
                port = free_port()
                stack.enter_context(process(__file__, "--serve-canned", str(reply_file), "--port", str(port)))
                wait_until_serving(f"http://127.0.0.1:{port}")
                floor_thread = LiveServer(canned.asgi_app()).start()
                floor_servers.append(floor_thread)
                floors[workload] = {
                    "process": StreamChat(KEY, SECRET, base_url=f"http://127.0.0.1:{port}"),
                    "thread": StreamChat(KEY, SECRET, base_url=floor_thread.base_url),
                }

            workloads: dict[str, dict[str, Callable[[], Any]]] = {}
            for workload, canned in replies.items():
                mock = StreamChat(KEY, SECRET, base_url=BASE, transport=httpx.MockTransport(canned.handler))
                workloads[workload] = {
                    "canned": call(mock, workload),
                    "in-process": call(inproc, workload),
                    "loopback process": call(cli_chat, workload),
                    "floor": call(floors[workload]["process"], workload),
                    "loopback thread": call(thread_chat, workload),
                    "floor ": call(floors[workload]["thread"], workload),
                }
            results: dict[str, dict[str, list[float]]] = {w: {m: [] for m in modes} for w, modes in workloads.items()}
            for _ in range(args.rounds):
                for workload, modes in workloads.items():
                    for mode, run in modes.items():
                        results[workload][mode].append(timed(run, args.calls))
            for floor_server in floor_servers:
                floor_server.stop()
        thread_server.stop()

    async def async_rounds() -> dict[str, dict[str, list[float]]]:
        async with (
            StreamChatAsync(KEY, SECRET, base_url=BASE, transport=AsyncFakeTransport(fake)) as achat,
            StreamChatAsync(KEY, SECRET, base_url=BASE, transport=httpx.MockTransport(replies["send_message"].async_handler)) as amock_send,
            StreamChatAsync(KEY, SECRET, base_url=BASE, transport=httpx.MockTransport(replies["query_channels"].async_handler)) as amock_query,
        ):
            achannel = achat.channel("messaging", "sink")
            amock_channel = amock_send.channel("messaging", "sink")
            modes: dict[str, dict[str, Callable[[], Awaitable[Any]]]] = {
                "send_message": {
                    "canned": lambda: amock_channel.send_message(MESSAGE, "me"),
                    "in-process": lambda: achannel.send_message(MESSAGE, "me"),
                },
                "query_channels": {
                    "canned": lambda: amock_query.query_channels(MEMBER_FILTER),
                    "in-process": lambda: achat.query_channels(MEMBER_FILTER),
                },
            }
            out: dict[str, dict[str, list[float]]] = {w: {m: [] for m in ms} for w, ms in modes.items()}
            for _ in range(args.rounds):
                for workload, calls in modes.items():
                    for mode, run in calls.items():
                        out[workload][mode].append(await atimed(run, args.calls))
            return out

    async_results = asyncio.run(async_rounds())

    print(f"{args.rounds} rounds x {args.calls} calls, interleaved; medians (us per call)")
    print("  loopback process = stream-chat-fake in its own process; loopback thread = served from a thread of")
    print("  this process (the stream_chat_fake_server fixture); the floor after each = the same setup serving")
    print("  the canned reply from a bare ASGI app, i.e. what loopback HTTP alone costs there")
    report("sync", results)
    report("async", async_results)

    kept = {workload: tracked_objects_kept(run) for workload, run in (
        ("send_message", call(inproc, "send_message")), ("query_channels", call(inproc, "query_channels"))
    )}
    print(
        "  objects the garbage collector tracks that a call leaves behind (state, logs): "
        + ", ".join(f"{workload} {count:.2f}" for workload, count in kept.items())
    )

    small = StreamChat("small-key", SECRET, base_url=BASE, transport=FakeTransport(fake))
    big = StreamChat("big-key", SECRET, base_url=BASE, transport=FakeTransport(fake))
    seed(small, 100)
    started = time.perf_counter()
    seed(big, args.big)
    print(f"  seeded {args.big} channels in {time.perf_counter() - started:.1f}s")
    scale: dict[str, list[float]] = {"100": [], str(args.big): []}
    for _ in range(args.rounds):
        scale["100"].append(timed(lambda: small.query_channels(MEMBER_FILTER), args.calls))
        scale[str(args.big)].append(timed(lambda: big.query_channels(MEMBER_FILTER), args.calls))
    small_cost = statistics.median(scale["100"])
    big_cost = statistics.median(scale[str(args.big)])
    print(
        f"  query_channels(members $in) with 100 channels {small_cost:7.1f} us, with {args.big} "
        f"{big_cost:7.1f} us ({big_cost / small_cost:.2f}x)"
    )


if __name__ == "__main__":
    main()
