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
#   - sysctl: net.* without a network namespace: the refusals are checks of the config made before anything runs, the same code
#     rootless (the kernel.* refusals are below).
#   - oomScoreAdj in a user namespace: rootless is always in one (CVE-2025-52881 below).
#   - The IPC regression and the masked /proc/keys: tests/rootless.bats.

load helpers/common
load helpers/rootless
load helpers/security_cases

setup_file() {
    rl_ensure_user
}

# ROOTFS, HOST and DEV_IDS of helpers/security_cases: the attacks' targets on the host are
# the user's own directory; the owner of the host's device nodes (root) is unmapped in the
# user namespace.
setup() {
    rootless_setup hull-security-rootless host
    ROOTFS=$RL_ROOTFS
    HOST=$RL/host
    DEV_IDS="uid=65534 gid=65534"
}

teardown() {
    rootless_teardown
}

# The verbs of helpers/security_cases: hull as the user, from $RL/bundle.
sec_edit() { rl_edit "$@"; }
sec_run() { rl_hull run "$1"; }
sec_create() { rl_hull_detached create "$@"; }
sec_start() { rl_hull start "$1"; }
sec_run_tty() { # (as hull_cmd, with timeout --foreground)
    run script -qec "setpriv --reuid $RL_USER --regid $RL_USER --clear-groups --reset-env \
        env XDG_RUNTIME_DIR=$RL/xdg sh -c 'cd $RL/bundle && exec timeout --foreground -k 5 30 $RL/hull run $1'" /dev/null </dev/null
}

# sec_host_file PATH TEXT: a file of the user's on the host.
sec_host_file() {
    echo "$2" >"$1"
    chown "$RL_USER:$RL_USER" "$1"
}

sec_host_dir() {
    mkdir -p "$@"
    chown "$RL_USER:$RL_USER" "$@"
}

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
    run as_user "$ROOTFS/bin/hullcheck" proc-access "$pid"
    assert_success
    assert_output "exe=EACCES exe-write=EACCES root=EACCES cwd=EACCES fd0=EACCES environ=EACCES mem=EACCES"
    local ns
    for ns in user pid mnt; do
        run as_user "$ROOTFS/bin/hullcheck" open "/proc/$pid/ns/$ns" r
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
    security_case_cwd_fd3
}

@test "rootless CVE-2024-21626: a process.cwd that is a symlink out of the rootfs, or to a host path, stays inside it" {
    security_case_cwd_up
    security_case_cwd_hostlink
}

# ---- CVE-2021-30465: mount destinations that are symlinks out of the rootfs --------------

@test "rootless CVE-2021-30465: mount destinations through symlinks to ../../.., / and a host path land inside the rootfs" {
    local name=hull-sec-$$-$RANDOM above
    # Three levels above the rootfs is /var/tmp, where the user may write.
    above=$(cd "$ROOTFS/../../.." && pwd)
    security_links_out
    chown -R -h "$RL_USER:$RL_USER" "$ROOTFS"
    rl_add_mount "/to-up/$name-tmpfs" tmpfs tmpfs
    rl_add_mount "/to-up/$name-bind" bind "$RL/source-dir" rbind
    rl_add_mount "/to-host/$name-file" bind "$RL/source-file" bind
    rl_add_mount "/to-host/$name-proc" proc proc
    rl_add_mount "/nest/up/nest/up/$name-nested" tmpfs tmpfs
    rl_add_mount "/to-root/$name-root" tmpfs tmpfs
    security_check_mounts_inside "/$name-tmpfs tmpfs" "/$name-bind " "$HOST/$name-file " "$HOST/$name-proc proc" \
        "/$name-nested tmpfs" "/$name-root tmpfs"
    security_check_nothing_on_host "$above/$name-tmpfs" "$above/$name-bind" "$above/$name-nested" "/$name-root"
}

@test "rootless CVE-2021-30465: a mount destination through a symlink to a host path missing in the rootfs is a clear error" {
    security_case_mount_missing_host_path
}

# ---- CVE-2025-31133: maskedPaths and the /dev/null used to mask ------------------------

@test "rootless CVE-2025-31133: a /dev/null that is a symlink to a host file cannot redirect maskedPaths" {
    security_case_masked_dev_null_symlink
}

@test "rootless CVE-2025-31133: a /dev/null that is a regular file cannot become what masked paths show" {
    security_case_masked_dev_null_file
}

# ---- CVE-2025-52565: /dev entries that are symlinks in the image --------------------------

@test "rootless CVE-2025-52565: /dev entries that are symlinks to host files in the image are replaced, the host files untouched" {
    security_case_dev_symlinks kmsg '{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}' "type=c major=1 minor=11"
}

@test "rootless CVE-2025-52565: a device under a /dev directory that is a symlink to a host directory is refused, nothing made there" {
    security_case_dev_under_symlink null
}

@test "rootless CVE-2025-52565: a /dev/console that is a symlink to a host file in the image becomes the pty, the host file untouched" {
    security_case_dev_console_symlink
}

@test "rootless devices: linux.devices are bound from the host, and only if the host's node is that device" {
    security_case_devices_bound
}

# ---- CVE-2025-52881: writes to /proc go through a procfs hull verified -------------------

@test "rootless CVE-2025-52881: a sysctl reaches the real procfs when the config mounts over /proc/sys and /proc/self" {
    local host_ttl
    host_ttl=$(cat /proc/sys/net/ipv4/ip_default_ttl)
    rl_add_mount /proc/sys tmpfs tmpfs
    rl_add_mount /proc/self tmpfs tmpfs
    rl_add_mount /proc2 proc proc
    rl_edit '.linux.sysctl = {"net.ipv4.ip_default_ttl": "42"} | .linux.readonlyPaths = [] | .linux.maskedPaths = []
             | .linux.namespaces += [{type: "network"}]'
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
    security_case_inheritable_caps
}

# ---- sysctls only in the namespace they belong to ----------------------------------------

@test "rootless sysctl: kernel.shmmax without an ipc namespace and kernel.panic are refused, nothing left behind" {
    security_case_sysctl_kernel c1 c2
    [ -z "$(ls -A "$RL/xdg/hull" 2>/dev/null)" ] || fail "left in the state root: $(ls -A "$RL/xdg/hull")"
}
