#!/usr/bin/env bats
# The container lifecycle and the CLI around it (runtime.md "Lifecycle", "State", "Operations").

load helpers/common

# A process that stays up and exits 0 on SIGTERM (PID 1 of a pid namespace ignores
# signals it has no handler for, so a plain `sleep` would not die of TERM).
LOOP='trap "exit 0" TERM; while :; do sleep 0.1; done'

@test "create: state is created, with id, pid, absolute bundle, ociVersion and created time" {
    set_args sleep 100
    # A relative --bundle must be reported as an absolute path (runtime.md "State": bundle).
    cd "$BATS_TEST_TMPDIR"
    run_hull_detached create --bundle bundle c1
    assert_success

    run_hull state c1
    assert_success
    local state=$output
    assert_equal "$(jq -r .status <<<"$state")" created status
    assert_equal "$(jq -r .id <<<"$state")" c1 id
    assert_equal "$(jq -r .bundle <<<"$state")" "$BUNDLE" bundle
    assert_match "$(jq -r .ociVersion <<<"$state")" '^[0-9]+\.[0-9]+\.[0-9]+' ociVersion
    assert_match "$(jq -r .created <<<"$state")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' created
    local pid
    pid=$(jq -r .pid <<<"$state")
    assert_match "$pid" '^[1-9][0-9]*$' pid
    [ -d "/proc/$pid" ] || fail "pid $pid from state does not exist"
    # The user program has not run yet: the process is not sleep.
    assert_not_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 100 " "cmdline before start"
}

@test "start: state becomes running with the same pid, the program runs" {
    set_args sleep 100
    create_container c1
    local pid
    pid=$(container_pid c1)

    run_hull start c1
    assert_success
    assert_equal "$(container_state c1)" running status
    assert_equal "$(container_pid c1)" "$pid" "pid after start"
    assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 100 " "cmdline after start"
}

@test "kill: by name TERM (the default) stops the container" {
    set_args sh -c "$LOOP"
    start_detached c1
    run_hull kill c1
    assert_success
    wait_status c1 stopped
}

@test "kill: SIGTERM, KILL, SIGKILL and 9 are all accepted" {
    local sig n=0
    for sig in SIGTERM KILL SIGKILL 9; do
        n=$((n + 1))
        set_args sh -c "$LOOP"
        start_detached "k$n"
        run_hull kill "k$n" "$sig"
        assert_success
        wait_status "k$n" stopped
    done
}

@test "kill: an unknown signal is refused and the container keeps running" {
    set_args sleep 100
    start_detached c1
    run_hull kill c1 SIGNOPE
    assert_failure
    assert_output_contains "hull:"
    assert_equal "$(container_state c1)" running status
}

@test "kill --all: every process of the container gets the signal, not only its init" {
    # The init survives TERM (a no-op handler; not SIG_IGN, which its child would inherit);
    # its child `sleep 100` does not, so only --all makes it die.
    set_args sh -c 'trap ":" TERM; sleep 100 & while :; do sleep 1; done'
    start_detached c1
    local init pid child='' tries=50
    init=$(container_pid c1)
    while [ -z "$child" ] && [ $((tries -= 1)) -gt 0 ]; do
        for pid in $(<"/proc/$init/task/$init/children"); do
            [ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" = "sleep 100 " ] && child=$pid
        done
        [ -n "$child" ] || sleep 0.1
    done
    [ -n "$child" ] || fail "no 'sleep 100' child under the container's init $init"

    run_hull kill --all c1 TERM
    assert_success
    wait_gone "$child"
    # The init ignored it and keeps the container running.
    assert_equal "$(container_state c1)" running status
}

@test "state: annotations from config.json are reported" {
    jq_edit '.annotations = {"org.example.key": "value", "other": "x"}'
    create_container c1
    run_hull state c1
    assert_success
    assert_equal "$(jq -c .annotations <<<"$output")" '{"org.example.key":"value","other":"x"}' annotations
}

@test "delete: a created (not stopped) container is refused without --force" {
    create_container c1
    run_hull delete c1
    assert_failure
    assert_output_contains "hull:"
    assert_equal "$(container_state c1)" created "status after refused delete"
}

@test "delete: removes the container; state then says it does not exist" {
    set_args true
    start_detached c1
    wait_status c1 stopped
    run_hull delete c1
    assert_success
    run_hull state c1
    assert_failure
    assert_output_contains 'container "c1" does not exist'
    [ ! -e "$ROOT/c1" ] || fail "$ROOT/c1 is still there"
}

@test "delete: a running container is refused without --force, removed with -f" {
    set_args sleep 100
    start_detached c1
    local pid
    pid=$(container_pid c1)

    run_hull delete c1
    assert_failure
    assert_output_contains "hull:"
    assert_equal "$(container_state c1)" running "status after refused delete"

    run_hull delete -f c1
    assert_success
    wait_gone "$pid"
    run_hull state c1
    assert_failure
}

@test "delete --force of a created (never started) container kills its process" {
    create_container c1
    local pid
    pid=$(container_pid c1)
    run_hull delete --force c1
    assert_success
    wait_gone "$pid"
    run_hull list -q
    assert_output ""
}

@test "run: exit status is the program's" {
    in_container sh -c 'exit 42'
    assert_failure 42
}

@test "run: exit status 0 and the program's output" {
    in_container echo hello from the container
    assert_success
    assert_output "hello from the container"
}

@test "run: a program killed by a signal gives 128+N" {
    # Without a pid namespace so the shell is not a namespace init (which ignores SIGKILL
    # sent from inside its own namespace).
    remove_namespace pid
    in_container sh -c 'kill -9 $$'
    assert_failure 137
}

@test "run: the foreground container is deleted afterwards" {
    in_container true
    assert_success
    run_hull list -q
    assert_success
    assert_output ""
}

@test "run --keep: the stopped container stays, with its cgroup, until delete" {
    set_args sh -c 'exit 3'
    jq_edit '.linux.cgroupsPath = "/hull-test-keep-'"$$"'"'
    run_hull run --keep --bundle "$BUNDLE" c1
    assert_failure 3
    run_hull state c1
    assert_success
    assert_equal "$(jq -r .status <<<"$output")" stopped status
    local pids=/sys/fs/cgroup/pids/hull-test-keep-$$
    [ -d /sys/fs/cgroup/pids ] || pids=/sys/fs/cgroup/hull-test-keep-$$
    [ -d "$pids" ] || fail "the cgroup $pids is gone"
    run_hull delete c1
    assert_success
    run_hull state c1
    assert_failure
    [ ! -d "$pids" ] || fail "the cgroup $pids outlived delete"
}

@test "run: SIGTERM sent to hull is forwarded to the container" {
    set_args sh -c 'trap "exit 3" TERM; while :; do sleep 0.1; done'
    "$HULL" --root "$ROOT" run --bundle "$BUNDLE" c1 </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 &
    local hull_pid=$!
    wait_status c1 running
    kill -TERM "$hull_pid"
    local rc=0
    wait "$hull_pid" || rc=$?
    assert_equal "$rc" 3 "exit status of hull run"
}

@test "run -d: returns while the container keeps running" {
    set_args sleep 100
    run_hull_detached run -d --bundle "$BUNDLE" c1
    assert_success
    assert_equal "$(container_state c1)" running status
    local pid
    pid=$(container_pid c1)
    [ -d "/proc/$pid" ] || fail "container process $pid is gone"
}

@test "start: refused when the container is already running" {
    set_args sleep 100
    start_detached c1
    run_hull start c1
    assert_failure
    assert_output_contains "hull:"
    assert_equal "$(container_state c1)" running status
}

@test "start: refused for a container that does not exist" {
    run_hull start nope
    assert_failure
    assert_output_contains 'container "nope" does not exist'
}

@test "kill: refused when the container is stopped" {
    set_args true
    start_detached c1
    wait_status c1 stopped
    run_hull kill c1 KILL
    assert_failure
    assert_output_contains "hull:"
    # runc's words: containerd's shim reads them as "the process already exited", which
    # a kill racing the exit (CRI's StopContainer) must not turn into a failure.
    assert_output_contains "container not running"
}

@test "kill --all of a stopped container, and signal 0, succeed as with runc (nothing left to signal)" {
    set_args sh -c "$LOOP"
    start_detached c1
    run_hull kill c1 0
    assert_success
    assert_equal "$(hull state c1 | jq -r .status)" running status
    run_hull kill c1 KILL
    assert_success
    wait_status c1 stopped
    run_hull kill --all c1 0
    assert_success
    run_hull kill --all c1 KILL
    assert_success
    # Without --all the spec's rule holds: a stopped container cannot be signalled.
    run_hull kill c1 0
    assert_failure
}

@test "list --format json: runc's one line, with ociVersion, rootfs and the rest" {
    set_args sleep 100
    start_detached c1
    run_hull list --format json
    assert_success
    assert_equal "${#lines[@]}" 1 "lines of output"
    assert_equal "$(jq -r '.[0] | [.ociVersion != "", .id, .status, .bundle, .rootfs] | join(" ")' <<<"$output")" \
        "true c1 running $BUNDLE $BUNDLE/rootfs" "fields"
    assert_match "$output" '^\[\{"ociVersion":"[0-9.]+[^"]*","id":"c1","pid":[1-9][0-9]*,"status":"running","bundle"' "order"
}

@test "create --pid-file: the file holds the container's pid" {
    set_args sleep 100
    create_container c1 --pid-file "$BATS_TEST_TMPDIR/pidfile"
    [ -f "$BATS_TEST_TMPDIR/pidfile" ] || fail "no pid file"
    local filepid
    filepid=$(cat "$BATS_TEST_TMPDIR/pidfile")
    assert_equal "$filepid" "$(container_pid c1)" "pid in the pid file"
    [ -d "/proc/$filepid" ] || fail "pid $filepid does not exist"
}

@test "list: table, json and -q" {
    set_args sleep 100
    create_container c1
    start_detached c2

    run_hull list
    assert_success
    local header
    header=$(head -n1 <<<"$output")
    for col in ID PID STATUS BUNDLE CREATED OWNER; do
        [[ $header == *"$col"* ]] || fail "table header '$header' lacks $col"
    done
    grep -Eq "^c1[[:space:]]+$(container_pid c1)[[:space:]]+created[[:space:]]+$BUNDLE" <<<"$output" ||
        fail "no row for c1 in: $output"
    grep -Eq "^c2[[:space:]]+$(container_pid c2)[[:space:]]+running[[:space:]]+$BUNDLE" <<<"$output" ||
        fail "no row for c2 in: $output"

    run_hull list --format json
    assert_success
    assert_equal "$(jq length <<<"$output")" 2 "number of containers"
    assert_equal "$(jq -r '.[] | select(.id == "c1") | .status' <<<"$output")" created "c1 status"
    assert_equal "$(jq -r '.[] | select(.id == "c2") | .status' <<<"$output")" running "c2 status"
    assert_equal "$(jq -r '.[] | select(.id == "c2") | .pid' <<<"$output")" "$(container_pid c2)" "c2 pid"
    assert_equal "$(jq -r '.[] | select(.id == "c1") | .bundle' <<<"$output")" "$BUNDLE" "c1 bundle"
    jq -e 'all(.[]; has("created"))' <<<"$output" >/dev/null || fail "json entries lack created: $output"
    # We run as root, so root owns them.
    assert_equal "$(jq -r '[.[].owner] | unique | join(" ")' <<<"$output")" root owner

    run_hull list -q
    assert_success
    assert_equal "$(sort <<<"$output" | tr '\n' ' ')" "c1 c2 " "ids"
}

@test "list: an empty state directory gives an empty list" {
    run_hull list -q
    assert_success
    assert_output ""
    run_hull list --format json
    assert_success
    assert_equal "$(jq length <<<"$output")" 0 "json list length"
}

@test "the container process dying between create and start leaves state stopped" {
    create_container c1
    local pid
    pid=$(container_pid c1)
    kill -9 "$pid"
    wait_status c1 stopped
    run_hull start c1
    assert_failure
    run_hull delete c1
    assert_success
    run_hull list -q
    assert_output ""
}

# spec_matches_runc CONFIG FIXTURE: CONFIG is what runc 1.1.5's `runc spec` wrote
# (tests/data/runc-spec/), but for the hostname and ociVersion, which name the runtime.
spec_matches_runc() {
    local ours theirs
    ours=$(jq -S 'del(.hostname, .ociVersion)' "$1") || fail "$1 is not JSON"
    theirs=$(jq -S 'del(.hostname, .ociVersion)' "$TESTS_DIR/data/runc-spec/$2")
    [ "$ours" = "$theirs" ] || fail "$1 differs from runc's $2: $(diff <(echo "$theirs") <(echo "$ours"))"
}

@test "spec: writes what runc spec writes (terminal, args [\"sh\"], namespaces, mounts, capabilities...)" {
    local dir=$BATS_TEST_TMPDIR/fresh
    mkdir -p "$dir"
    cd "$dir"
    run_hull spec
    assert_success
    spec_matches_runc config.json config.json
    assert_equal "$(jq -r .process.terminal config.json)" true process.terminal
    assert_equal "$(jq -c .process.args config.json)" '["sh"]' process.args
    assert_equal "$(jq -r .hostname config.json)" hull hostname

    # It runs as written with a terminal (args ["sh"], which reads exit from it) ...
    cp -a "$BUNDLE/rootfs" "$dir/rootfs"
    SCRIPT_INPUT=$'echo in-a-pty; [ -t 0 ] && echo stdin-is-a-tty\nexit 3' in_script "$(hull_cmd) run --bundle $dir c1"
    assert_failure 3
    assert_output_contains in-a-pty
    assert_output_contains stdin-is-a-tty
    # ... and detached, with --console-socket, as runc's tests run it.
    local sock=$BATS_TEST_TMPDIR/console.sock tries=50
    "${RECVTTY:-$TESTS_DIR/helpers/recvtty}" "$sock" >"$BATS_TEST_TMPDIR/recvtty.out" 2>&1 &
    local recv=$!
    until [ -S "$sock" ] || [ $((tries -= 1)) -eq 0 ]; do sleep 0.1; done
    run_hull_detached run -d --console-socket "$sock" --bundle "$dir" c2
    assert_success
    assert_equal "$(container_state c2)" running "state of c2"
    hull delete -f c2
    kill "$recv" 2>/dev/null || true
    wait "$recv" 2>/dev/null || true
}

@test "spec --no-terminal: the same config with process.terminal false, for scripts" {
    local dir=$BATS_TEST_TMPDIR/fresh
    mkdir -p "$dir"
    run_hull spec --no-terminal --bundle "$dir"
    assert_success
    assert_equal "$(jq -r .process.terminal "$dir/config.json")" false process.terminal
    jq '.process.terminal = true' "$dir/config.json" >"$dir/as-runc.json"
    spec_matches_runc "$dir/as-runc.json" config.json
    # It runs from a script, without a terminal (sh reads EOF and exits 0).
    cp -a "$BUNDLE/rootfs" "$dir/rootfs"
    run hull run --bundle "$dir" c1 </dev/null
    assert_success
}

@test "spec --rootless: writes what runc spec --rootless writes, with the caller's ids" {
    local dir=$BATS_TEST_TMPDIR/fresh
    mkdir -p "$dir"
    run_hull spec --rootless --bundle "$dir"
    assert_success
    # runc wrote the fixture as root: the mappings name uid and gid 0.
    spec_matches_runc "$dir/config.json" rootless-config.json
}

@test "spec: refuses to overwrite an existing config.json" {
    local dir=$BATS_TEST_TMPDIR/fresh
    mkdir -p "$dir"
    echo '{"mine": true}' >"$dir/config.json"
    run_hull spec --bundle "$dir"
    assert_failure
    assert_output_contains "hull:"
    assert_equal "$(cat "$dir/config.json")" '{"mine": true}' "config.json after refused spec"
}

@test "features: valid JSON with ociVersionMin and the namespaces" {
    run_hull features
    assert_success
    jq -e . <<<"$output" >/dev/null || fail "not JSON: $output"
    assert_match "$(jq -r .ociVersionMin <<<"$output")" '^1\.[0-9]+\.[0-9]+' ociVersionMin
    assert_match "$(jq -r .ociVersionMax <<<"$output")" '^1\.[0-9]+\.[0-9]+' ociVersionMax
    local ns
    for ns in pid network ipc uts mount cgroup user time; do
        jq -e --arg ns "$ns" '.linux.namespaces | index($ns)' <<<"$output" >/dev/null ||
            fail "linux.namespaces lacks $ns: $(jq -c .linux.namespaces <<<"$output")"
    done
}

@test "--root: state goes to the given directory (mode 0700) and only there" {
    set_args sleep 100
    create_container c1
    [ -f "$ROOT/c1/state.json" ] || fail "no $ROOT/c1/state.json"
    assert_equal "$(stat -c %a "$ROOT/c1")" 700 "mode of $ROOT/c1"

    run "$HULL" --root "$BATS_TEST_TMPDIR/other-root" list -q
    assert_success
    assert_output ""
    run "$HULL" --root "$BATS_TEST_TMPDIR/other-root" state c1
    assert_failure
}

@test "--version prints a version" {
    run "$HULL" --version
    assert_success
    assert_match "$output" '[0-9]+\.[0-9]+\.[0-9]+' "--version output"
}

@test "-h is help, as runc takes it: hull -h, hull CMD -h; an unknown command's -h has runc's words" {
    run "$HULL" -h
    assert_success
    assert_output_contains "Usage: hull"
    local cmd
    for cmd in create start state kill delete run list exec pause resume update ps events spec; do
        run "$HULL" "$cmd" -h
        assert_success
        assert_output_contains "Usage: hull $cmd"
    done
    run "$HULL" foo -h
    assert_failure
    assert_output_contains "No help topic for 'foo'"
    # Only right after the command: a program's own -h stays the program's.
    set_args sh -c "$LOOP"
    start_detached c1
    run_hull exec c1 echo -h
    assert_success
    assert_output "-h"
}

@test "an unknown command fails with a hull: message" {
    run_hull frobnicate
    assert_failure
    assert_output_contains "hull:"
}

@test "--debug: runc's debug lines (level=debug, the set-up steps) on stderr, or only in --log" {
    set_args echo hi
    run --separate-stderr "$HULL" --root "$ROOT" --debug run --bundle "$BUNDLE" c1
    assert_success
    assert_equal "$output" hi stdout
    local step
    for step in "nsexec container setup" "child process in init()" "init: closing the pipe to signal completion"; do
        grep -q "^time=\".*\" level=debug msg=\"$step" <<<"$stderr" || fail "no debug line \"$step\" in: $stderr"
    done

    # With --log the debug lines go there, in the same form, and not to stderr.
    local log=$BATS_TEST_TMPDIR/hull.log
    run --separate-stderr "$HULL" --root "$ROOT" --debug --log "$log" run --bundle "$BUNDLE" c2
    assert_success
    [[ $stderr != *level=debug* ]] || fail "debug lines on stderr with --log: $stderr"
    grep -q '^time=".*" level=debug msg="child process in init()' "$log" || fail "log: $(cat "$log")"

    # Without --debug, none.
    run --separate-stderr "$HULL" --root "$ROOT" run --bundle "$BUNDLE" c3
    assert_success
    [[ $stderr != *level=debug* ]] || fail "debug lines without --debug: $stderr"
}

@test "--log F --log-format json: an error is a JSON line with level, msg and time" {
    local log=$BATS_TEST_TMPDIR/hull.log
    run "$HULL" --root "$ROOT" --log "$log" --log-format json state nope
    assert_failure
    assert_output_contains 'hull: state: container "nope" does not exist'
    [ -s "$log" ] || fail "log file $log is empty"
    local line
    line=$(grep '"error"' "$log" | tail -n1)
    jq -e . <<<"$line" >/dev/null || fail "not a JSON line: $line"
    assert_equal "$(jq -r .level <<<"$line")" error level
    [[ $(jq -r .msg <<<"$line") == *'container "nope" does not exist'* ]] || fail "msg: $line"
    assert_match "$(jq -r .time <<<"$line")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' time
}
