#!/usr/bin/env bats
# Faults: `hull create` killed at each stage of its set-up, a damaged state.json, a --root
# on a full filesystem, a container process that dies before `start`.  Each must end
# with a clear error, and `delete --force` (or the failed command itself) must leave
# nothing behind: no state directory, process, mount or cgroup.
#
# The kills use tests/helpers/hull-faults ($HULL_FAULTS): hull built with the fault
# points of src/lib/fault.h, where HULL_FAULT=STAGE makes create kill itself at STAGE.

load helpers/common

: "${HULL_FAULTS:=$TESTS_DIR/helpers/hull-faults}"

setup() {
    common_setup
    [ -x "$HULL_FAULTS" ] || fail "HULL_FAULTS ($HULL_FAULTS) is not built (make tests/helpers/hull-faults)"
    set_args sleep 1000
    # Unique on the host: finds this test's cgroups.
    ID=fault$$
}

# ---- helpers ---------------------------------------------------------------------------

# create_killed_at STAGE[:abort]: `create` of $ID that kills itself at STAGE.
create_killed_at() {
    local out=$BATS_TEST_TMPDIR/create.out
    status=0
    # No core file from the abort variant.
    (ulimit -c 0; HULL_FAULT=$1 timeout -k 5 "$HULL_TEST_TIMEOUT" "$HULL_FAULTS" --root "$ROOT" \
        create --bundle "$BUNDLE" "$ID" </dev/null >"$out" 2>&1) || status=$?
    output=$(cat "$out")
}

# run_hull_faults STAGE ARGS...: hull-faults ARGS with HULL_FAULT=STAGE; sets $status, $output.
run_hull_faults() {
    local stage=$1 out=$BATS_TEST_TMPDIR/faults.out
    shift
    status=0
    (ulimit -c 0; HULL_FAULT=$stage timeout -k 5 "$HULL_TEST_TIMEOUT" "$HULL_FAULTS" --root "$ROOT" \
        "$@" </dev/null >"$out" 2>&1) || status=$?
    output=$(cat "$out")
}

# assert_nothing_left: no state directory (not even a hidden one), no process running
# in the bundle, no mount on the host below the test's directory (where the bundle is:
# a container mount that escaped its namespace would be there; the tiny tmpfs of the
# full-filesystem tests is ours), no cgroup named after the container.
assert_nothing_left() {
    assert_equal "$(ls -A "$ROOT" 2>/dev/null)" "" "entries left in --root"
    local tries=50 pids
    while pids=$(pids_in_dir "$BATS_TEST_TMPDIR") && [ -n "$pids" ] && [ "$tries" -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    assert_equal "$pids" "" "processes left in the bundle"
    assert_equal "$(mounts_under "$BATS_TEST_TMPDIR" | grep -vx "$BATS_TEST_TMPDIR/tiny")" "" \
        "host mounts below the test directory"
    assert_equal "$(find /sys/fs/cgroup -mindepth 1 -type d -name "*$ID*" 2>/dev/null)" "" "cgroups left"
}

# killed_create_is_cleaned STAGE [EXIT STATUS]: create dies at STAGE; state says the
# container is stopped; delete --force removes everything.
killed_create_is_cleaned() {
    create_killed_at "$1"
    assert_failure "${2:-137}"
    assert_equal "$(container_state "$ID")" stopped "status after create died at $1"
    run_hull delete --force "$ID"
    assert_success
    assert_nothing_left
    # The id is free again and works.
    create_container "$ID"
    run_hull start "$ID"
    assert_success
    run_hull delete --force "$ID"
    assert_success
    assert_nothing_left
}

# damage_state_json HOW: a running container whose state.json is then damaged; `state`
# must say so clearly, delete --force must still remove it and kill its process.
damage_state_is_cleaned() {
    start_detached "$ID"
    local pid
    pid=$(container_pid "$ID")
    local state=$ROOT/$ID/state.json
    [ -f "$state" ] || fail "no $state"
    case "$1" in
        truncated) truncate -s "$(($(stat -c %s "$state") / 2))" "$state" ;;
        empty) : >"$state" ;;
        garbage) head -c 300 /dev/urandom >"$state" ;;
        wrong-id) echo '{"id": "someone-else", "bundle": "/"}' >"$state" ;;
    esac
    run_hull state "$ID"
    assert_failure
    assert_output_contains "container \"$ID\": corrupt state.json"
    assert_output_contains "delete --force"
    run_hull delete "$ID"
    assert_failure
    assert_output_contains "corrupt state.json"
    run_hull delete --force "$ID"
    assert_success
    wait_gone "$pid"
    assert_nothing_left
}

# A tmpfs of 16 pages at DIR with FREE pages left free, and --root in it.
tiny_root() {
    local dir=$BATS_TEST_TMPDIR/tiny free=$1
    mkdir -p "$dir"
    mount -t tmpfs -o size=64k,mode=0700 tmpfs "$dir"
    dd if=/dev/zero of="$dir/filler" bs=4096 count=$((16 - free)) status=none 2>/dev/null || true
    mkdir -p "$dir/root"
    ROOT=$dir/root
}

# ---- create killed at each stage -------------------------------------------------------

@test "faults: create killed once the state directory exists: delete --force removes everything" {
    killed_create_is_cleaned state-dir
}

@test "faults: create killed with config.json and the FIFOs made: delete --force removes everything" {
    killed_create_is_cleaned fifos
}

@test "faults: create killed right after the clone: the process dies too, delete --force removes everything" {
    killed_create_is_cleaned cloned
}

@test "faults: create killed when the process is ready but not recorded: it does not survive" {
    killed_create_is_cleaned ready
}

@test "faults: create killed after writing state.json: delete --force removes everything" {
    killed_create_is_cleaned recorded
}

@test "faults: create aborting (SIGABRT) before state.json: delete --force removes everything" {
    killed_create_is_cleaned ready:abort 134
}

@test "faults: the container process dying during set-up fails create cleanly, nothing to delete" {
    create_killed_at child-setup
    assert_failure 1
    assert_output_contains "hull: create:"
    assert_output_contains "exited during set-up"
    run_hull state "$ID"
    assert_failure
    assert_output_contains "does not exist"
    assert_nothing_left
}

# ---- damaged state.json ----------------------------------------------------------------

@test "faults: a truncated state.json is a clear error, delete --force still cleans up" {
    damage_state_is_cleaned truncated
}

@test "faults: an empty state.json is a clear error, delete --force still cleans up" {
    damage_state_is_cleaned empty
}

@test "faults: a state.json of random bytes is a clear error, delete --force still cleans up" {
    damage_state_is_cleaned garbage
}

@test "faults: a state.json of another container is a clear error, delete --force still cleans up" {
    damage_state_is_cleaned wrong-id
}

# ---- a full filesystem under --root ------------------------------------------------------

@test "faults: --root on a full tmpfs: create fails with ENOSPC and leaves nothing" {
    tiny_root 0
    run_hull_detached create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output_contains "hull: create:"
    assert_output_contains "No space left on device"
    assert_nothing_left
}

@test "faults: --root with room for config.json only: create fails after the clone and leaves nothing" {
    tiny_root 1
    run_hull_detached create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output_contains "No space left on device"
    # It failed late: at state.json, with the container process already made.
    assert_output_contains "state.json"
    assert_nothing_left
}

# ---- the container process dies between create and start -------------------------------

@test "faults: the container process killed between create and start: stopped, start refuses, delete cleans" {
    create_container "$ID"
    local pid
    pid=$(container_pid "$ID")
    kill -9 "$pid"
    wait_status "$ID" stopped
    run_hull start "$ID"
    assert_failure
    assert_output_contains "is stopped, not created"
    run_hull kill "$ID" KILL
    assert_failure
    assert_output_contains "is stopped"
    run_hull delete "$ID"
    assert_success
    assert_nothing_left
}

@test "faults: create killed with its hidden .creating directory made, delete killed after hiding the container's: the next delete sweeps both" {
    create_killed_at hidden-dir
    assert_failure 137
    ls -A "$ROOT" | grep -q '^\.creating-' || fail "no hidden directory left to sweep: $(ls -A "$ROOT")"
    # The id was never taken.
    run_hull state "$ID"
    assert_failure
    assert_output_contains "does not exist"

    create_container "$ID"
    run_hull_faults deleting delete --force "$ID"
    assert_failure 137
    ls -A "$ROOT" | grep -q '^\.deleting-' || fail "no .deleting directory left: $(ls -A "$ROOT")"

    # Any later removal sweeps what no live create or delete holds.
    create_container other
    run_hull delete --force other
    assert_success
    assert_nothing_left
}


@test "faults: the sweep spares the unlocked .creating directory of a live create (between its mkdir and flock)" {
    # A create that made .creating-PID and has not locked it yet: here a live process's pid.
    sleep 100 &
    local live=$!
    create_container other
    mkdir -m 0700 "$ROOT/.creating-$live"
    run_hull delete --force other
    assert_success
    [ -d "$ROOT/.creating-$live" ] || fail "the sweep removed the directory of a live create"
    kill "$live"
    wait "$live" 2>/dev/null || true
    create_container other
    run_hull delete --force other
    assert_success
    assert_nothing_left
}
