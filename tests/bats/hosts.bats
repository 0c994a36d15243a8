#!/usr/bin/env bats
# The test hosts (issue 3): the guest fixture boots under the nested KVM
# host's QEMU; the Xen host runs xl in dom0. Slow stages have timeouts and
# keep their console logs in tests/.cache/logs/.

load helper

@test "fixture: builds from Debian packages, and a second build is a no-op" {
	run "${TESTS_DIR}/guests/mkguest.sh"
	[ "${status}" -eq 0 ]
	[ -s "${TESTS_DIR}/.cache/guest/vmlinuz" ]
	[ -s "${TESTS_DIR}/.cache/guest/initramfs.cpio.gz" ]
	grep -q '^linux-image-.*-cloud-amd64 ' "${TESTS_DIR}/.cache/guest/packages.lock"
	start=$(date +%s%N)
	run "${TESTS_DIR}/guests/mkguest.sh"
	[ "${status}" -eq 0 ]
	[ -z "${output}" ]
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 1000 ]
}

@test "kvm host: the fixture boots under QEMU+KVM inside it and powers off" {
	run "${TESTS_DIR}/hosts/kvm" -t 300 -- sh -c '
		[ -c /dev/kvm ] || { echo "no /dev/kvm"; exit 1; }
		timeout 240 qemu-system-x86_64 -enable-kvm -cpu host -M microvm,rtc=on -m 256 -smp 2 \
			-nodefaults -no-user-config -nographic -serial stdio -no-reboot \
			-kernel guest/vmlinuz -initrd guest/initramfs.cpio.gz \
			-append "console=ttyS0 quiet xlc.test=poweroff"'
	echo "${output}"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"XLC-INFO kernel="*"cpus=2"* ]]
	[[ "${output}" == *"XLC-GUEST-READY"* ]]
}

@test "kvm host: a failing command's status comes back" {
	run "${TESTS_DIR}/hosts/kvm" -t 60 -- sh -c 'echo inside; exit 7'
	[ "${status}" -eq 7 ]
	[[ "${output}" == *"inside"* ]]
}

@test "xen host: xl info and xl list run in dom0" {
	run "${TESTS_DIR}/hosts/xen" -t 400 -- sh -c 'xl info && xl list'
	echo "${output}"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"xen_major              : 4"* ]]
	[[ "${output}" == *"Domain-0                                     0 "* ]]
}
