"""GET /app and PATCH /app: defaults, partial merge, validation, and the settings' effects."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from fake_server import ChatApp
from fake_server.domain.grants_defaults import DEFAULT_GRANTS
from tests.conftest import RawAPI, status_code
from tests.fake.config.conftest import (
    async_sdk_error,
    ok,
    sdk_error,
)

EMPTY_UPLOAD = {
    "allowed_file_extensions": [],
    "blocked_file_extensions": [],
    "allowed_mime_types": [],
    "blocked_mime_types": [],
    "size_limit": 0,
}


def _dev_token(user_id: str) -> str:
    def part(document: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'user_id': user_id})}.devtoken"


class TestGetApp:
    def test_defaults(self, client: Any, chat_app: ChatApp) -> None:
        app = client.get_app_settings()["app"]
        expected_scalars = {
            "name": chat_app.name,
            "organization": chat_app.name,
            "disable_auth_checks": False,
            "disable_permissions_checks": False,
            "permission_version": "v2",
            "multi_tenant_enabled": False,
            "enforce_unique_usernames": "no",
            "webhook_url": "",
            "webhook_events": [],
            "sqs_url": "",
            "sqs_key": "",
            "sqs_secret": "",
            "sns_topic_arn": "",
            "sns_key": "",
            "sns_secret": "",
            "custom_action_handler_url": "",
            "before_message_send_hook_url": "",
            "moderation_webhook_url": "",
            "file_upload_config": EMPTY_UPLOAD,
            "image_upload_config": EMPTY_UPLOAD,
            "image_moderation_enabled": False,
            "image_moderation_labels": [],
            "auto_translation_enabled": False,
            "async_url_enrich_enabled": False,
            "moderation_enabled": False,
            "campaign_enabled": True,
            "channel_hide_members_only": False,
            "user_search_disallowed_roles": [],
            "allowed_flag_reasons": [],
            "cdn_expiration_seconds": 1_209_600,
            "reminders_interval": 0,
            "suspended": False,
            "suspended_explanation": "",
            "video_provider": "",
            "policies": {},
        }
        for key, value in expected_scalars.items():
            assert app[key] == value, key
        assert "revoke_tokens_issued_before" not in app
        assert app["grants"] == DEFAULT_GRANTS[".app"]
        assert set(app["channel_configs"]) == {"livestream", "messaging", "team", "gaming", "commerce"}
        assert app["channel_configs"]["livestream"]["url_enrichment"] is False
        assert app["channel_configs"]["messaging"]["commands"][0] == {
            "name": "giphy",
            "description": "Post a random gif to the channel",
            "args": "[text]",
            "set": "fun_set",
        }
        push = app["push_notifications"]
        assert push["version"] == "v2"
        assert push["offline_only"] is False
        assert push["apn"]["enabled"] is False
        assert push["apn"]["host"] == "https://api.push.apple.com"
        assert push["firebase"] == {"enabled": False, "notification_template": "", "data_template": "", "apn_template": ""}
        assert push["huawei"] == {"enabled": False}
        assert push["xiaomi"] == {"enabled": False}
        assert isinstance(push["providers"], list)

    @pytest.mark.asyncio
    async def test_defaults_async(self, aclient: Any) -> None:
        response = await aclient.get_app_settings()
        assert response.status_code() == 200
        assert response["app"]["enforce_unique_usernames"] == "no"
        assert response["app"]["grants"]["user"] == ["flag-user", "mute-user", "search-user", "update-user-owner"]

    def test_user_tokens_may_read_the_settings(self, raw: RawAPI) -> None:
        body = ok(raw.request("GET", "/app", token=raw.user_token("ann")))
        assert body["app"]["permission_version"] == "v2"


class TestUpdateApp:
    def test_every_simple_setting_round_trips(self, client: Any) -> None:
        settings: dict[str, Any] = {
            "disable_permissions_checks": True,
            "multi_tenant_enabled": True,
            "enforce_unique_usernames": "app",
            "permission_version": "v1",
            "user_search_disallowed_roles": ["guest"],
            "webhook_url": "https://hooks.example.com/stream",
            "webhook_events": ["message.new", "user.updated"],
            "sqs_url": "https://sqs.eu-west-1.amazonaws.com/1/q",
            "sqs_key": "sk",
            "sqs_secret": "ss",
            "sns_topic_arn": "arn:aws:sns:eu-west-1:1:t",
            "sns_key": "nk",
            "sns_secret": "ns",
            "custom_action_handler_url": "https://cmd.example.com/{type}",
            "before_message_send_hook_url": "http://localhost:9000/hook",
            "moderation_webhook_url": "https://mod.example.com",
            "image_moderation_enabled": True,
            "image_moderation_labels": ["violence"],
            "image_moderation_block_labels": ["gore"],
            "auto_translation_enabled": True,
            "async_url_enrich_enabled": True,
            "moderation_enabled": True,
            "channel_hide_members_only": True,
            "cdn_expiration_seconds": 14_400,
            "reminders_interval": 60,
            "reminders_max_members": 2,
            "allowed_flag_reasons": ["spam", "rude"],
            "async_moderation_config": {"timeout_ms": 1000, "callback": {"mode": "CALLBACK_MODE_REST", "server_url": "https://x.example"}},
            "video_provider": "agora",
            "agora_options": {"app_id": "a"},
            "hms_options": {"app_id": "h"},
            "datadog_info": {"api_key": "d"},
            "event_hooks": [{"hook_type": "webhook", "enabled": True, "webhook_url": "https://e.example", "event_types": []}],
            "feeds_v2_region": "us-east",
        }
        assert client.update_app_settings(**settings).status_code() == 200
        app = client.get_app_settings()["app"]
        for key, value in settings.items():
            assert app[key] == value, key

    def test_partial_merge_keeps_other_settings(self, client: Any) -> None:
        client.update_app_settings(webhook_url="https://a.example.com")
        client.update_app_settings(enforce_unique_usernames="team")
        app = client.get_app_settings()["app"]
        assert app["webhook_url"] == "https://a.example.com"
        assert app["enforce_unique_usernames"] == "team"

    def test_empty_body_unknown_keys_and_nulls_change_nothing(self, client: Any) -> None:
        before = client.get_app_settings()["app"]
        assert client.update_app_settings().status_code() == 200
        client.update_app_settings(no_such_setting=1, webhook_url=None, name="renamed")
        after = client.get_app_settings()["app"]
        assert after == before
        assert "no_such_setting" not in after

    def test_webhook_url_can_be_cleared(self, client: Any) -> None:
        client.update_app_settings(webhook_url="https://a.example.com")
        client.update_app_settings(webhook_url="")
        assert client.get_app_settings()["app"]["webhook_url"] == ""

    @pytest.mark.asyncio
    async def test_update_async(self, aclient: Any) -> None:
        response = await aclient.update_app_settings(enforce_unique_usernames="app", webhook_events=[])
        assert set(response) == {"duration"}
        app = (await aclient.get_app_settings())["app"]
        assert app["enforce_unique_usernames"] == "app"

    @pytest.mark.parametrize(
        "settings",
        [
            {"enforce_unique_usernames": "yes"},
            {"permission_version": "v3"},
            {"disable_auth_checks": "true"},
            {"webhook_url": "ftp://example.com"},
            {"webhook_url": "not a url"},
            {"custom_action_handler_url": "example.com/{type}"},
            {"before_message_send_hook_url": 5},
            {"webhook_events": "message.new"},
            {"cdn_expiration_seconds": 100},
            {"cdn_expiration_seconds": 1_209_601},
            {"reminders_interval": 59},
            {"reminders_interval": 86_401},
            {"reminders_max_members": 1},
            {"push_config": {"version": "v9"}},
            {"push_config": {"offline_only": "no"}},
            {"apn_config": {"auth_type": "password"}},
            {"apn_config": "token"},
            {"firebase_config": {"disabled": "yes"}},
            {"user_search_disallowed_roles": ["nobody"]},
            {"grants": {"nobody": ["create-message"]}},
            {"grants": {"user": ["no-such-permission"]}},
            {"grants": ["user"]},
            {"revoke_tokens_issued_before": "yesterday"},
            {"file_upload_config": {"size_limit": 104_857_601}},
            {"file_upload_config": {"size_limit": -1}},
            {"file_upload_config": {"allowed_file_extensions": [".pdf"], "blocked_file_extensions": [".exe"]}},
            {"file_upload_config": {"allowed_mime_types": ["pdf"]}},
            {"file_upload_config": "big"},
            {"image_upload_config": {"allowed_mime_types": ["image/png", "application/pdf"]}},
            {"image_upload_config": {"allowed_mime_types": ["image/tiff"]}},
            {"event_hooks": {"hook_type": "webhook"}},
        ],
        ids=lambda settings: json.dumps(settings)[:60],
    )
    def test_invalid_settings_are_400_4(self, client: Any, settings: dict[str, Any]) -> None:
        status, code, message = sdk_error(lambda: client.update_app_settings(**settings))
        assert (status, code) == (400, 4)
        assert message.startswith("UpdateApp failed with error: ")

    def test_rejected_update_applies_nothing(self, client: Any) -> None:
        status, code, _ = sdk_error(
            lambda: client.update_app_settings(webhook_url="https://ok.example.com", cdn_expiration_seconds=1)
        )
        assert (status, code) == (400, 4)
        assert client.get_app_settings()["app"]["webhook_url"] == ""

    @pytest.mark.asyncio
    async def test_invalid_setting_async(self, aclient: Any) -> None:
        status, code, _ = await async_sdk_error(aclient.update_app_settings(enforce_unique_usernames="maybe"))
        assert (status, code) == (400, 4)

    def test_user_tokens_cannot_update(self, raw: RawAPI) -> None:
        response = raw.request("PATCH", "/app", json={"webhook_url": ""}, token=raw.user_token("ann"))
        assert status_code(response) == (403, 17)

    def test_malformed_json_is_400_4(self, raw: RawAPI) -> None:
        response = raw.request("PATCH", "/app", content=b"{nope", headers={"Content-Type": "application/json"})
        assert status_code(response) == (400, 4)


class TestUploadConfigs:
    def test_file_upload_config_replaces_the_stored_one(self, client: Any) -> None:
        client.update_app_settings(file_upload_config={"size_limit": 1000, "blocked_file_extensions": [".exe"]})
        client.update_app_settings(file_upload_config={"allowed_mime_types": ["application/pdf", "text/*"]})
        config = client.get_app_settings()["app"]["file_upload_config"]
        assert config == {**EMPTY_UPLOAD, "allowed_mime_types": ["application/pdf", "text/*"]}

    def test_image_upload_config_may_narrow(self, client: Any) -> None:
        client.update_app_settings(
            image_upload_config={"allowed_mime_types": ["image/png", "image/jpeg"], "size_limit": 5_000_000}
        )
        config = client.get_app_settings()["app"]["image_upload_config"]
        assert config == {**EMPTY_UPLOAD, "allowed_mime_types": ["image/png", "image/jpeg"], "size_limit": 5_000_000}


class TestPushSettings:
    def test_nameless_provider_configs_map_into_the_push_view(self, client: Any) -> None:
        client.update_app_settings(
            push_config={"version": "v3", "offline_only": True},
            apn_config={"auth_type": "token", "auth_key": "KEY", "key_id": "K1", "team_id": "T1",
                        "bundle_id": "com.example", "development": True, "notification_template": "{}"},
            firebase_config={"server_key": "fk", "notification_template": "{}"},
            huawei_config={"id": "hid", "secret": "hs"},
            xiaomi_config={"package_name": "com.x", "secret": "xs", "disabled": True},
        )
        push = client.get_app_settings()["app"]["push_notifications"]
        assert push["version"] == "v3"
        assert push["offline_only"] is True
        assert push["apn"] == {
            "enabled": True, "development": True, "auth_type": "token",
            "host": "https://api.development.push.apple.com", "bundle_id": "com.example",
            "team_id": "T1", "key_id": "K1", "notification_template": "{}", "auth_key": "KEY",
        }
        assert push["firebase"] == {
            "enabled": True, "notification_template": "{}", "data_template": "", "apn_template": "", "server_key": "fk",
        }
        assert push["huawei"] == {"enabled": True, "id": "hid", "secret": "hs"}
        assert push["xiaomi"] == {"enabled": False, "package_name": "com.x", "secret": "xs"}

    def test_push_config_merges_per_key(self, client: Any) -> None:
        client.update_app_settings(push_config={"offline_only": True})
        push = client.get_app_settings()["app"]["push_notifications"]
        assert (push["version"], push["offline_only"]) == ("v2", True)

    def test_apn_config_can_be_disabled(self, client: Any) -> None:
        client.update_app_settings(apn_config={"auth_type": "certificate", "p12_cert": "cert"})
        client.update_app_settings(apn_config={"disabled": True})
        apn = client.get_app_settings()["app"]["push_notifications"]["apn"]
        assert apn["enabled"] is False
        assert apn["p12_cert"] == "cert"

    def test_providers_come_from_the_push_area(self, client: Any, raw: RawAPI) -> None:
        """Cross-area: push providers are kept by the push area."""
        response = raw.request("POST", "/push_providers", json={"push_provider": {"type": "firebase", "name": "main"}})
        ok(response)
        providers = client.get_app_settings()["app"]["push_notifications"]["providers"]
        assert [(p["type"], p["name"]) for p in providers] == [("firebase", "main")]

    def test_settings_keep_the_nameless_push_view_for_the_push_area(self, client: Any, chat_app: ChatApp) -> None:
        assert chat_app.settings["push_notifications"]["firebase"]["enabled"] is False
        client.update_app_settings(firebase_config={"server_key": "fk"})
        assert chat_app.settings["push_notifications"]["firebase"]["enabled"] is True


class TestAppGrants:
    def test_grants_merge_per_role(self, client: Any) -> None:
        client.update_app_settings(grants={"user": ["search-user"], "guest": []})
        grants = client.get_app_settings()["app"]["grants"]
        assert grants["user"] == ["search-user"]
        assert grants["guest"] == []
        assert grants["admin"] == DEFAULT_GRANTS[".app"]["admin"]

    def test_null_grants_reset_the_scope(self, client: Any) -> None:
        client.update_app_settings(grants={"user": []})
        client.update_app_settings(grants=None)
        assert client.get_app_settings()["app"]["grants"] == DEFAULT_GRANTS[".app"]

    def test_custom_roles_and_permissions_can_be_granted(self, client: Any) -> None:
        client.create_role("auditor")
        client.update_app_settings(grants={"auditor": ["read-flag-reports", "search-user"]})
        assert client.get_app_settings()["app"]["grants"]["auditor"] == ["read-flag-reports", "search-user"]
        roles = {role["name"]: role for role in client.list_roles()["roles"]}
        assert roles["auditor"]["scopes"] == [".app"]


class TestRevocation:
    def test_revoke_tokens_rejects_older_user_tokens(self, client: Any, raw: RawAPI, chat_app: ChatApp) -> None:
        issued = int(chat_app.clock.now().timestamp()) - 60
        old_token = raw.user_token("ann", iat=issued)
        no_iat_token = raw.user_token("ann")
        ok(raw.request("GET", "/app", token=old_token))

        revoked_at = chat_app.clock.now()
        client.revoke_tokens(revoked_at)
        assert status_code(raw.request("GET", "/app", token=old_token)) == (401, 40)
        assert status_code(raw.request("GET", "/app", token=no_iat_token)) == (401, 40)
        fresh = raw.user_token("ann", iat=int(revoked_at.timestamp()) + 1)
        ok(raw.request("GET", "/app", token=fresh))
        # The server token is never revoked, and the instant shows in the settings.
        app = client.get_app_settings()["app"]
        assert app["revoke_tokens_issued_before"] == revoked_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

        client.revoke_tokens(None)
        ok(raw.request("GET", "/app", token=old_token))
        assert "revoke_tokens_issued_before" not in client.get_app_settings()["app"]

    def test_naive_and_offset_timestamps(self, client: Any, chat_app: ChatApp) -> None:
        client.revoke_tokens("2024-05-01T10:00:00.123456")
        assert chat_app.settings["revoke_tokens_issued_before"] == datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)
        client.update_app_settings(revoke_tokens_issued_before="2024-05-01T12:00:00+02:00")
        assert client.get_app_settings()["app"]["revoke_tokens_issued_before"] == "2024-05-01T10:00:00.000000Z"

    @pytest.mark.asyncio
    async def test_revoke_async(self, aclient: Any, raw: RawAPI, chat_app: ChatApp) -> None:
        token = raw.user_token("ann", iat=int((chat_app.clock.now() - timedelta(minutes=5)).timestamp()))
        await aclient.revoke_tokens(chat_app.clock.now())
        assert status_code(raw.request("GET", "/app", token=token)) == (401, 40)


class TestAuthChecks:
    def test_disable_auth_checks_accepts_unsigned_tokens(self, client: Any, raw: RawAPI) -> None:
        wrongly_signed = jwt.encode({"user_id": "ann"}, "not-the-secret-" * 3, algorithm="HS256")
        assert status_code(raw.request("GET", "/app", token=wrongly_signed)) == (401, 43)
        client.update_app_settings(disable_auth_checks=True)
        ok(raw.request("GET", "/app", token=wrongly_signed))
        ok(raw.request("GET", "/app", token=_dev_token("ann")))
        # A token that is not correctly signed never carries server authority.
        forged_server = jwt.encode({"server": True}, "not-the-secret-" * 3, algorithm="HS256")
        assert status_code(raw.request("PATCH", "/app", json={}, token=forged_server)) == (401, 43)
        client.update_app_settings(disable_auth_checks=False)
        assert status_code(raw.request("GET", "/app", token=wrongly_signed)) == (401, 43)

    def test_dev_tokens_need_disable_auth_checks(self, client: Any, raw: RawAPI) -> None:
        assert status_code(raw.request("GET", "/app", token=_dev_token("ann")))[0] == 401
        client.update_app_settings(disable_auth_checks=True)
        ok(raw.request("GET", "/app", token=_dev_token("ann")))

    @pytest.mark.asyncio
    async def test_disable_auth_checks_async(self, aclient: Any, raw: RawAPI) -> None:
        await aclient.update_app_settings(disable_auth_checks=True)
        assert (await aclient.get_app_settings())["app"]["disable_auth_checks"] is True
        ok(raw.request("GET", "/app", token=_dev_token("ann")))


class TestChannelConfigs:
    def test_channel_configs_follow_the_channel_types(self, client: Any) -> None:
        client.create_channel_type({"name": "support", "replies": False})
        client.update_channel_type("team", max_message_length=100)
        configs = client.get_app_settings()["app"]["channel_configs"]
        assert configs["support"]["replies"] is False
        assert configs["team"]["max_message_length"] == 100
        client.delete_channel_type("support")
        assert "support" not in client.get_app_settings()["app"]["channel_configs"]

    def test_policies_show_legacy_permissions(self, client: Any) -> None:
        policy = {"name": "deny all", "action": "Deny", "resources": ["*"], "roles": ["*"], "owner": False, "priority": 1}
        client.update_channel_type("gaming", permissions=[policy])
        assert client.get_app_settings()["app"]["policies"] == {"gaming": [policy]}
