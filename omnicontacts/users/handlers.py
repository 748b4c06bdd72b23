"""HTTP in/out for users.*"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omnicontacts.api.endpoint import Call
from omnicontacts.errors import Coded, Plain
from omnicontacts.users import service, store

_NULLABLE_STR = {"type": "string", "nullable": True}
_NULLABLE_BOOL = {"type": "boolean", "nullable": True}

CREATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["email", "name", "password", "username"],
    "additionalProperties": False,
    "properties": {
        "email": {"type": "string"},
        "name": {"type": "string"},
        "password": {"type": "string"},
        "username": {"type": "string"},
        "active": _NULLABLE_BOOL,
        "bio": _NULLABLE_STR,
        "nickname": _NULLABLE_STR,
        "statusText": _NULLABLE_STR,
        "roles": {"type": "array", "items": {"type": "string"}},
        "joinDefaultChannels": _NULLABLE_BOOL,
        "requirePasswordChange": _NULLABLE_BOOL,
        "setRandomPassword": _NULLABLE_BOOL,
        "sendWelcomeEmail": _NULLABLE_BOOL,
        "verified": _NULLABLE_BOOL,
        "customFields": {"type": "object"},
        "fields": _NULLABLE_STR,
    },
}

_ONE_USER = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"userId": {"type": "string"}, "username": {"type": "string"}},
}
INFO_SCHEMA: dict[str, Any] = {
    "type": "object",
    "oneOf": [
        {**_ONE_USER, "required": ["userId"]},
        {**_ONE_USER, "required": ["username"]},
    ],
}
_DELETE_ONE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "userId": {"type": "string"},
        "username": {"type": "string"},
        "confirmRelinquish": {"type": "boolean"},
    },
}
DELETE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "oneOf": [{**_DELETE_ONE, "required": ["userId"]}, {**_DELETE_ONE, "required": ["username"]}],
}
SET_STATUS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "status": {"type": "string", "enum": ["online", "away", "busy", "offline"]},
        "message": {"type": "string"},
        "userId": {"type": "string"},
        "username": {"type": "string"},
    },
}


def create(call: Call) -> Mapping[str, Any]:
    body = call.params
    extra: dict[str, Any] = {}
    for key in ("bio", "nickname", "statusText", "requirePasswordChange", "customFields"):
        if body.get(key) is not None:
            extra[key] = body[key]
    user = service.create_user(
        call.conn,
        username=body["username"],
        name=body["name"],
        password=body["password"],
        email=body["email"],
        roles=body.get("roles"),
        active=body.get("active") is not False,
        verified=body.get("verified") is True,
        extra=extra,
    )
    return {"user": service.created_view(user)}


def info(call: Call) -> Mapping[str, Any]:
    user = service.find_by_id_or_username(call.conn, call.params.get("userId"), call.params.get("username"))
    if user is None:
        raise Plain("User not found.")
    full = user["_id"] == call.me["_id"] or call.has_permission("view-full-other-user-info")
    return {"user": service.info_view(user, full=full)}


def delete(call: Call) -> Mapping[str, Any]:
    user = service.find_by_id_or_username(call.conn, call.params.get("userId"), call.params.get("username"))
    if user is None:
        raise Coded("error-invalid-user", "Invalid user")
    from omnicontacts.livechat import store as livechat_store

    livechat_store.delete_subscriptions_of_user(call.conn, user["_id"])
    store.delete_user(call.conn, user["_id"])
    return {}


def set_status(call: Call) -> Mapping[str, Any]:
    params = call.params
    target = call.me
    if params.get("userId") or params.get("username"):
        found = service.find_by_id_or_username(call.conn, params.get("userId"), params.get("username"))
        if found is None:
            raise Coded("error-invalid-user", "Invalid user")
        target = found
    if target["_id"] != call.me["_id"] and not call.has_permission("edit-other-user-info"):
        raise Coded("error-not-allowed", "Not allowed")
    service.set_status(call.conn, target, params.get("status"), params.get("message"))
    return {}
