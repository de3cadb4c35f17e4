"""What a handler sees of a request, with Stream's parsing rules (conventions §1.3, §1.5, §9.1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fake_server import jsonio
from fake_server.domain.errors import input_error

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.auth import Actor
    from fake_server.domain.registry import AppRegistry

_TRUE = frozenset({"1", "t", "true"})
_FALSE = frozenset({"0", "f", "false"})


@dataclass(slots=True)
class RawResponse:
    """A non-JSON answer (e.g. an uploaded file served back)."""

    body: bytes
    content_type: str = "application/octet-stream"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RequestContext:
    app: ChatApp
    actor: Actor
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    raw_body: bytes
    base_url: str
    registry: AppRegistry
    _body: Any = None
    _payload: dict[str, Any] | None = None

    # -- body ------------------------------------------------------------------------------

    def body(self) -> dict[str, Any]:
        """The JSON body as an object; an empty body is ``{}``; anything else is 400/4."""
        if self._body is None:
            self._body = parse_json_object(self.raw_body, "request body")
        result: dict[str, Any] = self._body
        return result

    def payload(self) -> dict[str, Any]:
        """The JSON document of a GET ``payload=`` parameter (or the plain query params without it)."""
        if self._payload is None:
            raw = self.query.get("payload")
            if raw is None:
                self._payload = {k: v for k, v in self.query.items() if k != "api_key"}
            else:
                self._payload = parse_json_object(raw.encode(), "payload")
        return self._payload

    # -- query parameters ----------------------------------------------------------------------

    def query_str(self, name: str) -> str | None:
        value = self.query.get(name)
        return value if value not in (None, "") else None

    def query_bool(self, name: str, default: bool = False) -> bool:
        value = self.query.get(name)
        if value is None or value == "":
            return default
        return parse_bool(value, name)

    def query_int(self, name: str) -> int | None:
        value = self.query.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except ValueError:
            raise input_error(f'expected an integer for "{name}" but got "{value}"', **{name: "not an integer"}) from None

    def query_list(self, name: str) -> list[str]:
        """A comma-separated list parameter (``ids=a,b,c``)."""
        value = self.query.get(name)
        if not value:
            return []
        return [item for item in (part.strip() for part in value.split(",")) if item]


def parse_bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise input_error(f'expected a boolean for "{name}" but got "{value}"', **{name: "not a boolean"})


def parse_json_object(raw: bytes, what: str) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        value = jsonio.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise input_error(f"invalid JSON in {what}: {exc}") from None
    if not isinstance(value, dict):
        raise input_error(f"{what} must be a JSON object")
    return value
