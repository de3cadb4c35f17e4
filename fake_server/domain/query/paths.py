"""Dotted custom-field paths (``"details.color"``) resolved through nested JSON objects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from .values import ARRAY_TYPES, MISSING

T = TypeVar("T")


def walk(value: object, segments: Sequence[str]) -> object:
    """Follow ``segments`` into nested dicts. Through an array, the rest of the path is mapped
    over its elements and the present results are collected (array results flattened one
    level) into a list, Mongo-like; ``MISSING`` when nothing is found."""
    current = value
    for index, segment in enumerate(segments):
        if isinstance(current, dict):
            current = current.get(segment, MISSING)
        elif isinstance(current, ARRAY_TYPES):
            found: list[object] = []
            for element in current:
                result = walk(element, segments[index:])
                if result is MISSING:
                    continue
                if isinstance(result, list):
                    found.extend(result)
                else:
                    found.append(result)
            return found if found else MISSING
        else:
            return MISSING
        if current is MISSING:
            return MISSING
    return current


def custom_getter(custom_get: Callable[[T, str], object], key: str) -> Callable[[T], object]:
    """A getter for custom key ``key``: ``custom_get(item, key)`` for a plain key; for a dotted
    key, ``custom_get(item, first_segment)`` followed by :func:`walk`."""
    head, dot, rest = key.partition(".")
    if not dot:
        return lambda item: custom_get(item, key)
    segments = tuple(rest.split("."))
    return lambda item: walk(custom_get(item, head), segments)
