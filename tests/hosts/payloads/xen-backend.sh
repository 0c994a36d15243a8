#!/bin/sh
# Runs in the Xen test host's dom0: xlc's xen backend (libxl) against the
# real hypervisor, side by side with xl. Prints CHECK lines that
# tests/bats/xen.bats asserts on.
export XLC_LOG_DIR=/var/log/xlc
G=/payload/guest
cfg() { # name test [extra line]
	cat >"$1.cfg" <<CFG
name = "$1"
type = "pv"
memory = 128
kernel = "$G/vmlinuz-pv"
ramdisk = "$G/initramfs.cpio.gz"
cmdline = "console=hvc0 quiet xlc.test=$2"
$3
CFG
}
# The guest's console from its boot until its init says it is ready, at most
# $2 seconds (generous: under load a boot can take many times its usual).
# xenconsoled holds what a guest wrote while no console was attached and
# passes it on once the console sends something (seen here: nothing for
# minutes, then all of it at once after a keystroke; a key sent before the
# guest's shell reads is lost), so Enter is pressed every two seconds.
console_for() {
	(while sleep 2; do printf '\n' || exit; done) | timeout "$2" xlc console "$1" >"$1.console" 2>&1 &
	console_pid=$!
	timeout "$2" sh -c 'until grep -q XLC-GUEST-READY "$1"; do sleep 0.5; done' - "$1.console"
	kill "${console_pid}" 2>/dev/null
	wait "${console_pid}" 2>/dev/null
}
# Waits, at most $2 seconds, until file $1 holds the text $3.
wait_for_text() { timeout "$2" sh -c 'until grep -q "$2" "$1" 2>/dev/null; do sleep 0.2; done' - "$1" "$3"; }
. ./within.sh
listed() { timeout -k 10 20 xlc list | grep -q "^$1 "; }
wait_list() { # name present|absent seconds
	if [ "$2" = present ]; then within "$3" "listed $1"; else within "$3" "! listed $1"; fi
}

# Waits until a PV guest's kernel listens for shutdown requests (it says so
# in xenstore), within $2 seconds.
pv_ready() { # name seconds
	timeout "$2" sh -c 'until xenstore-read "/local/domain/$(xl domid "$1")/control/feature-poweroff" >/dev/null 2>&1; do sleep 0.5; done' - "$1"
}

# xl itself, bounded: under TCG it has hung (and crashed) right after a
# rename-restart now and then; timeout runs the binary, not this function.
xl() {
	timeout -k 10 60 xl "$@"
	xl_rc=$?
	if [ "${xl_rc}" -eq 124 ] || [ "${xl_rc}" -eq 137 ]; then
		echo "DIAG xl hung: xl $*" >&2
	elif [ "${xl_rc}" -gt 128 ]; then
		echo "DIAG xl died (status ${xl_rc}): xl $*" >&2
	fi
	return "${xl_rc}"
}

# Where the payload is, with dom0's clock: locates a step that hangs.
step() { echo "STEP $1 at $(cut -d' ' -f1 /proc/uptime)"; }

# What went on, when a step timed out.
diagnose() {
	echo "DIAG $1"
	timeout -k 5 30 xl list 2>&1 | sed 's/^/DIAG xl list: /'
	tail -5 "$XLC_LOG_DIR/xlc-$2.log" 2>/dev/null | sed 's/^/DIAG monitor: /'
	tail -15 "$XLC_LOG_DIR/libxl.log" 2>/dev/null | sed 's/^/DIAG libxl: /'
	# Where each process waits: xlc's and xl's, and anything stuck in the kernel.
	ps -eo pid,stat,wchan:24,etime,args 2>/dev/null | grep -E 'xlc|xl | D ' | grep -v grep |
		sed 's/^/DIAG ps: /'
}

# info, list, a guest's everyday commands, shutdown -w, on_reboot=restart.
part_everyday() {
xlc info | grep -E '^(xen_major|xen_minor|nr_cpus|total_memory|backend) ' | sed 's/^/CHECK info /'
# xl's keys in xl's order (xlc's own come after xend_config_format), and info FIELD.
xl info | cut -d: -f1 | sed 's/ *$//' >info.xl
xlc info | cut -d: -f1 | sed 's/ *$//' | sed '/^xend_config_format$/q' >info.xlc
cmp -s info.xl info.xlc && echo "CHECK info keys as xl" || diff info.xl info.xlc | sed 's/^/DIAG info keys: /'
same=0
for f in host release version machine nr_cpus cpu_mhz hw_caps total_memory xen_major xen_minor xen_extra xen_caps xen_changeset xen_commandline cc_compiler xend_config_format; do
	if [ "$(xlc info $f)" = "$(xl info $f)" ]; then same=$((same + 1)); else echo "DIAG info $f: xlc '$(xlc info $f)' xl '$(xl info $f)'"; fi
done
echo "CHECK info FIELD as xl: $same of 16"
xlc list | sed 's/^/CHECK list /'

cfg g1 shell
xlc create -q g1.cfg && echo "CHECK create g1 ok"
xlc list | sed 's/^/CHECK xlc-list /'
xl list | sed 's/^/CHECK xl-list /'
console_for g1 180
grep -q XLC-GUEST-READY g1.console && echo "CHECK g1 console marker"
xlc top -b -i 2 -d 1 | sed 's/^/TOP /'

# xl's everyday commands on a running guest, beside xl's own answers.
step "everyday commands"
xlc list -l g1 | jq -r '.[0] | "\(.domid) \(.config.c_info.name) \(.config.b_info.max_memkb)"' |
	sed 's/^/CHECK list-l: /'
xlc list --json g1 | jq -r '.[0] | "\(.state) \(.vcpus) \(.vcpu_time_ns | length) \(.vcpu_affinity[0]) \(.vcpu_running[0] | type)"' |
	sed 's/^/CHECK list-json: /'
xlc vcpu-list g1 | sed 's/^/CHECK vcpu-list: /'
xl vcpu-list g1 | sed 's/^/CHECK xl-vcpu-list: /'
xlc uptime g1 | sed 's/^/CHECK uptime: /'
xlc uptime Domain-0 | sed 's/^/CHECK dom0-uptime: /'
xl uptime Domain-0 | sed 's/^/CHECK xl-dom0-uptime: /'
[ "$(xlc domid g1)" = "$(xl domid g1)" ] && echo "CHECK domid: $(xlc domid g1) as xl"
[ "$(xlc domname "$(xl domid g1)")" = g1 ] && echo "CHECK domname: g1"
xlc uptime nosuch >/dev/null 2>&1; echo "CHECK uptime nosuch: exit $?"
# rename through libxl: xl sees the new name on the same id; and back.
id=$(xl domid g1)
xlc rename g1 g1b && [ "$(xl domid g1b)" = "$id" ] && echo "CHECK rename: xl sees g1b as $id"
xlc rename g1b g1
xlc pause g1
xl list g1 | awk 'NR == 2 { print "CHECK paused: " $5 }'
t1=$(xl list g1 | awk 'NR == 2 { print $6 }')
sleep 3
t2=$(xl list g1 | awk 'NR == 2 { print $6 }')
[ "$t1" = "$t2" ] && echo "CHECK paused: cpu time stays at $t1"
xlc unpause g1
xl list g1 | awk 'NR == 2 { print "CHECK unpaused: " $5 }'
# mem-set and mem-max through libxl: Xen's target for the guest's balloon, as xl's.
xlc mem-set g1 96 && echo "CHECK mem-set 96 ok"
echo "CHECK mem target $(xenstore-read "/local/domain/$id/memory/target" 2>&1)"
g1_mib() { xl list g1 | awk 'NR == 2 { print $3 }'; }
within 60 '[ "$(g1_mib)" -le 100 ]'
echo "CHECK mem list $(xl list g1 | awk 'NR == 2 { print $3 }')"
xlc mem-max g1 120 && echo "CHECK mem-max 120 ok"
echo "CHECK mem static-max $(xenstore-read "/local/domain/$id/memory/static-max" 2>&1)"
xlc mem-set g1 12x 2>&1 | sed 's/^/CHECK mem-set bad: /'
# Above mem-max: libxl refuses it, as it does xl's.
xlc mem-set g1 128 2>&1 | tail -1 | sed 's/^/CHECK mem-set above max: /'
xlc mem-max g1 128 && xlc mem-set g1 128 && echo "CHECK mem-set 128 ok"
# vcpu-pin through libxl: xl's own vcpu-list shows the hard affinity.
xlc vcpu-pin g1 0 1 && xl vcpu-list g1 | awk 'NR == 2 { print "CHECK vcpu-pin: " $7, $8, $9 }'
xlc vcpu-pin g1 all all - && xl vcpu-list g1 | awk 'NR == 2 { print "CHECK vcpu-pin all: " $7, $8, $9 }'
# console: input reaches the guest's shell; -e x detaches on x.
step "console"
mkfifo in.fifo
: >in.console
(sleep 3; printf 'echo XLC-IN-$((6*7))\n'; wait_for_text in.console 120 XLC-IN-42; printf 'x'; sleep 60) >in.fifo &
feeder=$!
timeout -k 10 150 xlc console -e x g1 <in.fifo >in.console 2>&1
echo "CHECK console -e: exit $?"
kill $feeder
grep -q XLC-IN-42 in.console && echo "CHECK console input reached g1"
start=$(cut -d' ' -f1 /proc/uptime)
timeout -k 10 120 xlc shutdown -w g1 2>&1 | sed 's/^/CHECK shutdown: /'
# -w returns once the guest has shut down (as xl's does); its monitor then
# destroys it (on_poweroff = "destroy"), a moment later.
wait_list g1 absent 60 && echo "CHECK g1 gone after shutdown"

# on_reboot=restart: a guest that reboots itself comes back, as a new domain.
step "on_reboot=restart"
cfg g2 reboot 'on_reboot = "restart"'
timeout -k 10 120 xlc create -q g2.cfg || diagnose "create g2 timed out or failed" g2
# Bounded by the clock, not by rounds: under load a round of grep is slow.
timeout 300 sh -c 'until grep -q "restarted as domain" "$1"; do sleep 0.5; done' - "$XLC_LOG_DIR/xlc-g2.log" 2>/dev/null ||
	diagnose "no restart of g2 within 300 s" g2
grep "restarted as domain" "$XLC_LOG_DIR/xlc-g2.log" | head -1 | sed 's/^.*xlc-monitor/CHECK monitor/'
timeout -k 10 60 xlc list | grep -q '^g2 ' && echo "CHECK g2 listed after its reboot"
timeout -k 10 60 xlc destroy g2 && echo "CHECK destroy g2 ok" || diagnose "destroy g2" g2
wait_list g2 absent 30 && echo "CHECK g2 gone"
}

# create -p, -c, -F and on_reboot=rename-restart.
part_creates() {
# create -p: paused until unpause, then it runs.
step "create -p"
cfg g4 idle
timeout -k 10 120 xlc create -p -q g4.cfg
xl list g4 | awk 'NR == 2 { print "CHECK create -p: " $5 }'
xlc unpause g4
i=0
until xl list g4 | awk 'NR == 2 && $6 > 0 { found = 1 } END { exit !found }' || [ $i -ge 120 ]; do sleep 1; i=$((i + 1)); done
xl list g4 | awk 'NR == 2 && $6 > 0 { print "CHECK g4 runs after unpause" }'

# create -c: the console from the first byte; the end of input detaches.
step "create -c"
cfg g5 idle
# Input stays open (a FIFO held by this shell) until the boot has shown.
mkfifo g5.in
timeout -k 10 150 xlc create -q -c g5.cfg <g5.in >g5.out 2>&1 &
console=$!
exec 3>g5.in
wait_for_text g5.out 120 XLC-GUEST-READY
exec 3>&-
wait "$console"
echo "CHECK create -c: exit $?"
grep -q XLC-GUEST-READY g5.out && echo "CHECK create -c showed the boot"

# reboot: the guest is asked to reboot (g4 booted while create -c ran); its
# monitor brings it back, with the disk attached since (xl restarts a domain
# with the configuration libxl has for it then, not the file's).
step "reboot"
truncate -s 8M g4d.img
xlc block-attach g4 format=raw,vdev=xvdb,access=rw,target=/payload/g4d.img ||
	diagnose "block-attach g4" g4
timeout -k 10 60 xlc reboot g4 2>&1 | sed 's/^/CHECK reboot: /'
timeout 300 sh -c 'until grep -q "restarted as domain" "$1"; do sleep 0.5; done' - "$XLC_LOG_DIR/xlc-g4.log" 2>/dev/null ||
	diagnose "no restart of g4 within 300 s" g4
grep "restarted as domain" "$XLC_LOG_DIR/xlc-g4.log" | head -1 | sed 's/^.*xlc-monitor/CHECK monitor/'
xl block-list g4 | awk 'NR > 1 { print "CHECK g4 disk after its reboot: " $1 }'

# shutdown -a -w: every guest (g4, g5), never Domain-0, and waits for them.
# libxl gives a PV guest 60 s to take a shutdown request; g4 has only just
# restarted, and under load its kernel may take longer than that to listen.
step "shutdown -a"
pv_ready g4 300 || diagnose "g4 not listening for shutdown within 300 s" g4
timeout -k 10 150 xlc shutdown -a -w 2>&1 | sed 's/^/CHECK shutdown -a: /'
# -w returns once each has shut down; their monitors then destroy them.
for g in g4 g5; do wait_list "$g" absent 120 || diagnose "$g not destroyed by its monitor" "$g"; done
xl list | awk 'NR > 1 { print "CHECK after shutdown -a: " $1 }'

# create -F: xlc stays in the foreground until the guest is gone.
step "create -F"
cfg g6 poweroff
timeout -k 10 180 xlc create -F -q g6.cfg >g6.out 2>&1
echo "CHECK create -F: exit $?"
xl list | grep -q '^g6 ' || echo "CHECK g6 gone after create -F"

# bootloader = "pygrub": libxl runs Xen's pygrub on the guest's disk, as for
# xl; menu.lst's default (entry 1) boots, with its own command line.
step "pygrub"
mkdir -p /tmp/pgroot/boot/grub
cp "$G/vmlinuz-pv" /tmp/pgroot/boot/vmlinuz-pv
cp "$G/initramfs.cpio.gz" /tmp/pgroot/boot/initrd.img
cat >/tmp/pgroot/boot/grub/menu.lst <<'MENU'
default 1
title zero
root (hd0,0)
kernel /boot/vmlinuz-pv console=hvc0 quiet xlc.test=poweroff xlc.entry=0
initrd /boot/initrd.img
title one
root (hd0,0)
kernel /boot/vmlinuz-pv console=hvc0 quiet xlc.test=poweroff xlc.entry=1
initrd /boot/initrd.img
MENU
mke2fs -q -t ext4 -d /tmp/pgroot -F /tmp/pg.img 64M
cat >pg.cfg <<'CFG'
name = "pg"
type = "pv"
memory = 128
bootloader = "pygrub"
disk = [ 'file:/tmp/pg.img,xvda,r' ]
CFG
# Input stays open until the guest has powered off and the console ended.
mkfifo pg.in
timeout -k 10 300 xlc create -q -c pg.cfg <pg.in >pg.out 2>&1 &
console=$!
exec 3>pg.in
wait "$console"
echo "CHECK pygrub create -c: exit $?"
exec 3>&-
grep -o 'XLC-INFO cmdline=.*' pg.out | tr -d '\r' | sed 's/^/CHECK pygrub /'
wait_list pg absent 120 || diagnose "pg not gone after its poweroff" pg

# on_reboot = rename-restart: the old domain stays, renamed, and the guest comes back.
step "on_reboot = rename-restart"
cfg g7 reboot 'on_reboot = "rename-restart"'
timeout -k 10 120 xlc create -q g7.cfg
# Bounded by the clock, not by rounds: under load a round of grep is slow.
timeout 300 sh -c 'until grep -q "restarted as domain" "$1"; do sleep 0.5; done' - "$XLC_LOG_DIR/xlc-g7.log" 2>/dev/null ||
	diagnose "no restart of g7 within 300 s" g7
grep "stays as" "$XLC_LOG_DIR/xlc-g7.log" | head -1 | sed 's/^.*xlc-monitor/CHECK monitor/'
xl list | grep -E '^g7-[0-9]{8}T[0-9]{4}Z ' | awk '{ print "CHECK renamed: " $1 " " $5 }' | head -1
timeout -k 10 60 xlc destroy g7 || diagnose "destroy g7" g7
for d in $(timeout -k 10 30 xl list | awk '/^g7-/ { print $1 }'); do timeout -k 10 60 xl destroy "$d"; done

# on_crash = coredump-destroy: the guest panics; its memory is in Xen's dump
# directory, as xl leaves it, and the domain is gone.
step "coredump"
cfg g13 panic 'on_crash = "coredump-destroy"'
timeout -k 10 120 xlc create -q g13.cfg || diagnose "create g13" g13
wait_list g13 absent 300 && echo "CHECK g13 gone after its crash" || diagnose "g13 still there" g13
grep -o "dumping core to .*" "$XLC_LOG_DIR/xlc-g13.log" | head -1 | sed 's/^/CHECK monitor g13: /'
[ "$(head -c 4 /var/lib/xen/dump/g13 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] &&
	echo "CHECK g13 core is an ELF file of $(($(stat -c %s /var/lib/xen/dump/g13) >> 20)) MiB"
rm -f /var/lib/xen/dump/g13
}

# Runs a shell command line in the guest through xlc console; its output in $1.out.
# The command ends by saying XLC-DONE-42; the console detaches then, or after
# $2 seconds if it never does.
in_guest() { # name seconds command
	: >"$1.out"
	(sleep 3; printf '%s; echo XLC-DONE-$((40+2))\n' "$3"; wait_for_text "$1.out" "$2" XLC-DONE-42
	 printf '\035'; sleep 60) >"$1.fifo" &
	feeder=$!
	timeout -k 10 $(($2 + 30)) xlc console "$1" <"$1.fifo" >"$1.out" 2>&1
	kill $feeder 2>/dev/null
}

# vcpu-set, block-*, network-* and cd-insert on a running PV guest, through libxl.
part_devices() {
step "devices"
mkfifo g8.fifo
cfg g8 shell 'vcpus = 1
maxvcpus = 2'
timeout -k 10 120 xlc create -q g8.cfg && echo "CHECK create g8 ok" || diagnose "create g8" g8
console_for g8 180
grep -q XLC-GUEST-READY g8.console || diagnose "g8 did not boot" g8
# vCPUs: a PV guest's kernel makes vCPU 1 present when Xen says it is
# available, and onlining it is up to the guest's udev (here, by hand); taking
# it away offlines it in the kernel. Xen's count of online vCPUs follows.
xl_vcpus() { xl list g8 | awk 'NR == 2 { print $4 }'; }
xlc vcpu-set g8 2 && echo "CHECK vcpu-set 2 ok"
in_guest g8 120 'i=0; while [ "$(cat /sys/devices/system/cpu/present)" != 0-1 ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done; echo 1 >/sys/devices/system/cpu/cpu1/online; echo XLC-CPUS-$((40+2)) $(cat /sys/devices/system/cpu/online)'
grep -o 'XLC-CPUS-42 .*' g8.out | tr -d '\r' | sed 's/^/CHECK guest /'
within 60 '[ "$(xl_vcpus)" = 2 ]'
echo "CHECK vcpus after set 2: $(xl_vcpus)"
# More than the host's CPUs: xl's refusal; with -i, more than maxvcpus: libxl's.
xlc vcpu-set g8 3 2>&1 | head -1 | sed 's/^/CHECK vcpu-set above host: /'
xlc vcpu-set -i g8 3 2>&1 | head -1 | sed 's/^/CHECK vcpu-set above max: /'
xlc vcpu-set g8 1 && echo "CHECK vcpu-set 1 ok"
within 60 '[ "$(xl_vcpus)" = 1 ]'
echo "CHECK vcpus after set 1: $(xl_vcpus)"
in_guest g8 120 'echo XLC-CPUS-$((40+2)) $(cat /sys/devices/system/cpu/online)'
grep -o 'XLC-CPUS-42 .*' g8.out | tr -d '\r' | sed 's/^/CHECK guest after set 1 /'
xlc vcpu-set g8 x 2>&1 | sed 's/^/CHECK vcpu-set bad: /'
# A raw image: attached, written by the guest, detached; the bytes are on the host.
truncate -s 16M d1.img
xlc block-attach g8 format=raw,vdev=xvdb,access=rw,target=/payload/d1.img &&
	echo "CHECK block-attach ok" || diagnose "block-attach" g8
xlc block-list g8 | sed 's/^/CHECK xlc-block-list /'
xl block-list g8 | sed 's/^/CHECK xl-block-list /'
xlc block-attach g8 format=raw,vdev=xvdb,access=rw,target=/payload/d1.img 2>&1 | head -1 |
	sed 's/^/CHECK block-attach again: /'
in_guest g8 120 'i=0; while [ ! -e /sys/block/xvdb ] && [ $i -lt 600 ]; do sleep 0.2; i=$((i+1)); done; printf XLC-WRITTEN-BY-GUEST | dd of=/dev/xvdb conv=fsync 2>/dev/null; echo XLC-DISK-$((40+2)) $(cat /sys/block/xvdb/size)'
grep -o 'XLC-DISK-42 [0-9]*' g8.out | sed 's/^/CHECK guest /'
xlc block-detach g8 xvdb && echo "CHECK block-detach ok" || diagnose "block-detach" g8
echo "CHECK image holds: $(head -c 20 d1.img)"
xlc block-detach g8 xvdb 2>&1 | sed 's/^/CHECK block-detach again: /'
xlc block-list g8 | awk 'NR > 1' | wc -l | sed 's/^/CHECK disks after detach: /'
# A NIC on a bridge: the guest pings dom0 through it; detached, its vif goes.
ip link add xenbr0 type bridge && ip addr add 10.9.8.1/24 dev xenbr0 && ip link set xenbr0 up
xlc network-attach g8 bridge=xenbr0 mac=00:16:3e:4a:00:42 &&
	echo "CHECK network-attach ok" || diagnose "network-attach" g8
xlc network-list g8 | sed 's/^/CHECK xlc-network-list /'
xl network-list g8 | sed 's/^/CHECK xl-network-list /'
id=$(xl domid g8)
ls /sys/class/net | grep -q "^vif$id\.0$" && echo "CHECK vif$id.0 is up in dom0"
in_guest g8 120 'i=0; while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 600 ]; do sleep 0.2; i=$((i+1)); done; ip addr add 10.9.8.2/24 dev eth0; ip link set eth0 up; echo XLC-MAC-$((40+2)) $(cat /sys/class/net/eth0/address); ping -c 3 -W 20 10.9.8.1 >/dev/null && echo XLC-PING-$((40+2))'
grep -o 'XLC-MAC-42 [0-9a-f:]*' g8.out | sed 's/^/CHECK guest /'
grep -q XLC-PING-42 g8.out && echo "CHECK guest pinged dom0 through xenbr0"
xlc network-detach g8 00:16:3e:4a:00:42 && echo "CHECK network-detach ok" || diagnose "network-detach" g8
ls /sys/class/net | grep -q "^vif$id\.0$" || echo "CHECK vif$id.0 gone"
xlc network-detach g8 00:16:3e:4a:00:42 2>&1 | sed 's/^/CHECK network-detach again: /'
xlc network-attach g8 bridge=nosuchbr 2>&1 | head -1 | sed 's/^/CHECK network-attach bad bridge: /'
xlc network-list g8 | awk 'NR > 1' | wc -l | sed 's/^/CHECK nics after: /'
# cd-insert: a PV guest has no cdrom drive whose medium can change.
xlc cd-insert g8 hdc /payload/d1.img 2>&1 | sed 's/^/CHECK cd-insert pv: /'
xlc cd-insert g8 hdc /nonexistent.iso 2>&1 | sed 's/^/CHECK cd-insert missing: /'
timeout -k 10 60 xlc destroy g8 || diagnose "destroy g8" g8
# Devices from the config that need dom0's device model or backends: the
# guest xlc creates has what xl's has, as xl list -l shows them.
same_devices g11 'channels, usbctrls' 'channel = [ "connection=pty,name=org.xlc.test.0" ]
usbctrl = [ "type=qusb,version=2,ports=2" ]'
same_devices g12 'vkbs, pvcallsifs' 'vkb = [ "backend-type=linux,unique-id=K0" ]
pvcalls = [ "backend=Domain-0" ]'
}

# devices_of NAME JQ-KEYS: those devices of NAME as xl list -l shows them. Once
# under load xl's JSON came cut short (8 lines): that is said, and xl asked again.
devices_of() {
	xl list -l "$1" >"$1.list-l" 2>"$1.list-l.err"
	rc=$?
	if ! jq -cS ".[0].config | {$2}" "$1.list-l" 2>/dev/null; then
		echo "DIAG xl list -l $1 (exit $rc) is not JSON: $(head -c 300 "$1.list-l" | tr '\n' ' ') $(head -3 "$1.list-l.err")" >&2
		xl list -l "$1" | jq -cS ".[0].config | {$2}"
	fi
}

# same_devices NAME JQ-KEYS EXTRA-LINES: NAME created by xlc, then by xl, from
# one config; the devices xl list -l shows (JQ-KEYS) must be the same.
same_devices() {
	cfg "$1" idle "$3"
	if timeout -k 10 180 xlc create -q "$1.cfg" >"$1.xlc.err" 2>&1; then
		devices_of "$1" "$2" >"$1.xlc.json"
		timeout -k 10 60 xlc destroy "$1"
	else
		echo "DIAG xlc create $1: $(tail -3 "$1.xlc.err")"
	fi
	wait_list "$1" absent 30
	if xl create -q "$1.cfg" >"$1.xl.err" 2>&1; then
		devices_of "$1" "$2" >"$1.xl.json"
		xl destroy "$1"
	else
		echo "DIAG xl create $1: $(tail -3 "$1.xl.err")"
	fi
	if [ -s "$1.xlc.json" ] && cmp -s "$1.xlc.json" "$1.xl.json"; then
		echo "CHECK $1 devices as xl's: $(cat "$1.xl.json")"
	else
		echo "DIAG $1 devices: xlc $(cat "$1.xlc.json" 2>/dev/null) xl $(cat "$1.xl.json" 2>/dev/null)"
	fi
}

# save and restore through libxl, in xl's file format: the guest carries on
# (same boot, its counter further on), and xl and xlc read each other's files.
guest_says() { # name tag: the words after XLC-<tag>-42 in the guest's last output
	grep -o "XLC-$2-42 .*" "$1.out" | tr -d '\r' | head -1 | cut -d' ' -f2-
}
# The guest's command that answers with its boot id and its counter once the
# counter is past $1 (the guest's timers run again after a restore), or after
# 60 of its seconds if it never gets there; the third word is how many it waited.
counter_after() {
	printf '%s' "w=0; while [ \$(cat /tmp/count) -le $1 ] && [ \$w -lt 60 ]; do sleep 1; w=\$((w+1)); done; echo XLC-AFTER-\$((40+2)) \$(cat /proc/sys/kernel/random/boot_id) \$(cat /tmp/count) \$w"
}
part_saverestore() {
step "save/restore"
mkfifo g9.fifo
cfg g9 shell
timeout -k 10 120 xlc create -q g9.cfg || diagnose "create g9" g9
console_for g9 180
grep -q XLC-GUEST-READY g9.console || diagnose "g9 did not boot" g9
in_guest g9 120 '(i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 1; done) & sleep 2; echo XLC-BOOT-$((40+2)) $(cat /proc/sys/kernel/random/boot_id) $(cat /tmp/count)'
set -- $(guest_says g9 BOOT)
boot=$1 count=$2
echo "CHECK before save: boot ${boot:+known} count ${count:+known}"
timeout -k 10 300 xlc save g9 /payload/g9.save 2>&1 | sed 's/^/CHECK save: /'
xl list | grep -q '^g9 ' || echo "CHECK g9 gone after save"
head -c 27 /payload/g9.save | sed 's/^/CHECK save file: /'; echo
echo "CHECK save file mode $(stat -c %a /payload/g9.save)"
timeout -k 10 300 xlc restore /payload/g9.save 2>&1 | sed 's/^/CHECK restore: /'
wait_list g9 present 60 && echo "CHECK g9 back"
in_guest g9 120 "$(counter_after "$count")"
set -- $(guest_says g9 AFTER)
[ -n "$boot" ] && [ "$1" = "$boot" ] && echo "CHECK same boot after restore"
[ -n "$count" ] && [ "${2:-0}" -gt "$count" ] && echo "CHECK counter went on: $count then $2 (the guest waited ${3:-?} s)"
# The old monitor logs the suspend and the end when it gets to them: under
# load, after the new domain runs. Bounded by the clock.
timeout 120 sh -c 'until grep -q "is gone" "$1"; do sleep 0.5; done' - "$XLC_LOG_DIR/xlc-g9.log" 2>/dev/null ||
	diagnose "the old monitor did not log g9's end within 120 s" g9
grep -E 'has suspended|is gone|watching' "$XLC_LOG_DIR/xlc-g9.log" | sed 's/^.*xlc-monitor/CHECK monitor/'
timeout -k 10 60 xlc restore /payload/g9.save 2>&1 | tail -1 | sed 's/^/CHECK restore twice: /'
# dom0's files are in its RAM: keep the cut copies for later, and no save for long.
head -c 100 /payload/g9.save >cut.save
head -c 2000000 /payload/g9.save >cut2.save
rm -f /payload/g9.save
# save -c: a checkpoint; the guest runs on.
timeout -k 10 300 xlc save -c g9 /payload/g9c.save >/dev/null 2>&1 && echo "CHECK save -c ok"
rm -f /payload/g9c.save
xl list g9 | awk 'NR == 2 { print "CHECK after save -c: " $5 }'
# xl restores xlc's file, and xlc restores xl's.
timeout -k 10 300 xlc save g9 /payload/g9b.save >/dev/null 2>&1
xl restore /payload/g9b.save >/dev/null 2>&1 && echo "CHECK xl restores xlc's file"
rm -f /payload/g9b.save
timeout -k 10 300 xl save g9 /payload/g9x.save >/dev/null 2>&1
timeout -k 10 300 xlc restore /payload/g9x.save >/dev/null 2>&1 && echo "CHECK xlc restores xl's file"
rm -f /payload/g9x.save
in_guest g9 120 'echo XLC-LAST-$((40+2)) $(cat /proc/sys/kernel/random/boot_id)'
[ -n "$boot" ] && [ "$(guest_says g9 LAST)" = "$boot" ] && echo "CHECK same boot after xl and xlc"
timeout -k 10 60 xlc destroy g9 || diagnose "destroy g9" g9
# Files that are not saves, or cut short: refused, nothing left behind.
timeout -k 10 60 xlc restore g9.cfg 2>&1 | tail -1 | sed 's/^/CHECK restore not a save: /'
timeout -k 10 60 xlc restore cut.save 2>&1 | tail -1 | sed 's/^/CHECK restore cut: /'
timeout -k 10 120 xlc restore cut2.save 2>&1 | tail -1 | sed 's/^/CHECK restore cut stream: /'
xl list | awk 'NR > 1' | wc -l | sed 's/^/CHECK domains left: /'
timeout -k 10 60 xlc save nosuch x.save 2>&1 | sed 's/^/CHECK save nosuch: /'
[ -e x.save ] || echo "CHECK no file for nosuch"
}

# Live migration of a PVH guest to this same host, through a stand-in for
# ssh, with xl's protocol: the guest arrives on the same boot, the source is gone; xl
# receives from xlc and xlc from xl; a transport that breaks mid-stream
# leaves the guest running at the source and nothing at the destination.
part_migrate() {
step "migrate"
mkfifo g10.fifo
cat >fakessh <<'SH'
#!/bin/sh
# fakessh HOST COMMAND...: runs COMMAND here, as ssh would there.
shift
exec "$@"
SH
cat >cutssh <<'SH'
#!/bin/sh
# cutssh HOST COMMAND...: the stream is cut after 4 MB.
shift
head -c 4000000 | "$@"
SH
chmod +x fakessh cutssh
# PVH: Xen under QEMU has no log-dirty mode for PV guests ("Failed to enable
# logdirty: 95"), so no live migration of them, for xl either; PVH has one
# (TCG's SVM with NPT). tsc_mode native: TCG's SVM cannot intercept RDTSCP.
cfg g10 shell 'type = "pvh"
tsc_mode = "native"'
timeout -k 10 120 xlc create -q g10.cfg || diagnose "create g10" g10
console_for g10 180
grep -q XLC-GUEST-READY g10.console || diagnose "g10 did not boot" g10
in_guest g10 120 '(i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 1; done) & sleep 2; echo XLC-BOOT-$((40+2)) $(cat /proc/sys/kernel/random/boot_id) $(cat /tmp/count)'
set -- $(guest_says g10 BOOT)
boot=$1 count=$2
echo "CHECK before migrate: boot ${boot:+known} count ${count:+known}"
id=$(xl domid g10)
timeout -k 10 300 xlc migrate --json -s /payload/fakessh g10 localhost >mig.json 2>mig.out
echo "CHECK migrate: exit $?"
# libxl writes the stream: of the figures, only xlc's own clock is known.
jq -r '"CHECK migrate json: \(.domain) \(.result) \(.bytes_sent) \(.downtime_s) \(.total_s > 0)"' mig.json
sed 's/^/CHECK migrate says: /' mig.out
newid=$(xl domid g10 2>/dev/null)
[ -n "$newid" ] && [ "$newid" != "$id" ] && echo "CHECK g10 runs as a new domain"
xl list | grep -qE '^g10--(incoming|migratedaway) ' || echo "CHECK no --incoming or --migratedaway left"
in_guest g10 120 "$(counter_after "$count")"
set -- $(guest_says g10 AFTER)
[ -n "$boot" ] && [ "$1" = "$boot" ] && echo "CHECK same boot after migrate"
[ -n "$count" ] && [ "${2:-0}" -gt "$count" ] && echo "CHECK counter went on: $count then $2 (the guest waited ${3:-?} s)"
# xl at the far end of xlc's migrate, then xlc at the far end of xl's.
cat >xlssh <<'SH'
#!/bin/sh
shift
shift # "xlc"
exec xl "$@"
SH
chmod +x xlssh
timeout -k 10 300 xlc migrate -s /payload/xlssh g10 localhost >/dev/null 2>&1 && echo "CHECK xl received from xlc"
timeout -k 10 300 xl migrate -s "" g10 "xlc migrate-receive" >/dev/null 2>&1 && echo "CHECK xlc received from xl"
in_guest g10 120 'echo XLC-LAST-$((40+2)) $(cat /proc/sys/kernel/random/boot_id)'
[ -n "$boot" ] && [ "$(guest_says g10 LAST)" = "$boot" ] && echo "CHECK same boot after xl and xlc"
# The transport breaks mid-stream: the guest runs on here, nothing is left there.
step "cut migrate"
id=$(xl domid g10)
timeout -k 10 300 xlc migrate -s /payload/cutssh g10 localhost >cut.out 2>&1
echo "CHECK cut migrate: exit $?"
sed 's/^/CHECK cut migrate says: /' cut.out
[ "$(xl domid g10 2>/dev/null)" = "$id" ] && echo "CHECK g10 still here as $id"
# Once (an ASan run, 2026-12-03) the payload stopped here for 15 minutes,
# with nothing left to show where: each xl now has a bound and a trace.
timeout -k 5 60 xl list g10 >cut.list 2>&1 || diagnose "xl list g10 after the cut: exit $?" g10
awk 'NR == 2 { print "CHECK g10 state after cut: " $5 }' cut.list
timeout -k 5 60 xl list >cut.all 2>&1 || diagnose "xl list after the cut: exit $?" g10
grep -qE '^g10--' cut.all || echo "CHECK nothing left at the destination"
step "after the cut"
in_guest g10 120 'echo XLC-CUT-$((40+2)) $(cat /proc/sys/kernel/random/boot_id)'
# Once (CI, 2026-12-03) the guest gave no answer here and the run kept no
# trace of why: now what it printed is kept, and it is asked once more (a
# line typed while it resumed from the cancelled suspend may be lost).
if [ -z "$(guest_says g10 CUT)" ]; then
	tr -d '\r' <g10.out | tail -8 | sed 's/^/DIAG no answer after the cut: /'
	xl dmesg 2>&1 | tail -5 | sed 's/^/DIAG xl dmesg: /'
	diagnose "no answer after the cut" g10
	in_guest g10 120 'echo XLC-CUT-$((40+2)) $(cat /proc/sys/kernel/random/boot_id)'
fi
[ -n "$boot" ] && [ "$(guest_says g10 CUT)" = "$boot" ] && echo "CHECK same boot after the cut"
timeout -k 10 60 xlc migrate g10 2>&1 | sed 's/^/CHECK migrate usage: /' | head -1
timeout -k 10 60 xlc destroy g10 || diagnose "destroy g10" g10
}

# Bad input, -v, and create -n against xl -N over the corpus.
part_errors() {
# Bad input: each a clear line, nothing created.
step "Bad input"
cfg bad1 idle
sed -i 's|^kernel = .*|kernel = "/nonexistent/vmlinuz"|' bad1.cfg
timeout -k 10 60 xlc create -q bad1.cfg 2>&1 | sed 's/^/CHECK bad kernel: /'
cfg bad2 idle 'memory = 1000000'
timeout -k 10 60 xlc create -q bad2.cfg 2>&1 | sed 's/^/CHECK big memory: /'
cfg g3 idle
timeout -k 10 300 xlc create -q g3.cfg || echo "DIAG create g3: exit $?"
wait_list g3 present 120 || echo "DIAG g3 not listed"
timeout -k 10 300 xlc create -q g3.cfg 2>&1 | sed 's/^/CHECK duplicate: /'
# -v: libxl's own log lines on standard error.
step "-v"
# A dom0 process that dies under TCG (see xen.bats) is tried once more.
for try in 1 2; do
	timeout -k 10 120 xlc -v destroy g3 >v.log 2>&1
	rc=$?
	grep -q 'libxl: debug:' v.log && break
	echo "DIAG -v try $try: exit $rc, no libxl debug line: $(tail -3 v.log | tr '\n' ' ')"
done
grep -m1 'libxl: debug:' v.log | sed 's/^/CHECK -v: /'
xl list | grep -c -E '^(bad1|bad2) ' | sed 's/^/CHECK bad domains left: /'

# create -n: libxl's JSON from xlc equals xl -N create's, config by config.
step "create -n"
# Configs with keys only Xen honours (vnc, serial, boot...) are compared too.
same=0 differ=0 skipped=0 xlc_rejects=0 declared=0
for f in /payload/corpus/*.cfg; do
	# Corpus files that only exercise the grammar name no kernel: give both one.
	set --
	grep -q '^ *\(kernel\|bootloader\|firmware\|type *= *"hvm"\|builder\)' "$f" || set -- "kernel=\"$G/vmlinuz-pv\""
	if ! xl -N create "$f" "$@" >xl.json 2>xl.err; then
		skipped=$((skipped + 1))
		echo "CHECK xl -N refuses $f: $(tail -1 xl.err)"
		continue
	fi
	if ! xlc -b xen create -nq "$f" "$@" >xlc.json 2>/dev/null; then
		# xlc is stricter than xl (typos, bad numbers, bad vif tokens): the
		# corpus declares each such file.
		if grep -q '^# \(differential\|xen\): xlc-rejects' "$f"; then
			xlc_rejects=$((xlc_rejects + 1))
		else
			differ=$((differ + 1))
			echo "CHECK xlc refuses, undeclared: $f"
		fi
		continue
	fi
	if [ "$(jq -S 'del(.c_info.uuid)' xl.json)" = "$(jq -S 'del(.c_info.uuid)' xlc.json)" ]; then
		same=$((same + 1))
	elif grep -q '^# xen: json-differs:' "$f"; then
		# A difference the corpus file explains (an xl bug xlc does not copy).
		declared=$((declared + 1))
		echo "CHECK declared difference: $f"
	else
		differ=$((differ + 1))
		echo "CHECK json differs: $f"
		jq -S 'del(.c_info.uuid)' xl.json >a.json
		jq -S 'del(.c_info.uuid)' xlc.json >b.json
		diff a.json b.json | head -10
	fi
done
echo "CHECK json same=$same differ=$differ skipped=$skipped xlc_rejects=$xlc_rejects declared=$declared"
}

# Each argument names a part; the Xen suite boots one host per group of parts.
for part in "$@"; do
	"part_${part}"
done
# Any process of dom0 that crashed on the way, with where it crashed.
dmesg | grep -iE 'segfault|general protection|traps:|invalid opcode' | sed 's/^/DIAG dmesg: /'
