"""The settings this service knows, with Rocket.Chat's defaults (spec platform.md §4.3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SettingDef:
    id: str
    type: str  # int | boolean | select | string
    default: Any
    hidden: bool = False
    values: tuple[str, ...] = ()


_DEFS = [
    SettingDef("API_Default_Count", "int", 50),
    SettingDef("API_Upper_Count_Limit", "int", 100),
    SettingDef("API_Allow_Infinite_Count", "boolean", True),
    SettingDef("API_Enable_Rate_Limiter", "boolean", True),
    SettingDef("API_Enable_Rate_Limiter_Limit_Calls_Default", "int", 10),
    SettingDef("API_Enable_Rate_Limiter_Limit_Time_Default", "int", 60000),
    SettingDef("Livechat_enabled", "boolean", True),
    SettingDef(
        "Livechat_Routing_Method",
        "select",
        "Auto_Selection",
        values=("External", "Auto_Selection", "Manual_Selection"),
    ),
    SettingDef("Livechat_accept_chats_with_no_agents", "boolean", False),
    SettingDef("Livechat_assign_new_conversation_to_bot", "boolean", False),
    SettingDef("Livechat_enabled_when_agent_idle", "boolean", True),
    SettingDef("Livechat_guest_count", "int", 1, hidden=True),
    SettingDef("Livechat_Allow_collect_and_store_HTTP_header_informations", "boolean", False),
    SettingDef("Omnichannel_allow_visitors_to_close_conversation", "boolean", True),
    SettingDef("Livechat_request_comment_when_closing_conversation", "boolean", True),
    SettingDef("Omnichannel_allow_force_close_conversations", "boolean", False),
    SettingDef("Livechat_enable_message_character_limit", "boolean", False),
    SettingDef("Livechat_message_character_limit", "int", 0),
    SettingDef("Resolved_Conflicts_Count", "int", 0, hidden=True),
]

SETTINGS: dict[str, SettingDef] = {d.id: d for d in _DEFS}


def parse_env_value(definition: SettingDef, text: str) -> Any:
    """OVERWRITE_SETTING_/initial value conversion (spec README §11): true/false in any case become
    booleans, int settings use parseInt, everything else stays a string."""
    if text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    if definition.type == "int":
        return _parse_int(text)
    return text


def _parse_int(text: str) -> Any:
    # JavaScript parseInt: leading whitespace, optional sign, digits; NaN when none.
    stripped = text.strip()
    sign = 1
    if stripped[:1] in "+-" and stripped:
        sign = -1 if stripped[0] == "-" else 1
        stripped = stripped[1:]
    digits = ""
    for ch in stripped:
        if not ch.isdigit():
            break
        digits += ch
    return sign * int(digits) if digits else text


def coerce_api_value(definition: SettingDef, value: Any) -> tuple[bool, Any]:
    """POST settings/{_id} conversion (platform.md §4.2). Returns (ok, value)."""
    if definition.type == "boolean":
        if isinstance(value, bool):
            return True, value
        if value in ("true", "false"):
            return True, value == "true"
        return False, None
    if definition.type == "int":
        if isinstance(value, bool):
            return False, None
        if isinstance(value, int):
            return True, value
        if isinstance(value, float) and value.is_integer():
            return True, int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return True, int(value.strip())
        return False, None
    if definition.type == "select":
        return (True, value) if isinstance(value, str) and value in definition.values else (False, None)
    return (True, value) if isinstance(value, str) else (False, None)
