"""The only place that talks SQL for roles and permissions."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from omnicontacts.db import tables
from omnicontacts.db.documents import Collection, Document

roles = Collection(tables.roles, lambda doc: {})
permissions = Collection(tables.permissions, lambda doc: {"updated_at": doc["_updatedAt"]})


def get_permission(conn: Connection, permission_id: str) -> Document | None:
    return permissions.get(conn, permission_id)


def list_permissions(conn: Connection, updated_since: str | None = None) -> list[Document]:
    where = [tables.permissions.c.updated_at > updated_since] if updated_since else []
    return permissions.find(conn, *where, order_by=[tables.permissions.c.id])


def list_roles(conn: Connection) -> list[Document]:
    return roles.find(conn, order_by=[tables.roles.c.id])


def existing_role_ids(conn: Connection, role_ids: list[str]) -> set[str]:
    return set(roles.get_many(conn, role_ids))
