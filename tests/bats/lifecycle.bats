#!/usr/bin/env bats
# The kvm backend's process model on this machine's kvm-pvm, with kit
# guests: one detached VMM process per guest, its control socket in the run
# directory, and the xl commands that talk to it.

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
	# End only what these tests started: the VMMs listening in our run dir.
	for s in "${XLC_RUN_DIR}"/*.sock; do
		[ -e "${s}" ] && "${XLC}" destroy "$(basename "${s}" .sock)" 2>/dev/null
	done
	pkill -f "${SANDBOX}/" 2>/dev/null # a VMM the run dir lost track of
	teardown_sandbox
}

xlc() { "${XLC}" "$@"; }


@test "create: a detached VMM named xlc-<name> runs the guest; list shows it as xl does" {
	run xlc create -q "${SANDBOX}/g.cfg" vcpus=2
	[ "${status}" -eq 0 ]
	[ -z "${output}" ]
	wait_console g1 KIT-EXIT # halted from here on: every vCPU blocked
	run xlc list
	[ "${lines[0]}" = "$(printf 'Name                                        ID   Mem VCPUs\tState\tTime(s)')" ]
	[[ "${lines[1]}" =~ ^g1\ {39}\ {4}1\ {4}64\ {5}2\ {5}-b----\ +[0-9]+\.[0-9]$ ]]
	pid=$(xlc list --json | jq '.[0].pid')
	[ "$(cat /proc/${pid}/comm)" = xlc-g1 ]
	[ "$(stat -c %a "${XLC_RUN_DIR}")" = 700 ]
	[ "$(stat -c %a "${XLC_RUN_DIR}/g1.sock")" = 600 ]
	wait_console g1 KIT-HELLO
}

@test "create: without memory=, a guest gets 128 MiB (Firecracker's default)" {
	grep -v '^memory' "${SANDBOX}/g.cfg" >"${SANDBOX}/nomem.cfg"
	xlc create -q "${SANDBOX}/nomem.cfg"
	[[ "$(xlc list)" =~ g1\ +1\ +128\ +1\  ]]
	wait_console g1 "KIT-E820 100000-7ffffff type=1" # up to 128 MiB
}

# xendomains' reading of `xl list -l`: line by line, a domain's id from its
# `"domid": N,` line and its name from the `"name": "X",` line of the
# indented config, each alone on its line.
xendomains_names() {
	local line name="" id=""
	while IFS= read -r line; do
		case "${line}" in
		*'"domid": '*,) id=${line##*: } id=${id%,} ;;
		*'"name": "'*'",') name=${line#*: \"} name=${name%\",} ;;
		esac
		if [ -n "${name}" ] && [ -n "${id}" ]; then
			echo "${id} ${name}"
			name="" id=""
		fi
	done
}

@test "list -l and --json: the config as libxl JSON, and the runtime state" {
	xlc create -q "${SANDBOX}/g.cfg"
	xlc create -q "${SANDBOX}/g.cfg" name=\"g2\"
	run xlc list -l
	# Printed as xl's yajl prints it: indented 4 by 4, a blank line at the end.
	[ "${lines[0]}" = "[" ]
	[ "${lines[1]}" = "    {" ]
	[ "${lines[2]}" = '        "domid": 1,' ]
	[ "${lines[3]}" = '        "config": {' ]
	[ "$(xlc list -l | tail -c 3 | od -An -c | tr -d ' ')" = ']\n\n' ]
	[ "$(xlc list -l | xendomains_names | tr '\n' ' ')" = "1 g1 2 g2 " ]
	xlc destroy g2
	[ "$(jq -r '.[0].config.c_info.name' <<<"${output}")" = g1 ]
	[ "$(jq '.[0].domid' <<<"${output}")" -eq 1 ]
	[ "$(jq '.[0].config.b_info.target_memkb' <<<"${output}")" -eq 65536 ]
	run xlc list --json
	[ "$(jq -r '.[0].state' <<<"${output}")" = running ]
	# The same vCPU arrays, of the same types, as the xen backend writes.
	[ "$(jq -c '.[0] | [.vcpu_time_ns[0], .vcpu_host_cpu[0], .vcpu_running[0], .vcpu_affinity[0]] | map(type)' <<<"${output}")" = \
		'["number","number","boolean","string"]' ]
	pid=$(jq '.[0].pid' <<<"${output}")
	[ "$(cat /proc/${pid}/comm)" = xlc-g1 ]
}

@test "create: a duplicate name is refused and the first guest is untouched" {
	xlc create -q "${SANDBOX}/g.cfg"
	run xlc create -q "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"domain 'g1' already exists"* ]]
	[ "$(xlc list | grep -c '^g1 ')" -eq 1 ]
}

@test "create: of concurrent creates of one name exactly one wins; ids are unique" {
	for i in 1 2 3 4 5; do
		xlc create -q "${SANDBOX}/g.cfg" name=\"same\" &
	done
	for i in 1 2 3 4 5; do
		xlc create -q "${SANDBOX}/g.cfg" name=\"n${i}\" &
	done
	wait
	[ "$(xlc list | grep -c '^same ')" -eq 1 ]
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 6 ]
	[ "$(xlc list | tail -n +2 | awk '{print $2}' | sort -u | wc -l)" -eq 6 ]
}

@test "create: a bad kernel fails in create, and leaves no process or file behind" {
	run xlc create -q "${SANDBOX}/g.cfg" kernel=\"${SANDBOX}/missing\"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"g1: cannot read ${SANDBOX}/missing"* ]]
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
}

# `xlc console ARGS...` with TYPED typed at it; once g1's console log shows
# SEEN (at once if empty), ESC, which detaches it. Waiting for the echo, not
# for a clock, keeps a slow guest's answer in the output. Sets $status, $output.
console_typed() { # typed seen esc args...
	local typed=$1 seen=$2 esc=$3 feeder
	shift 3
	[ -p "${SANDBOX}/in" ] || mkfifo "${SANDBOX}/in"
	# The feeder outlives the client: only the escape can end it early.
	(printf "${typed}"; [ -z "${seen}" ] || wait_console g1 "${seen}" >/dev/null
	 printf "${esc}"; exec sleep 90) >"${SANDBOX}/in" 3>&- &
	feeder=$!
	run timeout 80 "${XLC}" console "$@" <"${SANDBOX}/in"
	kill "${feeder}"
}

@test "console: output reaches the client, input reaches the guest, ^] detaches" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/echo.bzImage\"
	wait_console g1 KIT-ECHO-READY
	console_typed 'hello xlc\r' "KIT-ECHO:hello xlc" '\035' g1
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-ECHO:hello xlc"* ]]
	console_typed 'again\r' "KIT-ECHO:again" x -e x g1
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-ECHO:again"* ]]
}

@test "console: what the guest printed before a client attached comes first, once" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/echo.bzImage\"
	wait_console g1 KIT-ECHO-READY
	# No client yet: the first one gets the boot's output, as xl's does from xenconsoled.
	console_typed '' '' '\035' g1
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-ECHO-READY"* ]]
	# Seen once: the next client starts from what is new.
	console_typed 'later\r' "KIT-ECHO:later" '\035' g1
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"KIT-ECHO:later"* ]]
	[[ "${output}" != *"KIT-ECHO-READY"* ]]
}

@test "create -F on a terminal: typed input reaches the guest, ^] ends the console, -F waits for the guest" {
	session="xlc-F-$$-${BATS_TEST_NUMBER}"
	tmux new-session -d -s "${session}" -x 120 -y 30 \
		"XLC_RUN_DIR='${XLC_RUN_DIR}' XLC_LOG_DIR='${XLC_LOG_DIR}' XLC_SYSCONFDIR='${XLC_SYSCONFDIR}' XLC_VMM_UID_BASE='${XLC_VMM_UID_BASE}' '${XLC}' create -Fq '${SANDBOX}/g.cfg' kernel=\\\"${KIT}/echo.bzImage\\\"; echo CREATE-F-ENDED \$?; sleep 60"
	screen() { tmux capture-pane -p -t "${session}"; }
	until_screen() {
		local i
		for i in $(seq 300); do
			screen | grep -q "$1" && return 0
			sleep 0.1
		done
		echo "not on the screen after 30 s: $1"
		screen
		return 1
	}
	until_screen KIT-ECHO-READY
	tmux send-keys -t "${session}" 'typed on the tty' Enter
	until_screen "KIT-ECHO:typed on the tty"
	tmux send-keys -t "${session}" C-]
	until_screen "console detached; g1 runs on"
	# Still in the foreground: the guest runs, the create has not returned.
	[ "$(xlc list | awk 'NR == 2 { print $1 }')" = g1 ]
	run screen
	[[ "${output}" != *CREATE-F-ENDED* ]]
	xlc destroy g1
	until_screen "CREATE-F-ENDED"
	tmux kill-session -t "${session}"
}

@test "console log: every line timestamped by default; console_timestamps = 0 keeps the bytes alone" {
	xlc create -q "${SANDBOX}/g.cfg"
	wait_console g1 KIT-EXIT
	grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} .*KIT-HELLO' \
		"${XLC_LOG_DIR}/console/g1.log"
	[ "$(grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]{12} ' "${XLC_LOG_DIR}/console/g1.log")" -eq 0 ]
	xlc destroy g1
	echo 'console_timestamps = 0' >"${XLC_SYSCONFDIR}/xlc/xlc.conf"
	xlc create -q "${SANDBOX}/g.cfg" name=\"g2\"
	wait_console g2 KIT-EXIT
	grep -q '^KIT-HELLO' "${XLC_LOG_DIR}/console/g2.log"
}

# The host CPUs the thread named $2 of guest $1's VMM may run on.
thread_cpus() {
	local t pid
	pid=$(xlc list --json | jq ".[] | select(.name == \"$1\") | .vmm_pid")
	for t in /proc/"${pid}"/task/*; do
		[ "$(cat "${t}/comm")" = "$2" ] && sed -n 's/^Cpus_allowed_list:\t//p' "${t}/status"
	done
	return 0
}

@test "vcpu-pin: the vCPU thread's affinity follows; vcpu-list shows it; xl's errors" {
	[ "$(nproc)" -ge 2 ] || skip "needs two host CPUs"
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/spin.bzImage\" vcpus=2
	for i in $(seq 100); do [ -n "$(thread_cpus g1 vcpu1)" ] && break; sleep 0.1; done
	[ "$(thread_cpus g1 vcpu1)" = "0-$(($(nproc) - 1))" ]
	run --separate-stderr xlc vcpu-pin g1 1 1
	[ "${status}" -eq 0 ]
	[ "$(thread_cpus g1 vcpu1)" = 1 ]
	[ "$(thread_cpus g1 vcpu0)" = "0-$(($(nproc) - 1))" ]
	[[ "$(xlc vcpu-list g1 | sed -n 3p)" =~ ^g1\ +1\ +1\ +[0-9]+\ +(r--|-b-)\ +[0-9.]+\ +1\ /\ all$ ]]
	# A reboot keeps the pin: the new boot's thread has it too.
	old_pid=$(xlc list --json | jq '.[0].vmm_pid')
	xlc reboot -F g1 2>/dev/null
	for i in $(seq 100); do
		if [ "$(xlc list --json | jq '.[0].vmm_pid')" != "${old_pid}" ] &&
			test -n "$(thread_cpus g1 vcpu1)"; then
			break
		fi
		sleep 0.1
	done
	[ "$(thread_cpus g1 vcpu1)" = 1 ]
	xlc vcpu-pin g1 all 0 -
	[ "$(thread_cpus g1 vcpu0)" = 0 ]
	[ "$(thread_cpus g1 vcpu1)" = 0 ]
	xlc vcpu-pin g1 all all
	[ "$(thread_cpus g1 vcpu1)" = "0-$(($(nproc) - 1))" ]
	[[ "$(xlc vcpu-list g1 | sed -n 3p)" == *" all / all" ]]
	# A long list reaches the VMM whole (201 characters: "0,0,...,0,1").
	xlc vcpu-pin g1 1 "$(printf '0,%.0s' $(seq 100))1"
	[ "$(thread_cpus g1 vcpu1)" = "0-1" ]
	xlc vcpu-pin g1 all all
	run --separate-stderr xlc vcpu-pin g1 5 0
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "$(printf 'xlc: vCPU 5 does not exist: the domain has 2\nCould not set affinity for vcpu `5'"'"'.')" ]
	run --separate-stderr xlc vcpu-pin g1 x 0
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "Error: Invalid argument x as VCPU." ]
	run --separate-stderr xlc vcpu-pin -f g1 all 0
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "Error: --force and 'all' as VCPU not allowed." ]
	run --separate-stderr xlc vcpu-pin g1 0 0 1
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == "xlc: soft affinity is Xen's scheduler's; on kvm give '-' for it"* ]]
	run xlc vcpu-pin g1 0
	[ "${status}" -eq 2 ]
}

@test "pause stops the guest's CPU time; unpause resumes it" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/spin.bzImage\"
	sleep 1
	xlc pause g1
	[ "$(xlc list g1 | awk 'NR==2 {print $5}')" = "--p---" ]
	a=$(xlc list g1 | awk 'NR==2 {print $6}')
	sleep 1.5
	b=$(xlc list g1 | awk 'NR==2 {print $6}')
	[ "${a}" = "${b}" ]
	xlc unpause g1
	sleep 1.5
	c=$(xlc list g1 | awk 'NR==2 {print $6}')
	awk -v b="${b}" -v c="${c}" 'BEGIN { exit !(c > b + 0.5) }'
}

@test "create -p starts paused; the guest runs after unpause" {
	xlc create -p -q "${SANDBOX}/g.cfg"
	[ "$(xlc list g1 | awk 'NR==2 {print $5}')" = "--p---" ]
	sleep 0.5
	run grep -q KIT-HELLO "${XLC_LOG_DIR}/console/g1.log"
	[ "${status}" -ne 0 ] # nothing ran yet
	xlc unpause g1
	wait_console g1 KIT-HELLO
}

@test "destroy ends a spinning guest at once, and nothing is left" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/spin.bzImage\"
	wait_console g1 KIT-SPIN
	[[ "$(xlc list)" =~ g1\ +1\ +64\ +1\ +r-----\  ]] # a vCPU that never halts is running
	pid=$(xlc list --json | jq '.[0].pid')
	run xlc destroy g1
	[ "${status}" -eq 0 ]
	process_gone "${pid}"
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
	run xlc list
	[ "${#lines[@]}" -eq 1 ]
}

@test "a VMM killed with SIGKILL leaves a ghost that list removes; the name is free again" {
	xlc create -q "${SANDBOX}/g.cfg"
	kill -KILL "$(xlc list --json | jq '.[0].pid')"
	sleep 0.2
	run xlc list
	[ "${#lines[@]}" -eq 1 ]
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
	run xlc create -q "${SANDBOX}/g.cfg"
	[ "${status}" -eq 0 ]
}

@test "on_poweroff: destroy removes the guest; preserve keeps it as shut down" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/poweroff.bzImage\"
	sleep 1
	run xlc list
	[ "${#lines[@]}" -eq 1 ]
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/poweroff.bzImage\" on_poweroff=\"preserve\"
	sleep 1
	[ "$(xlc list g1 | awk 'NR==2 {print $5}')" = "---s--" ]
	xlc destroy g1
	run xlc list
	[ "${#lines[@]}" -eq 1 ]
}

@test "on_reboot=restart boots the guest again; on_crash after a triple fault" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/reboot.bzImage\" on_reboot=\"restart\"
	sleep 1.5
	[ "$(grep -c KIT-REBOOT "${XLC_LOG_DIR}/console/g1.log")" -ge 2 ]
	[ "$(xlc list --json | jq '.[0].boots')" -ge 2 ]
	xlc destroy g1
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/triplefault.bzImage\" on_reboot=\"preserve\"
	sleep 1
	[ "$(xlc list g1 | awk 'NR==2 {print $5}')" = "---sr-" ]
}

@test "reboot presses Ctrl-Alt-Del on the guest's keyboard; -F resets; -w waits for the shutdown" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/keyboard.bzImage\" on_reboot=\"restart\" \
		'cmdline="kit.end=reboot"'
	wait_console g1 "KIT-KBD reset=fa,aa id=fa,ab,41 enable=fa"
	run --separate-stderr xlc reboot -w g1
	[ "${status}" -eq 0 ]
	[ "${stderr}" = "$(printf 'Rebooting domain 1\nWaiting for 1 domains\nDomain 1 has been shut down, reason code 1')" ]
	[ "$(grep -c KIT-CTRL-ALT-DEL "${XLC_LOG_DIR}/console/g1.log")" -eq 1 ]
	[ "$(xlc list --json | jq '.[0].boots')" -eq 2 ]
	xlc destroy g1
	# A guest without a keyboard driver cannot take the keys: say so, and offer -F.
	xlc create -q "${SANDBOX}/g.cfg" on_reboot=\"restart\"
	wait_console g1 "KIT-EXIT code=0"
	run --separate-stderr xlc reboot g1
	echo "status ${status}: ${stderr}"
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == *"xlc: reboot g1 failed: the guest has no keyboard driver to take Ctrl-Alt-Del; reboot -F resets it" ]]
	run --separate-stderr xlc reboot -F -w g1
	[ "${status}" -eq 0 ]
	[ "$(xlc list --json | jq '.[0].boots')" -eq 2 ]
}

@test "reboot: the guest comes back as a new domain, as on Xen: a new id, Time(s) from zero" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/spin.bzImage\" on_reboot=\"restart\"
	for i in $(seq 100); do # the spinning guest's CPU time reaches 0.3 s
		[ "$(xlc list --json | jq '.[0].cpu_time_ns')" -gt 300000000 ] && break
		sleep 0.1
	done
	[ "$(xlc list | awk 'NR==2 {print $6}')" != 0.0 ]
	# -ww: the old domain is gone once the new one runs.
	run --separate-stderr timeout 20 "${XLC}" reboot -F -ww g1
	[ "${status}" -eq 0 ]
	[ "${stderr}" = "$(printf 'Rebooting domain 1\nWaiting for 1 domains\nDomain 1 has been shut down, reason code 1\nDomain 1 continue waiting for death\nDomain 1 has been destroyed')" ]
	run xlc list
	[[ "${lines[1]}" =~ ^g1\ +2\ +64\ +1\ +r-----\ +0\.[0-2]$ ]]
	[ "$(xlc domid g1)" = 2 ]
	[ ! -e "${XLC_RUN_DIR}/id-1" ]
	[ "$(xlc list --json | jq '.[0].boots')" -eq 2 ]
	# Ids go up as Xen's do: a new guest does not take the freed id 1.
	xlc create -q "${SANDBOX}/g.cfg" name=\"g2\"
	[ "$(xlc domid g2)" = 3 ]
}

@test "shutdown -w returns once the guest has shut down; -ww once it is gone; Time(s) is kept" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/button.bzImage\" on_poweroff=\"preserve\" \
		'cmdline="kit.end=poweroff"'
	wait_console g1 KIT-BUTTON-WAITING
	for i in $(seq 100); do
		[ "$(xlc list --json | jq '.[0].cpu_time_ns')" -gt 300000000 ] && break
		sleep 0.1
	done
	run --separate-stderr timeout 20 "${XLC}" shutdown --wait g1
	[ "${status}" -eq 0 ]
	[ "${stderr}" = "$(printf 'Shutting down domain 1\nWaiting for 1 domains\nDomain 1 has been shut down, reason code 0')" ]
	run xlc list
	[[ "${lines[1]}" =~ ^g1\ +1\ +64\ +1\ +---s--\ +([0-9.]+)$ ]]
	[ "${BASH_REMATCH[1]}" != 0.0 ] # the CPU time it used, not zero
	xlc destroy g1
	# -ww waits through the shutdown until the domain is destroyed.
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/button.bzImage\" on_poweroff=\"preserve\" \
		'cmdline="kit.end=poweroff"'
	wait_console g1 KIT-BUTTON-WAITING
	"${XLC}" shutdown -ww g1 2>"${SANDBOX}/ww" &
	ww=$!
	for i in $(seq 100); do
		[ "$(xlc list | awk 'NR==2 {print $5}')" = ---s-- ] && break
		sleep 0.1
	done
	[ "$(xlc list | awk 'NR==2 {print $5}')" = ---s-- ]
	sleep 0.5
	kill -0 "${ww}" # still waiting: the domain is there, shut down
	xlc destroy g1
	wait "${ww}"
	[ "$(cat "${SANDBOX}/ww")" = "$(printf 'Shutting down domain 2\nWaiting for 1 domains\nDomain 2 has been shut down, reason code 0\nDomain 2 continue waiting for death\nDomain 2 has been destroyed')" ]
	# A guest that ends on its own: -w with on_poweroff=destroy; list no longer has it.
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/button.bzImage\" 'cmdline="kit.end=poweroff"'
	wait_console g1 KIT-BUTTON-WAITING
	run --separate-stderr timeout 20 "${XLC}" shutdown -w g1
	[ "${status}" -eq 0 ]
	[ "${stderr}" = "$(printf 'Shutting down domain 3\nWaiting for 1 domains\nDomain 3 has been shut down, reason code 0')" ]
	[ "$(xlc list | wc -l)" -eq 1 ]
}

@test "shutdown -w --timeout: a guest that ignores the button is named, left running, exit 1" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/spin.bzImage\"
	run --separate-stderr timeout 120 "${XLC}" shutdown -w --timeout=2 g1
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "$(printf 'Shutting down domain 1\nWaiting for 1 domains\nxlc: domain g1 (1) did not shut down within 2 seconds')" ]
	[[ "$(xlc list | sed -n 2p)" =~ ^g1\ +1\ +64\ +1\ +[-rb]{2}---- ]]
	# Without -w it is a usage error; so is a bound that is not whole seconds.
	run xlc shutdown --timeout=2 g1
	[ "${status}" -eq 2 ]
	[[ "${output}" == *"--timeout bounds the wait of -w; give -w too"* ]]
	run xlc reboot -w --timeout=1.5 g1
	[ "${status}" -eq 2 ]
	[[ "${output}" == *"--timeout 1.5: give whole seconds, 1 to 86400"* ]]
}

@test "on_reboot=rename-restart: the old guest stays listed as <name>-<UTC time> with its id, shut down" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/keyboard.bzImage\" \
		on_reboot=\"rename-restart\" 'cmdline="kit.end=reboot"'
	wait_console g1 "KIT-KBD reset=fa"
	xlc reboot -w g1
	run xlc list
	echo "${output}"
	# As on Xen: the old domain keeps id 1, the new one is id 2.
	[[ "${output}" =~ (g1-[0-9]{8}T[0-9]{4}Z)\ +1\ +64\ +1\ +---sr- ]]
	old=${BASH_REMATCH[1]}
	[[ "${output}" =~ g1\ +2\ +64\ +1\ +[-rb]{2}---- ]]
	[ "$(xlc list --json | jq '.[] | select(.name == "g1") | .boots')" -eq 2 ]
	# The keeper answers as its own process, named for its domain, and its
	# config has the new name (xendomains reads names from list -l).
	[ "$(cat "/proc/$(cat "${XLC_RUN_DIR}/${old}.pid")/comm")" = "xlc-${old:0:11}" ]
	[ "$(xlc list -l "${old}" | jq -r '.[0].config.c_info.name')" = "${old}" ]
	xlc destroy "${old}"
	[ "$(xlc list | tail -n +2 | wc -l)" -eq 1 ]
	[ ! -e "${XLC_RUN_DIR}/${old}.sock" ]
	[ ! -e "${XLC_RUN_DIR}/id-1" ]
}

@test "rename: the domain keeps its id; list, list -l, ps and the run directory follow" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/spin.bzImage\"
	run --separate-stderr xlc rename g1 web-2
	[ "${status}" -eq 0 ]
	[ -z "${stderr}" ]
	[[ "$(xlc list | sed -n 2p)" =~ ^web-2\ +1\ +64\ +1\ + ]]
	[ "$(xlc list -l | jq -r '.[0].config.c_info.name')" = web-2 ]
	[ "$(xlc domid web-2)" = 1 ]
	[ "$(cat "/proc/$(xlc list --json | jq .[0].pid)/comm")" = xlc-web-2 ]
	[ ! -e "${XLC_RUN_DIR}/g1.sock" ]
	# The old name is free again; a taken name or a number is refused, as typed.
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/spin.bzImage\"
	run --separate-stderr xlc rename g1 web-2
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "$(printf '%s\n%s' "xlc: domain with name \"web-2\" already exists" "Can't rename domain 'g1'.")" ]
	run --separate-stderr xlc rename 2 42
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == *"Can't rename domain '2'." ]]
	run xlc rename nosuch x
	[ "${status}" -eq 1 ]
	[[ "${output}" == "xlc: nosuch is an invalid domain identifier" ]]
	run xlc rename g1
	[ "${status}" -eq 2 ]
	[ "$(xlc list | tail -n +2 | awk '{print $1 "/" $2}' | tr '\n' ' ')" = "web-2/1 g1/2 " ]
	# The renamed guest is still controlled by its new name.
	xlc destroy web-2
	[ "$(xlc list | tail -n +2 | awk '{print $1}')" = g1 ]
	# A name like the run directory's own entries ("id-3") is an ordinary name.
	xlc rename g1 id-3
	[[ "$(xlc list | sed -n 2p)" =~ ^id-3\ +2\ + ]]
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/spin.bzImage\" name=\"id-web\"
	[ "$(xlc list | tail -n +2 | awk '{print $1}' | tr '\n' ' ')" = "id-3 id-web " ]
	[ -S "${XLC_RUN_DIR}/id-3.sock" ]
	[ -f "${XLC_RUN_DIR}/id-3.pid" ] # not taken for an id link and cleaned away
	xlc destroy id-web
	xlc destroy id-3
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
}

@test "ids: a domain's created-with id stays its own across reboots, for its taps and cgroup" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/spin.bzImage\" on_reboot=\"restart\"
	xlc reboot -F -w g1
	[ "$(xlc domid g1)" = 2 ]
	[ -L "${XLC_RUN_DIR}/.held-1" ] # id 1 is not listed, but no other domain may take it
	# The next id after the last one wraps round, past the held id 1, to id 3.
	printf '%-10d\n' 32751 >"${XLC_RUN_DIR}/.lock"
	xlc create -q "${SANDBOX}/g.cfg" name=\"g2\"
	[ "$(xlc domid g2)" = 32751 ]
	xlc create -q "${SANDBOX}/g.cfg" name=\"g3\"
	[ "$(xlc domid g3)" = 3 ]
	xlc destroy g1
	[ ! -e "${XLC_RUN_DIR}/.held-1" ]
}

@test "uptime and domid as xl: operands in the order given; domid takes a name, not an id" {
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/spin.bzImage\"
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/spin.bzImage\" name=\"g2\"
	run xlc uptime g2 g1 g2
	[ "$(tail -n +2 <<<"${output}" | awk '{print $1}' | tr '\n' ' ')" = "g2 g1 g2 " ]
	run --separate-stderr xlc domid 1
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "Can't get domid of domain name '1', maybe this domain does not exist." ]
	run --separate-stderr xlc console -n 1 g1
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "Unable to attach console" ]
}

@test "a run directory that cannot be made is a clear error, for create and list alike" {
	touch "${SANDBOX}/file"
	export XLC_RUN_DIR="${SANDBOX}/file/run"
	run --separate-stderr xlc create -q "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: cannot create the run directory ${SANDBOX}/file/run: Not a directory" ]
	run --separate-stderr xlc list
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: cannot create the run directory ${SANDBOX}/file/run: Not a directory" ]
	[ -z "$(pgrep -f "${SANDBOX}/g.cfg")" ] # no VMM of ours
}

@test "unknown domains: a clear message and exit 1" {
	for c in destroy pause unpause console; do
		run xlc "${c}" nosuch
		[ "${status}" -eq 1 ] || { echo "${c}: ${status}"; return 1; }
		[[ "${output}" == *"nosuch is an invalid domain identifier"* ]]
	done
	# xl's domid takes a name only and says so in its own words.
	run xlc domid nosuch
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"Can't get domid of domain name 'nosuch', maybe this domain does not exist."* ]]
	# As xl: no domain and no -a is exit 1; so are uptime and vcpu-list of an unknown name.
	run xlc shutdown
	[ "${status}" -eq 1 ]
	[ "${output}" = "xlc: You must specify -a or a domain id." ]
	for c in uptime vcpu-list; do
		run --separate-stderr xlc "${c}" nosuch
		[ "${status}" -eq 1 ] || { echo "${c}: ${status}"; return 1; }
		[ "${stderr}" = "xlc: nosuch is an invalid domain identifier" ]
	done
}

@test "domid, domname, uptime and vcpu-list" {
	xlc create -q "${SANDBOX}/g.cfg" vcpus=2
	[ "$(xlc domid g1)" = 1 ]
	[ "$(xlc domname 1)" = g1 ]
	run xlc uptime
	[ "${lines[0]}" = "$(printf '%-33s %4s %s' Name ID Uptime)" ]
	[[ "${lines[1]}" =~ ^g1\ +1\ +0:00:0[0-9]$ ]]
	run xlc uptime -s
	[[ "${lines[0]}" =~ ^\ [0-9]{2}:[0-9]{2}:[0-9]{2}\ up\ +0:00,\ g1\ \(1\)$ ]]
	run xlc vcpu-list g1
	[ "${lines[0]}" = "Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)" ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" =~ ^g1\ +1\ +1\ + ]]
	# xl's %-32s: a longer name is not cut; an offline vCPU is --p on no CPU;
	# a paused domain's vCPUs neither run nor block.
	long=a-very-long-domain-name-of-forty-chars-x
	xlc create -q "${SANDBOX}/g.cfg" name=\"${long}\" vcpus=1 maxvcpus=2
	run xlc vcpu-list "${long}"
	[[ "${lines[1]}" =~ ^${long}\ +2\ +0\ +[0-9]+\ +[rb-]{2}-\ + ]]
	[[ "${lines[2]}" =~ ^${long}\ +2\ +1\ +-\ +--p\ +0\.0\ +all\ /\ all$ ]]
	xlc pause "${long}"
	run xlc vcpu-list "${long}"
	[[ "${lines[1]}" =~ ^${long}\ +2\ +0\ +[0-9]+\ +---\ + ]]
}

@test "info: the host and the KVM API version" {
	run xlc info
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"backend                : kvm"* ]]
	[[ "${output}" == *"kvm_api_version        : 12"* ]]
	[[ "${output}" == *"nr_cpus                : $(nproc)"* ]]
	[[ "${output}" == *"kvm_capabilities       : irqchip pit2 user_memory"* ]]
}

@test "cpus= pins each vCPU thread; a CPU the host lacks is refused" {
	xlc create -q "${SANDBOX}/g.cfg" vcpus=2 'cpus=["1","0-1"]'
	pid=$(xlc list --json | jq '.[0].pid')
	for t in /proc/${pid}/task/*; do
		case $(cat "${t}/comm") in
		vcpu0) grep -q 'Cpus_allowed_list:	1$' "${t}/status" ;;
		vcpu1) grep -q 'Cpus_allowed_list:	0-1$' "${t}/status" ;;
		esac
	done
	run xlc vcpu-list g1
	[[ "${lines[1]}" == *" 1 / all" ]]
	xlc destroy g1
	run xlc create -q "${SANDBOX}/g.cfg" cpus=\"99\"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"names no CPU of this host"* ]]
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
}

@test "create: memory larger than the host is refused, and nothing is left" {
	run xlc create -q "${SANDBOX}/g.cfg" memory=4000000
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"g1: memory = 4000000 MiB is more than this host has"* ]]
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
	run xlc list
	[ "${#lines[@]}" -eq 1 ]
}

@test "console on a terminal: a banner names the escape, keys reach the guest, ^] detaches" {
	command -v tmux >/dev/null || { echo "tmux is missing (tests/deps.sh installs it)"; return 1; }
	xlc create -q "${SANDBOX}/g.cfg" kernel=\"${KIT}/echo.bzImage\"
	wait_console g1 KIT-ECHO-READY
	sock="xlc-test-$$"
	tmux -L "${sock}" new-session -d -x 120 -y 20 \
		"env XLC_RUN_DIR='${XLC_RUN_DIR}' XLC_LOG_DIR='${XLC_LOG_DIR}' '${XLC}' console g1; echo CONSOLE-ENDED; sleep 30"
	sleep 1
	tmux -L "${sock}" send-keys 'typed on a tty' Enter
	sleep 1
	screen=$(tmux -L "${sock}" capture-pane -p)
	tmux -L "${sock}" send-keys C-]
	sleep 1
	after=$(tmux -L "${sock}" capture-pane -p)
	tmux -L "${sock}" kill-server
	echo "${screen}"
	[[ "${screen}" == *"Connected to g1. Escape character is ^]"* ]]
	[[ "${screen}" == *"KIT-ECHO:typed on a tty"* ]]
	[[ "${after}" == *"CONSOLE-ENDED"* ]]
}

@test "create without /dev/kvm says what to load, and leaves nothing" {
	command -v unshare >/dev/null || skip "no unshare"
	# A private mount namespace whose /dev lacks kvm: nothing outside changes.
	run unshare -m sh -c '
		mount -t tmpfs none /dev &&
		mknod -m 666 /dev/null c 1 3 && mknod -m 444 /dev/urandom c 1 9 &&
		exec "$0" create -q "$1"' "${XLC}" "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"cannot open /dev/kvm: No such file or directory (load kvm_intel or kvm_amd)"* ]]
	[ -z "$(ls "${XLC_RUN_DIR}")" ]
}
