"""HTTP in/out for GET omnichannel/contacts.history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omnicontacts.api.endpoint import Call
from omnicontacts.api.pagination import PAGING_SCHEMA, parse_sort, resolve_page
from omnicontacts.history import service
from omnicontacts.history.store import HistoryQuery

QUERY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["contactId"],
    "additionalProperties": False,
    "properties": {
        "contactId": {"type": "string"},
        "source": {"type": "string"},
        **PAGING_SCHEMA,
        "sort": {"type": "string"},
    },
}


def contacts_history(call: Call) -> Mapping[str, Any]:
    params = call.params
    page = resolve_page(params, call.setting)
    sort_keys = parse_sort(params.get("sort"), service.DEFAULT_SORT)
    query = HistoryQuery(contact_id=params["contactId"], source=params.get("source") or "")
    return service.contact_history(call.conn, query, page, sort_keys)
