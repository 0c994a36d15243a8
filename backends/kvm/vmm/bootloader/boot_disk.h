/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What pygrub does with a guest's disk, done in C: find the partitions,
 * open each ext2/3/4 filesystem in turn (libext2fs, read only), read the
 * first boot menu found there, choose its entry, and copy that entry's
 * kernel and initrds out. The first partition that yields a kernel wins.
 * Everything on the disk is the guest's: this runs only in the confined
 * reader process (bootloader.c), and every file it copies is bounded.
 */
#ifndef XLC_KVM_BOOTLOADER_BOOT_DISK_H
#define XLC_KVM_BOOTLOADER_BOOT_DISK_H

#include <stdint.h>

#define BOOT_FILE_MAX (128ull << 20) /* a kernel or an initrd (pygrub's bound too) */
#define BOOT_MENU_MAX (1u << 20)     /* a menu's first MiB is read, as pygrub does */
#define BOOT_CMDLINE_MAX 4096
#define BOOT_WHAT_MAX 512

/* pygrub's options, as libxl and bootloader_args give them; NULL: not given. */
struct boot_request {
	const char *entry;   /* --entry: an index from 0 or a title */
	const char *kernel;  /* --kernel: boot this file, read no menu */
	const char *ramdisk; /* --ramdisk */
	const char *args;    /* --args: after the entry's own arguments */
};

/* What the reader reports: NUL-terminated strings, checked again by the receiver. */
struct boot_report {
	int ok;
	char cmdline[BOOT_CMDLINE_MAX];
	char what[BOOT_WHAT_MAX]; /* ok: where the kernel came from; else: why nothing was found */
};

/*
 * Reads the disk (disk_bytes of disk_fd) and writes the chosen kernel to
 * kernel_fd and its initrds, one after another, to initrd_fd (left empty
 * when the entry has none); fills *r.
 */
void boot_disk_read(int disk_fd, uint64_t disk_bytes, const struct boot_request *rq, int kernel_fd,
		    int initrd_fd, struct boot_report *r);

#endif
