"""Livechat use cases (livechat.md): load -> decide (domain.py) -> persist (store.py).

Every function runs inside the request's transaction and never commits: an error raised anywhere
leaves nothing half-made (a room without its inquiry, a contact without its room, ...).

Gatekeepers: a visitor reaches only its own visitor document and rooms (`_visitor_or_raise`,
`_visitor_room_or_raise`); staff access is decided by the route's permissions plus the explicit
checks named in each function.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy.engine import Connection

from omnicontacts.api.pagination import Page, SortKeys
from omnicontacts.contacts import domain as contacts_domain
from omnicontacts.contacts import service as contacts
from omnicontacts.db.documents import Document
from omnicontacts.errors import Coded, Empty, NotFound, Plain, Raw
from omnicontacts.ids import now_iso, object_id, random_id
from omnicontacts.livechat import domain, store
from omnicontacts.settings_store import store as settings_store
from omnicontacts.users import service as users_service
from omnicontacts.users import store as users_store

Setting = Callable[[str], Any]

DEFAULT_CUSTOM_FIELDS_SORT: Final[SortKeys] = [("label", 1)]
DEFAULT_USERS_SORT: Final[SortKeys] = [("name", 1)]
_FIELD_NAME = re.compile(r"[0-9a-zA-Z\-_]+")
_INVALID_FIELD_NAME = "Invalid custom field name. Use only letters, numbers, hyphens and underscores."
_TAKE_DETAILS: Final = {"method": "livechat:takeInquiry"}
UNAUTHORIZED: Final = {"success": False, "error": "unauthorized"}


# ==== closing (§8) ================================================================================
def close_room(
    conn: Connection,
    room: Document,
    *,
    closer: str,
    closed_by: Mapping[str, Any],
    comment: str,
    tags: Sequence[str] | None,
    setting: Setting,
    visitor_token: str | None = None,
) -> Document:
    """§8.1, shared by both close endpoints and by contacts.block. Returns the closed room.

    `closer` is "user" or "visitor"; `closed_by` needs `_id` and `username`; `visitor_token` is
    given on the visitor path only (the closing message then carries it, like visitor messages)."""
    current = store.room(conn, room["_id"], for_update=True) or copy.deepcopy(room)
    if current.get("open") is not True:
        raise Plain("error-room-closed")
    if setting("Livechat_request_comment_when_closing_conversation") and not (comment or "").strip():
        raise Plain("error-comment-is-required")
    now = now_iso()
    closed = domain.closed_room(current, now=now, closer=closer, closed_by=closed_by, tags=tags)
    store.delete_inquiries_of_room(conn, current["_id"])
    store.delete_subscriptions_of_room(conn, current["_id"])
    extra: dict[str, Any] = {"transcriptRequested": False}
    if visitor_token:
        extra["token"] = visitor_token
    message = domain.system_message(
        msg_id=random_id(),
        rid=current["_id"],
        t="livechat-close",
        msg=comment or "",
        user={"_id": closed_by["_id"], "username": closed_by.get("username")},
        now=now,
        **extra,
    )
    store.insert_message(conn, message)
    closed = domain.with_last_message(closed, message)
    closed["closingMessage"] = copy.deepcopy(message)
    return store.replace_room(conn, closed)


def close_by_user(
    conn: Connection,
    caller: Mapping[str, Any],
    rid: str,
    *,
    comment: str | None,
    tags: Sequence[str] | None,
    setting: Setting,
    may_close_others: Callable[[], bool],
) -> Document | None:
    """§8.2. Returns None when the room was already closed: its leftover subscriptions are removed
    and that removal must be kept, so the caller answers `error-room-already-closed` without
    raising (raising would roll the removal back)."""
    room = store.room(conn, rid, for_update=True)
    if room is None or room.get("t") != "l":
        raise Plain("error-invalid-room")
    if room.get("open") is not True:
        store.delete_subscriptions_of_room(conn, rid)
        return None
    if store.subscription(conn, rid, caller["_id"]) is None and not may_close_others():
        raise Plain("error-not-authorized")
    return close_room(
        conn,
        room,
        closer="user",
        closed_by={"_id": caller["_id"], "username": caller.get("username")},
        comment=comment or "",
        tags=tags,
        setting=setting,
    )


def close_by_visitor(conn: Connection, token: str, rid: str, *, setting: Setting) -> Document:
    """§8.3."""
    if not setting("Omnichannel_allow_visitors_to_close_conversation"):
        raise Plain("error-not-allowed-to-close-conversation")
    visitor = _visitor_or_raise(conn, token)
    room = _visitor_room_or_raise(conn, token, rid)
    if room.get("open") is not True:
        raise Plain("room-closed")
    return close_room(
        conn,
        room,
        closer="visitor",
        closed_by={"_id": visitor["_id"], "username": visitor.get("username")},
        comment=domain.CLOSED_BY_VISITOR,
        tags=None,
        setting=setting,
        visitor_token=token,
    )


# ==== gatekeepers for visitors ====================================================================
def _visitor_or_raise(conn: Connection, token: str, *, for_update: bool = False) -> Document:
    visitor = store.visitor_by_token(conn, token, for_update=for_update)
    if visitor is None:
        raise Plain("invalid-token")
    return visitor


def _visitor_room_or_raise(conn: Connection, token: str, rid: str) -> Document:
    """The room `rid` when it belongs to this visitor token (open or closed)."""
    room = store.room(conn, rid, for_update=True)
    if room is None or (room.get("v") or {}).get("token") != token:
        raise Plain("invalid-room")
    return room


# ==== visitors (§2) ===============================================================================
@dataclass(frozen=True)
class ClientInfo:
    """What a visitor's request tells about the client, stored only when
    `Livechat_Allow_collect_and_store_HTTP_header_informations` is true."""

    user_agent: str | None = None
    ip: str | None = None
    host: str | None = None


def register_visitor(
    conn: Connection, data: Mapping[str, Any], *, setting: Setting, client: ClientInfo
) -> Document:
    """POST livechat/visitor (§2.1). Every check (steps 1-3 and 7.1) runs before the first write."""
    token = str(data["token"])
    if not token.strip():
        raise Coded("error-invalid-token", "Token cannot be empty", {"method": "livechat/visitor"})
    email = str(data["email"]).strip().lower() if data.get("email") else None
    if email is not None and not domain.is_valid_email(email):
        raise Coded("error-invalid-email", f"Invalid email {email}")
    name = data.get("name") or None
    phone = data.get("phone") or None

    by_token = store.visitor_by_token(conn, token, for_update=True)
    department_id = None
    department = data.get("department")
    if department and department != (by_token or {}).get("department"):
        found = store.department_by_id_or_name(conn, str(department))
        if found is None:
            raise Coded("error-invalid-department", "The provided department is invalid")
        department_id = found["_id"]

    fields = [f for f in data.get("customFields") or [] if isinstance(f, Mapping)]
    definitions = store.all_custom_fields(conn) if fields else []
    missing = domain.missing_required(definitions, [str(f.get("key")) for f in fields])
    if missing:
        raise Plain("Missing required custom fields: " + ", ".join(missing))

    now = now_iso()
    visitor, keep_token, created = _visitor_to_update(conn, data, by_token, phone, email, now)
    visitor["token"] = keep_token or token
    visitor["status"] = "online"
    if name:
        visitor["name"] = name
    if email:
        visitor["visitorEmails"] = [{"address": email}]
    if phone:
        visitor["phone"] = [{"phoneNumber": phone}]
    if department_id:
        visitor["department"] = department_id
    if created and setting("Livechat_Allow_collect_and_store_HTTP_header_informations"):
        for key, value in (("userAgent", client.user_agent), ("ip", client.ip), ("host", client.host)):
            if value:
                visitor[key] = value

    # step 7: visitor-scope values (unknown keys are ignored; regexps are not checked here)
    visitor_scope = {d["_id"] for d in definitions if d.get("scope") == "visitor"}
    applied: list[tuple[str, str, bool]] = []
    for field in fields:
        key, value, overwrite = str(field["key"]), str(field["value"]), field.get("overwrite") is True
        if key not in visitor_scope:
            continue
        livechat_data = dict(visitor.get("livechatData") or {})
        if domain.set_custom_value(livechat_data, key, value, overwrite, unless_truthy=True):
            visitor["livechatData"] = livechat_data
        applied.append((key, value, overwrite))

    if created:
        store.insert_visitor(conn, visitor)
    else:
        store.replace_visitor(conn, visitor)
    if str(visitor.get("name") or "").strip():
        _rename_open_rooms(conn, visitor["token"], str(visitor["name"]))
    contacts.apply_visitor_custom_fields(conn, visitor["_id"], applied)
    return visitor


def _visitor_to_update(
    conn: Connection,
    data: Mapping[str, Any],
    by_token: Document | None,
    phone: str | None,
    email: str | None,
    now: str,
) -> tuple[Document, str | None, bool]:
    """§2.1 step 4: (visitor, token to keep or None, created?)."""
    if by_token is not None:
        return copy.deepcopy(by_token), None, False
    if phone:
        by_phone = store.visitor_by_phone(conn, phone)
        if by_phone is not None:
            return copy.deepcopy(by_phone), str(by_phone.get("token") or ""), False
    if email:
        by_email = store.visitor_by_email(conn, email)
        if by_email is not None:
            return copy.deepcopy(by_email), None, False
    wanted_id = data.get("id") or None
    if wanted_id:
        # Rocket.Chat upserts by `_id`: a client-chosen id that is already stored (even a deleted
        # visitor's) updates that document instead of colliding [decision].
        stored = store.visitor_document(conn, str(wanted_id), for_update=True)
        if stored is not None:
            stored = copy.deepcopy(stored)
            stored.pop("disabled", None)
            return stored, None, False
    username = data.get("username") or f"guest-{settings_store.increment(conn, 'Livechat_guest_count')}"
    return {"_id": str(wanted_id or object_id()), "username": username, "ts": now}, None, True


def _rename_open_rooms(conn: Connection, token: str, name: str) -> None:
    """§2.1 step 6: the open rooms' fname, their inquiry's name, their subscriptions' names."""
    for room in store.open_rooms_of_token(conn, token, for_update=True):
        if room.get("fname") != name:
            room["fname"] = name
            store.replace_room(conn, room)
        inquiry = store.inquiry_of_room(conn, room["_id"], for_update=True)
        if inquiry is not None and inquiry.get("name") != name:
            inquiry["name"] = name
            store.replace_inquiry(conn, inquiry)
        for sub in store.subscriptions_of_room(conn, room["_id"], for_update=True):
            if sub.get("name") != name or sub.get("fname") != name:
                sub["name"] = sub["fname"] = name
                store.replace_subscription(conn, sub)


def visitor_by_token(conn: Connection, token: str) -> Document:
    """GET livechat/visitor/{token} (§2.2)."""
    visitor = store.visitor_by_token(conn, token)
    if visitor is None:
        raise Coded("invalid-token")
    return visitor


def delete_visitor(conn: Connection, token: str, *, setting: Setting) -> Document:
    """DELETE livechat/visitor/{token} (§2.3): every room of the token goes (with its messages,
    subscriptions and inquiry); the visitor is disabled and its personal data removed. Linked
    contacts are left as they are."""
    visitor = store.visitor_by_token(conn, token, for_update=True)
    if visitor is None:
        raise Coded("invalid-token")
    if store.has_open_room(conn, token) and not setting(
        "Livechat_Allow_collect_and_store_HTTP_header_informations"
    ):
        raise Coded("visitor-has-open-rooms", "Cannot remove visitors with opened rooms")
    store.delete_rooms(conn, store.room_ids_of_token(conn, token))
    for key in ("name", "visitorEmails", "phone", "livechatData", "department"):
        visitor.pop(key, None)
    visitor["disabled"] = True
    store.replace_visitor(conn, visitor)
    return {"_id": visitor["_id"], "ts": now_iso()}


# ==== custom fields (§3) ==========================================================================
def save_custom_field(conn: Connection, field_id: str | None, data: Mapping[str, Any]) -> Document:
    """custom-fields.save (§3.1): create when `field_id` is None, else update that definition."""
    properties = {k: v for k, v in data.items() if k != "field"}
    if field_id is None:
        name = str(data["field"])
        if not _FIELD_NAME.fullmatch(name):
            raise Plain(_INVALID_FIELD_NAME)
        if store.custom_field(conn, name) is not None:
            raise Plain("Custom Field already exists")
        return store.insert_custom_field(conn, {"_id": name, **properties})
    if field_id == "":
        raise Plain(_INVALID_FIELD_NAME)
    current = store.custom_field(conn, field_id, for_update=True)
    if current is None:
        raise Plain("Custom Field Not found")
    current.update(properties)
    return store.replace_custom_field(conn, current)


def delete_custom_field(conn: Connection, field_id: str) -> None:
    """custom-fields.delete (§3.2): stored values stay where they are."""
    if not store.delete_custom_field(conn, field_id):
        raise Plain("Custom field not found")


def list_custom_fields(conn: Connection, text: str | None, page: Page, sort_keys: SortKeys) -> Document:
    """GET livechat/custom-fields (§3.3): `text` is a literal, case-insensitive substring of the
    label or the id."""
    term = (text or "").lower()
    ids = [
        str(d["_id"])
        for d in store.all_custom_fields(conn)
        if not term or term in str(d.get("label") or "").lower() or term in str(d["_id"]).lower()
    ]
    found = store.custom_fields_page(conn, ids, sort_keys, page.offset, page.limit)
    return {"customFields": found, "count": len(found), "offset": page.offset, "total": len(ids)}


def custom_field(conn: Connection, field_id: str) -> Document | None:
    doc = store.custom_field(conn, field_id)
    return store.public_custom_field(doc) if doc is not None else None


@dataclass(frozen=True)
class FieldValue:
    key: str
    value: str
    overwrite: bool


def set_visitor_custom_fields(conn: Connection, token: str, values: Sequence[FieldValue]) -> list[FieldValue]:
    """livechat/custom.field (§3.5, one value) and livechat/custom.fields (§3.7, several).

    Every check runs before any write. Returns the values in the order they were applied: room
    scope first, then visitor scope, each in request order."""
    visitor = _visitor_or_raise(conn, token, for_update=True)
    definitions = {d["_id"]: d for d in store.all_custom_fields(conn)}
    known = [v for v in values if v.key in definitions]
    if not known or len(known) != len(values):
        raise Plain("invalid-custom-field")
    for item in known:
        if not contacts_domain.regexp_matches(definitions[item.key].get("regexp"), item.value):
            raise Plain(f"Invalid value for {item.key} field")
    room_values = [v for v in known if definitions[v.key].get("scope") == "room"]
    visitor_values = [v for v in known if definitions[v.key].get("scope") == "visitor"]

    if room_values:
        for room in store.open_rooms_of_token(conn, token, for_update=True):
            room_data = dict(room.get("livechatData") or {})
            changed = [domain.set_custom_value(room_data, v.key, v.value, v.overwrite) for v in room_values]
            if any(changed):
                room["livechatData"] = room_data
                store.replace_room(conn, room)
    if visitor_values:
        visitor_data = dict(visitor.get("livechatData") or {})
        changed = [domain.set_custom_value(visitor_data, v.key, v.value, v.overwrite) for v in visitor_values]
        if any(changed):
            visitor["livechatData"] = visitor_data
            store.replace_visitor(conn, visitor)
        contacts.apply_visitor_custom_fields(
            conn, visitor["_id"], [(v.key, v.value, v.overwrite) for v in visitor_values]
        )
    return room_values + visitor_values


# ==== rooms (§4) ==================================================================================
def visitor_room(
    conn: Connection,
    token: str,
    *,
    rid: str | None,
    agent_id: str | None,
    source: Mapping[str, Any],
    setting: Setting,
) -> tuple[Document, bool]:
    """GET livechat/room (§4.2): (room, newRoom)."""
    visitor = _visitor_or_raise(conn, token, for_update=True)
    if rid:
        room = store.room(conn, rid)
        if room is None or (room.get("v") or {}).get("token") != token or room.get("open") is not True:
            raise Plain("invalid-room")
        return room, False
    return open_or_create_room(conn, visitor, source, agent_id=agent_id, setting=setting)


def ingest_room(
    conn: Connection,
    token: str,
    *,
    source: Mapping[str, Any],
    agent_id: str | None,
    setting: Setting,
) -> tuple[Document, bool]:
    """POST livechat/room.ingest: an integration opens (or finds) the conversation of a visitor on
    any source type, through the same creation path as GET livechat/room."""
    visitor = _visitor_or_raise(conn, token, for_update=True)
    return open_or_create_room(conn, visitor, domain.clean_source(source), agent_id=agent_id, setting=setting)


def open_or_create_room(
    conn: Connection,
    visitor: Document,
    source: Mapping[str, Any],
    *,
    agent_id: str | None,
    setting: Setting,
) -> tuple[Document, bool]:
    """The visitor's open room (any source: one conversation at a time), else a new one (§4.3).
    Shared by GET livechat/room and the integrations' room.ingest."""
    open_rooms = store.open_rooms_of_token(conn, str(visitor["token"]))
    if open_rooms:
        return open_rooms[0], False
    return create_room(conn, visitor, source, agent_id=agent_id, setting=setting), True


def create_room(
    conn: Connection,
    visitor: Document,
    source: Mapping[str, Any],
    *,
    agent_id: str | None,
    setting: Setting,
) -> Document:
    """§4.3 in the spec's order; any error aborts the whole request, so nothing is left behind."""
    if not setting("Livechat_enabled"):
        raise Coded("error-omnichannel-is-disabled")
    if contacts.blocked_channel(conn, visitor["_id"], source):
        raise Plain("error-contact-channel-blocked")
    idle_counts = setting("Livechat_enabled_when_agent_idle") is not False
    requested = _requested_agent(conn, agent_id)
    staff = users_store.all_users(conn)
    if (
        not setting("Livechat_accept_chats_with_no_agents")
        and requested is None
        and not any(domain.is_online_available(u, idle_counts=idle_counts) for u in staff)
    ):
        raise Coded("no-agent-online", "Sorry, no online agents")

    now = now_iso()
    contact = contacts.link_visitor(conn, visitor, source, now)
    room = domain.new_room(rid=random_id(), visitor=visitor, contact=contact, source=source, now=now)
    store.insert_room(conn, room)

    if requested is None and setting("Livechat_assign_new_conversation_to_bot"):
        requested = next((u for u in staff if domain.is_bot(u) and domain.is_agent(u)), None)
    routing_method = setting("Livechat_Routing_Method")
    status = domain.initial_inquiry_status(routing_method, requested)
    inquiry = domain.new_inquiry(
        inquiry_id=object_id(), room=room, status=status, now=now, default_agent=requested
    )
    store.insert_inquiry(conn, inquiry)

    last_chat = {"_id": room["_id"], "ts": now}
    visitor["lastChat"] = dict(last_chat)
    store.replace_visitor(conn, visitor)
    contacts.record_last_chat(conn, contact["_id"], visitor["_id"], source, last_chat)

    if status != "ready":
        return room
    assignment = domain.choose_agent(requested, staff, routing_method=routing_method, idle_counts=idle_counts)
    if assignment.agent is None:
        return room  # not an error: the inquiry stays ready until a manager intervenes (§7.3)
    if not assignment.counted:
        agent = users_store.get(conn, assignment.agent["_id"], for_update=True)
        return take(conn, room, inquiry, agent) if agent is not None else room
    # The next agent: decide again on locked, current rows, so that concurrent conversations
    # spread over the agents instead of all reading the same counts.
    candidates = [u["_id"] for u in staff if domain.is_online_available(u, idle_counts=idle_counts)]
    chosen = domain.next_agent(store.lock_users(conn, candidates), idle_counts=idle_counts)
    if chosen is None:
        return room
    agent = dict(chosen)
    count = agent.get("livechatCount")
    agent["livechatCount"] = (count if isinstance(count, int) and not isinstance(count, bool) else 0) + 1
    users_service.update_user(conn, agent)
    return take(conn, room, inquiry, agent)


def _requested_agent(conn: Connection, agent_id: str | None) -> Document | None:
    """`agentId` names the requested agent only when that user has the livechat-agent role."""
    if not agent_id:
        return None
    user = users_store.get(conn, agent_id)
    return user if user is not None and domain.is_agent(user) else None


def take(conn: Connection, room: Document, inquiry: Document, agent: Document) -> Document:
    """§7.4, shared by routing and inquiries.take. Returns the room as stored afterwards."""
    if room.get("open") is not True or (room.get("servedBy") or {}).get("_id") == agent["_id"]:
        return room
    now = now_iso()
    store.replace_inquiry(conn, domain.taken(inquiry, now))
    if store.subscription(conn, room["_id"], agent["_id"]) is None:
        store.insert_subscription(
            conn, domain.new_subscription(sub_id=object_id(), room=room, agent=agent, now=now)
        )
    joined = [("command", "connected"), ("uj", "")]
    for kind, text in joined:
        store.insert_message(
            conn,
            domain.system_message(
                msg_id=random_id(), rid=room["_id"], t=kind, msg=text, user=domain.user_ref(agent), now=now
            ),
        )
    return store.replace_room(conn, domain.served(room, agent, now, system_messages=len(joined)))


# ==== messages (§6, §12) ==========================================================================
def _js_length(text: str) -> int:
    """JavaScript `string.length` (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _new_message_id(conn: Connection, wanted: str | None) -> str:
    if not wanted:
        return random_id()
    if store.message_exists(conn, wanted):
        raise Plain("error-message-already-exists")  # [decision] a client-chosen id must be new
    return wanted


def send_visitor_message(
    conn: Connection, token: str, rid: str, msg: str, *, message_id: str | None, setting: Setting
) -> Document:
    """POST livechat/message (§6)."""
    visitor = _visitor_or_raise(conn, token)
    room = _visitor_room_or_raise(conn, token, rid)
    if room.get("open") is not True:
        raise Plain("room-closed")
    limit = setting("Livechat_message_character_limit")
    if setting("Livechat_enable_message_character_limit") and _js_length(msg) > int(limit or 0):
        raise Plain("message-length-exceeds-character-limit")
    message = domain.visitor_message(
        msg_id=_new_message_id(conn, message_id), rid=rid, msg=msg, visitor=visitor, now=now_iso()
    )
    store.insert_message(conn, message)
    updated = domain.with_last_message(room, message)
    updated["v"] = {**(updated.get("v") or {}), "lastMessageTs": message["ts"]}
    store.replace_room(conn, updated)
    inquiry = store.inquiry_of_room(conn, rid, for_update=True)
    if inquiry is not None:
        inquiry["message"] = msg
        store.replace_inquiry(conn, inquiry)
    return message


def send_agent_message(
    conn: Connection,
    user: Mapping[str, Any],
    rid: str,
    msg: str,
    *,
    message_id: str | None,
    may_close_others: Callable[[], bool],
) -> Document:
    """POST chat.sendMessage (§12.1): the serving agent (or a holder of close-others-livechat-room)
    replies in an open livechat room."""
    room = store.room(conn, rid, for_update=True)
    if room is None or room.get("t") != "l":
        raise Coded("error-invalid-room", "Invalid room", {"method": "sendMessage"})
    if room.get("open") is not True:
        raise Plain("room-closed")
    if (room.get("servedBy") or {}).get("_id") != user["_id"] and not may_close_others():
        raise Coded("error-not-allowed", "Not allowed", {"method": "sendMessage"})
    message = domain.user_message(
        msg_id=_new_message_id(conn, message_id), rid=rid, msg=msg, user=user, now=now_iso()
    )
    store.insert_message(conn, message)
    store.replace_room(conn, domain.with_last_message(room, message))
    return message


def visitor_history(
    conn: Connection, token: str, rid: str, *, since: str | None, until: str | None, limit: int | None
) -> list[Document]:
    """GET livechat/messages.history/{rid} (§12.2): the visitor's own room only, newest first."""
    room = store.room(conn, rid)
    if (
        room is None
        or (room.get("v") or {}).get("token") != token
        or store.visitor_by_token(conn, token) is None
    ):
        raise Plain("invalid-token")
    return store.messages_of_room(conn, rid, since=since, until=until, limit=limit)


def transcript(conn: Connection, rid: str, search_term: str | None, page: Page) -> Document:
    """GET livechat/{rid}/messages (§12.3): conversation messages, oldest first, tokens removed."""
    room = store.room(conn, rid)
    if room is None or room.get("t") != "l":
        raise Plain("error-invalid-room")
    found, total = store.transcript_page(conn, rid, search_term, page.offset, page.limit, descending=False)
    messages = [domain.without_token(m) for m in found]
    return {"messages": messages, "count": len(messages), "offset": page.offset, "total": total}


# ==== agents and managers (§10) ===================================================================
def _role_of(kind: str) -> str:
    role = domain.ROLE_OF_TYPE.get(kind)
    if role is None:
        raise Plain("Invalid type")
    return role


def add_livechat_user(conn: Connection, kind: str, username: str) -> Document:
    """POST livechat/users/{type} (§10.1)."""
    found = users_store.get_by_username(conn, username)
    if found is None:
        raise Plain("error-invalid-user")
    role = _role_of(kind)
    user = users_store.get(conn, found["_id"], for_update=True) or found
    roles = list(user.get("roles") or [])
    if role not in roles:
        roles.append(role)
    user["roles"] = roles
    if kind == "agent":
        user["statusLivechat"] = "available"
    users_service.update_user(conn, user)
    return {"_id": user["_id"], "username": user.get("username")}


def list_livechat_users(
    conn: Connection,
    kind: str,
    *,
    text: str | None,
    only_available: bool,
    exclude_id: str | None,
    page: Page,
    sort_keys: SortKeys,
) -> Document:
    """GET livechat/users/{type} (§10.2); the permission check is the handler's."""
    role = _role_of(kind)
    ids = [
        str(u["_id"])
        for u in users_store.all_users(conn)
        if role in domain.roles_of(u)
        and (not text or domain.matches_text(u, text))
        and (not only_available or u.get("statusLivechat") == "available")
        and u["_id"] != exclude_id
    ]
    found = store.users_page(conn, ids, sort_keys, page.offset, page.limit)
    users = [users_service.agent_view(u) for u in found]
    return {"users": users, "count": len(users), "offset": page.offset, "total": len(ids)}


def livechat_user(conn: Connection, kind: str, user_id: str) -> Document | None:
    """GET livechat/users/{type}/{_id} (§10.3): None when the user lacks the role."""
    user = users_store.get(conn, user_id)
    if user is None:
        raise Plain("User not found")
    role = _role_of(kind)
    return users_service.agent_view(user) if role in domain.roles_of(user) else None


def remove_livechat_user(conn: Connection, kind: str, user_id: str) -> None:
    """DELETE livechat/users/{type}/{_id} (§10.4). There are no department memberships to drop,
    and rooms the agent serves stay as they are."""
    user = users_store.get(conn, user_id, for_update=True)
    if user is None or not user.get("username"):
        raise Empty()
    role = _role_of(kind)
    if role in domain.roles_of(user):
        user["roles"] = [r for r in user.get("roles") or [] if r != role]
        users_service.update_user(conn, user)


def set_agent_status(
    conn: Connection,
    caller: Mapping[str, Any],
    *,
    agent_id: str | None,
    status: str | None,
    may_manage_agents: Callable[[], bool],
) -> str:
    """POST livechat/agent.status (§10.5); returns the agent's status afterwards."""
    target = users_store.get(conn, agent_id or caller["_id"], for_update=True)
    if target is None or not domain.is_agent(target):
        raise NotFound("Agent not found")
    if target.get("active") is False:
        raise Plain("error-user-deactivated")
    current = target.get("statusLivechat")
    wanted = status or domain.toggled_status(current)
    if wanted == current:
        return str(current)
    if target["_id"] != caller["_id"] and not may_manage_agents():
        raise Raw(401, UNAUTHORIZED)
    target["statusLivechat"] = wanted
    users_service.update_user(conn, target)
    return wanted


# ==== inquiries and subscriptions (§9, §11, §12.4) ================================================
def inquiry_of_room(conn: Connection, rid: str) -> Document | None:
    return store.inquiry_of_room(conn, rid)


def take_inquiry(
    conn: Connection, caller: Mapping[str, Any], inquiry_id: str, *, user_id: str | None, setting: Setting
) -> None:
    """POST livechat/inquiries.take (§9.2)."""
    target = users_store.get(conn, user_id or caller["_id"], for_update=True)
    if target is None:
        raise Plain("The user is invalid")
    inquiry = store.inquiry(conn, inquiry_id, for_update=True)
    if inquiry is None:
        raise Coded("error-not-found", "Inquiry not found", dict(_TAKE_DETAILS))
    if inquiry.get("status") == "taken":
        raise Coded("error-inquiry-taken", "Inquiry already taken", dict(_TAKE_DETAILS))
    if not domain.is_online_available(
        target,
        idle_counts=setting("Livechat_enabled_when_agent_idle") is not False,
        need_presence=not setting("Livechat_accept_chats_with_no_agents"),
    ):
        raise Coded(
            "error-agent-status-service-offline",
            "Agent status is offline or Omnichannel service is not active",
            dict(_TAKE_DETAILS),
        )
    room = store.room(conn, str(inquiry["rid"]), for_update=True)
    if room is not None:
        take(conn, room, inquiry, target)


def list_inquiries(
    conn: Connection, department: str | None, page: Page, sort_keys: SortKeys | None
) -> Document:
    """GET livechat/inquiries.list (§12.4): queued inquiries first, by `ts`, unless sorted."""
    found, total = store.inquiries_page(conn, department, sort_keys, page.offset, page.limit)
    return {"inquiries": found, "count": len(found), "offset": page.offset, "total": total}


def subscription(conn: Connection, user_id: str, rid: str) -> Document | None:
    return store.subscription(conn, rid, user_id)
