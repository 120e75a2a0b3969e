"""Settings of a run: config file (``.portlint.yaml`` or ``[tool.portlint]``) under CLI flags.

The file is validated against ``config.schema.json`` (shipped in the package, usable by
editors through the YAML language server). Any problem is a ConfigError: one line that
names the file and the key, and exit code 2.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from .bounded import Refused, read_regular
from .excludes import Excludes
from .findings import Location
from .ignores import IgnoreEntry, entry
from .network import CONFIG, FLAG, KINDS, Declaration, RangeError
from .records import field, mutable
from .sysctls import parse_version

CONFIG_NAMES = (".portlint.yaml", ".portlint.yml")
NODE_SERVICE_PORTS = "nodeServicePorts"
LEVEL_CHOICES = ("off", "note", "warning", "error")
CONFIG_LIMIT = 1 << 20  # bytes read from a config file: a real one is a few hundred
MAX_DEPTH = 8  # collections nested in a YAML config (a valid one has 2): deeper is refused unbuilt


class ConfigError(Exception):
    """A configuration or usage problem: reported on one line, exit code 2."""


# the node-network settings: kind (network.KINDS) -> (config key, command-line flag)
RANGE_SETTINGS = {
    "ephemeral": ("ephemeralPortRange", "--ephemeral-port-range"),
    "reserved": ("reservedPorts", "--reserved-ports"),
    "node_ports": ("nodePortRange", "--node-port-range"),
}


@mutable
class Settings:
    kubernetes_version: str | None = None
    rules: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)  # gitignore-style, relative to config_dir
    config_dir: str = "."  # the directory of the config file
    ignores: list[IgnoreEntry] = field(default_factory=list)  # the config's per-resource ignores
    baseline: str | None = None  # the baseline file (config key, relative to config_dir, or --baseline)
    # the node-network settings given to portlint, by kind: from the config file, or a flag
    declared: dict[str, Declaration] = field(default_factory=dict)
    profile: str | None = None  # a provider profile (linter.profiles): the defaults the settings override
    # nodeServicePorts: component name -> its ports (linter/node_components.py), and where
    node_service_ports: dict[str, list[str]] = field(default_factory=dict)
    node_service_ports_at: Location | None = None

    def set_from_flag(self, kind: str, value: str) -> None:
        """A range flag overrides the config file; a bad value is a ConfigError naming the flag."""
        flag = RANGE_SETTINGS[kind][1]
        _check_range(kind, value, flag)
        self.declared[kind] = Declaration(FLAG, f"{flag} {value}", None, value)

    def set_profile(self, name: str, where: str = "--profile") -> None:
        """A provider profile (--profile overrides the config's ``profile``); an unknown name is
        a ConfigError that lists the known ones."""
        from .profiles import check

        try:
            self.profile = check(name, where)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None


def find_config(start: str = ".") -> str | None:
    """The nearest .portlint.yaml, or pyproject.toml with [tool.portlint], from ``start`` up
    to the repository root (the first directory holding .git)."""
    here = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(here, name)
            if os.path.lexists(candidate):  # whatever it is: load() reads it or says why not
                return candidate
        pyproject = os.path.join(here, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_tool_section(pyproject):
            return pyproject
        parent = os.path.dirname(here)
        if os.path.exists(os.path.join(here, ".git")) or parent == here:
            return None
        here = parent


def _has_tool_section(path: str) -> bool:
    """Whether pyproject.toml has [tool.portlint]; one that cannot be read to tell (too
    large, unreadable) is taken, so that load() says why rather than the config being
    skipped in silence."""
    try:
        return b"[tool.portlint]" in read_regular(path, CONFIG_LIMIT)
    except (OSError, Refused):
        return True


def load(path: str | None) -> Settings:
    """Settings from a config file (None: defaults)."""
    if path is None:
        return Settings()
    data, text = _read(path)
    _validate(data, path)
    settings = Settings(
        kubernetes_version=data.get("kubernetesVersion"),
        rules={k.upper(): v for k, v in (data.get("rules") or {}).items()},
        exclude=list(data.get("exclude") or []),
        config_dir=os.path.dirname(os.path.abspath(path)),
    )
    _check_rule_ids(settings.rules, path)
    if data.get("baseline") is not None:
        settings.baseline = os.path.join(settings.config_dir, data["baseline"])
    _check_patterns(settings.exclude, path, "exclude")
    items = data.get("ignore") or []
    places = _item_locations(path, text, "ignore", len(items))
    for index, (item, where) in enumerate(zip(items, places)):
        _check_rule_ids(item["rules"], path, f"ignore.{index}.rules")
        _check_patterns([item.get("path")] if item.get("path") else [], path, f"ignore.{index}.path")
        settings.ignores.append(entry(item, where, settings.config_dir))
    if data.get("profile") is not None:
        settings.set_profile(data["profile"], f"{path}: profile")
    for kind, (key, _flag) in RANGE_SETTINGS.items():
        value = data.get(key)
        if value is not None:
            _check_range(kind, value, f"{path}: {key}")
            where = _key_location(path, text, key)
            settings.declared[kind] = Declaration(CONFIG, f"{key} in the portlint config", where, value)
    _node_service_ports(settings, data, path, text)
    return settings


def _node_service_ports(settings: Settings, data: dict[str, Any], path: str, text: str) -> None:
    """``nodeServicePorts``: each port checked once here, so that a bad one fails early, named."""
    from .node_components import parse_port_spec

    ports = data.get(NODE_SERVICE_PORTS)
    if ports is None:
        return
    for name, specs in ports.items():
        for spec in specs:
            try:
                parse_port_spec(spec)
            except RangeError as exc:
                raise ConfigError(f"{path}: {NODE_SERVICE_PORTS}.{name}: {exc}") from None
    settings.node_service_ports = {name: list(specs) for name, specs in ports.items()}
    settings.node_service_ports_at = _key_location(path, text, NODE_SERVICE_PORTS)


def _check_rule_ids(ids, path: str, where: str = "rules") -> None:
    """A typo in ``rules:`` (or an ignore entry's ``rules``) must not silently configure nothing."""
    from .rules import BY_ID
    from .suppressions import ALL

    unknown = sorted(rule_id for rule_id in (i.upper() for i in ids) if rule_id not in BY_ID and rule_id != ALL)
    if unknown:
        named = ", ".join(f"'{rule_id}'" for rule_id in unknown)
        raise ConfigError(
            f"{path}: {where}: unknown rule id{'s' if len(unknown) > 1 else ''} {named}; `portlint rules` lists them"
        )


def _check_patterns(patterns: list[str], path: str, where: str) -> None:
    """A pattern git cannot read (``!`` alone, a trailing ``\\``) is an error naming it, at
    load, not an internal error when the first file is matched."""
    try:
        Excludes(patterns)
    except ValueError as exc:
        raise ConfigError(f"{path}: {where}: {exc}") from None


def _check_range(kind: str, value: str, where: str) -> None:
    """Parse a range setting once, so that a bad value fails early, named."""
    try:
        KINDS[kind](value)
    except RangeError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _key_location(path: str, text: str, key: str) -> Location:
    """Where ``key`` is written in the config text (its first line when not found), so that a
    finding about a configured range points at it."""
    from .sources import display_path

    line, column, width = 1, 1, 1
    for number, row in enumerate(text.splitlines(), 1):
        at = row.find(key)
        if at >= 0 and not row.lstrip().startswith("#"):
            line, column, width = number, at + 1, len(row.rstrip()) - at
            break
    return Location(display_path(path), line, column, line, column + max(width, 1))


def _item_locations(path: str, text: str, key: str, count: int) -> list[Location]:
    """Where each item of the top-level list ``key`` is written, so that a finding about an
    ignore entry (PL001) points at it: in YAML, the item's node; in TOML, which keeps no
    positions, each ``[[tool.portlint.KEY]]`` header, else (an inline array) the key's place."""
    from .sources import display_path

    rows = text.splitlines()
    if path.endswith(".toml"):
        header = re.compile(rf"\s*\[\[\s*tool\.portlint\.{key}\s*\]\]")
        heads = [(n, row.find("[")) for n, row in enumerate(rows) if header.match(row)]
        if len(heads) == count:
            return [_rest_of_line(display_path(path), rows, n, column) for n, column in heads]
    elif count:
        from ruamel.yaml import YAML

        for name, value in YAML(typ="safe").compose(text).value:
            if name.value == key:
                marks = [item.start_mark for item in value.value]
                return [_rest_of_line(display_path(path), rows, m.line, m.column) for m in marks]
    return [_key_location(path, text, key)] * count


def _rest_of_line(shown: str, rows: list[str], line: int, column: int) -> Location:
    """From a 0-based line and column to the end of that line's text."""
    return Location(shown, line + 1, column + 1, line + 1, len(rows[line].rstrip()) + 1)


def _read(path: str) -> tuple[dict[str, Any], str]:
    """The config's data and its text. Only a regular file is read (a FIFO would block), and
    at most CONFIG_LIMIT bytes of it (``--config /dev/zero`` never ends)."""
    try:
        raw = read_regular(path, CONFIG_LIMIT)
    except (OSError, Refused) as exc:
        why = str(exc) if isinstance(exc, Refused) else exc.strerror or str(exc)
        raise ConfigError(f"{path}: cannot read config file: {why}") from None
    if path.endswith(".toml"):
        return _read_toml(path, raw)
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    text = _decode(raw, path)
    try:
        _check_events(text, path)
        data = YAML(typ="safe").load(text)
    except (YAMLError, ValueError) as exc:  # ValueError: an int over 4,300 digits
        raise ConfigError(f"{path}: invalid YAML: {_first_line(exc)}") from None
    if data is None:
        return {}, text
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys, not a {type(data).__name__}")
    return data, text


def _read_toml(path: str, raw: bytes) -> tuple[dict[str, Any], str]:
    """``[tool.portlint]`` of a pyproject.toml; ``tool`` and ``portlint`` must be tables."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    text = _decode(raw, path)
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError is a ValueError
        raise ConfigError(f"{path}: invalid TOML: {_first_line(exc)}") from None
    for key, shown in (("tool", "tool"), ("portlint", "tool.portlint")):
        data = data.get(key, {})
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: {shown}: {data!r} is not a table")
    return data, text


def _decode(raw: bytes, path: str) -> str:
    """UTF-8 (a BOM is dropped); a bad byte is an error at its line and column."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        from .sources import _byte_position

        line, column = _byte_position(raw, exc.start)
        raise ConfigError(f"{path}:{line}:{column}: not UTF-8 (byte 0x{raw[exc.start]:02x})") from None


def _first_line(exc: BaseException) -> str:
    said = str(exc).strip()
    return said.splitlines()[0] if said else type(exc).__name__


def _check_events(text: str, path: str) -> None:
    """Refuse anchors and aliases, and nesting deeper than MAX_DEPTH, before anything is built:
    a few hundred bytes of aliases to aliases expand to gigabytes in every message that
    shows the value (the 'billion laughs'), and libyaml's time and ruamel's stack grow with
    the nesting. A config has no use for either; the error names the line and column."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

    depth = 0
    for event in YAML(typ="safe").parse(text):
        mark = event.start_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}"
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor is not None):
            raise ConfigError(f"{where}: YAML anchors and aliases are not allowed in a portlint config; write the value out")
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(f"{where}: collections nested deeper than {MAX_DEPTH} levels; a portlint config has 2")
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def schema() -> dict[str, Any]:
    from importlib import resources  # here: only a config file is validated (start-up)

    return json.loads(resources.files("portlint").joinpath("config.schema.json").read_text("utf-8"))


def _validate(data: dict[str, Any], path: str) -> None:
    _check_keys(data, path)
    if not data:  # an empty file, a pyproject.toml without [tool.portlint]: valid, jsonschema not imported
        return
    import jsonschema  # here: its import costs more than linting a small file (start-up)

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.path), e.message))
    if not errors:
        return
    error = errors[0]
    where = ".".join(str(p) for p in error.path)
    if error.validator == "anyOf" and error.path and error.path[0] == "ignore":
        raise ConfigError(f"{path}: {where}: an ignore entry needs at least one of kind, name, namespace, path")
    if error.validator == "additionalProperties" and not error.path:
        unknown = sorted(set(data) - set(error.schema.get("properties", {})))
        known = ", ".join(sorted(error.schema.get("properties", {})))
        raise ConfigError(f"{path}: unknown key '{unknown[0]}' (known keys: {known})")
    if error.validator == "propertyNames" or "propertyNames" in error.schema_path:
        raise ConfigError(f"{path}: {where or 'rules'}: {error.instance!r} is not a rule id like PL101")
    if error.validator == "enum" and error.path and error.path[0] == "rules":
        raise ConfigError(f"{path}: rules.{error.path[-1]}: {error.instance!r} is not one of {', '.join(LEVEL_CHOICES)}")
    raise ConfigError(f"{path}: {where or 'config'}: {error.message}")


def _check_keys(data: dict[str, Any], path: str) -> None:
    """Keys of the config and of ``rules`` must be strings: JSON Schema knows no others (its
    ``propertyNames`` pattern lets a 1, a true or a list through to the code)."""
    for where, mapping in (("config", data), ("rules", data.get("rules"))):
        if isinstance(mapping, dict):
            for key in mapping:
                if not isinstance(key, str):
                    raise ConfigError(f"{path}: {where}: the key {key!r} is not a string")


def check_version(text: str | None) -> None:
    """A Kubernetes version like '1.31' (or 'v1.31', '1.31.2'), as sysctls.parse_version reads it."""
    if text is not None:
        try:
            parse_version(text)
        except ValueError as exc:
            raise ConfigError(f"--kubernetes-version: {exc}") from None
