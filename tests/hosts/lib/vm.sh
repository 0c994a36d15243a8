# shellcheck shell=bash
# Running a test-host VM: pack the payload, boot QEMU under a timeout that
# kills only its own PID, keep the whole console log, print the command's
# output, and return the status the guest reported. Sourced, not run.

# run_host_vm LOG TIMEOUT STARTMARK qemu-args... ; prints the lines between
# XLC-HOST-READY and XLC-HOST-EXIT, returns the reported rc (or 124 on a
# timeout, 125 when the host never reported).
run_host_vm() {
	local log=$1 timeout=$2
	shift 2
	local pid rc line started=0 status=125
	: >"${log}"
	# timeout(1) is the only child: at the deadline it signals QEMU, by PID,
	# and nothing else; it exits 124 then.
	timeout -k 10 "${timeout}" "$@" </dev/null >"${log}.raw" 2>&1 &
	pid=$!
	# Follow the console as it grows, until QEMU exits.
	tail -n +1 -F --pid="${pid}" "${log}.raw" 2>/dev/null | tr -d '\r' | while IFS= read -r line; do
		case "${line}" in
		*XLC-HOST-READY*) started=1 ;;
		*XLC-HOST-EXIT\ rc=*) started=0 ;;
		*) [ "${started}" -eq 1 ] && printf '%s\n' "${line}" ;;
		esac
	done
	wait "${pid}" && rc=0 || rc=$?
	tr -d '\r' <"${log}.raw" >"${log}"
	rm -f "${log}.raw"
	[ "${rc}" -eq 124 ] && echo "XLC-HOST-TIMEOUT after ${timeout}s" >>"${log}"
	rc=$(sed -n 's/.*XLC-HOST-EXIT rc=\([0-9]*\).*/\1/p' "${log}" | tail -1)
	if [ -n "${rc}" ]; then
		status=${rc}
	elif grep -q XLC-HOST-TIMEOUT "${log}"; then
		status=124
	fi
	return "${status}"
}

# Describes which stage failed, from the console log.
explain_failure() {
	local log=$1 status=$2 what=$3
	if [ "${status}" -eq 124 ]; then
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
