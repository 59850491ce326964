#!/usr/bin/env bats
# Errors: each is one clear "hull: ..." line naming the problem, a non-zero exit, and nothing
# left behind: no state directory, no mount, no process (runtime.md "Errors", "Create").

load helpers/common

setup() {
    common_setup
    MOUNTS_BEFORE=$(mount_points)
}

# mount_points: the host's mount points, without those of bats runs (other suites may run
# at the same time on this host).
mount_points() {
    awk '{ print $5 }' /proc/self/mountinfo | grep -v '^/tmp/bats-run-' | sort
}

# assert_no_leftovers: nothing in --root, no new mount, no process in the bundle.
assert_no_leftovers() {
    if [ -d "$ROOT" ] && [ -n "$(ls -A "$ROOT")" ]; then
        fail "left in $ROOT: $(ls -A "$ROOT")"
    fi
    local now
    now=$(mount_points)
    [ "$now" = "$MOUNTS_BEFORE" ] || fail "new mounts: $(comm -13 <(echo "$MOUNTS_BEFORE") <(echo "$now"))"
    [ -z "$(mounts_under "$BATS_TEST_TMPDIR")" ] || fail "mounts left: $(mounts_under "$BATS_TEST_TMPDIR")"
    [ -z "$(pids_in_dir "$BATS_TEST_TMPDIR")" ] || fail "processes left: $(pids_in_dir "$BATS_TEST_TMPDIR")"
}

# assert_clean_error TEXT...: create failed with one "hull: " line containing each TEXT.
assert_clean_error() {
    assert_failure
    local text
    for text in "$@"; do
        assert_output_contains "$text"
    done
    [[ $stderr == "hull: "* && $stderr != *$'\n'* ]] || { _show_run; fail "stderr is not one 'hull: ' line"; }
    assert_no_leftovers
}

try_create() {
    # ${1-c1}: an explicitly empty id stays empty.
    run_hull_detached create --bundle "$BUNDLE" "${1-c1}"
}

@test "malformed JSON in config.json" {
    printf '{ "ociVersion": "1.0.0", "root": ' >"$CONFIG"
    try_create
    assert_clean_error config.json
}

@test "a wrong type names the field: process.user.uid" {
    jq_edit '.process.user.uid = "x"'
    try_create
    assert_clean_error process.user.uid
}

@test "an unknown namespace type names linux.namespaces[N] and the value" {
    jq_edit '.linux.namespaces += [{type: "foo"}]'
    try_create
    assert_clean_error 'linux.namespaces[' foo
}

@test "a missing required field: root.path" {
    jq_edit 'del(.root.path)'
    try_create
    assert_clean_error root.path
}

@test "the spec's bad sample configs are all refused" {
    local sample
    for sample in "$SPEC_DIR"/schema/test/config/bad/*.json; do
        cp "$sample" "$CONFIG"
        try_create
        assert_failure || fail "accepted: $sample"
        assert_no_leftovers
    done
}

@test "a config without process: create works, start is refused with a clear message" {
    jq_edit 'del(.process)'
    try_create
    assert_success
    assert_equal "$(container_state c1)" created status
    run_hull start c1
    assert_failure
    assert_output_contains 'no process'
    [[ $output == "hull: "* ]] || fail "not a hull: message: $output"
}

@test "invalid container ids are refused: a/b .. . newline \\x01 empty" {
    local id
    for id in a/b .. . $'a\nb' $'a\x01b' ""; do
        try_create "$id"
        assert_clean_error "invalid container id"
    done
}

@test "a duplicate id is refused and the first container is unharmed" {
    set_args sleep 100
    create_container c1
    local pid
    pid=$(container_pid c1)
    try_create c1
    assert_failure
    assert_output_contains 'container "c1" already exists'
    assert_equal "$(container_state c1)" created "c1 status"
    assert_equal "$(container_pid c1)" "$pid" "c1 pid"
    run_hull start c1
    assert_success
    assert_equal "$(container_state c1)" running "c1 status after start"
}

@test "a missing bundle directory is named" {
    BUNDLE=$BATS_TEST_TMPDIR/no-such-bundle
    try_create
    assert_clean_error no-such-bundle
}

@test "a missing config.json is named" {
    rm "$CONFIG"
    try_create
    assert_clean_error config.json
}

@test "a missing rootfs is named" {
    rm -rf "$BUNDLE/rootfs"
    try_create
    assert_clean_error rootfs
}

@test "a missing mount source is named and nothing is left mounted" {
    add_mount /data bind "$BATS_TEST_TMPDIR/no-such-source" rbind
    try_create
    assert_clean_error no-such-source
}

@test "state, start, kill and delete of an unknown container say it does not exist" {
    local cmd
    for cmd in state start kill delete; do
        run_hull "$cmd" nope
        assert_failure
        assert_output_contains "hull: $cmd: container \"nope\" does not exist"
    done
}

@test "a command without its container id is a usage error" {
    run_hull state
    assert_failure
    assert_output "hull: state: a container id is required"
}
