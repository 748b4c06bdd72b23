"""Pure decisions of contacts/domain.py: custom-field validation (contacts.md §2), linking a
visitor to a contact and merging it (livechat.md §5), channel grouping, and the document changes
of the contacts API (contacts.md §3). No database, no HTTP."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from omnicontacts.contacts import domain
from omnicontacts.errors import Plain

CF1 = {
    "_id": "cf1",
    "label": "Custom Field 1",
    "scope": "visitor",
    "visibility": "visible",
    "required": True,
    "regexp": "^[0-9]+$",
}
OPTIONAL = {"_id": "cfOptional", "label": "Optional", "scope": "visitor", "visibility": "visible"}


def error(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(Plain) as caught:
        call(*args, **kwargs)
    return caught.value.msg


def definition(field_id: str, **extra: Any) -> dict[str, Any]:
    return {"_id": field_id, "label": field_id.upper(), "scope": "visitor", "visibility": "visible", **extra}


# ---- custom fields: text and patterns -----------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("  x  ", "x"),
        ("\ufeff\u00a0x\u3000\n", "x"),  # JavaScript's trim set
        ("\x1cx\x1f", "\x1cx\x1f"),  # ... which keeps the information separators
        ("", ""),
        (None, ""),
        (123, "123"),
        (-7, "-7"),
        (1.5, "1.5"),
        (1.0, "1"),
        (1e21, "1e+21"),
        (0.000001, "0.000001"),
        (True, "true"),
        (False, "false"),
        ({"a": 1}, None),
        ([], None),
        (["x"], None),
    ],
)
def test_field_text(value: Any, text: str | None) -> None:
    assert domain.field_text(value) == text


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        (None, "anything", True),
        ("", "", True),
        ("^[0-9]+$", "123", True),
        ("^[0-9]+$", "12a", False),
        ("[0-9]", "ab3", True),  # search semantics: a match anywhere
        (r"^\d+$", "\u0661\u0662", False),  # \d is ASCII in JavaScript
        (r"^\w+$", "é", False),
        (r"\bword\b", "a word here", True),
        ("^a$", "a\n", False),  # `$` only at the very end
        (r"^a\sb$", "a\u00a0b", True),  # \s is Unicode whitespace
        (r"^[\s]+$", "\u3000", True),
        (r"^\S+$", "a\u2028", False),
        ("^(?<year>[0-9]{4})$", "2024", True),  # named group, JavaScript spelling
        ("^(?<=a)b", "b", False),
        ("^[^]$", "\n", True),  # JavaScript: any character
        (r"^\a\Z$", "aZ", True),  # identity escapes
        ("[", "[", False),  # cannot compile: never matches
        ("(", "(", False),
    ],
)
def test_regexp_matches_like_javascript(pattern: str | None, text: str, matches: bool) -> None:
    assert domain.regexp_matches(pattern, text) is matches


def test_in_scope_keeps_visible_visitor_fields_in_order() -> None:
    defs = [
        definition("a"),
        definition("room", scope="room"),
        definition("hidden", visibility="hidden"),
        definition("b", visibility=None),
    ]
    assert [d["_id"] for d in domain.in_scope(defs)] == ["a", "b"]


# ---- custom fields: validate (§2) ---------------------------------------------------------------
class TestValidateCustomFields:
    def test_required_missing_empty_or_null(self) -> None:
        for values in ({}, {"cf1": ""}, {"cf1": "   "}, {"cf1": None}):
            assert error(domain.validate_custom_fields, [CF1], values, ignore_unknown=False) == (
                "Invalid value for Custom Field 1 field"
            )

    def test_objects_arrays_and_pattern_mismatch_are_invalid(self) -> None:
        for value in ({"a": 1}, [1], "12a", 1.5, True):
            assert error(domain.validate_custom_fields, [CF1], {"cf1": value}, ignore_unknown=True) == (
                "Invalid value for Custom Field 1 field"
            )

    def test_label_or_else_id(self) -> None:
        for label in ("", None):
            d = definition("key", label=label, required=True)
            assert error(domain.validate_custom_fields, [d], {}, ignore_unknown=False) == (
                "Invalid value for key field"
            )

    def test_stored_text(self) -> None:
        defs = [CF1, OPTIONAL, definition("flag"), definition("empty")]
        out = domain.validate_custom_fields(
            defs, {"cf1": 42, "cfOptional": "  x ", "flag": False, "empty": " "}, ignore_unknown=False
        )
        assert out == {"cf1": "42", "cfOptional": "x", "flag": "false"}

    def test_first_error_in_definition_order(self) -> None:
        defs = [definition("a", required=True), definition("b", regexp="^x")]
        assert error(domain.validate_custom_fields, defs, {"b": "y"}, ignore_unknown=False) == (
            "Invalid value for A field"
        )
        assert error(domain.validate_custom_fields, defs, {"b": "y", "a": "1"}, ignore_unknown=False) == (
            "Invalid value for B field"
        )

    def test_unknown_keys_after_every_definition_check(self) -> None:
        defs = [definition("a", regexp="^[0-9]$")]
        assert error(domain.validate_custom_fields, defs, {"zz": 1, "a": "x"}, ignore_unknown=False) == (
            "Invalid value for A field"
        )
        assert error(
            domain.validate_custom_fields, defs, {"zz": 1, "yy": 2, "a": "1"}, ignore_unknown=False
        ) == ("Custom field zz is not allowed")
        assert domain.validate_custom_fields(defs, {"zz": 1, "a": "1"}, ignore_unknown=True) == {"a": "1"}

    @given(
        st.dictionaries(
            st.sampled_from(["a", "b", "c", "d"]),
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=6)),
        )
    )
    def test_optional_fields_store_their_trimmed_non_empty_text(self, values: dict[str, Any]) -> None:
        defs = [definition("a"), definition("b"), definition("c")]
        if "d" in values:
            assert error(domain.validate_custom_fields, defs, values, ignore_unknown=False) == (
                "Custom field d is not allowed"
            )
        out = domain.validate_custom_fields(defs, values, ignore_unknown=True)
        expected = {k: domain.field_text(v) for k, v in values.items() if k != "d"}
        assert out == {k: v for k, v in expected.items() if v}
        assert list(out) == [k for k in ("a", "b", "c") if k in out]


class TestUpdatedCustomFields:
    STORED = {"cf1": "123", "cf2": "456"}  # cf2's definition was deleted: legacy

    @pytest.mark.parametrize(
        ("sent", "expected"),
        [
            ({"cf1": "456", "cf2": "789"}, {"cf1": "456", "cf2": "456"}),
            ({"cf1": "789", "cfOptional": "567"}, {"cf1": "789", "cfOptional": "567", "cf2": "456"}),
            ({"cf1": "789"}, {"cf1": "789", "cf2": "456"}),
            ({"cf1": "123", "cf3": "invalid"}, "Custom field cf3 is not allowed"),
            ({"cf1": "abc"}, "Invalid value for Custom Field 1 field"),
            ({"cf1": "1", "cf2": {"x": 1}}, "Invalid value for cf2 field"),  # legacy keys are checked too
        ],
    )
    def test_worked_example(self, sent: dict[str, Any], expected: dict[str, str] | str) -> None:
        if isinstance(expected, str):
            assert error(domain.updated_custom_fields, [CF1, OPTIONAL], self.STORED, sent) == expected
        else:
            assert domain.updated_custom_fields([CF1, OPTIONAL], self.STORED, sent) == expected

    def test_without_legacy_keys_unknown_fails_first_pass(self) -> None:
        assert error(domain.updated_custom_fields, [CF1], {"cf1": "123"}, {"cf1": "123", "cf2": "x"}) == (
            "Custom field cf2 is not allowed"
        )

    @given(
        st.dictionaries(st.sampled_from(["old1", "old2"]), st.text(min_size=1, max_size=4)),
        st.dictionaries(st.sampled_from(["a", "old1", "old2"]), st.text(max_size=4)),
    )
    def test_legacy_values_never_change(self, stored: dict[str, str], sent: dict[str, str]) -> None:
        assume(set(sent) <= {"a", *stored})  # other keys are refused (see the worked example)
        out = domain.updated_custom_fields([definition("a")], stored, sent)
        assert {k: out[k] for k in stored} == stored
        assert set(out) - set(stored) <= {"a"}


# ---- channels -----------------------------------------------------------------------------------
def chan(
    visitor_id: str, source_type: str = "api", source_id: str | None = None, **extra: Any
) -> dict[str, Any]:
    source = {"type": source_type, **({"id": source_id} if source_id else {})}
    return {
        "name": extra.pop("name", source_type),
        "visitor": {"visitorId": visitor_id, "source": source},
        "blocked": False,
        "verified": False,
        "details": dict(source),
        **extra,
    }


def test_new_channel_shape() -> None:
    assert domain.new_channel("v1", {"type": "api"}) == {
        "name": "api",
        "visitor": {"visitorId": "v1", "source": {"type": "api"}},
        "blocked": False,
        "verified": False,
        "details": {"type": "api"},
    }
    source = {"type": "app", "id": "wa", "alias": "WhatsApp", "label": "WhatsApp Business"}
    made = domain.new_channel("v1", source)
    assert made["name"] == "WhatsApp Business"
    assert made["visitor"] == {"visitorId": "v1", "source": {"type": "app", "id": "wa"}}
    assert made["details"] == source and made["details"] is not source


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        (("v1", "app", None), True),  # no source id asked: any id matches
        (("v1", "app", "wa"), True),
        (("v1", "app", "other"), False),
        (("v1", "api", None), False),
        (("v2", "app", "wa"), False),
    ],
)
def test_channel_matches(query: tuple[str, str, str | None], matches: bool) -> None:
    assert domain.channel_matches(chan("v1", "app", "wa"), *query) is matches


def test_room_matches() -> None:
    room = {"v": {"_id": "v1"}, "source": {"type": "app", "id": "wa"}}
    assert domain.room_matches(room, "v1", {"type": "app"})
    assert domain.room_matches(room, "v1", {"type": "app", "id": "wa"})
    assert not domain.room_matches(room, "v1", {"type": "app", "id": "x"})
    assert not domain.room_matches(room, "v2", {"type": "app"})
    assert not domain.room_matches({"v": {"_id": "v1"}, "source": {"type": "api"}}, "v1", {"type": "app"})


class TestGroupChannels:
    def test_newest_per_name_in_first_seen_order(self) -> None:
        channels = [
            chan("v1", lastChat={"_id": "r1", "ts": "2024-01-02T00:00:00.000Z"}),
            chan("v2", "widget"),
            chan("v3", lastChat={"_id": "r3", "ts": "2024-01-03T00:00:00.000Z"}),
            chan("v4", "widget", lastChat={"_id": "r4", "ts": "2024-01-01T00:00:00.000Z"}),
            chan("v5", lastChat={"_id": "r5", "ts": "2024-01-03T00:00:00.000Z"}),
        ]
        assert domain.group_channels(channels) == [channels[2], channels[3]]

    def test_empty(self) -> None:
        assert domain.group_channels([]) == []

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["api", "widget", "sms"]), st.none() | st.integers(min_value=1, max_value=4)
            ),
            max_size=10,
        )
    )
    def test_properties(self, specs: list[tuple[str, int | None]]) -> None:
        channels = [
            chan(
                f"v{i}",
                name,
                **({"lastChat": {"_id": f"r{i}", "ts": f"2024-01-0{day}T00:00:00.000Z"}} if day else {}),
            )
            for i, (name, day) in enumerate(specs)
        ]
        grouped = domain.group_channels(channels)
        assert [c["name"] for c in grouped] == list(dict.fromkeys(name for name, _ in specs))
        for picked in grouped:
            same = [(i, day or 0) for i, (name, day) in enumerate(specs) if name == picked["name"]]
            newest = max(day for _, day in same)
            first_newest = next(i for i, day in same if day == newest)
            assert picked is channels[first_newest]


# ---- linking (livechat.md §5) -------------------------------------------------------------------
VISITOR = {
    "_id": "v1",
    "username": "guest-2",
    "name": "Visitor Name",
    "visitorEmails": [{"address": "v@x.io"}],
    "phone": [{"phoneNumber": "+1 555"}],
}


def contact(contact_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "_id": contact_id,
        "name": "Contact Name",
        "emails": [],
        "phones": [],
        "channels": [],
        "unknown": False,
        "preRegistration": False,
        "createdAt": "2024-01-01T00:00:00.000Z",
        **extra,
    }


class TestDecideLink:
    def test_existing_channel_wins_over_pre_registration(self) -> None:
        linked = contact("c-linked", channels=[chan("v1", "api")])
        pre = contact("c-pre", preRegistration=True, emails=[{"address": "v@x.io"}])
        decision = domain.decide_link(VISITOR, {"type": "api"}, [linked], [pre])
        assert decision == domain.LinkDecision("existing", "c-linked")

    def test_existing_channel_source_rules(self) -> None:
        linked = contact("c1", channels=[chan("v1", "app", "wa")])
        assert domain.decide_link(VISITOR, {"type": "app", "id": "wa"}, [linked], []).kind == "existing"
        assert domain.decide_link(VISITOR, {"type": "app"}, [linked], []).kind == "existing"
        assert domain.decide_link(VISITOR, {"type": "app", "id": "x"}, [linked], []).kind == "new"
        assert domain.decide_link(VISITOR, {"type": "widget"}, [linked], []).kind == "new"
        disabled = contact("c2", enabled=False, channels=[chan("v1", "api")])
        assert domain.decide_link(VISITOR, {"type": "api"}, [disabled], []).kind == "new"

    def test_pre_registered_by_email_or_phone_oldest_first(self) -> None:
        by_phone = contact(
            "c-b",
            preRegistration=True,
            phones=[{"phoneNumber": "+1 555"}],
            createdAt="2024-01-01T00:00:00.000Z",
        )
        by_email = contact(
            "c-a", preRegistration=True, emails=[{"address": "v@x.io"}], createdAt="2024-01-02T00:00:00.000Z"
        )
        tie = contact(
            "c-0", preRegistration=True, emails=[{"address": "v@x.io"}], createdAt="2024-01-01T00:00:00.000Z"
        )
        assert domain.decide_link(VISITOR, {"type": "api"}, [], [by_email, by_phone]).contact_id == "c-b"
        assert domain.decide_link(VISITOR, {"type": "api"}, [], [by_email]).contact_id == "c-a"
        assert domain.decide_link(VISITOR, {"type": "api"}, [], [by_phone, tie]).contact_id == "c-0"

    def test_only_enabled_pre_registered_exact_matches(self) -> None:
        candidates = [
            contact("c1", preRegistration=False, emails=[{"address": "v@x.io"}]),
            contact("c2", preRegistration=True, enabled=False, emails=[{"address": "v@x.io"}]),
            contact("c3", preRegistration=True, emails=[{"address": "V@x.io"}]),
            contact("c4", preRegistration=True, phones=[{"phoneNumber": "+1555"}]),
        ]
        assert domain.decide_link(VISITOR, {"type": "api"}, [], candidates) == domain.LinkDecision("new")

    def test_visitor_without_contacts_gets_a_new_one(self) -> None:
        assert domain.decide_link({"_id": "v9"}, {"type": "api"}, [], []) == domain.LinkDecision("new")


class TestMergeVisitor:
    def test_conflict_mode_for_known_contacts(self) -> None:
        pre = contact(
            "c1",
            preRegistration=True,
            contactManager="m-old",
            emails=[{"address": "a@x.io"}],
            customFields={"filled": "keep", "empty": ""},
        )
        visitor = {**VISITOR, "livechatData": {"filled": "new", "empty": "set", "fresh": "f"}}
        merged = domain.merge_visitor(pre, visitor, {"type": "api"}, manager_id="m-new")
        assert merged["name"] == "Contact Name"
        assert merged["contactManager"] == "m-old"
        assert merged["conflictingFields"] == [
            {"field": "name", "value": "Visitor Name"},
            {"field": "manager", "value": "m-new"},
        ]
        assert merged["customFields"] == {
            "filled": "keep",
            "empty": "set",
            "fresh": "f",
        }  # no custom conflicts
        assert merged["emails"] == [{"address": "a@x.io"}, {"address": "v@x.io"}]
        assert merged["phones"] == [{"phoneNumber": "+1 555"}]
        assert merged["channels"] == [domain.new_channel("v1", {"type": "api"})]
        assert merged["preRegistration"] is False
        assert pre["channels"] == [] and "conflictingFields" not in pre  # the input is not changed

    def test_overwrite_mode_for_unknown_contacts(self) -> None:
        unknown = contact("c1", unknown=True, contactManager="m-old", customFields={"filled": "keep"})
        visitor = {**VISITOR, "livechatData": {"filled": "new"}}
        merged = domain.merge_visitor(unknown, visitor, {"type": "api"}, manager_id="m-new")
        assert (merged["name"], merged["contactManager"]) == ("Visitor Name", "m-new")
        assert merged["customFields"] == {"filled": "new"}
        assert "conflictingFields" not in merged

    def test_equal_values_are_ignored(self) -> None:
        same = contact(
            "c1",
            name="Visitor Name",
            contactManager="m",
            emails=[{"address": "v@x.io"}],
            phones=[{"phoneNumber": "+1 555"}],
            channels=[chan("v1", "api")],
            customFields={"k": "v"},
        )
        merged = domain.merge_visitor(
            same, {**VISITOR, "livechatData": {"k": "v"}}, {"type": "api"}, manager_id="m"
        )
        assert merged == same

    def test_names_compare_exactly(self) -> None:
        merged = domain.merge_visitor(
            contact("c1", name="visitor name"), VISITOR, {"type": "api"}, manager_id=None
        )
        assert merged["conflictingFields"] == [{"field": "name", "value": "Visitor Name"}]

    def test_no_duplicate_conflicts(self) -> None:
        once = domain.merge_visitor(
            contact("c1", contactManager="x"), VISITOR, {"type": "api"}, manager_id="m"
        )
        twice = domain.merge_visitor(once, VISITOR, {"type": "widget"}, manager_id="m")
        assert len(once["conflictingFields"]) == 2
        assert twice["conflictingFields"] == once["conflictingFields"]
        assert len(twice["channels"]) == 2

    def test_username_only_when_no_names(self) -> None:
        nameless = {k: v for k, v in VISITOR.items() if k != "name"}
        without_name = {k: v for k, v in contact("c1").items() if k != "name"}
        assert (
            domain.merge_visitor(without_name, nameless, {"type": "api"}, manager_id=None)["name"]
            == "guest-2"
        )
        merged = domain.merge_visitor(contact("c2"), nameless, {"type": "api"}, manager_id=None)
        assert merged["name"] == "Contact Name" and "conflictingFields" not in merged
        assert (
            domain.merge_visitor(without_name, VISITOR, {"type": "api"}, manager_id=None)["name"]
            == "Visitor Name"
        )

    @given(
        st.booleans(),
        st.sampled_from([None, "Contact Name", "Visitor Name", ""]),
        st.sampled_from([None, "m1", "m2"]),
        st.sampled_from([None, "m1", "m2"]),
        st.dictionaries(st.sampled_from(["a", "b"]), st.sampled_from(["", "1", "2"])),
        st.dictionaries(st.sampled_from(["a", "b"]), st.sampled_from(["1", "2"])),
        st.sampled_from([{"type": "api"}, {"type": "app", "id": "wa"}]),
    )
    def test_merging_twice_changes_nothing_more(
        self,
        unknown: bool,
        name: str | None,
        manager: str | None,
        visitor_manager: str | None,
        stored_fields: dict[str, str],
        visitor_fields: dict[str, str],
        source: dict[str, str],
    ) -> None:
        base = contact("c1", unknown=unknown, customFields=stored_fields)
        if name is None:
            del base["name"]
        else:
            base["name"] = name
        if manager:
            base["contactManager"] = manager
        visitor = {**VISITOR, "livechatData": visitor_fields}
        once = domain.merge_visitor(base, visitor, source, manager_id=visitor_manager)
        twice = domain.merge_visitor(once, visitor, source, manager_id=visitor_manager)
        assert twice == once
        conflicts = once.get("conflictingFields", [])
        assert len(conflicts) == len({(c["field"], c["value"]) for c in conflicts})
        assert not unknown or not conflicts  # overwrite mode never records conflicts
        assert all(c["field"] in ("name", "manager") for c in conflicts)


class TestContactFromVisitor:
    DEFS = [
        definition("ok"),
        definition("digits", regexp="^[0-9]+$"),
        definition("room", scope="room"),
        definition("hidden", visibility="hidden"),
    ]

    def test_every_field(self) -> None:
        visitor = {
            **VISITOR,
            "lastChat": {"_id": "r1", "ts": "2024-01-01T00:00:00.000Z"},
            "livechatData": {
                "ok": " yes ",
                "digits": "12a",
                "room": "r",
                "hidden": "h",
                "unknown": "u",
                "blank": " ",
            },
        }
        source = {"type": "app", "id": "wa", "alias": "WA"}
        made = domain.contact_from_visitor(
            visitor, source, self.DEFS, contact_id="c1", manager_id="m1", now="2024-02-02T00:00:00.000Z"
        )
        assert made == {
            "_id": "c1",
            "name": "Visitor Name",
            "emails": [{"address": "v@x.io"}],
            "phones": [{"phoneNumber": "+1 555"}],
            "unknown": True,
            "channels": [domain.new_channel("v1", source)],
            "customFields": {"ok": "yes"},
            "contactManager": "m1",
            "lastChat": {"_id": "r1", "ts": "2024-01-01T00:00:00.000Z"},
            "createdAt": "2024-02-02T00:00:00.000Z",
            "preRegistration": False,
        }
        assert made["channels"][0]["visitor"] == {"visitorId": "v1", "source": {"type": "app", "id": "wa"}}

    def test_minimal_visitor(self) -> None:
        made = domain.contact_from_visitor(
            {"_id": "v2", "username": "guest-3", "name": ""},
            {"type": "api"},
            [],
            contact_id="c2",
            manager_id=None,
            now="2024-02-02T00:00:00.000Z",
        )
        assert made["name"] == "guest-3"
        for absent in ("emails", "phones", "customFields", "contactManager", "lastChat"):
            assert absent not in made
        assert made["channels"][0]["visitor"] == {"visitorId": "v2", "source": {"type": "api"}}
        with_empty_data = domain.contact_from_visitor(
            {"_id": "v2", "username": "g", "livechatData": {}},
            {"type": "api"},
            [],
            contact_id="c",
            manager_id=None,
            now="x",
        )
        assert with_empty_data["customFields"] == {}


def test_apply_visitor_custom_field() -> None:
    base = contact("c1", customFields={})
    first = domain.apply_visitor_custom_field(base, "k", "123", True)
    second = domain.apply_visitor_custom_field(first, "k", "456", False)
    assert second["customFields"] == {"k": "123"}
    assert second["conflictingFields"] == [{"field": "customFields.k", "value": "456"}]
    assert domain.apply_visitor_custom_field(second, "k", "456", False) == second
    assert domain.apply_visitor_custom_field(second, "k", "789", True)["customFields"] == {"k": "789"}


# ---- the contacts API (contacts.md §3) ----------------------------------------------------------
def test_drop_nulls() -> None:
    assert domain.drop_nulls({"a": None, "b": "", "c": [], "d": False, "e": 0}) == {
        "b": "",
        "c": [],
        "d": False,
        "e": 0,
    }


def test_new_contact() -> None:
    made = domain.new_contact(
        contact_id="c1",
        name="N",
        emails=["A@x.io"],
        phones=["(555) 1"],
        contact_manager="",
        custom_fields={},
        now="2024-01-01T00:00:00.000Z",
    )
    assert made == {
        "_id": "c1",
        "name": "N",
        "emails": [{"address": "A@x.io"}],
        "phones": [{"phoneNumber": "(555) 1"}],
        "channels": [],
        "customFields": {},
        "unknown": False,
        "preRegistration": True,
        "createdAt": "2024-01-01T00:00:00.000Z",
    }
    with_manager = domain.new_contact(
        contact_id="c1",
        name="N",
        emails=[],
        phones=[],
        contact_manager="m",
        custom_fields={"a": "1"},
        now="t",
    )
    assert list(with_manager)[:5] == ["_id", "name", "emails", "phones", "contactManager"]


class TestUpdatedContact:
    BASE: Mapping[str, Any] = contact(
        "c1",
        unknown=True,
        contactManager="m",
        emails=[{"address": "a@x.io"}],
        customFields={"k": "v"},
        conflictingFields=[{"field": "name", "value": "x"}],
    )

    def test_only_the_id_marks_known(self) -> None:
        updated = domain.updated_contact(self.BASE, {"contactId": "c1"}, None)
        assert updated == {**self.BASE, "unknown": False}

    def test_writes(self) -> None:
        changes = {
            "contactId": "c1",
            "name": "",
            "emails": ["b@x.io"],
            "phones": [],
            "contactManager": "m2",
            "wipeConflicts": True,
        }
        updated = domain.updated_contact(self.BASE, changes, {"k2": "v2"})
        assert (
            updated["name"] == "" and updated["emails"] == [{"address": "b@x.io"}] and updated["phones"] == []
        )
        assert updated["contactManager"] == "m2" and updated["customFields"] == {"k2": "v2"}
        assert updated["conflictingFields"] == []
        assert self.BASE["emails"] == [{"address": "a@x.io"}]  # not changed in place

    def test_empty_manager_and_no_wipe_keep_values(self) -> None:
        updated = domain.updated_contact(self.BASE, {"contactManager": "", "wipeConflicts": False}, None)
        assert (
            updated["contactManager"] == "m"
            and updated["conflictingFields"] == self.BASE["conflictingFields"]
        )

    def test_conflicts_to_count(self) -> None:
        assert domain.conflicts_to_count(self.BASE, {"wipeConflicts": True}) == 1
        assert domain.conflicts_to_count(self.BASE, {"wipeConflicts": False}) == 0
        assert domain.conflicts_to_count(contact("c2"), {"wipeConflicts": True}) == 0


class TestResolvedContact:
    CONFLICTS = [
        {"field": "name", "value": "N2"},
        {"field": "manager", "value": "m2"},
        {"field": "customFields.a", "value": "2"},
        {"field": "customFields.b", "value": "3"},
    ]

    def base(self) -> dict[str, Any]:
        return contact(
            "c1", unknown=True, customFields={"a": "1", "b": "1"}, conflictingFields=self.CONFLICTS
        )

    def test_worked_example(self) -> None:
        start = contact(
            "c1",
            customFields={"cf1": "123"},
            conflictingFields=[{"field": "customFields.cf1", "value": "456"}],
        )
        resolved = domain.resolved_contact(start, {"contactId": "c1", "customFields": {"cf1": "123"}})
        assert resolved["customFields"] == {"cf1": "123"} and resolved["conflictingFields"] == []

    def test_removes_only_what_it_writes(self) -> None:
        resolved = domain.resolved_contact(
            self.base(), {"name": "N2", "customFields": {"a": "2", "z": {"o": 1}}}
        )
        assert resolved["name"] == "N2"
        assert resolved["customFields"] == {"a": "2", "b": "1", "z": {"o": 1}}
        assert resolved["conflictingFields"] == [self.CONFLICTS[1], self.CONFLICTS[3]]
        assert resolved["unknown"] is False
        untouched = domain.resolved_contact(self.base(), {"name": "", "contactManager": ""})
        assert untouched["conflictingFields"] == self.CONFLICTS and untouched["name"] == "Contact Name"
        assert "contactManager" not in untouched

    def test_wipe(self) -> None:
        resolved = domain.resolved_contact(self.base(), {"wipeConflicts": True, "contactManager": "m2"})
        assert resolved["conflictingFields"] == [] and resolved["contactManager"] == "m2"


def test_disabled_contact() -> None:
    full = contact(
        "c1",
        contactManager="m",
        activity=["2024-01"],
        lastChat={"_id": "r"},
        customFields={"a": "1"},
        conflictingFields=[],
        channels=[chan("v1")],
    )
    disabled = domain.disabled_contact(full)
    assert disabled == {
        "_id": "c1",
        "unknown": False,
        "preRegistration": False,
        "createdAt": "2024-01-01T00:00:00.000Z",
        "contactManager": "m",
        "activity": ["2024-01"],
        "enabled": False,
    }
    assert not domain.is_enabled(disabled) and domain.is_enabled(full)


def test_visitor_ids() -> None:
    ours = contact("c1", channels=[chan("v1"), chan("v2", "widget"), chan("v1", "app"), {"name": "broken"}])
    assert domain.visitor_ids(ours) == ["v1", "v2"]
    assert domain.visitor_ids(contact("c2")) == []


class TestWithChannelBlocked:
    def test_first_matching_contact_and_channel(self) -> None:
        first = contact("c1", channels=[chan("v1", "api"), chan("v1", "app", "wa")])
        second = contact("c2", channels=[chan("v1", "app", "wa")])
        changed = domain.with_channel_blocked([first, second], "v1", "app", None, True)
        assert changed is not None and changed["_id"] == "c1"
        assert [c["blocked"] for c in changed["channels"]] == [False, True]
        assert first["channels"][1]["blocked"] is False

    def test_nothing_changes(self) -> None:
        blocked = contact("c1", channels=[chan("v1", "api", blocked=True)])
        assert domain.with_channel_blocked([blocked], "v1", "api", None, True) is None
        assert domain.with_channel_blocked([blocked], "v1", "sms", None, True) is None
        assert domain.with_channel_blocked([blocked], "v1", "api", "id", False) is None
        assert domain.with_channel_blocked([], "v1", "api", None, True) is None
        unblocked = domain.with_channel_blocked([blocked], "v1", "api", None, False)
        assert unblocked is not None and unblocked["channels"][0]["blocked"] is False


def test_renamed() -> None:
    assert domain.renamed({"name": "a", "fname": "a"}, "a", ("name", "fname")) is None
    doc = {"name": "a", "fname": "b", "x": 1}
    assert domain.renamed(doc, "a", ("name", "fname")) == {"name": "a", "fname": "a", "x": 1}
    assert doc["fname"] == "b"


def test_remaining_conflicts() -> None:
    conflicts = [
        {"field": "name"},
        {"field": "manager"},
        {"field": "customFields.a"},
        {"field": "customFields.b"},
    ]
    assert domain.remaining_conflicts(conflicts, name=True, manager=False, custom_keys=["b"]) == [
        {"field": "manager"},
        {"field": "customFields.a"},
    ]
    assert (
        domain.remaining_conflicts(copy.deepcopy(conflicts), name=False, manager=False, custom_keys=[])
        == conflicts
    )
