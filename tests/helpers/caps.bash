# shellcheck shell=bash
# shellcheck disable=SC2034 # the CAP_ numbers are used by the suites that load this
# Capabilities in tests: bit numbers, the masks /proc/self/status shows, and setting
# process.capabilities (tests/process.bats, tests/exec.bats).

# Capability bit numbers (linux/capability.h).
CAP_CHOWN=0
CAP_KILL=5
CAP_NET_BIND_SERVICE=10
CAP_NET_ADMIN=12
CAP_SYS_PTRACE=19
CAP_AUDIT_WRITE=29

# capmask BIT...: the 16-hex-digit mask /proc/self/status shows for these capabilities.
capmask() {
    local mask=0 bit
    for bit in "$@"; do
        mask=$((mask | (1 << bit)))
    done
    printf '%016x' "$mask"
}

# set_caps SET CAP...: process.capabilities.SET = [CAP...] (SET: bounding effective ...).
set_caps() {
    local set=$1
    shift
    jq_edit '.process.capabilities[$s] = $c' --arg s "$set" --argjson c "$(json_array "$@")"
}
