#!/usr/bin/env bats
# hull sandbox (issue 15): every channel to the host is closed, tried from inside as an
# unprivileged user, the way a sandboxed command would: the caller's terminal (TIOCSTI,
# TIOCLINUX), the host's unix sockets by path (in any directory, in $XDG_RUNTIME_DIR and
# /run/user) and abstract ones (with and without --share-net), signals and ptrace of host
# processes, the kernel keyring and POSIX message queues.  System V IPC, /dev/shm and the
# network are in sandbox.bats.  Each test makes the same attempt outside the sandbox (or
# with the channel bound in on purpose) and sees it succeed, so that it can fail.

load helpers/common
load helpers/sandbox

setup_file() {
    sandbox_ensure_user
}

setup() {
    sandbox_setup
    MQ=
    RUN_USER_DIR=
}

teardown() {
    [ -z "$MQ" ] || as_sandbox_user "$SHARED/hullcheck" mq-unlink "$MQ" >/dev/null 2>&1 || true
    [ -z "$RUN_USER_DIR" ] || rm -rf "$RUN_USER_DIR"
    sandbox_teardown
}

# ---- the terminal ------------------------------------------------------------------

# Under script(1) the command's terminal is the controlling terminal of the shell that
# started hull: what TIOCSTI pushes there, that shell reads once the sandbox is gone.
@test "channels: TIOCSTI cannot push input to the caller's shell (new session, seccomp)" {
    local push="$SHARED/hullcheck tty-ioctl 0 TIOCSTI pushed"
    # The shell's first line read, once the terminal has a second one ("typed"). Empty
    # reads are skipped: script(1) may have passed its stdin's end (^D) on first.
    local then_read="$SHARED/hullcheck tty-ioctl 0 TIOCSTI typed; for i in 1 2 3; do read line; [ -n \"\$line\" ] && break; done; echo \"shell read: \$line\""
    user_script "$push; $then_read"
    assert_output_contains "shell read: pushed"$'\r'
    user_script "$(sb_cmdline user -- sh -c "$push"); $then_read"
    assert_output_contains EPERM
    assert_output_contains "shell read: typed"$'\r'
}

@test "channels: the new session alone refuses TIOCSTI (a profile that allows every ioctl)" {
    echo '{"defaultAction": "SCMP_ACT_ALLOW"}' >"$SHARED/allow.json"
    chmod 644 "$SHARED/allow.json"
    user_script "$(sb_cmdline user --seccomp-profile "$SHARED/allow.json" -- \
        sh -c "$SHARED/hullcheck tty-ioctl 0 TIOCSTI x; cut -d' ' -f6,7 /proc/self/stat")"
    assert_output_contains EPERM
    # Its own session (led by PID 1, the command), and no controlling terminal.
    assert_output_contains "1 0"
}

@test "channels: the default profile alone refuses TIOCSTI and TIOCLINUX" {
    # A terminal that is the command's own controlling one: only the filter stops TIOCSTI.
    sb user -- "$SHARED/hullcheck" own-pty-tiocsti
    assert_output EPERM
    echo '{"defaultAction": "SCMP_ACT_ALLOW"}' >"$SHARED/allow.json"
    chmod 644 "$SHARED/allow.json"
    sb user --seccomp-profile "$SHARED/allow.json" -- "$SHARED/hullcheck" own-pty-tiocsti
    assert_output ok
    # TIOCLINUX: a pty answers ENOTTY (no virtual console), the filter EPERM before that.
    user_script "$SHARED/hullcheck tty-ioctl 0 TIOCLINUX"
    assert_output_contains ENOTTY
    user_script "$(sb_cmdline user -- "$SHARED/hullcheck" tty-ioctl 0 TIOCLINUX)"
    assert_output_contains EPERM
}

@test "channels: --tty gives an interactive command a pty of its own, not the caller's" {
    SCRIPT_INPUT=typed-line user_script "$(sb_cmdline user --tty -- \
        sh -c "tty; echo pts: \$(ls /dev/pts); cut -d' ' -f6 /proc/self/stat; $SHARED/hullcheck tty-ioctl 0 TIOCSTI x; read x; echo got \$x")"
    assert_success
    # A pty of the sandbox's own devpts (where the caller's terminal does not exist),
    # the controlling terminal of the command's session; input reaches the command.
    assert_output_contains "/dev/pts/0"$'\r'
    assert_output_contains "pts: 0 ptmx"$'\r'
    assert_output_contains $'\n1\r'
    assert_output_contains "got typed-line"
    # TIOCSTI is refused on it too.
    assert_output_contains EPERM
}

# ---- unix sockets with a path -------------------------------------------------------

@test "channels: a host listening socket by path is unreachable; --bind passes it in" {
    mkdir "$SHARED/host"
    chown "$SANDBOX_USER" "$SHARED/host"
    user_listener "$SHARED/host/sock"
    run as_sandbox_user "$SHARED/hullcheck" unix-connect "$SHARED/host/sock"
    assert_output ok
    sb user -- "$SHARED/hullcheck" unix-connect "$SHARED/host/sock"
    assert_output ECONNREFUSED
    sb user --bind "$SHARED/host" /mnt -- "$SHARED/hullcheck" unix-connect /mnt/sock
    assert_output ok
    sb user --ro-bind "$SHARED/host/sock" "$SHARED/host/sock" -- "$SHARED/hullcheck" unix-connect "$SHARED/host/sock"
    assert_output ok
}

@test "channels: a socket made in the workspace, and one of the host there, work" {
    user_listener "$WS/host.sock"
    sb user -- sh -c "$SHARED/hullcheck unix-connect $WS/host.sock; $SHARED/hullcheck unix-socket $WS/own.sock"
    assert_output "ok
ok"
}

@test "channels: \$XDG_RUNTIME_DIR and /run/user are empty; a bound socket there works" {
    user_listener "$XDG/bus"
    run as_sandbox_user "$SHARED/hullcheck" unix-connect "$XDG/bus"
    assert_output ok
    # A session directory under /run/user, as logind makes them.
    mkdir -p /run/user
    RUN_USER_DIR=$(mktemp -d /run/user/hull-sandbox.XXXXXX)
    chown "$SANDBOX_USER" "$RUN_USER_DIR"
    user_listener "$RUN_USER_DIR/bus"
    sb user -- sh -c "ls -A $XDG; ls -A /run/user; $SHARED/hullcheck unix-connect $XDG/bus;
                      $SHARED/hullcheck unix-connect $RUN_USER_DIR/bus"
    assert_output "ENOENT
ENOENT"
    sb user --bind "$XDG/bus" "$XDG/bus" -- "$SHARED/hullcheck" unix-connect "$XDG/bus"
    assert_output ok
}

# ---- abstract unix sockets ----------------------------------------------------------

@test "channels: host abstract sockets are unreachable, with --share-net too (Landlock)" {
    local name=@hull-sandbox-$$-$RANDOM
    user_listener "$name"
    run as_sandbox_user "$SHARED/hullcheck" unix-connect "$name"
    assert_output ok
    sb user -- "$SHARED/hullcheck" unix-connect "$name"
    assert_output ECONNREFUSED
    sb user --share-net -- "$SHARED/hullcheck" unix-connect "$name"
    assert_output EPERM
    assert_equal "$stderr" "" "stderr (no notice: this kernel has Landlock scopes)"
    # The sandbox's own abstract sockets still work (in the host's namespace: a unique name).
    local own=$name-own
    sb user --share-net -- sh -c "$SHARED/hullcheck unix-listen $own >/dev/null & for i in \$(seq 50);
                                  do $SHARED/hullcheck unix-connect $own >r && break; sleep 0.1; done; cat r; kill \$!"
    assert_output ok
}

@test "channels: without Landlock scopes, --share-net says so on stderr and in --print-config" {
    # hull sandbox run where landlock_create_ruleset is ENOSYS, as on a kernel without it.
    cat >"$SHARED/no-landlock.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["landlock_create_ruleset"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}
JSON
    chmod 644 "$SHARED/no-landlock.json"
    sb user --seccomp-profile "$SHARED/no-landlock.json" -- "$SHARED/hull" sandbox --share-net --print-config -- true
    assert_success
    assert_equal "$stderr" "hull: warning: sandbox: --share-net: the host's abstract unix sockets stay reachable: this kernel lacks Landlock scopes (Landlock ABI 6, Linux 6.12)"
    assert_equal "$(jq -r '.annotations["org.hull.sandbox.notice"]' <<<"$output")" "${stderr#hull: warning: sandbox: }" "the notice in the config"
    assert_equal "$(jq -r '.annotations["org.hull.landlock.scoped"]' <<<"$output")" null "Landlock scopes asked"
    # Without --share-net the private network closes them: no notice.
    sb user --seccomp-profile "$SHARED/no-landlock.json" -- "$SHARED/hull" sandbox --print-config -- true
    assert_success
    assert_equal "$stderr" "" "stderr without --share-net"
    # Where the kernel has them, the config asks for both scopes.
    sb user --share-net --print-config -- true
    assert_equal "$(jq -r '.annotations["org.hull.landlock.scoped"]' <<<"$output")" abstract_unix_socket,signal
}

# ---- host processes ------------------------------------------------------------------

@test "channels: host processes cannot be signalled or traced" {
    user_sleeper
    run as_sandbox_user kill -0 "$SLEEPER"
    assert_success
    sb user -- sh -c "kill -0 $SLEEPER 2>/dev/null && echo signalled; $SHARED/hullcheck syscall kill $SLEEPER 0;
                      $SHARED/hullcheck syscall ptrace 16 $SLEEPER"
    assert_output "ESRCH
EPERM"
    run as_sandbox_user "$SHARED/hullcheck" syscall ptrace 16 "$SLEEPER"
    assert_output "ok 0"
}

# Landlock's signal scope, seen without the pid namespace that hides host processes: the
# sandbox's config run by `hull run` with its pid namespace taken out.
@test "channels: Landlock keeps signals inside even in the host's pid namespace" {
    user_sleeper
    local bundle=$SHARED/bundle
    mkdir "$bundle"
    sb user --print-config -- "$SHARED/hullcheck" syscall kill "$SLEEPER" 0
    assert_success
    jq 'del(.linux.namespaces[] | select(.type == "pid")) | .mounts |= map(select(.destination != "/proc"))' \
        <<<"$output" >"$bundle/config.json"
    jq 'del(.annotations["org.hull.landlock.scoped"])' "$bundle/config.json" >"$bundle/unscoped.json"
    chmod -R a+rX "$bundle"
    run as_sandbox_user "$SHARED/hull" run -b "$bundle" scoped
    assert_output EPERM
    mv "$bundle/unscoped.json" "$bundle/config.json"
    run as_sandbox_user "$SHARED/hull" run -b "$bundle" unscoped
    assert_output "ok 0"
}

@test "channels: an unknown Landlock scope in a config is refused at create, naming it" {
    local bundle=$SHARED/bundle
    mkdir "$bundle"
    sb user --print-config -- true
    jq '.annotations["org.hull.landlock.scoped"] = "signal,bogus"' <<<"$output" >"$bundle/config.json"
    chmod -R a+rX "$bundle"
    run as_sandbox_user "$SHARED/hull" run -b "$bundle" bogus
    assert_failure
    assert_output_contains 'annotations["org.hull.landlock.scoped"]: unknown Landlock scope "bogus"'
    run as_sandbox_user "$SHARED/hull" list -q
    assert_output ""
}

# ---- kernel keyring, POSIX message queues --------------------------------------------

@test "channels: the user's kernel keyring is unreachable" {
    # keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0)
    run as_sandbox_user "$SHARED/hullcheck" syscall keyctl 0 -4 0
    assert_output_contains "ok "
    sb user -- "$SHARED/hullcheck" syscall keyctl 0 -4 0
    assert_output EPERM
}

@test "channels: the host's POSIX message queues are unreachable" {
    MQ=/hull-sandbox-$$
    run as_sandbox_user "$SHARED/hullcheck" mq-create "$MQ"
    assert_output ok
    run as_sandbox_user "$SHARED/hullcheck" mq-open "$MQ"
    assert_output ok
    sb user -- sh -c "$SHARED/hullcheck mq-open $MQ; ls -A /dev/mqueue"
    assert_output ENOENT
}
