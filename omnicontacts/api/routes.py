"""Every endpoint, once: path, method, auth, permissions, schema, handler (Rocket.Chat's
`API.v1.addRoute(path, {authRequired, permissionsRequired, validateParams}, ...)`). The pipeline
runs the checks; handlers only do their job."""

from __future__ import annotations

from omnicontacts.api.endpoint import Endpoint
from omnicontacts.api.pipeline import VISITOR_RATE_LIMIT
from omnicontacts.auth import handlers as auth
from omnicontacts.contacts import handlers as contacts
from omnicontacts.history import handlers as history
from omnicontacts.livechat import handlers as livechat
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
LIVECHAT: list[Endpoint] = [
    # visitors (§2); visitor-facing routes need no auth: they check the visitor token themselves
    E(
        "POST",
        "livechat/visitor",
        livechat.register_visitor,
        auth=False,
        meteor=livechat.VISITOR_SHAPE,
        rate_limit=VISITOR_RATE_LIMIT,
        summary="Register or update a visitor (by token, then phone, then e-mail)",
        tag="livechat",
    ),
    E(
        "GET",
        "livechat/visitor/{token}",
        livechat.get_visitor,
        auth=False,
        summary="A visitor by token",
        tag="livechat",
    ),
    E(
        "DELETE",
        "livechat/visitor/{token}",
        livechat.delete_visitor,
        auth=False,
        summary="Delete a visitor's rooms and disable the visitor",
        tag="livechat",
    ),
    # custom fields (§3)
    E(
        "POST",
        "livechat/custom-fields.save",
        livechat.save_custom_field,
        permissions=("view-livechat-manager",),
        schema=livechat.CUSTOM_FIELDS_SAVE_SCHEMA,
        summary="Create or update a custom field definition",
        tag="livechat",
    ),
    E(
        "POST",
        "livechat/custom-fields.delete",
        livechat.delete_custom_field,
        permissions=("view-livechat-manager",),
        schema=livechat.CUSTOM_FIELDS_DELETE_SCHEMA,
        summary="Delete a custom field definition (stored values are kept)",
        tag="livechat",
    ),
    E(
        "GET",
        "livechat/custom-fields",
        livechat.list_custom_fields,
        permissions=("view-l-room",),
        schema=livechat.CUSTOM_FIELDS_LIST_SCHEMA,
        summary="Custom field definitions, paged, filtered by label or id",
        tag="livechat",
    ),
    E(
        "GET",
        "livechat/custom-fields/{_id}",
        livechat.get_custom_field,
        permissions=("view-l-room",),
        summary="One custom field definition, or null",
        tag="livechat",
    ),
    E(
        "POST",
        "livechat/custom.field",
        livechat.set_custom_field,
        auth=False,
        schema=livechat.CUSTOM_FIELD_SCHEMA,
        summary="A visitor sets one custom field value",
        tag="livechat",
    ),
    E(
        "POST",
        "livechat/custom.fields",
        livechat.set_custom_fields,
        auth=False,
        schema=livechat.CUSTOM_FIELDS_SCHEMA,
        summary="A visitor sets several custom field values",
        tag="livechat",
    ),
    # rooms (§4) and closing (§8)
    E(
        "GET",
        "livechat/room",
        livechat.get_room,
        auth=False,
        meteor=livechat.ROOM_SHAPE,
        rate_limit=VISITOR_RATE_LIMIT,
        writes=True,  # creates the room when there is none
        summary="The visitor's open room, or a new one (source widget or api)",
        tag="livechat",
    ),
    E(
        "POST",
        "livechat/room.ingest",
        livechat.ingest_room,
        permissions=("view-livechat-manager",),
        schema=livechat.INGEST_SCHEMA,
        summary="Integrations: the visitor's open room, or a new one on any source "
        "(email, sms, app with id/alias/label, other, ...); same creation and routing as "
        "GET livechat/room; answers {room, newRoom}",
        tag="livechat",
    ),
    E(
        "POST",
        "livechat/room.closeByUser",
        livechat.close_by_user,
        permissions=("close-livechat-room",),
        schema=livechat.CLOSE_BY_USER_SCHEMA,
        summary="An agent or manager closes a room",
        tag="livechat",
    ),
    E(
        "POST",
        "livechat/room.close",
        livechat.close_by_visitor,
        auth=False,
        schema=livechat.ROOM_CLOSE_SCHEMA,
        summary="The visitor closes its room",
        tag="livechat",
    ),
    # messages and transcripts (§6, §12)
    E(
        "POST",
        "livechat/message",
        livechat.send_visitor_message,
        auth=False,
        schema=livechat.MESSAGE_SCHEMA,
        summary="A visitor sends a message",
        tag="livechat",
    ),
    E(
        "POST",
        "chat.sendMessage",
        livechat.send_agent_message,
        schema=livechat.SEND_MESSAGE_SCHEMA,
        summary="An agent replies in a livechat room",
        tag="livechat",
    ),
    E(
        "GET",
        "livechat/messages.history/{rid}",
        livechat.visitor_history,
        auth=False,
        schema=livechat.HISTORY_SCHEMA,
        summary="The visitor reads its room, newest first",
        tag="livechat",
    ),
    E(
        "GET",
        "livechat/{rid}/messages",
        livechat.transcript,
        permissions=("view-l-room",),
        schema=livechat.TRANSCRIPT_SCHEMA,
        summary="A room's transcript: conversation messages, oldest first, searchable",
        tag="livechat",
    ),
    # agents and managers (§10)
    E(
        "POST",
        "livechat/users/{type}",
        livechat.add_livechat_user,
        permissions=("view-livechat-manager",),
        schema=livechat.USERS_ADD_SCHEMA,
        summary="Give a user the agent or manager role",
        tag="livechat",
    ),
    E(
        "GET",
        "livechat/users/{type}",
        livechat.list_livechat_users,
        schema=livechat.USERS_LIST_SCHEMA,
        summary="Agents or managers, paged",
        tag="livechat",
    ),
    E(
        "GET",
        "livechat/users/{type}/{_id}",
        livechat.get_livechat_user,
        permissions=("view-livechat-manager",),
        summary="One agent or manager, or null",
        tag="livechat",
    ),
    E(
        "DELETE",
        "livechat/users/{type}/{_id}",
        livechat.remove_livechat_user,
        permissions=("view-livechat-manager",),
        summary="Remove the agent or manager role",
        tag="livechat",
    ),
    E(
        "POST",
        "livechat/agent.status",
        livechat.agent_status,
        permissions=("view-l-room",),
        schema=livechat.AGENT_STATUS_SCHEMA,
        summary="Set or toggle an agent's livechat status",
        tag="livechat",
    ),
    # inquiries and subscriptions (§9, §11, §12.4)
    E(
        "GET",
        "livechat/inquiries.getOne",
        livechat.get_inquiry,
        permissions=("view-l-room",),
        schema=livechat.ROOM_ID_SCHEMA,
        summary="The inquiry of a room, or null",
        tag="livechat",
    ),
    E(
        "POST",
        "livechat/inquiries.take",
        livechat.take_inquiry,
        permissions=("view-l-room",),
        schema=livechat.INQUIRY_TAKE_SCHEMA,
        summary="An agent takes an inquiry",
        tag="livechat",
    ),
    E(
        "GET",
        "livechat/inquiries.list",
        livechat.list_inquiries,
        permissions=("view-livechat-manager",),
        schema=livechat.INQUIRIES_LIST_SCHEMA,
        summary="Inquiries, queued first",
        tag="livechat",
    ),
    E(
        "GET",
        "subscriptions.getOne",
        livechat.get_subscription,
        schema=livechat.ROOM_ID_SCHEMA,
        summary="The caller's subscription to a room, or null",
        tag="livechat",
    ),
]

# --- contacts and history (contacts.md, contacts-history.md) ------------------------------------
CONTACTS: list[Endpoint] = [
    E(
        "POST",
        "omnichannel/contacts",
        contacts.create,
        permissions=("create-livechat-contact",),
        schema=contacts.CREATE_SCHEMA,
        summary="Create a pre-registered contact",
        tag="contacts",
    ),
    E(
        "POST",
        "omnichannel/contacts.update",
        contacts.update,
        permissions=("update-livechat-contact",),
        schema=contacts.UPDATE_SCHEMA,
        summary="Update a contact (renaming reaches its rooms, subscriptions and inquiries)",
        tag="contacts",
    ),
    E(
        "GET",
        "omnichannel/contacts.get",
        contacts.get,
        permissions=("view-livechat-contact",),
        schema=contacts.GET_SCHEMA,
        summary="One enabled contact",
        tag="contacts",
    ),
    E(
        "GET",
        "omnichannel/contacts.search",
        contacts.search,
        permissions=("view-livechat-contact",),
        schema=contacts.SEARCH_SCHEMA,
        summary="Enabled contacts by name, e-mail or phone, paged and sorted",
        tag="contacts",
    ),
    E(
        "GET",
        "omnichannel/contacts.checkExistence",
        contacts.check_existence,
        permissions=("view-livechat-contact",),
        schema=contacts.CHECK_EXISTENCE_SCHEMA,
        summary="Whether a contact with this id, e-mail or phone exists",
        tag="contacts",
    ),
    E(
        "GET",
        "omnichannel/contacts.channels",
        contacts.channels,
        permissions=("view-livechat-contact",),
        schema=contacts.CHANNELS_SCHEMA,
        summary="A contact's channels, one per channel name",
        tag="contacts",
    ),
    E(
        "POST",
        "omnichannel/contacts.conflicts",
        contacts.conflicts,
        permissions=("update-livechat-contact",),
        schema=contacts.CONFLICTS_SCHEMA,
        summary="Resolve a contact's conflicting fields",
        tag="contacts",
    ),
    E(
        "POST",
        "omnichannel/contacts.delete",
        contacts.delete,
        permissions=("delete-livechat-contact",),
        schema=contacts.DELETE_SCHEMA,
        summary="Disable a contact",
        tag="contacts",
    ),
    E(
        "POST",
        "omnichannel/contacts.block",
        contacts.block,
        permissions=("block-livechat-contact",),
        schema=contacts.BLOCK_SCHEMA,
        summary="Block a contact channel and close its open room",
        tag="contacts",
    ),
    E(
        "POST",
        "omnichannel/contacts.unblock",
        contacts.unblock,
        permissions=("unblock-livechat-contact",),
        schema=contacts.BLOCK_SCHEMA,
        summary="Unblock a contact channel",
        tag="contacts",
    ),
]

# --- contact history (contacts-history.md) ----------------------------------------------------
HISTORY: list[Endpoint] = [
    E(
        "GET",
        "omnichannel/contacts.history",
        history.contacts_history,
        permissions=("view-livechat-contact-history",),
        schema=history.QUERY_SCHEMA,
        single_statement=True,  # history.store.read_page
        summary="A contact's closed conversations, paged and sorted",
        tag="contacts",
    ),
]

ENDPOINTS: list[Endpoint] = PLATFORM + LIVECHAT + CONTACTS + HISTORY
