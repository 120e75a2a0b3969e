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
    assert pl304["message"] == (
        "The ephemeral port range 1024-65535 overlaps the NodePort range 30000-32767 (the kube-apiserver default) "
        "and ports 30000-32767 are not reserved"
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
        f"portlint: error: {tmp_cwd}/.portlint.yaml: unknown key 'ephemeralRange' (known keys: baseline, "
        "ephemeralPortRange, exclude, ignore, kubernetesVersion, nodePortRange, nodeServicePorts, profile, reservedPorts, rules)\n"
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


# --- hostile config files (issue 16): one error line naming the file, exit 2 -----------------


def config_error(tmp_cwd, text: str | bytes, name: str = "cfg.yaml", *flags: str) -> str:
    """stderr of a run with the config file ``name`` holding ``text`` (--config unless a flag
    is given); the exit code must be 2 and the report empty."""
    (tmp_cwd / "svc.yaml").write_text(SERVICE)
    (tmp_cwd / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    from test_helm_mapping import deadline

    with deadline(10):
        result = cli("check", "svc.yaml", *(flags or ("--config", name)))
    assert result.exit_code == 2, result.stderr
    return result.stderr


def _lists(levels: int) -> str:
    """An exclude list of lists, each an alias repeated nine times of the one before: a few
    hundred bytes that expand to 9**levels strings wherever the value is shown."""
    rows = ["exclude:", '  - &l0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    rows += [f"  - &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(rows) + "\n"


def test_aliases_and_anchors_are_refused_at_their_position(tmp_cwd):
    # line 2 '  - &l0 [...]': the anchor '&l0' at column 5
    assert config_error(tmp_cwd, _lists(6)) == (
        "portlint: error: cfg.yaml:2:5: YAML anchors and aliases are not allowed in a portlint config; write the value out\n"
    )
    # an anchor alone: '&r' at column 21 of 'ephemeralPortRange: &r "32768 60999"'
    assert config_error(tmp_cwd, 'ephemeralPortRange: &r "32768 60999"\n').startswith("portlint: error: cfg.yaml:1:21: YAML anchors")
    # an alias whose anchor is not one (a merge key): '*x' at column 10 of line 2
    assert config_error(tmp_cwd, "rules: {}\nexclude: *x\n").startswith("portlint: error: cfg.yaml:2:10: ")


def test_nesting_is_refused_past_the_limit_before_it_is_built(tmp_cwd):
    from portlint.config import MAX_DEPTH

    # the mapping, then MAX_DEPTH - 1 lists: the schema's own error
    inner = "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
    assert config_error(tmp_cwd, f"exclude: [{inner}]\n") == (
        f"portlint: error: cfg.yaml: exclude.0: {inner} is not of type 'string'\n"
    )
    # one more list: refused at its '[' (column 10 + MAX_DEPTH - 1); 100,000 levels take no time
    assert config_error(tmp_cwd, f"exclude: {'[' * MAX_DEPTH}{']' * MAX_DEPTH}\n") == (
        f"portlint: error: cfg.yaml:1:{10 + MAX_DEPTH - 1}: collections nested deeper than 8 levels; a portlint config has 2\n"
    )
    assert config_error(tmp_cwd, f"exclude: {'[' * 100_000}{']' * 100_000}\n").startswith("portlint: error: cfg.yaml:1:17: ")
    # a collection closed before does not count: the same refusal on line 2
    assert config_error(tmp_cwd, f"rules: {{}}\nexclude: {'[' * MAX_DEPTH}{']' * MAX_DEPTH}\n").startswith(
        f"portlint: error: cfg.yaml:2:{10 + MAX_DEPTH - 1}: collections nested deeper"
    )


def test_keys_that_are_not_strings_are_refused(tmp_cwd):
    cases = {
        "1: x\n": "config: the key 1 is not a string",
        "1: x\nrules: {}\n": "config: the key 1 is not a string",  # used to be sorted with the other keys
        "true: x\n": "config: the key True is not a string",
        "rules: {1: off}\n": "rules: the key 1 is not a string",
        "rules: {PL101: off, null: off}\n": "rules: the key None is not a string",
        "rules: {? [PL101] : off}\n": "rules: the key ('PL101',) is not a string",
    }
    for text, expected in cases.items():
        assert config_error(tmp_cwd, text) == f"portlint: error: cfg.yaml: {expected}\n", text


def _python_says(error_of) -> str:
    """The first line of the error that ``error_of()`` raises: how this Python (or its TOML
    library) words a limit; the wording changed between 3.10 and 3.11."""
    try:
        error_of()
    except (ValueError, RecursionError) as exc:
        return str(exc).splitlines()[0]
    raise AssertionError("no error")


def test_numbers_too_long_for_python_are_invalid_config(tmp_cwd):
    said = _python_says(lambda: int("9" * 5000))
    assert said.startswith("Exceeds the limit (4300")
    assert config_error(tmp_cwd, f"rules: {{PL101: {'9' * 5000}}}\n").startswith(f"portlint: error: cfg.yaml: invalid YAML: {said}")
    toml = f"[tool.portlint]\nrules = {{PL101 = {'9' * 5000}}}\n"
    assert config_error(tmp_cwd, toml, "pyproject.toml").startswith(f"portlint: error: pyproject.toml: invalid TOML: {said}")


def test_pyproject_tables_of_the_wrong_type(tmp_cwd):
    assert config_error(tmp_cwd, "tool = 5\n", "pyproject.toml") == "portlint: error: pyproject.toml: tool: 5 is not a table\n"
    assert config_error(tmp_cwd, '[tool]\nportlint = "x"\n', "pyproject.toml") == (
        "portlint: error: pyproject.toml: tool.portlint: 'x' is not a table\n"
    )
    nested = "[tool.portlint]\nexclude = " + "[" * 5000 + "]" * 5000 + "\n"
    try:
        import tomllib
    except ImportError:  # Python 3.10: tomli, which words its own nesting limit
        import tomli as tomllib
    said = _python_says(lambda: tomllib.loads(nested))
    assert said in ("maximum recursion depth exceeded", "TOML inline arrays/tables are nested more than the allowed 400 levels")
    assert config_error(tmp_cwd, nested, "pyproject.toml") == f"portlint: error: pyproject.toml: invalid TOML: {said}\n"


def test_bytes_that_are_not_utf8_are_an_error_at_their_position(tmp_cwd):
    # found, not given: the search for [tool.portlint] reads bytes; 0xff is line 3, column 1
    stderr = config_error(tmp_cwd, b"[tool.portlint]\nrules = {}\n\xff\n", "pyproject.toml", "svc.yaml")
    assert stderr == f"portlint: error: {tmp_cwd}/pyproject.toml:3:1: not UTF-8 (byte 0xff)\n"
    # line 2 '  PL101: "\xe9"': the byte after the quote is column 11
    assert config_error(tmp_cwd, b'rules:\n  PL101: "\xe9"\n') == "portlint: error: cfg.yaml:2:11: not UTF-8 (byte 0xe9)\n"


def test_special_files_are_not_read(tmp_cwd):
    import os

    (tmp_cwd / "svc.yaml").write_text(SERVICE)
    os.mkfifo(tmp_cwd / "fifo")  # opening it for reading used to wait for a writer for ever
    for name in ("fifo", "/dev/zero", "."):  # /dev/zero used to be read without end
        assert config_error(tmp_cwd, "", "unused.yaml", "svc.yaml", "--config", name) == (
            f"portlint: error: {name}: cannot read config file: not a regular file\n"
        )
    os.mkfifo(tmp_cwd / ".portlint.yaml")  # found: said, not skipped
    assert config_error(tmp_cwd, "", "unused.yaml", "svc.yaml") == (
        f"portlint: error: {tmp_cwd}/.portlint.yaml: cannot read config file: not a regular file\n"
    )


def test_config_files_are_read_up_to_the_limit(tmp_cwd):
    from portlint.config import CONFIG_LIMIT

    (tmp_cwd / "svc.yaml").write_text(SERVICE)
    rule = "rules: {PL301: off}\n"
    filler = CONFIG_LIMIT - len(rule)
    text = rule + ("#" * 99 + "\n") * (filler // 100) + "#" * (filler % 100 - 1) + "\n"
    (tmp_cwd / "cfg.yaml").write_text(text)
    assert cli("check", "svc.yaml", "--config", "cfg.yaml").exit_code == 0  # PL301 off: read whole
    assert config_error(tmp_cwd, text + "\n") == "portlint: error: cfg.yaml: cannot read config file: larger than 1 MB\n"
    # a pyproject.toml too large to search for [tool.portlint] is said, not skipped
    (tmp_cwd / "cfg.yaml").unlink()
    assert config_error(tmp_cwd, "#" * CONFIG_LIMIT + "\n", "pyproject.toml", "svc.yaml") == (
        f"portlint: error: {tmp_cwd}/pyproject.toml: cannot read config file: larger than 1 MB\n"
    )


def test_an_exclude_pattern_git_cannot_read_is_one_error_line(tmp_cwd):
    (tmp_cwd / ".portlint.yaml").write_text('exclude: ["vendor/", "!"]\n')
    (tmp_cwd / "svc.yaml").write_text(SERVICE)
    result = cli("check", "svc.yaml")
    said = f"portlint: error: {tmp_cwd}/.portlint.yaml: exclude: Invalid git pattern: '!'\n"
    assert (result.exit_code, result.stderr) == (2, said)
