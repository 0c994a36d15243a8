#!/bin/sh
# Runs inside the KVM test host: five stock Debian guests from five config
# files in one `xlc create` (batch provisioning), then `xlc top -b` over
# them: one spins a vCPU, three idle, one keeps reading and writing its disk and
# fetching over HTTP from the host through a bridge; then a guest spinning two
# vCPUs alone. Prints CHECK, TOP and TOP2 lines for tests/bats/kvm-linux.bats.
. ./lib.sh
cfg() { # name test extra-line
	cat >"fleet/$1.cfg" <<CFG
name = "$1"
memory = 192
kernel = "/payload/guest/vmlinuz"
ramdisk = "/payload/guest/initramfs.cpio.gz"
cmdline = "console=ttyS0 quiet xlc.test=$2 xlc.ip=10.0.2.15/24 xlc.host=10.0.2.1"
$3
CFG
}

ip link add br0 type bridge
ip link set br0 up
ip addr add 10.0.2.1/24 dev br0
mkdir -p /srv/www fleet
dd if=/dev/urandom of=/srv/www/blob bs=1M count=2 2>/dev/null
httpd -p 10.0.2.1:8080 -h /srv/www
dd if=/dev/urandom of=/srv/io.img bs=1M count=32 2>/dev/null

cfg f1 spin ""
cfg f2 idle ""
cfg f3 idle ""
cfg f4 idle ""
cfg f5 ioload "disk = [ '/srv/io.img,raw,xvda,w' ]
vif = [ 'bridge=br0' ]"
start=$(cut -d' ' -f1 /proc/uptime)
xlc create fleet/ 2>/dev/null | sed 's/^/BATCH /'
echo "CHECK batch exit $? after $(awk -v s="$start" -v e="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { print e - s }') s"
for g in f1 f2 f3 f4 f5; do wait_for $g XLC-GUEST-READY 300; done
wait_for f5 XLC-IOLOAD 60
echo "CHECK running $(xlc list | tail -n +2 | grep -c -- '-')"
echo "CHECK booted $(for g in f1 f2 f3 f4 f5; do log $g | grep -c XLC-GUEST-READY; done | tr '\n' ' ')"
sleep 3
xlc top -b -i 3 -d 1 | sed 's/^/TOP /'
xlc destroy -a -f
# Alone on the host's two CPUs, a guest spinning two vCPUs is near 200 %.
cfg f6 spin2 "vcpus = 2"
xlc create -q fleet/f6.cfg
wait_for f6 XLC-GUEST-READY 300
sleep 3
xlc top -b -i 3 -d 1 | sed 's/^/TOP2 /'
xlc destroy f6
echo "CHECK left $(xlc list | tail -n +2 | wc -l)"
