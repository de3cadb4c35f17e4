"""How a request is recognised on replay: one canonical, hashable key per request.

Two requests match when they have the same key:

- the method;
- the path, percent-decoded, with repeated slashes collapsed and no trailing slash;
- the query parameters as a sorted list, without ``api_key`` (scrubbed anyway), booleans
  spelled in lower case (the sync SDK sends ``True``, the async one ``true``), the JSON inside
  ``payload=`` canonicalised (conventions §9.1, §12.1);
- the body: JSON parsed and re-serialised with sorted keys (so key order and spacing do not
  matter), multipart bodies reduced to their decoded parts (the random boundary does not
  matter), anything else byte for byte.

Scheme, host and port are deliberately not part of the key: a cassette recorded from a loopback
fake on port 54321 replays on any port, and one recorded from the real API replays against
any base URL. Headers are not part of it either (``Authorization`` is scrubbed, the rest is
constant for an SDK version).

Because the key is hashable, a cassette is a ``dict`` from key to the queue of interactions
recorded for it: finding the response is one hash lookup, whatever the cassette's size.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from stream_chat_testing.sanitize import REDACTED, Scrubber, is_secret_key
from stream_chat_testing.serializer import decode_body, looks_like_json

_SLASHES = re.compile(r"/{2,}")


@dataclass(frozen=True, slots=True)
class RequestKey:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: str

    def describe(self) -> str:
        query = "&".join(f"{name}={value}" for name, value in self.query)
        return f"{self.method} {self.path}{'?' + query if query else ''}"


def normalize_path(path: str) -> str:
    if "%" in path:
        path = unquote(path)
    if "//" in path:
        path = _SLASHES.sub("/", path)
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path or "/"


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Matcher:
    """Computes :class:`RequestKey` s for incoming and recorded requests alike."""

    def __init__(self, scrubber: Scrubber, ignore: Iterable[str] = ()) -> None:
        self.scrubber = scrubber
        self.ignore = [tuple(path.split(".")) for path in ignore]

    # -- keys ----------------------------------------------------------------------------------

    def key(self, method: str, path: str, query: str, body: bytes, content_type: str | None) -> RequestKey:
        return RequestKey(method.upper(), normalize_path(path), self.query(query), self.body(body, content_type))

    def key_for_uri(self, method: str, uri: str, body: bytes, content_type: str | None) -> RequestKey:
        parts = urlsplit(uri)
        return self.key(method, parts.path, parts.query, body, content_type)

    def stored_key(self, request: dict[str, Any]) -> RequestKey:
        """The key of a request as stored in a cassette (any of the body forms)."""
        stored = request.get("body")
        parts = urlsplit(request["uri"])
        if isinstance(stored, dict) and "json" in stored:
            body = "json:" + self._json_value(stored["json"])
        else:
            body = self.body(decode_body(stored), _header(request.get("headers"), "content-type"))
        return RequestKey(str(request["method"]).upper(), normalize_path(parts.path), self.query(parts.query), body)

    def query(self, query: str) -> tuple[tuple[str, str], ...]:
        if not query:
            return ()
        suspect = self.scrubber.suspect.search(query) is not None
        result: list[tuple[str, str]] = []
        for name, value in parse_qsl(query, keep_blank_values=True):
            if name == "api_key":
                continue
            if name == "payload":
                value = self._json_text(value)
            elif value in ("True", "False"):
                value = value.lower()
            elif is_secret_key(name) and value:
                value = REDACTED
            elif suspect:
                value = self.scrubber.text(value)
            result.append((name, value))
        result.sort()
        return tuple(result)

    def body(self, raw: bytes, content_type: str | None) -> str:
        if not raw:
            return ""
        if content_type and content_type[:10].lower() == "multipart/":
            return "multipart:" + self._multipart(raw, content_type)
        if looks_like_json(raw):
            try:
                value = json.loads(raw)
            except ValueError:
                pass
            else:
                return "json:" + self._json_value(value)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return "sha256:" + hashlib.sha256(raw).hexdigest()
        return "text:" + self.scrubber.text(text)

    def _json_text(self, text: str) -> str:
        try:
            value = json.loads(text)
        except ValueError:
            return self.scrubber.text(text)
        return self._json_value(value)

    def _json_value(self, value: Any) -> str:
        if self.ignore:
            value = _without(value, self.ignore)
        canonical = _canonical_json(value)
        if self.scrubber.suspect.search(canonical):
            canonical = _canonical_json(self.scrubber.data(value))
        return canonical

    def _multipart(self, raw: bytes, content_type: str) -> str:
        match = re.search(r"boundary=\"?([^\";]+)\"?", content_type)
        if not match:
            return "sha256:" + hashlib.sha256(raw).hexdigest()
        delimiter = b"--" + match.group(1).encode("latin-1")
        parts: list[dict[str, Any]] = []
        for chunk in raw.split(delimiter)[1:]:
            if chunk.startswith(b"--"):
                break
            head, _, content = chunk.lstrip(b"\r\n").partition(b"\r\n\r\n")
            if content.endswith(b"\r\n"):
                content = content[:-2]
            headers = {}
            for line in head.decode("latin-1").split("\r\n"):
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            disposition = headers.get("content-disposition", "")
            fields = dict(re.findall(r'(\w+)="([^"]*)"', disposition))
            part: dict[str, Any] = {
                "name": fields.get("name"),
                "filename": fields.get("filename"),
                "content_type": headers.get("content-type"),
            }
            if looks_like_json(content):
                part["json"] = self._json_text(content.decode("utf-8", "replace"))
            else:
                part["sha256"] = hashlib.sha256(content).hexdigest()
            parts.append(part)
        parts.sort(key=lambda p: (str(p["name"]), str(p["filename"])))
        return _canonical_json(parts)


def _header(headers: Any, name: str) -> str | None:
    if not isinstance(headers, dict):
        return None
    for key, value in headers.items():
        if key.lower() == name:
            if isinstance(value, list):
                return str(value[0]) if value else None
            return str(value)
    return None


def _without(value: Any, paths: Sequence[tuple[str, ...]]) -> Any:
    """A copy of ``value`` without the dotted ``paths`` (``*`` matches any key; lists are walked)."""
    for path in paths:
        value = _drop(value, path)
    return value


def _drop(value: Any, path: tuple[str, ...]) -> Any:
    if isinstance(value, list):
        return [_drop(item, path) for item in value]
    if not isinstance(value, dict) or not path:
        return value
    head, rest = path[0], path[1:]
    result = {}
    for key, item in value.items():
        if head in ("*", key):
            if not rest:
                continue
            item = _drop(item, rest)
        result[key] = item
    return result


# -- explaining a miss ---------------------------------------------------------------------------


def differences(sent: RequestKey, recorded: RequestKey, limit: int = 5) -> list[str]:
    """Why ``sent`` does not match ``recorded``, most telling first."""
    reasons: list[str] = []
    if sent.method != recorded.method:
        reasons.append(f"method: sent {sent.method}, recorded {recorded.method}")
    if sent.path != recorded.path:
        reasons.append(f"path: sent {sent.path}, recorded {recorded.path}")
    if sent.query != recorded.query:
        sent_q, rec_q = dict(sent.query), dict(recorded.query)
        for name in sorted(set(sent_q) | set(rec_q)):
            if name not in rec_q:
                reasons.append(f"query parameter {name!r} sent but not recorded")
            elif name not in sent_q:
                reasons.append(f"query parameter {name!r} recorded but not sent")
            elif sent_q[name] != rec_q[name]:
                if name == "payload":
                    reasons += [f"payload {d}" for d in _json_differences(sent_q[name], rec_q[name], limit)]
                else:
                    reasons.append(f"query parameter {name!r}: sent {sent_q[name]!r}, recorded {rec_q[name]!r}")
    if sent.body != recorded.body:
        if sent.body.startswith("json:") and recorded.body.startswith("json:"):
            reasons += [f"body {d}" for d in _json_differences(sent.body[5:], recorded.body[5:], limit)]
        else:
            reasons.append(f"body: sent {_preview(sent.body)}, recorded {_preview(recorded.body)}")
    return reasons[: limit + 3]


def _preview(text: str, size: int = 120) -> str:
    return repr(text if len(text) <= size else text[:size] + "…")


def _json_differences(sent_text: str, recorded_text: str, limit: int) -> list[str]:
    try:
        sent, recorded = json.loads(sent_text), json.loads(recorded_text)
    except ValueError:
        return [f": sent {_preview(sent_text)}, recorded {_preview(recorded_text)}"]
    found: list[str] = []
    _walk_differences(sent, recorded, "", found, limit)
    return found or [": differs"]


def _walk_differences(sent: Any, recorded: Any, path: str, found: list[str], limit: int) -> None:
    if len(found) >= limit:
        return
    if isinstance(sent, dict) and isinstance(recorded, dict):
        for key in sorted(set(sent) | set(recorded)):
            where = f"{path}.{key}" if path else key
            if key not in recorded:
                found.append(f"{where}: sent {_short(sent[key])}, not recorded")
            elif key not in sent:
                found.append(f"{where}: recorded {_short(recorded[key])}, not sent")
            else:
                _walk_differences(sent[key], recorded[key], where, found, limit)
            if len(found) >= limit:
                return
        return
    if isinstance(sent, list) and isinstance(recorded, list) and len(sent) == len(recorded):
        for index, (a, b) in enumerate(zip(sent, recorded, strict=True)):
            _walk_differences(a, b, f"{path}[{index}]", found, limit)
        return
    if sent != recorded:
        found.append(f"{path or '(whole)'}: sent {_short(sent)}, recorded {_short(recorded)}")


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:80] + "…"


def similarity(sent: RequestKey, recorded: RequestKey) -> int:
    """A score for ranking candidates: path and method weigh most, then body and query."""
    score = 0
    if sent.method == recorded.method:
        score += 4
    if sent.path == recorded.path:
        score += 8
    elif sent.path.rsplit("/", 1)[0] == recorded.path.rsplit("/", 1)[0]:
        score += 2
    if sent.query == recorded.query:
        score += 2
    else:
        score += len(set(sent.query) & set(recorded.query)) > 0
    if sent.body == recorded.body:
        score += 2
    return score
