"""validate() reproduces Rocket.Chat's AJV (README §5); meteor_check() its Meteor check() (livechat.md)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicontacts.api.validation import meteor_check, validate
from omnicontacts.errors import InvalidParams, Plain


def lines(schema: dict[str, Any], instance: Any) -> list[str]:
    with pytest.raises(InvalidParams) as caught:
        validate(schema, instance)
    return caught.value.lines


def error_text(schema: dict[str, Any], instance: Any) -> str:
    with pytest.raises(InvalidParams) as caught:
        validate(schema, instance)
    text = caught.value.body()["error"]
    assert isinstance(text, str)
    return text


def obj(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    schema.update(extra)
    return schema


STRING = {"type": "string"}
NUMBER = {"type": "number"}

# contacts.md §3.5: GET omnichannel/contacts.checkExistence
CHECK_EXISTENCE = {
    "oneOf": [
        obj({"contactId": {"type": "string", "isNotEmpty": True}}, ["contactId"]),
        obj({"email": {"type": "string", "format": "basic_email", "isNotEmpty": True}}, ["email"]),
        obj({"phone": {"type": "string", "isNotEmpty": True}}, ["phone"]),
    ]
}

# contacts-history.md: GET omnichannel/contacts.history
HISTORY = obj(
    {
        "contactId": STRING,
        "source": STRING,
        "count": {"type": "number", "minimum": 0},
        "offset": {"type": "number", "minimum": 0},
        "sort": STRING,
    },
    ["contactId"],
)


# ---- messages -----------------------------------------------------------------------------------


def test_required_message() -> None:
    assert lines(HISTORY, {}) == ["must have required property 'contactId'"]


def test_additional_properties_message() -> None:
    assert lines(HISTORY, {"contactId": "x", "fields": "{}"}) == ["must NOT have additional properties"]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("string", {"a": 1}),
        ("number", "abc"),
        ("integer", "1.5"),
        ("boolean", "yes"),
        ("array", "a"),
        ("object", "a"),
    ],
)
def test_type_messages(kind: str, value: Any) -> None:
    assert lines(obj({"v": {"type": kind}}), {"v": value}) == [f"must be {kind}"]


def test_type_message_for_the_whole_body() -> None:
    assert lines(HISTORY, ["contactId"]) == ["must be object"]


def test_format_message() -> None:
    schema = obj({"email": {"type": "string", "format": "basic_email"}})
    assert lines(schema, {"email": "foo"}) == ['must match format "basic_email"']


@pytest.mark.parametrize("email", ["a@b", "first.last@example.com", "x y@z"])
def test_basic_email_accepts_one_at_sign_with_text_around(email: str) -> None:
    assert validate(obj({"e": {"type": "string", "format": "basic_email"}}), {"e": email}) == {"e": email}


@pytest.mark.parametrize("email", ["foo", "@b", "a@", "a@b@c", ""])
def test_basic_email_rejects(email: str) -> None:
    assert lines(obj({"e": {"type": "string", "format": "basic_email"}}), {"e": email}) == [
        'must match format "basic_email"'
    ]


def test_minimum_message_prints_integers_like_javascript() -> None:
    assert lines(HISTORY, {"contactId": "x", "count": -1}) == ["must be >= 0"]
    assert lines(obj({"v": {"type": "number", "minimum": 1.5}}), {"v": 1}) == ["must be >= 1.5"]
    assert lines(obj({"v": {"type": "number", "minimum": 2.0}}), {"v": 1}) == ["must be >= 2"]


def test_minimum_boundary_is_allowed() -> None:
    assert validate(HISTORY, {"contactId": "x", "count": "0"}) == {"contactId": "x", "count": 0}


def test_min_items_message() -> None:
    schema = obj({"ids": {"type": "array", "items": STRING, "minItems": 1}})
    assert lines(schema, {"ids": []}) == ["must NOT have fewer than 1 items"]


def test_enum_message() -> None:
    schema = obj({"scope": {"type": "string", "enum": ["visitor", "room"]}})
    assert lines(schema, {"scope": "user"}) == ["must be equal to one of the allowed values"]
    assert validate(schema, {"scope": "room"}) == {"scope": "room"}


def test_enum_compares_strictly_after_coercion() -> None:
    schema = obj({"n": {"type": "number", "enum": [1, 2]}})
    assert validate(schema, {"n": "2"}) == {"n": 2}
    assert lines(obj({"b": {"enum": [1]}}), {"b": True}) == ["must be equal to one of the allowed values"]


@pytest.mark.parametrize("value", ["", " ", "\t\n ", "\u00a0"])
def test_is_not_empty_message_for_blank_strings(value: str) -> None:
    schema = obj({"name": {"type": "string", "isNotEmpty": True}})
    assert lines(schema, {"name": value}) == ['must pass "isNotEmpty" keyword validation']


def test_is_not_empty_accepts_text_with_spaces_around() -> None:
    schema = obj({"name": {"type": "string", "isNotEmpty": True}})
    assert validate(schema, {"name": " x "}) == {"name": " x "}


def test_pattern_message() -> None:
    schema = obj({"code": {"type": "string", "pattern": "^[a-z]+$"}})
    assert lines(schema, {"code": "ABC"}) == ['must match pattern "^[a-z]+$"']


def test_pattern_dollar_does_not_match_before_a_trailing_newline() -> None:
    schema = obj({"code": {"type": "string", "pattern": "^[a-z]+$"}})
    assert lines(schema, {"code": "abc\n"}) == ['must match pattern "^[a-z]+$"']


def test_invalid_params_text_is_joined_once() -> None:
    assert error_text(HISTORY, {}) == "must have required property 'contactId' [invalid-params]"


# ---- order of checks ----------------------------------------------------------------------------


def test_first_missing_required_property_in_listed_order_wins() -> None:
    schema = obj({"a": STRING, "b": STRING, "c": STRING}, ["c", "a", "b"])
    assert lines(schema, {"b": "x"}) == ["must have required property 'c'"]


def test_required_before_additional_properties() -> None:
    assert lines(HISTORY, {"unknown": "1"}) == ["must have required property 'contactId'"]


def test_additional_properties_before_property_types() -> None:
    assert lines(HISTORY, {"contactId": ["a", "b"], "query": "{}"}) == ["must NOT have additional properties"]


def test_properties_are_checked_in_table_order() -> None:
    instance = {"offset": "x", "count": "y", "contactId": "c"}
    assert lines(HISTORY, instance) == ["must be number"]
    schema = obj({"a": {"type": "number", "minimum": 0}, "b": STRING})
    assert lines(schema, {"b": {"x": 1}, "a": -1}) == ["must be >= 0"]


def test_type_is_checked_before_minimum() -> None:
    assert lines(HISTORY, {"contactId": "c", "count": "-x"}) == ["must be number"]


def test_format_before_is_not_empty() -> None:
    schema = obj({"email": {"type": "string", "format": "basic_email", "isNotEmpty": True}})
    assert lines(schema, {"email": " "}) == ['must match format "basic_email"']


def test_min_items_before_unique_items_before_items() -> None:
    schema = obj({"v": {"type": "array", "items": NUMBER, "minItems": 3, "uniqueItems": True}})
    assert lines(schema, {"v": ["a", "a"]}) == ["must NOT have fewer than 3 items"]
    assert lines(schema, {"v": [1, 1, "a"]}) == [
        "must NOT have duplicate items (items ## 1 and 0 are identical)"
    ]
    assert lines(schema, {"v": [1, 2, "a"]}) == ["must be number"]


def test_enum_runs_before_type_specific_keywords() -> None:
    schema = obj({"v": {"type": "string", "enum": ["ab", "abc"], "pattern": "^a$"}})
    assert lines(schema, {"v": "zz"}) == ["must be equal to one of the allowed values"]
    assert lines(schema, {"v": "ab"}) == ['must match pattern "^a$"']


def test_only_the_first_error_is_reported() -> None:
    assert lines(HISTORY, {"contactId": 1, "count": "x", "offset": -1, "sort": []}) == ["must be number"]


def test_first_bad_array_item_wins() -> None:
    schema = obj({"tags": {"type": "array", "items": STRING}})
    assert lines(schema, {"tags": ["a", {"invalid": True}, []]}) == ["must be string"]


# ---- nested objects -----------------------------------------------------------------------------


NESTED = obj(
    {
        "name": STRING,
        "visitor": obj({"token": {"type": "string", "isNotEmpty": True}, "age": NUMBER}, ["token"]),
    },
    ["visitor"],
)


def test_nested_required() -> None:
    assert lines(NESTED, {"visitor": {}}) == ["must have required property 'token'"]


def test_nested_additional_properties() -> None:
    assert lines(NESTED, {"visitor": {"token": "t", "x": 1}}) == ["must NOT have additional properties"]


def test_nested_keyword() -> None:
    assert lines(NESTED, {"visitor": {"token": " "}}) == ['must pass "isNotEmpty" keyword validation']


def test_nested_values_are_coerced() -> None:
    assert validate(NESTED, {"name": 5, "visitor": {"token": 7, "age": "41"}}) == {
        "name": "5",
        "visitor": {"token": "7", "age": 41},
    }


def test_additional_properties_absent_means_allowed() -> None:
    schema = {"type": "object", "properties": {"a": NUMBER}}
    assert validate(schema, {"a": "1", "zzz": [1]}) == {"a": 1, "zzz": [1]}


def test_additional_properties_schema_checks_the_extra_values() -> None:
    schema = {"type": "object", "properties": {"a": STRING}, "additionalProperties": NUMBER}
    assert validate(schema, {"a": 1, "x": "2"}) == {"a": "1", "x": 2}
    assert lines(schema, {"x": "two"}) == ["must be number"]


def test_object_keywords_without_type_skip_non_objects() -> None:
    schema = {"properties": {"a": NUMBER}, "required": ["a"]}
    assert validate(schema, "text") == "text"


# ---- oneOf (contacts.md §3.5) ---------------------------------------------------------------------


def test_one_of_with_empty_query_reports_each_branch() -> None:
    assert error_text(CHECK_EXISTENCE, {}) == (
        "must have required property 'contactId'\n must have required property 'email'\n"
        " must have required property 'phone'\n must match exactly one schema in oneOf [invalid-params]"
    )


def test_one_of_with_all_three_keys_reports_additional_properties_per_branch() -> None:
    query = {"contactId": "a", "email": "b@c", "phone": "1"}
    assert error_text(CHECK_EXISTENCE, query) == (
        "must NOT have additional properties\n must NOT have additional properties\n"
        " must NOT have additional properties\n must match exactly one schema in oneOf [invalid-params]"
    )


def test_one_of_with_bad_email_reports_format_in_its_branch() -> None:
    assert error_text(CHECK_EXISTENCE, {"email": "foo"}) == (
        "must have required property 'contactId'\n must match format \"basic_email\"\n"
        " must have required property 'phone'\n must match exactly one schema in oneOf [invalid-params]"
    )


@pytest.mark.parametrize("query", [{"contactId": "a"}, {"email": "a@b"}, {"phone": "+1 555"}])
def test_one_of_passes_with_exactly_one_branch(query: dict[str, str]) -> None:
    assert validate(CHECK_EXISTENCE, query) == query


def test_one_of_blank_value_fails_is_not_empty_in_its_branch() -> None:
    assert lines(CHECK_EXISTENCE, {"phone": " "}) == [
        "must have required property 'contactId'",
        "must have required property 'email'",
        'must pass "isNotEmpty" keyword validation',
        "must match exactly one schema in oneOf",
    ]


def test_one_of_matching_two_branches_gives_only_the_one_of_line() -> None:
    schema = {"oneOf": [{"type": "object"}, {"type": "object", "properties": {"a": STRING}}]}
    assert lines(schema, {"a": "x"}) == ["must match exactly one schema in oneOf"]


def test_one_of_keeps_errors_of_failed_branches_before_the_second_match() -> None:
    schema = {"oneOf": [{"type": "object", "required": ["z"]}, {"type": "object"}, {"type": "object"}]}
    assert lines(schema, {}) == ["must have required property 'z'", "must match exactly one schema in oneOf"]


def test_one_of_branch_reports_type_and_enum_of_a_nested_property_together() -> None:
    schema = {"oneOf": [obj({"s": {"type": "string", "enum": ["a"]}}, ["s"]), obj({"n": NUMBER}, ["n"])]}
    assert lines(schema, {"s": {}}) == [
        "must be string",
        "must be equal to one of the allowed values",
        "must have required property 'n'",
        "must match exactly one schema in oneOf",
    ]


# ---- uniqueItems ----------------------------------------------------------------------------------


def test_unique_items_names_the_later_index_first() -> None:
    schema = obj({"emails": {"type": "array", "items": STRING, "uniqueItems": True}})
    assert lines(schema, {"emails": ["a", "b", "a"]}) == [
        "must NOT have duplicate items (items ## 2 and 0 are identical)"
    ]


def test_unique_items_reports_the_last_duplicated_pair() -> None:
    schema = obj({"phones": {"type": "array", "items": STRING, "uniqueItems": True}})
    assert lines(schema, {"phones": ["a", "a", "b", "b"]}) == [
        "must NOT have duplicate items (items ## 3 and 2 are identical)"
    ]


def test_unique_items_runs_before_items_are_coerced() -> None:
    schema = obj({"v": {"type": "array", "items": STRING, "uniqueItems": True}})
    assert validate(schema, {"v": [1, "1"]}) == {"v": ["1", "1"]}


def test_unique_items_without_item_type_compares_deeply_and_names_the_earlier_index_first() -> None:
    schema = obj({"v": {"type": "array", "uniqueItems": True}})
    assert lines(schema, {"v": [{"a": [1]}, 2, {"a": [1.0]}]}) == [
        "must NOT have duplicate items (items ## 0 and 2 are identical)"
    ]
    assert validate(schema, {"v": [1, True, "1"]}) == {"v": [1, True, "1"]}


def test_unique_items_with_nullable_array() -> None:
    schema = obj({"v": {"type": "array", "items": STRING, "uniqueItems": True, "nullable": True}})
    assert validate(schema, {"v": None}) == {"v": None}
    assert lines(schema, {"v": ["x", "x"]}) == [
        "must NOT have duplicate items (items ## 1 and 0 are identical)"
    ]


# ---- coercion -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("10", 10),
        (" 10 ", 10),
        ("1.5", 1.5),
        ("1e2", 100),
        ("0x10", 16),
        ("0o17", 15),
        ("0b101", 5),
        ("-3", -3),
        (".5", 0.5),
        ("5.", 5),
        ("1.0", 1),
        (" ", 0),
    ],
)
def test_strings_become_numbers_like_javascript(raw: str, number: float) -> None:
    coerced = validate(obj({"n": NUMBER}), {"n": raw})["n"]
    assert coerced == number
    assert type(coerced) is type(number)


@pytest.mark.parametrize(
    "raw", ["", "abc", "10abc", "Infinity", "-Infinity", "1e400", "0x", "-0x10", "1_000", "NaN"]
)
def test_strings_that_are_not_javascript_numbers_fail(raw: str) -> None:
    assert lines(obj({"n": NUMBER}), {"n": raw}) == ["must be number"]


def test_integer_needs_an_integral_value() -> None:
    schema = obj({"i": {"type": "integer"}})
    assert validate(schema, {"i": "1e2"}) == {"i": 100}
    assert validate(schema, {"i": 3.0}) == {"i": 3.0}
    assert lines(schema, {"i": "1.5"}) == ["must be integer"]
    assert lines(schema, {"i": 1.5}) == ["must be integer"]


def test_booleans_and_null_become_numbers() -> None:
    schema = obj({"a": NUMBER, "b": NUMBER, "c": NUMBER})
    assert validate(schema, {"a": True, "b": False, "c": None}) == {"a": 1, "b": 0, "c": 0}


@pytest.mark.parametrize(
    ("value", "text"), [(123, "123"), (1.5, "1.5"), (-0.0, "0"), (True, "true"), (1e21, "1e+21")]
)
def test_numbers_and_booleans_become_strings(value: Any, text: str) -> None:
    assert validate(obj({"s": STRING}), {"s": value}) == {"s": text}


def test_null_becomes_empty_string_when_not_nullable() -> None:
    assert validate(obj({"s": STRING}), {"s": None}) == {"s": ""}


@pytest.mark.parametrize(
    ("value", "flag"), [("true", True), ("false", False), (1, True), (0, False), (None, False)]
)
def test_values_become_booleans(value: Any, flag: bool) -> None:
    assert validate(obj({"b": {"type": "boolean"}}), {"b": value}) == {"b": flag}


@pytest.mark.parametrize("value", ["yes", "True", 2, "1", [], {}])
def test_other_values_are_not_booleans(value: Any) -> None:
    assert lines(obj({"b": {"type": "boolean"}}), {"b": value}) == ["must be boolean"]


@pytest.mark.parametrize("value", [{"invalid": True}, ["1", "2"], []])
def test_objects_and_arrays_are_never_coerced_to_strings(value: Any) -> None:
    assert lines(obj({"s": STRING}), {"s": value}) == ["must be string"]


def test_scalars_are_not_coerced_to_arrays() -> None:
    assert lines(obj({"a": {"type": "array", "items": STRING}}), {"a": "x"}) == ["must be array"]


def test_items_are_coerced() -> None:
    schema = obj({"tags": {"type": "array", "items": STRING}})
    assert validate(schema, {"tags": [1, True, "x"]}) == {"tags": ["1", "true", "x"]}


@pytest.mark.parametrize("kind", ["string", "number", "boolean", "object", "array"])
def test_nullable_accepts_null_unchanged(kind: str) -> None:
    assert validate(obj({"v": {"type": kind, "nullable": True}}), {"v": None}) == {"v": None}


def test_nullable_still_coerces_to_its_type_first() -> None:
    assert validate(obj({"s": {"type": "string", "nullable": True}}), {"s": 5}) == {"s": "5"}
    assert validate(obj({"n": {"type": "number", "nullable": True}}), {"n": "7"}) == {"n": 7}


def test_nullable_number_turns_empty_string_into_null() -> None:
    assert validate(obj({"n": {"type": "number", "nullable": True}}), {"n": ""}) == {"n": None}


def test_nullable_type_error_names_the_type_only() -> None:
    assert lines(obj({"s": {"type": "string", "nullable": True}}), {"s": []}) == ["must be string"]


def test_validate_returns_a_copy_and_leaves_the_input_alone() -> None:
    instance = {"contactId": "c", "count": "5", "nested": None}
    before = copy.deepcopy(instance)
    schema = {"type": "object", "properties": {"contactId": STRING, "count": NUMBER}}
    result = validate(schema, instance)
    assert result == {"contactId": "c", "count": 5, "nested": None}
    assert instance == before
    assert result is not instance


def test_query_string_numbers_for_history() -> None:
    query = {"contactId": "c", "count": "10", "offset": " 0 ", "sort": '{"ts":-1}'}
    assert validate(HISTORY, query) == {"contactId": "c", "count": 10, "offset": 0, "sort": '{"ts":-1}'}


def test_unknown_schema_keyword_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        validate({"type": "object", "propertes": {}}, {})


# ---- properties -----------------------------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)

_WIDE = obj(
    {
        "s": {"type": "string", "isNotEmpty": True},
        "e": {"type": "string", "format": "basic_email"},
        "n": {"type": "number", "minimum": 0},
        "i": {"type": "integer"},
        "b": {"type": "boolean", "nullable": True},
        "l": {"type": "array", "items": STRING, "uniqueItems": True, "minItems": 1},
        "o": {"type": "object", "properties": {"x": {"enum": ["a", 1]}}},
        "p": {"type": "string", "pattern": "^[a-z]*$"},
    },
    ["s"],
)


@given(_JSON)
def test_validate_only_raises_invalid_params_for_any_json(instance: Any) -> None:
    for schema in (_WIDE, CHECK_EXISTENCE, HISTORY):
        snapshot = json.dumps(instance, sort_keys=True)
        try:
            validate(schema, instance)
        except InvalidParams as error:
            assert error.lines
            assert all(isinstance(line, str) and line for line in error.lines)
        assert json.dumps(instance, sort_keys=True) == snapshot


@given(st.dictionaries(st.sampled_from(list(_WIDE["properties"])), _JSON, max_size=8))
def test_validated_output_validates_again_unchanged(instance: dict[str, Any]) -> None:
    try:
        once = validate(_WIDE, instance)
    except InvalidParams:
        return
    assert validate(_WIDE, once) == once


@given(st.integers(min_value=-(2**53), max_value=2**53) | st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_survive_string_round_trip(number: float) -> None:
    text = validate(obj({"s": STRING}), {"s": number})["s"]
    assert validate(obj({"n": NUMBER}), {"n": text})["n"] == number


# ---- Meteor check() -------------------------------------------------------------------------------

# livechat.md §2.1: POST livechat/visitor
VISITOR = {
    "type": "object",
    "properties": {
        "visitor": {
            "type": "object",
            "properties": {
                "token": STRING,
                "name": {"type": "string", "nullable": True},
                "email": {"type": "string", "nullable": True},
                "id": STRING,
                "customFields": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"key": STRING, "value": STRING, "overwrite": {"type": "boolean"}},
                        "required": ["key", "value", "overwrite"],
                    },
                },
            },
            "required": ["token"],
        }
    },
    "required": ["visitor"],
    "additionalProperties": False,
}


def meteor_error(shape: dict[str, Any], instance: Any) -> str:
    with pytest.raises(Plain) as caught:
        meteor_check(shape, instance)
    assert caught.value.status == 400
    return caught.value.msg


def test_meteor_valid_instance_is_returned_unchanged() -> None:
    body = {"visitor": {"token": "t", "name": None, "extra": 1, "customFields": []}}
    assert meteor_check(VISITOR, body) is body


def test_meteor_missing_key_at_top_level() -> None:
    assert meteor_error(VISITOR, {}) == "Match error: Missing key 'visitor'"


def test_meteor_missing_key_nested_names_the_containing_field() -> None:
    assert (
        meteor_error(VISITOR, {"visitor": {"name": "x"}})
        == "Match error: Missing key 'token' in field visitor"
    )


def test_meteor_unknown_key_at_top_level() -> None:
    assert (
        meteor_error(VISITOR, {"visitor": {"token": "t"}, "foo": 1})
        == "Match error: Unknown key in field foo"
    )


def test_meteor_unknown_key_nested() -> None:
    shape = {
        "type": "object",
        "properties": {
            "visitor": {"type": "object", "properties": {"token": STRING}, "additionalProperties": False}
        },
    }
    assert (
        meteor_error(shape, {"visitor": {"token": "t", "foo": 1}})
        == "Match error: Unknown key in field visitor.foo"
    )


@pytest.mark.parametrize(
    ("value", "kind"),
    [(1, "number"), (1.5, "number"), (True, "boolean"), ({}, "object"), ([], "object"), (None, "null")],
)
def test_meteor_wrong_type_names_the_javascript_type(value: Any, kind: str) -> None:
    assert meteor_error(VISITOR, {"visitor": {"token": value}}) == (
        f"Match error: Expected string, got {kind} in field visitor.token"
    )


def test_meteor_optional_non_nullable_key_rejects_null() -> None:
    assert meteor_error(VISITOR, {"visitor": {"token": "t", "id": None}}) == (
        "Match error: Expected string, got null in field visitor.id"
    )


def test_meteor_nullable_key_accepts_null_or_absence_but_checks_other_values() -> None:
    assert meteor_check(VISITOR, {"visitor": {"token": "t", "email": None}})
    assert meteor_error(VISITOR, {"visitor": {"token": "t", "email": 5}}) == (
        "Match error: Expected string, got number in field visitor.email"
    )


def test_meteor_wrong_type_of_whole_instance_has_no_field() -> None:
    assert meteor_error(VISITOR, "text") == "Match error: Expected object, got string"
    assert meteor_error(VISITOR, None) == "Match error: Expected object, got null"
    assert meteor_error(VISITOR, []) == "Match error: Expected plain object"
    assert meteor_error(STRING, 5) == "Match error: Expected string, got number"


def test_meteor_wrong_type_of_nested_object() -> None:
    assert (
        meteor_error(VISITOR, {"visitor": "t"}) == "Match error: Expected object, got string in field visitor"
    )


def test_meteor_array_items_have_indexed_paths() -> None:
    body = {"visitor": {"token": "t", "customFields": [{"key": "k", "value": "v", "overwrite": "no"}]}}
    assert meteor_error(VISITOR, body) == (
        "Match error: Expected boolean, got string in field visitor.customFields[0].overwrite"
    )
    body = {"visitor": {"token": "t", "customFields": [{"key": "k", "value": "v", "overwrite": True}, {}]}}
    assert meteor_error(VISITOR, body) == "Match error: Missing key 'key' in field visitor.customFields[1]"


def test_meteor_expected_array_shows_the_value() -> None:
    assert meteor_error(VISITOR, {"visitor": {"token": "t", "customFields": "x"}}) == (
        'Match error: Expected array, got "x" in field visitor.customFields'
    )


def test_meteor_checks_instance_keys_in_order_before_missing_keys() -> None:
    shape = {"type": "object", "properties": {"a": STRING, "b": STRING}, "required": ["a", "b"]}
    assert meteor_error(shape, {"b": 1}) == "Match error: Expected string, got number in field b"
    strict = {**shape, "additionalProperties": False}
    assert meteor_error(strict, {"zz": 1, "b": 1}) == "Match error: Unknown key in field zz"
    assert meteor_error(strict, {"b": 1, "zz": 1}) == "Match error: Expected string, got number in field b"
    assert meteor_error(shape, {}) == "Match error: Missing key 'a'"


def test_meteor_missing_keys_follow_shape_order() -> None:
    shape = {"type": "object", "properties": {"a": STRING, "b": STRING}, "required": ["b", "a"]}
    assert meteor_error(shape, {}) == "Match error: Missing key 'a'"


def test_meteor_odd_keys_are_quoted_in_paths() -> None:
    shape = {"type": "object", "properties": {"my key": {"type": "object", "properties": {"class": STRING}}}}
    assert meteor_error(shape, {"my key": {"class": 1}}) == (
        'Match error: Expected string, got number in field ["my key"]["class"]'
    )


def test_meteor_does_not_coerce() -> None:
    shape = {"type": "object", "properties": {"token": STRING}, "required": ["token"]}
    assert meteor_error(shape, {"token": 5}) == "Match error: Expected string, got number in field token"


@given(_JSON)
def test_meteor_check_only_raises_plain_match_errors(instance: Any) -> None:
    try:
        meteor_check(VISITOR, instance)
    except Plain as error:
        assert error.msg.startswith("Match error: ")
