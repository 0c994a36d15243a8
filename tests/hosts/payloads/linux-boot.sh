#!/bin/sh
# Runs inside the KVM test host: boots the Debian guest fixture under xlc
# with 1 and with 2 vCPUs; each powers itself off through ACPI.
set -e
for n in 1 2; do
	cat >guest-$n.cfg <<CFG
name = "fixture$n"
memory = 256
vcpus = $n
kernel = "guest/vmlinuz"
ramdisk = "guest/initramfs.cpio.gz"
cmdline = "console=ttyS0 quiet xlc.test=poweroff"
CFG
	echo "== boot vcpus=$n"
	timeout -s KILL 400 xlc -v create -Fq guest-$n.cfg
	echo "== exit $?"
done
