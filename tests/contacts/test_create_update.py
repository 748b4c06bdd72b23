"""POST omnichannel/contacts and POST omnichannel/contacts.update (contacts.md §2, §3.1, §3.2),
one class per endpoint in the fixed order: unauthenticated / forbidden / invalid / not found /
valid."""

from __future__ import annotations

import re
from typing import Any

from tests.contacts.builders import (
    FORBIDDEN,
    UNAUTHENTICATED,
    add_contact,
    add_custom_field,
    create,
    delete_custom_field,
    get_contact,
    invalid,
    ok,
    plain,
    setting,
)
from tests.support import Api

CREATE = "omnichannel/contacts"
UPDATE = "omnichannel/contacts.update"


def body(**over: Any) -> dict[str, Any]:
    return {"name": "Ada Lovelace", "emails": [], "phones": [], **over}


def worked_example_fields(api: Api) -> None:
    """§2.2: cf1 (required, digits, labelled) and cfOptional exist; cf2 existed once."""
    add_custom_field(api.engine, "cf1", "Custom Field 1", required=True, regexp="^[0-9]+$")
    add_custom_field(api.engine, "cfOptional", "Optional")


class TestCreate:
    def test_unauthenticated(self, api: Api) -> None:
        for payload in (body(), {}, {"bogus": 1}):
            res = api.post(CREATE, payload, as_=None)
            assert res.status_code == 401
            assert res.json() == UNAUTHENTICATED

    def test_forbidden(self, api: Api) -> None:
        user = api.create_user(["user"])
        res = api.post(CREATE, body(), as_=user)
        assert (res.status_code, res.json()) == (403, FORBIDDEN)
        # bad parameters from a user without the permission: 400, not 403
        res = api.post(CREATE, {}, as_=user)
        assert (res.status_code, res.json()) == (400, invalid("must have required property 'name'"))

    def test_invalid(self, api: Api) -> None:
        cases: list[tuple[Any, str]] = [
            ({}, "must have required property 'name'"),
            ({"emails": [], "phones": []}, "must have required property 'name'"),
            ({"name": "x", "phones": []}, "must have required property 'emails'"),
            ({"name": "x", "emails": []}, "must have required property 'phones'"),
            (body(emails="x"), "must be array"),
            (body(phones="x"), "must be array"),
            (body(emails=[{"invalid": True}]), "must be string"),
            (body(phones=[{"invalid": True}]), "must be string"),
            (body(unknown=False), "must NOT have additional properties"),
            (body(channels=[]), "must NOT have additional properties"),
            (body(name={"a": 1}), "must be string"),
            (body(customFields="x"), "must be object"),
            (body(customFields=[]), "must be object"),
            (body(contactManager={}), "must be string"),
            (
                body(emails=["a@x.io", "b@x.io", "a@x.io"]),
                "must NOT have duplicate items (items ## 2 and 0 are identical)",
            ),
            (body(phones=["1", "1"]), "must NOT have duplicate items (items ## 1 and 0 are identical)"),
        ]
        for payload, message in cases:
            res = api.post(CREATE, payload)
            assert (res.status_code, res.json()) == (400, invalid(message)), payload
        # an invalid JSON body is read as {}
        res = api.post(CREATE, content="{not json", headers={"Content-Type": "application/json"})
        assert res.json() == invalid("must have required property 'name'")

    def test_contact_manager_must_be_an_agent(self, api: Api) -> None:
        plain_user = api.create_user(["user"])
        for manager in ("no-such-user", plain_user.user_id):
            res = api.post(CREATE, body(contactManager=manager))
            assert (res.status_code, res.json()) == (400, plain("error-contact-manager-not-found"))
        # checked before the custom fields
        add_custom_field(api.engine, "cf1", "Custom Field 1", required=True)
        res = api.post(CREATE, body(contactManager="no-such-user"))
        assert res.json() == plain("error-contact-manager-not-found")

    def test_custom_field_errors(self, api: Api) -> None:
        worked_example_fields(api)
        add_custom_field(api.engine, "unlabelled", "", regexp="^x")
        add_custom_field(api.engine, "roomField", scope="room")
        add_custom_field(api.engine, "hiddenField", visibility="hidden", required=True)
        cases: list[tuple[Any, str]] = [
            # validation runs even without customFields: a required field fails every create
            (body(), "Invalid value for Custom Field 1 field"),
            (body(customFields=None), "Invalid value for Custom Field 1 field"),
            (body(customFields={}), "Invalid value for Custom Field 1 field"),
            (body(customFields={"cf1": "  "}), "Invalid value for Custom Field 1 field"),
            (body(customFields={"cf1": None}), "Invalid value for Custom Field 1 field"),
            (body(customFields={"cf1": "abc"}), "Invalid value for Custom Field 1 field"),
            (body(customFields={"cf1": {"n": 1}}), "Invalid value for Custom Field 1 field"),
            (body(customFields={"cf1": [1]}), "Invalid value for Custom Field 1 field"),
            (body(customFields={"cf1": "1", "cfOptional": ["x"]}), "Invalid value for Optional field"),
            # an empty label falls back to the key
            (body(customFields={"cf1": "1", "unlabelled": "y"}), "Invalid value for unlabelled field"),
            (body(customFields={"cf1": "1", "cf3": "x"}), "Custom field cf3 is not allowed"),
            # room-scope and hidden definitions are out of scope: unknown keys
            (body(customFields={"cf1": "1", "roomField": "x"}), "Custom field roomField is not allowed"),
            (body(customFields={"cf1": "1", "hiddenField": "x"}), "Custom field hiddenField is not allowed"),
            # every definition check runs before the unknown-key check, whatever the key order
            (body(customFields={"zzz": "x", "cf1": "abc"}), "Invalid value for Custom Field 1 field"),
            (body(customFields={"b": "x", "a": "y", "cf1": "1"}), "Custom field b is not allowed"),
        ]
        for payload, message in cases:
            res = api.post(CREATE, payload)
            assert (res.status_code, res.json()) == (400, plain(message)), payload

    def test_creates_a_pre_registered_contact(self, api: Api) -> None:
        res = api.post(
            CREATE,
            body(name="Ada", emails=["Ada@Example.COM", "ada@example.com"], phones=["(555) 123-4567 x89"]),
        )
        data = ok(res)
        assert list(data) == ["contactId", "success"]
        assert re.fullmatch(r"[0-9a-f]{24}", data["contactId"])
        contact = get_contact(api, data["contactId"])
        created = contact.pop("createdAt")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", created)
        assert contact.pop("_updatedAt") >= created
        assert contact == {
            "_id": data["contactId"],
            "name": "Ada",
            "emails": [{"address": "Ada@Example.COM"}, {"address": "ada@example.com"}],
            "phones": [{"phoneNumber": "(555) 123-4567 x89"}],
            "channels": [],
            "customFields": {},
            "unknown": False,
            "preRegistration": True,
        }

    def test_values_defaults_and_duplicates(self, api: Api) -> None:
        worked_example_fields(api)
        agent = api.create_user(["livechat-agent"])
        first = create(api, "Twin", emails=["a@x.io"], phones=["1"], customFields={"cf1": " 42 "})
        # e-mails and phones of other contacts may be used again; a number becomes its JSON text
        second = create(
            api,
            "Twin",
            emails=["a@x.io"],
            phones=["1"],
            customFields={"cf1": 7, "cfOptional": True},
            contactManager=agent.user_id,
        )
        assert get_contact(api, first)["customFields"] == {"cf1": "42"}
        assert "contactManager" not in get_contact(api, first)
        stored = get_contact(api, second)
        assert stored["customFields"] == {"cf1": "7", "cfOptional": "true"}
        assert stored["contactManager"] == agent.user_id
        # an empty or null manager is ignored and not stored; empty optional values are dropped
        for manager in ("", None):
            contact = get_contact(
                api, create(api, customFields={"cf1": "1", "cfOptional": " "}, contactManager=manager)
            )
            assert "contactManager" not in contact
            assert contact["customFields"] == {"cf1": "1"}

    def test_every_default_role_may_create(self, api: Api) -> None:
        for role in ("livechat-agent", "livechat-manager", "livechat-monitor"):
            ok(api.post(CREATE, body(), as_=api.create_user([role])))


class TestUpdate:
    def test_unauthenticated(self, api: Api) -> None:
        res = api.post(UPDATE, {"contactId": "x"}, as_=None)
        assert (res.status_code, res.json()) == (401, UNAUTHENTICATED)

    def test_forbidden(self, api: Api) -> None:
        user = api.create_user(["user"])
        contact = create(api)
        res = api.post(UPDATE, {"contactId": contact, "name": "New"}, as_=user)
        assert (res.status_code, res.json()) == (403, FORBIDDEN)
        res = api.post(UPDATE, {"contactId": contact, "unknown": True}, as_=user)
        assert (res.status_code, res.json()) == (400, invalid("must NOT have additional properties"))

    def test_invalid(self, api: Api) -> None:
        cases: list[tuple[Any, str]] = [
            ({}, "must have required property 'contactId'"),
            ({"name": "x"}, "must have required property 'contactId'"),
            ({"contactId": "x", "unknown": False}, "must NOT have additional properties"),
            ({"contactId": "x", "channels": []}, "must NOT have additional properties"),
            ({"contactId": {}}, "must be string"),
            ({"contactId": "x", "name": []}, "must be string"),
            ({"contactId": "x", "emails": "a"}, "must be array"),
            ({"contactId": "x", "emails": [{"invalid": True}]}, "must be string"),
            (
                {"contactId": "x", "phones": ["1", "1"]},
                "must NOT have duplicate items (items ## 1 and 0 are identical)",
            ),
            ({"contactId": "x", "customFields": "x"}, "must be object"),
            ({"contactId": "x", "contactManager": []}, "must be string"),
            ({"contactId": "x", "wipeConflicts": "yes"}, "must be boolean"),
        ]
        for payload, message in cases:
            res = api.post(UPDATE, payload)
            assert (res.status_code, res.json()) == (400, invalid(message)), payload

    def test_not_found(self, api: Api) -> None:
        disabled = create(api)
        ok(api.post("omnichannel/contacts.delete", {"contactId": disabled}))
        for contact_id in ("no-such-contact", disabled):
            res = api.post(UPDATE, {"contactId": contact_id, "name": "x"})
            assert (res.status_code, res.json()) == (400, plain("error-contact-not-found"))

    def test_business_errors(self, api: Api) -> None:
        worked_example_fields(api)
        contact = create(api, customFields={"cf1": "1"})
        cases: list[tuple[Any, str]] = [
            ({"contactManager": "nobody"}, "error-contact-manager-not-found"),
            (
                {"contactManager": api.create_user(["livechat-manager"]).user_id},
                "error-contact-manager-not-found",
            ),
            ({"customFields": {}}, "Invalid value for Custom Field 1 field"),
            ({"customFields": {"cf1": "x1"}}, "Invalid value for Custom Field 1 field"),
            ({"customFields": {"cf1": "1", "cf2": "x"}}, "Custom field cf2 is not allowed"),
            # the manager check comes before the custom fields
            ({"contactManager": "nobody", "customFields": {"cf9": "1"}}, "error-contact-manager-not-found"),
        ]
        for changes, message in cases:
            res = api.post(UPDATE, {"contactId": contact, **changes})
            assert (res.status_code, res.json()) == (400, plain(message)), changes
        # a failed update changes nothing
        assert get_contact(api, contact)["customFields"] == {"cf1": "1"}

    def test_writes_and_returns_the_whole_contact(self, api: Api) -> None:
        agent = api.create_user(["livechat-agent"])
        contact = create(api, "Old", emails=["a@x.io"], phones=["1"])
        before = get_contact(api, contact)
        res = api.post(
            UPDATE,
            {
                "contactId": contact,
                "name": "New",
                "emails": ["B@x.io", "c@x.io"],
                "phones": [],
                "contactManager": agent.user_id,
            },
        )
        after = ok(res)
        assert list(after) == ["contact", "success"]
        updated = after["contact"]
        assert updated == get_contact(api, contact)
        assert updated["name"] == "New"
        assert updated["emails"] == [{"address": "B@x.io"}, {"address": "c@x.io"}]
        assert updated["phones"] == []
        assert updated["contactManager"] == agent.user_id
        assert updated["createdAt"] == before["createdAt"]
        assert updated["_updatedAt"] >= before["_updatedAt"]
        assert updated["preRegistration"] is True and updated["channels"] == []

    def test_nulls_are_dropped_and_empty_values_kept(self, api: Api) -> None:
        agent = api.create_user(["livechat-agent"])
        contact = create(api, "Kept", emails=["a@x.io"], phones=["1"], contactManager=agent.user_id)
        nulls = {
            "emails": None,
            "phones": None,
            "customFields": None,
            "contactManager": None,
            "wipeConflicts": None,
        }
        updated = ok(api.post(UPDATE, {"contactId": contact, **nulls}))["contact"]
        assert updated["emails"] == [{"address": "a@x.io"}] and updated["phones"] == [{"phoneNumber": "1"}]
        assert updated["contactManager"] == agent.user_id
        # an empty manager is ignored; an empty name and empty lists are written
        updated = ok(
            api.post(
                UPDATE, {"contactId": contact, "name": "", "emails": [], "phones": [], "contactManager": ""}
            )
        )["contact"]
        assert (updated["name"], updated["emails"], updated["phones"]) == ("", [], [])
        assert updated["contactManager"] == agent.user_id

    def test_always_marks_the_contact_known(self, api: Api) -> None:
        contact = add_contact(api.engine, "From a visitor", unknown=True, channels=[])
        updated = ok(api.post(UPDATE, {"contactId": contact}))["contact"]
        assert updated["unknown"] is False
        assert updated["name"] == "From a visitor"

    def test_wipe_conflicts_counts_them(self, api: Api) -> None:
        conflicts = [{"field": "name", "value": "Other"}, {"field": "customFields.cf1", "value": "2"}]
        contact = add_contact(api.engine, conflictingFields=conflicts)
        quiet = add_contact(api.engine, conflictingFields=conflicts)
        assert setting(api, "Resolved_Conflicts_Count") == 0
        # without wipeConflicts the conflicts stay and nothing is counted
        assert (
            ok(api.post(UPDATE, {"contactId": quiet, "wipeConflicts": False}))["contact"]["conflictingFields"]
            == conflicts
        )
        updated = ok(api.post(UPDATE, {"contactId": contact, "wipeConflicts": True}))["contact"]
        assert updated["conflictingFields"] == []
        assert setting(api, "Resolved_Conflicts_Count") == 2
        # no conflicts left: nothing more to count
        ok(api.post(UPDATE, {"contactId": contact, "wipeConflicts": True}))
        assert setting(api, "Resolved_Conflicts_Count") == 2

    def test_custom_fields_replace_the_stored_ones(self, api: Api) -> None:
        worked_example_fields(api)
        contact = create(api, customFields={"cf1": "1", "cfOptional": "o"})
        # absent: unchanged
        assert ok(api.post(UPDATE, {"contactId": contact, "name": "N"}))["contact"]["customFields"] == {
            "cf1": "1",
            "cfOptional": "o",
        }
        # present: replaced, so an optional field missing from the body is removed
        res = api.post(UPDATE, {"contactId": contact, "customFields": {"cf1": 12}})
        assert ok(res)["contact"]["customFields"] == {"cf1": "12"}

    def test_legacy_custom_fields_worked_example(self, api: Api) -> None:
        """§2.2 worked example, every row, each on a contact storing {cf1:"123", cf2:"456"}."""
        worked_example_fields(api)
        add_custom_field(api.engine, "cf2", "Custom Field 2")
        contacts = [create(api, customFields={"cf1": "123", "cf2": "456"}) for _ in range(5)]
        delete_custom_field(api.engine, "cf2")
        rows: list[tuple[dict[str, Any], dict[str, Any] | str]] = [
            ({"cf1": "456", "cf2": "789"}, {"cf1": "456", "cf2": "456"}),
            ({"cf1": "789", "cfOptional": "567"}, {"cf1": "789", "cfOptional": "567", "cf2": "456"}),
            ({"cf1": "789"}, {"cf1": "789", "cf2": "456"}),
            ({"cf1": "123", "cf3": "invalid"}, "Custom field cf3 is not allowed"),
            ({"cf1": "abc"}, "Invalid value for Custom Field 1 field"),
        ]
        for contact, (sent, expected) in zip(contacts, rows, strict=True):
            res = api.post(UPDATE, {"contactId": contact, "customFields": sent})
            if isinstance(expected, str):
                assert (res.status_code, res.json()) == (400, plain(expected)), sent
                assert get_contact(api, contact)["customFields"] == {"cf1": "123", "cf2": "456"}
            else:
                assert ok(res)["contact"]["customFields"] == expected, sent
                assert get_contact(api, contact)["customFields"] == expected
        # without legacy keys an unknown key fails on the first pass
        fresh = create(api, customFields={"cf1": "123"})
        res = api.post(UPDATE, {"contactId": fresh, "customFields": {"cf1": "123", "cf2": "x"}})
        assert res.json() == plain("Custom field cf2 is not allowed")

    def test_hidden_definition_makes_a_legacy_value(self, api: Api) -> None:
        add_custom_field(api.engine, "secret", visibility="hidden")
        contact = add_contact(api.engine, customFields={"secret": "s1"})
        res = api.post(UPDATE, {"contactId": contact, "customFields": {"secret": "s2"}})
        assert ok(res)["contact"]["customFields"] == {"secret": "s1"}

    def test_every_default_role_may_update(self, api: Api) -> None:
        contact = create(api)
        for role in ("livechat-agent", "livechat-manager", "livechat-monitor"):
            ok(api.post(UPDATE, {"contactId": contact, "name": role}, as_=api.create_user([role])))
