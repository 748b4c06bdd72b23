"""Users: create, look up, delete, status; the views of a user each endpoint returns."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy.engine import Connection

from omnicontacts.auth.passwords import hash_password
from omnicontacts.db.documents import Document
from omnicontacts.errors import Coded
from omnicontacts.ids import now_iso, random_id
from omnicontacts.permissions import store as permissions_store
from omnicontacts.users import store

USERNAME_RE = re.compile(r"^[0-9a-zA-Z\-_.]+$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_valid_email(address: str) -> bool:
    return bool(EMAIL_RE.match(address))


def _insert_error(code: str, reason: str, **details: str) -> Coded:
    return Coded(code, reason, {"method": "insertOrUpdateUser", **details})


def create_user(
    conn: Connection,
    *,
    username: str,
    name: str,
    password: str,
    email: str | None,
    roles: list[str] | None = None,
    active: bool = True,
    verified: bool = False,
    extra: dict[str, Any] | None = None,
    user_id: str | None = None,
) -> Document:
    """Checks in the order of platform.md §2.2, then inserts."""
    wanted_roles = list(dict.fromkeys(roles if roles is not None else ["user"]))
    if set(wanted_roles) - permissions_store.existing_role_ids(conn, wanted_roles):
        raise Coded(
            "error-action-not-allowed",
            "The field Roles consist invalid role id",
            {"method": "insertOrUpdateUser", "action": "Assign_role"},
        )
    if not name.strip():
        raise _insert_error("error-the-field-is-required", "The field Name is required", field="Name")
    if not username.strip():
        raise _insert_error("error-the-field-is-required", "The field Username is required", field="Username")
    if not USERNAME_RE.match(username):
        escaped = html.escape(username)
        raise _insert_error(
            "error-input-is-not-a-valid-field",
            f"{escaped} is not a valid username",
            input=escaped,
            field="Username",
        )
    if store.get_by_username(conn, username) is not None:
        escaped = html.escape(username)
        raise _insert_error("error-field-unavailable", f"{escaped} is already in use :(", field=escaped)
    address = (email or "").strip().lower()
    if address and store.get_by_email(conn, address) is not None:
        escaped = html.escape(email or "")
        raise _insert_error("error-field-unavailable", f"{escaped} is already in use :(", field=escaped)
    if email is not None and not is_valid_email(address):
        raise Coded("error-invalid-email", f"Invalid email {html.escape(email)}")
    now = now_iso()
    doc: Document = {
        "_id": user_id or random_id(),
        "createdAt": now,
        "username": username,
        "emails": [{"address": address, "verified": verified}] if address else [],
        "type": "user",
        "status": "offline",
        "active": active,
        "name": name,
        "roles": wanted_roles,
        "utcOffset": 0,
        **(extra or {}),
        "services": {"password": {"bcrypt": hash_password(password)}},
    }
    return store.users.insert(conn, doc)


def created_view(user: Document) -> Document:
    keys = [
        "_id",
        "createdAt",
        "username",
        "emails",
        "type",
        "status",
        "active",
        "name",
        "roles",
        "utcOffset",
        "requirePasswordChange",
        "_updatedAt",
    ]
    return {k: user[k] for k in keys if k in user}


def me_view(user: Document, site_url: str) -> Document:
    """GET /me (platform.md §1.3): never services, hashes or tokens."""
    out: Document = {
        "_id": user["_id"],
        "username": user.get("username"),
        "name": user.get("name"),
        "emails": user.get("emails", []),
        "status": user.get("status", "offline"),
        "statusDefault": user.get("statusDefault", "online"),
        "active": user.get("active", True),
        "roles": user.get("roles", []),
        "utcOffset": user.get("utcOffset", 0),
        "type": user.get("type", "user"),
        "_updatedAt": user.get("_updatedAt"),
    }
    for key in ("statusText", "statusLivechat", "requirePasswordChange", "lastLogin", "createdAt"):
        if key in user:
            out[key] = user[key]
    emails = user.get("emails") or []
    if emails:
        verified = [e for e in emails if e.get("verified")]
        out["email"] = (verified or emails)[0]["address"]
    out["settings"] = {"preferences": {}}
    out["avatarUrl"] = f"{site_url.rstrip('/')}/avatar/{user.get('username')}"
    return out


def info_view(user: Document, *, full: bool) -> Document:
    keys = [
        "_id",
        "username",
        "name",
        "type",
        "status",
        "active",
        "utcOffset",
        "statusLivechat",
        "createdAt",
        "lastLogin",
        "_updatedAt",
    ]
    out = {k: user[k] for k in keys if k in user}
    if full:
        out["emails"] = user.get("emails", [])
        out["roles"] = user.get("roles", [])
    return out


def agent_view(user: Document) -> Document:
    """The shape livechat/users answers with (livechat.md §10.2)."""
    keys = ["_id", "username", "name", "status", "statusLivechat", "emails", "livechat"]
    return {k: user[k] for k in keys if k in user}


def find_by_id_or_username(conn: Connection, user_id: str | None, username: str | None) -> Document | None:
    if user_id:
        return store.get(conn, user_id)
    if username:
        return store.get_by_username(conn, username)
    return None


def set_status(conn: Connection, user: Document, status: str | None, message: str | None) -> None:
    if status is not None:
        user["status"] = status
        user["statusDefault"] = status
    if message is not None:
        user["statusText"] = message
    store.users.replace(conn, user)


def update_user(conn: Connection, user: Document) -> Document:
    return store.users.replace(conn, user)
