"""Builders and readers shared by the livechat tests. Builders go through the HTTP API like a
client; readers look at what was stored (rooms, inquiries, contacts) to pin the spec's fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from omnicontacts.contacts import store as contacts_store
from omnicontacts.db import tables
from omnicontacts.db.documents import Document
from omnicontacts.livechat import store as livechat_store
from omnicontacts.users import store as users_store
from tests.support import Api, Creds

WIDGET = {"rc_room_type": "l", "rc_is_widget": "t"}
FORBIDDEN = {
    "success": False,
    "error": "User does not have the permissions required for this action [error-unauthorized]",
}


def plain(error: str) -> dict[str, Any]:
    return {"success": False, "error": error}


def coded(code: str, reason: str = "", details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "success": False,
        "error": f"{reason} [{code}]" if reason else f"[{code}]",
        "errorType": code,
    }
    if details is not None:
        body["details"] = details
    return body


def invalid(message: str) -> dict[str, Any]:
    return coded("invalid-params", message)


# ---- builders -----------------------------------------------------------------------------------
def register(api: Api, token: str, **visitor: Any) -> dict[str, Any]:
    res = api.post("livechat/visitor", {"visitor": {"token": token, **visitor}}, as_=None)
    assert res.status_code == 200, res.text
    return dict(res.json()["visitor"])


def open_room(api: Api, token: str, cookies: dict[str, str] | None = None, **params: str) -> dict[str, Any]:
    res = api.get("livechat/room", {"token": token, **params}, as_=None, cookies=cookies)
    assert res.status_code == 200, res.text
    return dict(res.json()["room"])


def accept_without_agents(api: Api) -> None:
    api.set_setting("Livechat_accept_chats_with_no_agents", True)


def agent(
    api: Api, *, online: bool = True, username: str | None = None, roles: list[str] | None = None
) -> Creds:
    """A user with the livechat-agent role; `online` makes it online and available (§7.1)."""
    creds = api.create_user(roles or ["user", "livechat-agent"], username=username)
    if online:
        assert api.post("users.setStatus", {"status": "online"}, as_=creds).status_code == 200
        res = api.post("livechat/agent.status", {"status": "available"}, as_=creds)
        assert res.json() == {"status": "available", "success": True}, res.text
    return creds


def visitor_message(api: Api, token: str, rid: str, msg: str) -> dict[str, Any]:
    res = api.post("livechat/message", {"token": token, "rid": rid, "msg": msg}, as_=None)
    assert res.status_code == 200, res.text
    return dict(res.json()["message"])


# ---- readers ------------------------------------------------------------------------------------
def stored_room(api: Api, rid: str) -> Document:
    with api.engine.connect() as conn:
        room = livechat_store.room(conn, rid)
    assert room is not None
    return room


def stored_inquiry(api: Api, rid: str) -> Document | None:
    with api.engine.connect() as conn:
        return livechat_store.inquiry_of_room(conn, rid)


def stored_contact(api: Api, contact_id: str) -> Document:
    with api.engine.connect() as conn:
        contact = contacts_store.get(conn, contact_id)
    assert contact is not None
    return contact


def stored_visitor(api: Api, visitor_id: str) -> Document:
    with api.engine.connect() as conn:
        visitor = livechat_store.visitors.get(conn, visitor_id)
    assert visitor is not None
    return visitor


def stored_user(api: Api, user_id: str) -> Document:
    with api.engine.connect() as conn:
        user = users_store.get(conn, user_id)
    assert user is not None
    return user


def room_messages(api: Api, rid: str) -> list[Document]:
    """Oldest first."""
    with api.engine.connect() as conn:
        return list(reversed(livechat_store.messages_of_room(conn, rid)))


def counts(api: Api) -> dict[str, int]:
    """Rows per livechat/contacts table: a failed request must leave these unchanged."""
    names = ["rooms", "inquiries", "subscriptions", "messages", "contacts", "visitors"]
    with api.engine.connect() as conn:
        return {
            name: int(
                conn.execute(select(func.count()).select_from(tables.metadata.tables[name])).scalar() or 0
            )
            for name in names
        }


def block_channel(api: Api, contact_id: str, source_type: str) -> None:
    """Mark a contact's channel blocked (contacts.block belongs to the contacts API)."""
    with api.engine.begin() as conn:
        contact = contacts_store.get(conn, contact_id)
        assert contact is not None
        for channel in contact["channels"]:
            if channel["visitor"]["source"]["type"] == source_type:
                channel["blocked"] = True
        contacts_store.replace_contact(conn, contact)
