// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/sandbox.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/util.h"

static const char *const flag_names[SANDBOX_NFLAGS] = {
	"uid", "no_caps", "no_new_privs", "empty_root", "rlimits", "cgroup", "seccomp",
};

const char *sandbox_flag_name(unsigned i)
{
	return i < SANDBOX_NFLAGS ? flag_names[i] : "?";
}

static int fail(char **err, const char *what)
{
	*err = xasprintf("cannot confine the VMM: %s: %s", what, strerror(errno));
	return -1;
}

static int by_value(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Everything above stderr that is not in keep: nothing of the supervisor's leaks in. */
static int close_other_fds(const int *keep, unsigned n)
{
	int *sorted = xcalloc(n + 1, sizeof(*sorted));
	unsigned i, lo = 3;
	int ret = 0;

	memcpy(sorted, keep, n * sizeof(*keep));
	qsort(sorted, n, sizeof(*sorted), by_value);
	for (i = 0; i < n && !ret; i++) {
		if (sorted[i] < (int)lo)
			continue;
		if ((unsigned)sorted[i] > lo)
			ret = close_range(lo, (unsigned)sorted[i] - 1, 0);
		lo = (unsigned)sorted[i] + 1;
	}
	if (!ret)
		ret = close_range(lo, ~0U, 0);
	free(sorted);
	return ret;
}

static int join_cgroup(int procs_fd)
{
	return write(procs_fd, "0\n", 2) == 2 ? 0 : -1;
}

/*
 * A private mount namespace whose root is an empty read-only tmpfs. On an
 * initramfs root pivot_root cannot work (rootfs never moves): chroot does the
 * same for a process that keeps no directory open and loses CAP_SYS_CHROOT.
 */
static int empty_root(const char *at, char **err)
{
	if (unshare(CLONE_NEWNS | CLONE_NEWIPC))
		return fail(err, "unshare (mount and IPC namespaces)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return fail(err, "making the mounts private");
	if (mount("xlc-vmm", at, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=4k,nr_inodes=2,mode=0555"))
		return fail(err, "mounting the empty root");
	if (chdir(at))
		return fail(err, "entering the empty root");
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		if (umount2(".", MNT_DETACH))
			return fail(err, "detaching the old root");
	} else if (chroot(".")) {
		return fail(err, "chroot to the empty root");
	}
	if (chdir("/"))
		return fail(err, "entering the empty root");
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return fail(err, "making the root read-only");
	return 0;
}

static int limit(int resource, unsigned long long value)
{
	struct rlimit rl = { value, value };

	return setrlimit(resource, &rl);
}

static int set_limits(const struct sandbox_plan *p, bool own_uid, char **err)
{
	signal(SIGXFSZ, SIG_IGN); /* a write past RLIMIT_FSIZE fails, it does not kill */
	if (limit(RLIMIT_NOFILE, p->nofile) || limit(RLIMIT_FSIZE, p->fsize) ||
	    limit(RLIMIT_CORE, 0) || limit(RLIMIT_MEMLOCK, 0) ||
	    (own_uid && p->nproc && limit(RLIMIT_NPROC, p->nproc)))
		return fail(err, "setrlimit");
	return 0;
}

static int capset_zero(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	return (int)syscall(SYS_capset, &h, d);
}

static bool caps_all_zero(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return false;
	return !(d[0].effective | d[0].permitted | d[0].inheritable | d[1].effective |
		 d[1].permitted | d[1].inheritable);
}

/* Bounding set, ambient set, groups, ids, then whatever capabilities are left. */
static int drop_privileges(const struct sandbox_plan *p, char **err)
{
	int cap;

	for (cap = 0; prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0; cap++)
		;
	if (errno != EINVAL || prctl(PR_CAPBSET_READ, 0, 0, 0, 0) != 0)
		return fail(err, "dropping the capability bounding set");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return fail(err, "clearing the ambient capabilities");
	if (setgroups(0, NULL) || setresgid(p->gid, p->gid, p->gid) ||
	    setresuid(p->uid, p->uid, p->uid))
		return fail(err, "changing to its own uid and gid");
	if (capset_zero() || !caps_all_zero())
		return fail(err, "dropping every capability");
	return 0;
}

int sandbox_enter(const struct sandbox_plan *p, char **err)
{
	bool root = geteuid() == 0;
	int flags = 0;

	if (root && p->cgroup_procs_fd >= 0) {
		if (join_cgroup(p->cgroup_procs_fd))
			return fail(err, "joining its cgroup");
		flags |= SANDBOX_CGROUP;
	}
	if (close_other_fds(p->keep_fds, p->nkeep))
		return fail(err, "closing the supervisor's fds");
	if (root) {
		if (empty_root(p->mount_at, err))
			return -1;
		flags |= SANDBOX_EMPTY_ROOT;
	}
	if (set_limits(p, root, err))
		return -1;
	flags |= SANDBOX_RLIMITS;
	if (root) {
		if (drop_privileges(p, err))
			return -1;
		flags |= SANDBOX_UID | SANDBOX_NO_CAPS;
	} else if (caps_all_zero()) {
		flags |= SANDBOX_NO_CAPS;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail(err, "no_new_privs");
	flags |= SANDBOX_NO_NEW_PRIVS;
	/* No core dump of guest memory, and no ptrace by another process of this uid. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return flags;
}
