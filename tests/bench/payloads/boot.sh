#!/bin/sh
# Runs inside the KVM test host (tests/bench/linux-boot.sh): the stock Debian
# guest fixture, 1 vCPU and 256 MiB, booted to its marker and to process exit
# after it powers off, under xlc, QEMU microvm (ACPI) and QEMU pc, RUNS times
# each, interleaved. One RESULT line per boot.
export XLC_RUN_DIR=/run/xlc XLC_LOG_DIR=/var/log/xlc
RUNS=${RUNS:-7}
K=/payload/guest/vmlinuz
I=/payload/guest/initramfs.cpio.gz
APPEND="console=ttyS0 quiet xlc.test=poweroff"
cat >boot.cfg <<CFG
name = "boot"
memory = 256
vcpus = 1
kernel = "$K"
ramdisk = "$I"
cmdline = "$APPEND"
CFG
QEMU_COMMON="-enable-kvm -cpu host -m 256 -smp 1 -nodefaults -no-user-config -nographic -serial stdio -kernel $K -initrd $I"

one() { # label command...
	label=$1
	shift
	runstat -m XLC-GUEST-READY "$@" >out 2>err
	uptime=$(sed -n 's/.*XLC-GUEST-READY uptime=\([0-9.]*\).*/\1/p' out | tr -d '\r')
	echo "RESULT $label $(grep '^runstat' err | sed 's/^runstat //') guest_uptime=${uptime:--}"
}

r=0
while [ $r -lt "$RUNS" ]; do
	r=$((r + 1))
	one xlc xlc create -Fq boot.cfg
	# shellcheck disable=SC2086
	one qemu-microvm qemu-system-x86_64 -M microvm $QEMU_COMMON -append "$APPEND"
	# shellcheck disable=SC2086
	one qemu-pc qemu-system-x86_64 -M pc $QEMU_COMMON -append "$APPEND"
done
