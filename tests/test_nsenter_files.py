"""nsenter with namespace files (--all with a file, --net=FILE without a target) and a wrapper
that runs a name=value word: each test pins one behaviour, with the expectation read off the words written here."""

from __future__ import annotations

from portlint.argv import unwrap


def test_nsenter_all_with_a_file_still_enters_the_targets_namespaces():
    # --all=FILE names no single namespace file: with -t 1 every namespace is /proc/1/ns/KIND,
    # the FILE is not taken for each of them
    (entered,) = unwrap(["nsenter", "-t", "1", "--all=/x", "sysctl", "-w", "k=v"]).entered
    assert entered.file("net") == "/proc/1/ns/net"
    assert entered.file("ipc") == "/proc/1/ns/ipc"


def test_nsenter_net_file_without_a_target_enters_that_file():
    # --net=FILE alone (no -t): the net namespace is FILE; index 2 is sysctl
    invocation = unwrap(["nsenter", "--net=/host/proc/1/ns/net", "sysctl", "-w", "k=v"])
    assert invocation.index == 2
    (entered,) = invocation.entered
    assert entered.namespaces == (("net", "/host/proc/1/ns/net"),)


def test_a_wrapper_without_assignments_runs_a_name_value_word():
    # setsid, nice and timeout take no NAME=VALUE words: the word after their own is the command
    # (index 1 after setsid; after `nice -n 5` index 3; after `timeout 5` index 2)
    assert unwrap(["setsid", "A=1", "sysctl"]).index == 1
    assert unwrap(["nice", "-n", "5", "A=1", "sysctl"]).index == 3
    assert unwrap(["timeout", "5", "A=1", "sysctl"]).index == 2
    # env and sudo do take them: A=1 is skipped (index 2)
    assert unwrap(["env", "A=1", "sysctl"]).index == 2
    assert unwrap(["sudo", "A=1", "sysctl"]).index == 2
