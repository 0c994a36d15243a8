#!/usr/bin/env bats
# The bash completion, examples/xlc.bash-completion, sourced into this shell
# and called as bash calls it: COMP_WORDS and COMP_CWORD set, the function
# `complete` registered for the typed name run, COMPREPLY read. What it
# completes is real: the xlc under test answers help and list, kit guests
# run for the domain names, and the configs are files in the sandbox.
#
# COMPLETION=FILE runs these tests against another script (each of them
# fails against the command-names-only script that came before this file).

load helper

KIT="${KIT:-${REPO_DIR}/build/kit}"
COMPLETION="${COMPLETION:-${REPO_DIR}/examples/xlc.bash-completion}"

setup() {
	setup_sandbox
	# `xlc` on PATH is the xlc under test, as for a user who installed it.
	mkdir -p "${SANDBOX}/bin"
	ln -s "${XLC}" "${SANDBOX}/bin/xlc"
	PATH="${SANDBOX}/bin:${PATH}"
	# shellcheck source=/dev/null
	source "${COMPLETION}"
}

teardown() {
	teardown_guests
}

# complete_line WORD...: completes the last WORD ("" for a new one) of the
# command line WORD... with the function bash would call for its first word.
# bash splits at '=' too: "--unknown-keys=w" is the words --unknown-keys = w.
complete_line() {
	local spec fn

	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	spec=$(complete -p "${1##*/}")
	fn=${spec#*-F }
	fn=${fn%% *}
	COMPREPLY=()
	# As bash: the function's status means nothing, and it runs without -e.
	"${fn}" || true
	echo "# [$*] completes to: ${COMPREPLY[*]}" # shown if the test fails
}

# The replies, sorted, one a line.
replies() {
	if [ "${#COMPREPLY[@]}" -gt 0 ]; then
		printf '%s\n' "${COMPREPLY[@]}" | sort
	fi
}

# True if WORD is one of the replies.
reply_has() {
	local w

	for w in "${COMPREPLY[@]}"; do
		if [ "${w}" = "$1" ]; then
			return 0
		fi
	done
	return 1
}

lines() { printf '%s\n' "$@" | sort; }

# start_guest NAME: a kit guest that stays up (its vCPU halted).
start_guest() {
	"${XLC}" create -q "${SANDBOX}/g.cfg" "name=\"$1\""
}

write_guest_cfg() {
	cat >"${SANDBOX}/g.cfg" <<-CFG
	memory = 64
	kernel = "${KIT}/hello.bzImage"
	cmdline = "kit.end=halt"
	CFG
}

@test "global options: xlc help's, -h, --help and --version; -b's values kvm and xen" {
	complete_line xlc -
	for opt in -v -N -b -f -t -T -h --help --version; do
		reply_has "${opt}"
	done
	run reply_has create
	[ "${status}" -eq 1 ]
	complete_line xlc -b ""
	[ "$(replies)" = "$(lines kvm xen)" ]
	complete_line xlc -v -b k
	[ "$(replies)" = kvm ]
	complete_line xlc -b kvm -
	reply_has --version
}

@test "commands come from the binary typed (COMP_WORDS[0]), also from an xl link to it" {
	# The xlc on PATH now answers nothing: only the typed binary can.
	rm "${SANDBOX}/bin/xlc"
	printf '#!/bin/sh\nexit 1\n' >"${SANDBOX}/bin/xlc"
	chmod +x "${SANDBOX}/bin/xlc"
	mkdir "${SANDBOX}/other"
	ln -s "${XLC}" "${SANDBOX}/other/xl"
	expected=$("${XLC}" help | awk '/^ [a-z]/ { print $1 }' | sort)
	[[ "${expected}" == *vcpu-list* ]]

	complete_line "${XLC}" ""
	[ "$(replies)" = "${expected}" ]
	complete_line "${SANDBOX}/other/xl" ""
	[ "$(replies)" = "${expected}" ]
	complete_line "${SANDBOX}/other/xl" help d
	[ "$(replies)" = "$(grep '^d' <<<"${expected}")" ]
	# As xl the binary says "Usage: xl ..."; a prefix (cr) is resolved by it.
	complete_line "${SANDBOX}/other/xl" cr --u
	[ "$(replies)" = --unknown-keys ]
}

@test "a command's options come from its help, and only before its first operand" {
	complete_line xlc create -
	for opt in -h --help -n --dryrun -c -p -F -q --quiet --parallel --all-or-nothing \
		--force --json --auto --unknown-keys; do
		reply_has "${opt}"
	done
	complete_line xlc list -
	[ "$(replies)" = "$(lines -h --help -l --long --json)" ]
	complete_line xlc top --
	[ "$(replies)" = "$(lines --help --batch --iterations --delay --full-name --networks --vbds \
		--vcpus --repeat-header --dom0-first --sort --csv --json)" ]
	complete_line xlc top -i 2 -
	reply_has -x
	# top takes no operand: a new word may only be an option.
	complete_line xlc top ""
	reply_has --batch
	# A prefix, as the CLI resolves it: shu is shutdown; sh is ambiguous
	# (xl's sharing).
	complete_line xlc shu -
	[ "$(replies)" = "$(lines -h --help -a --all -w --wait --timeout -F)" ]
	complete_line xlc sh -
	[ "${#COMPREPLY[@]}" -eq 0 ]
	# After an operand, getopt sees no more options: nor does the completion.
	complete_line xlc destroy somename -
	[ "${#COMPREPLY[@]}" -eq 0 ]
}

@test "option values: the sets help names (also after --opt=), nothing for a placeholder" {
	mkdir "${SANDBOX}/work"
	cd "${SANDBOX}/work"
	touch a.cfg
	complete_line xlc create --unknown-keys ""
	[ "$(replies)" = "$(lines warn error)" ]
	complete_line xlc create --unknown-keys =
	[ "$(replies)" = "$(lines warn error)" ]
	complete_line xlc create -q --unknown-keys = w
	[ "$(replies)" = warn ]
	complete_line xlc console -t ""
	[ "$(replies)" = "$(lines pv serial vuart)" ]
	# N and ESC are values to type, not operands: no config, no domain.
	complete_line xlc create --parallel ""
	[ "${#COMPREPLY[@]}" -eq 0 ]
	complete_line xlc top -i ""
	[ "${#COMPREPLY[@]}" -eq 0 ]
	# The value of a key=value override is not a config either.
	complete_line xlc create a.cfg memory = ""
	[ "${#COMPREPLY[@]}" -eq 0 ]
	complete_line xlc create --unknown-keys warn ""
	[ "$(replies)" = a.cfg ]
}

@test "domain names from a real xlc list, for every command that takes a domain" {
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	write_guest_cfg
	start_guest web1
	start_guest db1
	run "${XLC}" list
	[ "${#lines[@]}" -eq 3 ]
	both=$(lines db1 web1)

	for cmd in destroy shutdown reboot pause unpause console rename domid uptime \
		vcpu-list list mem-set mem-max vcpu-pin vcpu-set block-attach block-detach \
		block-list network-attach network-detach network-list cd-insert cd-eject; do
		complete_line xlc "${cmd}" ""
		[ "$(replies)" = "${both}" ]
	done
	complete_line xlc domname ""
	[ "$(replies)" = "$(lines "$("${XLC}" domid web1)" "$("${XLC}" domid db1)")" ]
	complete_line xlc destroy w
	[ "$(replies)" = web1 ]
	# rename's second operand is a new name; destroy takes one domain.
	complete_line xlc rename web1 ""
	[ "${#COMPREPLY[@]}" -eq 0 ]
	complete_line xlc destroy web1 ""
	[ "${#COMPREPLY[@]}" -eq 0 ]
	# cd-insert's third operand is an image file.
	touch "${SANDBOX}/cd1.iso"
	complete_line xlc cd-insert web1 hdc "${SANDBOX}/cd"
	[ "$(replies)" = "${SANDBOX}/cd1.iso" ]
	# uptime and vcpu-list take several.
	complete_line xlc uptime -s web1 ""
	[ "$(replies)" = "${both}" ]
	# Past options and their values, global ones and a prefix too.
	complete_line xlc console -e x ""
	[ "$(replies)" = "${both}" ]
	complete_line xlc -v -b kvm pa ""
	[ "$(replies)" = "${both}" ]
	complete_line xlc shutdown -w ""
	[ "$(replies)" = "${both}" ]
	# Help writes "--timeout=S": S is a value to type, not a domain.
	complete_line xlc shutdown -w --timeout ""
	[ "${#COMPREPLY[@]}" -eq 0 ]
	complete_line xlc shutdown -w --timeout =
	[ "${#COMPREPLY[@]}" -eq 0 ]
	complete_line xlc shutdown -w --timeout 5 ""
	[ "$(replies)" = "${both}" ]
	complete_line xlc shutdown -w --timeout = 5 ""
	[ "$(replies)" = "${both}" ]
}

@test "Domain-0 is offered to the commands that look at domains, not to those acting on them" {
	[ -c /dev/kvm ] || skip "no /dev/kvm on this machine"
	write_guest_cfg
	start_guest g1
	# Xen's list shows the host as Domain-0, id 0; kvm has none. This xl
	# adds Xen's row to the real list and is otherwise the xlc under test.
	cat >"${SANDBOX}/bin/xl" <<-SH
	#!/bin/bash
	if [ "\$1" = list ]; then
		"${XLC}" list | sed '1a Domain-0                                     0  2048     2     r-----     100.0'
		exit
	fi
	exec "${XLC}" "\$@"
	SH
	chmod +x "${SANDBOX}/bin/xl"
	run xl list
	[ "${lines[1]%% *}" = Domain-0 ]
	id=$("${XLC}" domid g1)

	for cmd in destroy shutdown reboot pause unpause console rename; do
		complete_line xl "${cmd}" ""
		[ "$(replies)" = g1 ]
	done
	for cmd in list uptime vcpu-list domid block-list network-list; do
		complete_line xl "${cmd}" ""
		[ "$(replies)" = "$(lines Domain-0 g1)" ]
	done
	complete_line xl domname ""
	[ "$(replies)" = "$(lines 0 "${id}")" ]
}

@test "create: *.cfg files, directories, and for a bare name the configs in /etc/xlc and /etc/xen" {
	mkdir -p "${SANDBOX}/work/batch" "${XLC_SYSCONFDIR}/xen/auto"
	cd "${SANDBOX}/work"
	touch a.cfg notes.txt batch/b.cfg batch/readme
	# $XLC_SYSCONFDIR stands for /etc: configs beside files that are not.
	touch "${XLC_SYSCONFDIR}/xen/web.cfg" "${XLC_SYSCONFDIR}/xen/xl.conf" \
		"${XLC_SYSCONFDIR}/xen/README" "${XLC_SYSCONFDIR}/xlc/db.cfg"

	complete_line xlc create ""
	[ "$(replies)" = "$(lines a.cfg batch db.cfg web.cfg)" ]
	complete_line xlc create w
	[ "$(replies)" = web.cfg ]
	complete_line xlc cr b
	[ "$(replies)" = batch ]
	complete_line xlc create batch/
	[ "$(replies)" = batch/b.cfg ]
	# A word with a '/' is a path: create looks nowhere else.
	complete_line xlc create ./
	[ "$(replies)" = "$(lines ./a.cfg ./batch)" ]
	# A file not named *.cfg when nothing else matches (xl's names need none).
	complete_line xlc create n
	[ "$(replies)" = notes.txt ]
	# Several configs make a batch; after a global -N, too.
	complete_line xlc -N create -n a.cfg ""
	[ "$(replies)" = "$(lines a.cfg batch db.cfg web.cfg)" ]
}
