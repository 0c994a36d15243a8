#!/bin/sh
# Runs inside the KVM test host (tests/bench/io.sh): the stock guest with a
# 256 MiB disk and a tools disk (iobench), and a NIC on br0, under xlc
# and under QEMU microvm (virtio-blk-device, virtio-net-device on a tap; as
# tuned by its users, and with its defaults),
# RUNS times each, interleaved; the disk a raw image, then a fresh qcow2
# (xlc serves it through qemu-storage-daemon, QEMU through its own block
# layer). The guest measures its disk and its fetch of the host's /big; the
# host then times its fetch of the guest's /big.
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
vif = [ 'bridge=br0,mac=00:16:3e:00:00:20' ]
CFG

# xlc with the disk image $1 in format $2, reported as $3.
run_xlc() {
	# A fresh console log each run: the log of a name is appended to.
	rm -f "$XLC_LOG_DIR/console/io.log"
	xlc create -q io.cfg "disk=['$1,$2,xvda,w', '/srv/tools.img,raw,xvdb,r']"
	wait_done "$XLC_LOG_DIR/console/io.log"
	report "$3" "$XLC_LOG_DIR/console/io.log"
	xlc destroy io
}
# QEMU microvm, the same way (run_qemu IMAGE FORMAT LABEL [best]): with best,
# as its users tune it for I/O: an iothread and io_uring for the disk,
# vhost-net for the NIC. The page cache stays, as it does for xlc: the test
# host's /srv is RAM, where O_DIRECT (cache=none) cannot open a file.
run_qemu() {
	disk="id=d0,file=$1,format=$2,if=none" blk="virtio-blk-device,drive=d0" tap="" extra=""
	if [ "${4:-}" = best ]; then
		disk="$disk,aio=io_uring" blk="$blk,iothread=t0" tap=",vhost=on" extra="-object iothread,id=t0"
	fi
	cmd="qemu-system-x86_64 -M microvm -enable-kvm -cpu host -m 256 -smp 1 -nodefaults"
	cmd="$cmd -no-user-config -nographic -serial stdio -kernel $K -initrd $I $extra"
	cmd="$cmd -drive $disk -device $blk"
	cmd="$cmd -drive id=d1,file=/srv/tools.img,format=raw,if=none,readonly=on -device virtio-blk-device,drive=d1"
	cmd="$cmd -netdev tap,id=n0,ifname=tapq,script=no,downscript=no$tap"
	cmd="$cmd -device virtio-net-device,netdev=n0,mac=00:16:3e:00:00:21"
	[ "$r" -eq 1 ] && echo "CMD $3 $cmd -append \"$APPEND\""
	$cmd -append "$APPEND" >qemu.out 2>&1 &
	qemu=$!
	i=0
	while [ $i -lt 100 ] && [ ! -e /sys/class/net/tapq ]; do sleep 0.1; i=$((i + 1)); done
	brctl addif br0 tapq
	ip link set tapq up
	wait_done qemu.out
	report "$3" qemu.out
	kill $qemu
	wait $qemu 2>/dev/null
}
fresh_qcow2() { rm -f /srv/test.qcow2 && qemu-img create -q -f qcow2 /srv/test.qcow2 256M; }

r=0
while [ $r -lt "$RUNS" ]; do
	r=$((r + 1))
	run_xlc /srv/test.img raw xlc
	run_qemu /srv/test.img raw qemu-microvm-best best
	run_qemu /srv/test.img raw qemu-microvm
	fresh_qcow2
	run_xlc /srv/test.qcow2 qcow2 xlc-qcow2
	fresh_qcow2
	run_qemu /srv/test.qcow2 qcow2 qemu-microvm-qcow2
	fresh_qcow2
	run_qemu /srv/test.qcow2 qcow2 qemu-microvm-best-qcow2 best
done
