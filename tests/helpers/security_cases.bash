# shellcheck shell=bash
# SC2154: status, output and stderr are set by bats' run (or the suite's verbs).
# shellcheck disable=SC2016,SC2034,SC2154
# The escape attempts tests/security.bats (hull as root) and tests/security_rootless.bats
# (hull as an unprivileged user) share: each suite's @test calls the case, and checks
# anything only it checks around it. Load after helpers/common.
#
# A case drives hull through what the suite defines:
#   ROOTFS                      the bundle's rootfs
#   HOST                        an empty host directory, the target of the attacks (an
#                               escaped container process could write there)
#   DEV_IDS                     the owner of a host device node bound in, as hullcheck dev
#                               prints it from the container ("uid=0 gid=0" as root)
#   sec_edit FILTER [jq options...]     edit the bundle's config.json
#   sec_run ID                  foreground `run` of the bundle (stdout in $output, $stderr)
#   sec_create ARGS...          `create ARGS...` of the bundle, its stdio to files ($status,
#                               $output: stdout then stderr)
#   sec_start ID                `start`
#   sec_host_file PATH TEXT     a file on the host the container's user could write
#   sec_host_dir DIR...         likewise directories
#   sec_run_tty ID              foreground `run` with a terminal, through script(1)
# The scratch files of a case go next to $HOST, in its parent directory.

# sec_args ARGS...: process.args = ARGS.
sec_args() {
    sec_edit '.process.args = $a' --argjson a "$(json_array "$@")"
}

# sec_in_container CMD...: process.args = CMD, then a foreground container c1.
sec_in_container() {
    sec_args "$@"
    sec_run c1
}

# sec_add_mount DEST TYPE SOURCE [OPTION...]
sec_add_mount() {
    add_mount_with sec_edit "$@"
}

# host_file_state FILE: type, mode, owner, size and checksum, to show a host file untouched.
host_file_state() {
    stat -c '%F %a %u:%g %s' "$1"
    sha256sum <"$1"
}

# ---- CVE-2024-21626: leaked fds and a process.cwd outside the rootfs ---------------------

security_case_cwd_fd3() {
    sec_edit '.process.cwd = "/proc/self/fd/3"'
    sec_args touch escaped
    sec_create --preserve-fds 1 c1 3<"$HOST"
    if [ "$status" -eq 0 ]; then
        sec_start c1
    fi
    assert_failure
    assert_output_contains "process.cwd"
    [ -z "$(ls -A "$HOST")" ] || fail "the program ran in the host directory: $(ls -A "$HOST")"
}

security_case_cwd_up() {
    ln -s ../../../../../.. "$ROOTFS/up"
    sec_edit '.process.cwd = "/up"'
    sec_in_container sh -c 'hullcheck cwd; [ -x bin/hullcheck ] && echo inside'
    assert_success
    assert_output "/
inside"
}

security_case_cwd_hostlink() {
    ln -s "$HOST" "$ROOTFS/hostlink"
    sec_edit '.process.cwd = "/hostlink"'
    sec_in_container sh -c 'touch escaped; hullcheck cwd'
    # The host path does not exist in the rootfs: a clear error, or a directory made inside.
    if [ "$status" -ne 0 ]; then
        assert_output_contains "process.cwd"
    else
        assert_output "$HOST"
        [ -e "$ROOTFS$HOST/escaped" ] || fail "the program did not run inside the rootfs"
    fi
    [ -z "$(ls -A "$HOST")" ] || fail "the program ran in the host directory"
}

# ---- CVE-2021-30465: mount destinations that are symlinks out of the rootfs --------------

# security_links_out: in the rootfs, symlinks to / (to-root), ../../.. (to-up), $HOST
# (to-host, and $HOST made in the rootfs) and nest/up (../../../..); next to $HOST, sources
# for bind mounts: source-dir (with a file "marker") and source-file, both saying "bound".
security_links_out() {
    local src
    src=$(dirname "$HOST")
    sec_host_dir "$src/source-dir"
    sec_host_file "$src/source-dir/marker" bound
    sec_host_file "$src/source-file" bound
    ln -s / "$ROOTFS/to-root"
    ln -s ../../.. "$ROOTFS/to-up"
    ln -s "$HOST" "$ROOTFS/to-host"
    mkdir -p "$ROOTFS$HOST" "$ROOTFS/nest"
    ln -s ../../../.. "$ROOTFS/nest/up"
}

# security_check_mounts_inside WANT...: the container lists its mounts (mount point and
# type) and the bind-mounted marker: each WANT is among them, the marker was bound.
security_check_mounts_inside() {
    sec_in_container sh -c 'awk '"'"'{ print $5, $9 }'"'"' /proc/self/mountinfo; cat /*-bind/marker'
    assert_success
    local want
    for want in "$@"; do
        assert_output_contains "$want"
    done
    assert_output_contains bound
}

# security_check_nothing_on_host PATH...: none of PATH exists, and $HOST is still empty.
security_check_nothing_on_host() {
    local p
    for p in "$@"; do
        [ ! -e "$p" ] || fail "$p was made on the host"
    done
    [ -z "$(ls -A "$HOST")" ] || fail "the host directory changed: $(ls -A "$HOST")"
}

security_case_mount_missing_host_path() {
    ln -s "$HOST" "$ROOTFS/to-host"
    sec_add_mount /to-host/sub/dir tmpfs tmpfs
    sec_create c1
    assert_failure
    assert_output_contains "mounts["
    assert_output_contains "No such file or directory"
    [ -z "$(ls -A "$HOST")" ] || fail "directories were made on the host: $(ls -A "$HOST")"
}

# ---- CVE-2025-31133: maskedPaths and the /dev/null used to mask ------------------------

# sec_bind_fake_dev: /dev is a bind mount of a host directory (so hull makes or binds no
# device there) instead of hull's tmpfs; prints the directory.
sec_bind_fake_dev() {
    local dev
    dev=$(dirname "$HOST")/fakedev
    sec_host_dir "$dev"
    sec_edit '.mounts = [.mounts[] | select(.destination != "/dev")]
           | .mounts = [.mounts[0], {destination: "/dev", type: "bind", source: $d, options: ["rbind"]}]
                       + .mounts[1:]' --arg d "$dev"
    echo "$dev"
}

security_case_masked_dev_null_symlink() {
    local dev target=$HOST/target before
    dev=$(sec_bind_fake_dev)
    sec_host_file "$target" original
    before=$(host_file_state "$target")
    ln -s "$target" "$dev/null"
    sec_in_container sh -c 'for p in /proc/keys /proc/timer_list; do hullcheck dev $p; cat $p; done
                            echo attack >/proc/keys; ls -A /sys/firmware | wc -l'
    assert_output "type=c major=1 minor=3 mode=0666 $DEV_IDS
type=c major=1 minor=3 mode=0666 $DEV_IDS
0"
    assert_equal "$(host_file_state "$target")" "$before" "the symlink's target"
}

security_case_masked_dev_null_file() {
    local dev
    dev=$(sec_bind_fake_dev)
    sec_host_file "$dev/null" leaked
    sec_in_container sh -c 'hullcheck dev /proc/keys; cat /proc/keys /proc/timer_list'
    assert_output "type=c major=1 minor=3 mode=0666 $DEV_IDS"
    assert_equal "$(cat "$dev/null")" leaked "the image's /dev/null"
}

# ---- CVE-2025-52565: /dev entries that are symlinks in the image --------------------------

# sec_use_image_dev: no tmpfs on /dev: hull makes (or binds) its devices in the image's /dev.
sec_use_image_dev() {
    sec_edit '.mounts = [.mounts[] | select(.destination != "/dev")]'
}

# security_case_dev_symlinks NAME DEVICE WANT: /dev/null, zero, console and NAME are
# symlinks to host files in the image, linux.devices has DEVICE (JSON) at /dev/NAME; the
# container sees the real null and zero, and WANT from `hullcheck dev /dev/NAME`.
security_case_dev_symlinks() {
    local name=$1 device=$2 want=$3 f before
    sec_use_image_dev
    for f in null zero console "$name"; do
        sec_host_file "$HOST/host-$f" "host $f"
    done
    before=$(for f in null zero console "$name"; do host_file_state "$HOST/host-$f"; done)
    ln -s "$HOST/host-null" "$ROOTFS/dev/null"
    ln -s "../../../../../../../../..$HOST/host-zero" "$ROOTFS/dev/zero"
    ln -s "$HOST/host-console" "$ROOTFS/dev/console"
    ln -s "$HOST/host-$name" "$ROOTFS/dev/$name"
    sec_edit '.linux.devices = [$d]' --argjson d "$device"
    sec_in_container sh -c "hullcheck dev /dev/null; hullcheck dev /dev/zero; hullcheck dev /dev/$name
                            echo x >/dev/null; echo x >/dev/console"
    assert_output_contains "type=c major=1 minor=3 mode=0666 $DEV_IDS
type=c major=1 minor=5 mode=0666 $DEV_IDS
$want"
    assert_equal "$(for f in null zero console "$name"; do host_file_state "$HOST/host-$f"; done)" "$before" \
        "the host files"
}

# security_case_dev_under_symlink NAME: linux.devices has /dev/sub/NAME, /dev/sub a
# symlink to $HOST.
security_case_dev_under_symlink() {
    sec_use_image_dev
    ln -s "$HOST" "$ROOTFS/dev/sub"
    sec_edit '.linux.devices = [{path: ("/dev/sub/" + $n), type: "c", major: 1, minor: 3}]' --arg n "$1"
    sec_create c1
    assert_failure
    assert_output_contains "linux.devices[0]"
    [ -z "$(ls -A "$HOST")" ] || fail "a node was made on the host: $(ls -A "$HOST")"
}

security_case_dev_console_symlink() {
    sec_use_image_dev
    local target=$HOST/host-console before
    sec_host_file "$target" original
    before=$(host_file_state "$target")
    ln -s "$target" "$ROOTFS/dev/console"
    sec_edit '.process.terminal = true'
    sec_args sh -c 'echo probe >/dev/console; hullcheck dev /dev/console'
    sec_run_tty t1
    assert_success
    assert_output_contains "type=c major=136 minor=0"
    assert_equal "$(host_file_state "$target")" "$before" "the symlink's target"
}

# ---- CVE-2022-29162: inheritable capabilities --------------------------------------------

security_case_inheritable_caps() {
    sec_in_container sh -c 'hullcheck caps Inh; hullcheck caps Amb'
    assert_success
    assert_output "0000000000000000
0000000000000000"
    # (runc's default asks for ambient capabilities, which need the inheritable set: none here,
    # so that an inheritable one is seen not to become ambient unasked.)
    sec_edit '.process.capabilities.inheritable = ["CAP_KILL"] | .process.capabilities.ambient = []'
    sec_run c2
    assert_success
    assert_output "0000000000000020
0000000000000000"
}

# ---- sysctls only in the namespace they belong to ----------------------------------------

# security_case_sysctl_kernel ID1 ID2: kernel.shmmax without an ipc namespace (create ID1)
# and kernel.panic (create ID2) are refused; the ipc namespace is back afterwards.
security_case_sysctl_kernel() {
    sec_edit '.linux.namespaces = [.linux.namespaces[] | select(.type != "ipc")]
            | .linux.sysctl = {"kernel.shmmax": "4096"}'
    sec_create "$1"
    assert_failure
    assert_output_contains 'linux.sysctl["kernel.shmmax"]: needs a new ipc namespace'
    sec_edit '.linux.namespaces += [{type: "ipc"}] | .linux.sysctl = {"kernel.panic": "1"}'
    sec_create "$2"
    assert_failure
    assert_output_contains 'linux.sysctl["kernel.panic"]: not a namespaced sysctl'
}

# ---- devices --------------------------------------------------------------------------------

security_case_devices_bound() {
    sec_edit '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11}]'
    sec_in_container sh -c 'hullcheck dev /dev/kmsg; grep -c " /dev/kmsg " /proc/self/mountinfo'
    assert_success
    assert_output_contains "type=c major=1 minor=11"
    assert_output_contains "
1"
    sec_edit '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 3}]'
    sec_create c2
    assert_failure
    assert_output_contains "linux.devices[0]"
    assert_output_contains "is not the device 1:3"
}
