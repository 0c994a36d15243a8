#!/usr/bin/env bats
# The control plane under stress: no client, stopped VMM or bad folder can
# stall xlc or leave something behind. Every command here is bounded by
# timeout(1) with a generous margin over what it must take.

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"

setup() {
	setup_sandbox
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	cat >"${SANDBOX}/g.cfg" <<-CFG
	name = "g1"
	memory = 64
	kernel = "${KIT}/hello.bzImage"
	cmdline = "kit.end=halt"
	CFG
}

teardown() {
	[ -n "${HOLDERS:-}" ] && kill ${HOLDERS} 2>/dev/null
	[ -n "${STOPPED:-}" ] && kill -CONT "${STOPPED}" 2>/dev/null
	teardown_guests
	pkill -f "${SANDBOX}/" 2>/dev/null || true
	mountpoint -q "${SANDBOX}/ro" 2>/dev/null && umount "${SANDBOX}/ro"
	true
}

xlc() { "${XLC}" "$@"; }

# n clients that connect and then say nothing (or half a line), in the background.
hold_clients() {
	local n=$1 what=$2 i
	HOLDERS=""
	for i in $(seq 1 "${n}"); do
		# 3>&-: bats waits for whatever holds its fd 3 open before it
		# ends a test; a holder's sleep must not keep it 60 s.
		(printf '%s' "${what}"; exec sleep 60) 3>&- | socat -t 60 - "UNIX-CONNECT:${XLC_RUN_DIR}/g1.sock" \
			>/dev/null 2>&1 3>&- &
		HOLDERS="${HOLDERS} $!"
	done
}

# Runs CMD...: its status in $rc, the milliseconds it took in $ms.
timed() {
	local start
	start=$(date +%s%N)
	"$@" >/dev/null 2>&1 && rc=0 || rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
}

@test "control: idle and half-written clients are dropped after 5 s; commands work meanwhile" {
	xlc create -q "${SANDBOX}/g.cfg"
	hold_clients 10 ""
	hold_clients 10 "inf"
	sleep 0.5
	timed timeout 2 "${XLC}" pause g1
	[ "${rc}" -eq 0 ]
	[ "${ms}" -lt 2000 ]
	timeout 2 "${XLC}" unpause g1
	[ "$(ls /proc/"$(xlc list --json | jq .[0].pid)"/fd | wc -l)" -gt 20 ] # they are connected
	sleep 6
	# The VMM hung up on all of them: its fds are back to its own few.
	[ "$(ls /proc/"$(xlc list --json | jq .[0].pid)"/fd | wc -l)" -lt 20 ]
}

@test "control: a request with a control byte or no end is refused, and the VMM goes on" {
	xlc create -q "${SANDBOX}/g.cfg"
	run socat -t 2 - "UNIX-CONNECT:${XLC_RUN_DIR}/g1.sock" < <(printf 'in\0fo\n')
	[ "${output}" = "error not a command line" ]
	run socat -t 2 - "UNIX-CONNECT:${XLC_RUN_DIR}/g1.sock" < <(head -c 5000 /dev/zero | tr '\0' a)
	[ "${output}" = "error not a command line" ]
	run socat -t 2 - "UNIX-CONNECT:${XLC_RUN_DIR}/g1.sock" <<<"nosuch"
	[ "${output}" = "error unknown command" ]
	[ "$(xlc list --json | jq -r .[0].state)" = running ]
}

@test "control: with every client slot taken, commands fail with a message (never a silent 141)" {
	xlc create -q "${SANDBOX}/g.cfg"
	hold_clients 32 ""
	sleep 0.5
	run --separate-stderr timeout 3 "${XLC}" list
	[ "${status}" -eq 0 ]
	[[ "${output}" =~ g1\ +1\ +0\ +0\ +\?\?\?\?\?\? ]]
	# It answered "too many clients", or hung up before it read the request.
	[[ "${stderr}" == *"domain g1 (id 1): its VMM says: too many clients; try again"* ||
		"${stderr}" == *"domain g1 (id 1): its VMM (pid "*") does not answer"* ]]
	run --separate-stderr timeout 3 "${XLC}" pause g1
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == *"too many clients"* || "${stderr}" == *"does not answer"* ]]
	run timeout 3 "${XLC}" destroy g1
	[ "${status}" -eq 0 ] # a destroy that is refused is forced
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
}

@test "control: a stopped VMM shows in list within 1 s, and destroy ends it within 2 s" {
	xlc create -q "${SANDBOX}/g.cfg"
	xlc create -q "${SANDBOX}/g.cfg" name=\"g2\"
	pid=$(xlc list --json | jq '.[] | select(.name == "g1") | .pid')
	vmm=$(xlc list --json | jq '.[] | select(.name == "g1") | .vmm_pid')
	kill -STOP "${pid}"
	STOPPED=${pid}
	timed timeout 3 "${XLC}" list
	[ "${rc}" -eq 0 ]
	[ "${ms}" -lt 1500 ]
	run --separate-stderr timeout 3 "${XLC}" list
	[[ "${output}" =~ g1\ +1\ +0\ +0\ +\?\?\?\?\?\? ]]
	[[ "${output}" =~ g2\ +2\ +64\ +1\ +-b---- ]] # the other guest is shown as usual
	[[ "${stderr}" == *"domain g1 (id 1): its VMM (pid ${pid}) does not answer; it may be stopped or hung"* ]]
	[ "$(timeout 3 "${XLC}" list --json | jq -r '.[] | select(.name == "g1") | .state')" = unresponsive ]
	# create of another guest is not held up by it (nothing waits on the run directory's lock).
	timed timeout 3 "${XLC}" create -q "${SANDBOX}/g.cfg" name=\"g3\"
	[ "${rc}" -eq 0 ]
	[ "${ms}" -lt 2000 ]
	timed timeout 4 "${XLC}" destroy g1
	[ "${rc}" -eq 0 ]
	[ "${ms}" -lt 2500 ]
	for i in $(seq 1 50); do process_gone "${vmm}" && break; sleep 0.1; done
	process_gone "${vmm}" # its guest process died with it
	[ ! -e "${XLC_RUN_DIR}/g1.sock" ]
	[ ! -e "${XLC_RUN_DIR}/g1.pid" ]
	[ "$(xlc list | tail -n +2 | awk '{print $1}' | tr '\n' ' ')" = "g2 g3 " ]
}

@test "control: create returns at once even with its output captured: the VMM keeps no stdio of ours" {
	timed timeout 10 bash -c "out=\$('${XLC}' create '${SANDBOX}/g.cfg' 2>&1)"
	[ "${rc}" -eq 0 ]
	[ "${ms}" -lt 5000 ]
	pid=$(xlc list --json | jq .[0].pid)
	for fd in 0 1 2; do
		[ "$(readlink "/proc/${pid}/fd/${fd}")" = /dev/null ]
	done
}

@test "log_dir: a file, a folder others may write, a read-only folder, a symlinked log: create fails, nothing is left" {
	touch "${SANDBOX}/file"
	XLC_LOG_DIR="${SANDBOX}/file" run --separate-stderr xlc create -q "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: the log directory ${SANDBOX}/file is a file, not a folder; remove it or choose another" ]
	mkdir -m 0777 "${SANDBOX}/open"
	XLC_LOG_DIR="${SANDBOX}/open" run --separate-stderr xlc create -q "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: the log directory ${SANDBOX}/open may be written by others (mode 777); chmod go-w it" ]
	mkdir -p "${SANDBOX}/ro"
	mount -t tmpfs -o size=64k,mode=0755 tmpfs "${SANDBOX}/ro"
	mkdir "${SANDBOX}/ro/console"
	mount -o remount,ro "${SANDBOX}/ro"
	XLC_LOG_DIR="${SANDBOX}/ro" run --separate-stderr xlc create -q "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: g1: cannot open the log ${SANDBOX}/ro/xlc-g1.log: Read-only file system" ]
	ln -s /etc/passwd "${XLC_LOG_DIR}/xlc-g1.log"
	run --separate-stderr xlc create -q "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: g1: cannot open the log ${XLC_LOG_DIR}/xlc-g1.log: Too many levels of symbolic links (it is a symbolic link)" ]
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
	[ -z "$(pgrep -f "${XLC_RUN_DIR}")" ]
}

@test "run_dir: one others may write, or a symlink, is refused" {
	mkdir -m 0777 "${SANDBOX}/openrun"
	XLC_RUN_DIR="${SANDBOX}/openrun" run --separate-stderr xlc list
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: the run directory ${SANDBOX}/openrun may be written by others (mode 777); chmod go-w it" ]
	ln -s "${XLC_RUN_DIR}" "${SANDBOX}/linkrun"
	XLC_RUN_DIR="${SANDBOX}/linkrun" run --separate-stderr xlc create -q "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: the run directory ${SANDBOX}/linkrun is a symbolic link, not a folder; remove it or choose another" ]
}

@test "logs: SIGHUP reopens them after logrotate moved them; every VMM log line has a timestamp" {
	xlc create -q "${SANDBOX}/g.cfg" on_poweroff=\"preserve\"
	mv "${XLC_LOG_DIR}/xlc-g1.log" "${XLC_LOG_DIR}/xlc-g1.log.old"
	kill -HUP "$(xlc list --json | jq .[0].pid)"
	sleep 0.3
	xlc destroy g1
	grep -q "g1: the guest ended (destroy); action: destroy" "${XLC_LOG_DIR}/xlc-g1.log"
	run grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} ' \
		"${XLC_LOG_DIR}/xlc-g1.log" "${XLC_LOG_DIR}/xlc-g1.log.old"
	[ "${status}" -eq 1 ] # no line without one
}

@test "configs: /dev/zero, a FIFO, a folder, 8 MiB and an 8 MiB string are refused at once" {
	mkfifo "${SANDBOX}/fifo.cfg"
	mkdir "${SANDBOX}/dir.cfg"
	head -c $((8 << 20)) /dev/zero | tr '\0' '#' >"${SANDBOX}/big.cfg"
	{ printf 'name = "b"\ncmdline = "'; head -c $((8 << 20)) /dev/zero | tr '\0' a; printf '"\n'; } \
		>"${SANDBOX}/string.cfg"
	for f in /dev/zero "${SANDBOX}/fifo.cfg" "${SANDBOX}/dir.cfg" "${SANDBOX}/big.cfg"; do
		timed timeout 5 "${XLC}" create -q "${f}"
		[ "${rc}" -eq 1 ]
		[ "${ms}" -lt 1000 ] || { echo "${f}: ${rc} ${ms}"; return 1; }
	done
	run xlc create -q /dev/zero
	[ "${output}" = "xlc: cannot read config file /dev/zero: it is a device, not a config file" ]
	run xlc create -q "${SANDBOX}/fifo.cfg"
	[ "${output}" = "xlc: cannot read config file ${SANDBOX}/fifo.cfg: it is a FIFO, not a config file" ]
	run xlc create -q "${SANDBOX}/dir.cfg"
	[ "${output}" = "xlc: ${SANDBOX}/dir.cfg is a directory, not a config file" ]
	run xlc create -q "${SANDBOX}/big.cfg"
	[ "${output}" = "xlc: cannot read config file ${SANDBOX}/big.cfg: it is 8388608 bytes, more than the 1048576 a config may have" ]
	# A string the size of a config's cap is refused at its line, quickly.
	{ printf 'name = "b"\ncmdline = "'; head -c $((1000 << 10)) /dev/zero | tr '\0' a; printf '"\n'; } \
		>"${SANDBOX}/string.cfg"
	timed timeout 5 "${XLC}" create -nq "${SANDBOX}/string.cfg"
	[ "${rc}" -eq 1 ]
	[ "${ms}" -lt 1000 ]
	run xlc create -nq "${SANDBOX}/string.cfg"
	[[ "${output}" == "xlc: ${SANDBOX}/string.cfg:2: cmdline = \"aaaa"*"...: a string longer than 65536 bytes" ]]
}
