#!/usr/bin/env bats
# The KVM backend booting a stock Debian kernel: inside the nested KVM host
# (a QEMU TCG VM with a real kvm_amd), because this machine's kvm-pvm cannot
# run stock Linux.

load helper

@test "linux: the Debian fixture boots under xlc with 1 and 2 vCPUs and powers off" {
	run_host "${TESTS_DIR}/hosts/kvm" -t 1500 -x "${XLC}" -p "${TESTS_DIR}/hosts/payloads" -- \
		sh ./linux-boot.sh
	echo "${output}"
	[ "${status}" -eq 0 ]
	one=$(sed -n '/== boot vcpus=1/,/== exit/p' <<<"${output}")
	two=$(sed -n '/== boot vcpus=2/,/== exit/p' <<<"${output}")
	[[ "${one}" == *"XLC-INFO kernel="*"cpus=1 "* ]]
	[[ "${two}" == *"XLC-INFO kernel="*"cpus=2 "* ]]
	[[ "${one}" == *"XLC-GUEST-READY"* && "${two}" == *"XLC-GUEST-READY"* ]]
	[[ "${one}" == *"fixture1: the guest ended (poweroff); action: destroy"*"== exit 0"* ]]
	[[ "${two}" == *"fixture2: the guest ended (poweroff); action: destroy"*"== exit 0"* ]]
	# 256 MiB of RAM: the kernel reports a little less as MemTotal.
	mem=$(sed -n 's/.*mem_kb=\([0-9]*\).*/\1/p' <<<"${one}")
	[ "${mem}" -gt 200000 ]
	[ "${mem}" -le 262144 ]
}

@test "linux: console, shutdown -w (power button), reboot (Ctrl-Alt-Del), panic, pause, destroy, xlc-guests" {
	[ -x "${REPO_DIR}/build/system/xlc-guests" ] || make -s -C "${REPO_DIR}" build/system/xlc-guests
	run_host "${TESTS_DIR}/hosts/kvm" -t 1500 -x "${XLC}" -p "${TESTS_DIR}/hosts/payloads" \
		-p "${REPO_DIR}/build/system" -- sh ./linux-lifecycle.sh
	echo "${output}"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"CHECK shell booted"* ]]
	[[ "${output}" =~ shell\ +1\ +256\ +2\ +(r-----|-b----) ]]
	[[ "${output}" == *"XLC-INFO kernel="*"cpus=2 "* ]]
	[[ "${output}" == *'CHECK confinement ["uid","no_caps","no_new_privs","empty_root","rlimits","cgroup","seccomp"]'* ]]
	# RAM + the default 256 MiB overhead; 2 vCPUs + 16 tasks.
	[[ "${output}" == *"CHECK cgroup memory.max=536870912 pids.max=18 vmm in it=1"* ]]
	[[ "${output}" =~ CHECK\ vmm\ status\ Uid:\ 201326592[0-9]\ .*CapEff:\ 0000000000000000\ NoNewPrivs:\ 1\ Seccomp:\ 2 ]]
	[[ "${output}" == *"CHECK cgroup removed"* ]]
	[[ "${output}" == *"CHECK rebooted confined seccomp=2 in cgroup=1"* ]]
	[[ "${output}" == *"CHECK console exit 0"* ]]
	[[ "${output}" == *"CHECK console roundtrip ok"* ]]
	[[ "${output}" == *"CHECK shutdown exit 0"* ]]
	[[ "${output}" == *"CHECK power button seen by the guest"* ]]
	[[ "${output}" == *"CHECK shell gone"* ]]
	[[ "${output}" =~ CHECK\ reboot\ boots=[2-9]\ list=[2-9] ]] # on_reboot=restart
	[[ "${output}" == *"CHECK destroy rb ok"* ]]
	[[ "${output}" =~ CHECK\ reboot\ -w:\ Domain\ ([0-9]+)\ has\ been\ shut\ down,\ reason\ code\ 1 ]]
	[[ "${output}" == *"CHECK reboot new id ${BASH_REMATCH[1]} -> "* ]]
	[[ "${output}" == *"CHECK cad saw 1 ctrl-alt-del, booted 2 times"* ]]
	[[ "${output}" == *"CHECK crash state ---sc-"* ]] # pvpanic -> on_crash=preserve
	[[ "${output}" == *"CHECK destroy crash ok"* ]]
	times=$(sed -n 's/.*CHECK pause times //p' <<<"${output}")
	read -r a b c <<<"${times}"
	[ "${a}" = "${b}" ] # no CPU time while paused
	awk -v b="${b}" -v c="${c}" 'BEGIN { exit !(c > b + 0.5) }'
	[[ "${output}" == *"CHECK destroy busy ok"* ]]
	[[ "${output}" == *"CHECK busy gone"* ]]
	# mem-set on Linux's virtio_balloon: MemTotal follows, the VMM gives the memory back.
	[[ "${output}" == *"CHECK mem-set 128 ok"* ]]
	[[ "${output}" =~ CHECK\ mem\ before\ total=([0-9]+)\ rss=([0-9]+) ]]
	total_before=${BASH_REMATCH[1]}
	rss_before=${BASH_REMATCH[2]}
	[ "${total_before}" -gt 200000 ] # a 256 MiB guest, less the kernel's own
	[[ "${output}" =~ CHECK\ mem\ at\ 128\ total=([0-9]+)\ rss=([0-9]+)\ list=128 ]]
	[ "${BASH_REMATCH[1]}" -le 140000 ]
	echo "VMM RSS ${rss_before} KiB -> ${BASH_REMATCH[2]} KiB"
	[ "${BASH_REMATCH[2]}" -lt "${rss_before}" ]
	[[ "${output}" =~ CHECK\ mem\ at\ 256\ total=([0-9]+)\ list=256 ]]
	[ "${BASH_REMATCH[1]}" -eq "${total_before}" ] # all of it back
	[[ "${output}" == *'CHECK mem stats ["balloon",true,true]'* ]]
	# xlc-guests.service's script: auto start, then stop with a bounded wait.
	[[ "${output}" == *"CHECK guests start exit 0 running: auto1 auto2 deaf "* ]]
	[[ "${output}" == *"CHECK guests stop exit 0"* ]]
	[[ "${output}" == *"CHECK guests stop: xlc-guests: shutting down 3 guest(s), waiting up to 90 s"* ]]
	[[ "${output}" =~ CHECK\ guests\ stop:\ xlc:\ domain\ deaf\ \([0-9]+\)\ did\ not\ shut\ down\ within\ 90\ seconds ]]
	[[ "${output}" == *"CHECK guests stop: xlc-guests: destroying the guests still running after 90 s"* ]]
	[[ "${output}" == *"CHECK guests auto1 button=1"* ]]
	[[ "${output}" == *"CHECK guests auto2 button=1"* ]]
	[[ "${output}" == *"CHECK guests deaf button=0"* ]]
	[[ "${output}" == *"CHECK guests left: 0"* ]]
	[[ "${output}" == *"CHECK run dir empty"* ]]
}

# The tests that change running guests share one boot of the test host
# (linux-changes.sh runs both their payloads): the first to run boots it,
# the other reads what it printed.
changes_host() {
	local out="${BATS_FILE_TMPDIR}/changes"
	if [ ! -e "${out}.status" ]; then
		run_host "${TESTS_DIR}/hosts/kvm" -t 1500 -x "${XLC}" -p "${TESTS_DIR}/hosts/payloads" \
			-- sh ./linux-changes.sh
		printf '%s\n' "${output}" >"${out}"
		echo "${status}" >"${out}.status"
	fi
	output=$(cat "${out}")
	status=$(cat "${out}.status")
}

# "present" follows too: the guest's kernel sees vCPUs come and go (ACPI
# hotplug), not offline ones brought up (maxcpus=).
@test "linux: vcpu-set adds and removes vCPUs (ACPI CPU hotplug), cd-insert changes the medium; the guest follows" {
	changes_host
	echo "${output}"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"PAYLOAD linux-change.sh exit 0"* ]]
	[[ "${output}" == *"CHECK cpus cpu4 boot online=0-3 present=0-3 list=4"* ]]
	[[ "${output}" == *"CHECK cpus cpu1 boot online=0 present=0 list=1"* ]]
	[[ "${output}" == *"CHECK cpus cpu4 set1 online=0 present=0 list=1"* ]]
	[[ "${output}" == *"CHECK cpus overcommit: xlc: You are overcommmitting! You have 2 physical CPUs and want 3 vCPUs! Aborting, use --ignore-host to continue exit 1"* ]]
	[[ "${output}" == *"CHECK cpus cpu4 set3 online=0-2 present=0-2 list=3"* ]]
	[[ "${output}" == *"CHECK cpus cpu1 set4 online=0-3 present=0-3 list=4"* ]]
	[[ "${output}" == *"CHECK cpus too many: xlc: cpu1 has 1 to 4 vCPUs (its maxvcpus), not 5 exit 1"* ]]
	[[ "${output}" == *"CHECK cpus none: xlc: cpu1 has 1 to 4 vCPUs (its maxvcpus), not 0 exit 1"* ]]
	# vcpu-list: three vCPUs run or block, the removed one is offline (--p).
	[[ "${output}" =~ CHECK\ cpus\ vcpu-list\ [-rb]{3},[-rb]{3},[-rb]{3},--p ]]
	[[ "${output}" == *"CHECK cpus rebooted: cpus=3 list=3"* ]]
	# cd-insert / cd-eject: virtio_blk sees the capacity change, reads the medium.
	[[ "${output}" == *"CHECK cd empty: size=0 head="* ]]
	[[ "${output}" == *"CHECK cd one: size=2048 head=XLC-MEDIUM-ONE ----"* ]]
	[[ "${output}" == *"CHECK cd two: size=4096 head=XLC-MEDIUM-TWO ----"* ]]
	[[ "${output}" == *"CHECK cd ejected: size=0 head="* ]]
}

# save and restore of a running guest: the same boot counts on, with its
# disk (virtio-blk) and NIC (vhost-net on a bridge) working after restore.
@test "linux: save then restore, then migrate to this host: the same boot counts on; its disk and vhost-net NIC work after" {
	changes_host
	echo "${output}"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"PAYLOAD linux-save.sh exit 0"* ]]
	[[ "${output}" == *"CHECK before: ping ok"* ]]
	[[ "${output}" == *"CHECK nic path vhost-net"* ]]
	[[ "${output}" == *"CHECK save exit 0 1"* ]]
	[[ "${output}" == *"CHECK saved: gone=0 file=Xen saved domain, xl format"* ]]
	[[ "${output}" == *"CHECK while saved: new lines=0"* ]]
	[[ "${output}" == *"CHECK missing file: exit 1 xlc: Can't open restore file sr.sav: No such file or directory"* ]]
	[[ "${output}" == *"CHECK after: same boot=yes counts on=yes uptime on=yes booted again=no"* ]]
	[[ "${output}" == *"CHECK disk counts on=yes"* ]]
	[[ "${output}" == *"CHECK after: ping ok"* ]]
	[[ "${output}" == *"CHECK migrate exit 0 1"* ]]
	[[ "${output}" == *"CHECK migrated: names=sr "* ]]
	[[ "${output}" == *"CHECK migrated guest: same boot=yes counts on=yes"* ]]
	[[ "${output}" == *"CHECK migrated disk counts on=yes"* ]]
	[[ "${output}" == *"CHECK migrated: ping ok"* ]]
	[[ "${output}" == *"CHECK run dir empty: 0"* ]]
}

@test "linux: an ext4 disk from the host; the guest's synced write survives destroy and SIGKILL; qcow2 too; pygrub" {
	run_host "${TESTS_DIR}/hosts/kvm" -t 1200 -x "${XLC}" -p "${TESTS_DIR}/hosts/payloads" -- \
		sh ./linux-disk.sh
	echo "${output}"
	[ "${status}" -eq 0 ]
	hostfile=$(sed -n 's/.*CHECK host file //p' <<<"${output}" | tr -d '\r')
	[[ "${output}" == *"XLC-DISK-HOSTFILE ${hostfile}"* ]]
	# vdev order: xvda (64 MiB) is vda, xvdb (3 MiB) is vdb, though listed first.
	[[ "${output}" == *"XLC-INFO disk=vda sectors=131072 ro=0"*"XLC-INFO disk=vdb sectors=6144 ro=0"* ]]
	[[ "${output}" == *"CHECK after destroy the image has: written by the guest "* ]]
	[[ "${output}" == *"CHECK after SIGKILL the image has: written by the guest "* ]]
	[[ "${output}" == *"xlc: d2: disk /srv/disk.img is in use by guest d1 (id 1) (locked)"* ]]
	[[ "${output}" == *"CHECK second writer exit 1"* ]]
	[[ "${output}" == *"CHECK d3 gone"* ]]
	[[ "${output}" == *"XLC-INFO disk=vda sectors=131072 ro=1"* ]]
	[[ "${output}" == *"XLC-DISK-RO write=failed"* ]]
	[[ "${output}" == *"CHECK read-only image unchanged"* ]]
	[[ "${output}" == *"q1 XLC-DISK-HOSTFILE ${hostfile}"* ]]
	[[ "${output}" == *"CHECK q1 shutdown exit 0"* ]]
	[[ "${output}" == *"CHECK backing file unchanged"* ]]
	[[ "${output}" == *"CHECK the overlay has: written by the guest "* ]]
	[[ "${output}" == *"CHECK the qcow2 has: written by the guest "* ]]
	# bootloader = "pygrub": xen-tools' config and menu.lst, --entry=1, a partitioned grub.cfg
	local stock='XLC-INFO kernel=[0-9.-]*-cloud-amd64'
	[[ "${output}" == *"CHECK pg1 XLC-INFO cmdline=console=ttyS0 quiet xlc.test=poweroff xlc.entry=0 root=/dev/xvda2 ro reboot=a"* ]]
	[[ "${output}" == *'CHECK pg1 bootloader: partition 1: /boot/grub/menu.lst: entry 0 "Debian GNU/Linux, kernel 6.1.0-2": /boot/vmlinuz-6.1.0-2'* ]]
	grep -q "CHECK pg1 ${stock}" <<<"${output}"
	[[ "${output}" == *"CHECK pg2 XLC-INFO cmdline=console=ttyS0 quiet xlc.test=poweroff xlc.entry=1 single root=/dev/xvda2 ro reboot=a"* ]]
	[[ "${output}" == *'CHECK pg2 bootloader: partition 1: /boot/grub/menu.lst: entry 1 "Debian GNU/Linux, kernel 6.1.0-2 (single-user mode)"'* ]]
	grep -q "CHECK pg2 ${stock}" <<<"${output}"
	[[ "${output}" == *"CHECK pg3 XLC-INFO cmdline=root=/dev/vda1 ro console=ttyS0 quiet xlc.test=poweroff xlc.entry=grub reboot=a"* ]]
	[[ "${output}" == *'CHECK pg3 bootloader: partition 1: /boot/grub/grub.cfg: entry 0 "Debian GNU/Linux": /boot/vmlinuz-6.1.0-2'* ]]
	grep -q "CHECK pg3 ${stock}" <<<"${output}"
	[[ "${output}" == *"CHECK no qemu-storage-daemon left"* ]]
	[[ "${output}" == *"CHECK run dir empty"* ]]
}

@test "linux: guests on a bridge, on vhost-net and through the VMM: ping, HTTP transfers with checksums, rate=, taps" {
	run_host "${TESTS_DIR}/hosts/kvm" -t 1500 -x "${XLC}" -p "${TESTS_DIR}/hosts/payloads" -- \
		sh ./linux-net.sh
	echo "${output}"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"CHECK taps gb0 vif1.0 "* ]]
	host_md5=$(sed -n 's/.*CHECK host blob md5=\([0-9a-f]*\).*/\1/p' <<<"${output}")
	a_md5=$(sed -n 's/^ga XLC-NET-SERVING md5=\([0-9a-f]*\).*/\1/p' <<<"${output}")
	b_md5=$(sed -n 's/^gb XLC-NET-SERVING md5=\([0-9a-f]*\).*/\1/p' <<<"${output}")
	[ -n "${host_md5}" ]
	[ -n "${a_md5}" ]
	[ -n "${b_md5}" ]
	for g in ga gb; do
		[[ "${output}" == *"${g} XLC-NET-PING host=ok"* ]]
		[[ "${output}" == *"${g} XLC-NET-PING peer=ok"* ]]
		[[ "${output}" == *"${g} XLC-NET-WGET host md5=${host_md5}"* ]]
	done
	[[ "${output}" == *"ga XLC-NET-WGET peer md5=${b_md5}"* ]]
	[[ "${output}" == *"gb XLC-NET-WGET peer md5=${a_md5}"* ]]
	[[ "${output}" == *"CHECK host pings both"* ]]
	# ga and gb on vhost-net, gc and gd through the VMM: the guests see the
	# same NIC (the MAC xlc gave it, the default MTU) and move the same bytes.
	[[ "${output}" == *"CHECK host has /dev/vhost-net"* ]]
	for g in ga gb gc gd; do
		path=vhost-net
		[[ ${g} == g[cd] ]] && path=vmm
		mac=$(sed -n "s/^${g} XLC-NET-LINK mac=\([0-9a-f:]*\) mtu=1500.*/\1/p" <<<"${output}" | tr -d '\r')
		[ -n "${mac}" ]
		[[ "${output}" == *"CHECK nic ${g} ${path} mac=${mac} rx_MiB>4=true tx_packets>0=true"* ]]
	done
	for g in gc gd; do
		[[ "${output}" == *"${g} XLC-NET-PING host=ok"* ]]
		[[ "${output}" == *"${g} XLC-NET-PING peer=ok"* ]]
		[[ "${output}" == *"${g} XLC-NET-WGET host md5=${host_md5}"* ]]
	done
	c_md5=$(sed -n 's/^gc XLC-NET-SERVING md5=\([0-9a-f]*\).*/\1/p' <<<"${output}")
	d_md5=$(sed -n 's/^gd XLC-NET-SERVING md5=\([0-9a-f]*\).*/\1/p' <<<"${output}")
	[ -n "${c_md5}" ]
	[ -n "${d_md5}" ]
	[[ "${output}" == *"gc XLC-NET-WGET peer md5=${d_md5}"* ]]
	[[ "${output}" == *"gd XLC-NET-WGET peer md5=${c_md5}"* ]]
	# rate=4Mb/s: 4 MiB take 8.4 s; within 10 %.
	seconds=$(sed -n 's/.*CHECK rate fetch bytes=4194304 seconds=\([0-9.]*\).*/\1/p' <<<"${output}")
	[ -n "${seconds}" ]
	awk -v s="${seconds}" 'BEGIN { r = 4194304 * 8 / s / 1e6; print "rate " r " Mb/s"; exit !(r > 3.6 && r < 4.4) }'
	gr_md5=$(sed -n 's/^gr XLC-NET-SERVING md5=\([0-9a-f]*\).*/\1/p' <<<"${output}")
	[[ "${output}" == *"CHECK rate fetched md5=${gr_md5}"* ]]
	[[ "${output}" == *"CHECK taps left: []"* ]]
}

# The value of a column of domain $2 in block $3 (1-based) of `top -b` output.
top_col() {
	awk -v name="$2" -v block="$3" -v col="$4" '
		$1 == "NAME" { b++; for (i = 1; i <= NF; i++) idx[$i] = i; next }
		b == block && $1 == name { print $(idx[col]) }' <<<"$1"
}

@test "linux: five stock guests from one batch; top -b shows their CPU, disk and network; 2 vCPUs near 200 %" {
	run_host "${TESTS_DIR}/hosts/kvm" -t 1500 -x "${XLC}" -p "${TESTS_DIR}/hosts/payloads" -- \
		sh ./linux-fleet.sh
	echo "${output}"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"CHECK batch exit 0"* ]]
	[ "$(grep -c '^BATCH f[1-5] .* running ' <<<"${output}")" -eq 5 ]
	[[ "${output}" == *"CHECK running 5"* ]]
	[[ "${output}" == *"CHECK booted 1 1 1 1 1 "* ]]
	top=$(sed -n 's/^TOP //p' <<<"${output}" | tr -d '\r')
	[ "$(head -1 <<<"${top}")" = '      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID' ]
	busy=$(top_col "${top}" f1 3 'CPU(%)')
	idle=$(top_col "${top}" f2 3 'CPU(%)')
	echo "busy ${busy}% idle ${idle}%"
	# The host's two CPUs are shared with the I/O guest (and, on a busy
	# machine, its own I/O takes longer): the spinner gets most of one CPU,
	# never more, and far more than an idle guest. Exact CPU(%) is
	# tests/unit/test_cpu_pct's.
	awk -v b="${busy}" -v i="${idle}" 'BEGIN { exit !(b >= 50 && b <= 115 && i < 10 && b > 5 * i) }'
	# The I/O guest's counters grow from one sample to the next.
	[ "$(top_col "${top}" f5 3 VBD_RD)" -gt "$(top_col "${top}" f5 2 VBD_RD)" ]
	[ "$(top_col "${top}" f5 3 VBD_RSECT)" -gt "$(top_col "${top}" f5 2 VBD_RSECT)" ]
	[ "$(top_col "${top}" f5 3 VBD_WR)" -gt "$(top_col "${top}" f5 1 VBD_WR)" ]
	[ "$(top_col "${top}" f5 3 'NETRX(k)')" -gt "$(top_col "${top}" f5 2 'NETRX(k)')" ]
	[ "$(top_col "${top}" f5 3 'NETTX(k)')" -gt "$(top_col "${top}" f5 1 'NETTX(k)')" ]
	# CPU(%) counts every vCPU: two spinning vCPUs are near 200 %, not 100.
	top2=$(sed -n 's/^TOP2 //p' <<<"${output}" | tr -d '\r')
	busy2=$(top_col "${top2}" f6 3 'CPU(%)')
	echo "two spinning vCPUs: ${busy2}%"
	[ "$(top_col "${top2}" f6 3 VCPUS)" -eq 2 ]
	awk -v b="${busy2}" 'BEGIN { exit !(b >= 130 && b <= 215) }'
	[[ "${output}" == *"CHECK left 0"* ]]
}
