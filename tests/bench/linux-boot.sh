#!/bin/bash
# Linux boot inside the nested KVM host: the same stock Debian kernel and
# initramfs, 1 vCPU, 256 MiB, to the guest's marker (its /init's first line)
# and to process exit after it leaves, under xlc, QEMU microvm tuned for boot
# time, QEMU microvm and pc with their defaults, RUNS (>= 7) interleaved runs
# each. The guest's own uptime at the marker (kernel time since it started)
# tells VMM time from kernel time.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
. "${HERE}/lib.sh"
RUNS=${RUNS:-7}
work=$(mktemp -d /tmp/xlc-bench-boot.XXXXXX)
trap 'rm -rf "${work}"' EXIT
cp "${HERE}/payloads/boot.sh" "${work}/run-boot.sh"
"${REPO}/tests/hosts/kvm" -t $((120 + RUNS * 80)) -x "${REPO}/build/xlc" -x "${REPO}/build/bench/runstat" \
	-p "${work}" -- env RUNS="${RUNS}" sh ./run-boot.sh >"${work}/log" 2>&1
grep -q '^RESULT' "${work}/log" || { echo "the nested host produced no results:" >&2; tail -20 "${work}/log" >&2; exit 1; }
for vmm in xlc qemu-microvm-best qemu-microvm qemu-pc; do
	grep "^RESULT ${vmm} " "${work}/log" | sed -n 's/.* wall=\([0-9.]*\).*/\1/p' >"${work}/${vmm}.wall"
	grep "^RESULT ${vmm} " "${work}/log" | sed -n 's/.* marker=\([0-9.]*\).*/\1/p' >"${work}/${vmm}.marker"
	grep "^RESULT ${vmm} " "${work}/log" | sed -n 's/.* guest_uptime=\([0-9.]*\).*/\1/p' >"${work}/${vmm}.uptime"
	grep "^RESULT ${vmm} " "${work}/log" | sed -n 's/.* rss_mib=\([0-9.]*\).*/\1/p' >"${work}/${vmm}.rss"
done
echo "## Linux boot in the nested KVM host ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(machine); the host is a QEMU TCG VM (-cpu max, kvm_amd inside), so absolute"
echo "times are those of nested virtualization under emulation: compare the ratios."
echo "Debian's cloud kernel and the guest fixture's initramfs, 1 vCPU, 256 MiB; ${RUNS} interleaved"
echo "runs each; median [min-max] seconds. Guest uptime at the marker is the kernel's own clock"
echo "(it starts after the decompressor has run): what is left of \"to marker\" is VMM, firmware and decompressor."
echo
echo "| VMM | to marker | to exit after poweroff | guest uptime at marker | peak RSS (MiB) |"
echo "|---|---|---|---|---|"
for vmm in xlc qemu-microvm-best qemu-microvm qemu-pc; do
	echo "| ${vmm} | $(stats "${work}/${vmm}.marker") | $(stats "${work}/${vmm}.wall") | $(stats "${work}/${vmm}.uptime") | $(stats "${work}/${vmm}.rss") |"
done
if [ -n "${BENCH_OUT:-}" ]; then
	for vmm in xlc qemu-microvm-best qemu-microvm qemu-pc; do
		echo "${vmm} $(median "${work}/${vmm}.marker") $(median "${work}/${vmm}.wall") $(median "${work}/${vmm}.uptime")"
	done >"${BENCH_OUT}/boot.dat"
fi
xm=$(median "${work}/xlc.marker")
for vmm in qemu-microvm-best qemu-microvm qemu-pc; do
	awk -v a="$(median "${work}/${vmm}.marker")" -v b="${xm}" -v v="${vmm}" \
		'BEGIN { printf "\n%s / xlc, time to marker: %.2fx", v, a / b }'
done
echo
echo
echo "The command lines, as run (the xlc row: boot.cfg with the same kernel, initramfs and cmdline):"
echo
sed -n 's/^CMD \([^ ]*\) /- \1: `/p' "${work}/log" | tr -d '\r' | sed 's/$/`/'
