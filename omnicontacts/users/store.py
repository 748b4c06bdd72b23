"""The only place that talks SQL for users and their login tokens."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from omnicontacts.db import tables
from omnicontacts.db.documents import Collection, Document


def _columns(doc: Document) -> dict[str, object]:
    emails = doc.get("emails") or []
    return {
        "username_lower": str(doc.get("username") or doc["_id"]).lower(),
        "email_lower": emails[0]["address"].lower() if emails else None,
    }


users = Collection(tables.users, _columns)
U = tables.users.c
T = tables.login_tokens.c


def get(conn: Connection, user_id: str, *, for_update: bool = False) -> Document | None:
    return users.get(conn, user_id, for_update=for_update)


def get_by_username(conn: Connection, username: str) -> Document | None:
    return users.find_one(conn, U.username_lower == username.lower())


def get_by_email(conn: Connection, email: str) -> Document | None:
    return users.find_one(conn, U.email_lower == email.lower())


def all_users(conn: Connection) -> list[Document]:
    """Every user (staff directories are small; role filters run on the documents)."""
    return users.find(conn, order_by=[U.username_lower])


def user_id_of_token(conn: Connection, hashed_token: str) -> str | None:
    found: str | None = conn.execute(select(T.user_id).where(T.hashed_token == hashed_token)).scalar()
    return found


def add_token(conn: Connection, user_id: str, hashed_token: str, when: str) -> None:
    conn.execute(insert(tables.login_tokens).values(hashed_token=hashed_token, user_id=user_id, when=when))


def remove_token(conn: Connection, hashed_token: str) -> None:
    conn.execute(delete(tables.login_tokens).where(T.hashed_token == hashed_token))


def delete_user(conn: Connection, user_id: str) -> None:
    conn.execute(delete(tables.login_tokens).where(T.user_id == user_id))
    users.delete(conn, U.id == user_id)
