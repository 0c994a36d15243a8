// SPDX-License-Identifier: GPL-2.0
/*
 * pvpanic at port 0x505 (QEMU's ISA device): a guest kernel that panics
 * writes bit 0, and the guest ends as crashed (on_crash decides what next).
 */
#include <string.h>

#include "backends/kvm/vmm/devices/legacy.h"

static void pvpanic_io(struct vm *vm, void *dev, uint64_t off, uint8_t *data, unsigned len,
		       bool is_write)
{
	(void)dev;
	(void)off;
	if (!is_write) {
		memset(data, 0, len);
		data[0] = 0x01; /* capabilities: PANICKED */
		return;
	}
	if (data[0] & 0x01)
		vm_request_exit(vm, VM_CRASH);
}

int pvpanic_create(struct vm *vm)
{
	return bus_register(&vm->pio, 0x505, 1, pvpanic_io, NULL, "pvpanic");
}
