#!/usr/bin/env bats
# The xen backend (libxl) on a real Xen 4.17: the Xen test host (Xen under
# QEMU TCG with a Debian dom0) runs xlc next to xl.

load helper

setup() {
	setup_sandbox
	mkdir -p "${SANDBOX}/payload/corpus"
	cp "${TESTS_DIR}/hosts/payloads/xen-backend.sh" "${TESTS_DIR}/hosts/payloads/within.sh" \
		"${SANDBOX}/payload/"
	cp "${TESTS_DIR}"/diff/corpus/*.cfg "${SANDBOX}/payload/corpus/"
}
teardown() { teardown_sandbox; }

@test "xen: without Xen, -b xen says what is missing; create -n prints libxl's own JSON" {
	# Off a dom0 libxl cannot start, and says so in one line.
	run --separate-stderr "${XLC}" -b xen list
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == "xlc: cannot talk to Xen through libxl (is this a Xen dom0, with xenstored running?); see "*"/libxl.log" ]]
	# The xen backend's JSON comes from libxl's generated functions; it must
	# equal xlc's own libxl-shaped JSON for every config of the corpus.
	# Configs with keys only Xen honours differ on purpose: kvm ignores those.
	n=0
	for f in "${TESTS_DIR}"/diff/corpus/*.cfg; do
		b=$("${XLC}" -b kvm create -nq "$f" 2>"${SANDBOX}/kvm.err") || continue
		grep -q 'ignored by the kvm backend' "${SANDBOX}/kvm.err" && continue
		a=$("${XLC}" -b xen create -nq "$f" 2>/dev/null)
		# xl's global defaults (claim_mode, run_hotplug_scripts) are in the libxl JSON only.
		[ "$(jq -S 'del(.c_info.uuid, .c_info.run_hotplug_scripts, .b_info.claim_mode)' <<<"$a")" = \
			"$(jq -S 'del(.c_info.uuid)' <<<"$b")" ] ||
			{ echo "differs: $f"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 40 ]
	# The monitor that create starts by re-executing xlc, run by hand off a
	# dom0: one line, exit 1.
	run --separate-stderr "${XLC}" --xen-monitor 5 </dev/null
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == "xlc: cannot talk to Xen through libxl"* ]]
}

# refused CONFIG-TEXT END: the xen backend's create -n refuses the config
# with exit 1 and one line, xlc: <sandbox>/b.cfg:..., ending in END.
refused() {
	printf '%s\n' "$1" >"${SANDBOX}/b.cfg"
	run --separate-stderr "${XLC}" -b xen create -nq "${SANDBOX}/b.cfg"
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == "xlc: ${SANDBOX}/"*"$2" ]]
	[ "${#lines[@]}" -eq 0 ]
}

@test "xen: the keys only Xen honours reach libxl as xl puts them" {
	c="${TESTS_DIR}/diff/corpus"
	# A PV guest with vnc = 1 gets a framebuffer and keyboard; pci_* apply to each device.
	run --separate-stderr "${XLC}" -b xen create -nq "$c/54-pv-vnc-pci.cfg"
	[ "${status}" -eq 0 ]
	[ "$(jq -c '.vfbs[0] | [.vnc.enable, .vnc.listen, .keymap]' <<<"${output}")" = '["True","0.0.0.0:2","fr"]' ]
	[ "$(jq '.vkbs | length' <<<"${output}")" = 1 ]
	[ "$(jq -c '[.pcidevs[] | [.bus, .func, .permissive, .power_mgmt]]' <<<"${output}")" = '[[3,null,null,true],[4,1,true,true]]' ]
	# An HVM guest: lists, enumerations, MiB fields in KiB.
	run --separate-stderr "${XLC}" -b xen create -nq "$c/53-hvm-xen-keys.cfg"
	[ "${status}" -eq 0 ]
	[ "$(jq -c '.b_info["type.hvm"] | [.serial_list, .viridian_enable, .viridian_disable, .vga.kind, .mmio_hole_memkb]' <<<"${output}")" = \
		'[["pty","file:/tmp/hvm-serial.log"],[6],[2],"std",1048576]' ]
	[ "$(jq -c '.b_info | [.tsc_mode, .timer_mode, .shadow_memkb, .vcpu_soft_affinity]' <<<"${output}")" = \
		'["native","no_delay_for_missed_ticks",8192,[[0,1],[0,1]]]' ]
	# HVM-only keys in a PVH config are ignored, as xl ignores them.
	run --separate-stderr "${XLC}" -b xen create -nq "$c/55-pvh-shim.cfg"
	[ "${status}" -eq 0 ]
	[ "$(jq -c '.b_info["type.pvh"].pvshim' <<<"${output}")" = '"True"' ]
	# A vTPM reaches libxl with its backend domain, as xl hands it over.
	run --separate-stderr "${XLC}" -b xen create -nq "$c/56-vtpm.cfg"
	[ "${status}" -eq 0 ]
	[ "$(jq -c '.vtpms' <<<"${output}")" = '[{"backend_domname":"vtpmmgr","devid":0}]' ]
	# Bad values: one line naming file:line and key, exit 1.
	refused $'name = "b"\nmemory = 64\nkernel = "/k"\nhap = "yes"' \
		"b.cfg:4: hap = yes: expected a number"
	refused $'name = "b"\nmemory = 64\nkernel = "/k"\ntimer_mode = "one_missed_tick_pending"' \
		"b.cfg:4: timer_mode = one_missed_tick_pending: timer_mode is not supported for PV guests"
	refused $'type = "hvm"\nname = "b"\nmemory = 64\nvga = "vesa"' \
		"b.cfg:4: vga = vesa: one of stdvga, cirrus, none, qxl"
	refused $'type = "hvm"\nname = "b"\nmemory = 64\nvnclisten = "0.0.0.0:1"\nvncdisplay = 2' \
		"b.cfg:5: vncdisplay = 2: the display is given twice: in vnclisten (after ':') and here"
	refused $'type = "hvm"\nname = "b"\nmemory = 64\nviridian = [ "base", "nosuch" ]' \
		'b.cfg:4: viridian: unknown enlightenment "nosuch"'
	refused $'type = "hvm"\nname = "b"\nmemory = 64\ntsc_mode = "sometimes"' \
		"b.cfg:4: tsc_mode = sometimes: not a value libxl knows; see xl.cfg(5)"
	# Without vcpus there is no map to fill, but a bad list is still refused, as xl does.
	refused $'name = "b"\nmemory = 64\nkernel = "/k"\ncpus_soft = "0-x"' \
		"b.cfg:4: cpus_soft: '0-x' is not a CPU or a range such as 2-5"
	# A malformed BDF that crashed libxlutil's own reader (found by fuzz_xen_config).
	refused $'name = "b"\nmemory = 64\nkernel = "/k"\npci = [ "0000:0%:00.0" ]' \
		'b.cfg:4: pci: cannot read "0000:0%:00.0" (BDF such as 0000:00:1b.0, see xl-pci-configuration(5))'
	# The kvm backend names what it ignores, but not serial, which it honours.
	run --separate-stderr "${XLC}" -b kvm create -nq "$c/53-hvm-xen-keys.cfg"
	[ "${status}" -eq 0 ]
	[[ "${stderr}" == *"ignored by the kvm backend: "*"viridian"* ]]
	[[ "${stderr}" != *"serial"* ]]
}

# The CHECK lines each part of the payload must print; says which is missing.
checks_everyday_errors() {
	[[ "${output}" == *"CHECK info backend                : xen"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK info xen_major              : 4"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK info keys as xl"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK info FIELD as xl: 16 of 16"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK uptime nosuch: exit 1"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ rename:\ xl\ sees\ g1b\ as\ [0-9]+ ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ shutdown:\ Domain\ [0-9]+\ has\ been\ (shut\ down,\ reason\ code\ 0|destroyed) ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ list\ Domain-0\ +0\ + ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK create g1 ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ xlc-list\ g1\ +[0-9]+\ +128\ +1\  ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ xl-list\ g1\ +[0-9]+\ +128\ +1\  ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK g1 console marker"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ TOP\ +g1\ [-a-z]{6}\ + ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"TOP       NAME  STATE   CPU(sec) CPU(%)"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# list -l / --json, vcpu-list, uptime, domid, domname, pause, console -e.
	[[ "${output}" =~ CHECK\ list-l:\ [1-9][0-9]*\ g1\ 131072 ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ list-json:\ (running|paused)\ 1\ 1\ all\ boolean ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" != *"CHECK vcpu-list: Domain-0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ vcpu-list:\ g1\ +[0-9]+\ +0\ +[0-9]+\ +(r--|-b-)\ +[0-9.]+\ +all\ /\ all ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ uptime:\ g1\ +[0-9]+\ +[0-9:]+ ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" != *"CHECK uptime: Domain-0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ dom0-uptime:\ Domain-0\ +0\ +0:[0-9]{2}:[0-9]{2} ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ domid:\ [0-9]+\ as\ xl ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK domname: g1"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ paused:\ ..p... ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK paused: cpu time stays at"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ unpaused:\ [-r][-b]-[-]{3} ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# mem-set / mem-max through libxl, as xl: the target and static max Xen keeps.
	[[ "${output}" == *"CHECK mem-set 96 ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK mem target 98304"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ mem\ list\ (9[0-9]|100) ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK mem-max 120 ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK mem static-max 122880"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK mem-set bad: invalid memory size: 12x"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ mem-set\ above\ max:\ cannot\ set\ domid\ [0-9]+\ dynamic\ max\ memory\ to\ :\ 128 ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK mem-set 128 ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK vcpu-pin: 1 / all"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK vcpu-pin all: all / all"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK console -e: exit 0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK console input reached g1"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK shutdown: Waiting for 1 domains"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK g1 gone after shutdown"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK monitor: g2: restarted as domain"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK g2 listed after its reboot"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK g2 gone"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK bad kernel: xlc: bad1: kernel /nonexistent/vmlinuz: No such file or directory"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ big\ memory:\ xlc:\ bad2:\ memory\ =\ 1000000\ MiB\ is\ more\ than\ this\ host\ has\ \([0-9]+\ MiB\) ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ duplicate:\ xlc:\ g3:\ a\ domain\ of\ that\ name\ already\ exists\ \(id\ [0-9]+\) ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK bad domains left: 0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK -v: libxl: debug:"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# Every corpus config xl accepts and xlc fully translates gives the same JSON.
	[[ "${output}" =~ CHECK\ json\ same=([0-9]+)\ differ=0 ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[ "${BASH_REMATCH[1]}" -ge 50 ] || { echo "missing at xen.bats line $LINENO"; return 1; }
}

checks_creates() {
	[[ "${output}" =~ CHECK\ create\ -p:\ ..p... ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK g4 runs after unpause"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK create -c: exit 0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK create -c showed the boot"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ reboot:\ Rebooting\ domain\ [0-9]+ ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK monitor: g4: restarted as domain"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# The disk block-attach gave g4 is there after its reboot, as under xl.
	[[ "${output}" == *"CHECK g4 disk after its reboot: 51728"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ shutdown\ -a:\ Waiting\ for\ 2\ domains ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" != *"Shutting down domain 0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK after shutdown -a: Domain-0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" != *"CHECK after shutdown -a: g"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK create -F: exit 0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK g6 gone after create -F"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# bootloader = "pygrub": Xen's own pygrub, run by libxl, chose menu.lst's default
	[[ "${output}" == *"CHECK pygrub create -c: exit 0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK pygrub XLC-INFO cmdline=console=hvc0 quiet xlc.test=poweroff xlc.entry=1"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ monitor:\ g7:\ the\ old\ domain\ [0-9]+\ stays\ as\ g7-[0-9]{8}T[0-9]{4}Z ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ renamed:\ g7-[0-9]{8}T[0-9]{4}Z\ ---sr- ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# on_crash = coredump-destroy: xl's dump of the guest's memory, then no domain.
	[[ "${output}" == *"CHECK g13 gone after its crash"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK monitor g13: dumping core to /var/lib/xen/dump/g13"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ g13\ core\ is\ an\ ELF\ file\ of\ 1[0-9]{2}\ MiB ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
}

checks_devices() {
	[[ "${output}" == *"CHECK create g8 ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# vcpu-set through libxl: Xen's online count and the guest's own.
	[[ "${output}" == *"CHECK vcpu-set 2 ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK vcpus after set 2: 2"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK guest XLC-CPUS-42 0-1"$'\n'* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK vcpu-set above host: xlc: You are overcommmitting! You have 2 physical CPUs and want 3 vCPUs! Aborting, use --ignore-host to continue"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ vcpu-set\ above\ max:\ xlc:\ libxl_set_vcpuonline\ failed\ domid=[0-9]+\ max_vcpus=3:\ g8\ has\ at\ most\ 2\ vCPUs\ \(its\ maxvcpus\) ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK vcpu-set 1 ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK vcpus after set 1: 1"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK guest after set 1 XLC-CPUS-42 0"$'\n'* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK vcpu-set bad: Error: Invalid argument."* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# block-attach, a guest write, block-detach: the bytes are in the image.
	[[ "${output}" == *"CHECK block-attach ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK xlc-block-list Vdev  BE  handle state evt-ch ring-ref BE-path"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ xlc-block-list\ 51728\ +0\ +[0-9]+\ +4\ +[0-9]+\ +[0-9]+\ +/local/domain/0/backend/vbd/[0-9]+/51728 ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ xl-block-list\ 51728\ +0\ +[0-9]+\ +4\  ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK block-attach again: xlc: g8: vdev xvdb is in use already"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK guest XLC-DISK-42 32768"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK block-detach ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK image holds: XLC-WRITTEN-BY-GUEST"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK block-detach again: Error: Device xvdb not connected."* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK disks after detach: 0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# network-attach on a bridge: the guest's NIC has the MAC and reaches dom0.
	[[ "${output}" == *"CHECK network-attach ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ xlc-network-list\ 0\ +0\ +00:16:3e:4a:00:42\ +0\ +4\  ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ xl-network-list\ 0\ +0\ +00:16:3e:4a:00:42\ +0\ +4\  ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ vif[0-9]+\.0\ is\ up\ in\ dom0 ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK guest XLC-MAC-42 00:16:3e:4a:00:42"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK guest pinged dom0 through xenbr0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK network-detach ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ vif[0-9]+\.0\ gone ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK network-detach again: Unknown device 00:16:3e:4a:00:42."* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK network-attach bad bridge: xlc: bridge nosuchbr does not exist on this host"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK nics after: 0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK cd-insert pv: xlc: g8 is not an HVM domain"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK cd-insert missing: Cannot stat file: /nonexistent.iso"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# A channel and a USB controller (dom0's QEMU serves them), a keyboard and a
	# PV calls interface: xlc's guest has xl's devices.
	[[ "${output}" =~ CHECK\ g11\ devices\ as\ xl.s:\ \{\"channels\":\[\{[^]]*\"name\":\"org.xlc.test.0\"[^]]*\}\],\"usbctrls\":\[\{[^]]*\"type\":\"qusb\" ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ g12\ devices\ as\ xl.s:\ \{\"pvcallsifs\":\[\{[^]]*\"backend_domname\":\"Domain-0\"[^]]*\}\],\"vkbs\":\[\{[^]]*\"unique_id\":\"K0\" ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
}

checks_saverestore() {
	[[ "${output}" == *"CHECK before save: boot known count known"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# xl's lines, xl's file: its magic, readable by root alone.
	[[ "${output}" =~ CHECK\ save:\ Saving\ to\ /payload/g9.save\ new\ xl\ format\ \(info\ 0x3/0x0/[0-9]+\) ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK g9 gone after save"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK save file: Xen saved domain, xl format"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK save file mode 600"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ restore:\ Loading\ new\ save\ file\ /payload/g9.save\ \(new\ xl\ fmt\ info\ 0x3/0x0/[0-9]+\) ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK restore:  Savefile contains xl domain config in JSON format"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK g9 back"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# The guest carried on: the same boot, its counter further on.
	[[ "${output}" == *"CHECK same boot after restore"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ counter\ went\ on:\ [0-9]+\ then\ [0-9]+ ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# The old domain's monitor saw the suspend and the end; a new one watches.
	[[ "${output}" =~ CHECK\ monitor:\ g9:\ domain\ [0-9]+\ has\ suspended\ \(save\ or\ migration\) ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ monitor:\ g9:\ domain\ [0-9]+\ is\ gone ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[ "$(grep -c 'CHECK monitor: g9: watching domain' <<<"${output}")" -eq 2 ] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ restore\ twice:\ xlc:\ g9:\ a\ domain\ of\ that\ name\ already\ exists\ \(id\ [0-9]+\) ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK save -c ok"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ after\ save\ -c:\ [-r][-b]---- ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK xl restores xlc's file"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK xlc restores xl's file"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK same boot after xl and xlc"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# Not a save, or cut short: refused in words; nothing is left.
	[[ "${output}" == *"CHECK restore not a save: xlc: g9.cfg: File has wrong magic number - corrupt or for a different tool?"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK restore cut: xlc: cut.save: Savefile truncated."* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ restore\ cut\ stream:\ xlc:\ g9:\ libxl\ could\ not\ restore\ the\ domain ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK domains left: 1"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK save nosuch: xlc: nosuch is an invalid domain identifier"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK no file for nosuch"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
}

checks_migrate() {
	[[ "${output}" == *"CHECK before migrate: boot known count known"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK migrate: exit 0"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK migrate json: g10 ok null null true"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# xl's protocol, said as xl says it at both ends.
	[[ "${output}" == *"CHECK migrate says: migration target: Ready to receive domain."* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK migrate says: migration sender: Target has acknowledged transfer."* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK migrate says: migration target: Got permission, starting domain."* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK migrate says: Migration successful."* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK g10 runs as a new domain"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK no --incoming or --migratedaway left"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK same boot after migrate"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ counter\ went\ on:\ [0-9]+\ then\ [0-9]+ ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK xl received from xlc"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK xlc received from xl"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK same boot after xl and xlc"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	# A transport cut mid-stream: the guest runs on at the source, on the same boot.
	[[ "${output}" == *"CHECK cut migrate: exit 1"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ cut\ migrate\ says:\ xlc:\ Migration\ failed,\ resuming\ at\ sender\. ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ g10\ still\ here\ as\ [0-9]+ ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" =~ CHECK\ g10\ state\ after\ cut:\ [-r][-b]---- ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK nothing left at the destination"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK same boot after the cut"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
	[[ "${output}" == *"CHECK migrate usage: xlc: 'xlc migrate' needs at least 2 arguments"* ]] || { echo "missing at xen.bats line $LINENO"; return 1; }
}

# The dom0 under QEMU TCG now and then loses a process of its own: a segfault
# in sed or grep, glibc finding its heap corrupted in one of them (a bare
# "malloc(): ... corrupted" or "corrupted double-linked list" line, seen from
# xl itself, and once from xlc migrate's sender, "malloc(): corrupted top
# size" in the output the payload keeps, in CI on 2026-12-03: the same
# migrations with an ASan+UBSan xlc in the Xen host found no error of
# xlc's; an xlc that did so would be run again too, once, and fail the
# second time), a failed symbol lookup, ld.so failing its own startup
# assertion, a tool refusing the fixed, valid arguments the payload gives it
# ("timeout: invalid time interval '10'"), xl hung or killed by a signal, a process stuck in the
# kernel past every timeout, a monitor reading bytes that are not the JSON
# its parent wrote into a memfd (garbage, seen once under load) or dying of
# "out of memory" before its first line (seen once, the guest's first), a glibc
# mutex assertion in a monitor at a restart (seen once under load: not
# understood yet, it may be the monitor's own race; the second run shows
# it, as it would any fault that repeats); or
# dom0's kernel killing a process for want of memory (seen once: qemu and an
# xlc list at dom0's 49th second, with one small guest running), or, in the
# next run at the same point, an xlc list dying of libxl's own atfork_lock
# assertion (its mutex failed; dom0 may be short of memory there: not
# understood yet); or
# the whole host freezes (its heartbeat stops) or never comes up. Such a run
# says nothing of xlc, so it is run once more and the first run is shown. A
# crash of xlc itself, or a timeout with no such sign (a host that kept its
# heartbeat but did not finish: xlc may have hung), fails at once.
dom0_broke() {
	! grep -qE 'DIAG (dmesg|dom0):.* xlc[^ ]*\[[0-9]+\]: ' <<<"${output}" && {
		grep -q 'froze (no heartbeat' <<<"${output}" || [ "${status}" -eq 125 ] ||
			grep -qE 'Segmentation fault|Illegal instruction|Bus error|symbol lookup error|Inconsistency detected by ld.so|futex facility|Try .[a-z0-9]+ --help. for more information|(^|CHECK [a-z ]*says: )(malloc\(\): [a-z ()]*(corrupted|corruption)[a-z ()]*|corrupted double-linked list|corrupted size vs. prev_size|double free or corruption.*|free\(\): invalid (pointer|size|next size.*))$|DIAG (dmesg|dom0):.*(segfault|general protection|traps:|invalid opcode)|DIAG xl (hung|died)|DIAG stuck|Out of memory: Killed process|its config is not libxl.s JSON|DIAG monitor: xlc: out of memory|pthread_mutex_lock.c:[0-9]+: ___pthread_mutex_lock: Assertion|libxl_fork.c:[0-9]+: atfork_lock: Assertion' <<<"${output}"
	}
}

# xen_payload CHECKS PART...: one Xen host boot running those payload parts.
# The payload's bound (1200 s) is about three times what it takes on an idle
# machine: a loaded one makes a nested host 2-3x slower.
xen_payload() {
	local checks=$1
	shift
	run "${TESTS_DIR}/hosts/xen" -t 1200 -x "${XLC}" -x /usr/bin/jq -p "${SANDBOX}/payload" -- \
		sh ./xen-backend.sh "$@"
	if { [ "${status}" -ne 0 ] || ! "${checks}" >/dev/null; } && dom0_broke; then
		echo "# the first run lost a dom0 process; its output:"
		echo "${output}" | sed 's/^/#1 /'
		run "${TESTS_DIR}/hosts/xen" -t 1200 -x "${XLC}" -x /usr/bin/jq -p "${SANDBOX}/payload" -- \
			sh ./xen-backend.sh "$@"
	fi
	echo "${output}"
	[ "${status}" -eq 0 ]
	"${checks}"
}

@test "xen: a PV guest through libxl beside xl: list, console, top, pause, shutdown -w, restart, errors, -v, xl -N" {
	xen_payload checks_everyday_errors everyday errors
}

@test "xen: create -p, -c, -F, pygrub, reboot keeping an attached disk, shutdown -a -w, rename-restart, coredump-destroy through libxl" {
	xen_payload checks_creates creates
}

@test "xen: vcpu-set, block-/network-attach/-list/-detach, cd-insert; channel, usbctrl, vkb, pvcalls as xl's" {
	xen_payload checks_devices devices
}

@test "xen: save and restore through libxl in xl's file format: the guest carries on; xl reads xlc's files and xlc xl's" {
	xen_payload checks_saverestore saverestore
}

@test "xen: live migration with xl's protocol to this host: the guest carries on; xl and xlc at either end; a cut transport" {
	xen_payload checks_migrate migrate
}
