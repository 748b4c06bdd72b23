"""POST omnichannel/contacts.conflicts, .delete, .block and .unblock (contacts.md §3.7-§3.9), one
class per endpoint in the fixed order: unauthenticated / forbidden / invalid / not found / valid.
Block and unblock here run on seeded channels; closing a real room is in test_flows.py."""

from __future__ import annotations

from typing import Any

from tests.contacts.builders import (
    FORBIDDEN,
    UNAUTHENTICATED,
    add_contact,
    add_custom_field,
    add_visitor,
    channel,
    create,
    get_contact,
    invalid,
    ok,
    plain,
    setting,
    stored_contact,
)
from tests.support import Api

CONFLICTS = "omnichannel/contacts.conflicts"
DELETE = "omnichannel/contacts.delete"
BLOCK = "omnichannel/contacts.block"
UNBLOCK = "omnichannel/contacts.unblock"
NOT_FOUND = plain("error-contact-not-found")
STAFF = ("livechat-agent", "livechat-manager", "livechat-monitor")


def association(visitor_id: str = "v1", source_type: str = "api", **source: Any) -> dict[str, Any]:
    return {"visitor": {"visitorId": visitor_id, "source": {"type": source_type, **source}}}


class TestConflicts:
    def test_unauthenticated(self, api: Api) -> None:
        res = api.post(CONFLICTS, {"contactId": "x"}, as_=None)
        assert (res.status_code, res.json()) == (401, UNAUTHENTICATED)

    def test_forbidden(self, api: Api) -> None:
        user = api.create_user(["user"])
        res = api.post(CONFLICTS, {"contactId": create(api)}, as_=user)
        assert (res.status_code, res.json()) == (403, FORBIDDEN)
        res = api.post(CONFLICTS, {}, as_=user)
        assert (res.status_code, res.json()) == (400, invalid("must have required property 'contactId'"))

    def test_invalid(self, api: Api) -> None:
        cases: list[tuple[Any, str]] = [
            ({}, "must have required property 'contactId'"),
            ({"contactId": "x", "emails": []}, "must NOT have additional properties"),
            ({"contactId": "x", "customFields": "x"}, "must be object"),
            ({"contactId": "x", "wipeConflicts": "x"}, "must be boolean"),
        ]
        for payload, message in cases:
            res = api.post(CONFLICTS, payload)
            assert (res.status_code, res.json()) == (400, invalid(message)), payload

    def test_not_found(self, api: Api) -> None:
        gone = create(api)
        ok(api.post(DELETE, {"contactId": gone}))
        for contact_id in ("no-such-contact", gone):
            res = api.post(CONFLICTS, {"contactId": contact_id, "name": "x"})
            assert (res.status_code, res.json()) == (400, NOT_FOUND)
        contact = create(api)
        res = api.post(CONFLICTS, {"contactId": contact, "contactManager": "nobody"})
        assert (res.status_code, res.json()) == (400, plain("error-contact-manager-not-found"))

    def test_worked_example(self, api: Api) -> None:
        """§3.7: resolving a custom-field conflict by keeping the stored value."""
        contact = add_contact(
            api.engine,
            customFields={"cf1": "123"},
            conflictingFields=[{"field": "customFields.cf1", "value": "456"}],
        )
        result = ok(api.post(CONFLICTS, {"contactId": contact, "customFields": {"cf1": "123"}}))
        assert list(result) == ["result", "success"]
        assert result["result"]["customFields"]["cf1"] == "123"
        assert result["result"]["conflictingFields"] == []
        assert result["result"] == get_contact(api, contact)

    def test_resolves_the_fields_it_writes(self, api: Api) -> None:
        agent = api.create_user(["livechat-agent"])
        add_custom_field(api.engine, "digits", required=True, regexp="^[0-9]+$")
        conflicts = [
            {"field": "name", "value": "Other Name"},
            {"field": "manager", "value": "someone"},
            {"field": "customFields.a", "value": "1"},
            {"field": "customFields.b", "value": "2"},
        ]
        contact = add_contact(
            api.engine, "Name", unknown=True, customFields={"a": "0", "b": "0"}, conflictingFields=conflicts
        )
        # empty and null values resolve nothing and write nothing
        result = ok(
            api.post(
                CONFLICTS, {"contactId": contact, "name": "", "contactManager": "", "customFields": None}
            )
        )["result"]
        assert (result["name"], result["conflictingFields"], result["unknown"]) == ("Name", conflicts, False)
        assert "contactManager" not in result
        result = ok(
            api.post(
                CONFLICTS,
                {
                    "contactId": contact,
                    "name": "Other Name",
                    "contactManager": agent.user_id,
                    "customFields": {"b": "2", "digits": "not digits", "new": "x"},
                },
            )
        )["result"]
        assert result["name"] == "Other Name"
        assert result["contactManager"] == agent.user_id
        # merged over the stored values, not validated against definitions
        assert result["customFields"] == {"a": "0", "b": "2", "digits": "not digits", "new": "x"}
        assert result["conflictingFields"] == [{"field": "customFields.a", "value": "1"}]
        assert setting(api, "Resolved_Conflicts_Count") == 0

    def test_wipe_conflicts_counts_them(self, api: Api) -> None:
        conflicts = [
            {"field": "name", "value": "A"},
            {"field": "name", "value": "B"},
            {"field": "manager", "value": "m"},
        ]
        contact = add_contact(api.engine, conflictingFields=conflicts)
        result = ok(api.post(CONFLICTS, {"contactId": contact, "wipeConflicts": True}))["result"]
        assert result["conflictingFields"] == []
        assert setting(api, "Resolved_Conflicts_Count") == 3
        ok(api.post(CONFLICTS, {"contactId": contact, "wipeConflicts": True}))
        assert setting(api, "Resolved_Conflicts_Count") == 3
        for role in STAFF:
            ok(api.post(CONFLICTS, {"contactId": contact}, as_=api.create_user([role])))


class TestDelete:
    def test_unauthenticated(self, api: Api) -> None:
        res = api.post(DELETE, {"contactId": "x"}, as_=None)
        assert (res.status_code, res.json()) == (401, UNAUTHENTICATED)

    def test_forbidden(self, api: Api) -> None:
        contact = create(api)
        for role in ("user", "livechat-agent", "livechat-monitor"):
            res = api.post(DELETE, {"contactId": contact}, as_=api.create_user([role]))
            assert (res.status_code, res.json()) == (403, FORBIDDEN), role
        assert get_contact(api, contact)["name"] == "Ada Lovelace"

    def test_invalid(self, api: Api) -> None:
        cases: list[tuple[Any, str]] = [
            ({}, "must have required property 'contactId'"),
            ({"contactId": "x", "force": True}, "must NOT have additional properties"),
            ({"contactId": {}}, "must be string"),
        ]
        for payload, message in cases:
            res = api.post(DELETE, payload)
            assert (res.status_code, res.json()) == (400, invalid(message)), payload

    def test_not_found(self, api: Api) -> None:
        contact = create(api)
        ok(api.post(DELETE, {"contactId": contact}))
        for contact_id in ("no-such-contact", contact):
            res = api.post(DELETE, {"contactId": contact_id})
            assert (res.status_code, res.json()) == (
                404,
                {"success": False, "error": "error-contact-not-found"},
            )

    def test_disables_and_empties_the_contact(self, api: Api) -> None:
        contact = add_contact(
            api.engine,
            "To Delete",
            emails=[{"address": "d@x.io"}],
            phones=[{"phoneNumber": "1"}],
            customFields={"a": "1"},
            lastChat={"_id": "r1", "ts": "2024-01-01T00:00:00.000Z"},
            channels=[channel("v1")],
            conflictingFields=[{"field": "name", "value": "x"}],
            contactManager="agent-1",
            activity=["2024-01"],
        )
        before = stored_contact(api.engine, contact)
        assert before is not None
        assert ok(api.post(DELETE, {"contactId": contact}, as_=api.create_user(["livechat-manager"]))) == {
            "success": True
        }
        after = stored_contact(api.engine, contact)
        assert after is not None
        assert after["enabled"] is False
        for removed in (
            "emails",
            "phones",
            "name",
            "customFields",
            "lastChat",
            "channels",
            "conflictingFields",
        ):
            assert removed not in after, removed
        kept = {k: v for k, v in before.items() if k not in ("_updatedAt",) and k in after}
        assert kept == {k: after[k] for k in kept}
        assert after["contactManager"] == "agent-1" and after["activity"] == ["2024-01"]

    def test_after_deletion(self, api: Api) -> None:
        """§3.8 "After deletion" table."""
        contact = create(api, "Gone", emails=["gone@x.io"])
        ok(api.post(DELETE, {"contactId": contact}))
        res = api.get("omnichannel/contacts.get", {"contactId": contact})
        assert (res.status_code, res.json()) == (404, {"success": False, "error": "Resource not found"})
        assert ok(api.get("omnichannel/contacts.search", {"searchText": "Gone"}))["contacts"] == []
        assert ok(api.get("omnichannel/contacts.search", {}))["total"] == 0
        for path in ("omnichannel/contacts.update", CONFLICTS):
            res = api.post(path, {"contactId": contact, "name": "Back"})
            assert (res.status_code, res.json()) == (400, NOT_FOUND), path
        res = api.get("omnichannel/contacts.history", {"contactId": contact})
        assert (res.status_code, res.json()) == (400, NOT_FOUND)
        assert ok(api.get("omnichannel/contacts.channels", {"contactId": contact}))["channels"] == []
        assert ok(api.get("omnichannel/contacts.checkExistence", {"contactId": contact}))["exists"] is True


class TestBlock:
    def test_unauthenticated(self, api: Api) -> None:
        for payload in (association(), {}):
            res = api.post(BLOCK, payload, as_=None)
            assert (res.status_code, res.json()) == (401, UNAUTHENTICATED)

    def test_forbidden(self, api: Api) -> None:
        user = api.create_user(["user"])
        res = api.post(BLOCK, association(), as_=user)
        assert (res.status_code, res.json()) == (403, FORBIDDEN)
        res = api.post(BLOCK, {}, as_=user)
        assert (res.status_code, res.json()) == (400, invalid("must have required property 'visitor'"))

    def test_invalid(self, api: Api) -> None:
        cases: list[tuple[Any, str]] = [
            ({}, "must have required property 'visitor'"),
            ({"visitor": {"source": {"type": "api"}}}, "must have required property 'visitorId'"),
            ({"visitor": {"visitorId": "v1"}}, "must have required property 'source'"),
            ({"visitor": {"visitorId": "v1", "source": {}}}, "must have required property 'type'"),
            ({**association(), "contactId": "x"}, "must NOT have additional properties"),
            ({"visitor": "v1"}, "must be object"),
            ({"visitor": {"visitorId": "v1", "source": "api"}}, "must be object"),
            ({"visitor": {"visitorId": {}, "source": {"type": "api"}}}, "must be string"),
        ]
        for payload, message in cases:
            res = api.post(BLOCK, payload)
            assert (res.status_code, res.json()) == (400, invalid(message)), payload

    def test_not_found(self, api: Api) -> None:
        add_visitor(api.engine, "v1", "token-1")
        contact = add_contact(
            api.engine, channels=[channel("v1", "api"), channel("v1", "app", source_id="wa")]
        )
        cases = [
            association("no-such-visitor"),
            association("v1", "sms"),
            association("v1", "app", id="other"),
            association("v1", "api", id="x"),  # the api channel has no source id
        ]
        for payload in cases:
            res = api.post(BLOCK, payload)
            assert (res.status_code, res.json()) == (400, NOT_FOUND), payload
        # extra keys inside visitor and source are allowed
        ok(
            api.post(
                BLOCK, {"visitor": {"visitorId": "v1", "extra": 1, "source": {"type": "api", "alias": "x"}}}
            )
        )
        # an already blocked channel changes nothing: not found
        res = api.post(BLOCK, association("v1", "api"))
        assert (res.status_code, res.json()) == (400, NOT_FOUND)
        assert [c["blocked"] for c in get_contact(api, contact)["channels"]] == [True, False]

    def test_visitor_must_exist(self, api: Api) -> None:
        add_contact(api.engine, channels=[channel("vanished", "api")])
        res = api.post(BLOCK, association("vanished"))
        assert (res.status_code, res.json()) == (400, plain("error-visitor-not-found"))

    def test_blocks_the_matching_channel(self, api: Api) -> None:
        add_visitor(api.engine, "v1", "token-1")
        contact = add_contact(
            api.engine, channels=[channel("v1", "api"), channel("v1", "app", source_id="wa")]
        )
        # without a source id any channel of that type matches
        assert ok(api.post(BLOCK, association("v1", "app"))) == {"success": True}
        assert [c["blocked"] for c in get_contact(api, contact)["channels"]] == [False, True]
        ok(api.post(BLOCK, association("v1", "api"), as_=api.create_user(["livechat-agent"])))
        assert [c["blocked"] for c in get_contact(api, contact)["channels"]] == [True, True]


class TestUnblock:
    def test_unauthenticated(self, api: Api) -> None:
        res = api.post(UNBLOCK, association(), as_=None)
        assert (res.status_code, res.json()) == (401, UNAUTHENTICATED)

    def test_forbidden(self, api: Api) -> None:
        res = api.post(UNBLOCK, association(), as_=api.create_user(["user"]))
        assert (res.status_code, res.json()) == (403, FORBIDDEN)

    def test_invalid(self, api: Api) -> None:
        cases: list[tuple[Any, str]] = [
            ({}, "must have required property 'visitor'"),
            ({"visitor": {"source": {"type": "api"}}}, "must have required property 'visitorId'"),
            ({"visitor": {"visitorId": "v1"}}, "must have required property 'source'"),
            ({"visitor": {"visitorId": "v1", "source": {"id": "x"}}}, "must have required property 'type'"),
            ({**association(), "blocked": False}, "must NOT have additional properties"),
        ]
        for payload, message in cases:
            res = api.post(UNBLOCK, payload)
            assert (res.status_code, res.json()) == (400, invalid(message)), payload

    def test_not_found(self, api: Api) -> None:
        add_contact(api.engine, channels=[channel("v1", "api")])
        for payload in (association("v1", "api"), association("v1", "sms"), association("nobody")):
            res = api.post(UNBLOCK, payload)  # not blocked, wrong type, unknown visitor
            assert (res.status_code, res.json()) == (400, NOT_FOUND), payload

    def test_unblocks(self, api: Api) -> None:
        contact = add_contact(
            api.engine, channels=[channel("v1", "app", source_id="wa", blocked=True), channel("v1", "api")]
        )
        # no visitor is needed and no room is touched
        assert ok(
            api.post(UNBLOCK, association("v1", "app", id="wa"), as_=api.create_user(["livechat-monitor"]))
        ) == {"success": True}
        assert [c["blocked"] for c in get_contact(api, contact)["channels"]] == [False, False]
