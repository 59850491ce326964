# shellcheck shell=bash
# shellcheck disable=SC2016,SC2034
# Helpers for the suites that run hull as an unprivileged user: tests/rootless.bats and
# tests/security_rootless.bats (tests/podman_rootless.bats uses the user and its
# /etc/subuid range only). Load after helpers/common.
#
# The user is hull-rootless-test, made when missing. The build tree and bats' temporary
# directories may be closed to it: rootless_setup copies hull and the test's bundle to a
# directory under /var/tmp ($RL) with the user's $XDG_RUNTIME_DIR ($RL/xdg), and the
# bundle's config.json is `hull spec --rootless --no-terminal` run by the user (runc's
# rootless config: no network namespace of its own).

RL_USER=hull-rootless-test

# rl_ensure_user: the user exists (setup_file).
rl_ensure_user() {
    id "$RL_USER" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$RL_USER" ||
        fail "cannot create the user $RL_USER"
}

# rl_ensure_subids: the user has /etc/subuid and /etc/subgid ranges (65536 ids from 300000
# when it has none), for newuidmap/newgidmap.
rl_ensure_subids() {
    local f
    for f in /etc/subuid /etc/subgid; do
        grep -q "^$RL_USER:" "$f" 2>/dev/null || echo "$RL_USER:300000:65536" >>"$f"
    done
}

# rootless_setup NAME [DIR...]: common_setup, then $RL (/var/tmp/NAME.XXXXXX) with a copy
# of hull, $RL/xdg, the bundle $RL/bundle ($BUNDLE's rootfs, config.json from
# `hull spec --rootless --no-terminal`) and the directories $RL/DIR, all the user's. Sets RL, RL_CONFIG
# and RL_ROOTFS.
rootless_setup() {
    local name=$1 d dirs=()
    shift
    common_setup
    RL=$(mktemp -d "/var/tmp/$name.XXXXXX")
    chmod 755 "$RL"
    cp "$HULL" "$RL/hull"
    for d in xdg bundle "$@"; do
        dirs+=("$RL/$d")
    done
    mkdir "${dirs[@]}"
    cp -a "$BUNDLE/rootfs" "$RL/bundle/rootfs"
    chown -R "$RL_USER:$RL_USER" "${dirs[@]}"
    chmod 700 "$RL/xdg"
    rl_hull spec --rootless --no-terminal -b "$RL/bundle"
    assert_success
    RL_CONFIG=$RL/bundle/config.json
    RL_ROOTFS=$RL/bundle/rootfs
}

# rootless_teardown: the user's containers deleted, $RL removed, then common_teardown.
rootless_teardown() {
    local id
    for id in $(rl_hull_quiet list -q); do rl_hull_quiet delete -f "$id"; done
    rm -rf "$RL"
    common_teardown
}

# ---- running hull as the user ------------------------------------------------------------

# as_user CMD...: CMD as the user, with $RL/xdg for its $XDG_RUNTIME_DIR (given
# $HULL_TEST_TIMEOUT seconds, as any hull command of the tests).
as_user() {
    timeout -k 5 "$HULL_TEST_TIMEOUT" \
        setpriv --reuid "$RL_USER" --regid "$RL_USER" --clear-groups --reset-env \
        env XDG_RUNTIME_DIR="$RL/xdg" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# rl_hull ARGS...: hull as the user, from the bundle (sets status, output and stderr).
rl_hull() {
    run --separate-stderr timeout 30 setpriv --reuid "$RL_USER" --regid "$RL_USER" --clear-groups \
        --reset-env env XDG_RUNTIME_DIR="$RL/xdg" sh -c 'cd "$0" && exec "$@"' "$RL/bundle" "$RL/hull" "$@"
    _show_run
}

rl_hull_quiet() {
    as_user sh -c 'cd "$0" && exec "$@"' "$RL/bundle" "$RL/hull" "$@" 2>/dev/null
}

# rl_hull_detached ARGS...: for commands that leave a container process behind; its
# stdio goes to files, not to bats' pipes. $output is stdout then stderr.
rl_hull_detached() {
    status=0
    as_user sh -c 'cd "$0" && exec "$@"' "$RL/bundle" "$RL/hull" "$@" </dev/null >"$RL/out" 2>"$RL/err" ||
        status=$?
    stderr=$(cat "$RL/err")
    output=$(cat "$RL/out" "$RL/err")
}

# ---- the bundle's config.json --------------------------------------------------------------

# rl_edit FILTER [jq options...]: edit the bundle's config.json in place (rewritten, not
# replaced, so that it stays the user's).
rl_edit() {
    local filter=$1 file=$RL_CONFIG tmp
    shift
    tmp=$(mktemp)
    jq "$filter" "$@" <"$file" >"$tmp" || { rm -f "$tmp"; fail "rl_edit: failed: $filter"; }
    cat "$tmp" >"$file"
    rm -f "$tmp"
}

# rl_args ARGS...: process.args = ARGS.
rl_args() {
    rl_edit '.process.args = $a' --argjson a "$(json_array "$@")"
}

# rl_in_container CMD...: run a container named c1 in the foreground.
rl_in_container() {
    rl_args "$@"
    rl_hull run c1
}

# rl_add_mount DEST TYPE SOURCE [OPTION...]
rl_add_mount() {
    add_mount_with rl_edit "$@"
}
