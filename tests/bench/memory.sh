#!/bin/bash
# Memory overhead on this machine's kvm-pvm: each VMM's RSS minus the guest
# RAM pages it has touched (the RSS of the guest-memory mapping in smaps),
# with 1 and with 10 idle kit guests of 64 MiB, xlc against QEMU microvm
# running the same guest program. Prints a markdown table. A guest's VMM is
# every process xlc list --json names for it (its supervisor and its guest
# process). XLC_BEFORE=/path/to/an/older/xlc adds that build's column.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
. "${HERE}/lib.sh"
kit_bench memory
qemu_pids=()
cleanup() {
	"${XLC}" destroy -a -f >/dev/null 2>&1
	[ ${#qemu_pids[@]} -gt 0 ] && kill "${qemu_pids[@]}" 2>/dev/null
	rm -rf "${work}"
}
trap cleanup EXIT
GUEST_KB=65536

# overhead PID [Rss|Pss]: that measure of everything but the 64 MiB guest RAM
# mapping, in KiB. RSS counts the program's text in every process that maps
# it; PSS shares it out between them (what a guest really adds to the host).
overhead() {
	awk -v guest="${GUEST_KB}" -v field="${2:-Rss}:" '
		/^[0-9a-f]+-[0-9a-f]+ / { in_guest = 0 }
		/^Size:/ { in_guest = ($2 == guest) }
		$1 == field { total += $2; if (in_guest) g += $2 }
		END { print total - g }' "/proc/$1/smaps"
}

wait_idle() { # console log to wait for
	for i in $(seq 100); do grep -q KIT-EXIT "$1" 2>/dev/null && return; sleep 0.05; done
}

# xlc_overhead BINARY N: the summed RSS and PSS overhead of N idle guests of that build, in KiB.
xlc_overhead() {
	local x=$1 n=$2 i sum=0 pss=0 pid
	for i in $(seq "$n"); do
		printf 'name = "m%s"\nmemory = 64\nkernel = "%s/hello.bzImage"\ncmdline = "kit.end=halt"\n' \
			"$i" "${KIT}" >"${work}/m$i.cfg"
		"${x}" create -q "${work}/m$i.cfg"
		wait_idle "${XLC_LOG_DIR}/console/m$i.log"
	done
	sleep 0.5
	for pid in $("${x}" list --json | jq '.[] | .pid, (.vmm_pid // 0)'); do
		[ "${pid}" -gt 0 ] || continue
		sum=$((sum + $(overhead "$pid")))
		pss=$((pss + $(overhead "$pid" Pss)))
	done
	echo "${sum} ${pss}"
	"${x}" destroy -a -f >/dev/null 2>&1
	rm -f "${XLC_LOG_DIR}"/console/m*.log
}

measure() { # N -> prints "xlc_rss qemu_rss before_rss xlc_pss qemu_pss before_pss" (KiB)
	local n=$1 i xsum=0 qsum=0 bsum=0 xpss=0 qpss=0 bpss=0 pid
	read -r xsum xpss <<<"$(xlc_overhead "${XLC}" "$n")"
	[ -n "${XLC_BEFORE:-}" ] && read -r bsum bpss <<<"$(xlc_overhead "${XLC_BEFORE}" "$n")"
	for i in $(seq "$n"); do
		qemu-system-x86_64 -M microvm -enable-kvm -cpu host,-arch-capabilities -m 64 -smp 1 -nodefaults \
			-no-user-config -display none -serial "file:${work}/q$i.log" \
			-kernel "${KIT}/hello.elf" -append kit.end=halt 2>/dev/null &
		qemu_pids+=($!)
		wait_idle "${work}/q$i.log"
	done
	sleep 0.5
	for pid in "${qemu_pids[@]}"; do
		qsum=$((qsum + $(overhead "$pid")))
		qpss=$((qpss + $(overhead "$pid" Pss)))
	done
	echo "$xsum $qsum $bsum $xpss $qpss $bpss"
	kill "${qemu_pids[@]}" 2>/dev/null
	wait "${qemu_pids[@]}" 2>/dev/null
	qemu_pids=()
}

echo "## Memory overhead on kvm-pvm ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(machine). Idle kit guests (\`hello\`, halted), 64 MiB each. Overhead = VMM RSS"
echo "(and PSS) minus that of its guest-RAM mapping, summed over the guests' VMM processes (an"
echo "xlc guest has two: its supervisor and its guest process, which map the same program text)."
echo
echo "| guests | xlc RSS (MiB) | per guest | xlc PSS per guest | QEMU microvm RSS (MiB) | QEMU PSS per guest | ratio QEMU / xlc (RSS) |${XLC_BEFORE:+ xlc before: RSS per guest | PSS per guest |}"
echo "|---|---|---|---|---|---|---|${XLC_BEFORE:+---|---|}"
for n in 1 10; do
	read -r x q b xp qp bp <<<"$(measure "$n")"
	[ -n "${BENCH_OUT:-}" ] && echo "$n $x $q" >>"${BENCH_OUT}/memory.dat"
	awk -v n="$n" -v x="$x" -v q="$q" -v b="$b" -v xp="$xp" -v qp="$qp" -v bp="$bp" \
		-v before="${XLC_BEFORE:-}" 'BEGIN {
		printf "| %d | %.1f | %.2f | %.2f | %.1f | %.2f | %.1fx |", n, x / 1024, x / 1024 / n,
			xp / 1024 / n, q / 1024, qp / 1024 / n, q / x
		if (before != "") printf " %.2f | %.2f |", b / 1024 / n, bp / 1024 / n
		printf "\n" }'
done
