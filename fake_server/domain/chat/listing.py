"""Which messages a channel lists (§1.4), message pagination (§1.5) and channel state (§1.3)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import render
from fake_server.domain.chat.models import Channel, Message
from fake_server.domain.errors import input_error
from fake_server.domain.query import page_offset
from fake_server.domain.query.paging import page_limit
from fake_server.domain.timefmt import format_time, parse_time

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

DEFAULT_MESSAGE_LIMIT = 25  # §9 Q18
MAX_MESSAGE_LIMIT = 300
MAX_PINNED = 10
MAX_PENDING = 100
MAX_READS = 100
DEFAULT_MEMBER_LIMIT = 100
MAX_MEMBER_LIMIT = 300
MAX_MEMBER_OFFSET = 10_000

Keep = Callable[[Message], bool]


def _created(message: Message) -> datetime:
    return message.created_at


def bounded(value: object, name: str, *, default: int, maximum: int) -> int:
    """A non-negative integer option where 0 really means zero (unlike ``page_limit``)."""
    if value is None:
        return default
    if value == 0 or value == "0":
        return 0
    return page_limit(value, name=name, default=default, maximum=maximum)


@dataclass(slots=True)
class MessagePage:
    limit: int = DEFAULT_MESSAGE_LIMIT
    offset: int = 0
    after: datetime | None = None
    after_inclusive: bool = False
    before: datetime | None = None
    before_inclusive: bool = False
    around: datetime | None = None

    @classmethod
    def parse(cls, core: ChatCore, options: dict[str, Any], *, label: str | None = "messages") -> MessagePage:
        """Read §1.5 options (JSON values or query-string strings); ``label`` prefixes field
        names in errors (``messages.created_at_after``)."""

        def named(key: str) -> str:
            return f"{label}.{key}" if label else key

        page = cls(
            limit=bounded(options.get("limit"), named("limit"), default=DEFAULT_MESSAGE_LIMIT, maximum=MAX_MESSAGE_LIMIT),
            offset=page_offset(options.get("offset"), name=named("offset"), maximum=MAX_MEMBER_OFFSET),
        )

        def pivot(key: str) -> datetime | None:
            value = options.get(key)
            if value in (None, ""):
                return None
            message = core.store.messages.get(value) if isinstance(value, str) else None
            if message is None:
                raise input_error(f'message "{value}" given in {named(key)} does not exist')
            return message.created_at

        def stamp(key: str) -> datetime | None:
            value = options.get(key)
            if value in (None, ""):
                return None
            return parse_time(value, named(key))

        for key, inclusive in (("id_gt", False), ("id_gte", True)):
            found = pivot(key)
            if found is not None:
                page.after, page.after_inclusive = found, inclusive
        for key, inclusive in (("created_at_after", False), ("created_at_after_or_equal", True)):
            found = stamp(key)
            if found is not None:
                page.after, page.after_inclusive = found, inclusive
        for key, inclusive in (("id_lt", False), ("id_lte", True)):
            found = pivot(key)
            if found is not None:
                page.before, page.before_inclusive = found, inclusive
        for key, inclusive in (("created_at_before", False), ("created_at_before_or_equal", True)):
            found = stamp(key)
            if found is not None:
                page.before, page.before_inclusive = found, inclusive
        page.around = pivot("id_around") or stamp("created_at_around")
        return page

    def select(self, seq: Sequence[Message], keep: Keep) -> list[Message]:
        """The page of ``seq`` (ascending by created_at) among messages passing ``keep``.

        No pivot: the newest ``limit`` (after skipping ``offset`` from the newest). A lower
        bound: the oldest ``limit`` after it (closest to the pivot). An upper bound only: the
        newest ``limit`` before it. Around: split evenly on both sides. Always ascending.
        """
        if self.limit == 0:
            return []
        lo, hi = 0, len(seq)
        if self.after is not None:
            lo = (bisect_left if self.after_inclusive else bisect_right)(seq, self.after, key=_created)
        if self.before is not None:
            hi = (bisect_right if self.before_inclusive else bisect_left)(seq, self.before, key=_created)
        if self.around is not None:
            return self._around(seq, keep, lo, hi, self.around)
        if self.after is not None:
            return _walk(seq, keep, range(lo, hi), self.offset, self.limit)
        return _walk(seq, keep, range(hi - 1, lo - 1, -1), self.offset, self.limit)[::-1]

    def _around(self, seq: Sequence[Message], keep: Keep, lo: int, hi: int, at: datetime) -> list[Message]:
        middle = max(lo, min(hi, bisect_left(seq, at, key=_created)))
        before = _walk(seq, keep, range(middle - 1, lo - 1, -1), 0, self.limit)
        after = _walk(seq, keep, range(middle, hi), 0, self.limit)
        want_before = self.limit // 2
        take_before = min(len(before), max(want_before, self.limit - len(after)))
        take_after = min(len(after), self.limit - take_before)
        return before[:take_before][::-1] + after[:take_after]


def _walk(seq: Sequence[Message], keep: Keep, indexes: range, skip: int, limit: int) -> list[Message]:
    found: list[Message] = []
    for index in indexes:
        message = seq[index]
        if not keep(message):
            continue
        if skip:
            skip -= 1
            continue
        found.append(message)
        if len(found) >= limit:
            break
    return found


def channel_filter(core: ChatCore, channel: Channel, viewer: str | None) -> Keep:
    """Messages listed in a channel's ``messages`` for ``viewer`` (§1.4)."""
    truncated = channel.truncated_at
    member = channel.members.get(viewer) if viewer is not None else None
    hidden_before = member.hide_messages_before if member is not None else None

    def keep(message: Message) -> bool:
        if message.parent_id is not None and not message.show_in_channel:
            return False
        if message.pending:
            return False
        if truncated is not None and message.created_at <= truncated:
            return False
        if viewer is not None:
            if hidden_before is not None and message.created_at <= hidden_before:
                return False
            if not message.visible_to(viewer):
                return False
        return True

    return keep


def newest_listed(core: ChatCore, channel: Channel, viewer: str | None) -> Message | None:
    keep = channel_filter(core, channel, viewer)
    for message in reversed(channel.messages):
        if keep(message):
            return message
    return None


def pinned_messages(core: ChatCore, channel: Channel, viewer: str | None) -> list[Message]:
    if not channel.pinned_ids:
        return []
    now = core.app.clock.peek()
    keep = channel_filter(core, channel, viewer)
    stored = core.store.messages
    candidates = [stored.get(message_id) for message_id in channel.pinned_ids]
    pinned = [
        m for m in candidates
        if m is not None and m.cid == channel.cid and m.pinned_now(now) and not m.deleted and keep(m)
    ]
    pinned.sort(key=lambda m: (m.pinned_at or m.created_at, m.created_at), reverse=True)
    return pinned[:MAX_PINNED]


@dataclass(slots=True)
class StateOptions:
    messages: MessagePage
    member_limit: int = DEFAULT_MEMBER_LIMIT
    member_offset: int = 0
    watchers: bool = False


def channel_state(core: ChatCore, channel: Channel, viewer: str | None, options: StateOptions) -> dict[str, Any]:
    """ChannelStateResponse (§1.3) without ``duration``."""
    keep = channel_filter(core, channel, viewer)
    messages = options.messages.select(channel.messages, keep)
    members = render.sorted_members(channel)
    page = members[options.member_offset : options.member_offset + options.member_limit]
    state: dict[str, Any] = {
        "channel": render.render_channel(core, channel, viewer=viewer),
        "messages": [render.render_message(core, m, viewer=viewer) for m in messages],
        "pinned_messages": [
            render.render_message(core, m, viewer=viewer) for m in pinned_messages(core, channel, viewer)
        ],
        "members": [render.render_member(core, channel, m) for m in page],
        "threads": [],
        "watcher_count": 0,
    }
    if render.effective_config(core, channel).get("read_events", True):
        state["read"] = _reads(core, channel, viewer, [m.user_id for m in members])
    if options.watchers:
        state["watchers"] = []
    if viewer is not None:
        member = channel.members.get(viewer)
        if member is not None:
            state["membership"] = render.render_member(core, channel, member)
            if member.hide_messages_before is not None:
                state["hide_messages_before"] = format_time(member.hide_messages_before)
        state["hidden"] = bool(member and member.hidden)
        pending = [m for m in reversed(channel.messages) if m.pending and m.user_id == viewer][:MAX_PENDING]
        state["pending_messages"] = [pending_entry(core, m, viewer) for m in pending]
    return state


def pending_entry(core: ChatCore, message: Message, viewer: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"message": render.render_message(core, message, viewer=viewer)}
    if message.pending_metadata:
        entry["pending_message_metadata"] = dict(message.pending_metadata)
    return entry


def _reads(core: ChatCore, channel: Channel, viewer: str | None, member_ids: list[str]) -> list[dict[str, Any]]:
    order = [uid for uid in member_ids if uid in channel.reads]
    order += [uid for uid in channel.reads if uid not in channel.members]
    chosen = order[:MAX_READS]
    if viewer is not None and viewer in channel.reads and viewer not in chosen:
        chosen = [*chosen[: MAX_READS - 1], viewer]
    return [render.render_read(core, channel.reads[uid]) for uid in chosen]
