# shellcheck shell=bash
# Running a test-host VM: pack the payload, boot QEMU under a timeout that
# kills only its own PID, keep the whole console log, print the command's
# output, and return the status the guest reported. Sourced, not run.

# A host may print XLC-HOST-ALIVE every few seconds once it is up (the Xen
# host's /init does). Once it has, a console silent for this long means the
# emulated machine froze: waiting for the whole timeout would say nothing more.
# The KVM host has none: in the first run with one, a stock Linux guest of
# the nested KVM triple-faulted, which no earlier KVM host boot (over 70) had
# shown; the cause is not known, and that host never froze.
HOST_STALL_SECONDS=${HOST_STALL_SECONDS:-90}
# Before the host says XLC-HOST-READY it is booting; a console silent for
# this many of those periods then means the boot hung (seen: the Xen host's
# dom0 kernel spinning forever after "Poking KASLR" under TCG), which would
# otherwise hold the run for its whole timeout. Several times a slow boot.
HOST_BOOT_STALL_PERIODS=${HOST_BOOT_STALL_PERIODS:-4}

# run_host_vm LOG TIMEOUT qemu-args... ; prints the lines between
# XLC-HOST-READY and XLC-HOST-EXIT, returns the reported rc (or 124 on a
# timeout or a frozen host, 125 when the host never came up or never reported).
run_host_vm() {
	local log=$1 timeout=$2
	shift 2
	local pid rc status=125
	: >"${log}"
	rm -f "${log}.stalled"
	# timeout(1) is the only child: at the deadline it signals QEMU, by PID,
	# and nothing else; it exits 124 then.
	timeout -k 10 "${timeout}" "$@" </dev/null >"${log}.raw" 2>&1 &
	pid=$!
	tail -n +1 -F --pid="${pid}" "${log}.raw" 2>/dev/null | follow_console "${pid}" "${log}.stalled"
	wait "${pid}" && rc=0 || rc=$?
	tr -d '\r' <"${log}.raw" >"${log}"
	rm -f "${log}.raw"
	[ "${rc}" -eq 124 ] && echo "XLC-HOST-TIMEOUT after ${timeout}s" >>"${log}"
	if [ -f "${log}.stalled" ]; then
		echo "XLC-HOST-STALLED: no output for ${HOST_STALL_SECONDS}s" >>"${log}"
		rm -f "${log}.stalled"
	fi
	rc=$(sed -n 's/.*XLC-HOST-EXIT rc=\([0-9]*\).*/\1/p' "${log}" | tail -1)
	if [ -n "${rc}" ]; then
		status=${rc}
	elif ! grep -q XLC-HOST-READY "${log}"; then
		status=125 # it never came up: nothing of the command ran
	elif grep -qE 'XLC-HOST-(TIMEOUT|STALLED)' "${log}"; then
		status=124
	fi
	return "${status}"
}

# follow_console PID STALLFILE: reads the console on stdin and prints the
# command's lines, without the heartbeats. If the host stops its heartbeat,
# or its boot goes silent (HOST_BOOT_STALL_PERIODS), creates STALLFILE and
# stops QEMU through its timeout(1), PID.
follow_console() {
	local pid=$1 stallfile=$2 line partial='' started=0 alive=0 got booting=1 silent=0
	while :; do
		IFS= read -r -t "${HOST_STALL_SECONDS}" line && got=0 || got=$?
		if [ "${got}" -gt 128 ]; then
			# Silence; keep what came of a line so far.
			partial+=${line}
			silent=$((silent + 1))
			if [ "${alive}" -eq 1 ] ||
				{ [ "${booting}" -eq 1 ] && [ "${silent}" -ge "${HOST_BOOT_STALL_PERIODS}" ]; }; then
				: >"${stallfile}"
				kill "${pid}" 2>/dev/null
				alive=0 booting=0
			fi
			continue
		fi
		silent=0
		[ "${got}" -eq 0 ] || [ -n "${line}" ] || break
		line=${partial}${line//$'\r'/}
		partial=''
		if [[ "${line}" == *XLC-HOST-ALIVE* ]]; then
			alive=1
			line=${line//XLC-HOST-ALIVE/}
			[ -n "${line}" ] || continue
		fi
		case "${line}" in
		*XLC-HOST-READY*) started=1 booting=0 ;;
		*XLC-HOST-EXIT\ rc=*) started=0 ;;
		*) [ "${started}" -eq 1 ] && printf '%s\n' "${line}" ;;
		esac
		[ "${got}" -eq 0 ] || break
	done
}

# Describes which stage failed, from the console log.
explain_failure() {
	local log=$1 status=$2 what=$3
	if grep -q XLC-HOST-STALLED "${log}"; then
		echo "${what}: froze (no heartbeat for ${HOST_STALL_SECONDS}s); console log: ${log}" >&2
	elif [ "${status}" -eq 124 ]; then
		echo "${what}: timed out; console log: ${log}" >&2
	elif ! grep -q XLC-HOST-READY "${log}"; then
		echo "${what}: the host did not come up; console log: ${log}" >&2
		tail -5 "${log}" | sed 's/^/  | /' >&2
	elif [ "${status}" -ne 0 ]; then
		echo "${what}: the command exited ${status}; console log: ${log}" >&2
	fi
}

# make_payload DIR PAYLOAD_SRC... CMD... : a cpio with /payload/run.sh running CMD.
write_run_script() {
	local file=$1
	shift
	{
		echo '#!/bin/sh'
		echo 'cd /payload'
		printf 'exec'
		printf ' %q' "$@"
		echo
	} >"${file}"
	chmod +x "${file}"
}
