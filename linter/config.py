"""Settings of a run: config file (``.portlint.yaml`` or ``[tool.portlint]``) under CLI flags.

The file is validated against ``config.schema.json`` (shipped in the package, usable by
editors through the YAML language server). Any problem is a ConfigError: one line that
names the file and the key, and exit code 2.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from .network import RangeError, parse_port_set, parse_range

CONFIG_NAMES = (".portlint.yaml", ".portlint.yml")
LEVEL_CHOICES = ("off", "note", "warning", "error")


class ConfigError(Exception):
    """A configuration or usage problem: reported on one line, exit code 2."""


@dataclass(slots=True)
class Settings:
    ephemeral_port_range: str | None = None
    reserved_ports: str | None = None
    node_port_range: str | None = None
    kubernetes_version: str | None = None
    rules: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    config_path: str | None = None  # the file the settings came from
    # where each range setting came from: "config" or "flag"
    origins: dict[str, str] = field(default_factory=dict)


def find_config(start: str = ".") -> str | None:
    """The nearest .portlint.yaml, or pyproject.toml with [tool.portlint], from ``start`` up
    to the repository root (the first directory holding .git)."""
    here = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(here, name)
            if os.path.isfile(candidate):
                return candidate
        pyproject = os.path.join(here, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_tool_section(pyproject):
            return pyproject
        parent = os.path.dirname(here)
        if os.path.exists(os.path.join(here, ".git")) or parent == here:
            return None
        here = parent


def _has_tool_section(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            return "[tool.portlint]" in handle.read()
    except OSError:
        return False


def load(path: str | None) -> Settings:
    """Settings from a config file (None: defaults)."""
    if path is None:
        return Settings()
    data = _read(path)
    _validate(data, path)
    settings = Settings(
        ephemeral_port_range=data.get("ephemeralPortRange"),
        reserved_ports=data.get("reservedPorts"),
        node_port_range=data.get("nodePortRange"),
        kubernetes_version=data.get("kubernetesVersion"),
        rules={k.upper(): v for k, v in (data.get("rules") or {}).items()},
        exclude=list(data.get("exclude") or []),
        config_path=path,
    )
    for attr in _RANGE_KEYS.values():
        if getattr(settings, attr) is not None:
            settings.origins[attr] = "config"
    check_values(settings, where=lambda key: f"{path}: {key}")
    return settings


_RANGE_KEYS = {
    "ephemeralPortRange": "ephemeral_port_range",
    "reservedPorts": "reserved_ports",
    "nodePortRange": "node_port_range",
}


def check_values(settings: Settings, where) -> None:
    """Parse the range settings once so that a bad value fails early with its name."""
    for key, attr in _RANGE_KEYS.items():
        value = getattr(settings, attr)
        if value is None:
            continue
        try:
            parse_port_set(value) if attr == "reserved_ports" else parse_range(value)
        except RangeError as exc:
            raise ConfigError(f"{where(key)}: {exc}") from None


def _read(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror or exc}") from None
    if path.endswith(".toml"):
        try:
            import tomllib
        except ImportError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            data = tomllib.loads(raw.decode("utf-8")).get("tool", {}).get("portlint", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        return data
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(raw.decode("utf-8-sig"))
    except (YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"{path}: invalid YAML: {first}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys, not a {type(data).__name__}")
    return data


def schema() -> dict[str, Any]:
    return json.loads(resources.files("portlint").joinpath("config.schema.json").read_text("utf-8"))


def _validate(data: dict[str, Any], path: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.path), e.message))
    if not errors:
        return
    error = errors[0]
    where = ".".join(str(p) for p in error.path)
    if error.validator == "additionalProperties" and not error.path:
        unknown = sorted(set(data) - set(error.schema.get("properties", {})))
        known = ", ".join(sorted(error.schema.get("properties", {})))
        raise ConfigError(f"{path}: unknown key '{unknown[0]}' (known keys: {known})")
    if error.validator == "propertyNames" or "propertyNames" in error.schema_path:
        raise ConfigError(f"{path}: {where or 'rules'}: {error.instance!r} is not a rule id like PL101")
    if error.validator == "enum" and error.path and error.path[0] == "rules":
        raise ConfigError(f"{path}: rules.{error.path[-1]}: {error.instance!r} is not one of {', '.join(LEVEL_CHOICES)}")
    raise ConfigError(f"{path}: {where or 'config'}: {error.message}")


def check_version(text: str | None) -> None:
    """A Kubernetes version like '1.31' (or 'v1.31', '1.31.2')."""
    import re

    if text is not None and not re.fullmatch(r"v?1\.[0-9]+(\.[0-9]+)?", text):
        raise ConfigError(f"--kubernetes-version: '{text}' is not a Kubernetes version like 1.31")
