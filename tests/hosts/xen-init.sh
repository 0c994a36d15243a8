#!/bin/sh
# /init of the Xen test host's dom0 (Debian's amd64 kernel under Xen 4.17).
# Starts the Xen daemons the Debian way (/etc/init.d/xen: xenfs, oxenstored,
# xenconsoled, xen-init-dom0), then runs /payload/run.sh under a timeout:
#   XLC-HOST-READY / XLC-HOST-EXIT rc=N, as on the KVM host.
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm /run /tmp /var/log/xen /var/run/xen
mount -t devpts devpts /dev/pts
mount -t tmpfs run /run
mount -t tmpfs tmp /tmp
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
echo "XLC-HOST-READY"
cd /payload && timeout -s KILL "$(arg xlc.timeout)" sh ./run.sh
echo "XLC-HOST-EXIT rc=$?"
sync
busybox poweroff -f
