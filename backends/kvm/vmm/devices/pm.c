// SPDX-License-Identifier: GPL-2.0
/*
 * The hardware-reduced ACPI registers: sleep control (S5 is power-off),
 * sleep status, reset, and the Generic Event Device's event register, which
 * is how `xlc shutdown` presses the guest's power button and vcpu-set tells
 * the guest that its CPUs changed.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kvm/vmm/machine/acpi.h"
#include "backends/kvm/vmm/snapshot/stream.h"
#include "lib/util.h"

struct acpi_pm {
	uint32_t ged_events;
};

static void pm_io(struct vm *vm, void *dev, uint64_t off, uint8_t *data, unsigned len,
		  bool is_write)
{
	struct acpi_pm *pm = dev;
	uint16_t port = (uint16_t)(ACPI_SLEEP_CONTROL_PORT + off);

	if (!is_write)
		memset(data, 0, len);
	switch (port) {
	case ACPI_SLEEP_CONTROL_PORT:
		/* SLP_EN (bit 5) with SLP_TYP (bits 2-4) of _S5: power off. */
		if (is_write && (data[0] & 0x20) && ((data[0] >> 2) & 7) == ACPI_S5_TYPE)
			vm_request_exit(vm, VM_POWEROFF);
		break;
	case ACPI_SLEEP_STATUS_PORT:
		if (!is_write)
			data[0] = 0x80; /* WAK_STS */
		break;
	case ACPI_RESET_PORT:
		if (is_write && data[0] == ACPI_RESET_VALUE)
			vm_request_exit(vm, VM_REBOOT);
		break;
	case ACPI_GED_PORT:
		if (is_write || len != 4)
			break;
		memcpy(data, &pm->ged_events, 4);
		pm->ged_events = 0;
		vm_irq_line(vm, ACPI_GED_GSI, false);
		break;
	}
}

static void pm_save(const void *dev, struct snap_out *o)
{
	const struct acpi_pm *pm = dev;

	snap_put_u32(o, pm->ged_events);
}

static int pm_load(void *dev, struct snap_in *in, char **err)
{
	struct acpi_pm *pm = dev;
	uint32_t events = snap_get_u32(in);

	if (snap_in_finish(in, true, "acpi-pm", err))
		return -1;
	pm->ged_events = events;
	return 0;
}

static const struct device_state_ops pm_state = { pm_save, pm_load };

int acpi_pm_create(struct vm *vm)
{
	vm->pm = xcalloc(1, sizeof(*vm->pm));
	if (bus_register(&vm->pio, ACPI_SLEEP_CONTROL_PORT, 8, pm_io, vm->pm, "acpi-pm")) {
		free(vm->pm);
		vm->pm = NULL;
		return -1;
	}
	return vm_register_state(vm, "acpi-pm", &pm_state, vm->pm);
}

void acpi_ged_raise_locked(struct vm *vm, uint32_t events)
{
	vm->pm->ged_events |= events;
	vm_irq_line(vm, ACPI_GED_GSI, true);
}

void acpi_power_button(struct vm *vm)
{
	pthread_mutex_lock(&vm->pio.lock);
	acpi_ged_raise_locked(vm, ACPI_GED_POWER_BUTTON);
	pthread_mutex_unlock(&vm->pio.lock);
}
