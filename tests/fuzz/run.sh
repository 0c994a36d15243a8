#!/bin/bash
# Runs each libFuzzer target for FUZZ_SECONDS (default 10) from a corpus
# seeded with the project's own configs, spec vectors and past failures
# (tests/fuzz/regress/), and prints one TAP line per target with the
# executions reached. A crash or leak keeps its reproducer in
# build/fuzz/<target>-crashes/ and fails the line.
set -u
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-10}
export LSAN_OPTIONS="suppressions=${PWD}/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:${LSAN_OPTIONS}}"

# Disks for fuzz_boot_disk: a 1 KiB-block ext2 holding a kernel, an initrd
# and a grub.cfg (or a menu.lst), as the whole disk and inside a partition.
seed_boot_disks() {
	local corpus=$1 root
	root=$(mktemp -d)
	mkdir -p "${root}/boot/grub"
	printf 'KERNEL' >"${root}/boot/vmlinuz"
	printf 'INITRD' >"${root}/boot/initrd"
	printf "menuentry 'A' {\nlinux /boot/vmlinuz ro\ninitrd /boot/initrd\n}\n" \
		>"${root}/boot/grub/grub.cfg"
	mkfs.ext2 -q -F -b 1024 -N 16 -I 128 -d "${root}" "${corpus}/seed-ext2" 60 >/dev/null 2>&1
	truncate -s 60K "${corpus}/seed-ext2"
	rm "${root}/boot/grub/grub.cfg"
	printf 'title A\nkernel /boot/vmlinuz ro\n' >"${root}/boot/grub/menu.lst"
	mkfs.ext2 -q -F -b 1024 -N 16 -I 128 -d "${root}" "${corpus}/seed-ext2-legacy" 60 >/dev/null 2>&1
	truncate -s 60K "${corpus}/seed-ext2-legacy"
	rm -r "${root}"
	# an MBR with one partition (type 0x83, 120 sectors) at sector 2, then the filesystem
	{ head -c 446 /dev/zero
	  printf '\0\0\0\0\203\0\0\0\2\0\0\0\170\0\0\0'
	  head -c 48 /dev/zero
	  printf '\125\252'
	  head -c 512 /dev/zero
	  cat "${corpus}/seed-ext2"; } >"${corpus}/seed-mbr"
}

n=0
for target in "$@"; do
	n=$((n + 1))
	bin=build/fuzz/${target}
	corpus=build/fuzz/${target}-corpus
	crashes=build/fuzz/${target}-crashes
	mkdir -p "${corpus}" "${crashes}"
	max_len=4096
	case ${target} in
	fuzz_config | fuzz_xen_config)
		cp tests/golden/pass/*.cfg tests/golden/fail/*.cfg tests/diff/corpus/*.cfg "${corpus}/" ;;
	fuzz_disk_vif)
		i=0
		paste -d '\n' <(grep -v '^#' tests/diff/disk_specs.txt) \
			<(grep -v '^#' tests/diff/vif_specs.txt) | while IFS= read -r disk && IFS= read -r vif; do
			i=$((i + 1))
			printf '%s\n%s' "${disk}" "${vif}" >"${corpus}/seed-${i}"
		done ;;
	fuzz_virtio | fuzz_snapshot)
		XLC_FUZZ_SEEDS="${corpus}" "${bin}" ;;
	fuzz_savefile) # a header as xl writes it, around a small config
		{ printf 'Xen saved domain, xl format\n \0 \r\4\3\2\1\3\0\0\0\0\0\0\0\23\0\0\0'
		  printf '\17\0\0\0{"c_info": {}}\0'; } >"${corpus}/seed-xl" ;;
	fuzz_boot_menu) # the format's byte (0 grub.cfg, 1 menu.lst, 2 extlinux), then the menu
		printf '\0set default="1"\nmenuentry '"'A'"' --class x {\n\tlinux /boot/a ro\n\tinitrd /i1 /i2\n}\n%s' \
			"submenu 'S' {\nmenuentry \"B\" {\nlinux (hd0,1)/b\n}\n}\n" >"${corpus}/seed-grub2"
		printf '\1default 0\ntitle A\nroot (hd0,0)\nkernel /a root=/dev/xvda1\ninitrd /i\n' \
			>"${corpus}/seed-legacy"
		printf '\2DEFAULT b\nLABEL a\n KERNEL /a\nLABEL b\n APPEND x initrd=/i,/j\n LINUX /b\n' \
			>"${corpus}/seed-extlinux" ;;
	fuzz_boot_disk) # small ext2 filesystems with a menu, bare and in an MBR partition
		max_len=65536
		seed_boot_disks "${corpus}" ;;
	esac
	# Inputs that once failed: each run starts by passing them again.
	[ -d "tests/fuzz/regress/${target}" ] && cp "tests/fuzz/regress/${target}"/* "${corpus}/"
	log=build/fuzz/${target}.log
	"${bin}" -max_total_time="${seconds}" -max_len="${max_len}" -timeout=10 \
		-artifact_prefix="${crashes}/" "${corpus}" >"${log}" 2>&1
	status=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "${log}" | tail -1)
	if [ "${status}" -eq 0 ] && [ -n "${runs}" ]; then
		echo "ok ${n} - ${target}: ${runs} executions in ${seconds}s, no crash"
	else
		echo "not ok ${n} - ${target}: exit ${status}; see ${log} and ${crashes}/"
		tail -30 "${log}" | sed 's/^/# /'
	fi
done
echo "1..${n}"
