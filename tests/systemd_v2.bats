#!/usr/bin/env bats
# The systemd cgroup driver on a cgroup v2 only layout: the systemd container of
# tests/systemd.bats (see there and tests/helpers/systemd.bash) made by a hull that sees
# cgroup2 alone on /sys/fs/cgroup (tests/helpers/in-cgroup2, as tests/cgroups_v2.bats), so
# that systemd boots in unified mode and hull inside drives the v2 paths: no v1 hierarchy,
# the scope's cgroup made by systemd only, the freezer and device filter of cgroup v2.
# On a hybrid host the v2 hierarchy holds few controllers (hugetlb here): the limits
# themselves are tested by tests/systemd.bats.

load helpers/common
load helpers/systemd

SD_LAUNCH=$TESTS_DIR/helpers/in-cgroup2

setup_file() {
    "$SD_LAUNCH" true || fail "cannot mount cgroup2 on /sys/fs/cgroup in a private mount namespace"
    systemd_setup_file
}
teardown_file() { systemd_teardown_file; }

setup() {
    common_setup
    set_args sleep 1000
}

teardown() { systemd_teardown; }

@test "systemd v2: systemd runs in unified mode (cgroup2 alone on /sys/fs/cgroup)" {
    run in_sd stat -f -c %T /sys/fs/cgroup
    assert_output cgroup2fs
    run in_sd systemctl is-system-running
    assert_output running
    run in_sd cat /proc/1/cgroup
    assert_output_contains "0::/init.scope"
}

@test "systemd v2: create makes the scope, the only cgroup of the container; pause, exec and delete work through it" {
    # CAP_MKNOD, so that the device filter is what refuses the disk below.
    jq_edit '.process.capabilities |= map_values(. + ["CAP_MKNOD"])'
    run_sd_hull_detached --systemd-cgroup run -d --bundle "$BUNDLE" c1
    assert_success
    assert_equal "$(unit_prop hull-c1.scope ActiveState)" active "ActiveState"
    assert_equal "$(unit_prop hull-c1.scope ControlGroup)" /system.slice/hull-c1.scope "ControlGroup"
    run in_sd cat /run/hull-sd/c1/state.json
    assert_equal "$(jq -c '.hull.cgroups' <<<"$output")" '{"unified":{"path":"/system.slice/hull-c1.scope","made":0}}' "state.json's cgroups"
    local pid
    pid=$(sd_hull state c1 | jq .pid)
    run in_sd cat /sys/fs/cgroup/system.slice/hull-c1.scope/cgroup.procs
    assert_output "$pid"
    run sd_hull pause c1
    assert_success
    run in_sd cat /sys/fs/cgroup/system.slice/hull-c1.scope/cgroup.freeze
    assert_output 1
    run sd_hull resume c1
    assert_success
    # The v2 device filter (an eBPF program on the scope's cgroup): /dev/null yes, a node
    # of /dev/kmsg (1:11, which root may write to without a filter) no.
    run sd_hull exec c1 sh -c 'echo x >/dev/null && echo null ok; mknod /dev/xkmsg c 1 11 &&
        { { echo "hull systemd_v2.bats: the device filter let this through" >/dev/xkmsg; } 2>/dev/null || echo kmsg denied; }'
    assert_output "null ok
kmsg denied"
    run sd_hull delete -f c1
    assert_success
    assert_equal "$(unit_prop hull-c1.scope LoadState)" not-found "LoadState after delete"
    run in_sd ls /sys/fs/cgroup/system.slice
    refute_output_contains hull-c1.scope
}
