"""Blocklists of an app (the built-in profanity list plus custom ones) and message checks.

The chat core calls ``app.blocklists.check(text, config)`` on message send and update, with
the channel's effective config (``app.channel_types.effective(type, overrides)``); see
``BlocklistRegistry.check``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.config_blocklist_match import match
from fake_server.domain.config_validation import (
    as_enum,
    as_required_str,
    as_str,
    dedupe,
    type_error,
)
from fake_server.domain.errors import input_error, not_found
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

BUILTIN_BLOCKLIST = "profanity_en_2020_v1"
# A small sample of the built-in list, so that a type configured with it does something
# (models §10 allows "an empty or sample word list").
_BUILTIN_WORDS = (
    "arse", "arsehole", "asshole", "bastard", "bitch", "bollocks", "bullshit", "cunt", "dick",
    "fuck", "fucker", "fucking", "motherfucker", "shit", "shitty", "twat", "wanker",
)
TYPES = ("word", "regex", "domain", "email", "domain_allowlist", "email_allowlist")
BEHAVIORS = ("flag", "block", "shadow_block")
# Severity order when several lists match: the strictest behaviour wins.
_SEVERITY = {"flag": 0, "shadow_block": 1, "block": 2}

MAX_BLOCKLISTS = 15  # custom lists per app; the built-in list does not count (choice)
MAX_WORDS = 10_000
MAX_WORD_LENGTH = 40
MAX_NAME_LENGTH = 255


@dataclass(slots=True)
class Blocklist:
    name: str
    type: str
    words: list[str]
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def builtin(self) -> bool:
        return self.created_at is None

    def render(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "words": list(self.words)}
        if self.created_at is not None:
            out["created_at"] = format_time(self.created_at)
        if self.updated_at is not None:
            out["updated_at"] = format_time(self.updated_at)
        return out


@dataclass(frozen=True, slots=True)
class BlocklistVerdict:
    """What ``check`` found: the list, the list entry and the text it matched, the behaviour."""

    blocklist: str
    type: str
    word: str
    matched: str
    behavior: str


class BlocklistRegistry:
    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self.by_name: dict[str, Blocklist] = {
            BUILTIN_BLOCKLIST: Blocklist(BUILTIN_BLOCKLIST, "word", list(_BUILTIN_WORDS), None, None)
        }

    # -- lookups ---------------------------------------------------------------------------------

    def get(self, name: str) -> Blocklist | None:
        return self.by_name.get(name)

    def require(self, name: str) -> Blocklist:
        found = self.by_name.get(name)
        if found is None:
            raise not_found(f'blocklist "{name}" does not exist')
        return found

    def require_reference(self, name: str, field: str = "blocklist") -> Blocklist:
        """A list named from another object's settings: 400/4 when unknown."""
        found = self.by_name.get(name)
        if found is None:
            raise input_error(f'{field}: blocklist "{name}" does not exist', **{field: "unknown blocklist"})
        return found

    def all(self) -> list[Blocklist]:
        """The built-in list first, then custom lists in creation order (endpoints §0.8)."""
        return list(self.by_name.values())

    # -- writes ----------------------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> Blocklist:
        name = as_required_str(body.get("name"), "name", max_length=MAX_NAME_LENGTH)
        if name in self.by_name:
            raise input_error(f'blocklist "{name}" already exists', name="already exists")
        list_type = "word" if body.get("type") is None else as_enum(body["type"], "type", TYPES)
        words = _words(body.get("words"), list_type)
        if sum(1 for item in self.by_name.values() if not item.builtin) >= MAX_BLOCKLISTS:
            raise input_error(f"an app can have at most {MAX_BLOCKLISTS} blocklists")
        now = self._app.clock.now()
        blocklist = Blocklist(name, list_type, words, now, now)
        self.by_name[name] = blocklist
        return blocklist

    def update(self, name: str, body: dict[str, Any]) -> Blocklist:
        """Replace the word list (the type stays; only ``words`` is read)."""
        blocklist = self.require(name)
        if blocklist.builtin:
            raise input_error(f'blocklist "{name}" is built-in and cannot be updated')
        blocklist.words = _words(body.get("words"), blocklist.type)
        blocklist.updated_at = self._app.clock.now()
        return blocklist

    def delete(self, name: str) -> None:
        """Delete a list and every reference to it (channel types, channel overrides).

        Channel overrides are owned by the chat core (``app.chat.forget_blocklist``).
        """
        blocklist = self.require(name)
        if blocklist.builtin:
            raise input_error(f'blocklist "{name}" is built-in and cannot be deleted')
        del self.by_name[name]
        self._app.channel_types.forget_blocklist(name)
        self._app.chat.forget_blocklist(name)

    # -- message checks ----------------------------------------------------------------------------

    def check(self, text: str | None, config: dict[str, Any]) -> BlocklistVerdict | None:
        """Check a message text against the blocklists a channel config enables.

        ``config`` is a channel's effective config (``app.channel_types.effective(...)``) or
        any dict with the same keys: ``blocklist`` (a list name) with ``blocklist_behavior``
        (default ``"flag"``), and/or ``blocklists``: ``[{"blocklist": name, "behavior": b}]``.
        Unknown (deleted) list names are skipped. Returns ``None`` when nothing matches,
        otherwise a ``BlocklistVerdict`` with the list name and type, the list entry that
        matched (``word``), the text fragment it matched (``matched``) and ``behavior``:

        - ``"flag"``: store and deliver the message normally and record a moderation flag;
        - ``"block"``: do not store or broadcast it (the send answers 200 with an ``error``
          type message, endpoints §7.6);
        - ``"shadow_block"``: store it with ``shadowed: true``, visible only to its author.

        When several lists match, the strictest behaviour wins (block > shadow_block > flag);
        among equals, the single ``blocklist`` comes before ``blocklists`` in their order.
        Matching rules per list type: ``config_blocklist_match``. Server-side sends are
        subject to the same checks if the caller decides so (the chat core's choice).
        """
        if not text:
            return None
        best: BlocklistVerdict | None = None
        for name, behavior in _enabled_lists(config):
            blocklist = self.by_name.get(name)
            if blocklist is None:
                continue
            found = match(blocklist.type, text, blocklist.words)
            if found is None:
                continue
            verdict = BlocklistVerdict(name, blocklist.type, found[0], found[1], behavior)
            if best is None or _SEVERITY[verdict.behavior] > _SEVERITY[best.behavior]:
                best = verdict
        return best


def _enabled_lists(config: dict[str, Any]) -> list[tuple[str, str]]:
    lists: list[tuple[str, str]] = []
    name = config.get("blocklist")
    if isinstance(name, str) and name:
        lists.append((name, _behavior(config.get("blocklist_behavior"))))
    for entry in config.get("blocklists") or ():
        if isinstance(entry, dict) and isinstance(entry.get("blocklist"), str):
            lists.append((entry["blocklist"], _behavior(entry.get("behavior"))))
    return lists


def _behavior(value: object) -> str:
    return value if isinstance(value, str) and value in _SEVERITY else "flag"


def _words(value: object, list_type: str) -> list[str]:
    """Validate a word list: 1-10,000 entries, each ≤ 40 characters.

    ``word``/``domain``/``email`` entries are lower-cased (endpoints §7 recommends
    lower-casing or rejecting; lower-casing is the friendlier choice); regex entries are kept
    verbatim and must compile.
    """
    if value is None:
        raise input_error('field "words" is required', words="is required")
    if not isinstance(value, list):
        raise type_error("words", "an array of strings", value)
    if not value:
        raise input_error('field "words" must contain at least one word', words="is empty")
    if len(value) > MAX_WORDS:
        raise input_error(f"a blocklist can hold at most {MAX_WORDS} words, got {len(value)}", words="too many")
    words: list[str] = []
    for index, item in enumerate(value):
        where = f"words[{index}]"
        word = as_str(item, where).strip()
        if not word:
            raise input_error(f"{where} must not be empty", words="empty word")
        if len(word) > MAX_WORD_LENGTH:
            raise input_error(
                f'{where} "{word}" is longer than {MAX_WORD_LENGTH} characters', words="word too long"
            )
        if list_type == "regex":
            try:
                re.compile(word)
            except re.error as exc:
                raise input_error(f'{where} "{word}" is not a valid regular expression: {exc}', words="invalid regex") from None
        else:
            word = word.lower()
        words.append(word)
    return dedupe(words)
