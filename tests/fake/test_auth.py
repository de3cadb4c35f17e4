"""Authentication of requests (conventions §2, endpoints-users-app §1.13-§1.14): api keys,
server and user JWTs, time claims on the fake clock, revocation, dev tokens."""

from __future__ import annotations

import base64
import inspect
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from fake_server import ChatApp, FakeStream, FakeTransport
from tests.conftest import IN_PROCESS_URL, RawAPI, status_code

T0 = datetime(2024, 12, 7, 10, 0, 0, tzinfo=UTC)
QUERY = {"payload": json.dumps({"filter_conditions": {}, "sort": []})}


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()



def get(raw: RawAPI, token: str | None = None, **kwargs: Any) -> Any:
    return raw.request("GET", "/users", params=QUERY, token=token, **kwargs)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


@pytest.fixture
def frozen(chat_app: ChatApp) -> ChatApp:
    chat_app.clock.freeze(T0)
    return chat_app


@pytest.fixture
def ann(raw: RawAPI) -> str:
    assert raw.request("POST", "/users", json={"users": {"ann": {"id": "ann"}, "bob": {"id": "bob"}}}).status_code == 200
    return "ann"


@pytest.fixture(params=["sync", "async"])
def sdk_client(request: pytest.FixtureRequest, transport_mode: str) -> Any:
    return request.getfixturevalue("client" if request.param == "sync" else "aclient")


async def call(client: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    result = getattr(client, method)(*args, **kwargs)
    return await result if inspect.isawaitable(result) else result


@pytest.mark.asyncio
class TestThroughSDK:
    async def test_server_token_is_accepted_and_acts_as_server(self, sdk_client: Any, chat_app: ChatApp) -> None:
        response = await call(sdk_client, "query_users", {})
        assert response.status_code() == 200
        record = chat_app.requests.list()[-1]
        assert (record.status, record.user_id, record.platform) == (200, None, "server_side")

    @pytest.mark.parametrize("flavor", ["sync", "async"])
    async def test_wrong_secret_and_unknown_key(self, flavor: str, chat_app: ChatApp, fake_service: FakeStream) -> None:
        from fake_server import AsyncFakeTransport
        from stream_chat import StreamChat, StreamChatAsync
        from stream_chat.base.exceptions import StreamAPIException

        cases = [(chat_app.api_key, "not-the-secret-" * 3, 401, 43), ("unknown-key", chat_app.api_secret, 401, 2)]
        for key, secret, status, code in cases:
            if flavor == "sync":
                client: Any = StreamChat(key, secret, base_url=IN_PROCESS_URL, transport=FakeTransport(fake_service))
            else:
                client = StreamChatAsync(key, secret, base_url=IN_PROCESS_URL, transport=AsyncFakeTransport(fake_service))
            try:
                with pytest.raises(StreamAPIException) as caught:
                    await call(client, "query_users", {})
                assert (caught.value.status_code, int(caught.value.error_code)) == (status, code)
            finally:
                await call(client, "close")

    async def test_sdk_created_user_tokens(self, sdk_client: Any, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        token = sdk_client.create_token("ann", exp=epoch(T0) + 60, iat=epoch(T0))
        assert get(raw, token).status_code == 200
        assert frozen.requests.list()[-1].user_id == "ann"
        frozen.advance(61)
        assert status_code(get(raw, token)) == (401, 40)
        assert get(raw, sdk_client.create_token("ann")).status_code == 200

    async def test_revoke_tokens_helpers(self, sdk_client: Any, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        old = sdk_client.create_token("ann", iat=epoch(T0) - 10)
        await call(sdk_client, "revoke_user_token", "ann", T0.replace(tzinfo=None))
        assert status_code(get(raw, old)) == (401, 40)
        await call(sdk_client, "revoke_user_token", "ann", None)
        assert get(raw, old).status_code == 200
        await call(sdk_client, "revoke_users_token", ["ann", "bob"], T0)
        assert status_code(get(raw, old)) == (401, 40)
        assert status_code(get(raw, sdk_client.create_token("bob", iat=epoch(T0) - 1))) == (401, 40)
        assert get(raw, sdk_client.create_token("bob", iat=epoch(T0))).status_code == 200


class TestCredentials:
    def test_server_token(self, raw: RawAPI) -> None:
        assert get(raw).status_code == 200

    def test_bearer_prefix_is_tolerated(self, raw: RawAPI) -> None:
        assert get(raw, "Bearer " + raw.server_token).status_code == 200

    def test_missing_or_unknown_api_key_is_checked_before_the_token(self, raw: RawAPI) -> None:
        assert status_code(get(raw, api_key="")) == (401, 2)
        assert status_code(get(raw, api_key="nope")) == (401, 2)
        assert status_code(get(raw, "garbage", api_key="nope")) == (401, 2)
        assert status_code(raw.request("GET", "/users", params=QUERY, api_key="nope", headers={"stream-auth-type": "", "Authorization": ""})) == (401, 2)

    def test_missing_auth_headers(self, raw: RawAPI) -> None:
        assert status_code(raw.request("GET", "/users", params=QUERY, headers={"stream-auth-type": ""})) == (401, 5)
        assert status_code(raw.request("GET", "/users", params=QUERY, headers={"Authorization": ""})) == (401, 5)
        assert status_code(raw.request("GET", "/users", params=QUERY, headers={"stream-auth-type": "basic"})) == (401, 5)

    def test_header_names_are_case_insensitive(self, raw: RawAPI) -> None:
        response = raw.http.get("/users", params={**QUERY, "api_key": raw.app.api_key},
                                headers={"AUTHORIZATION": raw.server_token, "Stream-Auth-Type": "JWT"})
        assert response.status_code == 200

    @pytest.mark.parametrize("token", ["abc", "a.b.c", "x" * 40, b64({"alg": "HS256"}) + ".!!!.sig", "..."])
    def test_malformed_token(self, raw: RawAPI, token: str) -> None:
        assert status_code(get(raw, token)) == (401, 5)

    def test_forged_signature(self, raw: RawAPI, ann: str) -> None:
        assert status_code(get(raw, jwt.encode({"server": True}, "another-secret-" * 3, algorithm="HS256"))) == (401, 43)
        assert status_code(get(raw, jwt.encode({"user_id": "ann"}, "another-secret-" * 3, algorithm="HS256"))) == (401, 43)
        header, _payload, signature = raw.server_token.split(".")
        tampered = f"{header}.{b64({'server': True, 'x': 1})}.{signature}"
        assert status_code(get(raw, tampered)) == (401, 43)

    @pytest.mark.parametrize("alg", ["none", "HS512", "HS384", "RS256", "ES256"])
    def test_other_algorithms(self, raw: RawAPI, alg: str) -> None:
        if alg.startswith("HS"):
            token = jwt.encode({"server": True}, raw.app.api_secret, algorithm=alg)
        else:
            token = f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64({'server': True})}." + ("" if alg == "none" else "c2ln")
        assert status_code(get(raw, token)) == (401, 5)

    def test_token_without_server_or_user_claim(self, raw: RawAPI) -> None:
        assert status_code(get(raw, jwt.encode({"foo": 1}, raw.app.api_secret, algorithm="HS256"))) == (401, 5)
        assert status_code(get(raw, jwt.encode({"user_id": ""}, raw.app.api_secret, algorithm="HS256"))) == (401, 5)
        assert status_code(get(raw, jwt.encode({"server": "true"}, raw.app.api_secret, algorithm="HS256"))) == (401, 5)

    def test_user_token_authenticates_as_that_user(self, raw: RawAPI, chat_app: ChatApp, ann: str) -> None:
        assert get(raw, raw.user_token("ann")).status_code == 200
        record = chat_app.requests.list()[-1]
        assert (record.user_id, record.platform) == ("ann", "web")

    def test_user_tokens_lack_server_authority(self, raw: RawAPI, ann: str) -> None:
        response = raw.request("POST", "/users/bob/event", json={"event": {"type": "poke"}}, token=raw.user_token("ann"))
        assert status_code(response) == (403, 17)

    def test_anonymous_sessions_only_read(self, raw: RawAPI, ann: str) -> None:
        assert raw.request("GET", "/users", params=QUERY, headers={"stream-auth-type": "anonymous", "Authorization": ""}).status_code == 200
        response = raw.request("POST", "/users", json={"users": {}}, headers={"stream-auth-type": "anonymous", "Authorization": ""})
        assert status_code(response) == (403, 17)


class TestTimeClaims:
    def test_expiry_follows_the_fake_clock(self, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        token = raw.user_token("ann", exp=epoch(T0) + 30)
        assert get(raw, token).status_code == 200
        frozen.advance(29)
        assert get(raw, token).status_code == 200
        frozen.advance(1)  # exp == now: expired (no leeway for exp)
        assert status_code(get(raw, token)) == (401, 40)

    def test_expired_token(self, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        assert status_code(get(raw, raw.user_token("ann", exp=epoch(T0) - 1))) == (401, 40)

    def test_not_before(self, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        token = raw.user_token("ann", nbf=epoch(T0) + 10)
        assert status_code(get(raw, token)) == (401, 41)
        assert get(raw, raw.user_token("ann", nbf=epoch(T0) + 5)).status_code == 200  # 5 s leeway
        frozen.advance(5)
        assert get(raw, token).status_code == 200

    def test_issued_in_the_future(self, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        token = raw.user_token("ann", iat=epoch(T0) + 6)
        assert status_code(get(raw, token)) == (401, 42)
        assert get(raw, raw.user_token("ann", iat=epoch(T0) + 5)).status_code == 200
        frozen.advance(1)
        assert get(raw, token).status_code == 200

    def test_check_order_expiry_before_issue_time(self, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        token = raw.user_token("ann", exp=epoch(T0) - 1, iat=epoch(T0) + 60, nbf=epoch(T0) + 60)
        assert status_code(get(raw, token)) == (401, 40)


class TestRevocation:
    def test_app_level(self, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        old = raw.user_token("ann", iat=epoch(T0) - 1)
        no_iat = raw.user_token("ann")
        fresh = raw.user_token("ann", iat=epoch(T0))
        frozen.settings["revoke_tokens_issued_before"] = T0
        response = get(raw, old)
        assert status_code(response) == (401, 40)
        assert "revoked" in response.json()["message"]
        assert status_code(get(raw, no_iat)) == (401, 40)
        assert get(raw, fresh).status_code == 200  # strict "<": iat == T is accepted
        assert get(raw).status_code == 200  # server tokens are never revoked
        frozen.settings["revoke_tokens_issued_before"] = None
        assert get(raw, old).status_code == 200 and get(raw, no_iat).status_code == 200

    def test_per_user_through_partial_update(self, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        old = raw.user_token("ann", iat=epoch(T0) - 1)
        no_iat = raw.user_token("ann")
        other = raw.user_token("bob")
        body = {"users": [{"id": "ann", "set": {"revoke_tokens_issued_before": "2024-12-07T10:00:00"}}]}
        assert raw.request("PATCH", "/users", json=body).status_code == 200
        assert status_code(get(raw, old)) == (401, 40)
        assert status_code(get(raw, no_iat)) == (401, 40)
        assert get(raw, other).status_code == 200
        assert get(raw, raw.user_token("ann", iat=epoch(T0) + 1)).status_code == 200
        clear = {"users": [{"id": "ann", "set": {"revoke_tokens_issued_before": None}}]}
        assert raw.request("PATCH", "/users", json=clear).status_code == 200
        assert get(raw, old).status_code == 200 and get(raw, no_iat).status_code == 200

    def test_unset_also_clears(self, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        raw.request("PATCH", "/users", json={"users": [{"id": "ann", "set": {"revoke_tokens_issued_before": "2024-12-07T10:00:00Z"}}]})
        raw.request("PATCH", "/users", json={"users": [{"id": "ann", "unset": ["revoke_tokens_issued_before"]}]})
        assert get(raw, raw.user_token("ann")).status_code == 200

    def test_both_levels_apply(self, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        token = raw.user_token("ann", iat=epoch(T0) + 1)
        frozen.settings["revoke_tokens_issued_before"] = T0
        raw.request("PATCH", "/users", json={"users": [{"id": "ann", "set": {"revoke_tokens_issued_before": "2024-12-07T10:00:05Z"}}]})
        assert status_code(get(raw, token)) == (401, 40)

    def test_server_token_can_undo_an_app_revocation_in_the_future(self, raw: RawAPI, frozen: ChatApp) -> None:
        frozen.settings["revoke_tokens_issued_before"] = T0 + timedelta(days=365)
        assert get(raw).status_code == 200


class TestDevTokens:
    def dev_token(self, claims: dict[str, Any]) -> str:
        return f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims)}.devtoken"

    def test_disable_auth_checks_accepts_dev_tokens_for_users(self, raw: RawAPI, chat_app: ChatApp, ann: str) -> None:
        chat_app.settings["disable_auth_checks"] = True
        assert get(raw, self.dev_token({"user_id": "ann"})).status_code == 200
        assert chat_app.requests.list()[-1].user_id == "ann"
        # Unchecked signatures are accepted for users too while the setting is on.
        assert get(raw, jwt.encode({"user_id": "ann"}, "whatever-secret-" * 3, algorithm="HS256")).status_code == 200

    def test_dev_tokens_never_carry_server_authority(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.settings["disable_auth_checks"] = True
        assert status_code(get(raw, self.dev_token({"server": True}))) == (401, 43)
        assert status_code(get(raw, jwt.encode({"server": True}, "whatever-secret-" * 3, algorithm="HS256"))) == (401, 43)

    def test_time_claims_still_apply_to_dev_tokens(self, raw: RawAPI, frozen: ChatApp, ann: str) -> None:
        frozen.settings["disable_auth_checks"] = True
        assert status_code(get(raw, self.dev_token({"user_id": "ann", "exp": epoch(T0) - 1}))) == (401, 40)

    def test_dev_tokens_are_rejected_while_checks_are_on(self, raw: RawAPI, ann: str) -> None:
        assert status_code(get(raw, self.dev_token({"user_id": "ann"}))) == (401, 43)


class TestUserState:
    """Tokens of users who may no longer authenticate (endpoints-users-app §1.4, §1.7)."""

    def test_soft_deleted_user_cannot_authenticate(self, raw: RawAPI, ann: str) -> None:
        raw.request("DELETE", "/users/ann")
        assert get(raw, raw.user_token("ann")).status_code == 401

    def test_deactivated_user_cannot_authenticate(self, raw: RawAPI, ann: str) -> None:
        raw.request("POST", "/users/ann/deactivate", json={})
        assert get(raw, raw.user_token("ann")).status_code == 401

    def test_expired_server_token_is_rejected(self, raw: RawAPI, frozen: ChatApp) -> None:
        token = jwt.encode({"server": True, "exp": epoch(T0) - 1}, raw.app.api_secret, algorithm="HS256")
        assert status_code(get(raw, token)) == (401, 40)

    def test_restored_user_authenticates_again(self, raw: RawAPI, ann: str) -> None:
        raw.request("DELETE", "/users/ann")
        raw.request("POST", "/users/restore", json={"user_ids": ["ann"]})
        assert get(raw, raw.user_token("ann")).status_code == 200
