#!/usr/bin/env bats
# Cgroups on a cgroup v2 only layout: every hull command runs in a private mount
# namespace where cgroup2 is mounted on /sys/fs/cgroup and no v1 hierarchy is
# (tests/helpers/in-cgroup2).  That is the real unified hierarchy with the controllers
# it holds on this host (on a hybrid host, those no v1 hierarchy took: hugetlb here),
# plus what v2 does without controllers: cgroup.freeze, cgroup.kill, eBPF device
# filters, cpu.stat.  The checks from the host look at the same hierarchy.

load helpers/common
load helpers/cgroups

setup_file() {
    "$TESTS_DIR/helpers/in-cgroup2" true ||
        fail "cannot mount cgroup2 on /sys/fs/cgroup in a private mount namespace"
}

setup() {
    local real=$HULL
    HULL=$BATS_TEST_TMPDIR/hull-v2
    printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$TESTS_DIR/helpers/in-cgroup2" "$real" >"$HULL"
    chmod +x "$HULL"
    common_setup
    jq_edit '.root.readonly = false'
}

teardown() {
    common_teardown
    cgroups_teardown
}

@test "v2: a cgroup in the unified hierarchy only; inside, 0::/ and a cgroup2 mount of our own cgroup" {
    add_namespace cgroup
    set_args sleep 100
    create_container c1
    assert_equal "$(jq -c '.hull.cgroups | keys' "$ROOT/c1/state.json")" '["unified"]' "hierarchies"
    assert_match "$(proc_cgroup "$(container_pid c1)" unified)" '^/hull/[0-9a-f]{8}/c1$' "cgroup of the process"
    set_args sh -c 'grep "^0::" /proc/self/cgroup; grep -c " /sys/fs/cgroup .* cgroup2 " /proc/self/mountinfo; n=0; while read p; do n=$((n + 1)); done </sys/fs/cgroup/cgroup.procs; echo $n; ls /sys/fs/cgroup | grep -c "^hull$"; true'
    run_container c2
    assert_success
    assert_output "0::/
1
1
0"
}

@test "v2: fields of controllers cgroup v2 does not hold here are refused, with the host's layout" {
    host_has_controller memory && [ "$(ctrl_hier memory)" = unified ] && skip "cgroup v2 holds memory here"
    jq_edit '.linux.resources.memory.limit = 33554432'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "linux.resources.memory: the memory controller is not available on this host (cgroup v2 controllers:"
    jq_edit 'del(.linux.resources.memory) | .linux.resources.unified = {"memory.high": "1000000"}'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains 'linux.resources.unified["memory.high"]: the memory controller is not available on this host'
    jq_edit 'del(.linux.resources.unified) | .linux.resources.network = {classID: 1}'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "linux.resources.network.classID: the net_cls controller is not available"
    assert_no_cgroup c1
}

@test "v2: hugepageLimits are hugetlb.SIZE.max and .rsvd.max; a mapping past them fails" {
    needs_controller hugetlb
    [ "$(ctrl_hier hugetlb)" = unified ] || skip "hugetlb is on cgroup v1 here"
    assert_hugetlb_limit_enforced
    set_args sleep 100
    create_container c2
    assert_equal "$(cat "$(cg_dir unified c2)/hugetlb.2MB.max")" 2097152 hugetlb.2MB.max
    assert_equal "$(cat "$(cg_dir unified c2)/hugetlb.2MB.rsvd.max")" 2097152 hugetlb.2MB.rsvd.max
}

@test "v2: unified keys are written, after the fields; their effect" {
    jq_edit '.linux.resources.unified = {"cgroup.max.descendants": "1", "cgroup.max.depth": "1"}'
    set_args sleep 100
    create_container c1
    local dir
    dir=$(cg_dir unified c1)
    assert_equal "$(cat "$dir/cgroup.max.descendants") $(cat "$dir/cgroup.max.depth")" "1 1" "files"
    mkdir "$dir/a" || fail "the first child cgroup was refused"
    ! mkdir "$dir/b" 2>/dev/null || fail "cgroup.max.descendants not enforced"
    ! mkdir "$dir/a/x" 2>/dev/null || fail "cgroup.max.depth not enforced"
    jq_edit '.linux.resources.unified = {"cgroup.nosuchfile": "1"}'
    run_hull run --bundle "$BUNDLE" c2
    assert_failure
    assert_output_contains "linux.resources.unified[\"cgroup.nosuchfile\"]: cgroup /hull/$(root_hash)/c2"
    assert_output_contains "has no such file"
}

@test "v2: devices through the eBPF filter: default deny, and the rules' order per access letter" {
    add_mount /dev/lc bind /dev/loop-control bind
    set_args sh -c 'hullcheck open /dev/lc r; hullcheck open /dev/null rw; true'
    run_container c1
    assert_output "EPERM
ok"
    # A deny over part of a broader allow, which v1 cannot express, works here.
    jq_edit '.linux.resources.devices = [
        {allow: true, type: "c", major: 10, access: "rw"},
        {allow: false, type: "c", major: 10, minor: 237, access: "w"}]'
    set_args sh -c 'hullcheck open /dev/lc r; hullcheck open /dev/lc w; hullcheck open /dev/lc rw; true'
    run_container c2
    assert_output "ok
EPERM
EPERM"
    # mknod stays allowed (hull makes /dev's nodes inside the cgroup), opening a new node not.
    jq_edit '.linux.resources.devices = [{allow: false, access: "rwm"}]
           | .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
           | .process.capabilities.permitted += ["CAP_MKNOD"]'
    set_args sh -c 'mknod /tmp/lc c 10 237 && hullcheck open /tmp/lc r; hullcheck open /dev/zero r; true'
    run_container c3
    assert_output "EPERM
ok"
}

@test "v2: update -r replaces the device filter of a running container" {
    add_mount /dev/lc bind /dev/loop-control bind
    set_args sh -c 'hullcheck open /dev/lc r >/tmp/before; while [ ! -e /tmp/go ]; do sleep 0.1; done; hullcheck open /dev/lc r >/tmp/after; sleep 100'
    start_detached c1
    wait_file "$BUNDLE/rootfs/tmp/before"
    run hull update -r - c1 <<<'{"devices": [{"allow": true, "type": "c", "major": 10, "minor": 237, "access": "r"}]}'
    assert_success
    touch "$BUNDLE/rootfs/tmp/go"
    wait_file "$BUNDLE/rootfs/tmp/after"
    assert_equal "$(cat "$BUNDLE/rootfs/tmp/before") $(cat "$BUNDLE/rootfs/tmp/after")" "EPERM ok" "before and after"
}

@test "v2: pause and resume through cgroup.freeze" {
    set_args sh -c 'while :; do echo x >>/tmp/count; done'
    start_detached c1
    wait_file "$BUNDLE/rootfs/tmp/count"
    run_hull pause c1
    assert_success
    assert_equal "$(container_state c1)" paused state
    assert_equal "$(cat "$(cg_dir unified c1)/cgroup.freeze")" 1 cgroup.freeze
    local a b c
    a=$(stat -c %s "$BUNDLE/rootfs/tmp/count")
    sleep 1
    b=$(stat -c %s "$BUNDLE/rootfs/tmp/count")
    assert_equal "$b" "$a" "count while paused"
    run_hull resume c1
    assert_success
    assert_equal "$(container_state c1)" running state
    sleep 0.5
    c=$(stat -c %s "$BUNDLE/rootfs/tmp/count")
    [ "$c" -gt "$b" ] || fail "no progress after resume: $b then $c"
}

@test "v2: kill --all through cgroup.kill, also of a paused container; delete leaves nothing" {
    remove_namespace pid
    set_args sh -c 'sleep 100 & sleep 100 & sleep 100'
    start_detached c1
    local tries=20
    while [ "$(hull ps --format json c1 | jq length)" -lt 3 ] && [ "$tries" -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    local pids pid
    pids=$(hull ps --format json c1 | jq -r '.[]')
    [ "$(echo "$pids" | wc -l)" -eq 3 ] || fail "expected 3 processes: $pids"
    hull pause c1
    run_hull kill --all c1 KILL
    assert_success
    for pid in $pids; do
        wait_gone "$pid"
    done
    run_hull delete c1
    assert_success
    assert_no_cgroup c1
}

@test "v2: events --stats: cpu from cpu.stat, hugetlb; ps lists the pids" {
    set_args sh -c 'sleep 100 & sleep 100; true'
    start_detached c1
    sleep 0.3
    run_hull events --stats c1
    assert_success
    [ "$(echo "$output" | jq .data.cpu.usage.total)" -gt 0 ] || fail "no cpu usage: $output"
    if [ "$(ctrl_hier hugetlb)" = unified ]; then
        assert_equal "$(echo "$output" | jq '.data.hugetlb | has("2MB")')" true hugetlb
    fi
    run_hull ps --format json c1
    assert_success
    assert_equal "$(echo "$output" | jq length)" 3 pids
}

@test "v2: 10 create/start/delete cycles and a failed create leave no cgroup" {
    local before after
    before=$(list_all_cgroups)
    set_args true
    for i in $(seq 1 10); do
        create_container "leakv2$$-$i"
        hull start "leakv2$$-$i"
        wait_status "leakv2$$-$i" stopped
        hull delete "leakv2$$-$i"
    done
    set_args /nonexistent
    run_hull create --bundle "$BUNDLE" "leakv2$$-fail"
    assert_failure
    after=$(list_all_cgroups)
    local new
    new=$(comm -13 <(echo "$before") <(echo "$after") | grep -E "leakv2$$|:/hull$" || true)
    [ -z "$new" ] || fail "cgroups left: $new"
}
