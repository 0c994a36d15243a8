#!/bin/sh
# /init of xlc's Linux guest fixture. It loads the virtio modules, prints a
# marker and what it sees, then does what xlc.test= on the kernel command
# line asks:
#   poweroff | reboot | halt    leave that way (-f), right after the marker
#   panic                       crash the kernel (sysrq c)
#   meminfo                     print MemTotal every second (mem-set's balloon)
#   cpus                        print the online and present CPUs whenever they
#                               change (vcpu-set)
#   cdrom                       print /dev/vda's size and first bytes (read
#                               past the page cache) whenever they change
#                               (cd-insert, cd-eject)
#   count                       (save, restore) every second: count, write the
#                               count to /dev/vda (synced) and print it with
#                               the boot id and uptime; xlc.ip= on eth0
#   spin | idle                 burn one CPU / sleep, forever
#   spin2                       burn two CPUs, forever
#   disk                        mount /dev/vda, print /host.txt, write /guest.txt
#                               and sync, then idle
#   diskro                      try to write /dev/vda (it must fail), then idle
#   net                         xlc.ip= on eth0; ping xlc.host= and xlc.peer=,
#                               fetch the host's /blob over HTTP, serve a blob
#                               of our own, fetch the peer's; then idle
#   ioload                      keep reading and writing /dev/vda, fetching xlc.host='s
#                               /blob (with xlc.ip=), in the background; idle
#   iobench                     (tests/bench/io.sh) run iobench from the ext4 disk
#                               on the other disk, time a fetch of xlc.host's
#                               /big, serve /big of our own; then idle
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
	echo "XLC-INFO cmdline=$(cat /proc/cmdline)"
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
# systemd-logind does on a full distribution; xlc.nobutton=1 makes a guest
# that ignores it (as one without acpid or logind does).
for d in /sys/class/input/input*; do
	[ "$(arg xlc.nobutton)" = 1 ] && break
	[ "$(cat "$d/name" 2>/dev/null)" = "Power Button" ] || continue
	for e in "$d"/event*; do
		[ -e "$e" ] || continue
		(dd if="/dev/input/$(basename "$e")" bs=24 count=1 >/dev/null 2>&1 &&
			echo "XLC-POWER-BUTTON" && poweroff -f) &
	done
done

# A vCPU that vcpu-set adds arrives offline, as on any ACPI machine; user
# space onlines it. This is the udev rule RHEL, SUSE and Ubuntu ship
# (SUBSYSTEM=="cpu", ACTION=="add", ATTR{online}="1"); Debian needs it added.
uevent sh -c '[ "$SUBSYSTEM" = cpu ] && [ "$ACTION" = add ] && echo 1 >"/sys$DEVPATH/online"' \
	>/dev/null 2>&1 &

# Ctrl-Alt-Del (xlc reboot) signals init, as on a distribution where
# systemd turns it into an orderly reboot; the kernel's default would reset.
echo 0 >/proc/sys/kernel/ctrl-alt-del
trap 'echo "XLC-CTRL-ALT-DEL"; sync; reboot -f' INT
# busybox's poweroff, reboot and halt signal init, as Xen's PV shutdown and
# reboot requests do through the kernel's orderly_poweroff: do what they ask.
trap 'echo "XLC-POWEROFF-REQUEST"; sync; poweroff -f' USR2
trap 'echo "XLC-REBOOT-REQUEST"; sync; reboot -f' TERM
trap 'sync; halt -f' USR1

info
echo "xlc: marker" >/dev/kmsg
echo "XLC-GUEST-READY uptime=$(cut -d' ' -f1 /proc/uptime)"

# Init waits in the background so that its signal traps run at once.
idle() {
	while :; do
		sleep 3600 &
		wait $!
	done
}

# Waits up to 60 s for a command to succeed.
retry() {
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 60 ] || return 1
		sleep 1
	done
}

disk_test() {
	mount -t ext4 /dev/vda /mnt || { echo "XLC-DISK mount failed"; return; }
	echo "XLC-DISK-HOSTFILE $(cat /mnt/host.txt)"
	echo "written by the guest $(cat /proc/sys/kernel/random/uuid)" >/mnt/guest.txt
	sync
	echo "XLC-DISK-SYNCED $(cat /mnt/guest.txt)"
}

diskro_test() {
	if dd if=/dev/zero of=/dev/vda bs=4096 count=1 oflag=direct 2>/dev/null; then
		echo "XLC-DISK-RO write=succeeded"
	else
		echo "XLC-DISK-RO write=failed"
	fi
	# noload: the journal may need replaying (a killed VMM), which a read-only disk cannot do
	mount -t ext4 -o ro,noload /dev/vda /mnt && echo "XLC-DISK-HOSTFILE $(cat /mnt/host.txt)"
}

net_test() {
	ip link set lo up
	ip link set eth0 up
	ip addr add "$(arg xlc.ip)" dev eth0
	echo "XLC-NET-LINK mac=$(cat /sys/class/net/eth0/address) mtu=$(cat /sys/class/net/eth0/mtu)"
	host=$(arg xlc.host)
	peer=$(arg xlc.peer)
	retry ping -c 1 -W 1 "${host}" && echo "XLC-NET-PING host=ok"
	wget -q -O /tmp/host.blob "http://${host}:8080/blob" &&
		echo "XLC-NET-WGET host md5=$(md5sum </tmp/host.blob | cut -c1-32)"
	mib=$(arg xlc.mib)
	mkdir -p /srv
	dd if=/dev/urandom of=/srv/blob bs=1M count="${mib:-4}" 2>/dev/null
	httpd -p 8080 -h /srv
	echo "XLC-NET-SERVING md5=$(md5sum </srv/blob | cut -c1-32)"
	[ -n "${peer}" ] || return
	retry ping -c 1 -W 1 "${peer}" && echo "XLC-NET-PING peer=ok"
	retry wget -q -O /tmp/peer.blob "http://${peer}:8080/blob" &&
		echo "XLC-NET-WGET peer md5=$(md5sum </tmp/peer.blob | cut -c1-32)"
}

# Sustained I/O for top's counters: disk reads past the page cache, HTTP.
ioload_test() {
	if [ -n "$(arg xlc.ip)" ]; then
		ip link set lo up
		ip link set eth0 up
		ip addr add "$(arg xlc.ip)" dev eth0
		(while :; do wget -q -O /dev/null "http://$(arg xlc.host):8080/blob"; sleep 0.5; done) &
	fi
	if [ -b /dev/vda ]; then
		(while :; do
			dd if=/dev/vda of=/dev/null bs=64k count=64 2>/dev/null
			dd if=/dev/zero of=/dev/vda bs=64k count=16 seek=256 conv=fsync 2>/dev/null
			echo 3 >/proc/sys/vm/drop_caches
			sleep 0.2 # steady, but light: the spinning guest must keep a whole CPU
		done) &
	fi
	echo "XLC-IOLOAD running"
}

# The I/O benchmark's guest side: iobench (a static binary on whichever disk
# holds an ext4 file system) on the other disk, then the network.
iobench_test() {
	tools="" target=""
	for d in /dev/vd?; do
		if [ -z "${tools}" ] && mount -t ext4 -o ro "$d" /mnt 2>/dev/null; then
			tools=$d
		else
			target=$d
		fi
	done
	/mnt/iobench "${target}" "$(arg xlc.mib)" 5
	ip link set lo up
	ip link set eth0 up
	ip addr add "$(arg xlc.ip)" dev eth0
	retry ping -c 1 -W 1 "$(arg xlc.host)"
	t0=$(cut -d' ' -f1 /proc/uptime)
	wget -q -O /dev/null "http://$(arg xlc.host):8080/big"
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "XLC-IO net_rx_mbs=$(awk -v a="$t0" -v b="$t1" -v m="$(arg xlc.mib)" 'BEGIN { printf "%.1f", m / (b - a) }')"
	mkdir -p /srv
	dd if=/dev/zero of=/srv/big bs=1M count="$(arg xlc.mib)" 2>/dev/null
	httpd -p 8080 -h /srv
	echo "XLC-IO-DONE"
}

case "${test}" in
disk) disk_test ;;
iobench) iobench_test ;;
ioload) ioload_test ;;
diskro) diskro_test ;;
net) net_test ;;
esac
case "${test}" in
disk | diskro | net | ioload | iobench) idle ;;
poweroff) poweroff -f ;;
reboot) reboot -f ;;
halt) halt -f ;;
panic) echo c >/proc/sysrq-trigger ;;
spin) while :; do :; done ;;
meminfo) # the balloon's effect, seen from inside: MemTotal every second
	# Touch 120 MiB and free it: free pages the host holds, for the balloon to return.
	dd if=/dev/zero of=/fill bs=1M count=120 2>/dev/null
	rm -f /fill
	while :; do
		echo "XLC-MEM total_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
		sleep 1
	done
	;;
cpus) # vcpu-set, seen from inside
	last=""
	while :; do
		now="$(cat /sys/devices/system/cpu/online) present=$(cat /sys/devices/system/cpu/present)"
		[ "${now}" = "${last}" ] || echo "XLC-CPUS online=${now}"
		last=${now}
		sleep 0.5
	done
	;;
cdrom) # cd-insert and cd-eject, seen from inside
	last=""
	while :; do
		head=$(dd if=/dev/vda bs=4096 count=1 iflag=direct 2>/dev/null | head -c 24 | tr -c '[:alnum:] -' .)
		now="size=$(cat /sys/block/vda/size) head=${head}"
		[ "${now}" = "${last}" ] || echo "XLC-CD ${now}"
		last=${now}
		sleep 0.5
	done
	;;
count) # save and restore, seen from inside: the same boot, counting on
	boot=$(cat /proc/sys/kernel/random/boot_id)
	if [ -n "$(arg xlc.ip)" ]; then
		ip link set lo up
		ip link set eth0 up
		ip addr add "$(arg xlc.ip)" dev eth0
	fi
	n=0
	while :; do
		n=$((n + 1))
		[ -b /dev/vda ] && echo "XLC-DISK-COUNT ${n}" |
			dd of=/dev/vda bs=512 count=1 conv=sync,fsync 2>/dev/null
		echo "XLC-COUNT n=${n} boot=${boot} up=$(cut -d' ' -f1 /proc/uptime)"
		sleep 1
	done
	;;
spin2)
	(while :; do :; done) &
	while :; do :; done
	;;
idle) idle ;;
esac
while :; do
	setsid cttyhack sh </dev/console >/dev/console 2>&1 &
	wait $!
done
