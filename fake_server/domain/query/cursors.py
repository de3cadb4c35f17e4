"""Opaque cursors (conventions §8.3) and keyset pagination over sorted lists."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, TypeVar

from ..errors import APIError, input_error
from .dates import format_timestamp, parse_timestamp
from .ordering import position_key
from .values import MISSING, is_nan

T = TypeVar("T")

MAX_CURSOR_LENGTH: Final = 8192
_DATE_TAG: Final = "$dt"
_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def _invalid(reason: str) -> APIError:
    return input_error(f"invalid cursor: {reason}")


def _to_json(value: object) -> object:
    if value is None or value is MISSING:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if is_nan(value) else value
    if isinstance(value, datetime):
        return {_DATE_TAG: format_timestamp(value)}
    if isinstance(value, Mapping):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    if isinstance(value, set | frozenset):
        return [_to_json(v) for v in sorted(value, key=repr)]
    raise TypeError(f"cannot encode {type(value).__name__} in a cursor")


def _from_json(value: object) -> object:
    if isinstance(value, dict):
        if len(value) == 1 and _DATE_TAG in value:
            parsed = parse_timestamp(value[_DATE_TAG])
            if parsed is None:
                raise _invalid("bad timestamp")
            return parsed
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def _reject_constant(name: str) -> object:
    raise ValueError(f"non-JSON constant {name}")


def encode_cursor(values: Mapping[str, object]) -> str:
    """base64url (no padding) of compact, key-sorted JSON. Datetimes are encoded as tagged
    RFC 3339 strings (``{"$dt": "...Z"}``, microseconds) and restored by :func:`decode_cursor`;
    ``MISSING`` and NaN become ``null``; tuples/sets become arrays."""
    document = json.dumps(_to_json(values), sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(document.encode("utf-8")).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: object) -> dict[str, object]:
    """Inverse of :func:`encode_cursor` (padding tolerated); anything else → 400/4
    ``invalid cursor``."""
    if not isinstance(cursor, str) or not cursor:
        raise _invalid("expected a non-empty string")
    if len(cursor) > MAX_CURSOR_LENGTH or not _BASE64URL.fullmatch(cursor):
        raise _invalid("not a cursor issued by this server")
    body = cursor.rstrip("=")
    if len(body) % 4 == 1:
        raise _invalid("not a cursor issued by this server")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        document = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        if not isinstance(document, dict):
            raise ValueError("not an object")
        decoded = _from_json(document)
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):
        raise _invalid("not a cursor issued by this server") from None
    assert isinstance(decoded, dict)
    return decoded


def fingerprint(context: object) -> str:
    """A short, stable hash of a JSON-like value (e.g. the filter + sort of a query)."""
    document = json.dumps(_to_json({"c": context}), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(document.encode("utf-8")).hexdigest()[:16]


def _make_cursor(
    boundary: Sequence[object], *, forward: bool, inclusive: bool, context_hash: str | None
) -> str:
    document: dict[str, object] = {"d": "n" if forward else "p", "k": list(boundary)}
    if inclusive:
        document["i"] = 1
    if context_hash is not None:
        document["h"] = context_hash
    return encode_cursor(document)


def _read_cursor(
    cursor: str, *, arity: int | None, context_hash: str | None
) -> tuple[list[object], bool, bool]:
    document = decode_cursor(cursor)
    direction, boundary = document.get("d"), document.get("k")
    if direction not in ("n", "p") or not isinstance(boundary, list):
        raise _invalid("not a pagination cursor")
    if arity is not None and len(boundary) != arity:
        raise _invalid("it does not belong to this sort order")
    if context_hash is not None and document.get("h") != context_hash:
        raise _invalid("it was issued for a different query")
    return boundary, direction == "n", document.get("i") == 1


def keyset_page(
    items: Sequence[T],
    *,
    key: Callable[[T], tuple[object, ...]],
    limit: int,
    next_cursor: str | None,
    prev_cursor: str | None,
    directions: Sequence[int] | None = None,
    context: object = None,
) -> tuple[list[T], str | None, str | None]:
    """One page of ``items`` (already sorted) plus ``(next, prev)`` cursors.

    ``key(item)`` is the item's unique sort key along the list's order; ``directions`` gives
    the direction of each key component (1 ascending, -1 descending; default all ascending),
    with absent (``None``/``MISSING``) components last as in :func:`compile_sort` — so pass
    ``sorter.key`` and ``sorter.directions`` for a list sorted by a :class:`Sorter`.

    A cursor stores its boundary key and its own direction, so either slot may carry either
    cursor (search passes ``previous`` back as ``next``); both at once → 400/4. Empty strings
    count as absent. ``next`` is ``None`` when nothing follows the page, ``prev`` is ``None``
    when nothing precedes it. ``context`` (e.g. the filter and sort) is hashed into issued
    cursors and must match when they come back (else 400/4). Cost: O(log n + limit) calls of
    ``key`` per page (bisect), so the boundary item need not still exist.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    dirs = tuple(directions) if directions is not None else None
    if dirs is not None and any(d not in (1, -1) for d in dirs):
        raise ValueError("directions must be 1 or -1")
    if next_cursor and prev_cursor:
        raise input_error("next and prev cannot be used together")
    cursor = next_cursor or prev_cursor or None
    context_hash = fingerprint(context) if context is not None else None
    total = len(items)

    if cursor is None:
        lo, hi = 0, min(limit, total)
        forward, inclusive, boundary = True, False, None
    else:
        arity = len(dirs) if dirs is not None else (len(key(items[0])) if items else None)
        boundary, forward, inclusive = _read_cursor(cursor, arity=arity, context_hash=context_hash)
        component_dirs = dirs if dirs is not None else (1,) * len(boundary)
        target = position_key(boundary, component_dirs)

        def position(item: T) -> tuple[Any, ...]:
            return position_key(key(item), component_dirs)

        if forward:
            lo = (bisect_left if inclusive else bisect_right)(items, target, key=position)
            hi = min(lo + limit, total)
        else:
            hi = (bisect_right if inclusive else bisect_left)(items, target, key=position)
            lo = max(0, hi - limit)

    page = list(items[lo:hi])
    next_out: str | None = None
    prev_out: str | None = None
    if page:
        if hi < total:
            next_out = _make_cursor(
                key(items[hi - 1]), forward=True, inclusive=False, context_hash=context_hash
            )
        if lo > 0:
            prev_out = _make_cursor(
                key(items[lo]), forward=False, inclusive=False, context_hash=context_hash
            )
    elif boundary is not None:
        # Empty page: offer the way back across the same boundary.
        if forward and lo > 0:
            prev_out = _make_cursor(
                boundary, forward=False, inclusive=not inclusive, context_hash=context_hash
            )
        elif not forward and hi < total:
            next_out = _make_cursor(
                boundary, forward=True, inclusive=not inclusive, context_hash=context_hash
            )
    return page, next_out, prev_out


def cursor_value(value: object, name: str) -> str | None:
    """A ``next``/``prev`` value of a request: a string, or absent (None or empty)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise input_error(f"{name} must be a string")
    return value


def paged(
    items: Sequence[T],
    request: Mapping[str, object],
    *,
    key: Callable[[T], tuple[object, ...]],
    limit: int,
    directions: Sequence[int] | None = None,
    context: object = None,
) -> tuple[list[T], dict[str, str]]:
    """:func:`keyset_page` driven by a request's ``next``/``prev``; returns the page and the
    cursors to answer with (only those that exist, keyed ``next``/``prev``)."""
    page, next_cursor, prev_cursor = keyset_page(
        items,
        key=key,
        limit=limit,
        next_cursor=cursor_value(request.get("next"), "next"),
        prev_cursor=cursor_value(request.get("prev"), "prev"),
        directions=directions,
        context=context,
    )
    cursors: dict[str, str] = {}
    if next_cursor:
        cursors["next"] = next_cursor
    if prev_cursor:
        cursors["prev"] = prev_cursor
    return page, cursors
