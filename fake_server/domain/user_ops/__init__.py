"""Operations on users (endpoints-users-app §1); records and renderings live in ``users.py``."""

from fake_server.domain.user_ops.lifecycle import (
    deactivate_user,
    deactivate_users,
    delete_user,
    delete_users,
    reactivate_user,
    reactivate_users,
    restore_users,
)
from fake_server.domain.user_ops.misc import export_user, send_user_custom_event
from fake_server.domain.user_ops.query import query_users
from fake_server.domain.user_ops.writes import create_guest, update_users_partial, upsert_users

__all__ = [
    "create_guest",
    "deactivate_user",
    "deactivate_users",
    "delete_user",
    "delete_users",
    "export_user",
    "query_users",
    "reactivate_user",
    "reactivate_users",
    "restore_users",
    "send_user_custom_event",
    "update_users_partial",
    "upsert_users",
]
