# shellcheck shell=bash
# Helpers of the cgroup suites (tests/cgroups.bats, tests/cgroups_v2.bats): where the
# host mounts its hierarchies and where a container's cgroup is, read from the host's
# own /proc, not from hull.  A hierarchy is named as /proc/self/cgroup and state.json
# name it: "memory", "cpu,cpuacct", "name=systemd", and "unified" for cgroup v2.
#
# SC2016: awk programs are single-quoted on purpose.
# shellcheck disable=SC2016

# hier_mount HIER: where hierarchy HIER is mounted here (empty if it is not).
hier_mount() {
    local key=$1
    if [ "$key" = unified ]; then
        awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo
        return
    fi
    awk -v k="$key" '{
        for (i = 7; $i != "-"; i++);
        if ($(i + 1) != "cgroup") next
        n = split(k, want, ","); opts = "," $(i + 3) ","
        for (j = 1; j <= n; j++) if (index(opts, "," want[j] ",") == 0) next
        print $5; exit
    }' /proc/self/mountinfo
}

# host_hierarchies: the hierarchies this process is in that are mounted here.
host_hierarchies() {
    local line key
    while IFS= read -r line; do
        key=${line#*:}
        key=${key%%:*}
        [ -n "$key" ] || key=unified
        [ -z "$(hier_mount "$key")" ] || echo "$key"
    done </proc/self/cgroup
}

# host_mode: v1, v2 or hybrid.
host_mode() {
    local v1=0 v2=0 hier
    for hier in $(host_hierarchies); do
        if [ "$hier" = unified ]; then v2=1; else v1=1; fi
    done
    case $v1$v2 in
        11) echo hybrid ;;
        10) echo v1 ;;
        01) echo v2 ;;
        *) echo none ;;
    esac
}

# ctrl_hier CTRL: the hierarchy holding controller CTRL (v1 name): a v1 one, else
# unified when its cgroup.controllers lists it (blkio is "io" there).  Empty if none.
ctrl_hier() {
    local ctrl=$1 hier v2name
    for hier in $(host_hierarchies); do
        case ",$hier," in *",$ctrl,"*) echo "$hier"; return ;; esac
    done
    v2name=$ctrl
    [ "$ctrl" = blkio ] && v2name=io
    hier=$(hier_mount unified)
    if [ -n "$hier" ] && grep -qw "$v2name" "$hier/cgroup.controllers"; then
        echo unified
    fi
}

host_has_controller() {
    [ -n "$(ctrl_hier "$1")" ]
}

# release_unmounted_hierarchy CONTROLLERS: a v1 hierarchy that a test mounted in a private
# mount namespace and gave a cgroup outlives its last mount when that cgroup was still
# dying at the unmount: it stays in every process's /proc/self/cgroup, mounted nowhere
# (containerd's shim then reads no metrics, for one).  A mount and unmount once it is
# empty releases it.
release_unmounted_hierarchy() {
    local ctrls=$1 mnt tries=50
    grep -q ":$ctrls:" /proc/self/cgroup || return 0
    mnt=$(mktemp -d)
    while grep -q ":$ctrls:" /proc/self/cgroup && [ $((tries -= 1)) -gt 0 ]; do
        mount -t cgroup -o "$ctrls" none "$mnt" 2>/dev/null && umount "$mnt"
        sleep 0.1
    done
    rmdir "$mnt"
    ! grep -q ":$ctrls:" /proc/self/cgroup || fail "the $ctrls hierarchy lingers, mounted nowhere"
}

# needs_controller CTRL: skip the test on a host without that controller.
needs_controller() {
    host_has_controller "$1" || skip "this host has no $1 controller"
}

# proc_cgroup PID HIER: the cgroup of process PID in hierarchy HIER.
proc_cgroup() {
    local want=$2
    [ "$want" = unified ] && want=
    awk -F: -v k="$want" '$2 == k { sub(/^[^:]*:[^:]*:/, ""); print; exit }' "/proc/$1/cgroup"
}

# cg_dir HIER ID: the directory of container ID's cgroup in hierarchy HIER (from the
# path its state.json records).
cg_dir() {
    local path
    path=$(jq -r --arg h "$1" '.hull.cgroups[$h].path' "$ROOT/$2/state.json")
    echo "$(hier_mount "$1")$path"
}

# ctrl_dir ID CTRL: the directory of container ID's cgroup for controller CTRL.
ctrl_dir() {
    cg_dir "$(ctrl_hier "$2")" "$1"
}

# list_all_cgroups: every cgroup of every hierarchy mounted here, as HIER:PATH.
list_all_cgroups() {
    local hier mnt
    for hier in $(host_hierarchies); do
        mnt=$(hier_mount "$hier")
        find "$mnt" -type d | sed "s|^$mnt|$hier:|"
    done | sort
}

# root_hash: the hash hull gives $ROOT in default cgroup paths (FNV-1a, 32 bits).
root_hash() {
    local h=2166136261 i c
    for ((i = 0; i < ${#ROOT}; i++)); do
        printf -v c '%d' "'${ROOT:i:1}"
        h=$((((h ^ c) * 16777619) & 0xffffffff))
    done
    printf '%08x\n' "$h"
}

# assert_no_cgroup ID: no cgroup of container ID (at the default /hull/HASH/ID of this
# test's $ROOT) in any hierarchy.
assert_no_cgroup() {
    local left
    left=$(list_all_cgroups | grep -E "/$(root_hash)/$1(/|$)" || true)
    [ -z "$left" ] || fail "cgroups of $1 left: $left"
}

# make_loop_device: attach an 8 MiB file to a free loop device and print its path
# (detached again by cgroups_teardown).
make_loop_device() {
    local file=$BATS_TEST_TMPDIR/loop.img dev
    truncate -s 8M "$file"
    dev=$(losetup -f --show "$file") || fail "losetup failed"
    echo "$dev" >>"$BATS_TEST_TMPDIR/loop-devices"
    echo "$dev"
}

# reserve_huge_pages N: make the kernel hold N 2 MiB huge pages for the test.
reserve_huge_pages() {
    local f=/proc/sys/vm/nr_hugepages
    [ -e "$BATS_TEST_TMPDIR/nr_hugepages" ] || cat "$f" >"$BATS_TEST_TMPDIR/nr_hugepages"
    echo "$1" >"$f"
    [ "$(cat "$f")" -ge "$1" ] || skip "the kernel could not reserve $1 huge pages"
}

cgroups_teardown() {
    local dev
    if [ -e "$BATS_TEST_TMPDIR/loop-devices" ]; then
        while read -r dev; do
            losetup -d "$dev" 2>/dev/null || true
        done <"$BATS_TEST_TMPDIR/loop-devices"
    fi
    if [ -e "$BATS_TEST_TMPDIR/nr_hugepages" ]; then
        cat "$BATS_TEST_TMPDIR/nr_hugepages" >/proc/sys/vm/nr_hugepages
    fi
    # The explicit cgroupsPaths of the tests, should a failing test leave them.
    local hier mnt
    for hier in $(host_hierarchies); do
        mnt=$(hier_mount "$hier")
        rmdir "$mnt"/hulltest-abs/* "$mnt"/hulltest-abs "$mnt$(proc_cgroup $$ "$hier")"/hulltest-rel \
            "$mnt"/hulltest-rel 2>/dev/null || true
    done
}

# assert_hugetlb_limit_enforced: with hugepageLimits of one 2 MB page, the container maps
# one huge page and fails to map two.
assert_hugetlb_limit_enforced() {
    reserve_huge_pages 4
    jq_edit '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 2097152}]'
    set_args sh -c 'hullcheck hugetlb 1; hullcheck hugetlb 2; true'
    run_container c1
    assert_success
    assert_output "ok
mmap: ENOMEM"
}
