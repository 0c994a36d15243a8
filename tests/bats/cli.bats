#!/usr/bin/env bats
# The command line: xl's conventions (prefixes, -h, exit codes 0/1/2, -N,
# key=value overrides), config lookup and backend selection.

load helper

setup() {
	setup_sandbox
	cat >"${SANDBOX}/g.cfg" <<-'CFG'
	name = "g"
	memory = 128
	vif = [ 'mac=00:16:3e:00:00:01' ]
	CFG
}
teardown() { teardown_sandbox; }

@test "cli: no command prints the usage on stdout and exits 1, as xl" {
	run --separate-stderr "${XLC}"
	[ "${status}" -eq 1 ]
	[[ "${output}" == "Usage: xlc"* ]]
	[ -z "${stderr}" ]
}

@test "cli: help lists the commands; help <cmd> shows its usage" {
	run "${XLC}" help
	[ "${status}" -eq 0 ]
	[[ "${output}" == *" create "* ]]
	run "${XLC}" help create
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"Usage: xlc [-vN] create"* ]]
	[[ "${output}" == *"--dryrun"* ]]
}

@test "cli: every command takes -h and exits 0" {
	for cmd in create help list destroy shutdown reboot pause unpause console uptime domid \
		domname vcpu-list info rename; do
		run "${XLC}" "${cmd}" -h
		[ "${status}" -eq 0 ] || { echo "${cmd} -h: ${status}"; return 1; }
		[[ "${output}" == *"Usage: xlc"*"${cmd}"* ]]
	done
}

@test "cli: an unambiguous prefix runs the command" {
	run "${XLC}" cr -nq "${SANDBOX}/g.cfg"
	[ "${status}" -eq 0 ]
	[ "$(printf '%s' "${output}" | jq -r .c_info.name)" = g ]
}

@test "cli: unknown and ambiguous commands exit 1 as in xl; prefixes are judged by xl's table" {
	run --separate-stderr "${XLC}" frobnicate
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: unknown command 'frobnicate'; see 'xlc help'" ]
	# xl has reboot, restore, rename and remus: "re" is none of them.
	run --separate-stderr "${XLC}" re g1
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: 're' is ambiguous: reboot, restore, rename, remus" ]
	for p in s de co p t; do
		run --separate-stderr "${XLC}" "${p}" g1
		[ "${status}" -eq 1 ] || { echo "${p}: ${status}"; return 1; }
		[[ "${stderr}" == "xlc: '${p}' is ambiguous: "* ]]
	done
	# An exact name wins over the longer ones it starts (xl's migrate, migrate-receive).
	run --separate-stderr "${XLC}" -b kvm migrate g1 host
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: g1 is an invalid domain identifier" ]
	run --separate-stderr "${XLC}" migrat g1 host
	[ "${stderr}" = "xlc: 'migrat' is ambiguous: migrate, migrate-receive" ]
	run --separate-stderr "${XLC}" dump g1 /tmp/x
	[ "${stderr}" = "xlc: 'dump' is xl's dump-core, which xlc does not implement" ]
	# "help" is never a prefix, as in xl; help of an unknown command is not an error.
	run "${XLC}" he
	[ "${status}" -eq 1 ]
	run --separate-stderr "${XLC}" help nosuch
	[ "${status}" -eq 0 ]
	[ "${output}" = 'command "nosuch" not implemented' ]
	run --separate-stderr "${XLC}" help ren
	[[ "${output}" == "Usage: xlc"*" rename <domain> <new-name>"* ]]
}

@test "cli: options: a command's unknown option exits 2; global ones as xl (-f -t -T taken)" {
	run "${XLC}" create -Z "${SANDBOX}/g.cfg"
	[ "${status}" -eq 2 ]
	[[ "${output}" == *"option -Z is not supported"* ]]
	run --separate-stderr "${XLC}" -Z help
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: unknown global option '-Z'; see 'xlc help'" ]
	run --separate-stderr "${XLC}" -f -t -T -vv create -n "${SANDBOX}/g.cfg"
	[ "${status}" -eq 0 ]
	[ "$(printf '%s' "${output}" | jq -r .c_info.name)" = g ]
	run "${XLC}" console -t bogus g
	[ "${status}" -eq 1 ]
	[ "${output}" = "xlc: console type supported are: pv, serial, vuart" ]
	run "${XLC}" rename onlyone
	[ "${status}" -eq 2 ]
	# A long option is named as typed: given a value it takes none, or
	# missing the one it needs.
	run --separate-stderr "${XLC}" list --json=1
	[ "${status}" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "xlc: option --json takes no value" ]
	run --separate-stderr "${XLC}" shutdown -w --timeout
	[ "${status}" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "xlc: option --timeout needs a value" ]
	run --separate-stderr "${XLC}" top -d
	[ "${status}" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "xlc: option -d needs a value" ]
}

@test "cli: called as xl (a link), it says xl in usage and errors" {
	mkdir -p "${SANDBOX}/bin"
	ln -s "${XLC}" "${SANDBOX}/bin/xl"
	run "${SANDBOX}/bin/xl"
	[[ "${lines[0]}" == "Usage: xl "* ]]
	run --separate-stderr "${SANDBOX}/bin/xl" frob
	[ "${stderr}" = "xl: unknown command 'frob'; see 'xl help'" ]
	run "${SANDBOX}/bin/xl" help list
	[[ "${lines[0]}" == "Usage: xl "*"list"* ]]
}

@test "cli: info FIELD prints the values of the lines it starts, as xl's" {
	run --separate-stderr "${XLC}" info nr_cpus
	[ "${status}" -eq 0 ]
	[ "${output}" = "$(nproc)" ]
	run "${XLC}" info
	# xl's keys, in xl's order, then xlc's own.
	keys=$(printf '%s\n' "${lines[@]}" | cut -d' ' -f1 | tr '\n' ' ')
	[[ "${keys}" == "host release version machine nr_cpus max_cpu_id nr_nodes cores_per_socket threads_per_core cpu_mhz hw_caps virt_caps total_memory free_memory sharing_freed_memory sharing_used_memory outstanding_claims free_cpus "*"xend_config_format "* ]]
	[[ "$("${XLC}" info cpu_mhz)" =~ ^[0-9]+\.[0-9]{3}$ ]]
	[ "$("${XLC}" info host)" = "$(uname -n)" ]
	[ "$("${XLC}" info release)" = "$(uname -r)" ]
	run "${XLC}" info nosuchfield
	[ "${status}" -eq 0 ]
	[ -z "${output}" ]
}

@test "cli: -N is refused by a command without a dry run (exit 1, as xl), honoured by create" {
	run "${XLC}" -N list
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"does not implement -N"* ]]
	run "${XLC}" -N create -q "${SANDBOX}/g.cfg"
	[ "${status}" -eq 0 ]
	[ "$(printf '%s' "${output}" | jq .b_info.target_memkb)" -eq 131072 ]
}

@test "cli: create prints 'Parsing config from' on stderr unless -q" {
	run --separate-stderr "${XLC}" create -n "${SANDBOX}/g.cfg"
	[ "${status}" -eq 0 ]
	[ "${stderr}" = "Parsing config from ${SANDBOX}/g.cfg" ]
	run --separate-stderr "${XLC}" create -nq "${SANDBOX}/g.cfg"
	[ -z "${stderr}" ]
}

@test "cli: key=value arguments are later assignments; the last one wins" {
	run "${XLC}" create -nq "${SANDBOX}/g.cfg" memory=256 'vcpus=2; name="other"' memory=512
	[ "${status}" -eq 0 ]
	[ "$(printf '%s' "${output}" | jq .b_info.target_memkb)" -eq 524288 ]
	[ "$(printf '%s' "${output}" | jq -r .c_info.name)" = other ]
	[ "$(printf '%s' "${output}" | jq .b_info.max_vcpus)" -eq 2 ]
	run "${XLC}" create -nq "${SANDBOX}/g.cfg" 'vif+=["bridge=br9"]'
	[ "$(printf '%s' "${output}" | jq -r '.nics[1].bridge')" = br9 ]
}

@test "cli: a bad override names the command line" {
	run "${XLC}" create -nq "${SANDBOX}/g.cfg" memory=lots
	[ "${status}" -eq 1 ]
	[[ "${output}" == "xlc: command line:1: memory = lots: expected a value, found a bare word"* ]]
	run "${XLC}" create -nq "${SANDBOX}/g.cfg" 'memory="lots"'
	[ "${status}" -eq 1 ]
	[[ "${output}" == "xlc: command line:1: memory = \"lots\": not a number"* ]]
}

@test "cli: a config can come from key=value alone" {
	run "${XLC}" create -nq 'name="adhoc"' memory=64
	[ "${status}" -eq 0 ]
	[ "$(printf '%s' "${output}" | jq -r .c_info.name)" = adhoc ]
}

@test "cli: a name without '/' is found in /etc/xlc before /etc/xen" {
	printf 'name = "from-xen"\n' >"${XLC_SYSCONFDIR}/xen/web.cfg"
	cd "${SANDBOX}"
	run "${XLC}" create -nq web.cfg
	[ "${status}" -eq 0 ]
	[ "$(printf '%s' "${output}" | jq -r .c_info.name)" = from-xen ]
	printf 'name = "from-xlc"\n' >"${XLC_SYSCONFDIR}/xlc/web.cfg"
	run "${XLC}" create -nq web.cfg
	[ "$(printf '%s' "${output}" | jq -r .c_info.name)" = from-xlc ]
}

@test "cli: 'create web' finds /etc/xen/web.cfg; a config that is nowhere says where xlc looked" {
	printf 'name = "from-xen"\nmemory = 64\n' >"${XLC_SYSCONFDIR}/xen/web.cfg"
	cd "${SANDBOX}"
	run "${XLC}" create -nq web
	[ "${status}" -eq 0 ]
	[ "$(printf '%s' "${output}" | jq -r .c_info.name)" = from-xen ]
	run "${XLC}" create -nq -f web
	[ "$(printf '%s' "${output}" | jq -r .c_info.name)" = from-xen ]
	run --separate-stderr "${XLC}" create -nq nosuch
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: cannot find config file nosuch: not in the current directory, ${XLC_SYSCONFDIR}/xlc/ or ${XLC_SYSCONFDIR}/xen/ (as nosuch or nosuch.cfg)" ]
}

@test "cli: create with nothing to create says so; the names . and .. are refused" {
	run --separate-stderr "${XLC}" create
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: Config file not specified: give one, as in 'xlc create web.cfg', or key=value settings" ]
	for n in . ..; do
		run --separate-stderr "${XLC}" create -nq "${SANDBOX}/g.cfg" "name=\"${n}\""
		[ "${status}" -eq 1 ]
		[ "${stderr}" = "xlc: command line:1: name = \"${n}\": a name is 1 to 64 letters, digits or '-_.+@', not only digits, and not . or .." ]
	done
	run "${XLC}" create -nq "${SANDBOX}/g.cfg" 'name="..."'
	[ "${status}" -eq 0 ]
}

@test "cli: create --auto without an auto directory has nothing to do, as xendomains (exit 0)" {
	run --separate-stderr "${XLC}" create --auto
	[ "${status}" -eq 0 ]
	[ "${output}" = "${XLC_SYSCONFDIR}/xlc/auto does not exist: no guests to start" ]
	[ -z "${stderr}" ]
}

@test "cli: as a user who may not write the run directory, xlc says what to do" {
	mkdir -p "${SANDBOX}/rootdir"
	chmod 0755 "${SANDBOX}" "${SANDBOX}/rootdir"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups env \
		XLC_RUN_DIR="${SANDBOX}/rootdir/run" "${XLC}" list
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: cannot create the run directory ${SANDBOX}/rootdir/run: Permission denied; run xlc as root, or choose a folder you may write to" ]
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups env \
		XLC_RUN_DIR="${SANDBOX}/rootdir" "${XLC}" list
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: the run directory ${SANDBOX}/rootdir belongs to uid 0, not to uid 65534 that runs xlc; chown it or choose another" ]
}

@test "cli: a missing config file is a clear failure (exit 1)" {
	run "${XLC}" create -n "${SANDBOX}/nope.cfg"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"cannot read config file ${SANDBOX}/nope.cfg: No such file or directory"* ]]
}

@test "cli: two config files are a usage error" {
	run "${XLC}" create -n a.cfg b.cfg
	[ "${status}" -eq 2 ]
}

@test "backend: -b, then XLC_BACKEND, then xlc.conf, then the default" {
	run "${XLC}" -v -b kvm create -nq "${SANDBOX}/g.cfg"
	[[ "${output}" == *"using the kvm backend (chosen by -b)"* ]]
	XLC_BACKEND=kvm run "${XLC}" -v create -nq "${SANDBOX}/g.cfg"
	[[ "${output}" == *"(chosen by XLC_BACKEND)"* ]]
	printf 'backend = "kvm"\n' >"${XLC_SYSCONFDIR}/xlc/xlc.conf"
	run "${XLC}" -v create -nq "${SANDBOX}/g.cfg"
	[[ "${output}" == *"(chosen by xlc.conf)"* ]]
	rm "${XLC_SYSCONFDIR}/xlc/xlc.conf"
	run "${XLC}" -v create -nq "${SANDBOX}/g.cfg"
	[[ "${output}" == *"using the kvm backend (chosen by the default)"* ]]
}

@test "backend: an unknown backend is refused" {
	run "${XLC}" -b vmware create -q "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"unknown backend 'vmware'; use kvm or xen"* ]]
	printf 'backend = "hyperv"\n' >"${XLC_SYSCONFDIR}/xlc/xlc.conf"
	run "${XLC}" create -nq "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"xlc.conf:1: backend = \"hyperv\": unknown backend"* ]]
}

@test "xlc.conf: vif.default.bridge fills in vifs without a bridge" {
	printf 'vif.default.bridge = "br-fleet"\nautoballoon = "off"\n' >"${XLC_SYSCONFDIR}/xlc/xlc.conf"
	run "${XLC}" create -nq "${SANDBOX}/g.cfg" 'vif+=["bridge=own"]'
	[ "${status}" -eq 0 ]
	[ "$(printf '%s' "${output}" | jq -r '.nics[0].bridge')" = br-fleet ]
	[ "$(printf '%s' "${output}" | jq -r '.nics[1].bridge')" = own ]
}

@test "xlc.conf: a typo in it is an error naming the file" {
	printf 'vif.default.bridg = "x"\n' >"${XLC_SYSCONFDIR}/xlc/xlc.conf"
	run "${XLC}" create -nq "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"xlc.conf:1: vif.default.bridg = \"x\": unknown key; did you mean 'vif.default.bridge'?"* ]]
}

@test "xlc.conf: vmm_vhost_net takes 0 or 1; anything else names the file, line and value" {
	printf 'vmm_vhost_net = 2\n' >"${XLC_SYSCONFDIR}/xlc/xlc.conf"
	run "${XLC}" create -nq "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"xlc.conf:1: vmm_vhost_net = 2: out of range (0 to 1)"* ]]
	printf 'vmm_vhost_net = 0\n' >"${XLC_SYSCONFDIR}/xlc/xlc.conf"
	run "${XLC}" create -nq "${SANDBOX}/g.cfg"
	[ "${status}" -eq 0 ]
}

@test "kvm: Xen-only keys are accepted and warned about once" {
	printf 'pae = 1\nvnc = 1\nviridian = [ "base" ]\n' >>"${SANDBOX}/g.cfg"
	run --separate-stderr "${XLC}" -b kvm create -nq "${SANDBOX}/g.cfg"
	[ "${status}" -eq 0 ]
	[ "${stderr}" = "xlc: ${SANDBOX}/g.cfg: ignored by the kvm backend: pae (line 4), viridian (line 6), vnc (line 5)" ]
	run --separate-stderr "${XLC}" -b kvm create -nq "${SANDBOX}/g.cfg" 'sdl=1'
	[[ "${stderr}" == *", sdl (command line), "* ]]
}

@test "xen: no warning for Xen-only keys when built with Xen" {
	"${XLC}" -b xen create -nq /dev/null 'name="x"' 2>&1 | grep -q 'without Xen support' && skip "built without Xen"
	printf 'pae = 1\n' >>"${SANDBOX}/g.cfg"
	run --separate-stderr "${XLC}" -b xen create -nq "${SANDBOX}/g.cfg"
	[ "${status}" -eq 0 ]
	[ -z "${stderr}" ]
}

@test "kvm: vnuma is read (lists of lists) and named among the keys kvm ignores" {
	c="${TESTS_DIR}/diff/corpus/73-vnuma-multiline.cfg"
	run --separate-stderr "${XLC}" -b kvm create -nq "$c"
	[ "${status}" -eq 0 ]
	[ "${stderr}" = "xlc: $c: ignored by the kvm backend: vnuma (line 17)" ]
	# The vnodes still size the guest, as in xl: their vCPUs and MiB are its maxima.
	[ "$(jq -c '.b_info | [.max_vcpus, .max_memkb, (.vnuma_nodes | length)]' <<<"${output}")" = '[6,1048576,3]' ]
}

@test "xen: create -n -b xen hands vnuma's vnodes to libxl as xl does" {
	"${XLC}" -b xen create -nq /dev/null 'name="x"' 2>&1 | grep -q 'without Xen support' && skip "built without Xen"
	c="${TESTS_DIR}/diff/corpus"
	run --separate-stderr "${XLC}" -b xen create -nq "$c/72-libvirt-vnuma-2nodes.cfg"
	[ "${status}" -eq 0 ]
	# libxl_vnode_info from libxl's own JSON: memkb, distances, pnode (0 left out), vcpus.
	[ "$(jq -c '[.b_info.vnuma_nodes[] | [.memkb, .distances, .pnode, .vcpus]]' <<<"${output}")" = \
		'[[1048576,[10,20],1,[0,2]],[3145728,[20,10],null,[1,3]]]' ]
	[ "$(jq -c '.b_info | [.max_vcpus, .avail_vcpus, .max_memkb, .target_memkb, .numa_placement]' <<<"${output}")" = \
		'[4,[0,1],4194304,2097152,"False"]' ]
	run --separate-stderr "${XLC}" -b xen create -nq "$c/71-libvirt-vnuma-4nodes.cfg"
	[ "${status}" -eq 0 ]
	[ "$(jq -c '[.b_info.vnuma_nodes[] | .vcpus]' <<<"${output}")" = '[[0,1],[2,3],[4,5],[6,7]]' ]
	[ "$(jq -c '.b_info.vnuma_nodes[3].distances' <<<"${output}")" = '[41,31,21,10]' ]
	# vsnd, the other list of lists, is passed too; this file's "id=" is no
	# stream parameter, which xl refuses as well: one line naming it, exit 1.
	run --separate-stderr "${XLC}" -b xen create -nq "$c/77-vsnd-lists.cfg"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: $c/77-vsnd-lists.cfg:6: vsnd: card 0: \"STREAM, id=0, type=p\": Invalid parameter: id" ]
}

@test "xen: a build without libxenlight says so for -b xen" {
	# run.sh builds it; a run of this file alone builds it here.
	if [ -z "${XLC_NOXEN:-}" ]; then
		make -s -C "${REPO_DIR}" BUILD=build/noxen XEN=0 build/noxen/bin/xlc
		XLC_NOXEN="${REPO_DIR}/build/noxen/bin/xlc"
	fi
	[ -x "${XLC_NOXEN}" ] || { echo "XLC_NOXEN=${XLC_NOXEN} is not a XEN=0 build of xlc"; return 1; }
	run "${XLC_NOXEN}" -b xen create -q "${SANDBOX}/g.cfg"
	[ "${status}" -eq 1 ]
	[[ "${output}" == *"built without Xen support"* ]]
	run "${XLC_NOXEN}" -b kvm create -nq "${SANDBOX}/g.cfg"
	[ "${status}" -eq 0 ]
}

@test "install: binary, man pages and bash completion land under DESTDIR" {
	cd "${REPO_DIR}"
	make -s install DESTDIR="${SANDBOX}/dest" PREFIX=/usr/local >/dev/null
	[ -x "${SANDBOX}/dest/usr/local/bin/xlc" ]
	[ -f "${SANDBOX}/dest/usr/local/share/man/man1/xlc.1" ]
	[ -f "${SANDBOX}/dest/usr/local/share/man/man5/xlc.cfg.5" ]
	[ -f "${SANDBOX}/dest/usr/local/share/bash-completion/completions/xlc" ]
	# The man page renders (no fallback to the source), with the version.
	run env MANWIDTH=80 man -l "${SANDBOX}/dest/usr/local/share/man/man5/xlc.cfg.5"
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"xlc $(cat VERSION)"* ]]
	[[ "${output}" == *"KEYS XL IGNORES"* ]]
	# The host's files carry this install's paths, whatever was built before.
	grep -qx 'ExecStart=/usr/local/lib/xlc/xlc-guests start' \
		"${SANDBOX}/dest/usr/local/lib/systemd/system/xlc-guests.service"
	make -s install DESTDIR="${SANDBOX}/opt" PREFIX=/opt/xlc >/dev/null
	grep -qx 'ExecStart=/opt/xlc/lib/xlc/xlc-guests start' \
		"${SANDBOX}/opt/opt/xlc/lib/systemd/system/xlc-guests.service"
	grep -qx 'ExecStart=/opt/xlc/bin/xlc metrics --http' \
		"${SANDBOX}/opt/opt/xlc/lib/systemd/system/xlc-metrics@.service"
	grep -q '^XLC=${XLC:-/opt/xlc/bin/xlc}$' "${SANDBOX}/opt/opt/xlc/lib/xlc/xlc-guests"
	[ -f "${SANDBOX}/opt/etc/xlc/xlc.conf" ]
	[ -f "${SANDBOX}/opt/etc/logrotate.d/xlc" ]
	# A second install keeps the admin's xlc.conf.
	echo '# mine' >"${SANDBOX}/opt/etc/xlc/xlc.conf"
	make -s install DESTDIR="${SANDBOX}/opt" PREFIX=/opt/xlc >/dev/null
	[ "$(cat "${SANDBOX}/opt/etc/xlc/xlc.conf")" = "# mine" ]
	# No xl link unless asked for; with XL_LINK=1, xl is xlc and says so.
	[ ! -e "${SANDBOX}/dest/usr/local/bin/xl" ]
	make -s install DESTDIR="${SANDBOX}/dest" PREFIX=/usr/local XL_LINK=1 >/dev/null
	[ "$(readlink "${SANDBOX}/dest/usr/local/bin/xl")" = xlc ]
	# bash-completion loads completions/<command>: xl gets xlc's.
	[ "$(readlink "${SANDBOX}/dest/usr/local/share/bash-completion/completions/xl")" = xlc ]
	run "${SANDBOX}/dest/usr/local/bin/xl" help
	[[ "${lines[0]}" == "Usage: xl "* ]]
}

@test "build: the binary exports none of its own functions, so none can replace a library's" {
	# A PIE exports its functions that a shared library also names, and the
	# library's calls then land in ours (our uuid_parse once replaced libuuid's
	# inside libxenlight). -fvisibility=hidden must keep every one local.
	objs="${REPO_DIR}/build/obj"
	[[ "${XLC}" == */asan/* ]] && objs="${REPO_DIR}/build/asan"
	ours=$(find "${objs}" -name '*.o' -not -path '*/tests/*' -exec nm --defined-only -g {} + |
		awk '$2 == "T" { print $3 }' | sort -u)
	[ "$(wc -l <<<"${ours}")" -gt 100 ]
	exported=$(nm -D --defined-only "${XLC}" | awk '{ print $3 }' | sort -u)
	run comm -12 <(echo "${ours}") <(echo "${exported}")
	echo "exported: ${output}"
	[ -z "${output}" ]
}

@test "legacy keys: each xm key xl ignores loads with a warning naming file, line and key" {
	cfg="${TESTS_DIR}/diff/corpus/69-xm-keys-xl-ignores.cfg"
	run --separate-stderr "${XLC}" -b kvm create -nq "${cfg}"
	[ "${status}" -eq 0 ]
	[ "$(jq -r .c_info.name <<<"${output}")" = xm-era ]
	# One warning per key, at the key's own line, and nothing else.
	n=0
	while IFS= read -r line; do
		[[ "${line}" =~ ^xlc:\ ${cfg}:([0-9]+):\ ([a-z_0-9]+)\ =\ .*:\ ignored,\ as\ xl\ ignores\ it ]] ||
			{ echo "not a legacy-key warning: ${line}"; return 1; }
		[ "$(sed -n "${BASH_REMATCH[1]}p" "${cfg}" | cut -d' ' -f1)" = "${BASH_REMATCH[2]}" ] ||
			{ echo "wrong line: ${line}"; return 1; }
		n=$((n + 1))
	done <<<"${stderr}"
	[ "${n}" -eq 44 ]
	# The replacement is named where xl has one.
	[[ "${stderr}" == *"cpu_cap = 50: ignored, as xl ignores it; xl reads cap"* ]]
	# A misspelling of a key xl reads is still an error, with the key meant.
	for typo in "memroy = 128:memory" "vcpu = 2:vcpus" "on_powerof = 'destroy':on_poweroff"; do
		printf 'name = "t"\n%s\n' "${typo%:*}" >"${SANDBOX}/t.cfg"
		run --separate-stderr "${XLC}" create -nq "${SANDBOX}/t.cfg"
		[ "${status}" -eq 1 ] || { echo "${typo}: ${status}"; return 1; }
		[[ "${stderr}" == *"t.cfg:2: "*": unknown key; did you mean '${typo##*:}'?" ]]
	done
}

@test "legacy keys: xen-tools, Ganeti, libvirt and Xen's examples load on both backends, warnings only" {
	"${XLC}" -b xen create -nq /dev/null 'name="x"' 2>&1 | grep -q 'without Xen support' && skip "built without Xen"
	n=0
	for cfg in "${TESTS_DIR}"/diff/corpus/{57,58,59,60,61,62,63,64,65,66,67,68,69,70}-*.cfg; do
		for be in kvm xen; do
			run --separate-stderr "${XLC}" -b "${be}" create -nq "${cfg}"
			[ "${status}" -eq 0 ] || { echo "${be} ${cfg}: ${status}: ${stderr}"; return 1; }
			jq -e .c_info.name <<<"${output}" >/dev/null
			# Every warning names the file and a line.
			while IFS= read -r line; do
				[ -z "${line}" ] && continue
				[[ "${line}" =~ ^xlc:\ ${cfg}(:[0-9]+:|:\ ignored\ by\ the\ kvm\ backend:\ .*\(line\ [0-9]+\)$) ]] ||
					{ echo "${be}: a warning without a line: ${line}"; return 1; }
			done <<<"${stderr}"
		done
		n=$((n + 1))
	done
	[ "${n}" -eq 14 ]
	# What they meant survives where xl keeps it: Ganeti's cpuid, xen-tools' root and extra.
	[ "$("${XLC}" -b xen create -nq "${TESTS_DIR}/diff/corpus/63-ganeti-pv.cfg" 2>/dev/null | jq -r '.b_info.cpuid.cpuid[0].leaf')" = 1 ]
	[ "$("${XLC}" -b kvm create -nq "${TESTS_DIR}/diff/corpus/57-xen-tools-dhcp.cfg" 2>/dev/null | jq -r .b_info.cmdline)" = "root=/dev/xvda2 ro elevator=noop" ]
}

@test "unknown keys: refused by default; unknown_keys = warn (xlc.conf) or --unknown-keys warn lets them pass" {
	printf 'name = "u"\nmy_site_key = "rack 4"\nmemroy = 64\n' >"${SANDBOX}/u.cfg"
	run --separate-stderr "${XLC}" create -nq "${SANDBOX}/u.cfg"
	[ "${status}" -eq 1 ]
	[ "${stderr}" = "xlc: ${SANDBOX}/u.cfg:2: my_site_key = \"rack 4\": unknown key" ]
	run --separate-stderr "${XLC}" create -nq --unknown-keys warn "${SANDBOX}/u.cfg"
	[ "${status}" -eq 0 ]
	[ "${stderr}" = "$(printf '%s\n%s' \
		"xlc: ${SANDBOX}/u.cfg:2: my_site_key = \"rack 4\": not an xl.cfg key; ignored (unknown_keys = warn)" \
		"xlc: ${SANDBOX}/u.cfg:3: memroy = 64: not an xl.cfg key; ignored (unknown_keys = warn); did you mean 'memory'?")" ]
	[ "$(jq .b_info.max_memkb <<<"${output}")" = null ] # memroy set nothing
	echo 'unknown_keys = "warn"' >"${SANDBOX}/etc/xlc/xlc.conf"
	run --separate-stderr "${XLC}" create -nq "${SANDBOX}/u.cfg"
	[ "${status}" -eq 0 ]
	run --separate-stderr "${XLC}" create -nq --unknown-keys error "${SANDBOX}/u.cfg"
	[ "${status}" -eq 1 ]
	echo 'unknown_keys = "sometimes"' >"${SANDBOX}/etc/xlc/xlc.conf"
	run --separate-stderr "${XLC}" create -nq "${SANDBOX}/u.cfg"
	[ "${status}" -eq 1 ]
	[[ "${stderr}" == *"xlc.conf:1: unknown_keys = \"sometimes\": use error or warn" ]]
}

# A command's parser and its help are made from one option table
# (xlc/commands.c); XLC_LIST_OPTIONS makes the parser list what it takes, so
# the help's rendering of that table is held to the parser here, both ways.
@test "help: every option a command takes is in its help, and every option its help names is taken" {
	export LC_ALL=C
	local c taken helped bad=0
	run "${XLC}" help
	[ "${status}" -eq 0 ]
	for c in $(awk '/^ [a-z]/ { print $1 }' <<<"${output}"); do
		# A parser that does not list would run the command: bounded.
		taken=$(XLC_LIST_OPTIONS=1 timeout 5 "${XLC}" "${c}" </dev/null 2>/dev/null
			printf -- '-h\n--help\n')
		taken=$(grep -E '^--?[a-zA-Z]' <<<"${taken}" | sort -u)
		# Options named in the usage line (but the global ones before the
		# command's name) and in the option lines.
		helped=$("${XLC}" help "${c}" | sed '1s/^Usage: xlc \[[^]]*\] [a-z-]*//' |
			grep -oE '(^|[^a-zA-Z0-9-])--?[a-zA-Z][a-zA-Z0-9-]*' | sed 's/^[^-]*//' | sort -u)
		missing=$(comm -23 <(echo "${taken}") <(echo "${helped}") | grep -vxE -- '-h|--help|' || true)
		unknown=$(comm -13 <(echo "${taken}") <(echo "${helped}") | grep -vx '' || true)
		if [ -n "${missing}${unknown}" ]; then
			echo "${c}: taken, not in its help: ${missing//$'\n'/ }; in its help, not taken: ${unknown//$'\n'/ }"
			bad=1
		fi
	done
	[ "${bad}" -eq 0 ]
	# The listing is the parser's own: an option removed from it shows.
	[ "$(XLC_LIST_OPTIONS=1 timeout 5 "${XLC}" vcpu-set | sort | tr '\n' ' ')" = "--ignore-host -i " ]
}

# The man page is written by hand: each command has its paragraph under
# COMMANDS (a .TP whose heading names it), and the paragraph names every
# option the command's parser takes.
@test "man: xlc.1 has a paragraph for each command, naming every option it takes" {
	local man c o para bad=0
	man=$(sed -e 's/\\f[BRIP]//g' -e 's/\\-/-/g' -e 's/\\(dq/"/g' "${REPO_DIR}/man/xlc.1")
	run "${XLC}" help
	[ "${status}" -eq 0 ]
	for c in $(awk '/^ [a-z]/ { print $1 }' <<<"${output}"); do
		# From the .TP whose heading names c to the next .TP or .SH outside .RS.
		para=$(awk -v c="${c}" '
			BEGIN { pat = "^\\.B[RI]? (.*[\" ])?" c "([ \"]|$)" }
			inpara && /^\.RS/ { depth++ }
			inpara && /^\.RE/ { depth-- }
			inpara && /^\.(TP|SH)/ && depth == 0 { exit }
			/^\.TP/ { tp = 1; next }
			tp && !inpara && $0 ~ pat { inpara = 1 }
			{ tp = 0 }
			inpara { print }' <<<"${man}")
		if [ -z "${para}" ]; then
			echo "${c}: no paragraph in xlc.1"
			bad=1
			continue
		fi
		for o in $(XLC_LIST_OPTIONS=1 timeout 5 "${XLC}" "${c}" </dev/null 2>/dev/null); do
			if ! grep -qE -- "(^|[^a-zA-Z0-9-])${o}([^a-zA-Z0-9-]|$)" <<<"${para}"; then
				echo "${c}: ${o} is not in its paragraph in xlc.1"
				bad=1
			fi
		done
	done
	[ "${bad}" -eq 0 ]
}
