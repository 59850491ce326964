#!/usr/bin/env bats
# shellcheck disable=SC2016
# (jq filters are single-quoted on purpose.)
# Linux security modules: process.apparmorProfile, process.selinuxLabel, linux.mountLabel.
# hull detects the LSMs (AppArmor: /sys/module/apparmor/parameters/enabled; SELinux: a
# selinuxfs mount) and refuses a label for one that is not enabled. Which tests run depends
# on the host: each LSM is tested as enabled or as absent, whichever this host has.

load helpers/common

apparmor_enabled() {
    [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

selinux_enabled() {
    grep -q ' - selinuxfs ' /proc/self/mountinfo
}

# refused FIELD REASON [TEXT]: create fails before making anything; the error names FIELD
# and REASON (and contains TEXT).
refused() {
    run_hull_detached create --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "$1: $2"
    assert_output_contains "${3:-$1}"
    run_hull list -q
    assert_output ""
    [ ! -e "$ROOT/c1" ] || fail "create left $ROOT/c1 behind"
}

@test "apparmorProfile without AppArmor: a clear error at create, nothing left" {
    apparmor_enabled && skip "AppArmor is enabled on this host (see the tests that apply it)"
    jq_edit '.process.apparmorProfile = "hull-test-profile"'
    refused process.apparmorProfile "AppArmor is not enabled on this host" '"hull-test-profile"'
}

@test "selinuxLabel without SELinux: a clear error at create, nothing left" {
    selinux_enabled && skip "SELinux is enabled on this host (see the tests that apply it)"
    jq_edit '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
    refused process.selinuxLabel "SELinux is not enabled on this host"
}

@test "mountLabel without SELinux: a clear error at create, nothing left" {
    selinux_enabled && skip "SELinux is enabled on this host (see the tests that apply it)"
    jq_edit '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
    refused linux.mountLabel "SELinux is not enabled on this host"
}

@test "a label for an absent LSM is refused even when the config has no process" {
    selinux_enabled && skip "SELinux is enabled on this host"
    jq_edit 'del(.process) | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
    refused linux.mountLabel "SELinux is not enabled on this host"
}

@test "empty labels mean no label: the container runs" {
    jq_edit '.process.apparmorProfile = "" | .process.selinuxLabel = "" | .linux.mountLabel = ""'
    in_container echo ran
    assert_success
    assert_output ran
}

@test "AppArmor: the unconfined profile applies, a missing profile fails start with the field" {
    apparmor_enabled || skip "AppArmor is not enabled on this host (see the error tests)"
    jq_edit '.process.apparmorProfile = "unconfined"'
    in_container cat /proc/self/attr/current
    assert_success
    assert_match "$output" "^unconfined"
    jq_edit '.process.apparmorProfile = "hull-test-no-such-profile"'
    create_container c1
    run_hull start c1
    assert_failure
    assert_output_contains 'process.apparmorProfile "hull-test-no-such-profile"'
}

@test "SELinux: the process runs with selinuxLabel" {
    selinux_enabled || skip "SELinux is not enabled on this host (see the error tests)"
    local label
    label=$(tr -d '\0' </proc/self/attr/current)
    jq_edit '.process.selinuxLabel = $l' --arg l "$label"
    in_container cat /proc/self/attr/current
    assert_success
    assert_equal "$(tr -d '\0' <<<"$output")" "$label" "the process's context"
}

@test "features: AppArmor and SELinux are reported as implemented" {
    run_hull features
    assert_success
    assert_equal "$(jq -c '[.linux.apparmor.enabled, .linux.selinux.enabled]' <<<"$output")" "[true,true]"
}
