"""PL303 on one nodePort claimed many times: which earlier use a later one is reported against."""

from __future__ import annotations

from conftest import lint_text

SERVICE = """apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  type: NodePort
  selector: {{app: {name}}}
  ports:
{ports}"""
TCP = "    - {name: http, port: 80, nodePort: 30080}\n"
UDP = "    - {name: dns, port: 53, protocol: UDP, nodePort: 30080}\n"


def conflicts(*documents: str) -> list[tuple[int, str]]:
    found = lint_text("---\n".join(documents), "--select", "PL303").findings
    return [(f["line"], f["message"]) for f in found]


def test_a_service_defined_again_after_another_service_is_reported_against_that_one():
    # lines: a (TCP at 8, UDP at 9), ---, b (TCP at 18), ---, a again (TCP at 27)
    found = conflicts(
        SERVICE.format(name="a", ports=TCP + UDP), SERVICE.format(name="b", ports=TCP), SERVICE.format(name="a", ports=TCP)
    )
    assert found == [
        (18, 'nodePort 30080 of Service "b" is already used by Service "a" (port "http", manifest.yaml:8)'),
        (27, 'nodePort 30080 of Service "a" is already used by Service "b" (port "http", manifest.yaml:18)'),
    ]


def test_a_base_and_an_overlay_of_one_service_share_its_nodeport_and_the_next_service_clashes_with_the_first():
    # lines: a (TCP at 8, UDP at 9), ---, a again (UDP at 18, TCP at 19), ---, b (TCP at 28)
    found = conflicts(
        SERVICE.format(name="a", ports=TCP + UDP), SERVICE.format(name="a", ports=UDP + TCP), SERVICE.format(name="b", ports=TCP)
    )
    assert found == [(28, 'nodePort 30080 of Service "b" is already used by Service "a" (port "http", manifest.yaml:8)')]
