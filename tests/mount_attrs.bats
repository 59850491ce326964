#!/usr/bin/env bats
# config.md "Mounts": the recursive options of mount_setattr(2) (rro, rnosuid, ...), idmapped
# mounts (idmap, ridmap, a mount's uidMappings/gidMappings), and the options hull refuses.

load helpers/common

# host_tree: a host dir with a tmpfs submount, each holding a file ($BATS_TEST_TMPDIR/tree).
host_tree() {
    TREE=$BATS_TEST_TMPDIR/tree
    mkdir -p "$TREE/sub"
    echo top >"$TREE/file"
    mount -t tmpfs tmpfs "$TREE/sub"
    echo sub >"$TREE/sub/file"
}

teardown() {
    [ -z "${TREE:-}" ] || umount "$TREE/sub" 2>/dev/null || true
    common_teardown
}

@test "mounts: rbind,rro makes the bind mount and its submounts read-only (EROFS)" {
    host_tree
    add_mount /tree bind "$TREE" rbind rro
    in_container sh -c 'cat /tree/sub/file; hullcheck write /tree/new; hullcheck write /tree/sub/new'
    assert_output "sub
EROFS
EROFS"
    [ ! -e "$TREE/sub/new" ] || fail "the write reached the host's submount"
}

@test "mounts: rbind,ro leaves the submount writable, as mount(8) does (only rro reaches it)" {
    host_tree
    add_mount /tree bind "$TREE" rbind ro
    in_container sh -c 'hullcheck write /tree/new; hullcheck write /tree/sub/new'
    assert_output "EROFS
ok"
}

@test "mounts: rnosuid, rnodev, rnoexec, rnosymfollow and rnoatime reach the submount" {
    host_tree
    add_mount /tree bind "$TREE" rbind rnosuid rnodev rnoexec rnosymfollow rnoatime
    in_container awk '$5 == "/tree/sub" { print $6 }' /proc/self/mountinfo
    assert_success
    local flag
    for flag in nosuid nodev noexec nosymfollow noatime; do
        [[ ,$output, == *,$flag,* ]] || fail "submount options '$output' lack $flag"
    done
}

@test "mounts: rrw, rsuid, rexec, rstrictatime clear what the host's submount has" {
    host_tree
    mount -o remount,bind,ro,nosuid,noexec "$TREE/sub"
    add_mount /tree bind "$TREE" rbind rrw rsuid rexec rstrictatime
    in_container sh -c 'awk '\''$5 == "/tree/sub" { print $6 }'\'' /proc/self/mountinfo; hullcheck write /tree/sub/new'
    assert_success
    local opts=${lines[0]}
    [[ ,$opts, == *,rw,* ]] || fail "submount options '$opts' are not rw"
    [[ ,$opts, != *,nosuid,* && ,$opts, != *,noexec,* ]] || fail "submount options '$opts' kept nosuid/noexec"
    [[ ,$opts, != *,relatime,* && ,$opts, != *,noatime,* ]] || fail "submount options '$opts' are not strictatime"
    [ "${lines[1]}" = ok ] || fail "write: ${lines[1]}"
}

@test "mounts: rro on a tmpfs (not a bind mount) is applied too" {
    add_mount /data tmpfs tmpfs size=1m rro
    in_container hullcheck write /data/new
    assert_output EROFS
}

# ---- idmapped mounts ----------------------------------------------------------------

# The direction is runc's (its idmap.bats, which Kubernetes' user-namespaced pods rely on): the
# mapping is written as the mount's user namespace's uid_map, so an id of the filesystem that is
# a containerID is seen as the hostID; an id outside every containerID range is unmapped.

# idmap_source: $SRC with file1000 (1000:1001), file2345 (2345:2346).
idmap_source() {
    SRC=$BATS_TEST_TMPDIR/idsrc
    mkdir "$SRC"
    touch "$SRC/file1000" "$SRC/file2345"
    chown 1000:1001 "$SRC/file1000"
    chown 2345:2346 "$SRC/file2345"
}

@test "mounts: idmap with uidMappings/gidMappings {1000 -> 2345}: a file of 1000:1001 shows as 2345:2346" {
    idmap_source
    add_mount /idm bind "$SRC" bind idmap
    jq_edit '.mounts[-1].uidMappings = [{containerID: 1000, hostID: 2345, size: 1}]
           | .mounts[-1].gidMappings = [{containerID: 1001, hostID: 2346, size: 1}]'
    in_container stat -c '%n %u:%g' /idm/file1000 /idm/file2345
    assert_success
    assert_output "/idm/file1000 2345:2346
/idm/file2345 65534:65534"
    [ "$(stat -c %u:%g "$SRC/file1000")" = 1000:1001 ] || fail "the host file's owner changed"
}

@test "mounts: idmap in a user namespace: the container's mapping on the mount shows host owners unshifted" {
    idmap_source
    enable_userns
    mkdir "$BUNDLE/rootfs/idm"
    add_mount /idm bind "$SRC" rbind ridmap
    jq_edit '.mounts[-1].uidMappings = .linux.uidMappings | .mounts[-1].gidMappings = .linux.gidMappings'
    in_container stat -c '%u:%g' /idm/file1000
    assert_success
    assert_output 1000:1001
}

@test "mounts: idmap without mappings takes the container's user namespace mapping" {
    idmap_source
    enable_userns
    mkdir "$BUNDLE/rootfs/idm"
    add_mount /idm bind "$SRC" bind idmap
    in_container sh -c 'stat -c %u:%g /idm/file2345; touch /idm/new && stat -c %u:%g /idm/new'
    assert_success
    assert_output "2345:2346
0:0"
    [ "$(stat -c %u:%g "$SRC/new")" = 0:0 ] || fail "a file made through the mount by root is $(stat -c %u:%g "$SRC/new") on the host"
}

@test "mounts: idmap without mappings or a user namespace is refused, naming the mount" {
    idmap_source
    add_mount /idm bind "$SRC" bind idmap
    in_container true
    assert_failure
    assert_output_contains "mounts["
    assert_output_contains "idmap without uidMappings/gidMappings needs a new user namespace"
}

@test "mounts: idmap on a tmpfs, and uidMappings without gidMappings, are refused" {
    add_mount /data tmpfs tmpfs idmap
    jq_edit '.mounts[-1].uidMappings = [{containerID: 0, hostID: 2345, size: 1}]
           | .mounts[-1].gidMappings = [{containerID: 0, hostID: 2345, size: 1}]'
    in_container true
    assert_failure
    assert_output_contains "an idmapped mount must be a bind mount"
    jq_edit 'del(.mounts[-1].gidMappings) | .mounts[-1].type = "bind" | .mounts[-1].source = "/tmp"'
    in_container true
    assert_failure
    assert_output_contains "uidMappings and gidMappings go together"
}

# ---- options hull does not know ------------------------------------------------------

@test "mounts: an unknown option is refused naming mounts[i].options[j], and nothing is left" {
    add_mount /data tmpfs tmpfs nosuid rr0
    local n
    n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
    in_container true
    assert_failure
    assert_output_contains "mounts[$n].options[1]: unknown mount option \"rr0\""
    run hull list -q
    assert_output ""
}

@test "mounts: filesystem data on a bind mount is said to be ignored (as mount(8) and runc ignore it), not dropped silently" {
    add_mount /hostdir bind /tmp rbind size=1m
    in_container sh -c 'test -d /hostdir && echo mounted'
    assert_success
    assert_output_contains "options[1]: \"size=1m\": a bind mount ignores filesystem options"
    assert_output_contains mounted
}

@test "mounts: the runtime-spec's sample config.json mounts and runc's default spec run" {
    # config.md's /tmp example, and runc spec's /dev/pts and /dev/shm with their data options.
    add_mount /tmp tmpfs tmpfs nosuid strictatime mode=755 size=65536k
    add_mount /pts devpts devpts nosuid noexec newinstance ptmxmode=0666 mode=0620 gid=5
    add_mount /shm tmpfs shm nosuid noexec nodev mode=1777 size=65536k
    in_container sh -c 'awk '\''$5 == "/pts" || $5 == "/tmp" { print $5, $NF }'\'' /proc/self/mountinfo'
    assert_success
    assert_output_contains "/tmp rw,size=65536k,mode=755"
    assert_output_contains "ptmxmode=666"
}

@test "features: the recursive options, idmap and ridmap in mountOptions; mountExtensions.idmap" {
    run_hull features
    assert_success
    local opt
    for opt in rro rrw rnosuid rsuid rnodev rdev rnoexec rexec rnodiratime rdiratime rrelatime \
        rnorelatime rnoatime ratime rstrictatime rnosymfollow rsymfollow idmap ridmap; do
        jq -e --arg o "$opt" '.mountOptions | index($o)' <<<"$output" >/dev/null ||
            fail "mountOptions lacks $opt"
    done
    assert_equal "$(jq -c .linux.mountExtensions <<<"$output")" '{"idmap":{"enabled":true}}' mountExtensions
}
