#!/bin/sh
# mkbundle.sh DIR: build an OCI bundle for the integration tests.
#
#   DIR/rootfs       busybox-static + relative applet symlinks in /bin, /bin/hullcheck,
#                    empty proc sys dev tmp etc run, /etc/passwd and /etc/group (root, user 1000)
#   DIR/config.json  `$HULL spec --no-terminal` output (runc's default without a
#                    terminal), process.args set to ["sh"]
#
# Environment: HULL (the runtime binary), HULLCHECK (the static helper), BUSYBOX (optional,
# default: the host's busybox, which must be statically linked).
# With MKBUNDLE_NO_CONFIG=1 only the rootfs is built (for callers that copy a template).
set -eu

die() { echo "mkbundle.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: mkbundle.sh DIR"
dir=$1
here=$(cd "$(dirname "$0")" && pwd)
: "${HULL:=$here/../../hull}"
: "${HULLCHECK:=$here/hullcheck}"
: "${BUSYBOX:=$(command -v busybox || true)}"

if [ -z "$BUSYBOX" ] || [ ! -x "$BUSYBOX" ]; then
    die "busybox not found (apt-get install busybox-static)"
fi
# A dynamically linked busybox would need the host's libc inside the rootfs.
if command -v file >/dev/null 2>&1 && ! file -L "$BUSYBOX" | grep -q 'statically linked'; then
    die "$BUSYBOX is not statically linked (apt-get install busybox-static)"
fi
[ -x "$HULLCHECK" ] || die "HULLCHECK ($HULLCHECK) is not built (make tests/helpers/hullcheck)"

rootfs=$dir/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc"
for d in proc sys dev tmp run; do
    mkdir -p "$rootfs/$d"
done
chmod 1777 "$rootfs/tmp"

cp "$BUSYBOX" "$rootfs/bin/busybox"
cp "$HULLCHECK" "$rootfs/bin/hullcheck"
# Relative links, so they resolve the same inside the container and on the host.
# The usual tools only: every symlink costs time on each test's bundle copy
# (MKBUNDLE_ALL_APPLETS=1 links all of them; `busybox APPLET` always works).
applets="[ [[ awk basename cat chmod chown cmp cp cut date dd diff dirname du echo env expr false
find grep groups head hexdump hostname id ip kill ln ls mkdir mkfifo mknod mktemp mount mv nproc
nsenter od printf ps pwd readlink realpath rm rmdir sed seq sh sleep sort stat sync sysctl tail
tee test timeout touch tr true umount uname uniq unshare uptime wc which whoami xargs yes"
if [ "${MKBUNDLE_ALL_APPLETS:-0}" = 1 ]; then
    applets=$("$BUSYBOX" --list)
fi
for applet in $applets; do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
# Tools sometimes look in /usr/bin or /sbin.
ln -sfn bin "$rootfs/sbin"
mkdir -p "$rootfs/usr"
ln -sfn ../bin "$rootfs/usr/bin"

cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
tty:x:5:
user:x:1000:
nogroup:x:65534:
EOF

[ "${MKBUNDLE_NO_CONFIG:-0}" = 1 ] && exit 0

[ -x "$HULL" ] || die "HULL ($HULL) is not built"
rm -f "$dir/config.json"
"$HULL" spec --no-terminal --bundle "$dir" || die "$HULL spec failed"
tmp=$dir/config.json.tmp
jq '.process.args = ["sh"]' "$dir/config.json" >"$tmp"
mv "$tmp" "$dir/config.json"
