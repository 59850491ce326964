#!/usr/bin/env bats
# config-linux.md "Network Devices": linux.netDevices moves host interfaces into the
# container's network namespace (a veth pair made by each test; dummy devices do not work here).

load helpers/common

setup() {
    common_setup
    # Names unique to this test run, within IFNAMSIZ.
    VA=hv$$a
    VB=hv$$b
    ip link add "$VA" type veth peer name "$VB" || fail "cannot make a veth pair"
    ip link set "$VA" mtu 1400
    ip addr add 10.212.7.1/24 dev "$VA"
    ip addr add fd12:7::1/64 dev "$VA" nodad
    set_args sh -c 'cat /sys/class/net/*/mtu /sys/class/net/*/flags; ip addr'
}

teardown() {
    ip link del "$VA" 2>/dev/null || true
    ip link del "$VB" 2>/dev/null || true
    common_teardown
}

# net_devices JSON: linux.netDevices = JSON.
net_devices() {
    jq_edit '.linux.netDevices = $d' --argjson d "$1"
}

@test "netDevices: the interface moves in renamed, with its MTU and global addresses, and up" {
    net_devices "{\"$VA\": {\"name\": \"eth7\"}}"
    set_args sh -c 'cat /sys/class/net/eth7/mtu /sys/class/net/eth7/flags; ip addr show eth7'
    run_container c1
    assert_success
    [ "${lines[0]}" = 1400 ] || fail "mtu ${lines[0]}"
    (( ${lines[1]} & 1 )) || fail "flags ${lines[1]}: not up"
    assert_output_contains "inet 10.212.7.1/24"
    assert_output_contains "inet6 fd12:7::1/64"
    ! ip link show "$VA" 2>/dev/null || fail "$VA is still on the host"
}

@test "netDevices: into the network namespace of a container with a user namespace" {
    enable_userns
    net_devices "{\"$VA\": {\"name\": \"eth7\"}}"
    set_args sh -c 'ip -o link show eth7; ip -o addr show eth7'
    run_container c1
    assert_success
    assert_output_contains "mtu 1400"
    assert_output_contains "inet 10.212.7.1/24"
    [[ ${lines[0]} == *"<"*UP*">"* ]] || fail "eth7 is not up: ${lines[0]}"
}

@test "netDevices: without a name the interface keeps its host name" {
    net_devices "{\"$VA\": {}}"
    set_args cat "/sys/class/net/$VA/mtu"
    run_container c1
    assert_success
    assert_output 1400
}

@test "netDevices: a %d template lets the kernel number the name" {
    net_devices "{\"$VA\": {\"name\": \"net%d\"}}"
    set_args sh -c 'cat /sys/class/net/net0/mtu'
    run_container c1
    assert_success
    assert_output 1400
}

@test "netDevices: the veth is destroyed with the container's network namespace (not moved back)" {
    net_devices "{\"$VA\": {\"name\": \"eth7\"}}"
    set_args true
    run_container c1
    assert_success
    local tries=50
    while ip link show "$VB" >/dev/null 2>&1 && [ $tries -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    ! ip link show "$VB" 2>/dev/null || fail "the host end $VB outlived the container"
    ! ip link show "$VA" 2>/dev/null || fail "$VA came back to the host"
}

@test "netDevices: a device that does not exist is refused before anything is made" {
    net_devices '{"nosuchdev0": {}}'
    run_container c1
    assert_failure
    assert_output_contains 'linux.netDevices.nosuchdev0: no network interface "nosuchdev0" on the host'
    run hull list -q
    assert_output ""
}

@test "netDevices: a config without a network namespace is refused, the device stays" {
    remove_namespace network
    net_devices "{\"$VA\": {}}"
    run_container c1
    assert_failure
    assert_output_contains "linux.netDevices: the container has no network namespace of its own"
    ip link show "$VA" >/dev/null || fail "$VA left the host"
}

@test "netDevices: joining the runtime's own network namespace is refused like having none" {
    add_namespace network "/proc/$$/ns/net"
    net_devices "{\"$VA\": {}}"
    run_container c1
    assert_failure
    assert_output_contains "linux.netDevices: the container has no network namespace of its own"
    ip link show "$VA" >/dev/null || fail "$VA left the host"
}

@test "netDevices: an invalid name is refused naming the field" {
    net_devices "{\"$VA\": {\"name\": \"a/b\"}}"
    run_container c1
    assert_failure
    assert_output_contains "linux.netDevices.$VA.name: \"a/b\" is not a valid interface name"
}

@test "netDevices: a name already taken in the container is an error, and nothing is left" {
    net_devices "{\"$VA\": {\"name\": \"lo\"}}"
    run_container c1
    assert_failure
    assert_output_contains "linux.netDevices.$VA: an interface \"lo\" exists in the container's network namespace"
    run hull list -q
    assert_output ""
    ip link show "$VA" >/dev/null || fail "$VA did not stay on the host"
}

@test "features: netDevices is enabled" {
    run_hull features
    assert_success
    assert_equal "$(jq -c .linux.netDevices <<<"$output")" '{"enabled":true}' netDevices
}
