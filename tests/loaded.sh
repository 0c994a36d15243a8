#!/bin/bash
# The suite on a busy host: one busy loop pinned to each CPU runs beside
# tests/run.sh for its whole length, so the guests, the VMMs and the nested
# hosts get about half the CPU they get alone. No test may depend on an idle
# machine; this is how that is shown. The loops are this script's own
# children, ended by PID however the run ends. Arguments and XLC_SUITES pass
# through to tests/run.sh.
set -u
cd "$(dirname "$0")/.."
loops=()
stop_loops() {
	[ "${#loops[@]}" -gt 0 ] && kill "${loops[@]}" 2>/dev/null
	wait "${loops[@]}" 2>/dev/null
	loops=()
}
trap stop_loops EXIT
trap 'exit 130' INT TERM
for ((cpu = 0; cpu < $(nproc); cpu++)); do
	taskset -c "${cpu}" bash -c 'while :; do :; done' &
	loops+=("$!")
done
echo "# busy loops pinned to each of $(nproc) CPUs: PIDs ${loops[*]}"
# Half the CPU: every suite's bound (a guard against hangs) doubles with it.
export XLC_BOUND_SCALE=${XLC_BOUND_SCALE:-2}
tests/run.sh "$@"
