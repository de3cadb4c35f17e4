"""Routes of the Stream API and a fast matcher for them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from fake_server.http.context import RequestContext

Handler = Callable[["RequestContext"], Any]


@dataclass(frozen=True, slots=True)
class Route:
    """One API route: verb, path template with ``{name}`` segments, Stream operation name.

    ``public`` routes (e.g. uploaded files served back) need neither an api_key nor a token
    and are not rate limited.
    """

    method: str
    path: str
    operation: str
    handler: Handler
    public: bool = False

    @property
    def segments(self) -> tuple[str, ...]:
        return _split(self.path)


def route(method: str, path: str, operation: str, *, public: bool = False) -> Callable[[Handler], Route]:
    """Decorator turning a handler function into a Route."""

    def wrap(handler: Handler) -> Route:
        return Route(method.upper(), path, operation, handler, public)

    return wrap


def _split(path: str) -> tuple[str, ...]:
    # Doubled or trailing slashes are tolerated (a base URL ending in "/" yields "//route").
    return tuple(segment for segment in path.split("/") if segment)


class Router:
    """Matches (verb, raw path) to a route; literal segments win over parameters.

    A trailing ``{name*}`` parameter swallows the rest of the path.
    """

    def __init__(self, routes: Iterable[Route]) -> None:
        self._static: dict[tuple[str, tuple[str, ...]], Route] = {}
        self._dynamic: dict[tuple[str, int], list[tuple[Route, tuple[str, ...]]]] = {}
        self._greedy: list[tuple[Route, tuple[str, ...]]] = []
        self.routes: list[Route] = []
        for item in routes:
            self.add(item)

    def add(self, item: Route) -> None:
        segments = item.segments
        self.routes.append(item)
        if segments and segments[-1].endswith("*}"):
            self._greedy.append((item, segments))
        elif any(s.startswith("{") for s in segments):
            bucket = self._dynamic.setdefault((item.method, len(segments)), [])
            bucket.append((item, segments))
            # Prefer templates with more literal segments (e.g. /channels/read over /channels/{type}).
            bucket.sort(key=lambda entry: -sum(not s.startswith("{") for s in entry[1]))
        else:
            key = (item.method, segments)
            if key in self._static:
                raise ValueError(f"duplicate route {item.method} {item.path}")
            self._static[key] = item

    def match(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        segments = _split(raw_path)
        found = self._static.get((method, segments))
        if found is not None:
            return found, {}
        for candidate, template in self._dynamic.get((method, len(segments)), ()):
            params = _bind(template, segments)
            if params is not None:
                return candidate, params
        for candidate, template in self._greedy:
            if candidate.method != method or len(segments) < len(template):
                continue
            params = _bind(template[:-1], segments[: len(template) - 1])
            if params is not None:
                params[template[-1][1:-2]] = "/".join(unquote(s) for s in segments[len(template) - 1 :])
                return candidate, params
        return None


def _bind(template: tuple[str, ...], segments: tuple[str, ...]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for expected, actual in zip(template, segments, strict=True):
        if expected.startswith("{"):
            params[expected[1:-1]] = unquote(actual)
        elif expected != actual:
            return None
    return params
