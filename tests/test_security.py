"""Hostile inputs that reach helm, the file system and the terminal (issue 16, security).

Each test states what an attacker controls and what must not happen. The helm tests run the
real helm (CI installs it); a post-renderer that leaves a marker file proves whether helm took
a word as its --post-renderer flag, which runs a program.
"""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import REPO, cli
from test_helm import helm_installed  # noqa: F401 - a fixture

NETCHART = REPO / "tests" / "helm" / "netchart"


# --- arguments passed to helm ----------------------------------------------------------


@pytest.fixture
def post_renderer(tmp_cwd, monkeypatch):
    """An executable ``evil`` on PATH that leaves ``ran`` behind when helm runs it as a
    post-renderer; returns the marker's path."""
    evil = tmp_cwd / "bin" / "evil"
    evil.parent.mkdir()
    evil.write_text(f"#!/bin/sh\ntouch {tmp_cwd}/ran\ncat\n")
    evil.chmod(0o755)
    monkeypatch.setenv("PATH", f"{evil.parent}:{os.environ['PATH']}")
    return tmp_cwd / "ran"


def test_a_chart_named_like_a_flag_is_a_chart(helm_installed, post_renderer):  # noqa: F811
    """`portlint helm -- --post-renderer=evil`: the chart word is a directory for helm, never
    its flag (helm reads the words after '--' as its release name and chart)."""
    shutil.copytree(NETCHART, "--post-renderer=evil")
    shutil.copytree(NETCHART, "netchart")  # were the chart word a flag, helm would render this one
    result = cli("helm", "--release-name", "netchart", "--format", "json", "--select", "PL301", "--", "--post-renderer=evil")
    assert not post_renderer.exists()
    assert result.exit_code == 1, result.stderr
    # service.yaml line 9: '      nodePort: {{ .Values.nodePort }}', the action at column 17
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in result.findings] == [
        ("PL301", "--post-renderer=evil/templates/service.yaml", 9, 17)
    ]


def test_a_release_name_like_a_flag_is_refused_by_helm(helm_installed, post_renderer):  # noqa: F811
    result = cli("helm", str(NETCHART), "--release-name=--post-renderer=evil")
    assert not post_renderer.exists()
    assert result.exit_code == 2
    assert result.stderr.startswith(
        'portlint: error: helm template failed (exit 1): Error: release name "--post-renderer=evil": invalid release name'
    )


def test_values_and_set_words_are_checked_before_helm_runs(tmp_cwd, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # nothing is run: the words are refused first
    os.mkfifo(tmp_cwd / "fifo")  # helm would wait on it for ever
    result = cli("helm", str(NETCHART), "-f", "fifo")
    assert (result.exit_code, result.stderr) == (2, "portlint: error: --values fifo: no such values file (a regular file is required)\n")
    result = cli("helm", str(NETCHART), "--set", "=30080")
    assert (result.exit_code, result.stderr) == (2, "portlint: error: --set =30080: not KEY=VALUE\n")
    result = cli("helm", str(NETCHART), "--set", "nodePort")
    assert (result.exit_code, result.stderr) == (2, "portlint: error: --set nodePort: not KEY=VALUE\n")
