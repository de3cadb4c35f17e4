"""Cassette files: vcrpy's YAML layout, JSON bodies as structured YAML, loaded fast.

A cassette keeps vcrpy's format (``version: 1``, ``interactions`` of ``request``/``response``
mappings, the optional top-level ``metadata`` of vcrpy >= 9.4) with one extension that makes
diffs readable: a JSON body is stored as YAML data under ``json:`` instead of an escaped string
under ``string:``::

    response:
      status:
        code: 200
        message: "OK"
      body:
        json:
          duration: "0.42ms"

Binary bodies go under ``base64:``; other text stays under ``string:`` (request bodies, as in
vcrpy, are plain strings when they are neither JSON nor binary).

Why our own writer: PyYAML (even its C loader) builds a Python object per YAML event and
needs about 1 ms to load one typical Stream interaction, four times the load budget. The
writer here emits a strict block-YAML subset (strings always double-quoted, keys plain or
quoted, two-space indentation) that a small line parser reads back ~10x faster. Everything
written is ordinary YAML: vcrpy, PyYAML and any editor read it. A file outside the subset (a
hand edit, a cassette recorded by vcrpy itself) is loaded with vcrpy's safe YAML loader
instead, so nothing is lost but speed.

``VCRSerializer`` plugs the same format into vcrpy for users who want to read these cassettes
with ``vcr.VCR(serializer=...)``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any

CASSETTE_FORMAT_VERSION = 1  # vcrpy's ``vcr.serialize.CASSETTE_FORMAT_VERSION``

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")
_RESERVED_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
# Characters that YAML treats as line breaks or refuses in a document; JSON leaves them raw.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


class Unsupported(ValueError):
    """The text is not in the subset the fast loader reads."""


# -- writing -------------------------------------------------------------------------------


def _quote(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)
    if _YAML_UNSAFE.search(out):
        out = _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", out)
    return out


def _key(key: str) -> str:
    if _PLAIN_KEY.match(key) and key.lower() not in _RESERVED_WORDS:
        return key
    return _quote(key)


def _float(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"cannot store {value!r} in a cassette")
    text = repr(value)
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if exponent and exponent[0] not in "+-":
        exponent = "+" + exponent
    # PyYAML's YAML 1.1 resolver only reads ``1.0e+20`` (dot and signed exponent) as a float.
    return f"{mantissa}e{exponent}" if exponent else mantissa


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list | tuple):
        return "[]"
    raise TypeError(f"cannot store a {type(value).__name__} in a cassette")


def _dump_mapping(mapping: Mapping[str, Any], out: list[str], indent: int) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise TypeError(f"cassette keys must be strings, not {key!r}")
        if isinstance(value, dict) and value:
            out.append(f"{pad}{_key(key)}:")
            _dump_mapping(value, out, indent + 2)
        elif isinstance(value, list | tuple) and value:
            out.append(f"{pad}{_key(key)}:")
            _dump_sequence(value, out, indent + 2)
        else:
            out.append(f"{pad}{_key(key)}: {_scalar(value)}")


def _dump_sequence(items: Any, out: list[str], indent: int) -> None:
    pad = " " * indent
    for value in items:
        if isinstance(value, dict) and value:
            start = len(out)
            _dump_mapping(value, out, indent + 2)
            out[start] = f"{pad}- {out[start][indent + 2 :]}"
        elif isinstance(value, list | tuple) and value:
            out.append(f"{pad}-")
            _dump_sequence(value, out, indent + 2)
        else:
            out.append(f"{pad}- {_scalar(value)}")


def dumps(document: Mapping[str, Any], header: str | None = None) -> str:
    """The YAML text of a cassette document (a mapping of JSON-compatible values)."""
    out: list[str] = []
    if header:
        out.extend(f"# {line}" if line else "#" for line in header.splitlines())
    _dump_mapping(document, out, 0)
    out.append("")
    return "\n".join(out)


# -- reading -------------------------------------------------------------------------------


def _parse_scalar(token: str) -> Any:
    first = token[0]
    if first == '"':
        inner = token[1:-1]
        if token[-1] == '"' and len(token) > 1 and "\\" not in inner and '"' not in inner:
            return inner
        try:
            return json.loads(token)
        except ValueError:
            raise Unsupported(token) from None
    if token == "null":
        return None
    if token == "true":
        return True
    if token == "false":
        return False
    if token == "{}":
        return {}
    if token == "[]":
        return []
    if first in "-0123456789":
        digits = token[1:] if first == "-" else token
        if digits.isdigit() and (digits == "0" or digits[0] != "0"):
            return int(token)
        if re.fullmatch(r"-?(?:0|[1-9][0-9]*)\.[0-9]+(?:e[+-][0-9]+)?", token):
            return float(token)
    raise Unsupported(token)


def _split_key(text: str) -> tuple[str, bool, str]:
    """(key, is_mapping_entry, inline value) of ``key: value`` / ``key:``."""
    if text[0] == '"':
        index = 1
        while True:
            end = text.find('"', index)
            if end < 0:
                raise Unsupported(text)
            backslashes = 0
            probe = end - 1
            while text[probe] == "\\":
                backslashes += 1
                probe -= 1
            if backslashes % 2 == 0:
                break
            index = end + 1
        try:
            key = json.loads(text[: end + 1])
        except ValueError:
            raise Unsupported(text) from None
        rest = text[end + 1 :]
        if rest == ":":
            return key, True, ""
        if rest.startswith(": "):
            return key, True, rest[2:]
        return text, False, ""
    colon = text.find(":")
    if colon < 0:
        return text, False, ""
    key = text[:colon]
    if not _PLAIN_KEY.match(key) or key.lower() in _RESERVED_WORDS:
        raise Unsupported(text)
    if colon + 1 == len(text):
        return key, True, ""
    if text[colon + 1] == " ":
        return key, True, text[colon + 2 :]
    raise Unsupported(text)


def _is_item(stripped: str) -> bool:
    return stripped[0] == "-" and (len(stripped) == 1 or stripped[1] == " ")


def fast_loads(text: str) -> dict[str, Any]:
    """Parse the block-YAML subset that :func:`dumps` writes; raise :class:`Unsupported` otherwise."""
    root: dict[str, Any] = {}
    stack: list[tuple[int, Any]] = [(0, root)]
    pending: tuple[int, Any, str | None] | None = None
    for line in text.split("\n"):
        if not line or line[0] == "#":
            continue
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] == "#":
            raise Unsupported(line)
        indent = len(line) - len(stripped)
        if pending is not None:
            parent_indent, parent, parent_key = pending
            pending = None
            if indent <= parent_indent:
                raise Unsupported(line)
            child: Any = [] if _is_item(stripped) else {}
            if parent_key is None:
                parent.append(child)
            else:
                parent[parent_key] = child
            stack.append((indent, child))
        while indent < stack[-1][0]:
            stack.pop()
        level, container = stack[-1]
        if indent != level:
            raise Unsupported(line)
        if _is_item(stripped):
            if type(container) is not list:
                raise Unsupported(line)
            rest = stripped[2:]
            if not rest:
                pending = (indent, container, None)
                continue
            if rest[0] == '"' or ": " in rest or rest.endswith(":"):
                key, is_entry, value = _split_key(rest)
            else:
                key, is_entry, value = rest, False, ""
            if is_entry:
                mapping: dict[str, Any] = {}
                container.append(mapping)
                stack.append((indent + 2, mapping))
                if value:
                    mapping[key] = _parse_scalar(value)
                else:
                    pending = (indent + 2, mapping, key)
            else:
                container.append(_parse_scalar(rest))
            continue
        if type(container) is not dict:
            raise Unsupported(line)
        key, is_entry, value = _split_key(stripped)
        if not is_entry or key in container:
            raise Unsupported(line)
        if value:
            container[key] = _parse_scalar(value)
        else:
            pending = (indent, container, key)
    if pending is not None:
        raise Unsupported("a key without a value at the end of the document")
    return root


def yaml_loads(text: str) -> Any:
    """Any YAML cassette, with vcrpy's safe loader (refuses ``!!python/object`` tags)."""
    try:
        from vcr.serializers.yamlserializer import deserialize
    except ImportError:  # pragma: no cover - vcrpy is a requirement of record/replay
        import yaml

        return yaml.safe_load(text)
    return deserialize(text)


def loads(text: str) -> dict[str, Any]:
    """A cassette document: fast path for files we wrote, vcrpy's YAML loader for the rest."""
    try:
        return fast_loads(text)
    except (Unsupported, IndexError):
        pass
    document = yaml_loads(text)
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ValueError("a cassette must be a YAML mapping with an 'interactions' list")
    return document


# -- bodies --------------------------------------------------------------------------------


def looks_like_json(raw: bytes) -> bool:
    head = raw[:1]
    if head in (b"{", b"["):
        return True
    stripped = raw.lstrip()[:1]
    return stripped in (b"{", b"[")


def encode_body(raw: bytes, *, response: bool) -> Any:
    """The stored form of a body: ``{json: data}``, text, or ``{base64: ...}``.

    Responses use vcrpy's ``{string: text}`` wrapper for text; requests keep plain text.
    """
    if raw and looks_like_json(raw):
        try:
            return {"json": json.loads(raw)}
        except ValueError:
            pass
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(raw).decode("ascii")}
    return {"string": text} if response else text


def json_bytes(data: Any) -> bytes:
    """Compact JSON, as Stream and the fake send it."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def decode_body(stored: Any) -> bytes:
    """Bytes of a stored body (any of the forms above, vcrpy's included)."""
    if stored is None:
        return b""
    if isinstance(stored, bytes):
        return stored
    if isinstance(stored, str):
        return stored.encode("utf-8")
    if isinstance(stored, dict):
        if "json" in stored:
            return json_bytes(stored["json"])
        if "base64" in stored:
            return base64.b64decode(stored["base64"])
        if "string" in stored:
            return decode_body(stored["string"])
    raise ValueError(f"unknown body form in cassette: {stored!r:.80}")


class VCRSerializer:
    """A vcrpy serializer for these cassettes: ``my_vcr.register_serializer("stream_chat", VCRSerializer())``.

    vcrpy hands bodies around as strings; this turns JSON strings into ``json:`` data on save
    and back on load, so vcrpy's own stubs can play the cassettes.
    """

    @staticmethod
    def serialize(cassette_dict: dict[str, Any]) -> str:
        document = dict(cassette_dict)
        interactions = []
        for interaction in cassette_dict.get("interactions", []):
            request = dict(interaction["request"])
            response = dict(interaction["response"])
            body = request.get("body")
            if isinstance(body, str | bytes):
                request["body"] = encode_body(body.encode() if isinstance(body, str) else body, response=False)
            response_body = response.get("body")
            if isinstance(response_body, dict) and isinstance(response_body.get("string"), str | bytes):
                raw = response_body["string"]
                response["body"] = encode_body(raw.encode() if isinstance(raw, str) else raw, response=True)
            interactions.append({"request": request, "response": response})
        document["interactions"] = interactions
        return dumps(document)

    @staticmethod
    def deserialize(cassette_string: str) -> dict[str, Any]:
        document = loads(cassette_string)
        for interaction in document.get("interactions", []):
            request = interaction["request"]
            request["body"] = decode_body(request.get("body"))
            response = interaction["response"]
            response["body"] = {"string": decode_body(response.get("body"))}
        return document
