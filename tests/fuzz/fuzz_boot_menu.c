// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the boot menus bootloader = "pygrub" reads from a
 * guest's disk (grub.cfg, menu.lst, extlinux.conf): the first byte picks
 * the format, the rest is the menu; each parse is followed by choosing the
 * default entry, an index and a title.
 */
#include <stdint.h>
#include <stdlib.h>

#include "backends/kvm/vmm/bootloader/boot_menu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const choices[] = { NULL, "1", "Debian GNU/Linux" };
	struct boot_menu m;
	char *err = NULL;
	unsigned i;

	if (!size)
		return 0;
	if (boot_menu_parse((enum boot_menu_kind)(data[0] % 3), (const char *)data + 1, size - 1,
			    &m, &err)) {
		free(err);
		return 0;
	}
	for (i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		int e = boot_menu_choose(&m, choices[i]);

		if (e >= (int)m.n || (e >= 0 && !m.entries[e].kernel))
			abort(); /* boot_menu_choose's contract */
	}
	boot_menu_free(&m);
	return 0;
}
