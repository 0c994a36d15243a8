// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI reset control register at 0xcf9, as on Intel chipsets: writing
 * RST_CPU (bit 2) resets the machine. On a hardware-reduced ACPI machine
 * Linux reboots by this port by default (EFI reboot is required there, and
 * without EFI it falls through to CF9 before trying a triple fault).
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kvm/vmm/devices/legacy.h"
#include "backends/kvm/vmm/snapshot/stream.h"
#include "lib/util.h"

#define CF9_PORT 0xcf9
#define RST_CPU 0x04

static void cf9_io(struct vm *vm, void *dev, uint64_t off, uint8_t *data, unsigned len,
		   bool is_write)
{
	uint8_t *reg = dev;

	(void)off;
	if (len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (!is_write) {
		data[0] = *reg;
		return;
	}
	*reg = data[0] & (uint8_t)~RST_CPU;
	if (data[0] & RST_CPU)
		vm_request_exit(vm, VM_REBOOT);
}

static void cf9_save(const void *dev, struct snap_out *o)
{
	snap_put_u8(o, *(const uint8_t *)dev);
}

static int cf9_load(void *dev, struct snap_in *in, char **err)
{
	uint8_t v = snap_get_u8(in);

	if (snap_in_finish(in, !(v & RST_CPU), "cf9", err))
		return -1;
	*(uint8_t *)dev = v;
	return 0;
}

static const struct device_state_ops cf9_state = { cf9_save, cf9_load };

int cf9_create(struct vm *vm)
{
	uint8_t *reg = xcalloc(1, 1);

	if (bus_register(&vm->pio, CF9_PORT, 1, cf9_io, reg, "cf9")) {
		free(reg);
		return -1;
	}
	return vm_register_state(vm, "cf9", &cf9_state, reg);
}
