#!/usr/bin/env bats
# The host's side (system/): xlc-guests, the script behind xlc-guests.service,
# with kit guests: it starts /etc/xlc/auto and, at stop, shuts every guest
# down, destroying the ones that ignore the power button after the timeout.

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"
GUESTS="${REPO_DIR}/build/system/xlc-guests"

setup() {
	setup_sandbox
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	[ -x "${GUESTS}" ] || make -s -C "${REPO_DIR}" build/system/xlc-guests
	export XLC_DEFAULTS="${SANDBOX}/default"
	printf 'XLC_SHUTDOWN_TIMEOUT=3\n' >"${XLC_DEFAULTS}"
}

teardown() { teardown_guests; }

xlc() { "${XLC}" "$@"; }
guests() { XLC="${XLC}" "${GUESTS}" "$@"; }

# A kit guest config: $1 name, $2 kit program (button powers off on the
# button; spin ignores it).
kit_cfg() {
	printf 'name = "%s"\nmemory = 32\nkernel = "%s"\ncmdline = "kit.end=poweroff"\n' \
		"$1" "${KIT}/$2.bzImage"
}

@test "xlc-guests start: no auto directory, or an empty one, is nothing to do (exit 0)" {
	run guests start
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"${XLC_SYSCONFDIR}/xlc/auto does not exist: no guests to start"* ]]
	mkdir -p "${XLC_SYSCONFDIR}/xlc/auto"
	run guests start
	[ "${status}" -eq 0 ]
	run guests stop
	[ "${status}" -eq 0 ]
	[ "${output}" = "xlc-guests: no guests running" ]
	run guests restart
	[ "${status}" -eq 2 ]
}

@test "xlc-guests: start runs /etc/xlc/auto; stop shuts both down, destroys one that ignores the button" {
	mkdir -p "${XLC_SYSCONFDIR}/xlc/auto"
	kit_cfg a1 button >"${XLC_SYSCONFDIR}/xlc/auto/a1.cfg"
	kit_cfg a2 button >"${XLC_SYSCONFDIR}/xlc/auto/a2.cfg"
	run guests start
	[ "${status}" -eq 0 ]
	[ "$(xlc list | awk 'NR > 1 { print $1 }' | sort | tr '\n' ' ')" = "a1 a2 " ]
	wait_console a1 KIT-BUTTON-WAITING
	wait_console a2 KIT-BUTTON-WAITING
	# Both listen for the button: stop ends them within the timeout.
	printf 'XLC_SHUTDOWN_TIMEOUT=120\n' >"${XLC_DEFAULTS}"
	run timeout 300 env XLC="${XLC}" "${GUESTS}" stop
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"xlc-guests: shutting down 2 guest(s), waiting up to 120 s"* ]]
	[[ "${output}" != *destroying* ]]
	grep -q KIT-POWER-BUTTON "${XLC_LOG_DIR}/console/a1.log"
	grep -q KIT-POWER-BUTTON "${XLC_LOG_DIR}/console/a2.log"
	[ "$(xlc list | wc -l)" -eq 1 ]
	# One that ignores the button is destroyed once the timeout is over. It
	# is waited for first (the lowest id), and the two that shut down
	# meanwhile are not named late.
	kit_cfg s1 spin >"${SANDBOX}/s1.cfg"
	xlc create -q "${SANDBOX}/s1.cfg"
	guests start
	wait_console a1 KIT-BUTTON-WAITING
	wait_console a2 KIT-BUTTON-WAITING
	printf 'XLC_SHUTDOWN_TIMEOUT=5\n' >"${XLC_DEFAULTS}"
	run timeout 300 env XLC="${XLC}" "${GUESTS}" stop
	[ "${status}" -eq 0 ]
	[[ "${output}" =~ xlc:\ domain\ s1\ \([0-9]+\)\ did\ not\ shut\ down\ within\ 5\ seconds ]]
	[ "$(grep -c 'did not shut down' <<<"${output}")" -eq 1 ]
	[ "$(grep -c KIT-POWER-BUTTON "${XLC_LOG_DIR}/console/a1.log")" -eq 2 ] # once per boot
	[[ "${output}" == *"xlc-guests: destroying the guests still running after 5 s"* ]]
	[ "$(xlc list | wc -l)" -eq 1 ]
	pid_left=$(pgrep -f "${XLC_RUN_DIR}" || true)
	[ -z "${pid_left}" ]
}
