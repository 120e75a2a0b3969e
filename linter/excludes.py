"""Which inputs the config's ``exclude`` patterns leave out.

Patterns are gitignore-style (``*`` stays within one path segment, ``**`` crosses them, a
pattern without a slash matches at any depth, a trailing ``/`` only directories) and
relative to the directory of the file that declares them, so ``cd deploy && portlint check
../charts`` honours the repository's ``.portlint.yaml``. pathspec implements git's matching
rules exactly, which a hand-written fnmatch loop did not.
"""

from __future__ import annotations

import os


class Excludes:
    def __init__(self, patterns: list[str], base: str = ".") -> None:
        if patterns:
            import pathspec  # 70 ms of imports (it pulls in asyncio): only when there are patterns

            self._spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        else:
            self._spec = None
        self._base = os.path.abspath(base)

    def match(self, path: str, is_dir: bool = False) -> bool:
        """True when ``path`` (a file, or a directory to prune) is excluded; paths outside
        the base directory never are."""
        if self._spec is None:
            return False
        relative = os.path.relpath(os.path.abspath(path), self._base)
        if relative == os.curdir or relative.startswith(os.pardir + os.sep) or relative == os.pardir:
            return False
        relative = relative.replace(os.sep, "/")
        return self._spec.match_file(relative + "/" if is_dir else relative)


NOTHING = Excludes([])
