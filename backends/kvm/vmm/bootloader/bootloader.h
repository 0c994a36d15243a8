/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bootloader = "pygrub" on kvm: before each boot, as libxl runs pygrub
 * before each build of the domain, the supervisor has the guest's first
 * disk read by a process of its own (boot_disk.c), confined as the guest
 * process is (its uid, no capabilities, an empty root, rlimits, a seccomp
 * filter that lets it only read what it was given and write its results)
 * and bounded in time and memory. It hands back the kernel and initrd as
 * memfds and the command line as text, which the supervisor checks.
 */
#ifndef XLC_KVM_BOOTLOADER_H
#define XLC_KVM_BOOTLOADER_H

#include <stdint.h>
#include <sys/types.h>

#include "backends/kvm/vmm/bootloader/boot_disk.h"
#include "backends/kvm/vmm_spec.h"

#define BOOTLOADER_TIMEOUT_MS 120000 /* libxl's bound for a restricted bootloader */

/* Who the reader runs as, in which empty root and cgroup. */
struct bootloader_jail {
	uid_t uid;
	gid_t gid;
	const char *mount_at;
	int cgroup_procs_fd; /* the guest's: the reader's memory and CPU are the guest's; -1: none
			      */
	enum vmm_seccomp_mode seccomp;
};

struct boot_files {
	int kernel_fd, initrd_fd; /* memfds; initrd_fd -1 when the entry has none */
	char *cmdline;		  /* printable ASCII only */
	char *what;		  /* where the kernel came from, for the log */
};

/*
 * Reads the guest's disk (disk_bytes of disk_fd, which is reopened read
 * only for the reader). 0 and *out, or -1 with a one-line *err saying what
 * was found (each partition's reason), or that the reader timed out or died.
 */
int bootloader_run(int disk_fd, uint64_t disk_bytes, const struct boot_request *rq,
		   const struct bootloader_jail *jail, struct boot_files *out, char **err);

#endif
