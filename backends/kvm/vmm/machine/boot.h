/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux's x86 boot protocol (Documentation/arch/x86/boot.rst), 64-bit entry:
 * the protected-mode kernel at its preferred address, the initrd as high as
 * initrd_addr_max allows, the command line, and a zero page with the e820 map.
 */
#ifndef XLC_KVM_BOOT_H
#define XLC_KVM_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "backends/kvm/vmm/machine/vm.h"

struct bzimage_info {
	uint16_t version;   /* boot protocol, e.g. 0x020f */
	size_t setup_size;  /* bytes before the protected-mode kernel */
	uint64_t load_addr; /* where the protected-mode kernel goes */
	uint64_t init_size; /* memory it needs from load_addr while booting */
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
	size_t header_end; /* the setup header runs from 0x1f1 to here */
};

/* Checks a kernel image; a clear message in *err if xlc cannot boot it. */
int bzimage_parse(const uint8_t *hdr, size_t hdr_len, uint64_t file_len, struct bzimage_info *info,
		  char **err);

/* A file the VMM's privileged part opened for it; name is for messages. */
struct boot_file {
	int fd;
	const char *name;
};

/*
 * Loads kernel, initrd and command line into guest memory and writes the zero
 * page; *entry is the 64-bit entry point. source names the files in errors.
 */
int boot_load_linux(struct vm *vm, const struct boot_file *kernel, const struct boot_file *initrd,
		    const char *cmdline, uint64_t *entry, char **err);

#endif
