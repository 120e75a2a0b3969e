"""Configuration: discovery, validation, and precedence under the CLI flags."""

from __future__ import annotations

from conftest import cli

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 30080
"""
UNSAFE = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    sysctls:
      - name: net.ipv4.tcp_keepalive_time
        value: "600"
  containers:
    - name: c
      image: nginx
"""


def test_portlint_yaml_in_a_parent_directory_is_found(tmp_cwd, monkeypatch):
    (tmp_cwd / ".portlint.yaml").write_text('ephemeralPortRange: "1024 65535"\n')
    (tmp_cwd / "sub").mkdir()
    (tmp_cwd / "sub" / "svc.yaml").write_text(SERVICE)
    monkeypatch.chdir(tmp_cwd / "sub")
    result = cli("check", "svc.yaml", "--format", "json")
    assert result.triples() == [("PL304", 1, 1), ("PL301", 9, 17)]  # sorted by path
    pl304 = result.findings[0]
    assert pl304["path"] == "../.portlint.yaml"
    assert pl304["message"].startswith(
        "The ephemeral port range 1024-65535 declared by ephemeralPortRange in the portlint config at ../.portlint.yaml:1 "
        "overlaps the NodePort range 30000-32767"
    )


def test_search_stops_at_the_repository_root(tmp_path, monkeypatch):
    (tmp_path / ".portlint.yaml").write_text('ephemeralPortRange: "1024 65535"\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "svc.yaml").write_text(SERVICE)
    monkeypatch.chdir(repo)
    assert cli("check", "svc.yaml", "--format", "json").triples() == []


def test_pyproject_tool_section(tmp_cwd):
    (tmp_cwd / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.portlint]\nkubernetesVersion = "1.28"\n')
    (tmp_cwd / "pod.yaml").write_text(UNSAFE)
    assert cli("check", "pod.yaml", "--format", "json").triples() == [("PL203", 8, 15)]
    assert cli("check", "pod.yaml", "--format", "json", "--kubernetes-version", "1.29").triples() == []


def test_flags_override_the_config_file(tmp_cwd):
    (tmp_cwd / ".portlint.yaml").write_text('ephemeralPortRange: "1024 65535"\n')
    (tmp_cwd / "svc.yaml").write_text(SERVICE)
    result = cli("check", "svc.yaml", "--format", "json", "--ephemeral-port-range", "32768 60999")
    assert result.triples() == []


def test_rule_levels_and_off(tmp_cwd):
    (tmp_cwd / "pod.yaml").write_text(UNSAFE.replace("net.ipv4.tcp_keepalive_time", "net.core.somaxconn"))
    (tmp_cwd / "cfg.yaml").write_text("rules:\n  PL203: error\n")
    result = cli("check", "pod.yaml", "--format", "json", "--config", "cfg.yaml")
    assert [(f["rule"], f["level"]) for f in result.findings] == [("PL203", "error")]
    (tmp_cwd / "cfg.yaml").write_text("rules:\n  PL203: off\n")
    assert cli("check", "pod.yaml", "--config", "cfg.yaml").exit_code == 0


def test_exclude_globs(tmp_cwd):
    (tmp_cwd / "charts").mkdir()
    (tmp_cwd / "charts" / "pod.yaml").write_text(UNSAFE)
    (tmp_cwd / ".portlint.yaml").write_text("exclude: ['charts/*']\n")
    result = cli("check", ".", "--format", "json")
    assert (result.exit_code, result.findings) == (0, [])


def test_exclude_patterns_are_relative_to_the_config_file(tmp_cwd, monkeypatch):
    writes = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, command: [sysctl, -w, vm.swappiness=10]}]\n"
    (tmp_cwd / "charts" / "web").mkdir(parents=True)
    (tmp_cwd / "charts" / "web" / "pod.yaml").write_text(writes)
    (tmp_cwd / "deploy").mkdir()
    (tmp_cwd / "deploy" / "pod.yaml").write_text(writes)
    (tmp_cwd / ".portlint.yaml").write_text("exclude: ['/charts/']\n")
    monkeypatch.chdir(tmp_cwd / "deploy")
    assert cli("check", "../charts", "--format", "json").findings == []
    # the same pattern does not reach deploy/, and deploy/pod.yaml is linted
    found = cli("check", "..", "--format", "json", "--fail-on", "never").findings
    assert [(f["rule"], f["path"]) for f in found] == [("PL103", "../deploy/pod.yaml")]


def test_unknown_key_exits_2_naming_it(tmp_cwd):
    (tmp_cwd / ".portlint.yaml").write_text("ephemeralRange: 1024-65535\n")
    (tmp_cwd / "svc.yaml").write_text(SERVICE)
    result = cli("check", "svc.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        f"portlint: error: {tmp_cwd}/.portlint.yaml: unknown key 'ephemeralRange' (known keys: ephemeralPortRange, "
        "exclude, kubernetesVersion, nodePortRange, reservedPorts, rules)\n"
    )


def test_wrong_types_and_values_exit_2(tmp_cwd):
    (tmp_cwd / "svc.yaml").write_text(SERVICE)
    cases = {
        "ephemeralPortRange: 1024\n": "ephemeralPortRange: 1024 is not of type 'string'",
        "rules: {PL101: loud}\n": "rules.PL101: 'loud' is not one of off, note, warning, error",
        "rules: {X1: off}\n": "rules: 'X1' is not a rule id like PL101",
        "rules: {PL999: off, PL101: off, PL998: error}\n": "rules: unknown rule ids 'PL998', 'PL999'; `portlint rules` lists them",
        "reservedPorts: '30000-99999'\n": 'reservedPorts: "30000-99999" is not a list of ports and ranges',
        "- a\n- b\n": "the config must be a mapping of keys, not a list",
        "a: [\n": "invalid YAML",
    }
    for text, expected in cases.items():
        (tmp_cwd / "cfg.yaml").write_text(text)
        result = cli("check", "svc.yaml", "--config", "cfg.yaml")
        assert result.exit_code == 2, text
        assert result.stderr.startswith(f"portlint: error: cfg.yaml: {expected}"), result.stderr
        assert "Traceback" not in result.stderr


def test_missing_config_file_exits_2(tmp_cwd):
    (tmp_cwd / "svc.yaml").write_text(SERVICE)
    result = cli("check", "svc.yaml", "--config", "nope.yaml")
    assert result.exit_code == 2
    assert result.stderr == "portlint: error: nope.yaml: cannot read config file: No such file or directory\n"


def test_schema_is_shipped_and_valid():
    import jsonschema

    from portlint.config import schema

    jsonschema.Draft202012Validator.check_schema(schema())
