#!/bin/bash
# Runs each libFuzzer target for FUZZ_SECONDS (default 10) from a corpus
# seeded with the project's own configs, spec vectors and past failures
# (tests/fuzz/regress/), and prints one TAP line per target with the
# executions reached. A crash or leak keeps its reproducer in
# build/fuzz/<target>-crashes/ and fails the line.
set -u
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-10}
export LSAN_OPTIONS="suppressions=${PWD}/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:${LSAN_OPTIONS}}"
n=0
for target in "$@"; do
	n=$((n + 1))
	bin=build/fuzz/${target}
	corpus=build/fuzz/${target}-corpus
	crashes=build/fuzz/${target}-crashes
	mkdir -p "${corpus}" "${crashes}"
	case ${target} in
	fuzz_config | fuzz_xen_config)
		cp tests/golden/pass/*.cfg tests/golden/fail/*.cfg tests/diff/corpus/*.cfg "${corpus}/" ;;
	fuzz_disk_vif)
		i=0
		paste -d '\n' <(grep -v '^#' tests/diff/disk_specs.txt) \
			<(grep -v '^#' tests/diff/vif_specs.txt) | while IFS= read -r disk && IFS= read -r vif; do
			i=$((i + 1))
			printf '%s\n%s' "${disk}" "${vif}" >"${corpus}/seed-${i}"
		done ;;
	fuzz_virtio)
		XLC_FUZZ_SEEDS="${corpus}" "${bin}" ;;
	fuzz_savefile) # a header as xl writes it, around a small config
		{ printf 'Xen saved domain, xl format\n \0 \r\4\3\2\1\3\0\0\0\0\0\0\0\23\0\0\0'
		  printf '\17\0\0\0{"c_info": {}}\0'; } >"${corpus}/seed-xl" ;;
	esac
	# Inputs that once failed: each run starts by passing them again.
	[ -d "tests/fuzz/regress/${target}" ] && cp "tests/fuzz/regress/${target}"/* "${corpus}/"
	log=build/fuzz/${target}.log
	"${bin}" -max_total_time="${seconds}" -max_len=4096 -timeout=10 \
		-artifact_prefix="${crashes}/" "${corpus}" >"${log}" 2>&1
	status=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "${log}" | tail -1)
	if [ "${status}" -eq 0 ] && [ -n "${runs}" ]; then
		echo "ok ${n} - ${target}: ${runs} executions in ${seconds}s, no crash"
	else
		echo "not ok ${n} - ${target}: exit ${status}; see ${log} and ${crashes}/"
		tail -30 "${log}" | sed 's/^/# /'
	fi
done
echo "1..${n}"
