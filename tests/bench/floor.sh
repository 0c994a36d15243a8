#!/bin/bash
# The VMM floor on this machine's kvm-pvm: start -> exit of a kit guest that
# powers off at once, and the VMM's peak RSS, for `xlc create -F` and QEMU
# microvm running the same guest program (xlc boots its bzImage, QEMU its
# ELF through the PVH entry). Runs interleaved, RUNS (>= 11) of each.
# XLC_BEFORE=/path/to/an/older/xlc adds that build as a row of its own, in
# the same interleaved run (a before/after comparison).
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
. "${HERE}/lib.sh"
RUNSTAT=${RUNSTAT:-${REPO}/build/bench/runstat}
RUNS=${RUNS:-11}
kit_bench floor
trap 'rm -rf "${work}"' EXIT
cat >"${work}/floor.cfg" <<CFG
name = "floor"
memory = 64
kernel = "${KIT}/poweroff.bzImage"
cmdline = "kit.end=poweroff"
CFG
# -arch-capabilities: on an AMD host kvm-pvm refuses that MSR and QEMU 7.2
# aborts before the guest runs (2026-12-03).
QEMU=(qemu-system-x86_64 -M microvm -enable-kvm -cpu host,-arch-capabilities -m 64 -smp 1 -nodefaults
	-no-user-config -nographic -serial stdio -kernel "${KIT}/poweroff.elf"
	-append kit.end=poweroff)

field() { sed -n "s/.*runstat.* $1=\([0-9.]*\).*/\1/p" "$2"; }

run_xlc() { # binary tag
	XLC_BENCH_FIRST_RUN=1 "${RUNSTAT}" "$1" create -Fq "${work}/floor.cfg" >"${work}/out" 2>"${work}/err"
	# A failed run is said, and not counted.
	grep -q "KIT-POWEROFF" "${work}/out" || { echo "$2 run $r failed" >&2; cat "${work}/err" >&2; return; }
	field wall "${work}/err" >>"${work}/$2.wall"
	field rss_mib "${work}/err" >>"${work}/$2.rss"
	sed -n 's/.*after \([0-9.]*\) ms of VMM CPU time.*/\1/p' "${work}/err" >>"${work}/$2.cpu"
}

for r in $(seq "${RUNS}"); do
	run_xlc "${XLC}" xlc
	[ -n "${XLC_BEFORE:-}" ] && run_xlc "${XLC_BEFORE}" before
	"${RUNSTAT}" "${QEMU[@]}" >"${work}/out" 2>"${work}/err"
	if grep -q "KIT-POWEROFF" "${work}/out"; then
		field wall "${work}/err" >>"${work}/qemu.wall"
		field rss_mib "${work}/err" >>"${work}/qemu.rss"
	else
		echo "qemu run $r failed" >&2
		cat "${work}/err" >&2
	fi
done
xw=$(median "${work}/xlc.wall") qw=$(median "${work}/qemu.wall")
xr=$(median "${work}/xlc.rss") qr=$(median "${work}/qemu.rss")
echo "## VMM floor on kvm-pvm ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(machine). The kit guest \`poweroff\` (it powers off through ACPI at once), 64 MiB,"
echo "${RUNS} interleaved runs each; median [min-max]."
echo
echo "| VMM | start to exit (s) | peak RSS (MiB) | VMM CPU before the first guest instruction (ms) |"
echo "|---|---|---|---|"
echo "| xlc create -F | $(stats "${work}/xlc.wall") | $(stats "${work}/xlc.rss") | $(stats "${work}/xlc.cpu") |"
[ -n "${XLC_BEFORE:-}" ] &&
	echo "| xlc before (${XLC_BEFORE_LABEL:-${XLC_BEFORE}}) | $(stats "${work}/before.wall") | $(stats "${work}/before.rss") | $(stats "${work}/before.cpu") |"
echo "| qemu -M microvm (PVH) | $(stats "${work}/qemu.wall") | $(stats "${work}/qemu.rss") | n/a |"
if [ -n "${BENCH_OUT:-}" ]; then
	printf 'xlc %s %s\nqemu-microvm %s %s\n' "$xw" "$xr" "$qw" "$qr" >"${BENCH_OUT}/floor.dat"
fi
echo "| ratio qemu / xlc | $(awk -v a="$qw" -v b="$xw" 'BEGIN { printf "%.1fx", a / b }') | $(awk -v a="$qr" -v b="$xr" 'BEGIN { printf "%.1fx", a / b }') | |"
