#!/usr/bin/env bats
# Cgroups (config-linux.md "Control groups", "Cgroups Path", "Allowed Device list" ... "Unified")
# on the host's own layout: v1 hierarchies under /sys/fs/cgroup/*, plus cgroup2 on
# /sys/fs/cgroup/unified on a hybrid host.  Each resource is checked by its effect
# inside the container where the host allows it, else by the file hull wrote.
# tests/cgroups_v2.bats runs the cgroup v2 paths in a v2-only layout.

load helpers/common
load helpers/cgroups

setup() {
    common_setup
    # The counters below write into the rootfs.
    jq_edit '.root.readonly = false'
}

teardown() {
    common_teardown
    cgroups_teardown
}

# ---- placement ------------------------------------------------------------------------

@test "placement: a cgroup in every hierarchy, /hull/HASH/ID by default, joined before create returns" {
    set_args sleep 100
    create_container c1
    local pid hier n=0
    pid=$(container_pid c1)
    for hier in $(host_hierarchies); do
        local path
        path=$(jq -r --arg h "$hier" '.hull.cgroups[$h].path' "$ROOT/c1/state.json")
        assert_match "$path" '^/hull/[0-9a-f]{8}/c1$' "state.json's cgroup in $hier"
        [ -d "$(cg_dir "$hier" c1)" ] || fail "no cgroup $path in $hier"
        # The process is there already (it has not run anything of the user's yet).
        assert_equal "$(proc_cgroup "$pid" "$hier")" "$path" "cgroup of the created process in $hier"
        n=$((n + 1))
    done
    [ "$n" -ge 2 ] || fail "only $n hierarchies found on this host"
}

@test "placement: the default cgroup is named after the container; delete removes it and the --root's HASH level" {
    set_args sleep 100
    create_container c1
    local hier mnt
    for hier in $(host_hierarchies); do
        mnt=$(hier_mount "$hier")
        [ -d "$mnt/hull/$(root_hash)/c1" ] || fail "no cgroup /hull/$(root_hash)/c1 in $hier"
    done
    run_hull delete --force c1
    assert_success
    for hier in $(host_hierarchies); do
        mnt=$(hier_mount "$hier")
        [ ! -e "$mnt/hull/$(root_hash)" ] || fail "/hull/$(root_hash) left in $hier"
    done
}

@test "placement: cgroup namespace: /proc/self/cgroup is / everywhere; the cgroup mount shows only our cgroup" {
    add_namespace cgroup
    # (read is a builtin: sh is the only process while it counts.)
    set_args sh -c 'cat /proc/self/cgroup; echo ---; ls /sys/fs/cgroup; echo ---; n=0; while read p; do n=$((n + 1)); done </sys/fs/cgroup/pids/cgroup.procs; echo $n; ls -d /sys/fs/cgroup/*/hull /sys/fs/cgroup/*/c1* 2>/dev/null | wc -l'
    run_container c1
    assert_success
    local cgroups=${output%%---*}
    local line
    while read -r line; do
        [ -n "$line" ] || continue
        [ "${line##*:}" = / ] || fail "not / inside the cgroup namespace: $line"
    done <<<"$cgroups"
    # Every hierarchy of the host is mounted, each at the container's own cgroup:
    # one process (sh, the others are done) and none of the host's cgroups.
    assert_output_contains "pids"
    assert_output_contains "memory"
    local tail
    tail=$(echo "${output##*---}" | tr '\n' ' ')
    assert_equal "$tail" " 1 0 " "processes in the pids cgroup, host cgroups visible"
}

@test "placement: linux.cgroupsPath absolute, and relative to hull's own cgroup" {
    set_args sleep 100
    jq_edit '.linux.cgroupsPath = "/hulltest-abs/c1"'
    create_container c1
    local hier
    for hier in $(host_hierarchies); do
        assert_equal "$(proc_cgroup "$(container_pid c1)" "$hier")" /hulltest-abs/c1 "cgroup in $hier"
    done
    hull delete -f c1
    for hier in $(host_hierarchies); do
        [ ! -e "$(hier_mount "$hier")/hulltest-abs" ] || fail "/hulltest-abs left in $hier"
    done

    jq_edit '.linux.cgroupsPath = "hulltest-rel"'
    create_container c2
    for hier in $(host_hierarchies); do
        local own want
        own=$(proc_cgroup $$ "$hier")
        # v1: below our own cgroup; v2: below its parent (v2's no-internal-processes rule).
        if [ "$hier" = unified ]; then own=$(dirname "$own"); fi
        want=${own%/}/hulltest-rel
        assert_equal "$(proc_cgroup "$(container_pid c2)" "$hier")" "$want" "relative cgroup in $hier"
    done
}

@test "placement: a user namespace: the cgroup namespace is rooted at the container's cgroup too" {
    enable_userns
    add_namespace cgroup
    set_args sh -c 'cut -d: -f3 /proc/self/cgroup | sort -u'
    run_container c1
    assert_success
    assert_output /
}

@test "placement: --systemd-cgroup and a slice:prefix:name path fail clearly (systemd is not PID 1 here)" {
    [ "$(cat /proc/1/comm)" != systemd ] || skip "systemd is PID 1 on this host"
    run_hull --systemd-cgroup run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "--systemd-cgroup: the systemd cgroup manager needs systemd as PID 1, and PID 1 here is \"$(cat /proc/1/comm)\""
    jq_edit '.linux.cgroupsPath = "system.slice:hull:c1"'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains 'linux.cgroupsPath "system.slice:hull:c1" (slice:prefix:name): the systemd cgroup manager needs systemd'
    jq_edit '.linux.cgroupsPath = "nota:slice:c1"'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains 'linux.cgroupsPath: "nota:slice:c1": "nota" is not a slice name'
    [ ! -e "$ROOT/c1" ] || fail "a failed create left its state"
}

@test "placement: a cgroupsPath with .. is refused" {
    jq_edit '.linux.cgroupsPath = "/a/../b"'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains 'linux.cgroupsPath "/a/../b": "." and ".." components are not allowed'
}

# ---- memory ---------------------------------------------------------------------------

@test "memory.limit: a process allocating past it is OOM-killed; one below it is not" {
    needs_controller memory
    jq_edit '.linux.resources.memory.limit = 33554432'
    set_args sh -c 'hullcheck alloc 16; echo status=$?; hullcheck alloc 64; echo status=$?'
    run_container c1
    assert_success
    assert_output "ok
status=0
status=137"
}

@test "memory: events reports the OOM as it happens" {
    needs_controller memory
    jq_edit '.linux.resources.memory.limit = 33554432'
    set_args sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done; hullcheck alloc 64; sleep 100'
    start_detached c1
    local events=$BATS_TEST_TMPDIR/events
    hull events --interval 10s c1 >"$events" 2>&1 &
    local epid=$!
    # The first stats line says the watch is in place.
    wait_file "$events"
    touch "$BUNDLE/rootfs/tmp/go"
    local tries=50
    while [ "$tries" -gt 0 ] && ! grep -q '"type":"oom"' "$events"; do
        sleep 0.1
        tries=$((tries - 1))
    done
    kill "$epid" 2>/dev/null || true
    grep -qx '{"type":"oom","id":"c1"}' "$events" || fail "no OOM event: $(cat "$events")"
    [ "$(jq -s '[.[] | select(.type == "stats")] | length' "$events")" -ge 1 ] || fail "no stats line"
}

@test "memory.disableOOMKiller: past the limit the process waits instead of dying" {
    needs_controller memory
    jq_edit '.linux.resources.memory = {limit: 33554432, disableOOMKiller: true}'
    set_args hullcheck alloc 64
    start_detached c1
    local dir tries=50
    dir=$(ctrl_dir c1 memory)
    until grep -qx 'under_oom 1' "$dir/memory.oom_control"; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || fail "not under OOM: $(cat "$dir/memory.oom_control")"
        sleep 0.1
    done
    grep -qx 'oom_kill_disable 1' "$dir/memory.oom_control" || fail "oom_kill_disable not set"
    sleep 0.5
    assert_equal "$(container_state c1)" running "state of the stuck process"
    hull delete -f c1
}

@test "memory: reservation, swap (memory+swap) and swappiness are written; this VM has no swap to test them by effect" {
    needs_controller memory
    jq_edit '.linux.resources.memory = {limit: 67108864, reservation: 33554432, swap: 100663296, swappiness: 10}'
    set_args sleep 100
    create_container c1
    local dir
    dir=$(ctrl_dir c1 memory)
    assert_equal "$(cat "$dir/memory.limit_in_bytes")" 67108864 limit
    assert_equal "$(cat "$dir/memory.soft_limit_in_bytes")" 33554432 reservation
    assert_equal "$(cat "$dir/memory.memsw.limit_in_bytes")" 100663296 "memory+swap"
    assert_equal "$(cat "$dir/memory.swappiness")" 10 swappiness
    # Without a swap device nothing can be swapped out, whatever the limits say.
    [ "$(awk '/^SwapTotal/ { print $2 }' /proc/meminfo)" = 0 ] || echo "# note: this host has swap" >&3
}

@test "memory, cpu: a limit of 0 is no limit, as runc reads it (docker update sends 0 for what it leaves alone)" {
    needs_controller memory
    needs_controller cpu
    jq_edit '.linux.resources.memory = {limit: 0, reservation: 0, swap: 0, kernel: 0}
        | .linux.resources.cpu = {shares: 0, quota: 0, period: 0}'
    set_args sleep 100
    create_container c1
    assert_equal "$(cat "$(ctrl_dir c1 memory)/memory.limit_in_bytes")" 9223372036854771712 "memory limit"
    assert_equal "$(cat "$(ctrl_dir c1 cpu)/cpu.cfs_quota_us")" -1 "cpu quota"
    echo '{"memory": {"limit": 67108864, "reservation": 0, "kernel": 0}, "cpu": {"shares": 0, "quota": 0, "period": 0}}' |
        hull update -r - c1
    assert_equal "$(cat "$(ctrl_dir c1 memory)/memory.limit_in_bytes")" 67108864 "memory limit after update"
    assert_equal "$(cat "$(ctrl_dir c1 cpu)/cpu.shares")" 1024 "cpu shares after update"
}

@test "memory: impossible values are refused with their path, and nothing is left" {
    needs_controller memory
    jq_edit '.linux.resources.memory = {limit: 67108864, swap: 33554432}'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "linux.resources.memory.swap: 33554432 is the memory+swap limit and cannot be lower than memory.limit 67108864"
    jq_edit '.linux.resources.memory = {swappiness: 101}'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "linux.resources.memory.swappiness: 101 is not between 0 and 100"
    assert_no_cgroup c1
}

@test "memory.kernel: refused, this kernel ignores kernel memory limits; kernelTCP is written" {
    needs_controller memory
    jq_edit '.linux.resources.memory = {kernel: 33554432}'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "linux.resources.memory.kernel: this kernel no longer limits kernel memory"
    jq_edit '.linux.resources.memory = {kernelTCP: 33554432}'
    set_args sleep 100
    create_container c1
    assert_equal "$(cat "$(ctrl_dir c1 memory)/memory.kmem.tcp.limit_in_bytes")" 33554432 kernelTCP
}

# ---- pids -----------------------------------------------------------------------------

@test "pids.limit: fork fails past it" {
    needs_controller pids
    jq_edit '.linux.resources.pids.limit = 5'
    # sh is one task: four more start, the fifth fork fails (and busybox sh gives up).
    set_args sh -c 'cat /sys/fs/cgroup/pids/pids.max; for i in 1 2 3 4 5 6; do sleep 5 & echo started $i; done'
    add_namespace cgroup
    run_container c1
    assert_failure
    assert_output "5
started 1
started 2
started 3
started 4"
    assert_output_contains "can't fork: Resource temporarily unavailable"
    jq_edit '.linux.resources.pids.limit = -1'
    set_args cat /sys/fs/cgroup/pids/pids.max
    run_container c2
    assert_output max
}

# ---- cpu ------------------------------------------------------------------------------

# cpu_busy_usage: run a one-second busy loop in c1; $usage is the CPU time it got (ns),
# $throttled the number of periods the kernel throttled it.
cpu_busy_usage() {
    add_namespace cgroup
    set_args sh -c 'timeout 1 sh -c "while :; do :; done"; cat /sys/fs/cgroup/cpuacct/cpuacct.usage; grep nr_throttled /sys/fs/cgroup/cpu/cpu.stat'
    run_container c1
    assert_success
    usage=${output%%$'\n'*}
    throttled=${output##* }
}

@test "cpu.quota and cpu.period: a busy loop gets its share, and no more" {
    needs_controller cpu
    needs_controller cpuacct
    local usage throttled
    cpu_busy_usage
    assert_equal "$throttled" 0 "throttled periods without a quota"
    jq_edit '.linux.resources.cpu = {quota: 10000, period: 100000}'
    cpu_busy_usage
    # 10% of a second is 100 ms (the 2 CPUs of this VM are shared, so the free
    # loop's share says little; the kernel's throttling counter does).
    [ "$usage" -lt 250000000 ] || fail "the limited loop got $usage ns of CPU in 1 s"
    [ "$throttled" -ge 3 ] || fail "the limited loop was throttled in $throttled periods only"
    set_args sleep 100
    create_container c2
    local dir
    dir=$(ctrl_dir c2 cpu)
    assert_equal "$(cat "$dir/cpu.cfs_quota_us") $(cat "$dir/cpu.cfs_period_us")" "10000 100000" "quota period"
}

@test "cpu: shares and burst are written; idle gives the cgroup the minimum weight" {
    needs_controller cpu
    jq_edit '.linux.resources.cpu = {shares: 512, quota: 50000, period: 100000, burst: 10000}'
    set_args sleep 100
    create_container c1
    local dir
    dir=$(ctrl_dir c1 cpu)
    assert_equal "$(cat "$dir/cpu.shares")" 512 shares
    assert_equal "$(cat "$dir/cpu.cfs_burst_us")" 10000 burst
    jq_edit '.linux.resources.cpu = {shares: 512, idle: 1}'
    create_container c2
    dir=$(ctrl_dir c2 cpu)
    assert_equal "$(cat "$dir/cpu.idle")" 1 idle
    # SCHED_IDLE: the kernel reports the minimum weight, whatever shares said.
    assert_equal "$(cat "$dir/cpu.shares")" 3 "shares of an idle cgroup"
}

@test "cpu.cpus and cpu.mems: the process may run only there (Cpus_allowed_list)" {
    needs_controller cpuset
    [ "$(nproc)" -ge 2 ] || skip "one CPU only"
    jq_edit '.linux.resources.cpu = {cpus: "1", mems: "0"}'
    set_args sh -c 'grep -E "^(Cpus|Mems)_allowed_list" /proc/self/status'
    run_container c1
    assert_success
    assert_output "Cpus_allowed_list:	1
Mems_allowed_list:	0"
    jq_edit '.linux.resources.cpu = {cpus: "0-7"}'
    run_hull run --bundle "$BUNDLE" c2
    assert_failure
    assert_output_contains "linux.resources.cpu.cpus"
}

@test "placement: no cgroup namespace (podman's, Docker's default on v1): each hierarchy shows the container's own cgroup" {
    needs_controller memory
    remove_namespace cgroup
    jq_edit '.linux.resources.memory = {limit: 67108864}'
    # (read is a builtin: sh is the only process while it counts.)
    set_args sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; echo ---
        for d in /sys/fs/cgroup/*/; do n=0; while read p; do n=$((n + 1)); done <$d/cgroup.procs; echo "$d $n"; done; echo ---
        find /sys/fs/cgroup/ -mindepth 2 -type d | wc -l'
    run_container c1
    assert_success
    local limit=${output%%---*} procs tail
    assert_equal "$(echo $limit)" 67108864 "memory.limit_in_bytes inside"
    procs=$(echo "$output" | sed -n '/^---$/,/^---$/p' | sed '/^---$/d')
    # Every hierarchy of the host (named and unified ones too) is there, holding only sh.
    local hier
    for hier in $(host_hierarchies); do
        hier=${hier#name=}
        grep -qx "/sys/fs/cgroup/$hier/ 1" <<<"$procs" || fail "hierarchy $hier: not there, or not the container's own cgroup: $procs"
    done
    # None of the host's other cgroups: no cgroup below the container's.
    tail=${output##*---}
    assert_equal "$(echo $tail)" 0 "cgroup directories below the container's"
}

@test "placement: no cgroup namespace: a hierarchy mounted only in another mount namespace is left out, not an error" {
    grep -qw '^net_cls' /proc/cgroups || skip "this kernel has no net_cls controller"
    host_has_controller net_cls && skip "the host mounts net_cls itself"
    needs_controller memory
    remove_namespace cgroup
    # The kernel keeps the net_cls,net_prio hierarchy while the sleep's private
    # mount namespace holds it: /proc/self/cgroup lists it, our mounts do not.
    "$TESTS_DIR/helpers/with-net-cls" "$BATS_TEST_TMPDIR/net" sleep 60 &
    local holder=$!
    local i
    for i in $(seq 50); do grep -q 'net_cls' /proc/self/cgroup && break; sleep 0.1; done
    grep -q 'net_cls' /proc/self/cgroup || { kill $holder; fail "net_cls hierarchy did not appear"; }
    set_args sh -c 'ls /sys/fs/cgroup; cat /sys/fs/cgroup/memory/memory.limit_in_bytes >/dev/null && echo memory-ok'
    run_container c1
    kill $holder; wait $holder 2>/dev/null || true
    release_unmounted_hierarchy net_cls,net_prio
    assert_success
    assert_output_contains memory-ok
    [[ "$output" != *net_cls* ]] || fail "net_cls shown though hull's mount namespace has no such mount: $output"
}

@test "cpu.realtimeRuntime: SCHED_FIFO needs a real-time budget in the cgroup" {
    needs_controller cpu
    [ -e "$(hier_mount "$(ctrl_hier cpu)")/cpu.rt_runtime_us" ] || skip "no RT group scheduling"
    jq_edit '.process.capabilities.bounding += ["CAP_SYS_NICE"] | .process.capabilities.effective += ["CAP_SYS_NICE"] | .process.capabilities.permitted += ["CAP_SYS_NICE"]'
    set_args hullcheck sched-fifo
    run_container c1
    assert_output EPERM
    jq_edit '.linux.resources.cpu = {realtimePeriod: 1000000, realtimeRuntime: 10000}'
    run_container c2
    assert_success
    assert_output ok
}

# ---- block IO -------------------------------------------------------------------------

@test "blockIO: weight and per-device weight (BFQ), written; leafWeight refused on this kernel" {
    needs_controller blkio
    local dev
    dev=$(make_loop_device)
    echo bfq >"/sys/block/${dev##*/}/queue/scheduler"
    local majmin
    majmin=$(lsblk -dno MAJ:MIN "$dev" | tr -d ' ')
    jq_edit --argjson maj "${majmin%:*}" --argjson min "${majmin#*:}" \
        '.linux.resources.blockIO = {weight: 300, weightDevice: [{major: $maj, minor: $min, weight: 700}]}'
    set_args sleep 100
    create_container c1
    local dir
    dir=$(ctrl_dir c1 blkio)
    assert_match "$(cat "$dir/blkio.bfq.weight")" '(^| )300$' "blkio.bfq.weight"
    grep -q "^$majmin 700$" "$dir/blkio.bfq.weight_device" || fail "weight_device: $(cat "$dir/blkio.bfq.weight_device")"
    hull delete -f c1
    jq_edit '.linux.resources.blockIO = {leafWeight: 300}'
    run_hull run --bundle "$BUNDLE" c2
    assert_failure
    assert_output_contains "linux.resources.blockIO.leafWeight"
    assert_output_contains "blkio.leaf_weight does not exist"
}

@test "blockIO: weight, leafWeight and per-device weights 0 mean unset (Docker's config); a real weight beside them applies" {
    needs_controller blkio
    # 1:3 is /dev/null, no block device: a weight written for it would fail.
    jq_edit '.linux.resources.blockIO = {weight: 0, leafWeight: 0,
        weightDevice: [{major: 1, minor: 3, weight: 0, leafWeight: 0}]}'
    set_args sh -c 'echo started'
    run_container c1
    assert_success
    assert_output started
    jq_edit '.linux.resources.blockIO.weight = 500'
    set_args sleep 100
    create_container c2
    assert_match "$(cat "$(ctrl_dir c2 blkio)/blkio.bfq.weight")" '(^| )500$' "blkio.bfq.weight"
}

@test "blockIO.throttleReadBpsDevice: direct reads of a loop device are slowed to the rate" {
    needs_controller blkio
    local dev majmin
    dev=$(make_loop_device)
    majmin=$(lsblk -dno MAJ:MIN "$dev" | tr -d ' ')
    jq_edit --argjson maj "${majmin%:*}" --argjson min "${majmin#*:}" \
        '.linux.devices = [{path: "/dev/hullloop", type: "b", major: $maj, minor: $min}]
       | .linux.resources.devices += [{allow: true, type: "b", major: $maj, minor: $min, access: "r"}]'
    set_args dd if=/dev/hullloop of=/dev/null bs=64k count=32 iflag=direct
    local start end
    start=$(date +%s%N)
    run_container c1
    end=$(date +%s%N)
    assert_success
    local fast=$(((end - start) / 1000000))
    # 2 MiB at 1 MiB/s: the throttle lets the first slice through, the rest waits.
    jq_edit --argjson maj "${majmin%:*}" --argjson min "${majmin#*:}" \
        '.linux.resources.blockIO.throttleReadBpsDevice = [{major: $maj, minor: $min, rate: 1048576}]'
    start=$(date +%s%N)
    run_container c2
    end=$(date +%s%N)
    assert_success
    local slow=$(((end - start) / 1000000))
    [ "$slow" -ge 900 ] || fail "throttled read took ${slow} ms (unthrottled: ${fast} ms)"
    [ "$fast" -lt 900 ] || fail "unthrottled read took ${fast} ms already"
}

@test "blockIO: the four throttles are written" {
    needs_controller blkio
    local dev majmin
    dev=$(make_loop_device)
    majmin=$(lsblk -dno MAJ:MIN "$dev" | tr -d ' ')
    jq_edit --argjson maj "${majmin%:*}" --argjson min "${majmin#*:}" \
        '.linux.resources.blockIO = {
            throttleReadBpsDevice: [{major: $maj, minor: $min, rate: 1000000}],
            throttleWriteBpsDevice: [{major: $maj, minor: $min, rate: 2000000}],
            throttleReadIOPSDevice: [{major: $maj, minor: $min, rate: 300}],
            throttleWriteIOPSDevice: [{major: $maj, minor: $min, rate: 400}]}'
    set_args sleep 100
    create_container c1
    local dir
    dir=$(ctrl_dir c1 blkio)
    assert_equal "$(cat "$dir/blkio.throttle.read_bps_device")" "$majmin 1000000" read_bps
    assert_equal "$(cat "$dir/blkio.throttle.write_bps_device")" "$majmin 2000000" write_bps
    assert_equal "$(cat "$dir/blkio.throttle.read_iops_device")" "$majmin 300" read_iops
    assert_equal "$(cat "$dir/blkio.throttle.write_iops_device")" "$majmin 400" write_iops
}

# ---- hugetlb, network, rdma, unified ----------------------------------------------------

@test "hugepageLimits: a mapping of huge pages past the limit fails" {
    needs_controller hugetlb
    assert_hugetlb_limit_enforced
    set_args sleep 100
    create_container c2
    local dir
    dir=$(ctrl_dir c2 hugetlb)
    if [ -e "$dir/hugetlb.2MB.max" ]; then
        assert_equal "$(cat "$dir/hugetlb.2MB.max")" 2097152 hugetlb.2MB.max
    else
        assert_equal "$(cat "$dir/hugetlb.2MB.limit_in_bytes")" 2097152 hugetlb.2MB.limit_in_bytes
    fi
}

@test "hugepageLimits: a page size this host does not have is refused" {
    needs_controller hugetlb
    jq_edit '.linux.resources.hugepageLimits = [{pageSize: "4MB", limit: 4194304}]'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "linux.resources.hugepageLimits[0].pageSize: 4MB is not a huge page size of this host (it has: "
    assert_no_cgroup c1
}

@test "network and rdma: refused when the host has no such controller" {
    for ctrl in net_cls net_prio rdma; do
        ! host_has_controller "$ctrl" || skip "this host has $ctrl"
    done
    jq_edit '.linux.resources.network = {classID: 1048577}'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "linux.resources.network.classID: the net_cls controller is not available on this host ("
    jq_edit '.linux.resources.network = {priorities: [{name: "lo", priority: 2}]}'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "linux.resources.network.priorities: the net_prio controller is not available"
    jq_edit 'del(.linux.resources.network) | .linux.resources.rdma = {mlx5_1: {hcaHandles: 3}}'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "linux.resources.rdma: the rdma controller is not available"
    assert_no_cgroup c1
}

@test "network: classID and priorities on a v1 net_cls,net_prio hierarchy (mounted for the test)" {
    grep -qw '^net_cls' /proc/cgroups || skip "this kernel has no net_cls controller"
    host_has_controller net_cls && skip "the host mounts net_cls itself"
    jq_edit '.linux.resources.network = {classID: 1048577, priorities: [{name: "lo", priority: 5}]}'
    set_args sh -c 'cat /sys/fs/cgroup/net_cls,net_prio/net_cls.classid; grep "^lo " /sys/fs/cgroup/net_cls,net_prio/net_prio.ifpriomap'
    run timeout -k 5 "$HULL_TEST_TIMEOUT" "$TESTS_DIR/helpers/with-net-cls" "$BATS_TEST_TMPDIR/net" \
        "$HULL" --root "$ROOT" run --bundle "$BUNDLE" c1
    release_unmounted_hierarchy net_cls,net_prio
    assert_success
    assert_output "1048577
lo 5"
}

@test "unified: a key of a controller on a v1 hierarchy is refused; a v2 key is written" {
    [ "$(host_mode)" = hybrid ] || skip "not a hybrid host"
    jq_edit '.linux.resources.unified = {"memory.high": "50000000"}'
    run_hull run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains 'linux.resources.unified["memory.high"]: invalid configuration: the memory controller is on a cgroup v1 hierarchy on this host, not on cgroup v2 (set it with linux.resources.memory instead)'
    jq_edit '.linux.resources.unified = {"cgroup.max.descendants": "2"}'
    set_args sleep 100
    create_container c1
    assert_equal "$(cat "$(cg_dir unified c1)/cgroup.max.descendants")" 2 cgroup.max.descendants
    # The effect: a third cgroup below it cannot be made.
    mkdir "$(cg_dir unified c1)/a" "$(cg_dir unified c1)/b"
    ! mkdir "$(cg_dir unified c1)/c" 2>/dev/null || fail "cgroup.max.descendants not enforced"
}

# ---- devices --------------------------------------------------------------------------

@test "devices: default deny: a host device bind-mounted in cannot be opened; an allow rule opens it" {
    needs_controller devices
    add_mount /dev/lc bind /dev/loop-control bind
    set_args sh -c 'hullcheck dev /dev/lc; hullcheck open /dev/lc r'
    run_container c1
    assert_output "type=c major=10 minor=237 mode=0600 uid=0 gid=0
EPERM"
    jq_edit '.linux.resources.devices = [{allow: true, type: "c", major: 10, minor: 237, access: "r"}]'
    set_args sh -c 'hullcheck open /dev/lc r; hullcheck open /dev/lc w; hullcheck open /dev/null rw'
    run_container c2
    assert_output "ok
EPERM
ok"
}

@test "devices: the config's rules apply in order, per access letter; v1 refuses what it cannot express" {
    needs_controller devices
    add_mount /dev/lc bind /dev/loop-control bind
    jq_edit '.linux.resources.devices = [
        {allow: true, type: "c", major: 10, minor: 237, access: "rw"},
        {allow: false, type: "c", major: 10, minor: 237, access: "w"}]'
    set_args sh -c 'hullcheck open /dev/lc r; hullcheck open /dev/lc w; hullcheck open /dev/lc rw; hullcheck open /dev/zero rw'
    run_container c1
    assert_output "ok
EPERM
EPERM
ok"
    # A deny over part of a broader allow: v1 would keep the allow (cgroups_v2.bats
    # shows the eBPF filter applying it).
    [ "$(ctrl_hier devices)" != unified ] || return 0
    jq_edit '.linux.resources.devices[0].minor = null'
    run_hull run --bundle "$BUNDLE" c2
    assert_failure
    assert_output_contains "linux.resources.devices[1]: cgroup v1 cannot apply this rule over part of the broader devices[0]"
    jq_edit '.linux.resources.devices = [{allow: true, access: "rwx"}]'
    run_hull run --bundle "$BUNDLE" c2
    assert_failure
    assert_output_contains 'linux.resources.devices[0].access: "rwx" is not made of r, w and m'
}

@test "devices: after a deny-all the default devices stay usable; a node of linux.devices only with a rule (runc)" {
    needs_controller devices
    jq_edit '.linux.devices = [{path: "/dev/hullloopctl", type: "c", major: 10, minor: 237}]
           | .linux.resources.devices = [{allow: false, access: "rwm"}]'
    set_args sh -c 'hullcheck open /dev/hullloopctl rw; hullcheck open /dev/zero r; hullcheck open /dev/full w'
    run_container c1
    assert_output "EPERM
ok
ok"
    # An allow rule for it, as Docker and podman send with --device.
    jq_edit '.linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 237, access: "rw"}]'
    run_container c2
    assert_output "ok
ok
ok"
}

# ---- pause, resume --------------------------------------------------------------------

@test "pause and resume: a paused container's counter makes no progress; state says paused" {
    # (Appending: a process frozen between a truncation and a write would leave no number.)
    set_args sh -c 'while :; do echo x >>/tmp/count; done'
    start_detached c1
    wait_file "$BUNDLE/rootfs/tmp/count"
    run_hull pause c1
    assert_success
    assert_equal "$(container_state c1)" paused state
    hull list | grep -q '^c1 .* paused ' || fail "list: $(hull list)"
    local a b c
    a=$(stat -c %s "$BUNDLE/rootfs/tmp/count")
    sleep 1
    b=$(stat -c %s "$BUNDLE/rootfs/tmp/count")
    assert_equal "$b" "$a" "count while paused"
    run_hull pause c1
    assert_failure
    assert_output_contains 'pause: container "c1" is already paused'
    run_hull resume c1
    assert_success
    assert_equal "$(container_state c1)" running state
    sleep 0.5
    c=$(stat -c %s "$BUNDLE/rootfs/tmp/count")
    [ "$c" -gt "$b" ] || fail "no progress after resume: $b then $c"
    run_hull resume c1
    assert_failure
    assert_output_contains 'resume: container "c1" is running, not paused'
}

@test "pause: a created container can be paused; a stopped one cannot; delete --force takes a paused one" {
    set_args sleep 100
    create_container c1
    run_hull pause c1
    assert_success
    assert_equal "$(container_state c1)" paused state
    run_hull start c1
    assert_failure
    run_hull delete -f c1
    assert_success
    assert_no_cgroup c1
    set_args true
    start_detached c2
    wait_status c2 stopped
    run_hull pause c2
    assert_failure
    assert_output_contains 'pause: container "c2" is stopped'
}

# ---- kill --all, ps -------------------------------------------------------------------

@test "kill --all: every process of the cgroup, also without a pid namespace" {
    remove_namespace pid
    set_args sh -c 'sleep 100 & sleep 100 & sleep 100'
    start_detached c1
    local pids tries=20
    while [ "$(hull ps --format json c1 | jq length)" -lt 3 ] && [ "$tries" -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    pids=$(hull ps --format json c1 | jq -r '.[]')
    [ "$(echo "$pids" | wc -l)" -eq 3 ] || fail "expected 3 processes: $pids"
    run_hull kill --all c1 KILL
    assert_success
    local pid
    for pid in $pids; do
        wait_gone "$pid"
    done
}

@test "an existing frozen cgroupsPath is refused before anything is made, and left as it was" {
    local hier mnt dir
    hier=$(ctrl_hier freezer)
    [ -n "$hier" ] || hier=unified
    mnt=$(hier_mount "$hier")
    dir=$mnt/hulltest-abs/frozen
    mkdir -p "$dir"
    if [ "$hier" = unified ]; then echo 1 >"$dir/cgroup.freeze"; else echo FROZEN >"$dir/freezer.state"; fi
    jq_edit '.linux.cgroupsPath = "/hulltest-abs/frozen"'
    set_args true
    run timeout 30 "$HULL" --root "$ROOT" run --bundle "$BUNDLE" c1
    assert_failure 1
    assert_output_contains "container's cgroup unexpectedly frozen"
    [ -d "$dir" ] || fail "the frozen cgroup was removed"
    run_hull list -q
    assert_output ""
}

@test "a cgroupsPath that holds processes already gets runc's warning, and the container runs" {
    jq_edit '.linux.cgroupsPath = "/hulltest-abs/shared"'
    set_args sleep 100
    start_detached c1
    run_hull_detached create --bundle "$BUNDLE" c2
    assert_success
    [[ $stderr == *"container's cgroup is not empty: 1 process(es) found"* ]] || fail "no warning: $stderr"
}

@test "ps: json lists the cgroup's pids; the table filters ps -ef, or ps with -- ARGS" {
    set_args sh -c 'sleep 100 & sleep 101'
    start_detached c1
    local tries=20
    while [ "$(hull ps --format json c1 | jq length)" -lt 2 ] && [ "$tries" -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    run_hull ps --format json c1
    assert_success
    assert_equal "$(echo "$output" | jq length)" 2 "pids"
    assert_equal "$(echo "$output" | jq --argjson p "$(container_pid c1)" 'index($p) != null')" true "the container's pid listed"
    assert_equal "$(echo "$output" | jq -c '. == sort')" true sorted
    run_hull ps c1
    assert_success
    assert_equal "$(echo "$output" | head -1 | awk '{ print $2 }')" PID header
    assert_equal "$(echo "$output" | wc -l)" 3 "lines"
    assert_output_contains "sleep 101"
    refute_output_contains "bats"
    run_hull ps c1 -- -o pid,args
    assert_success
    assert_equal "$(echo "$output" | wc -l)" 3 "lines"
    run_hull ps c1 -- -o comm
    assert_failure
    assert_output_contains "no PID column"
}

@test "ps: a stopped container has no processes: the header alone, or [] (runc)" {
    set_args true
    start_detached c1
    wait_status c1 stopped
    run_hull ps c1
    assert_success
    assert_equal "${#lines[@]}" 1 "lines"
    assert_equal "$(awk '{ print $2 }' <<<"$output")" PID header
    run_hull ps --format json c1
    assert_success
    assert_output "[]"
}

@test "ps: options after the id go to ps without --, as runc takes them (ps ID -e -x)" {
    set_args sleep 100
    start_detached c1
    run_hull ps c1 -e -x
    assert_success
    # ps -e -x: PID TTY STAT TIME COMMAND, not -ef's UID first.
    assert_equal "$(echo "$output" | head -1 | awk '{ print $1, $3 }')" "PID STAT" header
    assert_output_contains "sleep 100"
    assert_equal "$(echo "$output" | wc -l)" 2 "lines"
}

# ---- update ---------------------------------------------------------------------------

@test "update: runc's flags change the limits; pids-limit by effect" {
    # (busybox sh gives up at the first fork that fails: the last step.)
    set_args sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done; exec 2>/tmp/err; for i in 1 2 3 4 5 6; do sleep 5 & echo started $i >>/tmp/out; done'
    start_detached c1
    run_hull update --memory 64m --memory-swap 128m --memory-reservation 32m --cpu-quota 30000 \
        --cpu-period 100000 --cpu-share 256 --cpuset-cpus 0 --pids-limit 3 --blkio-weight 200 c1
    assert_success
    assert_equal "$(cat "$(ctrl_dir c1 memory)/memory.limit_in_bytes")" 67108864 memory
    assert_equal "$(cat "$(ctrl_dir c1 memory)/memory.memsw.limit_in_bytes")" 134217728 memory-swap
    assert_equal "$(cat "$(ctrl_dir c1 memory)/memory.soft_limit_in_bytes")" 33554432 reservation
    assert_equal "$(cat "$(ctrl_dir c1 cpu)/cpu.cfs_quota_us")" 30000 cpu-quota
    assert_equal "$(cat "$(ctrl_dir c1 cpu)/cpu.shares")" 256 cpu-share
    assert_equal "$(cat "$(ctrl_dir c1 cpuset)/cpuset.cpus")" 0 cpuset-cpus
    assert_equal "$(cat "$(ctrl_dir c1 pids)/pids.max")" 3 pids-limit
    assert_match "$(cat "$(ctrl_dir c1 blkio)/blkio.bfq.weight")" '(^| )200$' blkio-weight
    # Lowering memory below memory+swap, then back to unlimited, and the pids limit too.
    run_hull update --memory 16m c1
    assert_success
    assert_equal "$(cat "$(ctrl_dir c1 memory)/memory.limit_in_bytes")" 16777216 memory
    run_hull update --memory -1 --pids-limit -1 c1
    assert_success
    assert_equal "$(cat "$(ctrl_dir c1 pids)/pids.max")" max pids-limit
    assert_equal "$(cat "$(ctrl_dir c1 memory)/memory.memsw.limit_in_bytes")" 9223372036854771712 "memory-swap with --memory -1"
    # sh, and the one sleep of its waiting loop at most: two forks of six succeed.
    run_hull update --pids-limit 3 c1
    assert_success
    touch "$BUNDLE/rootfs/tmp/go"
    wait_status c1 stopped
    grep -q "can't fork" "$BUNDLE/rootfs/tmp/err" || fail "forks were not limited: $(cat "$BUNDLE/rootfs/tmp/err")"
    assert_equal "$(wc -l <"$BUNDLE/rootfs/tmp/out")" 2 "processes started"
}

@test "update -r: a resources file, and - for stdin; checkBeforeUpdate refuses a limit below the usage" {
    set_args sleep 100
    start_detached c1
    echo '{"pids": {"limit": 7}, "cpu": {"shares": 300}}' >"$BATS_TEST_TMPDIR/r.json"
    run_hull update -r "$BATS_TEST_TMPDIR/r.json" c1
    assert_success
    assert_equal "$(cat "$(ctrl_dir c1 pids)/pids.max")" 7 pids
    assert_equal "$(cat "$(ctrl_dir c1 cpu)/cpu.shares")" 300 shares
    run hull update -r - c1 <<<'{"pids": {"limit": 9}}'
    assert_success
    assert_equal "$(cat "$(ctrl_dir c1 pids)/pids.max")" 9 pids
    # A flag overrides the file.
    run_hull update -r "$BATS_TEST_TMPDIR/r.json" --pids-limit 11 c1
    assert_equal "$(cat "$(ctrl_dir c1 pids)/pids.max")" 11 pids
    run hull update -r - c1 <<<'{"memory": {"limit": 4096, "checkBeforeUpdate": true}}'
    assert_failure
    assert_output_contains "linux.resources.memory.limit: 4096 is below the current usage"
    run hull update -r - c1 <<<'{"pids": {"limit": "x"}}'
    assert_failure
    assert_output_contains "pids.limit"
}

@test "update: bad values and states are refused" {
    set_args sleep 100
    start_detached c1
    run_hull update c1
    assert_failure
    assert_output_contains "nothing to update"
    run_hull update --memory 12q c1
    assert_failure
    assert_output_contains '--memory: "12q" is not a size'
    run_hull update --blkio-weight 5 c1
    assert_failure
    assert_output_contains "--blkio-weight: 5 is not between 10 and 1000"
    hull kill c1 KILL
    wait_status c1 stopped
    run_hull update --pids-limit 3 c1
    assert_failure
    assert_output_contains 'update: container "c1" is stopped'
}

# ---- events ---------------------------------------------------------------------------

@test "events --stats: runc's JSON with cpu, memory, pids, blkio and hugetlb" {
    jq_edit '.linux.resources.pids.limit = 50'
    set_args sh -c 'sleep 100 & sleep 100; true'
    start_detached c1
    sleep 0.3
    run_hull events --stats c1
    assert_success
    assert_equal "$(echo "$output" | jq -r .type)" stats type
    assert_equal "$(echo "$output" | jq -r .id)" c1 id
    local data
    data=$(echo "$output" | jq -c .data)
    for key in cpu memory pids blkio hugetlb; do
        assert_equal "$(echo "$data" | jq "has(\"$key\")")" true "has $key"
    done
    assert_equal "$(echo "$data" | jq .pids)" '{
  "current": 3,
  "limit": 50
}' pids
    [ "$(echo "$data" | jq .cpu.usage.total)" -gt 0 ] || fail "no cpu usage"
    [ "$(echo "$data" | jq .memory.usage.usage)" -gt 0 ] || fail "no memory usage"
    assert_equal "$(echo "$data" | jq '.hugetlb | has("2MB")')" true "hugetlb 2MB"
}

@test "events: stats every --interval, until the container stops" {
    set_args sleep 2
    start_detached c1
    run_hull events --interval 500ms c1
    assert_success
    local n
    n=$(echo "$output" | grep -c '"type":"stats"')
    [ "$n" -ge 3 ] && [ "$n" -le 6 ] || fail "$n stats lines in ~2 s at 500ms"
    run_hull events --interval 5x c1
    assert_failure
    assert_output_contains '--interval: "5x" has an unknown unit'
}

# ---- features, cleanup ----------------------------------------------------------------

@test "features: linux.cgroup says v1, v2 and systemd (not systemdUser)" {
    run_hull features
    assert_success
    assert_equal "$(echo "$output" | jq -c .linux.cgroup)" '{"v1":true,"v2":true,"systemd":true,"systemdUser":false,"rdma":true}' linux.cgroup
}

@test "cleanup: 20 create/start/delete cycles and failed creates leave no cgroup in any hierarchy" {
    local before after id
    before=$(list_all_cgroups)
    set_args true
    for i in $(seq 1 20); do
        id=leak$$-$i
        create_container "$id"
        hull start "$id"
        wait_status "$id" stopped
        hull delete "$id"
    done
    # A create that fails after its cgroup was made: in the container process...
    set_args /nonexistent
    run_hull create --bundle "$BUNDLE" leak$$-fail1
    assert_failure
    # ... and in the runtime (a prestart hook).
    set_args true
    jq_edit '.hooks.prestart = [{path: "/bin/false"}]'
    run_hull create --bundle "$BUNDLE" leak$$-fail2
    assert_failure
    # --force on a running one.
    jq_edit 'del(.hooks)'
    set_args sleep 100
    start_detached leak$$-force
    hull delete -f leak$$-force
    after=$(list_all_cgroups)
    local new
    new=$(comm -13 <(echo "$before") <(echo "$after") | grep -E "leak$$|:/hull$" || true)
    [ -z "$new" ] || fail "cgroups left: $new"
    [ "$(echo "$after" | wc -l)" -gt 10 ] || fail "the listing found only: $after"
}
