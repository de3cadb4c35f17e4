"""The request every public endpoint method sends, written out from the spec; used for both clients.

Expected ``params`` are the query parameters after ``api_key``, in order. Python booleans stand for
the client's rendering (sync ``True``/``False``, async ``true``/``false``); a dict or list value is
a JSON query document and is expected as ``json.dumps`` of it. ``body`` is the expected JSON body,
compared byte for byte with ``json.dumps(body)`` (so key order counts); ``None`` means no body.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from stream_chat.types.base import SortOrder
from stream_chat.types.segment import SegmentType

CHANNEL_TYPE, CHANNEL_ID = "messaging", "general"
CHANNEL_URL = f"/channels/{CHANNEL_TYPE}/{CHANNEL_ID}"
SEGMENT_ID = "seg-1"
CAMPAIGN_ID = "camp-1"
NAIVE = datetime(2024, 5, 1, 10, 0, 0, 123456)


@dataclass(frozen=True)
class Case:
    target: str  # "client", "channel", "segment" or "campaign"
    method: str
    args: tuple[Any, ...]
    verb: str
    path: str
    params: list[tuple[str, Any]] = field(default_factory=list)
    body: Any = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    sync_only: bool = False
    returns_members: bool = False
    deprecated: bool = False

    @property
    def id(self) -> str:
        return f"{self.target}.{self.method}"


def case(target: str, method: str, *args: Any, verb: str, path: str, **expected: Any) -> Case:
    return Case(target, method, args, verb, path, **expected)


def client(method: str, *args: Any, verb: str, path: str, **expected: Any) -> Case:
    return case("client", method, *args, verb=verb, path=path, **expected)


def channel(method: str, *args: Any, verb: str, path: str, **expected: Any) -> Case:
    return case("channel", method, *args, verb=verb, path=path, **expected)


USER = {"id": "ann", "name": "Ann", "book": "dune"}
CASES: list[Case] = [
    # generic verbs
    client("get", "custom/route", {"a": 1}, verb="GET", path="/custom/route", params=[("a", "1")]),
    client("delete", "custom/route", verb="DELETE", path="/custom/route"),
    client(
        "post", "custom/route", None, {"x": 1}, verb="POST", path="/custom/route", body={"x": 1}
    ),
    client(
        "put",
        "custom/route",
        {"q": True},
        verb="PUT",
        path="/custom/route",
        params=[("q", True)],
        body={},
    ),
    client(
        "patch",
        "custom/route",
        None,
        {"y": [1]},
        verb="PATCH",
        path="/custom/route",
        body={"y": [1]},
    ),
    # users
    client(
        "upsert_users",
        [USER, {"id": "bob"}],
        verb="POST",
        path="/users",
        body={"users": {"ann": USER, "bob": {"id": "bob"}}},
    ),
    client("upsert_user", USER, verb="POST", path="/users", body={"users": {"ann": USER}}),
    client(
        "update_users",
        [USER],
        verb="POST",
        path="/users",
        body={"users": {"ann": USER}},
        deprecated=True,
    ),
    client(
        "update_user",
        USER,
        verb="POST",
        path="/users",
        body={"users": {"ann": USER}},
        deprecated=True,
    ),
    client(
        "update_users_partial",
        [{"id": "ann", "set": {"a": 1}}],
        verb="PATCH",
        path="/users",
        body={"users": [{"id": "ann", "set": {"a": 1}}]},
    ),
    client(
        "update_user_partial",
        {"id": "ann", "unset": ["a"]},
        verb="PATCH",
        path="/users",
        body={"users": [{"id": "ann", "unset": ["a"]}]},
    ),
    client(
        "revoke_user_token",
        "ann",
        NAIVE,
        verb="PATCH",
        path="/users",
        body={
            "users": [
                {"id": "ann", "set": {"revoke_tokens_issued_before": "2024-05-01T10:00:00.123456"}}
            ]
        },
    ),
    client(
        "revoke_users_token",
        ["ann", "bob"],
        None,
        verb="PATCH",
        path="/users",
        body={
            "users": [
                {"id": "ann", "set": {"revoke_tokens_issued_before": None}},
                {"id": "bob", "set": {"revoke_tokens_issued_before": None}},
            ]
        },
    ),
    client(
        "query_users",
        {"id": {"$in": ["ann"]}},
        {"last_active": -1},
        kwargs={"limit": 10},
        verb="GET",
        path="/users",
        params=[
            (
                "payload",
                {
                    "limit": 10,
                    "filter_conditions": {"id": {"$in": ["ann"]}},
                    "sort": [{"field": "last_active", "direction": -1}],
                },
            )
        ],
    ),
    client(
        "delete_user",
        "ann",
        kwargs={"hard_delete": True, "mark_messages_deleted": False},
        verb="DELETE",
        path="/users/ann",
        params=[("hard_delete", True), ("mark_messages_deleted", False)],
    ),
    client(
        "delete_users",
        ["ann", "bob"],
        "soft",
        kwargs={"messages": "hard"},
        verb="POST",
        path="/users/delete",
        body={"messages": "hard", "user": "soft", "user_ids": ["ann", "bob"]},
    ),
    client(
        "restore_users", ["ann"], verb="POST", path="/users/restore", body={"user_ids": ["ann"]}
    ),
    client(
        "deactivate_user",
        "ann",
        kwargs={"mark_messages_deleted": True},
        verb="POST",
        path="/users/ann/deactivate",
        body={"mark_messages_deleted": True},
    ),
    client(
        "reactivate_user",
        "ann",
        kwargs={"restore_messages": True},
        verb="POST",
        path="/users/ann/reactivate",
        body={"restore_messages": True},
    ),
    client("export_user", "ann", verb="GET", path="/users/ann/export"),
    client(
        "set_guest_user",
        {"id": "guest"},
        verb="POST",
        path="/guest",
        body={"user": {"id": "guest"}},
    ),
    client(
        "send_user_custom_event",
        "ann",
        {"type": "friendship_request"},
        verb="POST",
        path="/users/ann/event",
        body={"event": {"type": "friendship_request"}},
    ),
    client(
        "add_device",
        "dev-1",
        "firebase",
        "ann",
        verb="POST",
        path="/devices",
        body={
            "id": "dev-1",
            "push_provider": "firebase",
            "user_id": "ann",
            "push_provider_name": None,
        },
    ),
    client(
        "delete_device",
        "dev-1",
        "ann",
        verb="DELETE",
        path="/devices",
        params=[("id", "dev-1"), ("user_id", "ann")],
    ),
    client("get_devices", "ann", verb="GET", path="/devices", params=[("user_id", "ann")]),
    client("unread_counts", "ann", verb="GET", path="/unread", params=[("user_id", "ann")]),
    client(
        "unread_counts_batch",
        ["ann", "bob"],
        verb="POST",
        path="/unread_batch",
        body={"user_ids": ["ann", "bob"]},
    ),
    # app settings and configuration objects
    client("get_app_settings", verb="GET", path="/app"),
    client(
        "update_app_settings",
        kwargs={"disable_auth_checks": True},
        verb="PATCH",
        path="/app",
        body={"disable_auth_checks": True},
    ),
    client(
        "revoke_tokens",
        "2024-05-01T10:00:00Z",
        verb="PATCH",
        path="/app",
        body={"revoke_tokens_issued_before": "2024-05-01T10:00:00Z"},
    ),
    client(
        "get_rate_limits",
        kwargs={"server_side": True, "ios": True, "endpoints": ["QueryChannels", "GetApp"]},
        verb="GET",
        path="/rate_limits",
        params=[("server_side", "true"), ("ios", "true"), ("endpoints", "QueryChannels,GetApp")],
    ),
    client(
        "create_channel_type",
        {"name": "support"},
        verb="POST",
        path="/channeltypes",
        body={"name": "support", "commands": ["all"]},
    ),
    client("get_channel_type", "support", verb="GET", path="/channeltypes/support"),
    client("list_channel_types", verb="GET", path="/channeltypes"),
    client(
        "update_channel_type",
        "support",
        kwargs={"grants": None, "replies": False},
        verb="PUT",
        path="/channeltypes/support",
        body={"grants": None, "replies": False},
    ),
    client("delete_channel_type", "support", verb="DELETE", path="/channeltypes/support"),
    client(
        "create_command",
        {"name": "ticket", "description": "Open"},
        verb="POST",
        path="/commands",
        body={"name": "ticket", "description": "Open"},
    ),
    client("list_commands", verb="GET", path="/commands"),
    client("get_command", "ticket", verb="GET", path="/commands/ticket"),
    client(
        "update_command",
        "ticket",
        kwargs={"args": "[text]"},
        verb="PUT",
        path="/commands/ticket",
        body={"args": "[text]"},
    ),
    client("delete_command", "ticket", verb="DELETE", path="/commands/ticket"),
    client(
        "create_permission",
        {"id": "p1", "name": "P"},
        verb="POST",
        path="/permissions",
        body={"id": "p1", "name": "P"},
    ),
    client("get_permission", "p1", verb="GET", path="/permissions/p1"),
    client("list_permissions", verb="GET", path="/permissions"),
    client(
        "update_permission",
        "p1",
        {"name": "Q"},
        verb="PUT",
        path="/permissions/p1",
        body={"name": "Q"},
    ),
    client("delete_permission", "p1", verb="DELETE", path="/permissions/p1"),
    client("create_role", "tester", verb="POST", path="/roles", body={"name": "tester"}),
    client("list_roles", verb="GET", path="/roles"),
    client("delete_role", "tester", verb="DELETE", path="/roles/tester"),
    client(
        "create_blocklist",
        "bad",
        ["x", "y"],
        verb="POST",
        path="/blocklists",
        body={"name": "bad", "words": ["x", "y"], "type": "word"},
    ),
    client("list_blocklists", verb="GET", path="/blocklists"),
    client("get_blocklist", "bad", verb="GET", path="/blocklists/bad"),
    client(
        "update_blocklist", "bad", ["z"], verb="PUT", path="/blocklists/bad", body={"words": ["z"]}
    ),
    client("delete_blocklist", "bad", verb="DELETE", path="/blocklists/bad"),
    client(
        "upsert_push_provider",
        {"name": "fb", "type": "firebase"},
        verb="POST",
        path="/push_providers",
        body={"push_provider": {"name": "fb", "type": "firebase"}},
    ),
    client("list_push_providers", verb="GET", path="/push_providers"),
    client(
        "delete_push_provider", "firebase", "fb", verb="DELETE", path="/push_providers/firebase/fb"
    ),
    client(
        "check_push",
        {"user_id": "ann", "skip_devices": True},
        verb="POST",
        path="/check_push",
        body={"user_id": "ann", "skip_devices": True},
    ),
    client(
        "check_sqs",
        "k",
        verb="POST",
        path="/check_sqs",
        body={"sqs_key": "k", "sqs_secret": None, "sqs_url": None},
    ),
    client(
        "check_sns",
        None,
        "s",
        "arn",
        verb="POST",
        path="/check_sns",
        body={"sns_key": None, "sns_secret": "s", "sns_topic_arn": "arn"},
    ),
    # many channels at once
    client(
        "query_channels",
        {"type": "messaging"},
        {"last_message_at": -1},
        kwargs={"limit": 5},
        verb="POST",
        path="/channels",
        body={
            "state": True,
            "watch": False,
            "presence": False,
            "limit": 5,
            "filter_conditions": {"type": "messaging"},
            "sort": [{"field": "last_message_at", "direction": -1}],
        },
    ),
    client(
        "delete_channels",
        ["messaging:a", "messaging:b"],
        kwargs={"hard_delete": True},
        verb="POST",
        path="/channels/delete",
        body={"hard_delete": True, "cids": ["messaging:a", "messaging:b"]},
    ),
    client(
        "mark_all_read", "ann", verb="POST", path="/channels/read", body={"user": {"id": "ann"}}
    ),
    # messages by id and search
    client(
        "get_message",
        "m1",
        kwargs={"show_deleted_message": True},
        verb="GET",
        path="/messages/m1",
        params=[("show_deleted_message", True)],
    ),
    client(
        "update_message",
        {"id": "m1", "text": "edited", "user_id": "ann"},
        verb="POST",
        path="/messages/m1",
        body={"message": {"id": "m1", "text": "edited", "user_id": "ann"}},
    ),
    client(
        "update_message_partial",
        "m1",
        {"set": {"text": "x"}, "unset": ["y"]},
        "ann",
        kwargs={"skip_enrich_url": True},
        verb="PUT",
        path="/messages/m1",
        body={"set": {"text": "x"}, "unset": ["y"], "user": {"id": "ann"}, "skip_enrich_url": True},
    ),
    client(
        "pin_message",
        "m1",
        "ann",
        verb="PUT",
        path="/messages/m1",
        body={"set": {"pinned": True, "pin_expires": None}, "user": {"id": "ann"}},
    ),
    client(
        "unpin_message",
        "m1",
        "ann",
        verb="PUT",
        path="/messages/m1",
        body={"set": {"pinned": False}, "user": {"id": "ann"}},
    ),
    client(
        "commit_message", "m1", verb="POST", path="/messages/m1/commit", body={}, sync_only=True
    ),
    client(
        "delete_message",
        "m1",
        kwargs={"hard": True, "deleted_by": "ann"},
        verb="DELETE",
        path="/messages/m1",
        params=[("hard", True), ("deleted_by", "ann")],
    ),
    client(
        "undelete_message",
        "m1",
        "ann",
        verb="POST",
        path="/messages/m1/undelete",
        body={"undeleted_by": "ann"},
    ),
    client(
        "translate_message",
        "m1",
        "fr",
        verb="POST",
        path="/messages/m1/translate",
        body={"language": "fr"},
    ),
    client(
        "run_message_action",
        "m1",
        {"user_id": "ann", "form_data": {"image_action": "send"}},
        verb="POST",
        path="/messages/m1/action",
        body={"user_id": "ann", "form_data": {"image_action": "send"}},
    ),
    client(
        "query_message_history",
        {"message_id": "m1"},
        [{"message_updated_at": -1}],
        kwargs={"limit": 2},
        verb="POST",
        path="/messages/history",
        body={
            "limit": 2,
            "filter": {"message_id": "m1"},
            "sort": [{"field": "message_updated_at", "direction": -1}],
        },
    ),
    client(
        "search",
        {"cid": "messaging:general"},
        "hello",
        kwargs={"limit": 2},
        verb="GET",
        path="/search",
        params=[
            (
                "payload",
                {"limit": 2, "query": "hello", "filter_conditions": {"cid": "messaging:general"}},
            )
        ],
    ),
    # moderation
    client(
        "ban_user",
        "eve",
        kwargs={"user_id": "mod", "timeout": 60},
        verb="POST",
        path="/moderation/ban",
        body={"target_user_id": "eve", "user_id": "mod", "timeout": 60},
    ),
    client(
        "shadow_ban",
        "eve",
        kwargs={"user_id": "mod"},
        verb="POST",
        path="/moderation/ban",
        body={"target_user_id": "eve", "shadow": True, "user_id": "mod"},
    ),
    client(
        "unban_user",
        "eve",
        kwargs={"type": "messaging", "id": "general"},
        verb="DELETE",
        path="/moderation/ban",
        params=[("target_user_id", "eve"), ("type", "messaging"), ("id", "general")],
    ),
    client(
        "remove_shadow_ban",
        "eve",
        verb="DELETE",
        path="/moderation/ban",
        params=[("target_user_id", "eve"), ("shadow", True)],
    ),
    client(
        "query_banned_users",
        {"filter_conditions": {"channel_cid": "messaging:general"}, "limit": 10},
        verb="GET",
        path="/query_banned_users",
        params=[
            ("payload", {"filter_conditions": {"channel_cid": "messaging:general"}, "limit": 10})
        ],
    ),
    client(
        "mute_user",
        "bob",
        "ann",
        kwargs={"timeout": 30},
        verb="POST",
        path="/moderation/mute",
        body={"target_id": "bob", "user_id": "ann", "timeout": 30},
    ),
    client(
        "mute_users",
        ["bob", "eve"],
        "ann",
        verb="POST",
        path="/moderation/mute",
        body={"target_ids": ["bob", "eve"], "user_id": "ann"},
    ),
    client(
        "unmute_user",
        "bob",
        "ann",
        verb="POST",
        path="/moderation/unmute",
        body={"target_id": "bob", "user_id": "ann"},
    ),
    client(
        "unmute_users",
        ["bob"],
        "ann",
        verb="POST",
        path="/moderation/unmute",
        body={"target_ids": ["bob"], "user_id": "ann"},
    ),
    client(
        "flag_message",
        "m1",
        kwargs={"user_id": "ann", "reason": "spam"},
        verb="POST",
        path="/moderation/flag",
        body={"target_message_id": "m1", "user_id": "ann", "reason": "spam"},
    ),
    client(
        "unflag_message",
        "m1",
        kwargs={"user_id": "ann"},
        verb="POST",
        path="/moderation/unflag",
        body={"target_message_id": "m1", "user_id": "ann"},
    ),
    client(
        "flag_user",
        "eve",
        kwargs={"user_id": "ann"},
        verb="POST",
        path="/moderation/flag",
        body={"target_user_id": "eve", "user_id": "ann"},
    ),
    client(
        "unflag_user",
        "eve",
        kwargs={"user_id": "ann"},
        verb="POST",
        path="/moderation/unflag",
        body={"target_user_id": "eve", "user_id": "ann"},
    ),
    client(
        "query_message_flags",
        {"user_id": "bob"},
        kwargs={"limit": 5, "show_deleted_messages": True},
        verb="GET",
        path="/moderation/flags/message",
        params=[
            (
                "payload",
                {
                    "limit": 5,
                    "show_deleted_messages": True,
                    "filter_conditions": {"user_id": "bob"},
                },
            )
        ],
    ),
    client(
        "_query_flag_reports",
        kwargs={"message_id": "m1"},
        verb="POST",
        path="/moderation/reports",
        body={"filter_conditions": {"message_id": "m1"}},
    ),
    client(
        "_review_flag_report",
        "r1",
        "reviewed",
        "mod",
        kwargs={"note": "ok"},
        verb="PATCH",
        path="/moderation/reports/r1",
        body={"review_result": "reviewed", "user_id": "mod", "review_details": {"note": "ok"}},
    ),
    # exports, imports, tasks
    client(
        "export_channel",
        "messaging",
        "general",
        NAIVE,
        kwargs={"version": "v2"},
        verb="POST",
        path="/export_channels",
        body={
            "channels": [
                {
                    "id": "general",
                    "type": "messaging",
                    "messages_since": "2024-05-01T10:00:00.123456",
                    "messages_until": None,
                }
            ],
            "version": "v2",
        },
    ),
    client(
        "export_channels",
        [{"type": "messaging", "id": "general"}],
        kwargs={"export_users": True},
        verb="POST",
        path="/export_channels",
        body={"channels": [{"type": "messaging", "id": "general"}], "export_users": True},
    ),
    client("get_export_channel_status", "t1", verb="GET", path="/export_channels/t1"),
    client("get_task", "t1", verb="GET", path="/tasks/t1"),
    client(
        "create_import_url",
        "data.json",
        verb="POST",
        path="/import_urls",
        body={"filename": "data.json"},
    ),
    client(
        "create_import",
        "s3://b/data.json",
        verb="POST",
        path="/imports",
        body={"path": "s3://b/data.json", "mode": "upsert"},
    ),
    client("get_import", "i1", verb="GET", path="/imports/i1"),
    client(
        "list_imports",
        {"limit": 1, "offset": 2},
        verb="GET",
        path="/imports",
        params=[("limit", "1"), ("offset", "2")],
    ),
    # segments
    client(
        "create_segment",
        SegmentType.USER,
        "seg-1",
        {"name": "New", "all_users": True},
        verb="POST",
        path="/segments",
        body={"type": "user", "id": "seg-1", "name": "New", "all_users": True},
    ),
    client("get_segment", "seg-1", verb="GET", path="/segments/seg-1"),
    client(
        "update_segment",
        "seg-1",
        {"name": "Renamed"},
        verb="PUT",
        path="/segments/seg-1",
        body={"name": "Renamed"},
    ),
    client("delete_segment", "seg-1", verb="DELETE", path="/segments/seg-1"),
    client(
        "query_segments",
        {"name": "New"},
        [{"field": "created_at", "direction": SortOrder.DESC}],
        {"limit": 3},
        verb="POST",
        path="/segments/query",
        body={
            "filter": {"name": "New"},
            "sort": [{"field": "created_at", "direction": -1}],
            "limit": 3,
        },
    ),
    client("segment_target_exists", "seg-1", "ann", verb="GET", path="/segments/seg-1/target/ann"),
    client(
        "add_segment_targets",
        "seg-1",
        ["ann", "bob"],
        verb="POST",
        path="/segments/seg-1/addtargets",
        body={"target_ids": ["ann", "bob"]},
    ),
    client(
        "remove_segment_targets",
        "seg-1",
        ["bob"],
        verb="POST",
        path="/segments/seg-1/deletetargets",
        body={"target_ids": ["bob"]},
    ),
    client(
        "query_segment_targets",
        "seg-1",
        None,
        None,
        {"limit": 10},
        verb="POST",
        path="/segments/seg-1/targets/query",
        body={"limit": 10},
    ),
    # campaigns
    client(
        "create_campaign",
        kwargs={"data": {"sender_id": "ann"}},
        verb="POST",
        path="/campaigns",
        body={"id": None, "sender_id": "ann"},
    ),
    client("get_campaign", "camp-1", verb="GET", path="/campaigns/camp-1"),
    client(
        "update_campaign",
        "camp-1",
        {"name": "C"},
        verb="PUT",
        path="/campaigns/camp-1",
        body={"name": "C"},
    ),
    client(
        "delete_campaign",
        "camp-1",
        kwargs={"hard": True},
        verb="DELETE",
        path="/campaigns/camp-1",
        params=[("hard", True)],
    ),
    client("query_campaigns", verb="POST", path="/campaigns/query", body={}),
    client(
        "start_campaign",
        "camp-1",
        NAIVE,
        "2024-06-01T00:00:00Z",
        verb="POST",
        path="/campaigns/camp-1/start",
        body={"scheduled_for": "2024-05-01T10:00:00.123456", "stop_at": "2024-06-01T00:00:00Z"},
    ),
    client("stop_campaign", "camp-1", verb="POST", path="/campaigns/camp-1/stop", body={}),
    client(
        "test_campaign",
        "camp-1",
        ("ann", "bob"),
        verb="POST",
        path="/campaigns/camp-1/test",
        body={"users": ["ann", "bob"]},
    ),
    # channel
    channel(
        "query",
        kwargs={"messages": {"limit": 2}},
        verb="POST",
        path=f"{CHANNEL_URL}/query",
        body={"state": True, "data": {"color": "blue"}, "messages": {"limit": 2}},
    ),
    channel(
        "create",
        "ann",
        verb="POST",
        path=f"{CHANNEL_URL}/query",
        body={
            "state": False,
            "data": {"color": "blue", "created_by": {"id": "ann"}},
            "watch": False,
            "presence": False,
        },
    ),
    channel(
        "query_members",
        {"name": {"$autocomplete": "an"}},
        {"created_at": 1},
        kwargs={"limit": 5},
        verb="GET",
        path="/members",
        returns_members=True,
        params=[
            (
                "payload",
                {
                    "id": "general",
                    "type": "messaging",
                    "filter_conditions": {"name": {"$autocomplete": "an"}},
                    "sort": [{"field": "created_at", "direction": 1}],
                    "limit": 5,
                },
            )
        ],
    ),
    channel(
        "update",
        {"name": "General"},
        verb="POST",
        path=CHANNEL_URL,
        body={"data": {"name": "General"}, "message": None},
    ),
    channel(
        "update_partial",
        {"frozen": True},
        ["topic"],
        verb="PATCH",
        path=CHANNEL_URL,
        body={"set": {"frozen": True}, "unset": ["topic"]},
    ),
    channel("delete", verb="DELETE", path=CHANNEL_URL),
    channel("truncate", verb="POST", path=f"{CHANNEL_URL}/truncate", body={}),
    channel(
        "add_members",
        [{"user_id": "cat", "channel_role": "channel_moderator"}],
        {"text": "Cat joined", "user_id": "cat"},
        kwargs={"hide_history": True},
        verb="POST",
        path=CHANNEL_URL,
        body={
            "add_members": [{"user_id": "cat", "channel_role": "channel_moderator"}],
            "message": {"text": "Cat joined", "user_id": "cat"},
            "hide_history": True,
        },
    ),
    channel(
        "remove_members",
        ["bob"],
        verb="POST",
        path=CHANNEL_URL,
        body={"remove_members": ["bob"], "message": None},
    ),
    channel(
        "invite_members",
        ["bob"],
        verb="POST",
        path=CHANNEL_URL,
        body={"invites": ["bob"], "message": None},
    ),
    channel(
        "add_moderators",
        ["bob"],
        verb="POST",
        path=CHANNEL_URL,
        body={"add_moderators": ["bob"], "message": None},
    ),
    channel(
        "demote_moderators",
        ["bob"],
        verb="POST",
        path=CHANNEL_URL,
        body={"demote_moderators": ["bob"], "message": None},
    ),
    channel(
        "assign_roles",
        [{"user_id": "bob", "channel_role": "custom"}],
        verb="POST",
        path=CHANNEL_URL,
        body={"assign_roles": [{"user_id": "bob", "channel_role": "custom"}], "message": None},
    ),
    channel(
        "accept_invite",
        "bob",
        kwargs={"message": {"text": "hi"}},
        verb="POST",
        path=CHANNEL_URL,
        body={"user": {"id": "bob"}, "message": {"text": "hi"}, "accept_invite": True},
    ),
    channel(
        "reject_invite",
        "bob",
        verb="POST",
        path=CHANNEL_URL,
        body={"user": {"id": "bob"}, "reject_invite": True},
    ),
    channel(
        "send_message",
        {"text": "hi @bob", "user": {"id": "ignored"}},
        "ann",
        kwargs={"skip_push": True},
        verb="POST",
        path=f"{CHANNEL_URL}/message",
        body={"message": {"text": "hi @bob", "user": {"id": "ann"}}, "skip_push": True},
    ),
    channel(
        "send_event",
        {"type": "typing.start"},
        "ann",
        verb="POST",
        path=f"{CHANNEL_URL}/event",
        body={"event": {"type": "typing.start", "user": {"id": "ann"}}},
    ),
    channel(
        "send_reaction",
        "m1",
        {"type": "love", "score": 2},
        "ann",
        verb="POST",
        path="/messages/m1/reaction",
        body={"reaction": {"type": "love", "score": 2, "user": {"id": "ann"}}},
    ),
    channel(
        "delete_reaction",
        "m1",
        "love",
        "ann",
        verb="DELETE",
        path="/messages/m1/reaction/love",
        params=[("user_id", "ann")],
    ),
    channel(
        "get_replies",
        "m1",
        kwargs={"limit": 10, "id_lt": "m9"},
        verb="GET",
        path="/messages/m1/replies",
        params=[("limit", "10"), ("id_lt", "m9")],
    ),
    channel(
        "get_reactions",
        "m1",
        kwargs={"limit": 3, "offset": 0},
        verb="GET",
        path="/messages/m1/reactions",
        params=[("limit", "3"), ("offset", "0")],
    ),
    channel(
        "get_messages",
        ["m1", "m2"],
        verb="GET",
        path=f"{CHANNEL_URL}/messages",
        params=[("ids", "m1,m2")],
    ),
    channel(
        "mark_read",
        "ann",
        kwargs={"message_id": "m1"},
        verb="POST",
        path=f"{CHANNEL_URL}/read",
        body={"message_id": "m1", "user": {"id": "ann"}},
    ),
    channel(
        "mark_unread",
        "ann",
        kwargs={"message_id": "m1"},
        verb="POST",
        path=f"{CHANNEL_URL}/unread",
        body={"message_id": "m1", "user": {"id": "ann"}},
    ),
    channel(
        "ban_user",
        "eve",
        kwargs={"timeout": 5},
        verb="POST",
        path="/moderation/ban",
        body={"target_user_id": "eve", "type": "messaging", "id": "general", "timeout": 5},
    ),
    channel(
        "unban_user",
        "eve",
        verb="DELETE",
        path="/moderation/ban",
        params=[("target_user_id", "eve"), ("type", "messaging"), ("id", "general")],
    ),
    channel("hide", "ann", verb="POST", path=f"{CHANNEL_URL}/hide", body={"user_id": "ann"}),
    channel("show", "ann", verb="POST", path=f"{CHANNEL_URL}/show", body={"user_id": "ann"}),
    channel(
        "mute",
        "ann",
        60000,
        verb="POST",
        path="/moderation/mute/channel",
        body={"user_id": "ann", "channel_cid": "messaging:general", "expiration": 60000},
    ),
    channel(
        "unmute",
        "ann",
        verb="POST",
        path="/moderation/unmute/channel",
        body={"user_id": "ann", "channel_cid": "messaging:general"},
    ),
    channel(
        "update_member_partial",
        "ann",
        {"color": "red"},
        ["mood"],
        verb="PATCH",
        path=f"{CHANNEL_URL}/member/ann",
        body={"set": {"color": "red"}, "unset": ["mood"]},
    ),
    channel(
        "pin", "ann", verb="PATCH", path=f"{CHANNEL_URL}/member/ann", body={"set": {"pinned": True}}
    ),
    channel(
        "unpin",
        "ann",
        verb="PATCH",
        path=f"{CHANNEL_URL}/member/ann",
        body={"set": {"pinned": False}},
    ),
    channel(
        "archive",
        "ann",
        verb="PATCH",
        path=f"{CHANNEL_URL}/member/ann",
        body={"set": {"archived": True}},
    ),
    channel(
        "unarchive",
        "ann",
        verb="PATCH",
        path=f"{CHANNEL_URL}/member/ann",
        body={"set": {"archived": False}},
    ),
    channel(
        "delete_file",
        "https://cdn.test/f.txt",
        verb="DELETE",
        path=f"{CHANNEL_URL}/file",
        params=[("url", "https://cdn.test/f.txt")],
    ),
    channel(
        "delete_image",
        "https://cdn.test/i.png",
        verb="DELETE",
        path=f"{CHANNEL_URL}/image",
        params=[("url", "https://cdn.test/i.png")],
    ),
    # segment object
    case(
        "segment", "create", verb="POST", path="/segments", body={"type": "channel", "id": "seg-1"}
    ),
    case("segment", "get", verb="GET", path="/segments/seg-1"),
    case(
        "segment",
        "update",
        {"description": "d"},
        verb="PUT",
        path="/segments/seg-1",
        body={"description": "d"},
    ),
    case("segment", "delete", verb="DELETE", path="/segments/seg-1"),
    case(
        "segment",
        "target_exists",
        "messaging:general",
        verb="GET",
        path="/segments/seg-1/target/messaging:general",
    ),
    case(
        "segment",
        "add_targets",
        ["messaging:a"],
        verb="POST",
        path="/segments/seg-1/addtargets",
        body={"target_ids": ["messaging:a"]},
    ),
    case(
        "segment",
        "remove_targets",
        ["messaging:a"],
        verb="POST",
        path="/segments/seg-1/deletetargets",
        body={"target_ids": ["messaging:a"]},
    ),
    case(
        "segment",
        "query_targets",
        {"target_id": {"$gte": "a"}},
        verb="POST",
        path="/segments/seg-1/targets/query",
        body={"filter": {"target_id": {"$gte": "a"}}},
    ),
    # campaign object
    case(
        "campaign",
        "create",
        verb="POST",
        path="/campaigns",
        body={"id": "camp-1", "sender_id": "ann"},
    ),
    case("campaign", "get", verb="GET", path="/campaigns/camp-1"),
    case(
        "campaign",
        "update",
        {"sender_id": "bob"},
        verb="PUT",
        path="/campaigns/camp-1",
        body={"sender_id": "bob"},
    ),
    case("campaign", "delete", verb="DELETE", path="/campaigns/camp-1"),
    case(
        "campaign",
        "start",
        "2024-06-01T00:00:00Z",
        verb="POST",
        path="/campaigns/camp-1/start",
        body={"scheduled_for": "2024-06-01T00:00:00Z"},
    ),
    case("campaign", "stop", verb="POST", path="/campaigns/camp-1/stop", body={}),
]
