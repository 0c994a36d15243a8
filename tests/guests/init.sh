#!/bin/sh
# /init of xlc's Linux guest fixture. It loads the virtio modules, prints a
# marker and what it sees, then does what xlc.test= on the kernel command
# line asks:
#   poweroff | reboot | halt    leave that way (-f), right after the marker
#   panic                       crash the kernel (sysrq c)
#   spin | idle                 burn one CPU / sleep, forever
#   shell (default)             a shell on the console
# Lines it prints start with XLC- so tests can find them in a console log.
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
exec </dev/console >/dev/console 2>&1

arg() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
test=$(arg xlc.test)

while read -r m; do
	insmod "/lib/modules/${m}" 2>/dev/null
done </lib/modules/load.list

info() {
	echo "XLC-INFO kernel=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)" \
		"mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
	for d in /sys/bus/virtio/devices/*; do
		[ -e "$d" ] || continue
		echo "XLC-INFO virtio=$(basename "$d") id=$(cat "$d/device")" \
			"driver=$(basename "$(readlink "$d/driver" 2>/dev/null)")"
	done
	for b in /sys/block/vd*; do
		[ -e "$b" ] && echo "XLC-INFO disk=$(basename "$b") sectors=$(cat "$b/size") ro=$(cat "$b/ro")"
	done
	for n in /sys/class/net/eth*; do
		[ -e "$n" ] && echo "XLC-INFO nic=$(basename "$n") mac=$(cat "$n/address")"
	done
}
# The ACPI power button (xlc shutdown) powers the guest off, as
# systemd-logind does on a full distribution.
for d in /sys/class/input/input*; do
	[ "$(cat "$d/name" 2>/dev/null)" = "Power Button" ] || continue
	for e in "$d"/event*; do
		[ -e "$e" ] || continue
		(dd if="/dev/input/$(basename "$e")" bs=24 count=1 >/dev/null 2>&1 &&
			echo "XLC-POWER-BUTTON" && poweroff -f) &
	done
done

info
echo "xlc: marker" >/dev/kmsg
echo "XLC-GUEST-READY uptime=$(cut -d' ' -f1 /proc/uptime)"

case "${test}" in
poweroff) poweroff -f ;;
reboot) reboot -f ;;
halt) halt -f ;;
panic) echo c >/proc/sysrq-trigger ;;
spin) while :; do :; done ;;
idle) while :; do sleep 3600; done ;;
esac
while :; do
	setsid cttyhack sh
done
