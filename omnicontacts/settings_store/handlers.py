"""HTTP in/out for GET/POST settings/{_id}."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omnicontacts.api.endpoint import Call
from omnicontacts.errors import Empty
from omnicontacts.settings_store import store
from omnicontacts.settings_store.catalogue import SETTINGS, coerce_api_value


def get_setting(call: Call) -> Mapping[str, Any]:
    doc = store.get(call.conn, call.path["_id"])
    if doc is None:
        raise Empty()
    return {"_id": doc["_id"], "value": doc.get("value")}


def set_setting(call: Call) -> Mapping[str, Any]:
    setting_id = call.path["_id"]
    definition = SETTINGS.get(setting_id)
    if definition is None or store.get(call.conn, setting_id) is None or "value" not in call.params:
        raise Empty()
    ok, value = coerce_api_value(definition, call.params["value"])
    if not ok:
        raise Empty()
    store.set_value(call.conn, setting_id, value)
    return {}
