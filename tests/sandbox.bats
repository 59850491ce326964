#!/usr/bin/env bats
# hull sandbox (issue 7): one host command isolated, bubblewrap-style, through the same
# engine as `hull run`.  Every check runs twice: as root, and as an unprivileged user
# (rootless: a user namespace mapping the caller's own uid, no cgroup).
#
# The unprivileged runs use copies of hull and hullcheck in a directory anyone may read,
# and a workspace owned by that user: the build tree and bats' temp dirs may be closed to it.

load helpers/common

SANDBOX_USER=hull-sandbox-test

setup_file() {
    id "$SANDBOX_USER" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$SANDBOX_USER"
}

setup() {
    common_setup
    # Not under /tmp: the sandbox has a /tmp of its own.
    SHARED=$(mktemp -d /var/tmp/hull-sandbox.XXXXXX)
    chmod 755 "$SHARED"
    cp "$HULL" "$SHARED/hull"
    cp "$HULLCHECK" "$SHARED/hullcheck"
    WS=$SHARED/ws
    mkdir "$WS" "$SHARED/xdg"
    chown "$SANDBOX_USER" "$WS" "$SHARED/xdg"
    chmod 700 "$SHARED/xdg"
    # Both root (without capabilities in the sandbox) and the user write here.
    chmod 777 "$WS"
    IPC_IDS=
}

teardown() {
    [ -n "$IPC_IDS" ] && "$HULLCHECK" ipc-host-cleanup $IPC_IDS >/dev/null 2>&1
    rm -rf "$SHARED" /dev/shm/hull-sandbox-host.*
    common_teardown
}

# sb AS -- ARGS...: run `hull sandbox ARGS...` from the workspace, as root (AS=root) or
# as the unprivileged user (AS=user); sets $status, $output (stdout) and $stderr.
sb() {
    local as=$1
    shift
    local cmd
    cmd="cd $(printf %q "$WS") && exec $(printf %q "$SHARED/hull")"
    [ "$as" = root ] && cmd+=" --root $(printf %q "$ROOT")"
    cmd+=" sandbox"
    local a
    for a in "$@"; do cmd+=" $(printf %q "$a")"; done
    if [ "$as" = root ]; then
        run --separate-stderr timeout 30 bash -c "$cmd"
    else
        run --separate-stderr timeout 30 setpriv --reuid "$SANDBOX_USER" --regid "$SANDBOX_USER" \
            --clear-groups --reset-env bash -c "export XDG_RUNTIME_DIR=$(printf %q "$SHARED")/xdg; $cmd"
    fi
    _show_run
}

# both CHECK: CHECK root, then CHECK user.  Not `CHECK || ...`: that would turn off
# errexit inside CHECK, and its assertions with it.
both() {
    echo "== as root" >&2
    "$@" root
    echo "== as $SANDBOX_USER" >&2
    "$@" user
}

check_exit_status() {
    sb "$1" -- sh -c 'exit 7'
    assert_equal "$status" 7 "exit status"
}
@test "sandbox: the exit status is the command's" { both check_exit_status; }

check_relative_program() {
    printf '#!/bin/sh\necho "build ran in $(pwd)"\n' >"$WS/build.sh"
    mkdir -p "$WS/scripts"
    printf '#!/bin/sh\necho "scripts/test.sh ran with $1"\n' >"$WS/scripts/test.sh"
    chmod 755 "$WS/build.sh" "$WS/scripts/test.sh"
    sb "$1" -- ./build.sh
    assert_success
    assert_output "build ran in $WS"
    sb "$1" -- scripts/test.sh arg1
    assert_success
    assert_output "scripts/test.sh ran with arg1"
}
@test "sandbox: a relative program path (./build.sh, sub/x.sh) is found in the working directory" {
    both check_relative_program
}

check_namespaces() {
    sb "$1" -- sh -c 'echo $$; for n in user pid ipc uts mnt net; do readlink /proc/self/ns/$n; done'
    assert_success
    assert_equal "$(sed -n 1p <<<"$output")" 1 "PID of the command"
    local n i=2
    for n in user pid ipc uts mnt net; do
        assert_not_equal "$(sed -n ${i}p <<<"$output")" "$(readlink /proc/self/ns/$n)" "$n namespace"
        i=$((i + 1))
    done
}
@test "sandbox: new user, pid, ipc, uts, mount and network namespaces; the command is PID 1" {
    both check_namespaces
}

check_sysv_ipc() {
    local ids
    ids=$("$HULLCHECK" ipc-host-setup 0x48554c4c)
    IPC_IDS=$ids
    local shm=${ids#shm=}; shm=${shm%% *}
    sb "$1" -- sh -c "$SHARED/hullcheck shm-attach $shm; $SHARED/hullcheck shm-get 0x48554c4c;
                      $SHARED/hullcheck sem-get 0x48554c4d; $SHARED/hullcheck msg-get 0x48554c4e;
                      cat /proc/sysvipc/shm | wc -l"
    assert_output "EINVAL
ENOENT
ENOENT
ENOENT
1"
    "$HULLCHECK" ipc-host-cleanup $IPC_IDS >/dev/null
    IPC_IDS=
}
@test "sandbox: the host's System V shm, semaphores and message queues are unreachable" {
    both check_sysv_ipc
}

check_dev_shm() {
    local host=/dev/shm/hull-sandbox-host.$$
    echo host >"$host"
    sb "$1" -- sh -c "ls /dev/shm; echo inside >/dev/shm/mine && cat /dev/shm/mine; $SHARED/hullcheck shm-open /sbx"
    rm -f "$host"
    assert_success
    assert_output "inside
ok"
    [ ! -e /dev/shm/mine ] || fail "a file written in the sandbox's /dev/shm reached the host"
}
@test "sandbox: /dev/shm works inside and is not the host's" { both check_dev_shm; }

check_unix_socket() {
    sb "$1" -- "$SHARED/hullcheck" unix-socket "$WS/sock"
    assert_success
    assert_output ok
}
@test "sandbox: a UNIX socket can be made and used in the workspace" { both check_unix_socket; }

check_writes() {
    sb "$1" -- sh -c 'echo ws >ws-file-$0 && cat ws-file-$0; touch /etc/hull-sandbox-x 2>&1;
                      touch /var/hull-sandbox-x 2>&1; echo t >/tmp/t && cat /tmp/t' "$1"
    assert_success
    [[ $output == ws$'\n'*"Read-only file system"*"Read-only file system"*t ]] ||
        fail "unexpected: $output"
    [ -f "$WS/ws-file-$1" ] || fail "the workspace write did not reach the host"
    [ ! -e /etc/hull-sandbox-x ] && [ ! -e /var/hull-sandbox-x ] || fail "a write outside the workspace reached the host"
    [ ! -e /tmp/t ] || [ "$(cat /tmp/t)" != t ] || fail "the sandbox's /tmp is the host's"
}
@test "sandbox: the workspace is writable, the rest of the host is not, /tmp is private" {
    both check_writes
}

check_network() {
    sb "$1" -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
    assert_success
    assert_output lo
    sb "$1" --share-net -- sh -c 'tail -n +3 /proc/net/dev | wc -l'
    assert_success
    assert_equal "$output" "$(tail -n +3 /proc/net/dev | wc -l)" "interfaces with --share-net"
}
@test "sandbox: no network but lo without --share-net; the host's with it" { both check_network; }

check_processes() {
    sleep 1000 &
    local host_sleep=$!
    sb "$1" -- sh -c 'cat /proc/[0-9]*/cmdline | tr "\0" " "; echo; cat /proc/1/comm'
    kill "$host_sleep"
    assert_success
    [[ $output != *"sleep 1000"* ]] || fail "a host process is visible: $output"
    assert_equal "$(tail -n 1 <<<"$output")" sh "PID 1"
}
@test "sandbox: no host process is visible" { both check_processes; }

check_fds() {
    exec 7</etc/hostname
    sb "$1" -- "$SHARED/hullcheck" fds
    exec 7<&-
    assert_success
    assert_output "0 1 2"
}
@test "sandbox: a host fd does not leak in" { both check_fds; }

check_privileges() {
    sb "$1" -- sh -c 'grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t " " "'
    assert_success
    assert_output "CapEff: 0000000000000000
CapBnd: 0000000000000000
NoNewPrivs: 1
Seccomp: 2"
    sb "$1" -- "$SHARED/hullcheck" syscall 272 0  # unshare(2) on x86_64
    assert_output EPERM
}
@test "sandbox: no capabilities, no new privileges, the default seccomp filter refuses unshare" {
    both check_privileges
}

check_options() {
    mkdir -p "$SHARED/ro" "$SHARED/rw"
    echo data >"$SHARED/ro/f"
    chmod -R a+rwX "$SHARED/ro" "$SHARED/rw"
    sb "$1" --ro-bind "$SHARED/ro" /mnt --bind "$SHARED/rw" /opt --tmpfs /srv \
        --setenv HULL_X 1 --unsetenv HOME --chdir /srv --hostname sbx -- \
        sh -c 'cat /mnt/f; touch /mnt/g 2>&1; echo w >/opt/w; pwd; touch ok && echo srv;
               echo "x=$HULL_X home=${HOME-unset}"; hostname'
    assert_success
    [[ $output == data$'\n'*"Read-only file system"*$'\n/srv\nsrv\nx=1 home=unset\nsbx' ]] ||
        fail "unexpected: $output"
    [ "$(cat "$SHARED/rw/w")" = w ] || fail "--bind did not write through"
}
@test "sandbox: --ro-bind, --bind, --tmpfs, --setenv, --unsetenv, --chdir, --hostname" {
    both check_options
}

check_profile() {
    cat >"$SHARED/profile.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
JSON
    sb "$1" --seccomp-profile "$SHARED/profile.json" -- "$SHARED/hullcheck" mkdir "$WS/d"
    assert_output EACCES
}
@test "sandbox: --seccomp-profile replaces the default filter" { both check_profile; }

check_dies_with_parent() {
    local cmd="cd $WS && exec $SHARED/hull"
    [ "$1" = root ] && cmd+=" --root $ROOT"
    cmd+=" sandbox -- sleep 9731"
    if [ "$1" = root ]; then
        sh -c "$cmd" >/dev/null 2>&1 &
    else
        setpriv --reuid "$SANDBOX_USER" --regid "$SANDBOX_USER" --clear-groups --reset-env \
            sh -c "export XDG_RUNTIME_DIR=$SHARED/xdg; $cmd" >/dev/null 2>&1 &
    fi
    local hullpid=$! sleeper= i
    for i in $(seq 100); do
        sleeper=$(pgrep -f -x 'sleep 9731' | head -1)
        [ -n "$sleeper" ] && break
        sleep 0.05
    done
    [ -n "$sleeper" ] || fail "the sandboxed sleep never started"
    kill -9 "$hullpid"
    for i in $(seq 100); do
        kill -0 "$sleeper" 2>/dev/null || return 0
        sleep 0.05
    done
    fail "the sandboxed command outlived hull"
}
@test "sandbox: the command dies with hull" { both check_dies_with_parent; }

check_print_config() {
    sb "$1" --print-config --hostname printed -- sh -c 'hostname; echo $$'
    assert_success
    local bundle=$SHARED/bundle-$1
    mkdir -p "$bundle"
    printf '%s\n' "$output" >"$bundle/config.json"
    chmod -R a+rX "$bundle"
    if [ "$1" = root ]; then
        run --separate-stderr "$SHARED/hull" --root "$ROOT" run -b "$bundle" printed
    else
        run --separate-stderr setpriv --reuid "$SANDBOX_USER" --regid "$SANDBOX_USER" --clear-groups \
            --reset-env sh -c "cd $WS && XDG_RUNTIME_DIR=$SHARED/xdg $SHARED/hull run -b $bundle printed"
    fi
    _show_run
    assert_success
    assert_output "printed
1"
}
@test "sandbox: --print-config output runs unchanged with hull run" { both check_print_config; }

@test "sandbox: a command is required" {
    sb root --share-net
    assert_failure
    assert_output_contains "a command to run is required"
}
