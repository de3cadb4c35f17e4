"""A real loopback HTTP receiver for webhooks and hooks (stdlib, port 0, no external network).

Each request is recorded with its exact raw body and headers; answers are scripted per path
(a queue of ``Reply`` objects, then a default). ``wait_for(n)`` blocks on a condition until
``n`` requests arrived — no sleeping.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(slots=True)
class Reply:
    status: int = 200
    body: bytes = b""
    # Hold the answer this many seconds (a slow receiver, to provoke client timeouts).
    delay: float = 0.0

    @classmethod
    def json(cls, document: Any, status: int = 200) -> Reply:
        return cls(status=status, body=json.dumps(document).encode())


@dataclass(slots=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    thread: threading.Thread
    requests: list[Received] = field(default_factory=list)
    scripts: dict[str, deque[Reply]] = field(default_factory=dict)
    default: Reply = field(default_factory=Reply)
    cond: threading.Condition = field(default_factory=threading.Condition)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"

    def script(self, path: str, *replies: Reply) -> None:
        with self.cond:
            self.scripts.setdefault(path, deque()).extend(replies)

    def next_reply(self, path: str) -> Reply:
        with self.cond:
            queue = self.scripts.get(path)
            if queue:
                return queue.popleft()
            return self.default

    def record(self, item: Received) -> None:
        with self.cond:
            self.requests.append(item)
            self.cond.notify_all()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} requests, got {len(self.requests)}")
                self.cond.wait(remaining)
            return list(self.requests)

    def received(self, path: str | None = None) -> list[Received]:
        with self.cond:
            return [r for r in self.requests if path is None or r.path == path]

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_receiver() -> Receiver:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            receiver = holder["r"]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            receiver.record(Received("POST", self.path, {k: v for k, v in self.headers.items()}, body))
            reply = receiver.next_reply(self.path)
            if reply.delay:
                receiver.release.wait(reply.delay)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except OSError:
                pass  # the client gave up (timeout)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="webhook-receiver", daemon=True
    )
    receiver = Receiver(server=server, thread=thread)
    holder["r"] = receiver
    thread.start()
    return receiver
