"""What binds a shell variable's value (read, declarations, export/unset/local, loops, prefix
assignments, the eight-name limit), the rules' messages that say why (PL101/PL201 nsenter,
PL203, PL306), and engine, k8s and range decisions: each test pins one behaviour, with the expectation
read off the text written here."""

from __future__ import annotations

import pytest
from conftest import REPO, cli, lint_text
from test_values_and_mounts import pod, rules_and_messages

# --- PL203: the second sentence says why the sysctl is refused --------------------------------

POD_SYSCTLS = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    sysctls:
      - {name: somaxconn, value: "1"}
      - {name: vm.swappiness, value: "10"}
      - {name: kernel/msgmax, value: "65536"}
      - {name: vm/overcommit_memory, value: "1"}
  containers: [{name: c, image: nginx}]
"""


def test_pl203_says_why_each_sysctl_is_refused():
    # each name starts at column 16 ("      - {name: " is 15 characters); the default version is 1.37
    found = [(f["rule"], f["line"], f["column"], f["message"]) for f in lint_text(POD_SYSCTLS).findings]
    assert found == [
        # no dot and no slash: not a sysctl name at all
        ("PL203", 7, 16, "securityContext.sysctls sets somaxconn, which is not a sysctl name"),
        # vm.* is node-wide, with dots or with slashes
        ("PL203", 8, 16, "securityContext.sysctls sets vm.swappiness, a node-wide sysctl that no pod can set"),
        # kernel.msgmax lives in the pod's IPC namespace, written with slashes
        ("PL203", 9, 16, "securityContext.sysctls sets kernel/msgmax, which is not in the safe sysctl set of Kubernetes 1.37"),
        ("PL203", 10, 16, "securityContext.sysctls sets vm/overcommit_memory, a node-wide sysctl that no pod can set"),
    ]


# --- variables.py: which words bind a variable, which expansions are its plain value ----------
# pod() puts the script's first line at line 11, column 11; rules_and_messages cuts the message
# before " without ". A value portlint does not know leaves the write as "writes KEY".

SOMAXCONN = "sysctl -w net.core.somaxconn=$V"


def test_a_quoted_name_given_to_read_is_bound_by_it():
    # read 'V', read "V", printf -v 'V' and mapfile "V" all set V: the constant before is gone
    for reader in ("read 'V'", 'read "V"', "printf -v 'V' %s 2", 'mapfile "V"'):
        assert rules_and_messages(pod("V=1", reader, SOMAXCONN)) == [
            ("PL101", 13, 11, 'container "c" writes net.core.somaxconn')
        ], reader


def test_a_name_only_mentioned_by_a_command_does_not_bind_it():
    # echo V, echo 'V' and echo "V" print the word: V keeps its constant
    for mention in ("echo V", "echo 'V'", 'echo "V"'):
        assert rules_and_messages(pod("V=1", mention, SOMAXCONN)) == [
            ("PL101", 13, 11, 'container "c" writes net.core.somaxconn=1')
        ], mention


def test_only_a_plain_expansion_is_the_variables_value():
    # ${V} is V's value; ${#V} is its length (2), ${!V} the variable V names, ${V:+5} is 5,
    # ${V%1} strips a 1: none is V's value, so none is shown
    for word, shown in (("${V}", "=11"), ("${#V}", ""), ("${!V}", ""), ("${V:+5}", ""), ("${V%1}", "")):
        assert rules_and_messages(pod("V=11", f"sysctl -w net.core.somaxconn={word}")) == [
            ("PL101", 12, 11, f'container "c" writes net.core.somaxconn{shown}')
        ], word


def test_a_constant_built_from_an_unknown_value_is_unknown():
    # V=$OTHER (OTHER never set), V="`hostname`" and V=$W with W holding two words (two
    # fields) are not constants
    for assignment in ("V=$OTHER", 'V="`hostname`"', "V=x$OTHER", 'W="1 2"; V=$W'):
        assert rules_and_messages(pod(assignment, SOMAXCONN)) == [("PL101", 12, 11, 'container "c" writes net.core.somaxconn')], (
            assignment
        )
    # an unknown key stays as written in the script, $K, not as K's unknown value $OTHER
    assert rules_and_messages(pod("K=$OTHER", "sysctl -w net.core.$K=1")) == [
        ("PL101", 12, 11, 'container "c" writes net.core.$K=1')
    ]


def test_an_assignment_to_a_variable_named_read_does_not_bind_its_value():
    # read=V sets the variable "read" to the word V: V keeps its constant
    assert rules_and_messages(pod("V=1", "read=V", SOMAXCONN)) == [("PL101", 13, 11, 'container "c" writes net.core.somaxconn=1')]


def test_constants_are_followed_through_eight_names_and_no_more():
    # V0=7, V1=$V0, ... : the write uses the last name; eight names resolve, nine do not
    def chain(length):
        return ["V0=7", *(f"V{i}=$V{i - 1}" for i in range(1, length)), f"sysctl -w net.core.somaxconn=$V{length - 1}"]

    assert rules_and_messages(pod(*chain(8))) == [("PL101", 19, 11, 'container "c" writes net.core.somaxconn=7')]
    assert rules_and_messages(pod(*chain(9))) == [("PL101", 20, 11, 'container "c" writes net.core.somaxconn')]


def test_the_assignment_before_the_use_is_taken_and_none_after():
    # a use before any assignment is unknown; with two assignments the one before the use holds
    assert rules_and_messages(pod(SOMAXCONN, "V=1")) == [("PL101", 11, 11, 'container "c" writes net.core.somaxconn')]
    assert rules_and_messages(pod("V=1", SOMAXCONN, "V=2")) == [("PL101", 12, 11, 'container "c" writes net.core.somaxconn=1')]


def test_a_function_sees_the_one_assignment_wherever_it_is():
    # the function runs after V=1 (line 12): its write (line 11, column 17) has V's value; with a
    # second assignment, which one the call sees is not known
    body = "f() { sysctl -w net.core.somaxconn=$V; }"
    assert rules_and_messages(pod(body, "V=1", "f")) == [("PL101", 11, 17, 'container "c" writes net.core.somaxconn=1')]
    assert rules_and_messages(pod(body, "V=1", "f", "V=2")) == [("PL101", 11, 17, 'container "c" writes net.core.somaxconn')]


def test_at_most_64_loop_environments_are_expanded():
    # a loop over 70 values: the first 64 (1..64) are written, one finding each, on line 12
    words = " ".join(str(i) for i in range(1, 71))
    found = rules_and_messages(pod(f"for a in {words}; do", "sysctl -w net.core.somaxconn=$a", "done"))
    assert sorted(int(message.rsplit("=", 1)[1]) for _, _, _, message in found) == list(range(1, 65))
    assert {(rule, line, column) for rule, line, column, _ in found} == {("PL101", 12, 11)}


def test_a_loop_variable_assigned_in_the_body_is_unknown():
    # for V in 1 2 binds V once per word; a V=3 in the body makes the write's value unknown
    loop = ("for V in 1 2; do", SOMAXCONN, "done")
    assert rules_and_messages(pod(*loop)) == [
        ("PL101", 12, 11, 'container "c" writes net.core.somaxconn=1'),
        ("PL101", 12, 11, 'container "c" writes net.core.somaxconn=2'),
    ]
    assert rules_and_messages(pod("for V in 1 2; do", "V=3", SOMAXCONN, "done")) == [
        ("PL101", 13, 11, 'container "c" writes net.core.somaxconn')
    ]


def test_which_declarations_give_a_constant():
    # export/readonly/declare V=1 and a list of assignments are constants; local and typeset
    # (not top-level declarations) are not
    for declaration, shown in (
        ("export V=1", "=1"),
        ("readonly V=1", "=1"),
        ("declare V=1", "=1"),
        ("W=2 V=1;", "=1"),
        ("local V=1", ""),
        ("typeset V=1", ""),
    ):
        assert rules_and_messages(pod(declaration, SOMAXCONN)) == [
            ("PL101", 12, 11, f'container "c" writes net.core.somaxconn{shown}')
        ], declaration


def test_export_keeps_a_value_and_unset_or_local_drop_it():
    # export V and readonly V keep V=1; unset V empties it; local V in the function hides it
    for statement, shown in (("export V", "=1"), ("readonly V", "=1"), ("unset V", "")):
        assert rules_and_messages(pod("V=1", statement, SOMAXCONN)) == [
            ("PL101", 13, 11, f'container "c" writes net.core.somaxconn{shown}')
        ], statement
    # "f() { local V; " is 15 characters: the write is at column 26
    assert rules_and_messages(pod("f() { local V; " + SOMAXCONN + "; }", "V=1", "f")) == [
        ("PL101", 11, 26, 'container "c" writes net.core.somaxconn')
    ]


def test_a_prefix_assignment_binds_only_its_command():
    # V=2 true sets V for true alone: the write after it sees V=1
    assert rules_and_messages(pod("V=1", "V=2 true", SOMAXCONN)) == [
        ("PL101", 13, 11, 'container "c" writes net.core.somaxconn=1')
    ]


def test_a_loop_binds_its_body_not_its_word_list():
    # the command substitution in the word list runs outside the loop: there V has two bindings,
    # V=1 and the loop, so it is unknown ("for V in $(" is 11 characters: sysctl at column 22);
    # in the body V takes the loop's one word, the unknown output of $(...)
    found = rules_and_messages(
        pod("V=1", "for V in $(sysctl -w net.core.somaxconn=$V); do", "  sysctl -w net.core.rmem_max=$V", "done")
    )
    assert found == [
        ("PL101", 12, 22, 'container "c" writes net.core.somaxconn'),
        ("PL101", 13, 13, 'container "c" writes net.core.rmem_max'),
    ]
    # nested loops: the inner loop's word list uses the outer variable, one value per iteration
    nested = ("for V in 1 2; do", "  for W in $V; do", "    sysctl -w net.core.somaxconn=$W", "  done", "done")
    assert rules_and_messages(pod(*nested)) == [
        ("PL101", 13, 15, 'container "c" writes net.core.somaxconn=1'),
        ("PL101", 13, 15, 'container "c" writes net.core.somaxconn=2'),
    ]


# --- engine.py: the collector is paused for the run only ---------------------------------------


def test_the_garbage_collector_is_back_as_it_was_after_a_run():
    import gc

    from portlint import engine
    from portlint.config import Settings
    from portlint.rules import RULES

    settings = Settings()
    levels = engine.effective_levels(RULES, settings, None, set())
    was = gc.isenabled()
    try:
        for before in (True, False):
            (gc.enable if before else gc.disable)()
            engine.lint(["tests/fixtures/PL203/unsafe.yaml"], settings, RULES, levels)
            assert gc.isenabled() is before
    finally:
        (gc.enable if was else gc.disable)()


def test_a_loop_variable_with_an_assignment_outside_the_loop_takes_the_loop_words():
    # V=1 before the loop does not count against it: in the body V is 1, then 2
    assert rules_and_messages(pod("V=5", "for V in 1 2; do", "  " + SOMAXCONN, "done")) == [
        ("PL101", 13, 13, 'container "c" writes net.core.somaxconn=1'),
        ("PL101", 13, 13, 'container "c" writes net.core.somaxconn=2'),
    ]


def test_the_eight_names_count_the_loop_words_and_the_outer_script():
    # a loop word and a nested sh -c "..." (whose $ the outer shell expands) each take one of
    # the eight steps: seven names behind them resolve
    seven = ["V0=7", *(f"V{i}=$V{i - 1}" for i in range(1, 7))]  # lines 11-17
    assert rules_and_messages(pod(*seven, "for x in $V6; do", "  sysctl -w net.core.somaxconn=$x", "done")) == [
        ("PL101", 19, 13, 'container "c" writes net.core.somaxconn=7')
    ]
    # 'sh -c "' is 7 characters: the inner sysctl is at column 18
    assert rules_and_messages(pod(*seven, 'sh -c "sysctl -w net.core.somaxconn=$V6"')) == [
        ("PL101", 18, 18, 'container "c" writes net.core.somaxconn=7')
    ]


RANGE_POD = """apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  securityContext:
    sysctls:
      - {{name: net.ipv4.ip_local_port_range, value: "{value}"}}
  containers:
    - {{name: c, image: nginx}}
"""


def test_notes_fail_a_run_only_at_fail_on_note():
    # 1000 2000: PL306's two notes (below 1024, ends of one parity) and nothing else
    pod_range = RANGE_POD.format(value="1000 2000")
    codes = {
        level: cli("check", "-", "--format", "json", "--fail-on", level, input=pod_range).exit_code
        for level in ("error", "warning", "note")
    }
    assert codes == {"error": 0, "warning": 0, "note": 1}


# --- network.py -----------------------------------------------------------------------------


def test_a_port_set_covers_a_range_up_to_its_last_port():
    from portlint.network import PortRange, parse_port_set

    # the first part stops one port short of the range's end; the second part holds that port
    assert parse_port_set("30000-32766,32767").uncovered(PortRange(30000, 32767)) == []
    assert parse_port_set("30000-32766").uncovered(PortRange(30000, 32767)) == [PortRange(32767, 32767)]


def test_the_config_overrides_a_manifest_whose_path_sorts_before_it(tmp_cwd):
    # "+kops.yaml" sorts before ".portlint.yaml": the config's range 40000-60999 still replaces
    # the Cluster's 20000-60999 for the nodePort (30080 is then outside it: no PL301); the
    # Cluster's declaration is still reported by PL304 (it overlaps 30000-32767), at line 7 column 7
    (tmp_cwd / ".portlint.yaml").write_text('ephemeralPortRange: "40000 60999"\n')
    text = (
        "apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nmetadata:\n  name: prod\nspec:\n  sysctlParameters:\n"
        "    - net.ipv4.ip_local_port_range=20000 60999\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n  ports:\n"
        "    - {port: 80, nodePort: 30080}\n"
    )
    assert [(f["rule"], f["line"], f["column"]) for f in lint_text(text, name="+kops.yaml").findings] == [("PL304", 7, 7)]


# --- excludes.py ----------------------------------------------------------------------------


def test_a_pattern_with_a_trailing_slash_excludes_directories_only(tmp_path):
    from portlint.excludes import Excludes

    excludes = Excludes(["build/"], str(tmp_path))
    assert excludes.match(str(tmp_path / "build"), is_dir=True) is True
    assert excludes.match(str(tmp_path / "build")) is False  # a file named build stays
    assert excludes.match(str(tmp_path / "build" / "pod.yaml")) is True  # inside the directory


# --- pl307 / volumes ------------------------------------------------------------------------


def test_the_static_band_of_a_range_one_short_of_a_multiple_of_32():
    from portlint.rules.pl307_nodeport_outside_static_band import static_band

    # 30000-31022 holds 1023 ports: 1023 // 32 = 31 ports in the band, 30000-30030
    assert static_band(30000, 31022) == (30000, 30030)
    # 10 ports: the band of at least 16 is cut at the range's end
    assert static_band(30000, 30009) == (30000, 30009)


def test_a_config_map_file_without_an_execute_bit_is_not_run_directly():
    from test_volume_items_and_ports import kept

    # no defaultMode is 0644, and 0644 written as octal: execve fails, the script never runs
    assert kept("/opt/a.sh", "{name: s, mountPath: /opt}", "configMap: {name: tune}") == []
    assert kept("/opt/a.sh", "{name: s, mountPath: /opt}", "configMap: {name: tune, defaultMode: 0644}") == []


def test_a_file_that_is_not_utf8_is_one_pl000_one_character_wide():
    # byte 0xff is the 18th on line 3 ("metadata: {name: " is 17 characters): the region is that byte
    result = cli(
        "check", "-", "--format", "json", "--fail-on", "never", input=b"apiVersion: v1\nkind: Pod\nmetadata: {name: \xff}\n"
    )
    assert [(f["rule"], f["line"], f["column"], f["endLine"], f["endColumn"]) for f in result.findings] == [
        ("PL000", 3, 18, 3, 19)
    ]


# --- k8s.py ---------------------------------------------------------------------------------


def test_a_broken_document_without_both_apiversion_and_kind_is_not_portlints_business():
    # the flow mapping is never closed: a syntax error, reported only for a document that holds
    # both an apiVersion and a kind key (a Kubernetes manifest), not for one with only one of them
    for head in ("apiVersion: v1\n", "kind: Pod\n"):
        result = lint_text(head + "metadata: {name: [p\n")
        assert (result.findings, result.stderr) == ([], ""), head


def test_a_pod_template_patch_is_linted_only_without_kind_and_apiversion():
    # the patch of tests/fixtures/PL101/kindless-patch.json (write at line 9, column 36) with its
    # "image" key given twice on line 7: the second one, at column 35, is a duplicate (PL000)
    patch = (REPO / "tests/fixtures/PL101/kindless-patch.json").read_text().split("\n# expect")[0]
    patch = patch.replace('"image": "alpine:3.20",', '"image": "alpine:3.20", "image": "alpine:3.20",')
    found = lint_text(patch, name="p.json").findings
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [("PL000", 7, 35), ("PL101", 9, 36)]
    # with one of kind or apiVersion (not both) it is neither a patch nor an object: its syntax
    # is not portlint's business and it has no containers to lint
    for key in ('"kind": "Deployment"', '"apiVersion": "apps/v1"'):
        alone = patch.replace('"spec": {', f'{key}, "spec": {{', 1)
        assert lint_text(alone, name="p.json").findings == [], key


def test_a_document_that_is_a_list_keeps_its_syntax_to_itself():
    # a duplicate key inside a top-level list: not a Kubernetes object, so no PL000
    result = lint_text("- {a: 1, a: 2}\n")
    assert (result.findings, result.stderr) == ([], "")


def test_a_range_may_be_one_port_but_a_lone_port_is_not_a_range():
    from portlint.network import PortRange, RangeError, parse_range

    assert parse_range("40000-40000") == PortRange(40000, 40000)  # low = high is not reversed
    with pytest.raises(RangeError) as raised:
        parse_range("40000")  # allowed only where a single port is (allow_single)
    assert str(raised.value) == '"40000" is not a port range: write "LOW HIGH" or "LOW-HIGH", e.g. "32768 60999"'


def test_port_range_and_set_sizes_count_both_ends():
    from portlint.network import PortRange, parse_port_set

    assert PortRange(1, 10).size == 10
    assert PortRange(1, 5).overlap(PortRange(5, 9)) == PortRange(5, 5)  # one shared port
    assert PortRange(1, 4).overlap(PortRange(5, 9)) is None
    assert parse_port_set("1-3").size == 3  # a set that starts at port 1
    assert parse_port_set("1-3,2-6,10").size == 7  # 1-6 and 10


def test_pl201_words_a_guard_that_cannot_stop_several_ipc_writes_in_the_plural():
    # a hostIPC pod without hostNetwork: the IPs differ, so the valid guard lets both IPC writes
    # run in the node's IPC namespace; the script's first line is line 16, column 11
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostIPC: true
  containers:
    - name: c
      env:
        - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
        - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
      command:
        - sh
        - -c
        - |
          if [ "$POD_IP" != "$HOST_IP" ]; then
            sysctl -w kernel.shmmax=1
            sysctl -w kernel.msgmax=2
          fi
"""
    (finding,) = lint_text(text).findings
    assert (finding["rule"], finding["line"], finding["column"]) == ("PL201", 16, 13)
    assert finding["message"] == (
        'container "c" writes kernel.shmmax=1 and 1 more sysctl in a hostIPC pod, where its POD_IP/HOST_IP guard '
        "cannot stop them"
    )
    assert [(r["line"], r["column"], r["label"]) for r in finding["related"]] == [
        (5, 3, "hostIPC: true is set here"),
        (17, 13, "It also writes kernel.msgmax=2 here"),
    ]
