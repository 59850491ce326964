#!/usr/bin/env bats
# The calls a kubelet makes, through containerd's CRI plugin, with the runtime handler
# "hull" (tests/data/integration/containerd.toml: the handler a Kubernetes RuntimeClass
# names). A small CRI v1 client (tests/helpers/cri/cri.py, Python with Debian's
# python3-grpcio) talks to the suite's own containerd. The pod uses the host's network, so
# no CNI plugin is needed; the sandbox ("pause") image and the busybox image are OCI
# archives made offline and imported under the names the config and the test use.
#
# The tests run in order on one pod: each leaves its result in $ENGINE_DIR for the next.

# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr

load helpers/common
load helpers/engines

IMAGE=localhost/hull-test/busybox:latest
PAUSE_IMAGE=registry.k8s.io/pause:3.6 # sandbox_image of the config

setup_file() {
    engines_setup_file
    /usr/bin/python3 -c 'import grpc, grpc_tools' 2>/dev/null ||
        fail "python3-grpcio and python3-grpc-tools are not installed (contrib/quickstart installs them)"
    containerd_start
    make_busybox_rootfs "$ENGINE_DIR/rootfs"
    oci_archive "$ENGINE_DIR/rootfs" "$IMAGE" '["sh"]' "$ENGINE_DIR/busybox.tar"
    # The pause image: a static binary that sleeps until killed.
    mkdir -p "$ENGINE_DIR/pause/bin"
    cp "$(command -v busybox)" "$ENGINE_DIR/pause/bin/sleep"
    oci_archive "$ENGINE_DIR/pause" "$PAUSE_IMAGE" '["/bin/sleep", "2147483647"]' "$ENGINE_DIR/pause.tar"
    rm -rf "$ENGINE_DIR/rootfs" "$ENGINE_DIR/pause"
    ctrx -n k8s.io images import "$ENGINE_DIR/busybox.tar" >/dev/null || fail "import of the busybox image failed"
    ctrx -n k8s.io images import "$ENGINE_DIR/pause.tar" >/dev/null || fail "import of the pause image failed"
    mkdir -p "$ENGINE_DIR/logs"
    echo "{}" >"$ENGINE_DIR/ids.json"
}

teardown_file() {
    engines_teardown_file
}

setup() {
    [ -S "$ENGINE_DIR/containerd.sock" ] || fail "containerd is not running (see setup_file)"
}

# cri METHOD [JSON]: one CRI call; the response (JSON) in $output, the status in $status.
cri() {
    run --separate-stderr timeout -k 5 "$ENGINE_TIMEOUT" /usr/bin/python3 "$TESTS_DIR/helpers/cri/cri.py" \
        "$ENGINE_DIR/containerd.sock" "$1" <<<"${2:-{\}}"
}

# cri_ok METHOD [JSON]: the same, and it must succeed.
cri_ok() {
    cri "$@"
    [ "$status" -eq 0 ] || fail "$1 failed: $stderr"
}

# remember NAME VALUE / recall NAME: ids the following tests use.
remember() {
    jq --arg k "$1" --arg v "$2" '.[$k] = $v' "$ENGINE_DIR/ids.json" >"$ENGINE_DIR/ids.new" &&
        mv "$ENGINE_DIR/ids.new" "$ENGINE_DIR/ids.json"
}

recall() {
    local v
    v=$(jq -r --arg k "$1" '.[$k] // empty' "$ENGINE_DIR/ids.json")
    if [ -z "$v" ]; then
        fail "no $1: an earlier test failed"
        return 1
    fi
    echo "$v"
}

# The pod's config, as a kubelet sends it: host network, cgroups below the suite's.
pod_config() {
    jq -n --arg logs "$ENGINE_DIR/logs" --arg cg "/$ENGINE_CGROUP/pod1" '{
        metadata: {name: "pod1", uid: "uid-pod1", namespace: "hull-test"},
        logDirectory: $logs,
        linux: {cgroupParent: $cg, securityContext: {namespaceOptions: {network: "NODE"}}}}'
}

# container_request NAME SCRIPT [MEMORY]: CreateContainer's request for `sh -c SCRIPT`.
container_request() {
    local pod
    pod=$(recall pod) || return 1
    jq -n --arg pod "$pod" --argjson sandbox "$(pod_config)" --arg name "$1" \
        --arg image "$IMAGE" --arg script "$2" --argjson mem "${3:-0}" '{
        podSandboxId: $pod, sandboxConfig: $sandbox,
        config: {metadata: {name: $name}, image: {image: $image},
                 command: ["sh", "-c", $script], logPath: ($name + ".log"),
                 linux: {resources: {memoryLimitInBytes: $mem}}}}'
}

# hull_cri_ids: the containers hull has in the root the handler gives it (options.Root).
hull_cri_ids() {
    "$HULL_BIN" --root "$ENGINE_DIR/hull-state/k8s.io" list -q 2>/dev/null | sort
    return 0
}

# hull_status ID: the container's status as hull's state says.
hull_status() {
    "$HULL_BIN" --root "$ENGINE_DIR/hull-state/k8s.io" state "$1" | jq -r .status
}

@test "CRI: the handler hull is the one docs/integration.md shows, and a RuntimeClass names" {
    snippet_in_config containerd.toml containerd-config.toml
    assert_equal "$(doc_snippet runtimeclass.yaml | awk '/^handler:/ { print $2 }')" hull "RuntimeClass handler"
    cri_ok Version '{"version": "v1"}'
    assert_equal "$(jq -r .runtimeApiVersion <<<"$output")" v1 "CRI API version"
}

@test "CRI RunPodSandbox with runtime_handler hull: the sandbox runs under hull" {
    cri_ok RunPodSandbox "$(jq -n --argjson c "$(pod_config)" '{config: $c, runtimeHandler: "hull"}')"
    local pod
    pod=$(jq -r .podSandboxId <<<"$output")
    remember pod "$pod"
    cri_ok PodSandboxStatus "{\"podSandboxId\": \"$pod\"}"
    assert_equal "$(jq -r '.status.state // "SANDBOX_READY", .status.runtimeHandler' <<<"$output" | tr '\n' ' ')" \
        "SANDBOX_READY hull " "state, handler"
    assert_equal "$(hull_cri_ids)" "$pod" "hull's containers"
    assert_equal "$(hull_status "$pod")" running "hull's status of the sandbox"
}

@test "CRI CreateContainer, StartContainer: the container runs under hull; its output is in the pod's log" {
    cri_ok CreateContainer "$(container_request c1 'echo hello from the pod; trap "exit 0" TERM; while :; do sleep 0.2; done')"
    local id
    id=$(jq -r .containerId <<<"$output")
    remember c1 "$id"
    # (containerd makes the task, and so calls hull, at StartContainer.)
    cri_ok StartContainer "{\"containerId\": \"$id\"}"
    assert_equal "$(hull_status "$id")" running "hull's status after StartContainer"
    assert_equal "$(hull_cri_ids)" "$(printf '%s\n' "$(recall pod)" "$id" | sort)" "hull's containers"
    wait_until 10 "the container's log" grep -q "hello from the pod" "$ENGINE_DIR/logs/c1.log"
    assert_match "$(cat "$ENGINE_DIR/logs/c1.log")" ' stdout F hello from the pod$' "CRI log line"
}

@test "CRI ExecSync: the output and the exit code" {
    local id
    id=$(recall c1)
    cri_ok ExecSync "{\"containerId\": \"$id\", \"cmd\": [\"sh\", \"-c\", \"echo out; echo err >&2; exit 3\"], \"timeout\": 10}"
    assert_equal "$(jq -r '.stdout | @base64d' <<<"$output")" out stdout
    assert_equal "$(jq -r '.stderr | @base64d' <<<"$output")" err stderr
    assert_equal "$(jq -r .exitCode <<<"$output")" 3 "exit code"
    cri_ok ExecSync "{\"containerId\": \"$id\", \"cmd\": [\"hostname\"]}"
    assert_equal "$(jq -r '.stdout | @base64d' <<<"$output")" "$(hostname)" "hostname (host network)"
    assert_equal "$(jq -r '.exitCode // 0' <<<"$output")" 0 "exit code"
}

@test "CRI ContainerStatus, ContainerStats: running, since when; its memory and cpu use" {
    local id
    id=$(recall c1)
    cri_ok ContainerStatus "{\"containerId\": \"$id\"}"
    assert_equal "$(jq -r '.status.state, .status.metadata.name' <<<"$output" | tr '\n' ' ')" \
        "CONTAINER_RUNNING c1 " "state, name"
    [ "$(jq -r .status.startedAt <<<"$output")" -gt 0 ] || fail "no start time: $output"
    cri_ok ContainerStats "{\"containerId\": \"$id\"}"
    local mem cpu
    mem=$(jq -r '.stats.memory.workingSetBytes.value // 0' <<<"$output")
    cpu=$(jq -r '.stats.cpu.usageCoreNanoSeconds.value // 0' <<<"$output")
    [ "$mem" -gt 0 ] && [ "$cpu" -gt 0 ] || fail "memory $mem, cpu $cpu in: $output"
}

@test "CRI: a container's memory limit is seen inside it; StopContainer, RemoveContainer" {
    cri_ok CreateContainer "$(container_request limited 'while :; do sleep 1; done' 33554432)"
    local id
    id=$(jq -r .containerId <<<"$output")
    cri_ok StartContainer "{\"containerId\": \"$id\"}"
    cri_ok ExecSync "{\"containerId\": \"$id\", \"cmd\": [\"sh\", \"-c\", \"cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max\"]}"
    assert_equal "$(jq -r '.stdout | @base64d' <<<"$output")" 33554432 "memory limit inside"
    cri_ok StopContainer "{\"containerId\": \"$id\", \"timeout\": 1}"
    cri_ok RemoveContainer "{\"containerId\": \"$id\"}"
    cri ContainerStatus "{\"containerId\": \"$id\"}"
    assert_failure
    [[ $stderr == NOT_FOUND* ]] || fail "ContainerStatus of a removed container: $stderr"
    ! hull_cri_ids | grep -qx "$id" || fail "hull still has $id"
}

@test "CRI StopContainer: SIGTERM stops it gracefully (exit code 0); RemoveContainer: gone from CRI and hull" {
    local id
    id=$(recall c1)
    cri_ok StopContainer "{\"containerId\": \"$id\", \"timeout\": 10}"
    cri_ok ContainerStatus "{\"containerId\": \"$id\"}"
    assert_equal "$(jq -r '.status.state, .status.exitCode // 0' <<<"$output" | tr '\n' ' ')" \
        "CONTAINER_EXITED 0 " "state, exit code"
    cri_ok RemoveContainer "{\"containerId\": \"$id\"}"
    cri_ok ListContainers
    assert_equal "$(jq -r '.containers // [] | length' <<<"$output")" 0 "CRI's containers"
    assert_equal "$(hull_cri_ids)" "$(recall pod)" "hull's containers"
}

@test "CRI StopPodSandbox, RemovePodSandbox: nothing is left in hull, nor in the pod's cgroup" {
    local pod
    pod=$(recall pod)
    cri_ok StopPodSandbox "{\"podSandboxId\": \"$pod\"}"
    cri_ok PodSandboxStatus "{\"podSandboxId\": \"$pod\"}"
    assert_equal "$(jq -r .status.state <<<"$output")" SANDBOX_NOTREADY state
    cri_ok RemovePodSandbox "{\"podSandboxId\": \"$pod\"}"
    cri_ok ListPodSandbox
    assert_equal "$(jq -r '.items // [] | length' <<<"$output")" 0 "CRI's pods"
    assert_equal "$(hull_cri_ids)" "" "hull's containers"
    local cg
    cg=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d -path "*/$ENGINE_CGROUP/pod1/*")
    assert_equal "$cg" "" "cgroups of the pod's containers"
}

@test "CRI RunPodSandbox with an unknown runtime handler is refused, and nothing is made" {
    cri RunPodSandbox "$(jq -n --argjson c "$(pod_config)" '{config: $c, runtimeHandler: "no-such-handler"}')"
    assert_failure
    assert_match "$stderr" 'no-such-handler' "error"
    cri_ok ListPodSandbox
    assert_equal "$(jq -r '.items // [] | length' <<<"$output")" 0 "CRI's pods"
}

@test "CRI: once containerd stops, nothing of the suite is left (processes, mounts, cgroups, netdevs)" {
    daemon_kill containerd TERM
    assert_nothing_left
}
