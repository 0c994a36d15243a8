#!/bin/sh
# Runs inside the KVM test host (tests/bench/io.sh): the stock guest with a
# 256 MiB raw disk and a tools disk (iobench), and a NIC on br0, under xlc
# and under QEMU microvm (virtio-blk-device, virtio-net-device on a tap),
# RUNS times each, interleaved. The guest measures its disk and its fetch of
# the host's /big; the host then times its fetch of the guest's /big.
export XLC_RUN_DIR=/run/xlc XLC_LOG_DIR=/var/log/xlc
RUNS=${RUNS:-3}
MIB=64
K=/payload/guest/vmlinuz
I=/payload/guest/initramfs.cpio.gz
APPEND="console=ttyS0 quiet xlc.test=iobench xlc.ip=10.0.2.20/24 xlc.host=10.0.2.1 xlc.mib=$MIB"
now() { cut -d' ' -f1 /proc/uptime; }
wait_done() { # file
	i=0
	while [ $i -lt 3000 ] && ! grep -q XLC-IO-DONE "$1" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
}
tx() { # the host fetches the guest's /big: the guest's transmit rate
	t0=$(now)
	wget -q -O /dev/null http://10.0.2.20:8080/big
	t1=$(now)
	awk -v a="$t0" -v b="$t1" -v m="$MIB" 'BEGIN { printf "%.1f", m / (b - a) }'
}
report() { # vmm console-file
	io=$(grep 'XLC-IO seq' "$2" | tail -1 | tr -d '\r' | sed 's/.*XLC-IO //')
	rx=$(grep 'XLC-IO net_rx' "$2" | tail -1 | tr -d '\r' | sed 's/.*XLC-IO //')
	echo "RESULT $1 $io $rx net_tx_mbs=$(tx)"
}

ip link add br0 type bridge
ip link set br0 up
ip addr add 10.0.2.1/24 dev br0
mkdir -p /srv/www /srv/tools
dd if=/dev/zero of=/srv/www/big bs=1M count=$MIB 2>/dev/null
httpd -p 10.0.2.1:8080 -h /srv/www
cp /payload/iobench /srv/tools/
/usr/sbin/mke2fs -q -t ext4 -d /srv/tools -F /srv/tools.img 16M
truncate -s 256M /srv/test.img
cat >io.cfg <<CFG
name = "io"
memory = 256
kernel = "$K"
ramdisk = "$I"
cmdline = "$APPEND"
disk = [ '/srv/test.img,raw,xvda,w', '/srv/tools.img,raw,xvdb,r' ]
vif = [ 'bridge=br0,mac=00:16:3e:00:00:20' ]
CFG

r=0
while [ $r -lt "$RUNS" ]; do
	r=$((r + 1))
	# A fresh console log each run: the log of a name is appended to.
	rm -f "$XLC_LOG_DIR/console/io.log"
	xlc create -q io.cfg
	wait_done "$XLC_LOG_DIR/console/io.log"
	report xlc "$XLC_LOG_DIR/console/io.log"
	xlc destroy io
	qemu-system-x86_64 -M microvm -enable-kvm -cpu host -m 256 -smp 1 -nodefaults \
		-no-user-config -nographic -serial stdio -kernel $K -initrd $I -append "$APPEND" \
		-drive id=d0,file=/srv/test.img,format=raw,if=none -device virtio-blk-device,drive=d0 \
		-drive id=d1,file=/srv/tools.img,format=raw,if=none,readonly=on -device virtio-blk-device,drive=d1 \
		-netdev tap,id=n0,ifname=tapq,script=no,downscript=no \
		-device virtio-net-device,netdev=n0,mac=00:16:3e:00:00:21 >qemu.out 2>&1 &
	qemu=$!
	i=0
	while [ $i -lt 100 ] && [ ! -e /sys/class/net/tapq ]; do sleep 0.1; i=$((i + 1)); done
	brctl addif br0 tapq
	ip link set tapq up
	wait_done qemu.out
	report qemu-microvm qemu.out
	kill $qemu
	wait $qemu 2>/dev/null
done
