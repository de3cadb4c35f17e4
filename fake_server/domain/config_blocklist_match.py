"""Matching of message text against one blocklist (endpoints-users-app §7.6, models §10).

Per list type:

- ``word``: the text is split on whitespace and hyphens; each token, with punctuation at its
  ends stripped, is compared case-insensitively with the list's words — whole words only, so
  "cream" matches "ice cream" and "Cream!" but not "creamcheese" or "Scream". An entry made
  of several words ("ice cream") matches the same consecutive tokens.
- ``regex``: each entry is a regular expression searched anywhere in the text, ignoring case.
- ``domain``: each entry is a domain; it matches a URL or bare host name in the text whose host
  is that domain or a subdomain of it ("example.com" matches "https://www.example.com/x").
- ``email``: an entry is an address (exact, case-insensitive) or a bare domain / ``@domain``
  (every address at that domain or its subdomains).
- ``domain_allowlist`` / ``email_allowlist`` (newer types): a host / address that is *not*
  covered by the list matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import urlsplit

_SPLIT = re.compile(r"[\s\-\u2010-\u2015]+")
_EMAIL = re.compile(r"[\w.+%-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)", re.UNICODE)
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?(?:[\w-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?", re.IGNORECASE)


def _strip_punctuation(token: str) -> str:
    start, end = 0, len(token)
    while start < end and _is_punct(token[start]):
        start += 1
    while end > start and _is_punct(token[end - 1]):
        end -= 1
    return token[start:end]


def _is_punct(char: str) -> bool:
    return unicodedata.category(char)[0] in ("P", "S")


def word_tokens(text: str) -> list[str]:
    tokens = (_strip_punctuation(part).casefold() for part in _SPLIT.split(text))
    return [token for token in tokens if token]


def match_words(text: str, words: Sequence[str]) -> tuple[str, str] | None:
    """``(entry, matched text)`` of the first list entry found as whole word(s) in ``text``."""
    tokens = word_tokens(text)
    if not tokens:
        return None
    single = set(tokens)
    for entry in words:
        pattern = word_tokens(entry)
        if not pattern:
            continue
        if len(pattern) == 1:
            if pattern[0] in single:
                return entry, pattern[0]
            continue
        size = len(pattern)
        for start in range(len(tokens) - size + 1):
            if tokens[start : start + size] == pattern:
                return entry, " ".join(tokens[start : start + size])
    return None


def match_regex(text: str, patterns: Sequence[str]) -> tuple[str, str] | None:
    for entry in patterns:
        try:
            found = re.search(entry, text, re.IGNORECASE)
        except re.error:  # validated on write; be safe with stored data
            continue
        if found is not None:
            return entry, found.group(0)
    return None


def _hosts(text: str) -> list[str]:
    hosts: list[str] = []
    for candidate in _URL.finditer(text):
        raw = candidate.group(0)
        if "@" in text[max(0, candidate.start() - 1) : candidate.start()]:
            continue  # the domain part of an e-mail address
        parts = urlsplit(raw if "://" in raw else f"http://{raw}")
        if parts.hostname:
            hosts.append(parts.hostname.casefold())
    return hosts


def _covers(domain: str, host: str) -> bool:
    domain = domain.casefold().lstrip("@").rstrip(".")
    if domain.startswith("*."):
        domain = domain[2:]
    return host == domain or host.endswith("." + domain)


def match_domains(text: str, domains: Sequence[str], *, allowlist: bool = False) -> tuple[str, str] | None:
    for host in _hosts(text):
        covering = next((entry for entry in domains if _covers(entry, host)), None)
        if allowlist and covering is None:
            return host, host
        if not allowlist and covering is not None:
            return covering, host
    return None


def match_emails(text: str, entries: Sequence[str], *, allowlist: bool = False) -> tuple[str, str] | None:
    for found in _EMAIL.finditer(text):
        address = found.group(0).casefold()
        domain = found.group(1).casefold()
        covering = next(
            (
                entry
                for entry in entries
                if ("@" in entry.lstrip("@") and entry.casefold() == address)
                or ("@" not in entry.lstrip("@") and _covers(entry, domain))
            ),
            None,
        )
        if allowlist and covering is None:
            return address, address
        if not allowlist and covering is not None:
            return covering, address
    return None


def match(list_type: str, text: str, entries: Sequence[str]) -> tuple[str, str] | None:
    """``(list entry, matched text)`` when ``text`` hits a list of ``list_type``, else None."""
    if list_type == "regex":
        return match_regex(text, entries)
    if list_type in ("domain", "domain_allowlist"):
        return match_domains(text, entries, allowlist=list_type == "domain_allowlist")
    if list_type in ("email", "email_allowlist"):
        return match_emails(text, entries, allowlist=list_type == "email_allowlist")
    return match_words(text, entries)
