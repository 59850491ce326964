# shellcheck shell=bash
# shellcheck disable=SC2016,SC2034
# Helpers for the `hull sandbox` suites (tests/sandbox.bats, tests/sandbox_channels.bats).
# Load after helpers/common.
#
# The unprivileged runs use copies of hull and hullcheck in a directory anyone may read
# ($SHARED, under /var/tmp: the sandbox has a /tmp of its own, and the build tree and
# bats' temp dirs may be closed to the user), a workspace the user may write ($WS) and
# the user's $XDG_RUNTIME_DIR ($XDG).

SANDBOX_USER=hull-sandbox-test

# sandbox_ensure_user: the user exists (setup_file).
sandbox_ensure_user() {
    id "$SANDBOX_USER" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$SANDBOX_USER"
}

sandbox_setup() {
    common_setup
    SHARED=$(mktemp -d /var/tmp/hull-sandbox.XXXXXX)
    chmod 755 "$SHARED"
    cp "$HULL" "$SHARED/hull"
    cp "$HULLCHECK" "$SHARED/hullcheck"
    WS=$SHARED/ws
    XDG=$SHARED/xdg
    mkdir "$WS" "$XDG"
    chown "$SANDBOX_USER" "$WS" "$XDG"
    chmod 700 "$XDG"
    # Both root (without capabilities in the sandbox) and the user write here.
    chmod 777 "$WS"
    SANDBOX_PIDS=()
    user_cmd_init
}

sandbox_teardown() {
    local pid
    # SIGKILL: a process a test traced may be left stopped.
    for pid in "${SANDBOX_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$SHARED"
    common_teardown
}

# as_sandbox_user CMD...: CMD as the user, in the workspace, with $XDG for its
# $XDG_RUNTIME_DIR and SHELL=/bin/sh (script(1) runs its command with it), given
# $HULL_TEST_TIMEOUT seconds.  `user_cmd CMD...` is the same without the time limit (for
# processes a test signals by pid).
as_sandbox_user() {
    timeout -k 5 "$HULL_TEST_TIMEOUT" "${USER_CMD[@]}" "$@"
}

# (set by sandbox_setup; the process image is CMD's, as each of them execs)
user_cmd_init() {
    USER_CMD=(setpriv --reuid "$SANDBOX_USER" --regid "$SANDBOX_USER" --clear-groups --reset-env
        env XDG_RUNTIME_DIR="$XDG" SHELL=/bin/sh PATH=/usr/sbin:/usr/bin:/sbin:/bin
        sh -c 'cd "$0" && exec "$@"' "$WS")
}

# sb_cmdline AS ARGS...: the shell command line of `hull sandbox ARGS...` as root (AS=root,
# with the test's --root) or as the user (AS=user).
sb_cmdline() {
    local as=$1 a cmd
    shift
    cmd="$(printf %q "$SHARED/hull")"
    [ "$as" = root ] && cmd+=" --root $(printf %q "$ROOT")"
    cmd+=" sandbox"
    for a in "$@"; do cmd+=" $(printf %q "$a")"; done
    printf '%s' "$cmd"
}

# sb AS -- ARGS...: run `hull sandbox ARGS...` from the workspace, as root (AS=root) or
# as the unprivileged user (AS=user); sets $status, $output (stdout) and $stderr.
sb() {
    local as=$1 cmd
    shift
    cmd=$(sb_cmdline "$as" "$@")
    if [ "$as" = root ]; then
        run --separate-stderr timeout "$HULL_TEST_TIMEOUT" bash -c "cd $(printf %q "$WS") && exec $cmd"
    else
        run --separate-stderr as_sandbox_user bash -c "exec $cmd"
    fi
    _show_run
}

# user_script CMD: the shell command CMD as the user under script(1), i.e. with a
# terminal (a new one) as its controlling terminal, stdin and stdout; script's stdin is
# $SCRIPT_INPUT, a line (default: nothing at all, not even an empty line, which the
# terminal would hand to the first reader). CMD is one line (script's sh is dash).
# timeout --foreground: see hull_cmd.
user_script() {
    local line
    line="timeout --foreground -k 5 $HULL_TEST_TIMEOUT sh -c $(printf %q "$1")"
    if [ -n "${SCRIPT_INPUT-}" ]; then
        run as_sandbox_user script -qec "$line" /dev/null <<<"$SCRIPT_INPUT"
    else
        run as_sandbox_user script -qec "$line" /dev/null </dev/null
    fi
    _show_run
}

# listener AS ADDR: a listener of root (AS=root) or of the user (AS=user) at ADDR on the
# host (a path, or @NAME for an abstract socket), greeting every client; waits until it
# listens.  user_listener ADDR: the user's.
listener() {
    local as=$1 addr=$2 out=$SHARED/listener.$RANDOM i
    if [ "$as" = root ]; then
        "$SHARED/hullcheck" unix-listen "$addr" >"$out" 2>&1 3>&- &
    else
        "${USER_CMD[@]}" "$SHARED/hullcheck" unix-listen "$addr" >"$out" 2>&1 3>&- &
    fi
    SANDBOX_PIDS+=("$!")
    for i in $(seq 100); do
        grep -q listening "$out" 2>/dev/null && return 0
        sleep 0.05
    done
    fail "the listener at $addr did not start: $(cat "$out")"
}

user_listener() {
    listener user "$1"
}

# user_sleeper: a process of the user on the host; its pid in $SLEEPER.
user_sleeper() {
    "${USER_CMD[@]}" sleep 1000 >/dev/null 2>&1 3>&- &
    SLEEPER=$!
    SANDBOX_PIDS+=("$SLEEPER")
}
