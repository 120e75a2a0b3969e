"""Text from the inputs (object names, paths, keys, values quoted in messages, helm's errors)
on its way to a terminal, a CI log or a problem matcher: every control character is shown as
``\\uXXXX``, so that an escape sequence cannot restyle or rewrite the terminal and a newline
cannot start a line of its own (a forged ``file:1:1: error: ... [PL999]`` that problem matchers
would take for a finding). Also escaped: DEL and the C1 controls (U+009B is a one-character
CSI to some terminals), the Unicode line and paragraph separators (line breaks to editors) and
the bidirectional controls (which reorder what is shown). JSON and SARIF need none of this:
their encoders escape control characters in strings."""

from __future__ import annotations

import re

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with each unprintable character as ``\\uXXXX``."""
    return _UNPRINTABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(chunk: str) -> str:
    """A chunk of a JSON report with each lone surrogate (the bytes of a file name that is not
    UTF-8, as os decodes them) as JSON's ``\\udcXX`` escape: json.dumps(ensure_ascii=False)
    leaves them as they are, and no UTF-8 output can hold them."""
    return chunk if chunk.isascii() else _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", chunk)


_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")  # left by printable() and not allowed in XML 1.0


def xml_text(text: str) -> str:
    """``text`` for an XML 1.0 attribute or element: printable(), and the characters XML cannot
    hold even as references (lone surrogates from undecodable file names, U+FFFE, U+FFFF) as
    ``\\uXXXX``. The caller still quotes ``<``, ``&`` and ``"`` (xml.sax.saxutils)."""
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", printable(text))
