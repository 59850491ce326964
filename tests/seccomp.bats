#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2030,SC2031,SC2154
# (jq filters are single-quoted on purpose; $output/$stderr are set by bats' run.)
# linux.seccomp (config-linux.md "Seccomp"): every action, the argument operators with 64-bit
# values, architectures, flags, SCMP_ACT_NOTIFY with a listener, and the errors. Each test runs
# a real container; `hullcheck syscall NAME ARGS` makes the raw syscall and prints "ok RET",
# the errno name, or "SIGSYS syscall=NR" (TRAP); a killed process prints nothing.

load helpers/common

: "${SECCOMP_LISTENER:=$TESTS_DIR/helpers/seccomp_listener}"

# x86_64 syscall numbers used in the expectations.
NR_GETPRIORITY=140
NR_MKDIR=83
NR_RMDIR=84
# 128 + SIGSYS: what `hull run` exits with when the kernel kills the process for a syscall.
STATUS_SIGSYS=159

setup() {
    common_setup
    LISTENER_PID=
    # A killed process must not leave a core file in the rootfs. A writable rootfs, so that
    # a syscall the filter lets through would visibly work.
    jq_edit '.process.rlimits = [{type: "RLIMIT_CORE", hard: 0, soft: 0}] | .root.readonly = false'
}

teardown() {
    if [ -n "$LISTENER_PID" ]; then
        kill "$LISTENER_PID" 2>/dev/null || true
    fi
    common_teardown
}

# set_seccomp JSON: linux.seccomp = JSON.
set_seccomp() {
    jq_edit '.linux.seccomp = $s' --argjson s "$1"
}

# deny_with ACTION NAME [JSON fields of the rule]: defaultAction ALLOW, one rule.
deny_with() {
    local action=$1 name=$2 extra=${3:-"{}"}
    set_seccomp "$(jq -nc --arg a "$action" --arg n "$name" --argjson x "$extra" \
        '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: [$n], action: $a} + $x]}')"
}

# jq reads numbers as doubles and would round 64-bit values: configs write them as the
# string "U64:N", turned into the number N just before the container runs.
U64_PLACEHOLDER='"U64:([0-9]+)"'
exact_numbers() {
    sed -i -E "s/$U64_PLACEHOLDER/\\1/g" "$CONFIG"
}

# in_container CMD...: as common.bash's, with exact 64-bit numbers.
in_container() {
    set_args "$@"
    exact_numbers
    run_container c1
}

# in_sh SCRIPT: run a shell script in the container (foreground).
in_sh() {
    in_container sh -c "$1"
}

# Seccomp audit records (type=1326) go to auditd's log when auditd runs, else to the kernel
# log, a ring that drops its oldest lines once full: a record is looked for after a mark (a
# line count, or the kernel log's last timestamp), never by counting all matches.

audit_by_auditd() {
    [ -r /var/log/audit/audit.log ] && pgrep -x auditd >/dev/null
}

# audit_mark: where the log stands now. Prints nothing if no log is readable.
audit_mark() {
    if audit_by_auditd; then
        wc -l </var/log/audit/audit.log
    elif dmesg >/dev/null 2>&1; then
        local last
        last=$(dmesg | tail -n 1 | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p')
        echo "${last:-0}"
    fi
}

# audit_new PATTERN MARK: how many records matching PATTERN came after MARK.
audit_new() {
    if audit_by_auditd; then
        tail -n +"$(($2 + 1))" /var/log/audit/audit.log | grep -c "type=SECCOMP.*$1" || true
    else
        dmesg | awk -v mark="$2" '{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); if (t + 0 > mark + 0) print }' |
            grep -c "type=1326.*$1" || true
    fi
}

# wait_audit PATTERN MARK: wait (up to 2 s) for a record matching PATTERN after MARK.
wait_audit() {
    local tries=20
    while [ "$tries" -gt 0 ]; do
        [ "$(audit_new "$1" "$2")" -gt 0 ] && return 0
        sleep 0.1
        tries=$((tries - 1))
    done
    return 1
}

# audited PATTERN SCRIPT: run SCRIPT in the container (in_sh) until the log has a new record
# matching PATTERN. Without auditd the kernel prints the records rate-limited (printk: 10 per
# 5 s), so a burst from earlier tests may swallow one: one more try after that window.
# $output and $status are those of the last run.
audited() {
    local try mark
    for try in 1 2; do
        mark=$(audit_mark)
        in_sh "$2"
        wait_audit "$1" "$mark" && return 0
        [ "$try" -eq 2 ] || sleep 5.5
    done
    fail "no new seccomp audit record matching '$1' after mark $mark"
}

# audit_readable: is there a log of seccomp records to look at?
audit_readable() {
    [ -n "$(audit_mark)" ]
}

# ---- actions -----------------------------------------------------------------------------

@test "ERRNO: the denied syscall returns errnoRet; the process is in seccomp filter mode" {
    deny_with SCMP_ACT_ERRNO mkdir '{"errnoRet": 95}'
    in_sh 'hullcheck syscall mkdir /tmp/d 0755; ls -d /tmp/d; grep "^Seccomp:" /proc/self/status; hullcheck syscall rmdir /bin'
    assert_equal "${lines[0]}" EOPNOTSUPP "mkdir"
    assert_equal "${lines[1]}" "$(printf 'Seccomp:\t2')" "seccomp mode"
    # Other syscalls run normally (rmdir of a non-empty directory fails on its own).
    assert_equal "${lines[2]}" ENOTEMPTY "rmdir"
    assert_output_contains "/tmp/d: No such file or directory"
}

@test "a syscall newer than every one the profile names gets ENOSYS, not the default action (as runc's)" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
        {"names": ["execve", "close", "arch_prctl", "brk", "mprotect", "mmap", "munmap", "newfstatat",
                   "fstat", "prlimit64", "readlink", "readlinkat", "rseq", "rt_sigaction",
                   "rt_sigprocmask", "set_robust_list", "set_tid_address", "getrandom", "write",
                   "exit", "exit_group", "getppid"],
         "action": "SCMP_ACT_ALLOW"}]}'
    # 1000: no syscall has that number yet; getpriority is older than rseq, the newest named.
    in_container hullcheck syscall 1000 0xDEADBEEF
    assert_output ENOSYS
    in_container hullcheck syscall getpriority 0 0
    assert_output EPERM
    in_container hullcheck syscall getppid
    assert_output "ok 0"
}

@test "ERRNO: without errnoRet the errno is EPERM" {
    deny_with SCMP_ACT_ERRNO mkdir
    in_container hullcheck syscall mkdir /tmp/d 0755
    assert_failure 1
    assert_output EPERM
}

@test "defaultAction ERRNO with defaultErrnoRet, and an allow list" {
    # What the static hullcheck needs to start, print and exit, and close, which hull's exec
    # trampoline needs to keep its report fd from the program (src/lib/trampoline.h).
    set_seccomp '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [
        {"names": ["execve", "close", "arch_prctl", "brk", "mprotect", "mmap", "munmap", "newfstatat",
                   "fstat", "prlimit64", "readlink", "readlinkat", "rseq", "rt_sigaction",
                   "rt_sigprocmask", "set_robust_list", "set_tid_address", "getrandom", "write",
                   "exit", "exit_group", "getppid"],
         "action": "SCMP_ACT_ALLOW"}]}'
    in_container hullcheck syscall getpriority 0 0
    assert_failure 1
    assert_output ENOSYS
    in_container hullcheck syscall getppid
    assert_success
    assert_output "ok 0"
}

@test "an allow list without close or fcntl: a clear error, not a leaked fd" {
    # hull's exec trampoline must keep its report fd (exec.fifo, a host file) from the
    # program: with neither fcntl nor close allowed it refuses to run it.
    set_seccomp '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [
        {"names": ["execve", "write", "exit", "exit_group"], "action": "SCMP_ACT_ALLOW"}]}'
    in_container hullcheck syscall getppid
    assert_failure
    assert_output_contains "the seccomp profile allows neither fcntl nor close"
}

@test "KILL, KILL_THREAD and KILL_PROCESS: the process dies of SIGSYS" {
    local action
    for action in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD SCMP_ACT_KILL_PROCESS; do
        deny_with "$action" getpriority
        in_sh 'echo before; hullcheck syscall getpriority 0 0; echo "after $?"'
        assert_equal "$output" "$(printf 'before\nafter %s' "$STATUS_SIGSYS")" "$action"
        # The process of the container itself.
        in_container hullcheck syscall getpriority 0 0
        assert_failure "$STATUS_SIGSYS"
        assert_output ""
    done
}

@test "TRAP: SIGSYS is delivered to the process, which can handle it" {
    deny_with SCMP_ACT_TRAP getpriority
    in_container hullcheck syscall getpriority 0 0
    assert_failure 1
    assert_output "SIGSYS syscall=$NR_GETPRIORITY"
}

@test "TRACE: without a tracer the syscall fails with ENOSYS" {
    deny_with SCMP_ACT_TRACE mkdir
    in_sh 'hullcheck syscall mkdir /tmp/d 0755; ls -d /tmp/d 2>&1'
    assert_equal "${lines[0]}" ENOSYS
    assert_output_contains "No such file or directory"
}

@test "ALLOW rules are no-ops under an ALLOW default; LOG lets the syscall run and logs it" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["getpriority"], "action": "SCMP_ACT_LOG"},
        {"names": ["getppid"], "action": "SCMP_ACT_ALLOW"}]}'
    local script='hullcheck syscall getpriority 0 0; hullcheck syscall getppid'
    if audit_readable; then
        audited "comm=\"hullcheck\".*syscall=$NR_GETPRIORITY .*code=0x7ffc0000" "$script"
    else
        echo "# neither the kernel log nor auditd's is readable: only the syscall is checked" >&3
        in_sh "$script"
    fi
    assert_success
    assert_match "${lines[0]}" "^ok [0-9]+$" "getpriority"
    assert_equal "${lines[1]}" "ok 0" "getppid"
}

@test "flags: SECCOMP_FILTER_FLAG_LOG logs ERRNO returns, which are not logged without it" {
    # The record shows the action (code=0x50000 for ERRNO), not the errno: tell the two runs
    # apart by their syscall, mkdir with the flag and rmdir without.
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG"],
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 77}]}'
    if ! audit_readable; then
        echo "# neither the kernel log nor auditd's is readable: only the syscall is checked" >&3
        in_sh 'hullcheck syscall mkdir /tmp/d 0755'
        assert_output EBADFD
        return 0
    fi
    audited "comm=\"hullcheck\".*syscall=$NR_MKDIR .*code=0x50000" 'hullcheck syscall mkdir /tmp/d 0755'
    assert_output EBADFD
    local without
    without=$(audit_mark)
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 77}]}'
    in_container hullcheck syscall rmdir /tmp
    assert_output EBADFD
    ! wait_audit "comm=\"hullcheck\".*syscall=$NR_RMDIR .*code=0x50000" "$without" ||
        fail "an ERRNO return was logged without SECCOMP_FILTER_FLAG_LOG"
}

@test "flags: TSYNC and SPEC_ALLOW load, and the filter still applies" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
        "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_LOG"],
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95}]}'
    in_container hullcheck syscall mkdir /tmp/d 0755
    assert_output EOPNOTSUPP
}

@test "flags: the ones features reports as supported all load" {
    local flags
    flags=$(hull features | jq -c '.linux.seccomp.supportedFlags')
    assert_match "$flags" "SECCOMP_FILTER_FLAG_LOG"
    set_seccomp "$(jq -nc --argjson f "$flags" '{defaultAction: "SCMP_ACT_ALLOW", flags: $f,
        syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: 95}]}')"
    in_container hullcheck syscall mkdir /tmp/d 0755
    assert_output EOPNOTSUPP
}

# ---- arguments -----------------------------------------------------------------------------

# umask_rule OP VALUE [VALUETWO]: umask(2) fails with EBADFD when its argument matches.
umask_rule() {
    local arg
    arg=$(jq -nc --arg op "$1" --arg v "U64:$2" --arg v2 "${3:+U64:$3}" \
        '{index: 0, value: $v, op: $op} + (if $v2 == "" then {} else {valueTwo: $v2} end)')
    set_seccomp "$(jq -nc --argjson a "$arg" '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [
        {names: ["umask"], action: "SCMP_ACT_ERRNO", errnoRet: 77, args: [$a]}]}')"
}

# umask_results VALUE...: one word per value, "deny" or "allow".
umask_results() {
    local script="" v
    for v in "$@"; do
        script="$script hullcheck syscall umask $v >/dev/null && echo allow || echo deny;"
    done
    in_sh "$script"
    assert_success
    echo "$output" | tr '\n' ' ' | sed 's/ $//'
}

@test "args: every operator compares the argument as the spec says" {
    local -A expect=(
        [SCMP_CMP_EQ]="allow deny allow"
        [SCMP_CMP_NE]="deny allow deny"
        [SCMP_CMP_LT]="deny allow allow"
        [SCMP_CMP_LE]="deny deny allow"
        [SCMP_CMP_GT]="allow allow deny"
        [SCMP_CMP_GE]="allow deny deny"
    )
    local op got
    for op in "${!expect[@]}"; do
        umask_rule "$op" 18
        got=$(umask_results 17 18 19)
        assert_equal "$got" "${expect[$op]}" "$op for 17 18 19"
    done
}

@test "args: SCMP_CMP_MASKED_EQ compares (arg & value) with valueTwo" {
    umask_rule SCMP_CMP_MASKED_EQ 7 2     # mask 007: deny when the "other" bits are exactly -w-
    assert_equal "$(umask_results 002 022 027 020)" "deny deny allow allow" "masked"
    # A 64-bit mask: only the upper half matters.
    umask_rule SCMP_CMP_MASKED_EQ 18446744069414584320 4294967296 # 0xffffffff00000000, 1<<32
    assert_equal "$(umask_results 0x100000012 0x12 0x200000012)" "deny allow allow" "64-bit mask"
}

@test "args: 64-bit values up to UINT64_MAX are compared in full" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"],
        "action": "SCMP_ACT_ERRNO", "errnoRet": 77,
        "args": [{"index": 0, "value": "U64:18446744073709551615", "op": "SCMP_CMP_EQ"}]}]}'
    # personality(0xffffffff) only queries; the kernel ignores the upper half, the filter not.
    in_sh 'hullcheck syscall personality 0xffffffff; hullcheck syscall personality 0xffffffffffffffff'
    grep -q '"value": *18446744073709551615,' "$CONFIG" || fail "config edit failed: $(grep value "$CONFIG")"
    assert_equal "${lines[0]}" "ok 0" "32-bit value"
    assert_equal "${lines[1]}" EBADFD "UINT64_MAX"
}

@test "args: the personality rule of common profiles (NE 0xffffffff) lets only the query through" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"],
        "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_NE"}]}]}'
    in_sh 'hullcheck syscall personality 0xffffffff; hullcheck syscall personality 8'
    assert_equal "${lines[0]}" "ok 0"
    assert_equal "${lines[1]}" EPERM
}

@test "args: two conditions on different arguments must both match" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getpriority"],
        "action": "SCMP_ACT_ERRNO", "errnoRet": 77,
        "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}]}'
    in_sh 'hullcheck syscall getpriority 0 0; hullcheck syscall getpriority 0 1; hullcheck syscall getpriority 2 0'
    assert_equal "${lines[0]}" EBADFD "0 0"
    assert_match "${lines[1]}" "^ok [0-9]+$" "0 1 (the process itself, pid 1 of its namespace)"
    assert_match "${lines[2]}" "^ok [0-9]+$" "2 0"
}

@test "args: two conditions on the same argument match either (as runc)" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["umask"],
        "action": "SCMP_ACT_ERRNO", "errnoRet": 77,
        "args": [{"index": 0, "value": 17, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 19, "op": "SCMP_CMP_EQ"}]}]}'
    assert_equal "$(umask_results 17 18 19)" "deny allow deny"
}

# ---- architectures ---------------------------------------------------------------------------

@test "architectures: x86, x86_64 and x32 load, and the rules apply to the i386 entry point too" {
    in_container hullcheck syscall-i386 20    # getpid through int 0x80, no filter
    if [ "$status" -ne 0 ]; then
        skip "this kernel has no i386 emulation (syscall-i386 said: $output)"
    fi
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
        "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32"],
        "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 77}]}'
    in_sh 'hullcheck syscall getpid; hullcheck syscall-i386 20; hullcheck syscall-i386 64'
    assert_equal "${lines[0]}" EBADFD "x86_64 getpid"
    assert_equal "${lines[1]}" EBADFD "i386 getpid"
    assert_match "${lines[2]}" "^ok [0-9]+$" "i386 getppid"
}

@test "architectures: an ABI left out of the list is killed (libseccomp's bad-arch action)" {
    in_container hullcheck syscall-i386 20
    if [ "$status" -ne 0 ]; then
        skip "this kernel has no i386 emulation (syscall-i386 said: $output)"
    fi
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 77}]}'
    in_container hullcheck syscall-i386 20
    assert_failure "$STATUS_SIGSYS"
}

@test "architectures: one this libseccomp does not know is refused with its path" {
    local arch
    arch=$(hull features | jq -r '["SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB"]
        - .linux.seccomp.archs | .[0] // empty')
    [ -n "$arch" ] || skip "this libseccomp knows every architecture of the spec"
    set_seccomp "$(jq -nc --arg a "$arch" '{defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", $a]}')"
    in_container true
    assert_failure
    assert_output_contains "linux.seccomp.architectures[1]: $arch is not known to this libseccomp"
}

# ---- when the filter is loaded -------------------------------------------------------------------

@test "the filter comes after set-up: syscalls hull needs for it may be denied to the program" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount", "umount2",
        "pivot_root", "sethostname", "chdir", "setresuid", "setresgid", "setgroups", "capset",
        "prctl", "fcntl", "close_range", "openat2", "keyctl", "mkdirat", "unshare", "setns"],
        "action": "SCMP_ACT_ERRNO", "errnoRet": 77}]}'
    jq_edit '.hostname = "filtered" | .process.cwd = "/tmp"'
    add_namespace uts
    in_container hullcheck syscall chdir /
    assert_failure 1
    assert_output EBADFD
}

# Older engines' default profiles (and runtime-tools') predate these calls: whatever hull
# makes once the filter is loaded must not need them (the fd clean-up is close_range).
OLDER_PROFILE_REFUSES='["close_range", "openat2", "clone3", "pidfd_open", "pidfd_send_signal", "pidfd_getfd"]'
NR_CLOSE_RANGE=436

# older_profile ERRNO: a profile refusing $OLDER_PROFILE_REFUSES with ERRNO.
older_profile() {
    set_seccomp "$(jq -nc --argjson calls "$OLDER_PROFILE_REFUSES" --argjson e "$1" \
        '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: $calls, action: "SCMP_ACT_ERRNO", errnoRet: $e}]}')"
}

@test "a profile refusing close_range, openat2, clone3 and pidfd_*: run and exec work, with and without noNewPrivileges" {
    local errno name nnp
    # The program sees the profile (close_range refused), and only fds 0, 1 and 2.
    local check="hullcheck fds; hullcheck syscall $NR_CLOSE_RANGE 3 3 0; echo done"
    for errno in 1 38; do
        older_profile "$errno"
        name=$([ "$errno" = 1 ] && echo EPERM || echo ENOSYS)
        for nnp in true false; do
            echo "== errnoRet $errno, noNewPrivileges $nnp" >&2
            jq_edit ".process.noNewPrivileges = $nnp"
            in_sh "$check"
            assert_success
            assert_output "0 1 2
$name
done"
            set_args sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
            start_detached c2
            run --separate-stderr hull exec c2 sh -c "$check"
            assert_success
            assert_output "0 1 2
$name
done"
            hull delete -f c2
        done
    done
}

@test "without noNewPrivileges a non-root process without capabilities still gets the filter" {
    deny_with SCMP_ACT_ERRNO mkdir '{"errnoRet": 95}'
    jq_edit '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}
             | .process.capabilities = {}'
    in_sh 'hullcheck syscall mkdir /tmp/d 0755; hullcheck caps; hullcheck nnp'
    assert_equal "${lines[0]}" EOPNOTSUPP
    # CAP_SYS_ADMIN was raised only to load the filter: nothing is left.
    assert_equal "${lines[1]}" "CapInh=0000000000000000 CapPrm=0000000000000000 CapEff=0000000000000000 CapBnd=0000000000000000 CapAmb=0000000000000000"
    assert_equal "${lines[2]}" 0 "no_new_privs"
}

@test "with noNewPrivileges and a non-root user the filter applies" {
    deny_with SCMP_ACT_ERRNO mkdir '{"errnoRet": 95}'
    jq_edit '.process.noNewPrivileges = true | .process.user = {uid: 1000, gid: 1000}'
    in_sh 'hullcheck syscall mkdir /tmp/d 0755; hullcheck nnp'
    assert_equal "${lines[0]}" EOPNOTSUPP
    assert_equal "${lines[1]}" 1
}

@test "in a user namespace the filter applies" {
    enable_userns
    deny_with SCMP_ACT_ERRNO mkdir '{"errnoRet": 95}'
    jq_edit '.process.noNewPrivileges = false'
    in_container hullcheck syscall mkdir /tmp/d 0755
    assert_output EOPNOTSUPP
}

@test "the filter holds for exec'd children of the process" {
    deny_with SCMP_ACT_ERRNO mkdir '{"errnoRet": 95}'
    in_sh 'sh -c "sh -c \"hullcheck syscall mkdir /tmp/d 0755\""'
    assert_output EOPNOTSUPP
}

# ---- names -------------------------------------------------------------------------------------

@test "a syscall name this libseccomp does not know is skipped with a warning" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir",
        "no_such_syscall_xyz"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95}]}'
    in_container hullcheck syscall mkdir /tmp/d 0755
    assert_equal "$output" EOPNOTSUPP "the container's output"
    assert_match "$stderr" 'linux\.seccomp\.syscalls\[0\]\.names\[1\]: syscall "no_such_syscall_xyz" is unknown'
}

# ---- SCMP_ACT_NOTIFY --------------------------------------------------------------------------

# start_listener ANSWER: the seccomp agent on $SOCK, state in $STATE_FILE, log in $LISTENER_LOG.
start_listener() {
    [ -x "$SECCOMP_LISTENER" ] || fail "SECCOMP_LISTENER ($SECCOMP_LISTENER) is not built (make check)"
    SOCK=$BATS_TEST_TMPDIR/agent.sock
    STATE_FILE=$BATS_TEST_TMPDIR/agent-state.json
    LISTENER_LOG=$BATS_TEST_TMPDIR/agent.log
    "$SECCOMP_LISTENER" "$SOCK" "$STATE_FILE" "$1" >"$LISTENER_LOG" 2>&1 3>&- &
    LISTENER_PID=$!
    local tries=50
    while [ ! -S "$SOCK" ] && [ "$tries" -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    [ -S "$SOCK" ] || fail "the listener did not come up: $(cat "$LISTENER_LOG")"
}

# notify_config NAME [EXTRA JSON]: NAME notified to $SOCK.
notify_config() {
    set_seccomp "$(jq -nc --arg s "$SOCK" --arg n "$1" --argjson x "${2:-"{}"}" '{defaultAction: "SCMP_ACT_ALLOW",
        listenerPath: $s, listenerMetadata: "hull-test-metadata",
        syscalls: [{names: [$n], action: "SCMP_ACT_NOTIFY"}]} + $x')"
}

@test "NOTIFY: the listener gets the state and the fd, and answers the syscall" {
    start_listener val=42
    notify_config mkdir
    set_args sh -c 'hullcheck syscall mkdir /tmp/d 0755 >/result; ls -d /tmp/d >>/result 2>&1'
    create_container c1
    local pid
    pid=$(container_pid c1)
    run_hull start c1
    assert_success
    wait_gone "$LISTENER_PID"
    wait "$LISTENER_PID" || fail "the listener failed: $(cat "$LISTENER_LOG")"
    LISTENER_PID=
    # "ok 42" is the listener's answer: mkdir never ran.
    assert_equal "$(head -1 "$BUNDLE/rootfs/result")" "ok 42" "mkdir"
    grep -q "No such file" "$BUNDLE/rootfs/result" || fail "mkdir ran: $(cat "$BUNDLE/rootfs/result")"
    grep -q "^fds=1 " "$LISTENER_LOG" || fail "$(cat "$LISTENER_LOG")"
    grep -q "^notified nr=$NR_MKDIR " "$LISTENER_LOG" || fail "$(cat "$LISTENER_LOG")"
    run jq -r '[.ociVersion, (.fds | join(",")), .pid, .metadata, .state.id, .state.pid,
                .state.status, .state.bundle] | join(" ")' "$STATE_FILE"
    assert_success
    assert_output "1.3.0 seccompFd $pid hull-test-metadata c1 $pid created $BUNDLE"
}

@test "NOTIFY: errno answers, with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" {
    start_listener errno=13
    notify_config mkdir '{"flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}'
    in_sh 'hullcheck syscall mkdir /tmp/d 0755; hullcheck syscall getppid'
    assert_equal "${lines[0]}" EACCES "mkdir"
    assert_equal "${lines[1]}" "ok 0" "getppid is not notified"
}

@test "NOTIFY: without noNewPrivileges, as a non-root user" {
    start_listener continue
    notify_config mkdir
    jq_edit '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
    in_sh 'hullcheck syscall mkdir /tmp/d 0777; ls -ld /tmp/d | cut -c1'
    assert_equal "${lines[0]}" "ok 0" "mkdir continued by the listener"
    assert_equal "${lines[1]}" d
}

@test "NOTIFY: a listener that is not there fails create, and nothing is left" {
    SOCK=$BATS_TEST_TMPDIR/nobody.sock
    notify_config mkdir
    run_hull_detached create --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "linux.seccomp.listenerPath: failed to connect with seccomp agent at $SOCK"
    run_hull list -q
    assert_output ""
}

# refused_at_create CASES: CASES names an associative array of linux.seccomp JSON => the
# error it must give; each is refused by create, and no container is left.
refused_at_create() {
    local -n refusals=$1
    local cfg
    for cfg in "${!refusals[@]}"; do
        set_seccomp "$cfg"
        run_hull_detached create --bundle "$BUNDLE" c1
        assert_failure
        assert_output_contains "${refusals[$cfg]}"
    done
    run_hull list -q
    assert_output ""
}

@test "NOTIFY: configs that cannot work are refused with their path" {
    SOCK=/run/agent.sock
    local -A cases=(
        ['{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/run/agent.sock"}']="linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"
        ['{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}']="linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY"
        ['{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/a.sock", "syscalls": [{"names": ["mkdir", "sendmsg"], "action": "SCMP_ACT_NOTIFY"}]}']="linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot apply to sendmsg"
        ['{"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "x"}']="linux.seccomp.listenerMetadata: must not be set without listenerPath"
    )
    refused_at_create cases
}

# ---- errors --------------------------------------------------------------------------------------

@test "invalid seccomp configs are refused at create with the JSON path" {
    local -A cases=(
        ['{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1}']="linux.seccomp.defaultErrnoRet: SCMP_ACT_ALLOW does not return an errno"
        ['{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}']="linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_KILL does not return an errno"
        ['{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 65536}]}']="linux.seccomp.syscalls[0].errnoRet: 65536 does not fit"
        ['{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}']="linux.seccomp.syscalls[0].args[0].index: 6 is out of range"
        ['{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_EXPLODE"}]}']='linux.seccomp.syscalls[0].action: unknown value "SCMP_ACT_EXPLODE"'
        ['{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_SIMILAR"}]}]}']='linux.seccomp.syscalls[0].args[0].op: unknown value "SCMP_CMP_SIMILAR"'
        ['{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]}']='linux.seccomp.architectures[0]: unknown value "SCMP_ARCH_Z80"'
        ['{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_FAST"]}']='linux.seccomp.flags[0]: unknown value "SECCOMP_FILTER_FLAG_FAST"'
    )
    refused_at_create cases
}

@test "features: seccomp is enabled with every action, operator and known flag" {
    run_hull features
    assert_success
    local s
    s=$(jq -c '.linux.seccomp' <<<"$output")
    assert_equal "$(jq -r .enabled <<<"$s")" true enabled
    assert_equal "$(jq -r '.actions | length' <<<"$s")" 9 actions
    assert_equal "$(jq -r '.operators | length' <<<"$s")" 7 operators
    assert_equal "$(jq -r '.knownFlags | length' <<<"$s")" 4 knownFlags
    assert_equal "$(jq -r '[.archs[] | select(. == "SCMP_ARCH_X86_64" or . == "SCMP_ARCH_X86" or . == "SCMP_ARCH_X32")] | length' <<<"$s")" 3 archs
    assert_equal "$(jq -r '(.supportedFlags - .knownFlags) | length' <<<"$s")" 0 "supportedFlags within knownFlags"
}
