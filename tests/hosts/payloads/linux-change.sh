#!/bin/sh
# Runs inside the KVM test host: running stock Debian guests changed.
# vcpu-set through ACPI CPU hotplug: the guest's online CPUs follow, down
# and up on a guest booted with all 4, up on one booted with 1 of 4; list
# shows the count; what the host or maxvcpus does not allow is refused.
# cd-insert and cd-eject: the guest reads the new medium. Prints CHECK lines
# that tests/bats/kvm-linux.bats asserts on.
. ./lib.sh
cfg() { # name vcpus maxvcpus
	cat >"$1.cfg" <<CFG
name = "$1"
memory = 256
vcpus = $2
maxvcpus = $3
kernel = "/payload/guest/vmlinuz"
ramdisk = "/payload/guest/initramfs.cpio.gz"
cmdline = "console=ttyS0 quiet xlc.test=cpus"
CFG
}
# The guest prints its online and present CPUs whenever they change.
cpus_online() { log "$1" | sed -n 's/.*XLC-CPUS online=\([0-9,-]*\).*/\1/p' | tail -1; }
cpus_present() { log "$1" | sed -n 's/.*XLC-CPUS .*present=\([0-9,-]*\).*/\1/p' | tail -1; }
wait_cpus() { # name expected what
	end=$(($(date +%s) + 180))
	# Both: a removed vCPU goes offline before it leaves, an added one comes before it runs.
	while [ "$(cpus_online "$1") $(cpus_present "$1")" != "$2 $2" ] && [ "$(date +%s)" -lt "$end" ]; do
		sleep 0.2
	done
	echo "CHECK cpus $1 $3 online=$(cpus_online "$1") present=$(cpus_present "$1")" \
		"list=$(xlc list "$1" | awk 'NR == 2 { print $4 }')"
}
refused() { # what command...
	what=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "CHECK cpus $what: ${out} exit ${rc}"
}

cfg cpu4 4 4
cfg cpu1 1 4
xlc create -q cpu4.cfg && xlc create -q cpu1.cfg
wait_cpus cpu4 0-3 boot
wait_cpus cpu1 0 boot
xlc vcpu-set cpu4 1 && wait_cpus cpu4 0 set1
# This host has 2 CPUs: 3 vCPUs overcommit it, which xl refuses without -i.
refused overcommit xlc vcpu-set cpu4 3
xlc vcpu-set -i cpu4 3 && wait_cpus cpu4 0-2 set3
xlc vcpu-set -i cpu1 4 && wait_cpus cpu1 0-3 set4
refused "too many" xlc vcpu-set -i cpu1 5
refused none xlc vcpu-set cpu1 0
echo "CHECK cpus vcpu-list $(xlc vcpu-list cpu4 | awk 'NR > 1 { printf "%s%s", sep, $5; sep = "," }')"
# The count outlives a reboot of the guest, as libxl keeps it.
xlc reboot -F cpu4 && sleep 1
end=$(($(date +%s) + 300))
until [ "$(log cpu4 | grep -c XLC-GUEST-READY)" -ge 2 ] || [ "$(date +%s)" -ge "$end" ]; do sleep 0.2; done
echo "CHECK cpus rebooted: $(log cpu4 | grep "XLC-INFO kernel" | tail -1 | grep -o 'cpus=[0-9]*') list=$(xlc list cpu4 | awk 'NR == 2 { print $4 }')"
xlc destroy cpu4
xlc destroy cpu1

# cd-insert and cd-eject on a drive that starts empty: the guest's virtio_blk
# sees the capacity change and reads the new medium (past its page cache).
printf 'XLC-MEDIUM-ONE ----' >one.iso && truncate -s 1M one.iso
printf 'XLC-MEDIUM-TWO ----' >two.iso && truncate -s 2M two.iso
cat >cd.cfg <<CFG
name = "cd"
memory = 256
kernel = "/payload/guest/vmlinuz"
ramdisk = "/payload/guest/initramfs.cpio.gz"
cmdline = "console=ttyS0 quiet xlc.test=cdrom"
disk = [ ',raw,xvda,cdrom' ]
CFG
cd_now() { log cd | grep "XLC-CD size" | tail -1; }
wait_cd() { # expected what
	end=$(($(date +%s) + 180))
	until cd_now | grep -q "$1" || [ "$(date +%s)" -ge "$end" ]; do sleep 0.2; done
	echo "CHECK cd $2: $(cd_now | sed 's/.*XLC-CD //')"
	cd_now | grep -q "$1" || { echo "no '$1' within 180 s; the guest's console:"; log cd | tail -15; }
}
xlc create -q cd.cfg 2>&1
wait_cd "size=0" empty
xlc cd-insert cd xvda "$PWD/one.iso" && wait_cd "MEDIUM-ONE" one
xlc cd-insert cd xvda "$PWD/two.iso" && wait_cd "MEDIUM-TWO" two
xlc cd-eject cd xvda && wait_cd "size=0" ejected
xlc destroy cd
