#!/bin/bash
# xlc's whole test suite (`make check`): builds the release, ASan+UBSan and
# KVM-only variants, then runs the C unit tests, the bats suites (golden,
# differential, CLI) on both the release and the sanitizer build, the test
# hosts, the mutation check and a short fuzzing run. Each suite's output is
# kept in build/test-logs/. The last line is "N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/.."
REPO=$(pwd)
LOGS=build/test-logs
mkdir -p "${LOGS}"
passed=0 failed=0 skipped=0 unique=0
JOBS=$(nproc 2>/dev/null || echo 2)

# XLC_SKIP_OK="bats xen bats kvm-linux": suites this machine may skip entirely.
skip_ok() {
	case " ${XLC_SKIP_OK:-} " in *" ${1%% (*} "*) return 0 ;; esac
	return 1
}

# Each failed test of a TAP log: its first 15 lines (which assertion failed)
# and its last 15 (what the test printed last, where a payload stopped).
failures() {
	awk '
		function flush() { if (n == 0) return
			for (i = 1; i <= n && i <= 15; i++) print buf[i]
			if (n > 30) print "    [... " n - 30 " lines ...]"
			for (i = (n > 30 ? n - 14 : 16); i <= n; i++) print buf[i]
			n = 0 }
		/^(ok|not ok) / { flush(); keep = /^not ok / }
		keep { buf[++n] = $0 }
		END { flush() }' "$1"
}

# Counts the TAP lines of one suite's log and reports them.
tally() {
	local name=$1 log=$2 status=$3 seconds=$4 ok notok skip
	ok=$(grep -c '^ok ' "${log}" || true)
	skip=$(grep -c '^ok .*# [Ss][Kk][Ii][Pp]' "${log}" || true)
	notok=$(grep -c '^not ok ' "${log}" || true)
	ok=$((ok - skip))
	if [ "${status}" -ne 0 ] && [ "${notok}" -eq 0 ]; then
		notok=1 # the suite died before reporting
	fi
	# A suite that ran nothing at all proves nothing: the run must not shrink silently.
	if [ "${ok}" -eq 0 ] && [ "${notok}" -eq 0 ] && ! skip_ok "${name}"; then
		notok=1
		echo "${name}: every test skipped; if this machine cannot run it, say so:" \
			"XLC_SKIP_OK=\"${name%% (*}\"" >>"${log}"
		echo "not ok - ${name} skipped entirely" >>"${log}"
	fi
	passed=$((passed + ok)) failed=$((failed + notok)) skipped=$((skipped + skip))
	case "${name}" in *"(asan+ubsan)") ;; *) unique=$((unique + ok)) ;; esac
	printf '%-44s %4d passed, %d failed, %d skipped %6d s\n' "${name}" "${ok}" "${notok}" "${skip}" "${seconds}"
	if [ "${notok}" -gt 0 ]; then
		failures "${log}" | head -120 | sed 's/^/    /'
		[ "${status}" -ne 0 ] && [ "$(grep -c '^not ok ' "${log}")" -eq 0 ] && tail -20 "${log}" | sed 's/^/    /'
	fi
}

# XLC_SUITES="lifecycle top": only these suites (a bats file's name, or lint,
# unit, mutations, fuzz), under both builds; the builds always run.
wanted() {
	local key=${1#bats }
	key=${key%% (*}
	[ -z "${XLC_SUITES:-}" ] && return 0
	case " ${XLC_SUITES} " in *" ${key} "*) return 0 ;; esac
	return 1
}

# A suite's bound: about five times its time on a loaded 2-core machine. It
# only matters when something hangs; then the suite is ended (with its process
# group) and reported, and the run still finishes within CI's 90 minutes.
# XLC_BOUND_SCALE (tests/loaded.sh sets 2, for a machine given half its CPU
# on purpose) stretches every bound and the run's budgets alike.
SCALE=${XLC_BOUND_SCALE:-1}
bound() {
	case "$1" in
	"bats xen" | "bats hosts") echo $((1800 * SCALE)) ;;
	"bats kvm-linux") echo $((1500 * SCALE)) ;;
	# 146 mutations, each a build and a test, two at a time: 18-21 minutes here
	mutations) echo $((2400 * SCALE)) ;;
	*) echo $((900 * SCALE)) ;;
	esac
}

suite() {
	local name=$1 log="${LOGS}/${1//[^a-zA-Z0-9_.-]/_}.log" status limit left
	shift
	wanted "${name}" || return 0
	# Past 80 minutes the rest is reported, not run: CI stops at 90, and a
	# run that ends says which suites took the time (each line has it).
	if [ $(($(date +%s) - start)) -gt "${XLC_RUN_BUDGET:-$((4800 * SCALE))}" ]; then
		echo "not ok - ${name} not run: the run is past its ${XLC_RUN_BUDGET:-$((4800 * SCALE))} s" >"${log}"
		tally "${name}" "${log}" 1 0
		return 0
	fi
	limit=$(bound "${name}")
	# ... and no suite runs past 87 minutes.
	left=$((5220 * SCALE - ($(date +%s) - start)))
	[ "${left}" -lt "${limit}" ] && limit=${left}
	SECONDS=0
	if declare -F "$1" >/dev/null; then
		"$@" >"${log}" 2>&1
	else
		timeout -k 60 "${limit}" "$@" >"${log}" 2>&1
	fi
	status=$?
	[ "${status}" -eq 124 ] && echo "not ok - ${name} ran past its bound of ${limit} s" >>"${log}"
	tally "${name}" "${log}" "${status}" "${SECONDS}"
}

build() {
	local name=$1 log="${LOGS}/build-${1}.log"
	shift
	SECONDS=0
	if make -j"${JOBS}" "$@" >"${log}" 2>&1; then
		echo "ok - build ${name}" >>"${log}"
	else
		echo "not ok - build ${name}" >>"${log}"
	fi
	tally "build ${name}" "${log}" 0 "${SECONDS}"
}

unit_tests() {
	local bin status=0
	for bin in "$1"/tests/unit/test_*; do
		echo "# ${bin}"
		"${bin}" || status=1
	done
	return ${status}
}

start=$(date +%s)
build release all unit-bins build/obj/tests/diff/xlu_dump kit
build asan BUILD=build/asan SAN=1 build/asan/bin/xlc unit-bins
build kvm-only BUILD=build/noxen XEN=0 build/noxen/bin/xlc

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export XLU_DUMP="${REPO}/build/obj/tests/diff/xlu_dump" XLC_NOXEN="${REPO}/build/noxen/bin/xlc"

suite "lint (bats assertions)" tests/lint-bats.sh
suite "lint (mutations apply)" tests/mutate/run.sh --applies
suite "unit" unit_tests build/obj
suite "unit (asan+ubsan)" unit_tests build/asan
# Suites that exercise xlc run on the release and on the sanitizer build.
for name in cli golden cases differential kit lifecycle snapshot devices bootloader confinement hostile control \
	top batch completion system metrics; do
	XLC="${REPO}/build/xlc" suite "bats ${name}" bats --tap "tests/bats/${name}.bats"
	XLC="${REPO}/build/asan/bin/xlc" suite "bats ${name} (asan+ubsan)" bats --tap "tests/bats/${name}.bats"
done
# The Debian package: built, checked, installed and removed in a clean root.
suite "bats package" bats --tap tests/bats/package.bats
# The test hosts: the guest fixture, the nested KVM host and the Xen host;
# then stock Linux under xlc inside the nested KVM host.
suite "bats hosts" bats --tap tests/bats/hosts.bats
XLC="${REPO}/build/xlc" suite "bats kvm-linux" bats --tap tests/bats/kvm-linux.bats
XLC="${REPO}/build/xlc" suite "bats xen" bats --tap tests/bats/xen.bats

# The mutation check: each mutation in tests/mutate/mutations.txt breaks one
# feature in a copy of the tree, and the tests named for it must then fail.
suite "mutations" tests/mutate/run.sh
wanted mutations && grep -h '^# mutations killed' "${LOGS}/mutations.log" | sed 's/^/    /'

if ! wanted fuzz; then
	:
elif command -v clang >/dev/null; then
	build fuzzers fuzz-bins
	suite "fuzz (${FUZZ_SMOKE_SECONDS:-15}s each)" env FUZZ_SECONDS="${FUZZ_SMOKE_SECONDS:-15}" \
		tests/fuzz/run.sh fuzz_config fuzz_disk_vif fuzz_virtio fuzz_xen_config fuzz_savefile \
		fuzz_boot_menu fuzz_boot_disk fuzz_snapshot
	grep -h '^ok' "${LOGS}"/fuzz*.log | sed 's/^/    /'
else
	echo "# no clang: the fuzzers cannot be built" >"${LOGS}/fuzz.log"
	tally "fuzz" "${LOGS}/fuzz.log" 0 0
fi

echo "suite time: $(($(date +%s) - start)) s"
echo "unique tests passed: ${unique} (the rest of the passes are the same tests under ASan+UBSan," \
	"and unit assertions count one each)"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "${failed}" -eq 0 ]
