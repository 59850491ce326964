#!/usr/bin/env bats
# containerd end to end: Debian's containerd, started by this suite with the config of
# tests/data/integration/containerd.toml (private root, state, sockets; the runtime
# handler "hull"), runs tasks with hull through `ctr` and the runc v2 shim
# (--runc-binary). The image is a busybox OCI archive made offline and imported.

# shellcheck disable=SC2016 # the containers' shell code is single-quoted on purpose

load helpers/common
load helpers/engines

IMAGE=localhost/hull-test/busybox:latest
NS=hull-test

setup_file() {
    engines_setup_file
    containerd_start
    make_busybox_rootfs "$ENGINE_DIR/rootfs"
    oci_archive "$ENGINE_DIR/rootfs" "$IMAGE" '["sh"]' "$ENGINE_DIR/busybox.tar"
    rm -rf "$ENGINE_DIR/rootfs"
    ctrx -n "$NS" images import "$ENGINE_DIR/busybox.tar" >/dev/null || fail "ctr images import failed"
}

teardown_file() {
    engines_teardown_file
}

setup() {
    [ -S "$ENGINE_DIR/containerd.sock" ] || fail "containerd is not running (see setup_file)"
}

# Each test starts from no tasks nor containers.
teardown() {
    [ -f "$ENGINE_DIR/containerd.pid" ] || return 0 # stopped by the test
    local id
    for id in $(ctrx -n "$NS" tasks ls -q 2>/dev/null); do
        ctrx -n "$NS" tasks kill -s SIGKILL "$id" >/dev/null 2>&1
        ctrx -n "$NS" tasks rm -f "$id" >/dev/null 2>&1
    done
    for id in $(ctrx -n "$NS" containers ls -q 2>/dev/null); do
        ctrx -n "$NS" containers rm "$id" >/dev/null 2>&1
    done
    return 0
}

# cr ID ARGS...: `ctr run` with hull as the runc v2 shim's binary, the container's cgroup
# below the suite's; ARGS are ctr run's options, the image, ID again and the command.
cr() {
    local id=$1
    shift
    ctrx -n "$NS" run --runc-binary "$HULL_BIN" --runc-root "$ENGINE_DIR/hull-ctr" \
        --cgroup "/$ENGINE_CGROUP/$id" "$@"
}

# cr_cmd ID: the same, as a shell command line (for script(1)), up to ctr run's options.
cr_cmd() {
    printf 'timeout --foreground -k 5 %s ctr --address %s -n %s run --runc-binary %s --runc-root %s --cgroup /%s/%s' \
        "$ENGINE_TIMEOUT" "$ENGINE_DIR/containerd.sock" "$NS" "$HULL_BIN" "$ENGINE_DIR/hull-ctr" "$ENGINE_CGROUP" "$1"
}

# task_status ID: RUNNING, PAUSED, STOPPED... as `ctr task ls` shows it.
task_status() {
    ctrx -n "$NS" tasks ls | awk -v id="$1" '$1 == id { print $3 }'
}

# wait_task ID STATUS
wait_task() {
    local tries=100
    until [ "$(task_status "$1")" = "$2" ]; do
        [ $((tries -= 1)) -gt 0 ] || fail "task $1 is '$(task_status "$1")', not $2"
        sleep 0.1
    done
}

# hull_ctr_ids: the containers hull has in the root the shim gave it.
hull_ctr_ids() {
    local root
    for root in "$ENGINE_DIR"/hull-ctr/*; do
        [ -d "$root" ] && "$HULL_BIN" --root "$root" list -q
    done
    return 0
}

@test "ctr run --rm: the output and the exit code; hull ran it and has nothing left" {
    run cr c1 --rm "$IMAGE" c1 sh -c 'echo hello from hull; exit 3'
    assert_failure 3
    assert_output "hello from hull"
    assert_equal "$(ctrx -n "$NS" containers ls -q)" "" "containers"
    assert_equal "$(hull_ctr_ids)" "" "hull containers"
}

@test "ctr run -d: a detached task, in hull's state; task exec: output and exit code; task ps" {
    run cr d1 -d "$IMAGE" d1 sh -c 'sleep 1001 & sleep 1002'
    assert_success
    wait_task d1 RUNNING
    assert_equal "$(hull_ctr_ids)" d1 "hull's containers"
    local pid
    pid=$(ctrx -n "$NS" tasks ls | awk '$1 == "d1" { print $2 }')
    assert_equal "$("$HULL_BIN" --root "$ENGINE_DIR"/hull-ctr/* state d1 | jq -r '.status, .pid' | tr '\n' ' ')" \
        "running $pid " "hull state: status, pid"
    run ctrx -n "$NS" tasks exec --exec-id e1 d1 sh -c 'echo in the container; exit 4'
    assert_failure 4
    assert_output "in the container"
    local tries=50
    # (sh runs its last command in its own place: two sleeps.)
    until [ "$(ctrx -n "$NS" tasks ps d1 | tail -n +2 | wc -l)" -ge 2 ]; do
        [ $((tries -= 1)) -gt 0 ] || fail "task ps: $(ctrx -n "$NS" tasks ps d1)"
        sleep 0.1
    done
    run ctrx -n "$NS" tasks ps d1
    assert_success
    local p
    for p in $(tail -n +2 <<<"$output" | awk '{ print $1 }'); do
        assert_equal "$(cat "/proc/$p/comm")" sleep "process $p of task ps"
    done
    assert_output_contains "$pid"
}

@test "ctr task pause, resume: a paused task makes no progress, then goes on" {
    # (mv: the count is never read half-written.)
    cr p1 -d "$IMAGE" p1 sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/c; mv /tmp/c /tmp/count; sleep 0.05; done'
    wait_task p1 RUNNING
    wait_until 5 "the first count" test -s "/proc/$(ctrx -n "$NS" tasks ls | awk '$1 == "p1" { print $2 }')/root/tmp/count"
    local pid
    pid=$(ctrx -n "$NS" tasks ls | awk '$1 == "p1" { print $2 }')
    ctrx -n "$NS" tasks pause p1
    assert_equal "$(task_status p1)" PAUSED status
    local before after
    before=$(cat "/proc/$pid/root/tmp/count")
    sleep 0.5
    after=$(cat "/proc/$pid/root/tmp/count")
    assert_equal "$after" "$before" "count while paused"
    ctrx -n "$NS" tasks resume p1
    assert_equal "$(task_status p1)" RUNNING status
    sleep 0.5
    [ "$(cat "/proc/$pid/root/tmp/count")" -gt "$after" ] || fail "no progress after resume"
}

@test "ctr task kill, delete: the task stops with the signal; deleted, nothing is left in hull" {
    cr k1 -d "$IMAGE" k1 sleep 1000
    wait_task k1 RUNNING
    ctrx -n "$NS" tasks kill -s SIGKILL k1
    wait_task k1 STOPPED
    run ctrx -n "$NS" tasks rm k1
    assert_success
    ctrx -n "$NS" containers rm k1
    assert_equal "$(ctrx -n "$NS" tasks ls -q)" "" tasks
    assert_equal "$(hull_ctr_ids)" "" "hull containers"
}

@test "ctr run -t: the task gets a terminal" {
    in_script "$(cr_cmd t1) -t --rm $IMAGE t1 sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys'"
    assert_success
    assert_equal "$(tr -d '\r' <<<"$output" | sed '/^$/d')" $'/dev/pts/0\nboth-ttys' "run -t"
}

@test "ctr task metrics: the task's memory use and pids" {
    cr m1 -d --memory-limit 67108864 "$IMAGE" m1 sh -c 'while :; do sleep 1; done'
    wait_task m1 RUNNING
    run ctrx -n "$NS" tasks metrics --format json m1
    assert_success
    local usage limit pids
    usage=$(jq -r '.Data.memory.usage.usage // .memory.usage.usage' <<<"$output")
    limit=$(jq -r '.Data.memory.usage.limit // .memory.usage.limit' <<<"$output")
    pids=$(jq -r '.Data.pids.current // .pids.current' <<<"$output")
    [ "$usage" -gt 0 ] 2>/dev/null || fail "memory usage '$usage' in: $output"
    assert_equal "$limit" 67108864 "memory limit"
    assert_equal "$pids" 2 "pids (sh and sleep)"
}

@test "ctr: a task past its memory limit is OOM-killed, and containerd publishes the OOM event" {
    (ctrx events >"$ENGINE_DIR/events.log" 2>&1 &
        echo $! >"$ENGINE_DIR/events.pid")
    sleep 0.3
    run cr o1 --rm --memory-limit 33554432 "$IMAGE" o1 hullcheck alloc 64
    assert_failure 137
    local tries=50
    until grep -q '/tasks/oom' "$ENGINE_DIR/events.log"; do
        [ $((tries -= 1)) -gt 0 ] || break
        sleep 0.1
    done
    kill "$(cat "$ENGINE_DIR/events.pid")"
    grep '/tasks/oom' "$ENGINE_DIR/events.log" | grep -q o1 ||
        fail "no OOM event for o1: $(cat "$ENGINE_DIR/events.log")"
}

@test "containerd killed while a task runs: restarted, ctr task ls shows it running; it is stopped and removed" {
    cr s1 -d "$IMAGE" s1 sleep 1000
    wait_task s1 RUNNING
    local pid
    pid=$(ctrx -n "$NS" tasks ls | awk '$1 == "s1" { print $2 }')
    containerd_kill KILL
    kill -0 "$pid" || fail "the task died with containerd"
    containerd_start
    wait_task s1 RUNNING
    run ctrx -n "$NS" tasks exec --exec-id e2 s1 echo still here
    assert_output "still here"
    ctrx -n "$NS" tasks kill -s SIGKILL s1
    wait_task s1 STOPPED
    ctrx -n "$NS" tasks rm s1
    ctrx -n "$NS" containers rm s1
    assert_equal "$(hull_ctr_ids)" "" "hull containers"
}

@test "containerd: once it stops, nothing of the suite is left (processes, mounts, cgroups, netdevs)" {
    cr l1 -d "$IMAGE" l1 sleep 1000
    wait_task l1 RUNNING
    ctrx -n "$NS" tasks kill -s SIGKILL l1
    wait_task l1 STOPPED
    ctrx -n "$NS" tasks rm l1
    ctrx -n "$NS" containers rm l1
    daemon_kill containerd TERM
    assert_nothing_left
}
