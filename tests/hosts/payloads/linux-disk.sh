#!/bin/sh
# Runs inside the KVM test host: a stock Debian guest and its virtio disks
# under xlc. The host makes an ext4 image holding a known file; the guest
# mounts it, reads the file, writes its own and syncs; the host then reads
# the guest's file out of the image with debugfs, after destroy and after
# the VMM was killed with SIGKILL right after the guest's sync returned.
# Also: a second writable user of the image is refused, two disks appear in
# vdev order, a read-only disk cannot be written, and qcow2 images (an
# overlay, a whole image) are written through qemu-storage-daemon, and
# bootloader = "pygrub" boots the stock kernel from the guest's own disk. Prints CHECK lines
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

# qcow2, served by qemu-storage-daemon: an overlay on the raw image (its
# backing file), shut down cleanly; then the image as a whole qcow2, destroyed.
base=$(md5sum </srv/disk.img)
qemu-img create -q -f qcow2 -b /srv/disk.img -F raw /srv/ov.qcow2
cfg q1 disk /srv/ov.qcow2,qcow2,xvda,w
xlc create -q q1.cfg && wait_for q1 XLC-DISK-SYNCED 300
log q1 | grep -E 'XLC-INFO disk=|XLC-DISK' | sed 's/^/q1 /'
synced=$(log q1 | sed -n 's/.*XLC-DISK-SYNCED //p' | tr -d '\r')
xlc shutdown -w q1
echo "CHECK q1 shutdown exit $?"
[ "$(md5sum </srv/disk.img)" = "$base" ] && echo "CHECK backing file unchanged"
qemu-img convert -O raw /srv/ov.qcow2 /srv/ov.raw
[ -n "$synced" ] && [ "$(/usr/sbin/debugfs -R 'cat /guest.txt' /srv/ov.raw 2>/dev/null)" = "$synced" ] &&
	echo "CHECK the overlay has: $synced"
qemu-img convert -O qcow2 /srv/disk.img /srv/whole.qcow2
cfg q2 disk /srv/whole.qcow2,qcow2,xvda,w
xlc create -q q2.cfg && wait_for q2 XLC-DISK-SYNCED 300
synced=$(log q2 | sed -n 's/.*XLC-DISK-SYNCED //p' | tr -d '\r')
xlc destroy q2
qemu-img convert -O raw /srv/whole.qcow2 /srv/whole.raw
[ -n "$synced" ] && [ "$(/usr/sbin/debugfs -R 'cat /guest.txt' /srv/whole.raw 2>/dev/null)" = "$synced" ] &&
	echo "CHECK the qcow2 has: $synced"
# bootloader = "pygrub" as xen-tools writes it: the root filesystem image
# (no partition table) first, as xvda2, with GRUB legacy's menu.lst naming
# the stock kernel and initramfs; root= is pygrub's --args. Then
# --entry=1, and a partitioned disk with a grub.cfg of Debian's shape.
mkdir -p /srv/pgroot/boot/grub
cp /payload/guest/vmlinuz /srv/pgroot/boot/vmlinuz-6.1.0-2
cp /payload/guest/initramfs.cpio.gz /srv/pgroot/boot/initrd.img-6.1.0-2
cat >/srv/pgroot/boot/grub/menu.lst <<'MENU'
default 0
timeout 2
title Debian GNU/Linux, kernel 6.1.0-2
root (hd0,0)
kernel /boot/vmlinuz-6.1.0-2 console=ttyS0 quiet xlc.test=poweroff xlc.entry=0
initrd /boot/initrd.img-6.1.0-2
title Debian GNU/Linux, kernel 6.1.0-2 (single-user mode)
root (hd0,0)
kernel /boot/vmlinuz-6.1.0-2 console=ttyS0 quiet xlc.test=poweroff xlc.entry=1 single
initrd /boot/initrd.img-6.1.0-2
MENU
/usr/sbin/mke2fs -q -t ext4 -d /srv/pgroot -F /srv/pgroot.img 60M
truncate -s 8M /srv/swap.img
pygrub_cfg() { # name extra-line
	cat >"$1.cfg" <<CFG
#
# Configuration file for the Xen instance $1, created
# by xen-tools 4.9.2 on Wed Dec  2 12:00:00 2026.
#
bootloader = 'pygrub'
vcpus       = '1'
memory      = '192'
root        = '/dev/xvda2 ro'
disk        = [
                  'file:/srv/pgroot.img,xvda2,w',
                  'file:/srv/swap.img,xvda1,w',
              ]
name        = '$1'
on_poweroff = 'destroy'
on_reboot   = 'restart'
on_crash    = 'restart'
$2
CFG
}
pygrub_boot() { # name: its command line and where the VMM found its kernel
	xlc create -q "$1.cfg" && wait_for "$1" 'XLC-INFO cmdline=' 300
	echo "CHECK $1 $(log "$1" | grep -o 'XLC-INFO cmdline=.*' | tr -d '\r')"
	echo "CHECK $1 $(grep -o 'bootloader: .*' "$XLC_LOG_DIR/xlc-$1.log" | tail -1)"
	echo "CHECK $1 $(log "$1" | grep -o 'XLC-INFO kernel=[^ ]*' | tr -d '\r')"
	xlc destroy "$1" 2>/dev/null
}
pygrub_cfg pg1 ""
pygrub_boot pg1
pygrub_cfg pg2 "bootloader_args = [ '--entry=1' ]"
pygrub_boot pg2
# Debian's installer: an MBR partition at 1 MiB, /boot/grub/grub.cfg.
rm /srv/pgroot/boot/grub/menu.lst
cat >/srv/pgroot/boot/grub/grub.cfg <<'MENU'
set default="0"
menuentry 'Debian GNU/Linux' --class debian --class gnu-linux $menuentry_id_option 'gnulinux-simple' {
	insmod ext2
	set root='hd0,msdos1'
	echo	'Loading Linux 6.1.0-2 ...'
	linux	/boot/vmlinuz-6.1.0-2 root=/dev/vda1 ro console=ttyS0 quiet xlc.test=poweroff xlc.entry=grub
	initrd	/boot/initrd.img-6.1.0-2
}
MENU
/usr/sbin/mke2fs -q -t ext4 -d /srv/pgroot -F /srv/pgpart.img 60M
# one partition of type 0x83 from sector 2048, 122880 sectors long
{ head -c 446 /dev/zero
  printf '\0\0\0\0\203\0\0\0\0\10\0\0\0\340\1\0'
  head -c 48 /dev/zero
  printf '\125\252'; } >/srv/pg.img
dd if=/srv/pgpart.img of=/srv/pg.img bs=512 seek=2048 conv=notrunc 2>/dev/null
cat >pg3.cfg <<'CFG'
name = "pg3"
memory = 192
bootloader = "pygrub"
disk = [ '/srv/pg.img,raw,xvda,w' ]
CFG
pygrub_boot pg3

pgrep qemu-storage >/dev/null || echo "CHECK no qemu-storage-daemon left"
[ -z "$(ls $XLC_RUN_DIR)" ] && echo "CHECK run dir empty"
