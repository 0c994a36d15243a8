bats_require_minimum_version 1.5.0

# Shared set-up for xlc's bats tests. tests/run.sh exports XLC (the binary
# under test: the release build, then the ASan+UBSan build) and XLU_DUMP.
TESTS_DIR="$(cd "$(dirname "${BATS_TEST_FILENAME}")/.." && pwd)"
REPO_DIR="$(cd "${TESTS_DIR}/.." && pwd)"
XLC="${XLC:-${REPO_DIR}/build/xlc}"
XLU_DUMP="${XLU_DUMP:-${REPO_DIR}/build/obj/tests/diff/xlu_dump}"

setup_sandbox() {
	SANDBOX="$(mktemp -d "${BATS_TMPDIR:-/tmp}/xlc-test.XXXXXX")"
	mkdir -p "${SANDBOX}/etc/xlc" "${SANDBOX}/etc/xen" "${SANDBOX}/run" "${SANDBOX}/log"
	export XLC_SYSCONFDIR="${SANDBOX}/etc"
	export XLC_RUN_DIR="${SANDBOX}/run"
	export XLC_LOG_DIR="${SANDBOX}/log"
	# Uids of their own (below the default 0x78000000): another run's domain 1
	# on this host never shares this run's uid, nor its process limit.
	export XLC_VMM_UID_BASE=$((0x70000000 + (RANDOM % 2048) * 65536))
	unset XLC_BACKEND
}

teardown_sandbox() {
	[ -n "${SANDBOX:-}" ] && rm -rf "${SANDBOX}"
}

# A private network namespace with bridge br0 up; "inns CMD" runs CMD in it.
# teardown_guests deletes it.
make_netns() {
	NETNS="xlc-test-$$-${BATS_TEST_NUMBER}"
	ip netns add "${NETNS}"
	inns ip link set lo up
	inns ip link add br0 type bridge
	inns ip link set br0 up
}
inns() { ip netns exec "${NETNS}" "$@"; }

# run_host HOST-COMMAND...: bats' run for a nested test host (tests/hosts/kvm
# or xen). A host that vanished without reporting an exit (status 125: its
# kernel died under QEMU's TCG, or QEMU did) says nothing of xlc, which runs
# as a process inside it: such a boot is run once more, and the first one's
# output is kept in the test's log.
run_host() {
	run "$@"
	if [ "${status}" -eq 125 ]; then
		echo "# the first boot of the test host vanished (status 125); its output:"
		echo "${output}" | sed 's/^/#1 /'
		run "$@"
	fi
}

# Destroys every guest left in this test's run directory, then the test's
# network namespace (if any) and sandbox.
teardown_guests() {
	local s
	for s in "${XLC_RUN_DIR}"/*.sock; do
		[ -e "${s}" ] && "${XLC}" destroy "$(basename "${s}" .sock)" 2>/dev/null
	done
	[ -n "${NETNS:-}" ] && ip netns del "${NETNS}" 2>/dev/null
	teardown_sandbox
}

# Normalises a domain config JSON for comparison: sorted keys; the random
# uuid that a config without one gets is dropped.
normalize_json() {
	jq -S "${1:-.}"
}

# Waits until the console log of guest $1 has a line matching $2, $3 times
# (default once), within 60 s by the clock (rounds stretch under load);
# prints the log if it never does.
wait_console() {
	local deadline=$((SECONDS + 60)) n
	while [ "${SECONDS}" -lt "${deadline}" ]; do
		n=$(grep -c "$2" "${XLC_LOG_DIR}/console/$1.log" 2>/dev/null) || n=0
		[ "${n:-0}" -ge "${3:-1}" ] && return 0
		sleep 0.1
	done
	cat "${XLC_LOG_DIR}/console/$1.log" 2>/dev/null
	return 1
}

# True when process $1 has ended: gone, or a zombie its new parent has not
# reaped yet (kill -0 still succeeds on those).
process_gone() {
	[ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}
