# Shared by the compatibility runners (tests/compat/run-*): expected failures, TAP output,
# timeouts and the summary line.

say() { printf '# %s\n' "$*"; }

# load_xfail FILE: XFAIL[id]=reason for each line "ID # REASON" (blank lines and lines
# starting with # are comments).
declare -A XFAIL=()
load_xfail() {
    local line id reason
    [ -f "$1" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in '' | '#'*) continue ;; esac
        id=${line%% # *}
        reason=${line#* # }
        [ "$id" != "$line" ] || { echo "$1: no ' # reason' in: $line" >&2; exit 2; }
        XFAIL[$id]=$reason
    done <"$1"
}

# Counters of the suite, and the TAP number of the next result.
n_pass=0 n_fail=0 n_skip=0 n_xfail=0 n_xpass=0 tap_n=0
unexpected=()
xpassed=()

# result ok|fail|skip ID [DETAIL] [MS]: one TAP line, counted; a failure listed in the
# xfail file is expected (TODO), a listed test that passes is reported.
result() {
    local kind=$1 id=$2 detail=${3:-} ms=${4:-}
    local timing=${ms:+ in ${ms}ms}
    tap_n=$((tap_n + 1))
    case "$kind" in
        ok)
            n_pass=$((n_pass + 1))
            if [ -n "${XFAIL[$id]+x}" ]; then
                n_xpass=$((n_xpass + 1))
                xpassed+=("$id")
                echo "ok $tap_n $id$timing # listed in the xfail file but passed: remove it"
            else
                echo "ok $tap_n $id$timing"
            fi
            ;;
        skip)
            n_skip=$((n_skip + 1))
            echo "ok $tap_n $id # skip ${detail}"
            ;;
        fail)
            n_fail=$((n_fail + 1))
            if [ -n "${XFAIL[$id]+x}" ]; then
                n_xfail=$((n_xfail + 1))
                echo "not ok $tap_n $id$timing # TODO expected: ${XFAIL[$id]}"
            else
                unexpected+=("$id")
                echo "not ok $tap_n $id$timing"
                [ -z "$detail" ] || sed 's/^/# /' <<<"$detail"
            fi
            ;;
    esac
    [ -z "$ms" ] || printf '%s\t%s\n' "$ms" "$id" >>"$TIMINGS"
}

# summary SUITE: the suite's line, the unexpected failures; status 1 if there are any.
summary() {
    local id
    echo "$1: $n_pass passed, $n_fail failed, $n_skip skipped" \
        "($n_xfail expected failures, ${#unexpected[@]} unexpected; $n_xpass listed in the xfail file passed)"
    for id in "${xpassed[@]}"; do
        echo "# $1: passed although listed in the xfail file (remove it): $id"
    done
    for id in "${unexpected[@]}"; do
        echo "# $1: UNEXPECTED FAILURE: $id"
    done
    [ ${#unexpected[@]} -eq 0 ]
}

# slowest N: the N slowest tests of the run (TIMINGS: "ms<TAB>id" lines).
slowest() {
    [ -s "$TIMINGS" ] || return 0
    echo "# slowest:"
    sort -rn "$TIMINGS" | head -n "$1" | awk -F'\t' '{ printf "#   %6.1f s  %s\n", $1 / 1000, $2 }'
}

# own_cgroup DIR: a cgroup v2 directory for one job, so that everything it starts (the
# suites' helpers double-fork out of reach) can be killed afterwards. Empty when the host
# has no cgroup2 hierarchy.
cgroup2_root() {
    local m
    for m in /sys/fs/cgroup/unified /sys/fs/cgroup; do
        [ "$(stat -f -c %T "$m" 2>/dev/null)" = cgroup2fs ] && { echo "$m"; return; }
    done
}

# kill_cgroup DIR: every process in the cgroup DIR (and below), then DIR.
kill_cgroup() {
    local dir=$1 pid
    [ -d "$dir" ] || return 0
    if [ -e "$dir/cgroup.kill" ]; then
        echo 1 >"$dir/cgroup.kill" 2>/dev/null || true
    else
        for pid in $(cat "$dir"/cgroup.procs "$dir"/*/cgroup.procs 2>/dev/null); do
            kill -9 "$pid" 2>/dev/null || true
        done
    fi
    for _ in $(seq 50); do
        find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
        [ -d "$dir" ] || return 0
        sleep 0.1
    done
}

# kill_matching PATTERN: processes whose command line contains PATTERN (the job's own
# temporary directory), where there is no cgroup2 to find them by.
kill_matching() {
    local p cmd
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = "$$" ] && continue
        cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)
        [[ $cmd == *"$1"* ]] && kill -9 "${p#/proc/}" 2>/dev/null
    done
    return 0
}

# umount_under DIR: whatever is still mounted below DIR, deepest first.
umount_under() {
    local m
    findmnt -rn -o TARGET | grep -F "$1/" | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null || true
    done
}
