// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/host.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/kvm/cgroup.h"
#include "backends/kvm/vmm/bootloader/bootloader.h"
#include "backends/kvm/vmm/machine/vm.h"
#include "backends/kvm/vmm/tap.h"
#include "lib/util.h"

void host_init(struct host *h)
{
	unsigned i;

	memset(h, 0, sizeof(*h));
	h->kvm_fd = h->kernel_fd = h->initrd_fd = h->cgroup_procs_fd = -1;
	h->log_fd = -1;
	for (i = 0; i < VMM_SPEC_MAX_DISKS; i++)
		h->disks[i].fd = -1;
	for (i = 0; i < VMM_SPEC_MAX_NICS; i++)
		h->nics[i].fd = h->nics[i].vhost_fd = -1;
}

/* what: "" for the kernel, "ramdisk " for the ramdisk. */
static int open_file(const char *what, const char *path, int *fd, char **err)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0 || fstat(*fd, &st)) {
		*err = xasprintf("cannot read %s%s: %s", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("%s%s is not a regular file", what, path);
		return -1;
	}
	return 0;
}

/*
 * Image locks as QEMU takes them (block/file-posix.c), so that xlc, QEMU and
 * qemu-storage-daemon keep off each other's images: a user of permission p
 * holds a shared lock on byte 100 + p, and one that lets nobody else have p
 * on byte 200 + p. xlc reads (p 0) and, when writable, writes (p 1); as
 * QEMU's default, it lets nobody else write (1) or resize (3) the image.
 */
enum { PERM_READ = 0, PERM_WRITE = 1, PERM_RESIZE = 3 };
#define LOCK_USES(p) (100 + (p))
#define LOCK_UNSHARES(p) (200 + (p))

static int lock_byte(int fd, int cmd, short type, off_t byte, struct flock *fl)
{
	*fl = (struct flock){ .l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };
	return fcntl(fd, cmd, fl);
}

/* Whether another user (another open file description) holds a lock on byte. */
static bool held_by_another(int fd, off_t byte)
{
	struct flock fl;

	return !lock_byte(fd, F_OFD_GETLK, F_WRLCK, byte, &fl) && fl.l_type != F_UNLCK;
}

/* Writers keep off each other and off readers; readers share. */
static int lock_image(int fd, bool write, const char *path, char **err)
{
	const off_t mine[] = { LOCK_USES(PERM_READ), LOCK_USES(PERM_WRITE),
			       LOCK_UNSHARES(PERM_WRITE), LOCK_UNSHARES(PERM_RESIZE) };
	bool busy = false;
	struct flock fl;
	unsigned i;

	/* Ours first, then theirs: two users starting at once both see the other. */
	for (i = 0; i < ARRAY_SIZE(mine); i++) {
		if (mine[i] == LOCK_USES(PERM_WRITE) && !write)
			continue;
		if (!lock_byte(fd, F_OFD_SETLK, F_RDLCK, mine[i], &fl))
			continue;
		if (errno != EAGAIN && errno != EACCES) {
			*err = xasprintf("disk %s: cannot lock it: %s", path, strerror(errno));
			return -1;
		}
		busy = true; /* an exclusive lock there: an older xlc's, say */
	}
	busy = busy || held_by_another(fd, LOCK_USES(PERM_WRITE)) ||
	       held_by_another(fd, LOCK_USES(PERM_RESIZE)) ||
	       held_by_another(fd, LOCK_UNSHARES(PERM_READ)) ||
	       (write && held_by_another(fd, LOCK_UNSHARES(PERM_WRITE)));
	if (!busy)
		return 0;
	*err = xasprintf("disk %s is in use by another guest (%s); stop that guest or "
			 "give this one a copy",
			 path, write ? "locked" : "locked for writing");
	return -1;
}

void host_unlock_disks(struct host *h, const struct vmm_spec *s)
{
	struct flock fl;
	unsigned i;

	for (i = 0; i < s->ndisks; i++) {
		if (h->disks[i].fd < 0 || h->disks[i].qsd.pid)
			continue;
		fl = (struct flock){ .l_type = F_UNLCK,
				     .l_whence = SEEK_SET,
				     .l_start = LOCK_USES(0),
				     .l_len = LOCK_UNSHARES(PERM_RESIZE) - LOCK_USES(0) + 1 };
		fcntl(h->disks[i].fd, F_OFD_SETLK, &fl);
	}
}

int host_relock_disks(struct host *h, const struct vmm_spec *s, char **err)
{
	unsigned i;

	for (i = 0; i < s->ndisks; i++)
		if (h->disks[i].fd >= 0 && !h->disks[i].qsd.pid &&
		    lock_image(h->disks[i].fd, !s->disks[i].readonly, s->disks[i].path, err))
			return -1;
	return 0;
}

/*
 * export: where a format other than raw is served as raw (its daemon holds
 * QEMU's locks on the image and its backing files), or NULL.
 */
static int open_image(struct host_disk *hd, const struct vmm_disk *d, const char *export,
		      char **err)
{
	const char *path = d->path;
	struct stat st;

	if (!d->path) { /* an empty cdrom drive */
		hd->fd = -1;
		hd->bytes = 0;
		return 0;
	}
	if (d->format && export) {
		if (qsd_start(&hd->qsd, d->path, d->format, d->readonly, d->discard, export, err))
			return -1;
		path = export;
	}
	hd->fd = open(path, (d->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (hd->fd < 0 || fstat(hd->fd, &st)) {
		*err = xasprintf("disk %s: %s", d->path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		hd->bytes = (uint64_t)st.st_size;
		hd->discard = d->discard;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(hd->fd, BLKGETSIZE64, &hd->bytes)) {
			*err = xasprintf("disk %s: cannot get its size: %s", d->path,
					 strerror(errno));
			return -1;
		}
	} else {
		*err = xasprintf("disk %s is not a file or a block device", d->path);
		return -1;
	}
	return hd->qsd.pid ? 0 : lock_image(hd->fd, !d->readonly, d->path, err);
}

/*
 * A migration's target: the source lets go of its images as it starts to
 * send, which may be just after this looks. Tried again for wait_s.
 */
static int open_image_waiting(struct host_disk *hd, const struct vmm_disk *d, const char *export,
			      uint32_t wait_s, char **err)
{
	long long deadline = mono_ms() + wait_s * 1000LL;

	for (;;) {
		int r = open_image(hd, d, export, err);

		if (!r || !strstr(*err, " is in use by another guest") || mono_ms() >= deadline)
			return r;
		free(*err);
		*err = NULL;
		if (hd->fd >= 0)
			close(hd->fd);
		hd->fd = -1;
		qsd_stop(&hd->qsd);
		usleep(100 * 1000);
	}
}

/* The environment of a vif script: Xen's "vif" and the facts xlc knows. */
static char **script_env(const char *ifname, const struct vmm_nic *nic, const char *name, int domid)
{
	const uint8_t *m = nic->mac;
	char **env = xcalloc(9, sizeof(*env));
	unsigned k = 0;

	env[k++] = xasprintf("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	env[k++] = xasprintf("vif=%s", ifname);
	env[k++] = xasprintf("bridge=%s", nic->bridge ? nic->bridge : "");
	env[k++] =
		xasprintf("mac=%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	env[k++] = xasprintf("ip=%s", nic->ip ? nic->ip : "");
	env[k++] = xasprintf("XLC_DOMID=%d", domid);
	env[k++] = xasprintf("XLC_DOMNAME=%s", name);
	env[k++] = xasprintf("XLC_DEVID=%d", nic->devid);
	return env;
}

/* The tap, up, and on its bridge or set up by its script. */
static int open_tap(struct host *h, struct host_nic *hn, const struct vmm_nic *nic,
		    const struct vmm_spec *s, int domid, char **err)
{
	char **env;

	if (nic->ifname)
		snprintf(hn->ifname, sizeof(hn->ifname), "%s", nic->ifname);
	else
		snprintf(hn->ifname, sizeof(hn->ifname), "vif%d.%d", domid, nic->devid);
	if (!nic->script && nic->bridge && !bridge_exists(nic->bridge)) {
		*err = xasprintf("vif %d: bridge %s does not exist: create it (ip link add %s "
				 "type bridge) or name another with bridge=",
				 nic->devid, nic->bridge, nic->bridge);
		return -1;
	}
	hn->fd = tap_open(hn->ifname, err);
	if (hn->fd < 0 || tap_up(hn->ifname, nic->mtu, err))
		return -1;
	if (!nic->script)
		return nic->bridge ? bridge_add(nic->bridge, hn->ifname, err) : 0;
	env = script_env(hn->ifname, nic, s->name, domid);
	if (vif_script_run(nic->script, "add", env, h->log_fd, err)) {
		strv_free(env);
		return -1;
	}
	hn->script_env = env;
	return 0;
}

int host_change_medium(struct host *h, unsigned i, const char *path, char **err)
{
	const struct vmm_disk d = { .path = (char *)path, .readonly = true };
	struct host_disk medium = { .fd = -1 };

	if (i >= h->ndisks)
		return -1;
	if (open_image(&medium, &d, NULL, err)) {
		if (medium.fd >= 0)
			close(medium.fd);
		return -1;
	}
	if (h->disks[i].fd >= 0)
		close(h->disks[i].fd);
	qsd_stop(&h->disks[i].qsd); /* a medium given as qcow2 in the config */
	h->disks[i] = medium;
	return 0;
}

static int open_disks_and_taps(struct host *h, const struct vmm_spec *s, int domid, char **err)
{
	unsigned i;

	char *export;
	int r;

	for (i = 0; i < s->ndisks; i++, h->ndisks++) {
		export = xasprintf("%s/disk-%d-%s", s->run_dir, domid, s->disks[i].vdev);
		r = open_image_waiting(&h->disks[i], &s->disks[i], export, s->disk_lock_wait_s,
				       err);
		free(export);
		if (r) {
			h->ndisks++; /* host_close closes what it got to */
			return -1;
		}
	}
	for (i = 0; i < s->nnics; i++, h->nnics++)
		if (open_tap(h, &h->nics[i], &s->nics[i], s, domid, err))
			return -1;
	return 0;
}

/* Guest RAM plus what the VMM and KVM need beside it, and its threads. */
static void setup_cgroup(struct host *h, const struct vmm_spec *s, int domid)
{
	struct cgroup_limits lim = {
		.memory_max = (s->maxmem_mib << 20) + s->limits.mem_overhead,
		/* vCPUs, the I/O thread, the disk workers, the main thread and some margin */
		.pids_max = (unsigned)s->max_vcpus + 4 * s->ndisks + s->nnics + 16,
	};
	char *leaf;

	if (!*s->limits.cgroup_parent) {
		h->cgroup_missing = xstrdup("cgroup_parent is empty in xlc.conf");
		return;
	}
	leaf = xasprintf("%s/guest-%d", s->limits.cgroup_parent, domid);
	h->cgroup = cgroup_create(leaf, &lim, &h->cgroup_procs_fd, &h->cgroup_missing);
	free(leaf);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int host_open_kernel(struct host *h, const struct vmm_spec *s, char **err)
{
	if (s->bootloader || h->kernel_fd >= 0)
		return 0;
	if (open_file("", s->kernel, &h->kernel_fd, err))
		return -1;
	if (s->ramdisk && open_file("ramdisk ", s->ramdisk, &h->initrd_fd, err)) {
		close_fd(&h->kernel_fd);
		return -1;
	}
	return 0;
}

int host_open(struct host *h, const struct vmm_spec *s, int domid, char **err)
{
	int log_fd = h->log_fd;

	host_init(h);
	h->log_fd = log_fd;
	h->kvm_fd = kvm_open(err);
	/* A restore's memory holds its kernel: the file is read for a reboot, if one comes. */
	if (h->kvm_fd < 0 || (!s->restore && host_open_kernel(h, s, err)) ||
	    open_disks_and_taps(h, s, domid, err)) {
		host_close(h, s);
		h->log_fd = log_fd;
		return -1;
	}
	setup_cgroup(h, s, domid);
	return 0;
}

void host_vhost_open(struct host *h, const struct vmm_spec *s)
{
	unsigned i;

	for (i = 0; i < h->nnics && s->limits.vhost_net; i++)
		if (h->nics[i].vhost_fd < 0 && !s->nics[i].rate_bytes) {
			h->nics[i].vhost_fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
			/* No /dev/vhost-net: the VMM moves the frames itself, quietly. */
			if (h->nics[i].vhost_fd < 0 && errno != ENOENT && errno != ENODEV)
				fprintf(stderr,
					"xlc-vmm: vif %s: /dev/vhost-net: %s; frames go "
					"through the VMM\n",
					h->nics[i].ifname, strerror(errno));
		}
}

void host_vhost_close(struct host *h)
{
	unsigned i;

	for (i = 0; i < h->nnics; i++)
		close_fd(&h->nics[i].vhost_fd);
}

void host_close(struct host *h, const struct vmm_spec *s)
{
	unsigned i;
	char *err = NULL;

	for (i = 0; i < h->nnics; i++) {
		struct host_nic *hn = &h->nics[i];

		close_fd(&hn->fd); /* the tap goes with its last fd */
		if (hn->script_env &&
		    vif_script_run(s->nics[i].script, "remove", hn->script_env, h->log_fd, &err)) {
			fprintf(stderr, "xlc-vmm: vif %s: %s\n", hn->ifname, err);
			free(err);
			err = NULL;
		}
		strv_free(hn->script_env);
		hn->script_env = NULL;
	}
	for (i = 0; i < h->ndisks; i++) {
		close_fd(&h->disks[i].fd);
		qsd_stop(&h->disks[i].qsd);
	}
	close_fd(&h->kvm_fd);
	close_fd(&h->kernel_fd);
	close_fd(&h->initrd_fd);
	free(h->boot_cmdline);
	free(h->boot_what);
	h->boot_cmdline = h->boot_what = NULL;
	close_fd(&h->cgroup_procs_fd);
	if (h->cgroup)
		cgroup_remove(h->cgroup);
	free(h->cgroup);
	free(h->cgroup_missing);
	h->cgroup = h->cgroup_missing = NULL;
	h->ndisks = h->nnics = 0;
}

int host_read_boot_disk(struct host *h, const struct vmm_spec *s, int domid, char **err)
{
	const struct host_disk *d = &h->disks[s->boot_disk];
	const struct boot_request rq = { .entry = s->boot_entry,
					 .kernel = s->kernel,
					 .ramdisk = s->ramdisk,
					 .args = s->cmdline };
	const struct bootloader_jail jail = {
		.uid = s->limits.uid_base + (uint32_t)domid,
		.gid = s->limits.uid_base + (uint32_t)domid,
		.mount_at = s->run_dir,
		.cgroup_procs_fd = h->cgroup_procs_fd,
		.seccomp = s->limits.seccomp,
	};
	struct boot_files f;

	if (d->fd < 0) {
		*err = xasprintf("bootloader: the first disk (%s) has no medium to boot from",
				 s->disks[s->boot_disk].vdev);
		return -1;
	}
	if (bootloader_run(d->fd, d->bytes, &rq, &jail, &f, err))
		return -1;
	close_fd(&h->kernel_fd);
	close_fd(&h->initrd_fd);
	free(h->boot_cmdline);
	free(h->boot_what);
	h->kernel_fd = f.kernel_fd;
	h->initrd_fd = f.initrd_fd;
	h->boot_cmdline = f.cmdline;
	h->boot_what = f.what;
	return 0;
}

unsigned host_fds(const struct host *h, int *fds, unsigned max)
{
	unsigned n = 0, i;

#define ADD(fd)                                                                                    \
	do {                                                                                       \
		if ((fd) >= 0 && n < max)                                                          \
			fds[n++] = (fd);                                                           \
	} while (0)
	ADD(h->kvm_fd);
	ADD(h->kernel_fd);
	ADD(h->initrd_fd);
	for (i = 0; i < h->ndisks; i++)
		ADD(h->disks[i].fd);
	for (i = 0; i < h->nnics; i++) {
		ADD(h->nics[i].fd);
		ADD(h->nics[i].vhost_fd);
	}
#undef ADD
	return n;
}
