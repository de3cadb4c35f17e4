"""Builds the fake server's ASGI app: the control plane and the Stream API."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.routing import Mount

from fake_server.domain.app import ChatApp
from fake_server.domain.registry import AppRegistry
from fake_server.http import control, control_outbound
from fake_server.http.api import StreamAPI
from fake_server.http.routes import all_routes

DEFAULT_API_KEY = "STREAM_KEY"
DEFAULT_API_SECRET = "STREAM_SECRET"


class FakeStream(Starlette):
    """The fake Stream Chat service: a Starlette app plus its apps (tenants).

    ``registry`` holds the apps; ``api`` is the raw ASGI endpoint of the Stream API, which
    the in-process transports call directly.
    """

    registry: AppRegistry
    api: StreamAPI

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
    fake = FakeStream(routes=[Mount("/_fake", routes=control.routes + control_outbound.routes), Mount("", app=api)])
    fake.registry = registry
    fake.api = api
    fake.state.registry = registry
    return fake
