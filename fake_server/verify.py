"""``stream-chat-fake verify CASSETTE_DIR``: does the fake still answer like the recordings?

Each cassette (vcrpy YAML, including the structured ``json:`` bodies that the pytest plugin
writes) is replayed, in order, against a fresh app of a fresh in-process fake. Every answer is
compared with the recorded one:

- **status**: the HTTP status;
- **error code**: Stream's ``code`` in error envelopes;
- **structure**: the JSON shape — keys present on each side and the JSON type of each value
  (``null``/``bool``/``number``/``string``/``array``/``object``), recursively, with list
  elements compared by their first element. Values are ignored (ids, timestamps, durations,
  counters all legitimately differ);
- **rate limits**: the ``x-ratelimit-limit``/``-remaining``/``-reset`` headers are present on
  both sides, and the limit is the same.

Server-generated ids differ between the recording and the fake (a message sent without an id,
a task id); they are learnt from each pair of responses (``id``, ``*_id`` and ``cid`` fields)
and substituted into later requests, so ``update_message(<recorded id>)`` reaches the
message the fake created.

Output: a table per operation, the details of every drift, or ``--json`` for a
machine-readable summary. Exit status 0 without drift, 1 with drift, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fake_server.domain.query import json_kind

VERIFY_API_KEY = "verify-api-key"
VERIFY_API_SECRET = "verify-api-secret-0123456789abcdef0123456789abcdef"
RATE_LIMIT_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")
KINDS = ("status", "error_code", "structure", "rate_limit")
_BASE_URL = "http://stream-chat-fake.verify"
_MIN_ID_LENGTH = 6


@dataclass(frozen=True, slots=True)
class Drift:
    cassette: str
    interaction: int
    operation: str
    kind: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "cassette": self.cassette,
            "interaction": self.interaction,
            "operation": self.operation,
            "kind": self.kind,
            "detail": self.detail,
        }


@dataclass
class OperationSummary:
    calls: int = 0
    drifts: list[Drift] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for d in self.drifts if d.kind == kind)


@dataclass
class Report:
    cassettes: int = 0
    interactions: int = 0
    operations: dict[str, OperationSummary] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def drifts(self) -> list[Drift]:
        return [d for summary in self.operations.values() for d in summary.drifts]

    @property
    def drifted(self) -> bool:
        return bool(self.drifts) or bool(self.errors)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.drifted,
            "cassettes": self.cassettes,
            "interactions": self.interactions,
            "drift_count": len(self.drifts),
            "operations": {
                name: {
                    "calls": summary.calls,
                    "drift": {kind: summary.count(kind) for kind in KINDS},
                    "drifts": [d.as_dict() for d in summary.drifts],
                }
                for name, summary in sorted(self.operations.items())
            },
            "errors": self.errors,
        }


# -- loading ------------------------------------------------------------------------------------


def cassette_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_interactions(path: Path) -> list[dict[str, Any]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(path.read_text("utf-8"), Loader=loader)
    if not isinstance(document, dict) or not isinstance(document.get("interactions"), list):
        raise ValueError("not a cassette (no 'interactions' list)")
    return list(document["interactions"])


def body_bytes(stored: Any) -> bytes:
    if stored is None:
        return b""
    if isinstance(stored, bytes):
        return stored
    if isinstance(stored, str):
        return stored.encode("utf-8")
    if isinstance(stored, dict):
        if "json" in stored:
            return json.dumps(stored["json"], separators=(",", ":"), ensure_ascii=False).encode()
        if "base64" in stored:
            return base64.b64decode(stored["base64"])
        if "string" in stored:
            return body_bytes(stored["string"])
    raise ValueError(f"unknown body form {stored!r:.60}")


def body_document(stored: Any) -> Any:
    if isinstance(stored, dict) and "json" in stored:
        return stored["json"]
    raw = body_bytes(stored)
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _headers(stored: Any) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    if isinstance(stored, dict):
        for name, values in stored.items():
            items = values if isinstance(values, list) else [values]
            result.setdefault(str(name).lower(), []).extend(str(v) for v in items)
    return result


# -- comparing ------------------------------------------------------------------------------------




def structure_differences(recorded: Any, actual: Any, path: str = "", limit: int = 20) -> list[str]:
    """Keys and JSON types that differ between two documents (values ignored)."""
    found: list[str] = []
    _compare(recorded, actual, path, found, limit)
    return found


def _compare(recorded: Any, actual: Any, path: str, found: list[str], limit: int) -> None:
    if len(found) >= limit:
        return
    where = path or "(root)"
    recorded_type, actual_type = json_kind(recorded), json_kind(actual)
    if recorded_type != actual_type:
        found.append(f"{where}: recorded {recorded_type}, fake {actual_type}")
        return
    if isinstance(recorded, dict):
        for key in sorted(set(recorded) - set(actual)):
            found.append(f"{_join(path, key)}: recorded, missing in fake")
        for key in sorted(set(actual) - set(recorded)):
            found.append(f"{_join(path, key)}: only in fake")
        for key in sorted(set(recorded) & set(actual)):
            _compare(recorded[key], actual[key], _join(path, key), found, limit)
    elif isinstance(recorded, list) and recorded and actual:
        _compare(recorded[0], actual[0], f"{path}[]", found, limit)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def learn_ids(recorded: Any, actual: Any, mapping: dict[str, str]) -> None:
    """Pair up server-generated ids of a recorded answer and the fake's answer."""
    if isinstance(recorded, dict) and isinstance(actual, dict):
        for key, value in recorded.items():
            other = actual.get(key)
            if (
                (key in ("id", "cid") or key.endswith("_id"))
                and isinstance(value, str)
                and isinstance(other, str)
                and value != other
                and len(value) >= _MIN_ID_LENGTH
            ):
                mapping.setdefault(value, other)
            else:
                learn_ids(value, other, mapping)
    elif isinstance(recorded, list) and isinstance(actual, list):
        for left, right in zip(recorded, actual, strict=False):
            learn_ids(left, right, mapping)


def _substitute(text: str, mapping: dict[str, str]) -> str:
    for old, new in mapping.items():
        if old in text:
            text = text.replace(old, new)
    return text


# -- replaying -----------------------------------------------------------------------------------


class _Replayer:
    def __init__(self) -> None:
        import httpx
        import jwt

        from fake_server import FakeTransport, create_app

        self.fake = create_app(VERIFY_API_KEY, VERIFY_API_SECRET)
        self.app = self.fake.get_app(VERIFY_API_KEY)
        self.token = jwt.encode({"server": True}, VERIFY_API_SECRET, algorithm="HS256")
        self.http = httpx.Client(transport=FakeTransport(self.fake), base_url=_BASE_URL)
        self.ids: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def send(self, request: dict[str, Any]) -> tuple[str, int, dict[str, list[str]], Any]:
        parts = urlsplit(str(request["uri"]))
        pairs = [(n, v) for n, v in parse_qsl(parts.query, keep_blank_values=True) if n != "api_key"]
        pairs = [(n, _substitute(v, self.ids)) for n, v in pairs]
        query = urlencode([("api_key", VERIFY_API_KEY), *pairs])
        path = _substitute(parts.path or "/", self.ids)
        recorded_headers = _headers(request.get("headers"))
        stored_body = request.get("body")
        raw = body_bytes(stored_body)
        if self.ids and raw:
            raw = _substitute(raw.decode("utf-8", "surrogateescape"), self.ids).encode("utf-8", "surrogateescape")
        headers = {"Authorization": self.token, "stream-auth-type": "jwt"}
        for name in ("content-type", "x-stream-client"):
            if recorded_headers.get(name):
                headers[name] = recorded_headers[name][0]
        if "content-type" not in headers and isinstance(stored_body, dict) and "json" in stored_body:
            headers["content-type"] = "application/json"
        before = len(self.app.requests)
        response = self.http.request(str(request["method"]), f"{path}?{query}", content=raw, headers=headers)
        records = self.app.requests.list()
        if len(records) > before:
            operation = records[-1].operation
        else:
            operation = f"{request['method']} {parts.path} (no route)"
        try:
            document = response.json()
        except ValueError:
            document = None
        received = {name.lower(): response.headers.get_list(name) for name in response.headers}
        return operation, response.status_code, received, document


def compare(
    cassette: str, number: int, operation: str, recorded: dict[str, Any], status: int,
    headers: dict[str, list[str]], document: Any,
) -> list[Drift]:
    drifts: list[Drift] = []

    def drift(kind: str, detail: str) -> None:
        drifts.append(Drift(cassette, number, operation, kind, detail))

    recorded_status = int((recorded.get("status") or {}).get("code", 0))
    recorded_document = body_document(recorded.get("body"))
    if recorded_status != status:
        drift("status", f"recorded {recorded_status}, fake {status}")
    if recorded_status >= 400 or status >= 400:
        recorded_code = recorded_document.get("code") if isinstance(recorded_document, dict) else None
        fake_code = document.get("code") if isinstance(document, dict) else None
        if recorded_code != fake_code:
            drift("error_code", f"recorded {recorded_code}, fake {fake_code}")
    if recorded_status == status and recorded_document is not None:
        for difference in structure_differences(recorded_document, document):
            drift("structure", difference)
    recorded_headers = _headers(recorded.get("headers"))
    for name in RATE_LIMIT_HEADERS:
        here, there = name in recorded_headers, name in headers
        if here != there:
            drift("rate_limit", f"{name}: {'recorded' if here else 'not recorded'}, {'sent' if there else 'not sent'} by the fake")
    if "x-ratelimit-limit" in recorded_headers and "x-ratelimit-limit" in headers:
        recorded_limit, fake_limit = recorded_headers["x-ratelimit-limit"][0], headers["x-ratelimit-limit"][0]
        if recorded_limit != fake_limit:
            drift("rate_limit", f"x-ratelimit-limit: recorded {recorded_limit}, fake {fake_limit}")
    return drifts


def verify(root: str | Path) -> Report:
    """Replay every cassette under ``root`` against a fresh fake app each and collect the drift."""
    base = Path(root)
    report = Report()
    for path in cassette_files(base):
        label = str(path.relative_to(base)) if base.is_dir() else path.name
        try:
            interactions = load_interactions(path)
        except Exception as exc:  # a broken file is reported, not fatal for the others
            report.errors.append(f"{label}: cannot load: {exc}")
            continue
        report.cassettes += 1
        replayer = _Replayer()
        try:
            for number, interaction in enumerate(interactions, start=1):
                report.interactions += 1
                try:
                    operation, status, headers, document = replayer.send(interaction["request"])
                except Exception as exc:
                    report.errors.append(f"{label} #{number}: cannot replay: {exc}")
                    continue
                summary = report.operations.setdefault(operation, OperationSummary())
                summary.calls += 1
                summary.drifts += compare(label, number, operation, interaction["response"], status, headers, document)
                learn_ids(body_document(interaction["response"].get("body")), document, replayer.ids)
        finally:
            replayer.close()
    return report


# -- output --------------------------------------------------------------------------------------


def render_table(report: Report) -> str:
    columns = ("operation", "calls", "status", "error code", "structure", "rate limits")
    rows = []
    for name, summary in sorted(report.operations.items()):
        cells = [name, str(summary.calls)]
        for kind in KINDS:
            count = summary.count(kind)
            cells.append("ok" if count == 0 else f"DRIFT ({count})")
        rows.append(cells)
    widths = [max(len(columns[i]), *(len(r[i]) for r in rows)) if rows else len(columns[i]) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    drifts = report.drifts
    if drifts:
        lines += ["", "Drift:"]
        lines += [f"  {d.cassette} #{d.interaction} {d.operation} [{d.kind}] {d.detail}" for d in drifts]
    if report.errors:
        lines += ["", "Errors:"]
        lines += [f"  {error}" for error in report.errors]
    verdict = "DRIFT" if report.drifted else "OK"
    lines += ["", f"{verdict}: {report.cassettes} cassette(s), {report.interactions} interaction(s), "
              f"{len(drifts)} drift(s), {len(report.errors)} error(s)"]
    return "\n".join(lines)


def build_parser(prog: str = "stream-chat-fake verify") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Replay recorded cassettes against a fresh fake and report where its answers drift.",
    )
    parser.add_argument("cassette_dir", help="directory of cassettes (searched recursively) or one cassette file")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary instead of the table")
    return parser


def iter_lines(report: Report, as_json: bool) -> Iterator[str]:
    if as_json:
        yield json.dumps(report.as_dict(), indent=2, sort_keys=True)
    else:
        yield render_table(report)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    root = Path(args.cassette_dir)
    if not root.exists():
        print(f"stream-chat-fake verify: {root} does not exist", file=sys.stderr)
        return 2
    if not cassette_files(root):
        print(f"stream-chat-fake verify: no cassettes (*.yaml) under {root}", file=sys.stderr)
        return 2
    try:
        import yaml  # noqa: F401 - only to fail early with a clear message
    except ImportError:
        print("stream-chat-fake verify needs PyYAML: pip install pyyaml (or the 'test' extra)", file=sys.stderr)
        return 2
    report = verify(root)
    for line in iter_lines(report, args.json):
        print(line)
    return 1 if report.drifted else 0
