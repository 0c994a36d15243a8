#!/usr/bin/env bats
# Batch provisioning on this machine's kvm-pvm: 20 kit guests from 20 config
# files in one `xlc create`, with the checks made before anything starts
# (invalid files, name collisions, memory), --all-or-nothing, --json,
# --auto, and destroy -a / shutdown -a -w to end them all.

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"

setup() {
	setup_sandbox
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	mkdir -p "${SANDBOX}/fleet"
	for i in $(seq -w 1 20); do
		cat >"${SANDBOX}/fleet/kit${i}.cfg" <<-CFG
		name = "kit${i}"
		memory = 32
		kernel = "${KIT}/hello.bzImage"
		cmdline = "kit.end=halt"
		CFG
	done
}

teardown() {
	"${XLC}" destroy -a -f >/dev/null 2>&1
	pkill -f "${SANDBOX}/" 2>/dev/null # a VMM the run dir lost track of
	teardown_sandbox
}

xlc() { "${XLC}" "$@"; }

@test "batch: 20 guests from a directory of 20 configs, all running, and a summary" {
	run --separate-stderr xlc create --parallel 4 "${SANDBOX}/fleet"
	[ "${status}" -eq 0 ]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 20 ]
	[[ "${lines[0]}" =~ ^Name\ +ID\ +Result\ +Time\(s\)\ +Error$ ]]
	[ "$(grep -c ' running ' <<<"${output}")" -eq 20 ]
	[ "${lines[-1]}" = "20 of 20 running, 0 failed, 0 invalid, 0 destroyed, 0 not started" ]
	# Not a terminal: one plain line per event.
	[ "$(grep -c ': starting$' <<<"${stderr}")" -eq 20 ]
	[ "$(grep -cE ': running \(id [0-9]+, [0-9.]+ s\)$' <<<"${stderr}")" -eq 20 ]
	# Every id is unique.
	[ "$(xlc list | tail -n +2 | awk '{print $2}' | sort -u | wc -l)" -eq 20 ]
}

@test "batch: on a 60x12 terminal the progress fits: no scrollback, no wrapped line, totals" {
	# Two configs fail with long errors (a missing kernel), the rest start.
	for i in 19 20; do
		sed -i "s|^kernel = .*|kernel = \"${SANDBOX}/a/kernel/path/long/enough/to/wrap/a/sixty/column/line/missing.bzImage\"|" \
			"${SANDBOX}/fleet/kit${i}.cfg"
	done
	session="xlc-batch-$$-${BATS_TEST_NUMBER}"
	tmux new-session -d -s "${session}" -x 60 -y 12 \
		"XLC_RUN_DIR='${XLC_RUN_DIR}' XLC_LOG_DIR='${XLC_LOG_DIR}' XLC_SYSCONFDIR='${XLC_SYSCONFDIR}' XLC_VMM_UID_BASE='${XLC_VMM_UID_BASE}' '${XLC}' create --parallel 4 '${SANDBOX}/fleet' >'${SANDBOX}/table'; printf BATCH-ENDED; sleep 60"
	for i in $(seq 1200); do
		tmux capture-pane -p -t "${session}" | grep -q BATCH-ENDED && break
		sleep 0.1
	done
	run tmux capture-pane -p -t "${session}"
	tmux capture-pane -p -S - -t "${session}" >"${SANDBOX}/all"
	history=$(tmux display -p -t "${session}" '#{history_size}')
	tmux kill-session -t "${session}"
	echo "${output}"
	# (printf: a newline after the marker would scroll the screen itself)
	[[ "${output}" == *BATCH-ENDED* ]]
	# Failures first when not all fit; every line clipped to the width.
	[[ "${output}" == *"[##############################] 20/20 done, 18 running,"* ]]
	[[ "${output}" == *"kit19                    failed    cannot read /tmp"* ]]
	[[ "${output}" == *"kit20                    failed    cannot read /tmp"* ]]
	[ "$(awk 'length > 59' <<<"${output}" | wc -l)" -eq 0 ]
	# Nothing left the screen: the whole history is what is on it.
	[ "${history}" -eq 0 ]
	# The table on stdout (a file here) ends with the totals.
	[ "$(tail -1 "${SANDBOX}/table")" = "18 of 20 running, 2 failed, 0 invalid, 0 destroyed, 0 not started" ]
}

@test "batch: a second identical batch is refused up front for its name collisions" {
	xlc create "${SANDBOX}/fleet" >/dev/null 2>&1
	run --separate-stderr xlc create "${SANDBOX}/fleet"
	[ "${status}" -eq 1 ]
	[ "$(grep -c ' invalid ' <<<"${output}")" -eq 20 ]
	[[ "${output}" == *"kit07"*"${SANDBOX}/fleet/kit07.cfg: a domain named kit07 is already running (id "* ]]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 20 ]
	# Inside one batch too.
	cp "${SANDBOX}/fleet/kit01.cfg" "${SANDBOX}/twin.cfg"
	xlc destroy kit01
	run --separate-stderr xlc create "${SANDBOX}/fleet/kit01.cfg" "${SANDBOX}/twin.cfg"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"${SANDBOX}/twin.cfg: name kit01 is also used by ${SANDBOX}/fleet/kit01.cfg"* ]]
}

@test "batch: usage errors exit 2 and start nothing" {
	run --separate-stderr xlc create --parallel 0 "${SANDBOX}/fleet"
	[ "${status}" -eq 2 ]
	[[ "${stderr}" == "xlc: --parallel 0: a number from 1 to 1024"* ]]
	run --separate-stderr xlc create -n "${SANDBOX}/fleet"
	[ "${status}" -eq 2 ]
	[[ "${stderr}" == "xlc: -n, -c and -F take one config file, not a batch"* ]]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 0 ]
}

@test "batch: one bad config fails the command, names its file, and the others start" {
	printf 'name = "bad"\nmemory = "lots"\n' >"${SANDBOX}/fleet/kit99.cfg"
	run --separate-stderr xlc create "${SANDBOX}/fleet"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"kit99.cfg "*" invalid "*"${SANDBOX}/fleet/kit99.cfg:2: memory = \"lots\""* ]]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 20 ]
}

@test "batch: --all-or-nothing starts none when a config is bad, and undoes a failed create" {
	printf 'name = "bad"\nmemory = "lots"\n' >"${SANDBOX}/fleet/kit99.cfg"
	run --separate-stderr xlc create --all-or-nothing "${SANDBOX}/fleet"
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == *"kit99.cfg:2: memory = \"lots\""* ]]
	[[ "${stderr}" == *"1 of 21 configs are invalid; nothing was started (--all-or-nothing)"* ]]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 0 ]
	# Valid, but its kernel is missing: the create fails after others ran.
	printf 'name = "nokernel"\nkernel = "/nonexistent"\nmemory = 32\n' >"${SANDBOX}/fleet/kit99.cfg"
	run --separate-stderr xlc create --all-or-nothing "${SANDBOX}/fleet"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"nokernel"*"failed"*"/nonexistent"* ]]
	[ "$(grep -c ' destroyed ' <<<"${output}")" -eq 20 ]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 0 ]
}

@test "batch: more memory than the host has free is refused unless --force" {
	free_mib=$(awk '/MemAvailable/ {print int($2 / 1024)}' /proc/meminfo)
	for i in 1 2 3; do
		printf 'name = "big%s"\nmemory = %s\nkernel = "%s"\n' "$i" "$((free_mib / 2))" \
			"${KIT}/hello.bzImage" >"${SANDBOX}/big$i.cfg"
	done
	# One without memory= counts as the backend's default (kvm's 128 MiB).
	printf 'name = "big4"\nkernel = "%s"\n' "${KIT}/hello.bzImage" >"${SANDBOX}/big4.cfg"
	run --separate-stderr xlc create "${SANDBOX}"/big*.cfg
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == *"the batch asks for $((3 * (free_mib / 2) + 128)) MiB of memory and the host has "*" MiB free; nothing was started (--force starts it anyway)"* ]]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 0 ]
}

@test "batch: --json summary; --auto starts /etc/xlc/auto; destroy -a needs -f off a terminal" {
	run --separate-stderr xlc create --json "${SANDBOX}/fleet/kit01.cfg" "${SANDBOX}/fleet/kit02.cfg"
	[ "${status}" -eq 0 ]
	[ "$(jq length <<<"${output}")" -eq 2 ]
	[ "$(jq -r '.[0].result' <<<"${output}")" = running ]
	jq -e '.[1].domid > 0 and .[1].seconds > 0 and .[1].error == null' <<<"${output}"
	mkdir -p "${XLC_SYSCONFDIR}/xlc/auto"
	cp "${SANDBOX}"/fleet/kit0[3-5].cfg "${XLC_SYSCONFDIR}/xlc/auto/"
	run --separate-stderr xlc create --auto
	[ "${status}" -eq 0 ]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 5 ]
	run --separate-stderr xlc destroy -a </dev/null
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == *"destroy -a ends every domain: add -f to confirm when not on a terminal"* ]]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 5 ]
	run xlc destroy -a -f
	[ "${status}" -eq 0 ]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 0 ]
}

@test "batch: shutdown -a -w presses every guest's power button and waits until all are gone" {
	for i in 1 2 3; do
		printf 'name = "p%s"\nmemory = 32\nkernel = "%s"\ncmdline = "kit.end=poweroff"\n' \
			"$i" "${KIT}/button.bzImage" >"${SANDBOX}/p$i.cfg"
	done
	xlc create "${SANDBOX}"/p?.cfg >/dev/null 2>&1
	for i in 1 2 3; do
		until grep -q KIT-BUTTON-WAITING "${XLC_LOG_DIR}/console/p$i.log" 2>/dev/null; do sleep 0.1; done
	done
	run --separate-stderr timeout 20 "${XLC}" shutdown -a -w
	[ "${status}" -eq 0 ]
	[[ "${stderr}" == *"Waiting for 3 domains"* ]]
	[ "$(grep -c 'has been shut down' <<<"${stderr}")" -eq 3 ]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 0 ]
	[ "$(cat "${XLC_LOG_DIR}"/console/p?.log | grep -c KIT-POWER-BUTTON)" -eq 3 ]
}

@test "batch on a terminal: a line per guest redrawn in place, and a progress bar" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	session="xlc-batch-$$"
	tmux new-session -d -s "${session}" -x 120 -y 40 \
		"env XLC_RUN_DIR='${XLC_RUN_DIR}' XLC_LOG_DIR='${XLC_LOG_DIR}' '${XLC}' create '${SANDBOX}/fleet' >/dev/null; sleep 30"
	for i in $(seq 50); do
		tmux capture-pane -p -t "${session}" | grep -q '20/20 done' && break
		sleep 0.1
	done
	run tmux capture-pane -p -t "${session}"
	tmux kill-session -t "${session}"
	echo "${output}"
	[[ "${output}" == *"[##############################] 20/20 done, 20 running, 0 failed"* ]]
	[ "$(grep -cE '^  kit[0-9]+ +running +[0-9.]+ s$' <<<"${output}")" -eq 20 ]
	# Redrawn in place: each guest appears once.
	[ "$(grep -c '  kit07 ' <<<"${output}")" -eq 1 ]
}
