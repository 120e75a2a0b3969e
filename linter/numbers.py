"""Numbers read from text: one bounded conversion, and YAML 1.1 numbers as Kubernetes reads them.

Every number portlint reads from an input, a flag, the config file or the environment goes
through ``parse_int``: Python refuses to convert more than 4,300 digits (and the conversion is
quadratic below that), while no number portlint needs has more than 64 significant digits (a
64-bit value written in binary). A longer one is simply not a number the caller can use.
"""

from __future__ import annotations

import math
import re

MAX_DIGITS = 64  # significant digits of the widest number read: 64 bits in binary
_DIGITS = {
    2: re.compile(r"[01]+"),
    8: re.compile(r"[0-7]+"),
    10: re.compile(r"[0-9]+"),
    16: re.compile(r"[0-9a-fA-F]+"),
}


def parse_int(digits: str, base: int = 10) -> int | None:
    """The value of ``digits`` (ASCII digits of ``base``, nothing else: no sign, space or
    underscore), or None when it is not such a string or has more than MAX_DIGITS digits
    after its leading zeros."""
    significant = digits.lstrip("0")
    if _DIGITS[base].fullmatch(digits) is None or len(significant) > MAX_DIGITS:
        return None
    return int(significant or "0", base)


# -- YAML 1.1 numbers, as the API server and kubectl decode them.
#
# Kubernetes turns YAML into JSON with sigs.k8s.io/yaml's YAMLToJSON, which resolves plain
# scalars with go-yaml v2 (resolve.go, `resolve`, github.com/go-yaml/yaml branch v2 at
# 7649d45): after removing every "_", a plain scalar starting with a digit or a sign is an
# integer when Go's strconv.ParseInt(s, 0, 64) (else ParseUint) accepts it: an optional sign,
# then 0x/0X hexadecimal, 0o/0O or a leading 0 octal, 0b/0B binary, else decimal. Failing
# that it is a float when it matches `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
# and ParseFloat gives a finite value (so "030080", not octal, is the float 30080, and a
# number too large for a float stays a string). A scalar starting with "." is a float when
# ParseFloat accepts it. json.Marshal writes an integral float without a fraction
# ("30000.0" becomes 30000), so an int32 field such as nodePort decodes it as that integer;
# a fraction fails to decode. Quoted scalars are strings and never reach this resolution.

_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?")  # ParseFloat of text starting with "."
_PREFIXES = {"0b": 2, "0o": 8, "0x": 16}
_NUMBER_START = "+-0123456789"  # go-yaml's hint: only these (and ".") may start a number
INT64_MIN, UINT64_MAX = -(1 << 63), (1 << 64) - 1


def yaml_number(text: str) -> int | float | None:
    """The number a plain YAML scalar is to Kubernetes' decoder, or None when it is not one
    (a string, boolean, null or timestamp)."""
    if text[:1] == ".":
        return _finite(text) if _DOT_FLOAT.fullmatch(text) else None
    if not text or text[0] not in _NUMBER_START:
        return None
    plain = text.replace("_", "")
    value = _go_int(plain)
    if value is not None:
        return value
    return _finite(plain) if _FLOAT.fullmatch(plain) else None


def _go_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), else ParseUint(text, 0, 64): None when both fail."""
    sign = text[:1] if text[:1] in ("+", "-") else ""
    body = text[len(sign) :]
    prefix = body[:2].lower()
    if prefix in _PREFIXES:  # "0x" alone leaves no digits: not a number, as for Go
        value = parse_int(body[2:], _PREFIXES[prefix])
    else:
        value = parse_int(body, 8 if body[:1] == "0" else 10)
    if value is None:
        return None
    value = -value if sign == "-" else value
    fits = INT64_MIN <= value < -INT64_MIN or (not sign and value <= UINT64_MAX)
    return value if fits else None


def _finite(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


def integral(number: int | float | None) -> int | None:
    """The integer an int32/int64 field decodes from ``number``: ints, and floats without a
    fraction; None for anything else."""
    if number.__class__ is float:
        return int(number) if number == int(number) else None  # type: ignore[arg-type]
    return number  # type: ignore[return-value]
