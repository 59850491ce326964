#!/usr/bin/env bats
# Rootless hull (issue 7): an unprivileged user runs containers from a bundle made with
# `hull spec --rootless`: a user namespace mapping their own uid and gid to root, no
# cgroup (none is delegated here), state under $XDG_RUNTIME_DIR/hull.  The IPC regression
# and the escape checks that apply to an unprivileged user run here too.
#
# The build tree and bats' temp dirs may be closed to that user: hull, hullcheck and the
# bundle are copied to a directory under /var/tmp that the user owns.

load helpers/common
load helpers/rootless

setup_file() {
    rl_ensure_user
}

setup() {
    rootless_setup hull-rootless
    IPC_IDS=
}

teardown() {
    [ -n "$IPC_IDS" ] && "$HULLCHECK" ipc-host-cleanup $IPC_IDS >/dev/null 2>&1
    rootless_teardown
}

@test "rootless: spec --rootless maps the caller's uid and gid to root in a user namespace" {
    local uid gid
    uid=$(id -u "$RL_USER")
    gid=$(id -g "$RL_USER")
    run jq -c '[.linux.uidMappings, .linux.gidMappings, ([.linux.namespaces[].type] | index("user") != null)]' "$RL_CONFIG"
    assert_output "[[{\"containerID\":0,\"hostID\":$uid,\"size\":1}],[{\"containerID\":0,\"hostID\":$gid,\"size\":1}],true]"
}

@test "rootless: a container runs as root of its own user namespace, isolated" {
    rl_edit '.linux.namespaces += [{type: "network"}]'
    rl_in_container sh -c 'id -u; echo $$; cat /proc/self/uid_map | tr -s " "; for n in user pid ipc net; do readlink /proc/self/ns/$n; done'
    assert_success
    local lines
    mapfile -t lines <<<"$output"
    assert_equal "${lines[0]}" 0 "uid inside"
    assert_equal "${lines[1]}" 1 "PID inside"
    assert_equal "${lines[2]}" " 0 $(id -u "$RL_USER") 1" "uid_map inside"
    assert_not_equal "${lines[3]}" "$(readlink /proc/self/ns/user)" "user namespace"
    assert_not_equal "${lines[4]}" "$(readlink /proc/self/ns/pid)" "pid namespace"
    assert_not_equal "${lines[5]}" "$(readlink /proc/self/ns/ipc)" "ipc namespace"
    assert_not_equal "${lines[6]}" "$(readlink /proc/self/ns/net)" "network namespace"
}

@test "rootless: state lives under \$XDG_RUNTIME_DIR/hull and the lifecycle works" {
    rl_edit '.process.args = ["sleep", "100"]'
    rl_hull_detached create c1
    assert_success
    [ -f "$RL/xdg/hull/c1/state.json" ] || fail "no state under XDG_RUNTIME_DIR"
    rl_hull state c1
    assert_equal "$(jq -r .status <<<"$output")" created status
    rl_hull start c1
    assert_success
    rl_hull state c1
    assert_equal "$(jq -r .status <<<"$output")" running status
    rl_hull kill c1 KILL
    assert_success
    rl_hull delete -f c1
    assert_success
    [ ! -e "$RL/xdg/hull/c1" ] || fail "state left behind"
}

@test "rootless: the IPC regression: the host's SysV objects are unreachable, /dev/shm works" {
    local ids shm
    ids=$("$HULLCHECK" ipc-host-setup 0x48554c50)
    IPC_IDS=$ids
    shm=${ids#shm=}; shm=${shm%% *}
    rl_in_container sh -c "hullcheck shm-attach $shm; hullcheck shm-get 0x48554c50; hullcheck sem-get 0x48554c51;
                  hullcheck msg-get 0x48554c52; echo x >/dev/shm/f && cat /dev/shm/f; hullcheck shm-open /rl"
    assert_output "EINVAL
ENOENT
ENOENT
ENOENT
x
ok"
}

@test "rootless: no host fd reaches the container, masked paths are masked" {
    exec 7</etc/hostname
    rl_in_container sh -c 'hullcheck fds; cat /proc/keys | wc -c'
    exec 7<&-
    assert_success
    assert_output "0 1 2
0"
}

@test "rootless: linux.resources without a delegated cgroup is refused, naming why" {
    rl_edit '.linux.resources = {pids: {limit: 10}}'
    rl_hull run c1
    assert_failure
    [[ $stderr == *"linux.resources"*"no cgroup is delegated"* ]] || fail "unclear error: $stderr"
    [ ! -e "$RL/xdg/hull/c1" ] || fail "state left behind"
}

@test "rootless: steps that need privilege fail with a message that says so" {
    # Mapping ids other than one's own needs newuidmap/newgidmap and /etc/subuid.
    rl_edit '.linux.uidMappings = [{containerID: 0, hostID: 200000, size: 1000}]'
    rl_hull run c1
    assert_failure
    [[ $stderr == *"linux.uidMappings"* ]] || fail "error does not name the field: $stderr"
    [[ $stderr == *newuidmap* || $stderr == *subuid* ]] || fail "error does not say what is needed: $stderr"
}

@test "rootless: several ids mapped through newuidmap/newgidmap with /etc/subuid" {
    command -v newuidmap >/dev/null || fail "newuidmap is missing (apt-get install uidmap)"
    local uid gid
    uid=$(id -u "$RL_USER")
    gid=$(id -g "$RL_USER")
    rl_ensure_subids
    local sub
    sub=$(grep "^$RL_USER:" /etc/subuid | cut -d: -f2)
    rl_edit '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: $s, size: 1000}]
           | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1}, {containerID: 1, hostID: $s, size: 1000}]
           | .process.user = {uid: 100, gid: 100}' \
        --argjson u "$uid" --argjson g "$gid" --argjson s "$sub"
    rl_in_container sh -c 'id -u; id -g; cat /proc/self/uid_map | tr -s " " | sort'
    assert_success
    assert_output "100
100
 0 $uid 1
 1 $sub 1000"
}
