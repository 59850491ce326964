#!/usr/bin/env bats
# Rootless hull (issue 7): an unprivileged user runs containers from a bundle made with
# `hull spec --rootless`: a user namespace mapping their own uid and gid to root, no
# cgroup (none is delegated here), state under $XDG_RUNTIME_DIR/hull.  The IPC regression
# and the escape checks that apply to an unprivileged user run here too.
#
# The build tree and bats' temp dirs may be closed to that user: hull, hullcheck and the
# bundle are copied to a directory under /var/tmp that the user owns.

load helpers/common

RL_USER=hull-rootless-test

setup_file() {
    id "$RL_USER" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$RL_USER"
}

setup() {
    common_setup
    RL=$(mktemp -d /var/tmp/hull-rootless.XXXXXX)
    chmod 755 "$RL"
    cp "$HULL" "$RL/hull"
    mkdir "$RL/xdg" "$RL/bundle"
    cp -a "$BUNDLE/rootfs" "$RL/bundle/rootfs"
    chown -R "$RL_USER:$RL_USER" "$RL/xdg" "$RL/bundle"
    chmod 700 "$RL/xdg"
    rl_hull spec --rootless -b "$RL/bundle"
    assert_success
    RL_CONFIG=$RL/bundle/config.json
    IPC_IDS=
}

teardown() {
    [ -n "$IPC_IDS" ] && "$HULLCHECK" ipc-host-cleanup $IPC_IDS >/dev/null 2>&1
    local id
    for id in $(rl_hull_quiet list -q); do rl_hull_quiet delete -f "$id"; done
    rm -rf "$RL"
    common_teardown
}

as_user() {
    setpriv --reuid "$RL_USER" --regid "$RL_USER" --clear-groups --reset-env \
        env XDG_RUNTIME_DIR="$RL/xdg" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# rl_hull ARGS...: hull as the unprivileged user, from the bundle (sets status/output).
rl_hull() {
    run --separate-stderr timeout 30 setpriv --reuid "$RL_USER" --regid "$RL_USER" --clear-groups \
        --reset-env env XDG_RUNTIME_DIR="$RL/xdg" sh -c 'cd "$0" && exec "$@"' "$RL/bundle" "$RL/hull" "$@"
    _show_run
}

rl_hull_quiet() {
    as_user sh -c 'cd "$0" && exec "$@"' "$RL/bundle" "$RL/hull" "$@" 2>/dev/null
}

rl_edit() {
    local tmp
    tmp=$(mktemp)
    jq "$@" <"$RL_CONFIG" >"$tmp" && cat "$tmp" >"$RL_CONFIG"
    rm -f "$tmp"
}

rl_run() {
    rl_edit '.process.args = $a' --argjson a "$(json_array "$@")"
    rl_hull run c1
}

# rl_hull_detached ARGS...: like rl_hull for commands that leave a container process
# behind: its stdio goes to files, not to bats' pipes.
rl_hull_detached() {
    local err=$RL/err
    status=0
    as_user sh -c 'cd "$0" && exec "$@"' "$RL/bundle" "$RL/hull" "$@" </dev/null >/dev/null 2>"$err" || status=$?
    stderr=$(cat "$err")
    output=$stderr
}

@test "rootless: spec --rootless maps the caller's uid and gid to root in a user namespace" {
    local uid gid
    uid=$(id -u "$RL_USER")
    gid=$(id -g "$RL_USER")
    run jq -c '[.linux.uidMappings, .linux.gidMappings, ([.linux.namespaces[].type] | index("user") != null)]' "$RL_CONFIG"
    assert_output "[[{\"containerID\":0,\"hostID\":$uid,\"size\":1}],[{\"containerID\":0,\"hostID\":$gid,\"size\":1}],true]"
}

@test "rootless: a container runs as root of its own user namespace, isolated" {
    rl_run sh -c 'id -u; echo $$; cat /proc/self/uid_map | tr -s " "; for n in user pid ipc net; do readlink /proc/self/ns/$n; done'
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
    rl_run sh -c "hullcheck shm-attach $shm; hullcheck shm-get 0x48554c50; hullcheck sem-get 0x48554c51;
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
    rl_run sh -c 'hullcheck fds; cat /proc/keys | wc -c'
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
    grep -q "^$RL_USER:" /etc/subuid || echo "$RL_USER:300000:65536" >>/etc/subuid
    grep -q "^$RL_USER:" /etc/subgid || echo "$RL_USER:300000:65536" >>/etc/subgid
    local sub
    sub=$(grep "^$RL_USER:" /etc/subuid | cut -d: -f2)
    rl_edit --argjson u "$uid" --argjson g "$gid" --argjson s "$sub" \
        '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: $s, size: 1000}]
       | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1}, {containerID: 1, hostID: $s, size: 1000}]
       | .process.user = {uid: 100, gid: 100}'
    rl_run sh -c 'id -u; id -g; cat /proc/self/uid_map | tr -s " " | sort'
    assert_success
    assert_output "100
100
 0 $uid 1
 1 $sub 1000"
}
