#!/usr/bin/env bats
# The differential test against Xen's own parser: tests/diff/xlu_dump reads
# each input with libxlutil (as xl does) and prints libxl's JSON; xlc's
# `create -n` must agree on every key xlc supports. A corpus file may declare
# a deliberate divergence on a line "# differential: xl-rejects|xlc-rejects
# <why>". Each corpus file is a test of its own in cases.bats; here are the
# disk and vif spec vectors.

load helper

setup() {
	setup_sandbox
	[ -x "${XLU_DUMP}" ] || { echo "missing ${XLU_DUMP}: build it with libxen-dev"; return 1; }
}
teardown() { teardown_sandbox; }

# compare_specs FILE KIND KEY FILTER: each spec of FILE through `xlu_dump
# --KIND` and through xlc as KEY=['spec'], whose FILTER picks the device.
compare_specs() {
	local file=$1 kind=$2 key=$3 filter=$4 spec rs os
	n=0 bad=0
	while IFS= read -r spec; do
		case "${spec}" in '#'*) continue ;; esac
		"${XLU_DUMP}" "--${kind}" "${spec}" >"${SANDBOX}/ref" 2>/dev/null && rs=0 || rs=$?
		"${XLC}" create -nq "name='t'" "${key}=['${spec}']" >"${SANDBOX}/ours" 2>"${SANDBOX}/err" && os=0 || os=$?
		if [ "${rs}" -ne 0 ] || [ "${os}" -ne 0 ]; then
			[ "${rs}" -eq 1 ] && [ "${os}" -eq 1 ] || { echo "'${spec}': xl exit ${rs}, xlc exit ${os} $(cat "${SANDBOX}/err")"; bad=1; }
		else
			diff -u <(jq -S 'del(.devid)' "${SANDBOX}/ref") <(jq -S "${filter} | del(.devid)" "${SANDBOX}/ours") || { echo "'${spec}': differs"; bad=1; }
		fi
		n=$((n + 1))
	done <"${file}"
	echo "compared ${n} ${kind} specs"
}

@test "differential: check-xl-disk-parse vectors agree with xlu_disk_parse" {
	compare_specs "${TESTS_DIR}/diff/disk_specs.txt" disk disk '.disks[0]'
	[ "${bad}" -eq 0 ]
	[ "${n}" -ge 40 ]
}

@test "differential: check-xl-vif-parse vectors agree with xl's vif parser" {
	compare_specs "${TESTS_DIR}/diff/vif_specs.txt" vif vif '.nics[0]'
	[ "${bad}" -eq 0 ]
	[ "${n}" -ge 40 ]
}
