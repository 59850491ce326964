#!/usr/bin/env bats
# The IPC regression (config-linux.md "Namespaces": ipc): a container with an ipc namespace
# must not reach the host's System V objects, and gets its own /dev/shm.
# The host creates, per test: a shm segment by key, an IPC_PRIVATE segment, a semaphore set
# and a message queue; inside, they must be unreachable by id, by key and in /proc/sysvipc.

load helpers/common

setup() {
    common_setup
    # A key unlikely to collide with anything else on the host; setup uses IPC_EXCL anyway.
    KEY=$((0x48000000 + (RANDOM << 8) + BATS_TEST_NUMBER))
    IPC_LINE=$("$HULLCHECK" ipc-host-setup "$KEY") || fail "host IPC setup failed: $IPC_LINE"
    # "shm=ID shmpriv=ID sem=ID msg=ID"
    read -r IPC_shm IPC_shmpriv IPC_sem IPC_msg <<<"$(sed 's/[a-z]*=//g' <<<"$IPC_LINE")"
    HOST_SHM_FILE=/dev/shm/hull-test-host.$$.$BATS_TEST_NUMBER
    INSIDE_SHM_NAME=hull-test-inside.$$.$BATS_TEST_NUMBER
}

teardown() {
    common_teardown
    # shellcheck disable=SC2086 # one argument per object
    [ -z "${IPC_LINE:-}" ] || "$HULLCHECK" ipc-host-cleanup $IPC_LINE >/dev/null
    rm -f "$HOST_SHM_FILE" "/dev/shm/$INSIDE_SHM_NAME"
}

@test "the host objects exist and are reachable from the host (sanity)" {
    run "$HULLCHECK" shm-attach "$IPC_shm"
    assert_output ok
    run "$HULLCHECK" shm-attach "$IPC_shmpriv"
    assert_output ok
    run "$HULLCHECK" shm-get "$KEY"
    assert_output "found id=$IPC_shm"
    run "$HULLCHECK" sem-stat "$IPC_sem"
    assert_output ok
    run "$HULLCHECK" msg-stat "$IPC_msg"
    assert_output ok
}

@test "ipc namespace: shmat by id of the host's segments fails" {
    in_container sh -c "hullcheck shm-attach $IPC_shm; hullcheck shm-attach $IPC_shmpriv"
    assert_output "EINVAL
EINVAL"
}

@test "ipc namespace: shmget by the host's key finds nothing" {
    in_container hullcheck shm-get "$KEY"
    assert_failure 1
    assert_output ENOENT
}

@test "ipc namespace: /proc/sysvipc/shm, sem and msg list no entries" {
    in_container sh -c 'for f in shm sem msg; do echo "$f $(wc -l </proc/sysvipc/$f)"; done'
    assert_success
    # Header line only.
    assert_output "shm 1
sem 1
msg 1"
    # The control, on the host: our key is listed.
    grep -q "^ *$KEY " /proc/sysvipc/shm || fail "host /proc/sysvipc/shm lacks key $KEY"
}

@test "ipc namespace: the host's semaphore set and message queue are unreachable" {
    in_container sh -c "hullcheck sem-get $((KEY + 1)); hullcheck msg-get $((KEY + 2));
                        hullcheck sem-stat $IPC_sem; hullcheck msg-stat $IPC_msg"
    assert_output "ENOENT
ENOENT
EINVAL
EINVAL"
}

@test "ipc namespace: /dev/shm works inside (files and shm_open)" {
    in_container sh -c 'echo shm-data >/dev/shm/f && cat /dev/shm/f && hullcheck shm-open /posix-shm'
    assert_success
    assert_output "shm-data
ok"
}

@test "ipc namespace: /dev/shm is not the host's, in either direction" {
    echo host >"$HOST_SHM_FILE"
    in_container sh -c "ls /dev/shm; hullcheck shm-open /$INSIDE_SHM_NAME"
    assert_success
    refute_output_contains "$(basename "$HOST_SHM_FILE")"
    assert_output_contains ok
    [ ! -e "/dev/shm/$INSIDE_SHM_NAME" ] || fail "the container's shm file appeared in the host's /dev/shm"
}

@test "control: without an ipc namespace the host's segment is reachable" {
    remove_namespace ipc
    in_container sh -c "hullcheck shm-attach $IPC_shm; hullcheck shm-get $KEY; hullcheck sem-stat $IPC_sem"
    assert_success
    assert_output "ok
found id=$IPC_shm
ok"
}

@test "ipc namespace: the container's own objects work and vanish with it" {
    in_container sh -c "hullcheck ipc-host-setup $KEY && hullcheck shm-get $KEY"
    assert_success
    assert_output_contains "found id="
    # The host's object with the same key is untouched.
    run "$HULLCHECK" shm-get "$KEY"
    assert_output "found id=$IPC_shm"
}
