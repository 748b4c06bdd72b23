"""Every table on one MetaData (SQLAlchemy Core), dialect-neutral.

Storage model: each Rocket.Chat collection is a table holding the whole document in `doc` (JSON on
SQLite, JSONB on PostgreSQL) so that every stored field round-trips exactly as clients sent it,
plus plain columns copied out of the document for everything we filter, join, order or count on.
The copies are written only by `documents.Collection` (one place), so they never drift from `doc`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Doc = JSON().with_variant(JSONB(), "postgresql")
# Rooms keep their document as text on PostgreSQL too (`json`, not `jsonb`; migration 0003): a
# history page sends 25 whole documents, and turning JSONB back into text cost PostgreSQL about as
# much as the rest of the request's query. No query looks inside a room's document for a filter
# or a join (those read the copied-out columns); sorting by an arbitrary path still can.
RoomDoc = JSON()
Id = String(64)
Date = String(32)  # ISO-8601 `YYYY-MM-DDTHH:MM:SS.mmmZ`: sorts correctly as text

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True),
    Column("username_lower", String(255), nullable=False, unique=True),
    Column("email_lower", String(320), nullable=True, unique=True),
    Column("doc", Doc, nullable=False),
)

login_tokens = Table(
    "login_tokens",
    metadata,
    Column("hashed_token", String(64), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("when", Date, nullable=False),
)

roles = Table("roles", metadata, Column("id", Id, primary_key=True), Column("doc", Doc, nullable=False))

permissions = Table(
    "permissions",
    metadata,
    Column("id", Id, primary_key=True),
    Column("updated_at", Date, nullable=False),
    Column("doc", Doc, nullable=False),
)

settings = Table("settings", metadata, Column("id", Id, primary_key=True), Column("doc", Doc, nullable=False))

rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(512), primary_key=True),
    Column("reset_at", BigInteger, nullable=False),  # epoch ms when the window ends
    Column("count", Integer, nullable=False),
)

departments = Table(
    "departments",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(255), nullable=True, index=True),
    Column("doc", Doc, nullable=False),
)

custom_fields = Table(
    "custom_fields",
    metadata,
    Column("id", Id, primary_key=True),
    Column("seq", BigInteger, nullable=False, index=True),  # creation order
    Column("doc", Doc, nullable=False),
)

visitors = Table(
    "visitors",
    metadata,
    Column("id", Id, primary_key=True),
    Column("token", String(255), nullable=False, index=True),
    Column("enabled", Boolean, nullable=False),
    Column("email_lower", String(320), nullable=True, index=True),
    Column("phone", String(255), nullable=True, index=True),
    Column("doc", Doc, nullable=False),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("unknown", Boolean, nullable=True),
    Column("name", Text, nullable=True),
    Column("pre_registration", Boolean, nullable=False),
    Column("created_at", Date, nullable=True),
    # lower-cased name, e-mails and phones joined by \x1f: one column for contacts.search
    Column("search_text", Text, nullable=False),
    Column("doc", Doc, nullable=False),
    Index("ix_contacts_listing", "enabled", "unknown", "name", "id"),
)
# contacts.search's substring filter (migration 0002): a covering B-tree on SQLite, a trigram GIN
# index on PostgreSQL (whose B-tree rows are capped at about 2.7 kB)
Index("ix_contacts_search", contacts.c.enabled, contacts.c.unknown, contacts.c.search_text).ddl_if(
    dialect="sqlite"
)
Index(
    "ix_contacts_search_trgm",
    contacts.c.search_text,
    postgresql_using="gin",
    postgresql_ops={"search_text": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")

contact_keys = Table(
    "contact_keys",
    metadata,
    Column("kind", String(16), primary_key=True),  # email | phone | visitor
    Column("value", String(512), primary_key=True),
    Column("contact_id", Id, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_contact_keys_contact", "contact_id"),
)

rooms = Table(
    "rooms",
    metadata,
    Column("id", Id, primary_key=True),
    Column("t", String(8), nullable=False),
    Column("contact_id", Id, nullable=True),
    Column("v_id", Id, nullable=True, index=True),
    Column("v_token", String(255), nullable=True),
    Column("open", Boolean, nullable=False),
    Column("ts", Date, nullable=False),
    Column("closed_at", Date, nullable=True),
    Column("source_type", String(32), nullable=True),
    Column("source_alias", String(255), nullable=True),
    Column("doc", RoomDoc, nullable=False),
    Column("department_id", Id, nullable=True),  # history joins the department's name on it
    Index("ix_rooms_token_open", "v_token", "open"),
)
# contacts.history: one contact's closed rooms in the default order (newest first, ties by id), so
# a page - at any offset - is read from the index alone; and the same for sorting by creation time.
Index("ix_rooms_history", rooms.c.contact_id, rooms.c.closed_at.desc(), rooms.c.id)
Index("ix_rooms_contact_ts", rooms.c.contact_id, rooms.c.ts, rooms.c.id)

contact_room_counts = Table(
    "contact_room_counts",
    metadata,
    # closed rooms per (contact, source type, source alias): exact history totals without
    # counting a long history row by row (see history.store)
    Column("contact_id", Id, primary_key=True),
    Column("source_type", String(32), primary_key=True),
    Column("source_alias", String(255), primary_key=True),  # '' when the room has none
    Column("closed", BigInteger, nullable=False),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Id, primary_key=True),
    Column("rid", Id, nullable=False),
    Column("ts", Date, nullable=False),
    Column("t", String(64), nullable=True),
    # the text, lower-cased in Python (SQLite's lower() is ASCII-only): where a search index
    # can reach it, and what transcript search matches on both engines
    Column("msg_search", Text, nullable=False),
    Column("doc", Doc, nullable=False),
    Index("ix_messages_room", "rid", "ts", "id"),
)

inquiries = Table(
    "inquiries",
    metadata,
    Column("id", Id, primary_key=True),
    Column("rid", Id, nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("ts", Date, nullable=False),
    Column("v_id", Id, nullable=True, index=True),
    Column("department", Id, nullable=True),
    Column("doc", Doc, nullable=False),
    Index("ix_inquiries_status_ts", "status", "ts", "id"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Id, primary_key=True),
    Column("rid", Id, nullable=False),
    Column("user_id", Id, nullable=False, index=True),
    Column("v_id", Id, nullable=True, index=True),
    Column("doc", Doc, nullable=False),
    UniqueConstraint("rid", "user_id"),
)
