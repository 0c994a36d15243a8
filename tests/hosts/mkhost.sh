#!/bin/bash
# Builds the base image of a test host into tests/.cache/hosts/<kind>/:
#   kvm   the fixture's cloud kernel + an initramfs with busybox, kvm_amd, tun,
#         bridge, fuse, vhost_net, QEMU (the benchmark peer) with its firmware, and
#         qemu-storage-daemon and qemu-img (qcow2 disks under xlc)
#   xen   see mkxen.sh
# The payload (xlc, tests) is packed per run and appended to the initramfs,
# so the base is rebuilt only when its inputs change.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${XLC_CACHE:-${HERE}/../.cache}"
kind=${1:?usage: mkhost.sh kvm}
. "${HERE}/lib/debs.sh"

# Host binaries the test hosts carry, with their libraries.
HOST_BINARIES="/usr/bin/qemu-system-x86_64 /bin/bash /usr/bin/jq /usr/bin/cmp /usr/bin/stdbuf
	/usr/sbin/mke2fs /usr/sbin/debugfs /usr/bin/qemu-storage-daemon /usr/bin/qemu-img"

"${HERE}/../guests/mkguest.sh"
guest="${CACHE}/guest"
out="${CACHE}/hosts/${kind}"
mkdir -p "${out}"
stamp=$( (cat "$0" "${HERE}/lib/debs.sh" "${HERE}/kvm-init.sh" "${guest}/stamp";
	for b in ${HOST_BINARIES}; do sha256sum "${b}"; done) | sha256sum | cut -c1-16)
if [ -f "${out}/stamp" ] && [ "$(cat "${out}/stamp")" = "${stamp}" ]; then
	exit 0
fi

kpkg=$(awk '/^linux-image/ {print $1}' "${guest}/packages.lock")
kdir=$(extracted_dir "${guest}/packages.lock" "${kpkg}" "${CACHE}/debs")
busybox=$(extracted_dir "${guest}/packages.lock" busybox-static "${CACHE}/debs")/bin/busybox
krel=$(cat "${guest}/kernel-release")

root="${out}/root"
rm -rf "${root}"
make_busybox_root "${root}" "${busybox}"
install_modules "${kdir}" "${krel}" "${root}" "${busybox}" kvm kvm-amd tun bridge \
	virtio_mmio virtio_pci virtio_blk virtio_net virtio-rng fuse vhost_net
for b in ${HOST_BINARIES}; do
	copy_binary "${root}" "${b}"
done
# Debian's QEMU finds its firmware relative to /usr/bin.
mkdir -p "${root}/usr/share"
cp -a /usr/share/qemu /usr/share/seabios "${root}/usr/share/"
install -m 0755 "${HERE}/kvm-init.sh" "${root}/init"
pack_cpio "${root}" >"${out}/initramfs.cpio.tmp"
mv "${out}/initramfs.cpio.tmp" "${out}/initramfs.cpio"
cp "${guest}/vmlinuz" "${out}/vmlinuz"
echo "${stamp}" >"${out}/stamp"
echo "mkhost: ${out}: $(stat -c %s "${out}/initramfs.cpio") bytes"
