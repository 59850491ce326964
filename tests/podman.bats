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
load helpers/podman_cases

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

# ---- run, logs, stop, kill, rm ---------------------------------------------------------

@test "podman run --rm: the output and the exit code, and nothing left" {
    pm_run run --rm "$IMAGE" sh -c 'echo hello from the container; exit 3'
    assert_failure 3
    assert_output "hello from the container"
    pm_run ps -aq
    assert_output ""
}

@test "podman run: a missing program is 127, a non-executable one 126, with the runtime's message" {
    podman_case_run_missing_program
}

@test "podman run -d, logs, stop: the container stops gracefully on SIGTERM" {
    podman_start_graceful web
    podman_stop_graceful web
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
    podman_case_kill_signal
}

@test "podman rm -f: a running container is killed and removed" {
    podman_case_rm_force
}

@test "podman restart: a new process, the same container" {
    podman_case_restart
    local n=0 tries=50
    until [ "$n" -ge 2 ] || [ $((tries -= 1)) -eq 0 ]; do
        n=$(pm logs r | grep -c started)
        sleep 0.1
    done
    assert_equal "$n" 2 "times started"
}

@test "podman inspect: the container's runtime is the one under test" {
    podman_case_inspect_runtime
}

# ---- exec ------------------------------------------------------------------------------

@test "podman exec: the output and the exit code, in the container" {
    podman_start_shm_writer e
    pm_run exec e sh -c 'cat /dev/shm/mine; echo "pid $$"; exit 4'
    assert_failure 4
    assert_output "x
pid ${output##*pid }"
    [ "${output##*pid }" -gt 1 ] || fail "exec'd process is pid 1?"
    podman_check_exec_hostname e
}

@test "podman exec: a missing program is 127, a non-executable one 126" {
    podman_case_exec_missing_program
}

@test "podman exec -t: the process has a terminal (through script)" {
    podman_case_exec_tty
}

@test "podman run -t: the container has a terminal (through script)" {
    podman_case_run_tty 'tty; stty size; exit 2'
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
    podman_case_top
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
    podman_case_network_none
}

@test "podman run --read-only: the root is read-only, its tmpfs are not and keep the image's files" {
    podman_case_read_only_root
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
    podman_case_caps
    pm_run run --rm "$IMAGE" chown 1000 /tmp
    assert_success
    pm_run run -d --name c --cap-drop all --cap-add NET_ADMIN "$IMAGE" sleep 1000
    assert_success
    pm_run exec c grep ^CapEff /proc/self/status
    assert_output "CapEff:	0000000000001000"
}

@test "podman run --security-opt seccomp=profile: a denied syscall fails, also in exec" {
    local profile=$BATS_TEST_TMPDIR/seccomp.json
    podman_seccomp_profile "$profile"
    podman_case_seccomp_run "$profile"
    pm_run run --rm "$IMAGE" mkdir /tmp/d
    assert_success
    podman_case_seccomp_exec "$profile"
}
