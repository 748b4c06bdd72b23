"""Who may do what: the one gatekeeper for permissions, plus seeding and updates."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from omnicontacts.db.documents import Document
from omnicontacts.errors import Typed
from omnicontacts.permissions import store
from omnicontacts.permissions.catalogue import PERMISSIONS, ROLES


def user_has(conn: Connection, user: Document, permission: str) -> bool:
    """True when any of the user's global roles is listed in the permission's roles. Read from
    the database on every request, so an update applies to the next request in every process."""
    return grants(store.get_permission(conn, permission), user)


def grants(permission: Document | None, user: Document) -> bool:
    """The rule itself, for a permission document already read (None: not stored, so nobody)."""
    if permission is None:
        return False
    return bool(set(user.get("roles") or ()) & set(permission.get("roles") or ()))


def seed(conn: Connection) -> None:
    """Create missing roles and permissions; never reset existing ones (idempotent)."""
    existing_roles = {r["_id"] for r in store.list_roles(conn)}
    for role_id, scope, description in ROLES:
        if role_id not in existing_roles:
            store.roles.insert(
                conn,
                {
                    "_id": role_id,
                    "name": role_id,
                    "description": description,
                    "scope": scope,
                    "protected": True,
                    "mandatory2fa": False,
                },
            )
    existing = {p["_id"] for p in store.list_permissions(conn)}
    for permission_id, role_ids in PERMISSIONS.items():
        if permission_id not in existing:
            store.permissions.insert(conn, {"_id": permission_id, "roles": list(role_ids)})


def update(conn: Connection, changes: list[dict[str, Any]]) -> list[Document]:
    """permissions.update (platform.md §3.5): all ids must exist, then all roles, then replace."""
    current = store.permissions.get_many(conn, [c["_id"] for c in changes])
    if any(c["_id"] not in current for c in changes):
        raise Typed("Invalid permission", "error-invalid-permission")
    wanted_roles = sorted({role for c in changes for role in c["roles"]})
    if set(wanted_roles) - store.existing_role_ids(conn, wanted_roles):
        raise Typed("Invalid role", "error-invalid-role")
    for change in changes:
        doc = current[change["_id"]]
        doc["roles"] = list(change["roles"])
        store.permissions.replace(conn, doc)
    return store.list_permissions(conn)
