"""HTTP in/out for roles.list, permissions.listAll and permissions.update."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omnicontacts.api.endpoint import Call
from omnicontacts.errors import Coded
from omnicontacts.ids import format_date, parse_date
from omnicontacts.permissions import service, store

LIST_ALL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"updatedSince": {"type": "string", "nullable": True}},
}

UPDATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["permissions"],
    "additionalProperties": False,
    "properties": {
        "permissions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["_id", "roles"],
                "additionalProperties": False,
                "properties": {
                    "_id": {"type": "string"},
                    "roles": {"type": "array", "uniqueItems": True, "items": {"type": "string"}},
                },
            },
        }
    },
}


def roles_list(call: Call) -> Mapping[str, Any]:
    return {"roles": store.list_roles(call.conn)}


def list_all(call: Call) -> Mapping[str, Any]:
    since = call.params.get("updatedSince")
    since_iso = None
    if since is not None:
        moment = parse_date(str(since))
        if moment is None:
            raise Coded(
                "error-roomId-param-invalid", 'The "updatedSince" query parameter must be a valid date.'
            )
        since_iso = format_date(moment)
    return {"update": store.list_permissions(call.conn, since_iso), "remove": []}


def update(call: Call) -> Mapping[str, Any]:
    return {"permissions": service.update(call.conn, call.params["permissions"])}
