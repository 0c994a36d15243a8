#!/bin/sh
# /init of the Xen test host's dom0 (Debian's amd64 kernel under Xen 4.17).
# Starts the Xen daemons the Debian way (/etc/init.d/xen: xenfs, oxenstored,
# xenconsoled, xen-init-dom0), then runs /payload/run.sh under a timeout:
#   XLC-HOST-READY, XLC-HOST-ALIVE every 5 s, XLC-HOST-EXIT rc=N, as on the KVM host.
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm /run /tmp /var/log/xen /var/run/xen
mount -t devpts devpts /dev/pts
mount -t tmpfs run /run
mount -t tmpfs tmp /tmp
# The links udev makes on a full system: Xen's hotplug lock (locking.sh, for
# block-attach's block script) stats /dev/stdin, and waits for ever without it.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
exec </dev/console >/dev/console 2>&1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
arg() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
hostname xlc-xen-host
ip link set lo up
for m in $(cat /lib/modules/xlc-load.list); do modprobe "$m" 2>/dev/null; done
if ! /etc/init.d/xen start >/var/log/xen/init.log 2>&1; then
	echo "XLC-HOST-WARN /etc/init.d/xen start failed:"
	tail -20 /var/log/xen/init.log
fi
# The heartbeat: while it comes, the host is alive, however slow the command.
(while sleep 5; do echo XLC-HOST-ALIVE; done) &
echo "XLC-HOST-READY"
cd /payload && timeout -s KILL "$(arg xlc.timeout)" sh ./run.sh
rc=$?
# Out of time: the command's processes are killed; what is left of them did
# not die, so say where each waits in the kernel, with the domains and logs.
if [ "${rc}" -eq 137 ]; then
	sleep 2
	ps -eo pid,ppid,stat,wchan:28,etime,args | grep -vE ' \[[^]]*\]$' | sed 's/^/DIAG ps: /'
	for s in /proc/[0-9]*/stat; do
		case $(cut -d' ' -f3 "${s}" 2>/dev/null) in
		D) d=${s%/stat}; echo "DIAG stuck ${d#/proc/} $(tr '\0' ' ' <"${d}/cmdline")"
			sed 's/^/DIAG   /' "${d}/stack" 2>/dev/null ;;
		esac
	done
	timeout -s KILL 20 xl list 2>&1 | sed 's/^/DIAG xl list: /'
	timeout -s KILL 20 xl dmesg 2>&1 | tail -15 | sed 's/^/DIAG xen: /'
	dmesg | tail -15 | sed 's/^/DIAG dom0: /'
	tail -5 /var/log/xlc/*.log 2>/dev/null | sed 's/^/DIAG log: /'
fi
echo "XLC-HOST-EXIT rc=${rc}"
sync
busybox poweroff -f
