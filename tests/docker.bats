#!/usr/bin/env bats
# Docker end to end: Debian's dockerd (docker.io) and containerd, started by this suite
# with private roots, sockets and pid files (tests/helpers/engines.bash), run their
# containers with hull, registered as the runtime "hull" in daemon.json
# (tests/data/integration/daemon.json, the one docs/integration.md shows). The image is
# a busybox imported offline (`docker import`). No bridge, no iptables rules.

# shellcheck disable=SC2016 # the containers' shell code is single-quoted on purpose

load helpers/common
load helpers/engines

IMAGE=hull-test/busybox:latest

setup_file() {
    engines_setup_file "$DOCKER" "$DOCKERD"
    containerd_start
    dockerd_start
    make_busybox_rootfs "$ENGINE_DIR/rootfs"
    tar -C "$ENGINE_DIR/rootfs" -c . | dk import --change 'CMD ["sh"]' - "$IMAGE" >/dev/null ||
        fail "docker import failed"
    rm -rf "$ENGINE_DIR/rootfs"
}

teardown_file() {
    engines_teardown_file
}

setup() {
    [ -S "$ENGINE_DIR/docker.sock" ] || fail "dockerd is not running (see setup_file)"
}

# Each test starts from no containers.
teardown() {
    [ -f "$ENGINE_DIR/dockerd.pid" ] || return 0 # stopped by the test
    local ids
    ids=$(dk ps -aq 2>/dev/null) || return 0
    # shellcheck disable=SC2086 # one argument per id
    [ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1 || true
}

# dr ARGS...: docker run with hull.
dr() {
    dk run --runtime hull "$@"
}

# hull_ids: the containers hull has in the root Docker gave it.
hull_ids() {
    "$HULL_BIN" --root "$ENGINE_DIR/docker/exec/runtime-runc/moby" list -q 2>/dev/null
}

# wait_logs NAME TEXT [N]: until the container logged N (default 1) lines with TEXT.
wait_logs() {
    local tries=100 n
    until n=$(dk logs "$1" 2>&1 | grep -cF -- "$2") && [ "$n" -ge "${3:-1}" ]; do
        [ $((tries -= 1)) -gt 0 ] || fail "container $1 logged '$2' $n times, not ${3:-1}: $(dk logs "$1" 2>&1)"
        sleep 0.1
    done
}

@test "docker: hull is a runtime of the daemon, declared as docs/integration.md shows" {
    run dk info --format '{{json .Runtimes}}'
    assert_success
    [ "$(jq -r .hull.path <<<"$output")" = "$HULL_BIN" ] || fail "no runtime hull in: $output"
    # The doc's daemon.json block is this suite's config, but for the test's private dirs.
    snippet_in_config daemon.json docker-daemon.json
}

@test "docker run --rm: the output and the exit code, and nothing left" {
    run dr --rm "$IMAGE" sh -c 'echo hello from hull; exit 3'
    assert_failure 3
    assert_output "hello from hull"
    assert_equal "$(dk ps -aq)" "" "containers left"
    assert_equal "$(hull_ids)" "" "hull containers left"
}

@test "docker run -d, logs: the container runs under hull (its state is in hull's root)" {
    run dr -d --name web "$IMAGE" sh -c 'echo started; while :; do sleep 1; done'
    assert_success
    local id=$output
    wait_logs web started
    assert_equal "$(dk inspect -f '{{.HostConfig.Runtime}} {{.State.Status}}' web)" "hull running" "runtime, state"
    assert_equal "$(hull_ids)" "$id" "hull's containers"
    assert_equal "$("$HULL_BIN" --root "$ENGINE_DIR/docker/exec/runtime-runc/moby" state "$id" | jq -r .status)" running
}

@test "docker exec: output and exit code; exec -t and run -t get a terminal" {
    dr -d --name box "$IMAGE" sleep 1000
    run dk exec box sh -c 'echo in the container; exit 4'
    assert_failure 4
    assert_output "in the container"
    run dk exec box tty
    assert_failure 1
    assert_output "not a tty"
    in_script "$(dk_cmd) exec -t box sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys'"
    assert_success
    assert_equal "$(tr -d '\r' <<<"$output" | sed '/^$/d')" $'/dev/pts/0\nboth-ttys' "exec -t"
    in_script "$(dk_cmd) run --rm -t --runtime hull $IMAGE sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys'"
    assert_success
    assert_equal "$(tr -d '\r' <<<"$output" | sed '/^$/d')" $'/dev/pts/0\nboth-ttys' "run -t"
}

@test "docker top: the container's processes" {
    dr -d --name top1 "$IMAGE" sh -c 'sleep 1001 & sleep 1002'
    local tries=50
    until dk top top1 | grep -q 'sleep 1002'; do
        [ $((tries -= 1)) -gt 0 ] || fail "top: $(dk top top1)"
        sleep 0.1
    done
    run dk top top1 -o pid,args
    assert_success
    assert_output_contains "sleep 1001"
    assert_output_contains "sleep 1002"
}

@test "docker pause, unpause: a paused container makes no progress, then goes on" {
    dr -d --name tick "$IMAGE" sh -c 'while :; do echo tick; sleep 0.1; done'
    wait_logs tick tick 2
    dk pause tick
    assert_equal "$(dk inspect -f '{{.State.Status}}' tick)" paused status
    local before after
    before=$(dk logs tick | wc -l)
    sleep 1
    after=$(dk logs tick | wc -l)
    assert_equal "$after" "$before" "lines logged while paused"
    dk unpause tick
    assert_equal "$(dk inspect -f '{{.State.Status}}' tick)" running status
    wait_logs tick tick $((after + 3))
}

@test "docker run --memory, --pids-limit, and docker update --memory: the limits seen inside" {
    run dr --rm --memory 32m --pids-limit 20 "$IMAGE" \
        cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
    assert_success
    assert_output $'33554432\n20'
    # Past the pids limit, fork fails.
    run dr --rm --pids-limit 5 "$IMAGE" sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; wait'
    assert_output_contains "can't fork"
    dr -d --name upd "$IMAGE" sleep 1000
    run dk update --memory 64m --memory-swap 64m upd
    assert_success
    run dk exec upd cat /sys/fs/cgroup/memory/memory.limit_in_bytes
    assert_output 67108864
    run dk update --pids-limit 7 upd
    assert_success
    run dk exec upd cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes
    assert_output $'7\n67108864'
}

@test "docker stop, start, restart: SIGTERM stops it gracefully; each start is a new process" {
    dr -d --name svc "$IMAGE" sh -c 'echo started; trap "echo stopping; exit 0" TERM; while :; do sleep 0.1; done'
    wait_logs svc started
    local pid1 t0=$SECONDS
    pid1=$(dk inspect -f '{{.State.Pid}}' svc)
    run dk stop svc
    assert_success
    [ $((SECONDS - t0)) -lt 8 ] || fail "stop took $((SECONDS - t0)) s: SIGTERM was not delivered"
    assert_equal "$(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' svc)" "exited 0" "state after stop"
    wait_logs svc stopping
    dk start svc
    wait_logs svc started 2
    local pid2
    pid2=$(dk inspect -f '{{.State.Pid}}' svc)
    assert_not_equal "$pid2" "$pid1" "pid after start"
    dk restart svc
    wait_logs svc started 3
    assert_equal "$(dk inspect -f '{{.State.Status}}' svc)" running "state after restart"
    assert_not_equal "$(dk inspect -f '{{.State.Pid}}' svc)" "$pid2" "pid after restart"
}

@test "docker rm -f: a running container is killed and removed, in Docker and in hull" {
    dr -d --name gone "$IMAGE" sleep 1000
    local pid
    pid=$(dk inspect -f '{{.State.Pid}}' gone)
    run dk rm -f gone
    assert_success
    assert_equal "$(dk ps -aq)" "" "containers"
    assert_equal "$(hull_ids)" "" "hull containers"
    ! kill -0 "$pid" 2>/dev/null || fail "process $pid still runs"
}

@test "docker run --read-only, --user: a read-only root; the process's ids" {
    run dr --rm --read-only "$IMAGE" sh -c 'touch /file || exit 9'
    assert_failure 9
    assert_output_contains "Read-only file system"
    run dr --rm --user 65534:65534 "$IMAGE" id
    assert_success
    assert_output "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)"
}

@test "docker run --cap-drop, --cap-add: the process's capabilities" {
    local eff
    eff=$(dr --rm "$IMAGE" awk '/^CapEff/ { print $2 }' /proc/self/status)
    # Docker's default set has CAP_NET_RAW (13), not CAP_SYS_ADMIN (21).
    assert_equal "$(((0x$eff >> 13) & 1)) $(((0x$eff >> 21) & 1))" "1 0" "NET_RAW, SYS_ADMIN by default"
    eff=$(dr --rm --cap-drop NET_RAW --cap-add SYS_ADMIN "$IMAGE" awk '/^CapEff/ { print $2 }' /proc/self/status)
    assert_equal "$(((0x$eff >> 13) & 1)) $(((0x$eff >> 21) & 1))" "0 1" "NET_RAW, SYS_ADMIN with the flags"
}

@test "docker: the default seccomp profile is active (Seccomp: 2); unconfined turns it off" {
    run dr --rm "$IMAGE" grep '^Seccomp:' /proc/self/status
    assert_output $'Seccomp:\t2'
    # Docker's profile refuses unshare(CLONE_NEWUSER) (syscall 272) without CAP_SYS_ADMIN.
    run dr --rm "$IMAGE" hullcheck syscall 272 268435456
    assert_output_contains EPERM
    run dr --rm --security-opt seccomp=unconfined "$IMAGE" grep '^Seccomp:' /proc/self/status
    assert_output $'Seccomp:\t0'
}

@test "docker --ipc: private by default (a host System V segment is unreachable); --ipc host reaches it" {
    local key=$((0x48000000 + (RANDOM << 8) + BATS_TEST_NUMBER)) line
    line=$("$HULLCHECK" ipc-host-setup "$key") || fail "host IPC setup failed: $line"
    run dr --rm "$IMAGE" hullcheck shm-get "$key"
    local private_status=$status private_output=$output
    run dr --rm --ipc host "$IMAGE" hullcheck shm-get "$key"
    # shellcheck disable=SC2086 # one argument per object
    "$HULLCHECK" ipc-host-cleanup $line >/dev/null
    assert_equal "$private_status $private_output" "1 ENOENT" "private ipc"
    assert_success
    local shm=${line%% *}
    assert_output "found id=${shm#shm=}"
}

@test "docker run --init: docker-init is PID 1 and reaps; the command runs under it" {
    run dr --rm --init "$IMAGE" sh -c 'cat /proc/1/comm; [ $$ != 1 ] && echo "the shell is not PID 1"'
    assert_success
    assert_output $'docker-init\nthe shell is not PID 1'
}

@test "docker run --restart on-failure:2: restarted twice, then left exited" {
    dr -d --name flaky --restart on-failure:2 "$IMAGE" sh -c 'echo attempt; exit 5'
    wait_logs flaky attempt 3
    local tries=100
    until [ "$(dk inspect -f '{{.State.Status}} {{.RestartCount}}' flaky)" = "exited 2" ]; do
        [ $((tries -= 1)) -gt 0 ] || fail "state: $(dk inspect -f '{{.State.Status}} {{.RestartCount}}' flaky)"
        sleep 0.1
    done
    assert_equal "$(dk inspect -f '{{.State.ExitCode}}' flaky)" 5 "exit code"
}

@test "docker run --oom-kill-disable: applied on cgroup v1, refused with the reason on v2" {
    if [ -d /sys/fs/cgroup/memory ]; then
        run dr --rm --memory 32m --oom-kill-disable "$IMAGE" grep oom_kill_disable /sys/fs/cgroup/memory/memory.oom_control
        assert_success
        assert_output "oom_kill_disable 1"
    else
        run dr --rm --memory 32m --oom-kill-disable "$IMAGE" true
        assert_failure
        assert_output_contains "cgroup v2 cannot disable the OOM killer"
    fi
}

@test "docker stats --no-stream: the container's memory use and limit" {
    dr -d --name st --memory 64m "$IMAGE" sh -c 'while :; do sleep 1; done'
    run dk stats --no-stream --format '{{.Name}} {{.MemUsage}}' st
    assert_success
    assert_match "$output" '^st [0-9.]+[KM]iB / 64MiB$' "stats"
}

@test "dockerd and containerd killed while containers run: after a restart they run on, and are stopped and removed" {
    dr -d --name survivor "$IMAGE" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
    local pid
    pid=$(dk inspect -f '{{.State.Pid}}' survivor)
    dockerd_kill KILL
    containerd_kill KILL
    kill -0 "$pid" || fail "the container died with the daemons"
    containerd_start
    dockerd_start
    run dk ps --format '{{.Names}} {{.Status}}'
    assert_success
    assert_match "$output" '^survivor Up ' "docker ps"
    run dk exec survivor echo still here
    assert_output "still here"
    run dk stop survivor
    assert_success
    assert_equal "$(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' survivor)" "exited 0" state
    dk rm survivor
    assert_equal "$(hull_ids)" "" "hull containers"
}

@test "docker: once the daemons stop, nothing of the suite is left (processes, mounts, cgroups, netdevs)" {
    dr -d --name last "$IMAGE" sleep 1000
    dk rm -f last
    daemon_kill dockerd TERM
    daemon_kill containerd TERM
    assert_nothing_left
}
