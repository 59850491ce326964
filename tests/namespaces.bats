#!/usr/bin/env bats
# Namespaces (config-linux.md "Namespaces", "User namespace mappings", "Offset for Time Namespace").

load helpers/common

# assert_own_ns NSFILE: the container's /proc/self/ns/NSFILE differs from the host's.
# (Callers add the namespace to the config themselves, so as not to rely on spec defaults.)
assert_own_ns() {
    in_container readlink "/proc/self/ns/$1"
    assert_success
    assert_match "$output" "^$1:\[[0-9]+\]$" "container's $1 namespace"
    assert_not_equal "$output" "$(host_ns "$1")" "container's $1 namespace"
}

@test "pid namespace: own namespace, the program is PID 1" {
    add_namespace pid
    assert_own_ns pid
    # (The trailing true keeps sh from exec'ing cat as PID 1.)
    in_container sh -c 'echo $$; cat /proc/1/comm; true'
    assert_success
    assert_output "1
sh"
}

@test "pid namespace: host processes are invisible" {
    add_namespace pid
    in_container sh -c 'ls -d /proc/[0-9]* | wc -l'
    assert_success
    # sh, ls and wc: a handful at most, never the host's processes.
    [ "$output" -le 4 ] || fail "the container sees $output processes"
    in_container sh -c "[ -e /proc/$$ ] && echo visible || echo invisible"
    assert_output invisible
}

@test "ipc namespace: own namespace" {
    add_namespace ipc
    assert_own_ns ipc
}

@test "uts namespace: own namespace with the configured hostname and domainname" {
    add_namespace uts
    assert_own_ns uts
    jq_edit '.hostname = "box1" | .domainname = "example.test"'
    local host_hostname
    host_hostname=$(hostname)
    in_container sh -c 'hostname; cat /proc/sys/kernel/domainname'
    assert_success
    assert_output "box1
example.test"
    assert_equal "$(hostname)" "$host_hostname" "host hostname afterwards"
}

@test "network namespace: own namespace with only lo" {
    add_namespace network
    assert_own_ns net
    in_container sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
    assert_success
    assert_output lo
}

@test "mount namespace: own namespace, host files invisible after pivot_root" {
    assert_own_ns mnt
    local marker
    marker=$(mktemp /tmp/hull-marker.XXXXXX)
    echo in-rootfs >"$BUNDLE/rootfs/marker-in-rootfs"
    in_container sh -c "ls $marker $BUNDLE 2>&1; cat /marker-in-rootfs"
    rm -f "$marker"
    assert_output "ls: $marker: No such file or directory
ls: $BUNDLE: No such file or directory
in-rootfs"
}

@test "mount namespace: mounts made in the container do not reach the host" {
    # mount(2) needs CAP_SYS_ADMIN, which the default capabilities leave out.
    jq_edit '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
             | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
    in_container sh -c 'mount -t tmpfs none /tmp && echo mounted'
    assert_success
    assert_output mounted
    [ -z "$(mounts_under "$BUNDLE")" ] || fail "host sees mounts: $(mounts_under "$BUNDLE")"
}

@test "cgroup namespace: own namespace, the container's cgroup is its root" {
    add_namespace cgroup
    assert_own_ns cgroup
    # In a cgroup namespace every hierarchy shows the container's cgroup as "/".
    in_container cat /proc/self/cgroup
    assert_success
    local line
    while read -r line; do
        [ "${line##*:}" = / ] || fail "cgroup path not / inside: $line"
    done <<<"$output"
}

@test "user namespace: uid_map/gid_map as configured, files created are owned by the mapped host id" {
    enable_userns
    local shared=$BATS_TEST_TMPDIR/shared
    mkdir "$shared"
    chown "$USERNS_HOST_ID:$USERNS_HOST_ID" "$shared"
    add_mount /shared bind "$shared" rbind rw
    # As for any user-namespaced container, the rootfs belongs to the mapped root.
    mkdir "$BUNDLE/rootfs/shared"
    chown -R "$USERNS_HOST_ID:$USERNS_HOST_ID" "$BUNDLE/rootfs"

    set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; hullcheck ids; touch /shared/made-inside'
    run_container c1
    assert_success
    # Columns: inside-id outside-id count, whitespace-padded by the kernel.
    assert_equal "$(sed -n 1p <<<"$output" | tr -s ' ' | sed 's/^ //')" "0 100000 65536" uid_map
    assert_equal "$(sed -n 2p <<<"$output" | tr -s ' ' | sed 's/^ //')" "0 100000 65536" gid_map
    assert_equal "$(sed -n 3p <<<"$output")" "uid=0 gid=0 groups=" "ids inside"
    assert_equal "$(stat -c %u:%g "$shared/made-inside")" "100000:100000" "owner on the host"
}

@test "user namespace: bind sources the mapped root cannot reach are bound (opened before the namespace), for exec too" {
    enable_userns
    # Two sources below directories only the host's root may search: relative to the
    # bundle, and absolute.
    mkdir -p "$BUNDLE/hidden-1/dir" "$BATS_TEST_TMPDIR/hidden-2/dir"
    echo one >"$BUNDLE/hidden-1/dir/foo.txt"
    echo two >"$BATS_TEST_TMPDIR/hidden-2/dir/foo.txt"
    chmod 700 "$BUNDLE/hidden-1" "$BATS_TEST_TMPDIR/hidden-2"
    add_mount /tmp/mount-1 bind hidden-1/dir bind
    add_mount /tmp/mount-2 bind "$BATS_TEST_TMPDIR/hidden-2/dir" rbind
    set_args sh -c 'cat /tmp/mount-1/foo.txt /tmp/mount-2/foo.txt; exec sleep 30'
    start_detached c1
    run_hull exec c1 cat /tmp/mount-1/foo.txt /tmp/mount-2/foo.txt
    assert_success
    assert_output "one
two"
    # The control: the mapped root's host id indeed cannot reach them by their path.
    run setpriv --reuid "$USERNS_HOST_ID" --regid "$USERNS_HOST_ID" --clear-groups \
        stat "$BUNDLE/hidden-1/dir" "$BATS_TEST_TMPDIR/hidden-2/dir"
    assert_failure
    assert_output_contains "Permission denied"
}

@test "user namespace: a mount made inside a bind of a shared host mount does not reach the host" {
    enable_userns
    # The source is a shared mount: bound by the runtime before the user namespace, its
    # clone must not stay in the host's peer group.
    local shared=$BATS_TEST_TMPDIR/shared
    mkdir -p "$shared/sub"
    chmod 777 "$shared/sub"
    mount --bind "$shared" "$shared"
    mount --make-shared "$shared"
    add_mount /shared bind "$shared" bind
    mkdir "$BUNDLE/rootfs/shared"
    jq_edit '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
    set_args sh -c 'mount -t tmpfs inner /shared/sub && grep -c " /shared/sub " /proc/self/mountinfo'
    run_container c1
    assert_success
    assert_output "1"
    run grep -c " $shared/sub " /proc/self/mountinfo
    assert_output "0"
}

@test "user namespace: own namespace" {
    enable_userns
    assert_own_ns user
}

@test "time namespace: boottime offset shows in /proc/uptime" {
    add_namespace time
    jq_edit '.linux.timeOffsets = {boottime: {secs: 86400000, nanosecs: 0}}'
    local host_uptime
    host_uptime=$(cut -d' ' -f1 /proc/uptime)
    in_container cat /proc/uptime
    assert_success
    local inside=${output%% *}
    awk -v i="$inside" -v h="$host_uptime" 'BEGIN { exit !(i - h >= 86400000 && i - h < 86400000 + 60) }' ||
        fail "uptime inside $inside, host $host_uptime: expected 86400000 s more"
}

@test "time namespace: own namespace" {
    add_namespace time
    assert_own_ns time
}

@test "without a namespace entry the container shares the host's (the control)" {
    local ns
    for ns in pid ipc uts network cgroup; do
        remove_namespace "$ns"
    done
    jq_edit 'del(.hostname)'
    in_container sh -c 'for n in pid ipc uts net cgroup user time; do readlink /proc/self/ns/$n; done'
    assert_success
    local expected="" n
    for n in pid ipc uts net cgroup user time; do
        expected+="$(host_ns "$n")"$'\n'
    done
    assert_equal "$output" "${expected%$'\n'}" "namespaces without entries"
}

@test "join: a network namespace given by path" {
    local nsfile=$BATS_TEST_TMPDIR/netns
    touch "$nsfile"
    unshare --net="$nsfile" true
    local inode
    inode=$(stat -L -c %i "$nsfile")
    add_namespace network "$nsfile"
    in_container readlink /proc/self/ns/net
    assert_success
    assert_output "net:[$inode]"
}

@test "join: the uts namespace of another container by /proc/PID/ns/uts" {
    jq_edit '.hostname = "first"'
    set_args sleep 100
    start_detached first
    local pid
    pid=$(container_pid first)
    local first_uts
    first_uts=$(readlink "/proc/$pid/ns/uts")

    local second=$BATS_TEST_TMPDIR/second
    make_bundle "$second"
    BUNDLE=$second add_namespace uts "/proc/$pid/ns/uts"
    BUNDLE=$second jq_edit 'del(.hostname)'
    BUNDLE=$second set_args sh -c 'readlink /proc/self/ns/uts; hostname'
    run --separate-stderr hull run --bundle "$second" c2
    assert_success
    assert_output "$first_uts
first"
}

@test "join: a namespace path that is not a namespace fails create" {
    add_namespace network "$BATS_TEST_TMPDIR"
    run_hull_detached create --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "hull:"
    run_hull list -q
    assert_output ""
}
