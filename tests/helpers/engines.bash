# shellcheck shell=bash
# shellcheck disable=SC2016,SC2034
# Helpers for tests/docker.bats, tests/containerd.bats and tests/cri.bats: a private
# containerd (and dockerd) driving hull, as a user or a Kubernetes node would set them up.
#
# Everything the daemons keep lives in $ENGINE_DIR, a short directory under /tmp (unix
# socket paths must stay under 108 bytes): their configs (tests/data/integration, with
# @DIR@, @HULL@ and @CGROUP@ filled in), roots, state, sockets, pid files and logs, and
# hull's own state. Containers' cgroups are below /$ENGINE_CGROUP in every hierarchy. No
# network is set up: Docker has no bridge and no iptables rules, pods use the host's
# network. engines_teardown_file ends what a failed test left behind: the daemons and
# shims (by the pids they wrote or by their command line, which names $ENGINE_DIR), the
# containers (hull delete --force in each of hull's roots), mounts and cgroups.

: "${ENGINE_TIMEOUT:=60}"
DOCKER=/usr/bin/docker # Debian's docker.io (/usr/local/bin may hold some other docker CLI)
DOCKERD=/usr/sbin/dockerd
INTEGRATION_DATA=$TESTS_DIR/data/integration

engines_setup_file() {
    local bin
    for bin in containerd containerd-shim-runc-v2 ctr "$@"; do
        command -v "$bin" >/dev/null ||
            fail "$bin is not installed (contrib/quickstart installs docker.io and containerd)"
    done
    [ -x "$HULL" ] || fail "HULL ($HULL) is not built"
    HULL_BIN=$(realpath "$HULL")
    ENGINE_DIR=$(mktemp -d /tmp/hull-eng.XXXXXX)
    ENGINE_CGROUP=hull-test-${ENGINE_DIR##*.}
    netdevs >"$ENGINE_DIR/netdevs.before"
    export HULL_BIN ENGINE_DIR ENGINE_CGROUP
}

# render TEMPLATE: a config of tests/data/integration, for this suite.
render() {
    sed -e "s|@DIR@|$ENGINE_DIR|g" -e "s|@HULL@|$HULL_BIN|g" -e "s|@CGROUP@|$ENGINE_CGROUP|g" \
        "$INTEGRATION_DATA/$1"
}

netdevs() {
    ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
}

# wait_until SECONDS WHAT COMMAND...: until COMMAND succeeds.
wait_until() {
    local tries=$(($1 * 10)) what=$2
    shift 2
    until "$@" >/dev/null 2>&1; do
        [ $((tries -= 1)) -gt 0 ] || fail "timed out waiting for $what"
        sleep 0.1
    done
}

# ---- containerd ------------------------------------------------------------------------

containerd_start() {
    render containerd.toml >"$ENGINE_DIR/containerd.toml"
    mkdir -p "$ENGINE_DIR/cni/bin" "$ENGINE_DIR/cni/net.d"
    # In a subshell: not a job of the test's shell (which would report its death).
    (containerd --config "$ENGINE_DIR/containerd.toml" >>"$ENGINE_DIR/containerd.log" 2>&1 &
        echo $! >"$ENGINE_DIR/containerd.pid")
    wait_until 20 "containerd to serve" ctrx version ||
        fail "containerd did not start: $(tail -5 "$ENGINE_DIR/containerd.log")"
}

# containerd_kill [SIGNAL]: the daemon only (default SIGKILL); shims and containers stay.
containerd_kill() {
    daemon_kill containerd "${1:-KILL}"
}

# ctrx ARGS...: ctr talking to this suite's containerd.
ctrx() {
    timeout -k 5 "$ENGINE_TIMEOUT" ctr --address "$ENGINE_DIR/containerd.sock" "$@"
}

# ---- dockerd ---------------------------------------------------------------------------

dockerd_start() {
    [ -f "$ENGINE_DIR/daemon.json" ] || render daemon.json >"$ENGINE_DIR/daemon.json"
    ("$DOCKERD" --config-file "$ENGINE_DIR/daemon.json" >>"$ENGINE_DIR/dockerd.log" 2>&1 &
        echo $! >"$ENGINE_DIR/dockerd.pid")
    wait_until 30 "dockerd to serve" dk version ||
        fail "dockerd did not start: $(tail -5 "$ENGINE_DIR/dockerd.log")"
}

dockerd_kill() {
    daemon_kill dockerd "${1:-KILL}"
}

# dk ARGS...: Debian's docker CLI talking to this suite's dockerd.
dk() {
    timeout -k 5 "$ENGINE_TIMEOUT" "$DOCKER" -H "unix://$ENGINE_DIR/docker.sock" "$@"
}

# dk_cmd: the same, as a shell command line (for script(1)).
dk_cmd() {
    printf 'timeout --foreground -k 5 %s %s -H unix://%s' "$ENGINE_TIMEOUT" "$DOCKER" "$ENGINE_DIR/docker.sock"
}

# daemon_kill NAME SIGNAL: the daemon this suite started, by the pid it recorded, and
# wait for it to be gone (up to 5 s, then SIGKILL: containerd may take 20 s to shut down).
daemon_kill() {
    local pidfile=$ENGINE_DIR/$1.pid pid tries=50
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    kill -"$2" "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
    while kill -0 "$pid" 2>/dev/null; do
        if [ $((tries -= 1)) -eq 0 ]; then
            kill -KILL "$pid" 2>/dev/null
            tries=50
        fi
        sleep 0.1
    done
    rm -f "$pidfile"
}

# ---- images ----------------------------------------------------------------------------

# make_busybox_rootfs DIR: a busybox root filesystem from the host's static busybox, with
# hullcheck for what busybox cannot do (System V IPC).
make_busybox_rootfs() {
    local rootfs=$1 busybox applet
    busybox=$(command -v busybox) || fail "busybox not found (apt-get install busybox-static)"
    mkdir -p "$rootfs"/{bin,etc,dev,proc,sys,tmp,root,run,var/tmp}
    chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
    cp "$busybox" "$rootfs/bin/busybox"
    cp "$HULLCHECK" "$rootfs/bin/hullcheck"
    for applet in $("$busybox" --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
    done
    ln -s bin "$rootfs/sbin"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
}

# oci_archive ROOTFS NAME CMD_JSON OUT: an OCI image layout tarball of ROOTFS named NAME
# (io.containerd.image.name, for `ctr images import`), its command CMD_JSON.
oci_archive() {
    local rootfs=$1 name=$2 cmd=$3 out=$4 dir
    dir=$(mktemp -d "$ENGINE_DIR/oci.XXXXXX")
    mkdir -p "$dir/blobs/sha256"
    tar -C "$rootfs" --numeric-owner -cf "$dir/layer.tar" .
    local diff_id layer layer_size config config_size manifest manifest_size
    diff_id=$(sha256sum <"$dir/layer.tar" | cut -d' ' -f1)
    gzip -n <"$dir/layer.tar" >"$dir/layer.tar.gz"
    layer_size=$(stat -c %s "$dir/layer.tar.gz")
    layer=$(blob "$dir" "$dir/layer.tar.gz")
    jq -nc --arg d "sha256:$diff_id" --argjson cmd "$cmd" \
        '{architecture: "amd64", os: "linux", config: {Cmd: $cmd, Env: ["PATH=/bin"]},
          rootfs: {type: "layers", diff_ids: [$d]}}' >"$dir/config.json"
    config_size=$(stat -c %s "$dir/config.json")
    config=$(blob "$dir" "$dir/config.json")
    jq -nc --arg c "$config" --argjson cs "$config_size" --arg l "$layer" --argjson ls "$layer_size" \
        '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
          layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l, size: $ls}]}' \
        >"$dir/manifest.json"
    manifest_size=$(stat -c %s "$dir/manifest.json")
    manifest=$(blob "$dir" "$dir/manifest.json")
    jq -nc --arg m "$manifest" --argjson ms "$manifest_size" --arg n "$name" \
        '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: $m, size: $ms, annotations: {"io.containerd.image.name": $n},
          platform: {architecture: "amd64", os: "linux"}}]}' >"$dir/index.json"
    echo '{"imageLayoutVersion": "1.0.0"}' >"$dir/oci-layout"
    rm "$dir/layer.tar"
    tar -C "$dir" -cf "$out" oci-layout index.json blobs
    rm -rf "$dir"
}

# blob DIR FILE: FILE moved into DIR's blobs under its digest; prints the digest.
blob() {
    local sum
    sum=$(sha256sum <"$2" | cut -d' ' -f1)
    mv "$2" "$1/blobs/sha256/$sum"
    echo "sha256:$sum"
}

# ---- what is left ----------------------------------------------------------------------

# hull_roots: the --root directories the shims gave hull (docker's, ctr's, CRI's).
hull_roots() {
    local d
    for d in "$ENGINE_DIR"/docker/exec/runtime-runc/* "$ENGINE_DIR"/hull-ctr/* "$ENGINE_DIR"/hull-state/*; do
        [ -d "$d" ] && echo "$d"
    done
}

# hull_containers: "ROOT ID" for each container hull still has.
hull_containers() {
    local root id
    for root in $(hull_roots); do
        for id in $("$HULL_BIN" --root "$root" list -q 2>/dev/null); do
            echo "$root $id"
        done
    done
}

# engine_processes: processes of this suite: their command line names $ENGINE_DIR (the
# daemons, shims), or their root or working directory is under it (containers).
engine_processes() {
    local pid
    {
        for pid in $(pgrep -f -- "$ENGINE_DIR"); do
            [ "$pid" = $$ ] || echo "$pid"
        done
        pids_in_dir "$ENGINE_DIR"
    } | sort -un | while read -r pid; do
        # Not this test's own shell, nor the pgrep of the pipeline.
        if ! grep -qx -- "$pid" <(ancestors) && [ -d "/proc/$pid" ]; then echo "$pid"; fi
    done
}

# engine_cgroups: the cgroup directories of this suite left in any hierarchy.
engine_cgroups() {
    find /sys/fs/cgroup -maxdepth 3 -type d -name "$ENGINE_CGROUP" 2>/dev/null
}

# assert_nothing_left: after the daemons stopped: no process, mount, cgroup, container or
# network device of the suite.
assert_nothing_left() {
    local left=
    local procs
    procs=$(engine_processes)
    [ -z "$procs" ] || left+="processes: $(ps -o pid=,args= -p "${procs//$'\n'/,}")"$'\n'
    # dockerd binds its data-root on itself (to make it private) and leaves it so.
    local mounts
    mounts=$(mounts_under "$ENGINE_DIR" | grep -vx "$ENGINE_DIR/docker/root" || true)
    [ -z "$mounts" ] || left+="mounts: $mounts"$'\n'
    [ -z "$(hull_containers)" ] || left+="hull containers: $(hull_containers)"$'\n'
    local cg
    for cg in $(engine_cgroups); do
        [ -z "$(find "$cg" -mindepth 1 -type d)" ] || left+="cgroups below $cg: $(find "$cg" -mindepth 1 -type d)"$'\n'
    done
    # New devices of the kinds engines make (other tests on the host make their own).
    local devs
    devs=$(comm -13 "$ENGINE_DIR/netdevs.before" <(netdevs) | grep -E '^(docker|veth|br-|cni)' || true)
    [ -z "$devs" ] || left+="network devices: $devs"$'\n'
    [ -z "$left" ] || fail "left behind: $left"
}

# engines_teardown_file: whatever a test left: containers, daemons, shims, mounts, cgroups.
engines_teardown_file() {
    [ -n "${ENGINE_DIR:-}" ] && [ -d "$ENGINE_DIR" ] || return 0
    cd /
    local root id pid cg
    while read -r root id; do
        [ -n "$id" ] && "$HULL_BIN" --root "$root" delete --force "$id" >/dev/null 2>&1
    done < <(hull_containers)
    daemon_kill dockerd TERM
    daemon_kill containerd TERM
    for pid in $(engine_processes); do
        kill -KILL "$pid" 2>/dev/null
    done
    unmount_under "$ENGINE_DIR"
    for cg in $(engine_cgroups); do
        find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    rm -rf "$ENGINE_DIR"
}

# ---- docs/integration.md ---------------------------------------------------------------

# doc_snippet NAME: the code block that follows `<!-- snippet: NAME -->` in
# docs/integration.md.
doc_snippet() {
    awk -v m="<!-- snippet: $1 -->" '
        $0 == m { found = 1; next }
        found && /^```/ { if (inside) exit; inside = 1; next }
        inside { print }' "$TESTS_DIR/../docs/integration.md"
}

# snippet_in_config TEMPLATE NAME: each line of the doc's snippet NAME (with hull at
# /usr/local/bin/hull, where the config has @HULL@) is a line of the suite's TEMPLATE, in
# the same order (indentation aside): the doc shows what the tests run.
snippet_in_config() {
    local snippet
    snippet=$(doc_snippet "$2")
    [ -n "$snippet" ] || fail "docs/integration.md has no snippet $2"
    local missing
    missing=$(printf '%s\n' "${snippet//\/usr\/local\/bin\/hull/@HULL@}" |
        awk '{ sub(/^[ \t]+/, "") }
             NR == FNR { want[++n] = $0; next }
             i < n && $0 == want[i + 1] { i++ }
             END { for (j = i + 1; j <= n; j++) print want[j] }' - "$INTEGRATION_DATA/$1")
    [ -z "$missing" ] || fail "lines of docs/integration.md's $2 not in tests/data/integration/$1 (in order): $missing"
}
