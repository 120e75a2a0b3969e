"""The rule registry: an explicit list, in id order. Add a new rule module here.

Each module defines ID, NAME, LEVEL, SUMMARY, TAGS, PRECISION, SECURITY_SEVERITY, a
Markdown docstring (its help), and ``check(manifest, ctx)`` for one object and/or
``check_run(ctx)`` for the whole run (with ``collect(manifest, ctx)`` to keep the small
facts it needs). See docs/DESIGN.md, "The rule contract".
"""

from . import pl000_parse_error

RULES = [
    pl000_parse_error,
]

BY_ID = {rule.ID: rule for rule in RULES}
