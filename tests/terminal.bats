#!/usr/bin/env bats
# process.terminal: the pty of the container's own devpts, /dev/console, consoleSize,
# --console-socket (the master sent with SCM_RIGHTS, as runc does and conmon expects),
# and the foreground relay of `run` (raw mode, input, exit status, SIGWINCH).

load helpers/common

: "${RECVTTY:=$TESTS_DIR/helpers/recvtty}"

setup() {
    common_setup
    [ -x "${RECVTTY:-}" ] || fail "RECVTTY ($RECVTTY) is not built (make tests/helpers/recvtty)"
    jq_edit '.process.terminal = true'
}

# recv_start SOCKET OUT [recvtty options]: a console socket receiver in the background.
recv_start() {
    local sock=$1 out=$2
    shift 2
    "$RECVTTY" -n "$BATS_TEST_TMPDIR/name" "$@" "$sock" >"$out" 2>&1 &
    RECV_PID=$!
    local tries=50
    until [ -S "$sock" ] || [ $((tries -= 1)) -eq 0 ]; do
        sleep 0.1
    done
    [ -S "$sock" ] || fail "recvtty did not listen on $sock: $(cat "$out")"
}

@test "run -t: the process's stdio is a pty of the container's own devpts, also /dev/console" {
    set_args sh -c 'tty; ls /dev/pts | tr "\n" " "; echo;
        [ "$(stat -c %t:%T /dev/console)" = "$(stat -L -c %t:%T /proc/self/fd/0)" ] && echo console-is-pty;
        echo probe >/dev/tty && echo has-controlling-tty; exit 4'
    in_script "$(hull_cmd) run --bundle $BUNDLE t1"
    assert_failure 4
    assert_output_contains /dev/pts/0
    # A new devpts instance holds only this pty, whatever the host has open.
    assert_output_contains "0 ptmx "
    assert_output_contains console-is-pty
    assert_output_contains has-controlling-tty
    run_hull list -q
    assert_output ""
}

@test "run -t, exec -t: the pty belongs to the process's user, group tty (devpts' gid=5), as runc gives it" {
    jq_edit '.process.user = {"uid": 1000, "gid": 100}'
    set_args sh -c 'stat -c %u:%g $(tty)'
    in_script "$(hull_cmd) run --bundle $BUNDLE t1"
    assert_success
    assert_output_contains "1000:5"

    jq_edit '.process.terminal = false'
    set_args sleep 100
    start_detached t2
    in_script "$(hull_cmd) exec -t --user 1000:100 t2 sh -c 'stat -c %u:%g \$(tty)'"
    assert_success
    assert_output_contains "1000:5"
}

@test "run -t: what we type reaches the process, its output comes back, its status is ours" {
    set_args sh -c 'read a; read b; echo "got <$a> <$b>"; exit 9'
    SCRIPT_INPUT=$'first line\nsecond' in_script "$(hull_cmd) run --bundle $BUNDLE t1"
    assert_failure 9
    assert_output_contains "got <first line> <second>"
}

@test "run -t: our terminal is raw while the container runs and restored afterwards" {
    set_args sleep 1
    local before=$BATS_TEST_TMPDIR/before during=$BATS_TEST_TMPDIR/during after=$BATS_TEST_TMPDIR/after
    # (A background job of a script has /dev/null as stdin unless told otherwise.)
    in_script "stty -g >$before; $(hull_cmd) run --bundle $BUNDLE t1 </dev/tty & sleep 0.5; stty -a >$during; wait \$!; stty -g >$after"
    assert_success
    [ -s "$before" ] || fail "stty -g did not run"
    grep -qw -- -icanon "$during" && grep -qw -- -echo "$during" || fail "not raw while running: $(cat "$during")"
    assert_equal "$(cat "$after")" "$(cat "$before")" "terminal settings after run"
}

@test "run -t: the pty takes our window size, and follows it on SIGWINCH" {
    set_args sh -c 'stty size; sleep 1; stty size'
    in_script "stty rows 33 cols 77; $(hull_cmd) run --bundle $BUNDLE t1 </dev/tty & sleep 0.5; stty rows 44 cols 55; kill -WINCH \$!; wait \$!"
    assert_success
    assert_output_contains "33 77"
    assert_output_contains "44 55"
}

@test "create --console-socket: the master comes with SCM_RIGHTS as runc sends it; input, output and consoleSize" {
    jq_edit '.process.consoleSize = {height: 27, width: 101}'
    set_args sh -c 'read x; echo "got $x"; tty; stty size; exit 3'
    local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/tty.out
    recv_start "$sock" "$out" -i 'hello\n'
    create_container t1 --console-socket "$sock"
    run_hull start t1
    assert_success
    wait "$RECV_PID" || fail "recvtty failed: $(cat "$out")"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/name")" /dev/ptmx "the name sent with the fd"
    grep -q "got hello" "$out" || fail "input did not arrive: $(cat "$out")"
    grep -q "^/dev/pts/0" "$out" || fail "not on the pty: $(cat "$out")"
    grep -q "^27 101" "$out" || fail "consoleSize not applied: $(cat "$out")"
    wait_status t1 stopped
}

@test "create --console-socket: the master is sent before create returns (conmon waits for it)" {
    set_args sleep 100
    local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/tty.out
    recv_start "$sock" "$out"
    create_container t1 --console-socket "$sock"
    # recvtty has the master (it wrote the name) by the time create returned.
    [ -s "$BATS_TEST_TMPDIR/name" ] || fail "the master was not sent before create returned"
    run_hull delete --force t1
    assert_success
    wait "$RECV_PID" || fail "recvtty: $(cat "$out")"
}

@test "create: a terminal without --console-socket is refused, and nothing is left" {
    set_args true
    run_hull_detached create --bundle "$BUNDLE" t1
    assert_failure
    assert_output_contains process.terminal
    assert_output_contains console-socket
    run_hull_detached run --detach --bundle "$BUNDLE" t2
    assert_failure
    assert_output_contains process.terminal
    run_hull list -q
    assert_output ""
}

@test "create: --console-socket with terminal false is refused" {
    jq_edit '.process.terminal = false'
    run_hull_detached create --bundle "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/s" t1
    assert_failure
    assert_output_contains "--console-socket"
    assert_output_contains "terminal is false"
}

@test "create: a console socket nobody listens on fails create clearly, leaving nothing" {
    set_args true
    local log=$BATS_TEST_TMPDIR/oci-log
    run timeout 30 "$HULL" --root "$ROOT" --log "$log" --log-format json \
        create --bundle "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/nobody.sock" t1 </dev/null
    assert_failure
    assert_output_contains "nobody.sock"
    # The error is in the JSON log too, as conmon reads it.
    [[ $(jq -r .msg <"$log" | tail -n1) == *"nobody.sock"*"No such file or directory"* ]] ||
        fail "log: $(cat "$log")"
    run_hull list -q
    assert_output ""
}

@test "create: a rootfs without devpts cannot give a terminal: a clear error" {
    jq_edit '.mounts = [.mounts[] | select(.destination != "/dev/pts")]'
    set_args true
    local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/tty.out
    recv_start "$sock" "$out"
    run_hull_detached create --bundle "$BUNDLE" --console-socket "$sock" t1
    assert_failure
    assert_output_contains "/dev/ptmx"
    kill "$RECV_PID" 2>/dev/null || true
}
