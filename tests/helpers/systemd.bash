# shellcheck shell=bash
# SC2034: $status and $output are for the tests; SC2016: sh -c scripts in single quotes.
# shellcheck disable=SC2034,SC2016
# The systemd container of tests/systemd.bats and tests/systemd_v2.bats: Debian's systemd
# as PID 1 of a container that hull makes, and hull run inside it (see tests/systemd.bats).
# SD_LAUNCH: a command the host's hull runs through (tests/helpers/in-cgroup2 for the v2
# layout), or empty.

SD_ID=sd

# outer_hull ARGS...: hull on the host, for the systemd container (through $SD_LAUNCH, a
# command that sets up the cgroup layout hull sees, when set).
outer_hull() {
    timeout -k 5 60 ${SD_LAUNCH:+"$SD_LAUNCH"} "$HULL" --root "$BATS_FILE_TMPDIR/sd-root" "$@"
}

# in_sd CMD...: run CMD as root inside the systemd container.
in_sd() {
    outer_hull exec "$SD_ID" "$@"
}

# The hull binary inside (a copy in the test run's directory, which is bound there).
sd_hull_bin() { printf '%s/hull' "$BATS_FILE_TMPDIR"; }

# sd_hull ARGS...: hull inside the systemd container, with a --root of its own there.
sd_hull() {
    in_sd "$(sd_hull_bin)" --root /run/hull-sd "$@"
}

# run_sd_hull_detached ARGS...: sd_hull for create and run -d, whose container would
# otherwise hold bats' output pipe; sets $status and $output.
run_sd_hull_detached() {
    local out=$BATS_TEST_TMPDIR/sd-hull.out
    status=0
    sd_hull "$@" </dev/null >"$out" 2>&1 || status=$?
    output=$(cat "$out")
}

# The unit property P of unit U, as systemctl shows it.
unit_prop() {
    in_sd systemctl show -p "$2" --value "$1"
}

# make_sd_bundle DIR: the systemd container's bundle (see tests/systemd.bats).
make_sd_bundle() {
    local b=$1 rootfs=$1/rootfs d
    mkdir -p "$rootfs"/{usr,etc,proc,sys,dev,run,tmp,var,hull-units}
    printf '[Unit]\nDescription=hull systemd driver tests\n' >"$rootfs/hull-units/hull-test.target"
    local mounts='[]'
    for d in bin sbin lib lib32 lib64 libx32; do
        if [ -L "/$d" ]; then
            ln -s "$(readlink "/$d")" "$rootfs/$d"
        elif [ -d "/$d" ]; then
            mkdir "$rootfs/$d"
            mounts=$(jq -c --arg d "/$d" '. + [{destination: $d, type: "bind", source: $d, options: ["rbind", "ro"]}]' <<<"$mounts")
        fi
    done
    # runc's default spec, plus a cgroup namespace: systemd must see its cgroup as the root.
    "$HULL" spec --bundle "$b"
    local caps
    caps=$("$HULL" features | jq -c --arg bnd "$(grep CapBnd /proc/self/status | cut -f2)" '
        ($bnd | ascii_downcase | explode | map(if . >= 97 then . - 87 else . - 48 end)
         | reduce .[] as $x (0; . * 16 + $x)) as $mask
        | [.linux.capabilities | to_entries[] | select(.key < 53)
           | select(($mask / pow(2; .key) | floor) % 2 == 1) | .value]')
    jq --argjson caps "$caps" --argjson extra "$mounts" --arg run "$BATS_RUN_TMPDIR" '
        .process.args = ["/lib/systemd/systemd", "--unit=hull-test.target"]
        | .process.env += ["container=hull", "SYSTEMD_UNIT_PATH=/hull-units"]
        | .process.terminal = false
        | .process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps}
        | .root.readonly = false
        | .linux.namespaces |= (map(select(.type != "cgroup")) + [{type: "cgroup"}])
        | .linux.maskedPaths = [] | .linux.readonlyPaths = []
        | del(.linux.seccomp)
        | .mounts |= map(if .type == "cgroup" then .options = ["nosuid", "noexec", "nodev", "rw"] else . end)
        | .mounts += $extra + [
            {destination: "/usr", type: "bind", source: "/usr", options: ["rbind", "ro"]},
            {destination: "/etc", type: "bind", source: "/etc", options: ["rbind", "ro"]},
            {destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=755"]},
            {destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]},
            {destination: "/var", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]},
            {destination: $run, type: "bind", source: $run, options: ["rbind", "rw"]}]' \
        "$b/config.json" >"$b/config.json.new"
    mv "$b/config.json.new" "$b/config.json"
}

# systemd_setup_file: boot systemd in its container; fails unless it comes up.
systemd_setup_file() {
    [ -x /lib/systemd/systemd ] || fail "systemd is not installed (apt-get install systemd)"
    cp "$HULL" "$(sd_hull_bin)"
    local b=$BATS_FILE_TMPDIR/sd-bundle log=$BATS_FILE_TMPDIR/sd.log
    make_sd_bundle "$b"
    outer_hull run -d --bundle "$b" "$SD_ID" </dev/null >"$log" 2>&1 ||
        fail "the systemd container did not start: $(cat "$log")"
    local state=''
    for _ in $(seq 100); do
        state=$(in_sd systemctl is-system-running 2>/dev/null) || true
        case $state in running | degraded) break ;; esac
        sleep 0.2
    done
    case $state in
    running | degraded) ;;
    *) fail "systemd did not come up in the container in 20 s: is-system-running says '$state'; its output: $(cat "$log")" ;;
    esac
}

systemd_teardown_file() {
    outer_hull delete -f "$SD_ID" || true
}

# systemd_teardown: the containers a test left inside, then the usual teardown.
systemd_teardown() {
    local id
    for id in $(sd_hull list -q 2>/dev/null); do
        sd_hull delete -f "$id" >/dev/null 2>&1 || true
    done
    common_teardown
}

