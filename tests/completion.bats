#!/usr/bin/env bats
# Shell completion (contrib/completion/): what a user gets on pressing TAB, in bash
# (complete -p, then the completion function as bash calls it) and in zsh (the
# function with zsh's compadd/_files replaced by ones that print the candidates).

load helpers/common

BASH_COMPLETION=$TESTS_DIR/../contrib/completion/bash/hull
ZSH_COMPLETION=$TESTS_DIR/../contrib/completion/zsh/_hull

# bash_complete WORD...: the candidates bash offers for the last WORD (the one being
# typed; "" for a new one) of the line "hull WORD...", one a line, as bash's
# programmable completion computes them: through the function `complete -p hull` names.
bash_complete() {
    run bash -c '
        source "$1"; shift
        spec=$(complete -p hull) || exit 1
        function=${spec#*-F }; function=${function%% *}
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        "$function" hull "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}"' bash "$BASH_COMPLETION" "$HULL" "$@"
    assert_success
}

# zsh_complete WORD...: the same in zsh: what _hull hands to compadd (before compadd
# filters by the prefix typed), FILES or DIRS for _files or _directories.
zsh_complete() {
    run zsh -c '
        compadd() { shift $(( ${@[(i)--]} )); print -l -- "$@"; }
        _files() { print FILES; }
        _directories() { print DIRS; }
        autoload -Uz "$1"
        words=("${@:2}"); CURRENT=$(( $# - 1 ))
        _hull' zsh "$ZSH_COMPLETION" "$HULL" "$@"
    assert_success
}

# A created container in $ROOT.
created() {
    set_args sleep 100
    create_container "$1"
}

@test "bash: complete -p names a completion function for hull" {
    run bash -c 'source "$1" && complete -p hull' bash "$BASH_COMPLETION"
    assert_success
    assert_match "$output" '^complete -F _hull hull$'
}

@test "bash: the commands, after the global options" {
    bash_complete ""
    assert_equal "${output//$'\n'/ }" \
        "spec create start state kill delete run list sandbox features exec pause resume update ps events"
    bash_complete --root /tmp/x --debug ex
    assert_output exec
    bash_complete --
    assert_output_contains --root
    assert_output_contains --log-format
    refute_output_contains --bundle
}

@test "bash: each command's own options" {
    bash_complete run --
    assert_output_contains --bundle
    assert_output_contains --pid-file
    assert_output_contains --preserve-fds
    refute_output_contains --force
    bash_complete delete -
    assert_output_contains --force
    assert_output_contains -f
    refute_output_contains --bundle
    bash_complete exec --ca
    assert_output --cap
    bash_complete update --memory-s
    assert_output --memory-swap
}

@test "bash: option values: directories for --bundle, formats for list -f and --log-format" {
    mkdir -p "$BATS_TEST_TMPDIR/comp/bundle-a" "$BATS_TEST_TMPDIR/comp/bundle-b"
    touch "$BATS_TEST_TMPDIR/comp/bundle-file"
    bash_complete run --bundle "$BATS_TEST_TMPDIR/comp/bun"
    assert_equal "${output//$'\n'/ }" "$BATS_TEST_TMPDIR/comp/bundle-a $BATS_TEST_TMPDIR/comp/bundle-b"
    bash_complete list -f ""
    assert_equal "${output//$'\n'/ }" "table json"
    bash_complete --log-format ""
    assert_equal "${output//$'\n'/ }" "text json"
    # After an option's value, the container ID again.
    created c1
    bash_complete --root "$ROOT" exec --cwd /tmp ""
    assert_output c1
}

@test "bash: signal names for kill, with and without SIG" {
    bash_complete kill c1 ""
    assert_output_contains KILL
    assert_output_contains SIGTERM
    assert_output_contains SIGRTMIN+1
    bash_complete kill c1 SIGKI
    assert_output SIGKILL
    bash_complete kill --all c1 US
    assert_equal "${output//$'\n'/ }" "USR1 USR2"
    # Not for the container ID, nor for other commands.
    bash_complete kill SIGK
    assert_output ""
    bash_complete delete c1 SIGK
    assert_output ""
}

@test "bash: container IDs from hull list -q in the --root given on the line" {
    created comp-one
    created comp-two
    bash_complete --root "$ROOT" state ""
    assert_equal "${output//$'\n'/ }" "comp-one comp-two"
    # "--root=DIR", which bash splits at the "=".
    bash_complete --root = "$ROOT" delete -f comp-t
    assert_output comp-two
    bash_complete --root "$ROOT" kill comp-o
    assert_output comp-one
    # Another root has other containers (an empty one: none).
    mkdir "$BATS_TEST_TMPDIR/empty-root"
    bash_complete --root "$BATS_TEST_TMPDIR/empty-root" state ""
    assert_output ""
    # create and run name a new container: no IDs offered.
    bash_complete --root "$ROOT" create ""
    assert_output ""
    # Only the first argument is an ID.
    bash_complete --root "$ROOT" pause comp-one ""
    assert_output ""
}

@test "zsh: commands, options, option values, signals and container IDs" {
    command -v zsh >/dev/null || fail "zsh is not installed (apt-get install zsh)"
    zsh_complete ""
    assert_equal "${output//$'\n'/ }" \
        "spec create start state kill delete run list sandbox features exec pause resume update ps events"
    zsh_complete delete -
    assert_output_contains --force
    refute_output_contains --bundle
    zsh_complete run --bundle ""
    assert_output DIRS
    zsh_complete list --format ""
    assert_equal "${output//$'\n'/ }" "table json"
    zsh_complete kill c1 ""
    assert_output_contains SIGKILL
    assert_output_contains TERM
    created comp-z
    zsh_complete --root "$ROOT" exec ""
    assert_output comp-z
    zsh_complete --root "$ROOT" run ""
    assert_output ""
}
