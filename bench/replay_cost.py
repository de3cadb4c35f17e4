"""What record/replay and the in-process fake cost, in one run.

    .venv/bin/python bench/replay_cost.py [--rounds 15] [--passes 3]

Prints, as medians over interleaved rounds (every configuration measured once per round, in a
shuffled order, so drift in machine load hits all of them alike):

1. replay cost per request through ``CassetteTransport`` with cassettes of 100, 1,000 and
   5,000 interactions, next to a bare ``httpx.MockTransport`` returning the same canned
   response through the same ``httpx.Client`` (targets: ≤ 2x the MockTransport call; the
   5,000-interaction figure within 10% of the 100-interaction one);
2. cassette load time per interaction (target ≤ 0.25 ms);
3. the SDK's call cost on the in-process fake (``stream_chat_fake``'s transport) and on a
   replayed cassette, relative to the SDK on a canned ``MockTransport`` reply.

Interactions are realistic ``send_message`` round trips (~1.5 KB of YAML each). Exit status 1
if a target is missed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from stream_chat_testing import serializer  # noqa: E402
from stream_chat_testing.cassette import StreamCassette  # noqa: E402
from stream_chat_testing.transport import CassetteTransport  # noqa: E402

SIZES = (100, 1_000, 5_000)
BASE_URL = "https://chat.stream-io-api.com"
HEADERS = {
    "content-type": "application/json;charset=utf-8",
    "x-ratelimit-limit": "1000",
    "x-ratelimit-remaining": "999",
    "x-ratelimit-reset": "1733580000",
    "date": "Sat, 07 Dec 2024 14:00:00 GMT",
}


def message(i: int) -> dict[str, Any]:
    user = {
        "id": "ann", "role": "user", "name": "Ann", "banned": False, "online": False,
        "created_at": "2024-12-07T14:00:00.000000Z", "updated_at": "2024-12-07T14:00:00.000000Z",
    }  # fmt: skip
    return {
        "id": f"msg-{i:05d}", "text": f"hello number {i}", "html": f"<p>hello number {i}</p>\n",
        "type": "regular", "user": user, "attachments": [], "latest_reactions": [], "own_reactions": [],
        "reaction_counts": {}, "reaction_scores": {}, "reply_count": 0, "cid": "messaging:general",
        "created_at": "2024-12-07T14:00:00.000000Z", "updated_at": "2024-12-07T14:00:00.000000Z",
        "shadowed": False, "mentioned_users": [], "silent": False, "pinned": False, "pinned_at": None,
        "pinned_by": None, "pin_expires": None,
    }  # fmt: skip


def request_body(i: int) -> dict[str, Any]:
    return {"message": {"id": f"msg-{i:05d}", "text": f"hello number {i}", "user": {"id": "ann"}}}


def interaction(i: int) -> dict[str, Any]:
    return {
        "request": {
            "method": "POST",
            "uri": f"{BASE_URL}/channels/messaging/general/message?api_key=REDACTED_API_KEY",
            "body": {"json": request_body(i)},
            "headers": {"content-type": ["application/json"], "authorization": ["<redacted>"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {name: [value] for name, value in HEADERS.items()},
            "body": {"json": {"message": message(i), "duration": "1.23ms"}},
        },
    }


def write_cassette(directory: Path, size: int) -> Path:
    path = directory / f"cassette-{size}.yaml"
    document = {"version": 1, "interactions": [interaction(i) for i in range(size)]}
    path.write_text(serializer.dumps(document), "utf-8")
    return path


def timed(action: Callable[[], Any], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - start) / repeat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--passes", type=int, default=3, help="passes of 100 replayed requests per round and size")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="replay-bench-"))
    paths = {size: write_cassette(workdir, size) for size in SIZES}
    cassettes = {size: StreamCassette.load(paths[size], "none") for size in SIZES}
    clients = {size: httpx.Client(transport=CassetteTransport(cassettes[size]), base_url=BASE_URL) for size in SIZES}
    # The same 100 requests for every size (the first 100 interactions), so the only thing that
    # differs between sizes is how many interactions the cassette holds.
    picks = list(range(100))
    bodies = [serializer.json_bytes(request_body(i)) for i in picks]
    canned_body = serializer.json_bytes({"message": message(0), "duration": "1.23ms"})
    canned_headers = list(HEADERS.items())
    mock = httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(200, headers=canned_headers, content=canned_body)),
        base_url=BASE_URL,
    )
    url = "/channels/messaging/general/message?api_key=REDACTED_API_KEY"
    json_header = {"content-type": "application/json"}

    def run(client: httpx.Client) -> Callable[[], None]:
        def go() -> None:
            for body in bodies:
                client.post(url, content=body, headers=json_header).read()

        return go

    # SDK level: in-process fake, replayed cassette, canned MockTransport.
    sdk = sdk_setup(workdir)

    measurements: dict[str, list[float]] = {}
    configurations: list[tuple[str, Callable[[], float]]] = [
        ("mock", lambda: timed(run(mock), args.passes) / len(bodies)),
    ]
    for size in SIZES:
        cassette = cassettes[size]

        def replay(size: int = size, cassette: StreamCassette = cassette) -> float:
            go = run(clients[size])
            total = 0.0
            for _ in range(args.passes):
                cassette.rewind()
                total += timed(go, 1)
            return total / int(args.passes) / len(bodies)

        def load(size: int = size) -> float:
            return timed(lambda: StreamCassette.load(paths[size], "none"), 1) / size

        configurations.append((f"replay-{size}", replay))
        configurations.append((f"load-{size}", load))
    if sdk is not None:
        configurations += sdk
    for _ in range(2):  # warm-up
        for _name, measure in configurations:
            measure()
    for _ in range(args.rounds):
        random.shuffle(configurations)
        for name, measure in configurations:
            measurements.setdefault(name, []).append(measure())
    median = {name: statistics.median(values) for name, values in measurements.items()}
    return report(median, args)


def sdk_setup(workdir: Path) -> list[tuple[str, Callable[[], float]]] | None:
    try:
        from stream_chat import StreamChat
    except ImportError:
        print("(stream_chat not importable: SDK figures skipped)")
        return None
    from fake_server import FakeTransport, create_app

    calls = 50
    fake = create_app("bench-key", "bench-secret-0123456789abcdef0123456789abcdef")
    fake.get_app("bench-key").rate_limits.enforce = False
    in_process = StreamChat("bench-key", "bench-secret-0123456789abcdef0123456789abcdef",
                            base_url="http://fake.test", transport=FakeTransport(fake))
    probe = in_process.get_rate_limits(server_side=True, endpoints=["SendMessage"])
    canned = serializer.json_bytes(dict(probe))
    headers = list(probe.headers().items())
    mocked = StreamChat("bench-key", "bench-secret", base_url="http://fake.test",
                        transport=httpx.MockTransport(lambda r: httpx.Response(200, headers=headers, content=canned)))
    recording = StreamCassette.load(workdir / "sdk.yaml", "once")
    StreamChat("bench-key", "bench-secret-0123456789abcdef0123456789abcdef", base_url="http://fake.test",
               transport=CassetteTransport(recording, FakeTransport(fake))).get_rate_limits(
        server_side=True, endpoints=["SendMessage"])
    recording.save()
    replayed = StreamCassette.load(workdir / "sdk.yaml", "none", allow_playback_repeats=True)
    replaying = StreamChat("k", "s", base_url="http://fake.test", transport=CassetteTransport(replayed))

    def call(client: Any) -> Callable[[], float]:
        return lambda: timed(lambda: client.get_rate_limits(server_side=True, endpoints=["SendMessage"]), calls)

    return [("sdk-mock", call(mocked)), ("sdk-fake", call(in_process)), ("sdk-replay", call(replaying))]


def report(median: dict[str, float], args: argparse.Namespace) -> int:
    us = 1e6
    mock = median["mock"]
    ok = True
    print(f"replay cost per request (httpx.Client; median of {args.rounds} interleaved rounds, {args.passes} x 100 requests each)")
    print(f"  bare MockTransport, canned reply : {mock * us:8.1f} us")
    for size in SIZES:
        value = median[f"replay-{size}"]
        ratio = value / mock
        ok &= ratio <= 2.0
        print(f"  replay, {size:>5} interactions    : {value * us:8.1f} us   {ratio:4.2f}x MockTransport")
    spread = median[f"replay-{SIZES[-1]}"] / median[f"replay-{SIZES[0]}"]
    ok &= abs(spread - 1) <= 0.10
    print(f"  {SIZES[-1]} vs {SIZES[0]} interactions      : {spread:4.2f}x (target within 10%)")
    print("cassette load time per interaction")
    for size in SIZES:
        value = median[f"load-{size}"]
        ok &= value <= 0.25e-3
        print(f"  {size:>5} interactions              : {value * 1e3:8.3f} ms")
    if "sdk-mock" in median:
        sdk_mock = median["sdk-mock"]
        print("SDK call cost (StreamChat.get_rate_limits)")
        print(f"  canned MockTransport reply       : {sdk_mock * us:8.1f} us")
        print(f"  in-process fake (FakeTransport)  : {median['sdk-fake'] * us:8.1f} us   {median['sdk-fake'] / sdk_mock:4.2f}x")
        print(f"  cassette replay                  : {median['sdk-replay'] * us:8.1f} us   {median['sdk-replay'] / sdk_mock:4.2f}x")
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
