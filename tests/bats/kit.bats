#!/usr/bin/env bats
# The KVM backend on this machine's /dev/kvm (kvm-pvm), with the guest kit:
# each kit guest exercises one thing the VMM offers and prints KIT- lines.
# `xlc create -F` runs the guest in the foreground and applies on_* actions.

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"

setup() {
	setup_sandbox
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	cat >"${SANDBOX}/kit.cfg" <<-CFG
	name = "kit"
	memory = 64
	kernel = "${KIT}/hello.bzImage"
	cmdline = "kit.end=reboot"
	on_reboot = "destroy"
	CFG
}
teardown() { teardown_sandbox; }

kit() { # kit GUEST [key=value...]
	local guest=$1
	shift
	run --separate-stderr timeout -s KILL 60 "${XLC}" -v create -Fq "${SANDBOX}/kit.cfg" \
		"kernel=\"${KIT}/${guest}.bzImage\"" "$@"
}

@test "kit: the guest prints through the 8250 and reads its command line and e820 map" {
	kit hello 'cmdline="kit.end=reboot hello=world"'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *'KIT-START cmdline="kit.end=reboot hello=world reboot=a"'* ]]
	[[ "${output}" == *"KIT-HELLO"* ]]
	[[ "${output}" == *"KIT-E820 0-9fbff type=1"* ]]
	[[ "${output}" == *"KIT-E820 100000-3ffffff type=1"* ]] # 64 MiB of RAM
	[[ "${output}" == *"KIT-EXIT code=0"* ]]
}

@test "kit: the guest's own reboot= on the command line is kept" {
	kit hello 'cmdline="reboot=k x=1"'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *'KIT-START cmdline="reboot=k x=1"'* ]]
}

@test "kit: memory above the MMIO hole starts at 4 GiB" {
	kit hello memory=3584
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-E820 100000-bfffffff type=1"* ]]
	[[ "${output}" == *"KIT-E820 100000000-11fffffff type=1"* ]]
}

@test "kit: ACPI power-off ends the guest (on_poweroff=destroy)" {
	kit poweroff
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-POWEROFF s5=5 hw_reduced=1"* ]]
	[[ "${stderr}" == *"kit: the guest ended (poweroff); action: destroy"* ]]
}

@test "kit: an i8042 reset is a reboot (on_reboot=destroy ends it)" {
	kit reboot
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-REBOOT"* ]]
	[[ "${stderr}" == *"kit: the guest ended (reboot); action: destroy"* ]]
}

@test "kit: on_reboot=restart boots the guest again" {
	run timeout -s KILL 20 "${XLC}" create -Fq "${SANDBOX}/kit.cfg" \
		"kernel=\"${KIT}/reboot.bzImage\"" on_reboot=\"restart\"
	[ "${status}" -eq 137 ] # it reboots until killed
	[ "$(grep -c KIT-REBOOT <<<"${output}")" -ge 3 ]
}

@test "kit: a triple fault is a reset, handled as on_reboot says" {
	kit triplefault on_reboot=\"destroy\"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-TRIPLEFAULT"* ]]
	[[ "${stderr}" == *"triple fault"* ]]
	[[ "${stderr}" == *"kit: the guest ended (reboot); action: destroy"* ]]
}

@test "kit: the MADT has one enabled CPU per vCPU" {
	for n in 1 3 8; do
		kit madt vcpus=${n}
		[ "${status}" -eq 0 ]
		[[ "${output}" == *"KIT-MADT cpus=${n} capable=0 ioapics=1"* ]] || { echo "${output}"; return 1; }
	done
}

@test "kit: maxvcpus > vcpus: vcpus enabled in the MADT, the others online-capable for CPU hotplug" {
	kit madt vcpus=2 maxvcpus=4 'cmdline="kit.end=reboot"'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-MADT cpus=2 capable=2 ioapics=1"* ]]
	[[ "${output}" == *'KIT-START cmdline="kit.end=reboot reboot=a"'* ]]
}

@test "kit: the CMOS clock tells the host's UTC time" {
	kit cmos
	[ "${status}" -eq 0 ]
	guest=$(sed -n 's/.*KIT-CMOS \([0-9-]* [0-9:]*\) valid=1.*/\1/p' <<<"${output}")
	[ -n "${guest}" ]
	diff=$(($(date -u +%s) - $(date -u -d "${guest}" +%s)))
	[ "${diff#-}" -le 5 ]
}

@test "kit: the UART interrupt arrives through the PIC and through the IO-APIC" {
	kit serialirq 'cmdline="kit.ioapic=0"'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-SERIALIRQ via=pic irqs=1 iir=2"* ]]
	kit serialirq 'cmdline="kit.ioapic=1"'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-SERIALIRQ via=ioapic irqs=1 iir=2"* ]]
}

@test "kit: each byte written to THR brings THRE, and its interrupt, back" {
	kit serialirq 'cmdline="kit.ioapic=1 kit.thre=3"'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-SERIALIRQ via=ioapic irqs=3 iir=2"* ]]
	kit serialirq 'cmdline="kit.ioapic=0 kit.thre=3"'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-SERIALIRQ via=pic irqs=3 iir=2"* ]]
}

@test "kit: turning THRI on with the THR empty raises THRE, even right after one was taken" {
	kit serialirq 'cmdline="kit.ioapic=1 kit.reenable=1"'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-SERIALIRQ via=ioapic irqs=2 iir=2"* ]]
}

@test "bad kernel: missing, not a bzImage, too old, too big, or none at all" {
	run "${XLC}" create -Fq "${SANDBOX}/kit.cfg" kernel=\"${SANDBOX}/nope\"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"cannot read ${SANDBOX}/nope: No such file or directory"* ]]
	head -c 4096 /dev/urandom >"${SANDBOX}/random.img"
	run "${XLC}" create -Fq "${SANDBOX}/kit.cfg" kernel=\"${SANDBOX}/random.img\"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"random.img: not a Linux bzImage"* ]]
	# The hello kit with its protocol version patched to 2.05.
	cp "${KIT}/hello.bzImage" "${SANDBOX}/old.img"
	printf '\x05\x02' | dd of="${SANDBOX}/old.img" bs=1 seek=$((0x206)) conv=notrunc status=none
	run "${XLC}" create -Fq "${SANDBOX}/kit.cfg" kernel=\"${SANDBOX}/old.img\"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"boot protocol 2.05 is too old"* ]]
	# A kernel asking for 1 GiB to boot, in a 64 MiB guest.
	cp "${KIT}/hello.bzImage" "${SANDBOX}/big.img"
	printf '\x00\x00\x00\x40' | dd of="${SANDBOX}/big.img" bs=1 seek=$((0x260)) conv=notrunc status=none
	run "${XLC}" create -Fq "${SANDBOX}/kit.cfg" kernel=\"${SANDBOX}/big.img\"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"needs 1026 MiB of memory to boot; memory is 64 MiB"* ]]
	run "${XLC}" create -Fq 'name="nokernel"'
	[ "${status}" -eq 1 ]
	[ "${output}" = 'xlc: nokernel: no kernel: set kernel = "/path/to/bzImage", or bootloader = "pygrub" to boot the kernel the guest'"'"'s disk names in its boot menu' ]
}

@test "bad command line: one longer than the kernel takes is refused" {
	long=$(head -c 3000 /dev/zero | tr '\0' x)
	run "${XLC}" create -Fq "${SANDBOX}/kit.cfg" "cmdline=\"${long}\""
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"the command line is 3009 bytes; this kernel takes at most 2047"* ]]
}

@test "bad ramdisk: one larger than memory is refused" {
	head -c $((80 << 20)) /dev/zero >"${SANDBOX}/huge.img"
	run "${XLC}" create -Fq "${SANDBOX}/kit.cfg" ramdisk=\"${SANDBOX}/huge.img\"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"huge.img (81 MiB) does not fit in memory beside the kernel; raise memory"* ]]
}

@test "acpi: the tables disassemble with iasl, and the DSDT compiles again" {
	command -v iasl >/dev/null || { echo "iasl (acpica-tools) is missing"; return 1; }
	mkdir -p "${SANDBOX}/acpi"
	ACPI_DUMP_DIR="${SANDBOX}/acpi" "${UNIT_DIR:-${REPO_DIR}/build/obj/tests/unit}/test_acpi" >/dev/null
	cd "${SANDBOX}/acpi"
	for t in dsdt facp apic xsdt; do
		run iasl -d "${t}.dat"
		[ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
		[[ "${output}" != *Error* ]]
	done
	grep -q "Name (\\\\_S5, Package" dsdt.dsl
	grep -q '"LNRO0005"' dsdt.dsl
	grep -q 'Name (_HID, "ACPI0007"' dsdt.dsl # CPU hotplug: a processor device per vCPU,
	grep -q 'Notify (C003, 0x03)' dsdt.dsl    # told to go (eject) or come (check)
	grep -q 'Notify (C003, One)' dsdt.dsl
	grep -q 'Runtime Online Capable : 1' apic.dsl
	grep -q 'Hardware Reduced (V5) : 1' facp.dsl
	run iasl dsdt.dsl
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"Compilation successful. 0 Errors"* ]]
}
