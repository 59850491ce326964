#!/usr/bin/env bats
# Hooks: config.md "POSIX-platform Hooks", runtime.md "Lifecycle" (steps 3-13).
#
# A recording hook appends "PHASE status=S id=I pid=P mnt=NS uts=NS" to a log, with S, I, P
# read from the state JSON on its stdin. The log directory is bind-mounted at /hooklog so the
# startContainer hook (run inside the container, path resolved there) can write to it too.

load helpers/common

setup() {
    common_setup
    LOGDIR=$BATS_TEST_TMPDIR/hooklog
    LOG=$LOGDIR/log
    mkdir -m 777 "$LOGDIR"
    HOOK=$BATS_TEST_TMPDIR/hook.sh
    cat >"$HOOK" <<'EOF'
#!/bin/sh
# hook.sh PHASE LOGFILE
state=$(tr -d '\n')
field() { printf '%s' "$state" | sed -n "s/.*\"$1\" *: *\"\{0,1\}\([^\",}]*\).*/\1/p"; }
echo "$1 status=$(field status) id=$(field id) pid=$(field pid) mnt=$(readlink /proc/self/ns/mnt) uts=$(readlink /proc/self/ns/uts)" >>"$2"
EOF
    chmod 755 "$HOOK"
    cp "$HOOK" "$BUNDLE/rootfs/hook.sh"
    add_mount /hooklog bind "$LOGDIR" rbind rw
    set_args sleep 100
}

teardown() {
    # The timeout test's hook must not outlive a runtime that fails to kill it.
    [ ! -s "$LOGDIR/hook.pid" ] || kill -9 "$(cat "$LOGDIR/hook.pid")" 2>/dev/null || true
    common_teardown
}

# add_hook KIND PATH ARG...: append a hook {path, args: [ARG...]} to hooks.KIND.
add_hook() {
    local kind=$1 path=$2
    shift 2
    jq_edit '.hooks[$k] += [{path: $p, args: $a}]' --arg k "$kind" --arg p "$path" --argjson a "$(json_array "$@")"
}

# add_recording_hooks KIND...: the recording hook for each KIND (startContainer: the in-rootfs copy).
add_recording_hooks() {
    local kind
    for kind in "$@"; do
        if [ "$kind" = startContainer ]; then
            add_hook "$kind" /hook.sh hook.sh "$kind" /hooklog/log
        else
            add_hook "$kind" "$HOOK" hook.sh "$kind" "$LOG"
        fi
    done
}

ALL_HOOKS="prestart createRuntime createContainer startContainer poststart poststop"

# full_lifecycle: create, start, kill, delete c1, remembering the container's host pid.
full_lifecycle() {
    create_container c1
    PID=$(container_pid c1)
    run_hull start c1
    assert_success
    run_hull kill c1 KILL
    assert_success
    wait_status c1 stopped
    run_hull delete c1
    assert_success
}

# log_line PHASE: the log line of that hook.
log_line() {
    grep "^$1 " "$LOG" || fail "hook $1 did not run; log: $(cat "$LOG" 2>/dev/null)"
}

@test "hooks run in order: prestart createRuntime createContainer startContainer poststart poststop" {
    # shellcheck disable=SC2086
    add_recording_hooks $ALL_HOOKS
    full_lifecycle
    assert_equal "$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')" "$ALL_HOOKS " "hook order"
}

@test "hooks get the state on stdin: id everywhere, status of each moment" {
    # shellcheck disable=SC2086
    add_recording_hooks $ALL_HOOKS
    full_lifecycle
    local kind
    for kind in $ALL_HOOKS; do
        [[ $(log_line "$kind") == *" id=c1 "* ]] || fail "$kind: $(log_line "$kind")"
    done
    # During create the container is creating (or, at the latest, created).
    for kind in prestart createRuntime createContainer; do
        assert_match "$(log_line "$kind")" " status=(creating|created) " "$kind"
    done
    # startContainer: before the user program runs; poststart: after; poststop: after delete.
    assert_match "$(log_line startContainer)" " status=created " startContainer
    assert_match "$(log_line poststart)" " status=running " poststart
    assert_match "$(log_line poststop)" " status=stopped " poststop
}

@test "runtime-namespace hooks see the container's pid as the runtime sees it" {
    add_recording_hooks prestart createRuntime poststart
    full_lifecycle
    local kind
    for kind in prestart createRuntime poststart; do
        assert_match "$(log_line "$kind")" " pid=$PID " "$kind"
    done
}

@test "container-namespace hooks see the pid as the container sees it (1)" {
    # runtime.md "State": for hooks executed in the container namespace, the pid as seen there.
    add_recording_hooks createContainer startContainer
    full_lifecycle
    assert_match "$(log_line createContainer)" " pid=1 " createContainer
    assert_match "$(log_line startContainer)" " pid=1 " startContainer
}

@test "createContainer hooks run in the rootfs directory (runc's cwd: hooks use ./lib)" {
    add_hook createContainer /bin/sh sh -c 'pwd >"$1"; ls -d ./bin >>"$1"' sh "$LOG"
    set_args true
    create_container c1
    assert_equal "$(cat "$LOG")" "$BUNDLE/rootfs
./bin" "the hook's cwd"
}

@test "createContainer and startContainer run in the container's namespaces, the others in the runtime's" {
    # shellcheck disable=SC2086
    add_recording_hooks $ALL_HOOKS
    full_lifecycle
    local host_mnt host_uts kind
    host_mnt=$(host_ns mnt)
    host_uts=$(host_ns uts)
    for kind in createContainer startContainer; do
        [[ $(log_line "$kind") != *"mnt=$host_mnt "* ]] || fail "$kind ran in the host mount namespace"
        [[ $(log_line "$kind") != *"uts=$host_uts"* ]] || fail "$kind ran in the host uts namespace"
    done
    for kind in prestart createRuntime poststart poststop; do
        [[ $(log_line "$kind") == *"mnt=$host_mnt "* ]] || fail "$kind did not run in the host mount namespace"
    done
}

@test "hooks get valid state JSON with bundle and ociVersion, plus their args and env" {
    jq_edit '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "cat >\"$1\"; echo \"$HOOKVAR\" >\"$1.env\"", "sh", $out],
                                      env: ["HOOKVAR=from-config", "PATH=/usr/bin:/bin"]}]' \
        --arg out "$LOGDIR/state.json"
    create_container c1
    local state
    state=$(cat "$LOGDIR/state.json")
    jq -e . <<<"$state" >/dev/null || fail "not JSON: $state"
    assert_equal "$(jq -r .id <<<"$state")" c1 id
    assert_equal "$(jq -r .bundle <<<"$state")" "$BUNDLE" bundle
    assert_match "$(jq -r .ociVersion <<<"$state")" '^[0-9]+\.[0-9]+' ociVersion
    assert_equal "$(cat "$LOGDIR/state.json.env")" from-config "hook env"
}

@test "a hook starts with no signal ignored or blocked, whatever hull's caller had" {
    printf '#!/bin/sh\nexec grep -E "^Sig(Blk|Ign):" /proc/self/status >"$1"\n' >"$BATS_TEST_TMPDIR/sig-hook"
    chmod 755 "$BATS_TEST_TMPDIR/sig-hook"
    add_hook createRuntime "$BATS_TEST_TMPDIR/sig-hook" sig-hook "$LOGDIR/signals"
    hull_with_signals_off create --bundle "$BUNDLE" c1 </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 ||
        fail "create failed: $(cat "$BATS_TEST_TMPDIR/out")"
    assert_equal "$(cat "$LOGDIR/signals")" "$NO_SIGNALS_OFF" "the hook's signal state"
}

@test "a failing createRuntime hook fails create and leaves nothing behind" {
    add_hook createRuntime /bin/false false
    run_hull_detached create --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "createRuntime"
    run_hull list -q
    assert_output ""
    [ ! -e "$ROOT/c1" ] || fail "$ROOT/c1 left behind"
    [ -z "$(pids_in_dir "$BUNDLE")" ] || fail "processes left in the bundle: $(pids_in_dir "$BUNDLE")"
}

@test "a failing createRuntime hook still runs the poststop hooks" {
    # runtime.md "Lifecycle": a failed createRuntime hook continues the lifecycle at step 12,
    # and step 13 runs poststop.
    add_hook createRuntime /bin/false false
    add_recording_hooks poststop
    run_hull_detached create --bundle "$BUNDLE" c1
    assert_failure
    log_line poststop >/dev/null
}

@test "a failing prestart hook fails create" {
    add_hook prestart /bin/false false
    run_hull_detached create --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "prestart"
    run_hull list -q
    assert_output ""
}

@test "a failing poststart hook is an error and stops the container" {
    # runtime.md "Lifecycle" step 9 (runtime-spec 1.3): generate an error, stop the container.
    add_hook poststart /bin/false false
    create_container c1
    local pid
    pid=$(container_pid c1)
    run_hull start c1
    assert_failure
    assert_output_contains "poststart"
    wait_gone "$pid"
}

@test "a failing poststop hook is only a warning: delete succeeds and later hooks run" {
    add_hook poststop /bin/false false
    add_recording_hooks poststop
    set_args true
    create_container c1
    run_hull start c1
    assert_success
    wait_status c1 stopped
    run_hull delete c1
    assert_success
    log_line poststop >/dev/null
    run_hull state c1
    assert_failure
}

@test "a hook over its timeout is killed and fails create" {
    jq_edit '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "echo $$ >\"$1\"; exec sleep 60", "sh", $pidfile],
                                      timeout: 1}]' \
        --arg pidfile "$LOGDIR/hook.pid"
    local start=$SECONDS
    run_hull_detached create --bundle "$BUNDLE" c1
    assert_failure
    [ $((SECONDS - start)) -lt 15 ] || fail "create took $((SECONDS - start)) s with a 1 s hook timeout"
    wait_file "$LOGDIR/hook.pid"
    wait_gone "$(cat "$LOGDIR/hook.pid")" 5
    run_hull list -q
    assert_output ""
}
