"""The only place that talks SQL for settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from omnicontacts.db import tables
from omnicontacts.db.documents import Collection, Document
from omnicontacts.settings_store.catalogue import SETTINGS

settings = Collection(tables.settings, lambda doc: {})


def get(conn: Connection, setting_id: str, *, for_update: bool = False) -> Document | None:
    return settings.get(conn, setting_id, for_update=for_update)


def get_value(conn: Connection, setting_id: str) -> Any:
    return value_of(setting_id, settings.get(conn, setting_id))


def all_values(conn: Connection) -> dict[str, Any]:
    """Every setting's value (defaults for those not stored yet)."""
    values = {setting_id: definition.default for setting_id, definition in SETTINGS.items()}
    values.update({doc["_id"]: doc.get("value") for doc in settings.find(conn)})
    return values


def set_value(conn: Connection, setting_id: str, value: Any) -> None:
    doc = settings.get(conn, setting_id, for_update=True)
    if doc is None:
        definition = SETTINGS[setting_id]
        settings.insert(
            conn,
            {
                "_id": setting_id,
                "value": value,
                "type": definition.type,
                "packageValue": definition.default,
                "hidden": definition.hidden,
            },
        )
        return
    doc["value"] = value
    settings.replace(conn, doc)


def increment(conn: Connection, setting_id: str, by: int = 1) -> int:
    """Add `by` to an int setting and return the new value (row-locked on PostgreSQL; SQLite writes
    hold the database write lock for the whole transaction)."""
    doc = settings.get(conn, setting_id, for_update=True)
    current = int((doc or {}).get("value", SETTINGS[setting_id].default) or 0)
    set_value(conn, setting_id, current + by)
    return current + by


def seed_defaults(conn: Connection, initial: dict[str, Any]) -> None:
    """Insert every known setting that is not stored yet (idempotent)."""
    existing = settings.get_many(conn, SETTINGS)
    for setting_id, definition in SETTINGS.items():
        if setting_id not in existing:
            set_value(conn, setting_id, initial.get(setting_id, definition.default))


def value_of(setting_id: str, doc: Document | None) -> Any:
    """A setting's value from its stored document, or its catalogue default when not stored."""
    if doc is not None:
        return doc.get("value")
    definition = SETTINGS.get(setting_id)
    return definition.default if definition else None
