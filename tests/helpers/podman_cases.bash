# shellcheck shell=bash
# SC2154: status, output and stderr are set by bats' run (or the suite's verbs).
# shellcheck disable=SC2016,SC2034,SC2154
# The test bodies tests/podman.bats (podman as root) and tests/podman_rootless.bats
# (podman as an unprivileged user) share: each suite's @test calls the case, and checks
# anything only it checks around it. A case drives podman through pm, pm_run and pm_cmd
# and runs $IMAGE, as helpers/podman (or helpers/podman_rootless, loaded after it) defines
# them.

# A container process that says it started and exits 0 on SIGTERM (saying so).
GRACEFUL='echo started; trap "echo got TERM; exit 0" TERM; while :; do sleep 0.1; done'

# ---- run, logs, stop, kill, rm ---------------------------------------------------------

podman_case_run_missing_program() {
    run -127 --separate-stderr pm run --rm "$IMAGE" no-such-program
    assert_failure 127
    [[ $stderr == *'executable file not found'* ]] || fail "podman did not show the runtime's error: $stderr"
    # The clean-up podman does after a failed create (delete --force) finds nothing to complain about.
    [[ $stderr != *"Removing container"* ]] || fail "clean-up after the failed create failed: $stderr"
    run -126 --separate-stderr pm run --rm "$IMAGE" /etc/passwd
    assert_failure 126
    [[ $stderr == *'ermission denied'* ]] || fail "podman did not show the runtime's error: $stderr"
}

# podman_start_graceful NAME: run -d of $GRACEFUL, until it said it started.
podman_start_graceful() {
    pm_run run -d --name "$1" "$IMAGE" sh -c "$GRACEFUL"
    assert_success
    pm_wait_log "$1" started
}

# podman_stop_graceful NAME: stop returns well before its timeout (SIGTERM reached the
# process), whose log shows it.
podman_stop_graceful() {
    local t0=$SECONDS
    pm_run stop -t 20 "$1"
    assert_success
    [ $((SECONDS - t0)) -lt 10 ] || fail "stop took $((SECONDS - t0)) s: SIGTERM was not delivered"
    pm_run logs "$1"
    assert_output "started
got TERM"
}

podman_case_kill_signal() {
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

podman_case_rm_force() {
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

# podman_case_restart: container r ($GRACEFUL) restarted: a new process, and the old one
# got SIGTERM.
podman_case_restart() {
    podman_start_graceful r
    local pid1 pid2
    pid1=$(pm inspect r --format '{{.State.Pid}}')
    pm_run restart -t 5 r
    assert_success
    pm_wait_status r running
    pid2=$(pm inspect r --format '{{.State.Pid}}')
    assert_not_equal "$pid2" "$pid1" "pid after restart"
    [ -d "/proc/$pid2" ] || fail "restarted process $pid2 not found"
    pm_wait_log r "got TERM"
}

podman_case_inspect_runtime() {
    pm_run run -d --name i "$IMAGE" sleep 1000
    assert_success
    assert_equal "$(pm inspect i --format '{{.OCIRuntime}}')" "$RUNTIME" OCIRuntime
}

# ---- exec ------------------------------------------------------------------------------

# podman_start_shm_writer NAME: a running container that wrote "x" to /dev/shm/mine.
podman_start_shm_writer() {
    pm_run run -d --name "$1" "$IMAGE" sh -c 'echo x >/dev/shm/mine; while :; do sleep 0.1; done'
    assert_success
}

# podman_check_exec_hostname NAME: exec in the container sees its hostname.
podman_check_exec_hostname() {
    pm_run exec "$1" hostname
    assert_success
    assert_equal "$output" "$(pm inspect "$1" --format '{{.Config.Hostname}}')" hostname
}

podman_case_exec_missing_program() {
    pm_run run -d --name e "$IMAGE" sleep 1000
    assert_success
    run -127 --separate-stderr pm exec e no-such-program
    assert_failure 127
    run -126 --separate-stderr pm exec e /etc/passwd
    assert_failure 126
}

podman_case_exec_tty() {
    pm_run run -d --name t "$IMAGE" sleep 1000
    assert_success
    run script -qec "$(pm_cmd) exec -t t sh -c 'tty; [ -t 0 ] && echo stdin-is-tty; exit 5'" /dev/null </dev/null
    assert_failure 5
    assert_output_contains /dev/pts/
    assert_output_contains stdin-is-tty
}

# podman_case_run_tty SCRIPT: run -t of `sh -c SCRIPT`, which exits 2, in a terminal.
podman_case_run_tty() {
    run script -qec "$(pm_cmd) run --rm -t $IMAGE sh -c '$1'" /dev/null </dev/null
    assert_failure 2
    assert_output_contains /dev/pts/0
}

# ---- top -------------------------------------------------------------------------------

podman_case_top() {
    pm_run run -d --name top "$IMAGE" sh -c 'sleep 1000 & sleep 2000'
    assert_success
    sleep 0.5
    pm_run top top
    assert_success
    assert_output_contains "sleep 1000"
    assert_output_contains "sleep 2000"
    refute_output_contains "bats"
}

# ---- network, file system and security options -----------------------------------------

podman_case_network_none() {
    pm_run run --rm --network none "$IMAGE" sh -c 'ls /sys/class/net'
    assert_success
    assert_output lo
}

podman_case_read_only_root() {
    pm_run run --rm --read-only "$IMAGE" sh -c 'touch /made-here'
    assert_failure
    assert_output_contains "Read-only file system"
}

podman_case_caps() {
    pm_run run --rm --cap-drop all --cap-add NET_ADMIN "$IMAGE" sh -c 'grep -E "^Cap(Eff|Bnd)" /proc/self/status'
    assert_success
    # CAP_NET_ADMIN is bit 12.
    assert_output "CapEff:	0000000000001000
CapBnd:	0000000000001000"
    pm_run run --rm --cap-drop CHOWN "$IMAGE" chown 1000 /tmp
    assert_failure
    assert_output_contains "Operation not permitted"
}

# podman_seccomp_profile FILE: a profile that makes mkdir and mkdirat fail with EPERM.
podman_seccomp_profile() {
    cat >"$1" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
}

# podman_case_seccomp_run PROFILE: mkdir fails in a container run with PROFILE.
podman_case_seccomp_run() {
    pm_run run --rm --security-opt "seccomp=$1" "$IMAGE" mkdir /tmp/d
    assert_failure
    assert_output_contains "Operation not permitted"
}

# podman_case_seccomp_exec PROFILE: and in a process exec'd in such a container.
podman_case_seccomp_exec() {
    pm_run run -d --name s --security-opt "seccomp=$1" "$IMAGE" sleep 1000
    assert_success
    pm_run exec s mkdir /tmp/d
    assert_failure
    assert_output_contains "Operation not permitted"
}
