# shellcheck shell=bash
# shellcheck disable=SC2016,SC2034
# Helpers for tests/podman_rootless.bats: podman run by an unprivileged user, driving the
# runtime under test. Load after helpers/podman, whose config, image import and wait
# helpers this reuses (`pm` and `pm_cmd` are replaced by versions that run podman as
# that user), and after helpers/rootless, which makes the user.
#
#   HULL_PODMAN_RUNTIME   the runtime podman uses: a name on $PATH or a path (default: a
#                         copy of $HULL the user can execute)
#
# The user is helpers/rootless' hull-rootless-test (made when missing), with
# /etc/subuid and /etc/subgid ranges so that podman's user namespace maps 65536 ids
# through newuidmap/newgidmap (package uidmap). Everything podman keeps lives in
# $PODMAN_DIR, a directory under /var/tmp that the user owns (the build tree and bats'
# temporary directories may be closed to it): the user's $HOME, its $XDG_RUNTIME_DIR
# (where the runtime keeps its state: hull in xdg/hull), vfs storage, the run root, the
# event log and podman's tmp_dir (with the pause process's pid file).
#
# What this host gives a rootless podman: no cgroup (cgroup v1 or hybrid, no systemd to
# delegate one), so no resource limits and no pause; the network is "none" by default,
# slirp4netns (package slirp4netns) when a test asks for it.

# shellcheck disable=SC2153 # RL_USER is helpers/rootless'.
PMRL_USER=$RL_USER
: "${PODMAN_TIMEOUT:=120}"

podman_rootless_setup_file() {
    command -v podman >/dev/null || fail "podman is not installed (contrib/quickstart installs it)"
    command -v newuidmap >/dev/null || fail "newuidmap is missing (apt-get install uidmap)"
    rl_ensure_user
    rl_ensure_subids
    PMRL_UID=$(id -u "$PMRL_USER")
    PMRL_GID=$(id -g "$PMRL_USER")
    PMRL_SUBUID=$(grep "^$PMRL_USER:" /etc/subuid | head -1 | cut -d: -f2)
    export PMRL_UID PMRL_GID PMRL_SUBUID

    PODMAN_DIR=$(mktemp -d /var/tmp/hull-podman-rootless.XXXXXX)
    export PODMAN_DIR
    mkdir -m 700 "$PODMAN_DIR/home" "$PODMAN_DIR/xdg"
    chown -R "$PMRL_USER:$PMRL_USER" "$PODMAN_DIR"
    chmod 755 "$PODMAN_DIR"

    if [ -n "${HULL_PODMAN_RUNTIME:-}" ]; then
        RUNTIME=$HULL_PODMAN_RUNTIME
        [[ $RUNTIME == */* ]] || RUNTIME=$(command -v "$RUNTIME") || fail "runtime $HULL_PODMAN_RUNTIME not found"
        RUNTIME=$(realpath "$RUNTIME")
    else
        RUNTIME=$PODMAN_DIR/hull
        cp "$HULL" "$RUNTIME"
        chmod 755 "$RUNTIME"
    fi
    [ -x "$RUNTIME" ] || fail "runtime $RUNTIME is not executable"
    # Where the runtime keeps its containers' state: $XDG_RUNTIME_DIR/NAME, for hull
    # (and runc) when run by podman in its user namespace.
    RUNTIME_STATE=$PODMAN_DIR/xdg/$(basename "$RUNTIME")
    export RUNTIME RUNTIME_STATE

    podman_write_conf >"$PODMAN_DIR/containers.conf"
    export CONTAINERS_CONF=$PODMAN_DIR/containers.conf
    export IMAGE=localhost/hull-test-busybox:latest
    podman_import_busybox
}

podman_rootless_teardown_file() {
    [ -n "${PODMAN_DIR:-}" ] && [ -d "$PODMAN_DIR" ] || return 0
    pm rm -af -t 0 >/dev/null 2>&1 || true
    # Safety net: containers the runtime still has, deleted from podman's user namespace.
    if [ -d "$RUNTIME_STATE" ]; then
        local id
        for id in $(pm unshare "$RUNTIME" --root "$RUNTIME_STATE" list -q 2>/dev/null); do
            pm unshare "$RUNTIME" --root "$RUNTIME_STATE" delete --force "$id" >/dev/null 2>&1 || true
        done
    fi
    pm rmi -af >/dev/null 2>&1 || true
    # Podman's pause process holds the user namespace of every rootless podman command.
    local pause
    pause=$(cat "$PODMAN_DIR/tmp/pause.pid" 2>/dev/null) || pause=
    if [ -n "$pause" ] && [ "$(stat -c %u "/proc/$pause" 2>/dev/null)" = "$PMRL_UID" ]; then
        kill -9 "$pause" 2>/dev/null || true
    fi
    rm -rf "$PODMAN_DIR"
}

podman_rootless_setup() {
    [ -n "${RUNTIME:-}" ] || fail "rootless podman set-up failed (see setup_file)"
    TUN_MODE=
}

podman_rootless_teardown() {
    pm rm -af -t 0 >/dev/null 2>&1 || true
    [ -z "$TUN_MODE" ] || chmod "$TUN_MODE" /dev/net/tun
}

# pmrl_env: the user's environment (HOME and XDG_RUNTIME_DIR of their own, podman's config).
pmrl_env() {
    printf '%s\n' "HOME=$PODMAN_DIR/home" "XDG_RUNTIME_DIR=$PODMAN_DIR/xdg" \
        "CONTAINERS_CONF=$CONTAINERS_CONF" "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
}

# as_pmrl_user CMD...: CMD as the unprivileged user, from /, with the user's environment.
as_pmrl_user() {
    local env=()
    mapfile -t env < <(pmrl_env)
    (cd / && exec setpriv --reuid "$PMRL_USER" --regid "$PMRL_USER" --clear-groups --reset-env \
        env "${env[@]}" "$@")
}

# pm ARGS...: podman as the user, with the suite's storage and runtime, bounded in time.
pm() {
    as_pmrl_user timeout -k 10 "$PODMAN_TIMEOUT" podman --root "$PODMAN_DIR/home/storage" \
        --runroot "$PODMAN_DIR/xdg/runroot" --storage-driver vfs --runtime "$RUNTIME" "$@"
}

# pm_cmd: the same, as a shell command line (for script(1)).
pm_cmd() {
    printf 'cd / && setpriv --reuid %q --regid %q --clear-groups --reset-env env' "$PMRL_USER" "$PMRL_USER"
    local v
    while read -r v; do printf ' %q' "$v"; done < <(pmrl_env)
    printf ' timeout --foreground -k 10 %s podman --root %q --runroot %q --storage-driver vfs --runtime %q' \
        "$PODMAN_TIMEOUT" "$PODMAN_DIR/home/storage" "$PODMAN_DIR/xdg/runroot" "$RUNTIME"
}

# host_uid PID: the real uid of a host process.
host_uid() {
    awk '/^Uid:/ { print $2 }' "/proc/$1/status"
}

# runtime_containers: what the runtime still has in its state directory.
runtime_containers() {
    local d
    for d in "$RUNTIME_STATE"/*; do
        [ -e "$d" ] && basename "$d"
    done
    return 0
}

# open_tun: slirp4netns opens /dev/net/tun as the user. Debian's udev makes it 0666; a host
# without udev may leave it 0600: open it up for this test (teardown restores the mode).
open_tun() {
    [ -c /dev/net/tun ] || fail "/dev/net/tun is missing: slirp4netns cannot work on this host"
    command -v slirp4netns >/dev/null || fail "slirp4netns is not installed (contrib/quickstart installs it)"
    local mode
    mode=$(stat -c %a /dev/net/tun)
    if [ "$mode" != 666 ]; then
        TUN_MODE=$mode
        chmod 666 /dev/net/tun
    fi
}
