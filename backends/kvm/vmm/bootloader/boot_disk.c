// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/bootloader/boot_disk.h"

#include <errno.h>
#include <et/com_err.h>
#include <ext2fs/ext2fs.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kvm/vmm/bootloader/boot_menu.h"
#include "backends/kvm/vmm/bootloader/ext2_fd_io.h"
#include "backends/kvm/vmm/bootloader/partitions.h"
#include "lib/util.h"

/* Where pygrub looks for a menu, in its order; the first one found on a filesystem is used. */
static const struct {
	const char *path;
	enum boot_menu_kind kind;
} menus[] = {
	{ "/boot/grub/grub.cfg", MENU_GRUB2 },
	{ "/grub/grub.cfg", MENU_GRUB2 },
	{ "/boot/grub2/grub.cfg", MENU_GRUB2 },
	{ "/grub2/grub.cfg", MENU_GRUB2 },
	{ "/boot/isolinux/isolinux.cfg", MENU_EXTLINUX },
	{ "/boot/extlinux/extlinux.conf", MENU_EXTLINUX },
	{ "/boot/extlinux.conf", MENU_EXTLINUX },
	{ "/extlinux/extlinux.conf", MENU_EXTLINUX },
	{ "/extlinux.conf", MENU_EXTLINUX },
	{ "/boot/grub/menu.lst", MENU_GRUB_LEGACY },
	{ "/boot/grub/grub.conf", MENU_GRUB_LEGACY },
	{ "/grub/menu.lst", MENU_GRUB_LEGACY },
	{ "/grub/grub.conf", MENU_GRUB_LEGACY },
	/* not pygrub's: after its list, so that a disk it reads boots the same */
	{ "/boot/syslinux/syslinux.cfg", MENU_EXTLINUX },
	{ "/syslinux/syslinux.cfg", MENU_EXTLINUX },
};

struct disk {
	int fd;
	uint64_t bytes;
};

static int disk_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	const struct disk *d = opaque;
	ssize_t n;

	if (off > d->bytes || len > d->bytes - off)
		return -1;
	do
		n = pread(d->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/* One partition being tried: its filesystem, and what went wrong on it. */
struct attempt {
	unsigned number; /* as the guest's Linux numbers it */
	ext2_filsys fs;
	char *why; /* set on failure */
};

static int fail(struct attempt *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct attempt *a, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb;

	sb_init(&sb);
	va_start(ap, fmt);
	sb_addv(&sb, fmt, ap);
	va_end(ap);
	free(a->why);
	a->why = sb_detach(&sb);
	return -1;
}

/* A regular file's inode, following symlinks (libext2fs bounds the chain). */
static int find_file(struct attempt *a, const char *path, ext2_ino_t *ino)
{
	struct ext2_inode inode;
	errcode_t e;

	e = ext2fs_namei_follow(a->fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, ino);
	if (!e)
		e = ext2fs_read_inode(a->fs, *ino, &inode);
	if (e == EXT2_ET_FILE_NOT_FOUND)
		return fail(a, "%s: no such file", path);
	if (e)
		return fail(a, "%s: %s", path, error_message(e));
	if (!LINUX_S_ISREG(inode.i_mode))
		return fail(a, "%s is not a regular file", path);
	return 0;
}

static bool exists(struct attempt *a, const char *path)
{
	ext2_ino_t ino;

	return !ext2fs_namei_follow(a->fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, &ino);
}

/* Where a file's bytes go: an fd (a kernel, an initrd) or memory (a menu). */
struct sink {
	int fd; /* -1: into sb */
	struct strbuf *sb;
};

static int sink_put(const struct sink *k, const char *buf, size_t n)
{
	if (k->fd < 0) {
		sb_addn(k->sb, buf, n);
		return 0;
	}
	return write_all(k->fd, buf, n);
}

/*
 * Copies the file's first max bytes; a larger file fails unless cut says
 * to keep just those (a menu). Returns the bytes copied, or -1.
 */
static long long copy_file(struct attempt *a, const char *path, const struct sink *k, uint64_t max,
			   bool cut)
{
	static char buf[1 << 16];
	ext2_file_t f;
	ext2_ino_t ino;
	__u64 size;
	uint64_t done = 0;
	unsigned got;
	errcode_t e;

	if (find_file(a, path, &ino))
		return -1;
	e = ext2fs_file_open(a->fs, ino, 0, &f);
	if (e)
		return fail(a, "%s: %s", path, error_message(e));
	e = ext2fs_file_get_lsize(f, &size);
	if (e) {
		ext2fs_file_close(f);
		return fail(a, "%s: %s", path, error_message(e));
	}
	if (size > max && !cut) {
		ext2fs_file_close(f);
		return fail(a, "%s is larger than %llu MiB", path, (unsigned long long)(max >> 20));
	}
	if (size > max)
		size = max;
	while (done < size) {
		e = ext2fs_file_read(f, buf, sizeof(buf), &got);
		if (e || !got)
			break;
		if (got > size - done)
			got = (unsigned)(size - done);
		if (sink_put(k, buf, got)) {
			ext2fs_file_close(f);
			return fail(a, "%s: cannot copy it: %s", path, strerror(errno));
		}
		done += got;
	}
	ext2fs_file_close(f);
	if (e)
		return fail(a, "%s: %s", path, error_message(e));
	if (done != size)
		return fail(a, "%s ends after %llu of its %llu bytes", path,
			    (unsigned long long)done, (unsigned long long)size);
	return (long long)done;
}

/* The initrds one after another, each padded to 4 bytes as GRUB loads them. */
static int copy_initrds(struct attempt *a, char *const *paths, unsigned n, int out)
{
	static const char zeros[4];
	const struct sink k = { .fd = out };
	uint64_t total = 0;
	long long got;
	unsigned i;

	for (i = 0; i < n; i++) {
		got = copy_file(a, paths[i], &k, BOOT_FILE_MAX - total, false);
		if (got < 0)
			return -1;
		total += (uint64_t)got;
		if (i + 1 < n && total % 4) {
			if (sink_put(&k, zeros, 4 - total % 4))
				return fail(a, "%s: cannot copy it: %s", paths[i], strerror(errno));
			total += 4 - total % 4;
		}
	}
	return 0;
}

/* Empties the outputs a failed partition may have half-filled. */
static void rewind_outputs(int kernel_fd, int initrd_fd)
{
	if (ftruncate(kernel_fd, 0) == 0)
		lseek(kernel_fd, 0, SEEK_SET);
	if (ftruncate(initrd_fd, 0) == 0)
		lseek(initrd_fd, 0, SEEK_SET);
}

/* The entry's arguments, then --args; refused rather than cut (the admin's part is last). */
static int set_cmdline(struct attempt *a, struct boot_report *r, const char *own, const char *extra)
{
	int n = snprintf(r->cmdline, sizeof(r->cmdline), "%s%s%s", own, *own && extra ? " " : "",
			 extra ? extra : "");

	if (n < 0 || (size_t)n >= sizeof(r->cmdline))
		return fail(a, "the command line is longer than %zu bytes", sizeof(r->cmdline) - 1);
	return 0;
}

/* --kernel: that file from the first filesystem that has it; no menu is read. */
static int boot_named(struct attempt *a, const struct boot_request *rq, int kernel_fd,
		      int initrd_fd, struct boot_report *r)
{
	const struct sink k = { .fd = kernel_fd };
	char *ramdisk = (char *)rq->ramdisk;

	if (copy_file(a, rq->kernel, &k, BOOT_FILE_MAX, false) < 0 ||
	    (ramdisk && copy_initrds(a, &ramdisk, 1, initrd_fd)))
		return -1;
	if (set_cmdline(a, r, "", rq->args))
		return -1;
	snprintf(r->what, sizeof(r->what), "partition %u: %s", a->number, rq->kernel);
	return 0;
}

static int boot_entry(struct attempt *a, const char *menu, const struct boot_menu *m,
		      const struct boot_request *rq, int kernel_fd, int initrd_fd,
		      struct boot_report *r)
{
	const struct sink k = { .fd = kernel_fd };
	int i = boot_menu_choose(m, rq->entry);
	const struct boot_entry *e;

	if (i < 0)
		return fail(a, "%s: %s", menu,
			    m->n ? "the chosen entry has no kernel" : "no menu entry");
	e = &m->entries[i];
	if (copy_file(a, e->kernel, &k, BOOT_FILE_MAX, false) < 0 ||
	    copy_initrds(a, e->initrds, e->ninitrds, initrd_fd))
		return -1;
	if (set_cmdline(a, r, e->args, rq->args))
		return -1;
	snprintf(r->what, sizeof(r->what), "partition %u: %s: entry %d \"%s\": %s", a->number, menu,
		 i, e->title, e->kernel);
	return 0;
}

/* The first menu of pygrub's list found on the filesystem, read, chosen from and copied out. */
static int boot_from_menu(struct attempt *a, const struct boot_request *rq, int kernel_fd,
			  int initrd_fd, struct boot_report *r)
{
	struct boot_menu m;
	struct strbuf text;
	const struct sink k = { .fd = -1, .sb = &text };
	char *err = NULL;
	unsigned i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(menus) && !exists(a, menus[i].path); i++)
		;
	if (i == ARRAY_SIZE(menus))
		return fail(a, "no boot menu (such as /boot/grub/grub.cfg)");
	sb_init(&text);
	if (copy_file(a, menus[i].path, &k, BOOT_MENU_MAX, true) < 0) {
		sb_free(&text);
		return -1;
	}
	rc = boot_menu_parse(menus[i].kind, text.buf ? text.buf : "", text.len, &m, &err);
	sb_free(&text);
	if (rc) {
		fail(a, "%s: %s", menus[i].path, err);
		free(err);
		return -1;
	}
	rc = boot_entry(a, menus[i].path, &m, rq, kernel_fd, initrd_fd, r);
	boot_menu_free(&m);
	return rc;
}

static int try_partition(struct attempt *a, const struct disk *d, const struct partition *p,
			 const struct boot_request *rq, int kernel_fd, int initrd_fd,
			 struct boot_report *r)
{
	char *name = ext2_fd_io_name(d->fd, p->offset, p->bytes);
	errcode_t e;
	int rc;

	e = ext2fs_open2(name, NULL, EXT2_FLAG_64BITS, 0, 0, ext2_fd_io_manager, &a->fs);
	free(name);
	if (e)
		return fail(a, "no ext2/3/4 filesystem (%s)", error_message(e));
	rc = rq->kernel ? boot_named(a, rq, kernel_fd, initrd_fd, r)
			: boot_from_menu(a, rq, kernel_fd, initrd_fd, r);
	ext2fs_close_free(&a->fs);
	return rc;
}

void boot_disk_read(int disk_fd, uint64_t disk_bytes, const struct boot_request *rq, int kernel_fd,
		    int initrd_fd, struct boot_report *r)
{
	struct partition parts[PARTITIONS_MAX];
	struct disk d = { disk_fd, disk_bytes };
	struct strbuf why;
	unsigned n, i;

	memset(r, 0, sizeof(*r));
	initialize_ext2_error_table();
	n = partitions_find(disk_read, &d, disk_bytes, parts);
	sb_init(&why);
	for (i = 0; i < n; i++) {
		struct attempt a = { .number = parts[i].number };

		if (try_partition(&a, &d, &parts[i], rq, kernel_fd, initrd_fd, r) == 0) {
			r->ok = 1;
			free(a.why);
			sb_free(&why);
			return;
		}
		rewind_outputs(kernel_fd, initrd_fd);
		sb_addf(&why, "%spartition %u: %s", why.len ? "; " : "", a.number, a.why);
		free(a.why);
	}
	snprintf(r->what, sizeof(r->what), "%s", why.buf ? why.buf : "no partition");
	sb_free(&why);
}
