"""`stream-chat-fake`: serve the fake Stream Chat API with uvicorn."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import socket
import sys
from collections.abc import Sequence

from fake_server.app import DEFAULT_API_KEY, DEFAULT_API_SECRET, create_app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def _app_pair(value: str) -> tuple[str, str]:
    key, sep, secret = value.partition(":")
    if not sep or not key or not secret:
        raise argparse.ArgumentTypeError(f"expected KEY:SECRET, got {value!r}")
    return key, secret


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stream-chat-fake",
        description="Serve an in-memory fake of the Stream Chat REST API.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"interface to bind (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to bind, 0 for any free port (default {DEFAULT_PORT})")
    parser.add_argument(
        "--api-key",
        default=os.environ.get("STREAM_KEY") or DEFAULT_API_KEY,
        help="api key of the default app (default: $STREAM_KEY or STREAM_KEY)",
    )
    parser.add_argument(
        "--api-secret",
        default=os.environ.get("STREAM_SECRET") or DEFAULT_API_SECRET,
        help="api secret of the default app (default: $STREAM_SECRET or STREAM_SECRET)",
    )
    parser.add_argument(
        "--app",
        dest="apps",
        action="append",
        type=_app_pair,
        default=[],
        metavar="KEY:SECRET",
        help="serve one more app (repeatable)",
    )
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn and fake log level (default warning)",
    )
    return parser


def banner(base_url: str, api_key: str, api_secret: str, extra_apps: Sequence[tuple[str, str]]) -> str:
    lines = [
        f"Stream Chat fake server running at {base_url}",
        f"  api key:    {api_key}",
        f"  api secret: {api_secret}",
    ]
    lines += [f"  also app:   {key} / {secret}" for key, secret in extra_apps]
    lines += [
        "Point the SDK at it:",
        f'  import os; os.environ["STREAM_CHAT_URL"] = "{base_url}"',
        f'  chat = StreamChat(api_key="{api_key}", api_secret="{api_secret}")',
        f"Control plane: {base_url}/_fake/apps  -  press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


def serve(argv: Sequence[str]) -> int:
    import uvicorn

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(args.api_key, args.api_secret, apps=args.apps)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this; without it every response waits ~40 ms for a delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        print(f"stream-chat-fake: cannot bind {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    # Listening before the banner is printed, so a client reading it can connect at once.
    sock.listen(2048)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    print(banner(f"http://{host}:{port}", args.api_key, args.api_secret, args.apps), flush=True)
    config = uvicorn.Config(app, log_level=args.log_level, access_log=args.log_level in ("info", "debug"))
    # uvicorn shuts down gracefully on Ctrl-C, then re-raises the signal.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])
    print("stream-chat-fake stopped.", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``stream-chat-fake [server flags]`` serves; ``verify`` and ``check-cassettes`` are subcommands."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] == "verify":
        from fake_server.verify import main as verify

        return verify(arguments[1:])
    if arguments and arguments[0] == "check-cassettes":
        from stream_chat_testing.check import main as check_cassettes

        return check_cassettes(arguments[1:], prog="stream-chat-fake check-cassettes")
    return serve(arguments)


if __name__ == "__main__":
    sys.exit(main())
