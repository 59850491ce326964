#!/usr/bin/env bats
# Escapes that must fail when hull runs as an unprivileged user (issue 7): the tests of
# tests/security.bats that apply rootless, run by the user hull-rootless-test (as in
# tests/rootless.bats) with a bundle from `hull spec --rootless` (the user's uid mapped to
# root in a new user namespace). The host files and directories the attacks aim at belong
# to that user, so that only hull stands in the way: an escape would succeed on permissions.
#
# Rootless variants left out, and why:
#   - CVE-2019-5736, the attacks from a second container in the waiting container's pid
#     namespace (/proc/1/exe reopened after start, a program that is /proc/self/exe, a
#     binary on a read-only mount): rootless, nothing can join the namespaces of a waiting
#     container (the user may not open its /proc/PID/ns, tested below), and the attacker
#     would have to make the namespaces first and the victim join them, which rootless
#     goes through the second fork of init.c (the joined pid namespace belongs to the
#     joined user namespace), whose child can die with its exiting parent (a
#     PR_SET_PDEATHSIG race, as root too). What protects hull's binary there is the same
#     code as root (tests/security.bats). Instead: the user's own processes, which could
#     otherwise open everything of a process that runs as the user, reach nothing of it.
#   - devices: linux.devices made with mknod, with an owner and a mode: a user namespace
#     cannot mknod; rootless every device is a bind of the host's node (tested below: only
#     the very device is bound, a /dev symlink is replaced, never followed).
#   - sysctl: net.* without a network namespace: `hull spec --rootless` always has one,
#     and the refusals are checks of the config made before anything runs, the same code
#     rootless (the kernel.* refusals are below).
#   - oomScoreAdj in a user namespace: rootless is always in one (CVE-2025-52881 below).
#   - The IPC regression and the masked /proc/keys: tests/rootless.bats.

load helpers/common

RL_USER=hull-rootless-test

setup_file() {
    id "$RL_USER" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$RL_USER"
}

setup() {
    common_setup
    RL=$(mktemp -d /var/tmp/hull-security-rootless.XXXXXX)
    chmod 755 "$RL"
    cp "$HULL" "$RL/hull"
    mkdir "$RL/xdg" "$RL/bundle" "$RL/host"
    cp -a "$BUNDLE/rootfs" "$RL/bundle/rootfs"
    chown -R "$RL_USER:$RL_USER" "$RL/xdg" "$RL/bundle" "$RL/host"
    chmod 700 "$RL/xdg"
    rl_hull spec --rootless -b "$RL/bundle"
    assert_success
    RL_CONFIG=$RL/bundle/config.json
    RL_ROOTFS=$RL/bundle/rootfs
    # The attacks' targets on the host: the user's own directory.
    HOST=$RL/host
}

teardown() {
    local id
    for id in $(rl_hull_quiet list -q); do rl_hull_quiet delete -f "$id"; done
    rm -rf "$RL"
    common_teardown
}

# ---- running hull as the user ------------------------------------------------------------

as_user() {
    setpriv --reuid "$RL_USER" --regid "$RL_USER" --clear-groups --reset-env \
        env XDG_RUNTIME_DIR="$RL/xdg" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# rl_hull ARGS...: hull as the user, from the bundle (sets status, output and stderr).
rl_hull() {
    run --separate-stderr timeout 30 setpriv --reuid "$RL_USER" --regid "$RL_USER" --clear-groups \
        --reset-env env XDG_RUNTIME_DIR="$RL/xdg" sh -c 'cd "$0" && exec "$@"' "$RL/bundle" "$RL/hull" "$@"
}

rl_hull_quiet() {
    as_user sh -c 'cd "$0" && exec "$@"' "$RL/bundle" "$RL/hull" "$@" 2>/dev/null
}

# rl_hull_detached ARGS...: for commands that leave a container process behind; its
# stdio goes to files. $output is stdout then stderr.
rl_hull_detached() {
    status=0
    as_user sh -c 'cd "$0" && exec "$@"' "$RL/bundle" "$RL/hull" "$@" </dev/null >"$RL/out" 2>"$RL/err" ||
        status=$?
    stderr=$(cat "$RL/err")
    output=$(cat "$RL/out" "$RL/err")
}

# rl_edit FILTER [jq options...]: edit the bundle's config.json.
rl_edit() {
    local filter=$1 file=$RL_CONFIG tmp
    shift
    tmp=$(mktemp)
    jq "$filter" "$@" <"$file" >"$tmp" || { rm -f "$tmp"; fail "rl_edit: failed: $filter"; }
    cat "$tmp" >"$file"
    rm -f "$tmp"
}

rl_args() {
    rl_edit '.process.args = $a' --argjson a "$(json_array "$@")"
}

# rl_in_container CMD...: run a container named c1 in the foreground.
rl_in_container() {
    rl_args "$@"
    rl_hull run c1
}

rl_add_mount() {
    local dest=$1 type=$2 source=$3
    shift 3
    rl_edit '.mounts += [{destination: $d, type: $t, source: $s, options: $o}]' \
        --arg d "$dest" --arg t "$type" --arg s "$source" --argjson o "$(json_array "$@")"
}

# user_file PATH TEXT: a file of the user's on the host.
user_file() {
    echo "$2" >"$1"
    chown "$RL_USER:$RL_USER" "$1"
}

user_dir() {
    mkdir -p "$@"
    chown "$RL_USER:$RL_USER" "$@"
}

host_file_state() {
    stat -c '%F %a %u:%g %s' "$1"
    sha256sum <"$1"
}

# The owner of the host's device nodes (root) seen from the user namespace: unmapped.
NOBODY="uid=65534 gid=65534"

# ---- CVE-2019-5736: the waiting container process is out of reach -----------------------

@test "rootless CVE-2019-5736: the user's own processes cannot reach the exe, root, cwd, fds, environ or memory of a waiting container, nor its namespaces" {
    rl_args sleep 1000
    rl_hull_detached create c1
    assert_success
    local pid
    pid=$(rl_hull_quiet state c1 | jq -r .pid)
    # The process runs hull as the user, whose processes could otherwise open all of it
    # (an escaped container process of theirs, or any program they run): only its
    # non-dumpability stops them. So they cannot enter its namespaces either (hull exec
    # as the user does not reach a container before start).
    run as_user "$RL_ROOTFS/bin/hullcheck" proc-access "$pid"
    assert_success
    assert_output "exe=EACCES exe-write=EACCES root=EACCES cwd=EACCES fd0=EACCES environ=EACCES mem=EACCES"
    local ns
    for ns in user pid mnt; do
        run as_user "$RL_ROOTFS/bin/hullcheck" open "/proc/$pid/ns/$ns" r
        assert_output EACCES
    done
}

# ---- CVE-2024-21626: leaked fds and a process.cwd outside the rootfs ---------------------

@test "rootless CVE-2024-21626: the program sees fds 0, 1, 2 only, even with --log; --preserve-fds adds exactly those" {
    rl_args hullcheck fds
    exec 7<"$HOST"
    rl_hull --log "$RL/xdg/hull.log" run c1
    exec 7<&-
    assert_success
    assert_output "0 1 2"
    rl_hull --log "$RL/xdg/hull.log" run --preserve-fds 2 c2 3</dev/null 4<"$HOST"
    assert_success
    assert_output "0 1 2 3 4"
}

@test "rootless CVE-2024-21626: process.cwd /proc/self/fd/3 with a host directory as fd 3 is refused, nothing runs there" {
    rl_edit '.process.cwd = "/proc/self/fd/3"'
    rl_args touch escaped
    rl_hull_detached create --preserve-fds 1 c1 3<"$HOST"
    if [ "$status" -eq 0 ]; then
        rl_hull start c1
    fi
    assert_failure
    assert_output_contains "process.cwd"
    [ -z "$(ls -A "$HOST")" ] || fail "the program ran in the host directory: $(ls -A "$HOST")"
}

@test "rootless CVE-2024-21626: a process.cwd that is a symlink out of the rootfs, or to a host path, stays inside it" {
    ln -s ../../../../../.. "$RL_ROOTFS/up"
    ln -s "$HOST" "$RL_ROOTFS/hostlink"
    rl_edit '.process.cwd = "/up"'
    rl_in_container sh -c 'hullcheck cwd; [ -x bin/hullcheck ] && echo inside'
    assert_success
    assert_output "/
inside"
    rl_edit '.process.cwd = "/hostlink"'
    rl_in_container sh -c 'touch escaped; hullcheck cwd'
    # The host path does not exist in the rootfs: a clear error, or a directory made inside.
    if [ "$status" -ne 0 ]; then
        assert_output_contains "process.cwd"
    else
        assert_output "$HOST"
        [ -e "$RL_ROOTFS$HOST/escaped" ] || fail "the program did not run inside the rootfs"
    fi
    [ -z "$(ls -A "$HOST")" ] || fail "the program ran in the host directory"
}

# ---- CVE-2021-30465: mount destinations that are symlinks out of the rootfs --------------

@test "rootless CVE-2021-30465: mount destinations through symlinks to ../../.., / and a host path land inside the rootfs" {
    local name=hull-sec-$$-$RANDOM above
    # Three levels above the rootfs is /var/tmp, where the user may write.
    above=$(cd "$RL_ROOTFS/../../.." && pwd)
    user_dir "$RL/source-dir"
    user_file "$RL/source-dir/marker" bound
    user_file "$RL/source-file" bound
    ln -s ../../.. "$RL_ROOTFS/to-up"
    ln -s / "$RL_ROOTFS/to-root"
    ln -s "$HOST" "$RL_ROOTFS/to-host"
    mkdir -p "$RL_ROOTFS$HOST" "$RL_ROOTFS/nest"
    ln -s ../../../.. "$RL_ROOTFS/nest/up"
    chown -R -h "$RL_USER:$RL_USER" "$RL_ROOTFS"
    rl_add_mount "/to-up/$name-tmpfs" tmpfs tmpfs
    rl_add_mount "/to-up/$name-bind" bind "$RL/source-dir" rbind
    rl_add_mount "/to-host/$name-file" bind "$RL/source-file" bind
    rl_add_mount "/to-host/$name-proc" proc proc
    rl_add_mount "/nest/up/nest/up/$name-nested" tmpfs tmpfs
    rl_add_mount "/to-root/$name-root" tmpfs tmpfs
    rl_in_container sh -c 'awk '"'"'{ print $5, $9 }'"'"' /proc/self/mountinfo; cat /*-bind/marker'
    assert_success
    local want
    for want in "/$name-tmpfs tmpfs" "/$name-bind " "$HOST/$name-file " "$HOST/$name-proc proc" \
        "/$name-nested tmpfs" "/$name-root tmpfs"; do
        assert_output_contains "$want"
    done
    assert_output_contains bound
    local p
    for p in "$above/$name-tmpfs" "$above/$name-bind" "$above/$name-nested" "/$name-root"; do
        [ ! -e "$p" ] || fail "$p was made on the host"
    done
    [ -z "$(ls -A "$HOST")" ] || fail "the host directory changed: $(ls -A "$HOST")"
}

@test "rootless CVE-2021-30465: a mount destination through a symlink to a host path missing in the rootfs is a clear error" {
    ln -s "$HOST" "$RL_ROOTFS/to-host"
    rl_add_mount /to-host/sub/dir tmpfs tmpfs
    rl_hull_detached create c1
    assert_failure
    assert_output_contains "mounts["
    assert_output_contains "No such file or directory"
    [ -z "$(ls -A "$HOST")" ] || fail "directories were made on the host: $(ls -A "$HOST")"
}

# ---- CVE-2025-31133: maskedPaths and the /dev/null used to mask ------------------------

# rl_bind_fake_dev: /dev is a bind mount of a directory of the user's instead of hull's
# tmpfs (so no device is bound in); prints the directory.
rl_bind_fake_dev() {
    local dev=$RL/fakedev
    user_dir "$dev"
    rl_edit '.mounts = [.mounts[] | select(.destination != "/dev")]
           | .mounts = [.mounts[0], {destination: "/dev", type: "bind", source: $d, options: ["rbind"]}]
                       + .mounts[1:]' --arg d "$dev"
    echo "$dev"
}

@test "rootless CVE-2025-31133: a /dev/null that is a symlink to a host file cannot redirect maskedPaths" {
    local dev target before
    dev=$(rl_bind_fake_dev)
    target=$HOST/target
    user_file "$target" original
    before=$(host_file_state "$target")
    ln -s "$target" "$dev/null"
    rl_in_container sh -c 'for p in /proc/keys /proc/timer_list; do hullcheck dev $p; cat $p; done
                           echo attack >/proc/keys; ls -A /sys/firmware | wc -l'
    assert_output "type=c major=1 minor=3 mode=0666 $NOBODY
type=c major=1 minor=3 mode=0666 $NOBODY
0"
    assert_equal "$(host_file_state "$target")" "$before" "the symlink's target"
}

@test "rootless CVE-2025-31133: a /dev/null that is a regular file cannot become what masked paths show" {
    local dev
    dev=$(rl_bind_fake_dev)
    user_file "$dev/null" leaked
    rl_in_container sh -c 'hullcheck dev /proc/keys; cat /proc/keys /proc/timer_list'
    assert_output "type=c major=1 minor=3 mode=0666 $NOBODY"
    assert_equal "$(cat "$dev/null")" leaked "the image's /dev/null"
}

# ---- CVE-2025-52565: /dev entries that are symlinks in the image --------------------------

# rl_use_image_dev: no tmpfs on /dev: hull binds its devices in the image's /dev.
rl_use_image_dev() {
    rl_edit '.mounts = [.mounts[] | select(.destination != "/dev")]'
}

@test "rootless CVE-2025-52565: /dev entries that are symlinks to host files in the image are replaced, the host files untouched" {
    rl_use_image_dev
    local f before
    for f in null zero console kmsg; do
        user_file "$HOST/host-$f" "host $f"
    done
    before=$(for f in null zero console kmsg; do host_file_state "$HOST/host-$f"; done)
    ln -s "$HOST/host-null" "$RL_ROOTFS/dev/null"
    ln -s "../../../../../../../../..$HOST/host-zero" "$RL_ROOTFS/dev/zero"
    ln -s "$HOST/host-console" "$RL_ROOTFS/dev/console"
    ln -s "$HOST/host-kmsg" "$RL_ROOTFS/dev/kmsg"
    rl_edit '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11}]'
    rl_in_container sh -c 'hullcheck dev /dev/null; hullcheck dev /dev/zero; hullcheck dev /dev/kmsg
                           echo x >/dev/null; echo x >/dev/console'
    assert_output_contains "type=c major=1 minor=3 mode=0666 $NOBODY
type=c major=1 minor=5 mode=0666 $NOBODY
type=c major=1 minor=11"
    assert_equal "$(for f in null zero console kmsg; do host_file_state "$HOST/host-$f"; done)" "$before" \
        "the host files"
}

@test "rootless CVE-2025-52565: a device under a /dev directory that is a symlink to a host directory is refused, nothing made there" {
    rl_use_image_dev
    ln -s "$HOST" "$RL_ROOTFS/dev/sub"
    rl_edit '.linux.devices = [{path: "/dev/sub/null", type: "c", major: 1, minor: 3}]'
    rl_hull_detached create c1
    assert_failure
    assert_output_contains "linux.devices[0]"
    [ -z "$(ls -A "$HOST")" ] || fail "a node was made on the host: $(ls -A "$HOST")"
}

@test "rootless CVE-2025-52565: a /dev/console that is a symlink to a host file in the image becomes the pty, the host file untouched" {
    rl_use_image_dev
    local target=$HOST/host-console before
    user_file "$target" original
    before=$(host_file_state "$target")
    ln -s "$target" "$RL_ROOTFS/dev/console"
    rl_edit '.process.terminal = true'
    rl_args sh -c 'echo probe >/dev/console; hullcheck dev /dev/console'
    run script -qec "setpriv --reuid $RL_USER --regid $RL_USER --clear-groups --reset-env \
        env XDG_RUNTIME_DIR=$RL/xdg sh -c 'cd $RL/bundle && exec timeout 30 $RL/hull run t1'" /dev/null </dev/null
    assert_success
    assert_output_contains "type=c major=136 minor=0"
    assert_equal "$(host_file_state "$target")" "$before" "the symlink's target"
}

@test "rootless devices: linux.devices are bound from the host, and only if the host's node is that device" {
    rl_edit '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11}]'
    rl_in_container sh -c 'hullcheck dev /dev/kmsg; grep -c " /dev/kmsg " /proc/self/mountinfo'
    assert_success
    assert_output_contains "type=c major=1 minor=11"
    assert_output_contains "
1"
    rl_edit '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 3}]'
    rl_hull_detached create c2
    assert_failure
    assert_output_contains "linux.devices[0]"
    assert_output_contains "is not the device 1:3"
}

# ---- CVE-2025-52881: writes to /proc go through a procfs hull verified -------------------

@test "rootless CVE-2025-52881: a sysctl reaches the real procfs when the config mounts over /proc/sys and /proc/self" {
    local host_ttl
    host_ttl=$(cat /proc/sys/net/ipv4/ip_default_ttl)
    rl_add_mount /proc/sys tmpfs tmpfs
    rl_add_mount /proc/self tmpfs tmpfs
    rl_add_mount /proc2 proc proc
    rl_edit '.linux.sysctl = {"net.ipv4.ip_default_ttl": "42"} | .linux.readonlyPaths = [] | .linux.maskedPaths = []'
    rl_in_container sh -c 'echo "tmpfs: $(ls -A /proc/sys | wc -w) $(ls -A /proc/1 | wc -w)"
                           cat /proc2/sys/net/ipv4/ip_default_ttl'
    assert_success
    assert_output "tmpfs: 0 0
42"
    assert_equal "$(cat /proc/sys/net/ipv4/ip_default_ttl)" "$host_ttl" "the host's ip_default_ttl"
}

@test "rootless CVE-2025-52881: oomScoreAdj reaches the real procfs when the config mounts over /proc/self" {
    rl_add_mount /proc/self tmpfs tmpfs
    rl_add_mount /proc2 proc proc
    rl_edit '.process.oomScoreAdj = 300 | .linux.readonlyPaths = [] | .linux.maskedPaths = []'
    # /proc/self is the tmpfs in the container: the value is read through a second procfs.
    rl_in_container sh -c 'echo "tmpfs: $(ls -A /proc/1 | wc -w)"; cat /proc2/1/oom_score_adj'
    assert_success
    assert_output "tmpfs: 0
300"
}

# ---- CVE-2022-29162: inheritable capabilities --------------------------------------------

@test "rootless CVE-2022-29162: the inheritable set is exactly process.capabilities.inheritable (empty by default)" {
    rl_in_container sh -c 'hullcheck caps Inh; hullcheck caps Amb'
    assert_success
    assert_output "0000000000000000
0000000000000000"
    rl_edit '.process.capabilities.inheritable = ["CAP_KILL"]'
    rl_hull run c2
    assert_success
    assert_output "0000000000000020
0000000000000000"
}

# ---- sysctls only in the namespace they belong to ----------------------------------------

@test "rootless sysctl: kernel.shmmax without an ipc namespace and kernel.panic are refused, nothing left behind" {
    rl_edit '.linux.namespaces = [.linux.namespaces[] | select(.type != "ipc")]
           | .linux.sysctl = {"kernel.shmmax": "4096"}'
    rl_hull_detached create c1
    assert_failure
    assert_output_contains 'linux.sysctl["kernel.shmmax"]: needs a new ipc namespace'
    rl_edit '.linux.namespaces += [{type: "ipc"}] | .linux.sysctl = {"kernel.panic": "1"}'
    rl_hull_detached create c2
    assert_failure
    assert_output_contains 'linux.sysctl["kernel.panic"]: not a namespaced sysctl'
    [ -z "$(ls -A "$RL/xdg/hull" 2>/dev/null)" ] || fail "left in the state root: $(ls -A "$RL/xdg/hull")"
}
