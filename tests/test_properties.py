"""Property-based tests (hypothesis): random YAML, random Kubernetes-shaped objects with
wrong types, and random shell scripts around sysctl writes never make portlint crash; the
SARIF it writes is valid; every finding points inside the input."""

from __future__ import annotations

import json

import jsonschema
from conftest import REPO, lint_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-70000, 70000),
    st.sampled_from(["true", "30080", "1024 65535", "status.podIP", "status.hostIP", "", "sh", "-c", "${X}", "a: b", "- x", "#"]),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20,
)


def check(text: str) -> None:
    result = lint_text(text)
    assert result.exit_code == 0, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for f in result.findings:
        assert 1 <= f["line"] <= len(lines), f
        assert 1 <= f["column"] <= len(lines[f["line"] - 1]) + 1, f
        assert (f["endLine"], f["endColumn"]) >= (f["line"], f["column"]), f


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ab:- \n[]{}&*!|>'\"#%@`,?~<0123456789\t")), max_size=200))
def test_random_yaml_like_text(text):
    check(text)


@SETTINGS
@given(values)
def test_random_json_documents(value):
    check(json.dumps(value))


POD_KEYS = st.sampled_from(
    ["hostNetwork", "hostIPC", "containers", "initContainers", "ephemeralContainers", "securityContext", "volumes"]
)
CONTAINER_KEYS = st.sampled_from(["name", "image", "command", "args", "env", "ports", "securityContext"])


@st.composite
def k8s_objects(draw):
    container = draw(st.dictionaries(CONTAINER_KEYS, values, max_size=5))
    if draw(st.booleans()):
        container["command"] = draw(
            st.sampled_from([["sh", "-c"], ["sysctl", "-w"], "sh", 42, None, ["bash", "-ec", "sysctl -w net.core.somaxconn=1"]])
        )
    pod = draw(st.dictionaries(POD_KEYS, values, max_size=4))
    pod[draw(st.sampled_from(["containers", "initContainers"]))] = draw(st.sampled_from([[container], container, "x", None]))
    kind = draw(st.sampled_from(["Pod", "Deployment", "CronJob", "Service", "List", "Tuned", "Cluster"]))
    obj = {"apiVersion": draw(st.sampled_from(["v1", "apps/v1", "tuned.openshift.io/v1", "kops.k8s.io/v1alpha2"])), "kind": kind}
    obj["metadata"] = draw(st.one_of(values, st.just({"name": "x", "annotations": {"portlint.io/ignore": "PL101"}})))
    if kind == "Pod":
        obj["spec"] = pod
    elif kind == "Service":
        obj["spec"] = {
            "type": draw(st.sampled_from(["NodePort", "ClusterIP", 3])),
            "ports": draw(
                st.lists(st.dictionaries(st.sampled_from(["port", "nodePort", "protocol", "name"]), values), max_size=3)
            ),
        }
    elif kind == "List":
        obj["items"] = draw(st.one_of(values, st.just([{"apiVersion": "v1", "kind": "Pod", "spec": pod}])))
    else:
        obj["spec"] = draw(
            st.one_of(
                values, st.just({"template": {"spec": pod}}), st.just({"jobTemplate": {"spec": {"template": {"spec": pod}}}})
            )
        )
    return obj


@SETTINGS
@given(st.lists(k8s_objects(), min_size=1, max_size=3))
def test_random_kubernetes_objects_with_wrong_types(objects):
    check("---\n".join(json.dumps(o) + "\n" for o in objects))


WORDS = st.sampled_from(
    [
        "sysctl -w net.core.somaxconn=1",
        "sysctl -p",
        "echo 1 > /proc/sys/net/ipv4/ip_forward",
        "echo 1 | tee /proc/sys/vm/x",
        '[ "$POD_IP" = "$HOST_IP" ] && exit 0',
        'if [ "$POD_IP" != "$HOST_IP" ]; then',
        "then",
        "else",
        "elif true; then",
        "fi",
        "&&",
        "||",
        ";",
        "|",
        "(",
        ")",
        "{",
        "}",
        "!",
        "[[",
        "]]",
        "$(",
        "`",
        "'",
        '"',
        "case x in",
        "esac",
        "\\",
        "exit 1",
    ]
)


@SETTINGS
@given(st.lists(WORDS, max_size=25), st.sampled_from(["|", "plain", "double"]))
def test_random_scripts_around_sysctl_writes(words, style):
    script = " ".join(words)
    env = (
        "      env:\n        - name: POD_IP\n          valueFrom: {fieldRef: {fieldPath: status.podIP}}\n"
        "        - name: HOST_IP\n          valueFrom: {fieldRef: {fieldPath: status.hostIP}}\n"
    )
    if style == "|":
        body = "      command:\n        - sh\n        - -c\n        - |\n" + "".join(
            "          " + line + "\n" for line in script.replace(" ; ", "\n").split("\n")
        )
    else:
        body = f"      command: [sh, -c, {json.dumps(script)}]\n"
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n" + env + body
    )
    check(text)


@settings(max_examples=15, deadline=None)
@given(st.lists(k8s_objects(), min_size=1, max_size=3))
def test_sarif_is_valid_for_random_objects(objects):
    text = "---\n".join(json.dumps(o) + "\n" for o in objects)
    from conftest import cli

    result = cli("check", "-", "--format", "sarif", "--fail-on", "never", input=text)
    assert result.exit_code == 0
    VALIDATOR.validate(json.loads(result.stdout))
