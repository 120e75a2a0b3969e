"""A value given to net.ipv4.ip_local_port_range is malformed, reversed or out of range.

The kernel rejects a write that is not two ports "LOW HIGH" with LOW <= HIGH inside
1-65535 (`sysctl: setting key ... Invalid argument`); an init container that sets it fails,
and with `set -e` the pod never starts. As notes: a low end under 1024 hands privileged
ports to outbound connections, and the kernel documentation advises ends of different
parity ("one even and one odd value") so that connect() and bind() can split the range.
Checked wherever the value is written: securityContext.sysctls, container scripts, Tuned
profiles and kops sysctlParameters (a bad value in the portlint config or flags exits 2).

## Bad
```yaml
apiVersion: v1
kind: Pod
metadata: {name: ranges}
spec:
  securityContext:
    sysctls:
      - name: net.ipv4.ip_local_port_range
        value: "60999 32768"
  containers:
    - name: app
      image: nginx:1.27
```

## Good
```yaml
apiVersion: v1
kind: Pod
metadata: {name: ranges}
spec:
  securityContext:
    sysctls:
      - name: net.ipv4.ip_local_port_range
        value: "32768 60999"
  containers:
    - name: app
      image: nginx:1.27
```

## How to fix
Write the range as two ports, low then high, inside 1-65535 (`"32768 60999"`); start it at
1024 or above, and give the ends different parity.

## References
- Linux ip-sysctl (ip_local_port_range): https://docs.kernel.org/networking/ip-sysctl.html
"""

from ..findings import report
from ..network import RangeError, parse_range

ID = "PL306"
NAME = "invalid-port-range-sysctl"
LEVEL = "error"
SCOPE = "run"  # check(ctx): once, after every object
SUMMARY = "A net.ipv4.ip_local_port_range value is malformed, reversed or outside 1-65535 (notes: privileged ports, same parity)."
TAGS = ("correctness", "sysctl", "ports")
PRECISION = "very-high"
SECURITY_SEVERITY = None


def check(ctx):
    for item in ctx.facts.range_values:
        try:
            value = parse_range(item.value)
        except RangeError as exc:
            yield report(
                ID,
                item.obj,
                item.location,
                f"net.ipv4.ip_local_port_range is set to an invalid value in {item.where}: {exc}",
                f"{item.path}:value",
            )
            continue
        if value.low < 1024:
            yield report(
                ID,
                item.obj,
                item.location,
                f"net.ipv4.ip_local_port_range starts at {value.low} in {item.where}, below 1024",
                f"{item.path}:privileged",
                level="note",
            )
        if value.low % 2 == value.high % 2 and value.low != value.high:
            yield report(
                ID,
                item.obj,
                item.location,
                f"net.ipv4.ip_local_port_range {value.low}-{value.high} in {item.where} has ends of the same parity",
                f"{item.path}:parity",
                level="note",
            )
