"""Two declarations of the API server's NodePort range disagree.

Each kube-apiserver accepts explicit nodePorts only inside its own `--service-node-port-range`
and allocates the others from it. When the manifests of one run declare different ranges (two
kube-apiserver static Pods, a kops Cluster's `spec.kubeAPIServer.serviceNodePortRange` beside
a static Pod, a kubeadm `ClusterConfiguration`, a kind `Cluster`'s kubeadm patches, a k3s or
RKE2 `config.yaml`, or the portlint config's `nodePortRange`), a Service that one API server
accepts can be rejected by the other, and which range portlint (or a reader) takes would
depend on which file comes last. Cilium's own NodePort range (`node-port-range` of
`cilium-config`, or its Helm value `nodePort.range`) must equal the API server's too: a
NodePort outside it is not served by Cilium's kube-proxy replacement.

portlint does not pick one: a nodePort must lie in every declared range to pass PL302, and
PL304 checks every declared range against the ephemeral range. This rule reports each
declaration that disagrees with the first one: the portlint config or flag when given, else
the first in file and line order (never input order).

## Bad
```yaml
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver-a, namespace: kube-system}
spec:
  hostNetwork: true
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.31.0
      command: [kube-apiserver, --service-node-port-range=30000-32767]
---
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver-b, namespace: kube-system}
spec:
  hostNetwork: true
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.31.0
      command: [kube-apiserver, --service-node-port-range=30000-32000]
```

## Good
```yaml
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver-a, namespace: kube-system}
spec:
  hostNetwork: true
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.31.0
      command: [kube-apiserver, --service-node-port-range=30000-32767]
---
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver-b, namespace: kube-system}
spec:
  hostNetwork: true
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.31.0
      command: [kube-apiserver, --service-node-port-range=30000-32767]
```

## How to fix
Give every API server of a cluster the same `--service-node-port-range`, and make the
portlint config's `nodePortRange` say the same. Manifests of different clusters with
different ranges belong in different portlint runs (or set `nodePortRange` for each run).

## References
- kube-apiserver --service-node-port-range: https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
- Service type NodePort: https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
"""

from ..findings import report
from ._node_ports import related

ID = "PL308"
NAME = "conflicting-nodeport-range"
LEVEL = "warning"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = "Two declarations of the NodePort range (API server flags, kubeadm, kind, k3s, kops, Cilium, config) disagree."
TAGS = ("correctness", "networking", "ports")
PRECISION = "high"
SECURITY_SEVERITY = None


def check(ctx):
    net = ctx.network
    declared = net.declared.get("node_ports", [])  # settings first, then by file and line
    if len(declared) < 2:
        return
    first, first_from = declared[0]
    for value, decl in declared[1:]:
        if value == first:
            continue
        message = f"The NodePort range {value} disagrees with the NodePort range {first} ({net.where(first_from)})"
        # declared[0] is the only one that can come from the settings (a flag or the config)
        locations = related(first_from, "The other NodePort range is declared here")
        yield report(ID, decl.obj, decl.location, message, f"node_ports:{decl.description}", locations)
