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
