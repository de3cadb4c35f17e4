"""The pytest plugin (entry point ``pytest11: stream_chat``): fixtures, markers, options.

Importing this module is cheap and has no side effects: the fake, the SDK, httpx, vcrpy and
YAML are imported inside the fixtures that need them, so a test session that never asks for a
``stream_chat_*`` fixture pays nothing and patches nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from stream_chat_testing.fake import ClientPool

if TYPE_CHECKING:
    from fake_server import FakeStream
    from fake_server.live import LiveServer
    from stream_chat_testing.cassette import StreamCassette
    from stream_chat_testing.fake import LiveStreamChatFake, StreamChatFake
    from stream_chat_testing.ids import StreamChatIds

BACKENDS = ("fake", "replay", "live")
RECORD_MODES = ("none", "once", "new_episodes", "all")
RECORD_TARGETS = ("stream", "fake")
DEFAULT_STREAM_URL = "https://chat.stream-io-api.com"
REPLAY_API_KEY = "replay-api-key"
REPLAY_API_SECRET = "replay-api-secret-not-a-credential"
CONFIG_KEYS = frozenset(
    {"record_mode", "allow_playback_repeats", "drop_unused_requests", "match_ignore", "shift_ratelimit_reset"}
)

CASSETTE_MARKER = (
    "stream_chat_cassette(name=None, *, record_mode=None, allow_playback_repeats=False, "
    "drop_unused_requests=False, match_ignore=(), shift_ratelimit_reset=None): configure the "
    "record/replay cassette of this test (file name, record mode, matching)."
)
BACKENDS_MARKER = (
    "stream_chat_backends(*names): run this test only when --stream-chat-backend is one of "
    "names (fake, replay, live), e.g. for tests that use the fake's control methods."
)


# -- options ------------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("stream_chat", "Stream Chat testing (fake server, record/replay)")
    group.addoption(
        "--stream-chat-backend",
        choices=BACKENDS,
        default=None,
        help="what stream_chat_client talks to: the in-process fake (default), cassettes (replay), "
        "or the real API (live; needs STREAM_KEY and STREAM_SECRET, optional STREAM_CHAT_URL).",
    )
    group.addoption(
        "--stream-chat-record-mode",
        choices=RECORD_MODES,
        default=None,
        help="vcrpy record mode of Stream Chat cassettes (default none: replay only). Overrides "
        "the stream_chat_cassette marker and the stream_chat_cassette_config fixture.",
    )
    group.addoption(
        "--stream-chat-record-target",
        choices=RECORD_TARGETS,
        default=None,
        help="where recordings come from: the Stream API ('stream', default; STREAM_KEY, "
        "STREAM_SECRET, optional STREAM_CHAT_URL) or the fake served on loopback ('fake').",
    )
    group.addoption(
        "--stream-chat-cassette-dir",
        default=None,
        metavar="DIR",
        help="directory of Stream Chat cassettes, relative to the rootdir (default: cassettes).",
    )
    group.addoption(
        "--stream-chat-shift-ratelimit-reset",
        action="store_true",
        default=None,
        help="replay x-ratelimit-reset shifted so it keeps its distance to 'now' instead of the "
        "recording time.",
    )
    parser.addini("stream_chat_backend", "default of --stream-chat-backend", default="fake")
    parser.addini("stream_chat_record_mode", "default of --stream-chat-record-mode", default="none")
    parser.addini("stream_chat_record_target", "default of --stream-chat-record-target", default="stream")
    parser.addini("stream_chat_cassette_dir", "default of --stream-chat-cassette-dir", default="cassettes")
    parser.addini(
        "stream_chat_shift_ratelimit_reset", "default of --stream-chat-shift-ratelimit-reset", type="bool", default=False
    )


@dataclass(frozen=True)
class Settings:
    backend: str
    record_mode: str | None  # given on the command line: wins over markers and config
    default_record_mode: str
    record_target: str
    cassette_dir: Path
    shift_ratelimit_reset: bool

    @property
    def credentials(self) -> tuple[str, str, str] | None:
        """(api_key, api_secret, base_url) of the real API from the environment, if set."""
        key, secret = os.environ.get("STREAM_KEY"), os.environ.get("STREAM_SECRET")
        if not key or not secret:
            return None
        return key, secret, os.environ.get("STREAM_CHAT_URL") or DEFAULT_STREAM_URL


_SETTINGS = pytest.StashKey[Settings]()


def _choice(config: pytest.Config, option: str, ini: str, choices: tuple[str, ...]) -> str:
    value = config.getoption(option) or config.getini(ini)
    if value not in choices:
        raise pytest.UsageError(f"{ini} must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", CASSETTE_MARKER)
    config.addinivalue_line("markers", BACKENDS_MARKER)
    directory = Path(config.getoption("--stream-chat-cassette-dir") or config.getini("stream_chat_cassette_dir"))
    shift = config.getoption("--stream-chat-shift-ratelimit-reset")
    settings = Settings(
        backend=_choice(config, "--stream-chat-backend", "stream_chat_backend", BACKENDS),
        record_mode=config.getoption("--stream-chat-record-mode"),
        default_record_mode=_choice(config, "--stream-chat-record-mode", "stream_chat_record_mode", RECORD_MODES),
        record_target=_choice(config, "--stream-chat-record-target", "stream_chat_record_target", RECORD_TARGETS),
        cassette_dir=directory if directory.is_absolute() else config.rootpath / directory,
        shift_ratelimit_reset=bool(shift if shift is not None else config.getini("stream_chat_shift_ratelimit_reset")),
    )
    if settings.backend == "live" and settings.credentials is None:
        raise pytest.UsageError(
            "--stream-chat-backend=live talks to the real Stream API: set STREAM_KEY and STREAM_SECRET "
            "(and optionally STREAM_CHAT_URL)"
        )
    config.stash[_SETTINGS] = settings


def pytest_report_header(config: pytest.Config) -> str | None:
    settings = config.stash.get(_SETTINGS, None)
    if settings is None or (settings.backend == "fake" and settings.record_mode is None):
        return None
    mode = settings.record_mode or settings.default_record_mode
    return (
        f"stream_chat: backend={settings.backend} record_mode={mode} "
        f"record_target={settings.record_target} cassettes={settings.cassette_dir}"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("stream_chat_backends")
    if marker is None:
        return
    unknown = [name for name in marker.args if name not in BACKENDS]
    if unknown:
        raise pytest.UsageError(f"stream_chat_backends: unknown backend(s) {unknown}; use {', '.join(BACKENDS)}")
    backend = item.config.stash[_SETTINGS].backend
    if backend not in marker.args:
        pytest.skip(f"runs on the {', '.join(marker.args)} backend(s), not {backend}")


def _settings(request: pytest.FixtureRequest) -> Settings:
    return request.config.stash[_SETTINGS]


# -- the fake -----------------------------------------------------------------------------------


def _new_service() -> FakeStream:
    from fake_server import create_app

    return create_app(api_key=None)


@pytest.fixture(scope="session")
def stream_chat_fake_service() -> FakeStream:
    """One in-process ``FakeStream`` for the whole session (used by ``stream_chat_session_fake``)."""
    return _new_service()


@pytest.fixture
def stream_chat_fake() -> Iterator[StreamChatFake]:
    """A fresh in-process fake (its own ``FakeStream`` and app) with a ready client and controls."""
    from stream_chat_testing.fake import StreamChatFake, new_credentials

    service = _new_service()
    handle = StreamChatFake(service, service.add_app(*new_credentials()))
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def stream_chat_session_fake(stream_chat_fake_service: FakeStream) -> Iterator[StreamChatFake]:
    """Like ``stream_chat_fake``, but a fresh app (tenant) on the session's shared ``FakeStream``."""
    from stream_chat_testing.fake import StreamChatFake, new_credentials

    app = stream_chat_fake_service.add_app(*new_credentials())
    handle = StreamChatFake(stream_chat_fake_service, app)
    try:
        yield handle
    finally:
        handle.close()
        stream_chat_fake_service.registry.remove(app.api_key)


@pytest.fixture(scope="session")
def stream_chat_live_server() -> Iterator[LiveServer]:
    """The fake served by uvicorn on a free loopback port, started once per session (per xdist worker)."""
    from fake_server.live import LiveServer

    server = LiveServer(_new_service()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def stream_chat_fake_server(stream_chat_live_server: LiveServer) -> Iterator[LiveStreamChatFake]:
    """A fresh app on the live fake server: ``.base_url``, clients over loopback, same controls."""
    from stream_chat_testing.fake import LiveStreamChatFake, new_credentials

    service: FakeStream = stream_chat_live_server.app
    app = service.add_app(*new_credentials())
    handle = LiveStreamChatFake(service, app, stream_chat_live_server)
    try:
        yield handle
    finally:
        handle.close()
        service.registry.remove(app.api_key)


# -- record / replay ----------------------------------------------------------------------------


@pytest.fixture
def stream_chat_cassette_config() -> dict[str, Any]:
    """Override (e.g. in a conftest) to configure every cassette of a scope, like pytest-recording's ``vcr_config``.

    Keys: ``record_mode``, ``allow_playback_repeats``, ``drop_unused_requests``,
    ``match_ignore`` (dotted body/payload paths left out of matching, ``*`` for any key),
    ``shift_ratelimit_reset``.
    """
    return {}


_UNSAFE_CHARS = re.compile(r"[^\w.\-\[\]=,+@]")


def _test_name(request: pytest.FixtureRequest) -> str:
    parts = request.node.nodeid.split("::")[1:]
    name = ".".join(parts) or request.node.name
    name = _UNSAFE_CHARS.sub("_", name)
    return name[:200]


def cassette_path(request: pytest.FixtureRequest, name: str | None = None) -> Path:
    """``<cassette dir>/<test module path without .py>/<test name>.yaml``."""
    settings = _settings(request)
    if name and ("/" in name or os.sep in name):
        path = settings.cassette_dir / name
    else:
        module = Path(request.node.path)
        try:
            folder = module.relative_to(request.config.rootpath).with_suffix("")
        except ValueError:
            folder = Path(module.stem)
        path = settings.cassette_dir / folder / (name or _test_name(request))
    return path if path.suffix in (".yaml", ".yml") else path.with_name(path.name + ".yaml")


class CassetteSession(ClientPool):
    """What ``stream_chat_cassette`` returns: a cassette and SDK clients whose traffic goes through it.

    Attributes: ``cassette`` (the :class:`~stream_chat_testing.cassette.StreamCassette`),
    ``path``, ``record_mode``, ``ids`` (deterministic ids), ``api_key``/``api_secret``/``base_url``
    the clients use (the record target's, or placeholders when only replaying), ``client``
    (``StreamChat``), ``async_client()`` (``StreamChatAsync``), and ``transport()`` /
    ``async_transport()`` / ``client_options()`` to route your own httpx clients through it.
    """

    def __init__(
        self,
        cassette: StreamCassette,
        *,
        api_key: str,
        api_secret: str,
        base_url: str,
        target: str | None,
    ) -> None:
        from stream_chat_testing.ids import StreamChatIds

        super().__init__()
        self.cassette = cassette
        self.path = cassette.path
        self.api_key = api_key
        self.api_secret = api_secret
        self.base_url = base_url
        self.target = target  # "stream", "fake" or None (replay only)
        self.ids: StreamChatIds = StreamChatIds(cassette.ids())

    @property
    def record_mode(self) -> str:
        return self.cassette.mode

    def __repr__(self) -> str:
        return f"<CassetteSession {self.path} mode={self.record_mode} target={self.target}>"

    def transport(self) -> Any:
        import httpx

        from stream_chat_testing.transport import CassetteTransport

        target = httpx.HTTPTransport() if self.target is not None else None
        return CassetteTransport(self.cassette, target)

    def async_transport(self) -> Any:
        import httpx

        from stream_chat_testing.transport import AsyncCassetteTransport

        target = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)) if self.target else None
        return AsyncCassetteTransport(self.cassette, target)

    def client_options(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "transport": self.transport()}

    def async_client_options(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "transport": self.async_transport()}


def _cassette_options(request: pytest.FixtureRequest) -> tuple[str | None, dict[str, Any]]:
    config = dict(request.getfixturevalue("stream_chat_cassette_config"))
    marker = request.node.get_closest_marker("stream_chat_cassette")
    name: str | None = None
    if marker is not None:
        if len(marker.args) > 1:
            raise pytest.UsageError("stream_chat_cassette takes at most one positional argument (the cassette name)")
        name = marker.args[0] if marker.args else marker.kwargs.get("name")
        config.update({k: v for k, v in marker.kwargs.items() if k != "name"})
    unknown = set(config) - CONFIG_KEYS
    if unknown:
        raise pytest.UsageError(f"unknown stream_chat_cassette option(s): {', '.join(sorted(unknown))}")
    return name, config


@pytest.fixture
def stream_chat_cassette(request: pytest.FixtureRequest) -> Iterator[CassetteSession]:
    """A cassette for this test (``cassettes/<module>/<test>.yaml``) and clients that use it.

    Record mode: ``--stream-chat-record-mode`` > marker > ``stream_chat_cassette_config`` >
    ini ``stream_chat_record_mode`` > ``none``. Saved at teardown when something was recorded.
    """
    from stream_chat_testing.cassette import StreamCassette
    from stream_chat_testing.fake import new_credentials
    from stream_chat_testing.sanitize import Scrubber

    settings = _settings(request)
    name, config = _cassette_options(request)
    mode = settings.record_mode or config.get("record_mode") or settings.default_record_mode
    if mode not in RECORD_MODES:
        raise pytest.UsageError(f"record_mode must be one of {', '.join(RECORD_MODES)}, not {mode!r}")
    shift = config.get("shift_ratelimit_reset")
    environment = settings.credentials
    secrets = [environment[1]] if environment else []
    keys = [environment[0]] if environment else []
    cassette = StreamCassette.load(
        cassette_path(request, name),
        mode,
        scrubber=Scrubber(secrets, keys),
        match_ignore=config.get("match_ignore", ()),
        allow_playback_repeats=bool(config.get("allow_playback_repeats", False)),
        drop_unused_requests=bool(config.get("drop_unused_requests", False)),
        shift_ratelimit_reset=settings.shift_ratelimit_reset if shift is None else bool(shift),
        record_target=settings.record_target,
    )
    target: str | None = None
    api_key, api_secret, base_url = REPLAY_API_KEY, REPLAY_API_SECRET, DEFAULT_STREAM_URL
    cleanup: Any = None
    if cassette.will_record:
        if settings.record_target == "fake":
            server: LiveServer = request.getfixturevalue("stream_chat_live_server")
            service: FakeStream = server.app
            app = service.add_app(*new_credentials("record"))
            api_key, api_secret, base_url, target = app.api_key, app.api_secret, server.base_url, "fake"
            cassette.record_base_url = base_url

            def cleanup() -> None:
                service.registry.remove(app.api_key)

        elif environment is not None:
            api_key, api_secret, base_url = environment
            target = "stream"
            cassette.record_base_url = base_url
    cassette.scrubber = Scrubber([api_secret, *secrets], [api_key, *keys])
    cassette.matcher.scrubber = cassette.scrubber
    session = CassetteSession(cassette, api_key=api_key, api_secret=api_secret, base_url=base_url, target=target)
    try:
        yield session
    finally:
        session.close()
        if cleanup is not None:
            cleanup()
        cassette.save()


@pytest.fixture
def stream_chat_ids(request: pytest.FixtureRequest) -> StreamChatIds:
    """Ids and instants for test data: stored in the cassette when the test uses one, else random."""
    from stream_chat_testing.ids import StreamChatIds

    if _uses_cassette(request):
        session: CassetteSession = request.getfixturevalue("stream_chat_cassette")
        return session.ids
    return StreamChatIds()


def _uses_cassette(request: pytest.FixtureRequest) -> bool:
    names = request.fixturenames
    if "stream_chat_cassette" in names:
        return True
    return _settings(request).backend == "replay" and (
        "stream_chat_client" in names or "stream_chat_async_client" in names
    )


# -- the backend switch -------------------------------------------------------------------------


class LiveBackend:
    """The real Stream API from STREAM_KEY / STREAM_SECRET / STREAM_CHAT_URL."""

    def __init__(self, api_key: str, api_secret: str, base_url: str) -> None:
        self.api_key, self.api_secret, self.base_url = api_key, api_secret, base_url
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            from stream_chat import StreamChat

            self._client = StreamChat(self.api_key, self.api_secret, base_url=self.base_url)
        return self._client

    def async_client(self, **options: Any) -> Any:
        import httpx

        from stream_chat import StreamChatAsync

        transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
        return StreamChatAsync(self.api_key, self.api_secret, **{"base_url": self.base_url, "transport": transport, **options})

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


@pytest.fixture(scope="session")
def stream_chat_backend(pytestconfig: pytest.Config) -> str:
    """The selected backend: ``"fake"``, ``"replay"`` or ``"live"``."""
    return pytestconfig.stash[_SETTINGS].backend


@pytest.fixture
def stream_chat_backend_handle(request: pytest.FixtureRequest, stream_chat_backend: str) -> Iterator[Any]:
    """The object behind ``stream_chat_client``: a ``StreamChatFake``, a ``CassetteSession`` or a live handle."""
    if stream_chat_backend == "fake":
        yield request.getfixturevalue("stream_chat_fake")
    elif stream_chat_backend == "replay":
        yield request.getfixturevalue("stream_chat_cassette")
    else:
        credentials = _settings(request).credentials
        assert credentials is not None  # checked in pytest_configure
        handle = LiveBackend(*credentials)
        try:
            yield handle
        finally:
            handle.close()


@pytest.fixture
def stream_chat_client(stream_chat_backend_handle: Any) -> Any:
    """A ``StreamChat`` on the selected backend: in-process fake, cassette replay, or the real API."""
    return stream_chat_backend_handle.client


try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - exercised only without pytest-asyncio

    @pytest.fixture
    def stream_chat_async_client() -> Any:
        """A ``StreamChatAsync`` on the selected backend (needs pytest-asyncio)."""
        pytest.fail("stream_chat_async_client needs pytest-asyncio installed", pytrace=False)

else:

    @pytest_asyncio.fixture
    async def stream_chat_async_client(  # type: ignore[misc]  # replaces the fallback above
        stream_chat_backend_handle: Any,
    ) -> AsyncIterator[Any]:
        """A ``StreamChatAsync`` on the selected backend, closed on the test's event loop."""
        client = stream_chat_backend_handle.async_client()
        try:
            yield client
        finally:
            await client.close()
