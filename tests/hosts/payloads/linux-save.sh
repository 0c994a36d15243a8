#!/bin/sh
# Runs inside the KVM test host: save and restore of a stock Debian guest
# that counts every second, writes each count to its disk (synced) and has
# a NIC on a bridge (vhost-net). After restore it must be the same boot
# (boot id), count on from where it stopped, its uptime going on, its disk
# taking the new counts and its NIC answering. Prints CHECK lines for
# tests/bats/kvm-linux.bats.
. ./lib.sh
counts() { log sr | grep -c XLC-COUNT; }
last() { log sr | grep XLC-COUNT | tail -1; }
field() { last | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
disk_count() { head -c 64 disk.img | tr -d '\0' | sed -n 's/XLC-DISK-COUNT \([0-9]*\).*/\1/p'; }

ip link add br0 type bridge
ip link set br0 up
ip addr add 10.0.3.1/24 dev br0
dd if=/dev/zero of=disk.img bs=1M count=8 2>/dev/null
cat >sr.cfg <<CFG
name = "sr"
memory = 256
vcpus = 2
kernel = "/payload/guest/vmlinuz"
ramdisk = "/payload/guest/initramfs.cpio.gz"
cmdline = "console=ttyS0 quiet xlc.test=count xlc.ip=10.0.3.2/24"
disk = [ '$PWD/disk.img,raw,xvda,rw' ]
vif = [ 'bridge=br0' ]
CFG
xlc create -q sr.cfg
wait_for sr 'XLC-COUNT n=3 ' 600
boot=$(field boot)
ping -c 2 -W 5 10.0.3.2 >/dev/null && echo "CHECK before: ping ok"
echo "CHECK nic path $(xlc list --json | jq -r '.[0].devices[] | select(.kind == "vif") | .data_path')"

out=$(xlc save sr sr.save 2>&1)
echo "CHECK save exit $? $(echo "$out" | grep -c 'Saving to')"
n_saved=$(field n) up_saved=$(field up) lines_saved=$(counts)
echo "CHECK saved: gone=$(xlc list | grep -c '^sr ') file=$(head -c 27 sr.save)"
echo "DIAG saved at n=$n_saved up=$up_saved, $(stat -c %s sr.save) bytes"
sleep 3
echo "CHECK while saved: new lines=$(($(counts) - lines_saved))"

out=$(xlc restore sr.sav 2>&1)
echo "CHECK missing file: exit $? $(echo "$out" | tail -1)"
xlc restore sr.save 2>&1 | sed 's/^/DIAG restore: /'
within 300 '[ "$(counts)" -ge $((lines_saved + 3)) ]' || { echo "DIAG no counts after restore"; log sr | tail -20; tail -5 "$XLC_LOG_DIR/xlc-sr.log"; }
n_now=$(field n) up_now=$(field up)
echo "CHECK after: same boot=$([ "$(field boot)" = "$boot" ] && echo yes || echo no)" \
	"counts on=$([ "$n_now" -gt "$n_saved" ] && echo yes || echo no)" \
	"uptime on=$(awk -v a="$up_saved" -v b="$up_now" 'BEGIN { print (b + 0 > a + 0) ? "yes" : "no" }')" \
	"booted again=$(log sr | grep -c 'XLC-GUEST-READY' | awk '{ print ($1 > 1) ? "yes" : "no" }')"
echo "DIAG after: n=$n_now up=$up_now"
# Counts after restore reach the image (the guest's virtio-blk works on).
within 60 '[ "$(disk_count)" -gt "$n_saved" ]'
echo "CHECK disk counts on=$([ "$(disk_count)" -gt "$n_saved" ] && echo yes || echo no)"
ping -c 2 -W 5 10.0.3.2 >/dev/null && echo "CHECK after: ping ok"

# migrate to this host (-s "": the host is the receiver's command), while
# the host pings the guest: the guest, renamed sr--incoming while it came,
# counts on in the same boot; the disk's locks and the tap move with it.
n_before=$(field n)
(ping -i 0.2 -w 120 10.0.3.2 >ping.out 2>&1) &
pinger=$!
timeout -k 10 600 xlc migrate -s "" sr "xlc migrate-receive" >mig.out 2>&1
echo "CHECK migrate exit $? $(grep -c 'Migration successful.' mig.out)"
sed 's/^/DIAG migrate: /' mig.out
echo "CHECK migrated: names=$(xlc list | awk 'NR > 1 { printf "%s ", $1 }')"
mlog() { log sr--incoming; }
within 300 '[ "$(mlog | grep -c XLC-COUNT)" -ge 3 ]'
mlast=$(mlog | grep XLC-COUNT | tail -1)
echo "CHECK migrated guest: same boot=$(echo "$mlast" | grep -q "boot=$boot" && echo yes || echo no)" \
	"counts on=$([ "$(echo "$mlast" | sed -n 's/.* n=\([0-9]*\).*/\1/p')" -gt "$n_before" ] && echo yes || echo no)"
within 60 '[ "$(disk_count)" -gt "$n_before" ]'
echo "CHECK migrated disk counts on=$([ "$(disk_count)" -gt "$n_before" ] && echo yes || echo no)"
ping -c 2 -W 5 10.0.3.2 >/dev/null && echo "CHECK migrated: ping ok"
kill "$pinger" 2>/dev/null
echo "DIAG pings during migration: $(grep -E 'packets transmitted' ping.out)"
xlc destroy sr
echo "CHECK run dir empty: $(ls "$XLC_RUN_DIR" | wc -l)"
