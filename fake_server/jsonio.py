"""JSON encoding for everything the fake sends: compact UTF-8, and fast.

Responses of a query can hold thousands of values; the standard library's encoder spends
more time on them than the rest of the request. orjson encodes the same document an order of
magnitude faster; the standard library takes over for what orjson refuses (integers beyond
64 bits, which JSON input may carry and the fake must echo back unchanged).
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(document: Any) -> bytes:
    try:
        return orjson.dumps(document, default=str)
    except TypeError:
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def dumps_to_keep(document: Any) -> bytes:
    """``dumps`` for bytes that are stored (event and request logs, queued deliveries).

    orjson hands back its whole working buffer, several kilobytes past the end of a small
    document; a right-sized copy keeps a stored 1 KB event at 1 KB instead of 16.
    """
    return compact(dumps(document))


def compact(encoded: bytes) -> bytes:
    """A right-sized copy of bytes from ``dumps`` that are about to be stored."""
    return bytes(memoryview(encoded))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


# One decoder for every request: ``json.loads`` with options builds a new one (and its
# scanner) per call, which cost more than decoding a typical request body.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def loads(raw: bytes | str) -> Any:
    """Parse JSON input keeping every integer exact (orjson would turn big ones into floats)
    and refusing NaN/Infinity, which the fake could not send back as valid JSON."""
    if isinstance(raw, bytes | bytearray):
        raw = raw.decode(json.detect_encoding(raw), "surrogatepass")
    elif raw.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", raw, 0)
    return _DECODER.decode(raw)
