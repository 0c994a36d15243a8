#!/bin/bash
# I/O inside the nested KVM host: sequential write and read (1 MiB, O_DIRECT)
# and 4 KiB random reads of a disk image from the guest (raw, then qcow2),
# and its TCP throughput both ways over a bridge (HTTP, 64 MiB), xlc against
# QEMU microvm with virtio-mmio devices on the same image and bridge, tuned
# as its users tune it for I/O and with its defaults.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
. "${HERE}/lib.sh"
RUNS=${RUNS:-3}
work=$(mktemp -d /tmp/xlc-bench-io.XXXXXX)
trap 'rm -rf "${work}"' EXIT
cp "${HERE}/payloads/io.sh" "${work}/run-io.sh"
gcc -O2 -static -o "${work}/iobench" "${HERE}/iobench.c" || exit 1
"${REPO}/tests/hosts/kvm" -t $((180 + RUNS * 720)) -x "${REPO}/build/xlc" -p "${work}" -- \
	env RUNS="${RUNS}" sh ./run-io.sh >"${work}/log" 2>&1
grep -q '^RESULT' "${work}/log" || { echo "the nested host produced no results:" >&2; tail -20 "${work}/log" >&2; exit 1; }
echo "## I/O in the nested KVM host ($(date -u +%Y-%m-%d))"
echo
echo "Machine: $(machine); inside a QEMU TCG VM with nested KVM: compare ratios, not absolutes."
echo "A 256 MiB image (raw; a fresh qcow2 for the -qcow2 rows), 64 MiB transferred, ${RUNS} interleaved runs each; median [min-max]."
echo "qemu-microvm-best: an iothread and aio=io_uring for the disk, vhost=on for the NIC; qemu-microvm: its defaults."
echo
echo "| VMM | seq write MB/s | seq read MB/s | 4 KiB random read IOPS | guest receive MB/s | guest send MB/s |"
echo "|---|---|---|---|---|---|"
for vmm in xlc qemu-microvm-best qemu-microvm xlc-qcow2 qemu-microvm-best-qcow2 qemu-microvm-qcow2; do
	row="| ${vmm} |"
	for k in seq_write_mbs seq_read_mbs rand_read_iops net_rx_mbs net_tx_mbs; do
		grep "^RESULT ${vmm} " "${work}/log" | sed -n "s/.* ${k}=\([0-9.]*\).*/\1/p" >"${work}/${vmm}.${k}"
		row="${row} $(stats "${work}/${vmm}.${k}") |"
	done
	echo "${row}"
done
echo
echo "The QEMU command lines, as run (xlc: the same kernel, initramfs, cmdline, images and bridge in io.cfg):"
echo
sed -n 's/^CMD \([^ ]*\) /- \1: `/p' "${work}/log" | tr -d '\r' | sed 's/$/`/'
if [ -n "${BENCH_OUT:-}" ]; then
	for vmm in xlc qemu-microvm-best; do
		echo "${vmm} $(for k in seq_write_mbs seq_read_mbs rand_read_iops net_rx_mbs net_tx_mbs; do median "${work}/${vmm}.$k"; done | tr '\n' ' ')"
	done >"${BENCH_OUT}/io.dat"
fi
