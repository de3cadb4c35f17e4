"""Segments and campaigns (endpoints-moderation-tasks §5-§6, models §14-§15).

``app.campaigns`` holds the campaigns and, as ``app.campaigns.segments``, the segments.

Lifecycle: ``draft`` → (start) ``in_progress`` → ``completed``, or ``draft`` → (start with a
future ``scheduled_for``) ``scheduled`` → … ; ``stopped`` by stop. There is no background
scheduler: :meth:`CampaignStore.tick` starts the scheduled campaigns whose time has come on
the app's clock. It runs before every campaign operation and from
``app.outbound.flush()``; other areas may call it too (it is cheap when nothing is due).

Choices where the spec is open (recorded here, see also ``campaign_send``):

- start is allowed from ``draft`` only (400/4 otherwise), and needs targets (``user_ids`` or
  ``segment_ids``; drafts may have neither);
- ``stop_at`` must be later than now for an immediate start (400/4); for a scheduled start
  a ``stop_at`` not later than ``scheduled_for`` stops the campaign at its start time
  without sending. The fake sends instantly, so a later ``stop_at`` never interrupts a send;
- stop works on ``draft``, ``scheduled`` and ``in_progress`` campaigns and is idempotent on
  ``stopped`` ones; stopping a ``completed`` campaign → 400/4;
- update is allowed on ``draft`` and ``scheduled`` campaigns (§6.6 Fake) and replaces every
  editable field (``sender_id`` and ``message_template`` required again);
- delete is a hard delete; ``test`` validates and has no side effects (§10 item 10);
- ``campaign.users`` lists the users of ``user_ids`` (segment members are not expanded),
  ordered by id, paged with ``limit`` (default and maximum 1,000) / ``next`` / ``prev``;
- update and stop answer the campaign under ``campaign`` and mirrored at the top level
  (models §14);
- ``stats.stats_users_read`` counts receivers whose read state has passed their campaign
  message.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Final

from fake_server.domain.campaign_model import (
    COMPLETED,
    DRAFT,
    IN_PROGRESS,
    SCHEDULED,
    STOPPED,
    Campaign,
    parse_fields,
)
from fake_server.domain.campaign_send import CampaignSender
from fake_server.domain.errors import input_error, not_found
from fake_server.domain.ids import new_id
from fake_server.domain.query import (
    COMPARISONS_IN_EXISTS,
    Field,
    FieldType,
    Schema,
    SortField,
    compile_filter,
    compile_sort,
    page_limit,
    paged,
)
from fake_server.domain.segments import SegmentStore, check_object_id, query_document
from fake_server.domain.timefmt import format_time, parse_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.users import User

QUERY_DEFAULT_LIMIT: Final = 25
QUERY_MAX_LIMIT: Final = 100
USERS_DEFAULT_LIMIT: Final = 1000
USERS_MAX_LIMIT: Final = 1000

CAMPAIGN_SCHEMA: Final[Schema[Campaign]] = Schema(
    fields={
        "id": Field("id", FieldType.STRING, COMPARISONS_IN_EXISTS, lambda c: c.id),
        "name": Field("name", FieldType.STRING, COMPARISONS_IN_EXISTS, lambda c: c.fields.name),
        "sender_id": Field("sender_id", FieldType.STRING, COMPARISONS_IN_EXISTS, lambda c: c.fields.sender_id),
        "status": Field("status", FieldType.STRING, COMPARISONS_IN_EXISTS, lambda c: c.status),
        "created_at": Field("created_at", FieldType.DATE, COMPARISONS_IN_EXISTS, lambda c: c.created_at),
        "updated_at": Field("updated_at", FieldType.DATE, COMPARISONS_IN_EXISTS, lambda c: c.updated_at),
        "segments": Field(
            "segments",
            FieldType.STRING_LIST,
            frozenset({"$eq", "$in", "$contains"}),
            lambda c: list(c.fields.segment_ids),
        ),
    },
    name="filter",
)
CAMPAIGN_SORT: Final[dict[str, SortField[Campaign]]] = {
    "created_at": SortField("created_at", lambda c: c.created_at),
    "updated_at": SortField("updated_at", lambda c: c.updated_at),
    "name": SortField("name", lambda c: c.fields.name),
    "id": SortField("id", lambda c: c.id),
}



class CampaignStore:
    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self.segments = SegmentStore(app)
        self.by_id: dict[str, Campaign] = {}
        self._ticking = False

    # -- scheduling ------------------------------------------------------------------------------

    def tick(self) -> None:
        """Start the scheduled campaigns whose ``scheduled_for`` has passed on the app clock
        (oldest first) and stop those whose ``stop_at`` has passed. Call with the app lock."""
        if self._ticking:
            return
        self._ticking = True
        try:
            now = self._app.clock.peek()
            due = sorted(
                (c for c in self.by_id.values() if c.status == SCHEDULED and c.scheduled_for is not None
                 and c.scheduled_for <= now),
                key=lambda c: (c.scheduled_for, c.created_at),
            )
            for campaign in due:
                if campaign.stop_at is not None and campaign.scheduled_for is not None \
                        and campaign.stop_at <= campaign.scheduled_for:
                    self._stop(campaign)
                else:
                    CampaignSender(self._app, self, campaign).run()
            for campaign in list(self.by_id.values()):
                if campaign.status in (SCHEDULED, IN_PROGRESS) and campaign.stop_at is not None \
                        and campaign.stop_at <= now:
                    self._stop(campaign)
        finally:
            self._ticking = False

    # -- lookups ---------------------------------------------------------------------------------

    def require(self, campaign_id: str) -> Campaign:
        campaign = self.by_id.get(campaign_id)
        if campaign is None:
            raise not_found(f"campaign {campaign_id} does not exist")
        return campaign

    # -- operations ------------------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        self.tick()
        raw_id = body.get("id")
        campaign_id = new_id() if raw_id is None or raw_id == "" else check_object_id(raw_id, "id")
        if campaign_id in self.by_id:
            raise input_error(f"campaign {campaign_id} already exists", id="already exists")
        fields = parse_fields(self._app, body)
        now = self._app.clock.now()
        campaign = Campaign(id=campaign_id, fields=fields, created_at=now, updated_at=now)
        self.by_id[campaign_id] = campaign
        return self._single(campaign, {})

    def get(self, campaign_id: str, options: dict[str, Any]) -> dict[str, Any]:
        self.tick()
        return self._single(self.require(campaign_id), options)

    def update(self, campaign_id: str, body: dict[str, Any]) -> dict[str, Any]:
        self.tick()
        campaign = self.require(campaign_id)
        if campaign.status not in (DRAFT, SCHEDULED):
            raise input_error(f"campaign {campaign_id} is {campaign.status} and can no longer be updated")
        if body.get("id") not in (None, "", campaign.id):
            raise input_error("the id of a campaign cannot change", id="immutable")
        campaign.fields = parse_fields(self._app, body)
        campaign.updated_at = self._app.clock.now()
        return self._mirrored(campaign)

    def delete(self, campaign_id: str) -> None:
        self.tick()
        self.require(campaign_id)
        del self.by_id[campaign_id]

    def query(self, body: dict[str, Any]) -> dict[str, Any]:
        self.tick()
        conditions = query_document(body, "filter")
        matches = compile_filter(CAMPAIGN_SCHEMA, {} if conditions is None else conditions)
        sorter = compile_sort(
            query_document(body, "sort"), CAMPAIGN_SORT, default=[("created_at", -1)], tiebreak=[("id", 1)]
        )
        limit = page_limit(body.get("limit"), default=QUERY_DEFAULT_LIMIT, maximum=QUERY_MAX_LIMIT)
        candidates = sorter(c for c in self.by_id.values() if matches(c))
        page, cursors = paged(
            candidates,
            body,
            key=sorter.key,
            directions=sorter.directions,
            limit=limit,
            context={"filter": conditions, "sort": sorter.order},
        )
        return {"campaigns": [self.render(c) for c in page], **cursors}

    def start(self, campaign_id: str, body: dict[str, Any]) -> dict[str, Any]:
        self.tick()
        campaign = self.require(campaign_id)
        if campaign.status != DRAFT:
            raise input_error(f"campaign {campaign_id} is {campaign.status}: a campaign can be started only once")
        if not campaign.fields.user_ids and not campaign.fields.segment_ids:
            raise input_error("the campaign has no targets: set user_ids or segment_ids first")
        scheduled_for = None if body.get("scheduled_for") is None else parse_time(body["scheduled_for"], "scheduled_for")
        stop_at = None if body.get("stop_at") is None else parse_time(body["stop_at"], "stop_at")
        now = self._app.clock.now()
        if scheduled_for is not None and scheduled_for > now:
            campaign.status = SCHEDULED
            campaign.scheduled_for = scheduled_for
            campaign.stop_at = stop_at
            campaign.updated_at = now
        else:
            if stop_at is not None and stop_at <= now:
                raise input_error("stop_at must be in the future", stop_at="in the past")
            campaign.scheduled_for = scheduled_for
            campaign.stop_at = stop_at
            CampaignSender(self._app, self, campaign).run()
        return self._single(campaign, {})

    def stop(self, campaign_id: str) -> dict[str, Any]:
        self.tick()
        campaign = self.require(campaign_id)
        if campaign.status == COMPLETED:
            raise input_error(f"campaign {campaign_id} is already completed")
        if campaign.status != STOPPED:
            self._stop(campaign)
        return self._mirrored(campaign)

    def test(self, campaign_id: str, body: dict[str, Any]) -> None:
        self.tick()
        self.require(campaign_id)
        users = body.get("users")
        if users is not None and (
            not isinstance(users, list) or not all(isinstance(u, str) and u for u in users)
        ):
            raise input_error("users must be an array of user ids", users="invalid")

    def _stop(self, campaign: Campaign) -> None:
        campaign.status = STOPPED
        campaign.updated_at = self._app.clock.now()

    # -- rendering -------------------------------------------------------------------------------

    def _users_page(self, campaign: Campaign, options: dict[str, Any]) -> tuple[list[User], dict[str, str]]:
        limit = page_limit(options.get("limit"), default=USERS_DEFAULT_LIMIT, maximum=USERS_MAX_LIMIT)
        users = sorted(
            (u for u in (self._app.users.get(uid) for uid in campaign.fields.user_ids) if u is not None),
            key=lambda u: u.id,
        )
        return paged(users, options, key=lambda u: (u.id,), limit=limit, context={"campaign": campaign.id})

    def _single(self, campaign: Campaign, options: dict[str, Any]) -> dict[str, Any]:
        users, paging = self._users_page(campaign, options)
        return {"campaign": self.render(campaign, users=users), "users": paging}

    def _mirrored(self, campaign: Campaign) -> dict[str, Any]:
        single = self._single(campaign, {})
        rendered: dict[str, Any] = single["campaign"]
        return {**rendered, **single}

    def _users_read(self, campaign: Campaign) -> int:
        store = self._app.chat.store
        readers: set[str] = set()
        for cid, receiver_id, message_id in campaign.sent:
            channel, message = store.channels.get(cid), store.messages.get(message_id)
            read = channel.reads.get(receiver_id) if channel is not None else None
            if read is not None and message is not None and read.last_read >= message.created_at:
                readers.add(receiver_id)
        return len(readers)

    def render(self, campaign: Campaign, *, users: list[User] | None = None) -> dict[str, Any]:
        fields = campaign.fields
        if users is None:
            users = self._users_page(campaign, {})[0]
        stats = campaign.stats
        rendered_stats: dict[str, Any] = {
            "progress": stats.progress,
            "stats_messages_sent": stats.messages_sent,
            "stats_channels_created": stats.channels_created,
            "stats_users_sent": stats.users_sent,
            "stats_users_read": self._users_read(campaign),
        }
        if stats.started_at is not None:
            rendered_stats["stats_started_at"] = format_time(stats.started_at)
        if stats.completed_at is not None:
            rendered_stats["stats_completed_at"] = format_time(stats.completed_at)
        out: dict[str, Any] = copy.deepcopy(fields.extra)
        out.update(
            id=campaign.id,
            name=fields.name,
            description=fields.description,
            sender_id=fields.sender_id,
            segment_ids=list(fields.segment_ids),
            segments=[
                self.segments.render(segment)
                for segment in (self.segments.by_id.get(sid) for sid in fields.segment_ids)
                if segment is not None
            ],
            user_ids=list(fields.user_ids),
            users=[self._app.users.render(user) for user in users],
            create_channels=fields.create_channels,
            show_channels=fields.show_channels,
            message_template=copy.deepcopy(fields.message_template),
            skip_push=fields.skip_push,
            skip_webhook=fields.skip_webhook,
            status=campaign.status,
            created_at=format_time(campaign.created_at),
            updated_at=format_time(campaign.updated_at),
            stats=rendered_stats,
        )
        sender = self._app.users.by_id.get(fields.sender_id)
        if sender is not None:
            out["sender"] = self._app.users.render(sender)
        if fields.channel_template is not None:
            out["channel_template"] = copy.deepcopy(fields.channel_template)
        if fields.sender_mode is not None:
            out["sender_mode"] = fields.sender_mode
        if fields.sender_visibility is not None:
            out["sender_visibility"] = fields.sender_visibility
        if campaign.scheduled_for is not None:
            out["scheduled_for"] = format_time(campaign.scheduled_for)
        if campaign.stop_at is not None:
            out["stop_at"] = format_time(campaign.stop_at)
        return out
