"""What `portlint check` of one small file imports: only what that run needs. Worker processes
(multiprocessing), the findings store's spill files (pickle), Helm charts (portlint.helm), the
config schema (jsonschema) and script parsing (tree_sitter, for a file without a script) are
imported when a run uses them (docs/performance.md, start-up)."""

from __future__ import annotations

import subprocess
import sys

LAZY = ("multiprocessing", "concurrent.futures", "pickle", "portlint.helm", "jsonschema", "tree_sitter")

PROBE = f"""
import sys
from portlint.cli import main
sys.argv = ["portlint", "check", sys.argv[1]]
try:
    main()
except SystemExit as exit:
    code = exit.code
print(code, sorted(m for m in {LAZY!r} if m in sys.modules), file=sys.stderr)
"""


def test_checking_one_small_file_imports_only_what_it_needs(tmp_cwd):
    (tmp_cwd / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}\n"
    )
    done = subprocess.run([sys.executable, "-c", PROBE, "svc.yaml"], capture_output=True, text=True, timeout=60)
    assert done.stdout == ""  # nodePort 30080: in the NodePort range, its static band (30000-30085) and no ephemeral range
    assert done.stderr.splitlines()[-1] == "0 []"
