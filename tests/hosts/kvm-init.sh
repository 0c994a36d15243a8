#!/bin/sh
# /init of the KVM test host (a QEMU TCG VM whose emulated AMD SVM gives a
# real kvm_amd). It loads kvm_amd, tun and bridge, then runs /payload/run.sh
# under a timeout and reports its exit status on the console:
#   XLC-HOST-READY            the host is up, the command starts
#   XLC-HOST-EXIT rc=N        the command ended with status N
mount -t proc proc /proc
mount -t sysfs sys /sys
# cgroup v2, as systemd mounts it: xlc gives each guest's VMM a cgroup there.
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs shm /dev/shm
exec </dev/console >/dev/console 2>&1

arg() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
while read -r m; do
	insmod "/lib/modules/${m}" 2>/dev/null
done </lib/modules/load.list
hostname xlc-kvm-host
ip link set lo up
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
[ -c /dev/kvm ] || echo "XLC-HOST-WARN /dev/kvm is missing (kvm_amd did not load)"
echo "XLC-HOST-READY"
cd /payload && timeout -s KILL "$(arg xlc.timeout)" sh ./run.sh
echo "XLC-HOST-EXIT rc=$?"
sync
poweroff -f
