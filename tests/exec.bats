#!/usr/bin/env bats
# `hull exec`: one more process in a running container, with runc's options; what it
# joins (namespaces, cgroup), what it gets (capabilities, rlimits, nnp, user), its exit
# status, --detach/--pid-file, the console socket, and the CVE classes that hit exec.

load helpers/common
load helpers/caps
load helpers/cgroups

: "${RECVTTY:=$TESTS_DIR/helpers/recvtty}"
: "${SECCOMP_LISTENER:=$TESTS_DIR/helpers/seccomp_listener}"

# A process that stays up and exits 0 on SIGTERM.
LOOP='trap "exit 0" TERM; while :; do sleep 0.1; done'

# start_loop [ID]: a running container (default c1) whose process waits for SIGTERM.
start_loop() {
    set_args sh -c "$LOOP"
    start_detached "${1:-c1}"
}

# exec_out ARGS...: run `hull exec ARGS`; stdout in $output, hull's stderr in $stderr.
exec_out() {
    run --separate-stderr hull exec "$@"
}

# ---- the basics -------------------------------------------------------------------------

@test "exec: output, and the exit status is the process's" {
    start_loop
    exec_out c1 sh -c 'echo hello from exec; exit 3'
    assert_failure 3
    assert_output "hello from exec"
    exec_out c1 true
    assert_success
}

@test "exec: a process killed by signal N gives 128+N" {
    start_loop
    exec_out c1 sh -c 'kill -9 $$'
    assert_failure 137
}

@test "exec: everything after the id belongs to the program, -- included" {
    start_loop
    exec_out c1 ls -d /proc
    assert_success
    assert_output /proc
    exec_out c1 -- echo -n x
    assert_success
    assert_output x
}

@test "exec: a user namespace whose maps leave out the overflow id 65534 (runc's 0-65533) can be joined" {
    enable_userns
    jq_edit '.linux.uidMappings[0].size = 65534 | .linux.gidMappings[0].size = 65534'
    start_loop
    exec_out c1 id -u
    assert_success
    assert_output 0
}

@test "exec: joins every namespace of the container, including user, cgroup and time" {
    enable_userns
    add_namespace cgroup
    add_namespace time
    start_loop
    local t same
    same=$(hull exec c1 sh -c 'for t in pid net ipc uts mnt user cgroup time; do
        [ "$(readlink /proc/1/ns/$t)" = "$(readlink /proc/self/ns/$t)" ] && echo "$t"; done')
    assert_equal "$(echo $same)" "pid net ipc uts mnt user cgroup time" "namespaces shared with the container's process"
    # ... and none of them is the host's.
    local cpid
    cpid=$(container_pid c1)
    for t in pid net ipc uts mnt user cgroup time; do
        assert_not_equal "$(readlink "/proc/$cpid/ns/$t")" "$(host_ns "$t")" "$t namespace"
    done
}

@test "exec: the process is in the container's pid namespace and mount namespace" {
    # /dev/shm is a tmpfs of the container's own: only its mount namespace sees the file.
    set_args sh -c "echo marker >/dev/shm/made-by-container; $LOOP"
    start_detached c1
    local tries=50
    until hull exec c1 test -s /dev/shm/made-by-container || [ $((tries -= 1)) -eq 0 ]; do
        sleep 0.1
    done
    exec_out c1 sh -c 'echo $$; cat /dev/shm/made-by-container; cat /proc/1/cmdline | tr "\0" " "'
    assert_success
    local lines
    mapfile -t lines <<<"$output"
    [ "${lines[0]}" -gt 1 ] || fail "exec'd process has pid ${lines[0]} in the container"
    assert_equal "${lines[1]}" marker "file written by the container"
    assert_equal "${lines[2]}" "sh -c echo marker >/dev/shm/made-by-container; $LOOP " "pid 1 of the namespace"
}

@test "exec: a container that is created but not started can be exec'd into" {
    set_args sh -c "$LOOP"
    create_container c1
    exec_out c1 echo created-ok
    assert_success
    assert_output created-ok
    assert_equal "$(container_state c1)" created status
}

@test "exec: a stopped container is refused clearly" {
    set_args true
    start_detached c1
    wait_status c1 stopped
    exec_out c1 true
    assert_failure
    assert_output_contains 'container "c1" is stopped'
}

@test "exec: the process joins the container's cgroup (every hierarchy)" {
    start_loop
    local pidfile=$BATS_TEST_TMPDIR/exec.pid
    run_hull_detached exec --detach --pid-file "$pidfile" c1 sleep 30
    assert_success
    local pid cpid
    pid=$(cat "$pidfile")
    cpid=$(container_pid c1)
    assert_equal "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$cpid/cgroup")" "cgroups of the exec'd process"
    assert_not_equal "$(cat "/proc/$pid/cgroup")" "$(cat /proc/self/cgroup)" "cgroups (the host's)"
    # ... so that delete --force kills it with the container.
    run_hull delete --force c1
    assert_success
    wait_gone "$pid" 5
}

# make_sub_cgroup PID NAME HIER...: mkdir NAME below the cgroup of PID in each HIER (a
# v1 cpuset cgroup takes no process until it has cpus and mems: its parent's).
make_sub_cgroup() {
    local pid=$1 name=$2 hier parent f
    shift 2
    for hier in "$@"; do
        parent=$(hier_mount "$hier")$(proc_cgroup "$pid" "$hier")
        mkdir "$parent/$name"
        for f in cpuset.cpus cpuset.mems; do
            [ "$hier" = unified ] || [ ! -e "$parent/$f" ] || cat "$parent/$f" >"$parent/$name/$f"
        done
    done
}

# exec_sleep_pid ARGS...: `hull exec --detach ARGS... c1 sleep 30`; echoes its pid.
exec_sleep_pid() {
    local pidfile=$BATS_TEST_TMPDIR/exec.pid
    rm -f "$pidfile"
    run_hull_detached exec --detach --pid-file "$pidfile" "$@" c1 sleep 30
    assert_success
    cat "$pidfile"
}

@test "exec --cgroup PATH: the process joins PATH below the container's cgroup in every hierarchy" {
    start_loop
    local cpid pid hier
    cpid=$(container_pid c1)
    # shellcheck disable=SC2046
    make_sub_cgroup "$cpid" sub $(host_hierarchies)
    pid=$(exec_sleep_pid --cgroup sub)
    for hier in $(host_hierarchies); do
        assert_equal "$(proc_cgroup "$pid" "$hier")" "$(proc_cgroup "$cpid" "$hier")/sub" "$hier cgroup of the exec'd process"
    done
    # "/" is the container's cgroup itself.
    pid=$(exec_sleep_pid --cgroup /)
    assert_equal "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$cpid/cgroup")" "cgroups of the exec'd process (--cgroup /)"
    # delete --force finds it in the sub-cgroup and removes the sub-cgroups too.
    run_hull delete --force c1
    assert_success
    wait_gone "$pid" 5
}

@test "exec --cgroup CTRL,CTRL:PATH: a sub-cgroup in those controllers' hierarchies only" {
    needs_controller memory
    needs_controller pids
    local mem pids
    mem=$(ctrl_hier memory)
    pids=$(ctrl_hier pids)
    [ "$mem" != "$pids" ] || skip "memory and pids share one hierarchy here"
    start_loop
    local cpid pid
    cpid=$(container_pid c1)
    make_sub_cgroup "$cpid" submem "$mem"
    make_sub_cgroup "$cpid" subpids "$pids"
    pid=$(exec_sleep_pid --cgroup memory:submem)
    assert_equal "$(proc_cgroup "$pid" "$mem")" "$(proc_cgroup "$cpid" "$mem")/submem" "memory cgroup"
    assert_equal "$(proc_cgroup "$pid" "$pids")" "$(proc_cgroup "$cpid" "$pids")" "pids cgroup (not named)"
    pid=$(exec_sleep_pid --cgroup memory:submem --cgroup pids:subpids)
    assert_equal "$(proc_cgroup "$pid" "$mem")" "$(proc_cgroup "$cpid" "$mem")/submem" "memory cgroup"
    assert_equal "$(proc_cgroup "$pid" "$pids")" "$(proc_cgroup "$cpid" "$pids")/subpids" "pids cgroup"
    make_sub_cgroup "$cpid" both "$mem" "$pids"
    pid=$(exec_sleep_pid --cgroup memory,pids:both)
    assert_equal "$(proc_cgroup "$pid" "$mem")" "$(proc_cgroup "$cpid" "$mem")/both" "memory cgroup"
    assert_equal "$(proc_cgroup "$pid" "$pids")" "$(proc_cgroup "$cpid" "$pids")/both" "pids cgroup"
}

@test "exec --cgroup: a path above the cgroup, a missing sub-cgroup, an unknown controller fail" {
    start_loop
    exec_out --cgroup .. c1 true
    assert_equal "$status" 255 "exit status"
    assert_output_contains "--cgroup: .. is not a sub cgroup path"
    exec_out --cgroup a/../../b c1 true
    assert_equal "$status" 255 "exit status"
    assert_output_contains "is not a sub cgroup path"
    exec_out --cgroup nonexistent c1 true
    assert_equal "$status" 255 "exit status"
    assert_output_contains "adding pid "
    assert_output_contains "/nonexistent/cgroup.procs: no such file or directory"
    exec_out --cgroup whaaat:/ c1 true
    assert_equal "$status" 255 "exit status"
    assert_output_contains "--cgroup whaaat:/: unknown controller whaaat"
    exec_out --cgroup a --cgroup b c1 true
    assert_equal "$status" 255 "exit status"
    assert_output_contains "--cgroup a: missing CONTROLLER: prefix"
    exec_out --cgroup memory:a:b c1 true
    assert_equal "$status" 255 "exit status"
    assert_output_contains "--cgroup memory:a:b: invalid argument"
}

@test "exec: the process starts with no signal ignored or blocked, whatever hull's caller had" {
    start_loop
    run --separate-stderr hull_with_signals_off exec c1 grep -E '^Sig(Blk|Ign):' /proc/self/status
    assert_success
    assert_output "$NO_SIGNALS_OFF"
}

@test "exec: a paused container is refused; with --ignore-paused the process runs once resumed" {
    start_loop
    run_hull pause c1
    assert_success
    exec_out c1 echo hi
    assert_failure
    assert_output_contains 'container "c1" is paused: cannot exec in a paused container'
    local out=$BATS_TEST_TMPDIR/late.out
    hull exec --ignore-paused c1 echo ran-after-resume >"$out" 2>&1 &
    local execpid=$!
    sleep 1
    [ ! -s "$out" ] || fail "the process ran in a paused container: $(cat "$out")"
    kill -0 "$execpid" 2>/dev/null || fail "exec --ignore-paused returned while the container was paused"
    run_hull resume c1
    assert_success
    wait "$execpid" || fail "exec failed: $(cat "$out")"
    assert_equal "$(cat "$out")" ran-after-resume output
}

@test "exec: an unknown container is refused" {
    exec_out nope true
    assert_failure
    assert_output_contains 'container "nope" does not exist'
}

@test "exec: a missing program says 'not found' (podman: 127), a non-executable one 'permission denied' (126)" {
    start_loop
    exec_out c1 no-such-program
    assert_failure 255
    assert_output_contains 'executable file not found in $PATH'
    exec_out c1 /no/such/file
    assert_failure 255
    assert_output_contains 'No such file or directory'
    exec_out c1 /etc/passwd
    assert_failure 255
    assert_output_contains 'Permission denied'
}

@test "exec: exits 255 when it cannot run the process (runc's code), whatever failed" {
    start_loop
    exec_out --pid-file /non-existent/directory c1 true
    assert_failure 255
    assert_output_contains '--pid-file /non-existent/directory'
    exec_out no_such_container true
    assert_failure 255
    # The process's own status is passed through, 255 only for hull's failures.
    exec_out c1 sh -c 'exit 42'
    assert_failure 42
}

@test "exec: --log --log-format json gets the error as a JSON line (what conmon reads)" {
    start_loop
    local log=$BATS_TEST_TMPDIR/oci-log
    run timeout 30 "$HULL" --root "$ROOT" --log-format=json --log "$log" exec c1 no-such-program
    assert_failure
    local line
    line=$(tail -n1 "$log")
    assert_equal "$(jq -r .level <<<"$line")" error level
    [[ $(jq -r .msg <<<"$line") == *'executable file not found in $PATH'* ]] || fail "msg: $line"
}

@test "exec: --debug prints runc's debug lines (level=debug, the steps), to --log when given" {
    start_loop
    run --separate-stderr "$HULL" --root "$ROOT" --debug exec c1 true
    assert_success
    local step
    for step in "nsexec container setup" "child process in init()" "setns_init: about to exec"; do
        grep -q "^time=\".*\" level=debug msg=\"$step" <<<"$stderr" || fail "no debug line \"$step\" in: $stderr"
    done
    local log=$BATS_TEST_TMPDIR/hull.log
    run --separate-stderr "$HULL" --root "$ROOT" --debug --log "$log" exec c1 true
    assert_success
    [[ $stderr != *level=debug* ]] || fail "debug lines on stderr with --log: $stderr"
    grep -q '^time=".*" level=debug msg="setns_init: about to exec' "$log" || fail "log: $(cat "$log")"
}

# ---- process settings --------------------------------------------------------------------

@test "exec: --env adds and replaces variables, --cwd and --user/--additional-gids apply" {
    jq_edit '.process.env = ["PATH=/bin", "KEEP=1", "A=old"]'
    start_loop
    mkdir -p "$BUNDLE/rootfs/srv"
    exec_out --env A=new -e B=2 --cwd /srv --user 1000:1000 --additional-gids 10 -g 20 c1 \
        sh -c 'echo "$KEEP $A $B"; pwd; hullcheck ids'
    assert_success
    assert_output "1 new 2
/srv
uid=1000 gid=1000 groups=10,20"
}

@test "exec: a relative program path (./prog, sub/prog) is found in --cwd" {
    start_loop
    mkdir -p "$BUNDLE/rootfs/srv/sub"
    printf '#!/bin/sh\necho "prog ran in $(pwd)"\n' >"$BUNDLE/rootfs/srv/prog"
    printf '#!/bin/sh\necho "sub/prog ran with $1"\n' >"$BUNDLE/rootfs/srv/sub/prog"
    chmod 755 "$BUNDLE/rootfs/srv/prog" "$BUNDLE/rootfs/srv/sub/prog"
    exec_out --cwd /srv c1 ./prog
    assert_success
    assert_output "prog ran in /srv"
    exec_out --cwd /srv c1 sub/prog arg1
    assert_success
    assert_output "sub/prog ran with arg1"
    # Without --cwd, process.cwd (/): no ./prog there.
    exec_out c1 ./prog
    assert_failure
    [[ $stderr == *'"./prog"'* ]] || fail "stderr: $stderr"
}

@test "exec: --user UID alone gives gid 0" {
    start_loop
    exec_out -u 1000 c1 hullcheck ids
    assert_success
    assert_output "uid=1000 gid=0 groups="
}

@test "exec: --process runs the process.json as given" {
    start_loop
    cat >"$BATS_TEST_TMPDIR/process.json" <<'EOF'
{"args": ["sh", "-c", "echo $GREETING; pwd; hullcheck ids; exit 5"],
 "env": ["PATH=/bin", "GREETING=from-process-json"], "cwd": "/tmp",
 "user": {"uid": 1000, "gid": 1000, "additionalGids": [30]}}
EOF
    exec_out --process "$BATS_TEST_TMPDIR/process.json" c1
    assert_failure 5
    assert_output "from-process-json
/tmp
uid=1000 gid=1000 groups=30"
}

@test "exec: --process with a bad field names it" {
    start_loop
    echo '{"args": ["true"], "cwd": "relative"}' >"$BATS_TEST_TMPDIR/process.json"
    exec_out --process "$BATS_TEST_TMPDIR/process.json" c1
    assert_failure
    assert_output_contains cwd
    echo '{"args": ["true"], "cwd": "/", "user": {"uid": "x"}}' >"$BATS_TEST_TMPDIR/process.json"
    exec_out --process "$BATS_TEST_TMPDIR/process.json" c1
    assert_failure
    assert_output_contains user.uid
}

@test "exec: the container's capabilities by default, --cap adds to bounding/effective/permitted" {
    local set
    for set in bounding effective permitted; do
        set_caps "$set" CAP_CHOWN CAP_KILL
    done
    start_loop
    exec_out c1 hullcheck caps
    assert_success
    local m
    m=$(capmask $CAP_CHOWN $CAP_KILL)
    assert_output "CapInh=$(capmask) CapPrm=$m CapEff=$m CapBnd=$m CapAmb=$(capmask)"
    exec_out --cap CAP_NET_ADMIN c1 hullcheck caps
    assert_success
    m=$(capmask $CAP_CHOWN $CAP_KILL $CAP_NET_ADMIN)
    assert_output "CapInh=$(capmask) CapPrm=$m CapEff=$m CapBnd=$m CapAmb=$(capmask)"
}

@test "exec: inheritable capabilities never exceed the spec's, --cap or not (CVE-2022-29162)" {
    local set
    for set in bounding effective permitted; do
        set_caps "$set" CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE
    done
    set_caps inheritable CAP_CHOWN
    jq_edit '.process.user = {uid: 1000, gid: 1000}'
    start_loop
    exec_out --cap CAP_NET_ADMIN --cap CAP_AUDIT_WRITE c1 hullcheck caps Inh
    assert_success
    assert_output "$(capmask $CAP_CHOWN)"
    # A --cap that the spec lets be inherited reaches the ambient set of a non-root user
    # (the kernel raises nothing else there); the others do not.
    exec_out --cap CAP_CHOWN --cap CAP_NET_ADMIN c1 sh -c 'hullcheck caps Amb; hullcheck caps Eff'
    assert_success
    assert_output "$(capmask $CAP_CHOWN)
$(capmask $CAP_CHOWN)"
}

@test "exec: --apparmor and --process-label are checked as create checks them" {
    start_loop
    # A profile that does not exist fails on a host with AppArmor, and any profile fails
    # (naming the field) on one without: either way the process does not run unconfined.
    exec_out --apparmor hull-no-such-profile c1 echo ran
    assert_failure
    refute_output_contains ran
    assert_output_contains apparmor
    if [ ! -d /sys/fs/selinux ]; then
        exec_out --process-label system_u:system_r:container_t:s0 c1 echo ran
        assert_failure
        assert_output_contains "process.selinuxLabel"
    fi
}

@test "exec: an unknown --cap is refused naming it" {
    start_loop
    exec_out --cap CAP_NOT_REAL c1 true
    assert_failure
    assert_output_contains CAP_NOT_REAL
}

@test "exec: the container's rlimits apply, whatever the caller's are" {
    jq_edit '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 300, hard: 400}]'
    start_loop
    # The caller's own limit differs: the exec'd process must not just inherit it.
    run --separate-stderr bash -c 'ulimit -Sn 200; "$@"' _ timeout 30 "$HULL" --root "$ROOT" exec c1 hullcheck rlimit NOFILE
    assert_success
    assert_output "300 400"
}

@test "exec: --process rlimits replace the container's" {
    jq_edit '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 300, hard: 400}]'
    start_loop
    echo '{"args": ["hullcheck", "rlimit", "NOFILE"], "cwd": "/", "env": ["PATH=/bin"],
           "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 64, "hard": 128}]}' >"$BATS_TEST_TMPDIR/p.json"
    exec_out --process "$BATS_TEST_TMPDIR/p.json" c1
    assert_success
    assert_output "64 128"
}

@test "exec: noNewPrivileges from the container, or from --no-new-privs" {
    jq_edit '.process.noNewPrivileges = false'
    start_loop
    exec_out c1 hullcheck nnp
    assert_output 0
    exec_out --no-new-privs c1 hullcheck nnp
    assert_output 1
    jq_edit '.process.noNewPrivileges = true'
    start_loop c2
    exec_out c2 hullcheck nnp
    assert_output 1
}

@test "exec: only 0, 1, 2 reach the process, and --preserve-fds N passes 3 .. 3+N-1" {
    start_loop
    echo preserved-content >"$BATS_TEST_TMPDIR/f"
    run --separate-stderr hull exec c1 hullcheck fds 3<"$BATS_TEST_TMPDIR/f" 4<"$BATS_TEST_TMPDIR/f"
    assert_success
    assert_output "0 1 2"
    run --separate-stderr hull exec --preserve-fds 1 c1 sh -c 'cat <&3; hullcheck fds' \
        3<"$BATS_TEST_TMPDIR/f" 4<"$BATS_TEST_TMPDIR/f"
    assert_success
    assert_output "preserved-content
0 1 2 3"
}

@test "exec: --preserve-fds never passes hull's own descriptors" {
    start_loop
    # fds 3..9 are not open in the caller: whatever hull opens must not land there and leak.
    run --separate-stderr hull exec --preserve-fds 7 c1 sh -c 'for f in 3 4 5 6 7 8 9; do readlink /proc/self/fd/$f; done' \
        3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
    assert_success
    local link
    for link in $output; do
        assert_equal "$link" /dev/null "a preserved fd the caller did not open"
    done
}

@test "exec: the container's seccomp filter applies to the exec'd process" {
    jq_edit '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13}]}'
    start_loop
    exec_out c1 hullcheck syscall mkdir /dev/shm/d 0755
    assert_failure
    assert_output EACCES
    # Without noNewPrivileges, as a non-root user, it is loaded all the same.
    jq_edit '.process.noNewPrivileges = false'
    start_loop c2
    exec_out -u 1000:1000 c2 hullcheck syscall mkdir /dev/shm/d 0755
    assert_failure
    assert_output EACCES
    exec_out c2 hullcheck syscall rmdir /dev/shm/nothing
    assert_output_contains ENOENT
}

@test "exec: SCMP_ACT_NOTIFY sends the exec'd process's own notify fd and state to the listener" {
    [ -x "$SECCOMP_LISTENER" ] || fail "SECCOMP_LISTENER ($SECCOMP_LISTENER) is not built (make check)"
    local sock=$BATS_TEST_TMPDIR/agent.sock
    jq_edit '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $s,
        syscalls: [{names: ["mkdir"], action: "SCMP_ACT_NOTIFY"}]}' --arg s "$sock"
    # One listener for the container's process, a second one (same path) for the exec.
    "$SECCOMP_LISTENER" "$sock" "$BATS_TEST_TMPDIR/state1" errno=1 >"$BATS_TEST_TMPDIR/l1" 2>&1 3>&- &
    local l1=$!
    wait_file "$sock" 5 2>/dev/null || [ -S "$sock" ] || fail "listener 1 did not come up"
    start_loop
    wait_file "$BATS_TEST_TMPDIR/state1" 5
    "$SECCOMP_LISTENER" "$sock" "$BATS_TEST_TMPDIR/state2" errno=13 >"$BATS_TEST_TMPDIR/l2" 2>&1 3>&- &
    local l2=$!
    sleep 0.3
    exec_out c1 sh -c 'hullcheck syscall mkdir /dev/shm/d 0755; echo $$'
    kill "$l1" "$l2" 2>/dev/null || true
    assert_success
    assert_equal "${lines[0]}" EACCES "mkdir in exec, answered by the second listener"
    local cpid
    cpid=$(container_pid c1)
    run jq -r '[(.fds | join(",")), .state.id, .state.pid] | join(" ")' "$BATS_TEST_TMPDIR/state2"
    assert_output "seccompFd c1 $cpid"
    local epid
    epid=$(jq -r .pid "$BATS_TEST_TMPDIR/state2")
    assert_not_equal "$epid" "$cpid" "pid in the exec'd process's state"
    assert_match "$epid" '^[1-9][0-9]*$' pid
}

# ---- --detach, --pid-file, terminals ---------------------------------------------------

@test "exec --detach --pid-file: returns at once; the pid file holds the process, which hull left alone" {
    start_loop
    local pidfile=$BATS_TEST_TMPDIR/exec.pid
    run_hull_detached exec --detach --pid-file "$pidfile" c1 sleep 30
    assert_success
    local pid
    pid=$(cat "$pidfile")
    assert_match "$pid" '^[1-9][0-9]*$' pid
    assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 30 " "cmdline"
    assert_equal "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$(container_pid c1)/ns/pid")" "pid namespace"
    # hull exec itself is gone: its process was reparented, nothing of hull is left.
    local ppid
    ppid=$(awk '{ print $4 }' "/proc/$pid/stat")
    [ "$(cat "/proc/$ppid/comm")" != hull ] || fail "parent $ppid is still hull"
    ! pgrep -f -- "--root $ROOT exec" >/dev/null || fail "a hull exec is left: $(pgrep -af -- "--root $ROOT exec")"
    kill -9 "$pid"
}

@test "exec -t: a terminal without console socket is relayed to ours (through script)" {
    start_loop
    SCRIPT_INPUT=typed-line in_script "$(hull_cmd) exec -t c1 sh -c 'tty; read x; echo got \$x; exit 6'"
    assert_failure 6
    assert_output_contains /dev/pts/0
    assert_output_contains "got typed-line"
}

@test "exec --tty --console-socket --detach: the pty master goes to the socket, the process has the slave" {
    [ -x "${RECVTTY:-}" ] || fail "RECVTTY ($RECVTTY) is not built (make tests/helpers/recvtty)"
    start_loop
    local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/tty.out
    "$RECVTTY" -n "$BATS_TEST_TMPDIR/name" -i 'line-in\n' -w 25x91 "$sock" >"$out" 2>&1 &
    local recv=$!
    wait_file "$sock" 5 2>/dev/null || [ -S "$sock" ] || fail "recvtty did not listen"
    run_hull_detached exec --tty --console-socket "$sock" --detach --pid-file "$BATS_TEST_TMPDIR/pid" \
        c1 sh -c 'read x; echo "got $x"; tty; stty size'
    assert_success
    wait "$recv" || fail "recvtty failed: $(cat "$out")"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/name")" /dev/ptmx "name sent with the fd"
    grep -q "got line-in" "$out" || fail "input did not reach the process: $(cat "$out")"
    grep -q "^/dev/pts/[0-9]" "$out" || fail "stdin is not a pty: $(cat "$out")"
    grep -q "^25 91" "$out" || fail "window size: $(cat "$out")"
}

@test "exec: --tty --detach without a console socket, or a console socket without tty, is refused" {
    start_loop
    run_hull_detached exec --tty --detach c1 true
    assert_failure
    assert_output_contains console-socket
    run_hull_detached exec --console-socket "$BATS_TEST_TMPDIR/s" c1 true
    assert_failure
    assert_output_contains "--console-socket needs a terminal"
}

# ---- CVE-2019-5736: the joining process is not dumpable --------------------------------

# The container's process is an attacker: it scans /proc and tries to open /proc/N/exe
# of every process, recording the process's name and, when it got in, the size of what
# it opened. It runs in a user namespace with CAP_SYS_PTRACE there: the only thing left
# between it and /proc/N/exe of a process that joins the container (named "hull" until
# its execve) is that process being non-dumpable.
ATTACKER='
while :; do
  for d in /proc/[0-9]*; do
    n=${d#/proc/}
    [ "$n" = "$$" ] && continue
    if s=$(wc -c <"$d/exe" 2>/dev/null); then
      echo "opened $n $(cat "$d/comm" 2>/dev/null) $s" >>/dev/shm/scan
    else
      echo "denied $n $(cat "$d/comm" 2>/dev/null)" >>/dev/shm/scan
    fi
  done
done'

@test "exec: no process of the container can open hull's binary through /proc/PID/exe while exec joins (CVE-2019-5736)" {
    enable_userns
    local set
    for set in bounding effective permitted; do
        set_caps "$set" CAP_SYS_PTRACE CAP_KILL CAP_CHOWN
    done
    set_args sh -c "$ATTACKER"
    # A long $PATH of symlink chains keeps the joining process busy looking up its program
    # (before it switches to the container's user), so that the attacker sees it.
    local i path=
    for i in $(seq 0 38); do
        ln -s "/l$((i + 1))" "$BUNDLE/rootfs/l$i"
    done
    for i in $(seq 2000); do
        path+="/l0:"
    done
    start_detached c1
    for i in 1 2 3; do
        run_hull exec -e "PATH=${path}/bin" c1 true
        assert_success
    done
    run_hull exec c1 cat /dev/shm/scan
    assert_success
    local hull_size
    hull_size=$(stat -c %s "$HULL")
    if grep -Eq "^opened [0-9]+ (hull .*|.* $hull_size)\$" <<<"$output"; then
        fail "the container opened the hull binary: $(grep -E "hull|$hull_size" <<<"$output" | head -3)"
    fi
    # The attacker did see the joining processes (and was refused them).
    grep -Eq '^denied [0-9]+ hull$' <<<"$output" ||
        fail "the attacker never saw a joining process; scan: $(cut -d' ' -f1,3 <<<"$output" | sort | uniq -c)"
}
