"""Logins: authenticate a request, log in, log out, and the start-up admins."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from omnicontacts.auth import store
from omnicontacts.auth.passwords import check_password, hash_token, new_login_token
from omnicontacts.config import Config
from omnicontacts.db.documents import Document
from omnicontacts.errors import Raw
from omnicontacts.ids import now_iso
from omnicontacts.permissions.service import grants
from omnicontacts.settings_store.store import value_of
from omnicontacts.users import service as users
from omnicontacts.users import store as users_store

log = logging.getLogger(__name__)

TEST_ADMIN_ID = "rocketchat.internal.admin.test"

_UNAUTHORIZED = Raw(
    401, {"success": False, "error": "Unauthorized", "status": "error", "message": "Unauthorized"}
)


@dataclass(frozen=True)
class RequestContext:
    """What the pipeline knows before validation and the handler: the caller, the values of the
    settings it asked for, and which of the asked permissions the caller holds."""

    user: Document | None
    token_hash: str | None
    settings: dict[str, Any]
    granted: dict[str, bool]


def request_context(
    conn: Connection,
    *,
    user_id: str | None,
    token: str | None,
    setting_ids: list[str],
    permission_ids: list[str],
) -> RequestContext:
    """One round trip (auth.store.preamble). `user` is None unless both the user id and the token
    were given and match a stored login token."""
    hashed = hash_token(token) if user_id and token else None
    found = store.preamble(
        conn,
        user_id=user_id if hashed else None,
        hashed_token=hashed,
        setting_ids=setting_ids,
        permission_ids=permission_ids,
    )
    user = found.user
    return RequestContext(
        user=user,
        token_hash=hashed if user is not None else None,
        settings={sid: value_of(sid, found.settings.get(sid)) for sid in setting_ids},
        granted={} if user is None else {p: grants(found.permissions.get(p), user) for p in permission_ids},
    )


def login(conn: Connection, identifier: str, password: str, by: str) -> tuple[Document, str]:
    """Returns (user, raw token). Every failure is the same 401 body (no user enumeration)."""
    if by == "email" or (by == "user" and "@" in identifier):
        user = users_store.get_by_email(conn, identifier.strip())
    else:
        user = users_store.get_by_username(conn, identifier.strip())
    hashed_pw = ((user or {}).get("services") or {}).get("password", {}).get("bcrypt")
    if user is None or not hashed_pw or not check_password(password, hashed_pw):
        raise _UNAUTHORIZED
    if user.get("active") is False:
        raise _UNAUTHORIZED
    return user, _issue_token(conn, user)


def login_with_resume(conn: Connection, resume: str) -> tuple[Document, str]:
    """`{"resume": token}`: a valid token logs in again and gets a fresh token."""
    user_id = users_store.user_id_of_token(conn, hash_token(resume))
    user = users_store.get(conn, user_id) if user_id else None
    if user is None or user.get("active") is False:
        raise _UNAUTHORIZED
    return user, _issue_token(conn, user)


def _issue_token(conn: Connection, user: Document) -> str:
    """A new login token (stored hashed only) and `lastLogin`; returns the raw token."""
    token = new_login_token()
    now = now_iso()
    users_store.add_token(conn, user["_id"], hash_token(token), now)
    user["lastLogin"] = now
    users_store.users.replace(conn, user)
    return token


def logout(conn: Connection, hashed_token: str) -> None:
    users_store.remove_token(conn, hashed_token)


def ensure_initial_admin(conn: Connection, config: Config) -> Document | None:
    """ADMIN_PASS at start (spec README §11): create an admin unless one exists."""
    if not config.admin_pass:
        return None
    if any("admin" in (u.get("roles") or []) for u in users_store.all_users(conn)):
        log.info("ADMIN_PASS ignored: an admin user already exists")
        return None
    username = config.admin_username or "admin"
    if not users.USERNAME_RE.match(username) or users_store.get_by_username(conn, username):
        username = "admin"
    email = config.admin_email
    if email and (not users.is_valid_email(email.lower()) or users_store.get_by_email(conn, email)):
        email = None
    return users.create_user(
        conn,
        username=username,
        name=config.admin_name,
        password=config.admin_pass,
        email=email,
        roles=["admin"],
        verified=config.admin_email_verified,
    )


def ensure_test_admin(conn: Connection) -> Document:
    """TEST_MODE: recreate `rocketchat.internal.admin.test` on every start."""
    users_store.delete_user(conn, TEST_ADMIN_ID)
    return users.create_user(
        conn,
        username=TEST_ADMIN_ID,
        name="RocketChat Internal Admin Test",
        password=TEST_ADMIN_ID,
        email=f"{TEST_ADMIN_ID}@rocket.chat",
        roles=["admin"],
        user_id=TEST_ADMIN_ID,
    )
