"""Contact use cases shared with livechat: linking a visitor's room to a contact (livechat.md §5,
the one place where contacts are created from visitors), blocked channels, lastChat, and visitor
custom fields reaching contacts (§3.6). The contacts API's own use cases (contacts.md §3) follow:
each loads, lets `domain` decide, and persists; the request owns the transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.engine import Connection

from omnicontacts.api.pagination import Page, SortKeys
from omnicontacts.contacts import domain, store
from omnicontacts.db.documents import Document
from omnicontacts.errors import NotFound, Plain
from omnicontacts.ids import now_iso, object_id
from omnicontacts.livechat import store as livechat_store
from omnicontacts.settings_store import store as settings_store
from omnicontacts.users import store as users_store

DEFAULT_SORT: SortKeys = [("name", 1)]
BLOCKED_COMMENT = "This channel has been blocked"


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


# ---- the contacts API (contacts.md §3) ----------------------------------------------------------
def _contact_definitions(conn: Connection) -> list[Mapping[str, Any]]:
    """The custom-field definitions contacts are validated against (§2), in creation order."""
    return domain.in_scope(livechat_store.all_custom_fields(conn))


def check_contact_manager(conn: Connection, manager_id: Any) -> None:
    """§3: a non-empty `contactManager` must be the `_id` of a user with the livechat-agent role."""
    if not manager_id:
        return
    user = users_store.get(conn, str(manager_id))
    if user is None or "livechat-agent" not in (user.get("roles") or []):
        raise Plain("error-contact-manager-not-found")


def _enabled_or_raise(conn: Connection, contact_id: str) -> Document:
    contact = store.get_enabled(conn, contact_id, for_update=True)
    if contact is None:
        raise Plain("error-contact-not-found")
    return contact


def _count_resolved(conn: Connection, contact: Document, changes: Mapping[str, Any]) -> None:
    resolved = domain.conflicts_to_count(contact, changes)
    if resolved:
        settings_store.increment(conn, "Resolved_Conflicts_Count", resolved)


def create_contact(conn: Connection, body: Mapping[str, Any]) -> str:
    """POST omnichannel/contacts (§3.1)."""
    check_contact_manager(conn, body.get("contactManager"))
    custom_fields = domain.validate_custom_fields(
        _contact_definitions(conn), body.get("customFields") or {}, ignore_unknown=False
    )
    contact = domain.new_contact(
        contact_id=object_id(),
        name=body["name"],
        emails=body["emails"],
        phones=body["phones"],
        contact_manager=body.get("contactManager"),
        custom_fields=custom_fields,
        now=now_iso(),
    )
    store.insert_contact(conn, contact)
    return str(contact["_id"])


def update_contact(conn: Connection, body: Mapping[str, Any]) -> Document:
    """POST omnichannel/contacts.update (§3.2), in the spec's processing order."""
    changes = domain.drop_nulls(body)
    contact = _enabled_or_raise(conn, changes["contactId"])
    check_contact_manager(conn, changes.get("contactManager"))
    _count_resolved(conn, contact, changes)
    custom_fields = None
    if "customFields" in changes:
        custom_fields = domain.updated_custom_fields(
            _contact_definitions(conn), contact.get("customFields") or {}, changes["customFields"]
        )
    updated = store.replace_contact(conn, domain.updated_contact(contact, changes, custom_fields))
    if "name" in changes and changes["name"] != contact.get("name"):
        _rename_everywhere(conn, updated)
    return updated


def _rename_everywhere(conn: Connection, contact: Document) -> None:
    """The renaming cascade (§1.2): the contact's rooms (open or closed), and the subscriptions
    and inquiries of its channels' visitors."""
    name = str(contact.get("name") or "")
    for room in livechat_store.rooms_of_contact(conn, contact["_id"], for_update=True):
        renamed_room = domain.renamed(room, name, ("fname",))
        if renamed_room is not None:
            livechat_store.replace_room(conn, renamed_room)
    visitor_ids = domain.visitor_ids(contact)
    for subscription in livechat_store.subscriptions_of_visitors(conn, visitor_ids, for_update=True):
        renamed_subscription = domain.renamed(subscription, name, ("name", "fname"))
        if renamed_subscription is not None:
            livechat_store.replace_subscription(conn, renamed_subscription)
    for inquiry in livechat_store.inquiries_of_visitors(conn, visitor_ids, for_update=True):
        renamed_inquiry = domain.renamed(inquiry, name, ("name",))
        if renamed_inquiry is not None:
            livechat_store.replace_inquiry(conn, renamed_inquiry)


def get_contact(conn: Connection, contact_id: str) -> Document:
    """GET omnichannel/contacts.get (§3.3): disabled contacts are not found either (404)."""
    contact = store.get_enabled(conn, contact_id)
    if contact is None:
        raise NotFound()
    return contact


def search_contacts(
    conn: Connection, search_text: str | None, unknown: bool, page: Page, sort_keys: SortKeys
) -> dict[str, Any]:
    """GET omnichannel/contacts.search (§3.4). `count` is the resolved page size, not the number
    of contacts returned."""
    where = store.search_filter(search_text, unknown)
    contacts, total = store.search(conn, where, sort_keys, page.offset, page.limit)
    return {"contacts": contacts, "count": page.count, "offset": page.offset, "total": total}


def contact_exists(
    conn: Connection, *, contact_id: str | None = None, email: str | None = None, phone: str | None = None
) -> bool:
    """GET omnichannel/contacts.checkExistence (§3.5): exact matches; an id matches disabled
    contacts too."""
    if contact_id is not None:
        return store.exists(conn, contact_id)
    if email is not None:
        return store.exists_with_key(conn, "email", email)
    if phone is not None:
        return store.exists_with_key(conn, "phone", phone)
    return False


def contact_channels(conn: Connection, contact_id: str) -> list[Mapping[str, Any]]:
    """GET omnichannel/contacts.channels (§3.6): grouped by name; [] when there is no such
    enabled contact."""
    contact = store.get_enabled(conn, contact_id)
    if contact is None:
        return []
    return domain.group_channels(contact.get("channels") or [])


def resolve_conflicts(conn: Connection, body: Mapping[str, Any]) -> Document:
    """POST omnichannel/contacts.conflicts (§3.7). Nothing outside the contact is renamed."""
    changes = domain.drop_nulls(body)
    contact = _enabled_or_raise(conn, changes["contactId"])
    check_contact_manager(conn, changes.get("contactManager"))
    _count_resolved(conn, contact, changes)
    return store.replace_contact(conn, domain.resolved_contact(contact, changes))


def disable_contact(conn: Connection, contact_id: str) -> None:
    """POST omnichannel/contacts.delete (§3.8): keep an empty, disabled shell. Open rooms do not
    prevent it; visitors and rooms (and their contactId) are left as they are."""
    contact = store.get_enabled(conn, contact_id, for_update=True)
    if contact is None:
        raise NotFound("error-contact-not-found")
    if not store.disable(conn, domain.disabled_contact(contact)):
        raise Plain("error-invalid-contact")


def set_channel_blocked(
    conn: Connection,
    association: Mapping[str, Any],
    *,
    blocked: bool,
    caller: Mapping[str, Any],
    setting: Callable[[str], Any],
) -> None:
    """POST omnichannel/contacts.block / .unblock (§3.9). Blocking also closes the visitor's open
    room of that association (livechat.md §8.1) on behalf of the caller."""
    visitor_id = str(association["visitorId"])
    source = association["source"]
    source_type = str(source["type"])
    source_id = source.get("id") or None
    contacts = store.contacts_with_key(conn, "visitor", visitor_id, for_update=True)
    changed = domain.with_channel_blocked(contacts, visitor_id, source_type, source_id, blocked)
    if changed is None:
        raise Plain("error-contact-not-found")
    store.replace_contact(conn, changed)
    if blocked:
        _close_blocked_room(conn, visitor_id, source, caller=caller, setting=setting)


def _close_blocked_room(
    conn: Connection,
    visitor_id: str,
    source: Mapping[str, Any],
    *,
    caller: Mapping[str, Any],
    setting: Callable[[str], Any],
) -> None:
    # imported here: livechat.service imports this module (room creation links contacts)
    from omnicontacts.livechat import service as livechat_service

    if livechat_store.visitor_by_id(conn, visitor_id) is None:
        raise Plain("error-visitor-not-found")
    wanted = {"type": source.get("type"), **({"id": source["id"]} if source.get("id") else {})}
    for room in livechat_store.rooms_where(
        conn, livechat_store.R.v_id == visitor_id, livechat_store.R.open.is_(True), for_update=True
    ):
        if domain.room_matches(room, visitor_id, wanted):
            livechat_service.close_room(
                conn,
                room,
                closer="user",
                closed_by={"_id": caller["_id"], "username": caller.get("username")},
                comment=BLOCKED_COMMENT,
                tags=[],
                setting=setting,
            )
            return
