"""Export user, guest users, custom user events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jwt
import pytest

from fake_server import ChatApp
from tests.conftest import RawAPI, status_code

T0 = datetime(2024, 12, 7, 10, 0, 0, tzinfo=UTC)



@pytest.mark.asyncio
class TestThroughSDK:
    async def test_export_user(self, sdk: Any, seed: Any) -> None:
        seed({"id": "ann", "name": "Ann", "book": "dune"})
        response = await sdk("export_user", "ann")
        assert response["user"]["book"] == "dune"
        assert (response["messages"], response["reactions"]) == ([], [])
        assert await sdk.fails("export_user", "nobody") == (404, 16)

    async def test_guest(self, sdk: Any, chat_app: ChatApp, raw: RawAPI) -> None:
        response = await sdk("set_guest_user", {"id": "visitor", "role": "admin", "name": "Vis", "color": "red"})
        user = response["user"]
        assert (user["id"], user["role"], user["name"], user["color"]) == ("visitor", "guest", "Vis", "red")
        assert user["devices"] == [] and user["mutes"] == [] and user["unread_count"] == 0
        claims = jwt.decode(response["access_token"], chat_app.api_secret, algorithms=["HS256"])
        assert claims["user_id"] == "visitor"
        # The token authenticates as the guest.
        assert raw.request("GET", "/users", params={"payload": '{"filter_conditions": {}}'}, token=response["access_token"]).status_code == 200
        assert chat_app.requests.list()[-1].user_id == "visitor"
        assert [u["id"] for u in (await sdk("query_users", {"role": "guest"}))["users"]] == ["visitor"]
        assert [e["user"]["id"] for e in chat_app.events.list("user.updated")] == ["visitor"]

    async def test_custom_event(self, sdk: Any, seed: Any, chat_app: ChatApp) -> None:
        seed({"id": "ann", "name": "Ann"})
        chat_app.clock.freeze(T0)
        response = await sdk("send_user_custom_event", "ann", {"type": "friendship_request", "text": "Hey", "extra": {"n": 1}})
        assert set(response) == {"duration"}
        (event,) = chat_app.events.list("friendship_request")
        assert event == {
            "type": "friendship_request",
            "text": "Hey",
            "extra": {"n": 1},
            "user": chat_app.users.render(chat_app.users.by_id["ann"]),
            "created_at": "2024-12-07T10:00:00.000001Z",
        }
        assert await sdk.fails("send_user_custom_event", "nobody", {"type": "x"}) == (404, 16)
        assert await sdk.fails("send_user_custom_event", "ann", {"type": "message.new"}) == (400, 4)
        assert await sdk.fails("send_user_custom_event", "ann", {"text": "no type"}) == (400, 4)


class TestExport:
    def test_deleted_user_is_not_found(self, raw: RawAPI, seed: Any) -> None:
        seed("ann")
        raw.request("DELETE", "/users/ann")
        assert status_code(raw.request("GET", "/users/ann/export")) == (404, 16)

    def test_options_are_ignored(self, raw: RawAPI, seed: Any) -> None:
        seed("ann")
        assert raw.request("GET", "/users/ann/export", params={"whatever": "1"}).status_code == 200


class TestGuest:
    def test_generated_id_and_reuse(self, raw: RawAPI, chat_app: ChatApp) -> None:
        response = raw.request("POST", "/guest", json={"user": {"name": "Anon"}})
        assert response.status_code == 200, response.text
        generated = response.json()["user"]["id"]
        assert len(generated) == 36 and chat_app.users.by_id[generated].role == "guest"
        again = raw.request("POST", "/guest", json={"user": {"id": generated, "name": "Anon 2"}})
        assert again.json()["user"]["name"] == "Anon 2"
        assert again.json()["user"]["created_at"] == response.json()["user"]["created_at"]

    def test_regular_users_are_not_turned_into_guests(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed({"id": "ann", "role": "admin"})
        assert status_code(raw.request("POST", "/guest", json={"user": {"id": "ann"}})) == (400, 4)
        assert chat_app.users.by_id["ann"].role == "admin"

    @pytest.mark.parametrize("body", [{}, {"user": "ann"}, {"user": {"id": "a b"}}, {"user": {"id": "g", "name": 1}}])
    def test_validation(self, raw: RawAPI, body: dict[str, Any]) -> None:
        assert status_code(raw.request("POST", "/guest", json=body)) == (400, 4)

    def test_not_available_in_multi_tenant_apps(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.settings["multi_tenant_enabled"] = True
        assert status_code(raw.request("POST", "/guest", json={"user": {"id": "g"}})) == (400, 4)
        assert chat_app.users.by_id == {}

    def test_guest_token_survives_an_earlier_revocation(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.settings["revoke_tokens_issued_before"] = chat_app.clock.now()
        chat_app.advance(2)
        token = raw.request("POST", "/guest", json={"user": {"id": "g"}}).json()["access_token"]
        assert raw.request("GET", "/users", params={"payload": '{"filter_conditions": {}}'}, token=token).status_code == 200


class TestCustomEvent:
    def test_nested_custom_and_server_keys(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed("ann", "bob")
        event = {"type": "poke", "custom": {"a": 1}, "b": 2, "user": {"id": "bob"}, "user_id": "bob", "created_at": "x", "event_type": "e"}
        assert raw.request("POST", "/users/ann/event", json={"event": event}).status_code == 200
        (delivered,) = chat_app.events.list("poke")
        assert delivered["user"]["id"] == "ann"
        assert (delivered["a"], delivered["b"], delivered["event_type"]) == (1, 2, "e")
        assert "user_id" not in delivered and delivered["created_at"] != "x"

    @pytest.mark.parametrize(
        "body",
        [{}, {"event": "poke"}, {"event": {}}, {"event": {"type": ""}}, {"event": {"type": 5}}, {"event": {"type": "a.b"}}],
    )
    def test_validation(self, raw: RawAPI, seed: Any, chat_app: ChatApp, body: dict[str, Any]) -> None:
        seed("ann")
        chat_app.events.clear()
        assert status_code(raw.request("POST", "/users/ann/event", json=body)) == (400, 4)
        assert chat_app.events.list() == []

    def test_server_side_only(self, raw: RawAPI, seed: Any) -> None:
        seed("ann")
        response = raw.request("POST", "/users/ann/event", json={"event": {"type": "poke"}}, token=raw.user_token("ann"))
        assert status_code(response) == (403, 17)

    def test_deactivated_target_still_receives(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed("ann")
        raw.request("POST", "/users/ann/deactivate", json={})
        assert raw.request("POST", "/users/ann/event", json={"event": {"type": "poke"}}).status_code == 200
        assert len(chat_app.events.list("poke")) == 1
