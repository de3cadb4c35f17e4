"""Devices: POST/GET/DELETE /devices (users-app §2.1-§2.3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fake_server import ChatApp
from stream_chat.base.exceptions import StreamAPIException
from tests.conftest import RawAPI, status_code
from tests.fake.moderation.conftest import World, ok


def device_ids(devices: list[dict[str, Any]]) -> list[str]:
    return [d["id"] for d in devices]


def add_provider(chat_app: ChatApp, provider_type: str, name: str) -> None:
    with chat_app.lock:
        chat_app.push.upsert_provider({"type": provider_type, "name": name})


class TestDevicesSDK:
    def test_add_list_delete(self, client: Any, world: World) -> None:
        world.users("alice")
        response = client.add_device("token-1", "firebase", "alice")
        assert response.status_code() == 200
        assert set(response) == {"duration"}
        client.add_device("token-2", "apn", "alice")
        devices = client.get_devices("alice")["devices"]
        assert device_ids(devices) == ["token-1", "token-2"]
        first = devices[0]
        assert first["user_id"] == "alice"
        assert first["push_provider"] == "firebase"
        assert "push_provider_name" not in first
        assert first["created_at"].endswith("Z")
        assert set(client.delete_device("token-1", "alice")) == {"duration"}
        assert device_ids(client.get_devices("alice")["devices"]) == ["token-2"]

    def test_named_provider(self, client: Any, world: World, chat_app: ChatApp) -> None:
        world.users("alice")
        add_provider(chat_app, "apn", "ios-prod")
        client.add_device("apn-token", "apn", "alice", push_provider_name="ios-prod")
        (device,) = client.get_devices("alice")["devices"]
        assert device["push_provider_name"] == "ios-prod"

    def test_unknown_named_provider(self, client: Any, world: World, chat_app: ChatApp) -> None:
        world.users("alice")
        add_provider(chat_app, "firebase", "android")  # same name, other type
        with pytest.raises(StreamAPIException) as caught:
            client.add_device("apn-token", "apn", "alice", push_provider_name="android")
        assert (caught.value.status_code, caught.value.error_code) == (400, 4)

    def test_delete_unknown_device(self, client: Any, world: World) -> None:
        world.users("alice", "bob")
        client.add_device("token-1", "firebase", "bob")
        with pytest.raises(StreamAPIException) as caught:
            client.delete_device("token-1", "alice")
        assert (caught.value.status_code, caught.value.error_code) == (404, 16)

    @pytest.mark.asyncio
    async def test_async_round_trip(self, aclient: Any, world: World) -> None:
        world.users("alice")
        await aclient.add_device("token-1", "huawei", "alice")
        await aclient.add_device("token-2", "xiaomi", "alice")
        assert device_ids((await aclient.get_devices("alice"))["devices"]) == ["token-1", "token-2"]
        await aclient.delete_device("token-2", "alice")
        assert device_ids((await aclient.get_devices("alice"))["devices"]) == ["token-1"]
        with pytest.raises(StreamAPIException) as caught:
            await aclient.add_device("token-3", "blackberry", "alice")
        assert (caught.value.status_code, caught.value.error_code) == (400, 4)


class TestSemantics:
    def test_adding_again_keeps_the_device(self, raw: RawAPI, world: World, chat_app: ChatApp) -> None:
        world.users("alice")
        body = {"id": "t1", "push_provider": "firebase", "user_id": "alice", "push_provider_name": None}
        ok(raw.request("POST", "/devices", json=body))
        ok(raw.request("POST", "/devices", json={"id": "t2", "push_provider": "firebase", "user_id": "alice"}))
        first = ok(raw.request("GET", "/devices", params={"user_id": "alice"}))["devices"]
        chat_app.advance(10)
        ok(raw.request("POST", "/devices", json=body))
        assert ok(raw.request("GET", "/devices", params={"user_id": "alice"}))["devices"] == first

    def test_oldest_device_is_evicted_after_25(self, raw: RawAPI, world: World) -> None:
        world.users("alice")
        for index in range(26):
            ok(raw.request("POST", "/devices", json={"id": f"t{index:02d}", "push_provider": "apn", "user_id": "alice"}))
        devices = ok(raw.request("GET", "/devices", params={"user_id": "alice"}))["devices"]
        assert device_ids(devices) == [f"t{index:02d}" for index in range(1, 26)]

    def test_device_moves_to_its_new_user(self, raw: RawAPI, world: World) -> None:
        world.users("alice", "bob")
        ok(raw.request("POST", "/devices", json={"id": "shared", "push_provider": "apn", "user_id": "alice"}))
        ok(raw.request("POST", "/devices", json={"id": "shared", "push_provider": "apn", "user_id": "bob"}))
        assert ok(raw.request("GET", "/devices", params={"user_id": "alice"}))["devices"] == []
        (device,) = ok(raw.request("GET", "/devices", params={"user_id": "bob"}))["devices"]
        assert device["user_id"] == "bob"

    def test_unknown_user_has_no_devices(self, raw: RawAPI) -> None:
        assert ok(raw.request("GET", "/devices", params={"user_id": "ghost"}))["devices"] == []

    def test_voip_token(self, raw: RawAPI, world: World) -> None:
        world.users("alice")
        ok(raw.request("POST", "/devices", json={"id": "v", "push_provider": "apn", "user_id": "alice", "voip_token": True}))
        (device,) = ok(raw.request("GET", "/devices", params={"user_id": "alice"}))["devices"]
        assert device["voip"] is True

    def test_accessor_for_full_users(self, raw: RawAPI, world: World, chat_app: ChatApp) -> None:
        world.users("alice")
        ok(raw.request("POST", "/devices", json={"id": "t1", "push_provider": "apn", "user_id": "alice"}))
        with chat_app.lock:
            assert device_ids(chat_app.push.devices_of("alice")) == ["t1"]
            assert chat_app.push.render_for_user("alice") == chat_app.push.devices_of("alice")
            chat_app.push.forget_user("alice")
            assert chat_app.push.devices_of("alice") == []

    def test_devices_on_query_users(self, raw: RawAPI, world: World) -> None:
        """Cross-area: full users carry their devices."""
        world.users("alice")
        ok(raw.request("POST", "/devices", json={"id": "t1", "push_provider": "apn", "user_id": "alice"}))
        response = raw.request("GET", "/users", params={"payload": json.dumps({"filter_conditions": {"id": "alice"}})})
        (alice,) = ok(response)["users"]
        assert device_ids(alice["devices"]) == ["t1"]


class TestErrors:
    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ({"push_provider": "apn", "user_id": "alice"}, (400, 4)),
            ({"id": "", "push_provider": "apn", "user_id": "alice"}, (400, 4)),
            ({"id": "x" * 256, "push_provider": "apn", "user_id": "alice"}, (400, 4)),
            ({"id": "t", "user_id": "alice"}, (400, 4)),
            ({"id": "t", "push_provider": "pigeon", "user_id": "alice"}, (400, 4)),
            ({"id": "t", "push_provider": "apn"}, (400, 4)),
            ({"id": "t", "push_provider": "apn", "user_id": "ghost"}, (400, 4)),
            ({"id": "t", "push_provider": "apn", "user_id": "alice", "push_provider_name": "nope"}, (400, 4)),
            ({"id": "t", "push_provider": "apn", "user_id": "alice", "push_provider_name": 3}, (400, 4)),
            ({"id": "t", "push_provider": "apn", "user_id": "alice", "voip_token": "yes"}, (400, 4)),
        ],
    )
    def test_add_device_rejects(self, raw: RawAPI, world: World, body: dict[str, Any], expected: tuple[int, int]) -> None:
        world.users("alice")
        response = raw.request("POST", "/devices", json=body)
        assert status_code(response) == expected
        assert response.json()["message"].startswith("CreateDevice failed with error:")

    def test_longest_id_is_accepted(self, raw: RawAPI, world: World) -> None:
        world.users("alice")
        ok(raw.request("POST", "/devices", json={"id": "x" * 255, "push_provider": "apn", "user_id": "alice"}))

    def test_list_without_user(self, raw: RawAPI) -> None:
        response = raw.request("GET", "/devices")
        assert status_code(response) == (400, 4)
        assert response.json()["message"].startswith("ListDevices failed with error:")

    def test_delete_errors(self, raw: RawAPI, world: World) -> None:
        world.users("alice")
        assert status_code(raw.request("DELETE", "/devices", params={"user_id": "alice"})) == (400, 4)
        assert status_code(raw.request("DELETE", "/devices", params={"id": "t"})) == (400, 4)
        response = raw.request("DELETE", "/devices", params={"id": "t", "user_id": "alice"})
        assert status_code(response) == (404, 16)
        assert response.json()["message"].startswith("DeleteDevice failed with error:")

    def test_user_tokens_manage_only_their_own_devices(self, raw: RawAPI, world: World) -> None:
        world.users("alice", "bob")
        token = raw.user_token("alice")
        ok(raw.request("POST", "/devices", json={"id": "mine", "push_provider": "apn"}, token=token))
        assert device_ids(ok(raw.request("GET", "/devices", token=token))["devices"]) == ["mine"]
        response = raw.request("POST", "/devices", json={"id": "t", "push_provider": "apn", "user_id": "bob"}, token=token)
        assert status_code(response) == (403, 17)
        assert status_code(raw.request("GET", "/devices", params={"user_id": "bob"}, token=token)) == (403, 17)
        ok(raw.request("DELETE", "/devices", params={"id": "mine"}, token=token))
