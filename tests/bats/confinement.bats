#!/usr/bin/env bats
# The confined VMM (man xlc, SECURITY): the process that runs a guest holds
# its own uid, no capability, no_new_privs, a seccomp filter on every
# thread, an empty root, bounded limits and only the fds the guest needs;
# a call outside its filter kills it, and xlc says so.

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"

setup() {
	setup_sandbox
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	truncate -s 1M "${SANDBOX}/d.img"
	cat >"${SANDBOX}/g.cfg" <<-CFG
	name = "g1"
	memory = 64
	kernel = "${KIT}/hello.bzImage"
	cmdline = "kit.end=halt"
	disk = [ "${SANDBOX}/d.img,raw,xvda,w" ]
	CFG
}

teardown() {
	teardown_guests
	pkill -f "${SANDBOX}/" 2>/dev/null || true
}

xlc() { "${XLC}" "$@"; }

# The guest process's pid (the VMM's confined part), and the supervisor's.
vmm_pid() { xlc list --json | jq -r ".[] | select(.name == \"$1\") | .vmm_pid"; }
sup_pid() { xlc list --json | jq -r ".[] | select(.name == \"$1\") | .pid"; }
status_field() { sed -n "s/^$2:\t//p" "/proc/$1/status"; }

@test "confined: its own uid and gid, no capabilities, no_new_privs, seccomp on every thread" {
	xlc create -q "${SANDBOX}/g.cfg"
	wait_console g1 KIT-HELLO
	pid=$(vmm_pid g1)
	domid=$(xlc domid g1)
	uid=$((XLC_VMM_UID_BASE + domid))
	[ "$(status_field "${pid}" Uid)" = "$(printf '%s\t%s\t%s\t%s' "${uid}" "${uid}" "${uid}" "${uid}")" ]
	[ "$(status_field "${pid}" Gid)" = "$(printf '%s\t%s\t%s\t%s' "${uid}" "${uid}" "${uid}" "${uid}")" ]
	[ -z "$(status_field "${pid}" Groups | tr -d ' ')" ]
	for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
		[ "$(status_field "${pid}" "${cap}")" = 0000000000000000 ] || { echo "${cap}"; return 1; }
	done
	[ "$(status_field "${pid}" NoNewPrivs)" = 1 ]
	# Every thread, vCPU, I/O and disk workers included, runs under the filter.
	n=0
	for t in /proc/"${pid}"/task/*; do
		[ "$(awk '$1 == "Seccomp:" { print $2 }' "${t}/status")" = 2 ] || { cat "${t}/comm"; return 1; }
		n=$((n + 1))
	done
	[ "${n}" -ge 6 ] # main, vCPU, I/O, four disk workers (less KVM's own)
	run xlc list --json
	[ "$(jq -c '.[0].confinement.active' <<<"${output}")" = \
		'["uid","no_caps","no_new_privs","empty_root","rlimits","seccomp"]' ] ||
		[ "$(jq -c '.[0].confinement.active' <<<"${output}")" = \
			'["uid","no_caps","no_new_privs","empty_root","rlimits","cgroup","seccomp"]' ]
	[ "$(jq -r '.[0].confinement.seccomp' <<<"${output}")" = kill ]
}

@test "confined: an empty read-only root, bounded limits, and only the guest's fds" {
	xlc create -q "${SANDBOX}/g.cfg"
	wait_console g1 KIT-HELLO
	pid=$(vmm_pid g1)
	[ -z "$(ls -A "/proc/${pid}/root/")" ]
	run touch "/proc/${pid}/root/x"
	[ "${status}" -ne 0 ]
	grep -q '^Max core file size *0 *0 ' "/proc/${pid}/limits"
	grep -q '^Max locked memory *0 *0 ' "/proc/${pid}/limits"
	grep -q "^Max file size *1048576 *1048576 " "/proc/${pid}/limits" # the image's size
	nofile=$(awk '/^Max open files/ { print $4 }' "/proc/${pid}/limits")
	[ "${nofile}" -le 512 ]
	# Its fds: the guest's image and kernel, /dev/kvm, /dev/null, one socket
	# (the supervisor's link), pipes and KVM's and the event loop's inodes.
	sockets=0
	for fd in /proc/"${pid}"/fd/*; do
		target=$(readlink "${fd}")
		case "${target}" in
		"${SANDBOX}/d.img" | "${KIT}/hello.bzImage" | /dev/kvm | /dev/null | pipe:* | anon_inode:*) ;;
		socket:*) sockets=$((sockets + 1)) ;;
		*) echo "unexpected fd ${fd} -> ${target}"; return 1 ;;
		esac
	done
	[ "${sockets}" -eq 1 ]
}

@test "confined: the VMM maps no Xen, ncurses or config library; the CLI's are not loaded" {
	xlc create -q "${SANDBOX}/g.cfg"
	wait_console g1 KIT-HELLO
	for pid in "$(vmm_pid g1)" "$(sup_pid g1)"; do
		grep -q xlc-vmm "/proc/${pid}/maps"
		run grep -E 'libxen|libxl|ncurses|libtinfo|libconfuse' "/proc/${pid}/maps"
		[ "${status}" -eq 1 ] || { echo "${output}"; return 1; }
	done
	[ "$(cat "/proc/$(sup_pid g1)/comm")" = xlc-g1 ]
	[ "$(cat "/proc/$(vmm_pid g1)/comm")" = vmm-g1 ]
}

@test "info names the confinements this host gives a VMM" {
	run xlc info
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"vmm_confinement        : uid ${XLC_VMM_UID_BASE}+domid,"* ]]
	XLC_VMM_UID_BASE= run xlc info
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"vmm_confinement        : uid 2013265920+domid, no capabilities, empty root (mount namespace), no_new_privs, rlimits, seccomp (kill)"* ]]
	[[ "${output}" == *"vmm_cgroup             : "* ]]
}

@test "a system call outside the filter kills the VMM; list and the log say why; nothing is left" {
	export XLC_TEST_HOOKS=1
	xlc create -q "${SANDBOX}/g.cfg" on_crash=\"preserve\"
	wait_console g1 KIT-HELLO
	pid=$(vmm_pid g1)
	run socat -t 5 - "UNIX-CONNECT:${XLC_RUN_DIR}/g1.sock" <<<"debug-forbidden-syscall"
	for i in $(seq 1 50); do
		[ "$(xlc list | awk '$1 == "g1" { print $5 }')" = ---sc- ] && break
		sleep 0.1
	done
	run xlc list
	[[ "${output}" =~ g1\ +1\ +64\ +1\ +---sc- ]]
	[[ "$(xlc list --json | jq -r '.[0].crash_reason')" == *"killed by SIGSYS: a system call outside its seccomp allow-list"* ]]
	[ "$(xlc list --json | jq -r '.[0].vmm_pid')" = 0 ]
	process_gone "${pid}"
	grep -q "test hook: opening a network socket" "${XLC_LOG_DIR}/xlc-g1.log"
	grep -q "g1: the VMM's guest process was killed by SIGSYS" "${XLC_LOG_DIR}/xlc-g1.log"
	grep -q "g1: the guest ended (crash); action: preserve" "${XLC_LOG_DIR}/xlc-g1.log"
	xlc destroy g1
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
	[ -z "$(pgrep -f "${XLC_RUN_DIR}")" ]
}

@test "the same with on_crash=destroy: the domain is gone, the log says it was SIGSYS" {
	export XLC_TEST_HOOKS=1
	xlc create -q "${SANDBOX}/g.cfg"
	wait_console g1 KIT-HELLO
	socat -t 5 - "UNIX-CONNECT:${XLC_RUN_DIR}/g1.sock" <<<"debug-forbidden-syscall" || true
	for i in $(seq 1 50); do
		[ -z "$(ls "${XLC_RUN_DIR}")" ] && break
		sleep 0.1
	done
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
	grep -q "g1: the VMM's guest process was killed by SIGSYS" "${XLC_LOG_DIR}/xlc-g1.log"
	grep -q "g1: the guest ended (crash); action: destroy" "${XLC_LOG_DIR}/xlc-g1.log"
}

@test "without XLC_TEST_HOOKS the test hook does not exist and the guest runs on" {
	xlc create -q "${SANDBOX}/g.cfg"
	wait_console g1 KIT-HELLO
	run socat -t 5 - "UNIX-CONNECT:${XLC_RUN_DIR}/g1.sock" <<<"debug-forbidden-syscall"
	[ "${output}" = "error unknown command" ]
	[[ "$(xlc list)" =~ g1\ +1\ +64\ +1\ +-b---- ]]
}
