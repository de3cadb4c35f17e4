"""``check-cassettes DIR``: fail if anything in a cassette directory could authenticate.

Scans every file under the directory (not only ``*.yaml``: a renamed or hand-made cassette
counts too) for:

- JWT-looking strings (``eyJ…​.eyJ…​.…``: a server token, a user token, a guest ``access_token``);
- known secrets: values passed with ``--secret`` and the ``STREAM_SECRET`` environment
  variable;
- unscrubbed credentials in cassette data: ``Authorization``/``Cookie``/``Set-Cookie``
  headers, secret-named fields (``api_secret``, ``access_token``, ``sqs_secret``, push
  credentials...) with a real value, and ``api_key=`` query parameters other than the
  placeholder.

Exit status 0 when clean, 1 when something was found (each finding printed as
``path:line: what``), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from stream_chat_testing.sanitize import (
    API_KEY_PLACEHOLDER,
    JWT_PATTERN,
    PLACEHOLDERS,
    is_secret_key,
)

_API_KEY_PARAM = re.compile(r"[?&]api_key=([^&\s\"']*)")
_SKIPPED_DIRS = frozenset({".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"})


@dataclass(frozen=True, slots=True)
class Finding:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _files(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in _SKIPPED_DIRS)
        for name in sorted(names):
            yield Path(directory) / name


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def _mask(value: str) -> str:
    return value[:6] + "…" if len(value) > 8 else "…"


def scan_text(path: Path, text: str, secrets: Sequence[str]) -> list[Finding]:
    findings: list[Finding] = []
    for match in JWT_PATTERN.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        findings.append(Finding(path, line, f"JWT-looking string {_mask(match.group())}"))
    for secret in secrets:
        start = text.find(secret)
        while start >= 0:
            findings.append(Finding(path, text.count("\n", 0, start) + 1, f"known secret {_mask(secret)}"))
            start = text.find(secret, start + len(secret))
    for match in _API_KEY_PARAM.finditer(text):
        if match.group(1) not in (API_KEY_PLACEHOLDER, ""):
            line = text.count("\n", 0, match.start()) + 1
            findings.append(Finding(path, line, f"api_key query parameter not scrubbed ({_mask(match.group(1))})"))
    return findings


def _walk(value: Any, where: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield where, str(key), item
            yield from _walk(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{where}[{index}]")


def _real_values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value not in PLACEHOLDERS else []
    if isinstance(value, list):
        return [v for item in value for v in _real_values(item)]
    if isinstance(value, dict):
        return ["{…}"] if value else []
    return []


def scan_structure(path: Path, text: str) -> list[Finding]:
    """Secret-named fields and credential headers with real values (YAML/JSON cassettes only)."""
    try:
        import yaml
    except ImportError:  # pragma: no cover
        return []
    try:
        document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    findings: list[Finding] = []
    for where, key, value in _walk(document, ""):
        if is_secret_key(key):
            for real in _real_values(value):
                needle = real if real != "{…}" else key
                findings.append(Finding(path, _line_of(text, needle), f"unscrubbed {key!r} at {where or 'top level'}"))
        if key == "uri" and isinstance(value, str):
            for name, item in parse_qsl(urlsplit(value).query):
                if is_secret_key(name) and item not in PLACEHOLDERS:
                    findings.append(Finding(path, _line_of(text, item), f"secret query parameter {name!r}"))
    return findings


def check_directory(root: str | os.PathLike[str], secrets: Sequence[str] = ()) -> list[Finding]:
    """Everything in ``root`` that looks like a credential."""
    known = [s for s in {*secrets, os.environ.get("STREAM_SECRET", "")} if s and len(s) >= 4]
    findings: list[Finding] = []
    for path in _files(Path(root)):
        try:
            text = path.read_text("utf-8")
        except (UnicodeDecodeError, OSError):
            data = path.read_bytes()
            text = data.decode("latin-1")
        found = scan_text(path, text, known)
        if path.suffix in (".yaml", ".yml", ".json"):
            found += scan_structure(path, text)
        seen = set()
        for finding in found:
            marker = (finding.line, finding.what)
            if marker not in seen:
                seen.add(marker)
                findings.append(finding)
    return findings


def build_parser(prog: str = "check-cassettes") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Fail if a cassette directory contains a JWT, a known secret or an unscrubbed credential.",
    )
    parser.add_argument("directory", help="cassette directory (or a single file) to scan")
    parser.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="VALUE",
        help="a secret that must not appear anywhere (repeatable; $STREAM_SECRET is always included)",
    )
    return parser


def main(argv: Sequence[str] | None = None, prog: str = "check-cassettes") -> int:
    args = build_parser(prog).parse_args(argv)
    root = Path(args.directory)
    if not root.exists():
        print(f"{prog}: {root} does not exist", file=sys.stderr)
        return 2
    findings = check_directory(root, args.secret)
    for finding in findings:
        print(finding)
    files = sum(1 for _ in _files(root))
    if findings:
        print(f"{len(findings)} problem(s) in {root} ({files} file(s) scanned)", file=sys.stderr)
        return 1
    print(f"ok: no credentials in {root} ({files} file(s) scanned)")
    return 0
