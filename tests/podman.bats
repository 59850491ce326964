#!/usr/bin/env bats
# podman end to end: podman (through conmon) drives the runtime for its everyday commands.
#
# Runs against the built hull by default; HULL_PODMAN_RUNTIME=runc (or any runtime's name
# or path) runs the same tests against that runtime, to check that they pass on a runtime
# known to work. Everything podman keeps (storage, its database, events, the config) lives
# in a private directory; the image is a busybox made from the host's /bin/busybox and
# imported with `podman import`, so no registry is needed.

load helpers/common
load helpers/podman

setup_file() {
    podman_setup_file
}

teardown_file() {
    podman_teardown_file
}

setup() {
    podman_setup
}

teardown() {
    podman_teardown
}

# A container process that says it started and exits 0 on SIGTERM (saying so).
GRACEFUL='echo started; trap "echo got TERM; exit 0" TERM; while :; do sleep 0.1; done'

# ---- run, logs, stop, kill, rm ---------------------------------------------------------

@test "podman run --rm: the output and the exit code, and nothing left" {
    pm_run run --rm "$IMAGE" sh -c 'echo hello from the container; exit 3'
    assert_failure 3
    assert_output "hello from the container"
    pm_run ps -aq
    assert_output ""
}

@test "podman run: a missing program is 127, a non-executable one 126, with the runtime's message" {
    run -127 --separate-stderr pm run --rm "$IMAGE" no-such-program
    assert_failure 127
    [[ $stderr == *'executable file not found'* ]] || fail "podman did not show the runtime's error: $stderr"
    # The clean-up podman does after a failed create (delete --force) finds nothing to complain about.
    [[ $stderr != *"Removing container"* ]] || fail "clean-up after the failed create failed: $stderr"
    run -126 --separate-stderr pm run --rm "$IMAGE" /etc/passwd
    assert_failure 126
    [[ $stderr == *'ermission denied'* ]] || fail "podman did not show the runtime's error: $stderr"
}

@test "podman run -d, logs, stop: the container stops gracefully on SIGTERM" {
    pm_run run -d --name web "$IMAGE" sh -c "$GRACEFUL"
    assert_success
    pm_wait_log web started
    local t0=$SECONDS
    pm_run stop -t 20 web
    assert_success
    [ $((SECONDS - t0)) -lt 10 ] || fail "stop took $((SECONDS - t0)) s: SIGTERM was not delivered"
    pm_run logs web
    assert_output "started
got TERM"
    assert_equal "$(pm inspect web --format '{{.State.ExitCode}}')" 0 "exit code"
}

@test "podman stop: a container ignoring SIGTERM is killed after the timeout" {
    # sleep as PID 1 of its pid namespace has no handler: SIGTERM does nothing to it.
    pm_run run -d --name stubborn "$IMAGE" sleep 1000
    assert_success
    local t0=$SECONDS
    pm_run stop -t 2 stubborn
    assert_success
    local took=$((SECONDS - t0))
    [ "$took" -ge 2 ] && [ "$took" -lt 15 ] || fail "stop took $took s (timeout 2)"
    assert_equal "$(pm inspect stubborn --format '{{.State.Status}} {{.State.ExitCode}}')" "exited 137" state
}

@test "podman kill: a signal reaches the process, the default kills" {
    pm_run run -d --name k "$IMAGE" sh -c 'trap "echo got USR1" USR1; echo started; while :; do sleep 0.1; done'
    assert_success
    pm_wait_log k started
    pm_run kill -s USR1 k
    assert_success
    pm_wait_log k "got USR1"
    pm_run kill k
    assert_success
    pm_wait_status k exited
    assert_equal "$(pm inspect k --format '{{.State.ExitCode}}')" 137 "exit code after kill"
}

@test "podman rm -f: a running container is killed and removed" {
    pm_run run -d --name victim "$IMAGE" sleep 1000
    assert_success
    local pid
    pid=$(pm inspect victim --format '{{.State.Pid}}')
    [ -d "/proc/$pid" ] || fail "container process $pid not found"
    pm_run rm -f victim
    assert_success
    wait_gone "$pid" 10
    pm_run ps -aq
    assert_output ""
}

@test "podman restart: a new process, the same container" {
    pm_run run -d --name r "$IMAGE" sh -c "$GRACEFUL"
    assert_success
    pm_wait_log r started
    local pid1 pid2
    pid1=$(pm inspect r --format '{{.State.Pid}}')
    pm_run restart -t 5 r
    assert_success
    pm_wait_status r running
    pid2=$(pm inspect r --format '{{.State.Pid}}')
    assert_not_equal "$pid2" "$pid1" "pid after restart"
    [ -d "/proc/$pid2" ] || fail "restarted process $pid2 not found"
    pm_wait_log r "got TERM"
    local n=0 tries=50
    until [ "$n" -ge 2 ] || [ $((tries -= 1)) -eq 0 ]; do
        n=$(pm logs r | grep -c started)
        sleep 0.1
    done
    assert_equal "$n" 2 "times started"
}

@test "podman inspect: the container's runtime is the one under test" {
    pm_run run -d --name i "$IMAGE" sleep 1000
    assert_success
    assert_equal "$(pm inspect i --format '{{.OCIRuntime}}')" "$RUNTIME" OCIRuntime
}

# ---- exec ------------------------------------------------------------------------------

@test "podman exec: the output and the exit code, in the container" {
    pm_run run -d --name e "$IMAGE" sh -c 'echo x >/dev/shm/mine; while :; do sleep 0.1; done'
    assert_success
    pm_run exec e sh -c 'cat /dev/shm/mine; echo "pid $$"; exit 4'
    assert_failure 4
    assert_output "x
pid ${output##*pid }"
    [ "${output##*pid }" -gt 1 ] || fail "exec'd process is pid 1?"
    pm_run exec e hostname
    assert_success
    assert_equal "$output" "$(pm inspect e --format '{{.Config.Hostname}}')" hostname
}

@test "podman exec: a missing program is 127, a non-executable one 126" {
    pm_run run -d --name e "$IMAGE" sleep 1000
    assert_success
    run -127 --separate-stderr pm exec e no-such-program
    assert_failure 127
    run -126 --separate-stderr pm exec e /etc/passwd
    assert_failure 126
}

@test "podman exec -t: the process has a terminal (through script)" {
    pm_run run -d --name t "$IMAGE" sleep 1000
    assert_success
    run script -qec "$(pm_cmd) exec -t t sh -c 'tty; [ -t 0 ] && echo stdin-is-tty; exit 5'" /dev/null </dev/null
    assert_failure 5
    assert_output_contains /dev/pts/
    assert_output_contains stdin-is-tty
}

@test "podman run -t: the container has a terminal (through script)" {
    run script -qec "$(pm_cmd) run --rm -t $IMAGE sh -c 'tty; stty size; exit 2'" /dev/null </dev/null
    assert_failure 2
    assert_output_contains /dev/pts/0
    run script -qec "$(pm_cmd) run --rm $IMAGE sh -c 'tty || echo no-tty'" /dev/null </dev/null
    assert_success
    assert_output_contains no-tty
}

# ---- pause, top ------------------------------------------------------------------------

@test "podman pause/unpause: a paused container makes no progress" {
    pm_run run -d --name p "$IMAGE" sh -c 'i=0; while :; do i=$((i+1)); echo $i >/dev/shm/n; sleep 0.05; done'
    assert_success
    sleep 0.5
    pm_run pause p
    assert_success
    assert_equal "$(pm inspect p --format '{{.State.Status}}')" paused status
    local a b c
    a=$(pm_shm_read p n)
    sleep 1
    b=$(pm_shm_read p n)
    assert_equal "$b" "$a" "counter while paused"
    pm_run unpause p
    assert_success
    sleep 0.5
    c=$(pm exec p cat /dev/shm/n)
    [ "$c" -gt "$b" ] || fail "counter did not move after unpause: $b -> $c"
}

@test "podman top: the container's processes" {
    pm_run run -d --name top "$IMAGE" sh -c 'sleep 1000 & sleep 2000'
    assert_success
    sleep 0.5
    pm_run top top
    assert_success
    assert_output_contains "sleep 1000"
    assert_output_contains "sleep 2000"
    refute_output_contains "bats"
}

# ---- resources and security options ----------------------------------------------------

@test "podman run --memory: the limit is visible inside and enforced (OOM kill)" {
    pm_run run --rm --memory 32m --memory-swap 32m "$IMAGE" sh -c "$CGROUP_FILE memory memory.limit_in_bytes memory.max"
    assert_success
    assert_output 33554432
    # 100 MB in one buffer, touched: more than the limit.
    pm_run run --rm --memory 32m --memory-swap 32m "$IMAGE" dd if=/dev/zero of=/dev/null bs=100M count=1
    assert_failure 137
    pm_run run --rm --memory 256m --memory-swap 256m "$IMAGE" dd if=/dev/zero of=/dev/null bs=100M count=1
    assert_success
}

@test "podman run --pids-limit: the limit is visible inside and enforced (fork fails)" {
    pm_run run --rm --pids-limit 20 "$IMAGE" sh -c "$CGROUP_FILE pids pids.max pids.max"
    assert_success
    assert_output 20
    pm_run run --rm --pids-limit 20 "$IMAGE" sh -c 'for i in $(seq 40); do sleep 5 & done 2>&1; echo spawned'
    assert_output_contains "can't fork"
}

@test "podman run --network none: only the loopback interface" {
    pm_run run --rm --network none "$IMAGE" sh -c 'ls /sys/class/net'
    assert_success
    assert_output lo
}

@test "podman run --read-only: the root is read-only, its tmpfs are not and keep the image's files" {
    pm_run run --rm --read-only "$IMAGE" sh -c 'touch /made-here'
    assert_failure
    assert_output_contains "Read-only file system"
    pm_run run --rm --read-only "$IMAGE" sh -c 'touch /tmp/ok && echo tmp-writable'
    assert_success
    assert_output tmp-writable
    # podman asks for these tmpfs with "tmpcopyup": what the image has there is copied in.
    pm_run run --rm --read-only "$IMAGE" sh -c 'grep -c . /var/tmp/from-image/file; stat -c %a /var/tmp/from-image'
    assert_success
    assert_output "1
750"
    pm_run run --rm "$IMAGE" sh -c 'touch /made-here && echo root-writable'
    assert_success
    assert_output root-writable
}

@test "podman run --user: uid and gid" {
    pm_run run --rm --user 1000:1001 "$IMAGE" sh -c 'echo "$(id -u) $(id -g)"'
    assert_success
    assert_output "1000 1001"
    pm_run run -d --name u --user 1000:1001 "$IMAGE" sleep 1000
    assert_success
    pm_run exec u id -u
    assert_output 1000
}

@test "podman run --cap-drop/--cap-add: the capability sets in /proc/self/status" {
    pm_run run --rm --cap-drop all --cap-add NET_ADMIN "$IMAGE" sh -c 'grep -E "^Cap(Eff|Bnd)" /proc/self/status'
    assert_success
    # CAP_NET_ADMIN is bit 12.
    assert_output "CapEff:	0000000000001000
CapBnd:	0000000000001000"
    pm_run run --rm --cap-drop CHOWN "$IMAGE" chown 1000 /tmp
    assert_failure
    assert_output_contains "Operation not permitted"
    pm_run run --rm "$IMAGE" chown 1000 /tmp
    assert_success
    pm_run run -d --name c --cap-drop all --cap-add NET_ADMIN "$IMAGE" sleep 1000
    assert_success
    pm_run exec c grep ^CapEff /proc/self/status
    assert_output "CapEff:	0000000000001000"
}

@test "podman run --security-opt seccomp=profile: a denied syscall fails, also in exec" {
    local profile=$BATS_TEST_TMPDIR/seccomp.json
    cat >"$profile" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
    pm_run run --rm --security-opt "seccomp=$profile" "$IMAGE" mkdir /tmp/d
    assert_failure
    assert_output_contains "Operation not permitted"
    pm_run run --rm "$IMAGE" mkdir /tmp/d
    assert_success
    pm_run run -d --name s --security-opt "seccomp=$profile" "$IMAGE" sleep 1000
    assert_success
    pm_run exec s mkdir /tmp/d
    assert_failure
    assert_output_contains "Operation not permitted"
}
