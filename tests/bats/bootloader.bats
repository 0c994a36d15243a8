#!/usr/bin/env bats
# bootloader = "pygrub" on kvm, with kit guests: disks built here (mkfs.ext4
# -d, sfdisk) whose boot menus name kit kernels and initrds; the kernel that
# boots says which one it is on its console (KIT-START cmdline, KIT-INITRD).

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"

setup() {
	setup_sandbox
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	ROOT="${SANDBOX}/root"
	mkdir -p "${ROOT}/boot/grub"
	cp "${KIT}/hello.bzImage" "${ROOT}/boot/vmlinuz-6.1.0-2"
	cp "${KIT}/poweroff.bzImage" "${ROOT}/boot/vmlinuz-6.1.0-1"
	printf 'UCODE' >"${ROOT}/boot/ucode.img"
	printf 'INITRD-6.1.0-2' >"${ROOT}/boot/initrd.img-6.1.0-2"
	debian_grub_cfg >"${ROOT}/boot/grub/grub.cfg"
	cat >"${SANDBOX}/pg.cfg" <<-CFG
	name = "pg"
	memory = 64
	bootloader = "pygrub"
	disk = [ '${SANDBOX}/disk.img,raw,xvda,rw' ]
	CFG
}

teardown() { teardown_guests; }

xlc() { "${XLC}" "$@"; }

# The shape grub-mkconfig gives a Debian system: the default entry, then a
# submenu with the older kernel; variables, functions and tests around them.
debian_grub_cfg() {
	cat <<-'EOF'
	if [ "${next_entry}" ] ; then
	   set default="${next_entry}"
	else
	   set default="0"
	fi
	function savedefault {
	  saved_entry="${chosen}"
	}
	menuentry 'Debian GNU/Linux' --class debian --class os $menuentry_id_option 'simple' {
		insmod ext2
		set root='hd0,msdos1'
		echo	'Loading Linux 6.1.0-2 ...'
		linux	/boot/vmlinuz-6.1.0-2 root=/dev/vda1 ro quiet kit.end=poweroff
		initrd	/boot/ucode.img /boot/initrd.img-6.1.0-2
	}
	submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'adv' {
		menuentry 'Debian GNU/Linux, with Linux 6.1.0-1' --class debian {
			linux	/boot/vmlinuz-6.1.0-1 root=/dev/vda1 ro single
		}
	}
	EOF
}

# An ext4 filesystem of $1's files, $2 MiB, at $3.
make_fs() {
	mkfs.ext4 -q -F -d "$1" "$3" "$2M" >/dev/null 2>&1
}

# $2: a 12 MiB disk partitioned by the sfdisk script $1, with ${ROOT}'s
# filesystem written at sector $3.
make_table_disk() {
	make_fs "${ROOT}" 8 "${SANDBOX}/part.img"
	rm -f "$2"
	truncate -s 12M "$2"
	printf '%b' "$1" | sfdisk -q "$2"
	dd if="${SANDBOX}/part.img" of="$2" bs=512 seek="$3" conv=notrunc status=none
}

# disk.img: an MBR with one Linux partition at 1 MiB holding ${ROOT}.
make_disk() {
	make_table_disk 'start=2048, type=83\n' "${SANDBOX}/disk.img" 2048
}

# Runs pg.cfg (plus overrides) in the foreground: console on stdout, the VMM's words on stderr.
boot_fg() {
	run --separate-stderr timeout -s KILL 120 "${XLC}" create -F "${SANDBOX}/pg.cfg" "$@"
}

# A create of pg.cfg (plus overrides) that must fail: exit 1 and exactly the message $1.
create_refused() {
	local want=$1
	shift
	run --separate-stderr timeout -s KILL 120 "${XLC}" create -q "${SANDBOX}/pg.cfg" "$@"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "${want}" ]
}

@test "pygrub: grub.cfg's default entry boots, with its initrds one after another and its arguments" {
	make_disk
	boot_fg
	[ "${status}" -eq 0 ]
	[[ "${output}" == *'KIT-START cmdline="root=/dev/vda1 ro quiet kit.end=poweroff reboot=a"'* ]]
	[[ "${output}" == *'KIT-HELLO'* ]]
	# GRUB's order, each initrd padded to 4 bytes
	[[ "${output}" == *'KIT-INITRD size=22 head="UCODE...INITRD-6.1.0-2"'* ]]
	[[ "${stderr}" == *'pg: bootloader: partition 1: /boot/grub/grub.cfg: entry 0 "Debian GNU/Linux": /boot/vmlinuz-6.1.0-2'* ]]
}

@test "pygrub: --entry by index or title, bootloader_args as a string, extra= after the entry's arguments" {
	make_disk
	boot_fg 'bootloader_args=["--entry=1"]' 'extra="console=ttyS0"'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *'KIT-START cmdline="root=/dev/vda1 ro single console=ttyS0 reboot=a"'* ]]
	[[ "${output}" == *'KIT-POWEROFF'* ]]
	[[ "${output}" != *'KIT-HELLO'* ]]
	# a string is split at blanks, as xl splits it: "--entry" "Debian" "GNU/Linux"
	run --separate-stderr xlc create -q "${SANDBOX}/pg.cfg" 'bootloader_args="--entry Debian GNU/Linux"'
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: pg: command line:1: bootloader_args: \"GNU/Linux\": the kvm backend takes pygrub's --entry, --kernel, --ramdisk, --args and -q" ]
	boot_fg "bootloader_args=['--entry', 'Debian GNU/Linux, with Linux 6.1.0-1']"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *'KIT-START cmdline="root=/dev/vda1 ro single reboot=a"'* ]]
	boot_fg 'bootloader_args="-q --entry=7"' # out of range: the default, as pygrub
	[ "${status}" -eq 0 ]
	[[ "${output}" == *'KIT-HELLO'* ]]
}

@test "pygrub: kernel= and ramdisk= name files on the guest's disk, and no menu is read" {
	rm "${ROOT}/boot/grub/grub.cfg"
	make_disk
	boot_fg 'kernel="/boot/vmlinuz-6.1.0-2"' 'ramdisk="/boot/ucode.img"' 'extra="kit.end=poweroff"'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *'KIT-START cmdline="kit.end=poweroff reboot=a"'* ]]
	[[ "${output}" == *'KIT-INITRD size=5 head="UCODE"'* ]]
	[[ "${stderr}" == *'pg: bootloader: partition 1: /boot/vmlinuz-6.1.0-2'* ]]
}

@test "pygrub: a GPT disk, a logical partition with xen-tools' menu.lst, extlinux.conf, a qcow2" {
	# GPT: an empty first partition, the filesystem in the second
	make_table_disk 'label: gpt\nstart=2048, size=1024\nstart=4096, size=16384\n' \
		"${SANDBOX}/gpt.img" 4096
	boot_fg "disk=['${SANDBOX}/gpt.img,raw,xvda,r']"
	[ "${status}" -eq 0 ]
	[[ "${stderr}" == *'bootloader: partition 2: /boot/grub/grub.cfg: entry 0 '* ]]
	[[ "${output}" == *'KIT-HELLO'* ]]

	# MBR with an extended partition: xen-tools' --pygrub menu.lst in the first logical one (5)
	rm "${ROOT}/boot/grub/grub.cfg"
	printf 'default 1\ntimeout 2\n\ntitle Debian old\nroot (hd0,4)\nkernel /boot/vmlinuz-6.1.0-2 root=/dev/xvda5 ro\n\ntitle Debian\nroot (hd0,4)\nkernel /boot/vmlinuz-6.1.0-1 root=/dev/xvda5 ro\n' \
		>"${ROOT}/boot/grub/menu.lst"
	make_table_disk 'start=2048, size=2048, type=83\nstart=4096, type=5\nstart=6144, type=83\n' \
		"${SANDBOX}/ext.img" 6144
	boot_fg "disk=['${SANDBOX}/ext.img,raw,xvda,r']"
	[ "${status}" -eq 0 ]
	[[ "${stderr}" == *'bootloader: partition 5: /boot/grub/menu.lst: entry 1 "Debian": /boot/vmlinuz-6.1.0-1'* ]]
	[[ "${output}" == *'KIT-START cmdline="root=/dev/xvda5 ro reboot=a"'* ]]

	# extlinux.conf on an unpartitioned disk, converted to qcow2
	rm "${ROOT}/boot/grub/menu.lst"
	mkdir -p "${ROOT}/boot/extlinux"
	printf 'DEFAULT debian\nLABEL rescue\n  KERNEL /boot/vmlinuz-6.1.0-1\nLABEL debian\n  APPEND root=/dev/vda initrd=/boot/initrd.img-6.1.0-2 kit.end=poweroff\n  LINUX /boot/vmlinuz-6.1.0-2\n' \
		>"${ROOT}/boot/extlinux/extlinux.conf"
	make_fs "${ROOT}" 8 "${SANDBOX}/whole.img"
	qemu-img convert -f raw -O qcow2 "${SANDBOX}/whole.img" "${SANDBOX}/whole.qcow2"
	boot_fg "disk=['${SANDBOX}/whole.qcow2,qcow2,xvda,r']"
	[ "${status}" -eq 0 ]
	[[ "${stderr}" == *'bootloader: partition 1: /boot/extlinux/extlinux.conf: entry 1 "debian"'* ]]
	[[ "${output}" == *'KIT-START cmdline="root=/dev/vda kit.end=poweroff reboot=a"'* ]]
	[[ "${output}" == *'KIT-INITRD size=14 head="INITRD-6.1.0-2"'* ]]
}

@test "pygrub: each boot reads the disk again, as libxl runs pygrub at each build" {
	debian_grub_cfg | sed 's/kit.end=poweroff/kit.end=halt generation=1/' >"${ROOT}/boot/grub/grub.cfg"
	make_disk
	xlc create -q "${SANDBOX}/pg.cfg"
	wait_console pg 'KIT-START cmdline=".*generation=1'
	# the guest "upgrades": the menu on its disk now says generation 2
	debian_grub_cfg | sed 's/kit.end=poweroff/kit.end=halt generation=2/' >"${ROOT}/boot/grub/grub.cfg"
	make_fs "${ROOT}" 8 "${SANDBOX}/part.img"
	dd if="${SANDBOX}/part.img" of="${SANDBOX}/disk.img" bs=512 seek=2048 conv=notrunc status=none
	xlc reboot -F pg
	wait_console pg 'KIT-START cmdline=".*generation=2'
	[ "$(grep -c 'pg: bootloader: partition 1: /boot/grub/grub.cfg' "${XLC_LOG_DIR}/xlc-pg.log")" -eq 2 ]
}

@test "pygrub: a disk without a menu, a filesystem or a good grub.cfg: one line with each partition's reason, nothing left" {
	local why="xlc: pg: no kernel found on the guest's first disk: partition 1"
	rm "${ROOT}/boot/grub/grub.cfg"
	make_disk
	create_refused "${why}: no boot menu (such as /boot/grub/grub.cfg)"
	[ -z "$(ls "${XLC_RUN_DIR}")" ]

	printf "menuentry 'A' {\n  menuentry 'B' {\n" >"${ROOT}/boot/grub/grub.cfg"
	make_disk
	create_refused "${why}: /boot/grub/grub.cfg: line 2: a menuentry inside another one"

	printf "menuentry 'A' {\n  linux /boot/nosuch\n}\n" >"${ROOT}/boot/grub/grub.cfg"
	make_disk
	create_refused "${why}: /boot/nosuch: no such file"

	# the entry's arguments and extra= longer than a report holds: refused, not cut
	printf "menuentry 'A' {\n  linux /boot/vmlinuz-6.1.0-2 %s\n}\n" "$(head -c 4000 /dev/zero | tr '\0' x)" \
		>"${ROOT}/boot/grub/grub.cfg"
	make_disk
	create_refused "${why}: the command line is longer than 4095 bytes" "extra=\"$(head -c 200 /dev/zero | tr '\0' y)\""

	# a sparse kernel of 129 MiB: over the bound, never copied
	truncate -s 129M "${ROOT}/boot/vmlinuz-6.1.0-2"
	debian_grub_cfg >"${ROOT}/boot/grub/grub.cfg"
	make_disk
	create_refused "${why}: /boot/vmlinuz-6.1.0-2 is larger than 128 MiB"

	truncate -s 4M "${SANDBOX}/zero.img"
	create_refused "${why}: no ext2/3/4 filesystem (Bad magic number in super-block)" \
		"disk=['${SANDBOX}/zero.img,raw,xvda,r']"
	create_refused "xlc: pg: bootloader: the first disk (hdc) has no medium to boot from" \
		"disk=[',raw,hdc,devtype=cdrom']"
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
	[ -z "$(xlc list | tail -n +2)" ]
}

# slow.img: an ext2 filesystem whose root directory has a billion empty
# blocks behind one triple-indirect chain (blocks 1000-1003 point at each
# other): each lookup in it reads for minutes.
make_slow_disk() {
	local img="${SANDBOX}/slow.img" i pointer
	mkfs.ext2 -q -F -b 4096 -O ^dir_index "${img}" 8M >/dev/null 2>&1
	debugfs -w -R 'set_inode_field <2> block[TIND] 1000' "${img}" >/dev/null 2>&1
	debugfs -w -R 'set_inode_field <2> size 0xfffff000' "${img}" >/dev/null 2>&1
	for i in 1001 1002 1003; do # each block: 1024 pointers to the next
		pointer="\\$(printf %o $((i % 256)))\\$(printf %o $((i / 256)))\\0\\0"
		for _ in $(seq 1024); do printf "${pointer}"; done |
			dd of="${img}" bs=4096 seek=$((i - 1)) conv=notrunc status=none
	done
	{ printf '\0\0\0\0\0\020\0\0'; head -c 4088 /dev/zero; } | # an empty directory block
		dd of="${img}" bs=4096 seek=1003 conv=notrunc status=none
}

@test "pygrub: a disk that keeps the reader busy: destroy ends it with the supervisor; the terminal is not its" {
	make_slow_disk
	# in the foreground, its stdio not /dev/null (as a terminal would be)
	xlc create -F -q "${SANDBOX}/pg.cfg" "disk=['${SANDBOX}/slow.img,raw,xvda,r']" \
		</dev/zero >"${SANDBOX}/fg.out" 2>&1 3>&- &
	creator=$!
	local reader="" i
	for i in $(seq 1 600); do
		reader=$(pgrep -x xlc-pygrub -P "$(pgrep -x xlc-pg)") && break
		sleep 0.1
	done
	[ -n "${reader}" ]
	sleep 1
	[ "$(awk '{ print $3 }' "/proc/${reader}/stat")" = R ] # reading, for minutes
	# its stdio is /dev/null, not what xlc was started with
	[ "$(readlink "/proc/${reader}/fd/0")" = /dev/null ]
	[ "$(readlink "/proc/${reader}/fd/1")" = /dev/null ]
	[ "$(readlink "/proc/${reader}/fd/2")" = /dev/null ]
	run xlc destroy pg
	for i in $(seq 1 100); do
		process_gone "${reader}" && break
		sleep 0.1
	done
	process_gone "${reader}"
	run wait "${creator}"
	[ "${status}" -ne 0 ]
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
}

@test "pygrub: settings the kvm backend cannot honour are refused, naming file and line" {
	create_refused "xlc: pg: command line:1: bootloader = /usr/bin/pvgrub: the kvm backend reads the guest's boot menu itself, as pygrub does: set bootloader = \"pygrub\"" \
		'bootloader="/usr/bin/pvgrub"'
	printf 'name = "np"\nmemory = 64\nbootloader = "/usr/lib/xen-4.17/bin/pygrub"\n' >"${SANDBOX}/np.cfg"
	run --separate-stderr xlc create -q "${SANDBOX}/np.cfg"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: np: ${SANDBOX}/np.cfg:3: bootloader = /usr/lib/xen-4.17/bin/pygrub: pygrub reads the first disk, and there is none: add one to disk = [ ... ]" ]
	create_refused "xlc: pg: command line:1: bootloader_args: \"--offset=512\": the kvm backend takes pygrub's --entry, --kernel, --ramdisk, --args and -q" \
		'bootloader_args=["--offset=512"]'
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
}

@test "pygrub: the disk reader is the guest's uid, without capabilities, under seccomp, before it reads a byte" {
	debian_grub_cfg | sed 's/kit.end=poweroff/kit.end=halt/' >"${ROOT}/boot/grub/grub.cfg"
	make_disk
	# strace follows xlc into the VMM it starts, which outlives create: stopped once the guest runs
	strace -f -qq -o "${SANDBOX}/trace" -e trace=prctl,setresuid,capset,seccomp,pread64 \
		"${XLC}" create -q "${SANDBOX}/pg.cfg" &
	tracer=$!
	wait_console pg 'KIT-HELLO'
	kill -KILL "${tracer}" # bats' background jobs ignore SIGINT and SIGTERM; its tracees go on
	wait "${tracer}" || true
	reader=$(grep 'PR_SET_NAME, "xlc-pygrub"' "${SANDBOX}/trace" | awk '{ print $1 }')
	[ -n "${reader}" ]
	domid=$(xlc domid pg)
	grep "^${reader} " "${SANDBOX}/trace" >"${SANDBOX}/reader"
	cat "${SANDBOX}/reader"
	uid=$((XLC_VMM_UID_BASE + domid))
	# in this order: its uid, no capabilities, its filter; only then the disk
	first_line() { grep -n "$1" "${SANDBOX}/reader" | head -1 | cut -d: -f1; }
	setuid=$(first_line "setresuid(${uid}, ${uid}, ${uid}) = 0")
	caps=$(first_line 'capset(.*effective=0, permitted=0, inheritable=0}) = 0')
	filter=$(first_line 'seccomp(SECCOMP_SET_MODE_FILTER, .*) = 0')
	read=$(first_line 'pread64(')
	[ -n "${setuid}" ]
	[ -n "${caps}" ]
	[ -n "${filter}" ]
	[ -n "${read}" ]
	[ "${setuid}" -lt "${caps}" ]
	[ "${caps}" -lt "${filter}" ]
	[ "${filter}" -lt "${read}" ]
}
