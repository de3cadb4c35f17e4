"""The fake's JSON codec: exact integers in, NaN refused, encodings detected like the stdlib."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from fake_server import jsonio
from fake_server.domain.events import EventLog


@pytest.mark.parametrize(
    "raw",
    [
        b'{"n": 123456789012345678901234567890, "f": 1.5, "s": "caf\\u00e9"}',
        '{"text": "caf\u00e9"}'.encode(),
        '{"text": "caf\u00e9"}'.encode("utf-16"),
        '{"text": "caf\u00e9"}'.encode("utf-32-le"),
        b"\xef\xbb\xbf" + b'{"bom": true}',
        '{"as": "str"}',
    ],
)
def test_loads_matches_the_standard_library(raw: bytes | str) -> None:
    assert jsonio.loads(raw) == json.loads(raw)


@pytest.mark.parametrize("raw", [b'{"x": NaN}', b"[Infinity]", b"{", "\ufeff{}", b"\xff\xfe\x00"])
def test_loads_refuses_what_the_fake_could_not_echo(raw: bytes | str) -> None:
    with pytest.raises(ValueError):
        jsonio.loads(raw)


def test_big_integers_survive_a_round_trip() -> None:
    document = {"n": 2**80, "m": -(2**70)}
    assert jsonio.loads(jsonio.dumps(document)) == document


def test_stored_events_keep_their_size_not_the_encoder_buffer() -> None:
    log = EventLog()
    event = {"type": "message.new", "message": {"text": "x" * 1_000}}
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(200):
            log.append(event)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 200 * 2_000  # ~1.1 KB of JSON each; orjson's own buffer would be ~16 KB
    assert log.list()[-1] == event
