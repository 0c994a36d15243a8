// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/machine/boot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

#define XLF_KERNEL_64 0x1
#define E820_RAM 1
#define E820_RESERVED 2
#define E820_MAX 128

/* Offsets in the setup header and in struct boot_params. */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_BOOT_FLAG 0x1fe
#define HDR_JUMP 0x200
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_E820_ENTRIES 0x1e8
#define BP_E820_TABLE 0x2d0

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

int bzimage_parse(const uint8_t *k, size_t hdr_len, uint64_t len, struct bzimage_info *info,
		  char **err)
{
	unsigned setup_sects;

	memset(info, 0, sizeof(*info));
	if (hdr_len < 0x300 || len < 0x300 || le16(k + HDR_BOOT_FLAG) != 0xaa55 ||
	    memcmp(k + HDR_MAGIC, "HdrS", 4)) {
		*err = xstrdup("not a Linux bzImage (no boot sector signature or 'HdrS' header)");
		return -1;
	}
	info->version = le16(k + HDR_VERSION);
	if (info->version < 0x020c) {
		*err = xasprintf("boot protocol %u.%02u is too old: xlc needs 2.12 or later "
				 "(Linux 3.8+) for the 64-bit entry",
				 info->version >> 8, info->version & 0xff);
		return -1;
	}
	if (!(le16(k + HDR_XLOADFLAGS) & XLF_KERNEL_64)) {
		*err = xstrdup("this kernel has no 64-bit entry point (XLF_KERNEL_64): "
			       "xlc boots x86-64 kernels only");
		return -1;
	}
	setup_sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
	info->setup_size = (size_t)(setup_sects + 1) * 512;
	if (info->setup_size + 0x200 >= len) {
		*err = xstrdup(
			"the bzImage is truncated: no protected-mode kernel after the setup");
		return -1;
	}
	info->header_end = 0x202 + (size_t)k[HDR_JUMP + 1];
	if (info->header_end > info->setup_size || info->header_end > 0x280)
		info->header_end = 0x268;
	info->load_addr = le64(k + HDR_PREF_ADDRESS);
	if (info->load_addr < HIGH_MEMORY || info->load_addr > MMIO_HOLE_START)
		info->load_addr = HIGH_MEMORY;
	info->init_size = le32(k + HDR_INIT_SIZE);
	if (info->init_size < len - info->setup_size)
		info->init_size = len - info->setup_size;
	info->initrd_addr_max = le32(k + HDR_INITRD_ADDR_MAX);
	info->cmdline_size = le32(k + HDR_CMDLINE_SIZE);
	return 0;
}

/* Reads len bytes at off of fd into buf; -1 on a short read. */
static int read_at(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (uint8_t *)buf + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/* Reads the initrd straight into guest memory, as high as it may go. */
static int load_initrd(struct vm *vm, const struct boot_file *initrd,
		       const struct bzimage_info *info, uint64_t kernel_end, uint64_t *addr,
		       uint64_t *size, char **err)
{
	uint64_t limit = vm->mem[0].size, max = (uint64_t)info->initrd_addr_max + 1;
	const char *path = initrd->name;
	struct stat st;
	uint8_t *dst;

	if (fstat(initrd->fd, &st) < 0) {
		*err = xasprintf("cannot read ramdisk %s: %s", path, strerror(errno));
		return -1;
	}
	if (max < limit)
		limit = max;
	*size = (uint64_t)st.st_size;
	if (*size > limit || ((limit - *size) & ~0xfffULL) < kernel_end) {
		*err = xasprintf("ramdisk %s (%llu MiB) does not fit in memory beside the kernel; "
				 "raise memory",
				 path, (unsigned long long)(*size >> 20) + 1);
		return -1;
	}
	*addr = (limit - *size) & ~0xfffULL;
	dst = gpa_to_hva(vm, *addr, *size);
	if (!dst || read_at(initrd->fd, dst, *size, 0)) {
		*err = xasprintf("cannot read ramdisk %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void e820_add(uint8_t *bp, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t n = bp[BP_E820_ENTRIES];
	uint8_t *e = bp + BP_E820_TABLE + n * 20;

	if (n >= E820_MAX || !size)
		return;
	put64(e, addr);
	put64(e + 8, size);
	put32(e + 16, type);
	bp[BP_E820_ENTRIES] = (uint8_t)(n + 1);
}

static void write_e820(struct vm *vm, uint8_t *bp)
{
	e820_add(bp, 0, EBDA_START, E820_RAM);
	e820_add(bp, EBDA_START, 0xa0000 - EBDA_START, E820_RESERVED);
	e820_add(bp, ACPI_TABLES_ADDR, ACPI_TABLES_END - ACPI_TABLES_ADDR, E820_RESERVED);
	e820_add(bp, HIGH_MEMORY, vm->mem[0].size - HIGH_MEMORY, E820_RAM);
	if (vm->nmem > 1)
		e820_add(bp, vm->mem[1].gpa, vm->mem[1].size, E820_RAM);
}

static int write_zero_page(struct vm *vm, const uint8_t *k, const struct bzimage_info *info,
			   uint64_t initrd, uint64_t initrd_size)
{
	uint8_t *bp = gpa_to_hva(vm, ZERO_PAGE_ADDR, 4096);

	if (!bp)
		return -1;
	memset(bp, 0, 4096);
	memcpy(bp + HDR_SETUP_SECTS, k + HDR_SETUP_SECTS, info->header_end - HDR_SETUP_SECTS);
	bp[HDR_TYPE_OF_LOADER] = 0xff; /* an unregistered loader */
	put32(bp + HDR_CMD_LINE_PTR, CMDLINE_ADDR);
	put32(bp + HDR_RAMDISK_IMAGE, (uint32_t)initrd);
	put32(bp + HDR_RAMDISK_SIZE, (uint32_t)initrd_size);
	if (info->version >= 0x020e)
		put64(bp + BP_ACPI_RSDP_ADDR, ACPI_TABLES_ADDR);
	write_e820(vm, bp);
	return 0;
}

/* The setup sectors and header: at most 255 + 1 sectors, and 0x300 bytes at least. */
#define SETUP_MAX (256 * 512)

int boot_load_linux(struct vm *vm, const struct boot_file *kernel, const struct boot_file *initrd,
		    const char *cmdline, uint64_t *entry, char **err)
{
	struct bzimage_info info;
	uint64_t initrd_addr = 0, initrd_size = 0, footprint, cmdmax, pm_len;
	uint8_t *k = xcalloc(1, SETUP_MAX), *dst;
	size_t hdr_len;
	struct stat st;
	char *why = NULL;
	int ret = -1;

	if (fstat(kernel->fd, &st) || st.st_size < 0) {
		*err = xasprintf("cannot read %s: %s", kernel->name, strerror(errno));
		goto out;
	}
	hdr_len = (uint64_t)st.st_size < SETUP_MAX ? (size_t)st.st_size : SETUP_MAX;
	if (read_at(kernel->fd, k, hdr_len, 0)) {
		*err = xasprintf("cannot read %s: %s", kernel->name, strerror(errno));
		goto out;
	}
	if (bzimage_parse(k, hdr_len, (uint64_t)st.st_size, &info, &why)) {
		*err = xasprintf("kernel %s: %s", kernel->name, why);
		goto out;
	}
	pm_len = (uint64_t)st.st_size - info.setup_size;
	footprint = info.load_addr + info.init_size;
	if (footprint > vm->mem[0].size) {
		*err = xasprintf("kernel %s needs %llu MiB of memory to boot; memory is %llu MiB",
				 kernel->name, (unsigned long long)(footprint >> 20) + 1,
				 (unsigned long long)(vm->ram_size >> 20));
		goto out;
	}
	dst = gpa_to_hva(vm, info.load_addr, pm_len);
	if (!dst || read_at(kernel->fd, dst, pm_len, (off_t)info.setup_size)) {
		*err = xasprintf("cannot read %s: %s", kernel->name, strerror(errno));
		goto out;
	}
	if (initrd && load_initrd(vm, initrd, &info, footprint, &initrd_addr, &initrd_size, err))
		goto out;
	cmdline = cmdline ? cmdline : "";
	cmdmax = info.cmdline_size && info.cmdline_size < CMDLINE_MAX ? info.cmdline_size
								      : CMDLINE_MAX - 1;
	if (strlen(cmdline) > cmdmax) {
		*err = xasprintf("the command line is %zu bytes; this kernel takes at most %llu",
				 strlen(cmdline), (unsigned long long)cmdmax);
		goto out;
	}
	memcpy(gpa_to_hva(vm, CMDLINE_ADDR, CMDLINE_MAX), cmdline, strlen(cmdline) + 1);
	if (write_zero_page(vm, k, &info, initrd_addr, initrd_size))
		goto out;
	*entry = info.load_addr + 0x200;
	ret = 0;
out:
	if (ret && !*err)
		*err = xstrdup("guest memory is too small for the kernel");
	free(why);
	free(k);
	return ret;
}
