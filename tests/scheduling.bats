#!/usr/bin/env bats
# Where and how the container process runs: process.scheduler, process.ioPriority,
# process.execCPUAffinity (and the CPU affinity it gets without one: runc issue 4814),
# linux.personality and linux.memoryPolicy (config.md "Process", config-linux.md
# "Personality", "Memory policy"), each seen from inside the container, for `run` and for
# `exec`. Their refusals are in errors.bats.
#
# SC2016: jq filters are single-quoted on purpose; SC2154: bats' run sets $stderr.
# shellcheck disable=SC2016,SC2154

load helpers/common

# stat_fields N...: fields N... of the /proc/PID/stat line in $output (the command name
# of the processes read here has no blank).
stat_fields() {
    local f out=
    # shellcheck disable=SC2206
    local line=($output)
    for f in "$@"; do
        out+="${out:+ }${line[$((f - 1))]}"
    done
    echo "$out"
}

# online_cpus: the host's online CPUs as a list ("0-1").
online_cpus() {
    cat /sys/devices/system/cpu/online
}

# last_cpu: the highest online CPU.
last_cpu() {
    online_cpus | tr ',' '\n' | tail -1 | sed 's/.*-//'
}

# needs_two_cpus: sets CPU to the highest online CPU; skips on a host with one CPU, where no
# affinity can differ from the default.
needs_two_cpus() {
    CPU=$(last_cpu)
    [ "$CPU" -ge 1 ] || skip "the host has one CPU: an affinity cannot differ from the default"
}

# hull_pinned_to CPUS ARGS...: hull run with its own affinity restricted to CPUS, as a
# systemd unit with CPUAffinity= would start it.
hull_pinned_to() {
    local cpus=$1
    shift
    timeout -k 5 "$HULL_TEST_TIMEOUT" taskset -c "$cpus" "$HULL" --root "$ROOT" "$@"
}

# exec_with PROCESS_JSON_FILTER CMD...: `exec --process` of CMD in the running c1, with the
# container's process edited by the jq filter.
exec_with() {
    local filter=$1
    shift
    jq --args "$filter"' | .args = $ARGS.positional | .terminal = false' "$@" \
        <<<"$(jq .process "$CONFIG")" >"$BATS_TEST_TMPDIR/process.json"
    run --separate-stderr hull exec --process "$BATS_TEST_TMPDIR/process.json" c1
}

@test "scheduler: SCHED_BATCH with nice 7 shows in /proc/self/stat (policy 3, nice 7)" {
    jq_edit '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}'
    in_container cat /proc/self/stat
    assert_success
    # Field 19 is nice, 41 the policy (proc(5)).
    assert_equal "$(stat_fields 19 41)" "7 3"
}

@test "scheduler: SCHED_FIFO with priority 10 (rt_priority 10, policy 1)" {
    # With real-time group scheduling (cgroup v1) the cgroup needs a real-time budget.
    jq_edit '.process.scheduler = {policy: "SCHED_FIFO", priority: 10}
             | .linux.resources.cpu = {realtimeRuntime: 10000, realtimePeriod: 1000000}'
    in_container cat /proc/self/stat
    assert_success
    assert_equal "$(stat_fields 40 41)" "10 1"
}

@test "scheduler: SCHED_FLAG_RESET_ON_FORK: the program is SCHED_FIFO, its children SCHED_OTHER" {
    jq_edit '.process.scheduler = {policy: "SCHED_FIFO", priority: 10, flags: ["SCHED_FLAG_RESET_ON_FORK"]}
             | .linux.resources.cpu = {realtimeRuntime: 10000, realtimePeriod: 1000000}'
    in_container sh -c 'cat /proc/$$/stat; cat /proc/self/stat; true'
    assert_success
    # Policy and rt_priority of sh, then of the cat it forked.
    assert_equal "$(awk '{ print $41, $40 }' <<<"$output" | tr '\n' ' ')" "1 10 0 0 "
}

@test "scheduler: SCHED_DEADLINE with runtime, deadline and period" {
    jq_edit '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 10000000, deadline: 30000000,
                                   period: 30000000}'
    in_container cat /proc/self/stat
    assert_success
    assert_equal "$(stat_fields 41)" "6"
}

@test "scheduler: SCHED_IDLE for exec --process, while the container keeps its own" {
    jq_edit '.process.scheduler = {policy: "SCHED_BATCH", nice: 3}'
    set_args sleep 100
    start_detached c1
    exec_with '.scheduler = {policy: "SCHED_IDLE"}' cat /proc/self/stat
    assert_success
    assert_equal "$(stat_fields 41)" "5"
    run_hull exec c1 cat /proc/1/stat
    assert_success
    assert_equal "$(stat_fields 19 41)" "3 3"
}

@test "ioPriority: the class and priority ionice shows inside, for run and exec" {
    jq_edit '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 5}'
    in_container busybox ionice
    assert_success
    assert_output "best-effort: prio 5"

    set_args sleep 100
    start_detached c1
    exec_with '.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 0}' busybox ionice
    assert_success
    assert_output "idle"
}

@test "execCPUAffinity: final is the affinity the program runs with" {
    needs_two_cpus
    jq_edit '.process.execCPUAffinity = {initial: "0", final: $c}' --arg c "$CPU"
    in_container grep Cpus_allowed_list /proc/self/status
    assert_success
    assert_output "Cpus_allowed_list:	$CPU"
}

@test "execCPUAffinity: without final, initial stays (the kernel keeps what the cpuset allows)" {
    needs_two_cpus
    jq_edit '.process.execCPUAffinity = {initial: "0"}'
    in_container grep Cpus_allowed_list /proc/self/status
    assert_success
    assert_output "Cpus_allowed_list:	0"
}

@test "execCPUAffinity: exec --process applies initial and final to the new process" {
    needs_two_cpus
    set_args sleep 100
    start_detached c1
    exec_with '.execCPUAffinity = {initial: "0", final: $c}' --arg c "$CPU" \
        grep Cpus_allowed_list /proc/self/status
    assert_success
    assert_output "Cpus_allowed_list:	$CPU"
}

@test "CPU affinity: hull's own affinity does not leak into the container (runc issue 4814)" {
    needs_two_cpus
    set_args grep Cpus_allowed_list /proc/self/status
    run --separate-stderr hull_pinned_to 0 run --bundle "$BUNDLE" c1
    assert_success
    assert_output "Cpus_allowed_list:	$(online_cpus)"

    set_args sleep 100
    start_detached c2
    run --separate-stderr hull_pinned_to 0 exec c2 grep Cpus_allowed_list /proc/self/status
    assert_success
    assert_output "Cpus_allowed_list:	$(online_cpus)"
}

@test "CPU affinity: without execCPUAffinity the container gets what its cpuset allows" {
    needs_two_cpus
    jq_edit '.linux.resources.cpu = {cpus: $c, mems: "0"}' --arg c "$CPU"
    set_args grep Cpus_allowed_list /proc/self/status
    run --separate-stderr hull_pinned_to 0-"$CPU" run --bundle "$BUNDLE" c1
    assert_success
    assert_output "Cpus_allowed_list:	$CPU"
}

@test "personality: LINUX32 makes uname -m say a 32-bit machine, in run and exec" {
    local want
    case $(uname -m) in
    x86_64) want=i686 ;;
    aarch64) want=armv8l ;;
    *) skip "no 32-bit personality to expect on $(uname -m)" ;;
    esac
    jq_edit '.linux.personality = {domain: "LINUX32"}'
    in_container uname -m
    assert_success
    assert_output "$want"

    set_args sleep 100
    start_detached c1
    run_hull exec c1 uname -m
    assert_success
    assert_output "$want"
}

@test "personality: LINUX keeps the host's machine name" {
    jq_edit '.linux.personality = {domain: "LINUX", flags: []}'
    in_container uname -m
    assert_success
    assert_output "$(uname -m)"
}

# kernel_at_least MAJOR MINOR: the running kernel is that version or newer.
kernel_at_least() {
    local v
    v=$(uname -r)
    local major=${v%%.*} rest=${v#*.}
    local minor=${rest%%[!0-9]*}
    [ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "$minor" -ge "$2" ]; }
}

@test "memoryPolicy: every mode and flag shows in /proc/self/numa_maps" {
    [ -e /proc/self/numa_maps ] || skip "this kernel has no NUMA support (CONFIG_NUMA)"
    local mode nodes flags want since
    # MODE|NODES|FLAGS|what numa_maps says|the kernel that has it
    while IFS='|' read -r mode nodes flags want since; do
        jq_edit '.linux.memoryPolicy = {mode: $m, nodes: $n, flags: ($f | split(",") | map(select(. != "")))}
                 | if $n == "" then del(.linux.memoryPolicy.nodes) else . end' \
            --arg m "$mode" --arg n "$nodes" --arg f "$flags"
        in_container head -n 1 /proc/self/numa_maps
        if kernel_at_least "${since%.*}" "${since#*.}"; then
            assert_success
            assert_output_contains " $want "
        else
            # An older kernel refuses the mode or flag: start says so, naming the field.
            assert_failure
            [[ $stderr == *"linux.memoryPolicy: set_mempolicy($mode"* ]] || fail "unclear error: $stderr"
        fi
    done <<'EOF'
MPOL_DEFAULT|||default|3.8
MPOL_BIND|0||bind:0|3.8
MPOL_INTERLEAVE|0||interleave:0|3.8
MPOL_WEIGHTED_INTERLEAVE|0||weighted interleave:0|6.9
MPOL_PREFERRED|0||prefer:0|3.8
MPOL_PREFERRED|||local|3.8
MPOL_PREFERRED_MANY|0||prefer (many):0|5.15
MPOL_LOCAL|||local|3.8
MPOL_BIND|0|MPOL_F_STATIC_NODES|bind=static:0|3.8
MPOL_INTERLEAVE|0|MPOL_F_RELATIVE_NODES|interleave=relative:0|3.8
MPOL_BIND|0|MPOL_F_NUMA_BALANCING|bind=balancing:0|5.12
EOF
}

@test "memoryPolicy: exec'd processes get the container's policy" {
    [ -e /proc/self/numa_maps ] || skip "this kernel has no NUMA support (CONFIG_NUMA)"
    jq_edit '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
    set_args sleep 100
    start_detached c1
    run_hull exec c1 cat /proc/self/numa_maps
    assert_success
    assert_output_contains " bind=static:0 "
}

@test "features: memoryPolicy lists every mode and flag of the spec" {
    run_hull features
    assert_success
    assert_equal "$(jq -c '.linux.memoryPolicy.modes' <<<"$output")" \
        '["MPOL_DEFAULT","MPOL_BIND","MPOL_INTERLEAVE","MPOL_WEIGHTED_INTERLEAVE","MPOL_PREFERRED","MPOL_PREFERRED_MANY","MPOL_LOCAL"]'
    assert_equal "$(jq -c '.linux.memoryPolicy.flags' <<<"$output")" \
        '["MPOL_F_NUMA_BALANCING","MPOL_F_RELATIVE_NODES","MPOL_F_STATIC_NODES"]'
}
