"""parse_query reproduces Node's `qs.parse` (README §1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicontacts.api.querystring import parse_query


def test_plain_pairs_are_strings() -> None:
    assert parse_query("a=1&b=two") == {"a": "1", "b": "two"}


def test_empty_query_is_empty_object() -> None:
    assert parse_query("") == {}


def test_repeated_key_becomes_list_in_order() -> None:
    assert parse_query("a=1&a=2&a=3") == {"a": ["1", "2", "3"]}


def test_bracketed_key_becomes_object() -> None:
    assert parse_query("a[b]=1") == {"a": {"b": "1"}}


def test_empty_brackets_build_a_list() -> None:
    assert parse_query("a[]=1&a[]=2") == {"a": ["1", "2"]}


def test_single_empty_bracket_is_still_a_list() -> None:
    assert parse_query("a[]=1") == {"a": ["1"]}


def test_nested_brackets() -> None:
    assert parse_query("a[b][c]=1&a[b][d]=2") == {"a": {"b": {"c": "1", "d": "2"}}}


def test_percent_encoded_brackets_are_brackets() -> None:
    assert parse_query("sort%5BclosedAt%5D=-1") == {"sort": {"closedAt": "-1"}}


def test_nesting_stops_at_depth_five() -> None:
    assert parse_query("a[b][c][d][e][f][g][h]=1") == {
        "a": {"b": {"c": {"d": {"e": {"f": {"[g][h]": "1"}}}}}}
    }


def test_small_index_makes_a_compacted_list() -> None:
    assert parse_query("a[1]=x") == {"a": ["x"]}
    assert parse_query("a[1]=y&a[0]=x") == {"a": ["x", "y"]}


def test_index_above_array_limit_makes_an_object_key() -> None:
    assert parse_query("a[21]=x") == {"a": {"21": "x"}}


def test_plain_then_bracketed_key_merges_into_a_list() -> None:
    assert parse_query("a=1&a[b]=2") == {"a": ["1", {"b": "2"}]}


def test_bracketed_then_plain_key_adds_a_true_flag() -> None:
    assert parse_query("a[b]=1&a=2") == {"a": {"2": True, "b": "1"}}


def test_plus_means_space_in_keys_and_values() -> None:
    assert parse_query("full+name=Ada+Lovelace") == {"full name": "Ada Lovelace"}


def test_percent_decoding_is_utf8() -> None:
    assert parse_query("name=Jos%C3%A9&e=a%2Bb%40c") == {"name": "José", "e": "a+b@c"}


@pytest.mark.parametrize("raw", ["caf%E9", "100%", "%ZZ", "%C3", "%41%ZZ"])
def test_undecodable_value_is_kept_as_written(raw: str) -> None:
    assert parse_query(f"v={raw}") == {"v": raw}


def test_undecodable_value_still_turns_plus_into_space() -> None:
    assert parse_query("v=a+%E9") == {"v": "a %E9"}


def test_key_without_equals_has_empty_value() -> None:
    assert parse_query("flag&x=1") == {"flag": "", "x": "1"}


def test_empty_value() -> None:
    assert parse_query("contactId=") == {"contactId": ""}


def test_empty_pieces_and_empty_keys_are_ignored() -> None:
    assert parse_query("&&a=1&&=z&") == {"a": "1"}


def test_value_keeps_later_equals_signs() -> None:
    assert parse_query("q=a=b=c") == {"q": "a=b=c"}


def test_bracket_equals_splits_after_the_bracket() -> None:
    assert parse_query("a[x=y]=1") == {"a": {"x=y": "1"}}


def test_unclosed_bracket_is_a_literal_key() -> None:
    assert parse_query("a[b=1") == {"a[b": "1"}


def test_leading_bracket_key_has_no_parent() -> None:
    assert parse_query("[a]=1") == {"a": "1"}


def test_array_index_keys_come_first_like_javascript_objects() -> None:
    assert list(parse_query("b=1&2=x&a=3&1=y")) == ["1", "2", "b", "a"]


def test_proto_key_is_dropped_but_prototype_names_are_kept() -> None:
    assert parse_query("__proto__=1&toString=2&constructor=3") == {"toString": "2", "constructor": "3"}


def test_only_first_thousand_pieces_are_read() -> None:
    raw = "&".join(f"k{i}=v" for i in range(1005))
    parsed = parse_query(raw)
    assert len(parsed) == 1000
    assert "k999" in parsed
    assert "k1000" not in parsed


@given(st.text())
def test_parse_query_never_raises_on_any_text(raw: str) -> None:
    assert isinstance(parse_query(raw), dict)


_KEY_CHARS = st.sampled_from([*"ab[]=&%+0123456789", "%5B", "%5D", "%C3%A9", "%E9"])


@given(st.lists(_KEY_CHARS, max_size=40).map("".join))
def test_parse_query_never_raises_on_bracket_soup(raw: str) -> None:
    assert isinstance(parse_query(raw), dict)


@given(
    st.dictionaries(
        st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.from_regex(r"[a-z0-9]{0,8}", fullmatch=True)
    )
)
def test_simple_pairs_round_trip(pairs: dict[str, str]) -> None:
    raw = "&".join(f"{k}={v}" for k, v in pairs.items())
    assert parse_query(raw) == pairs
