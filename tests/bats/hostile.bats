#!/usr/bin/env bats
# Hostile guests (tests/guests/kit/hostile.c) against the VMM, on this
# machine's /dev/kvm: each attacks for as long as it runs. While it does,
# another guest's list, create and shutdown finish in under 2 s, the hostile
# VMM stays within its guest's RAM + 32 MiB and its logs within their caps,
# and destroy ends it in under 2 s with nothing left.

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"
CAP_KIB=64

setup() {
	setup_sandbox
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	cat >"${SANDBOX}/etc/xlc/xlc.conf" <<-CONF
	log_max_size = ${CAP_KIB}
	console_log_max_size = ${CAP_KIB}
	CONF
	truncate -s 1M "${SANDBOX}/h.img"
	cat >"${SANDBOX}/h.cfg" <<-CFG
	name = "h"
	memory = 64
	kernel = "${KIT}/hostile.bzImage"
	disk = [ "${SANDBOX}/h.img,raw,xvda,w" ]
	CFG
	cat >"${SANDBOX}/g.cfg" <<-CFG
	name = "g1"
	memory = 64
	kernel = "${KIT}/hello.bzImage"
	cmdline = "kit.end=halt"
	CFG
}

teardown() {
	teardown_guests
	pkill -f "${SANDBOX}/" 2>/dev/null || true
}

xlc() { "${XLC}" "$@"; }

# Waits (up to 30 s) until CMD... succeeds.
wait_for() {
	local i
	for i in $(seq 1 300); do
		"$@" && return 0
		sleep 0.1
	done
	echo "gave up waiting for: $*"
	return 1
}

counter() { xlc list --json | jq ".[] | select(.name == \"h\") | .devices[$1].$2"; }
above() { [ "$(counter "$1" "$2")" -gt "$3" ]; }

# The hostile VMM's resident memory, supervisor and guest process together, in KiB.
vmm_rss() {
	local j pids
	j=$(xlc list --json)
	pids="$(jq -r '.[] | select(.name == "h") | .pid, .vmm_pid' <<<"${j}")"
	for p in ${pids}; do awk '/^VmRSS:/ { print $2 }' "/proc/${p}/status"; done |
		awk '{ s += $1 } END { print s }'
}

# What every attack must leave true.
check_bounded() {
	local f size rss
	# Another guest's commands do not wait for the hostile one.
	timeout 2 "${XLC}" list >/dev/null
	timeout 2 "${XLC}" list --json >/dev/null
	timeout 2 "${XLC}" create -q "${SANDBOX}/g.cfg" name=\"g2\"
	timeout 2 "${XLC}" shutdown g2
	timeout 2 "${XLC}" pause g1
	timeout 2 "${XLC}" unpause g1
	rss=$(vmm_rss)
	echo "hostile VMM RSS ${rss} KiB"
	[ "${rss}" -lt $(((64 + 32) * 1024)) ]
	for f in "${XLC_LOG_DIR}"/xlc-h.log* "${XLC_LOG_DIR}"/console/h.log*; do
		size=$(stat -c %s "${f}")
		echo "${f}: ${size} bytes"
		[ "${size}" -le $((CAP_KIB * 1024)) ]
	done
	pid=$(xlc list --json | jq -r '.[] | select(.name == "h") | .pid')
	vmm=$(xlc list --json | jq -r '.[] | select(.name == "h") | .vmm_pid')
	start=$(date +%s%N)
	timeout 2 "${XLC}" destroy h
	echo "destroy took $((($(date +%s%N) - start) / 1000000)) ms"
	[ ! -e "${XLC_RUN_DIR}/h.sock" ]
	wait_for process_gone "${vmm}"
	# The image's lock went with it: another guest may take the disk.
	xlc create -q "${SANDBOX}/h.cfg" name=\"h2\" kernel=\"${KIT}/hello.bzImage\" \
		'cmdline="kit.end=halt"'
}

@test "hostile: re-posting a head in flight breaks the ring, not the VMM" {
	xlc create -q "${SANDBOX}/g.cfg"
	xlc create -q "${SANDBOX}/h.cfg" 'cmdline="kit.attack=repost"'
	wait_console h "KIT-HOSTILE attack=repost"
	wait_for grep -q "the guest broke its device (a malformed descriptor chain, or a request already in flight)" \
		"${XLC_LOG_DIR}/xlc-h.log"
	wait_for above 0 flush_req 100 # it keeps resetting and re-posting
	# At most 5 such lines a minute, however often the guest does it.
	[ "$(grep -c "broke its device" "${XLC_LOG_DIR}/xlc-h.log")" -le 6 ]
	check_bounded
}

@test "hostile: a reset / bad QueueNum / QueueReady loop, and a log that stays small" {
	xlc create -q "${SANDBOX}/g.cfg"
	xlc create -q "${SANDBOX}/h.cfg" 'cmdline="kit.attack=resetloop"'
	wait_console h "KIT-HOSTILE attack=resetloop"
	wait_for grep -q "a queue's size or ring addresses are invalid" "${XLC_LOG_DIR}/xlc-h.log"
	sleep 2 # thousands of loops
	[ "$(grep -c "broke its device" "${XLC_LOG_DIR}/xlc-h.log")" -le 6 ]
	check_bounded
}

@test "hostile: a console flood is capped and rotated, and costs no memory" {
	xlc create -q "${SANDBOX}/g.cfg"
	xlc create -q "${SANDBOX}/h.cfg" 'cmdline="kit.attack=console"'
	wait_for test -e "${XLC_LOG_DIR}/console/h.log.1" # rotated at the cap
	grep -q "KIT-FLOOD the quick brown fox" "${XLC_LOG_DIR}/console/h.log.1"
	check_bounded
}

@test "hostile: the queue taken away under the disk workers, again and again" {
	xlc create -q "${SANDBOX}/g.cfg"
	xlc create -q "${SANDBOX}/h.cfg" 'cmdline="kit.attack=race"'
	wait_console h "KIT-HOSTILE race round=8192"
	# The VMM is alive and the disk still served requests throughout.
	[ "$(xlc list --json | jq -r '.[] | select(.name == "h") | .state')" = running ]
	check_bounded
}

@test "hostile: endless entropy requests do not hold the VMM" {
	xlc create -q "${SANDBOX}/g.cfg"
	xlc create -q "${SANDBOX}/h.cfg" 'cmdline="kit.attack=rngflood"'
	wait_console h "KIT-HOSTILE attack=rngflood"
	wait_for above 1 requests 10000
	check_bounded
}

@test "hostile: a disk kept full of requests does not hold the VMM or grow it" {
	xlc create -q "${SANDBOX}/g.cfg"
	xlc create -q "${SANDBOX}/h.cfg" 'cmdline="kit.attack=blkflood"'
	wait_console h "KIT-HOSTILE attack=blkflood"
	wait_for above 0 rd_req 10000
	check_bounded
}
