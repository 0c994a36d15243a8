/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the process that runs a guest confines itself (the threat model is in
 * man/xlc.1, SECURITY): it starts as a fork of the supervisor, holding only
 * the fds the guest needs, and before it touches guest data it
 *   - joins the guest's cgroup (memory and task limits), if the host has one;
 *   - enters a mount namespace whose root is an empty, read-only tmpfs, and
 *     its own IPC namespace;
 *   - bounds its open files, file size, tasks, memory lock and core dumps;
 *   - becomes uid and gid uid_base + domid, with no supplementary groups,
 *     no capabilities (effective, permitted, inheritable, ambient or
 *     bounding) and no_new_privs;
 *   - loads a seccomp filter, and each thread narrows it to its own kind.
 */
#ifndef XLC_KVM_SANDBOX_H
#define XLC_KVM_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

#include "backends/kvm/vmm_spec.h"

/* What a guest process achieved, reported in `list --json` (confinement). */
enum sandbox_flag {
	SANDBOX_UID = 1 << 0,
	SANDBOX_NO_CAPS = 1 << 1,
	SANDBOX_NO_NEW_PRIVS = 1 << 2,
	SANDBOX_EMPTY_ROOT = 1 << 3,
	SANDBOX_RLIMITS = 1 << 4,
	SANDBOX_CGROUP = 1 << 5,
	SANDBOX_SECCOMP = 1 << 6,
};
#define SANDBOX_NFLAGS 7
/* The name of bit i ("uid", "no_caps"...). */
const char *sandbox_flag_name(unsigned i);

struct sandbox_plan {
	uid_t uid;
	gid_t gid;
	const char *mount_at;	  /* an existing folder to mount the empty root on */
	int cgroup_procs_fd;	  /* -1: none */
	unsigned long nofile;	  /* RLIMIT_NOFILE */
	unsigned long long fsize; /* RLIMIT_FSIZE: the largest writable image */
	unsigned long nproc;	  /* RLIMIT_NPROC: the guest's threads (its uid is its own) */
	const int *keep_fds;	  /* every other fd above 2 is closed */
	unsigned nkeep;
};

/*
 * Confines the calling (single-threaded) process. Returns the SANDBOX_*
 * flags achieved, or -1 with *err when a step that must work did not. Not
 * running as root, the uid, mount and cgroup steps are skipped (the
 * process has no privilege to drop) and the flags say so.
 */
int sandbox_enter(const struct sandbox_plan *p, char **err);

/* The thread kinds of a guest process, each with its own system-call list. */
enum sandbox_thread { SANDBOX_VCPU, SANDBOX_IO, SANDBOX_DISK, SANDBOX_CONTROL };

/* Loads the process-wide filter (before any thread starts). */
int sandbox_seccomp_process(enum vmm_seccomp_mode mode, char **err);
/* Narrows the calling thread to its kind's list. */
int sandbox_seccomp_thread(enum vmm_seccomp_mode mode, enum sandbox_thread kind, char **err);
/*
 * The boot-menu reader's filter (bootloader.c): besides memory and time,
 * reads of disk_fd and writes (and truncation) of the outputs, nothing else.
 */
int sandbox_seccomp_reader(enum vmm_seccomp_mode mode, int disk_fd, const int *outputs,
			   unsigned noutputs, char **err);

#endif
