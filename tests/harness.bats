#!/usr/bin/env bats
# The test runner itself (tests/run-bats): a test that hangs must end in a named failure,
# and the suites after it must still run, on a machine nobody can log in to.

load helpers/common

# stuck_suite FILE: a suite whose first test leaves a process that holds bats' output (fd
# 3) open and outlives the test, as script(1) waiting on a stopped job once did; bats'
# timeout ends the test's own children only, so bats would wait for that process forever.
stuck_suite() {
    # (bats would take an @test line here for one of this file's own tests.)
    sed 's/^TEST /@test /' >"$1" <<'EOF'
TEST "leaves a process holding bats' output" {
    (exec -a hull-harness-leftover sleep 600 &)
    sleep 600
}

TEST "runs after it" {
    true
}
EOF
}

@test "run-bats: a process left holding the output past bats' timeout is killed, and the next test runs" {
    stuck_suite "$BATS_TEST_TMPDIR/stuck.bats"
    run timeout -k 5 120 env BATS_TEST_TIMEOUT=2 HULL_STALL_SECONDS=1 \
        "$TESTS_DIR/run-bats" "$BATS_TEST_TMPDIR/stuck.bats"
    assert_output_contains "not ok 1 leaves a process holding bats' output"
    assert_output_contains "# timeout after 2s"
    assert_output_contains "# stall: killing"
    assert_output_contains "hull-harness-leftover"
    assert_output_contains "ok 2 runs after it"
    assert_output_contains "1 passed, 1 failed"
    [ "$status" -eq 1 ] || fail "run-bats exited with $status, not bats' 1"
    ! pgrep -f hull-harness-leftover >/dev/null || fail "the leftover still runs"
}
