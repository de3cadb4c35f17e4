"""Local helpers (no request) and the client-side checks and state changes of helper objects."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from stream_chat import StreamChat, StreamChatAsync
from stream_chat.base.exceptions import StreamChannelException
from stream_chat.types.base import SortOrder
from stream_chat.types.segment import SegmentType

from .support import API_KEY, API_SECRET, Recorder

CLIENTS = [StreamChat(API_KEY, API_SECRET), StreamChatAsync(API_KEY, API_SECRET)]


def decode(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(
        token, API_SECRET, algorithms=["HS256"], options={"verify_exp": False}
    )
    return claims


@pytest.mark.parametrize("client", CLIENTS, ids=["sync", "async"])
class TestLocalHelpers:
    def test_create_token_without_expiry(self, client: StreamChat | StreamChatAsync) -> None:
        token = client.create_token("ann")
        assert decode(token) == {"user_id": "ann"}
        assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}

    def test_create_token_with_claims(self, client: StreamChat | StreamChatAsync) -> None:
        issued = datetime(2024, 5, 1, tzinfo=UTC)
        token = client.create_token("ann", exp=issued + timedelta(hours=1), iat=issued, team="red")
        assert decode(token) == {
            "team": "red",
            "user_id": "ann",
            "exp": 1714525200,
            "iat": 1714521600,
        }

    def test_create_token_skips_falsy_times(self, client: StreamChat | StreamChatAsync) -> None:
        assert decode(client.create_token("ann", exp=0, iat=None)) == {"user_id": "ann"}
        assert decode(client.create_token("ann", exp=1999999999)) == {
            "user_id": "ann",
            "exp": 1999999999,
        }

    def test_verify_webhook(self, client: StreamChat | StreamChatAsync) -> None:
        body = b'{"type":"message.new"}'
        signature = hmac.new(API_SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert client.verify_webhook(body, signature)
        assert client.verify_webhook(body, signature.encode())
        assert not client.verify_webhook(body, signature.upper())
        assert not client.verify_webhook(body + b" ", signature)
        assert not client.verify_webhook(body, "zoë")

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            (None, []),
            ({"last_message_at": -1}, [{"field": "last_message_at", "direction": -1}]),
            ({"a": 1, "b": -1}, [{"field": "a", "direction": 1}, {"field": "b", "direction": -1}]),
            (
                [{"created_at": 1}, {"id": -1}],
                [{"field": "created_at", "direction": 1}, {"field": "id", "direction": -1}],
            ),
            ([{"field": "x", "direction": SortOrder.DESC}], [{"field": "x", "direction": -1}]),
        ],
    )
    def test_normalize_sort(
        self, client: StreamChat | StreamChatAsync, sort: Any, expected: list[Any]
    ) -> None:
        assert client.normalize_sort(sort) == expected

    def test_create_search_params(self, client: StreamChat | StreamChatAsync) -> None:
        assert client.create_search_params({"cid": "c"}, "hi", limit=2) == {
            "limit": 2,
            "query": "hi",
            "filter_conditions": {"cid": "c"},
        }
        assert client.create_search_params(
            {"cid": "c"}, {"text": {"$q": "hi"}}, {"created_at": -1}
        ) == {
            "message_filter_conditions": {"text": {"$q": "hi"}},
            "filter_conditions": {"cid": "c"},
            "sort": [{"field": "created_at", "direction": -1}],
        }

    @pytest.mark.parametrize("extra", [{"sort": {"created_at": -1}}, {"next": "cursor"}])
    def test_search_offset_conflicts(
        self, client: StreamChat | StreamChatAsync, extra: dict[str, Any]
    ) -> None:
        options = dict(extra)
        sort = options.pop("sort", None)
        with pytest.raises(ValueError, match="cannot use offset with sort or next parameters"):
            client.create_search_params({"cid": "c"}, "hi", sort, offset=10, **options)

    def test_offset_alone_is_fine(self, client: StreamChat | StreamChatAsync) -> None:
        assert client.create_search_params({"cid": "c"}, "hi", offset=10)["offset"] == 10


class TestClientSideErrorsSync:
    def test_search_offset_with_sort_sends_nothing(self, recorder: Recorder) -> None:
        with pytest.raises(ValueError):
            recorder.sync_client().search({"cid": "c"}, "hi", sort={"id": 1}, offset=5)
        assert recorder.requests == []

    def test_update_message_without_id(self, recorder: Recorder) -> None:
        with pytest.raises(ValueError, match="message must have an id"):
            recorder.sync_client().update_message({"text": "x"})
        assert recorder.requests == []

    @pytest.mark.parametrize(
        "method", ["delete", "truncate", "hide", "mute", "send_message", "cid", "url"]
    )
    def test_channel_without_id(self, recorder: Recorder, method: str) -> None:
        channel = recorder.sync_client().channel("messaging")
        with pytest.raises(StreamChannelException, match="channel does not have an id"):
            attribute = getattr(channel, method)
            if method == "send_message":
                attribute({"text": "x"}, "ann")
            elif method in ("hide", "mute"):
                attribute("ann")
            elif method not in ("cid", "url"):
                attribute()
        assert recorder.requests == []

    @pytest.mark.parametrize(
        "method", ["pin", "unpin", "archive", "unarchive", "update_member_partial"]
    )
    def test_member_update_needs_a_user(self, recorder: Recorder, method: str) -> None:
        with pytest.raises(StreamChannelException, match="user_id must not be empty"):
            getattr(recorder.sync_client().channel("messaging", "general"), method)("")
        assert recorder.requests == []

    @pytest.mark.parametrize(
        ("method", "args"),
        [
            ("get", ()),
            ("update", ({},)),
            ("delete", ()),
            ("target_exists", ("t",)),
            ("add_targets", (["t"],)),
            ("remove_targets", (["t"],)),
            ("query_targets", ()),
        ],
    )
    def test_segment_without_id(
        self, recorder: Recorder, method: str, args: tuple[Any, ...]
    ) -> None:
        segment = recorder.sync_client().segment(SegmentType.USER)
        with pytest.raises(ValueError, match="Segment id is missing"):
            getattr(segment, method)(*args)
        with pytest.raises(ValueError):
            segment.verify_segment_id()
        assert recorder.requests == []

    def test_campaign_without_id_has_no_client_side_check(self, recorder: Recorder) -> None:
        recorder.sync_client().campaign().get()
        assert recorder.last.url.path == "/campaigns/None"


class TestClientSideErrorsAsync:
    @pytest.mark.asyncio
    async def test_errors_surface_when_awaited(self, recorder: Recorder) -> None:
        async with recorder.async_client() as client:
            pending = client.channel("messaging").delete()
            with pytest.raises(StreamChannelException):
                await pending
            with pytest.raises(StreamChannelException):
                await client.channel("messaging", "general").pin("")
            with pytest.raises(ValueError):
                await client.segment(SegmentType.USER).get()
            with pytest.raises(ValueError):
                await client.update_message({"text": "x"})
            with pytest.raises(ValueError):
                await client.search({"cid": "c"}, "hi", next="n", offset=1)
        assert recorder.requests == []


class TestStateAdoption:
    def test_channel_query_without_id_adopts_server_id(self, recorder: Recorder) -> None:
        channel = recorder.sync_client().channel("messaging", data={"members": ["ann", "bob"]})
        channel.query()
        assert recorder.last.url.path == "/channels/messaging/query"
        assert json.loads(recorder.last.content) == {
            "state": True,
            "data": {"members": ["ann", "bob"]},
        }
        assert channel.id == "server-channel"
        assert channel.cid == "messaging:server-channel"
        channel.query()
        assert recorder.last.url.path == "/channels/messaging/server-channel/query"

    def test_channel_query_with_id_keeps_it(self, recorder: Recorder) -> None:
        channel = recorder.sync_client().channel("messaging", "general")
        channel.query()
        assert channel.id == "general"

    def test_create_remembers_the_creator(self, recorder: Recorder) -> None:
        channel = recorder.sync_client().channel("messaging", "general")
        channel.create("ann")
        assert channel.custom_data == {"created_by": {"id": "ann"}}

    @pytest.mark.parametrize("method", ["accept_invite", "reject_invite"])
    def test_invite_answers_store_the_channel(self, recorder: Recorder, method: str) -> None:
        channel = recorder.sync_client().channel("messaging", "general", {"old": True})
        getattr(channel, method)("bob")
        assert channel.custom_data == {
            "id": "server-channel",
            "type": "messaging",
            "name": "From server",
        }

    @pytest.mark.asyncio
    async def test_async_channel_adopts_id_and_channel(self, recorder: Recorder) -> None:
        async with recorder.async_client() as client:
            channel = client.channel("messaging")
            await channel.create("ann")
            assert channel.id == "server-channel"
            await channel.accept_invite("ann")
            assert channel.custom_data["name"] == "From server"

    def test_segment_create_adopts_generated_id(self, recorder: Recorder) -> None:
        segment = recorder.sync_client().segment(SegmentType.USER, data={"name": "All"})
        segment.create()
        assert json.loads(recorder.last.content) == {"type": "user", "name": "All"}
        assert segment.segment_id == "server-segment"
        segment.get()
        assert recorder.last.url.path == "/segments/server-segment"

    def test_segment_create_keeps_given_id(self, recorder: Recorder) -> None:
        segment = recorder.sync_client().segment(SegmentType.USER)
        segment.create("mine", {"description": "d"})
        assert json.loads(recorder.last.content) == {
            "type": "user",
            "id": "mine",
            "description": "d",
        }
        assert segment.segment_id == "mine"

    @pytest.mark.asyncio
    async def test_async_segment_and_campaign_adopt_ids(self, recorder: Recorder) -> None:
        async with recorder.async_client() as client:
            segment = client.segment(SegmentType.CHANNEL)
            await segment.create()
            campaign = client.campaign()
            await campaign.create(data={"sender_id": "ann"})
        assert segment.segment_id == "server-segment"
        assert campaign.campaign_id == "server-campaign"
        assert json.loads(recorder.last.content) == {"id": None, "sender_id": "ann"}

    def test_sync_campaign_create_merges_data(self, recorder: Recorder) -> None:
        campaign = recorder.sync_client().campaign(data={"sender_id": "ann", "name": "A"})
        campaign.create(data={"name": "B"})
        assert json.loads(recorder.last.content) == {"id": None, "sender_id": "ann", "name": "B"}
        assert campaign.campaign_id == "server-campaign"

    @pytest.mark.asyncio
    async def test_async_campaign_create_replaces_data(self, recorder: Recorder) -> None:
        async with recorder.async_client() as client:
            campaign = client.campaign("c1", data={"sender_id": "ann", "name": "A"})
            await campaign.create(data={"name": "B"})
        assert json.loads(recorder.last.content) == {"id": "c1", "name": "B"}
        assert campaign.campaign_id == "c1"


def test_create_channel_type_fills_default_commands_into_callers_dict(recorder: Recorder) -> None:
    data: dict[str, Any] = {"name": "support", "commands": []}
    recorder.sync_client().create_channel_type(data)
    assert data["commands"] == ["all"]
    kept = {"name": "support", "commands": ["giphy"]}
    recorder.sync_client().create_channel_type(kept)
    assert json.loads(recorder.last.content)["commands"] == ["giphy"]


def test_revoke_helpers_serialise_datetimes(recorder: Recorder) -> None:
    client = recorder.sync_client()
    client.revoke_tokens(datetime(2024, 5, 1, 10, 0, tzinfo=UTC))
    assert json.loads(recorder.last.content) == {
        "revoke_tokens_issued_before": "2024-05-01T10:00:00+00:00"
    }
    client.revoke_tokens(None)
    assert recorder.last.content == b'{"revoke_tokens_issued_before": null}'
    client.revoke_user_token("ann", "2024-05-01T10:00:00Z")
    assert json.loads(recorder.last.content) == {
        "users": [{"id": "ann", "set": {"revoke_tokens_issued_before": "2024-05-01T10:00:00Z"}}]
    }


def test_channel_mute_without_expiration(recorder: Recorder) -> None:
    recorder.sync_client().channel("messaging", "general").mute("ann")
    assert json.loads(recorder.last.content) == {
        "user_id": "ann",
        "channel_cid": "messaging:general",
    }


def test_update_message_partial_without_user(recorder: Recorder) -> None:
    recorder.sync_client().update_message_partial("m1", {"set": {"a": 1}}, "")
    assert json.loads(recorder.last.content) == {"set": {"a": 1}}
