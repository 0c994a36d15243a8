#!/usr/bin/env bats
# Golden tests in the style of OpenBSD's regress/usr.sbin/vmd/config: every
# tests/golden/pass/X.cfg must print X.json with `create -n`, and every
# tests/golden/fail/X.cfg must exit 1 printing exactly X.err, and nothing on
# stdout. The cases themselves run in cases.bats, a test each.

load helper

setup() { setup_sandbox; }
teardown() { teardown_sandbox; }

# Each case is a test of its own in cases.bats, generated from the files.
@test "golden: cases.bats has one test per golden and differential case (tests/bats/gen-cases.sh)" {
	cp "${TESTS_DIR}/bats/cases.bats" "${SANDBOX}/committed.bats"
	# The script writes beside itself, under ../: run it on a copy of the tree's cases.
	mkdir -p "${SANDBOX}/t/bats"
	cp -a "${TESTS_DIR}/golden" "${TESTS_DIR}/diff" "${SANDBOX}/t/"
	cp "${TESTS_DIR}/bats/gen-cases.sh" "${SANDBOX}/t/bats/"
	"${SANDBOX}/t/bats/gen-cases.sh"
	diff -u "${SANDBOX}/committed.bats" "${SANDBOX}/t/bats/cases.bats"
	[ "$(grep -c '^@test "golden pass: ' "${SANDBOX}/committed.bats")" -ge 6 ]
	[ "$(grep -c '^@test "golden fail: ' "${SANDBOX}/committed.bats")" -ge 25 ]
	[ "$(grep -c '^@test "differential: ' "${SANDBOX}/committed.bats")" -ge 40 ]
}

@test "golden: an error names file:line, the key and the value" {
	cd "${TESTS_DIR}/golden/fail"
	run "${XLC}" create -nq memory-unit.cfg
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"memory-unit.cfg:2: memory = 512MB:"* ]]
	[[ "${output}" == *"memory is in MiB, without a unit"* ]]
}
