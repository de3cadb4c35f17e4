"""Campaigns (endpoints-moderation-tasks §6) through the SDK, sync and async, both transports."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fake_server import ChatApp
from tests.conftest import SDK, RawAPI, Seed, status_code

from .receiver import Receiver

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
T0 = datetime(2025, 3, 1, 9, 0, 0, tzinfo=UTC)

TEMPLATE = {"text": "Hi {{ receiver.name | default('there') }}, {{ sender.name }} here", "custom": {"promo": "spring"}}


def data(**overrides: Any) -> dict[str, Any]:
    return {"sender_id": "boss", "message_template": TEMPLATE, **overrides}


def channel_state(raw: RawAPI, cid: str) -> dict[str, Any]:
    channel_type, channel_id = cid.split(":")
    response = raw.request("POST", f"/channels/{channel_type}/{channel_id}/query", json={"state": True})
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()
    return state


def channel_exists(chat_app: ChatApp, cid: str) -> bool:
    return cid in chat_app.chat.store.channels


@pytest.fixture
def people(seed: Seed) -> None:
    seed(
        {"id": "boss", "name": "The Boss"},
        {"id": "ann", "name": "Ann", "tier": "gold"},
        {"id": "bob", "name": "Bob", "tier": "gold"},
        {"id": "cy", "tier": "gold"},
        {"id": "dee", "name": "Dee", "tier": "free"},
    )


@pytest.mark.asyncio
async def test_create_get_and_the_campaign_object(sdk: SDK, people: None) -> None:
    created = await sdk("create_campaign", data=data(name="Spring", user_ids=["ann", "bob", "ghost"]))
    campaign = created["campaign"]
    assert UUID.match(campaign["id"])
    assert created["users"] == {}
    assert campaign["status"] == "draft"
    assert {k: campaign[k] for k in (
        "name", "description", "sender_id", "segment_ids", "segments", "user_ids", "create_channels",
        "show_channels", "skip_push", "skip_webhook", "message_template",
    )} == {
        "name": "Spring", "description": "", "sender_id": "boss", "segment_ids": [], "segments": [],
        "user_ids": ["ann", "bob", "ghost"], "create_channels": False, "show_channels": False,
        "skip_push": False, "skip_webhook": False, "message_template": TEMPLATE,
    }
    assert campaign["sender"]["id"] == "boss"
    assert [u["id"] for u in campaign["users"]] == ["ann", "bob"]  # existing users, by id
    assert campaign["stats"] == {
        "progress": 0.0, "stats_messages_sent": 0, "stats_channels_created": 0,
        "stats_users_sent": 0, "stats_users_read": 0,
    }
    assert "scheduled_for" not in campaign and "channel_template" not in campaign

    fetched = await sdk("get_campaign", campaign["id"])
    assert fetched["campaign"] == campaign

    helper = sdk.client.campaign(data=data(name="Helper", user_ids=["ann"]))
    response = await sdk.call(helper, "create")
    assert helper.campaign_id == response["campaign"]["id"]
    assert (await sdk.call(helper, "get"))["campaign"]["name"] == "Helper"
    await sdk.call(helper, "delete")
    assert await sdk.fails("get_campaign", helper.campaign_id) == (404, 16)

    custom_id = await sdk("create_campaign", "spring-2025", data(sender_mode="include", extra_key={"a": 1}))
    assert custom_id["campaign"]["id"] == "spring-2025"
    assert custom_id["campaign"]["sender_mode"] == "include"
    assert custom_id["campaign"]["extra_key"] == {"a": 1}  # unknown keys are forwarded
    assert await sdk.fails("create_campaign", "spring-2025", data()) == (400, 4)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"message_template": TEMPLATE}, "sender_id is a required field"),
        ({"sender_id": "nobody", "message_template": TEMPLATE}, "sender nobody does not exist"),
        ({"sender_id": "boss"}, "message_template is a required field"),
        ({"sender_id": "boss", "message_template": {"custom": {}}}, "message_template.text is a required field"),
        (data(user_ids=["ann"], segment_ids=["s"]), "segment_ids and user_ids are mutually exclusive"),
        (data(segment_ids=["missing"]), "segment missing does not exist"),
        (data(segment_ids=[f"s{i}" for i in range(26)]), "segment_ids accepts at most 25 entries"),
        (data(create_channels=True), "channel_template with a type is required when create_channels is true"),
        (data(channel_template={"id": "x"}), "channel_template.type is a required field"),
        (data(channel_template={"type": "nope"}), "channel type nope does not exist"),
        (
            data(channel_template={"type": "messaging", "members": ["a"], "members_template": [{"user_id": "a"}]}),
            "channel_template.members and channel_template.members_template are mutually exclusive",
        ),
        (data(sender_mode="always"), "sender_mode must be one of exclude, include or null"),
        (data(sender_visibility="gone"), "sender_visibility must be one of hidden, archived or null"),
        (data(message_template={"text": "{{ receiver.name | shout }}"}), 'unsupported filter "shout"'),
        (data(skip_push="yes"), "skip_push must be a boolean"),
        (data(id="has space"), 'id "has space" may not contain "/" or whitespace'),
    ],
)
def test_create_campaign_validation(raw: RawAPI, people: None, body: dict[str, Any], detail: str) -> None:
    response = raw.request("POST", "/campaigns", json={"id": None, **body})
    assert status_code(response) == (400, 4)
    assert detail in response.json()["message"]
    assert response.json()["message"].startswith("CreateCampaign failed with error: ")


@pytest.mark.asyncio
async def test_update_delete_and_test(sdk: SDK, people: None) -> None:
    await sdk("create_campaign", "c1", data(name="one", user_ids=["ann"]))
    updated = await sdk("update_campaign", "c1", data(name="uno", description="d", user_ids=["bob"]))
    assert updated["campaign"]["name"] == "uno"
    assert updated["name"] == "uno"  # mirrored at the top level (models §14)
    assert updated["campaign"]["user_ids"] == ["bob"]
    assert updated["campaign"]["updated_at"] > updated["campaign"]["created_at"]
    assert await sdk.fails("update_campaign", "c1", {"name": "no sender"}) == (400, 4)
    assert await sdk.fails("update_campaign", "missing", data()) == (404, 16)

    assert set(await sdk("test_campaign", "c1", ["ann", "bob"])) == {"duration"}
    assert await sdk.fails("test_campaign", "missing", ["ann"]) == (404, 16)

    assert set(await sdk("delete_campaign", "c1", hard=True)) == {"duration"}  # unknown option ignored
    assert await sdk.fails("delete_campaign", "c1") == (404, 16)
    assert await sdk.fails("stop_campaign", "c1") == (404, 16)
    assert await sdk.fails("start_campaign", "c1") == (404, 16)


@pytest.mark.asyncio
async def test_query_campaigns(sdk: SDK, people: None) -> None:
    from stream_chat.types.segment import SegmentType

    await sdk("create_segment", SegmentType.USER, "gold", {"filter": {"tier": "gold"}})
    for name in ("b", "d", "a", "c"):
        extra = {"segment_ids": ["gold"]} if name in ("a", "b") else {}
        await sdk("create_campaign", f"camp-{name}", data(name=name, **extra))
    await sdk("stop_campaign", "camp-c")

    newest = await sdk("query_campaigns")
    assert [c["id"] for c in newest["campaigns"]] == ["camp-c", "camp-a", "camp-d", "camp-b"]
    by_name = [{"field": "name", "direction": 1}]
    first = await sdk("query_campaigns", None, by_name, {"limit": 3})
    assert [c["name"] for c in first["campaigns"]] == ["a", "b", "c"]
    rest = await sdk("query_campaigns", None, by_name, {"limit": 3, "next": first["next"]})
    assert [c["name"] for c in rest["campaigns"]] == ["d"] and "next" not in rest
    back = await sdk("query_campaigns", None, by_name, {"limit": 3, "prev": rest["prev"]})
    assert [c["name"] for c in back["campaigns"]] == ["a", "b", "c"]

    with_gold = await sdk("query_campaigns", {"segments": {"$contains": "gold"}}, by_name)
    assert [c["id"] for c in with_gold["campaigns"]] == ["camp-a", "camp-b"]
    assert with_gold["campaigns"][0]["segments"][0]["id"] == "gold"
    stopped = await sdk("query_campaigns", {"status": "stopped"})
    assert [c["id"] for c in stopped["campaigns"]] == ["camp-c"]
    in_list = await sdk("query_campaigns", {"id": {"$in": ["camp-d", "camp-b"]}, "sender_id": "boss"}, by_name)
    assert [c["id"] for c in in_list["campaigns"]] == ["camp-b", "camp-d"]
    assert await sdk.fails("query_campaigns", {"tier": "gold"}) == (400, 4)
    assert await sdk.fails("query_campaigns", None, [{"field": "stats", "direction": 1}]) == (400, 4)


@pytest.mark.asyncio
async def test_campaign_sends_to_a_segment(sdk: SDK, raw: RawAPI, chat_app: ChatApp, people: None) -> None:
    from stream_chat.types.segment import SegmentType

    await sdk("create_segment", SegmentType.USER, "gold", {"filter": {"tier": "gold"}})
    created = await sdk(
        "create_campaign",
        "spring",
        data(
            segment_ids=["gold"],
            create_channels=True,
            channel_template={
                "type": "messaging",
                "id": "{{ receiver.id }}-{{ sender.id }}",
                "custom": {"name": "Offers for {{ receiver.name | default('you') }}"},
            },
            message_template={
                **TEMPLATE,
                "attachments": [{"type": "text", "title": "For {{ receiver.id }}"}],
            },
        ),
    )
    assert created["campaign"]["segments"][0]["size"] == 3
    started = await sdk("start_campaign", "spring")
    campaign = started["campaign"]
    assert campaign["status"] == "completed"
    stats = campaign["stats"]
    assert {k: stats[k] for k in ("progress", "stats_messages_sent", "stats_channels_created", "stats_users_sent")} == {
        "progress": 1.0, "stats_messages_sent": 3, "stats_channels_created": 3, "stats_users_sent": 3,
    }
    assert stats["stats_started_at"] <= stats["stats_completed_at"]

    expected = {"ann": "Hi Ann, The Boss here", "bob": "Hi Bob, The Boss here", "cy": "Hi there, The Boss here"}
    for receiver, text in expected.items():
        state = channel_state(raw, f"messaging:{receiver}-boss")
        assert state["channel"]["created_by"]["id"] == "boss"
        assert sorted(m["user_id"] for m in state["members"]) == sorted(["boss", receiver])
        [message] = state["messages"]
        assert (message["text"], message["type"], message["user"]["id"]) == (text, "regular", "boss")
        assert (message["campaign_id"], message["promo"]) == ("spring", "spring")
        assert message["attachments"] == [{"type": "text", "title": f"For {receiver}"}]
    assert channel_state(raw, "messaging:ann-boss")["channel"]["name"] == "Offers for Ann"
    assert not channel_exists(chat_app, "messaging:dee-boss")  # not gold
    assert not channel_exists(chat_app, "messaging:boss-boss")  # never to the sender

    started_events = chat_app.events.list("campaign.started")
    completed_events = chat_app.events.list("campaign.completed")
    assert [e["campaign"]["status"] for e in started_events] == ["in_progress"]
    assert [e["campaign"]["status"] for e in completed_events] == ["completed"]
    assert len([e for e in chat_app.events.list("message.new") if e["message"].get("campaign_id") == "spring"]) == 3

    assert await sdk.fails("start_campaign", "spring") == (400, 4)  # only once
    assert await sdk.fails("update_campaign", "spring", data()) == (400, 4)
    assert await sdk.fails("stop_campaign", "spring") == (400, 4)

    read = raw.request("POST", "/channels/messaging/ann-boss/read", json={"user_id": "ann"})
    assert read.status_code == 200, read.text
    assert (await sdk("get_campaign", "spring"))["campaign"]["stats"]["stats_users_read"] == 1


@pytest.mark.asyncio
async def test_user_ids_go_to_existing_channels_only_without_create_channels(
    sdk: SDK, raw: RawAPI, chat_app: ChatApp, people: None
) -> None:
    created = raw.request(
        "POST", "/channels/messaging/query", json={"data": {"members": ["boss", "ann"], "created_by_id": "boss"}}
    )
    assert created.status_code == 200, created.text
    cid = created.json()["channel"]["cid"]
    assert cid.startswith("messaging:!members-")
    await sdk("create_campaign", "direct", data(user_ids=["ann", "bob", "ghost"], skip_push=True))
    campaign = (await sdk("start_campaign", "direct"))["campaign"]
    assert campaign["stats"]["stats_messages_sent"] == 1
    assert campaign["stats"]["stats_channels_created"] == 0
    # Member-based ids cannot be queried by id over HTTP: read the stored messages.
    stored = chat_app.chat.store.channels[cid].messages
    assert [(m.text, m.custom["campaign_id"]) for m in stored] == [("Hi Ann, The Boss here", "direct")]


@pytest.mark.asyncio
async def test_campaign_to_a_channel_segment(sdk: SDK, raw: RawAPI, chat_app: ChatApp, people: None) -> None:
    from stream_chat.types.segment import SegmentType

    for channel_id, topic in (("news", "sport"), ("chat", "misc"), ("scores", "sport")):
        response = raw.request(
            "POST", f"/channels/messaging/{channel_id}/query",
            json={"data": {"created_by_id": "ann", "topic": topic, "members": ["ann"]}},
        )
        assert response.status_code == 200, response.text
    await sdk("create_segment", SegmentType.CHANNEL, "sport", {"filter": {"topic": "sport"}})
    assert (await sdk("get_segment", "sport"))["segment"]["size"] == 2
    await sdk("create_campaign", "to-rooms", data(
        segment_ids=["sport"], message_template={"text": "News for #{{ channel.id }} ({{ channel.topic }})"},
        sender_mode="include",
    ))
    campaign = (await sdk("start_campaign", "to-rooms"))["campaign"]
    assert campaign["stats"]["stats_messages_sent"] == 2
    assert campaign["stats"]["stats_users_sent"] == 0
    assert [m["text"] for m in channel_state(raw, "messaging:news")["messages"]] == ["News for #news (sport)"]
    assert [m["text"] for m in channel_state(raw, "messaging:scores")["messages"]] == ["News for #scores (sport)"]
    assert channel_state(raw, "messaging:chat")["messages"] == []
    assert "boss" in {m["user_id"] for m in channel_state(raw, "messaging:news")["members"]}


@pytest.mark.asyncio
async def test_scheduled_campaign_starts_when_the_clock_passes(
    sdk: SDK, raw: RawAPI, chat_app: ChatApp, people: None
) -> None:
    chat_app.clock.freeze(T0)
    await sdk("create_campaign", "later", data(
        user_ids=["ann"], create_channels=True, channel_template={"type": "messaging", "id": "later-{{ receiver.id }}"}
    ))
    scheduled = (await sdk("start_campaign", "later", T0 + timedelta(hours=1), T0 + timedelta(hours=2)))["campaign"]
    assert scheduled["status"] == "scheduled"
    assert scheduled["scheduled_for"] == "2025-03-01T10:00:00.000000Z"
    assert scheduled["stop_at"] == "2025-03-01T11:00:00.000000Z"
    chat_app.advance(1800)
    assert (await sdk("get_campaign", "later"))["campaign"]["status"] == "scheduled"
    assert not channel_exists(chat_app, "messaging:later-ann")
    chat_app.advance(1801)
    done = (await sdk("get_campaign", "later"))["campaign"]
    assert done["status"] == "completed"
    assert done["stats"]["stats_messages_sent"] == 1
    assert [m["text"] for m in channel_state(raw, "messaging:later-ann")["messages"]] == ["Hi Ann, The Boss here"]


def test_scheduled_campaign_runs_on_flush_and_stops(raw: RawAPI, chat_app: ChatApp, people: None) -> None:
    chat_app.clock.freeze(T0)
    for campaign_id in ("flushed", "stopped", "never"):
        body = {"id": campaign_id, **data(user_ids=["ann"], create_channels=True,
                                          channel_template={"type": "messaging", "id": f"{campaign_id}-{{{{ receiver.id }}}}"})}
        assert raw.request("POST", "/campaigns", json=body).status_code == 200
    start = "2025-03-01T09:30:00"  # naive isoformat(): UTC
    assert raw.request("POST", "/campaigns/flushed/start", json={"scheduled_for": start}).status_code == 200
    assert raw.request("POST", "/campaigns/stopped/start", json={"scheduled_for": start}).status_code == 200
    stop = raw.request("POST", "/campaigns/stopped/stop", json={})
    assert stop.status_code == 200 and stop.json()["campaign"]["status"] == "stopped"
    assert stop.json()["status"] == "stopped"
    assert raw.request("POST", "/campaigns/stopped/stop", json={}).status_code == 200  # idempotent
    # stop_at not after scheduled_for: stopped at its start time, nothing sent
    assert raw.request(
        "POST", "/campaigns/never/start", json={"scheduled_for": start, "stop_at": "2025-03-01T09:15:00Z"}
    ).status_code == 200

    chat_app.advance(3600)
    assert chat_app.outbound.flush(5)  # runs due campaigns (no request needed)
    statuses = {c.id: c.status for c in chat_app.campaigns.by_id.values()}
    assert statuses == {"flushed": "completed", "stopped": "stopped", "never": "stopped"}
    assert channel_exists(chat_app, "messaging:flushed-ann")
    assert not channel_exists(chat_app, "messaging:stopped-ann")
    assert not channel_exists(chat_app, "messaging:never-ann")


def test_start_errors(raw: RawAPI, chat_app: ChatApp, people: None) -> None:
    assert raw.request("POST", "/campaigns", json={"id": "empty", **data()}).status_code == 200
    no_targets = raw.request("POST", "/campaigns/empty/start", json={})
    assert status_code(no_targets) == (400, 4)
    assert "no targets" in no_targets.json()["message"]
    assert raw.request("POST", "/campaigns", json={"id": "c", **data(user_ids=["ann"])}).status_code == 200
    assert status_code(raw.request("POST", "/campaigns/c/start", json={"scheduled_for": "soon"})) == (400, 4)
    assert status_code(raw.request("POST", "/campaigns/c/start", json={"stop_at": "2000-01-01T00:00:00Z"})) == (400, 4)
    assert status_code(raw.request("POST", "/campaigns/c/test", json={"users": "ann"})) == (400, 4)
    assert status_code(raw.request("GET", "/campaigns/c", params={"limit": "1001"})) == (400, 4)


@pytest.mark.asyncio
async def test_skip_webhook_keeps_campaign_messages_from_webhooks(
    sdk: SDK, chat_app: ChatApp, receiver: Receiver, people: None
) -> None:
    chat_app.settings["webhook_url"] = receiver.url + "/hook"
    await sdk("create_campaign", "quiet", data(
        user_ids=["ann"], skip_webhook=True, create_channels=True, channel_template={"type": "messaging"},
    ))
    await sdk("start_campaign", "quiet")
    assert chat_app.outbound.flush(10)
    assert [r.json["type"] for r in receiver.received()] == ["campaign.started", "campaign.completed"]
    assert len(chat_app.events.list("message.new")) == 1  # still recorded, just not delivered


def test_campaign_users_are_paged(raw: RawAPI, people: None) -> None:
    body = {"id": "paged", **data(user_ids=["dee", "bob", "ann", "cy"])}
    assert raw.request("POST", "/campaigns", json=body).status_code == 200
    first = raw.request("GET", "/campaigns/paged", params={"limit": "3"}).json()
    assert [u["id"] for u in first["campaign"]["users"]] == ["ann", "bob", "cy"]
    second = raw.request("GET", "/campaigns/paged", params={"limit": "3", "next": first["users"]["next"]}).json()
    assert [u["id"] for u in second["campaign"]["users"]] == ["dee"]
    assert "next" not in second["users"] and "prev" in second["users"]


def test_campaigns_are_server_side_only(raw: RawAPI) -> None:
    token = raw.user_token("ann")
    for method, path in (("POST", "/campaigns"), ("POST", "/campaigns/query"), ("GET", "/campaigns/x"),
                         ("POST", "/campaigns/x/start")):
        assert status_code(raw.request(method, path, json={} if method == "POST" else None, token=token)) == (403, 17)


def test_all_sender_channels_and_sender_visibility(raw: RawAPI, chat_app: ChatApp, people: None) -> None:
    for channel_id, members in (("boss-room", ["boss", "ann"]), ("other-room", ["ann", "bob"])):
        response = raw.request(
            "POST", f"/channels/messaging/{channel_id}/query", json={"data": {"created_by_id": "ann", "members": members}}
        )
        assert response.status_code == 200, response.text
    segment = raw.request("POST", "/segments", json={"type": "channel", "id": "mine", "all_sender_channels": True})
    assert segment.json()["segment"]["size"] == 0  # never counted: it depends on the sender
    body = {"id": "rooms", **data(segment_ids=["mine"], message_template={"text": "hello {{ channel.cid }}"})}
    assert raw.request("POST", "/campaigns", json=body).status_code == 200
    started = raw.request("POST", "/campaigns/rooms/start", json={}).json()["campaign"]
    assert started["stats"]["stats_messages_sent"] == 1
    store = chat_app.chat.store.channels
    assert [m.text for m in store["messaging:boss-room"].messages] == ["hello messaging:boss-room"]
    assert store["messaging:other-room"].messages == []

    body = {"id": "hidden", **data(user_ids=["dee"], create_channels=True, sender_visibility="hidden",
                                   channel_template={"type": "messaging", "id": "hi-{{ receiver.id }}"})}
    assert raw.request("POST", "/campaigns", json=body).status_code == 200
    assert raw.request("POST", "/campaigns/hidden/start", json={}).status_code == 200
    room = store["messaging:hi-dee"].members
    assert (room["boss"].hidden, room["dee"].hidden) == (True, False)
