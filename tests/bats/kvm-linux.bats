#!/usr/bin/env bats
# The KVM backend booting a stock Debian kernel: inside the nested KVM host
# (a QEMU TCG VM with a real kvm_amd), because this machine's kvm-pvm cannot
# run stock Linux.

load helper

@test "linux: the Debian fixture boots under xlc with 1 and 2 vCPUs and powers off" {
	run "${TESTS_DIR}/hosts/kvm" -t 500 -x "${XLC}" -p "${TESTS_DIR}/hosts/payloads" -- \
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
	[ "${mem}" -gt 200000 ] && [ "${mem}" -le 262144 ]
}

@test "linux: console, shutdown -w (power button), reboot, panic, pause, destroy of a stock guest" {
	run "${TESTS_DIR}/hosts/kvm" -t 600 -x "${XLC}" -p "${TESTS_DIR}/hosts/payloads" -- \
		sh ./linux-lifecycle.sh
	echo "${output}"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"CHECK shell booted"* ]]
	[[ "${output}" =~ shell\ +1\ +256\ +2\ +(r-----|-b----) ]]
	[[ "${output}" == *"XLC-INFO kernel="*"cpus=2 "* ]]
	[[ "${output}" == *"CHECK console exit 0"* ]]
	[[ "${output}" == *"CHECK console roundtrip ok"* ]]
	[[ "${output}" == *"CHECK shutdown exit 0"* ]]
	[[ "${output}" == *"CHECK power button seen by the guest"* ]]
	[[ "${output}" == *"CHECK shell gone"* ]]
	[[ "${output}" =~ CHECK\ reboot\ boots=[2-9]\ list=[2-9] ]] # on_reboot=restart
	[[ "${output}" == *"CHECK destroy rb ok"* ]]
	[[ "${output}" == *"CHECK crash state ---sc-"* ]] # pvpanic -> on_crash=preserve
	[[ "${output}" == *"CHECK destroy crash ok"* ]]
	times=$(sed -n 's/.*CHECK pause times //p' <<<"${output}")
	read -r a b c <<<"${times}"
	[ "${a}" = "${b}" ] # no CPU time while paused
	awk -v b="${b}" -v c="${c}" 'BEGIN { exit !(c > b + 0.5) }'
	[[ "${output}" == *"CHECK destroy busy ok"* ]]
	[[ "${output}" == *"CHECK busy gone"* ]]
	[[ "${output}" == *"CHECK run dir empty"* ]]
}
