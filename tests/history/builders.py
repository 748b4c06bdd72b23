"""Bulk builders for history tests that need many rooms with chosen dates and sources. They write
through the same stores the services use (so counters and lookup keys stay exact); flows that a
client drives are tested over HTTP in test_history_flow.py."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import Engine

from omnicontacts.contacts import store as contacts_store
from omnicontacts.ids import object_id, random_id
from omnicontacts.livechat import store as livechat_store

_seq = itertools.count(1)


def add_contact(engine: Engine, name: str = "Ada Lovelace", **extra: Any) -> str:
    contact_id = object_id()
    doc = {
        "_id": contact_id,
        "name": name,
        "emails": [],
        "phones": [],
        "channels": [],
        "unknown": False,
        "preRegistration": False,
        "createdAt": "2024-01-01T00:00:00.000Z",
        **extra,
    }
    with engine.begin() as conn:
        contacts_store.insert_contact(conn, doc)
    return contact_id


def room(contact_id: str, closed_at: str | None, **extra: Any) -> dict[str, Any]:
    n = next(_seq)
    doc: dict[str, Any] = {
        "_id": extra.pop("_id", None) or random_id(),
        "t": "l",
        "fname": "Ada Lovelace",
        "ts": extra.pop("ts", "2024-01-01T00:00:00.000Z"),
        "msgs": n % 7,
        "usersCount": 2,
        "cl": False,
        "v": {"_id": "visitor-1", "username": "guest-2", "token": "SECRET-TOKEN", "status": "offline"},
        "source": extra.pop("source", {"type": "api"}),
        "contactId": contact_id,
        "verified": False,
        "queuedAt": "2024-01-01T00:00:00.000Z",
        "priorityWeight": 99,
        "metrics": {"chatDuration": 12.5},
        "lastMessage": {
            "_id": random_id(),
            "msg": "bye",
            "token": "SECRET-TOKEN",
            "ts": "2024-01-01T00:00:00.000Z",
        },
    }
    if closed_at is None:
        doc["open"] = True
    else:
        doc.update(closedAt=closed_at, closer="user", closedBy={"_id": "agent-1", "username": "agent"})
    doc.update(extra)
    return doc


def add_rooms(engine: Engine, rooms: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        livechat_store.insert_rooms(conn, rooms)


def add_department(engine: Engine, department_id: str, name: str) -> None:
    with engine.begin() as conn:
        livechat_store.departments.insert(conn, {"_id": department_id, "name": name, "enabled": True})
