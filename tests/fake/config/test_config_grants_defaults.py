"""The default grants of the built-in scopes, checked against models §9.3 / endpoints §6.6."""

from __future__ import annotations

from fake_server.domain.config_permission_catalogue import BUILTIN_PERMISSIONS
from fake_server.domain.grants_defaults import (
    DEFAULT_GRANTS,
    all_default_permission_ids,
    default_grants,
)

MESSAGING_MEMBER = {
    "add-links", "create-call", "create-message", "create-attachment", "create-mention",
    "create-reaction", "flag-message", "join-call", "mute-channel", "pin-message", "read-channel",
    "read-channel-members", "remove-own-channel-membership", "run-message-action",
    "send-custom-event", "upload-attachment",
}


def test_every_scope_and_role() -> None:
    assert set(DEFAULT_GRANTS) == {".app", "messaging", "team", "livestream", "gaming", "commerce"}
    assert DEFAULT_GRANTS["team"] == DEFAULT_GRANTS["messaging"]
    assert set(DEFAULT_GRANTS["messaging"]) == {
        "admin", "moderator", "user", "channel_member", "channel_moderator", "global_admin", "global_moderator",
    }
    assert set(DEFAULT_GRANTS["livestream"]) == {
        "admin", "moderator", "user", "channel_moderator", "guest", "anonymous", "global_admin", "global_moderator",
    }
    assert "guest" in DEFAULT_GRANTS["commerce"] and "guest" not in DEFAULT_GRANTS["gaming"]


def test_app_scope() -> None:
    app = DEFAULT_GRANTS[".app"]
    assert set(app["admin"]) == set(app["moderator"]) == {
        "flag-user", "mute-user", "search-user", "update-user-owner", "read-flag-reports", "update-flag-report",
    }
    assert app["user"] == app["guest"] == ["flag-user", "mute-user", "search-user", "update-user-owner"]
    assert set(app["global_admin"]) == {
        "flag-user-any-team", "mute-user-any-team", "read-flag-reports-any-team",
        "search-user-any-team", "update-flag-report-any-team", "update-user-owner",
    }


def test_messaging_scope() -> None:
    scope = DEFAULT_GRANTS["messaging"]
    assert len(scope["admin"]) == 35
    moderator = set(scope["moderator"])
    assert {"delete-channel-owner", "recreate-channel-owner", "truncate-channel-owner"} <= moderator
    assert not {"delete-channel", "recreate-channel", "truncate-channel"} & moderator
    assert set(scope["channel_member"]) == MESSAGING_MEMBER
    assert set(scope["channel_moderator"]) - MESSAGING_MEMBER == {
        "ban-channel-member", "create-system-message", "delete-attachment", "delete-message",
        "delete-reaction", "read-message-flags", "skip-channel-cooldown", "skip-message-moderation",
        "unblock-message", "update-channel", "update-channel-cooldown", "update-channel-frozen",
        "update-channel-members", "update-message",
    }
    user = scope["user"]
    assert user[0] == "create-channel"
    assert all(pid.endswith("-owner") for pid in user[1:])
    assert len(user) == 24


def test_livestream_scope() -> None:
    scope = DEFAULT_GRANTS["livestream"]
    assert scope["admin"] == DEFAULT_GRANTS["messaging"]["admin"]
    assert not {"delete-channel", "recreate-channel", "remove-own-channel-membership", "truncate-channel",
                "update-channel", "update-channel-members"} & set(scope["moderator"])
    assert len(scope["moderator"]) == 29
    assert {"read-channel", "create-message", "create-channel"} <= set(scope["user"])
    assert scope["guest"] == ["flag-message", "join-call", "mute-channel", "read-channel", "read-channel-members"]
    assert scope["anonymous"] == ["join-call", "read-channel", "read-channel-members"]


def test_gaming_and_commerce_scopes() -> None:
    gaming, commerce = DEFAULT_GRANTS["gaming"], DEFAULT_GRANTS["commerce"]
    livestream_moderator = set(DEFAULT_GRANTS["livestream"]["moderator"])
    assert set(gaming["moderator"]) == (livestream_moderator - {"create-channel"}) | {"remove-own-channel-membership"}
    assert "create-channel" not in gaming["user"] and "create-channel" not in commerce["user"]
    assert set(commerce["user"]) - set(gaming["user"]) == {"pin-message-owner", "update-channel-members-owner"}
    assert set(gaming["channel_member"]) == set(commerce["channel_member"]) == MESSAGING_MEMBER - {"pin-message"}
    assert set(gaming["channel_moderator"]) == set(DEFAULT_GRANTS["messaging"]["channel_moderator"]) - {
        "update-channel", "update-channel-members",
    }
    assert commerce["channel_moderator"] == DEFAULT_GRANTS["messaging"]["channel_moderator"]
    assert set(commerce["moderator"]) == set(DEFAULT_GRANTS["messaging"]["moderator"]) - {
        "delete-channel-owner", "recreate-channel-owner", "truncate-channel-owner",
    }
    assert "create-channel" in commerce["guest"] and len(commerce["guest"]) == 13


def test_catalogue_covers_defaults_and_nobody_uses_frozen_channels() -> None:
    assert all_default_permission_ids() <= set(BUILTIN_PERMISSIONS)
    assert "use-frozen-channel" in BUILTIN_PERMISSIONS
    assert "use-frozen-channel" not in all_default_permission_ids()


def test_default_grants_are_fresh_copies() -> None:
    grants = default_grants("messaging")
    grants["user"].clear()
    assert DEFAULT_GRANTS["messaging"]["user"]
    assert default_grants("custom-type") == DEFAULT_GRANTS["messaging"]
