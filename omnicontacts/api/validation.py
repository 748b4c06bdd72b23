"""Request validation with Rocket.Chat's exact wording: `validate` (AJV v8 as Rocket.Chat configures it)
and `meteor_check` (Meteor's `check()` for the three visitor endpoints). Spec: README §5 and the
introduction of livechat.md.

Why hand-written and not `jsonschema`: the contract is AJV's message text, AJV's keyword order and
AJV's in-place type coercion. `jsonschema` runs keywords in schema-dict order, words its messages
differently, reports every missing `required` property, and its keyword callbacks cannot replace a
value inside its parent, so coercion, ordering and wording would all have to be rebuilt around it.
The dialect is small (see below), so a focused validator that mirrors AJV's generated code is shorter
and can be exact.

`validate(schema, instance)` behaves like `new Ajv({coerceTypes: true})` (allErrors off, useDefaults
off) plus Rocket.Chat's `basic_email` format and `isNotEmpty` keyword, and returns the coerced copy.
How AJV runs one (sub)schema, reproduced here:

1. `type` (with `nullable: true` also `null`). A value of the wrong type is coerced (see below); when
   it cannot be, the error is `must be <type>`.
2. Keywords that apply to any type: `enum`, then `oneOf`.
3. Keywords that apply only when the value has their type, in AJV's rule order:
   number: `maximum`, `minimum`; string: `maxLength`, `minLength`, `pattern`, `format`, `isNotEmpty`;
   array: `maxItems`, `minItems`, `uniqueItems`, `items`; object: `required` (listed order, first
   missing wins), `additionalProperties` (absent = allowed), `properties` (in schema order).

The first failing keyword stops everything (one message line). `oneOf` evaluates its branches as
AJV "composite rules": each failing branch contributes its own first error, then
`must match exactly one schema in oneOf` is added. If two branches pass, the branches after the
second are not evaluated and the lines are the errors of the branches that failed before it plus
the `oneOf` line. Inside a branch AJV keeps going after a type error until the end of step 2, so a
wrongly typed property with an `enum` gives both lines there; this is reproduced.

Coercion (AJV `coerceTypes: true`, applied in place on a deep copy, also inside `oneOf` branches that
later fail, as AJV does), tried for each allowed type in order (`type` first, then `null`):
- number / integer: a boolean (`true` -> 1), `null` -> 0, or a non-empty string that JavaScript's
  `+s` turns into a finite number (trimmed; `0x`/`0o`/`0b`; whitespace-only gives 0). `Infinity` and
  overflows are refused [decision]. Integral results become `int`, others stay `float`; integer also
  needs an integral value.
- string: a number (JavaScript formatting: `1`, `1.5`, `1e+21`) or boolean (`"true"`), `null` -> `""`.
- boolean: `"true"`/`1` -> True, `"false"`/`0`/`null` -> False.
- null (only with `nullable: true`): `""`, `0`, `false` -> None.
Objects and arrays are never coerced, and nothing is coerced into an array.

`uniqueItems` follows AJV's two code paths: when `items` has a scalar `type`, items of other types
are skipped and the message names the later index first (`items ## 2 and 0`); otherwise (no `items`
type, or object/array items) it compares deeply and names the earlier index first.

Schema keywords outside the dialect raise `ValueError` (like AJV's strict mode), so a typo in an
endpoint's schema fails loudly instead of silently allowing everything.

`meteor_check(shape, instance)` reads the same dialect as Meteor `check()` patterns: an object schema
is an object pattern (`additionalProperties: false` -> exact keys, otherwise `Match.ObjectIncluding`),
properties not listed in `required` are `Match.Optional`, `nullable: true` makes them `Match.Maybe`
(absent or null) [decision: real Meteor unwraps Maybe inside objects and would reject null], `items`
is `[pattern]`, `integer` is `Match.Integer`. Keys are visited in the instance's (JavaScript) key
order: an unknown key or a wrongly typed value fails at once; then the first missing required key (in
`properties` order) fails. Texts are Meteor's: `Match error: <message>` plus ` in field <path>` when
the path is not empty. No coercion; the instance is returned unchanged.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any, Final

from omnicontacts.errors import InvalidParams, Plain
from omnicontacts.javascript import JS_WHITESPACE, js_number_text, js_regex

__all__ = ["meteor_check", "validate"]

ONE_OF_MESSAGE: Final = "must match exactly one schema in oneOf"

_KEYWORDS: Final = frozenset(
    {
        "type",
        "nullable",
        "enum",
        "oneOf",
        "maximum",
        "minimum",
        "maxLength",
        "minLength",
        "pattern",
        "format",
        "isNotEmpty",
        "maxItems",
        "minItems",
        "uniqueItems",
        "items",
        "required",
        "additionalProperties",
        "properties",
        # annotations, no effect on validation
        "description",
        "title",
        "examples",
        "default",
        "$comment",
    }
)
_TYPES: Final = frozenset({"object", "string", "number", "integer", "boolean", "array", "null"})
_FORMATS: Final[dict[str, Callable[[str], bool]]] = {
    "basic_email": lambda s: re.fullmatch(r"[^@]+@[^@]+", s) is not None,
}


class _Fail:
    __slots__ = ()


_FAIL: Final = _Fail()


# --------------------------------------------------------------------------------------------------
# AJV


def validate(schema: dict[str, Any], instance: Any) -> Any:
    """Validate `instance` like Rocket.Chat's AJV and return a coerced deep copy (the input is never
    changed). Raises `InvalidParams(lines)` on the first failure (several lines only for `oneOf`)."""
    box: list[Any] = [_copy(instance)]
    errors = _check(schema, box, 0, composite=False)
    if errors:
        raise InvalidParams(errors)
    return box[0]


def _check(schema: dict[str, Any], holder: Any, key: Any, composite: bool) -> list[str]:
    """Run one (sub)schema on `holder[key]`, coercing in place. Returns the error lines (empty = valid).

    `composite` is AJV's compositeRule flag (inside `oneOf`): a type error does not return at once."""
    if not isinstance(schema, dict):
        raise ValueError(f"schema must be an object, got {schema!r}")
    unknown = schema.keys() - _KEYWORDS
    if unknown:
        raise ValueError(f"unsupported schema keyword(s): {sorted(unknown)}")

    errors: list[str] = []
    types = _schema_types(schema)
    if types and not any(_has_type(t, holder[key]) for t in types):
        coerced = _coerce(types, holder[key])
        if coerced is _FAIL:
            errors.append(f"must be {schema['type']}")
            if not composite:
                return errors
        else:
            holder[key] = coerced
    data = holder[key]

    # Keywords for any type. A failure here ends this schema.
    if "enum" in schema and not any(_js_equal(data, allowed) for allowed in schema["enum"]):
        return [*errors, "must be equal to one of the allowed values"]
    if "oneOf" in schema:
        branch_errors = _one_of(schema["oneOf"], holder, key)
        if branch_errors:
            return errors + branch_errors
    if errors:
        return errors

    for rule in _TYPED_RULES:
        message = rule(schema, holder, key, composite)
        if message:
            return message
    return []


def _one_of(branches: list[dict[str, Any]], holder: Any, key: Any) -> list[str]:
    errors: list[str] = []
    valid = False
    for index, branch in enumerate(branches):
        branch_errors = _check(branch, holder, key, composite=True)
        errors.extend(branch_errors)
        passed = not branch_errors
        if index > 0 and passed and valid:
            valid = False
            break
        if passed:
            valid = True
    return [] if valid else [*errors, ONE_OF_MESSAGE]


def _number_rules(schema: dict[str, Any], holder: Any, key: Any, composite: bool) -> list[str]:
    data = holder[key]
    if not _has_type("number", data):
        return []
    if "maximum" in schema and data > schema["maximum"]:
        return [f"must be <= {js_number_text(schema['maximum'])}"]
    if "minimum" in schema and data < schema["minimum"]:
        return [f"must be >= {js_number_text(schema['minimum'])}"]
    return []


def _string_rules(schema: dict[str, Any], holder: Any, key: Any, composite: bool) -> list[str]:
    data = holder[key]
    if not isinstance(data, str):
        return []
    if "maxLength" in schema and len(data) > schema["maxLength"]:
        return [f"must NOT have more than {schema['maxLength']} characters"]
    if "minLength" in schema and len(data) < schema["minLength"]:
        return [f"must NOT have fewer than {schema['minLength']} characters"]
    if "pattern" in schema and not _pattern_matches(schema["pattern"], data):
        return [f'must match pattern "{schema["pattern"]}"']
    if "format" in schema:
        name = schema["format"]
        if name not in _FORMATS:
            raise ValueError(f"unknown format {name!r}")
        if not _FORMATS[name](data):
            return [f'must match format "{name}"']
    if "isNotEmpty" in schema and not data.strip(JS_WHITESPACE):
        return ['must pass "isNotEmpty" keyword validation']
    return []


def _array_rules(schema: dict[str, Any], holder: Any, key: Any, composite: bool) -> list[str]:
    data = holder[key]
    if not isinstance(data, list):
        return []
    if "maxItems" in schema and len(data) > schema["maxItems"]:
        return [f"must NOT have more than {schema['maxItems']} items"]
    if "minItems" in schema and len(data) < schema["minItems"]:
        return [f"must NOT have fewer than {schema['minItems']} items"]
    if schema.get("uniqueItems"):
        duplicate = _duplicate(schema.get("items"), data)
        if duplicate:
            return [
                f"must NOT have duplicate items (items ## {duplicate[0]} and {duplicate[1]} are identical)"
            ]
    if "items" in schema:
        items = schema["items"]
        if not isinstance(items, dict):
            raise ValueError("only a single `items` schema is supported")
        for index in range(len(data)):
            errors = _check(items, data, index, composite)
            if errors:
                return errors
    return []


def _object_rules(schema: dict[str, Any], holder: Any, key: Any, composite: bool) -> list[str]:
    data = holder[key]
    if not isinstance(data, dict):
        return []
    for name in schema.get("required", ()):
        if name not in data:
            return [f"must have required property '{name}'"]
    properties: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    if extra is not True:
        for name in _js_key_order(data):
            if name in properties:
                continue
            if extra is False:
                return ["must NOT have additional properties"]
            errors = _check(extra, data, name, composite)
            if errors:
                return errors
    for name, subschema in properties.items():
        if name in data:
            errors = _check(subschema, data, name, composite)
            if errors:
                return errors
    return []


_TYPED_RULES: Final = (_number_rules, _string_rules, _array_rules, _object_rules)


def _schema_types(schema: dict[str, Any] | None) -> list[str]:
    if not isinstance(schema, dict) or "type" not in schema:
        return []
    kind = schema["type"]
    if kind not in _TYPES:
        raise ValueError(f"unsupported type {kind!r}")
    return [kind, "null"] if schema.get("nullable") is True and kind != "null" else [kind]


def _has_type(kind: str, value: Any) -> bool:
    """AJV's checkDataType with strictNumbers (numbers must be finite)."""
    if kind == "string":
        return isinstance(value, str)
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if isinstance(value, float) and not math.isfinite(value):
            return False
        return kind == "number" or value == int(value)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return value is None


def _is_js_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _coerce(types: list[str], value: Any) -> Any:
    """AJV coerceData: the first allowed type that accepts the value wins; `_FAIL` if none does."""
    for kind in types:
        if kind == "string":
            if _is_js_number(value) or isinstance(value, bool):
                return _js_string(value)
            if value is None:
                return ""
        elif kind in ("number", "integer"):
            if isinstance(value, bool):
                return int(value)
            if value is None:
                return 0
            if isinstance(value, str) and value:
                number = _js_to_number(value)
                if number is not None and (kind == "number" or number == int(number)):
                    return number
        elif kind == "boolean":
            if value == "false" or value is None or (_is_js_number(value) and value == 0):
                return False
            if value == "true" or (_is_js_number(value) and value == 1):
                return True
        elif kind == "null" and (value == "" or value is False or (_is_js_number(value) and value == 0)):
            return None
    return _FAIL


def _duplicate(items: Any, data: list[Any]) -> tuple[int, int] | None:
    """AJV uniqueItems: the pair it reports, in message order, or None."""
    item_types = _schema_types(items)
    if item_types and not any(t in ("object", "array") for t in item_types):
        seen: dict[str, int] = {}
        for i in range(len(data) - 1, -1, -1):
            item = data[i]
            if not any(_has_type(t, item) for t in item_types):
                continue
            token = _js_string(item) + ("_" if len(item_types) > 1 and isinstance(item, str) else "")
            if token in seen:
                return seen[token], i
            seen[token] = i
        return None
    for i in range(len(data) - 1, -1, -1):
        for j in range(i - 1, -1, -1):
            if _js_equal(data[i], data[j]):
                return j, i
    return None


def _js_equal(a: Any, b: Any) -> bool:
    """fast-deep-equal / `===` on JSON values (booleans are not numbers, 1 equals 1.0)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if _is_js_number(a) and _is_js_number(b):
        return bool(a == b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if a is None or b is None:
        return a is b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_js_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_js_equal(a[k], b[k]) for k in a)
    return False


# --------------------------------------------------------------------------------------------------
# JavaScript value semantics

_DECIMAL: Final = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_RADIX: Final = {
    "x": (16, re.compile(r"[0-9a-fA-F]+")),
    "o": (8, re.compile(r"[0-7]+")),
    "b": (2, re.compile(r"[01]+")),
}
_SAFE_INTEGER: Final = 2**53


def _js_to_number(text: str) -> int | float | None:
    """JavaScript `+text` for a string, or None when that is NaN or not finite."""
    s = text.strip(JS_WHITESPACE)
    if not s:
        return 0
    value: float
    if len(s) > 2 and s[0] == "0" and s[1] in "xXoObB":
        radix, digits = _RADIX[s[1].lower()]
        if not digits.fullmatch(s[2:]):
            return None
        try:
            value = float(int(s[2:], radix))
        except OverflowError:
            return None
    elif _DECIMAL.fullmatch(s):
        value = float(s)
    else:
        return None
    if not math.isfinite(value):
        return None
    if value.is_integer() and abs(value) <= _SAFE_INTEGER:
        return int(value)
    return value


def _js_string(value: Any) -> str:
    """JavaScript `String(value)` for JSON scalars."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if _is_js_number(value):
        return js_number_text(value)
    return str(value)


def _js_json(value: Any) -> str:
    """JavaScript `JSON.stringify(value)` for JSON values."""
    if value is None or isinstance(value, bool | str):
        return json.dumps(value, ensure_ascii=False)
    if _is_js_number(value):
        return js_number_text(value) if math.isfinite(value) else "null"
    if isinstance(value, list):
        return "[" + ",".join(_js_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_js_json(k)}:{_js_json(value[k])}" for k in _js_key_order(value)) + "}"
    return json.dumps(str(value))


def _is_array_index(key: str) -> bool:
    return re.fullmatch(r"0|[1-9][0-9]*", key) is not None and int(key) < 2**32 - 1


def _js_key_order(obj: dict[str, Any]) -> list[str]:
    """JavaScript own-property order: array-index keys ascending, then the rest in insertion order."""
    indices = sorted((k for k in obj if _is_array_index(k)), key=int)
    return indices + [k for k in obj if not _is_array_index(k)]


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------------
# Meteor check()


def meteor_check(shape: dict[str, Any], instance: Any) -> Any:
    """Check `instance` against `shape` like Meteor's `check()`; raise `Plain("Match error: ...")`.

    Returns `instance` unchanged (no coercion)."""
    failure = _match(shape, instance, in_object=False)
    if failure is not None:
        message, path = failure
        raise Plain(f"Match error: {message}" + (f" in field {path}" if path else ""))
    return instance


_Failure = tuple[str, str]  # (message, path)


def _match(schema: dict[str, Any], value: Any, in_object: bool) -> _Failure | None:
    """Meteor `testSubtree`. `in_object` is True for the value of an object key, where Meteor
    unwraps `Match.Maybe`/`Match.Optional` instead of turning them into `Match.OneOf`."""
    if not isinstance(schema, dict):
        raise ValueError(f"schema must be an object, got {schema!r}")
    if schema.get("nullable") is True:
        if value is None:
            return None
        if not in_object:
            inner = _match({k: v for k, v in schema.items() if k != "nullable"}, value, in_object=False)
            return (
                None
                if inner is None
                else ("Failed Match.OneOf, Match.Maybe or Match.Optional validation", "")
            )
    kind = schema.get("type")
    if kind is None:
        if not schema.keys() & {"properties", "required", "additionalProperties"}:
            return None  # `{}` is Match.Any
        kind = "object"
    if kind in ("string", "number", "boolean"):
        if _typeof(value) == kind:
            return None
        return f"Expected {kind}, got {_typeof(value)}", ""
    if kind == "integer":
        if (
            _is_js_number(value)
            and math.isfinite(value)
            and value == int(value)
            and -(2**31) <= value < 2**31
        ):
            return None
        return f"Expected Integer, got {_meteor_repr(value)}", ""
    if kind == "array":
        if not isinstance(value, list):
            return f"Expected array, got {_meteor_repr(value)}", ""
        items = schema.get("items")
        if items is not None:
            for index, item in enumerate(value):
                failure = _match(items, item, in_object=False)
                if failure is not None:
                    return failure[0], _prepend_path(index, failure[1])
        return None
    if kind != "object":
        raise ValueError(f"unsupported type {kind!r} in a Meteor shape")
    return _match_object(schema, value)


def _match_object(schema: dict[str, Any], value: Any) -> _Failure | None:
    if value is None:
        return "Expected object, got null", ""
    if isinstance(value, list):
        return "Expected plain object", ""
    if not isinstance(value, dict):
        return f"Expected object, got {_typeof(value)}", ""
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    for key in _js_key_order(value):
        if key in properties:
            failure = _match(properties[key], value[key], in_object=True)
            if failure is not None:
                return failure[0], _prepend_path(key, failure[1])
        elif extra is False:
            return "Unknown key", key
        elif isinstance(extra, dict):
            failure = _match(extra, value[key], in_object=False)
            if failure is not None:
                return failure[0], _prepend_path(key, failure[1])
    # A nullable (Match.Maybe) property is never a missing key.
    missing = [k for k, sub in properties.items() if k in required and k not in value and not _maybe(sub)]
    missing += [k for k in schema.get("required", ()) if k not in properties and k not in value]
    if missing:
        return f"Missing key '{missing[0]}'", ""
    return None


def _maybe(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("nullable") is True


def _typeof(value: Any) -> str:
    """Meteor's `stringForErrorMessage(value, {onlyShowType: true})`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if _is_js_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def _meteor_repr(value: Any) -> str:
    """Meteor's `stringForErrorMessage(value)` (EJSON.stringify of the value)."""
    return "null" if value is None else _js_json(value)


_JS_KEYWORDS: Final = frozenset(
    [
        "do",
        "if",
        "in",
        "for",
        "let",
        "new",
        "try",
        "var",
        "case",
        "else",
        "enum",
        "eval",
        "false",
        "null",
        "this",
        "true",
        "void",
        "with",
        "break",
        "catch",
        "class",
        "const",
        "super",
        "throw",
        "while",
        "yield",
        "delete",
        "export",
        "import",
        "public",
        "return",
        "static",
        "switch",
        "typeof",
        "default",
        "extends",
        "finally",
        "package",
        "private",
        "continue",
        "debugger",
        "function",
        "arguments",
        "interface",
        "protected",
        "implements",
        "instanceof",
    ]
)


def _prepend_path(key: str | int, base: str) -> str:
    """Meteor's `_prependPath`: `a.b`, `a[0]`, `["odd key"]`."""
    if isinstance(key, int) or re.fullmatch(r"[0-9]+", key):
        text = f"[{key}]"
    elif not re.fullmatch(r"[A-Za-z_$][0-9A-Za-z_$]*", key) or key in _JS_KEYWORDS:
        text = json.dumps([key], ensure_ascii=False)
    else:
        text = key
    if base and base[0] != "[":
        return f"{text}.{base}"
    return text + base


def _pattern_matches(pattern: str, text: str) -> bool:
    compiled = js_regex(pattern)
    if compiled is None:
        raise ValueError(f"schema pattern {pattern!r} is not a usable regular expression")
    return compiled.search(text) is not None
