"""Roles and the permission catalogue seeded at start (spec platform.md §3.1, §3.2). Every
permission any endpoint checks is listed here; later code only checks, never invents."""

from __future__ import annotations

ROLES: list[tuple[str, str, str]] = [
    # (_id = name, scope, description)
    ("admin", "Users", "Admin"),
    ("moderator", "Subscriptions", "Moderator"),
    ("leader", "Subscriptions", "Leader"),
    ("owner", "Subscriptions", "Owner"),
    ("user", "Users", ""),
    ("bot", "Users", ""),
    ("app", "Users", ""),
    ("guest", "Users", ""),
    ("anonymous", "Users", ""),
    ("livechat-agent", "Users", "Livechat Agent"),
    ("livechat-manager", "Users", "Livechat Manager"),
    ("livechat-monitor", "Users", "Livechat Monitor"),
]

_STAFF = ["livechat-manager", "livechat-monitor", "livechat-agent", "admin"]
_MANAGERS = ["livechat-manager", "livechat-monitor", "admin"]

PERMISSIONS: dict[str, list[str]] = {
    "view-livechat-contact-history": _STAFF,
    "view-livechat-contact": _STAFF,
    "create-livechat-contact": _STAFF,
    "update-livechat-contact": _STAFF,
    "delete-livechat-contact": ["livechat-manager", "admin"],
    "block-livechat-contact": ["admin", "livechat-manager", "livechat-monitor", "livechat-agent"],
    "unblock-livechat-contact": ["admin", "livechat-manager", "livechat-monitor", "livechat-agent"],
    "view-l-room": _STAFF,
    "close-livechat-room": _STAFF,
    "close-others-livechat-room": _MANAGERS,
    "view-livechat-manager": _MANAGERS,
    "manage-livechat-agents": _MANAGERS,
    "manage-livechat-managers": ["livechat-manager", "admin"],
    "transfer-livechat-guest": _MANAGERS,
    "edit-omnichannel-contact": ["livechat-manager", "livechat-agent", "admin"],
    "edit-livechat-room-customfields": _STAFF,
    "create-user": ["admin"],
    "delete-user": ["admin"],
    "edit-other-user-info": ["admin"],
    "view-full-other-user-info": ["admin"],
    "access-permissions": ["admin"],
    "view-privileged-setting": ["admin"],
    "edit-privileged-setting": ["admin"],
    "view-statistics": ["admin"],
    "api-bypass-rate-limit": ["admin", "bot", "app"],
}
