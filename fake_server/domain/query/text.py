"""Tokenisation and the ``$autocomplete`` / ``$q`` matching rules (conventions §10.2)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

_TOKEN_RE = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens: maximal runs of letters/digits (whitespace, punctuation and
    underscores separate tokens)."""
    return _TOKEN_RE.findall(text.lower())


_CACHEABLE_LENGTH = 256


# Large enough for every message text of a big test app: search matches each candidate's
# text, and re-tokenising on every query dominated searches of long channels.
@lru_cache(maxsize=1 << 16)
def _memo_tokens(text: str) -> tuple[str, ...]:
    return tuple(tokens(text))


def _cached_tokens(text: str) -> tuple[str, ...]:
    """Tokens of a stored value; short values (names, ids, e-mails) are memoised because the
    same values are matched again on every query."""
    if len(text) <= _CACHEABLE_LENGTH:
        return _memo_tokens(text)
    return tuple(tokens(text))


def has_tokens(query: str) -> bool:
    """False for an empty or symbols-only query (which the API rejects)."""
    return _TOKEN_RE.search(query) is not None


def autocomplete_matcher(query: str) -> Callable[[str], bool]:
    """Compile ``$autocomplete``: the whole value starts with the query, or the query's tokens
    match consecutive value tokens with the last one as a prefix (so a one-word query matches
    any word prefix: "ro" matches "Robert" and "Aaron Rogers"). Case-insensitive."""
    whole = query.strip().lower()
    query_tokens = tuple(tokens(query))
    if not query_tokens:
        return lambda value: False
    if len(query_tokens) == 1:
        prefix = query_tokens[0]

        def single(value: str) -> bool:
            if value.lower().startswith(whole):
                return True
            return any(token.startswith(prefix) for token in _cached_tokens(value))

        return single

    head, last, width = query_tokens[:-1], query_tokens[-1], len(query_tokens)

    def phrase(value: str) -> bool:
        if value.lower().startswith(whole):
            return True
        value_tokens = _cached_tokens(value)
        for start in range(len(value_tokens) - width + 1):
            if value_tokens[start : start + width - 1] == head and value_tokens[
                start + width - 1
            ].startswith(last):
                return True
        return False

    return phrase


def text_query_matcher(query: str) -> Callable[[str], bool]:
    """Compile ``$q``: every query token is a token or a token prefix of the value
    (case-insensitive; order and punctuation ignored)."""
    query_tokens = tuple(dict.fromkeys(tokens(query)))
    if not query_tokens:
        return lambda value: False

    def match(value: str) -> bool:
        value_tokens = _cached_tokens(value)
        return all(
            any(token.startswith(wanted) for token in value_tokens) for wanted in query_tokens
        )

    return match


def matches_autocomplete(value: str, query: str) -> bool:
    return autocomplete_matcher(query)(value)


def matches_text_query(value: str, query: str) -> bool:
    return text_query_matcher(query)(value)
