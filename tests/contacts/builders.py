"""Builders for contact tests.

Contacts made by clients go through `POST omnichannel/contacts` (`create`). Data that only
integrations, imports or the livechat side produce - contacts with channels of any source,
`unknown` contacts, conflicts, custom-field definitions - is written through the same stores the
services use (lookup keys and counters stay exact). Flows that need real visitors and rooms drive
the livechat endpoints over HTTP (`register`, `open_room`)."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from sqlalchemy import Engine

from omnicontacts.contacts import store as contacts_store
from omnicontacts.db.documents import Document
from omnicontacts.ids import object_id
from omnicontacts.livechat import store as livechat_store
from tests.support import Api

FORBIDDEN = {
    "success": False,
    "error": "User does not have the permissions required for this action [error-unauthorized]",
}
UNAUTHENTICATED = {
    "success": False,
    "error": "You must be logged in to do this.",
    "status": "error",
    "message": "You must be logged in to do this.",
}
WIDGET = {"rc_room_type": "l", "rc_is_widget": "t"}
_seq = itertools.count(1)


def invalid(message: str) -> dict[str, Any]:
    return {"success": False, "error": f"{message} [invalid-params]", "errorType": "invalid-params"}


def plain(message: str) -> dict[str, Any]:
    return {"success": False, "error": message}


def invalid_sort(raw: str) -> dict[str, Any]:
    return {
        "success": False,
        "error": f'Invalid sort parameter provided: "{raw}" [error-invalid-sort]',
        "errorType": "error-invalid-sort",
        "details": {"helperMethod": "parseJsonQuery"},
    }


def ok(res: httpx.Response) -> dict[str, Any]:
    assert res.status_code == 200, res.text
    body = res.json()
    assert list(body)[-1] == "success" and body["success"] is True, body
    return dict(body)


# ---- through the API ----------------------------------------------------------------------------
def create(api: Api, name: str = "Ada Lovelace", **body: Any) -> str:
    payload = {"name": name, "emails": [], "phones": [], **body}
    return str(ok(api.post("omnichannel/contacts", payload))["contactId"])


def get_contact(api: Api, contact_id: str) -> dict[str, Any]:
    return dict(ok(api.get("omnichannel/contacts.get", {"contactId": contact_id}))["contact"])


def setting(api: Api, setting_id: str) -> Any:
    return ok(api.get(f"settings/{setting_id}"))["value"]


def register(api: Api, token: str, **visitor: Any) -> dict[str, Any]:
    res = api.post("livechat/visitor", {"visitor": {"token": token, **visitor}}, as_=None)
    return dict(ok(res)["visitor"])


def open_room(api: Api, token: str, cookies: dict[str, str] | None = None) -> dict[str, Any]:
    res = api.get("livechat/room", {"token": token}, as_=None, cookies=cookies)
    return dict(ok(res)["room"])


# ---- through the stores -------------------------------------------------------------------------
def channel(
    visitor_id: str,
    source_type: str = "api",
    *,
    source_id: str | None = None,
    name: str | None = None,
    last_chat: str | None = None,
    blocked: bool = False,
    **details: Any,
) -> Document:
    source: Document = {"type": source_type}
    if source_id:
        source["id"] = source_id
    out: Document = {
        "name": name or source_type,
        "visitor": {"visitorId": visitor_id, "source": dict(source)},
        "blocked": blocked,
        "verified": False,
        "details": {**source, **details},
    }
    if last_chat:
        out["lastChat"] = {"_id": f"room-{next(_seq)}", "ts": last_chat}
    return out


def add_contact(engine: Engine, name: str | None = "Grace Hopper", **extra: Any) -> str:
    doc: Document = {
        "_id": extra.pop("_id", None) or object_id(),
        "emails": [],
        "phones": [],
        "channels": [],
        "customFields": {},
        "unknown": False,
        "preRegistration": False,
        "createdAt": f"2024-01-01T00:00:{next(_seq) % 60:02d}.000Z",
        **extra,
    }
    if name is not None:
        doc["name"] = name
    doc = {key: value for key, value in doc.items() if value is not None}  # None: leave the key out
    with engine.begin() as conn:
        contacts_store.insert_contact(conn, doc)
    return str(doc["_id"])


def stored_contact(engine: Engine, contact_id: str) -> Document | None:
    with engine.connect() as conn:
        return contacts_store.get(conn, contact_id)


def add_custom_field(
    engine: Engine,
    field_id: str,
    label: str | None = None,
    *,
    scope: str = "visitor",
    visibility: str = "visible",
    required: bool = False,
    regexp: str = "",
) -> None:
    doc: Document = {
        "_id": field_id,
        "label": field_id if label is None else label,
        "scope": scope,
        "visibility": visibility,
        "type": "input",
        "regexp": regexp,
        "required": required,
    }
    with engine.begin() as conn:
        livechat_store.insert_custom_field(conn, doc)


def delete_custom_field(engine: Engine, field_id: str) -> None:
    with engine.begin() as conn:
        livechat_store.custom_fields.delete(conn, livechat_store.CF.id == field_id)


def add_visitor(engine: Engine, visitor_id: str, token: str) -> None:
    doc = {"_id": visitor_id, "token": token, "username": f"guest-{visitor_id}", "status": "online"}
    with engine.begin() as conn:
        livechat_store.visitors.insert(conn, doc)
