#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup, linux.cgroupsPath "slice:prefix:name")
# against a real systemd.  This host need not run systemd as PID 1, so the suite boots
# Debian's systemd as PID 1 of a container that hull makes (setup_file):
#   - rootfs: the host's /usr and /etc bound read-only (and its /bin, /lib... links),
#     tmpfs on /run, /tmp and /var; the test run's directory bound at its own path, so
#     that hull, the inner bundles and the test's files are the same path inside;
#   - all namespaces but user and time, cgroupns with its cgroups mounted read-write,
#     every capability the host has, no seccomp filter, nothing masked (the inner
#     containers mount proc and sysfs);
#   - systemd started with --unit=hull-test.target from a unit directory of our own
#     (SYSTEMD_UNIT_PATH), so that none of the host's units (dockerd, sshd...) start.
# Then hull runs inside it (`hull exec` into the systemd container, which puts hull in
# its cgroup namespace) with --systemd-cgroup, and each test checks what systemd
# shows (systemctl show) and what the container sees.  setup_file fails, and with it
# every test, when systemd does not come up.

# SC2016: sh -c scripts in single quotes get their arguments as $1, $2.
# shellcheck disable=SC2016

load helpers/common
load helpers/systemd

setup_file() { systemd_setup_file; }
teardown_file() { systemd_teardown_file; }

setup() {
    common_setup
    set_args sleep 1000
}

teardown() { systemd_teardown; }

# The memory limit the container sees, whatever the cgroup layout inside.
MEM_LIMIT_INSIDE='cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'

@test "systemd: PID 1 of its container is systemd, and it is running" {
    run in_sd cat /proc/1/comm
    assert_success
    assert_output systemd
    run in_sd systemctl is-system-running
    assert_output running
}

@test "systemd driver: create makes scope hull-c1.scope in system.slice with MemoryMax and TasksMax; the limit is seen inside; delete stops the scope" {
    jq_edit '.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 40}'
    run_sd_hull_detached --systemd-cgroup create --bundle "$BUNDLE" c1
    assert_success
    assert_equal "$(unit_prop hull-c1.scope ActiveState)" active "ActiveState"
    assert_equal "$(unit_prop hull-c1.scope ControlGroup)" /system.slice/hull-c1.scope "ControlGroup"
    assert_equal "$(unit_prop hull-c1.scope MemoryMax)" 67108864 "MemoryMax"
    assert_equal "$(unit_prop hull-c1.scope TasksMax)" 40 "TasksMax"
    assert_equal "$(unit_prop hull-c1.scope Delegate)" yes "Delegate"
    # The container process is in the scope (systemd put it there: PIDs).
    local pid
    pid=$(sd_hull state c1 | jq .pid)
    run in_sd cat "/proc/$pid/cgroup"
    assert_output_contains ":/system.slice/hull-c1.scope"
    run sd_hull start c1
    assert_success
    run sd_hull exec c1 sh -c "$MEM_LIMIT_INSIDE; cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max"
    assert_success
    assert_output "67108864
40"
    run sd_hull delete -f c1
    assert_success
    assert_equal "$(unit_prop hull-c1.scope LoadState)" not-found "LoadState after delete"
    run in_sd sh -c 'ls -d /sys/fs/cgroup/*/system.slice/hull-c1.scope /sys/fs/cgroup/system.slice/hull-c1.scope 2>/dev/null'
    assert_output ""
}

@test "systemd driver: cgroupsPath slice:prefix:name puts scope prefix-name.scope in a nested slice" {
    jq_edit '.linux.cgroupsPath = "hull-test.slice:pfx:c2" | .linux.resources.memory = {limit: 33554432}'
    set_args sh -c "$MEM_LIMIT_INSIDE"
    run sd_hull run --bundle "$BUNDLE" c2
    assert_success
    assert_output 33554432
    jq_edit '.linux.cgroupsPath = "hull-test.slice:pfx:c3"'
    set_args sleep 1000
    run_sd_hull_detached run -d --bundle "$BUNDLE" c3
    assert_success
    assert_equal "$(unit_prop pfx-c3.scope ControlGroup)" /hull.slice/hull-test.slice/pfx-c3.scope "ControlGroup"
    assert_equal "$(unit_prop pfx-c3.scope Slice)" hull-test.slice "Slice"
    run sd_hull delete -f c3
    assert_success
    assert_equal "$(unit_prop pfx-c3.scope LoadState)" not-found "LoadState after delete"
}

@test "systemd driver: update sets the unit's properties and the limits seen inside" {
    jq_edit '.linux.resources.memory = {limit: 67108864}'
    run_sd_hull_detached --systemd-cgroup run -d --bundle "$BUNDLE" c1
    assert_success
    run sd_hull update --memory 100663296 --pids-limit 25 --cpu-quota 50000 --cpu-period 100000 c1
    assert_success
    assert_equal "$(unit_prop hull-c1.scope MemoryMax)" 100663296 "MemoryMax"
    assert_equal "$(unit_prop hull-c1.scope TasksMax)" 25 "TasksMax"
    assert_equal "$(unit_prop hull-c1.scope CPUQuotaPerSecUSec)" 500ms "CPUQuotaPerSecUSec"
    run sd_hull exec c1 sh -c "$MEM_LIMIT_INSIDE"
    assert_output 100663296
}

@test "systemd driver: a create that fails after the scope started leaves no unit and no cgroup" {
    add_mount /nonexistent-target bind "$BATS_TEST_TMPDIR/no-such-source" rbind
    run_sd_hull_detached --systemd-cgroup create --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "no-such-source"
    assert_equal "$(unit_prop hull-c1.scope LoadState)" not-found "LoadState"
    run in_sd sh -c 'ls -d /sys/fs/cgroup/*/system.slice/hull-c1.scope /sys/fs/cgroup/system.slice/hull-c1.scope 2>/dev/null'
    assert_output ""
    run sd_hull list -q
    assert_output ""
}

@test "systemd driver: a bad cgroupsPath is refused with its JSON path, before anything is made" {
    jq_edit '.linux.cgroupsPath = "/hull/c1"'
    run sd_hull --systemd-cgroup run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains 'linux.cgroupsPath "/hull/c1": the systemd cgroup manager takes slice:prefix:name'
    jq_edit '.linux.cgroupsPath = "a--b.slice:hull:c1"'
    run sd_hull --systemd-cgroup run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains 'linux.cgroupsPath: "a--b.slice": not a valid slice name'
    run sd_hull list -q
    assert_output ""
}

@test "systemd driver: systemd running but its D-Bus sockets unreachable: a clear error, nothing made" {
    # A mount namespace where /run/systemd has no private socket (and there is no bus).
    run in_sd unshare --mount sh -c 'mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/system &&
        exec "$0" --root /run/hull-sd --systemd-cgroup run --bundle "$1" c1' "$(sd_hull_bin)" "$BUNDLE"
    assert_failure
    assert_output_contains "--systemd-cgroup: cannot reach systemd over D-Bus: connect /run/systemd/private: No such file or directory"
    assert_output_contains "connect /run/dbus/system_bus_socket"
    run sd_hull list -q
    assert_output ""
}

@test "systemd driver: a scope of the same name (same id, another --root) is refused and left alone" {
    run_sd_hull_detached --systemd-cgroup run -d --bundle "$BUNDLE" c1
    assert_success
    local pid
    pid=$(sd_hull state c1 | jq .pid)
    run in_sd "$(sd_hull_bin)" --root /run/hull-sd2 --systemd-cgroup run --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "cgroups: start unit hull-c1.scope: systemd StartTransientUnit: org.freedesktop.systemd1.UnitExists"
    # The first container and its scope are untouched.
    assert_equal "$(unit_prop hull-c1.scope ActiveState)" active "ActiveState"
    run in_sd cat "/proc/$pid/cgroup"
    assert_output_contains ":/system.slice/hull-c1.scope"
    run in_sd ls /run/hull-sd2
    assert_output ""
}

@test "systemd driver: without root, a clear error (a user's systemd instance is not supported)" {
    # The user's own copy of the bundle (the test's directories are root's only), and hull.
    in_sd sh -c 'mkdir -p /tmp/user-bundle && cp "$1/config.json" "$2" /tmp/user-bundle/ &&
        mkdir -p /tmp/user-bundle/rootfs && chmod -R a+rX /tmp/user-bundle' sh "$BUNDLE" "$(sd_hull_bin)"
    run in_sd setpriv --reuid 1000 --regid 1000 --clear-groups \
        /tmp/user-bundle/hull --root /tmp/hull-user --systemd-cgroup run --bundle /tmp/user-bundle c1
    assert_failure
    assert_output_contains "--systemd-cgroup: the systemd driver places containers in systemd's system instance, which needs root"
}

@test "systemd driver: exec joins the scope; ps, pause, resume and kill --all work through it" {
    add_namespace cgroup   # the scope is then / inside
    run_sd_hull_detached --systemd-cgroup run -d --bundle "$BUNDLE" c1
    assert_success
    run sd_hull exec c1 sh -c 'cut -d: -f3 /proc/self/cgroup | sort -u'
    assert_success
    assert_output /
    run in_sd sh -c "cat /sys/fs/cgroup/unified/system.slice/hull-c1.scope/cgroup.procs 2>/dev/null ||
        cat /sys/fs/cgroup/system.slice/hull-c1.scope/cgroup.procs"
    assert_equal "${#lines[@]}" 1 "processes in the scope"
    run sd_hull pause c1
    assert_success
    assert_equal "$(sd_hull state c1 | jq -r .status)" paused "status"
    run sd_hull resume c1
    assert_success
    run sd_hull ps --format json c1
    assert_equal "$(jq length <<<"$output")" 1 "ps"
    run sd_hull kill --all c1 KILL
    assert_success
    local _
    for _ in $(seq 50); do
        [ "$(sd_hull state c1 | jq -r .status)" = stopped ] && break
        sleep 0.1
    done
    assert_equal "$(sd_hull state c1 | jq -r .status)" stopped "status after kill --all"
    run sd_hull delete c1
    assert_success
    assert_equal "$(unit_prop hull-c1.scope LoadState)" not-found "LoadState after delete"
}
