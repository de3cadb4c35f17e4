"""Routes of the Stream API and a fast matcher for them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from fake_server.http.context import RequestContext

Handler = Callable[["RequestContext"], Any]


@dataclass(frozen=True, slots=True)
class Route:
    """One API route: verb, path template with ``{name}`` segments, Stream operation name.

    ``public`` routes (e.g. uploaded files served back) need neither an api_key nor a token
    and are not rate limited; ``server_only`` routes answer user and anonymous tokens 403/17.
    """

    method: str
    path: str
    operation: str
    handler: Handler
    public: bool = False
    server_only: bool = False
    segments: tuple[str, ...] = field(init=False, compare=False)
    # (segment index, parameter name, swallows the rest of the path), worked out once.
    parameters: tuple[tuple[int, str, bool], ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        segments = _split(self.path)
        parameters = tuple(
            (index, segment[1:-2], True) if segment.endswith("*}") else (index, segment[1:-1], False)
            for index, segment in enumerate(segments)
            if segment.startswith("{")
        )
        object.__setattr__(self, "segments", segments)
        object.__setattr__(self, "parameters", parameters)


def route(
    method: str, path: str, operation: str, *, public: bool = False, server_only: bool = False
) -> Callable[[Handler], Route]:
    """Decorator turning a handler function into a Route."""

    def wrap(handler: Handler) -> Route:
        return Route(method.upper(), path, operation, handler, public, server_only)

    return wrap


_RECENT_PATHS = 4096


def _split(path: str) -> tuple[str, ...]:
    # Doubled or trailing slashes are tolerated (a base URL ending in "/" yields "//route").
    return tuple(segment for segment in path.split("/") if segment)


class _Node:
    __slots__ = ("greedy", "literals", "param", "routes")

    def __init__(self) -> None:
        self.literals: dict[str, _Node] = {}
        self.param: _Node | None = None  # any single segment; names come from the route
        self.routes: dict[str, Route] = {}
        self.greedy: dict[str, Route] = {}


class Router:
    """Matches (verb, raw path) to a route by walking a segment tree.

    Literal segments win over parameters (``/channels/read`` before ``/channels/{type}``); a
    trailing ``{name*}`` parameter swallows the rest of the path. Cost grows with the path's
    depth, not with the number of routes.
    """

    def __init__(self, routes: Iterable[Route]) -> None:
        self._root = _Node()
        self.routes: list[Route] = []
        # Recent answers by (verb, raw path): clients repeat the same few paths.
        self._recent = lru_cache(maxsize=_RECENT_PATHS)(self._match)
        for item in routes:
            self.add(item)

    def add(self, item: Route) -> None:
        node = self._root
        segments = item.segments
        for index, segment in enumerate(segments):
            if segment.startswith("{") and segment.endswith("*}"):
                if index != len(segments) - 1:
                    raise ValueError(f"{item.path}: a catch-all parameter must come last")
                if item.method in node.greedy:
                    raise ValueError(f"duplicate route {item.method} {item.path}")
                node.greedy[item.method] = item
                self.routes.append(item)
                self._recent.cache_clear()
                return
            if segment.startswith("{"):
                if node.param is None:
                    node.param = _Node()
                node = node.param
            else:
                node = node.literals.setdefault(segment, _Node())
        if item.method in node.routes:
            raise ValueError(f"duplicate route {item.method} {item.path}")
        node.routes[item.method] = item
        self.routes.append(item)
        self._recent.cache_clear()

    def match(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        """The route and its path parameters (a fresh dict each call), or None."""
        known = self._recent(method, raw_path)
        return None if known is None else (known[0], dict(known[1]))

    def _match(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        segments = _split(raw_path)
        found = _walk(self._root, segments, 0, method)
        if found is None:
            return None
        params: dict[str, str] = {}
        for index, name, rest in found.parameters:
            if rest:
                params[name] = "/".join(unquote(s) for s in segments[index:])
            else:
                params[name] = unquote(segments[index])
        return found, params


def _walk(node: _Node, segments: tuple[str, ...], index: int, method: str) -> Route | None:
    if index == len(segments):
        return node.routes.get(method)
    child = node.literals.get(segments[index])
    if child is not None:
        found = _walk(child, segments, index + 1, method)
        if found is not None:
            return found
    if node.param is not None:
        found = _walk(node.param, segments, index + 1, method)
        if found is not None:
            return found
    return node.greedy.get(method)
