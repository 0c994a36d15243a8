#!/bin/bash
# Installs every Debian package xlc's build and test suite need, and nothing
# else. Safe to run again; run as root (or through sudo).
#   build:  gcc make pkg-config, libconfuse, yajl, ncurses, libseccomp (the VMM's
#           filters), libext2fs (bootloader = "pygrub" reads guest disks), zlib (the
#           machine stream's CRCs), libxen-dev (optional)
#   tests:  bats, jq (JSON comparisons), clang + libclang-rt (libFuzzer, sanitizers),
#           acpica-tools (iasl checks the ACPI tables), man-db,
#           qemu-system-x86 + cpio + zstd + debootstrap (the test hosts), tmux (a real tty),
#           iproute2 (bridges in test netns), e2fsprogs (ext4 images), fdisk (sfdisk: partitioned
#           guest disks), gnuplot-nox (bench plots),
#           socat (raw requests to a VMM's control socket), strace (system calls a test counts)
#   qemu-system-common: qemu-storage-daemon, which serves qcow2 (...) disks on kvm;
#   qemu-utils: qemu-img (the tests make qcow2 and vhd images and read them back)
#   package: debhelper, fakeroot, lintian, devscripts (hardening-check); debootstrap (a clean root)
set -eu
packages=(
	gcc make pkg-config libc6-dev linux-libc-dev
	libconfuse-dev libyajl-dev libncurses-dev libseccomp-dev libext2fs-dev zlib1g-dev libxen-dev
	bats jq clang libclang-rt-dev acpica-tools man-db
	qemu-system-x86 cpio zstd debootstrap tmux iproute2 e2fsprogs fdisk gnuplot-nox socat strace
	debhelper fakeroot lintian devscripts dpkg-dev qemu-utils qemu-system-common
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "${p}" 2>/dev/null | grep -q 'ok installed' || missing+=("${p}")
done
if [ "${#missing[@]}" -eq 0 ]; then
	echo "deps: all ${#packages[@]} packages present"
	exit 0
fi
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
${SUDO} apt-get update -qq
${SUDO} apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
