"""The rule registry: an explicit list, in id order. Add a new rule module here.

Each module defines ID, NAME, LEVEL, SCOPE, SUMMARY, TAGS, PRECISION, SECURITY_SEVERITY,
a Markdown docstring (its help: Why / Bad / Good / How to fix / References), and ``check``:
``check(manifest, ctx)`` when SCOPE is "object" (each Kubernetes object as the stream goes
by) or "pod" (each of those that has a pod spec), ``check(ctx)`` when SCOPE is "run" (once, on the facts gathered from every object:
``ctx.facts``, ``ctx.network``); PL000's SCOPE is "input", PL001's and PL002's
"suppressions": the engine reports them.
Helpers shared by several rules live in the ``_``-prefixed modules here.
See docs/DESIGN.md, "The rule contract".
"""

from . import (
    pl000_parse_error,
    pl001_unused_suppression,
    pl002_suppression_without_reason,
    pl101_unguarded_sysctl_write,
    pl102_broken_sysctl_guard,
    pl103_node_wide_sysctl_write,
    pl201_host_network_sysctl_write,
    pl202_host_namespace_pod_sysctl,
    pl203_unsafe_pod_sysctl,
    pl301_nodeport_in_ephemeral_range,
    pl302_nodeport_out_of_range,
    pl303_nodeport_conflict,
    pl304_ephemeral_range_overlaps_nodeports,
    pl305_hostport_in_ephemeral_range,
    pl306_invalid_port_range_sysctl,
    pl307_nodeport_outside_static_band,
    pl308_conflicting_nodeport_range,
    pl309_host_port_conflict,
    pl310_node_component_port,
    pl311_host_port_in_nodeport_range,
    pl320_calico_nodeport_ranges_mismatch,
)

RULES = [
    pl000_parse_error,
    pl001_unused_suppression,
    pl002_suppression_without_reason,
    pl101_unguarded_sysctl_write,
    pl102_broken_sysctl_guard,
    pl103_node_wide_sysctl_write,
    pl201_host_network_sysctl_write,
    pl202_host_namespace_pod_sysctl,
    pl203_unsafe_pod_sysctl,
    pl301_nodeport_in_ephemeral_range,
    pl302_nodeport_out_of_range,
    pl303_nodeport_conflict,
    pl304_ephemeral_range_overlaps_nodeports,
    pl305_hostport_in_ephemeral_range,
    pl306_invalid_port_range_sysctl,
    pl307_nodeport_outside_static_band,
    pl308_conflicting_nodeport_range,
    pl309_host_port_conflict,
    pl310_node_component_port,
    pl311_host_port_in_nodeport_range,
    pl320_calico_nodeport_ranges_mismatch,
]

BY_ID = {rule.ID: rule for rule in RULES}
