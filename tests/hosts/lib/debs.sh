# shellcheck shell=bash
# The one image builder shared by the guest fixture and both test hosts:
# resolve and pin Debian packages, download and unpack them (no install),
# and pack a busybox root with kernel modules and host binaries into a
# reproducible initramfs. Sourced, not run.

# The versioned kernel package a meta-package depends on.
resolve_kernel_package() {
	apt-cache depends "$1" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
}

# Writes "package version" lines for the candidates apt would install now.
lock_packages() {
	local lock=$1 pkg ver
	shift
	: >"${lock}.tmp"
	for pkg in "$@"; do
		ver=$(apt-cache policy "${pkg}" 2>/dev/null | awk '/Candidate:/ {print $2}')
		if [ -z "${ver}" ] || [ "${ver}" = "(none)" ]; then
			echo "debs: no candidate for ${pkg}: run 'apt-get update' (tests/deps.sh does)" >&2
			return 1
		fi
		echo "${pkg} ${ver}" >>"${lock}.tmp"
	done
	mv "${lock}.tmp" "${lock}"
}

# The .deb of "pkg ver" in dir, if it is there.
deb_path() {
	local pkg=$1 ver=$2 dir=$3 f
	for f in "${dir}/${pkg}"_*.deb; do
		[ -f "${f}" ] && [ "$(dpkg-deb -f "${f}" Version)" = "${ver}" ] && { echo "${f}"; return 0; }
	done
	return 1
}

extracted_dir() {
	local ver
	ver=$(awk -v p="$2" '$1 == p {print $2}' "$1")
	echo "$3/x/$2_${ver//:/%3a}"
}

# Downloads (once) and unpacks (once) every package of a lock file.
fetch_locked() {
	local lock=$1 dir=$2 pkg ver deb x
	mkdir -p "${dir}/x"
	while read -r pkg ver; do
		deb=$(deb_path "${pkg}" "${ver}" "${dir}") ||
			{ (cd "${dir}" && apt-get download -qq -o APT::Sandbox::User=root "${pkg}=${ver}" >/dev/null) &&
				deb=$(deb_path "${pkg}" "${ver}" "${dir}"); } ||
			{ echo "debs: cannot download ${pkg}=${ver}" >&2; return 1; }
		x=$(extracted_dir "${lock}" "${pkg}" "${dir}")
		if [ ! -d "${x}" ]; then
			dpkg-deb -x "${deb}" "${x}.tmp"
			mv "${x}.tmp" "${x}"
		fi
	done <"${lock}"
}

# A root with busybox, its applet links, and the directories init needs.
make_busybox_root() {
	local root=$1 busybox=$2 applet
	mkdir -p "${root}"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,mnt,etc,root,lib/modules,run,var/log}
	install -m 0755 "${busybox}" "${root}/bin/busybox"
	for applet in $("${busybox}" --list-full); do
		[ -e "${root}/${applet}" ] || ln -s /bin/busybox "${root}/${applet}"
	done
	# The kernel opens /dev/console before /init runs; without root the nodes
	# cannot be made, and init re-opens the console after mounting devtmpfs.
	mknod -m 600 "${root}/dev/console" c 5 1 2>/dev/null || true
	mknod -m 666 "${root}/dev/null" c 1 3 2>/dev/null || true
}

# Copies modules and, depth first, what they depend on; writes load.list in
# load order. Debian's .deb has no modules.dep: busybox depmod makes one.
install_modules() {
	local kdir=$1 krel=$2 root=$3 busybox=$4
	shift 4
	local mdir="${kdir}/lib/modules/${krel}"
	[ -s "${mdir}/modules.dep" ] || "${busybox}" depmod -b "${kdir}" "${krel}"
	awk -v want="$*" '
		function norm(s) { sub(/.*\//, "", s); sub(/\.ko.*$/, "", s); gsub(/-/, "_", s); return s }
		function visit(m,   n, i, parts) {
			if (m in seen) return
			seen[m] = 1
			n = split(deps[m], parts, " ")
			for (i = 1; i <= n; i++) if (parts[i] != "") visit(parts[i])
			print m
		}
		{ path = $1; sub(/:$/, "", path); byname[norm(path)] = path
		  $1 = ""; deps[path] = $0 }
		END {
			n = split(want, w, " ")
			for (i = 1; i <= n; i++) {
				k = norm(w[i])
				if (!(k in byname)) { print "missing module " w[i] > "/dev/stderr"; exit 1 }
				visit(byname[k])
			}
		}' "${mdir}/modules.dep" >"${root}/lib/modules/load.list"
	while read -r m; do
		install -D -m 0644 "${mdir}/${m}" "${root}/lib/modules/${krel}/${m}"
	done <"${root}/lib/modules/load.list"
	sed -i "s|^|${krel}/|" "${root}/lib/modules/load.list"
	cp "${mdir}/modules.dep" "${root}/lib/modules/${krel}/"
}

# Copies a host binary and the shared libraries ldd lists into root.
copy_binary() {
	local root=$1 bin=$2 dest=${3:-$2} lib
	install -D -m 0755 "${bin}" "${root}${dest}"
	for lib in $(ldd "${bin}" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "${root}${lib}" ] || install -D -m 0755 "$(readlink -f "${lib}")" "${root}${lib}"
	done
}

# A reproducible newc cpio of root on stdout.
pack_cpio() {
	(cd "$1" && find . -mindepth 1 -exec touch -h -d @0 {} + &&
		find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet)
}
