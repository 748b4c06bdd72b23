"""contacts.history (contacts-history.md): look up the contact, read one page and the total."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from omnicontacts.api.pagination import Page, SortKeys
from omnicontacts.errors import Plain
from omnicontacts.history import domain, store
from omnicontacts.history.store import HistoryQuery

DEFAULT_SORT: SortKeys = [("closedAt", -1)]


def contact_history(conn: Connection, query: HistoryQuery, page: Page, sort_keys: SortKeys) -> dict[str, Any]:
    found = store.read_page(conn, query, sort_keys, page.offset, page.limit)
    if found is None:
        raise Plain("error-contact-not-found")
    history = [domain.history_row(room, department) for room, department in found.rooms]
    return {"history": history, "count": len(history), "offset": page.offset, "total": found.total}
