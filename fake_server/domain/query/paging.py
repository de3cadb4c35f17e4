"""``limit`` / ``offset`` validation (conventions §8.1)."""

from __future__ import annotations

import re
from typing import Final

from ..errors import input_error
from .values import MISSING, json_kind

_INTEGER_TEXT: Final = re.compile(r"[+-]?\d+")


def _as_int(value: object, name: str) -> int:
    """An int from a JSON integer or (query-string style) a decimal integer string."""
    if isinstance(value, bool):
        raise input_error(f"{name} must be an integer, got boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    raise input_error(f"{name} must be an integer, got {json_kind(value)}")


def page_limit(value: object, *, name: str = "limit", default: int, maximum: int) -> int:
    """``None``/absent or 0 → ``default``; negative, non-integer or above ``maximum`` → 400/4."""
    if value is None or value is MISSING:
        return default
    number = _as_int(value, name)
    if number < 0:
        raise input_error(f"{name} must be 0 or greater")
    if number > maximum:
        raise input_error(f"{name} must be {maximum} or less")
    return default if number == 0 else number


def page_offset(value: object, *, name: str = "offset", maximum: int) -> int:
    """``None``/absent → 0; negative, non-integer or above ``maximum`` → 400/4."""
    if value is None or value is MISSING:
        return 0
    number = _as_int(value, name)
    if number < 0:
        raise input_error(f"{name} must be 0 or greater")
    if number > maximum:
        raise input_error(f"{name} must be {maximum} or less")
    return number
