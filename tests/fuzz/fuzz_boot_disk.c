// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what bootloader = "pygrub" does with a guest's disk:
 * the input is the disk (partition tables, an ext2/3/4 filesystem through
 * libext2fs and the fd I/O manager, a boot menu, its files). The reader's
 * results must respect their bounds: NUL-terminated text, and a kernel and
 * initrd no larger than BOOT_FILE_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/kvm/vmm/bootloader/boot_disk.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd_with(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", 0);

	if (fd < 0 || write_all(fd, data, size))
		abort();
	return fd;
}

static void check_bounds(const struct boot_report *r, int kernel_fd, int initrd_fd)
{
	struct stat k, i;

	if (!memchr(r->cmdline, '\0', sizeof(r->cmdline)) ||
	    !memchr(r->what, '\0', sizeof(r->what)))
		abort();
	if (fstat(kernel_fd, &k) || fstat(initrd_fd, &i) || (uint64_t)k.st_size > BOOT_FILE_MAX ||
	    (uint64_t)i.st_size > BOOT_FILE_MAX)
		abort();
	if (!r->ok && (k.st_size || i.st_size))
		abort(); /* a failed read leaves nothing half-copied */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_report r;
	static const struct boot_request rq = { .args = "console=ttyS0" };
	int disk = memfd_with(data, size), kernel_fd = memfd_with(NULL, 0);
	int initrd_fd = memfd_with(NULL, 0);

	boot_disk_read(disk, size, &rq, kernel_fd, initrd_fd, &r);
	check_bounds(&r, kernel_fd, initrd_fd);
	close(disk);
	close(kernel_fd);
	close(initrd_fd);
	return 0;
}
