"""Push providers: POST/GET /push_providers, DELETE /push_providers/{type}/{name} (users-app §2.4-§2.6)."""

from __future__ import annotations

from typing import Any

import pytest

from fake_server import ChatApp
from stream_chat.base.exceptions import StreamAPIException
from tests.conftest import RawAPI, status_code
from tests.fake.moderation.conftest import World, ok

APN = {
    "name": "ios-prod",
    "type": "apn",
    "description": "Production bundle",
    "apn_auth_type": "token",
    "apn_auth_key": "-----BEGIN PRIVATE KEY-----",
    "apn_key_id": "KEY123",
    "apn_team_id": "TEAM42",
    "apn_topic": "com.example.app",
    "apn_development": False,
}


class TestProvidersSDK:
    def test_upsert_list_delete(self, client: Any, chat_app: ChatApp) -> None:
        response = client.upsert_push_provider(APN)
        assert response.status_code() == 200
        provider = response["push_provider"]
        assert {k: provider[k] for k in APN} == APN
        assert provider["created_at"] == provider["updated_at"]
        client.upsert_push_provider({"name": "android", "type": "firebase", "firebase_credentials": "{}"})
        listed = client.list_push_providers()["push_providers"]
        assert [(p["type"], p["name"]) for p in listed] == [("apn", "ios-prod"), ("firebase", "android")]
        assert listed[0] == provider
        assert set(client.delete_push_provider("apn", "ios-prod")) == {"duration"}
        assert [p["name"] for p in client.list_push_providers()["push_providers"]] == ["android"]
        with chat_app.lock:
            assert [p["name"] for p in chat_app.push.providers()] == ["android"]

    def test_upsert_replaces_and_keeps_created_at(self, client: Any, chat_app: ChatApp) -> None:
        first = client.upsert_push_provider(APN)["push_provider"]
        chat_app.advance(5)
        second = client.upsert_push_provider({"name": "ios-prod", "type": "apn", "apn_topic": "com.example.other"})["push_provider"]
        assert second["created_at"] == first["created_at"]
        assert second["updated_at"] > first["updated_at"]
        assert second["apn_topic"] == "com.example.other"
        assert "apn_key_id" not in second  # replaced, not merged
        assert len(client.list_push_providers()["push_providers"]) == 1

    def test_disabled_provider(self, client: Any) -> None:
        provider = client.upsert_push_provider(
            {"name": "old", "type": "xiaomi", "disabled_at": "2024-05-01T10:00:00", "disabled_reason": "retired"}
        )["push_provider"]
        assert provider["disabled_at"] == "2024-05-01T10:00:00.000000Z"
        assert provider["disabled_reason"] == "retired"

    def test_delete_unknown_provider(self, client: Any) -> None:
        with pytest.raises(StreamAPIException) as caught:
            client.delete_push_provider("apn", "nope")
        assert (caught.value.status_code, caught.value.error_code) == (404, 16)

    @pytest.mark.asyncio
    async def test_async_round_trip(self, aclient: Any) -> None:
        await aclient.upsert_push_provider({"name": "hw", "type": "huawei", "huawei_app_id": "1", "huawei_app_secret": "s"})
        (provider,) = (await aclient.list_push_providers())["push_providers"]
        assert provider["huawei_app_secret"] == "s"
        await aclient.delete_push_provider("huawei", "hw")
        assert (await aclient.list_push_providers())["push_providers"] == []
        with pytest.raises(StreamAPIException) as caught:
            await aclient.delete_push_provider("pager", "hw")
        assert (caught.value.status_code, caught.value.error_code) == (400, 4)


class TestErrors:
    @pytest.mark.parametrize(
        "provider",
        [
            None,
            "apn",
            {"type": "apn"},
            {"name": "", "type": "apn"},
            {"name": "x" * 37, "type": "apn"},
            {"name": "a/b", "type": "apn"},
            {"name": "p"},
            {"name": "p", "type": "pager"},
            {"name": "p", "type": "apn", "description": "d" * 129},
            {"name": "p", "type": "apn", "disabled_reason": "r" * 256},
            {"name": "p", "type": "apn", "apn_auth_type": "password"},
            {"name": "p", "type": "apn", "apn_development": "yes"},
            {"name": "p", "type": "firebase", "firebase_credentials": {"json": True}},
            {"name": "p", "type": "apn", "disabled_at": "someday"},
        ],
    )
    def test_upsert_rejects(self, raw: RawAPI, provider: Any) -> None:
        response = raw.request("POST", "/push_providers", json={"push_provider": provider})
        assert status_code(response) == (400, 4)
        assert response.json()["message"].startswith("UpsertPushProvider failed with error:")

    def test_limits(self, raw: RawAPI) -> None:
        ok(raw.request("POST", "/push_providers", json={"push_provider": {"name": "x" * 36, "type": "apn"}}))
        for index in range(24):
            ok(raw.request("POST", "/push_providers", json={"push_provider": {"name": f"p{index}", "type": "firebase"}}))
        response = raw.request("POST", "/push_providers", json={"push_provider": {"name": "one-too-many", "type": "apn"}})
        assert status_code(response) == (400, 4)
        # Replacing an existing one is still possible at the limit.
        ok(raw.request("POST", "/push_providers", json={"push_provider": {"name": "p0", "type": "firebase"}}))

    def test_push_v1_has_no_providers(self, raw: RawAPI, chat_app: ChatApp) -> None:
        with chat_app.lock:
            chat_app.settings["push_config"] = {"version": "v1"}
        response = raw.request("POST", "/push_providers", json={"push_provider": {"name": "p", "type": "apn"}})
        assert status_code(response) == (400, 4)

    def test_server_side_only(self, raw: RawAPI, world: World) -> None:
        world.users("alice")
        token = raw.user_token("alice")
        assert status_code(raw.request("GET", "/push_providers", token=token)) == (403, 17)
        assert status_code(raw.request("POST", "/push_providers", json={"push_provider": {"name": "p", "type": "apn"}}, token=token)) == (403, 17)
        assert status_code(raw.request("DELETE", "/push_providers/apn/p", token=token)) == (403, 17)

    def test_devices_keep_a_deleted_provider_name(self, raw: RawAPI, world: World) -> None:
        world.users("alice")
        ok(raw.request("POST", "/push_providers", json={"push_provider": {"name": "ios", "type": "apn"}}))
        ok(raw.request("POST", "/devices", json={"id": "t", "push_provider": "apn", "push_provider_name": "ios", "user_id": "alice"}))
        ok(raw.request("DELETE", "/push_providers/apn/ios"))
        (device,) = ok(raw.request("GET", "/devices", params={"user_id": "alice"}))["devices"]
        assert device["push_provider_name"] == "ios"


def test_providers_listed_by_get_app(client: Any, raw: RawAPI) -> None:
    """Cross-area: GET /app shows the providers under push_notifications.providers."""
    client.upsert_push_provider({"name": "ios-prod", "type": "apn"})
    response = raw.request("GET", "/app")
    providers = ok(response)["app"]["push_notifications"]["providers"]
    assert [(p["type"], p["name"]) for p in providers] == [("apn", "ios-prod")]
