"""Values of shell variables in writes (piped, looped over), `sysctl -p` of a mounted file
whatever its name, and PL202's message: one behaviour a test, the expectation read off the
text written here."""

from __future__ import annotations

import re

from conftest import ALSO_WRITES, lint_text

POD = """apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  containers:
    - name: c
      command:
        - sh
        - -c
        - |
{script}
"""


def pod(*lines: str) -> str:
    return POD.format(script="\n".join(f"          {line}" for line in lines))


def rules_and_messages(text: str):
    """Each reported write as (rule, line, column, 'who writes what'): a finding that groups a
    container's writes ('... and 2 more sysctls', one 'It also writes X here' related place
    each) is read back as one entry a write, in the order the container writes them."""
    found = []
    for f in lint_text(text).findings:
        head = re.sub(r" and \d+ more sysctls?$", "", f["message"].split(" without ")[0])
        who = head.split(" writes ")[0]
        found.append((f["rule"], f["line"], f["column"], head))
        for r in f.get("related") or ():
            if r["label"].startswith(ALSO_WRITES):
                what = r["label"][len(ALSO_WRITES) : -len(" here")]
                found.append((f["rule"], r["line"], r["column"], f"{who} writes {what}"))
    return found


def test_a_value_piped_from_an_unknown_variable_is_not_shown():
    # line 11: echo "$LEVEL" | tee /proc/sys/net/core/somaxconn; the writer, tee, is at column 27
    found = rules_and_messages(pod('echo "$LEVEL" | tee /proc/sys/net/core/somaxconn'))
    assert found == [("PL101", 11, 27, 'container "c" writes net.core.somaxconn (through /proc/sys)')]


def test_a_loop_over_another_variable_does_not_bind_the_value():
    # V is set before the loop, which runs over i: one write (line 13, column 13) with V's value
    found = rules_and_messages(pod("V=5", "for i in 1 2; do", "  sysctl -w net.core.somaxconn=$V", "done"))
    assert found == [("PL101", 13, 13, 'container "c" writes net.core.somaxconn=5')]


CONFIG_MAP = """apiVersion: v1
kind: ConfigMap
metadata: {name: tune}
data:
  tuning: |
    vm.max_map_count = 262144
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      command: [sysctl, -p, /config/tuning]
      volumeMounts: [{name: t, mountPath: /config}]
  volumes:
    - {name: t, configMap: {name: tune}}
"""


def test_sysctl_p_of_a_mounted_file_loads_it_whatever_its_name():
    # sysctl -p FILE reads FILE even without a .conf suffix (only --system's directories need it):
    # the key line is line 6, column 5
    assert [(f["rule"], f["line"], f["column"]) for f in lint_text(CONFIG_MAP).findings] == [("PL103", 6, 5)]


POD_SYSCTL = """apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  {flag}: true
  securityContext:
    sysctls:
      - {{name: {name}, value: "1"}}
  containers:
    - {{name: c, image: nginx}}
"""


def test_pl202_names_the_namespace_the_pod_shares():
    (net,) = lint_text(POD_SYSCTL.format(flag="hostNetwork", name="net.core.somaxconn")).findings
    assert net["message"] == "securityContext.sysctls sets net.core.somaxconn in a hostNetwork pod"
    (ipc,) = lint_text(POD_SYSCTL.format(flag="hostIPC", name="kernel.shmmax")).findings
    assert ipc["message"] == "securityContext.sysctls sets kernel.shmmax in a hostIPC pod"
