#!/usr/bin/env bats
# Escapes that must fail: each test attacks hull from inside a container, or from the image,
# the way a known OCI-runtime escape did, and shows that it fails; then the device rules.
# docs/architecture.md, "Security", lists each protection and the test that checks it.

load helpers/common
load helpers/security_cases

# ROOTFS, HOST and DEV_IDS of helpers/security_cases; HOST is empty and only the test's.
setup() {
    common_setup
    ROOTFS=$BUNDLE/rootfs
    HOST=$BATS_TEST_TMPDIR/hostdir
    mkdir "$HOST"
    DEV_IDS="uid=0 gid=0"
}

# ---- helpers ---------------------------------------------------------------------------

# The verbs of helpers/security_cases: hull as root, on $BUNDLE.
sec_edit() { jq_edit "$@"; }
sec_run() { run_container "$1"; }
sec_create() { run_hull_detached create --bundle "$BUNDLE" "$@"; }
sec_start() { run_hull start "$1"; }
sec_host_file() { echo "$2" >"$1"; }
sec_host_dir() { mkdir -p "$@"; }
sec_run_tty() {
    in_script "$(hull_cmd) run --bundle $BUNDLE $1"
}

# new_bundle NAME: another bundle in the test's directory; prints its path.
new_bundle() {
    local dir=$BATS_TEST_TMPDIR/$1
    make_bundle "$dir" >&2
    echo "$dir"
}

# file_id FILE: "major:minor:inode", as hullcheck exe-overwrite wants it.
file_id() {
    stat -c '%Hd:%Ld:%i' "$1"
}

# copy_libs BINARY ROOTFS: the shared libraries BINARY needs, into ROOTFS (same paths).
copy_libs() {
    local lib
    for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
        mkdir -p "$2$(dirname "$lib")"
        cp -L "$lib" "$2$lib"
    done
}

# all_caps: every capability hull knows and the host's bounding set has, as a JSON array
# (`hull features` lists them in the kernel's order).
all_caps() {
    local bnd i=0 name names=()
    bnd=$((16#$(awk '/^CapBnd/ { print $2 }' /proc/self/status)))
    for name in $("$HULL" features | jq -r '.linux.capabilities[]'); do
        if (((bnd >> i) & 1)); then
            names+=("$name")
        fi
        i=$((i + 1))
    done
    json_array "${names[@]}"
}

# give_all_caps: process.capabilities = every capability the host has (no inheritable).
give_all_caps() {
    jq_edit '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}' \
        --argjson c "$(all_caps)"
}

# share_dir BUNDLE: bind $BATS_TEST_TMPDIR/shared (made here) at /shared in BUNDLE's container,
# for files the test and the attacker exchange (the rootfs is read-only).
share_dir() {
    mkdir -p "$BATS_TEST_TMPDIR/shared"
    BUNDLE=$1 add_mount /shared bind "$BATS_TEST_TMPDIR/shared" rbind rw
}

# start_attacker BUNDLE ID: create and start a container whose stdout and stderr go to
# $BATS_TEST_TMPDIR/ID.out (it must keep running after `start` returns).
start_attacker() {
    hull create --bundle "$1" "$2" </dev/null >"$BATS_TEST_TMPDIR/$2.out" 2>&1 ||
        fail "create $2: $(cat "$BATS_TEST_TMPDIR/$2.out")"
    run_hull start "$2"
    assert_success
}

# ---- CVE-2019-5736: overwriting the runtime's binary through /proc/PID/exe -------------

@test "CVE-2019-5736: a process sharing the user and pid namespaces of a waiting container cannot reach its exe, root, cwd, fds, environ or memory" {
    # An identity-mapped user namespace: the set-up process's switch to the namespace's
    # root changes no id, so nothing but hull's own PR_SET_DUMPABLE makes it non-dumpable.
    add_namespace user
    jq_edit '.linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}]
           | .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]'
    set_args sleep 1000
    create_container c1
    local pid
    pid=$(container_pid c1)

    # The attacker is root of the same user namespace with every capability there, so
    # the capability rules of ptrace do not stop it: only non-dumpability does.
    local attacker
    attacker=$(new_bundle attacker)
    BUNDLE=$attacker give_all_caps
    BUNDLE=$attacker add_namespace user "/proc/$pid/ns/user"
    BUNDLE=$attacker add_namespace pid "/proc/$pid/ns/pid"
    BUNDLE=$attacker set_args hullcheck proc-access 1
    run_hull run --bundle "$attacker" a1
    assert_output "exe=EACCES exe-write=EACCES root=EACCES cwd=EACCES fd0=EACCES environ=EACCES mem=EACCES"
}

# give_all_caps_but_ptrace: every capability but CAP_SYS_PTRACE, which overrides
# non-dumpability (a process holding it in hull's user namespace could as well ptrace
# the set-up process: see src/lib/trampoline.h).
give_all_caps_but_ptrace() {
    jq_edit '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}' \
        --argjson c "$(all_caps | jq -c 'map(select(. != "CAP_SYS_PTRACE"))')"
}

@test "CVE-2019-5736: /proc/1/exe of a waiting container, tried from its pid namespace with every capability but CAP_SYS_PTRACE, is out of reach; hull's binary unchanged after start" {
    local copy=$BATS_TEST_TMPDIR/hull-copy before
    cp "$HULL" "$copy"
    before=$(host_file_state "$copy")
    set_args sleep 1000
    HULL=$copy create_container c1
    local pid
    pid=$(container_pid c1)
    # No copy of hull: the waiting process runs the binary itself, non-dumpable.
    assert_equal "$(readlink "/proc/$pid/exe")" "$copy" "the waiting process's exe"
    assert_equal "$(awk '/^Uid/ { print $2 }' "/proc/$pid/status")" 0

    # The attacker watches for a process whose exe is hull's binary, keeps an O_PATH fd
    # and retries O_WRONLY through /proc/self/fd once the binary is free.
    local attacker
    attacker=$(new_bundle attacker)
    BUNDLE=$attacker give_all_caps_but_ptrace
    BUNDLE=$attacker add_namespace pid "/proc/$pid/ns/pid"
    BUNDLE=$attacker set_args hullcheck exe-overwrite "$(file_id "$copy")" 10 /shared
    share_dir "$attacker"
    start_attacker "$attacker" a1
    wait_file "$BATS_TEST_TMPDIR/shared/ready"
    sleep 0.3
    # The container execs its program: no process runs hull's binary any more.
    HULL=$copy run_hull start c1
    assert_success
    sleep 0.3
    touch "$BATS_TEST_TMPDIR/shared/stop"
    wait_status a1 stopped 12
    assert_equal "$(cat "$BATS_TEST_TMPDIR/a1.out")" "not found" "the attacker's report"
    assert_equal "$(host_file_state "$copy")" "$before" "hull's binary"
}

@test "CVE-2019-5736: a program that is /proc/self/exe, or a #!/proc/self/exe script, runs hull's sealed trampoline, never hull's binary" {
    local copy=$BATS_TEST_TMPDIR/hull-copy before
    cp "$HULL" "$copy"
    before=$(host_file_state "$copy")
    # The attacker: pid 1 of its own pid namespace, default capabilities, like the victim.
    local attacker
    attacker=$(new_bundle attacker)
    BUNDLE=$attacker set_args hullcheck exe-overwrite "$(file_id "$copy")" 10 /shared
    share_dir "$attacker"
    start_attacker "$attacker" a1
    wait_file "$BATS_TEST_TMPDIR/shared/ready"

    # The victim shares that pid namespace. Were its /proc/self/exe hull's binary, hull
    # would run in the container and block opening its --log FIFO, in reach of the
    # attacker; the trampoline instead takes "state" for a program and fails (127).
    add_namespace pid "/proc/$(container_pid a1)/ns/pid"
    mkfifo "$BUNDLE/rootfs/tmp/fifo"
    copy_libs "$copy" "$BUNDLE/rootfs"
    set_args /proc/self/exe --log /tmp/fifo state x
    HULL=$copy run_hull run --bundle "$BUNDLE" c1
    assert_failure 127
    printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/bin/evil"
    chmod 755 "$BUNDLE/rootfs/bin/evil"
    set_args /bin/evil --log /tmp/fifo state x
    HULL=$copy run_hull run --bundle "$BUNDLE" c2
    assert_failure 127

    touch "$BATS_TEST_TMPDIR/shared/stop"
    wait_status a1 stopped 12
    assert_equal "$(cat "$BATS_TEST_TMPDIR/a1.out")" "not found" "the attacker's report"
    assert_equal "$(host_file_state "$copy")" "$before" "hull's binary"
}

@test "CVE-2019-5736: a program that is /proc/self/exe gets the trampoline: given the trampoline's own arguments it runs the program they name" {
    # The trampoline's argv is (report fd, how, message prefix, path, argv...). hull's
    # binary would reject these arguments; the trampoline runs /bin/sleep.
    set_args /proc/self/exe - - /bin/sleep sleep 1000
    create_container c1
    run_hull start c1
    assert_success
    local pid
    pid=$(container_pid c1)
    assert_equal "$(readlink "/proc/$pid/exe")" /bin/busybox "what the container runs"
    assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 1000 " "its command line"
}

# ---- CVE-2024-21626: leaked fds and a process.cwd outside the rootfs ---------------------

@test "CVE-2024-21626: the program sees fds 0, 1, 2 only, even with --log; --preserve-fds adds exactly those" {
    set_args hullcheck fds
    run --separate-stderr hull --log "$BATS_TEST_TMPDIR/hull.log" run --bundle "$BUNDLE" c1
    assert_success
    assert_output "0 1 2"
    run --separate-stderr hull --log "$BATS_TEST_TMPDIR/hull.log" run --preserve-fds 2 \
        --bundle "$BUNDLE" c2 3</dev/null 4<"$BATS_TEST_TMPDIR"
    assert_success
    assert_output "0 1 2 3 4"
}

@test "CVE-2024-21626: process.cwd /proc/self/fd/3 with a host directory as fd 3 is refused, nothing runs there" {
    security_case_cwd_fd3
}

@test "CVE-2024-21626: a process.cwd that is a symlink out of the rootfs stays inside it" {
    security_case_cwd_up
    ln -s / "$ROOTFS/slash"
    jq_edit '.process.cwd = "/slash/etc"'
    in_container hullcheck cwd
    assert_success
    assert_output "/etc"
}

@test "CVE-2024-21626: a process.cwd that is a symlink to a host path is resolved in the rootfs" {
    security_case_cwd_hostlink
}

# ---- CVE-2021-30465: mount destinations that are symlinks out of the rootfs --------------

@test "CVE-2021-30465: mount destinations through symlinks to /, ../../.. and a host path land inside the rootfs" {
    local name=hull-sec-$$-$RANDOM above
    above=$(cd "$ROOTFS/../../.." && pwd)
    security_links_out
    ln -s /etc "$ROOTFS/etc-link"
    add_mount "/to-root/$name-tmpfs" tmpfs tmpfs
    add_mount "/to-up/$name-bind" bind "$BATS_TEST_TMPDIR/source-dir" rbind
    add_mount "/to-host/$name-file" bind "$BATS_TEST_TMPDIR/source-file" bind
    add_mount "/to-root/$name-proc" proc proc
    add_mount "/nest/up/nest/up/$name-nested" tmpfs tmpfs
    add_mount /etc-link tmpfs tmpfs
    local mounts_before
    mounts_before=$(mount_count)
    security_check_mounts_inside "/$name-tmpfs tmpfs" "/$name-bind " "$HOST/$name-file " "/$name-proc proc" \
        "/$name-nested tmpfs" "/etc tmpfs"
    # Nothing on the host: no new mount, nothing made where the links point.
    assert_equal "$(mount_count)" "$mounts_before" "host mount count"
    security_check_nothing_on_host "/$name-tmpfs" "/$name-proc" "/$name-nested" "$above/$name-bind" "$HOST/$name-file"
}

@test "CVE-2021-30465: a mount destination through a symlink to a host path missing in the rootfs is a clear error" {
    security_case_mount_missing_host_path
}

# ---- CVE-2025-31133: maskedPaths and the /dev/null used to mask ------------------------

@test "CVE-2025-31133: a /dev/null that is a symlink to a host file cannot redirect maskedPaths" {
    security_case_masked_dev_null_symlink
}

@test "CVE-2025-31133: a /dev/null that is a regular file cannot become what masked paths show" {
    security_case_masked_dev_null_file
}

# ---- CVE-2025-52565 and /dev symlinks in the image --------------------------------------

@test "CVE-2025-52565: /dev entries that are symlinks to host files in the image are replaced, the host files untouched" {
    security_case_dev_symlinks mydev \
        '{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 7, "fileMode": 416, "uid": 5, "gid": 6}' \
        "type=c major=1 minor=7 mode=0640 uid=5 gid=6"
}

@test "CVE-2025-52565: a device under a /dev directory that is a symlink to a host directory is refused, nothing made there" {
    security_case_dev_under_symlink node
}

@test "CVE-2025-52565: a /dev/console that is a symlink to a host file in the image becomes the pty, the host file untouched" {
    security_case_dev_console_symlink
}

# ---- CVE-2025-52881: writes to /proc go through a procfs hull verified -------------------

@test "CVE-2025-52881: sysctl and oomScoreAdj reach the real procfs when the config mounts over /proc/sys and /proc/self" {
    local host_forward
    host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
    add_mount /proc/sys tmpfs tmpfs
    add_mount /proc/self tmpfs tmpfs
    add_mount /proc2 proc proc
    jq_edit '.linux.sysctl = {"net.ipv4.ip_forward": "1", "net.ipv4.ip_default_ttl": "42"}
           | .process.oomScoreAdj = 300
           | .linux.readonlyPaths = [] | .linux.maskedPaths = []'
    in_container sh -c 'echo "tmpfs: $(ls -A /proc/sys | wc -w) $(ls -A /proc/1 | wc -w)"
                        cat /proc2/sys/net/ipv4/ip_forward /proc2/sys/net/ipv4/ip_default_ttl /proc2/1/oom_score_adj'
    assert_success
    assert_output "tmpfs: 0 0
1
42
300"
    assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_forward" "the host's ip_forward"
}

@test "oomScoreAdj in a user namespace: the non-dumpable set-up process still sets it" {
    enable_userns
    jq_edit '.process.oomScoreAdj = 123'
    in_container hullcheck oom
    assert_success
    assert_output 123
}

# ---- CVE-2022-29162: inheritable capabilities --------------------------------------------

@test "CVE-2022-29162: the inheritable set is exactly process.capabilities.inheritable (empty by default)" {
    security_case_inheritable_caps
}

# ---- sysctls only in the namespace they belong to ----------------------------------------

@test "sysctl: net.* without a network namespace, kernel.shmmax without an ipc namespace and kernel.panic are refused, nothing left behind" {
    local host_forward host_shmmax
    host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
    host_shmmax=$(cat /proc/sys/kernel/shmmax)
    remove_namespace network
    jq_edit '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
    run_hull_detached create --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains 'linux.sysctl["net.ipv4.ip_forward"]: needs a new network namespace'

    add_namespace network
    security_case_sysctl_kernel c2 c3

    assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_forward" "the host's ip_forward"
    assert_equal "$(cat /proc/sys/kernel/shmmax)" "$host_shmmax" "the host's shmmax"
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "left in --root: $(ls -A "$ROOT")"
}

# ---- devices --------------------------------------------------------------------------------

@test "devices: linux.devices are made with mknod, with the given owner and mode whatever the umask" {
    jq_edit '.linux.devices = [{path: "/dev/a/b/mydev", type: "c", major: 1, minor: 9, fileMode: 438, uid: 1000, gid: 5},
                               {path: "/dev/myblk", type: "b", major: 7, minor: 0, fileMode: 384},
                               {path: "/dev/myfifo", type: "p", fileMode: 420, uid: 7}]
           | .process.user.umask = 63'
    in_container sh -c 'hullcheck dev /dev/a/b/mydev; hullcheck dev /dev/myblk; hullcheck dev /dev/myfifo
                        grep -c " /dev/a/b/mydev " /proc/self/mountinfo'
    assert_output "type=c major=1 minor=9 mode=0666 uid=1000 gid=5
type=b major=7 minor=0 mode=0600 uid=0 gid=0
type=p major=0 minor=0 mode=0644 uid=7 gid=0
0"
}

@test "devices: in a user namespace linux.devices are bound from the host, and only if the host's node is that device" {
    enable_userns
    security_case_devices_bound
}
