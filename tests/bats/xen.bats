#!/usr/bin/env bats
# The xen backend (libxl) on a real Xen 4.17: the Xen test host (Xen under
# QEMU TCG with a Debian dom0) runs xlc next to xl.

load helper

setup() {
	setup_sandbox
	mkdir -p "${SANDBOX}/payload/corpus"
	cp "${TESTS_DIR}/hosts/payloads/xen-backend.sh" "${SANDBOX}/payload/"
	cp "${TESTS_DIR}"/diff/corpus/*.cfg "${SANDBOX}/payload/corpus/"
}
teardown() { teardown_sandbox; }

@test "xen: without Xen, -b xen says what is missing; create -n prints libxl's own JSON" {
	# Off a dom0 libxl cannot start, and says so in one line.
	run --separate-stderr "${XLC}" -b xen list
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == "xlc: cannot talk to Xen through libxl (is this a Xen dom0, with xenstored running?); see "*"/libxl.log" ]]
	# The xen backend's JSON comes from libxl's generated functions; it must
	# equal xlc's own libxl-shaped JSON for every config of the corpus.
	n=0
	for f in "${TESTS_DIR}"/diff/corpus/*.cfg; do
		b=$("${XLC}" -b kvm create -nq "$f" 2>/dev/null) || continue
		a=$("${XLC}" -b xen create -nq "$f" 2>/dev/null)
		# xl's global defaults (claim_mode, run_hotplug_scripts) are in the libxl JSON only.
		[ "$(jq -S 'del(.c_info.uuid, .c_info.run_hotplug_scripts, .b_info.claim_mode)' <<<"$a")" = \
			"$(jq -S 'del(.c_info.uuid)' <<<"$b")" ] ||
			{ echo "differs: $f"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 40 ]
}

@test "xen: a PV guest through libxl: list beside xl, console, top, shutdown -w, restart, errors, xl -N" {
	run "${TESTS_DIR}/hosts/xen" -t 600 -x "${XLC}" -x /usr/bin/jq -p "${SANDBOX}/payload" -- \
		sh ./xen-backend.sh
	echo "${output}"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"CHECK info backend                : xen"* ]]
	[[ "${output}" == *"CHECK info xen_major              : 4"* ]]
	[[ "${output}" =~ CHECK\ list\ Domain-0\ +0\ + ]]
	[[ "${output}" == *"CHECK create g1 ok"* ]]
	[[ "${output}" =~ CHECK\ xlc-list\ g1\ +[0-9]+\ +128\ +1\  ]]
	[[ "${output}" =~ CHECK\ xl-list\ g1\ +[0-9]+\ +128\ +1\  ]]
	[[ "${output}" == *"CHECK g1 console marker"* ]]
	[[ "${output}" =~ TOP\ +g1\ [-a-z]{6}\ + ]]
	[[ "${output}" == *"TOP       NAME  STATE   CPU(sec) CPU(%)"* ]]
	[[ "${output}" == *"CHECK shutdown: Waiting for 1 domains"* ]]
	[[ "${output}" == *"CHECK g1 gone after shutdown"* ]]
	[[ "${output}" == *"CHECK monitor: g2: restarted as domain"* ]]
	[[ "${output}" == *"CHECK g2 listed after its reboot"* ]]
	[[ "${output}" == *"CHECK g2 gone"* ]]
	[[ "${output}" == *"CHECK bad kernel: xlc: bad1: kernel /nonexistent/vmlinuz: No such file or directory"* ]]
	[[ "${output}" =~ CHECK\ big\ memory:\ xlc:\ bad2:\ memory\ =\ 1000000\ MiB\ is\ more\ than\ this\ host\ has\ \([0-9]+\ MiB\) ]]
	[[ "${output}" =~ CHECK\ duplicate:\ xlc:\ g3:\ a\ domain\ of\ that\ name\ already\ exists\ \(id\ [0-9]+\) ]]
	[[ "${output}" == *"CHECK bad domains left: 0"* ]]
	# Every corpus config xl accepts and xlc fully translates gives the same JSON.
	[[ "${output}" =~ CHECK\ json\ same=([0-9]+)\ differ=0 ]]
	[ "${BASH_REMATCH[1]}" -ge 30 ]
}
