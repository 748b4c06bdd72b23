"""The only place that talks SQL for what every request reads before its handler runs: the caller
(by user id and hashed login token), the settings and the permissions the pipeline needs.

All three come back from ONE statement (a UNION ALL of three keyed lookups), built once: a request
pays one round trip for them instead of one per table, which matters most on PostgreSQL, where every
statement crosses a socket.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.engine import Connection

from omnicontacts.db import tables
from omnicontacts.db.documents import Document

U = tables.users.c
T = tables.login_tokens.c
S = tables.settings.c
P = tables.permissions.c

_PREAMBLE = union_all(
    select(literal("user").label("kind"), U.id.label("id"), U.doc.label("doc"))
    .select_from(tables.users.join(tables.login_tokens, T.user_id == U.id))
    .where(U.id == bindparam("user_id"), T.hashed_token == bindparam("hashed_token")),
    select(literal("setting"), S.id, S.doc).where(S.id.in_(bindparam("setting_ids", expanding=True))),
    select(literal("permission"), P.id, P.doc).where(P.id.in_(bindparam("permission_ids", expanding=True))),
)


@dataclass
class Preamble:
    """Stored documents only: a setting or permission that is not stored is simply absent."""

    user: Document | None = None
    settings: dict[str, Document] = field(default_factory=dict)
    permissions: dict[str, Document] = field(default_factory=dict)


def preamble(
    conn: Connection,
    *,
    user_id: str | None,
    hashed_token: str | None,
    setting_ids: list[str],
    permission_ids: list[str],
) -> Preamble:
    """The user owning that token (None without a match), and the stored settings and permission
    documents among the ids asked for."""
    out = Preamble()
    rows = conn.execute(
        _PREAMBLE,
        {
            "user_id": user_id or "",
            "hashed_token": hashed_token or "",
            "setting_ids": setting_ids,
            "permission_ids": permission_ids,
        },
    )
    for kind, doc_id, doc in rows:
        if kind == "user":
            out.user = doc
        elif kind == "setting":
            out.settings[doc_id] = doc
        else:
            out.permissions[doc_id] = doc
    return out
