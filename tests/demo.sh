#!/bin/bash
# xlc's main job on the bundled example guest: builds xlc and the Debian
# guest fixture, then boots examples/guest.cfg with its console attached
# (leave with ^], end it with `build/xlc destroy example`).
# A /dev/kvm without VT-x/AMD-V (such as kvm-pvm) cannot run stock Linux:
# there the same guest boots inside the nested KVM test host instead, in
# the foreground, and powers itself off.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s all
tests/guests/mkguest.sh
if grep -qwE 'vmx|svm' /proc/cpuinfo; then
	exec build/xlc create -c examples/guest.cfg
fi
echo "demo: this /dev/kvm cannot boot stock Linux; booting the example in the nested KVM host"
exec tests/hosts/kvm -t 300 -x build/xlc -p examples -- xlc create -F guest.cfg \
	'kernel="/payload/guest/vmlinuz"' 'ramdisk="/payload/guest/initramfs.cpio.gz"' \
	'cmdline="console=ttyS0 quiet xlc.test=poweroff"'
