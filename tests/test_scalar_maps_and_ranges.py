"""Scripts mapped back into their YAML scalars (indentation indicators, quoted and plain
multi-line styles, escapes), pod sysctl values, the ephemeral range's Kubernetes versions and the
--node-port-range flag in commands: each test pins one behaviour, with the expectation counted by hand off the text written
here (columns are 1-based)."""

from __future__ import annotations

from conftest import lint_text


def spans(text: str, *args: str):
    return [
        (f["rule"], f["line"], f["column"], f["endLine"], f["endColumn"], f["message"].split(" without ")[0])
        for f in lint_text(text, *args).findings
    ]


def script_pod(item: str) -> str:
    """A pod whose container runs ``sh -c`` with ``item`` as the third command item (its
    first line is line 10 of the file, the item's '-' at column 9)."""
    return f"""apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  containers:
    - name: c
      command:
        - sh
        - -c
        - {item}
"""


# --- linter/scalarpos.py: an explicit indentation indicator ("|2") -------------------------


def test_an_explicit_indentation_indicator_counts_from_the_parent_lines_indentation():
    # line 10 is "        - |2": 8 spaces before the '-', so the content is at 8 + 2 = 10 spaces.
    # line 11: 10 spaces, then "echo hi | " (10 characters), so tee starts at column 21 and
    # "tee /proc/sys/net/core/somaxconn" (32 characters) ends before column 53.
    text = script_pod("|2\n          echo hi | tee /proc/sys/net/core/somaxconn")
    assert spans(text) == [("PL101", 11, 21, 11, 53, 'container "c" writes net.core.somaxconn=hi (through /proc/sys)')]


# --- linter/scalarpos.py: multi-line flow scalars, which ones map exactly ------------------

WRITE = 'container "c" writes net.core.somaxconn=5'

# Not pinned (_init_flow's early return, "if style and (len(source) < 2 or ...)"):
# - "< 2" -> "<= 2" / "< 3" is equivalent: a quoted scalar that reaches _init_flow spans a line
#   break or has one in its value, so its source is at least quote, break, quote (3 characters).
# - the "''" slice [1:-1] -> [2:-1] / [1:0] / [1:-2] is equivalent: a single-quoted scalar holding
#   '' that is not caught there is rebuilt with '' where the value has ', so it never compares
#   equal and still maps to the scalar's start.
# - "A or B or C" -> "A and B and C" only changes single-quoted scalars holding a backslash (not
#   an escape there): the mutant maps them exactly and correctly, the code to the scalar's start.


def test_a_multi_line_double_quoted_script_maps_exactly():
    # line 11: 10 spaces, then "sysctl -w net.core.somaxconn=5" (30 characters) before the
    # closing quote: column 11 to 41.
    text = script_pod('"echo hi;\n          sysctl -w net.core.somaxconn=5"')
    assert spans(text) == [("PL101", 11, 11, 11, 41, WRITE)]


def test_a_multi_line_single_quoted_script_maps_exactly():
    # the same script in single quotes: line 11, column 11 to 41
    text = script_pod("'echo hi;\n          sysctl -w net.core.somaxconn=5'")
    assert spans(text) == [("PL101", 11, 11, 11, 41, WRITE)]


def test_two_single_quotes_inside_double_quotes_are_not_an_escape():
    # '' is an escape only in a single-quoted scalar; in double quotes it is two characters
    # of the value, so the script still maps exactly: line 11, column 11 to 41
    text = script_pod("\"echo '';\n          sysctl -w net.core.somaxconn=5\"")
    assert spans(text) == [("PL101", 11, 11, 11, 41, WRITE)]


def test_a_backslash_in_a_multi_line_plain_script_is_not_an_escape():
    # plain scalar: "echo a\b; sysctl -w net.core.somaxconn=5"; line 11 as above, column 11 to 41
    text = script_pod("echo a\\b;\n          sysctl -w net.core.somaxconn=5")
    assert spans(text) == [("PL101", 11, 11, 11, 41, WRITE)]


def test_an_escape_in_a_multi_line_double_quoted_script_maps_to_its_start():
    # "\t" is an escape: the value is not the source text, so every offset maps to the scalar's
    # start, the opening quote on line 10 at column 11 (8 spaces, "- "), one character wide
    text = script_pod('"echo a\\tb;\n          sysctl -w net.core.somaxconn=5"')
    assert spans(text) == [("PL101", 10, 11, 10, 12, WRITE)]


# --- linter/podsysctls.py: a null value is still a value ------------------------------------

POD_SYSCTL = """apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  securityContext:
    sysctls:
      - name: net.ipv4.ip_local_port_range
        value: {value}
  containers:
    - name: c
      image: nginx
"""


def test_a_null_value_of_the_ephemeral_range_is_an_invalid_value():
    # line 8 is "        value: null": 8 spaces, "value: " (7 characters), so null is at column 16
    # to 20; the kubelet writes the text "null", which is not a port range (PL306)
    found = [
        (f["rule"], f["line"], f["column"], f["endColumn"], f["message"].split(": write")[0])
        for f in lint_text(POD_SYSCTL.format(value="null")).findings
    ]
    assert found == [
        (
            "PL306",
            8,
            16,
            20,
            'net.ipv4.ip_local_port_range is set to an invalid value in securityContext.sysctls: "null" is not a port range',
        )
    ]


# --- linter/sysctls.py: net.ipv4.ip_local_port_range has been safe since 1.0 ----------------


def test_the_ephemeral_range_is_a_safe_sysctl_from_kubernetes_1_0():
    # the safe set of 1.0 holds net.ipv4.ip_local_port_range: no PL203, and the value is valid
    assert spans(POD_SYSCTL.format(value='"32768 60999"'), "--kubernetes-version", "1.0") == []


# --- linter/facts.py: kube-apiserver's --service-node-port-range FLAG VALUE form ------------

API_SERVER = """apiVersion: v1
kind: Pod
metadata: {{name: kube-apiserver, namespace: kube-system}}
spec:
  containers:
    - name: kube-apiserver
      command: [{argv}]
---
apiVersion: v1
kind: Service
metadata: {{name: s}}
spec:
  type: NodePort
  ports:
    - {{port: 80, nodePort: 30080}}
"""


def rules_at(text: str):
    return [(f["rule"], f["line"], f["column"], f["message"]) for f in lint_text(text).findings]


def test_the_node_port_range_flag_takes_the_next_argument_as_its_value():
    # the range is 20000-20999 (the argument after the flag, the last one); only that flag
    # declares a range, so the other flag's "30000-30999" is no range. nodePort 30080 on line 15
    # ("    - {port: 80, nodePort: " is 27 characters) is at column 28 and outside the range.
    argv = 'kube-apiserver, --secure-port, "30000-30999", --service-node-port-range, 20000-20999'
    assert rules_at(API_SERVER.format(argv=argv)) == [
        ("PL302", 15, 28, 'nodePort 30080 of Service "s" is outside the NodePort range 20000-20999 (manifest.yaml:7)')
    ]


def test_the_node_port_range_flag_as_the_last_argument_declares_nothing():
    # no value follows the flag: the default range 30000-32767 holds nodePort 30080, no finding,
    # and no internal error from reading past the end of the arguments
    result = lint_text(API_SERVER.format(argv="kube-apiserver, --service-node-port-range"))
    assert (result.exit_code, result.json["errors"], result.findings) == (0, [], [])
