#!/usr/bin/env bats
# save and restore on the kvm backend, on this machine's kvm-pvm, with the
# kit guest "count": it keeps a boot id (the TSC at boot), a counter of the
# lines typed at it and 1 MiB of patterned memory, and prints all three for
# each line. A guest that continues where it stopped keeps its boot id and
# counts on; a guest booted again would print KIT-COUNT-READY again.

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"

setup() {
	setup_sandbox
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	cat >"${SANDBOX}/g.cfg" <<-CFG
	name = "g1"
	memory = 64
	kernel = "${KIT}/count.bzImage"
	cmdline = "kit.end=halt"
	CFG
}

teardown() {
	for s in "${XLC_RUN_DIR}"/*.sock; do
		[ -e "${s}" ] && "${XLC}" destroy "$(basename "${s}" .sock)" 2>/dev/null
	done
	pkill -f "${SANDBOX}/" 2>/dev/null
	teardown_sandbox
}

xlc() { "${XLC}" "$@"; }

# Types TEXT and Enter at guest NAME's console, and detaches once its log
# (NAME's, or LOG's: a log keeps the name its guest was started with, as
# xenconsoled's does) shows SEEN.
type_line() { # name text seen [log]
	local fifo="${SANDBOX}/in.$1" log=${4:-$1} feeder
	[ -p "${fifo}" ] || mkfifo "${fifo}"
	(printf '%s\r' "$2"; wait_console "${log}" "$3" >/dev/null; printf '\035'; exec sleep 90) >"${fifo}" 3>&- &
	feeder=$!
	timeout 80 "${XLC}" console "$1" <"${fifo}" >/dev/null
	kill "${feeder}"
	wait_console "${log}" "$3"
}

boot_id() { # name: the boot id its first KIT-COUNT-READY line printed
	grep -o 'KIT-COUNT-READY boot=[0-9a-f]*' "${XLC_LOG_DIR}/console/$1.log" | head -1 | cut -d= -f2
}

# A guest that has counted one line.
start_counting() {
	xlc create -q "${SANDBOX}/g.cfg" "$@"
	wait_console g1 KIT-COUNT-READY
	BOOT=$(boot_id g1)
	[ -n "${BOOT}" ]
	type_line g1 one "boot=${BOOT} n=1 mem=ok line=one"
}

@test "save then restore: the guest continues where it stopped, not booted again" {
	start_counting
	pid=$(xlc list --json | jq '.[0].pid')
	run xlc save g1 "${SANDBOX}/g1.save"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"Saving to ${SANDBOX}/g1.save new xl format (info 0x3/0x0/"* ]]
	# saved and gone: its VMM, its socket, its name
	process_gone "${pid}"
	[ -z "$(xlc list | tail -n +2)" ]
	[ ! -e "${XLC_RUN_DIR}/g1.sock" ]
	[ "$(head -c 27 "${SANDBOX}/g1.save")" = "Xen saved domain, xl format" ]
	[ "$(stat -c %a "${SANDBOX}/g1.save")" = 600 ] # the guest's memory: root's alone
	run xlc restore "${SANDBOX}/g1.save"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"Loading new save file ${SANDBOX}/g1.save"* ]]
	[[ "$(xlc list)" =~ g1\ +[0-9]+\ +64\ +1\ +r ]]
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
	[ "$(grep -c KIT-COUNT-READY "${XLC_LOG_DIR}/console/g1.log")" -eq 1 ]
	[ "$(grep -c KIT-START "${XLC_LOG_DIR}/console/g1.log")" -eq 1 ]
}

@test "restore without the kernel file: the guest's memory holds its kernel; a reboot then needs the file" {
	cp "${KIT}/count.bzImage" "${SANDBOX}/vmlinuz"
	start_counting kernel=\"${SANDBOX}/vmlinuz\" on_reboot=\"restart\"
	run xlc save g1 "${SANDBOX}/g1.save"
	[ "${status}" -eq 0 ]
	mv "${SANDBOX}/vmlinuz" "${SANDBOX}/vmlinuz.away"
	run xlc restore "${SANDBOX}/g1.save"
	echo "${output}"
	[ "${status}" -eq 0 ]
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
	# a reboot builds the machine afresh, from the file: gone, it is said, and the guest ends
	xlc reboot -F g1
	timeout 60 sh -c 'until grep -q "vmlinuz" "$1"; do sleep 0.2; done' - "${XLC_LOG_DIR}/xlc-g1.log" ||
		{ echo "no word of the kernel in g1's log within 60 s"; false; }
	grep -q "xlc-vmm: g1: cannot read ${SANDBOX}/vmlinuz: No such file or directory" "${XLC_LOG_DIR}/xlc-g1.log"
	[ "$(grep -c KIT-COUNT-READY "${XLC_LOG_DIR}/console/g1.log")" -eq 1 ]
	wait_list_gone g1
}

# Waits, at most 60 s, until NAME is no longer listed.
wait_list_gone() {
	timeout 60 sh -c 'until ! "$1" list | grep -q "^$2 "; do sleep 0.2; done' - "${XLC}" "$1" ||
		{ echo "$1 still listed after 60 s"; false; }
}

@test "save -c: the guest runs on, and the file restores a copy of it under another config" {
	start_counting
	run xlc save -c g1 "${SANDBOX}/g1.save"
	[ "${status}" -eq 0 ]
	[[ "$(xlc list)" =~ g1\ +[0-9]+\ +64\ +1\ +r ]]
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
	# The copy, named g2 by its config, starts from the saved count, 1.
	sed 's/^name = .*/name = "g2"/' "${SANDBOX}/g.cfg" >"${SANDBOX}/g2.cfg"
	run xlc restore "${SANDBOX}/g2.cfg" "${SANDBOX}/g1.save"
	[ "${status}" -eq 0 ]
	type_line g2 other "boot=${BOOT} n=2 mem=ok line=other"
	type_line g1 three "boot=${BOOT} n=3 mem=ok line=three"
	[ "$(grep -c KIT-COUNT-READY "${XLC_LOG_DIR}/console/g2.log")" -eq 0 ]
}

@test "save -p leaves the guest paused (with -c too, as xl); restore -p restores it paused" {
	start_counting
	xlc save -c -p g1 "${SANDBOX}/g1.save"
	[[ "$(xlc list)" =~ g1\ +[0-9]+\ +64\ +1\ +--p ]]
	xlc destroy g1
	run xlc restore -p "${SANDBOX}/g1.save"
	[ "${status}" -eq 0 ]
	[[ "$(xlc list)" =~ g1\ +[0-9]+\ +64\ +1\ +--p ]]
	xlc unpause g1
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
}

@test "save of a paused guest: restored, it runs" {
	start_counting
	xlc pause g1
	xlc save g1 "${SANDBOX}/g1.save"
	xlc restore "${SANDBOX}/g1.save"
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
}

@test "save to a file that cannot be written: an error, and the guest runs on" {
	start_counting
	run xlc save g1 "${SANDBOX}/no/such/dir/g1.save"
	[ "${status}" -eq 1 ]
	[ "${output}" = "xlc: Failed to open temp file ${SANDBOX}/no/such/dir/g1.save for writing: No such file or directory" ]
	[[ "$(xlc list)" =~ g1\ +[0-9]+\ +64\ +1\ +r ]]
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
}

# A damaged file: restore says what is wrong and leaves no domain, socket
# or process behind.
restore_fails() { # file message
	run xlc restore "$1"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"$2"* ]]
	[ -z "$(xlc list | tail -n +2)" ]
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
	! pgrep -f "xlc-vmm g1 ${XLC_RUN_DIR}"
}

@test "restore of a truncated, corrupted or foreign save file: a clear error, nothing left" {
	start_counting
	xlc save g1 "${SANDBOX}/g1.save"
	size=$(stat -c %s "${SANDBOX}/g1.save")
	head -c $((size / 2)) "${SANDBOX}/g1.save" >"${SANDBOX}/cut.save"
	restore_fails "${SANDBOX}/cut.save" "truncated"
	# one byte flipped in the middle of the guest's memory
	cp "${SANDBOX}/g1.save" "${SANDBOX}/bad.save"
	printf '\xff' | dd of="${SANDBOX}/bad.save" bs=1 seek=$((size / 2)) conv=notrunc status=none
	cmp -s "${SANDBOX}/g1.save" "${SANDBOX}/bad.save" && printf '\x00' |
		dd of="${SANDBOX}/bad.save" bs=1 seek=$((size / 2)) conv=notrunc status=none
	restore_fails "${SANDBOX}/bad.save" "CRC"
	printf 'not a save file at all, long enough to fill a header........' >"${SANDBOX}/junk.save"
	restore_fails "${SANDBOX}/junk.save" "wrong magic number"
	# the file still restores
	run xlc restore "${SANDBOX}/g1.save"
	[ "${status}" -eq 0 ]
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
}

@test "restore while a guest of that name runs: refused, the running one untouched" {
	start_counting
	xlc save -c g1 "${SANDBOX}/g1.save"
	run xlc restore "${SANDBOX}/g1.save"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"domain 'g1' already exists"* ]]
	[ "$(xlc list | grep -c '^g1 ')" -eq 1 ]
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
}

# migrate to this host, as xl allows: -s "" runs HOST as the receiver's command.
migrate_here() { # receiver-prefix
	run timeout -k 5 120 "${XLC}" migrate -s "" g1 "$1${XLC} migrate-receive"
}

@test "migrate to this host: the guest continues under its name, with its disk; the source is gone" {
	truncate -s 8M "${SANDBOX}/d.img"
	start_counting "disk=['${SANDBOX}/d.img,raw,xvda,rw']"
	pid=$(xlc list --json | jq '.[0].pid')
	migrate_here ""
	echo "${output}"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"migration target: Domain started successsfully."* ]]
	[[ "${output}" == *"Migration successful."* ]]
	[[ "${output}" =~ migration\ sender:\ [0-9.]+\ MiB\ sent\ in\ [0-9.]+\ s\;\ the\ guest\ was\ paused\ for\ [0-9.]+\ s ]]
	process_gone "${pid}"
	[ "$(xlc list | tail -n +2 | awk '{ print $1 }')" = g1 ]
	[ "$(xlc list --json | jq '.[0].pid')" != "${pid}" ]
	# it came in as g1--incoming, and its console log keeps that name
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two" g1--incoming
	# the disk's locks went with it: a second user is refused
	run xlc create -q "${SANDBOX}/g.cfg" name=\"other\" "disk=['${SANDBOX}/d.img,raw,xvda,rw']"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"is in use by guest g1"* ]]
}

@test "migrate to a receiver that cannot start it: the guest runs on at the source, its disk its own" {
	truncate -s 8M "${SANDBOX}/d.img"
	start_counting "disk=['${SANDBOX}/d.img,raw,xvda,rw']"
	migrate_here "XLC_VMM=${SANDBOX}/no-vmm "
	echo "${output}"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"migration target: Domain creation failed"* ]]
	[[ "${output}" == *"Migration failed, resuming at sender."* ]]
	[ "$(xlc list | tail -n +2 | awk '{ print $1 }')" = g1 ]
	[[ "$(xlc list)" =~ g1\ +[0-9]+\ +64\ +1\ +r ]]
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
	run xlc create -q "${SANDBOX}/g.cfg" name=\"other\" "disk=['${SANDBOX}/d.img,raw,xvda,rw']"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"is in use by guest g1"* ]]
}

@test "migrate cut mid-stream: the source runs on, listed, and nothing is left at the target" {
	start_counting
	# The receiver gets the first 200 KB, then its input ends; the sender's next write fails.
	migrate_here "head -c 200000 | "
	echo "${output}"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"truncated"* ]]
	[[ "${output}" == *"Migration failed, resuming at sender."* ]]
	[ "$(xlc list | tail -n +2 | awk '{ print $1 }')" = g1 ]
	[ ! -e "${XLC_RUN_DIR}/g1--incoming.sock" ]
	run pgrep -f "xlc-vmm g1--incoming ${XLC_RUN_DIR}"
	[ "${status}" -eq 1 ]
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
}

@test "migrate --json: one object on stdout with the figures; a failure says why there too" {
	start_counting
	run --separate-stderr timeout -k 5 120 "${XLC}" migrate --json -s "" g1 "${XLC} migrate-receive"
	[ "${status}" -eq 0 ]
	[ "$(jq -r '.domain, .result' <<<"${output}" | tr '\n' ' ')" = "g1 ok " ]
	# 64 MiB of guest, zero pages skipped: more than the 1 MiB it wrote, less than all of it
	jq -e '.bytes_sent > 1048576 and .bytes_sent < 67108864 and .rounds == 1' <<<"${output}"
	jq -e '.transfer_s <= .downtime_s and .downtime_s <= .total_s and .total_s > 0' <<<"${output}"
	[[ "${stderr}" == *"Migration successful."* ]]
	[[ "${stderr}" != *"MiB/s"* ]] # no progress line when stderr is not a terminal
	run --separate-stderr timeout -k 5 120 "${XLC}" migrate --json -s "" g1 "head -c 200000 | ${XLC} migrate-receive"
	[ "${status}" -eq 1 ]
	[ "$(jq -r '.result, .error, .bytes_sent' <<<"${output}" | tr '\n' ' ')" = "failed Migration failed, resuming at sender. null " ]
}

@test "migrate on a terminal: a line of MiB sent so far, redrawn, ended before the summary" {
	start_counting
	# The receiver reads nothing for 2 s: the stream takes longer than a redraw.
	script -qec "timeout -k 5 120 ${XLC} migrate -s '' g1 '{ sleep 2; cat; } | ${XLC} migrate-receive'" \
		/dev/null >"${SANDBOX}/tty"
	tr '\r' '\n' <"${SANDBOX}/tty" >"${SANDBOX}/lines"
	cat "${SANDBOX}/lines"
	grep -Eq '^migration sender: [0-9.]+ MiB sent, [0-9.]+ MiB/s' "${SANDBOX}/lines"
	grep -q 'Migration successful.' "${SANDBOX}/lines"
}

@test "the VMM's save command: without its fd, or with a mode it does not know, refused; the guest runs on" {
	start_counting
	run socat -t 2 - "UNIX-CONNECT:${XLC_RUN_DIR}/g1.sock" <<<"save stop"
	[ "${output}" = "error save needs stop, pause, run or handover, and the stream's fd" ]
	run socat -t 2 - "UNIX-CONNECT:${XLC_RUN_DIR}/g1.sock" <<<"save later"
	[ "${output}" = "error save needs stop, pause, run or handover, and the stream's fd" ]
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
}

# A client of the control socket that passes fds, as xlc does (SCM_RIGHTS):
# the first save's reader never reads, so the guest process waits on a full
# pipe; meanwhile a second save, a blocking pipe and a plain file are offered;
# then the first reader goes away. Prints each answer as "WHO: ANSWER".
stalled_save() {
	python3 - "${XLC_RUN_DIR}/g1.sock" "${SANDBOX}/plain" <<-'PY'
	import os, select, socket, sys
	def ask(line, fd):
	    s = socket.socket(socket.AF_UNIX)
	    s.connect(sys.argv[1])
	    socket.send_fds(s, [line.encode()], [fd])
	    return s
	def answer(s, seconds=30):  # a refusal comes at once
	    s.settimeout(seconds)
	    return s.recv(4096).decode().strip()
	r1, w1 = os.pipe()
	os.set_blocking(w1, False)
	first = ask("save pause\n", w1)
	os.close(w1)
	# the stream has begun: the guest process is writing, the pipe fills
	print("started:", bool(select.select([r1], [], [], 60)[0]))
	r2, w2 = os.pipe()
	os.set_blocking(w2, False)
	print("second:", answer(ask("save pause\n", w2)))
	r3, w3 = os.pipe()
	print("blocking:", answer(ask("save pause\n", w3)))
	plain = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT, 0o600)
	print("file:", answer(ask("save pause\n", plain)))
	os.close(r1)
	print("first:", answer(first, 120))
	PY
}

@test "the VMM's save command: one at a time, only to a non-blocking pipe or socket; a reader that goes: the guest runs on" {
	start_counting
	run stalled_save
	echo "${output}"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"started: True"* ]]
	[[ "${output}" == *"second: error a save of this guest is under way; try again when it is done"* ]]
	[[ "${output}" == *"blocking: error the stream's fd must be a non-blocking pipe or socket"* ]]
	[[ "${output}" == *"file: error the stream's fd must be a non-blocking pipe or socket"* ]]
	[[ "${output}" == *"first: error the save failed, and the guest runs on as before: cannot write the stream: Broken pipe"* ]]
	[[ "$(xlc list)" =~ g1\ +[0-9]+\ +64\ +1\ +r ]]
	type_line g1 two "boot=${BOOT} n=2 mem=ok line=two"
	# nothing held: the next save goes through
	run xlc save -c g1 "${SANDBOX}/g1.save"
	[ "${status}" -eq 0 ]
	type_line g1 three "boot=${BOOT} n=3 mem=ok line=three"
}
