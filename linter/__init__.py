"""portlint: a static linter for Kubernetes manifests (sysctl writes, node ports)."""

__version__ = "0.1.0"
