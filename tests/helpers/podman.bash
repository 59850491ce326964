# shellcheck shell=bash
# shellcheck disable=SC2016,SC2034
# Helpers for tests/podman.bats: a private podman set-up driving the runtime under test.
#
#   HULL_PODMAN_RUNTIME   the runtime podman uses: a name on $PATH or a path (default: $HULL)
#
# Podman keeps everything in $PODMAN_DIR (under the bats run's temporary directory): its
# containers.conf (CONTAINERS_CONF, the only config podman then reads), storage (vfs),
# run root, database and event log. The config is the one contrib/containers.conf
# documents: the runtime in runtime_supports_json (else podman does not pass
# --log-format=json and cannot show the runtime's errors), the cgroupfs manager, file
# events, and default ulimits below the host's hard limits (root lacks CAP_SYS_RESOURCE
# on the CI host, so podman's default nofile/nproc of 1048576 fail with any runtime).
# Containers get no network by default (no bridge or firewall rules on the host).

: "${PODMAN_TIMEOUT:=120}"

podman_setup_file() {
    command -v podman >/dev/null || fail "podman is not installed (contrib/quickstart installs it)"
    command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] ||
        fail "conmon is not installed (contrib/quickstart installs it)"
    RUNTIME=${HULL_PODMAN_RUNTIME:-$HULL}
    [[ $RUNTIME == */* ]] || RUNTIME=$(command -v "$RUNTIME") || fail "runtime $HULL_PODMAN_RUNTIME not found"
    RUNTIME=$(realpath "$RUNTIME")
    [ -x "$RUNTIME" ] || fail "runtime $RUNTIME is not executable"
    export RUNTIME
    export PODMAN_DIR=$BATS_FILE_TMPDIR/podman
    mkdir -p "$PODMAN_DIR/tmp"
    podman_write_conf >"$PODMAN_DIR/containers.conf"
    export CONTAINERS_CONF=$PODMAN_DIR/containers.conf
    export IMAGE=localhost/hull-test-busybox:latest
    podman_import_busybox
}

podman_teardown_file() {
    [ -n "${PODMAN_DIR:-}" ] || return 0
    pm rm -af -t 0 >/dev/null 2>&1 || true
    pm rmi -af >/dev/null 2>&1 || true
    podman_delete_leftovers
    unmount_under "$PODMAN_DIR"
}

# Safety net: containers the runtime still has (in its default --root) whose bundle is in
# this suite's storage, e.g. when podman itself failed half-way.
podman_delete_leftovers() {
    local id bundle
    for id in $("$RUNTIME" list -q 2>/dev/null); do
        bundle=$("$RUNTIME" state "$id" 2>/dev/null | jq -r .bundle 2>/dev/null) || continue
        case "$bundle" in
            "$PODMAN_DIR"/*) "$RUNTIME" delete --force "$id" >/dev/null 2>&1 || true ;;
        esac
    done
}

podman_setup() {
    [ -n "${RUNTIME:-}" ] || fail "podman set-up failed (see setup_file)"
}

# Every test starts from no containers at all.
podman_teardown() {
    pm rm -af -t 0 >/dev/null 2>&1 || true
}

# The containers.conf of the suite, as contrib/containers.conf describes.
podman_write_conf() {
    local name
    name=$(basename "$RUNTIME")
    cat <<EOF
[containers]
default_ulimits = ["nofile=10000:10000", "nproc=4096:4096"]
netns = "none"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_DIR/events.log"
tmp_dir = "$PODMAN_DIR/tmp"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "youki", "krun", "hull", "$name"]
EOF
}

# A busybox image from the host's static /bin/busybox: every applet a symlink to it.
podman_import_busybox() {
    local rootfs=$PODMAN_DIR/image-rootfs busybox
    busybox=$(command -v busybox) || fail "busybox not found (apt-get install busybox-static)"
    mkdir -p "$rootfs"/{bin,etc,dev,proc,sys,tmp,root,var/tmp,run}
    chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
    cp "$busybox" "$rootfs/bin/busybox"
    local applet
    for applet in $("$busybox" --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
    done
    ln -s bin "$rootfs/sbin"
    mkdir -p "$rootfs/usr"
    ln -s ../bin "$rootfs/usr/bin"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
    # For --read-only: podman's tmpfs on /var/tmp gets this copied in (tmpcopyup).
    mkdir -m 750 "$rootfs/var/tmp/from-image"
    echo "from the image" >"$rootfs/var/tmp/from-image/file"
    tar -C "$rootfs" -c . | pm import --change 'CMD ["sh"]' - "$IMAGE" >/dev/null ||
        fail "podman import failed"
}

# pm ARGS...: podman with the suite's storage and runtime, bounded in time, run from the
# suite's directory: conmon writes a file named "oom" into its working directory when a
# container is OOM-killed (it was left in the build tree, which distcheck refuses).
pm() {
    (cd "$PODMAN_DIR" && exec timeout -k 10 "$PODMAN_TIMEOUT" podman --root "$PODMAN_DIR/root" \
        --runroot "$PODMAN_DIR/runroot" --storage-driver vfs --runtime "$RUNTIME" "$@")
}

# pm_cmd: the same, as a shell command line (for script(1)).
pm_cmd() {
    printf 'cd %q && timeout --foreground -k 10 %s podman --root %q --runroot %q --storage-driver vfs --runtime %q' \
        "$PODMAN_DIR" "$PODMAN_TIMEOUT" "$PODMAN_DIR/root" "$PODMAN_DIR/runroot" "$RUNTIME"
}

# pm_run ARGS...: `run` of pm; stdout in $output, podman's and the container's stderr in $stderr.
pm_run() {
    run --separate-stderr pm "$@"
}

# pm_wait_log NAME TEXT [SECONDS]: until the container's log has a line with TEXT.
pm_wait_log() {
    local name=$1 text=$2 tries=$((${3:-10} * 10))
    until pm logs "$name" 2>/dev/null | grep -qF -- "$text"; do
        [ $((tries -= 1)) -gt 0 ] || fail "container $name never logged '$text': $(pm logs "$name" 2>&1)"
        sleep 0.1
    done
}

# pm_wait_status NAME STATUS [SECONDS]
pm_wait_status() {
    local name=$1 want=$2 tries=$((${3:-10} * 10)) got=
    until got=$(pm inspect "$name" --format '{{.State.Status}}' 2>/dev/null) && [ "$got" = "$want" ]; do
        [ $((tries -= 1)) -gt 0 ] || fail "container $name is '$got', expected '$want'"
        sleep 0.1
    done
}

# pm_shm_read NAME FILE: a file of the container's /dev/shm, read from the host (through
# /proc/PID/root, which works on a paused container too).
pm_shm_read() {
    local pid
    pid=$(pm inspect "$1" --format '{{.State.Pid}}')
    cat "/proc/$pid/root/dev/shm/$2"
}

# Shell code for `sh -c "$CGROUP_FILE CONTROLLER V1FILE V2FILE"` in a container: prints the
# file of the container's own cgroup, wherever the runtime mounted it (v1: the container's
# path below the controller's directory, or that directory itself when the runtime mounted
# only the container's cgroup there; v2 likewise in the unified hierarchy).
CGROUP_FILE='cgfile() {
  p=$(awk -F: -v c="$1" "{ n = split(\$2, a, \",\"); for (i = 1; i <= n; i++) if (a[i] == c) print \$3 }" /proc/self/cgroup)
  u=$(awk -F: "\$1 == 0 { print \$3 }" /proc/self/cgroup)
  for f in "/sys/fs/cgroup/$1$p/$2" "/sys/fs/cgroup/$1/$2" "/sys/fs/cgroup$u/$3" "/sys/fs/cgroup/$3"; do
    [ -r "$f" ] && { cat "$f"; return; }
  done
  echo "cgfile: no $2 or $3 (cgroup: $(cat /proc/self/cgroup | tr "\n" " "))" >&2; return 1
}; cgfile'
