"""HTTP in/out for the livechat endpoints (livechat.md): the schemas the route table declares, and
handlers that read validated input, call `livechat.service`, and shape the reply."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omnicontacts.api.endpoint import Call, Reply
from omnicontacts.api.pagination import parse_sort, resolve_page
from omnicontacts.errors import Plain, Raw
from omnicontacts.ids import format_date, parse_date
from omnicontacts.livechat import domain, service

_STR: dict[str, Any] = {"type": "string"}
_BOOL: dict[str, Any] = {"type": "boolean"}
_NULLABLE_STR: dict[str, Any] = {"type": "string", "nullable": True}
_NULLABLE_BOOL: dict[str, Any] = {"type": "boolean", "nullable": True}
_COUNT: dict[str, Any] = {"type": "number", "minimum": 0}
_NULLABLE_COUNT: dict[str, Any] = {"type": "number", "nullable": True, "minimum": 0}


def _strict(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


_FIELD_VALUE = {"key": _STR, "value": _STR, "overwrite": _BOOL}

# ---- Meteor-style shapes (livechat.md introduction) ---------------------------------------------
VISITOR_SHAPE: dict[str, Any] = _strict(
    {
        "visitor": {
            "type": "object",
            "required": ["token"],
            "properties": {
                "token": _STR,
                "name": _NULLABLE_STR,
                "email": _NULLABLE_STR,
                "department": _NULLABLE_STR,
                "phone": _NULLABLE_STR,
                "username": _NULLABLE_STR,
                "id": _STR,
                "customFields": {
                    "type": "array",
                    "items": {"type": "object", "required": list(_FIELD_VALUE), "properties": _FIELD_VALUE},
                },
            },
        }
    },
    ("visitor",),
)
ROOM_SHAPE: dict[str, Any] = _strict({"token": _STR, "rid": _STR, "agentId": _STR}, ("token",))

# ---- AJV schemas ---------------------------------------------------------------------------------
CUSTOM_FIELDS_SAVE_SCHEMA: dict[str, Any] = _strict(
    {
        "customFieldId": _NULLABLE_STR,
        "customFieldData": _strict(
            {
                "field": _STR,
                "label": _STR,
                "scope": {"type": "string", "enum": ["visitor", "room"]},
                "visibility": _STR,
                "type": _STR,
                "regexp": _STR,
                "defaultValue": _STR,
                "options": _STR,
                "required": _BOOL,
                "public": _BOOL,
                "searchable": _BOOL,
            },
            ("field", "label", "scope", "visibility"),
        ),
    },
    ("customFieldData",),
)
CUSTOM_FIELDS_DELETE_SCHEMA: dict[str, Any] = _strict({"customFieldId": _STR}, ("customFieldId",))
CUSTOM_FIELDS_LIST_SCHEMA: dict[str, Any] = _strict(
    {
        "text": _STR,
        "count": _NULLABLE_COUNT,
        "offset": _NULLABLE_COUNT,
        "sort": _STR,
        "query": _NULLABLE_STR,
    }
)
CUSTOM_FIELD_SCHEMA: dict[str, Any] = _strict(
    {"token": _STR, **_FIELD_VALUE}, ("token", "key", "value", "overwrite")
)
CUSTOM_FIELDS_SCHEMA: dict[str, Any] = _strict(
    {"token": _STR, "customFields": {"type": "array", "items": _strict(_FIELD_VALUE, tuple(_FIELD_VALUE))}},
    ("token", "customFields"),
)
SOURCE_TYPES = ["widget", "email", "sms", "app", "api", "other"]
INGEST_SCHEMA: dict[str, Any] = _strict(
    {
        "token": _STR,
        "source": _strict(
            {
                "type": {"type": "string", "enum": SOURCE_TYPES},
                "id": _STR,
                "alias": _STR,
                "label": _STR,
                "sidebarIcon": _STR,
                "defaultIcon": _STR,
                "destination": _STR,
            },
            ("type",),
        ),
        "agentId": _STR,
    },
    ("token", "source"),
)
MESSAGE_SCHEMA: dict[str, Any] = _strict(
    {
        "token": _STR,
        "rid": _STR,
        "msg": _STR,
        "_id": _NULLABLE_STR,
        "agent": _strict({"agentId": _STR, "username": _STR}, ("agentId", "username")),
    },
    ("token", "rid", "msg"),
)
SEND_MESSAGE_SCHEMA: dict[str, Any] = _strict(
    {"message": _strict({"rid": _STR, "msg": _STR, "_id": _STR}, ("rid", "msg"))}, ("message",)
)
HISTORY_SCHEMA: dict[str, Any] = _strict(
    {"token": _STR, "ts": _STR, "end": _STR, "limit": _COUNT, "ls": _STR}, ("token",)
)
TRANSCRIPT_SCHEMA: dict[str, Any] = _strict(
    {"searchTerm": _STR, "offset": _COUNT, "count": _COUNT, "sort": _STR}
)
CLOSE_BY_USER_SCHEMA: dict[str, Any] = _strict(
    {
        "rid": _STR,
        "comment": _NULLABLE_STR,
        "tags": {"type": "array", "nullable": True, "items": _STR},
        "generateTranscriptPdf": _NULLABLE_BOOL,
        "transcriptEmail": _strict(
            {
                "sendToVisitor": _BOOL,
                "requestData": _strict({"email": _STR, "subject": _STR}, ("email", "subject")),
            },
            ("sendToVisitor",),
        ),
        "forceClose": _BOOL,
    },
    ("rid",),
)
ROOM_CLOSE_SCHEMA: dict[str, Any] = _strict({"rid": _STR, "token": _STR}, ("rid", "token"))
USERS_ADD_SCHEMA: dict[str, Any] = _strict({"username": _STR}, ("username",))
USERS_LIST_SCHEMA: dict[str, Any] = _strict(
    {
        "text": _NULLABLE_STR,
        "count": _NULLABLE_COUNT,
        "offset": _NULLABLE_COUNT,
        "sort": _NULLABLE_STR,
        "query": _NULLABLE_STR,
        "onlyAvailable": _NULLABLE_STR,
        "excludeId": _NULLABLE_STR,
        "showIdleAgents": _NULLABLE_STR,
    }
)
AGENT_STATUS_SCHEMA: dict[str, Any] = _strict(
    {
        "status": {"type": "string", "nullable": True, "enum": ["available", "not-available", None]},
        "agentId": _NULLABLE_STR,
    }
)
ROOM_ID_SCHEMA: dict[str, Any] = _strict({"roomId": _STR}, ("roomId",))
INQUIRY_TAKE_SCHEMA: dict[str, Any] = _strict(
    {"inquiryId": _STR, "userId": _STR, "options": _strict({"clientAction": _BOOL})}, ("inquiryId",)
)
INQUIRIES_LIST_SCHEMA: dict[str, Any] = _strict(
    {"department": _STR, "offset": _COUNT, "count": _COUNT, "sort": _STR}
)


# ---- visitors -----------------------------------------------------------------------------------
def register_visitor(call: Call) -> Mapping[str, Any]:
    client = service.ClientInfo(
        user_agent=call.headers.get("user-agent"), ip=call.client_ip, host=call.headers.get("host")
    )
    visitor = service.register_visitor(call.conn, call.params["visitor"], setting=call.setting, client=client)
    return {"visitor": visitor}


def get_visitor(call: Call) -> Mapping[str, Any]:
    return {"visitor": service.visitor_by_token(call.conn, call.path["token"])}


def delete_visitor(call: Call) -> Mapping[str, Any]:
    return {"visitor": service.delete_visitor(call.conn, call.path["token"], setting=call.setting)}


# ---- custom fields ------------------------------------------------------------------------------
def save_custom_field(call: Call) -> Mapping[str, Any]:
    params = call.params
    field = service.save_custom_field(call.conn, params.get("customFieldId"), params["customFieldData"])
    return {"customField": field}


def delete_custom_field(call: Call) -> Mapping[str, Any]:
    service.delete_custom_field(call.conn, call.params["customFieldId"])
    return {}


def list_custom_fields(call: Call) -> Mapping[str, Any]:
    page = resolve_page(call.params, call.setting)
    sort_keys = parse_sort(call.params.get("sort"), service.DEFAULT_CUSTOM_FIELDS_SORT)
    return service.list_custom_fields(call.conn, call.params.get("text"), page, sort_keys)


def get_custom_field(call: Call) -> Mapping[str, Any]:
    return {"customField": service.custom_field(call.conn, call.path["_id"])}


def set_custom_field(call: Call) -> Mapping[str, Any]:
    p = call.params
    value = service.FieldValue(p["key"], p["value"], p["overwrite"])
    service.set_visitor_custom_fields(call.conn, p["token"], [value])
    return {"field": {"key": value.key, "value": value.value, "overwrite": value.overwrite}}


def set_custom_fields(call: Call) -> Mapping[str, Any]:
    values = [service.FieldValue(f["key"], f["value"], f["overwrite"]) for f in call.params["customFields"]]
    applied = service.set_visitor_custom_fields(call.conn, call.params["token"], values)
    return {"fields": [{"Key": v.key, "value": v.value, "overwrite": v.overwrite} for v in applied]}


# ---- rooms --------------------------------------------------------------------------------------
def get_room(call: Call) -> Mapping[str, Any]:
    p = call.params
    room, new_room = service.visitor_room(
        call.conn,
        p["token"],
        rid=p.get("rid") or None,
        agent_id=p.get("agentId") or None,
        source=domain.request_source(call.cookies, call.headers.get("host")),
        setting=call.setting,
    )
    return {"room": room, "newRoom": new_room}


def ingest_room(call: Call) -> Mapping[str, Any]:
    p = call.params
    room, new_room = service.ingest_room(
        call.conn, p["token"], source=p["source"], agent_id=p.get("agentId") or None, setting=call.setting
    )
    return {"room": room, "newRoom": new_room}


def close_by_user(call: Call) -> Mapping[str, Any] | Reply:
    p = call.params
    closed = service.close_by_user(
        call.conn,
        call.me,
        p["rid"],
        comment=p.get("comment"),
        tags=p.get("tags"),
        setting=call.setting,
        may_close_others=lambda: call.has_permission("close-others-livechat-room"),
    )
    if closed is None:
        # answered without raising so the removal of leftover subscriptions is committed (§8.2)
        error = Plain("error-room-already-closed")
        return Reply(error.body(), error.status)
    return {}


def close_by_visitor(call: Call) -> Mapping[str, Any]:
    room = service.close_by_visitor(call.conn, call.params["token"], call.params["rid"], setting=call.setting)
    return {"rid": room["_id"], "comment": domain.CLOSED_BY_VISITOR}


# ---- messages -----------------------------------------------------------------------------------
def send_visitor_message(call: Call) -> Mapping[str, Any]:
    p = call.params
    message = service.send_visitor_message(
        call.conn, p["token"], p["rid"], p["msg"], message_id=p.get("_id") or None, setting=call.setting
    )
    return {"message": message}


def send_agent_message(call: Call) -> Mapping[str, Any]:
    m = call.params["message"]
    message = service.send_agent_message(
        call.conn,
        call.me,
        m["rid"],
        m["msg"],
        message_id=m.get("_id") or None,
        may_close_others=lambda: call.has_permission("close-others-livechat-room"),
    )
    return {"message": message}


def _date_param(value: Any) -> str | None:
    moment = parse_date(str(value)) if value else None
    return format_date(moment) if moment is not None else None


def visitor_history(call: Call) -> Mapping[str, Any]:
    p = call.params
    limit = int(p["limit"]) if p.get("limit") is not None else 20
    messages = service.visitor_history(
        call.conn,
        p["token"],
        call.path["rid"],
        since=_date_param(p.get("ts")),
        until=_date_param(p.get("end")),
        limit=limit or None,
    )
    return {"messages": messages}


def transcript(call: Call) -> Mapping[str, Any]:
    page = resolve_page(call.params, call.setting)
    parse_sort(call.params.get("sort"), [])  # validated; the order is always ts ascending (§12.3)
    return service.transcript(call.conn, call.path["rid"], call.params.get("searchTerm") or None, page)


# ---- agents and managers ------------------------------------------------------------------------
def add_livechat_user(call: Call) -> Mapping[str, Any]:
    return {"user": service.add_livechat_user(call.conn, call.path["type"], call.params["username"])}


_LIST_PERMISSIONS = {
    "agent": ("transfer-livechat-guest", "edit-omnichannel-contact"),
    "manager": ("view-livechat-manager",),
}


def list_livechat_users(call: Call) -> Mapping[str, Any]:
    kind = call.path["type"]
    if kind in _LIST_PERMISSIONS and not any(call.has_permission(p) for p in _LIST_PERMISSIONS[kind]):
        raise Raw(403, service.UNAUTHORIZED)
    p = call.params
    return service.list_livechat_users(
        call.conn,
        kind,
        text=p.get("text") or None,
        only_available=p.get("onlyAvailable") == "true",
        exclude_id=p.get("excludeId") or None,
        page=resolve_page(p, call.setting),
        sort_keys=parse_sort(p.get("sort"), service.DEFAULT_USERS_SORT),
    )


def get_livechat_user(call: Call) -> Mapping[str, Any]:
    return {"user": service.livechat_user(call.conn, call.path["type"], call.path["_id"])}


def remove_livechat_user(call: Call) -> Mapping[str, Any]:
    service.remove_livechat_user(call.conn, call.path["type"], call.path["_id"])
    return {}


def agent_status(call: Call) -> Mapping[str, Any]:
    status = service.set_agent_status(
        call.conn,
        call.me,
        agent_id=call.params.get("agentId") or None,
        status=call.params.get("status") or None,
        may_manage_agents=lambda: call.has_permission("manage-livechat-agents"),
    )
    return {"status": status}


# ---- inquiries and subscriptions ----------------------------------------------------------------
def get_inquiry(call: Call) -> Mapping[str, Any]:
    return {"inquiry": service.inquiry_of_room(call.conn, call.params["roomId"])}


def take_inquiry(call: Call) -> Mapping[str, Any]:
    p = call.params
    service.take_inquiry(
        call.conn, call.me, p["inquiryId"], user_id=p.get("userId") or None, setting=call.setting
    )
    return {}


def list_inquiries(call: Call) -> Mapping[str, Any]:
    p = call.params
    sort_keys = parse_sort(p.get("sort"), [])
    return service.list_inquiries(
        call.conn, p.get("department") or None, resolve_page(p, call.setting), sort_keys or None
    )


def get_subscription(call: Call) -> Mapping[str, Any]:
    return {"subscription": service.subscription(call.conn, call.me["_id"], call.params["roomId"])}
