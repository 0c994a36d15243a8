#!/bin/sh
# Runs inside the KVM test host: the lifecycle of a stock Debian guest under
# xlc: console, shutdown -w through the ACPI power button, a guest reboot
# with on_reboot=restart, a kernel panic reported by pvpanic with
# on_crash=preserve, pause/unpause, destroy of a busy guest. Prints
# CHECK lines that tests/bats/kvm-linux.bats asserts on.
. ./lib.sh
cfg() { # name test vcpus
	cat >"$1.cfg" <<CFG
name = "$1"
memory = 256
vcpus = $3
kernel = "/payload/guest/vmlinuz"
ramdisk = "/payload/guest/initramfs.cpio.gz"
cmdline = "console=ttyS0 quiet xlc.test=$2"
on_reboot = "restart"
CFG
}

cfg shell shell 2
xlc create -q shell.cfg && echo "CHECK create shell ok"
wait_for shell XLC-GUEST-READY 120 && echo "CHECK shell booted"
xlc list
log shell | grep XLC-INFO
# The guest process is confined here as on any host, and this host has cgroup v2.
j=$(xlc list --json)
echo "CHECK confinement $(echo "$j" | jq -c '.[] | select(.name == "shell") | .confinement.active')"
cg=$(echo "$j" | jq -r '.[] | select(.name == "shell") | .confinement.cgroup')
vmm=$(echo "$j" | jq '.[] | select(.name == "shell") | .vmm_pid')
echo "CHECK cgroup memory.max=$(cat "$cg/memory.max") pids.max=$(cat "$cg/pids.max") vmm in it=$(grep -cx "$vmm" "$cg/cgroup.procs")"
echo "CHECK vmm status $(grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' /proc/$vmm/status | tr -s '\t ' ' ' | tr '\n' ' ')"
# Type a command into the guest's shell through xlc console.
mkfifo in
# It detaches once the answer is back (or after 20 s without one).
(sleep 1; printf 'echo CONSOLE-$((6*7))\r'
 timeout 20 sh -c 'until grep -q CONSOLE-42 console.out; do sleep 0.2; done'
 printf '\035'; sleep 60) >in &
feeder=$!
timeout 30 xlc console shell <in >console.out 2>&1
echo "CHECK console exit $?"
kill $feeder
grep -q CONSOLE-42 console.out && echo "CHECK console roundtrip ok"
start=$(date +%s)
timeout 300 xlc shutdown -w shell
echo "CHECK shutdown exit $? after $(($(date +%s) - start))s"
log shell | grep -q XLC-POWER-BUTTON && echo "CHECK power button seen by the guest"
xlc list | grep -q '^shell ' || echo "CHECK shell gone"
[ -d "$cg" ] || echo "CHECK cgroup removed"

cfg rb reboot 1
xlc create -q rb.cfg
wait_for rb XLC-GUEST-READY 300
within 300 '[ "$(log rb | grep -c XLC-GUEST-READY)" -ge 2 ]'
echo "CHECK reboot boots=$(log rb | grep -c XLC-GUEST-READY) list=$(xlc list --json | jq '.[] | select(.name == "rb") | .boots')"
# The new boot's guest process is a new process, confined and in the cgroup again.
j=$(xlc list --json)
vmm=$(echo "$j" | jq '.[] | select(.name == "rb") | .vmm_pid')
cg=$(echo "$j" | jq -r '.[] | select(.name == "rb") | .confinement.cgroup')
echo "CHECK rebooted confined seccomp=$(awk '/^Seccomp:/ { print $2 }' /proc/$vmm/status) in cgroup=$(grep -cx "$vmm" "$cg/cgroup.procs")"
xlc destroy rb && echo "CHECK destroy rb ok"

# xlc reboot presses Ctrl-Alt-Del; the guest's init reboots in order.
cfg cad idle 1
xlc create -q cad.cfg
wait_for cad XLC-GUEST-READY 300
id_before=$(xlc domid cad)
timeout 180 xlc reboot -w cad 2>&1 | sed 's/^/CHECK reboot -w: /'
# As on Xen (and as Ganeti checks): a new domain id, and Time(s) from zero.
id_after=$(xlc domid cad)
[ "$id_after" != "$id_before" ] && echo "CHECK reboot new id $id_before -> $id_after"
# -w returns once the VMM has started the guest again; its init comes later.
within 300 '[ "$(log cad | grep -c XLC-GUEST-READY)" -ge 2 ]'
echo "CHECK cad saw $(log cad | grep -c XLC-CTRL-ALT-DEL) ctrl-alt-del, booted $(log cad | grep -c XLC-GUEST-READY) times"
xlc destroy cad

cfg crash panic 1
echo 'on_crash = "preserve"' >>crash.cfg
xlc create -q crash.cfg
wait_for crash XLC-GUEST-READY 300
within 120 "xlc list crash | grep -q -- '---sc-'"
echo "CHECK crash state $(xlc list crash | awk 'NR==2 {print $5}')"
xlc destroy crash && echo "CHECK destroy crash ok"

cfg busy spin 1
xlc create -q busy.cfg
wait_for busy XLC-GUEST-READY 300
sleep 1
xlc pause busy
a=$(xlc list busy | awk 'NR==2 {print $6}')
sleep 3
b=$(xlc list busy | awk 'NR==2 {print $6}')
xlc unpause busy
sleep 3
c=$(xlc list busy | awk 'NR==2 {print $6}')
echo "CHECK pause times $a $b $c"
xlc destroy busy && echo "CHECK destroy busy ok"
xlc list | grep -q '^busy ' || echo "CHECK busy gone"

# mem-set on a stock kernel's virtio_balloon: MemTotal in the guest and the
# VMM's resident memory follow; the guest's statistics reach list --json.
cfg mem meminfo 1
xlc create -q mem.cfg
wait_for mem XLC-MEM 300
# The guest's own use first, so that the balloon has pages to return.
memtotal() { log mem | sed -n 's/.*XLC-MEM total_kib=\([0-9]*\).*/\1/p' | tail -1; }
vmm=$(xlc list --json | jq '.[] | select(.name == "mem") | .vmm_pid')
rss() { awk '/^VmRSS:/ { print $2 }' /proc/$vmm/status; }
total_before=$(memtotal)
echo "CHECK mem before total=$total_before rss=$(rss)"
xlc mem-set mem 128 && echo "CHECK mem-set 128 ok"
mib() { xlc list mem | awk 'NR == 2 { print $3 }'; }
within 120 '[ "$(memtotal)" -le 140000 ] && [ "$(mib)" = 128 ]'
echo "CHECK mem at 128 total=$(memtotal) rss=$(rss) list=$(xlc list mem | awk 'NR == 2 { print $3 }')"
xlc mem-set mem 256 && echo "CHECK mem-set 256 ok"
within 120 '[ "$(memtotal)" -ge "$total_before" ] && [ "$(mib)" = 256 ]'
echo "CHECK mem at 256 total=$(memtotal) list=$(xlc list mem | awk 'NR == 2 { print $3 }')"
within 60 '[ "$(xlc list --json | jq ".[] | select(.name == \"mem\") | .devices[-1].guest_total_bytes")" != 0 ]'
echo "CHECK mem stats $(xlc list --json | jq -c '.[] | select(.name == "mem") | .devices[-1] | [.kind, .guest_total_bytes > 0, .guest_free_bytes > 0]')"
xlc destroy mem

# xlc-guests, xlc-guests.service's script (copied here from build/system):
# the configs in /etc/xlc/auto start; at stop the two guests that honour the
# power button end, and the one that ignores it is destroyed after the timeout.
mkdir -p /etc/xlc/auto
cfg auto1 idle 1
cfg auto2 idle 1
cfg deaf idle 1
echo 'cmdline = "console=ttyS0 quiet xlc.test=idle xlc.nobutton=1"' >>deaf.cfg
mv auto1.cfg auto2.cfg deaf.cfg /etc/xlc/auto/
echo 'XLC_SHUTDOWN_TIMEOUT=90' >guests.default
XLC_DEFAULTS=./guests.default XLC=$(command -v xlc) ./xlc-guests start >guests.out 2>&1
echo "CHECK guests start exit $? running: $(xlc list | awk 'NR > 1 { print $1 }' | sort | tr '\n' ' ')"
for g in auto1 auto2 deaf; do wait_for $g XLC-GUEST-READY 300; done
XLC_DEFAULTS=./guests.default XLC=$(command -v xlc) timeout 600 ./xlc-guests stop >guests.out 2>&1
echo "CHECK guests stop exit $?"
sed 's/^/CHECK guests stop: /' guests.out
for g in auto1 auto2 deaf; do
	echo "CHECK guests $g button=$(log $g | grep -c XLC-POWER-BUTTON)"
done
echo "CHECK guests left: $(xlc list | awk 'NR > 1' | wc -l)"

ls -A "$XLC_RUN_DIR" | grep -v '^\.lock$' | grep -q . || echo "CHECK run dir empty"
