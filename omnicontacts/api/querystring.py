"""Query-string parsing that reproduces Node's `qs` library (`qs.parse(str)` with its defaults, as the
Rocket.Chat REST layer sees `this.queryParams`). Also used for `application/x-www-form-urlencoded`
bodies (README §1).

What is reproduced (qs 6.x `lib/parse.js` + `lib/utils.js`):

- `&` separates pieces; at most the first 1000 pieces are read (`parameterLimit`); pieces with an
  empty key (`""`, `=x`) are ignored.
- A piece splits at its first `]=` (so `a[x=y]=1` keeps `=` inside the brackets), otherwise at its
  first `=`. A piece without `=` has the value `""`.
- `%5B` / `%5D` (any case) become `[` / `]` before anything else. Keys and values: `+` is a space,
  then `decodeURIComponent`; a malformed or non-UTF-8 escape leaves that key or value exactly as it
  was (after the `+` replacement) instead of failing, which is what qs does. Parsing never raises.
- A repeated key collects its values into a list: `a=1&a=2` -> `{"a": ["1", "2"]}`.
- Brackets nest, at most 5 deep (deeper text stays one literal key): `a[b][c]=1` ->
  `{"a": {"b": {"c": "1"}}}`; `a[]=1&a[]=2` -> `{"a": ["1", "2"]}`; an index `a[1]=x` makes a list
  when it is at most 20 (`arrayLimit`), holes are squeezed out (`a[1]=x` -> `{"a": ["x"]}`), a larger
  index makes an object key (`a[21]=x` -> `{"a": {"21": "x"}}`).
- Mixing shapes follows `utils.merge`: `a=1&a[b]=2` -> `{"a": ["1", {"b": "2"}]}`, and
  `a[b]=1&a=2` -> `{"a": {"b": "1", "2": True}}`.
- Keys come out in JavaScript property order: array-index keys (`"0"`, `"1"`, ...) first in numeric
  order, then the others in first-seen order.
- Keys named like `Object.prototype` members (`toString`, `constructor`, ...) are kept, as with
  Express's `qs.parse(str, {allowPrototypes: true})`; `__proto__` is dropped, as qs always does.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["parse_query"]

_PARAMETER_LIMIT = 1000
_DEPTH = 5
_ARRAY_LIMIT = 20
_MAX_ARRAY_INDEX = 2**32 - 2

_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_OPEN = re.compile(r"%5B", re.IGNORECASE)
_CLOSE = re.compile(r"%5D", re.IGNORECASE)
_CANONICAL_UINT = re.compile(r"0|[1-9][0-9]*")
_HEX = frozenset("0123456789abcdefABCDEF")


class _Hole:
    """A missing slot of a sparse JavaScript array (`a[3]=x` makes `[ , , , "x"]` before compaction)."""

    __slots__ = ()


_HOLE = _Hole()


def parse_query(raw: str) -> dict[str, Any]:
    """Parse a URL query string (without the leading `?`) the way Node's `qs.parse` does."""
    if not raw:
        return {}
    values: dict[str, Any] = {}
    for part in _CLOSE.sub("]", _OPEN.sub("[", raw)).split("&")[:_PARAMETER_LIMIT]:
        bracket_equals = part.find("]=")
        pos = part.find("=") if bracket_equals == -1 else bracket_equals + 1
        if pos == -1:
            key, value = _decode(part), ""
        else:
            key, value = _decode(part[:pos]), _decode(part[pos + 1 :])
        values[key] = _combine(values[key], value) if key in values else value

    result: dict[str, Any] = {}
    for key in _js_key_order(values):
        parsed = _parse_keys(key, values[key])
        if parsed is not None:
            merged = _merge(result, parsed)
            assert isinstance(merged, dict)
            result = merged
    compacted = _compact(result)
    assert isinstance(compacted, dict)
    return compacted


def _decode(text: str) -> str:
    """qs's default decoder: `+` is a space, then `decodeURIComponent`, falling back to the text."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] != "%":
            j = text.find("%", i)
            j = n if j == -1 else j
            out.append(text[i:j])
            i = j
            continue
        run = bytearray()
        while i < n and text[i] == "%":
            digits = text[i + 1 : i + 3]
            if len(digits) != 2 or not _HEX.issuperset(digits):
                return text  # URIError: malformed escape
            run.append(int(digits, 16))
            i += 3
        try:
            out.append(run.decode("utf-8"))
        except UnicodeDecodeError:
            return text  # URIError: the escapes are not UTF-8
    return "".join(out)


def _parse_keys(key: str, value: Any) -> Any:
    """Split `a[b][c]` into its chain and build the nested value (qs `parseKeys`)."""
    if not key:
        return None
    first = _BRACKETS.search(key)
    parent = key[: first.start()] if first else key
    chain: list[str] = [parent] if parent else []
    rest_at: int | None = None
    if first is not None:
        for count, segment in enumerate(_BRACKETS.finditer(key)):
            if count == _DEPTH:
                rest_at = segment.start()
                break
            chain.append(segment.group())
    if rest_at is not None:
        chain.append("[" + key[rest_at:] + "]")
    return _parse_object(chain, value)


def _parse_object(chain: list[str], leaf: Any) -> Any:
    for root in reversed(chain):
        if root == "[]":
            built: Any = _combine([], leaf)
        else:
            clean = root[1:-1] if len(root) >= 2 and root[0] == "[" and root[-1] == "]" else root
            if root != clean and _CANONICAL_UINT.fullmatch(clean) and int(clean) <= _ARRAY_LIMIT:
                built = [_HOLE] * int(clean) + [leaf]
            elif clean != "__proto__":
                built = {clean: leaf}
            else:
                built = {}
        leaf = built
    return leaf


def _combine(a: Any, b: Any) -> list[Any]:
    """JavaScript `[].concat(a, b)`: lists are spread one level, anything else is appended."""
    out: list[Any] = []
    for x in (a, b):
        if isinstance(x, list):
            out.extend(x)
        else:
            out.append(x)
    return out


def _merge(target: Any, source: Any) -> Any:
    """qs `utils.merge` on JavaScript-like values (dict = object, list = array with holes)."""
    if isinstance(source, str) and source == "":
        return target  # `if (!source) return target`
    if not isinstance(source, dict | list):
        if isinstance(target, list):
            target.append(source)
        elif isinstance(target, dict):
            target[_js_string(source)] = True
        else:
            return [target, source]
        return target
    if not isinstance(target, dict | list):
        return _combine([target], source)
    if isinstance(target, list) and isinstance(source, list):
        for i, item in enumerate(source):
            if item is _HOLE:
                continue
            if i < len(target) and target[i] is not _HOLE:
                current = target[i]
                if isinstance(current, dict | list) and isinstance(item, dict | list):
                    target[i] = _merge(current, item)
                else:
                    target.append(item)
            else:
                target.extend([_HOLE] * (i + 1 - len(target)))
                target[i] = item
        return target
    merge_target: dict[str, Any] = target if isinstance(target, dict) else _array_to_object(target)
    for key, value in _items(source):
        merge_target[key] = _merge(merge_target[key], value) if key in merge_target else value
    return merge_target


def _array_to_object(array: list[Any]) -> dict[str, Any]:
    return {str(i): v for i, v in enumerate(array) if v is not _HOLE}


def _items(value: dict[str, Any] | list[Any]) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return list(value.items())
    return [(str(i), v) for i, v in enumerate(value) if v is not _HOLE]


def _js_string(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _is_array_index(key: str) -> bool:
    return bool(_CANONICAL_UINT.fullmatch(key)) and int(key) <= _MAX_ARRAY_INDEX


def _js_key_order(obj: dict[str, Any]) -> list[str]:
    """Own-property order of a JavaScript object built by inserting `obj`'s keys in order."""
    indices = sorted((k for k in obj if _is_array_index(k)), key=int)
    return indices + [k for k in obj if not _is_array_index(k)]


def _compact(value: Any) -> Any:
    """qs `utils.compact`: squeeze holes out of arrays; also put object keys in JavaScript order."""
    if isinstance(value, list):
        return [_compact(v) for v in value if v is not _HOLE]
    if isinstance(value, dict):
        return {k: _compact(value[k]) for k in _js_key_order(value)}
    return value
