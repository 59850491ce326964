#!/usr/bin/env bats
# The container's filesystem: config.md "Root", "Mounts"; config-linux.md "Devices",
# "Default Devices", "Sysctl", "Rootfs Mount Propagation", "Masked Paths", "Readonly Paths".

load helpers/common

# mountinfo_of DEST: the container's /proc/self/mountinfo line for mount point DEST.
# (Fields: id parent maj:min root mountpoint options optional... - fstype source superoptions.)
mountinfo_of() {
    in_container awk -v m="$1" '$5 == m' /proc/self/mountinfo
    assert_success
    [ -n "$output" ] || fail "no mount at $1 inside the container"
}

@test "mounts: a tmpfs with size and mode options shows them in mountinfo" {
    add_mount /data tmpfs tmpfs size=1m mode=1770
    mountinfo_of /data
    assert_output_contains " - tmpfs "
    assert_output_contains "size=1024k"
    assert_output_contains "mode=1770"
}

@test "mounts: nosuid, nodev and noexec are applied" {
    add_mount /data tmpfs tmpfs nosuid nodev noexec
    mountinfo_of /data
    local opts
    opts=$(awk '{ print $6 }' <<<"$output")
    local flag
    for flag in nosuid nodev noexec; do
        [[ ,$opts, == *,$flag,* ]] || fail "mount options '$opts' lack $flag"
    done
}

@test "mounts: a readonly bind mount of a host dir can be read, not written (EROFS)" {
    local hostdir=$BATS_TEST_TMPDIR/hostdir
    mkdir "$hostdir"
    echo from-host >"$hostdir/file"
    add_mount /hostdir bind "$hostdir" rbind ro
    in_container sh -c 'cat /hostdir/file; hullcheck write /hostdir/new'
    assert_output "from-host
EROFS"
    [ ! -e "$hostdir/new" ] || fail "the write reached the host"
}

@test "mounts: a read-write bind mount writes through to the host dir" {
    local hostdir=$BATS_TEST_TMPDIR/hostdir
    mkdir "$hostdir"
    add_mount /hostdir bind "$hostdir" rbind rw
    in_container hullcheck write /hostdir/new
    assert_success
    assert_output ok
    [ -e "$hostdir/new" ] || fail "the write did not reach the host"
}

@test "mounts: the mount point is created when missing in the rootfs" {
    add_mount /does/not/exist/yet tmpfs tmpfs
    mountinfo_of /does/not/exist/yet
    assert_output_contains " - tmpfs "
}

@test "root.readonly: writing to / fails with EROFS; readonly false allows it" {
    jq_edit '.root.readonly = true'
    in_container hullcheck write /newfile
    assert_output EROFS
    jq_edit '.root.readonly = false'
    in_container hullcheck write /newfile
    assert_output ok
}

@test "maskedPaths: a masked file reads empty, a masked dir is an empty tmpfs" {
    echo secret >"$BUNDLE/rootfs/etc/secret"
    mkdir "$BUNDLE/rootfs/secretdir"
    echo secret >"$BUNDLE/rootfs/secretdir/inside"
    jq_edit '.linux.maskedPaths += ["/etc/secret", "/secretdir"]'
    in_container sh -c 'echo "file:$(cat /etc/secret)"; echo "dir:$(ls -A /secretdir)"'
    assert_success
    assert_output "file:
dir:"
    mountinfo_of /secretdir
    assert_output_contains " - tmpfs "
}

@test "maskedPaths: the defaults /proc/keys, /proc/timer_list and /sys/firmware are masked" {
    local p
    for p in /proc/keys /proc/timer_list /sys/firmware; do
        jq -e --arg p "$p" '.linux.maskedPaths | index($p)' "$CONFIG" >/dev/null || fail "spec does not mask $p"
        [ -e "$p" ] || fail "test assumption: the host has $p"
    done
    # The host shows content there; inside, the files read empty and the dir is empty.
    [ -s /proc/keys ] || [ -n "$(head -c1 /proc/timer_list)" ] || fail "test assumption: host /proc files non-empty"
    in_container sh -c 'echo "keys:$(cat /proc/keys)"; echo "timer_list:$(cat /proc/timer_list)";
                        echo "firmware:$(ls -A /sys/firmware)"'
    assert_success
    assert_output "keys:
timer_list:
firmware:"
}

@test "readonlyPaths: writes there fail with EROFS while the rest stays writable" {
    jq_edit '.root.readonly = false'
    mkdir "$BUNDLE/rootfs/rodir"
    jq_edit '.linux.readonlyPaths += ["/rodir"]'
    in_container sh -c 'hullcheck write /rodir/x; hullcheck write /rwfile'
    assert_output "EROFS
ok"
}

@test "default devices exist with the right major:minor" {
    in_container sh -c 'for d in null zero full random urandom tty; do hullcheck dev /dev/$d; done'
    assert_success
    local expected
    expected=$(printf '%s\n' "c 1 3" "c 1 5" "c 1 7" "c 1 8" "c 1 9" "c 5 0")
    assert_equal "$(sed -E 's/^type=(.) major=([0-9]+) minor=([0-9]+).*/\1 \2 \3/' <<<"$output")" \
        "$expected" "type major minor of null zero full random urandom tty"
}

@test "a read-only /dev tmpfs with /dev/pts (and the devices) below it: ro once set up, as runc makes it" {
    jq_edit '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)'
    in_container sh -c 'grep "^tmpfs /dev " /proc/mounts; grep -c "^devpts /dev/pts " /proc/mounts;
                        echo x >/dev/null && echo null-ok; hullcheck write /dev/newfile'
    assert_match "${lines[0]}" '^tmpfs /dev tmpfs ro,' "/dev's mount"
    assert_equal "${lines[1]}" 1 "/dev/pts mounted"
    assert_equal "${lines[2]}" null-ok "/dev/null"
    assert_equal "${lines[3]}" EROFS "a new file in /dev"
}

@test "proc or sysfs whose destination is a symlink in the image is refused (runc's error), nothing left" {
    local t
    for t in proc sys; do
        rm -rf "${BUNDLE:?}/rootfs/$t"
        ln -s /symlink "$BUNDLE/rootfs/$t"
        set_args true
        run_hull run --bundle "$BUNDLE" c1
        assert_failure
        assert_output_contains "/$t is a symlink"
        assert_output_contains "must be mounted on ordinary directory"
        run_hull list -q
        assert_output ""
        rm "$BUNDLE/rootfs/$t"
        mkdir "$BUNDLE/rootfs/$t"
    done
}

@test "mounts: rro makes a bind mount read-only with its submounts, ro only the top, rnosuid too" {
    local vol=$BATS_TEST_TMPDIR/vol
    mkdir -p "$vol"
    mount -t tmpfs none "$vol"
    mkdir "$vol/sub"
    mount -t tmpfs none "$vol/sub"
    jq_edit '.root.readonly = false'
    add_mount /ro bind "$vol" rbind ro
    add_mount /rro bind "$vol" rbind rro
    add_mount /rnosuid bind "$vol" rbind rnosuid
    in_container sh -c 'for d in ro rro; do hullcheck write /$d/x; hullcheck write /$d/sub/x; done;
                        grep " /rnosuid/sub " /proc/self/mountinfo | grep -c nosuid'
    umount -R "$vol"
    assert_equal "${lines[*]}" "EROFS ok EROFS EROFS 1" "ro, ro/sub, rro, rro/sub, rnosuid/sub nosuid"
}

@test "default devices work: /dev/null swallows, /dev/zero gives zeros, /dev/full is full" {
    in_container sh -c 'echo x >/dev/null && echo null-ok;
                        head -c 4 /dev/zero | od -An -tx1 | tr -d " ";
                        echo x >/dev/full 2>/dev/null || echo full-ok'
    assert_success
    assert_output "null-ok
00000000
full-ok"
}

@test "/dev/fd, /dev/stdin, /dev/stdout, /dev/stderr and /dev/ptmx links" {
    in_container sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l $(readlink /dev/$l)"; done'
    assert_success
    assert_equal "$(sed -n 1,4p <<<"$output")" "fd /proc/self/fd
stdin /proc/self/fd/0
stdout /proc/self/fd/1
stderr /proc/self/fd/2" "links"
    # /dev/ptmx: a symlink to pts/ptmx or a bind mount of it (config-linux.md "Default Devices").
    in_container sh -c '[ -c /dev/pts/ptmx ] && { [ "$(readlink /dev/ptmx)" = pts/ptmx ] || [ -c /dev/ptmx ]; } && echo ptmx-ok'
    assert_output ptmx-ok
}

@test "linux.devices: a device node with the given major, minor, mode, uid and gid" {
    jq_edit '.linux.devices = [
        {path: "/dev/hull-null", type: "c", major: 1, minor: 3, fileMode: 432, uid: 1000, gid: 1000},
        {path: "/dev/hull-loop", type: "b", major: 7, minor: 0, fileMode: 384, uid: 0, gid: 0},
        {path: "/dev/hull-fifo", type: "p", fileMode: 420}]'
    in_container sh -c 'for d in hull-null hull-loop hull-fifo; do hullcheck dev /dev/$d; done'
    assert_success
    assert_output "type=c major=1 minor=3 mode=0660 uid=1000 gid=1000
type=b major=7 minor=0 mode=0600 uid=0 gid=0
type=p major=0 minor=0 mode=0644 uid=0 gid=0"
}

@test "linux.devices: an existing file at the path that is not the device fails create" {
    jq_edit '.root.readonly = false'
    echo not-a-device >"$BUNDLE/rootfs/hull-dev"
    jq_edit '.linux.devices = [{path: "/hull-dev", type: "c", major: 1, minor: 3}]'
    run_hull_detached create --bundle "$BUNDLE" c1
    assert_failure
    assert_output_contains "hull:"
    run_hull list -q
    assert_output ""
}

@test "sysctl: net.ipv4.ip_forward is set inside the network namespace only" {
    local host_value
    host_value=$(cat /proc/sys/net/ipv4/ip_forward)
    local want=$((1 - host_value))
    jq_edit '.linux.sysctl = {"net.ipv4.ip_forward": $v}' --arg v "$want"
    in_container cat /proc/sys/net/ipv4/ip_forward
    assert_success
    assert_output "$want"
    assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_value" "host's ip_forward"
}

@test "sysctl: kernel.domainname in the uts namespace" {
    jq_edit '.linux.sysctl = {"kernel.domainname": "sysctl.test"}'
    in_container cat /proc/sys/kernel/domainname
    assert_success
    assert_output sysctl.test
}

@test "rootfsPropagation shared: / inside is a shared mount" {
    jq_edit '.linux.rootfsPropagation = "shared"'
    in_container awk '$5 == "/" { print }' /proc/self/mountinfo
    assert_success
    assert_output_contains " shared:"
}

@test "rootfsPropagation private: / inside has no propagation" {
    jq_edit '.linux.rootfsPropagation = "private"'
    in_container awk '$5 == "/" { print }' /proc/self/mountinfo
    assert_success
    [ -n "$output" ] || fail "no / in mountinfo"
    refute_output_contains "shared:"
    refute_output_contains "master:"
}

@test "rootfsPropagation unbindable: / inside is unbindable (made so once the rootfs is cloned)" {
    jq_edit '.linux.rootfsPropagation = "unbindable"'
    in_container awk '$5 == "/" { print }' /proc/self/mountinfo
    assert_success
    assert_output_contains " unbindable"
}

@test "--no-pivot: the container runs and host files are invisible" {
    local marker
    marker=$(mktemp /tmp/hull-marker.XXXXXX)
    set_args sh -c "ls $marker 2>&1; cat /marker-in-rootfs"
    echo in-rootfs >"$BUNDLE/rootfs/marker-in-rootfs"
    run --separate-stderr hull run --no-pivot --bundle "$BUNDLE" c1
    rm -f "$marker"
    assert_success
    assert_output "ls: $marker: No such file or directory
in-rootfs"
}

@test "--no-pivot: the runtime's /proc and /sys are gone, so no unmasked procfs or sysfs can be mounted (runc)" {
    jq_edit '.process.capabilities.bounding += ["CAP_SETFCAP"] | .process.capabilities.permitted += ["CAP_SETFCAP"]'
    set_args unshare -mrpf sh -c 'mount -t proc none /proc && echo proc-mounted;
                                  mount -t sysfs none /sys && echo sysfs-mounted; true'
    run hull run --no-pivot --bundle "$BUNDLE" c1
    assert_success
    refute_output_contains "proc-mounted"
    refute_output_contains "sysfs-mounted"
    assert_output_contains "mount: permission denied"
}

@test "root.path: relative to the bundle (other name) and absolute both work" {
    mv "$BUNDLE/rootfs" "$BUNDLE/myroot"
    echo the-root >"$BUNDLE/myroot/marker"
    jq_edit '.root.path = "myroot"'
    in_container cat /marker
    assert_success
    assert_output the-root

    jq_edit '.root.path = $p' --arg p "$BUNDLE/myroot"
    # Run from elsewhere so a cwd-relative lookup would not find it either.
    cd /
    in_container cat /marker
    assert_success
    assert_output the-root
}
