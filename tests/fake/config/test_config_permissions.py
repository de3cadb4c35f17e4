"""Permissions and roles: the built-in catalogue, custom permissions, roles and their rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fake_server import ChatApp
from fake_server.domain.grants_defaults import all_default_permission_ids
from fake_server.domain.users import User
from tests.conftest import RawAPI, status_code
from tests.fake.config.conftest import async_sdk_error, ok, sdk_error

PERMISSION_KEYS = {"id", "name", "description", "action", "owner", "same_team", "custom", "level", "tags"}
BUILTIN_ROLE_NAMES = [
    "admin", "moderator", "user", "guest", "anonymous", "global_moderator", "global_admin",
    "channel_member", "channel_moderator",
]


def _add_user(app: ChatApp, user_id: str, role: str, *, deleted: bool = False) -> None:
    with app.lock:
        now = app.clock.now()
        app.users.by_id[user_id] = User(
            id=user_id, created_at=now, updated_at=now, role=role, deleted_at=now if deleted else None
        )


class TestCatalogue:
    def test_every_default_grant_is_in_the_catalogue(self, client: Any) -> None:
        permissions = client.list_permissions()["permissions"]
        ids = [p["id"] for p in permissions]
        assert ids == sorted(ids)
        assert all_default_permission_ids() <= set(ids)
        for permission in permissions:
            assert set(permission) == PERMISSION_KEYS, permission["id"]
            assert permission["custom"] is False

    @pytest.mark.parametrize(
        ("permission_id", "action", "owner", "same_team", "level"),
        [
            ("create-message", "CreateMessage", False, True, "channel"),
            ("create-message-owner", "CreateMessage", True, True, "channel"),
            ("update-user-owner", "UpdateUser", True, True, "app"),
            ("search-user", "SearchUser", False, True, "app"),
            ("flag-user-any-team", "FlagUser", False, False, "app"),
            ("read-flag-reports", "ReadFlagReports", False, True, "app"),
            ("read-channel-any-team", "ReadChannel", False, False, "channel"),
            ("delete-attachment", "DeleteAttachment", False, True, "channel"),
            ("use-frozen-channel", "UseFrozenChannel", False, True, "channel"),
        ],
    )
    def test_get_builtin(self, client: Any, permission_id: str, action: str, owner: bool, same_team: bool, level: str) -> None:
        permission = client.get_permission(permission_id)["permission"]
        assert (permission["id"], permission["action"], permission["owner"], permission["same_team"], permission["level"]) == (
            permission_id, action, owner, same_team, level,
        )

    def test_get_unknown_is_404(self, client: Any) -> None:
        status, code, message = sdk_error(lambda: client.get_permission("fly"))
        assert (status, code) == (404, 16)
        assert message.startswith("GetPermission failed with error: ")

    @pytest.mark.asyncio
    async def test_list_and_get_async(self, aclient: Any) -> None:
        assert len((await aclient.list_permissions())["permissions"]) > 50
        assert (await aclient.get_permission("read-channel"))["permission"]["action"] == "ReadChannel"
        assert (await async_sdk_error(aclient.get_permission("fly")))[:2] == (404, 16)


CUSTOM = {
    "id": "delete-channel-magic",
    "name": "Delete channel (magic)",
    "action": "DeleteChannel",
    "owner": False,
    "same_team": True,
    "condition": {"$subject.magic_custom_field": {"$eq": "magic_value"}},
}


class TestCustomPermissions:
    def test_create_get_update_delete(self, client: Any) -> None:
        assert set(client.create_permission(dict(CUSTOM))) == {"duration"}
        permission = client.get_permission("delete-channel-magic")["permission"]
        assert permission == {
            "id": "delete-channel-magic", "name": "Delete channel (magic)", "description": "",
            "action": "DeleteChannel", "owner": False, "same_team": True, "custom": True,
            "level": "channel", "tags": [], "condition": CUSTOM["condition"],
        }
        client.update_permission(
            "delete-channel-magic",
            {"name": "Search (magic)", "action": "SearchUser", "condition": {"team": {"$in": ["a"]}}, "description": "d"},
        )
        permission = client.get_permission("delete-channel-magic")["permission"]
        assert (permission["action"], permission["level"], permission["description"], permission["same_team"]) == (
            "SearchUser", "app", "d", True,
        )
        assert "delete-channel-magic" in [p["id"] for p in client.list_permissions()["permissions"]]
        assert set(client.delete_permission("delete-channel-magic")) == {"duration"}
        assert sdk_error(lambda: client.get_permission("delete-channel-magic"))[:2] == (404, 16)

    @pytest.mark.parametrize(
        "permission",
        [
            {key: value for key, value in CUSTOM.items() if key != "id"},
            {key: value for key, value in CUSTOM.items() if key != "name"},
            {key: value for key, value in CUSTOM.items() if key != "action"},
            {key: value for key, value in CUSTOM.items() if key != "condition"},
            {**CUSTOM, "action": "Fly"},
            {**CUSTOM, "condition": {"x": {"$nope": 1}}},
            {**CUSTOM, "condition": "x"},
            {**CUSTOM, "id": "has space"},
            {**CUSTOM, "id": "create-message"},
            {**CUSTOM, "name": "n" * 101},
            {**CUSTOM, "description": "d" * 2049},
            {**CUSTOM, "owner": "yes"},
        ],
        ids=lambda permission: json.dumps(permission)[:70],
    )
    def test_invalid_create_is_400_4(self, raw: RawAPI, permission: dict[str, Any]) -> None:
        response = raw.request("POST", "/permissions", json=permission)
        assert status_code(response) == (400, 4)
        assert response.json()["message"].startswith("CreatePermission failed with error: ")

    def test_duplicate(self, client: Any) -> None:
        client.create_permission(dict(CUSTOM))
        assert sdk_error(lambda: client.create_permission(dict(CUSTOM)))[:2] == (400, 4)

    def test_update_and_delete_errors(self, client: Any) -> None:
        body = {"name": "n", "action": "ReadChannel", "condition": {}}
        assert sdk_error(lambda: client.update_permission("nope", body))[:2] == (404, 16)
        assert sdk_error(lambda: client.update_permission("read-channel", body))[:2] == (400, 4)
        assert sdk_error(lambda: client.delete_permission("nope"))[:2] == (404, 16)
        assert sdk_error(lambda: client.delete_permission("read-channel"))[:2] == (400, 4)
        client.create_permission(dict(CUSTOM))
        assert sdk_error(lambda: client.update_permission("delete-channel-magic", {"name": "n"}))[:2] == (400, 4)
        assert client.get_permission("delete-channel-magic")["permission"]["name"] == CUSTOM["name"]

    def test_granted_permission_cannot_be_deleted(self, client: Any) -> None:
        client.create_permission(dict(CUSTOM))
        client.update_channel_type("messaging", grants={"admin": ["delete-channel-magic"]})
        assert sdk_error(lambda: client.delete_permission("delete-channel-magic"))[:2] == (400, 4)
        client.update_channel_type("messaging", grants=None)
        client.delete_permission("delete-channel-magic")

    @pytest.mark.asyncio
    async def test_custom_permission_async(self, aclient: Any) -> None:
        await aclient.create_permission(dict(CUSTOM))
        await aclient.update_permission("delete-channel-magic", {"name": "x", "action": "DeleteChannel", "condition": {}})
        assert (await aclient.get_permission("delete-channel-magic"))["permission"]["name"] == "x"
        await aclient.delete_permission("delete-channel-magic")
        assert (await async_sdk_error(aclient.delete_permission("delete-channel-magic")))[:2] == (404, 16)

    def test_user_tokens_are_refused(self, raw: RawAPI) -> None:
        token = raw.user_token("ann")
        assert status_code(raw.request("GET", "/permissions", token=token)) == (403, 17)
        assert status_code(raw.request("POST", "/permissions", json=CUSTOM, token=token)) == (403, 17)


class TestRoles:
    def test_list_builtins(self, client: Any, chat_app: ChatApp) -> None:
        roles = client.list_roles()["roles"]
        assert [r["name"] for r in roles] == BUILTIN_ROLE_NAMES
        by_name = {r["name"]: r for r in roles}
        assert by_name["user"]["custom"] is False
        assert by_name["user"]["scopes"] == [".app", "commerce", "gaming", "livestream", "messaging", "team"]
        assert by_name["anonymous"]["scopes"] == ["livestream"]
        assert by_name["guest"]["scopes"] == [".app", "commerce", "livestream"]
        assert by_name["channel_member"]["scopes"] == ["commerce", "gaming", "messaging", "team"]

    def test_create(self, client: Any) -> None:
        role = client.create_role("vip")["role"]
        assert (role["name"], role["custom"], role["scopes"]) == ("vip", True, [])
        assert role["created_at"] == role["updated_at"]
        assert [r["name"] for r in client.list_roles()["roles"]][-1] == "vip"

    def test_scopes_follow_grants(self, client: Any) -> None:
        client.create_role("vip")
        client.update_channel_type("team", grants={"vip": ["read-channel"]})
        client.update_app_settings(grants={"vip": ["search-user"]})
        roles = {r["name"]: r for r in client.list_roles()["roles"]}
        assert roles["vip"]["scopes"] == [".app", "team"]

    @pytest.mark.parametrize("name", ["", "has space", "x" * 65, "admin", "channel_member"])
    def test_invalid_create_is_400_4(self, raw: RawAPI, name: str) -> None:
        response = raw.request("POST", "/roles", json={"name": name})
        assert status_code(response) == (400, 4)
        assert response.json()["message"].startswith("CreateRole failed with error: ")

    def test_duplicate_and_limit(self, client: Any, chat_app: ChatApp) -> None:
        with chat_app.lock:
            for index in range(24):
                chat_app.access.create_role(f"role{index}")
        client.create_role("role24")
        assert sdk_error(lambda: client.create_role("role0"))[:2] == (400, 4)
        assert sdk_error(lambda: client.create_role("role25"))[:2] == (400, 4)

    def test_delete(self, client: Any) -> None:
        client.create_role("vip")
        assert set(client.delete_role("vip")) == {"duration"}
        assert "vip" not in [r["name"] for r in client.list_roles()["roles"]]
        assert sdk_error(lambda: client.delete_role("vip"))[:2] == (404, 16)

    def test_delete_rules(self, client: Any, chat_app: ChatApp) -> None:
        assert sdk_error(lambda: client.delete_role("user"))[:2] == (400, 4)
        assert sdk_error(lambda: client.delete_role("channel_member"))[:2] == (400, 4)
        client.create_role("vip")
        client.update_channel_type("messaging", grants={"vip": ["read-channel"]})
        status, code, message = sdk_error(lambda: client.delete_role("vip"))
        assert (status, code) == (400, 4)
        assert message.startswith("DeleteRole failed with error: ")
        client.update_channel_type("messaging", grants={"vip": []})
        _add_user(chat_app, "ann", "vip")
        assert sdk_error(lambda: client.delete_role("vip"))[:2] == (400, 4)
        _add_user(chat_app, "ann", "vip", deleted=True)  # deleted users do not count
        client.delete_role("vip")
        assert "vip" not in client.get_channel_type("messaging")["grants"]

    def test_users_area_can_ask_about_custom_roles(self, client: Any, chat_app: ChatApp) -> None:
        client.create_role("vip")
        assert chat_app.access.exists("vip") is True
        assert chat_app.access.is_user_role("vip") and chat_app.access.is_channel_role("vip")
        assert chat_app.access.is_user_role("admin") and not chat_app.access.is_user_role("channel_member")
        assert chat_app.access.is_channel_role("channel_moderator") and not chat_app.access.is_channel_role("user")

    @pytest.mark.asyncio
    async def test_roles_async(self, aclient: Any) -> None:
        assert (await aclient.create_role("vip"))["role"]["name"] == "vip"
        assert "vip" in [r["name"] for r in (await aclient.list_roles())["roles"]]
        await aclient.delete_role("vip")
        assert (await async_sdk_error(aclient.delete_role("vip")))[:2] == (404, 16)

    def test_user_tokens_are_refused(self, raw: RawAPI) -> None:
        assert status_code(raw.request("POST", "/roles", json={"name": "x"}, token=raw.user_token("ann"))) == (403, 17)


class TestPermissionChecks:
    """``app.access.allowed`` — the check other areas call for user-token requests."""

    def test_membership_and_ownership(self, chat_app: ChatApp) -> None:
        allowed = chat_app.access.allowed
        # messaging: members write, non-members only on what they own.
        assert allowed("user", "channel_member", "messaging", "create-message")
        assert not allowed("user", None, "messaging", "create-message")
        assert allowed("user", None, "messaging", "create-message", owner=True)
        assert allowed("user", None, "messaging", "CreateMessage", owner=True)
        assert not allowed("user", "channel_member", "messaging", "delete-message")
        assert allowed("user", "channel_member", "messaging", "delete-message", owner=True)
        assert allowed("user", "channel_moderator", "messaging", "delete-message")
        assert allowed("admin", None, "messaging", "delete-channel")
        assert not allowed("moderator", None, "messaging", "delete-channel")
        assert allowed("moderator", None, "messaging", "delete-channel", owner=True)
        # livestream: no membership needed; anonymous can read only.
        assert allowed("user", None, "livestream", "create-message")
        assert allowed("anonymous", None, "livestream", "read-channel")
        assert not allowed("anonymous", None, "livestream", "create-message")
        assert not allowed("guest", None, "messaging", "read-channel")
        # app scope.
        assert allowed("user", None, ".app", "search-user")
        assert not allowed("user", None, ".app", "read-flag-reports")
        assert allowed("moderator", None, ".app", "read-flag-reports")
        assert not allowed("user", None, ".app", "update-user")
        assert allowed("user", None, ".app", "update-user", owner=True)
        # nobody uses frozen channels by default.
        assert not allowed("admin", "channel_moderator", "messaging", "use-frozen-channel")

    def test_grant_changes_apply_at_once(self, client: Any, chat_app: ChatApp) -> None:
        client.update_channel_type("messaging", grants={"channel_member": ["read-channel"]})
        assert not chat_app.access.allowed("user", "channel_member", "messaging", "create-message")
        client.create_role("vip")
        client.update_channel_type("messaging", grants={"vip": ["create-message"]})
        assert chat_app.access.allowed("vip", None, "messaging", "create-message")

    def test_channel_modifiers(self, chat_app: ChatApp) -> None:
        modifiers = {"channel_member": ["!add-links"], "user": ["create-reaction"]}
        assert not chat_app.access.allowed("user", "channel_member", "messaging", "add-links", modifiers=modifiers)
        assert chat_app.access.allowed("user", None, "messaging", "create-reaction", modifiers=modifiers)

    def test_custom_permissions_count_by_action(self, client: Any, chat_app: ChatApp) -> None:
        client.create_role("auditor")
        client.create_permission({"id": "peek", "name": "Peek", "action": "ReadChannel", "condition": {}})
        client.update_channel_type("team", grants={"auditor": ["peek"]})
        assert chat_app.access.allowed("auditor", None, "team", "read-channel")
        assert not chat_app.access.allowed("auditor", None, "team", "create-message")

    def test_teams_and_disabled_checks(self, client: Any, chat_app: ChatApp) -> None:
        allowed = chat_app.access.allowed
        assert allowed("moderator", None, ".app", "flag-user", same_team=False)  # single-tenant
        client.update_app_settings(multi_tenant_enabled=True)
        assert not allowed("moderator", None, ".app", "flag-user", same_team=False)
        assert allowed("global_moderator", None, ".app", "flag-user", same_team=False)
        assert not allowed("guest", None, "messaging", "delete-channel")
        client.update_app_settings(disable_permissions_checks=True)
        assert allowed("guest", None, "messaging", "delete-channel")

    def test_grants_for(self, client: Any, chat_app: ChatApp) -> None:
        grants = chat_app.access.grants_for("messaging")
        grants["user"].clear()  # a copy
        assert chat_app.access.grants_for("messaging")["user"]
        assert chat_app.access.grants_for(".app")["guest"] == ["flag-user", "mute-user", "search-user", "update-user-owner"]
        assert chat_app.access.grants_for("nope") == {}


class TestRoleAssignments:
    def test_users_with_a_custom_role(self, client: Any, raw: RawAPI, chat_app: ChatApp) -> None:
        """Cross-area: the users area accepts custom roles once created."""
        client.create_role("vip")
        response = raw.request("POST", "/users", json={"users": {"ann": {"id": "ann", "role": "vip"}}})
        body = ok(response)
        assert body["users"]["ann"]["role"] == "vip"
        assert sdk_error(lambda: client.delete_role("vip"))[:2] == (400, 4)
