"""HTTP in/out for the contacts API (contacts.md §3): the schemas the route table declares, and
handlers that hand validated input to `contacts.service` and shape the reply. The pipeline has
already authenticated, validated (AJV messages) and checked the permission."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omnicontacts.api.endpoint import Call
from omnicontacts.api.pagination import PAGING_SCHEMA, parse_sort, resolve_page
from omnicontacts.contacts import service

_STRING: dict[str, Any] = {"type": "string"}
_STRING_LIST: dict[str, Any] = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}


def _object(properties: dict[str, Any], *required: str, strict: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if strict:
        schema["additionalProperties"] = False
    return schema


CREATE_SCHEMA = _object(
    {
        "name": _STRING,
        "emails": _STRING_LIST,
        "phones": _STRING_LIST,
        "customFields": {"type": "object", "nullable": True},
        "contactManager": {"type": "string", "nullable": True},
    },
    "name",
    "emails",
    "phones",
)

UPDATE_SCHEMA = _object(
    {
        "contactId": _STRING,
        "name": _STRING,
        "emails": {**_STRING_LIST, "nullable": True},
        "phones": {**_STRING_LIST, "nullable": True},
        "customFields": {"type": "object", "nullable": True},
        "contactManager": {"type": "string", "nullable": True},
        "wipeConflicts": {"type": "boolean", "nullable": True},
    },
    "contactId",
)

GET_SCHEMA = _object({"contactId": {"type": "string", "isNotEmpty": True}}, "contactId")

SEARCH_SCHEMA = _object(
    {
        **PAGING_SCHEMA,
        "sort": _STRING,
        "searchText": _STRING,
        "unknown": {"type": "boolean"},
    }
)

# Exactly one of three shapes (oneOf), each strict: AJV reports every branch's first error.
CHECK_EXISTENCE_SCHEMA: dict[str, Any] = {
    "oneOf": [
        _object({"contactId": {"type": "string", "isNotEmpty": True}}, "contactId"),
        _object({"email": {"type": "string", "format": "basic_email", "isNotEmpty": True}}, "email"),
        _object({"phone": {"type": "string", "isNotEmpty": True}}, "phone"),
    ]
}

CHANNELS_SCHEMA = _object({"contactId": _STRING}, "contactId")

# [unverified strictness] Optional keys are nullable so that `null` reaches the handler, which
# drops it (§3.7) instead of AJV coercing it to "" / false.
CONFLICTS_SCHEMA = _object(
    {
        "contactId": _STRING,
        "name": {"type": "string", "nullable": True},
        "customFields": {"type": "object", "nullable": True},
        "contactManager": {"type": "string", "nullable": True},
        "wipeConflicts": {"type": "boolean", "nullable": True},
    },
    "contactId",
)

DELETE_SCHEMA = _object({"contactId": _STRING}, "contactId")

# Top level: only `visitor`; inside `visitor` and `visitor.source` extra keys are allowed [inf].
BLOCK_SCHEMA = _object(
    {
        "visitor": _object(
            {
                "visitorId": _STRING,
                "source": _object({"type": _STRING, "id": _STRING}, "type", strict=False),
            },
            "visitorId",
            "source",
            strict=False,
        )
    },
    "visitor",
)


def create(call: Call) -> Mapping[str, Any]:
    return {"contactId": service.create_contact(call.conn, call.params)}


def update(call: Call) -> Mapping[str, Any]:
    return {"contact": service.update_contact(call.conn, call.params)}


def get(call: Call) -> Mapping[str, Any]:
    return {"contact": service.get_contact(call.conn, call.params["contactId"])}


def search(call: Call) -> Mapping[str, Any]:
    params = call.params
    sort_keys = parse_sort(params.get("sort"), service.DEFAULT_SORT)  # before any data is read
    page = resolve_page(params, call.setting)
    return service.search_contacts(
        call.conn, params.get("searchText"), params.get("unknown") is True, page, sort_keys
    )


def check_existence(call: Call) -> Mapping[str, Any]:
    params = call.params
    exists = service.contact_exists(
        call.conn, contact_id=params.get("contactId"), email=params.get("email"), phone=params.get("phone")
    )
    return {"exists": exists}


def channels(call: Call) -> Mapping[str, Any]:
    return {"channels": service.contact_channels(call.conn, call.params["contactId"])}


def conflicts(call: Call) -> Mapping[str, Any]:
    return {"result": service.resolve_conflicts(call.conn, call.params)}


def delete(call: Call) -> Mapping[str, Any]:
    service.disable_contact(call.conn, call.params["contactId"])
    return {}


def block(call: Call) -> Mapping[str, Any]:
    service.set_channel_blocked(
        call.conn, call.params["visitor"], blocked=True, caller=call.me, setting=call.setting
    )
    return {}


def unblock(call: Call) -> Mapping[str, Any]:
    service.set_channel_blocked(
        call.conn, call.params["visitor"], blocked=False, caller=call.me, setting=call.setting
    )
    return {}
