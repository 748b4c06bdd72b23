"""contacts.history (contacts-history.md): look up the contact, read one page and the total."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from omnicontacts.api.pagination import Page, SortKeys
from omnicontacts.contacts import store as contacts_store
from omnicontacts.errors import Plain
from omnicontacts.history import domain, store
from omnicontacts.history.store import HistoryQuery

DEFAULT_SORT: SortKeys = [("closedAt", -1)]


def contact_history(conn: Connection, query: HistoryQuery, page: Page, sort_keys: SortKeys) -> dict[str, Any]:
    if contacts_store.get_enabled(conn, query.contact_id) is None:
        raise Plain("error-contact-not-found")
    rooms = store.page(conn, query, sort_keys, page.offset, page.limit)
    department_ids = sorted({str(r["departmentId"]) for r in rooms if r.get("departmentId")})
    departments = store.departments_by_id(conn, department_ids) if department_ids else {}
    history = [domain.history_row(room, departments) for room in rooms]
    return {
        "history": history,
        "count": len(history),
        "offset": page.offset,
        "total": store.total(conn, query),
    }
