"""securityContext.sysctls as portlint reads them (linter/podsysctls.py): each entry is two
strings to Kubernetes; an entry it cannot decode is PL000 at that entry, never skipped."""

from __future__ import annotations

from conftest import lint_text

POD = """apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  securityContext:
    sysctls:
{entries}
  containers:
    - {{name: c, image: nginx}}
"""


def found(entries: str) -> list[tuple[str, int, int, str]]:
    result = lint_text(POD.format(entries=entries))
    assert result.stderr == ""
    return [(f["rule"], f["line"], f["column"], f["message"]) for f in result.findings]


def test_a_mapping_value_is_a_parse_error_at_the_value():
    # "      - {name: net.ipv4.ip_local_port_range, value: " is 52 characters: the value is at column 53
    assert found("      - {name: net.ipv4.ip_local_port_range, value: {a: 1}}") == [
        ("PL000", 7, 53, "the value of securityContext.sysctls[0] is a mapping, not a string")
    ]


def test_a_list_name_or_value_is_a_parse_error_at_each():
    entries = "      - {name: net.ipv4.tcp_syncookies, value: '1'}\n      - name: [kernel.shmmax]\n        value: [1, 2]"
    assert found(entries) == [
        ("PL000", 8, 15, "the name of securityContext.sysctls[1] is a list, not a string"),
        ("PL000", 9, 16, "the value of securityContext.sysctls[1] is a list, not a string"),
    ]


def test_an_entry_that_is_not_a_mapping_is_a_parse_error_at_the_entry():
    assert found("      - net.ipv4.tcp_syncookies=1\n      - [net.ipv4.tcp_syncookies, '1']") == [
        ("PL000", 7, 9, "securityContext.sysctls[0] is not a mapping of name and value"),
        ("PL000", 8, 9, "securityContext.sysctls[1] is not a mapping of name and value"),
    ]


def test_a_null_value_reaches_pl306_as_written():
    # value ~ is the text "~" to PL306, at column 53 of line 7
    (finding,) = found("      - {name: net.ipv4.ip_local_port_range, value: ~}")
    assert finding[:3] == ("PL306", 7, 53)
    assert finding[3].startswith(
        'net.ipv4.ip_local_port_range is set to an invalid value in securityContext.sysctls: "~"'
    )


def test_a_safe_sysctl_with_string_values_is_no_finding():
    assert (
        found("      - {name: net.ipv4.tcp_syncookies, value: '1'}\n      - name: kernel.shm_rmid_forced\n        value: '0'")
        == []
    )
