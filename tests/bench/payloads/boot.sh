#!/bin/sh
# Runs inside the KVM test host (tests/bench/linux-boot.sh): the stock Debian
# guest fixture, 1 vCPU and 256 MiB, booted to its marker and to process exit
# after it powers off, under xlc, QEMU microvm as its users tune it for boot time,
# QEMU microvm and pc with their defaults, RUNS times each, interleaved. One
# RESULT line per boot; one CMD line per VMM with its exact command line.
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
	[ "$r" -eq 1 ] && echo "CMD $label $*"
	runstat -m XLC-GUEST-READY "$@" >out 2>err
	uptime=$(sed -n 's/.*XLC-GUEST-READY uptime=\([0-9.]*\).*/\1/p' out | tr -d '\r')
	echo "RESULT $label $(grep '^runstat' err | sed 's/^runstat //') guest_uptime=${uptime:--}"
}

r=0
while [ $r -lt "$RUNS" ]; do
	r=$((r + 1))
	one xlc xlc create -Fq boot.cfg
	# microvm as its users tune it for boot time: an RTC (without one the
	# kernel waits for it: issue 19's measurement), no option ROMs. With
	# acpi=off as well (qboot instead of SeaBIOS; no PIT, no PIC; reboot by
	# triple fault and -no-reboot to end) the run had not ended after 11
	# minutes in this host (2026-12-03, not looked into), so ACPI stays, as
	# xlc's own machine has it.
	# shellcheck disable=SC2086
	one qemu-microvm-best qemu-system-x86_64 -M microvm,x-option-roms=off,rtc=on \
		$QEMU_COMMON -append "$APPEND"
	# shellcheck disable=SC2086
	one qemu-microvm qemu-system-x86_64 -M microvm $QEMU_COMMON -append "$APPEND"
	# shellcheck disable=SC2086
	one qemu-pc qemu-system-x86_64 -M pc $QEMU_COMMON -append "$APPEND"
done
