#!/usr/bin/env bats
# hull --version: runc's lines, with the commit hull was built from when that is known.

load helpers/common

@test "--version: version, the commit it was built from (git, or the tarball's), spec" {
    run_hull --version
    assert_success
    local src=$TESTS_DIR/.. commit=
    if [ -e "$src/.git" ]; then
        commit=$(git -C "$src" describe --always --dirty)
    elif [ -f "$src/.tarball-commit" ]; then
        commit=$(cat "$src/.tarball-commit")
    fi
    local want
    want="hull version $(sed -n 's/^AC_INIT(\[hull\], \[\([^]]*\)\].*/\1/p' "$src/configure.ac")"
    [ -z "$commit" ] || want+=$'\n'"commit: $commit"
    want+=$'\n'"spec: 1.3.0"
    assert_equal "$output" "$want" "hull --version"
}
