"""Files a container sees from ConfigMap and Secret volumes: which object and key hold a path.

A container that runs ``bash /scripts/init.sh`` or ``sysctl -p /etc/sysctl.d/99.conf`` may
take that file from a ConfigMap or Secret mounted in the same pod. ``ConfigMounts`` maps a
path in the container to the key that holds it, as the kubelet lays the volume out: every
key of the object as a file named after the key, or only the ``items`` (key -> path), the
whole volume at ``mountPath`` or one file of it with ``subPath``; ``projected`` volumes
with configMap and secret sources; the file mode from the item's ``mode`` or the volume's
``defaultMode`` (0644 when unset: then the file cannot be executed directly, only read by
a shell). Everything here is plain values: it is kept past the document for the run-scope
join (linter.writes.join).
"""

from __future__ import annotations

import posixpath

from .records import frozen
from .tree import Mapping, as_int, as_str, dig, sequence_items

DEFAULT_MODE = 0o644


@frozen
class VolumeFile:
    """One file of a ConfigMap or Secret volume as the container sees it: the object
    (``kind`` 'ConfigMap' or 'Secret', ``name``), its ``key`` (None: every key of the
    object, each at ``path``/KEY), the container ``path`` and the file ``mode``."""

    kind: str
    name: str
    key: str | None
    path: str
    mode: int

    @property
    def executable(self) -> bool:
        return bool(self.mode & 0o111)

    def file_for(self, key: str) -> str:
        """The container path of ``key`` (for a file that stands for every key)."""
        return self.path if self.key is not None else posixpath.join(self.path, key)


@frozen
class ConfigMount:
    """One ConfigMap or Secret source mounted into a container."""

    path: str  # mountPath
    kind: str
    name: str
    items: tuple[tuple[str, str, int], ...] | None  # (key, path in the volume, mode); None: every key
    sub_path: str  # '' or the subPath
    mode: int

    def files(self) -> list[VolumeFile]:
        """The files this mount shows: one per item, or one standing for every key."""
        if self.sub_path:
            inside = self.sub_path.strip("/")
            if self.items is None:
                return [VolumeFile(self.kind, self.name, inside, self.path, self.mode)] if "/" not in inside else []
            return [VolumeFile(self.kind, self.name, k, self.path, m) for k, p, m in self.items if p.strip("/") == inside]
        if self.items is None:
            return [VolumeFile(self.kind, self.name, None, self.path, self.mode)]
        return [VolumeFile(self.kind, self.name, k, posixpath.join(self.path, p.strip("/")), m) for k, p, m in self.items]


@frozen
class ConfigMounts:
    """A container's ConfigMap and Secret mounts: which key holds a path it reads."""

    mounts: tuple[ConfigMount, ...]

    def __bool__(self) -> bool:
        return bool(self.mounts)

    def mentioned(self, text: str) -> bool:
        """Does a script name one of the mount paths (worth parsing for the scripts it runs)?"""
        return any(m.path in text for m in self.mounts)

    def holds(self, path: str) -> bool:
        return bool(self.resolve(path))

    def resolve(self, path: str) -> list[VolumeFile]:
        """The volume files that can be at ``path`` (for a mount of every key, the file of
        the key named by the last component; ConfigMap keys hold no '/')."""
        path = posixpath.normpath(path) if path.startswith("/") else ""
        if not path:
            return []
        found: list[VolumeFile] = []
        for mount in self.mounts:
            for file in mount.files():
                if file.key is not None:
                    if file.path == path:
                        found.append(file)
                elif posixpath.dirname(path) == file.path.rstrip("/") and posixpath.basename(path):
                    key = posixpath.basename(path)
                    found.append(VolumeFile(file.kind, file.name, key, path, file.mode))
        return found

    def in_directory(self, directory: str) -> list[VolumeFile]:
        """The volume files directly in ``directory`` (key None: every key of the object)."""
        directory = posixpath.normpath(directory)
        found = []
        for mount in self.mounts:
            for file in mount.files():
                if file.key is None:
                    if file.path.rstrip("/") == directory:
                        found.append(file)
                elif posixpath.dirname(file.path) == directory:
                    found.append(file)
        return found


NO_CONFIG = ConfigMounts(())


def _mode(node, default: int) -> int:
    """A file mode as the API server reads it: an int32 in YAML 1.1 (0755 is octal, 493 decimal)."""
    mode = as_int(node)
    return default if mode is None else mode


def _items(node, default: int) -> tuple[tuple[str, str, int], ...] | None:
    if node is None:
        return None
    found = []
    for item in sequence_items(node):
        key, path = as_str(dig(item, "key")), as_str(dig(item, "path"))
        if key and path:
            found.append((key, path, _mode(dig(item, "mode"), default)))
    return tuple(found)


def _sources(volume: Mapping) -> list[tuple[str, str, tuple | None, int]]:
    """(kind, name, items, mode) of each ConfigMap/Secret source of a volume."""
    found = []
    for field, kind, name_key in (("configMap", "ConfigMap", "name"), ("secret", "Secret", "secretName")):
        source = volume.get(field)
        if type(source) is Mapping:
            mode = _mode(source.get("defaultMode"), DEFAULT_MODE)
            name = as_str(source.get(name_key))
            if name:
                found.append((kind, name, _items(source.get("items"), mode), mode))
    projected = volume.get("projected")
    if type(projected) is Mapping:
        mode = _mode(projected.get("defaultMode"), DEFAULT_MODE)
        for source in sequence_items(projected.get("sources")):
            for field, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
                inner = dig(source, field)
                name = as_str(dig(inner, "name"))
                if name:
                    found.append((kind, name, _items(dig(inner, "items"), mode), mode))
    return found


def config_volumes(pod_node: Mapping) -> dict[str, list[tuple[str, str, tuple | None, int]]]:
    """Volume name -> its ConfigMap/Secret sources."""
    found = {}
    for volume in sequence_items(pod_node.get("volumes")):
        if type(volume) is not Mapping:
            continue
        name = as_str(volume.get("name"))
        sources = _sources(volume) if name else []
        if sources:
            found[name] = sources
    return found


def config_mounts(container: Mapping, volumes: dict) -> ConfigMounts:
    """The container's mounts of those volumes."""
    if not volumes:
        return NO_CONFIG
    found = []
    for mount in sequence_items(container.get("volumeMounts")):
        if type(mount) is not Mapping:
            continue
        sources = volumes.get(as_str(mount.get("name")) or "")
        path = as_str(mount.get("mountPath"))
        if not sources or not path or not path.startswith("/"):
            continue
        sub = as_str(mount.get("subPath")) or ""
        for kind, name, items, mode in sources:
            found.append(ConfigMount(posixpath.normpath(path), kind, name, items, sub, mode))
    return ConfigMounts(tuple(found)) if found else NO_CONFIG
