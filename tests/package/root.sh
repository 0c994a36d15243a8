#!/bin/bash
# root.sh DIR: a clean Debian 12 root in DIR (debootstrap's minbase, plus
# man-db and systemd, which the package test uses), unpacked from a cached
# tarball made by the first run, with this host's apt sources (bookworm,
# -updates, -security, as a Debian 12 host has) freshly read.
set -eu
dir=$1
cache="${XLC_CACHE:-$(cd "$(dirname "$0")/.." && pwd)/.cache}/package"
tarball="${cache}/bookworm-root.tar"
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}

if [ ! -f "${tarball}" ]; then
	mkdir -p "${cache}"
	tmp=$(mktemp -d "${cache}/root.XXXXXX")
	# A bound on a slow mirror: a clear failure, not a hung suite.
	if ! timeout 1200 debootstrap --variant=minbase --include=man-db,systemd bookworm \
		"${tmp}" "${mirror}" >"${cache}/debootstrap.log" 2>&1; then
		echo "root.sh: debootstrap failed; see ${cache}/debootstrap.log" >&2
		rm -rf "${tmp}"
		exit 1
	fi
	rm -rf "${tmp}/var/cache/apt/archives/"*.deb
	chmod 0755 "${tmp}" # the root's /: mktemp made it 0700
	tar -C "${tmp}" -cf "${tarball}.tmp" .
	mv "${tarball}.tmp" "${tarball}"
	rm -rf "${tmp}"
fi
mkdir -p "${dir}"
tar -C "${dir}" -xf "${tarball}"
chmod 0755 "${dir}"
cp /etc/resolv.conf "${dir}/etc/resolv.conf"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	rm -f "${dir}/etc/apt/sources.list"
	cp /etc/apt/sources.list.d/debian.sources "${dir}/etc/apt/sources.list.d/"
fi
if ! timeout 600 chroot "${dir}" apt-get update -q >"${dir}.apt-update.log" 2>&1; then
	echo "root.sh: apt-get update in the root failed; see ${dir}.apt-update.log" >&2
	exit 1
fi
