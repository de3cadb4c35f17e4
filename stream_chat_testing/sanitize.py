"""What never reaches a cassette: anything that can authenticate.

Rules (applied to every interaction before it is kept in memory for saving, and to every
incoming request before it is matched, so matching compares scrubbed with scrubbed):

- request headers: ``Authorization``, ``Proxy-Authorization``, ``Cookie``, ``X-Api-Key``,
  ``X-Signature`` are replaced by ``<redacted>``; transport noise that changes between runs
  (``Host``, ``Content-Length``, ``Accept``, ``Accept-Encoding``, ``Connection``,
  ``User-Agent``) is dropped;
- response headers: ``Set-Cookie`` is dropped; the rest is kept verbatim (rate-limit headers
  included);
- query string: ``api_key`` becomes the placeholder ``REDACTED_API_KEY`` (the key stays, so a
  replayed request still carries one); secret-named parameters become ``<redacted>``; the JSON
  inside ``payload=`` is scrubbed like a body;
- JSON bodies (requests and responses, recursively): non-empty values of secret-named keys
  (``api_secret``, ``access_token``/``token``/``*_token``, ``secret``/``*_secret``, push
  credentials ``auth_key``/``p12_cert``/``credentials_json``/``server_key``/``*_credentials``,
  ``sqs_key``/``sqs_secret``/``sns_key``/``sns_secret``, ``password``, ``private_key``...)
  become ``<redacted>``;
- any string anywhere: JWTs become ``<redacted-jwt>``, known secret values (the secret of the
  client that recorded, ``STREAM_SECRET``) become ``<redacted-secret>``, known api keys become
  the placeholder, passwords in URL user-info and signed-URL signatures are removed, and the
  origin of a recorded loopback fake (``http://127.0.0.1:54321``) becomes a stable
  ``http://stream-chat-fake.invalid`` so re-recording on another port changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "<redacted>"
REDACTED_JWT = "<redacted-jwt>"
REDACTED_SECRET = "<redacted-secret>"
API_KEY_PLACEHOLDER = "REDACTED_API_KEY"
FAKE_ORIGIN = "http://stream-chat-fake.invalid"
PLACEHOLDERS = frozenset({REDACTED, REDACTED_JWT, REDACTED_SECRET, API_KEY_PLACEHOLDER, ""})

JWT_PATTERN = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
LOOPBACK_ORIGIN = re.compile(r"https?://(?:127\.0\.0\.1|localhost|\[::1\]):\d+")

SECRET_KEYS = frozenset(
    {
        "api_secret", "secret", "access_token", "refresh_token", "id_token", "token",
        "auth_key", "apn_auth_key", "p12_cert", "apn_p12_cert", "credentials_json",
        "firebase_credentials", "server_key", "firebase_server_key", "sqs_key", "sqs_secret",
        "sns_key", "sns_secret", "password", "private_key", "client_secret", "authorization",
        "cookie", "x-signature", "x-api-key", "proxy-authorization", "set-cookie",
    }
)  # fmt: skip
_SECRET_SUFFIXES = ("_secret", "_token", "_password", "_private_key", "_credentials", "_auth_key")
_NOT_SECRET = frozenset({"revoke_tokens_issued_before", "voip_token"})

REQUEST_HEADERS_REDACTED = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "x-signature"})
REQUEST_HEADERS_DROPPED = frozenset(
    {"host", "content-length", "accept", "accept-encoding", "connection", "user-agent"}
)
RESPONSE_HEADERS_DROPPED = frozenset({"set-cookie", "set-cookie2"})
_SIGNED_URL_PARAMS = frozenset(
    {"signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token", "policy", "key-pair-id"}
)
_URL_WITH_SECRETS = re.compile(r"://[^/\s\"'@]*:[^/\s\"'@]*@|[?&](?:Signature|X-Amz-|Policy|Key-Pair-Id)", re.I)


def is_secret_key(name: str) -> bool:
    lowered = name.lower()
    if lowered in _NOT_SECRET:
        return False
    return lowered in SECRET_KEYS or lowered.endswith(_SECRET_SUFFIXES)


class Scrubber:
    """Scrubs one session's traffic; knows that session's secrets and api keys."""

    def __init__(self, secrets: Iterable[str] = (), api_keys: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s and s not in PLACEHOLDERS and len(s) >= 4}, key=len, reverse=True)
        self.api_keys = sorted({k for k in api_keys if k and k not in PLACEHOLDERS and len(k) >= 3}, key=len, reverse=True)
        names = sorted(SECRET_KEYS | {s.strip("_") for s in _SECRET_SUFFIXES}, key=len, reverse=True)
        alternatives = [re.escape(n) for n in names]
        alternatives += [r"eyJ", r"://[^/\s\"']*@", r"127\.0\.0\.1", "localhost", r"\[::1\]", "Signature", "X-Amz-"]
        alternatives += [re.escape(v) for v in (*self.secrets, *self.api_keys)]
        # One search over the raw text decides whether a body needs the (slower) walk at all.
        self.suspect = re.compile("|".join(alternatives), re.I)
        self.suspect_bytes = re.compile("|".join(alternatives).encode(), re.I)

    def needs_walk(self, raw: bytes) -> bool:
        return self.suspect_bytes.search(raw) is not None

    # -- strings -----------------------------------------------------------------------------

    def text(self, value: str) -> str:
        if not self.suspect.search(value):
            return value
        if "eyJ" in value:
            value = JWT_PATTERN.sub(REDACTED_JWT, value)
        for secret in self.secrets:
            if secret in value:
                value = value.replace(secret, REDACTED_SECRET)
        for key in self.api_keys:
            if key in value:
                value = value.replace(key, API_KEY_PLACEHOLDER)
        if "://" in value:
            value = LOOPBACK_ORIGIN.sub(FAKE_ORIGIN, value)
            if _URL_WITH_SECRETS.search(value):
                value = re.sub(r"[a-z][a-z0-9+.-]*://[^\s\"'<>]+", lambda m: _scrub_url(m.group()), value, flags=re.I)
        return value

    # -- JSON ----------------------------------------------------------------------------------

    def data(self, value: Any) -> Any:
        """A scrubbed copy of a JSON value (the input is not changed)."""
        if isinstance(value, dict):
            result: dict[str, Any] = {}
            for key, item in value.items():
                if is_secret_key(key) and _is_credential(item):
                    result[key] = REDACTED
                else:
                    result[key] = self.data(item)
            return result
        if isinstance(value, list):
            return [self.data(item) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    # -- URLs and queries --------------------------------------------------------------------

    def query_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        result: list[tuple[str, str]] = []
        for name, value in pairs:
            if name == "api_key":
                result.append((name, API_KEY_PLACEHOLDER))
            elif is_secret_key(name) and value:
                result.append((name, REDACTED))
            elif name == "payload":
                result.append((name, self.payload(value)))
            else:
                result.append((name, self.text(value)))
        return result

    def payload(self, value: str) -> str:
        import json

        if not self.suspect.search(value):
            return value
        try:
            document = json.loads(value)
        except ValueError:
            return self.text(value)
        return json.dumps(self.data(document))

    def uri(self, uri: str) -> str:
        parts = urlsplit(uri)
        netloc = parts.netloc
        origin = f"{parts.scheme}://{netloc}"
        if LOOPBACK_ORIGIN.fullmatch(origin):
            scheme, _, netloc = FAKE_ORIGIN.partition("://")
            parts = parts._replace(scheme=scheme)
        if "@" in netloc:
            netloc = netloc.rsplit("@", 1)[1]
        query = parts.query
        if query:
            pairs = self.query_pairs(parse_qsl(query, keep_blank_values=True))
            query = urlencode(pairs)
        return urlunsplit((parts.scheme, netloc, self.text(parts.path), query, ""))

    # -- headers -------------------------------------------------------------------------------

    def request_headers(self, headers: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for name, value in headers:
            lowered = name.lower()
            if lowered in REQUEST_HEADERS_DROPPED:
                continue
            value = REDACTED if lowered in REQUEST_HEADERS_REDACTED else self.text(value)
            result.setdefault(name, []).append(value)
        return result

    def response_headers(self, headers: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for name, value in headers:
            lowered = name.lower()
            if lowered in RESPONSE_HEADERS_DROPPED:
                continue
            value = REDACTED if lowered in REQUEST_HEADERS_REDACTED else self.text(value)
            result.setdefault(name, []).append(value)
        return result


def _is_credential(value: Any) -> bool:
    if isinstance(value, str):
        return value not in PLACEHOLDERS
    return isinstance(value, dict | list) and bool(value)


def _scrub_url(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{REDACTED}@{host}" if ":" in userinfo else host
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(name.lower() in _SIGNED_URL_PARAMS for name, _ in pairs):
            query = urlencode([(n, REDACTED if n.lower() in _SIGNED_URL_PARAMS else v) for n, v in pairs])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
