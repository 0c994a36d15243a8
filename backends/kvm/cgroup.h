/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's cgroup (v2): its memory and task limits, so a VMM a guest took
 * over can neither exhaust the host's memory nor fork without bound. On a
 * host without a cgroup v2 hierarchy offering the memory and pids
 * controllers there is none, and `xlc info` says so.
 */
#ifndef XLC_KVM_CGROUP_H
#define XLC_KVM_CGROUP_H

#include <stdint.h>

struct cgroup_limits {
	uint64_t memory_max; /* bytes */
	unsigned pids_max;
};

/*
 * The cgroup v2 mount point with the memory and pids controllers, or NULL
 * with the reason in *why (both the caller's to free).
 */
char *cgroup_v2_root(char **why);

/*
 * Creates <root>/<path> with these limits (and the controllers on the way
 * to it); returns its folder with *procs_fd open on its cgroup.procs, or
 * NULL with the reason in *why.
 */
char *cgroup_create(const char *path, const struct cgroup_limits *lim, int *procs_fd, char **why);
/* Removes an (empty) cgroup folder. */
void cgroup_remove(const char *dir);

#endif
