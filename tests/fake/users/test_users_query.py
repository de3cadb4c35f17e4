"""GET /users (query_users): every filter field and operator, sort, pagination, visibility."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fake_server import ChatApp
from fake_server.domain.moderation import BanRecord
from tests.conftest import RawAPI, status_code

T0 = datetime(2024, 12, 7, 10, 0, 0, tzinfo=UTC)


def ts(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture
def people(seed: Any, chat_app: ChatApp) -> list[str]:
    """Five users created one second apart starting at T0 (ann first)."""
    users = [
        {"id": "ann", "name": "Ann Rogers", "role": "admin", "teams": ["red", "blue"], "email": "ann@x.io",
         "language": "en", "age": 30, "tags": ["a", "b"], "details": {"color": "red"}, "username": "annie"},
        {"id": "bob", "name": "Robert", "teams": ["blue"], "email": "bob@x.io", "language": "fr", "age": 25, "tags": ["b"]},
        {"id": "cat", "name": "Cat", "role": "moderator", "age": "old", "details": {"color": "blue"}},
        {"id": "dan", "teams": ["green"], "age": 41},
        {"id": "eve", "name": "eve", "age": 30.0, "tags": []},
    ]
    for index, user in enumerate(users):
        # created_at = T0 + index seconds (ann: T0 + 1 µs, the clock never repeats an instant)
        chat_app.clock.freeze(T0 + timedelta(seconds=index))
        seed(user)
    now = chat_app.clock.now()
    chat_app.bans[("dan", None)] = BanRecord("dan", None, now)
    chat_app.bans[("eve", None)] = BanRecord("eve", None, now, shadow=True)
    chat_app.bans[("ann", "messaging:x")] = BanRecord("ann", "messaging:x", now)  # channel ban: not "banned"
    return [u["id"] for u in users]



@pytest.mark.asyncio
class TestThroughSDK:
    async def test_filter_sort_and_pages(self, sdk: Any, people: list[str]) -> None:
        response = await sdk("query_users", {"age": {"$gte": 25}}, {"age": -1}, limit=2, offset=1)
        assert [u["id"] for u in response["users"]] == ["eve", "ann"]  # 41 dan, then 30/30 by created_at desc
        assert response.status_code() == 200
        user = response["users"][1]
        assert user["name"] == "Ann Rogers" and user["devices"] == [] and user["mutes"] == []

    async def test_default_order_and_list_sort(self, sdk: Any, people: list[str]) -> None:
        response = await sdk("query_users", {})
        assert [u["id"] for u in response["users"]] == ["eve", "dan", "cat", "bob", "ann"]
        response = await sdk("query_users", {"id": {"$in": ["ann", "bob", "cat"]}}, [{"field": "name", "direction": 1}])
        assert [u["id"] for u in response["users"]] == ["ann", "cat", "bob"]

    async def test_errors(self, sdk: Any, people: list[str]) -> None:
        assert await sdk.fails("query_users", {"id": {"$regex": "a"}}) == (400, 4)
        assert await sdk.fails("query_users", {}, limit=101) == (400, 4)
        assert await sdk.fails("query_users", {}, offset=1001) == (400, 4)


CASES: list[tuple[dict[str, Any], list[str]]] = [
    # id
    ({"id": "bob"}, ["bob"]),
    ({"id": {"$eq": "bob"}}, ["bob"]),
    ({"id": {"$ne": "bob"}}, ["eve", "dan", "cat", "ann"]),
    ({"id": {"$in": ["bob", "cat", "zzz"]}}, ["cat", "bob"]),
    ({"id": {"$nin": ["bob", "cat"]}}, ["eve", "dan", "ann"]),
    ({"id": {"$gt": "cat"}}, ["eve", "dan"]),
    ({"id": {"$gte": "cat"}}, ["eve", "dan", "cat"]),
    ({"id": {"$lt": "cat"}}, ["bob", "ann"]),
    ({"id": {"$lte": "cat"}}, ["cat", "bob", "ann"]),
    ({"id": {"$exists": True}}, ["eve", "dan", "cat", "bob", "ann"]),
    ({"id": {"$exists": False}}, []),
    ({"id": {"$autocomplete": "DA"}}, ["dan"]),
    # name
    ({"name": "Cat"}, ["cat"]),
    ({"name": "cat"}, []),
    ({"name": {"$in": ["Cat", "eve"]}}, ["eve", "cat"]),
    ({"name": {"$gt": "Cat"}}, ["eve", "bob"]),
    ({"name": {"$gte": "Cat"}}, ["eve", "cat", "bob"]),
    ({"name": {"$lt": "Cat"}}, ["ann"]),
    ({"name": {"$lte": "Cat"}}, ["cat", "ann"]),
    ({"name": {"$exists": False}}, ["dan"]),
    ({"name": {"$exists": True}}, ["eve", "cat", "bob", "ann"]),
    ({"name": {"$autocomplete": "ro"}}, ["bob", "ann"]),
    ({"name": {"$autocomplete": "ann ro"}}, ["ann"]),
    # username: a stored custom "username", else the name
    ({"username": "annie"}, ["ann"]),
    ({"username": {"$autocomplete": "rob"}}, ["bob"]),
    # role
    ({"role": "user"}, ["eve", "dan", "bob"]),
    ({"role": {"$eq": "admin"}}, ["ann"]),
    ({"role": {"$in": ["admin", "moderator"]}}, ["cat", "ann"]),
    ({"role": {"$gt": "moderator"}}, ["eve", "dan", "bob"]),
    ({"role": {"$gte": "moderator"}}, ["eve", "dan", "cat", "bob"]),
    ({"role": {"$lt": "moderator"}}, ["ann"]),
    ({"role": {"$lte": "moderator"}}, ["cat", "ann"]),
    ({"role": {"$exists": True}}, ["eve", "dan", "cat", "bob", "ann"]),
    # teams
    ({"teams": "red"}, ["ann"]),
    ({"teams": {"$eq": "blue"}}, ["bob", "ann"]),
    ({"teams": {"$eq": ["blue", "red"]}}, ["ann"]),
    ({"teams": {"$in": ["green", "red"]}}, ["dan", "ann"]),
    ({"teams": {"$contains": "blue"}}, ["bob", "ann"]),
    ({"teams": {}}, ["eve", "dan", "cat", "bob", "ann"]),
    # bans (app-level only)
    ({"banned": True}, ["dan"]),
    ({"banned": {"$eq": False}}, ["eve", "cat", "bob", "ann"]),
    ({"banned": {"$ne": True}}, ["eve", "cat", "bob", "ann"]),
    ({"shadow_banned": True}, ["eve"]),
    ({"shadow_banned": {"$ne": True}}, ["dan", "cat", "bob", "ann"]),
    # dates
    ({"created_at": ts(1)}, ["bob"]),
    ({"created_at": {"$eq": ts(1)}}, ["bob"]),
    ({"created_at": {"$in": [ts(1), ts(3)]}}, ["dan", "bob"]),
    ({"created_at": {"$gt": ts(3)}}, ["eve"]),
    ({"created_at": {"$gte": "2024-12-07T11:00:03+01:00"}}, ["eve", "dan"]),
    ({"created_at": {"$lt": ts(1)}}, ["ann"]),
    ({"created_at": {"$lte": ts(1)}}, ["bob", "ann"]),
    ({"created_at": {"$exists": True}}, ["eve", "dan", "cat", "bob", "ann"]),
    ({"updated_at": {"$gte": ts(4)}}, ["eve"]),
    ({"last_active": {"$exists": False}}, ["eve", "dan", "cat", "bob", "ann"]),
    ({"last_active": {"$exists": True}}, []),
    # email, language
    ({"email": "bob@x.io"}, ["bob"]),
    ({"email": {"$in": ["ann@x.io", "nobody@x.io"]}}, ["ann"]),
    ({"language": "fr"}, ["bob"]),
    ({"language": {"$eq": "en"}}, ["ann"]),
    # custom fields
    ({"age": 30}, ["eve", "ann"]),
    ({"age": {"$eq": "old"}}, ["cat"]),
    ({"age": {"$in": [25, 41]}}, ["dan", "bob"]),
    ({"age": {"$gt": 30}}, ["dan"]),
    ({"age": {"$gte": 30}}, ["eve", "dan", "ann"]),
    ({"age": {"$lt": 30}}, ["bob"]),
    ({"age": {"$lte": 30}}, ["eve", "bob", "ann"]),
    ({"age": {"$exists": True}}, ["eve", "dan", "cat", "bob", "ann"]),
    ({"tags": {"$exists": False}}, ["dan", "cat"]),
    ({"tags": {"$contains": "b"}}, ["bob", "ann"]),
    ({"tags": "a"}, ["ann"]),
    ({"details.color": "blue"}, ["cat"]),
    ({"details.color": {"$in": ["red", "blue"]}}, ["cat", "ann"]),
    # logical operators and implicit AND
    ({"role": "user", "teams": "blue"}, ["bob"]),
    ({"$and": [{"age": {"$gte": 25}}, {"age": {"$lt": 41}}]}, ["eve", "bob", "ann"]),
    ({"$or": [{"id": "ann"}, {"role": "moderator"}]}, ["cat", "ann"]),
    ({"$nor": [{"id": "ann"}, {"role": "user"}]}, ["cat"]),
    ({"$or": [{"$and": [{"teams": "blue"}, {"role": "admin"}]}, {"banned": True}]}, ["dan", "ann"]),
    ({"age": {"$gte": 25, "$lte": 30}}, ["eve", "bob", "ann"]),
]


class TestFilters:
    @pytest.mark.parametrize(("conditions", "expected"), CASES, ids=[json.dumps(c) for c, _ in CASES])
    def test_filter(self, people: list[str], query_ids: Any, conditions: dict[str, Any], expected: list[str]) -> None:
        assert query_ids(conditions) == expected

    def test_last_active_comparisons(self, people: list[str], query_ids: Any, chat_app: ChatApp) -> None:
        chat_app.users.by_id["bob"].last_active = T0 + timedelta(hours=1)
        assert query_ids({"last_active": {"$gt": ts(60)}}) == ["bob"]
        assert query_ids({"last_active": {"$exists": True}}) == ["bob"]

    def test_ban_expiry_follows_the_clock(self, people: list[str], query_ids: Any, chat_app: ChatApp) -> None:
        chat_app.bans[("bob", None)] = BanRecord("bob", None, chat_app.clock.now(), expires=chat_app.clock.now() + timedelta(minutes=1))
        assert query_ids({"banned": True}) == ["dan", "bob"]
        chat_app.advance(61)
        assert query_ids({"banned": True}) == ["dan"]

    @pytest.mark.parametrize(
        "conditions",
        [
            {"id": {"$regex": "a"}},
            {"$foo": [{"id": "a"}]},
            {"name": {"$ne": "Cat"}},
            {"name": {"$contains": "a"}},
            {"username": {"$in": ["a"]}},
            {"role": {"$autocomplete": "ad"}},
            {"teams": {"$ne": "red"}},
            {"banned": {"$in": [True]}},
            {"banned": "yes"},
            {"created_at": "yesterday"},
            {"created_at": {"$gt": 5}},
            {"email": {"$autocomplete": "a"}},
            {"language": {"$in": ["en"]}},
            {"age": {"$autocomplete": "3"}},
            {"age": {"$ne": 30}},
            {"id": {"$in": "ann"}},
            {"id": {"$exists": "yes"}},
            {"name": {"$autocomplete": ""}},
            {"$or": []},
            {"$and": {"id": "ann"}},
            {"deactivated_at": {"$exists": True}},
            {"online": True},
            [],
            "ann",
        ],
        ids=lambda c: json.dumps(c),
    )
    def test_bad_filter_is_rejected(self, people: list[str], query: Any, conditions: Any) -> None:
        assert status_code(query(conditions)) == (400, 4)

    def test_payload_errors(self, raw: RawAPI) -> None:
        assert status_code(raw.request("GET", "/users")) == (400, 4)
        assert status_code(raw.request("GET", "/users", params={"payload": "{nope"})) == (400, 4)
        assert status_code(raw.request("GET", "/users", params={"payload": "[]"})) == (400, 4)
        assert status_code(raw.request("GET", "/users", params={"payload": json.dumps({"sort": []})})) == (400, 4)
        assert status_code(raw.request("GET", "/users", params={"payload": json.dumps({"filter_conditions": None})})) == (400, 4)


class TestSort:
    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ([{"field": "created_at", "direction": 1}], ["ann", "bob", "cat", "dan", "eve"]),
            ([{"field": "id", "direction": -1}], ["eve", "dan", "cat", "bob", "ann"]),
            ([{"field": "name", "direction": 1}], ["ann", "cat", "bob", "eve", "dan"]),
            ([{"field": "name", "direction": -1}], ["eve", "bob", "cat", "ann", "dan"]),
            ([{"field": "role", "direction": 1}, {"field": "id", "direction": 1}], ["ann", "cat", "bob", "dan", "eve"]),
            ([{"field": "age", "direction": 1}], ["bob", "eve", "ann", "dan", "cat"]),
            ([{"field": "age", "direction": -1}], ["cat", "dan", "eve", "ann", "bob"]),  # type rank reversed too
            ([{"field": "details.color", "direction": 1}], ["cat", "ann", "eve", "dan", "bob"]),
            ([{"field": "updated_at"}], ["ann", "bob", "cat", "dan", "eve"]),
            ([{"field": "last_active", "direction": -1}], ["eve", "dan", "cat", "bob", "ann"]),
        ],
    )
    def test_sort(self, people: list[str], query_ids: Any, sort: list[dict[str, Any]], expected: list[str]) -> None:
        assert query_ids({}, sort) == expected

    @pytest.mark.parametrize(
        "sort",
        [
            [{"field": f"f{i}", "direction": 1} for i in range(6)],
            [{"field": "name", "direction": 2}],
            [{"field": "name", "direction": "asc"}],
            [{"direction": 1}],
            ["name"],
            {"field": "name"},
        ],
    )
    def test_bad_sort_is_rejected(self, people: list[str], query: Any, sort: Any) -> None:
        assert status_code(query({}, sort)) == (400, 4)

    def test_five_sort_fields_are_allowed(self, people: list[str], query_ids: Any) -> None:
        sort = [{"field": name, "direction": 1} for name in ("role", "age", "name", "created_at", "id")]
        assert query_ids({}, sort) == ["ann", "cat", "bob", "eve", "dan"]


class TestPagination:
    def test_limit_and_offset(self, people: list[str], query_ids: Any, query: Any) -> None:
        assert query_ids({}, limit=2) == ["eve", "dan"]
        assert query_ids({}, limit=2, offset=2) == ["cat", "bob"]
        assert query_ids({}, limit=2, offset=4) == ["ann"]
        assert query_ids({}, offset=5) == []
        assert query_ids({}, limit=0) == ["eve", "dan", "cat", "bob", "ann"]
        assert query_ids({}, offset=1000) == []
        for bad in ({"limit": 101}, {"limit": -1}, {"limit": "x"}, {"offset": 1001}, {"offset": -1}):
            assert status_code(query({}, **bad)) == (400, 4)

    def test_default_limit_is_30_and_maximum_is_100(self, seed: Any, query_ids: Any) -> None:
        seed(*[f"u{i:03}" for i in range(100)])
        seed(*[f"v{i:03}" for i in range(5)])
        assert len(query_ids({})) == 30
        assert len(query_ids({}, limit=100)) == 100

    def test_id_cursors(self, people: list[str], query_ids: Any, query: Any) -> None:
        # With an id cursor and no sort, the order is id descending.
        assert query_ids({}, id_gt="bob") == ["eve", "dan", "cat"]
        assert query_ids({}, id_gte="bob", limit=2) == ["eve", "dan"]
        assert query_ids({}, id_lt="dan") == ["cat", "bob", "ann"]
        assert query_ids({}, id_lte="bob") == ["bob", "ann"]
        assert query_ids({}, id_gt="ann", id_lt="eve") == ["dan", "cat", "bob"]
        assert query_ids({"role": "user"}, [{"field": "id", "direction": 1}], id_gt="bob") == ["dan", "eve"]
        assert status_code(query({}, id_gt=5)) == (400, 4)


class TestVisibility:
    def test_deactivated_users_only_on_request(self, people: list[str], raw: RawAPI, query_ids: Any, query: Any) -> None:
        raw.request("POST", "/users/bob/deactivate", json={})
        assert query_ids({}) == ["eve", "dan", "cat", "ann"]
        assert query_ids({}, include_deactivated_users=True) == ["eve", "dan", "cat", "bob", "ann"]
        assert query_ids({"id": "bob"}, include_deactivated_users=False) == []
        assert status_code(query({}, include_deactivated_users="maybe")) == (400, 4)

    def test_deleted_users_are_never_returned(self, people: list[str], raw: RawAPI, query_ids: Any) -> None:
        raw.request("DELETE", "/users/bob")
        raw.request("DELETE", "/users/cat", params={"hard_delete": "true"})
        raw.request("POST", "/users/delete", json={"user_ids": ["dan"], "user": "pruning"})
        assert query_ids({}, include_deactivated_users=True) == ["eve", "ann"]
        assert query_ids({"id": {"$in": ["bob", "cat", "dan"]}}) == []
        raw.request("POST", "/users/restore", json={"user_ids": ["bob"]})
        assert query_ids({"id": "bob"}) == ["bob"]

    def test_options_that_have_no_server_side_effect(self, people: list[str], query_ids: Any) -> None:
        assert query_ids({"id": "ann"}, presence=True, user_id="bob", user={"id": "bob"}) == ["ann"]

    def test_user_token_in_a_multi_tenant_app_sees_its_teams(self, people: list[str], raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.settings["multi_tenant_enabled"] = True
        token = raw.user_token("bob")

        def ids(conditions: dict[str, Any]) -> list[str]:
            payload = json.dumps({"filter_conditions": conditions, "sort": []})
            response = raw.request("GET", "/users", params={"payload": payload}, token=token)
            assert response.status_code == 200, response.text
            return [u["id"] for u in response.json()["users"]]

        assert ids({}) == ["bob", "ann"]
        assert ids({"teams": {}}) == ["eve", "dan", "cat", "bob", "ann"]
        chat_app.settings["multi_tenant_enabled"] = False
        assert ids({}) == ["eve", "dan", "cat", "bob", "ann"]
