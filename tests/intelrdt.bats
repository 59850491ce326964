#!/usr/bin/env bats
# config-linux.md "IntelRdt": linux.intelRdt through a mounted resctrl filesystem; where none is
# mounted (as on hosts without Intel RDT / AMD PQoS, or without the mount), the field is refused,
# and so are `update --l3-cache-schema/--mem-bw-schema`; `features` says so.

load helpers/common

resctrl_mounted() {
    awk '$0 ~ / - resctrl / { found = 1 } END { exit !found }' /proc/self/mountinfo
}

@test "intelRdt: without a mounted resctrl, create refuses the field naming it and the reason" {
    ! resctrl_mounted || skip "resctrl is mounted here: see the next tests"
    jq_edit '.linux.intelRdt = {closID: "hull-test", l3CacheSchema: "L3:0=f"}'
    set_args true
    run_hull create --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "linux.intelRdt: no resctrl filesystem is mounted"
    run hull list -q
    assert_output ""
}

@test "intelRdt: without a mounted resctrl, update --l3-cache-schema and --mem-bw-schema say the same" {
    ! resctrl_mounted || skip "resctrl is mounted here"
    set_args sleep 100
    start_detached c1
    run_hull update --l3-cache-schema L3:0=f c1
    assert_failure
    assert_output_contains "update: --l3-cache-schema: linux.intelRdt: no resctrl filesystem is mounted"
    run_hull update --mem-bw-schema MB:0=50 c1
    assert_failure
    assert_output_contains "update: --mem-bw-schema: linux.intelRdt: no resctrl filesystem is mounted"
    # The cgroup flags given with them still work.
    run_hull update --pids-limit 7 c1
    assert_success
}

@test "intelRdt: features reports it enabled exactly when resctrl is mounted" {
    run_hull features
    assert_success
    local want=false
    ! resctrl_mounted || want=true
    assert_equal "$(jq -c .linux.intelRdt <<<"$output")" \
        "{\"enabled\":$want,\"schemata\":$want,\"monitoring\":$want}" "features .linux.intelRdt"
}

@test "intelRdt: with resctrl, the process is in a group named after the container, removed on delete" {
    resctrl_mounted || skip "no resctrl mounted on this host (the refusal is tested above)"
    local mnt
    mnt=$(awk '$0 ~ / - resctrl / { print $5; exit }' /proc/self/mountinfo)
    jq_edit '.linux.intelRdt = {enableMonitoring: true}'
    set_args sleep 100
    start_detached c1
    local pid
    pid=$(container_pid c1)
    grep -qx "$pid" "$mnt/c1/tasks" || fail "$pid not in $mnt/c1/tasks"
    grep -qx "$pid" "$mnt/c1/mon_groups/c1/tasks" || fail "$pid not in the monitoring group"
    hull delete --force c1
    [ ! -e "$mnt/c1" ] || fail "$mnt/c1 left behind"
}
