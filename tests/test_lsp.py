"""`portlint lsp` driven as an editor drives it: JSON-RPC over the server's stdin and stdout
(Content-Length framing), every wait bounded. One server for the module; each test adds a
workspace folder of its own and closes what it opened."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("pygls")

WAIT = 10.0  # seconds: the longest any answer may take on a loaded machine


class Client:
    """A minimal LSP client: requests wait for their response; notifications are queued."""

    def __init__(self, capabilities: dict | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "portlint", "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.inbox: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.init = self.request("initialize", {"processId": None, "rootUri": None, "capabilities": capabilities or {}})
        self.notify("initialized", {})

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            self.inbox.put(json.loads(stream.read(int(headers["content-length"]))))

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict):
        self.next_id += 1
        self._send({"id": self.next_id, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)
        assert "error" not in reply, reply
        return reply["result"]

    def wait(self, wanted):
        """The next message ``wanted`` accepts (others before it are dropped)."""
        while True:
            message = self.inbox.get(timeout=WAIT)
            if wanted(message):
                return message

    def diagnostics(self, uri: str) -> list[dict]:
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
        return message["params"]["diagnostics"]

    def stop(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            assert self.proc.wait(timeout=WAIT) == 0
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def client():
    running = Client()
    yield running
    running.stop()


class Workspace:
    """A workspace folder added to the running server, and the documents opened in it."""

    def __init__(self, client: Client, root: Path) -> None:
        self.client, self.root, self.opened = client, root, []
        self.folder = {"uri": root.as_uri(), "name": root.name}
        client.notify("workspace/didChangeWorkspaceFolders", {"event": {"added": [self.folder], "removed": []}})

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def open(self, name: str, text: str, language: str = "yaml") -> list[dict]:
        uri = self.uri(name)
        self.opened.append(uri)
        item = {"uri": uri, "languageId": language, "version": 1, "text": text}
        self.client.notify("textDocument/didOpen", {"textDocument": item})
        return self.client.diagnostics(uri)

    def change(self, name: str, text: str, version: int) -> None:
        document = {"uri": self.uri(name), "version": version}
        self.client.notify("textDocument/didChange", {"textDocument": document, "contentChanges": [{"text": text}]})

    def close(self) -> None:
        for uri in self.opened:
            self.client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        self.client.notify("workspace/didChangeWorkspaceFolders", {"event": {"added": [], "removed": [self.folder]}})


@pytest.fixture
def workspace(client, tmp_path):
    made = Workspace(client, tmp_path)
    yield made
    made.close()


def span(line: int, start: int, end_line: int, end: int) -> dict:
    return {"start": {"line": line, "character": start}, "end": {"line": end_line, "character": end}}


def summary(diag: dict) -> tuple:
    """What a test pins of a diagnostic: range, severity, code and message."""
    return (diag["range"], diag["severity"], diag["code"], diag["message"])


SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - name: http
      port: 80
      nodePort: 40000
"""


def test_open_publishes_the_findings_of_the_buffer(workspace):
    diags = workspace.open("svc.yaml", SERVICE)
    # nodePort 40000 lies outside 30000-32767: PL302 on the value, line 10 col 17 (1-based)
    assert [summary(d) for d in diags] == [
        (
            span(9, 16, 9, 21),
            1,
            "PL302",
            'nodePort 40000 of Service "web" is outside the NodePort range 30000-32767 (the kube-apiserver default)',
        )
    ]
    assert diags[0]["source"] == "portlint"
    assert diags[0]["codeDescription"] == {"href": "https://github.com/portlint/portlint/blob/main/docs/rules/PL302.md"}


def service(node_port: int, name: str = "web") -> str:
    return SERVICE.replace("name: web", f"name: {name}").replace("40000", str(node_port))


# A hostNetwork DaemonSet widening the nodes' ephemeral range to 1024-65535, unguarded; its
# write is the command on line 20 (1-based), columns 15 to 66 (51 characters).
TUNING = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: tuning
spec:
  selector:
    matchLabels: {app: tuning}
  template:
    metadata:
      labels: {app: tuning}
    spec:
      hostNetwork: true
      containers:
        - name: sysctl
          image: busybox
          command:
            - sh
            - -c
            - |
              sysctl -w net.ipv4.ip_local_port_range="1024 65535"
"""

# the same DaemonSet reserving the NodePort range on the nodes instead: no PL301 beside it
RESERVING = TUNING.replace('sysctl -w net.ipv4.ip_local_port_range="1024 65535"', 'sysctl -w net.ipv4.ip_local_reserved_ports="30000-32767"')

PL301_30050 = 'nodePort 30050 of Service "web" is in the ephemeral port range 1024-65535 (tuning.yaml:20)'


def test_a_range_declared_in_a_file_on_disk_reaches_the_open_document(workspace):
    (workspace.root / "tuning.yaml").write_text(TUNING)
    diags = workspace.open("svc.yaml", service(30050))
    # 30050: inside the NodePort range and its static band, inside 1024-65535 from tuning.yaml
    assert [summary(d) for d in diags] == [(span(9, 16, 9, 21), 1, "PL301", PL301_30050)]
    assert diags[0]["relatedInformation"] == [
        {
            "location": {"uri": workspace.uri("tuning.yaml"), "range": span(19, 14, 19, 65)},
            "message": "The ephemeral port range is declared here",
        }
    ]


def test_only_findings_in_open_documents_are_published(workspace):
    """tuning.yaml on disk has its own PL201; nothing is published for it, only for the buffer."""
    (workspace.root / "tuning.yaml").write_text(TUNING)
    workspace.open("svc.yaml", service(30050))
    uris = []
    workspace.client.notify("textDocument/didSave", {"textDocument": {"uri": workspace.uri("svc.yaml")}})
    while True:
        message = workspace.client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        uris.append(message["params"]["uri"])
        if uris[-1] == workspace.uri("svc.yaml"):
            break
    assert uris == [workspace.uri("svc.yaml")]


def test_an_open_buffer_replaces_its_file_on_disk(workspace):
    (workspace.root / "tuning.yaml").write_text(TUNING)
    narrowed = TUNING.replace("1024 65535", "40000 60999")  # unsaved: 30050 is outside it
    workspace.open("tuning.yaml", narrowed)
    assert workspace.open("svc.yaml", service(30050)) == []


def test_the_config_excludes_files_on_disk(workspace):
    (workspace.root / ".portlint.yaml").write_text('exclude: ["vendor/"]\n')
    (workspace.root / "vendor").mkdir()
    (workspace.root / "vendor" / "tuning.yaml").write_text(TUNING)
    assert workspace.open("svc.yaml", service(30050)) == []


def test_the_config_of_the_document_applies(workspace):
    (workspace.root / "deploy").mkdir()
    (workspace.root / "deploy" / ".portlint.yaml").write_text("rules: {PL302: warning}\n")
    diags = workspace.open("deploy/svc.yaml", SERVICE)
    assert [(d["code"], d["severity"]) for d in diags] == [("PL302", 2)]


def test_save_lints_again_with_the_files_on_disk(workspace):
    assert workspace.open("svc.yaml", service(30050)) == []  # the default range 32768-60999
    (workspace.root / "tuning.yaml").write_text(TUNING)
    workspace.client.notify("textDocument/didSave", {"textDocument": {"uri": workspace.uri("svc.yaml")}})
    assert [summary(d) for d in workspace.client.diagnostics(workspace.uri("svc.yaml"))] == [
        (span(9, 16, 9, 21), 1, "PL301", PL301_30050)
    ]


def test_changes_are_linted_once_typing_pauses_and_the_last_wins(workspace):
    workspace.open("svc.yaml", SERVICE)
    workspace.change("svc.yaml", service(40001), 2)
    workspace.change("svc.yaml", service(40002), 3)
    message = workspace.client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    assert message["params"]["version"] == 3
    assert [d["message"].split(" of ")[0] for d in message["params"]["diagnostics"]] == ["nodePort 40002"]


def test_severities_warning_and_note(workspace):
    pod = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: nginx
      ports:
        - containerPort: 80
          hostPort: 40000
"""
    # hostPort 40000 in the Linux default 32768-60999: PL305, a warning; nodePort 31000 above
    # the static band 30000-30085: PL307, a note
    diags = workspace.open("pod.yaml", pod + "---\n" + service(31000))
    assert [summary(d) for d in diags] == [
        (
            span(9, 20, 9, 25),
            2,
            "PL305",
            'hostPort 40000 of container "app" in Pod "p" is in the ephemeral port range 32768-60999 (the Linux default)',
        ),
        (
            span(20, 16, 20, 21),
            3,
            "PL307",
            'nodePort 31000 of Service "web" is outside the static band 30000-30085 of the NodePort range',
        ),
    ]


EMOJI = SERVICE.replace(
    "    - name: http\n      port: 80\n      nodePort: 40000\n", '    - {name: "\U0001f600", port: 80, nodePort: 40000}\n'
)


def test_columns_count_utf16_code_units(workspace):
    # '    - {name: "😀", port: 80, nodePort: 40000}': 40000 starts at code point 38, the
    # emoji before it is two UTF-16 code units
    diags = workspace.open("svc.yaml", EMOJI)
    assert [(d["range"], d["code"]) for d in diags] == [(span(7, 39, 7, 44), "PL302")]


def test_columns_count_code_points_when_the_client_prefers_utf32(tmp_path):
    utf32 = Client({"general": {"positionEncodings": ["utf-32", "utf-16"]}})
    try:
        assert utf32.init["capabilities"]["positionEncoding"] == "utf-32"
        assert [(d["range"], d["code"]) for d in Workspace(utf32, tmp_path).open("svc.yaml", EMOJI)] == [
            (span(7, 38, 7, 43), "PL302")
        ]
    finally:
        utf32.stop()


def test_suppress_action_appends_the_ignore_comment_and_the_finding_goes(workspace):
    diags = workspace.open("svc.yaml", SERVICE)
    params = {"textDocument": {"uri": workspace.uri("svc.yaml")}, "range": diags[0]["range"], "context": {"diagnostics": diags}}
    actions = workspace.client.request("textDocument/codeAction", params)
    end = {"line": 9, "character": 21}  # after '      nodePort: 40000'
    name = {"line": 3, "character": 2}  # the first key of the metadata
    assert actions == [
        {
            "title": "Suppress PL302 on this line",
            "kind": "quickfix",
            "diagnostics": diags,
            "edit": {
                "changes": {
                    workspace.uri("svc.yaml"): [{"range": {"start": end, "end": end}, "newText": " # portlint: ignore[PL302]"}]
                }
            },
        },
        {
            "title": "Suppress PL302 on this object",
            "kind": "quickfix",
            "diagnostics": diags,
            "edit": {
                "changes": {
                    workspace.uri("svc.yaml"): [
                        {"range": {"start": name, "end": name}, "newText": 'annotations:\n    portlint.io/ignore: "PL302"\n  '}
                    ]
                }
            },
        },
    ]
    workspace.change("svc.yaml", SERVICE.replace("40000\n", "40000 # portlint: ignore[PL302]\n"), 2)
    assert workspace.client.diagnostics(workspace.uri("svc.yaml")) == []
    annotated = SERVICE.replace("  name: web\n", '  annotations:\n    portlint.io/ignore: "PL302"\n  name: web\n')
    workspace.change("svc.yaml", annotated, 3)
    assert workspace.client.diagnostics(workspace.uri("svc.yaml")) == []


def test_no_suppress_action_in_json(workspace):
    text = json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 40000}]},
        }
    )
    diags = workspace.open("svc.json", text, language="json")
    assert [d["code"] for d in diags] == ["PL302"]
    params = {"textDocument": {"uri": workspace.uri("svc.json")}, "range": diags[0]["range"], "context": {"diagnostics": diags}}
    assert workspace.client.request("textDocument/codeAction", params) == []


def test_hover_on_a_diagnostic_shows_the_rule_help(workspace):
    from portlint import ruledoc
    from portlint.rules import BY_ID

    diags = workspace.open("svc.yaml", SERVICE)
    uri = {"uri": workspace.uri("svc.yaml")}
    hover = workspace.client.request("textDocument/hover", {"textDocument": uri, "position": {"line": 9, "character": 21}})
    assert hover == {"contents": {"kind": "markdown", "value": ruledoc.help_markdown(BY_ID["PL302"])}, "range": diags[0]["range"]}
    at_start = workspace.client.request("textDocument/hover", {"textDocument": uri, "position": {"line": 9, "character": 16}})
    assert at_start == hover
    assert workspace.client.request("textDocument/hover", {"textDocument": uri, "position": {"line": 9, "character": 15}}) is None
    assert workspace.client.request("textDocument/hover", {"textDocument": uri, "position": {"line": 8, "character": 18}}) is None


def test_close_clears_the_document_diagnostics(workspace):
    workspace.open("svc.yaml", SERVICE)
    workspace.client.notify("textDocument/didClose", {"textDocument": {"uri": workspace.uri("svc.yaml")}})
    assert workspace.client.diagnostics(workspace.uri("svc.yaml")) == []
    workspace.opened.clear()


def published_until(client: Client, uri: str) -> list[str]:
    """The documents diagnostics are published for, up to and including ``uri``."""
    uris: list[str] = []
    while not uris or uris[-1] != uri:
        message = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        uris.append(message["params"]["uri"])
    return uris


def test_only_manifests_are_linted(workspace):
    """Plain text and a Helm template (which `check` renders, never lints as a file) get no
    diagnostics; a YAML buffer without a .yaml name does."""
    (workspace.root / "chart" / "templates").mkdir(parents=True)
    (workspace.root / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    for name, language in (("notes.txt", "plaintext"), ("chart/templates/svc.yaml", "yaml")):
        item = {"uri": workspace.uri(name), "languageId": language, "version": 1, "text": SERVICE}
        workspace.client.notify("textDocument/didOpen", {"textDocument": item})
        workspace.opened.append(item["uri"])
    assert [d["code"] for d in workspace.open("Servicefile", SERVICE)] == ["PL302"]
    assert [d["code"] for d in workspace.open("compose.yml", SERVICE, language="dockercompose")] == ["PL302"]
    workspace.client.notify("textDocument/didSave", {"textDocument": {"uri": workspace.uri("Servicefile")}})
    assert published_until(workspace.client, workspace.uri("Servicefile")) == [workspace.uri("Servicefile")]


def test_a_buffer_that_is_no_file_is_linted_alone(workspace):
    """Named by its URI's last segment, with the defaults, whatever the workspace folders."""
    client = workspace.client
    uri = "untitled:Untitled-1"
    item = {"uri": uri, "languageId": "yaml", "version": 1, "text": TUNING + "---\n" + service(30050)}
    client.notify("textDocument/didOpen", {"textDocument": item})
    try:
        pl301 = [summary(d) for d in client.diagnostics(uri) if d["code"] == "PL301"]
        assert pl301 == [(span(30, 16, 30, 21), 1, "PL301", PL301_30050.replace("(tuning.yaml:20)", "(Untitled-1:20)"))]
    finally:
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def test_a_buffer_is_named_by_its_path_in_the_folder(workspace):
    """As `check` run from the folder names the file: the PL301 cites the declaration in the
    same buffer at deploy/both.yaml:20; the file on disk (the same text) is not linted again."""
    both = TUNING + "---\n" + service(30050)
    (workspace.root / "deploy").mkdir()
    (workspace.root / "deploy" / "both.yaml").write_text(both)
    diags = workspace.open("deploy/both.yaml", both)
    assert [summary(d) for d in diags if d["code"] == "PL301"] == [
        (span(30, 16, 30, 21), 1, "PL301", PL301_30050.replace("(tuning.yaml:20)", "(deploy/both.yaml:20)"))
    ]
    assert diags[-1]["relatedInformation"] == [
        {"location": {"uri": workspace.uri("deploy/both.yaml"), "range": span(19, 14, 19, 65)}, "message": "The ephemeral port range is declared here"}
    ]


def test_the_innermost_workspace_folder_is_the_document_s(workspace, tmp_path):
    """outer/inner/ declares the ephemeral range 1024-65535 (PL301 if inner/ is the folder);
    outer/ and outer/inner-sibling/ (a longer name) reserve 30000-32767 on the nodes as well
    (no PL301 if either were the folder); a folder that is no file holds nothing."""
    (tmp_path / "reserve.yaml").write_text(RESERVING)
    for name in ("inner", "inner-sibling"):
        (tmp_path / name).mkdir()
    (tmp_path / "inner-sibling" / "reserve.yaml").write_text(RESERVING)
    (tmp_path / "inner" / "tuning.yaml").write_text(TUNING)
    remote = {"uri": "vscode-vfs://github/portlint/portlint", "name": "remote"}
    workspace.client.notify("workspace/didChangeWorkspaceFolders", {"event": {"added": [remote], "removed": []}})
    inner, sibling = Workspace(workspace.client, tmp_path / "inner"), Workspace(workspace.client, tmp_path / "inner-sibling")
    try:
        assert [d["code"] for d in inner.open("svc.yaml", service(30050))] == ["PL301"]
    finally:
        inner.close()
        sibling.close()
        workspace.client.notify("workspace/didChangeWorkspaceFolders", {"event": {"added": [], "removed": [remote]}})


def test_a_bad_config_is_shown_as_a_message(workspace):
    (workspace.root / ".portlint.yaml").write_text("rules: {PL999: off}\n")
    item = {"uri": workspace.uri("svc.yaml"), "languageId": "yaml", "version": 1, "text": SERVICE}
    workspace.client.notify("textDocument/didOpen", {"textDocument": item})
    workspace.opened.append(item["uri"])
    shown = workspace.client.wait(lambda m: m.get("method") == "window/showMessage")
    assert shown["params"] == {
        "type": 1,
        "message": f"{workspace.root / '.portlint.yaml'}: rules: unknown rule id 'PL999'; `portlint rules` lists them",
    }


def test_no_action_for_another_tool_s_diagnostic(workspace):
    diags = workspace.open("svc.yaml", SERVICE)
    foreign = {**diags[0], "source": "yamllint"}
    params = {"textDocument": {"uri": workspace.uri("svc.yaml")}, "range": diags[0]["range"], "context": {"diagnostics": [foreign]}}
    assert workspace.client.request("textDocument/codeAction", params) == []


def test_no_suppress_action_on_a_line_continued_with_a_backslash(workspace):
    """A comment after `\\` would end the shell command: the write would lose its argument."""
    pod = TUNING.replace("      hostNetwork: true\n", "").replace(
        '              sysctl -w net.ipv4.ip_local_port_range="1024 65535"\n', "              sysctl -w \\\n                net.core.somaxconn=4096\n"
    )
    diags = workspace.open("pod.yaml", pod)
    # PL101: an unguarded write of a namespaced sysctl; the command starts on line 19 (1-based)
    assert [(d["code"], d["range"]["start"]) for d in diags] == [("PL101", {"line": 18, "character": 14})]
    params = {"textDocument": {"uri": workspace.uri("pod.yaml")}, "range": diags[0]["range"], "context": {"diagnostics": diags}}
    # neither the guard fix (the command goes on past the write) nor the line comment: the annotation only
    assert [a["title"] for a in workspace.client.request("textDocument/codeAction", params)] == ["Suppress PL101 on this object"]


def test_the_documented_vscode_settings_start_this_server_for_its_languages():
    from conftest import REPO
    from portlint.lsp import MANIFEST_LANGUAGES

    text = (REPO / "docs" / "editors.md").read_text()
    settings = json.loads(text.split("```jsonc\n", 1)[1].split("```", 1)[0])
    assert [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]] == ["portlint", "lsp"]
    assert tuple(settings["glspc.server.languageId"]) == MANIFEST_LANGUAGES


def test_an_open_document_the_config_excludes_is_not_linted(workspace):
    (workspace.root / ".portlint.yaml").write_text('exclude: ["vendor/"]\n')
    assert workspace.open("vendor/svc.yaml", SERVICE) == []


def test_a_file_outside_the_workspace_folders_is_linted_alone_from_its_directory(client, tmp_path):
    """Its config applies (PL301 as a warning) and it is named from its directory; the
    manifests beside it are not read (the reservation there would silence the PL301)."""
    (tmp_path / ".portlint.yaml").write_text("rules: {PL301: warning}\n")
    (tmp_path / "other.yaml").write_text(RESERVING)
    alone = Workspace.__new__(Workspace)
    alone.client, alone.root, alone.opened = client, tmp_path, []
    try:
        diags = alone.open("alone.yaml", TUNING + "---\n" + service(30050))
        assert [summary(d) for d in diags if d["code"] == "PL301"] == [
            (span(30, 16, 30, 21), 2, "PL301", PL301_30050.replace("(tuning.yaml:20)", "(alone.yaml:20)"))
        ]
    finally:
        client.notify("textDocument/didClose", {"textDocument": {"uri": alone.uri("alone.yaml")}})


def test_check_does_not_import_the_server_library():
    """pygls is imported by `portlint lsp` only: `portlint check` does not pay for it."""
    probe = "import sys; from portlint import cli, runner; print(sorted({m.split('.')[0] for m in sys.modules} & {'pygls', 'lsprotocol', 'cattrs'}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=WAIT)
    assert done.stdout == "[]\n"


def test_an_incremental_change_is_applied_to_the_buffer(workspace):
    workspace.open("svc.yaml", EMOJI)
    # replace 40000 (UTF-16 characters 39-44 of line 8, after the emoji) by 40003
    change = {"range": span(7, 39, 7, 44), "text": "40003"}
    workspace.client.notify("textDocument/didChange", {"textDocument": {"uri": workspace.uri("svc.yaml"), "version": 2}, "contentChanges": [change]})
    diags = workspace.client.diagnostics(workspace.uri("svc.yaml"))
    assert [(d["range"], d["message"].split(" of ")[0]) for d in diags] == [(span(7, 39, 7, 44), "nodePort 40003")]


def test_the_config_s_ignore_entries_apply(workspace):
    (workspace.root / ".portlint.yaml").write_text("ignore:\n  - {rules: [PL302], kind: Service, name: w*}\n")
    assert workspace.open("svc.yaml", SERVICE) == []
    assert [d["code"] for d in workspace.open("other.yaml", SERVICE.replace("name: web", "name: api"))] == ["PL302"]


def test_the_config_s_baseline_applies(workspace, monkeypatch):
    from conftest import cli

    (workspace.root / "svc.yaml").write_text(SERVICE)
    (workspace.root / "ci").mkdir()
    monkeypatch.chdir(workspace.root)  # the baseline's paths are relative to the folder, as the server runs
    assert cli("check", "svc.yaml", "--write-baseline", "ci/baseline.json").exit_code == 0
    (workspace.root / ".portlint.yaml").write_text("baseline: ci/baseline.json\n")
    # a second pinned port, outside the range too: PL302 on its value, line 13 col 17 (1-based)
    diags = workspace.open("svc.yaml", SERVICE + "    - name: admin\n      port: 81\n      nodePort: 40001\n")
    assert [(d["range"], d["code"]) for d in diags] == [(span(12, 16, 12, 21), "PL302")]


def test_the_guard_fix_is_a_code_action_before_the_suppress_action_and_its_edit_clears_the_finding(workspace):
    """TUNING is a hostNetwork DaemonSet: PL201, whose fix is unsafe (the node no longer gets
    the setting), so the action says so and is not the preferred one."""
    diags = workspace.open("tuning.yaml", TUNING)
    # the write also declares the nodes' ephemeral range 1024-65535: PL304 at the same place
    assert [(d["code"], d["range"]["start"]) for d in diags] == [("PL201", {"line": 19, "character": 14}), ("PL304", {"line": 19, "character": 14})]
    params = {"textDocument": {"uri": workspace.uri("tuning.yaml")}, "range": diags[0]["range"], "context": {"diagnostics": diags[:1]}}
    fix, suppress, _ = workspace.client.request("textDocument/codeAction", params)
    at = lambda line, column: {"line": line, "character": column}  # noqa: E731
    env = (
        "env:\n            - name: POD_IP\n              valueFrom: {fieldRef: {fieldPath: status.podIP}}\n"
        "            - name: HOST_IP\n              valueFrom: {fieldRef: {fieldPath: status.hostIP}}\n          "
    )
    wrapped = '              if [ "$POD_IP" != "$HOST_IP" ]; then\n                sysctl -w net.ipv4.ip_local_port_range="1024 65535"\n              fi'
    assert fix == {
        "title": 'Run the sysctl writes of container "sysctl" only if [ "$POD_IP" != "$HOST_IP" ] (unsafe: changes what runs on the node)',
        "kind": "quickfix",
        "diagnostics": diags[:1],
        "isPreferred": False,
        "edit": {
            "changes": {
                workspace.uri("tuning.yaml"): [
                    {"range": {"start": at(15, 10), "end": at(15, 10)}, "newText": env},
                    {"range": {"start": at(19, 0), "end": at(19, 65)}, "newText": wrapped},
                ]
            }
        },
    }
    assert suppress["title"] == "Suppress PL201 on this line"
    fixed = TUNING.replace("          command:\n", "          " + env + "command:\n").replace(
        '              sysctl -w net.ipv4.ip_local_port_range="1024 65535"', wrapped
    )
    workspace.change("tuning.yaml", fixed, 2)
    assert workspace.client.diagnostics(workspace.uri("tuning.yaml")) == []


def test_a_second_suppression_joins_the_ignore_comment_of_its_line(workspace):
    text = SERVICE.replace("40000\n", "40000  # portlint: ignore[PL301] reserved\n")
    diags = workspace.open("svc.yaml", text)
    assert [d["code"] for d in diags] == ["PL302"]
    params = {"textDocument": {"uri": workspace.uri("svc.yaml")}, "range": diags[0]["range"], "context": {"diagnostics": diags}}
    action, _ = workspace.client.request("textDocument/codeAction", params)
    # '      nodePort: 40000  # portlint: ignore[PL301' is 47 characters: PL302 goes before the ']'
    assert action["edit"]["changes"][workspace.uri("svc.yaml")] == [
        {"range": {"start": {"line": 9, "character": 47}, "end": {"line": 9, "character": 47}}, "newText": ",PL302"}
    ]


def test_fix_actions_only_for_the_diagnostics_asked_about(workspace):
    """Two containers, each with an unguarded write (PL101 each): asked about the first, the
    server offers the first container's fix (preferred: safe) and its suppression only."""
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - name: a\n      command: [sh, -c, 'sysctl -w net.core.somaxconn=1']\n"
        "    - name: b\n      command: [sh, -c, 'sysctl -w net.core.rmem_max=1']\n"
    )
    diags = workspace.open("pod.yaml", pod)
    assert [(d["code"], d["range"]["start"]["line"]) for d in diags] == [("PL101", 6), ("PL101", 8)]
    params = {"textDocument": {"uri": workspace.uri("pod.yaml")}, "range": diags[0]["range"], "context": {"diagnostics": diags[:1]}}
    actions = workspace.client.request("textDocument/codeAction", params)
    assert [(a["title"], a.get("isPreferred"), a["diagnostics"]) for a in actions] == [
        ('Run the sysctl writes of container "a" only if [ "$POD_IP" != "$HOST_IP" ]', True, diags[:1]),
        ("Suppress PL101 on this line", None, diags[:1]),
    ]
