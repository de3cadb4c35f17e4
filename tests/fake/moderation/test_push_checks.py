"""POST /check_push, /check_sqs, /check_sns (moderation §7)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fake_server import ChatApp
from stream_chat.base.exceptions import StreamAPIException
from tests.conftest import RawAPI, status_code
from tests.fake.moderation.conftest import World, ok

CID = "messaging:general"


@pytest.fixture
def message_id(world: World) -> str:
    world.users("alice", "bob", alice="Alice \"A\" Smith")
    world.channel(CID, ["alice", "bob"], created_by="alice", name="General")
    return world.message(CID, "alice", 'say "hi"')


def expected_payload(message_id: str, event_type: str = "message.new") -> dict[str, str]:
    return {
        "sender": "stream.chat",
        "type": event_type,
        "version": "v2",
        "message_id": message_id,
        "id": message_id,
        "channel_type": "messaging",
        "channel_id": "general",
        "cid": CID,
    }


def check(raw: RawAPI, **body: Any) -> dict[str, Any]:
    return ok(raw.request("POST", "/check_push", json=body))


class TestCheckPush:
    def test_render_only(self, client: Any, message_id: str) -> None:
        response = client.check_push({"message_id": message_id, "skip_devices": True, "user_id": "bob"})
        assert response.status_code() == 200
        assert response["rendered_message"] == expected_payload(message_id)
        assert response["skip_devices"] is True
        assert response["general_errors"] == []
        assert response["device_errors"] == {}
        assert response["event_type"] == "message.new"
        assert "rendered_apn_template" not in response

    def test_templates_are_rendered(self, client: Any, message_id: str) -> None:
        apn = '{"aps": {"alert": {"title": "{{ sender.name }} in {{channel.name}}", "body": "{{ message.text }}"}}}'
        firebase = '{"title": "{{ sender.name }}", "body": "{{ message.text }}", "x": "{{ unknown.thing }}"}'
        response = client.check_push(
            {"message_id": message_id, "skip_devices": True, "user_id": "bob", "apn_template": apn, "firebase_template": firebase}
        )
        rendered_apn = json.loads(response["rendered_apn_template"])
        assert rendered_apn == {"aps": {"alert": {"title": 'Alice "A" Smith in General', "body": 'say "hi"'}}}
        assert json.loads(response["rendered_firebase_template"]) == {"title": 'Alice "A" Smith', "body": 'say "hi"', "x": ""}

    def test_documented_template_names(self, raw: RawAPI, message_id: str) -> None:
        body = check(
            raw,
            message_id=message_id,
            skip_devices=True,
            user_id="bob",
            apn_notification_template="{{ message.text }}",
            firebase_notification_template="{{ channel.name }}",
        )
        assert body["rendered_apn_template"] == 'say \\"hi\\"'
        assert body["rendered_firebase_template"] == "General"

    def test_firebase_data_template(self, raw: RawAPI, message_id: str) -> None:
        body = check(raw, message_id=message_id, skip_devices=True, user_id="bob", firebase_data_template='{"id": "{{ message.id }}"}')
        assert json.loads(body["rendered_firebase_template"]) == {"id": message_id}

    def test_event_type(self, raw: RawAPI, message_id: str) -> None:
        body = check(raw, message_id=message_id, skip_devices=True, user_id="bob", event_type="reaction.new")
        assert body["rendered_message"] == expected_payload(message_id, "reaction.new")
        assert body["event_type"] == "reaction.new"

    def test_without_message_id_uses_a_message_of_the_user(self, raw: RawAPI, world: World, message_id: str) -> None:
        newer = world.message(CID, "bob", "newest")
        body = check(raw, skip_devices=True, user_id="alice")
        assert body["rendered_message"]["message_id"] == newer

    @pytest.mark.asyncio
    async def test_async(self, aclient: Any, message_id: str) -> None:
        response = await aclient.check_push({"message_id": message_id, "skip_devices": True, "user_id": "bob"})
        assert response["rendered_message"] == expected_payload(message_id)


class TestDeliveryChecks:
    def test_no_provider_configured(self, raw: RawAPI, message_id: str) -> None:
        body = check(raw, message_id=message_id, user_id="bob")
        assert body["skip_devices"] is False
        assert body["general_errors"] == ["no push provider is configured for this app"]
        assert body["device_errors"] == {}
        assert body["rendered_message"] == expected_payload(message_id)

    def test_user_without_devices(self, raw: RawAPI, chat_app: ChatApp, message_id: str) -> None:
        ok(raw.request("POST", "/push_providers", json={"push_provider": {"name": "fcm", "type": "firebase"}}))
        body = check(raw, message_id=message_id, user_id="bob")
        assert body["general_errors"] == ["user bob has no enabled devices"]

    def test_devices_of_configured_and_missing_providers(self, raw: RawAPI, message_id: str) -> None:
        ok(raw.request("POST", "/push_providers", json={"push_provider": {"name": "fcm", "type": "firebase"}}))
        ok(raw.request("POST", "/devices", json={"id": "android-1", "push_provider": "firebase", "user_id": "bob"}))
        ok(raw.request("POST", "/devices", json={"id": "iphone-1", "push_provider": "apn", "user_id": "bob"}))
        body = check(raw, message_id=message_id, user_id="bob")
        assert body["general_errors"] == []
        assert body["device_errors"] == {
            "iphone-1": {"provider": "apn", "provider_name": "", "error_message": "no apn push provider is configured"}
        }
        only_firebase = check(raw, message_id=message_id, user_id="bob", push_provider_type="firebase")
        assert only_firebase["device_errors"] == {}
        assert only_firebase["general_errors"] == []
        apn = check(raw, message_id=message_id, user_id="bob", push_provider_type="apn")
        assert apn["general_errors"] == ["no apn push provider is configured"]

    def test_named_provider(self, raw: RawAPI, message_id: str) -> None:
        ok(raw.request("POST", "/push_providers", json={"push_provider": {"name": "ios", "type": "apn"}}))
        ok(raw.request("POST", "/devices", json={"id": "iphone", "push_provider": "apn", "push_provider_name": "ios", "user_id": "bob"}))
        good = check(raw, message_id=message_id, user_id="bob", push_provider_type="apn", push_provider_name="ios")
        assert (good["general_errors"], good["device_errors"]) == ([], {})
        missing = check(raw, message_id=message_id, user_id="bob", push_provider_name="android")
        assert missing["general_errors"] == ['push provider "android" is not configured']
        ok(raw.request("POST", "/push_providers", json={"push_provider": {"name": "ios", "type": "apn", "disabled_at": "2024-01-01T00:00:00Z"}}))
        disabled = check(raw, message_id=message_id, user_id="bob", push_provider_name="ios")
        assert disabled["general_errors"] == ['push provider "ios" is disabled']

    def test_legacy_app_level_config_counts(self, raw: RawAPI, message_id: str) -> None:
        """Cross-area: a nameless APN config set through PATCH /app (app-settings area)."""
        ok(raw.request("POST", "/devices", json={"id": "iphone", "push_provider": "apn", "user_id": "bob"}))
        assert check(raw, message_id=message_id, user_id="bob")["general_errors"] != []
        patched = raw.request(
            "PATCH", "/app", json={"apn_config": {"auth_type": "token", "auth_key": "k", "key_id": "K", "team_id": "T", "bundle_id": "b"}}
        )
        ok(patched)
        body = check(raw, message_id=message_id, user_id="bob")
        assert (body["general_errors"], body["device_errors"]) == ([], {})


class TestCheckPushErrors:
    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ({"skip_devices": True}, (400, 4)),
            ({"user_id": "ghost", "skip_devices": True}, (400, 4)),
            ({"user_id": "bob", "message_id": "nope"}, (404, 16)),
            ({"user_id": "bob", "message_id": "MSG", "push_provider_type": "pager"}, (400, 4)),
            ({"user_id": "bob", "message_id": "MSG", "event_type": "message.deleted"}, (400, 4)),
            ({"user_id": "bob", "message_id": "MSG", "skip_devices": "often"}, (400, 4)),
            ({"user_id": "bob", "message_id": "MSG", "apn_template": 5}, (400, 4)),
        ],
    )
    def test_rejects(self, raw: RawAPI, message_id: str, body: dict[str, Any], expected: tuple[int, int]) -> None:
        if body.get("message_id") == "MSG":
            body = {**body, "message_id": message_id}
        response = raw.request("POST", "/check_push", json=body)
        assert status_code(response) == expected
        assert response.json()["message"].startswith("CheckPush failed with error:")

    def test_no_message_to_pick(self, client: Any, world: World) -> None:
        world.users("loner")
        with pytest.raises(StreamAPIException) as caught:
            client.check_push({"user_id": "loner", "skip_devices": True})
        assert (caught.value.status_code, caught.value.error_code) == (400, 4)

    def test_server_side_only(self, raw: RawAPI, message_id: str) -> None:
        token = raw.user_token("bob")
        for path in ("/check_push", "/check_sqs", "/check_sns"):
            assert status_code(raw.request("POST", path, json={"user_id": "bob"}, token=token)) == (403, 17)


SQS_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/stream-events"
SNS_ARN = "arn:aws:sns:us-east-1:123456789012:sns-topic"


class TestCheckSQS:
    def test_invalid_url(self, client: Any) -> None:
        response = client.check_sqs("key", "secret", "https://foo.com/bar")
        assert response.status_code() == 200
        assert response["status"] == "error"
        assert "invalid SQS url" in response["error"]

    def test_valid_url_fails_to_send_by_default(self, client: Any) -> None:
        response = client.check_sqs("key", "secret", SQS_URL)
        assert response["status"] == "error"
        assert "invalid SQS url" not in response["error"]
        assert "failed to send" in response["error"]

    def test_switch_makes_checks_succeed(self, client: Any, chat_app: ChatApp) -> None:
        chat_app.push.aws_checks_succeed = True
        response = client.check_sqs("key", "secret", SQS_URL)
        assert response["status"] == "ok"
        assert "error" not in response
        # Still validated.
        assert client.check_sqs("key", "secret", "https://foo.com/bar")["status"] == "error"

    def test_nulls_use_the_app_settings(self, client: Any, chat_app: ChatApp) -> None:
        assert "sqs_url is empty" in client.check_sqs()["error"]
        with chat_app.lock:
            chat_app.settings.update(sqs_url=SQS_URL, sqs_key="k", sqs_secret="s")
        chat_app.push.aws_checks_succeed = True
        assert client.check_sqs()["status"] == "ok"

    @pytest.mark.asyncio
    async def test_async(self, aclient: Any) -> None:
        response = await aclient.check_sqs("key", "secret", "https://foo.com/bar")
        assert response["status"] == "error"
        assert "invalid SQS url" in response["error"]

    def test_wrong_types(self, raw: RawAPI) -> None:
        response = raw.request("POST", "/check_sqs", json={"sqs_url": 5})
        assert status_code(response) == (400, 4)
        assert response.json()["message"].startswith("CheckSQS failed with error:")


class TestCheckSNS:
    def test_valid_arn_with_unusable_credentials(self, client: Any) -> None:
        response = client.check_sns("key", "secret", SNS_ARN)
        assert response.status_code() == 200
        assert response["status"] == "error"
        assert "publishing the message failed." in response["error"]

    def test_invalid_arn(self, client: Any) -> None:
        response = client.check_sns("key", "secret", "arn:aws:sqs:us-east-1:1:nope")
        assert response["status"] == "error"
        assert "invalid SNS topic ARN" in response["error"]

    def test_switch_and_settings(self, client: Any, chat_app: ChatApp) -> None:
        chat_app.push.aws_checks_succeed = True
        response = client.check_sns("key", "secret", SNS_ARN)
        assert (response["status"], set(response)) == ("ok", {"status", "duration"})
        assert "sns_topic_arn is empty" in client.check_sns()["error"]
        with chat_app.lock:
            chat_app.settings["sns_topic_arn"] = SNS_ARN
        assert client.check_sns()["status"] == "ok"

    @pytest.mark.asyncio
    async def test_async(self, aclient: Any) -> None:
        response = await aclient.check_sns("key", "secret", SNS_ARN)
        assert "publishing the message failed." in response["error"]

    def test_wrong_types(self, raw: RawAPI) -> None:
        response = raw.request("POST", "/check_sns", json={"sns_topic_arn": ["arn"]})
        assert status_code(response) == (400, 4)
        assert response.json()["message"].startswith("CheckSNS failed with error:")
