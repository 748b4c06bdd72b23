"""The only place that talks SQL for visitors, rooms, messages, inquiries, subscriptions,
custom-field definitions and departments.

Room writes go through `insert_room` / `replace_room` / `delete_rooms` only: they keep the
per-contact closed-room counters (`contact_room_counts`) exact in the same transaction, which is
what lets contacts.history answer `total` without counting a long history row by row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select, text
from sqlalchemy.engine import Connection

from omnicontacts.db import sorting, tables
from omnicontacts.db.documents import Collection, Document


def like_pattern(term: str) -> str:
    """A LIKE pattern matching `term` literally anywhere (escape char: backslash)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ---- visitors -----------------------------------------------------------------------------------
def _visitor_columns(doc: Document) -> dict[str, Any]:
    emails = doc.get("visitorEmails") or []
    phones = doc.get("phone") or []
    return {
        "token": doc.get("token") or "",
        "enabled": doc.get("disabled") is not True,
        "email_lower": str(emails[0].get("address", "")).lower() if emails else None,
        "phone": phones[0].get("phoneNumber") if phones else None,
    }


visitors = Collection(tables.visitors, _visitor_columns)
V = tables.visitors.c


def visitor_by_token(conn: Connection, token: str, *, for_update: bool = False) -> Document | None:
    found = visitors.find(
        conn, V.token == token, V.enabled.is_(True), order_by=[V.id], limit=1, for_update=for_update
    )
    return found[0] if found else None


def visitor_by_phone(conn: Connection, phone: str) -> Document | None:
    return visitors.find_one(conn, V.phone == phone, V.enabled.is_(True), order_by=[V.id])


def visitor_by_email(conn: Connection, email: str) -> Document | None:
    return visitors.find_one(conn, V.email_lower == email.lower(), V.enabled.is_(True), order_by=[V.id])


def visitor_by_id(conn: Connection, visitor_id: str) -> Document | None:
    doc = visitors.get(conn, visitor_id)
    return doc if doc is not None and doc.get("disabled") is not True else None


def visitor_document(conn: Connection, visitor_id: str, *, for_update: bool = False) -> Document | None:
    """The stored visitor with this `_id`, disabled or not (a client-chosen id must not collide)."""
    return visitors.get(conn, visitor_id, for_update=for_update)


def insert_visitor(conn: Connection, doc: Document) -> Document:
    return visitors.insert(conn, doc)


def replace_visitor(conn: Connection, doc: Document) -> Document:
    return visitors.replace(conn, doc)


# ---- rooms --------------------------------------------------------------------------------------
def _lower(value: Any) -> str:
    return str(value).lower() if value is not None else ""


def _room_columns(doc: Document) -> dict[str, Any]:
    source = doc.get("source") or {}
    v = doc.get("v") or {}
    return {
        "t": doc.get("t", "l"),
        "contact_id": doc.get("contactId"),
        "v_id": v.get("_id"),
        "v_token": v.get("token"),
        "open": doc.get("open") is True,
        "ts": doc.get("ts"),
        "closed_at": doc.get("closedAt"),
        # lower-cased copies for the case-insensitive history `source` filter
        "source_type": _lower(source.get("type")),
        "source_alias": _lower(source.get("alias")),
        "department_id": _department_id(doc),
    }


def _department_id(doc: Document) -> str | None:
    """The department a room names, when it names one by a (non-empty) string id: what the
    department lookup of a history row can match."""
    value = doc.get("departmentId")
    return value if isinstance(value, str) and value else None


_rooms = Collection(tables.rooms, _room_columns)
R = tables.rooms.c
CRC = tables.contact_room_counts.c

_BUMP = text(
    """
    INSERT INTO contact_room_counts (contact_id, source_type, source_alias, closed)
    VALUES (:contact_id, :source_type, :source_alias, :delta)
    ON CONFLICT (contact_id, source_type, source_alias)
    DO UPDATE SET closed = contact_room_counts.closed + :delta
    """
)


def _count_key(columns: dict[str, Any] | Any) -> tuple[str, str, str] | None:
    get = columns.get if isinstance(columns, dict) else lambda k: getattr(columns, k)
    if get("contact_id") is None or get("closed_at") is None:
        return None
    return (str(get("contact_id")), str(get("source_type") or ""), str(get("source_alias") or ""))


def _bump(conn: Connection, key: tuple[str, str, str] | None, delta: int) -> None:
    if key is not None:
        conn.execute(
            _BUMP, {"contact_id": key[0], "source_type": key[1], "source_alias": key[2], "delta": delta}
        )


def room(conn: Connection, rid: str, *, for_update: bool = False) -> Document | None:
    return _rooms.get(conn, rid, for_update=for_update)


def rooms_where(conn: Connection, *where: ColumnElement[bool], for_update: bool = False) -> list[Document]:
    return _rooms.find(conn, *where, order_by=[R.ts, R.id], for_update=for_update)


def open_rooms_of_token(conn: Connection, token: str, *, for_update: bool = False) -> list[Document]:
    return rooms_where(conn, R.v_token == token, R.open.is_(True), for_update=for_update)


def room_ids_of_token(conn: Connection, token: str) -> list[str]:
    """Every room of a visitor token, open or closed."""
    return [row[0] for row in conn.execute(select(R.id).where(R.v_token == token).order_by(R.id))]


def has_open_room(conn: Connection, token: str) -> bool:
    return conn.execute(select(R.id).where(R.v_token == token, R.open.is_(True)).limit(1)).first() is not None


def rooms_of_contact(conn: Connection, contact_id: str, *, for_update: bool = False) -> list[Document]:
    """Every room of a contact, open or closed (renaming cascade, contacts.md §1.2)."""
    return rooms_where(conn, R.contact_id == contact_id, for_update=for_update)


def insert_room(conn: Connection, doc: Document) -> Document:
    _rooms.insert(conn, doc)
    _bump(conn, _count_key(_room_columns(doc)), 1)
    return doc


def insert_rooms(conn: Connection, docs: list[Document], *, touch: bool = True) -> None:
    """Bulk insert (demo data, benchmarks), counters included."""
    _rooms.insert_many(conn, docs, touch=touch)
    totals: dict[tuple[str, str, str], int] = {}
    for doc in docs:
        key = _count_key(_room_columns(doc))
        if key is not None:
            totals[key] = totals.get(key, 0) + 1
    for key, delta in totals.items():
        _bump(conn, key, delta)


def replace_room(conn: Connection, doc: Document) -> Document:
    before = conn.execute(
        select(R.contact_id, R.closed_at, R.source_type, R.source_alias).where(R.id == doc["_id"])
    ).first()
    _rooms.replace(conn, doc)
    old_key = _count_key(before) if before is not None else None
    new_key = _count_key(_room_columns(doc))
    if old_key != new_key:
        _bump(conn, old_key, -1)
        _bump(conn, new_key, 1)
    return doc


def delete_rooms(conn: Connection, rids: list[str]) -> None:
    if not rids:
        return
    rows = conn.execute(
        select(R.contact_id, R.closed_at, R.source_type, R.source_alias).where(R.id.in_(rids))
    ).all()
    for row in rows:
        _bump(conn, _count_key(row), -1)
    _rooms.delete(conn, R.id.in_(rids))
    messages.delete(conn, M.rid.in_(rids))
    subscriptions.delete(conn, S.rid.in_(rids))
    inquiries.delete(conn, I.rid.in_(rids))


# ---- messages -----------------------------------------------------------------------------------
messages = Collection(
    tables.messages,
    lambda doc: {
        "rid": doc["rid"],
        "ts": doc["ts"],
        "t": doc.get("t"),
        "msg_search": str(doc.get("msg") or "").lower(),
    },
)
M = tables.messages.c


def insert_message(conn: Connection, doc: Document) -> Document:
    return messages.insert(conn, doc)


def message_exists(conn: Connection, message_id: str) -> bool:
    return conn.execute(select(M.id).where(M.id == message_id)).first() is not None


def transcript_filter(rid: str, search_term: str | None) -> list[ColumnElement[bool]]:
    """Conversation messages of a room (no system messages but the closing one), optionally
    narrowed to a literal, case-insensitive substring of `msg`."""
    where: list[ColumnElement[bool]] = [M.rid == rid, or_(M.t.is_(None), M.t == "livechat-close")]
    if search_term:
        where.append(M.msg_search.like(like_pattern(search_term.lower()), escape="\\"))
    return where


def transcript_page(
    conn: Connection, rid: str, search_term: str | None, offset: int, limit: int | None, descending: bool
) -> tuple[list[Document], int]:
    where = transcript_filter(rid, search_term)
    order = [M.ts.desc(), M.id.desc()] if descending else [M.ts.asc(), M.id.asc()]
    return messages.find(conn, *where, order_by=order, limit=limit, offset=offset), messages.count(
        conn, *where
    )


def messages_of_room(
    conn: Connection,
    rid: str,
    *,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[Document]:
    """Newest first, optionally within (since, until]."""
    where: list[ColumnElement[bool]] = [M.rid == rid]
    if since:
        where.append(M.ts > since)
    if until:
        where.append(M.ts < until)
    return messages.find(conn, *where, order_by=[M.ts.desc(), M.id.desc()], limit=limit)


# ---- inquiries ----------------------------------------------------------------------------------
inquiries = Collection(
    tables.inquiries,
    lambda doc: {
        "rid": doc["rid"],
        "status": doc.get("status", "queued"),
        "ts": doc["ts"],
        "v_id": (doc.get("v") or {}).get("_id"),
        "department": doc.get("department"),
    },
)
I = tables.inquiries.c  # noqa: E741


def inquiry_of_room(conn: Connection, rid: str, *, for_update: bool = False) -> Document | None:
    found = inquiries.find(conn, I.rid == rid, limit=1, for_update=for_update)
    return found[0] if found else None


def inquiry(conn: Connection, inquiry_id: str, *, for_update: bool = False) -> Document | None:
    return inquiries.get(conn, inquiry_id, for_update=for_update)


def insert_inquiry(conn: Connection, doc: Document) -> Document:
    return inquiries.insert(conn, doc)


def replace_inquiry(conn: Connection, doc: Document) -> Document:
    return inquiries.replace(conn, doc)


def delete_inquiries_of_room(conn: Connection, rid: str) -> int:
    return inquiries.delete(conn, I.rid == rid)


# Paths that are plain, never-NULL inquiry columns (sort allow-list; see db.sorting).
INQUIRY_SORT_COLUMNS = {"_id": I.id, "ts": I.ts, "status": I.status}


def inquiries_page(
    conn: Connection,
    department: str | None,
    sort_keys: sorting.SortKeys | None,
    offset: int,
    limit: int | None,
) -> tuple[list[Document], int]:
    """One page of inquiries and the total. Without caller sort keys: queued first, then by `ts`."""
    where: list[ColumnElement[bool]] = [I.department == department] if department else []
    if sort_keys:
        order = sorting.order_by(
            I.doc, sort_keys, dialect=conn.dialect.name, columns=INQUIRY_SORT_COLUMNS, id_column=I.id
        )
    else:
        order = [case((I.status == "queued", 0), else_=1), I.ts, I.id]
    return inquiries.find(conn, *where, order_by=order, limit=limit, offset=offset), inquiries.count(
        conn, *where
    )


def inquiries_of_visitors(
    conn: Connection, visitor_ids: list[str], *, for_update: bool = False
) -> list[Document]:
    if not visitor_ids:
        return []
    return inquiries.find(conn, I.v_id.in_(visitor_ids), order_by=[I.id], for_update=for_update)


# ---- subscriptions ------------------------------------------------------------------------------
subscriptions = Collection(
    tables.subscriptions,
    lambda doc: {"rid": doc["rid"], "user_id": doc["u"]["_id"], "v_id": (doc.get("v") or {}).get("_id")},
)
S = tables.subscriptions.c


def subscription(conn: Connection, rid: str, user_id: str) -> Document | None:
    return subscriptions.find_one(conn, S.rid == rid, S.user_id == user_id)


def subscriptions_of_visitors(
    conn: Connection, visitor_ids: list[str], *, for_update: bool = False
) -> list[Document]:
    if not visitor_ids:
        return []
    return subscriptions.find(conn, S.v_id.in_(visitor_ids), order_by=[S.id], for_update=for_update)


def delete_subscriptions_of_user(conn: Connection, user_id: str) -> None:
    subscriptions.delete(conn, S.user_id == user_id)


def subscriptions_of_room(conn: Connection, rid: str, *, for_update: bool = False) -> list[Document]:
    return subscriptions.find(conn, S.rid == rid, order_by=[S.id], for_update=for_update)


def insert_subscription(conn: Connection, doc: Document) -> Document:
    return subscriptions.insert(conn, doc)


def replace_subscription(conn: Connection, doc: Document) -> Document:
    return subscriptions.replace(conn, doc)


def delete_subscriptions_of_room(conn: Connection, rid: str) -> int:
    return subscriptions.delete(conn, S.rid == rid)


# ---- custom-field definitions -------------------------------------------------------------------
custom_fields = Collection(tables.custom_fields, lambda doc: {"seq": doc.get("_seq", 0)})
CF = tables.custom_fields.c


def all_custom_fields(conn: Connection) -> list[Document]:
    """Every definition in creation order."""
    return custom_fields.find(conn, order_by=[CF.seq, CF.id])


def insert_custom_field(conn: Connection, doc: Document) -> Document:
    seq = conn.execute(select(func.coalesce(func.max(CF.seq), 0))).scalar() or 0
    stored = custom_fields.insert(conn, {**doc, "_seq": int(seq) + 1})
    return public_custom_field(stored)


def public_custom_field(doc: Document) -> Document:
    return {k: v for k, v in doc.items() if k != "_seq"}


def custom_field(conn: Connection, field_id: str, *, for_update: bool = False) -> Document | None:
    """A definition as stored (with its creation order `_seq`); see `public_custom_field`."""
    return custom_fields.get(conn, field_id, for_update=for_update)


def replace_custom_field(conn: Connection, doc: Document) -> Document:
    return public_custom_field(custom_fields.replace(conn, doc))


def delete_custom_field(conn: Connection, field_id: str) -> int:
    return custom_fields.delete(conn, CF.id == field_id)


def custom_fields_page(
    conn: Connection, ids: list[str], sort_keys: sorting.SortKeys, offset: int, limit: int | None
) -> list[Document]:
    """The definitions among `ids` (already filtered by the caller), sorted and paged."""
    if not ids:
        return []
    order = sorting.order_by(
        CF.doc, sort_keys, dialect=conn.dialect.name, columns={"_id": CF.id}, id_column=CF.id
    )
    found = custom_fields.find(conn, CF.id.in_(ids), order_by=order, limit=limit, offset=offset)
    return [public_custom_field(doc) for doc in found]


# ---- livechat users (agents and managers) -------------------------------------------------------
U = tables.users.c


def lock_users(conn: Connection, ids: list[str]) -> list[Document]:
    """The current documents of these users, row-locked (in id order, so two lockers never
    deadlock) until the transaction ends: auto-routing decides on fresh `livechatCount`s."""
    if not ids:
        return []
    stmt = select(U.doc).where(U.id.in_(sorted(set(ids)))).order_by(U.id).with_for_update()
    return [row[0] for row in conn.execute(stmt)]


def users_page(
    conn: Connection, ids: list[str], sort_keys: sorting.SortKeys, offset: int, limit: int | None
) -> list[Document]:
    """The users among `ids` (role and text filters run on the documents: staff directories are
    small), sorted with the shared Mongo-order machinery and paged."""
    if not ids:
        return []
    order = sorting.order_by(
        U.doc, sort_keys, dialect=conn.dialect.name, columns={"_id": U.id}, id_column=U.id
    )
    stmt = select(U.doc).where(U.id.in_(ids)).order_by(*order)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    return [row[0] for row in conn.execute(stmt)]


# ---- departments --------------------------------------------------------------------------------
departments = Collection(tables.departments, lambda doc: {"name": doc.get("name")})
D = tables.departments.c


def department_by_id_or_name(conn: Connection, value: str) -> Document | None:
    return departments.get(conn, value) or departments.find_one(conn, D.name == value, order_by=[D.id])
