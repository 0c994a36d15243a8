#!/bin/bash
# Builds the Linux guest fixture from Debian packages only, into
# tests/.cache/guest/:
#   vmlinuz               the kernel linux-image-cloud-amd64 resolves to
#   initramfs.cpio.gz     busybox-static, the virtio modules, and init.sh as /init
#   packages.lock         the exact package names and versions used (the pin)
# A second run with the same inputs does nothing (a stamp hashes them).
#
#   tests/guests/mkguest.sh [--refresh]   --refresh re-resolves the packages
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${XLC_CACHE:-${HERE}/../.cache}"
OUT="${CACHE}/guest"
DEBS="${CACHE}/debs"
# virtio devices the VMM offers, plus what the test hosts need (Xen's PV
# block and net frontends for the Xen host's guests); their
# dependencies are added in load order from modules.dep.
MODULES=${XLC_MODULES:-"virtio_mmio virtio_pci virtio_blk virtio_net virtio_console virtio_balloon virtio-rng button evdev pvpanic-mmio xen-blkfront xen-netfront"}

. "${HERE}/../hosts/lib/debs.sh"

mkdir -p "${OUT}" "${DEBS}"
[ "${1:-}" = --refresh ] && rm -f "${OUT}/packages.lock"

if [ ! -s "${OUT}/packages.lock" ]; then
	kpkg=$(resolve_kernel_package linux-image-cloud-amd64)
	lock_packages "${OUT}/packages.lock" "${kpkg}" busybox-static
fi

stamp=$( (cat "$0" "${HERE}/init.sh" "${HERE}/../hosts/lib/debs.sh" "${OUT}/packages.lock"; echo "${MODULES}") | sha256sum | cut -c1-16)
if [ -f "${OUT}/stamp" ] && [ "$(cat "${OUT}/stamp")" = "${stamp}" ] &&
	[ -s "${OUT}/initramfs.cpio.gz" ] && [ -s "${OUT}/vmlinuz" ]; then
	exit 0
fi

fetch_locked "${OUT}/packages.lock" "${DEBS}"
kpkg=$(awk '/^linux-image/ {print $1}' "${OUT}/packages.lock")
kdir=$(extracted_dir "${OUT}/packages.lock" "${kpkg}" "${DEBS}")
bdir=$(extracted_dir "${OUT}/packages.lock" busybox-static "${DEBS}")
krel=$(ls "${kdir}/lib/modules")
cp "${kdir}/boot/vmlinuz-${krel}" "${OUT}/vmlinuz"
cp "${kdir}/boot/config-${krel}" "${OUT}/kconfig"

root="${OUT}/root"
rm -rf "${root}"
make_busybox_root "${root}" "${bdir}/bin/busybox"
install_modules "${kdir}" "${krel}" "${root}" "${bdir}/bin/busybox" ${MODULES}
install -m 0755 "${HERE}/init.sh" "${root}/init"
pack_cpio "${root}" | gzip -9n >"${OUT}/initramfs.cpio.gz.tmp"
mv "${OUT}/initramfs.cpio.gz.tmp" "${OUT}/initramfs.cpio.gz"
echo "${krel}" >"${OUT}/kernel-release"
echo "${stamp}" >"${OUT}/stamp"
echo "mkguest: ${OUT}: kernel ${krel}, initramfs $(stat -c %s "${OUT}/initramfs.cpio.gz") bytes"
