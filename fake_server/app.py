"""Builds the fake server's ASGI app: the control plane and the Stream API."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from fake_server.domain.app import ChatApp
from fake_server.domain.registry import AppRegistry
from fake_server.http import control, control_outbound
from fake_server.http.api import StreamAPI
from fake_server.http.routes import all_routes

DEFAULT_API_KEY = "STREAM_KEY"
DEFAULT_API_SECRET = "STREAM_SECRET"
CONTROL_PREFIX = "/_fake/"


class FakeStream(Starlette):
    """The fake Stream Chat service: a Starlette app plus its apps (tenants).

    ``registry`` holds the apps; ``api`` is the raw ASGI endpoint of the Stream API, which
    the in-process transports call directly.
    """

    registry: AppRegistry
    api: StreamAPI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # API traffic goes straight to the dispatcher: Starlette's routing and middleware
        # would add a sizeable share to every call. Starlette keeps the control plane and
        # the lifespan protocol.
        if scope["type"] == "http" and not scope["path"].startswith(CONTROL_PREFIX):
            await self.api(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    def add_app(self, api_key: str, api_secret: str, *, name: str | None = None) -> ChatApp:
        return self.registry.create(api_key, api_secret, name=name)

    def get_app(self, api_key: str) -> ChatApp:
        app = self.registry.get(api_key)
        if app is None:
            raise KeyError(f"no app with api_key {api_key!r}")
        return app


def create_app(
    api_key: str | None = DEFAULT_API_KEY,
    api_secret: str = DEFAULT_API_SECRET,
    *,
    apps: Iterable[tuple[str, str]] = (),
    registry: AppRegistry | None = None,
) -> FakeStream:
    """A fake Stream Chat server with one app (``api_key``/``api_secret``) plus ``apps``.

    Pass ``api_key=None`` to start without any app.
    """
    registry = registry or AppRegistry()
    if api_key is not None and registry.get(api_key) is None:
        registry.create(api_key, api_secret)
    for key, secret in apps:
        if registry.get(key) is None:
            registry.create(key, secret)
    api = StreamAPI(registry, all_routes())
    fake = FakeStream(routes=[Mount(CONTROL_PREFIX.rstrip("/"), routes=control.routes + control_outbound.routes)])
    fake.registry = registry
    fake.api = api
    fake.state.registry = registry
    return fake
