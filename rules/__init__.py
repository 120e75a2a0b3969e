"""The rule registry: an explicit list, in id order. Add a new rule module here.

Each module defines ID, NAME, LEVEL, SUMMARY, TAGS, PRECISION, SECURITY_SEVERITY, a
Markdown docstring (its help: Why / Bad / Good / How to fix / References), and
``check(manifest, ctx)`` for one object or ``check_run(ctx)`` for the whole run, which
reads the facts the engine gathered from every object (``ctx.facts``, ``ctx.network``).
See docs/DESIGN.md, "The rule contract".
"""

from . import (
    pl000_parse_error,
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
)

RULES = [
    pl000_parse_error,
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
]

BY_ID = {rule.ID: rule for rule in RULES}
