"""Pure decisions about contacts (no I/O): custom-field validation (contacts.md §2), which contact
a visitor belongs to and how a visitor merges into it (livechat.md §5), channel grouping and
conflict resolution. Services load data, call these, and persist the result."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from omnicontacts.errors import Plain

# JavaScript's `String(number)`, shared with the request validator (AJV coerces numbers the same way)
from omnicontacts.javascript import JS_WHITESPACE, js_number_text, js_regex

Document = dict[str, Any]


# ---- custom fields (contacts.md §2) -------------------------------------------------------------
def in_scope(definitions: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Visitor-scope, non-hidden definitions, in creation order."""
    return [d for d in definitions if d.get("scope") == "visitor" and d.get("visibility") != "hidden"]


def _invalid(definition: Mapping[str, Any]) -> Plain:
    return Plain(f"Invalid value for {definition.get('label') or definition['_id']} field")


def regexp_matches(pattern: str | None, text: str) -> bool:
    """JavaScript `RegExp.test` (search semantics). A pattern that cannot be compiled never matches."""
    if not pattern:
        return True
    compiled = js_regex(pattern)
    return compiled is not None and compiled.search(text) is not None


def field_text(value: Any) -> str | None:
    """The stored text of a custom-field value (contacts.md §2 step 1.2): strings trimmed as
    JavaScript trims, numbers and booleans as their JSON text (JavaScript's: `1.0` is `"1"`),
    `null` as `""`; None for objects and arrays (invalid)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip(JS_WHITESPACE)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return js_number_text(value)
    return None


def validate_custom_fields(
    definitions: Sequence[Mapping[str, Any]], values: Mapping[str, Any], *, ignore_unknown: bool
) -> dict[str, str]:
    out: dict[str, str] = {}
    for definition in definitions:
        key = definition["_id"]
        if key not in values:
            if definition.get("required"):
                raise _invalid(definition)
            continue
        text = field_text(values[key])
        if text is None:
            raise _invalid(definition)
        if not text:
            if definition.get("required"):
                raise _invalid(definition)
            continue
        if not regexp_matches(definition.get("regexp"), text):
            raise _invalid(definition)
        out[key] = text
    if not ignore_unknown:
        known = {d["_id"] for d in definitions}
        for key in values:
            if key not in known:
                raise Plain(f"Custom field {key} is not allowed")
    return out


def updated_custom_fields(
    definitions: Sequence[Mapping[str, Any]], stored: Mapping[str, Any], incoming: Mapping[str, Any]
) -> dict[str, Any]:
    """contacts.update with `customFields` (§2.2): legacy values are kept and cannot change."""
    known = {d["_id"] for d in definitions}
    legacy = [key for key in stored if key not in known]
    out: dict[str, Any] = validate_custom_fields(definitions, incoming, ignore_unknown=bool(legacy))
    if legacy:
        with_legacy = [*definitions, *({"_id": key} for key in legacy)]
        validate_custom_fields(with_legacy, incoming, ignore_unknown=False)
        for key in legacy:
            out[key] = stored[key]
    return out


# ---- channels and visitor associations (livechat.md §4.1, §5.3) ---------------------------------
def association(visitor_id: str, source: Mapping[str, Any]) -> Document:
    """`channel.visitor`: `source` holds `id` only when the room source has one."""
    src: Document = {"type": source.get("type")}
    if source.get("id"):
        src["id"] = source["id"]
    return {"visitorId": visitor_id, "source": src}


def channel_matches(
    channel: Mapping[str, Any], visitor_id: str, source_type: str, source_id: str | None
) -> bool:
    visitor = channel.get("visitor") or {}
    src = visitor.get("source") or {}
    if visitor.get("visitorId") != visitor_id or src.get("type") != source_type:
        return False
    return not source_id or src.get("id") == source_id


def room_matches(room: Mapping[str, Any], visitor_id: str, source: Mapping[str, Any]) -> bool:
    """A room belongs to the visitor association (v._id, source.type, source.id if set)."""
    room_source = room.get("source") or {}
    if (room.get("v") or {}).get("_id") != visitor_id or room_source.get("type") != source.get("type"):
        return False
    return not source.get("id") or room_source.get("id") == source.get("id")


def new_channel(visitor_id: str, source: Mapping[str, Any]) -> Document:
    return {
        "name": source.get("label") or source.get("type"),
        "visitor": association(visitor_id, source),
        "blocked": False,
        "verified": False,
        "details": copy.deepcopy(dict(source)),
    }


def group_channels(channels: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """contacts.channels: one per channel name (first-seen order), the newest `lastChat.ts` wins;
    a missing lastChat is oldest; on ties the earlier channel wins."""
    best: dict[str, Mapping[str, Any]] = {}
    for channel in channels:
        name = str(channel.get("name"))
        if name not in best:
            best[name] = channel
            continue
        current = (best[name].get("lastChat") or {}).get("ts") or ""
        candidate = (channel.get("lastChat") or {}).get("ts") or ""
        if candidate > current:
            best[name] = channel
    return list(best.values())


# ---- linking a visitor to a contact (livechat.md §5) --------------------------------------------
@dataclass(frozen=True)
class LinkDecision:
    kind: str  # "existing" | "preregistered" | "new"
    contact_id: str | None = None


def decide_link(
    visitor: Mapping[str, Any],
    source: Mapping[str, Any],
    contacts_with_visitor: Sequence[Mapping[str, Any]],
    preregistered_candidates: Sequence[Mapping[str, Any]],
) -> LinkDecision:
    """Which contact a room of `visitor` on `source` belongs to.

    1. a contact with a channel for this association (visitor, source type, source id if set);
    2. else the oldest pre-registered contact sharing an e-mail or phone with the visitor;
    3. else a new contact.
    """
    for contact in contacts_with_visitor:
        if contact.get("enabled") is False:
            continue
        for channel in contact.get("channels") or []:
            if channel_matches(channel, visitor["_id"], str(source.get("type")), source.get("id")):
                return LinkDecision("existing", contact["_id"])
    emails = {e.get("address") for e in visitor.get("visitorEmails") or [] if e.get("address")}
    phones = {p.get("phoneNumber") for p in visitor.get("phone") or [] if p.get("phoneNumber")}
    matching = [
        c
        for c in preregistered_candidates
        if c.get("preRegistration") is True
        and c.get("enabled") is not False
        and (
            emails & {e.get("address") for e in c.get("emails") or []}
            or phones & {p.get("phoneNumber") for p in c.get("phones") or []}
        )
    ]
    if matching:
        oldest = min(matching, key=lambda c: (str(c.get("createdAt") or ""), c["_id"]))
        return LinkDecision("preregistered", oldest["_id"])
    return LinkDecision("new")


def contact_from_visitor(
    visitor: Mapping[str, Any],
    source: Mapping[str, Any],
    definitions: Sequence[Mapping[str, Any]],
    *,
    contact_id: str,
    manager_id: str | None,
    now: str,
) -> Document:
    """§5.2: a new, `unknown` contact made from a visitor."""
    contact: Document = {"_id": contact_id, "name": visitor.get("name") or visitor.get("username")}
    emails = [{"address": e["address"]} for e in visitor.get("visitorEmails") or [] if e.get("address")]
    phones = [{"phoneNumber": p["phoneNumber"]} for p in visitor.get("phone") or [] if p.get("phoneNumber")]
    if emails:
        contact["emails"] = emails
    if phones:
        contact["phones"] = phones
    contact["unknown"] = True
    contact["channels"] = [new_channel(visitor["_id"], source)]
    if isinstance(visitor.get("livechatData"), dict):
        allowed = {d["_id"]: d for d in in_scope(definitions)}
        fields: Document = {}
        for key, value in visitor["livechatData"].items():
            text = field_text(value)
            if key in allowed and text and regexp_matches(allowed[key].get("regexp"), text):
                fields[key] = text
        contact["customFields"] = fields
    if manager_id:
        contact["contactManager"] = manager_id
    if visitor.get("lastChat"):
        contact["lastChat"] = copy.deepcopy(visitor["lastChat"])
    contact["createdAt"] = now
    contact["preRegistration"] = False
    return contact


def _add_conflict(contact: Document, field: str, value: Any) -> None:
    conflicts = contact.setdefault("conflictingFields", [])
    entry = {"field": field, "value": value}
    if entry not in conflicts:
        conflicts.append(entry)


def merge_visitor(
    contact: Mapping[str, Any],
    visitor: Mapping[str, Any],
    source: Mapping[str, Any],
    *,
    manager_id: str | None,
) -> Document:
    """§5.1: merge a visitor into an existing contact; returns the new contact document.
    Overwrite mode when the contact is `unknown`, else conflicts are recorded."""
    out: Document = copy.deepcopy(dict(contact))
    overwrite = out.get("unknown") is True

    emails = out.get("emails") or []
    for e in visitor.get("visitorEmails") or []:
        if e.get("address") and e["address"] not in {x.get("address") for x in emails}:
            emails.append({"address": e["address"]})
    if emails:
        out["emails"] = emails
    phones = out.get("phones") or []
    for p in visitor.get("phone") or []:
        if p.get("phoneNumber") and p["phoneNumber"] not in {x.get("phoneNumber") for x in phones}:
            phones.append({"phoneNumber": p["phoneNumber"]})
    if phones:
        out["phones"] = phones

    name = visitor.get("name")
    if not name and not out.get("name"):
        name = visitor.get("username")
    if name and name != out.get("name"):
        if not out.get("name") or overwrite:
            out["name"] = name
        else:
            _add_conflict(out, "name", name)

    if manager_id and manager_id != out.get("contactManager"):
        if not out.get("contactManager") or overwrite:
            out["contactManager"] = manager_id
        else:
            _add_conflict(out, "manager", manager_id)

    data = visitor.get("livechatData")
    if isinstance(data, dict) and data:
        fields = out.setdefault("customFields", {})
        for key, value in data.items():
            if fields.get(key) == value:
                continue
            if not fields.get(key) or overwrite:
                fields[key] = value

    channels = out.setdefault("channels", [])
    if not any(
        channel_matches(c, visitor["_id"], str(source.get("type")), source.get("id")) for c in channels
    ):
        channels.append(new_channel(visitor["_id"], source))
        out["preRegistration"] = False
    return out


def apply_visitor_custom_field(contact: Mapping[str, Any], key: str, value: str, overwrite: bool) -> Document:
    """livechat.md §3.6: set the value, or record a conflict when the contact already has one."""
    out: Document = copy.deepcopy(dict(contact))
    fields = out.setdefault("customFields", {})
    if overwrite or not fields.get(key):
        fields[key] = value
    else:
        _add_conflict(out, f"customFields.{key}", value)
    return out


def remaining_conflicts(
    conflicts: Sequence[Mapping[str, Any]], *, name: bool, manager: bool, custom_keys: Iterable[str]
) -> list[Mapping[str, Any]]:
    """contacts.conflicts §3.7 step 4: drop the conflicts this request resolves."""
    resolved = {f"customFields.{k}" for k in custom_keys}
    if name:
        resolved.add("name")
    if manager:
        resolved.add("manager")
    return [c for c in conflicts if c.get("field") not in resolved]


# ---- the contacts API (contacts.md §3) ----------------------------------------------------------
def drop_nulls(body: Mapping[str, Any]) -> Document:
    """contacts.update / .conflicts step 0: keys whose value is `null` are treated as absent
    (empty strings and empty lists are kept)."""
    return {key: value for key, value in body.items() if value is not None}


def new_contact(
    *,
    contact_id: str,
    name: str,
    emails: Sequence[str],
    phones: Sequence[str],
    contact_manager: str | None,
    custom_fields: Mapping[str, str],
    now: str,
) -> Document:
    """§3.1 step 3: a pre-registered contact made through the API (no channels yet)."""
    contact: Document = {
        "_id": contact_id,
        "name": name,
        "emails": [{"address": address} for address in emails],
        "phones": [{"phoneNumber": number} for number in phones],
    }
    if contact_manager:
        contact["contactManager"] = contact_manager
    contact.update(
        channels=[],
        customFields=dict(custom_fields),
        unknown=False,
        preRegistration=True,
        createdAt=now,
    )
    return contact


def updated_contact(
    contact: Mapping[str, Any], changes: Mapping[str, Any], custom_fields: Mapping[str, Any] | None
) -> Document:
    """§3.2 step 5 on a null-free body: the writes of contacts.update. `custom_fields` is the
    result of `updated_custom_fields` when the body had `customFields`, else None."""
    out: Document = copy.deepcopy(dict(contact))
    if "name" in changes:
        out["name"] = changes["name"]
    if "emails" in changes:
        out["emails"] = [{"address": address} for address in changes["emails"]]
    if "phones" in changes:
        out["phones"] = [{"phoneNumber": number} for number in changes["phones"]]
    if changes.get("contactManager"):
        out["contactManager"] = changes["contactManager"]
    if custom_fields is not None:
        out["customFields"] = dict(custom_fields)
    if changes.get("wipeConflicts") is True:
        out["conflictingFields"] = []
    out["unknown"] = False
    return out


def resolved_contact(contact: Mapping[str, Any], changes: Mapping[str, Any]) -> Document:
    """§3.7 steps 4-5 on a null-free body: contacts.conflicts. A conflict is resolved by a value
    that is written: a non-empty `name` / `contactManager`, or any key of `customFields`. Custom
    field values are merged over the stored ones without validation."""
    out: Document = copy.deepcopy(dict(contact))
    name = changes.get("name")
    manager = changes.get("contactManager")
    custom = changes.get("customFields")
    if changes.get("wipeConflicts") is True:
        out["conflictingFields"] = []
    else:
        out["conflictingFields"] = [
            dict(c)
            for c in remaining_conflicts(
                out.get("conflictingFields") or [],
                name=bool(name),
                manager=bool(manager),
                custom_keys=custom or {},
            )
        ]
    if name:
        out["name"] = name
    if manager:
        out["contactManager"] = manager
    if isinstance(custom, Mapping):
        out["customFields"] = {**(out.get("customFields") or {}), **copy.deepcopy(dict(custom))}
    out["unknown"] = False
    return out


def conflicts_to_count(contact: Mapping[str, Any], changes: Mapping[str, Any]) -> int:
    """What `wipeConflicts: true` adds to `Resolved_Conflicts_Count` (0 when nothing is wiped)."""
    if changes.get("wipeConflicts") is not True:
        return 0
    return len(contact.get("conflictingFields") or [])


# Removed by contacts.delete (§3.8): the contact stays, as an empty, disabled shell.
DISABLED_REMOVES = ("emails", "phones", "name", "customFields", "lastChat", "channels", "conflictingFields")


def disabled_contact(contact: Mapping[str, Any]) -> Document:
    out: Document = {k: copy.deepcopy(v) for k, v in contact.items() if k not in DISABLED_REMOVES}
    out["enabled"] = False
    return out


def is_enabled(contact: Mapping[str, Any]) -> bool:
    return contact.get("enabled") is not False


def visitor_ids(contact: Mapping[str, Any]) -> list[str]:
    """The visitor ids of a contact's channels, first-seen order (renaming cascade §1.2)."""
    ids = [str((c.get("visitor") or {}).get("visitorId")) for c in contact.get("channels") or []]
    return [i for i in dict.fromkeys(ids) if i and i != "None"]


def with_channel_blocked(
    contacts: Sequence[Mapping[str, Any]],
    visitor_id: str,
    source_type: str,
    source_id: str | None,
    blocked: bool,
) -> Document | None:
    """contacts.block / .unblock (§3.9): the first contact (in the given order) holding a channel
    for the association, with that channel's `blocked` set; None when nothing changes - no such
    channel, or it already has that value. This is Rocket.Chat's single-document
    `updateOne({channels.visitor...}, {$set: {'channels.$.blocked': ...}})` + `modifiedCount`."""
    for contact in contacts:
        channels = contact.get("channels") or []
        for index, channel in enumerate(channels):
            if not channel_matches(channel, visitor_id, source_type, source_id):
                continue
            if channel.get("blocked") is blocked:
                return None
            out: Document = copy.deepcopy(dict(contact))
            out["channels"][index]["blocked"] = blocked
            return out
    return None


def renamed(doc: Mapping[str, Any], name: str, keys: Sequence[str]) -> Document | None:
    """`doc` with each of `keys` set to `name`, or None when it already has them all."""
    if all(doc.get(key) == name for key in keys):
        return None
    out: Document = dict(doc)
    for key in keys:
        out[key] = name
    return out
