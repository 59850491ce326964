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

# refused_like_delete ID CMD ARGS...: `hull CMD ID ARGS...` fails with the message
# `hull delete ID` gives (its text after "hull: delete: "), and leaves nothing behind.
refused_like_delete() {
    local id=$1 cmd=$2
    shift 2
    run_hull delete "$id"
    assert_failure
    local want=${output#"hull: delete: "}
    [[ $want == "invalid container id"* ]] || fail "delete's message: $output"
    run_hull "$cmd" "$id" "$@"
    assert_failure
    assert_output "hull: $cmd: $want"
    assert_no_leftovers
}

@test "kill, ps and exec refuse invalid ids as delete does: a/b .. tab" {
    refused_like_delete a/b kill
    refused_like_delete .. ps
    refused_like_delete $'a\tb' exec true
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

@test "state, start, kill, delete and events of an unknown container say it does not exist" {
    local cmd
    for cmd in state start kill delete events; do
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

# ---- issue 12: refused with the field's JSON path, before anything is made ----------------

# refused_with FILTER TEXT...: a config edited by the jq FILTER is refused by create with one
# line containing each TEXT, and nothing is left behind.
refused_with() {
    local filter=$1
    shift
    jq_edit "$filter"
    try_create
    assert_clean_error "$@"
}

@test "an escaped NUL in a string is refused with its path, not cut there (env, mount destination)" {
    refused_with '.process.env += ["FOO=a\u0000BAR=evil"]' 'process.env[2]' 'NUL character'
    make_bundle
    refused_with '.mounts += [{destination: "/mnt\u0000/../../x", type: "tmpfs", source: "tmpfs"}]' \
        'mounts[7].destination' 'NUL character'
    make_bundle
    refused_with '.linux.sysctl = {"net.ipv4.ip_forward\u0000x": "1"}' 'linux.sysctl["net.ipv4.ip_forward"]' \
        'property name contains a NUL'
}

@test "an escaped NUL in exec's process.json is refused with its path" {
    set_args sleep 100
    start_detached c1
    jq '.process | .args = ["sh", "-c", "echo ran"] | .env = ["A=1\u0000B=2"]' "$CONFIG" \
        >"$BATS_TEST_TMPDIR/process.json"
    run_hull exec --process "$BATS_TEST_TMPDIR/process.json" c1
    assert_failure
    assert_output_contains 'env[0]: the string contains a NUL character'
    refute_output_contains ran
}

@test "a relative linux.namespaces[i].path is refused (the spec says it MUST be absolute)" {
    refused_with '.linux.namespaces[1].path = "proc/1/ns/net"' 'linux.namespaces[1].path' 'absolute'
}

@test "resources.cpu.cpus and mems that are not CPU lists are refused at decode time" {
    refused_with '.linux.resources.cpu = {cpus: "0-x"}' 'linux.resources.cpu.cpus' 'invalid list "0-x"'
    refused_with '.linux.resources.cpu = {mems: "1-0"}' 'linux.resources.cpu.mems' 'backwards'
}

@test "process.scheduler: a bad combination names the field" {
    refused_with '.process.scheduler = {policy: "SCHED_BATCH", priority: 3}' \
        'process.scheduler.priority' 'only SCHED_FIFO and SCHED_RR take a priority'
    refused_with '.process.scheduler = {policy: "SCHED_OTHER", nice: 20}' 'process.scheduler.nice' 'out of range'
    refused_with '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 2000000, deadline: 1000000}' \
        'process.scheduler.deadline' 'less than the runtime'
}

@test "process.ioPriority: a priority outside 0-7 names the field" {
    refused_with '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 8}' 'process.ioPriority.priority' '0 to 7'
}

@test "process.execCPUAffinity: a CPU this host does not have is refused" {
    refused_with '.process.execCPUAffinity = {final: "4095"}' 'process.execCPUAffinity.final' \
        'CPU 4095 does not exist on this host'
}

@test "linux.personality: an unknown domain, and any flag, are refused" {
    refused_with '.linux.personality = {domain: "LINUX64"}' 'linux.personality.domain' 'LINUX64'
    refused_with '.linux.personality = {domain: "LINUX", flags: ["ADDR_NO_RANDOMIZE"]}' \
        'linux.personality.flags' 'defines no personality flags'
}

@test "linux.memoryPolicy: a node that does not exist, and modes without the nodes they need" {
    refused_with '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "5"}' 'linux.memoryPolicy.nodes' \
        'memory node 5 does not exist on this host'
    refused_with '.linux.memoryPolicy = {mode: "MPOL_BIND"}' 'linux.memoryPolicy.nodes' 'needs at least one node'
    refused_with '.linux.memoryPolicy = {mode: "MPOL_DEFAULT", nodes: "0"}' 'linux.memoryPolicy.nodes' 'takes no nodes'
}

@test "Windows-only properties are refused rather than ignored: process.commandLine, user.username" {
    refused_with '.process.commandLine = "sh -c true"' 'process.commandLine: not supported' 'Windows'
    refused_with 'del(.process.commandLine) | .process.user.username = "root"' 'process.user.username: not supported'
}
