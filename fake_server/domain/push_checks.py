"""POST /check_push, /check_sqs, /check_sns (moderation §7, users-app §2.7-§2.8).

Nothing here contacts a push provider or AWS. check_push renders what would be sent and reports
configuration problems; check_sqs/check_sns validate the target and then answer with the error
a check with unusable credentials gives, unless ``app.push.aws_checks_succeed`` is set.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from fake_server.domain import mod_chat
from fake_server.domain.devices import PROVIDER_TYPES, check_provider_type
from fake_server.domain.errors import input_error, not_found
from fake_server.domain.mod_common import acting_user_id, optional_bool, optional_string

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.chat.models import Message

EVENT_TYPES = (
    "message.new",
    "message.updated",
    "reaction.new",
    "reaction.updated",
    "notification.reminder_due",
)

# Template placeholders: {{ path }} and the triple-brace {{{ path }}} form.
_PLACEHOLDER = re.compile(r"\{\{\{?\s*([\w.]+)\s*\}?\}\}")

SQS_URL = re.compile(r"^https://sqs\.[a-z0-9-]+\.amazonaws\.com/\d+/[\w-]{1,80}(\.fifo)?$")
SNS_ARN = re.compile(r"^arn:aws:sns:[a-z0-9-]+:\d+:[\w-]{1,256}(\.fifo)?$")


def _template(body: dict[str, Any], *names: str) -> str | None:
    """The first template given under any of ``names`` (the docs and the SDK name them
    differently, §7.1: accept both)."""
    for name in names:
        value = optional_string(body, name)
        if value is not None:
            return value
    return None


def _render_template(template: str, variables: dict[str, str]) -> str:
    """Substitute ``{{ message.text }}``, ``{{ sender.name }}``, ``{{ channel.name }}`` and the
    other variables below. Templates are JSON documents, so values are escaped for a JSON
    string context; unknown placeholders render empty (as in Handlebars)."""

    def substitute(match: re.Match[str]) -> str:
        value = variables.get(match.group(1), "")
        return json.dumps(value, ensure_ascii=False)[1:-1]

    return _PLACEHOLDER.sub(substitute, template)


def _variables(app: ChatApp, message: Message, receiver_id: str) -> dict[str, str]:
    sender = app.users.get(message.user_id)
    sender_name = (sender.name if sender is not None else None) or message.user_id
    receiver = app.users.get(receiver_id)
    receiver_name = (receiver.name if receiver is not None else None) or receiver_id
    channel_type, _, channel_id = message.cid.partition(":")
    return {
        "message.text": message.text,
        "message.id": message.id,
        "message.type": message.type,
        "sender.id": message.user_id,
        "sender.name": sender_name,
        "receiver.id": receiver_id,
        "receiver.name": receiver_name,
        "channel.name": mod_chat.channel_name(app, message.cid),
        "channel.id": channel_id,
        "channel.type": channel_type,
        "channel.cid": message.cid,
    }


def check_push(app: ChatApp, body: dict[str, Any]) -> dict[str, Any]:
    user_id = acting_user_id(body, None)
    assert user_id is not None
    # §7.1 Fake: the user is a body reference, so an unknown user is 400/4.
    app.users.require_reference(user_id, field="user_id")
    skip_devices = optional_bool(body, "skip_devices")
    event_type = optional_string(body, "event_type") or "message.new"
    if event_type not in EVENT_TYPES:
        raise input_error(
            f'event_type "{event_type}" is invalid: use one of {", ".join(EVENT_TYPES)}',
            event_type="invalid",
        )
    provider_type_raw = body.get("push_provider_type")
    provider_type = (
        check_provider_type(provider_type_raw, "push_provider_type") if provider_type_raw else None
    )
    provider_name = optional_string(body, "push_provider_name") or None
    apn_template = _template(body, "apn_template", "apn_notification_template")
    firebase_template = _template(body, "firebase_template", "firebase_notification_template")
    firebase_data_template = _template(body, "firebase_data_template")

    message_id = optional_string(body, "message_id")
    message: Message | None
    if message_id:
        message = app.chat.get_message(message_id)
        if message is None:
            raise not_found(f"message {message_id} does not exist")
    else:
        # The service picks "a random message" (§7.1); the newest keeps answers deterministic.
        message = app.chat.latest_message_for(user_id)
        if message is None:
            raise input_error(
                f"user {user_id} has no message to render: pass message_id or add the user to a channel with messages"
            )

    channel_type, _, channel_id = message.cid.partition(":")
    rendered_message = {
        "sender": "stream.chat",
        "type": event_type,
        "version": "v2",
        "message_id": message.id,
        "id": message.id,
        "channel_type": channel_type,
        "channel_id": channel_id,
        "cid": message.cid,
    }
    result: dict[str, Any] = {
        "rendered_message": rendered_message,
        "skip_devices": skip_devices,
        "event_type": event_type,
    }
    variables = _variables(app, message, user_id)
    if apn_template is not None:
        result["rendered_apn_template"] = _render_template(apn_template, variables)
    firebase = firebase_template if firebase_template is not None else firebase_data_template
    if firebase is not None:
        result["rendered_firebase_template"] = _render_template(firebase, variables)

    general_errors: list[str] = []
    device_errors: dict[str, dict[str, str]] = {}
    if not skip_devices:
        _check_devices(app, user_id, provider_type, provider_name, general_errors, device_errors)
    result["general_errors"] = general_errors
    result["device_errors"] = device_errors
    return result


def _check_devices(
    app: ChatApp,
    user_id: str,
    provider_type: str | None,
    provider_name: str | None,
    general_errors: list[str],
    device_errors: dict[str, dict[str, str]],
) -> None:
    """Report what would stop a push reaching the user's devices (§7.1: problems go to
    ``general_errors``/``device_errors``, never to the HTTP status)."""
    push = app.push
    if provider_name is not None:
        named = [p for p in push.provider_records() if p.name == provider_name and (provider_type in (None, p.type))]
        if not named:
            general_errors.append(f'push provider "{provider_name}" is not configured')
            return
        if not any(p.enabled for p in named):
            general_errors.append(f'push provider "{provider_name}" is disabled')
            return
    elif provider_type is not None and not push.type_configured(provider_type):
        general_errors.append(f"no {provider_type} push provider is configured")
        return
    elif not any(push.type_configured(t) for t in PROVIDER_TYPES):
        general_errors.append("no push provider is configured for this app")
        return
    devices = push.list_devices(user_id)
    if provider_type is not None:
        devices = [d for d in devices if d.push_provider == provider_type]
    if provider_name is not None:
        devices = [d for d in devices if d.push_provider_name in (None, provider_name)]
    devices = [d for d in devices if not d.disabled]
    if not devices:
        general_errors.append(f"user {user_id} has no enabled devices")
        return
    for device in devices:
        name = provider_name or device.push_provider_name
        if not push.type_configured(device.push_provider, name):
            device_errors[device.id] = {
                "provider": device.push_provider,
                "provider_name": name or "",
                "error_message": (
                    f'push provider "{name}" ({device.push_provider}) is not configured or disabled'
                    if name
                    else f"no {device.push_provider} push provider is configured"
                ),
            }


# -- SQS / SNS ------------------------------------------------------------------------------------


def _setting(app: ChatApp, body: dict[str, Any], key: str) -> str:
    """The request value, or the app's stored setting when the request sends null (§7.2)."""
    value = optional_string(body, key)
    if value is None:
        stored = app.settings.get(key)
        value = stored if isinstance(stored, str) else ""
    return value


def check_sqs(app: ChatApp, body: dict[str, Any]) -> dict[str, Any]:
    url = _setting(app, body, "sqs_url")
    _setting(app, body, "sqs_key")
    _setting(app, body, "sqs_secret")
    if not SQS_URL.match(url):
        # §7.2: what the service answers for e.g. https://foo.com/bar.
        detail = "sqs_url is empty" if not url else f'"{url}" is not an SQS queue URL'
        return {"status": "error", "error": f"invalid SQS url: {detail}"}
    if app.push.aws_checks_succeed:
        return {"status": "ok"}
    return {
        "status": "error",
        "error": "failed to send a test message to the SQS queue: the queue could not be reached with the given credentials",
    }


def check_sns(app: ChatApp, body: dict[str, Any]) -> dict[str, Any]:
    arn = _setting(app, body, "sns_topic_arn")
    _setting(app, body, "sns_key")
    _setting(app, body, "sns_secret")
    if not SNS_ARN.match(arn):
        detail = "sns_topic_arn is empty" if not arn else f'"{arn}" is not an SNS topic ARN'
        return {"status": "error", "error": f"invalid SNS topic ARN: {detail}"}
    if app.push.aws_checks_succeed:
        return {"status": "ok"}
    # §7.3: with a valid ARN and unusable credentials the text contains this sentence.
    return {"status": "error", "error": "publishing the message failed."}
