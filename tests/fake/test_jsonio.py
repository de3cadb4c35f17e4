"""The fake's JSON codec: exact integers in, NaN refused, encodings detected like the stdlib."""

from __future__ import annotations

import json

import pytest

from fake_server import jsonio


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
