#!/usr/bin/env bats
# virtio devices on this machine's kvm-pvm, driven by kit guests: disks
# (virtio-blk), NICs on taps and bridges (virtio-net), and what a hostile
# guest can do to them. Bridges and taps live in a network namespace that
# each test creates and deletes.

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"

setup() {
	setup_sandbox
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	truncate -s 1M "${SANDBOX}/a.img"
	printf 'HOST-SECTOR-ZERO disk A' | dd of="${SANDBOX}/a.img" conv=notrunc 2>/dev/null
	truncate -s 2M "${SANDBOX}/b.img"
	printf 'HOST-SECTOR-ZERO disk B' | dd of="${SANDBOX}/b.img" conv=notrunc 2>/dev/null
	cat >"${SANDBOX}/blk.cfg" <<-CFG
	name = "kb"
	memory = 64
	kernel = "${KIT}/blk.bzImage"
	cmdline = "kit.end=poweroff kit.sector=5"
	disk = [ '${SANDBOX}/a.img,raw,xvda,rw' ]
	CFG
	NETNS=""
}

teardown() { teardown_guests; }

xlc() { "${XLC}" "$@"; }

# create of blk.cfg with these overrides fails: exit 1, and exactly message $1.
create_refused() {
	local want=$1
	shift
	run --separate-stderr xlc create -q "${SANDBOX}/blk.cfg" "$@"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "${want}" ]
}

# Runs a kit guest in the foreground (create -F): its console on stdout.
kit_fg() {
	run --separate-stderr timeout -s KILL 60 "${XLC}" create -Fq "$@"
}


@test "disk: a written sector reaches the image; the host's sector 0 reaches the guest" {
	kit_fg "${SANDBOX}/blk.cfg"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *'KIT-BLK disk=0 capacity=2048 ro=0 read=0 sector0="HOST-SECTOR-ZERO disk A'* ]]
	[[ "${output}" == *"KIT-BLK write=0 flush=0 read=0 match=1"* ]]
	# The pattern the guest wrote, read by the host from the image file.
	[ "$(dd if="${SANDBOX}/a.img" bs=512 skip=5 count=1 2>/dev/null | head -c 24)" = "5lc-kit-blk xlc-kit-blk " ]
}

@test "disk: each flush the guest asks for is an fdatasync of its image; the data outlives a SIGKILL" {
	xlc create -p -q "${SANDBOX}/blk.cfg" 'cmdline="kit.end=halt kit.sector=7"'
	vmm=$(xlc list --json | jq .[0].vmm_pid)
	sup=$(xlc list --json | jq .[0].pid)
	# Every thread of the guest process traced before the guest runs a single instruction.
	strace -f -qq -e trace=fdatasync -o "${SANDBOX}/trace" -p "${vmm}" &
	tracer=$!
	for i in $(seq 1 100); do
		[ "$(grep -l "TracerPid:	${tracer}$" /proc/"${vmm}"/task/*/status | wc -l)" -ge 6 ] && break
		sleep 0.1
	done
	xlc unpause kb
	wait_console kb "KIT-BLK write=0 flush=0 read=0 match=1"
	flushes=$(xlc list --json | jq .[0].devices[0].flush_req)
	kill -INT "${tracer}" # detaches
	wait "${tracer}" || true
	cat "${SANDBOX}/trace"
	# The guest was told its write is stable: kill the VMM without a chance to tidy up.
	kill -KILL "${sup}" "${vmm}"
	[ "${flushes}" -eq 1 ]
	[ "$(grep -c 'fdatasync([0-9]*) *= 0' "${SANDBOX}/trace")" -eq "${flushes}" ]
	[ "$(dd if="${SANDBOX}/a.img" bs=512 skip=7 count=1 2>/dev/null | head -c 24)" = "7lc-kit-blk xlc-kit-blk " ]
}

@test "disk: two disks appear in vdev order, whatever the config's order" {
	kit_fg "${SANDBOX}/blk.cfg" \
		"disk=['${SANDBOX}/b.img,raw,xvdb,w', '${SANDBOX}/a.img,raw,xvda,w']"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *'KIT-BLK disk=0 capacity=2048 ro=0 read=0 sector0="HOST-SECTOR-ZERO disk A'* ]]
	[[ "${output}" == *'KIT-BLK disk=1 capacity=4096 ro=0 read=0 sector0="HOST-SECTOR-ZERO disk B'* ]]
	[[ "${output}" == *"KIT-BLK disks=2"* ]]
}

@test "disk: access=ro and cdroms are read-only: writes fail, the image is untouched" {
	before=$(md5sum <"${SANDBOX}/a.img")
	kit_fg "${SANDBOX}/blk.cfg" "disk=['${SANDBOX}/a.img,raw,xvda,r']"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"ro=1"* ]]
	[[ "${output}" == *"KIT-BLK write=1 "* ]] # VIRTIO_BLK_S_IOERR
	[ "$(md5sum <"${SANDBOX}/a.img")" = "${before}" ]
	kit_fg "${SANDBOX}/blk.cfg" "disk=['${SANDBOX}/a.img,raw,hdc,w,devtype=cdrom']"
	[[ "${output}" == *"ro=1"* ]]
	[[ "${output}" == *"KIT-BLK write=1 "* ]]
	[ "$(md5sum <"${SANDBOX}/a.img")" = "${before}" ]
}

@test "disk: discard punches a hole in the image file; no-discard turns it off" {
	kit_fg "${SANDBOX}/blk.cfg" 'cmdline="kit.end=poweroff kit.discard=1024"'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-BLK discard write=0 discard=0"* ]]
	# The guest wrote 0x5a there, then discarded it: the host reads zeros.
	[ "$(dd if="${SANDBOX}/a.img" bs=512 skip=1024 count=8 2>/dev/null | tr -d '\0' | wc -c)" -eq 0 ]
	kit_fg "${SANDBOX}/blk.cfg" 'cmdline="kit.end=poweroff kit.discard=1024"' \
		"disk=['${SANDBOX}/a.img,raw,xvda,rw,no-discard']"
	[[ "${output}" == *"KIT-BLK discard write=0 discard=2"* ]] # VIRTIO_BLK_S_UNSUPP
	[ "$(dd if="${SANDBOX}/a.img" bs=512 skip=1024 count=8 2>/dev/null | tr -d '\0' | wc -c)" -eq 4096 ]
}

@test "disk: a writable image is locked; read-only users share it" {
	xlc create -q "${SANDBOX}/blk.cfg" 'cmdline="kit.end=halt"'
	create_refused "xlc: kb2: disk ${SANDBOX}/a.img is in use by guest kb (id 1) (locked); stop that guest or give this one a copy" \
		name=\"kb2\" 'cmdline="kit.end=halt"'
	run --separate-stderr xlc create -q "${SANDBOX}/blk.cfg" name=\"kb3\" \
		"disk=['${SANDBOX}/a.img,raw,xvda,r']"
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == *"disk ${SANDBOX}/a.img is in use by guest kb (id 1) (locked for writing)"* ]]
	[ "$(xlc list | tail -n +2 | awk '{print $1}')" = kb ]
	[ ! -e "${XLC_RUN_DIR}/kb2.sock" ]
	[ ! -e "${XLC_RUN_DIR}/kb3.sock" ]
	xlc destroy kb
	xlc create -q "${SANDBOX}/blk.cfg" name=\"r1\" "disk=['${SANDBOX}/a.img,raw,xvda,r']" 'cmdline="kit.end=halt"'
	xlc create -q "${SANDBOX}/blk.cfg" name=\"r2\" "disk=['${SANDBOX}/a.img,raw,xvda,r']" 'cmdline="kit.end=halt"'
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 2 ]
}

@test "disk: the locks are QEMU's: xlc, QEMU and qemu-storage-daemon keep off each other's images" {
	xlc create -q "${SANDBOX}/blk.cfg" 'cmdline="kit.end=halt"'
	# A writing guest: QEMU may not write the image beside it.
	run qemu-io -f raw -c 'read 0 512' "${SANDBOX}/a.img"
	[ "${status}" -ne 0 ]
	[[ "${output}" == *'Failed to get "write" lock'* ]]
	xlc destroy kb
	run qemu-io -f raw -c 'read 0 512' "${SANDBOX}/a.img"
	[ "${status}" -eq 0 ]
	# A reading guest: QEMU may read beside it, not write.
	xlc create -q "${SANDBOX}/blk.cfg" name=\"r1\" "disk=['${SANDBOX}/a.img,raw,xvda,r']" 'cmdline="kit.end=halt"'
	run qemu-io -f raw -r -c 'read 0 512' "${SANDBOX}/a.img"
	[ "${status}" -eq 0 ]
	run qemu-io -f raw -c 'read 0 512' "${SANDBOX}/a.img"
	[ "${status}" -ne 0 ]
	[[ "${output}" == *'Failed to get "write" lock'* ]]
	xlc destroy r1
	# A qcow2 that QEMU writes for a guest cannot be read as raw by another.
	qemu-img create -q -f qcow2 "${SANDBOX}/q.qcow2" 1M
	xlc create -q "${SANDBOX}/blk.cfg" name=\"kq\" "disk=['${SANDBOX}/q.qcow2,qcow2,xvda,w']" 'cmdline="kit.end=halt"'
	create_refused "xlc: r2: disk ${SANDBOX}/q.qcow2 is in use by guest kq (id 3) (locked for writing); stop that guest or give this one a copy" \
		name=\"r2\" "disk=['${SANDBOX}/q.qcow2,raw,xvda,r']"
}

# The qemu-storage-daemons serving guest kq's disks (their command lines name the image).
qsd_of() { pgrep -f "qemu-storage-daemon .*filename=$1," || true; }

@test "disk: qcow2 through qemu-storage-daemon: reads reach the backing file, writes stay in the overlay" {
	qemu-img create -q -f qcow2 -b "${SANDBOX}/a.img" -F raw "${SANDBOX}/ov.qcow2"
	base=$(md5sum <"${SANDBOX}/a.img")
	xlc create -q "${SANDBOX}/blk.cfg" name=\"kq\" "disk=['${SANDBOX}/ov.qcow2,qcow2,xvda,w']" \
		'cmdline="kit.end=halt kit.sector=5"'
	wait_console kq "KIT-BLK write=0 flush=0 read=0 match=1"
	# One daemon, and the raw view it exports mounted in the run directory.
	qsd=$(qsd_of "${SANDBOX}/ov.qcow2")
	[ -n "${qsd}" ]
	# Confined: no network, of root's capabilities CAP_SYS_ADMIN and CAP_DAC_OVERRIDE alone.
	[ "$(readlink /proc/"${qsd}"/ns/net)" != "$(readlink /proc/self/ns/net)" ]
	[ "$(sed -n 's/^CapEff:\t//p' /proc/"${qsd}"/status)" = 0000000000200002 ]
	[ "$(sed -n 's/^CapBnd:\t//p' /proc/"${qsd}"/status)" = 0000000000200002 ]
	[ "$(sed -n 's/^NoNewPrivs:\t//p' /proc/"${qsd}"/status)" = 1 ]
	grep -q " ${XLC_RUN_DIR}/disk-1-xvda fuse" /proc/mounts
	grep -q 'sector0="HOST-SECTOR-ZERO disk A' "${XLC_LOG_DIR}/console/kq.log"
	xlc list >/dev/null # a live guest's export is not a leftover
	grep -q " ${XLC_RUN_DIR}/disk-1-xvda fuse" /proc/mounts
	xlc destroy kq
	# The daemon and its mount went with the guest; the write is in the overlay only.
	[ -z "$(qsd_of "${SANDBOX}/ov.qcow2")" ]
	[ -z "$(grep " ${XLC_RUN_DIR}/" /proc/mounts)" ]
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
	[ "$(md5sum <"${SANDBOX}/a.img")" = "${base}" ]
	qemu-img convert -O raw "${SANDBOX}/ov.qcow2" "${SANDBOX}/ov.raw"
	[ "$(dd if="${SANDBOX}/ov.raw" bs=512 skip=5 count=1 2>/dev/null | head -c 24)" = "5lc-kit-blk xlc-kit-blk " ]
	[ "$(qemu-img map --output=json "${SANDBOX}/ov.qcow2" | jq '[.[] | select(.depth == 0 and .data)] | length')" -ge 1 ]
	# The guest's discard reaches the image (4 KiB clusters: the kit discards 4 KiB).
	qemu-img create -q -f qcow2 -o cluster_size=4096 "${SANDBOX}/d.qcow2" 1M
	kit_fg "${SANDBOX}/blk.cfg" 'cmdline="kit.end=poweroff kit.discard=1024"' \
		"disk=['${SANDBOX}/d.qcow2,qcow2,xvda,w']"
	[[ "${output}" == *"KIT-BLK discard write=0 discard=0"* ]]
	[ "$(qemu-img map --output=json "${SANDBOX}/d.qcow2" | jq '[.[] | select(.data)] | length')" -eq 0 ]
	# Read-only and a vhd: served too; the guest's write fails, the image is untouched.
	qemu-img convert -O vpc "${SANDBOX}/ov.qcow2" "${SANDBOX}/d.vhd"
	before=$(md5sum <"${SANDBOX}/d.vhd")
	kit_fg "${SANDBOX}/blk.cfg" "disk=['${SANDBOX}/d.vhd,vhd,xvda,r']"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *'ro=1 read=0 sector0="HOST-SECTOR-ZERO disk A'* ]]
	[[ "${output}" == *"KIT-BLK write=1 "* ]]
	[ "$(md5sum <"${SANDBOX}/d.vhd")" = "${before}" ]
}

@test "disk: a qcow2 in use, not qcow2, or missing: QEMU's reason on one line; nothing is left" {
	qemu-img create -q -f qcow2 "${SANDBOX}/q.qcow2" 1M
	xlc create -q "${SANDBOX}/blk.cfg" name=\"kq\" "disk=['${SANDBOX}/q.qcow2,qcow2,xvda,w']" 'cmdline="kit.end=halt"'
	create_refused "xlc: kq2: disk ${SANDBOX}/q.qcow2: qemu-storage-daemon: Failed to get \"write\" lock; Is another process using the image [${SANDBOX}/q.qcow2]?" \
		name=\"kq2\" "disk=['${SANDBOX}/q.qcow2,qcow2,xvda,w']"
	[ "$(qsd_of "${SANDBOX}/q.qcow2" | wc -l)" -eq 1 ]
	xlc destroy kq
	create_refused "xlc: kb: disk ${SANDBOX}/a.img: qemu-storage-daemon: Image is not in qcow2 format" \
		"disk=['${SANDBOX}/a.img,qcow2,xvda,w']"
	create_refused "xlc: kb: disk ${SANDBOX}/none.qcow2: qemu-storage-daemon: Could not open '${SANDBOX}/none.qcow2': No such file or directory" \
		"disk=['${SANDBOX}/none.qcow2,qcow2,xvda,w']"
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
	[ -z "$(pgrep -f "qemu-storage-daemon .*${SANDBOX}/")" ]
	[ -z "$(grep " ${XLC_RUN_DIR}/" /proc/mounts)" ]
}

@test "disk: a VMM killed with SIGKILL takes its qemu-storage-daemon along; list clears leftover mountpoints" {
	qemu-img create -q -f qcow2 "${SANDBOX}/q.qcow2" 1M
	xlc create -q "${SANDBOX}/blk.cfg" name=\"kq\" "disk=['${SANDBOX}/q.qcow2,qcow2,xvda,w']" 'cmdline="kit.end=halt"'
	qsd=$(qsd_of "${SANDBOX}/q.qcow2")
	[ -n "${qsd}" ]
	kill -KILL "$(xlc list --json | jq .[0].pid)" "$(xlc list --json | jq .[0].vmm_pid)"
	for i in $(seq 100); do process_gone "${qsd}" && break; sleep 0.1; done
	process_gone "${qsd}"
	# What a daemon killed with its VMM could leave: a mountpoint, still mounted or not.
	touch "${XLC_RUN_DIR}/disk-98-xvda" "${XLC_RUN_DIR}/disk-99-xvdb"
	mount --bind /dev/null "${XLC_RUN_DIR}/disk-98-xvda"
	xlc list >/dev/null
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
	[ -z "$(grep " ${XLC_RUN_DIR}/" /proc/mounts)" ]
	# The image is free again.
	kit_fg "${SANDBOX}/blk.cfg" "disk=['${SANDBOX}/q.qcow2,qcow2,xvda,w']"
	[ "${status}" -eq 0 ]
}

@test "disk: a missing image and a directory are clear errors; nothing starts" {
	create_refused "xlc: kb: disk ${SANDBOX}/none.img: No such file or directory" \
		"disk=['${SANDBOX}/none.img,raw,xvda,w']"
	create_refused "xlc: kb: disk ${SANDBOX} is not a file or a block device" \
		"disk=['${SANDBOX},raw,xvda,r']"
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
}

@test "bad devices: too many, a vifname too long, a script that is not there; nothing starts" {
	disks=""
	for l in a b c d e f g h i j k l m n o; do disks="${disks}'${SANDBOX}/a.img,raw,xvd${l},r',"; done
	create_refused "xlc: kb: too many disks and vifs: the kvm backend has 15 virtio slots, two of them for the entropy device and the balloon" \
		"disk=[${disks%,}]"
	create_refused "xlc: kb: vif 0: vifname averyveryverylongname is longer than 15 characters" \
		"vif=['vifname=averyveryverylongname']"
	create_refused "xlc: kb: vif 0: script vif-nosuch not found (looked in /etc/xlc/scripts and /etc/xen/scripts)" \
		"vif=['script=vif-nosuch']"
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
}

@test "disk: list --json counts requests and sectors per disk" {
	xlc create -q "${SANDBOX}/blk.cfg" 'cmdline="kit.end=halt kit.sector=5"'
	wait_console kb "KIT-EXIT code=0"
	run xlc list --json
	[ "$(jq -r '.[0].devices[0].kind' <<<"${output}")" = vbd ]
	[ "$(jq -r '.[0].devices[0].name' <<<"${output}")" = xvda ]
	[ "$(jq '.[0].devices[0].rd_req' <<<"${output}")" -eq 2 ]  # sector 0, then 5
	[ "$(jq '.[0].devices[0].rd_sect' <<<"${output}")" -eq 2 ]
	[ "$(jq '.[0].devices[0].wr_req' <<<"${output}")" -eq 1 ]
	[ "$(jq '.[0].devices[0].flush_req' <<<"${output}")" -eq 1 ]
	[ "$(jq -r '[.[0].devices[].kind] | join(" ")' <<<"${output}")" = "vbd rng balloon" ]
}

@test "hostile guest: loops, addresses outside RAM, huge lengths, jumping indexes" {
	for attack in loop oob huge jump noseg; do
		kit_fg "${SANDBOX}/blk.cfg" "cmdline=\"kit.end=poweroff kit.attack=${attack}\""
		[ "${status}" -eq 0 ]
		# The device is marked broken, the VMM lives on, and a reset revives the disk.
		[[ "${output}" == *"KIT-BLK attack=${attack} status=0x4f needs_reset=1"* ]]
		[[ "${output}" == *"KIT-BLK after-reset read=0"* ]]
		[[ "${output}" == *"KIT-EXIT code=0"* ]]
		[[ "${stderr}" == *"vbd xvda: the guest broke its device"* ]]
	done
}

@test "net: a frame goes out of one NIC's tap, across the bridge, and back" {
	make_netns
	cat >"${SANDBOX}/net.cfg" <<-CFG
	name = "kn"
	memory = 64
	kernel = "${KIT}/net.bzImage"
	cmdline = "kit.end=poweroff"
	vif = [ 'bridge=br0', 'bridge=br0,vifname=kn-b' ]
	CFG
	run --separate-stderr inns timeout -s KILL 60 "${XLC}" create -Fq "${SANDBOX}/net.cfg"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-NET ping=1 pong=1"* ]]
	[ -z "$(inns ip -o link show type tun)" ] # both taps are gone
}

@test "net: taps are named vif<domid>.<devid> or vifname, on the bridge, gone however the guest ends" {
	make_netns
	cat >"${SANDBOX}/n.cfg" <<-CFG
	name = "n1"
	memory = 64
	kernel = "${KIT}/hello.bzImage"
	cmdline = "kit.end=halt"
	vif = [ 'bridge=br0,mac=00:16:3e:00:00:01', 'bridge=br0,vifname=web0' ]
	CFG
	inns "${XLC}" create -q "${SANDBOX}/n.cfg"
	run inns ip -o link show master br0
	[[ "${output}" == *" vif1.0: "* ]]
	[[ "${output}" == *" web0: "* ]]
	[[ "${output}" == *"fe:ff:ff:ff:ff:ff"* ]]
	[ "$(xlc list --json | jq -r '.[0].devices[0].mac')" = 00:16:3e:00:00:01 ]
	# The second vif got a random MAC in Xen's range.
	[[ "$(xlc list --json | jq -r '.[0].devices[1].mac')" == 00:16:3e:* ]]
	xlc destroy n1
	[ -z "$(inns ip -o link show type tun)" ]
	# A VMM killed outright leaves no tap either.
	inns "${XLC}" create -q "${SANDBOX}/n.cfg"
	kill -KILL "$(xlc list --json | jq '.[0].pid')"
	for i in $(seq 50); do [ -z "$(inns ip -o link show type tun)" ] && break; sleep 0.1; done
	[ -z "$(inns ip -o link show type tun)" ]
}

@test "block-list and network-list: xl's tables of a running guest's disks and NICs" {
	make_netns
	cat >"${SANDBOX}/l.cfg" <<-CFG
	name = "l1"
	memory = 64
	kernel = "${KIT}/hello.bzImage"
	cmdline = "kit.end=halt"
	disk = [ '${SANDBOX}/b.img,raw,xvdb,ro', '${SANDBOX}/a.img,raw,xvda,rw' ]
	vif = [ 'bridge=br0,mac=00:16:3e:00:00:01', 'bridge=br0,vifname=web0,mac=00:16:3e:00:00:02' ]
	CFG
	inns "${XLC}" create -q "${SANDBOX}/l.cfg"
	id=$(xlc domid l1)
	run xlc block-list l1
	[ "${status}" -eq 0 ]
	[ "${lines[0]}" = "Vdev  BE  handle state evt-ch ring-ref BE-path                       " ]
	# The disks in the guest's order, each with Xen's vdev number and its image.
	[[ "${lines[1]}" =~ ^51712\ +0\ +${id}\ +[14]\ +-1\ +-1\ +${SANDBOX}/a.img\ *$ ]]
	[[ "${lines[2]}" =~ ^51728\ +0\ +${id}\ +[14]\ +-1\ +-1\ +${SANDBOX}/b.img\ *$ ]]
	[ "${#lines[@]}" -eq 3 ]
	run xlc network-list l1
	[ "${status}" -eq 0 ]
	[ "${lines[0]}" = "Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       " ]
	[[ "${lines[1]}" =~ ^0\ +0\ +00:16:3e:00:00:01\ +0\ +[14]\ +-1\ +-1/-1\ +vif${id}\.0\ *$ ]]
	[[ "${lines[2]}" =~ ^1\ +0\ +00:16:3e:00:00:02\ +1\ +[14]\ +-1\ +-1/-1\ +web0\ *$ ]]
	[ "${#lines[@]}" -eq 3 ]
	# An unknown domain is said; as xl's, block-list lists the others and
	# succeeds, network-list stops there and fails.
	run --separate-stderr xlc block-list nosuch l1
	[ "${status}" -eq 0 ]
	[ "${stderr}" = "xlc: nosuch is an invalid domain identifier" ]
	[ "${#lines[@]}" -eq 3 ]
	run --separate-stderr xlc network-list nosuch l1
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: nosuch is an invalid domain identifier" ]
	[ "${#lines[@]}" -eq 1 ]
	# What the kvm backend cannot do yet is said, and changes nothing.
	run --separate-stderr xlc block-attach l1 "format=raw,vdev=xvdc,target=${SANDBOX}/a.img"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: the kvm backend cannot attach disks to a running domain in this version of xlc" ]
	[ "$(xlc block-list l1 | wc -l)" -eq 3 ]
}

@test "net: a missing bridge is a clear error; nothing is left behind" {
	make_netns
	run --separate-stderr inns "${XLC}" create -q "${SANDBOX}/blk.cfg" "vif=['bridge=nobr']"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: kb: vif 0: bridge nobr does not exist: create it (ip link add nobr type bridge) or name another with bridge=" ]
	[ -z "$(inns ip -o link show type tun)" ]
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
}

@test "net: script= is run with add and remove, as Xen runs vif scripts" {
	make_netns
	mkdir -p "${SANDBOX}/etc/scripts"
	cat >"${SANDBOX}/etc/scripts/vif-test" <<-SH
	#!/bin/sh
	echo "\$1 \$2 vif=\${vif} bridge=\${bridge} mac=\${mac} dom=\${XLC_DOMNAME}" >>"${SANDBOX}/script.log"
	[ "\$1" = add ] && ip link set "\${vif}" master "\${bridge}"
	exit 0
	SH
	chmod +x "${SANDBOX}/etc/scripts/vif-test"
	inns "${XLC}" create -q "${SANDBOX}/blk.cfg" 'cmdline="kit.end=halt"' \
		"vif=['bridge=br0,script=vif-test,mac=00:16:3e:0a:0b:0c']"
	[ "$(cat "${SANDBOX}/script.log")" = "add type_if=tap vif=vif1.0 bridge=br0 mac=00:16:3e:0a:0b:0c dom=kb" ]
	[[ "$(inns ip -o link show master br0)" == *" vif1.0: "* ]]
	xlc destroy kb
	[ "$(tail -1 "${SANDBOX}/script.log")" = "remove type_if=tap vif=vif1.0 bridge=br0 mac=00:16:3e:0a:0b:0c dom=kb" ]
	# A script that fails stops the create, with its exit status.
	printf '#!/bin/sh\nexit 3\n' >"${SANDBOX}/etc/scripts/vif-fail"
	chmod +x "${SANDBOX}/etc/scripts/vif-fail"
	run --separate-stderr inns "${XLC}" create -q "${SANDBOX}/blk.cfg" "vif=['bridge=br0,script=vif-fail']"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: kb: ${SANDBOX}/etc/scripts/vif-fail add exited with status 3" ]
	[ -z "$(inns ip -o link show type tun)" ]
}

# The VMM's resident memory (VmRSS) in KiB: the guest process's.
vmm_rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$(xlc list --json | jq ".[] | select(.name == \"$1\") | .vmm_pid")/status"
}

@test "balloon: mem-set takes pages from a running guest and gives them back; the VMM's memory follows" {
	cat >"${SANDBOX}/bal.cfg" <<-CFG
	name = "bal"
	memory = 128
	kernel = "${KIT}/balloon.bzImage"
	cmdline = "kit.touch=96"
	CFG
	xlc create -q "${SANDBOX}/bal.cfg"
	wait_console bal "KIT-BALLOON-READY ram=128"
	before=$(vmm_rss_kib bal)
	[ "${before}" -gt $((96 * 1024)) ] # the 96 MiB the guest wrote are the VMM's
	run --separate-stderr xlc mem-set bal 32
	[ "${status}" -eq 0 ]
	[ -z "${stderr}" ]
	wait_console bal "KIT-BALLOON actual=24576"
	after=$(vmm_rss_kib bal)
	echo "VmRSS ${before} KiB -> ${after} KiB"
	[ "${after}" -lt $((before - 80 * 1024)) ] # handed back to the host
	[[ "$(xlc list | sed -n 2p)" =~ ^bal\ +1\ +32\ +1\  ]]
	jq -e '.[0].memory_target_mib == 32 and .[0].memory_mib == 32 and .[0].maxmem_mib == 128' \
		<<<"$(xlc list --json)"
	jq -e '.[0].devices[-1] | .kind == "balloon" and .target_pages == 24576 and .actual_pages == 24576' \
		<<<"$(xlc list --json)"
	# Back up with xl's units: the pages come back zeroed (the VMM had let go of them).
	xlc mem-set bal 131072k
	wait_console bal "KIT-BALLOON actual=0 back=24576 dirty=0"
	[[ "$(xlc list | sed -n 2p)" =~ ^bal\ +1\ +128\ +1\  ]]
}

@test "balloon: maxmem above memory boots ballooned down; mem-max bounds mem-set; bad sizes as xl says" {
	cat >"${SANDBOX}/bal.cfg" <<-CFG
	name = "bal"
	memory = 64
	maxmem = 128
	kernel = "${KIT}/balloon.bzImage"
	CFG
	xlc create -q "${SANDBOX}/bal.cfg"
	wait_console bal "KIT-BALLOON-READY ram=128" # the machine has maxmem
	wait_console bal "KIT-BALLOON actual=16384" # and the balloon held the rest from the start
	[[ "$(xlc list | sed -n 2p)" =~ ^bal\ +1\ +64\ +1\  ]]
	run --separate-stderr xlc mem-set bal 1g
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "$(printf 'xlc: 1024 MiB is more than the domain'"'"'s maximum, 128 MiB (mem-max)\ncannot set domid 1 dynamic max memory to : 1g')" ]
	run --separate-stderr xlc mem-max bal 256
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == *"256 MiB is more than the guest's RAM (128 MiB, its maxmem at boot); a KVM guest cannot grow past it"* ]]
	xlc mem-max bal 96
	[ "$(xlc list --json | jq '.[0].maxmem_mib')" -eq 96 ]
	run xlc mem-set bal 100
	[ "${status}" -eq 1 ]
	for bad in 12x 0 -5 m 1.5g; do
		run --separate-stderr xlc mem-set bal "${bad}"
		[ "${status}" -eq 1 ] || { echo "${bad}: ${status}"; return 1; }
		[ "${stderr}" = "invalid memory size: ${bad}" ]
	done
	run xlc mem-set bal
	[ "${status}" -eq 2 ]
	run xlc mem-set nosuch 64
	[ "${status}" -eq 1 ]
	# The guest never noticed: still 64 MiB.
	[ "$(xlc list --json | jq '.[0].memory_target_mib')" -eq 64 ]
	xlc mem-set bal 96
	wait_console bal "KIT-BALLOON actual=8192 back=8192 dirty=0"
}

@test "vcpu-set: the CPU hotplug registers say which vCPUs changed and are present; bad counts as xl says" {
	cat >"${SANDBOX}/hp.cfg" <<-CFG
	name = "hp"
	memory = 64
	vcpus = 2
	maxvcpus = 4
	kernel = "${KIT}/cpuhp.bzImage"
	cmdline = "kit.end=halt"
	CFG
	xlc create -q "${SANDBOX}/hp.cfg"
	wait_console hp "KIT-CPUHP present=3"
	[[ "$(xlc list | sed -n 2p)" =~ ^hp\ +[0-9]+\ +64\ +2\  ]]
	# Down to 1: vCPU 1 changed and is gone; reading the changed bits cleared them.
	run --separate-stderr xlc vcpu-set hp 1
	[ "${status}" -eq 0 ]
	[ -z "${stderr}" ]
	wait_console hp "KIT-CPUHP-EVENT changed=2 again=0 present=1"
	[[ "$(xlc list | sed -n 2p)" =~ ^hp\ +[0-9]+\ +64\ +1\  ]]
	# What maxvcpus and the host do not allow is refused, and changes nothing.
	run --separate-stderr xlc vcpu-set -i hp 5
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: hp has 1 to 4 vCPUs (its maxvcpus), not 5" ]
	run --separate-stderr xlc vcpu-set hp 0
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: hp has 1 to 4 vCPUs (its maxvcpus), not 0" ]
	host=$(nproc)
	run --separate-stderr xlc vcpu-set hp $((host + 1))
	if [ $((host + 1)) -le 4 ]; then
		[ "${status}" -eq 1 ]
		[ "${stderr}" = "xlc: You are overcommmitting! You have ${host} physical CPUs and want $((host + 1)) vCPUs! Aborting, use --ignore-host to continue" ]
	fi
	run --separate-stderr xlc vcpu-set hp 2x
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "Error: Invalid argument." ]
	[[ "$(xlc list | sed -n 2p)" =~ ^hp\ +[0-9]+\ +64\ +1\  ]]
	# Up to 4 (-i: more than this host's CPUs): vCPUs 1-3 changed, all present.
	run --separate-stderr xlc vcpu-set -i hp 4
	[ "${status}" -eq 0 ]
	wait_console hp "KIT-CPUHP-EVENT changed=e again=0 present=f"
	[[ "$(xlc list | sed -n 2p)" =~ ^hp\ +[0-9]+\ +64\ +4\  ]]
	[ "$(xlc list --json | jq '.[0].vcpus, .[0].max_vcpus' | tr '\n' ' ')" = "4 4 " ]
}

@test "cd-insert and cd-eject: the guest reads the new medium, or none; the lock follows the medium" {
	cat >"${SANDBOX}/cd.cfg" <<-CFG
	name = "cd"
	memory = 64
	kernel = "${KIT}/cdrom.bzImage"
	cmdline = "kit.end=halt kit.changes=3"
	disk = [ '${SANDBOX}/a.img,raw,xvda,devtype=cdrom', '${SANDBOX}/c.img,raw,xvdb,w' ]
	CFG
	truncate -s 1M "${SANDBOX}/c.img"
	xlc create -q "${SANDBOX}/cd.cfg"
	wait_console cd 'KIT-CD start capacity=2048 read=0 sector0="HOST-SECTOR-ZERO disk A'
	run --separate-stderr xlc cd-eject cd xvda
	[ "${status}" -eq 0 ]
	[ -z "${stderr}" ]
	wait_console cd "KIT-CD changed capacity=0 empty"
	[[ "$(xlc block-list cd | sed -n 2p)" =~ ^51712\ .*-1\ +$ ]] # no image
	# b.img, relative to where xlc runs: the guest reads it, and it is locked
	# for reading (a writer is refused) until it is ejected.
	(cd "${SANDBOX}" && xlc cd-insert cd xvda b.img)
	wait_console cd "KIT-CD-CHANGED interrupt=2"
	wait_console cd 'KIT-CD changed capacity=4096 read=0 sector0="HOST-SECTOR-ZERO disk B'
	[[ "$(xlc block-list cd | sed -n 2p)" =~ ^51712\ .*\ ${SANDBOX}/b.img\ *$ ]]
	cat >"${SANDBOX}/w.cfg" <<-CFG
	name = "w"
	memory = 64
	kernel = "${KIT}/hello.bzImage"
	disk = [ '${SANDBOX}/b.img,raw,xvda,w' ]
	CFG
	run --separate-stderr xlc create -q "${SANDBOX}/w.cfg"
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == *"disk ${SANDBOX}/b.img is in use by guest cd (id "*") (locked); stop that guest or give this one a copy"* ]]
	# Refused, and nothing changes: a disk that is no cdrom, a vdev not there,
	# an image not there.
	run --separate-stderr xlc cd-insert cd xvdb "${SANDBOX}/a.img"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: xvdb is not a cdrom drive (devtype=cdrom): its medium cannot change" ]
	run --separate-stderr xlc cd-insert cd xvdz "${SANDBOX}/a.img"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: xvdz: cd has no such disk" ]
	run --separate-stderr xlc cd-insert cd xvda "${SANDBOX}/nosuch.iso"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "Cannot stat file: ${SANDBOX}/nosuch.iso" ]
	[[ "$(xlc block-list cd | sed -n 2p)" =~ \ ${SANDBOX}/b.img\ *$ ]]
	# Ejected again, b.img is free for a writer.
	xlc cd-eject cd xvda
	wait_console cd "KIT-CD changed capacity=0 empty" 2 # the second one
	[ "$(grep -c "KIT-CD changed capacity=0 empty" "${XLC_LOG_DIR}/console/cd.log")" -eq 2 ]
	xlc create -q "${SANDBOX}/w.cfg"
	# A drive empty from boot takes its first medium the same way.
	cat >"${SANDBOX}/e.cfg" <<-CFG
	name = "e"
	memory = 64
	kernel = "${KIT}/cdrom.bzImage"
	cmdline = "kit.end=halt kit.changes=1"
	disk = [ ',raw,xvda,cdrom' ]
	CFG
	xlc create -q "${SANDBOX}/e.cfg"
	wait_console e "KIT-CD start capacity=0 empty"
	xlc cd-insert e xvda "${SANDBOX}/a.img"
	wait_console e 'KIT-CD changed capacity=2048 read=0 sector0="HOST-SECTOR-ZERO disk A'
	# Only a cdrom drive can be empty.
	sed -i 's/,cdrom/,w/; s/"e"/"e2"/' "${SANDBOX}/e.cfg"
	run --separate-stderr xlc create -q "${SANDBOX}/e.cfg"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: e2: disk xvda has no target: only a cdrom drive (devtype=cdrom) can be empty" ]
}
