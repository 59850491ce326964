# shellcheck shell=bash
# Shared helpers for hull's bats suites. Each .bats file does `load helpers/common`.
#
# Every test gets its own state directory ($ROOT, passed as --root) and bundle ($BUNDLE)
# under $BATS_TEST_TMPDIR, so tests never see each other; teardown force-deletes every
# container left in $ROOT and kills anything still running from the test's directory.
#
# SC2016: jq filters are single-quoted on purpose; SC2034: variables the .bats files use.
# shellcheck disable=SC2016,SC2034,SC2119,SC2120

bats_require_minimum_version 1.5.0

: "${TESTS_DIR:=$(cd "$BATS_TEST_DIRNAME" && pwd)}"
: "${HULL:=$TESTS_DIR/../hull}"
: "${HULLCHECK:=$TESTS_DIR/helpers/hullcheck}"
: "${SPEC_DIR:=$TESTS_DIR/../../shared/runtime-spec}"
# Seconds any single hull invocation may take before the test gives up on it.
: "${HULL_TEST_TIMEOUT:=30}"
export HULL HULLCHECK SPEC_DIR TESTS_DIR

MKBUNDLE=$TESTS_DIR/helpers/mkbundle.sh

# ---- setup / teardown --------------------------------------------------------------

common_setup() {
    [ -x "$HULL" ] || fail "HULL ($HULL) is not an executable: build it first (make)"
    [ -x "$HULLCHECK" ] || fail "HULLCHECK ($HULLCHECK) is not built (make tests/helpers/hullcheck)"
    ROOT=$BATS_TEST_TMPDIR/root
    BUNDLE=$BATS_TEST_TMPDIR/bundle
    CONFIG=$BUNDLE/config.json
    make_bundle
}

common_teardown() {
    cd /
    local id
    if [ -d "$ROOT" ]; then
        for id in $(hull list -q 2>/dev/null); do
            hull delete -f "$id" >/dev/null 2>&1 || true
        done
    fi
    # Safety net: nothing started by this test may outlive it.
    local pid
    for pid in $(pids_in_dir "$BATS_TEST_TMPDIR"); do
        kill -9 "$pid" 2>/dev/null || true
    done
    unmount_under "$BATS_TEST_TMPDIR"
}

setup() { common_setup; }
teardown() { common_teardown; }

# ---- assertions (they print what they saw, since bats only shows the failing line) --

fail() {
    printf '%s\n' "$*" >&2
    return 1
}

_show_run() {
    printf 'status: %s\n' "${status-}" >&2
    printf 'output:\n%s\n' "${output-}" >&2
    [ -z "${stderr-}" ] || printf 'stderr:\n%s\n' "$stderr" >&2
}

assert_success() {
    [ "$status" -eq 0 ] && return 0
    _show_run
    fail "expected success, got exit status $status"
}

# assert_failure [N]: non-zero exit, or exactly N.
assert_failure() {
    if [ $# -eq 0 ]; then
        [ "$status" -ne 0 ] && return 0
        _show_run
        fail "expected failure, got exit status 0"
    else
        [ "$status" -eq "$1" ] && return 0
        _show_run
        fail "expected exit status $1, got $status"
    fi
}

# assert_equal ACTUAL EXPECTED [WHAT]
assert_equal() {
    [ "$1" = "$2" ] && return 0
    fail "${3:-value} differs: expected '$2', got '$1'"
}

assert_not_equal() {
    [ "$1" != "$2" ] && return 0
    fail "${3:-value} should differ from '$2' but is equal"
}

# assert_output TEXT: $output is exactly TEXT.
assert_output() {
    [ "$output" = "$1" ] && return 0
    _show_run
    fail "expected output '$1'"
}

# assert_output_contains TEXT: substring of $output (plus $stderr when --separate-stderr was used).
assert_output_contains() {
    case "$output${stderr:+
$stderr}" in
        *"$1"*) return 0 ;;
    esac
    _show_run
    fail "expected output to contain '$1'"
}

refute_output_contains() {
    case "$output" in
        *"$1"*) _show_run; fail "output should not contain '$1'" ;;
    esac
    return 0
}

# assert_match STRING ERE [WHAT]
assert_match() {
    [[ $1 =~ $2 ]] && return 0
    fail "${3:-value} '$1' does not match /$2/"
}

# ---- running hull ----------------------------------------------------------------------

# hull ARGS...: the runtime with this test's --root, bounded in time.
hull() {
    timeout -k 5 "$HULL_TEST_TIMEOUT" "$HULL" --root "$ROOT" "$@"
}

# hull_with_signals_off ARGS...: hull as a CI runner or a shell's background job may start
# it, with signals ignored and blocked (both survive execve).
hull_with_signals_off() {
    timeout -k 5 "$HULL_TEST_TIMEOUT" env --ignore-signal=HUP,INT,QUIT,PIPE,TERM,USR1 \
        --block-signal=TERM,USR2,CHLD "$HULL" --root "$ROOT" "$@"
}

# The signal state of a process that ignores and blocks nothing, as /proc/PID/status
# shows it (grep -E '^Sig(Blk|Ign):').
NO_SIGNALS_OFF=$'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000'

# in_script CMD: run the shell command CMD under script(1), i.e. with a real terminal as
# stdin/stdout; stdin of script is $SCRIPT_INPUT (default: nothing).
in_script() {
    run script -qec "$1" /dev/null <<<"${SCRIPT_INPUT-}"
}

# hull_cmd: the hull command line for use inside in_script. --foreground: timeout would
# otherwise run hull in a process group of its own, a background job of script's
# terminal, which job control stops (SIGTTOU) when hull sets that terminal raw.
hull_cmd() {
    printf 'timeout --foreground -k 5 %s %q --root %q' "$HULL_TEST_TIMEOUT" "$HULL" "$ROOT"
}

# run_hull ARGS...: `run` of hull, stdout and stderr merged in $output ($stderr cleared, so
# assert_output_contains never matches a previous command's stderr).
run_hull() {
    stderr=
    run hull "$@"
}

# run_hull_detached ARGS...: for commands that leave a container process behind (create,
# run -d). Its stdio goes to files rather than to bats' pipes (a container holding the
# pipe would make `run` wait for it). Sets $status, $output (stdout then stderr, as hull
# left them when it returned) and $stderr.
run_hull_detached() {
    local out err
    out=$(mktemp "$BATS_TEST_TMPDIR/hull-out.XXXXXX")
    err=$(mktemp "$BATS_TEST_TMPDIR/hull-err.XXXXXX")
    status=0
    hull "$@" </dev/null >"$out" 2>"$err" || status=$?
    stderr=$(cat "$err")
    output=$(cat "$out" "$err")
}

# create_container ID [create options]: `create` of $BUNDLE, asserting it worked.
create_container() {
    local id=$1
    shift
    run_hull_detached create --bundle "$BUNDLE" "$@" "$id"
    assert_success
}

# start_detached ID: create + start of $BUNDLE (the process must keep running on its own).
start_detached() {
    create_container "$1"
    run_hull start "$1"
    assert_success
}

# run_container ID: foreground `run` of $BUNDLE; the container's stdout is $output,
# hull's own messages (and the container's stderr) are in $stderr.
run_container() {
    run --separate-stderr hull run --bundle "$BUNDLE" "$1"
}

# in_container CMD...: set the args and run a container named c1 in the foreground.
in_container() {
    set_args "$@"
    run_container c1
}

# container_state ID: prints the status field.
container_state() {
    hull state "$1" | jq -r .status
}

container_pid() {
    hull state "$1" | jq -r .pid
}

# wait_status ID STATUS [SECONDS]: poll `state` until STATUS (default 10 s).
wait_status() {
    local id=$1 want=$2 tries=$((${3:-10} * 10)) got=
    while [ "$tries" -gt 0 ]; do
        got=$(container_state "$id" 2>/dev/null) || got=
        [ "$got" = "$want" ] && return 0
        sleep 0.1
        tries=$((tries - 1))
    done
    fail "container $id: status '$got', expected '$want'"
}

# wait_gone PID [SECONDS]: wait until the process no longer exists (zombies count as gone).
wait_gone() {
    local pid=$1 tries=$((${2:-10} * 10))
    while [ "$tries" -gt 0 ]; do
        if [ ! -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
        tries=$((tries - 1))
    done
    fail "process $pid is still alive"
}

# wait_file PATH [SECONDS]: wait until PATH exists and is non-empty.
wait_file() {
    local f=$1 tries=$((${2:-10} * 10))
    while [ "$tries" -gt 0 ]; do
        [ -s "$f" ] && return 0
        sleep 0.1
        tries=$((tries - 1))
    done
    fail "$f did not appear"
}

# ---- bundles ------------------------------------------------------------------------

# make_bundle [DIR]: a fresh bundle (default $BUNDLE), copied from a template built once
# per bats run with mkbundle.sh. config.json is `hull spec --no-terminal` with process.args ["sh"].
make_bundle() {
    local dir=${1:-$BUNDLE}
    local template=$BATS_RUN_TMPDIR/bundle-template
    if [ ! -e "$template/.done" ]; then
        rm -rf "$template"
        "$MKBUNDLE" "$template" || fail "mkbundle.sh failed"
        touch "$template/.done"
    fi
    mkdir -p "$dir"
    cp -a "$template/rootfs" "$dir/rootfs"
    cp "$template/config.json" "$dir/config.json"
}

# jq_edit FILTER [jq options...]: edit $BUNDLE/config.json in place.
jq_edit() {
    local filter=$1 tmp
    shift
    tmp=$(mktemp "$BUNDLE/.config.XXXXXX")
    jq "$filter" "$@" <"$BUNDLE/config.json" >"$tmp" || { rm -f "$tmp"; fail "jq_edit: failed: $filter"; }
    mv "$tmp" "$BUNDLE/config.json"
}

# json_array STRING...: a JSON array of the strings. (Not jq --args: jq would still take
# strings such as "-c" for its own options.)
json_array() {
    local i=0 item args=()
    for item in "$@"; do
        args+=(--arg "a$i" "$item")
        i=$((i + 1))
    done
    jq -nc "${args[@]}" --argjson n "$i" '[range($n) as $i | $ARGS.named["a\($i)"]]'
}

# set_args ARGS...: process.args = ARGS.
set_args() {
    jq_edit '.process.args = $a' --argjson a "$(json_array "$@")"
}

# add_mount DEST TYPE SOURCE [OPTION...]
add_mount() {
    add_mount_with jq_edit "$@"
}

# add_mount_with EDITOR DEST TYPE SOURCE [OPTION...]: the same through EDITOR, a function
# taking jq_edit's arguments (for a config.json other than $BUNDLE's).
add_mount_with() {
    local edit=$1 dest=$2 type=$3 source=$4
    shift 4
    "$edit" '.mounts += [{destination: $d, type: $t, source: $s, options: $o}]' \
        --arg d "$dest" --arg t "$type" --arg s "$source" --argjson o "$(json_array "$@")"
}

# add_namespace TYPE [PATH]: add (or replace) a namespace entry.
add_namespace() {
    local type=$1 path=${2:-}
    if [ -n "$path" ]; then
        jq_edit '.linux.namespaces = ([.linux.namespaces[]? | select(.type != $t)] + [{type: $t, path: $p}])' \
            --arg t "$type" --arg p "$path"
    else
        jq_edit '.linux.namespaces = ([.linux.namespaces[]? | select(.type != $t)] + [{type: $t}])' \
            --arg t "$type"
    fi
}

remove_namespace() {
    jq_edit '.linux.namespaces = [.linux.namespaces[]? | select(.type != $t)]' --arg t "$1"
}

# enable_userns: a user namespace mapping container 0..65535 to host 100000..165535.
# Opens the per-run temp dir so that the mapped root can reach the bundle.
USERNS_HOST_ID=100000
enable_userns() {
    add_namespace user
    jq_edit '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
           | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
    chmod a+x "$BATS_RUN_TMPDIR" "$BATS_RUN_TMPDIR/test" "$BATS_TEST_TMPDIR"
}

# ---- host inspection ------------------------------------------------------------------

# host_ns TYPE: the host's namespace of TYPE, as readlink prints it (e.g. "net:[4026531840]").
host_ns() {
    readlink "/proc/$$/ns/$1"
}

# ancestors: this shell and its ancestors (their cwd may well be in the test's directory).
ancestors() {
    local pid=$BASHPID
    while [ "$pid" -gt 1 ]; do
        echo "$pid"
        pid=$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null) || break
    done
}

# pids_in_dir DIR: processes whose root or cwd lies under DIR (containers of this test),
# other than the test itself. (One find, not a readlink per process: this runs often.)
pids_in_dir() (
    # From /, so the pipeline's own processes do not match.
    cd /
    local self
    self=" $(ancestors | tr '\n' ' ') "
    find /proc/[0-9]*/root /proc/[0-9]*/cwd -maxdepth 0 -printf '%p\t%l\n' 2>/dev/null |
        awk -F'\t' -v d="$1/" 'index($2, d) == 1 { split($1, p, "/"); print p[3] }' |
        sort -un |
        while read -r pid; do
            [[ $self == *" $pid "* ]] || echo "$pid"
        done
)

# mounts_under DIR: host mount points under DIR.
mounts_under() {
    awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo
}

unmount_under() {
    local m
    for m in $(mounts_under "$1" | sort -r); do
        umount -l "$m" 2>/dev/null || true
    done
}

mount_count() {
    wc -l </proc/self/mountinfo
}
