#!/usr/bin/env bats
# Load and concurrency: hundreds of containers through create/start/kill/delete, several
# at a time, then many commands racing on one container.  Afterwards nothing may be left:
# no mount, cgroup, state directory, process or zombie, and no command may have leaked a
# file descriptor (HULL_DEBUG_FDS makes each command list its open fds at exit).

load helpers/common

# 300 cycles, 4 at a time (HULL_STRESS_CYCLES / HULL_STRESS_WORKERS to try other loads).
: "${HULL_STRESS_CYCLES:=300}"
: "${HULL_STRESS_WORKERS:=4}"

setup() {
    common_setup
    set_args sleep 1000
    WORK=$BATS_TEST_TMPDIR/work
    mkdir -p "$WORK"
    # Unique to this test run: names this run's containers (and cgroups) on the host.
    PREFIX=stress$$
    export HULL_DEBUG_FDS=$WORK/fds
}

teardown() {
    unset HULL_DEBUG_FDS
    common_teardown
}

# ---- helpers ---------------------------------------------------------------------------

# start_time PID: field 22 of /proc/PID/stat (after the command name, which may hold
# spaces), or nothing if the process is gone.
start_time() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    stat=${stat##*) }
    awk '{ print $20 }' <<<"$stat"
}

# wait_stopped ID: poll `state` (10 s at most) until the container is stopped.
wait_stopped() {
    local tries=1000 st
    while [ "$tries" -gt 0 ]; do
        st=$(hull state "$1" 2>/dev/null | jq -r .status 2>/dev/null) || st=
        [ "$st" = stopped ] && return 0
        sleep 0.01
        tries=$((tries - 1))
    done
    return 1
}

# cycle W I: one container through its whole life. Problems go to stdout; the pid and
# start time of the container process to $WORK/pids.W, to check later that it is gone.
cycle() {
    local id=$PREFIX-$1-$2 err=$WORK/err.$1 pid
    if ! hull create --bundle "$BUNDLE" --pid-file "$WORK/$id.pid" "$id" </dev/null >/dev/null 2>"$err"; then
        echo "create $id: $(cat "$err")"
        return
    fi
    pid=$(cat "$WORK/$id.pid")
    echo "$pid $(start_time "$pid")" >>"$WORK/pids.$1"
    hull start "$id" 2>"$err" || echo "start $id: $(cat "$err")"
    hull kill "$id" KILL 2>"$err" || echo "kill $id: $(cat "$err")"
    wait_stopped "$id" || echo "$id: not stopped 10 s after kill"
    hull delete "$id" 2>"$err" || echo "delete $id: $(cat "$err")"
    rm -f "$WORK/$id.pid"
}

worker() {
    local w=$1 n=$2 i
    for ((i = 0; i < n; i++)); do
        cycle "$w" "$i"
    done >"$WORK/problems.$w"
}

# The host's mount points (the state the cycles must leave as they found it), but those
# of other containers (podman's, other tests') that come and go meanwhile.
mount_points() {
    awk '{ print $5 }' /proc/self/mountinfo | grep -v -e /containers/ -e /overlay -e /netns/ | sort
}

# Cgroup directories named after this run's containers.
our_cgroups() {
    find /sys/fs/cgroup -mindepth 1 -type d -name "*$PREFIX*" 2>/dev/null
}

# Recorded container processes still there (alive or zombie), as "PID STATE".
leftover_processes() {
    local pid start
    cat "$WORK"/pids.* 2>/dev/null | while read -r pid start; do
        if [ -n "$start" ] && [ "$(start_time "$pid")" = "$start" ]; then
            echo "$pid $(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)"
        fi
    done
}

# wait_no_leftover_processes: container processes are reaped by whoever adopted them
# (PID 1 or a subreaper) once hull killed them: give that a moment, then list them.
wait_no_leftover_processes() {
    local tries=100 left
    while [ "$tries" -gt 0 ]; do
        left=$(leftover_processes)
        [ -z "$left" ] && return 0
        sleep 0.1
        tries=$((tries - 1))
    done
    fail "container processes left (pid state): $(tr '\n' ' ' <<<"$left")"
}

# HULL_DEBUG_FDS has each command append "COMMAND N: FD=TARGET..." at exit: the fds it
# opened and did not close (a handle it keeps for its whole life, like the private
# /proc of procfs.c, shows up there too).  However often a command ran, that must be the
# same every time: a leak grows with the work done.
assert_no_fd_leak() {
    local f=$HULL_DEBUG_FDS
    [ -s "$f" ] || fail "no fd report in $f: HULL_DEBUG_FDS did not work"
    local cmd sets
    for cmd in create start kill state delete; do
        grep -q "^$cmd " "$f" || fail "no fd report from $cmd"
        sets=$(grep "^$cmd " "$f" | sort | uniq -c)
        [ "$(wc -l <<<"$sets")" -eq 1 ] ||
            fail "$cmd: the fds left open at exit differ between runs (runs, command, count: fds): $sets"
    done
}

# ---- tests -----------------------------------------------------------------------------

@test "stress: $HULL_STRESS_CYCLES create/start/kill/delete cycles, $HULL_STRESS_WORKERS in parallel, leave nothing behind" {
    local before_mounts
    before_mounts=$(mount_points)
    local per=$(((HULL_STRESS_CYCLES + HULL_STRESS_WORKERS - 1) / HULL_STRESS_WORKERS))
    local w pids=()
    for ((w = 0; w < HULL_STRESS_WORKERS; w++)); do
        worker "$w" "$per" &
        pids+=($!)
    done
    for w in "${pids[@]}"; do
        wait "$w"
    done

    local problems
    problems=$(cat "$WORK"/problems.*)
    [ -z "$problems" ] || fail "$(wc -l <<<"$problems") problems, the first ones: $(head -n 10 <<<"$problems")"
    local cycles
    cycles=$(cat "$WORK"/pids.* | wc -l)
    assert_equal "$cycles" "$((per * HULL_STRESS_WORKERS))" "containers created"

    # Nothing left: state directories, processes and zombies, mounts, cgroups, fds.
    run_hull list -q
    assert_success
    assert_output ""
    assert_equal "$(ls -A "$ROOT")" "" "entries left in --root"
    wait_no_leftover_processes
    assert_equal "$(pids_in_dir "$BATS_TEST_TMPDIR")" "" "processes in the bundle"
    assert_equal "$(mount_points)" "$before_mounts" "host mount points"
    assert_equal "$(our_cgroups)" "" "cgroups of the containers"
    assert_no_fd_leak
}

@test "concurrency: 20 creates of one id at once: one wins, the others say it already exists" {
    local i pids=()
    for i in $(seq 20); do
        (
            status=0
            hull create --bundle "$BUNDLE" same </dev/null >/dev/null 2>"$WORK/err.$i" || status=$?
            echo "$status" >"$WORK/rc.$i"
        ) &
        pids+=($!)
    done
    # Our jobs only: a bare wait would also wait for bats' own BATS_TEST_TIMEOUT timer.
    wait "${pids[@]}"
    local winners=0 rc
    for i in $(seq 20); do
        rc=$(cat "$WORK/rc.$i")
        if [ "$rc" -eq 0 ]; then
            winners=$((winners + 1))
        else
            grep -q 'container "same" already exists' "$WORK/err.$i" ||
                fail "create $i failed (status $rc) for another reason: $(cat "$WORK/err.$i")"
        fi
    done
    assert_equal "$winners" 1 "creates that succeeded"
    # Only the winner's directory, no half-made one.
    assert_equal "$(ls -A "$ROOT")" same "entries in --root"

    # The winner works.
    assert_equal "$(container_state same)" created status
    run_hull start same
    assert_success
    assert_equal "$(container_state same)" running status
    run_hull delete --force same
    assert_success
    assert_equal "$(ls -A "$ROOT")" "" "entries in --root after delete"
}

@test "concurrency: delete, kill and state racing on one container never see a corrupt state.json" {
    local id=$PREFIX-race
    start_detached "$id"
    local pid
    pid=$(container_pid "$id")
    local i pids=()
    for i in $(seq 30); do
        case $((i % 6)) in
            0) hull delete --force "$id" ;;
            1) hull kill "$id" KILL ;;
            *) hull state "$id" ;;
        esac >"$WORK/out.$i" 2>"$WORK/err.$i" &
        pids+=($!)
    done
    wait "${pids[@]}"

    # What each one may say: success, or that the container is gone or stopping.
    local out err ok='does not exist|is stopped|No such process|not created or running|only a created or running'
    for i in $(seq 30); do
        out=$(cat "$WORK/out.$i")
        err=$(cat "$WORK/err.$i")
        if grep -qi corrupt "$WORK/err.$i"; then
            fail "command $i saw a corrupt state: $err"
        fi
        if [ -n "$out" ]; then
            jq -e --arg id "$id" '.id == $id and (.status | test("^(running|stopped)$"))' <<<"$out" >/dev/null ||
                fail "state $i printed something else than the container's state: $out"
        elif [ -n "$err" ] && ! [[ $err =~ $ok ]]; then
            fail "command $i failed unexpectedly: $err"
        fi
    done
    # At least one delete went through; the container, its process and cgroups are gone.
    run_hull state "$id"
    assert_failure
    assert_output_contains 'does not exist'
    wait_gone "$pid"
    assert_equal "$(ls -A "$ROOT")" "" "entries in --root"
    assert_equal "$(our_cgroups)" "" "cgroups of the container"
}

@test "concurrency: state read while start rewrites state.json is always whole" {
    create_container c1
    local i
    (
        for i in $(seq 200); do
            hull state c1 2>&1 | jq -e '.id == "c1" and (.status | test("^(created|running)$"))' >/dev/null ||
                echo "read $i was not a whole state"
        done
    ) >"$WORK/reads" &
    local reader=$!
    run_hull start c1
    assert_success
    wait "$reader"
    assert_equal "$(cat "$WORK/reads")" "" "bad reads"
    assert_equal "$(container_state c1)" running status
}
