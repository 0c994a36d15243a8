#!/bin/bash
# Builds the Xen test host into tests/.cache/hosts/xen/:
#   xen           the Xen 4.17 hypervisor (xen-hypervisor-4.17-amd64), unpacked
#                 for QEMU's multiboot -kernel
#   vmlinuz       dom0's kernel: linux-image-amd64 (the cloud kernel lacks
#                 XEN_PV_DOM0)
#   dom0.cpio.zst a Debian minbase rootfs (debootstrap) with the Xen tools from
#                 the same suite as the host's libxen-dev, Xen's kernel modules
#                 and xen-init.sh as /init
# Rebuilt only when its inputs change.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${XLC_CACHE:-${HERE}/../.cache}"
. "${HERE}/lib/debs.sh"
out="${CACHE}/hosts/xen"
debs="${CACHE}/debs"
mkdir -p "${out}" "${debs}"
# Packages inside dom0; the Xen tools come from apt inside the chroot so that
# they match the host's libxen-dev (bookworm-security has the newer build).
# qemu-system-xen: the device model libxl starts for a PV guest's channels,
# USB controllers, 9pfs shares and vTPM-less consoles, as on a real dom0.
DOM0_PACKAGES="xen-utils-4.17 xen-utils-common xenstore-utils kmod iproute2 procps busybox bridge-utils libconfuse2 libyajl2 libncursesw6 jq qemu-system-xen"
# loop: the block hotplug script attaches file images (block-attach) through it.
XEN_MODULES="xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-blkback xen-netback tun bridge loop"

[ -s "${out}/packages.lock" ] || lock_packages "${out}/packages.lock" \
	xen-hypervisor-4.17-amd64 "$(resolve_kernel_package linux-image-amd64)" busybox-static
stamp=$( (cat "$0" "${HERE}/lib/debs.sh" "${HERE}/xen-init.sh" "${out}/packages.lock";
	echo "${DOM0_PACKAGES} ${XEN_MODULES}") | sha256sum | cut -c1-16)
if [ -f "${out}/stamp" ] && [ "$(cat "${out}/stamp")" = "${stamp}" ]; then
	exit 0
fi
fetch_locked "${out}/packages.lock" "${debs}"
xdir=$(extracted_dir "${out}/packages.lock" xen-hypervisor-4.17-amd64 "${debs}")
kpkg=$(awk '/^linux-image/ {print $1}' "${out}/packages.lock")
kdir=$(extracted_dir "${out}/packages.lock" "${kpkg}" "${debs}")
busybox=$(extracted_dir "${out}/packages.lock" busybox-static "${debs}")/bin/busybox
krel=$(ls "${kdir}/lib/modules")
gunzip -c "${xdir}"/boot/xen-4.17-amd64.gz >"${out}/xen"
cp "${kdir}/boot/vmlinuz-${krel}" "${out}/vmlinuz"

# The rootfs: debootstrap from the mirror apt already uses, then the tools.
rootfs="${CACHE}/hosts/xen-rootfs"
# .done holds the package list the rootfs was made with: another list makes it anew.
if [ "$(cat "${rootfs}/.done" 2>/dev/null)" != "${DOM0_PACKAGES}" ]; then
	rm -rf "${rootfs}"
	mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null ||
		true)
	[ -n "${mirror}" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
	debootstrap --variant=minbase bookworm "${rootfs}" "${mirror}" >"${out}/debootstrap.log" 2>&1 ||
		{ echo "mkxen: debootstrap failed; see ${out}/debootstrap.log" >&2; exit 1; }
	cp -a /etc/apt/sources.list.d/. "${rootfs}/etc/apt/sources.list.d/"
	[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "${rootfs}/etc/apt/"
	rm -f "${rootfs}"/etc/apt/sources.list.d/*.disabled*
	chroot "${rootfs}" apt-get update -qq >>"${out}/debootstrap.log" 2>&1
	DEBIAN_FRONTEND=noninteractive chroot "${rootfs}" apt-get install -y -qq \
		--no-install-recommends ${DOM0_PACKAGES} >>"${out}/debootstrap.log" 2>&1 ||
		{ echo "mkxen: installing the Xen tools failed; see ${out}/debootstrap.log" >&2; exit 1; }
	chroot "${rootfs}" apt-get clean
	rm -rf "${rootfs}"/var/lib/apt/lists/* "${rootfs}"/usr/share/doc "${rootfs}"/usr/share/man \
		"${rootfs}"/usr/share/locale
	echo "${DOM0_PACKAGES}" >"${rootfs}/.done"
fi

root="${out}/root"
rm -rf "${root}"
cp -a "${rootfs}" "${root}"
rm -f "${root}/.done"
mkdir -p "${root}/lib/modules"
install_modules "${kdir}" "${krel}" "${root}" "${busybox}" ${XEN_MODULES}
sed 's|.*/||; s|\.ko$||' "${root}/lib/modules/load.list" >"${root}/lib/modules/xlc-load.list"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "${kdir}/lib/modules/${krel}/${f}" ] && cp "${kdir}/lib/modules/${krel}/${f}" "${root}/lib/modules/${krel}/"
done
chroot "${root}" depmod "${krel}"
install -m 0755 "${HERE}/xen-init.sh" "${root}/init"
mkdir -p "${root}/payload"
pack_cpio "${root}" | zstd -q -T0 -9 >"${out}/dom0.cpio.zst.tmp"
mv "${out}/dom0.cpio.zst.tmp" "${out}/dom0.cpio.zst"
rm -rf "${root}"
echo "${stamp}" >"${out}/stamp"
echo "mkxen: ${out}: dom0 $(stat -c %s "${out}/dom0.cpio.zst") bytes, kernel ${krel}"
