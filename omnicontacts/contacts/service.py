"""Contact use cases shared with livechat: linking a visitor's room to a contact (livechat.md §5,
the one place where contacts are created from visitors), blocked channels, lastChat, and visitor
custom fields reaching contacts (§3.6). The contacts API's own use cases live here too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection

from omnicontacts.contacts import domain, store
from omnicontacts.db.documents import Document
from omnicontacts.ids import object_id
from omnicontacts.livechat import store as livechat_store
from omnicontacts.users import store as users_store


def _visitor_manager_id(conn: Connection, visitor: Mapping[str, Any]) -> str | None:
    """The visitor's contactManager, when it names a user with the livechat-agent role."""
    username = (visitor.get("contactManager") or {}).get("username")
    if not username:
        return None
    user = users_store.get_by_username(conn, username)
    if user is None or "livechat-agent" not in (user.get("roles") or []):
        return None
    return str(user["_id"])


def _relink_rooms(conn: Connection, visitor_id: str, source: Mapping[str, Any], contact: Document) -> None:
    """Set contactId and fname on every room of the visitor with the same association."""
    for room in livechat_store.rooms_where(conn, livechat_store.R.v_id == visitor_id, for_update=True):
        if domain.room_matches(room, visitor_id, source) and (
            room.get("contactId") != contact["_id"] or room.get("fname") != contact.get("name")
        ):
            room["contactId"] = contact["_id"]
            if contact.get("name") is not None:
                room["fname"] = contact["name"]
            livechat_store.replace_room(conn, room)


def link_visitor(conn: Connection, visitor: Document, source: Mapping[str, Any], now: str) -> Document:
    """The contact a new room of `visitor` on `source` belongs to (creating or merging as §5 says)."""
    with_visitor = store.contacts_with_key(conn, "visitor", visitor["_id"], for_update=True)
    candidates: dict[str, Document] = {}
    for email in visitor.get("visitorEmails") or []:
        for contact in store.contacts_with_key(conn, "email", str(email.get("address"))):
            candidates[contact["_id"]] = contact
    for phone in visitor.get("phone") or []:
        for contact in store.contacts_with_key(conn, "phone", str(phone.get("phoneNumber"))):
            candidates[contact["_id"]] = contact
    decision = domain.decide_link(visitor, source, with_visitor, list(candidates.values()))
    if decision.kind == "existing":
        contact = next(c for c in with_visitor if c["_id"] == decision.contact_id)
        return contact
    manager_id = _visitor_manager_id(conn, visitor)
    if decision.kind == "preregistered":
        assert decision.contact_id is not None
        merged = domain.merge_visitor(candidates[decision.contact_id], visitor, source, manager_id=manager_id)
        store.replace_contact(conn, merged)
        _relink_rooms(conn, visitor["_id"], source, merged)
        return merged
    definitions = livechat_store.all_custom_fields(conn)
    contact = domain.contact_from_visitor(
        visitor, source, definitions, contact_id=object_id(), manager_id=manager_id, now=now
    )
    store.insert_contact(conn, contact)
    _relink_rooms(conn, visitor["_id"], source, contact)
    return contact


def blocked_channel(conn: Connection, visitor_id: str, source: Mapping[str, Any]) -> bool:
    """livechat.md §4.3 step 2: a contact has a blocked channel for this association."""
    for contact in store.contacts_with_key(conn, "visitor", visitor_id):
        for channel in contact.get("channels") or []:
            if channel.get("blocked") is True and domain.channel_matches(
                channel, visitor_id, str(source.get("type")), source.get("id")
            ):
                return True
    return False


def record_last_chat(
    conn: Connection, contact_id: str, visitor_id: str, source: Mapping[str, Any], last_chat: Document
) -> Document | None:
    """livechat.md §4.3 step 7: the contact's and the matching channel's lastChat."""
    contact = store.get(conn, contact_id, for_update=True)
    if contact is None:
        return None
    contact["lastChat"] = dict(last_chat)
    for channel in contact.get("channels") or []:
        if domain.channel_matches(channel, visitor_id, str(source.get("type")), source.get("id")):
            channel["lastChat"] = dict(last_chat)
    return store.replace_contact(conn, contact)


def apply_visitor_custom_fields(
    conn: Connection, visitor_id: str, values: list[tuple[str, str, bool]]
) -> None:
    """livechat.md §3.6: each contact with a channel for this visitor gets the values (or
    conflicts, when it already has a different one and overwrite is false)."""
    if not values:
        return
    for contact in store.contacts_with_key(conn, "visitor", visitor_id, for_update=True):
        updated = contact
        for key, value, overwrite in values:
            updated = domain.apply_visitor_custom_field(updated, key, value, overwrite)
        if updated != contact:
            store.replace_contact(conn, updated)
