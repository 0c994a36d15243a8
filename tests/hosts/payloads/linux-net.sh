#!/bin/sh
# Runs inside the KVM test host: two stock Debian guests on one bridge
# (br0, 10.0.2.1/24 on the host side). Each pings the host and the other,
# fetches the host's blob over HTTP and serves one of its own, which the
# other fetches: the checksums are compared here. Their frames move on
# vhost-net (the host has /dev/vhost-net); two more guests do the same with
# vmm_vhost_net = 0, through the VMM, and must see the same. A fifth guest
# with rate=4Mb/s serves a blob the host fetches, timed. Tap names, and their
# removal when the guests end, are checked. Prints CHECK lines for
# tests/bats/kvm-linux.bats.
. ./lib.sh
cfg() { # name ip peer vif
	cat >"$1.cfg" <<CFG
name = "$1"
memory = 192
kernel = "/payload/guest/vmlinuz"
ramdisk = "/payload/guest/initramfs.cpio.gz"
cmdline = "console=ttyS0 quiet xlc.test=net xlc.ip=$2/24 xlc.host=10.0.2.1 xlc.peer=$3 xlc.mib=$5"
vif = [ '$4' ]
CFG
}
now() { cut -d' ' -f1 /proc/uptime; }

ip link add br0 type bridge
ip link set br0 up
ip addr add 10.0.2.1/24 dev br0
mkdir -p /srv/www
dd if=/dev/urandom of=/srv/www/blob bs=1M count=8 2>/dev/null
httpd -p 10.0.2.1:8080 -h /srv/www
echo "CHECK host blob md5=$(md5sum </srv/www/blob | cut -c1-32)"

cfg ga 10.0.2.11 10.0.2.12 bridge=br0 4
cfg gb 10.0.2.12 10.0.2.11 bridge=br0,vifname=gb0 4
xlc create -q ga.cfg && xlc create -q gb.cfg
echo "CHECK taps $(ls /sys/class/net/br0/brif | sort | tr '\n' ' ')"
wait_for ga 'XLC-NET-WGET peer' 300
wait_for gb 'XLC-NET-WGET peer' 300
for g in ga gb; do # a guest that rebooted or crashed says why in its VMM log
	grep -E 'ended|triple|broke' "$XLC_LOG_DIR/xlc-$g.log" 2>/dev/null | sed "s/^/VMMLOG $g: /"
done
for g in ga gb; do log $g | grep XLC-NET | sed "s/^/$g /"; done
ping -c 2 -W 2 10.0.2.11 >/dev/null && ping -c 2 -W 2 10.0.2.12 >/dev/null && echo "CHECK host pings both"
xlc list --json | jq -c '.[] | {name, vif: [.devices[] | select(.kind == "vif") | {name, data_path, tx_bytes, rx_bytes, tx_packets, rx_packets}]}'
# Which path each NIC took, its MAC, and counters that moved (the guest
# fetched 8 MiB: more than 4 MiB in, some out).
nics() {
	xlc list --json | jq -r '.[] | .name as $n | .devices[] | select(.kind == "vif") |
		"CHECK nic \($n) \(.data_path) mac=\(.mac) rx_MiB>4=\(.rx_bytes > 4194304) tx_packets>0=\(.tx_packets > 0)"'
}
[ -c /dev/vhost-net ] && echo "CHECK host has /dev/vhost-net"
nics
xlc destroy ga
xlc destroy gb

# The same pair with vhost-net turned off: the VMM moves every frame.
mkdir -p /tmp/novhost/xlc
echo 'vmm_vhost_net = 0' >/tmp/novhost/xlc/xlc.conf
cfg gc 10.0.2.14 10.0.2.15 bridge=br0 4
cfg gd 10.0.2.15 10.0.2.14 bridge=br0 4
XLC_SYSCONFDIR=/tmp/novhost xlc create -q gc.cfg && XLC_SYSCONFDIR=/tmp/novhost xlc create -q gd.cfg
wait_for gc 'XLC-NET-WGET peer' 300
wait_for gd 'XLC-NET-WGET peer' 300
for g in gc gd; do log $g | grep XLC-NET | sed "s/^/$g /"; done
nics
xlc destroy gc
xlc destroy gd

# rate=4Mb/s limits what the guest sends: time the host's fetch of its 4 MiB.
cfg gr 10.0.2.13 "" bridge=br0,rate=4Mb/s 4
xlc create -q gr.cfg && wait_for gr XLC-NET-SERVING 300
start=$(now)
wget -q -O /tmp/gr.blob http://10.0.2.13:8080/blob
end=$(now)
echo "CHECK rate fetch bytes=$(wc -c </tmp/gr.blob) seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')"
log gr | grep XLC-NET-SERVING | sed 's/^/gr /'
echo "CHECK rate fetched md5=$(md5sum </tmp/gr.blob | cut -c1-32)"
xlc destroy gr
taps() { for d in /sys/class/net/*; do [ -e "$d/tun_flags" ] && echo "${d##*/}"; done; }
echo "CHECK taps left: [$(taps | tr '\n' ' ')]"
