#!/usr/bin/env bats
# Rootless podman end to end (issue 7): an unprivileged user runs `podman --runtime hull`
# for the everyday commands of tests/podman.bats that podman supports rootless.
#
# Podman runs the runtime as root of the user namespace it made for the user (its own uid
# mapped to 0, its /etc/subuid range to 1..65536), without a new user namespace for the
# container: hull must see that it is not the host's root there (state under
# $XDG_RUNTIME_DIR/hull, no cgroup, devices bound rather than made, cgroup v1 hierarchies
# bound rather than mounted).
#
# Left out of the rootful suite's commands, and why:
#   - pause/unpause: podman refuses them for rootless containers on cgroup v1 (no cgroup,
#     hence no freezer); the test below checks that the refusal is clear and harmless.
#   - --memory and --pids-limit: podman drops resource limits for rootless containers on
#     cgroup v1 with a warning; the test below checks the warning and that the container
#     still runs (nothing can be enforced).
#   - stop of a container that ignores SIGTERM: the same runtime path as `kill` (tested),
#     and it costs the stop timeout.
#
# HULL_PODMAN_RUNTIME=runc runs the same tests against runc (crun refuses hybrid hosts).

load helpers/common
load helpers/podman
load helpers/rootless
load helpers/podman_rootless
load helpers/podman_cases

setup_file() {
    podman_rootless_setup_file
}

teardown_file() {
    podman_rootless_teardown_file
}

setup() {
    podman_rootless_setup
}

teardown() {
    podman_rootless_teardown
}

# ---- run, logs, stop, kill, rm ---------------------------------------------------------

@test "rootless podman run --rm: the output and the exit code, root inside mapped to the user, nothing left" {
    pm_run run --rm "$IMAGE" sh -c 'echo hello from the container; id -u; head -1 /proc/self/uid_map | tr -s " "
                                    for n in user pid mnt ipc uts net; do readlink /proc/self/ns/$n; done; exit 3'
    assert_failure 3
    local lines
    mapfile -t lines <<<"$output"
    assert_equal "${lines[0]}" "hello from the container" output
    assert_equal "${lines[1]}" 0 "uid inside"
    assert_equal "${lines[2]}" " 0 $PMRL_UID 1" "uid 0 inside is the user's uid"
    local i=3 n
    for n in user pid mnt ipc uts net; do
        assert_not_equal "${lines[i]}" "$(host_ns $n)" "$n namespace"
        i=$((i + 1))
    done
    pm_run ps -aq
    assert_output ""
    assert_equal "$(runtime_containers)" "" "containers left in $RUNTIME_STATE"
}

@test "rootless podman run: the container's process runs as the user on the host; --user as one of its subordinate ids" {
    pm_run run -d --name u "$IMAGE" sleep 1000
    assert_success
    local pid
    pid=$(pm inspect u --format '{{.State.Pid}}')
    assert_equal "$(host_uid "$pid")" "$PMRL_UID" "host uid of the container's process"
    [ -n "$(runtime_containers)" ] || fail "the runtime's state is not in $RUNTIME_STATE"
    pm_run run -d --name u1000 --user 1000:1001 "$IMAGE" sleep 1000
    assert_success
    pm_run exec u1000 sh -c 'echo "$(id -u) $(id -g)"'
    assert_output "1000 1001"
    pid=$(pm inspect u1000 --format '{{.State.Pid}}')
    # Container uid N >= 1 is the N-th id of the user's /etc/subuid range.
    assert_equal "$(host_uid "$pid")" "$((PMRL_SUBUID + 999))" "host uid of --user 1000"
}

@test "rootless podman run: a missing program is 127, a non-executable one 126, with the runtime's message" {
    podman_case_run_missing_program
    pm_run ps -aq
    assert_output ""
}

@test "rootless podman run -d, logs, stop, rm: a graceful stop on SIGTERM, then nothing left" {
    podman_start_graceful web
    pm_run ps --format '{{.Names}}'
    assert_output web
    assert_equal "$(pm inspect web --format '{{.State.Status}}')" running status
    podman_stop_graceful web
    assert_equal "$(pm inspect web --format '{{.State.Status}} {{.State.ExitCode}}')" "exited 0" state
    pm_run rm web
    assert_success
    pm_run ps -aq
    assert_output ""
    assert_equal "$(runtime_containers)" "" "containers left in $RUNTIME_STATE"
}

@test "rootless podman kill: a signal reaches the process, the default kills" {
    podman_case_kill_signal
}

@test "rootless podman rm -f: a running container is killed and removed" {
    podman_case_rm_force
    assert_equal "$(runtime_containers)" "" "containers left in $RUNTIME_STATE"
}

@test "rootless podman restart: a new process, the same container" {
    podman_case_restart
}

@test "rootless podman inspect: the container's runtime is the one under test" {
    podman_case_inspect_runtime
}

# ---- exec ------------------------------------------------------------------------------

@test "rootless podman exec: the output and the exit code, as root in the container's namespaces" {
    podman_start_shm_writer e
    pm_run exec e sh -c 'cat /dev/shm/mine; id -u; [ "$(readlink /proc/self/ns/pid)" = "$(readlink /proc/1/ns/pid)" ] && echo same-pid-ns; exit 4'
    assert_failure 4
    assert_output "x
0
same-pid-ns"
    podman_check_exec_hostname e
}

@test "rootless podman exec: a missing program is 127, a non-executable one 126" {
    podman_case_exec_missing_program
}

@test "rootless podman exec -t and run -t: the process has a terminal (through script)" {
    podman_case_exec_tty
    podman_case_run_tty 'tty; exit 2'
}

# ---- pause, top, resources: what rootless podman has without a cgroup --------------------

@test "rootless podman pause: refused with a clear reason on this host, the container keeps running" {
    pm_run run -d --name p "$IMAGE" sleep 1000
    assert_success
    pm_run pause p
    assert_failure
    [[ $stderr == *rootless* && $stderr == *cgroup* ]] || fail "unclear refusal: $stderr"
    assert_equal "$(pm inspect p --format '{{.State.Status}}')" running status
}

@test "rootless podman top: the container's processes" {
    podman_case_top
}

@test "rootless podman run: /sys/fs/cgroup shows the container's cgroup v1 hierarchies, read-only" {
    # A user namespace may not mount cgroup v1: the runtime binds its own cgroup of each
    # hierarchy instead (as runc does).
    pm_run run --rm "$IMAGE" sh -c 'n=0; for k in $(cut -d: -f2 /proc/self/cgroup); do
                                        k=${k#name=}; [ -n "$k" ] || continue
                                        [ -e /sys/fs/cgroup/$k/cgroup.procs ] || echo "missing $k"
                                        mkdir /sys/fs/cgroup/$k/hull-test 2>/dev/null && echo "writable $k"
                                        n=$((n + 1))
                                    done; echo "$n hierarchies"'
    assert_success
    refute_output_contains missing
    refute_output_contains writable
    assert_match "$output" '^[1-9][0-9]* hierarchies$' "the container's /sys/fs/cgroup"
}

@test "rootless podman run --pids-limit/--memory: podman warns that it ignores them, the container runs" {
    pm_run run --rm --pids-limit 20 --memory 32m "$IMAGE" echo ran
    assert_success
    assert_output ran
    [[ $stderr == *"not supported and ignored"* ]] || fail "no warning from podman: $stderr"
}

# ---- network ---------------------------------------------------------------------------

@test "rootless podman run --network none: only the loopback interface" {
    podman_case_network_none
}

@test "rootless podman run --network slirp4netns -p: the container's address, and a published port reachable from the host" {
    open_tun
    pm_run run --rm --network slirp4netns "$IMAGE" sh -c 'ip -4 -o addr show tap0 | awk "{ print \$4 }"'
    assert_success
    assert_output 10.0.2.100/24
    local port=$((20000 + RANDOM % 20000))
    pm_run run -d --name web --network slirp4netns -p "127.0.0.1:$port:8080" "$IMAGE" \
        sh -c 'mkdir /www && echo served by the container >/www/index.html && exec httpd -f -p 8080 -h /www'
    assert_success
    local got='' tries=50
    until got=$(timeout 2 busybox wget -Y off -q -O - "http://127.0.0.1:$port/index.html" 2>/dev/null) && [ -n "$got" ]; do
        [ $((tries -= 1)) -gt 0 ] || break
        sleep 0.1
    done
    assert_equal "$got" "served by the container" "page fetched through the published port"
}

# ---- file system and security options --------------------------------------------------

@test "rootless podman run -v: files made by root in the container belong to the user on the host" {
    local dir=$PODMAN_DIR/home/volume
    as_pmrl_user mkdir "$dir"
    pm_run run --rm -v "$dir:/data" "$IMAGE" sh -c 'echo from the container >/data/f && id -u'
    assert_success
    assert_output 0
    assert_equal "$(stat -c %u "$dir/f")" "$PMRL_UID" "owner of the file on the host"
    assert_equal "$(cat "$dir/f")" "from the container" "file on the host"
    pm_run run --rm --userns keep-id -v "$dir:/data" "$IMAGE" sh -c 'id -u; cat /data/f'
    assert_success
    assert_output "$PMRL_UID
from the container"
}

@test "rootless podman run --read-only: the root is read-only, its tmpfs are not and keep the image's files" {
    podman_case_read_only_root
    pm_run run --rm --read-only "$IMAGE" sh -c 'touch /tmp/ok && grep -c . /var/tmp/from-image/file'
    assert_success
    assert_output 1
}

@test "rootless podman run --cap-drop/--cap-add: the capability sets in /proc/self/status" {
    podman_case_caps
}

@test "rootless podman run --security-opt seccomp=profile: a denied syscall fails, also in exec" {
    local profile=$PODMAN_DIR/seccomp.json
    podman_seccomp_profile "$profile"
    chmod 644 "$profile"
    podman_case_seccomp_run "$profile"
    podman_case_seccomp_exec "$profile"
}
