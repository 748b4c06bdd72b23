"""JavaScript semantics that Rocket.Chat clients observe and we reproduce: `String.trim`'s
whitespace, `String(number)`, and regular expressions written for JavaScript's `RegExp`."""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal

# JavaScript's `String.prototype.trim` set (Python's `str.strip()` misses U+FEFF and strips
# U+001C..U+001F, which JavaScript keeps).
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_JS_LETTER_ESCAPES = frozenset("bBdDfnrsStvwWxu")
_JS_SPACE_CLASS = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"


@functools.lru_cache(maxsize=512)
def js_regex(pattern: str) -> re.Pattern[str] | None:
    """A JavaScript pattern (no flags) compiled for `re`, or None when it cannot be.

    JavaScript differs from `re` where custom-field patterns commonly rely on it: `\\d`, `\\w` and
    `\\b` are ASCII-only (hence `re.ASCII`), `\\s` is Unicode whitespace (spelled out, since
    `re.ASCII` would narrow it), `$` matches only at the very end (`\\Z`; `re` also matches before a
    final newline), and named groups are written `(?<name>...)`."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "s":
                out.append(_JS_SPACE_CLASS if in_class else f"[{_JS_SPACE_CLASS}]")
            elif nxt == "S" and not in_class:
                out.append(f"[^{_JS_SPACE_CLASS}]")
            elif nxt.isascii() and nxt.isalpha() and nxt not in _JS_LETTER_ESCAPES:
                out.append(nxt)  # an identity escape in JavaScript (`\\a` is "a", `\\Z` is "Z")
            else:
                out.append(c + nxt)
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern.startswith("[^]", i):  # JavaScript: any character
                out.append("[\\s\\S]")
                i += 3
                in_class = False
                continue
        elif c == "$":
            c = "\\Z"
        elif pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
            c = "(?P"
            out.append(c)
            i += 2
            continue
        out.append(c)
        i += 1
    try:
        return re.compile("".join(out), re.ASCII)
    except (re.error, OverflowError, RecursionError):
        return None


def js_number_text(value: int | float) -> str:
    """JavaScript `String(number)`."""
    if isinstance(value, int) and abs(value) < 10**21:
        return str(value)
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(number))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    assert isinstance(exponent, int)
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # value = 0.digits * 10**n
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * -n + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        body = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + body
