"""Outbound integrations of an app: webhooks, SQS/SNS queues, before-send and command hooks
(endpoints-moderation-tasks §8, conventions §2.5).

``Outbound`` is created once per app and survives ``ChatApp.reset()`` (which calls
:meth:`Outbound.reset`). It subscribes to the app's event log:

- every event of the webhook catalogue (§8.4) that the app's settings ask for is signed and
  queued for delivery to ``webhook_url`` by a background worker (never in the request that
  caused it), with the retries of §8.2; deliveries are recorded (:meth:`deliveries`) and
  :meth:`flush` waits for them;
- with ``sqs_url`` / ``sns_topic_arn`` set, the same events land in in-memory queues
  (:meth:`queue_messages`) — the fake never talks to AWS.

The chat core calls :meth:`before_send` and :meth:`run_custom_command` synchronously while
sending a message. They only read settings and credentials and record the call, so they
are safe to call with or without the app lock; because they wait for a remote answer (up
to ``hook_timeout`` seconds), callers should not hold the app lock while calling them when
they can avoid it.

The HTTP work is done by a :class:`~fake_server.domain.outbound_model.Sender`; by default
the httpx sender of ``fake_server.delivery`` (imported lazily, so the domain itself never
imports an HTTP library). Inject another one with :meth:`set_sender`.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import quote

from fake_server import jsonio
from fake_server.domain.errors import APIError, input_error
from fake_server.domain.events import Event
from fake_server.domain.ids import new_id
from fake_server.domain.outbound_hooks import InvalidAnswer, parse_answer, split_command
from fake_server.domain.outbound_model import (
    Attempt,
    Delivery,
    HookCall,
    HookVerdict,
    QueueMessage,
    Sender,
    SendResult,
)
from fake_server.domain.outbound_targets import in_catalogue, targets_from_settings
from fake_server.domain.outbound_worker import DeliveryWorker, RetryPolicy

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

logger = logging.getLogger("fake_server.outbound")

MAX_QUEUE_MESSAGE_BYTES: Final = 256 * 1024  # SQS/SNS drop larger messages (§8.5)
MAX_RECORDS: Final = 10_000  # per kind of record, oldest forgotten first
HOOK_TIMEOUT: Final = 1.0  # before-send hook and custom command handler (§8.6, §8.7)
USER_AGENT: Final = "stream-chat-fake-webhooks/1.0"


def sign(secret: str, body: bytes) -> str:
    """``X-Signature``: lower-case hex HMAC-SHA256 of the exact body, keyed with the secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode_event(event: dict[str, Any]) -> bytes:
    return jsonio.dumps_to_keep(event)


class Outbound:
    def __init__(self, app: ChatApp, sender: Sender | None = None) -> None:
        self._app = app
        self._sender = sender
        self._lock = threading.Lock()
        self._generation = 0
        self._deliveries: deque[Delivery] = deque(maxlen=MAX_RECORDS)
        self._queues: deque[QueueMessage] = deque(maxlen=MAX_RECORDS)
        self._hook_calls: deque[HookCall] = deque(maxlen=MAX_RECORDS)
        self._dropped: list[dict[str, Any]] = []
        self._local = threading.local()
        #: Switch for tests and the control plane: False = events are not delivered anywhere.
        self.enabled = True
        self.policy = RetryPolicy()
        self.hook_timeout = HOOK_TIMEOUT
        self._worker: DeliveryWorker[Delivery] = DeliveryWorker(
            self._perform, name=f"stream-fake-webhooks-{app.api_key}"
        )
        self._unsubscribe = app.events.subscribe(self._on_event)

    # -- configuration -------------------------------------------------------------------------

    def set_sender(self, sender: Sender | None) -> None:
        """Use ``sender`` for every outbound request (None = the default httpx sender)."""
        self._sender = sender

    def _get_sender(self) -> Sender:
        if self._sender is None:
            from fake_server.delivery import default_sender

            self._sender = default_sender()
        return self._sender

    def reset(self) -> None:
        """Forget deliveries, queue messages and hook calls (the app was reset). Deliveries
        still waiting in the worker are discarded."""
        with self._lock:
            self._generation += 1
            self._deliveries.clear()
            self._queues.clear()
            self._hook_calls.clear()
            self._dropped.clear()
        self.enabled = True
        self.policy = RetryPolicy()
        self.hook_timeout = HOOK_TIMEOUT

    def close(self) -> None:
        """Stop listening to the app's events (the app is going away)."""
        self._unsubscribe()

    @contextlib.contextmanager
    def suppressed(self) -> Iterator[None]:
        """Events emitted by this thread inside the block go nowhere (campaign ``skip_webhook``)."""
        depth: int = getattr(self._local, "suppressed", 0)
        self._local.suppressed = depth + 1
        try:
            yield
        finally:
            self._local.suppressed = depth

    def _suppressed_here(self) -> bool:
        depth: int = getattr(self._local, "suppressed", 0)
        return depth > 0

    # -- events → webhooks and queues ----------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if not self.enabled:
            return
        configured = targets_from_settings(self._app.settings)
        if not configured or self._suppressed_here():
            return  # the common case first: nothing to deliver to
        event_type = event.get("type")
        if not isinstance(event_type, str) or not in_catalogue(event_type):
            return
        targets = [t for t in configured if t.wants(event_type)]
        if not targets:
            return
        body = encode_event(self._app.chat.enrich_webhook_event(event))
        now = self._app.clock.peek()
        for target in targets:
            if target.kind == "webhook":
                self._queue_webhook(target.address, event_type, body)
                continue
            if len(body) > MAX_QUEUE_MESSAGE_BYTES:
                with self._lock:
                    self._dropped.append(
                        {"kind": target.kind, "target": target.address, "event_type": event_type, "size": len(body)}
                    )
                continue
            text = body.decode("utf-8")
            message = QueueMessage(
                kind=target.kind,
                target=target.address,
                message_id=new_id(),
                event_type=event_type,
                body=text,
                md5_of_body=hashlib.md5(body).hexdigest(),
                sent_at=now,
            )
            with self._lock:
                self._queues.append(message)

    def _signed_headers(self, body: bytes) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Signature": sign(self._app.api_secret, body),
            "X-Api-Key": self._app.api_key,
            "X-Webhook-Id": new_id(),
        }

    def _queue_webhook(self, url: str, event_type: str, body: bytes) -> None:
        headers = self._signed_headers(body)
        delivery = Delivery(
            id=headers["X-Webhook-Id"],
            url=url,
            event_type=event_type,
            body=body,
            headers=headers,
            created_at=self._app.clock.peek(),
        )
        with self._lock:
            delivery.generation = self._generation
            self._deliveries.append(delivery)
        self._worker.submit(delivery)

    def _perform(self, delivery: Delivery) -> None:
        """Runs on the worker thread: the attempts of one delivery (§8.2)."""
        with self._lock:
            if delivery.generation != self._generation:
                delivery.status = "discarded"
                return
        policy = self.policy
        sender = self._get_sender()
        started = time.monotonic()
        number = 0
        while True:
            number += 1
            remaining = policy.total_budget - (time.monotonic() - started)
            timeout = max(min(policy.timeout, remaining), 0.001)
            headers = {**delivery.headers, "X-Webhook-Attempt": str(number)}
            began = self._app.clock.peek()
            result = _safe_post(sender, delivery.url, delivery.body, headers, timeout)
            attempt = Attempt(
                number=number,
                started_at=began,
                finished_at=self._app.clock.peek(),
                status_code=result.status,
                error=result.error,
                timed_out=result.timed_out,
                response_body=result.body,
            )
            with self._lock:
                delivery.attempts.append(attempt)
            if result.ok:
                self._finish(delivery, "delivered", None)
                return
            out_of_time = time.monotonic() - started >= policy.total_budget
            if number >= policy.attempts_allowed(result) or out_of_time:
                self._finish(delivery, "failed", _describe(result))
                return
            if not self._worker.pause(policy.backoff * number):
                self._finish(delivery, "failed", "delivery stopped")
                return

    def _finish(self, delivery: Delivery, status: Literal["delivered", "failed"], error: str | None) -> None:
        with self._lock:
            delivery.status = status
            delivery.error = error
            delivery.finished_at = self._app.clock.peek()

    # -- reading what went out -----------------------------------------------------------------

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Run due scheduled campaigns, then block until every webhook delivery queued so far
        is finished (delivered or failed after its retries). False when ``timeout`` passed."""
        with self._app.lock:
            self._app.campaigns.tick()
        return self._worker.flush(timeout)

    @property
    def pending(self) -> int:
        return self._worker.pending

    def deliveries(self, *, event_type: str | None = None, url: str | None = None) -> list[Delivery]:
        """Snapshots of the webhook deliveries, oldest first."""
        with self._lock:
            found = [
                replace(d, attempts=list(d.attempts), headers=dict(d.headers))
                for d in self._deliveries
                if (event_type is None or d.event_type == event_type) and (url is None or d.url == url)
            ]
        return found

    def queue_messages(
        self, kind: Literal["sqs", "sns"] | None = None, target: str | None = None
    ) -> list[QueueMessage]:
        """Events that went to SQS queues / SNS topics, oldest first."""
        with self._lock:
            return [
                m
                for m in self._queues
                if (kind is None or m.kind == kind) and (target is None or m.target == target)
            ]

    def sqs_messages(self, queue_url: str | None = None) -> list[QueueMessage]:
        return self.queue_messages("sqs", queue_url)

    def sns_messages(self, topic_arn: str | None = None) -> list[QueueMessage]:
        return self.queue_messages("sns", topic_arn)

    def dropped_messages(self) -> list[dict[str, Any]]:
        """Queue messages dropped for exceeding 256 KB."""
        with self._lock:
            return [dict(item) for item in self._dropped]

    def hook_calls(self) -> list[HookCall]:
        with self._lock:
            return list(self._hook_calls)

    def clear(self, *, deliveries: bool = True, queues: bool = True, hooks: bool = True) -> None:
        with self._lock:
            if deliveries:
                self._deliveries.clear()
            if queues:
                self._queues.clear()
                self._dropped.clear()
            if hooks:
                self._hook_calls.clear()

    # -- synchronous hooks called by the chat core ---------------------------------------------

    def before_send(
        self,
        message: dict[str, Any],
        user: dict[str, Any],
        channel: dict[str, Any],
        *,
        request_info: dict[str, Any] | None = None,
    ) -> HookVerdict:
        """Ask ``before_message_send_hook_url`` about a message about to be stored (§8.6).

        ``message`` is the message as submitted (its ``id`` may be empty), ``user`` the
        author (User), ``channel`` the ChannelResponse with ``config``. Without a configured
        URL → ``HookVerdict("keep", called=False)``. The call is signed like a webhook and
        times out after ``hook_timeout`` (1 s); a timeout, network error, non-2xx answer or
        unreadable body keeps the message unchanged (fail-open: ``failed=True``, ``detail``
        set — the chat core may then set ``before_message_send_failed: true`` on it). No
        retries. Never raises.
        """
        url = _setting(self._app.settings, "before_message_send_hook_url")
        if not url:
            return HookVerdict("keep", called=False)
        document: dict[str, Any] = {"message": message, "user": user, "channel": channel}
        if request_info:
            document["request_info"] = request_info
        body = encode_event(document)
        headers = {**self._signed_headers(body), "X-Webhook-Attempt": "1"}
        result = _safe_post(self._get_sender(), url, body, headers, self.hook_timeout)
        if not result.ok:
            verdict = HookVerdict("keep", failed=True, detail=_describe(result))
        else:
            try:
                verdict = parse_answer(result.body)
            except InvalidAnswer as exc:
                verdict = HookVerdict("keep", failed=True, detail=str(exc))
        self._record_hook("before_message_send", url, body, headers, result, verdict)
        return verdict

    def run_custom_command(
        self,
        message: dict[str, Any],
        user: dict[str, Any],
        form_data: dict[str, Any] | None = None,
        *,
        channel: dict[str, Any] | None = None,
        command: str | None = None,
    ) -> HookVerdict:
        """Call the custom command handler for a message whose text is ``/<command> args``
        (§8.7); ``form_data`` carries attachment-action values (``run_message_action``).

        The URL is ``custom_action_handler_url`` with ``{type}`` replaced by the command name;
        the body is ``{"message": {..., "command", "args"}, "user", "form_data"?,
        "channel"?}``, signed like a webhook, 1 s timeout. Answers: as for
        :meth:`before_send` (keep / rewrite / reject).

        Raises ``APIError`` 400/44 when no handler URL is configured and 400/45 when the
        handler fails (network error, non-2xx answer, body that is not a JSON object). A
        timeout fails open (keep, ``failed=True``) — the recommendation of §10 item 14.
        """
        name = command or (message.get("command") if isinstance(message.get("command"), str) else None)
        parsed = split_command(message.get("text"))
        if not name:
            if parsed is None:
                raise input_error("the message is not a command: its text must start with /<command>")
            name = parsed[0]
        args = message.get("args")
        if not isinstance(args, str):
            args = parsed[1] if parsed is not None and parsed[0] == name else ""
        template = _setting(self._app.settings, "custom_action_handler_url")
        if not template:
            raise APIError(
                400,
                44,
                f'custom command "{name}" cannot run: the app has no custom_action_handler_url',
            )
        url = template.replace("{type}", quote(name, safe=""))
        document: dict[str, Any] = {"message": {**message, "command": name, "args": args}, "user": user}
        if form_data is not None:
            document["form_data"] = form_data
        if channel is not None:
            document["channel"] = channel
        body = encode_event(document)
        headers = {**self._signed_headers(body), "X-Webhook-Attempt": "1"}
        result = _safe_post(self._get_sender(), url, body, headers, self.hook_timeout)
        failure: str | None = None
        if result.timed_out:
            verdict = HookVerdict("keep", failed=True, detail=_describe(result))
        elif not result.ok:
            failure = _describe(result)
            verdict = HookVerdict("keep", failed=True, detail=failure)
        else:
            try:
                verdict = parse_answer(result.body)
            except InvalidAnswer as exc:
                failure = str(exc)
                verdict = HookVerdict("keep", failed=True, detail=failure)
        self._record_hook("custom_command", url, body, headers, result, verdict)
        if failure is not None:
            raise APIError(400, 45, f'custom command "{name}" handler failed: {failure}')
        return verdict

    def _record_hook(
        self,
        kind: Literal["before_message_send", "custom_command"],
        url: str,
        body: bytes,
        headers: dict[str, str],
        result: SendResult,
        verdict: HookVerdict,
    ) -> None:
        call = HookCall(
            kind=kind,
            url=url,
            request_body=body,
            headers=headers,
            at=self._app.clock.peek(),
            status_code=result.status,
            response_body=result.body,
            error=result.error,
            timed_out=result.timed_out,
            action=verdict.action if not verdict.failed else f"{verdict.action} (failed open)",
        )
        with self._lock:
            self._hook_calls.append(call)


def _setting(settings: dict[str, Any], key: str) -> str:
    value = settings.get(key)
    return value.strip() if isinstance(value, str) else ""


def _safe_post(sender: Sender, url: str, body: bytes, headers: dict[str, str], timeout: float) -> SendResult:
    try:
        return sender.post(url, body, headers, timeout)
    except Exception as exc:  # a sender must not raise; treat it as a network error
        logger.exception("outbound sender raised")
        return SendResult(status=None, error=f"{type(exc).__name__}: {exc}")


def _describe(result: SendResult) -> str:
    if result.timed_out:
        return f"timeout: {result.error or 'no answer in time'}"
    if result.status is None:
        return f"network error: {result.error or 'unknown'}"
    return f"HTTP {result.status}"
