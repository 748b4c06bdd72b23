"""Pure livechat decisions on plain data (no I/O): who is an online agent and which one gets a new
conversation (livechat.md §7), the initial inquiry status, a room's source (§4.1), and the shapes
of the documents the service writes (rooms §1.2, inquiries §1.3, subscriptions §1.4, messages §1.5)
and how closing changes a room (§8.1). The service loads data, calls these, and persists."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from omnicontacts.ids import seconds_between

Document = dict[str, Any]

AGENT_ROLE: Final = "livechat-agent"
MANAGER_ROLE: Final = "livechat-manager"
BOT_ROLE: Final = "bot"

AUTO_SELECTION: Final = "Auto_Selection"
MANUAL_SELECTION: Final = "Manual_Selection"
EXTERNAL: Final = "External"

PRIORITY_WEIGHT: Final = 99
ESTIMATED_WAITING_TIME_QUEUE: Final = 9999999
CLOSED_BY_VISITOR: Final = "Closed by visitor"

# Rocket.Chat's `validateEmail` (app/livechat/server/lib/Helper.ts)
_EMAIL: Final = re.compile(
    r'^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@'
    r"((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$"
)
ROLE_OF_TYPE: Final = {"agent": AGENT_ROLE, "manager": MANAGER_ROLE}


def is_valid_email(address: str) -> bool:
    return _EMAIL.match(address) is not None


# ---- agents (§7.1) ------------------------------------------------------------------------------
def roles_of(user: Mapping[str, Any]) -> set[str]:
    return set(user.get("roles") or ())


def is_agent(user: Mapping[str, Any]) -> bool:
    return AGENT_ROLE in roles_of(user)


def is_bot(user: Mapping[str, Any]) -> bool:
    return BOT_ROLE in roles_of(user)


def is_online_available(user: Mapping[str, Any], *, idle_counts: bool, need_presence: bool = True) -> bool:
    """§7.1: an agent that may receive a conversation now.

    `idle_counts` is `Livechat_enabled_when_agent_idle`; with `need_presence=False` (the
    `Livechat_accept_chats_with_no_agents` relaxation of inquiries.take, §9.2) the `status` part is
    not required."""
    if not is_agent(user) or user.get("active") is not True or user.get("statusLivechat") != "available":
        return False
    if need_presence and not is_bot(user):
        status = user.get("status")
        if not status or status == "offline":
            return False
    return idle_counts or user.get("statusConnection") != "away"


def next_agent(users: Iterable[Mapping[str, Any]], *, idle_counts: bool) -> Mapping[str, Any] | None:
    """The online and available agent with the fewest `livechatCount`, ties by username."""
    candidates = [u for u in users if is_online_available(u, idle_counts=idle_counts)]
    if not candidates:
        return None
    return min(candidates, key=lambda u: (_count(u.get("livechatCount")), str(u.get("username") or "")))


def _count(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def auto_routes(routing_method: Any) -> bool:
    """Auto_Selection, and External (no external router here, so it behaves like Auto) [decision]."""
    return bool(routing_method != MANUAL_SELECTION)


def initial_inquiry_status(routing_method: Any, requested_agent: Mapping[str, Any] | None) -> str:
    """§7.2."""
    if routing_method == MANUAL_SELECTION:
        return "ready" if requested_agent is not None and is_bot(requested_agent) else "queued"
    return "ready"


@dataclass(frozen=True)
class Assignment:
    """Who takes a `ready` inquiry (§7.3); `counted` means `livechatCount` increases."""

    agent: Mapping[str, Any] | None
    counted: bool = False


def choose_agent(
    requested: Mapping[str, Any] | None,
    users: Iterable[Mapping[str, Any]],
    *,
    routing_method: Any,
    idle_counts: bool,
) -> Assignment:
    """§7.3 step 1: the requested agent when it can take the chat, else (auto routing) the next
    agent, else nobody."""
    if requested is not None and (
        is_bot(requested) or is_online_available(requested, idle_counts=idle_counts)
    ):
        return Assignment(requested)
    if auto_routes(routing_method):
        agent = next_agent(users, idle_counts=idle_counts)
        if agent is not None:
            return Assignment(agent, counted=True)
    return Assignment(None)


def toggled_status(current: Any) -> str:
    """agent.status without `status`: available <-> not-available (§10.5 step 3)."""
    return "not-available" if current == "available" else "available"


# ---- sources (§4.1) -----------------------------------------------------------------------------
def request_source(cookies: Mapping[str, str], host: str | None) -> Document:
    """GET livechat/room: `widget` only with both widget cookies, else `api`."""
    if cookies.get("rc_room_type") == "l" and cookies.get("rc_is_widget") == "t":
        return {"type": "widget", "destination": host} if host else {"type": "widget"}
    return {"type": "api"}


def clean_source(source: Mapping[str, Any]) -> Document:
    """A client-given source without empty keys (keys without a value are omitted)."""
    return {k: v for k, v in source.items() if v is not None and v != ""}


# ---- documents ----------------------------------------------------------------------------------
def user_ref(user: Mapping[str, Any], *, with_name: bool = True) -> Document:
    """`{_id, username, name?}` as messages carry it."""
    out: Document = {"_id": user["_id"], "username": user.get("username")}
    if with_name and user.get("name"):
        out["name"] = user["name"]
    return out


def visitor_snapshot(visitor: Mapping[str, Any]) -> Document:
    """`v` of rooms, inquiries and subscriptions."""
    return {
        "_id": visitor["_id"],
        "username": visitor.get("username"),
        "token": visitor.get("token"),
        "status": visitor.get("status") or "online",
    }


def new_room(
    *,
    rid: str,
    visitor: Mapping[str, Any],
    contact: Mapping[str, Any],
    source: Mapping[str, Any],
    now: str,
) -> Document:
    """§1.2 at creation; `fname` is the linked contact's name."""
    room: Document = {"_id": rid, "t": "l"}
    if contact.get("name") is not None:
        room["fname"] = contact["name"]
    room.update(
        ts=now,
        lm=now,
        msgs=0,
        usersCount=1,
        cl=False,
        open=True,
        waitingResponse=True,
        v=visitor_snapshot(visitor),
        source=copy.deepcopy(dict(source)),
        contactId=contact["_id"],
        verified=False,
        queuedAt=now,
        priorityWeight=PRIORITY_WEIGHT,
        estimatedWaitingTimeQueue=ESTIMATED_WAITING_TIME_QUEUE,
    )
    if visitor.get("department"):
        room["departmentId"] = visitor["department"]
    return room


def new_inquiry(
    *,
    inquiry_id: str,
    room: Mapping[str, Any],
    status: str,
    now: str,
    default_agent: Mapping[str, Any] | None,
) -> Document:
    """§1.3; `queuedAt` only when queued."""
    inquiry: Document = {
        "_id": inquiry_id,
        "rid": room["_id"],
        "name": room.get("fname"),
        "ts": now,
        "message": "",
        "status": status,
        "v": copy.deepcopy(room["v"]),
        "t": "l",
        "source": copy.deepcopy(room.get("source")),
        "priorityWeight": room.get("priorityWeight", PRIORITY_WEIGHT),
        "estimatedWaitingTimeQueue": room.get("estimatedWaitingTimeQueue", ESTIMATED_WAITING_TIME_QUEUE),
    }
    if inquiry["name"] is None:
        del inquiry["name"]
    if room.get("departmentId"):
        inquiry["department"] = room["departmentId"]
    if status == "queued":
        inquiry["queuedAt"] = now
    if default_agent is not None:
        inquiry["defaultAgent"] = {"agentId": default_agent["_id"], "username": default_agent.get("username")}
    return inquiry


def new_subscription(*, sub_id: str, room: Mapping[str, Any], agent: Mapping[str, Any], now: str) -> Document:
    """§1.4: an agent's membership of a livechat room."""
    sub: Document = {
        "_id": sub_id,
        "rid": room["_id"],
        "name": room.get("fname"),
        "fname": room.get("fname"),
        "t": "l",
        "u": {"_id": agent["_id"], "username": agent.get("username")},
        "v": {k: v for k, v in (room.get("v") or {}).items() if k in ("_id", "username", "token", "status")},
        "alert": True,
        "open": True,
        "unread": 1,
        "userMentions": 1,
        "groupMentions": 0,
        "desktopNotifications": "all",
        "mobilePushNotifications": "all",
        "emailNotifications": "all",
        "ts": now,
    }
    if room.get("departmentId"):
        sub["department"] = room["departmentId"]
    return {k: v for k, v in sub.items() if v is not None}


def visitor_message(*, msg_id: str, rid: str, msg: str, visitor: Mapping[str, Any], now: str) -> Document:
    """§6 step 5: a visitor's message carries the visitor token; `alias` is the visitor name."""
    message: Document = {
        "_id": msg_id,
        "rid": rid,
        "msg": msg,
        "token": visitor.get("token"),
        "ts": now,
        "u": user_ref(visitor),
    }
    if visitor.get("name"):
        message["alias"] = visitor["name"]
    return message


def user_message(*, msg_id: str, rid: str, msg: str, user: Mapping[str, Any], now: str) -> Document:
    """§12.1: an agent's reply."""
    return {"_id": msg_id, "rid": rid, "msg": msg, "ts": now, "u": user_ref(user)}


def system_message(
    *, msg_id: str, rid: str, t: str, msg: str, user: Mapping[str, Any], now: str, **extra: Any
) -> Document:
    return {
        "_id": msg_id,
        "rid": rid,
        "t": t,
        "msg": msg,
        "ts": now,
        "u": dict(user),
        "groupable": False,
        **extra,
    }


def with_last_message(room: Mapping[str, Any], message: Mapping[str, Any]) -> Document:
    """A conversation message arrived: `msgs` + 1, `lm` and `lastMessage` follow it."""
    out = copy.deepcopy(dict(room))
    out["msgs"] = int(out.get("msgs") or 0) + 1
    out["lm"] = message["ts"]
    out["lastMessage"] = copy.deepcopy(dict(message))
    return out


def served(room: Mapping[str, Any], agent: Mapping[str, Any], now: str, system_messages: int) -> Document:
    """§7.4 step 4: `servedBy`, one more user. The two join messages count in `msgs` (Rocket.Chat's
    saveSystemMessage increases the count) but do not become `lastMessage`/`lm`."""
    out = copy.deepcopy(dict(room))
    out["servedBy"] = {"_id": agent["_id"], "username": agent.get("username"), "ts": now}
    out["usersCount"] = int(out.get("usersCount") or 0) + 1
    out["msgs"] = int(out.get("msgs") or 0) + system_messages
    return out


def taken(inquiry: Mapping[str, Any], now: str) -> Document:
    """§7.4 step 2."""
    out = {k: v for k, v in copy.deepcopy(dict(inquiry)).items() if k not in ("defaultAgent", "queuedAt")}
    out["status"] = "taken"
    out["takenAt"] = now
    return out


# ---- closing (§8.1) -----------------------------------------------------------------------------
def merged_tags(requested: Sequence[str] | None, existing: Sequence[str] | None) -> list[str]:
    """Request tags then the room's tags, without duplicates, in first-seen order."""
    return list(dict.fromkeys([*(requested or ()), *(existing or ())]))


def closed_room(
    room: Mapping[str, Any],
    *,
    now: str,
    closer: str,
    closed_by: Mapping[str, Any],
    tags: Sequence[str] | None,
) -> Document:
    """§8.1 steps 3-4 applied to a room document (the message of step 6 is added separately)."""
    out = copy.deepcopy(dict(room))
    out.pop("open", None)
    all_tags = merged_tags(tags, room.get("tags"))
    if all_tags:
        out["tags"] = all_tags
    out["closedAt"] = now
    out["closer"] = closer
    out["closedBy"] = {"_id": closed_by["_id"], "username": closed_by.get("username")}
    metrics = dict(out.get("metrics") or {})
    metrics["chatDuration"] = seconds_between(str(room.get("ts") or now), now)
    served_at = (room.get("servedBy") or {}).get("ts")
    if served_at:
        metrics["serviceTimeDuration"] = seconds_between(str(served_at), now)
    out["metrics"] = metrics
    v = dict(out.get("v") or {})
    v["status"] = "offline"
    out["v"] = v
    return out


# ---- custom fields (§2.1 step 7, §3) ------------------------------------------------------------
def missing_required(definitions: Iterable[Mapping[str, Any]], keys: Iterable[str]) -> list[str]:
    """Required, non-hidden visitor-scope definitions whose `_id` is not among `keys`."""
    given = set(keys)
    return [
        str(d["_id"])
        for d in definitions
        if d.get("scope") == "visitor"
        and d.get("visibility") != "hidden"
        and d.get("required") is True
        and d["_id"] not in given
    ]


def set_custom_value(
    data: dict[str, Any], key: str, value: str, overwrite: bool, *, unless_truthy: bool = False
) -> bool:
    """Set `data[key]` when `overwrite`, or when there is no value yet (no key at all, or with
    `unless_truthy` no truthy value). Returns whether it changed."""
    present = bool(data.get(key)) if unless_truthy else key in data
    if (overwrite or not present) and data.get(key, _MISSING) != value:
        data[key] = value
        return True
    return False


_MISSING: Final = object()


def without_token(message: Mapping[str, Any]) -> Document:
    """A message as the contact center may see it: the visitor token is a credential."""
    return {k: v for k, v in message.items() if k != "token"}


def matches_text(user: Mapping[str, Any], text: str) -> bool:
    term = text.lower()
    return term in str(user.get("username") or "").lower() or term in str(user.get("name") or "").lower()
