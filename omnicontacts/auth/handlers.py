"""HTTP in/out for /api/info, login, logout and me."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omnicontacts.api.endpoint import Call, Reply
from omnicontacts.auth import service
from omnicontacts.errors import Raw
from omnicontacts.users.service import me_view

COMPATIBILITY_VERSION = "7.0.0"


def info(call: Call) -> Mapping[str, Any]:
    major, minor, _ = COMPATIBILITY_VERSION.split(".")
    return {"version": f"{major}.{minor}", "minimumClientVersions": {"desktop": "3.9.6", "mobile": "4.39.0"}}


def login(call: Call) -> Mapping[str, Any]:
    body = call.params
    password = body.get("password")
    resume = body.get("resume")
    if isinstance(resume, str) and resume and password is None:
        user, token = service.login_with_resume(call.conn, resume)
    else:
        form = next(
            (k for k in ("user", "username", "email") if isinstance(body.get(k), str) and body[k]), None
        )
        if form is None or not isinstance(password, str) or not password:
            raise Raw(
                401, {"success": False, "error": "Unauthorized", "status": "error", "message": "Unauthorized"}
            )
        user, token = service.login(call.conn, body[form], password, form)
    me = me_view(user, call.config.site_url)
    return {"status": "success", "data": {"userId": user["_id"], "authToken": token, "me": me}}


def logout(call: Call) -> Reply:
    assert call.token_hash is not None
    service.logout(call.conn, call.token_hash)
    return Reply({"status": "success", "data": {"message": "You've been logged out!"}})


def me(call: Call) -> Mapping[str, Any]:
    return me_view(call.me, call.config.site_url)
