#!/bin/sh
# Runs inside the KVM test host: a stock Debian guest and its virtio disks
# under xlc. The host makes an ext4 image holding a known file; the guest
# mounts it, reads the file, writes its own and syncs; the host then reads
# the guest's file out of the image with debugfs, after destroy and after
# the VMM was killed with SIGKILL right after the guest's sync returned.
# Also: a second writable user of the image is refused, two disks appear in
# vdev order, and a read-only disk cannot be written. Prints CHECK lines
# that tests/bats/kvm-linux.bats asserts on.
. ./lib.sh
cfg() { # name test disks...
	name=$1 test=$2
	shift 2
	disks=""
	for d in "$@"; do disks="${disks}${disks:+, }'$d'"; done
	cat >"$name.cfg" <<CFG
name = "$name"
memory = 192
kernel = "/payload/guest/vmlinuz"
ramdisk = "/payload/guest/initramfs.cpio.gz"
cmdline = "console=ttyS0 quiet xlc.test=$test"
disk = [ $disks ]
CFG
}
guest_file() { /usr/sbin/debugfs -R 'cat /guest.txt' /srv/disk.img 2>/dev/null; }

mkdir -p /srv/fs
echo "hello from the host $(cat /proc/sys/kernel/random/uuid)" >/srv/fs/host.txt
/usr/sbin/mke2fs -q -t ext4 -d /srv/fs -F /srv/disk.img 64M
truncate -s 3M /srv/second.img
echo "CHECK host file $(cat /srv/fs/host.txt)"

# Destroy after sync; the second disk (xvdb) is listed first in the config.
cfg d1 disk /srv/second.img,raw,xvdb,w /srv/disk.img,raw,xvda,w
xlc create -q d1.cfg && wait_for d1 XLC-DISK-SYNCED 300
log d1 | grep -E 'XLC-INFO disk=|XLC-DISK'
synced=$(log d1 | sed -n 's/.*XLC-DISK-SYNCED //p' | tr -d '\r')
cfg d2 disk /srv/disk.img,raw,xvda,w
xlc create -q d2.cfg
echo "CHECK second writer exit $?"
xlc destroy d1
[ "$(guest_file)" = "$synced" ] && echo "CHECK after destroy the image has: $synced"

# SIGKILL right after the sync: what the guest was told is stable, is.
cfg d3 disk /srv/disk.img,raw,xvda,w
xlc create -q d3.cfg && wait_for d3 XLC-DISK-SYNCED 300
kill -KILL "$(xlc list --json | jq '.[] | select(.name == "d3") | .pid')"
synced=$(log d3 | sed -n 's/.*XLC-DISK-SYNCED //p' | tr -d '\r')
sleep 1
[ "$(guest_file)" = "$synced" ] && echo "CHECK after SIGKILL the image has: $synced"
xlc list | grep -q '^d3 ' || echo "CHECK d3 gone"

# Read-only: the guest's write fails and the image does not change.
before=$(md5sum </srv/disk.img)
cfg ro diskro /srv/disk.img,raw,xvda,r
xlc create -q ro.cfg && wait_for ro XLC-DISK-HOSTFILE 300
log ro | grep -E 'XLC-INFO disk=|XLC-DISK'
xlc destroy ro
[ "$(md5sum </srv/disk.img)" = "$before" ] && echo "CHECK read-only image unchanged"
[ -z "$(ls $XLC_RUN_DIR)" ] && echo "CHECK run dir empty"
