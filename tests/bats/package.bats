#!/usr/bin/env bats
# The Debian package: built with debhelper from this tree (make deb), free of
# lintian errors, hardened, and installed, used and removed in a clean
# Debian 12 root (debootstrap) with apt-get, as an admin would.

load helper

setup_file() {
	export DEB_LOG="${BATS_FILE_TMPDIR}/deb.log"
	make -C "${REPO_DIR}" deb >"${DEB_LOG}" 2>&1 || true
}

setup() {
	VERSION=$(cat "${REPO_DIR}/VERSION")
	DEB="${REPO_DIR}/build/deb/xlc_${VERSION}_amd64.deb"
	[ -f "${DEB}" ] || { tail -30 "${DEB_LOG}"; return 1; }
}

teardown() {
	[ -n "${ROOT:-}" ] && rm -rf "${ROOT}"
	return 0
}

# inroot CMD...: CMD inside the Debian root, with /proc, in a mount namespace
# of its own (the mount ends with the command).
inroot() {
	unshare -m --propagation private sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "${ROOT}" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
		LANG=C.UTF-8 "$@"
}

@test "deb: dpkg-buildpackage builds it; lintian finds no error; the binaries are hardened" {
	grep -q "dpkg-buildpackage: info: binary-only upload" "${DEB_LOG}"
	# make deb runs lintian --fail-on error: its last line would say so.
	run lintian --fail-on error "${DEB}"
	[ "${status}" -eq 0 ]
	[[ "${output}" != *"E: "* ]]
	x="${BATS_TEST_TMPDIR}/x"
	dpkg-deb -x "${DEB}" "${x}"
	# PIE, stack protector, fortify, RELRO, bind-now. Control-flow protection
	# cannot be marked: Debian 12's glibc start files (crt1.o) lack it.
	run hardening-check --nocfprotection "${x}/usr/bin/xlc"
	echo "${output}"
	[ "${status}" -eq 0 ]
	# xlc-vmm is a static PIE, which hardening-check cannot judge (it reads
	# dynamic symbols): the same checks by hand, on the unstripped build.
	vmm="${x}/usr/lib/xlc/xlc-vmm"
	[[ "$(readelf -h "${vmm}")" == *"DYN (Position-Independent Executable file)"* ]]
	[[ "$(readelf -d "${vmm}")" == *"Flags: NOW PIE"* ]]
	[[ "$(readelf -lW "${vmm}")" == *GNU_RELRO* ]]
	[ -z "$(readelf -d "${vmm}" | grep NEEDED)" ] # no shared library at all
	built="${REPO_DIR}/build/deb/src/build/obj/bin/xlc-vmm"
	cmp <(objcopy --strip-all "${built}" /dev/stdout | sha256sum) \
		<(objcopy --strip-all "${vmm}" /dev/stdout | sha256sum)
	nm "${built}" | grep -q ' __stack_chk_fail$'
	nm "${built}" | grep -q ' __memcpy_chk$'
}

@test "deb: apt-get installs it in a clean Debian 12 root; --version, man, units verify; it removes cleanly" {
	ROOT="${BATS_TEST_TMPDIR}/root"
	"${TESTS_DIR}/package/root.sh" "${ROOT}"
	inroot dpkg-query -W -f='${Package}\n' >"${BATS_TEST_TMPDIR}/before"
	cp "${DEB}" "${ROOT}/tmp/"
	# Without recommends: logrotate's cron would bring an MTA whose set-up
	# fails in a chroot, which says nothing of xlc.
	run inroot apt-get install -y -q --no-install-recommends "/tmp/$(basename "${DEB}")"
	echo "${output}" | tail -20
	[ "${status}" -eq 0 ]
	run inroot xlc --version
	[ "${status}" -eq 0 ]
	[ "${lines[0]}" = "xlc ${VERSION}" ]
	run inroot sh -c 'MANPAGER=cat MANWIDTH=80 man xlc 2>&1'
	[ "${status}" -eq 0 ]
	[[ "${output}" == *"xlc ${VERSION}"* ]]
	[[ "${output}" == *"DIFFERENCES FROM XL"* ]]
	run inroot sh -c 'MANPAGER=cat MANWIDTH=80 man 5 xlc.cfg 2>&1'
	[[ "${output}" == *"KEYS XL IGNORES"* ]]
	run inroot systemd-analyze verify /lib/systemd/system/xlc-guests.service \
		/lib/systemd/system/xlc-metrics.socket /lib/systemd/system/xlc-metrics@.service
	echo "${output}"
	[ "${status}" -eq 0 ]
	[ -z "${output}" ]
	# Its conffiles, its tmpfiles (applied by the postinst), and the script.
	run inroot dpkg-query -W -f='${Conffiles}\n' xlc
	[[ "${output}" == *"/etc/xlc/xlc.conf "* ]]
	[[ "${output}" == *"/etc/default/xlc "* ]]
	[[ "${output}" == *"/etc/logrotate.d/xlc "* ]]
	[ -d "${ROOT}/var/log/xlc/console" ]
	run inroot /usr/lib/xlc/xlc-guests start
	[ "${status}" -eq 0 ]
	run inroot xlc create -n "/etc/xlc/auto/none.cfg"
	[ "${status}" -eq 1 ] # a clear failure, from the installed xlc
	# Removal leaves the conffiles only; purge leaves nothing of xlc.
	run inroot apt-get remove -y -q xlc
	[ "${status}" -eq 0 ]
	[ ! -e "${ROOT}/usr/bin/xlc" ]
	[ ! -e "${ROOT}/usr/lib/xlc" ]
	[ -f "${ROOT}/etc/xlc/xlc.conf" ]
	run inroot apt-get purge -y -q xlc
	[ "${status}" -eq 0 ]
	[ ! -e "${ROOT}/etc/xlc" ]
	[ ! -e "${ROOT}/etc/default/xlc" ]
	[ ! -e "${ROOT}/etc/logrotate.d/xlc" ]
	run inroot dpkg -S xlc
	[ "${status}" -eq 1 ]
	run inroot apt-get autoremove -y -q --purge
	inroot dpkg-query -W -f='${Package}\n' >"${BATS_TEST_TMPDIR}/after"
	diff "${BATS_TEST_TMPDIR}/before" "${BATS_TEST_TMPDIR}/after"
}
