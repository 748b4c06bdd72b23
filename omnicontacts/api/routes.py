"""Every endpoint, once: path, method, auth, permissions, schema, handler (Rocket.Chat's
`API.v1.addRoute(path, {authRequired, permissionsRequired, validateParams}, ...)`). The pipeline
runs the checks; handlers only do their job."""

from __future__ import annotations

from omnicontacts.api.endpoint import Endpoint
from omnicontacts.auth import handlers as auth
from omnicontacts.history import handlers as history
from omnicontacts.permissions import handlers as permissions
from omnicontacts.settings_store import handlers as settings
from omnicontacts.users import handlers as users

E = Endpoint
NO_PARAMS = {"type": "object", "additionalProperties": False, "properties": {}}

PLATFORM = [
    E("GET", "/api/info", auth.info, auth=False, summary="Server version"),
    E("POST", "login", auth.login, auth=False, summary="Log in (user/username/email + password, or resume)"),
    E("POST", "logout", auth.logout, summary="Revoke the token of this request"),
    E("GET", "logout", auth.logout, summary="Revoke the token of this request"),
    E("GET", "me", auth.me, summary="The caller's own user"),
    E("POST", "users.create", users.create, permissions=("create-user",), schema=users.CREATE_SCHEMA),
    E("GET", "users.info", users.info, schema=users.INFO_SCHEMA),
    E("POST", "users.delete", users.delete, permissions=("delete-user",), schema=users.DELETE_SCHEMA),
    E("POST", "users.setStatus", users.set_status, schema=users.SET_STATUS_SCHEMA),
    E("GET", "roles.list", permissions.roles_list),
    E("GET", "permissions.listAll", permissions.list_all, schema=permissions.LIST_ALL_SCHEMA),
    E(
        "POST",
        "permissions.update",
        permissions.update,
        permissions=("access-permissions",),
        schema=permissions.UPDATE_SCHEMA,
    ),
    E("GET", "settings/{_id}", settings.get_setting, permissions=("view-privileged-setting",)),
    E("POST", "settings/{_id}", settings.set_setting, permissions=("edit-privileged-setting",)),
]

# --- livechat (livechat.md) ---------------------------------------------------------------------
LIVECHAT: list[Endpoint] = []

# --- contacts and history (contacts.md, contacts-history.md) ------------------------------------
CONTACTS: list[Endpoint] = []

# --- contact history (contacts-history.md) ----------------------------------------------------
HISTORY: list[Endpoint] = [
    E(
        "GET",
        "omnichannel/contacts.history",
        history.contacts_history,
        permissions=("view-livechat-contact-history",),
        schema=history.QUERY_SCHEMA,
        summary="A contact's closed conversations, paged and sorted",
        tag="contacts",
    ),
]

ENDPOINTS: list[Endpoint] = PLATFORM + LIVECHAT + CONTACTS + HISTORY
