/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI for a firmware-less guest (Debian's kernel finds its CPUs, its
 * virtio-mmio devices and its power-off path nowhere else): RSDP, XSDT, a
 * hardware-reduced FADT with sleep and reset registers, a MADT, and a DSDT
 * with _S5, a power button behind a Generic Event Device, the pvpanic port,
 * and one LNRO0005 device per virtio-mmio device.
 */
#ifndef XLC_KVM_ACPI_H
#define XLC_KVM_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "backends/kvm/vmm/machine/vm.h"

/* I/O ports of the ACPI registers (one device, pm.c). */
#define ACPI_SLEEP_CONTROL_PORT 0x600
#define ACPI_SLEEP_STATUS_PORT 0x601
#define ACPI_RESET_PORT 0x602
#define ACPI_GED_PORT 0x604 /* 4 bytes: pending events, cleared by reading */
#define ACPI_RESET_VALUE 0x01
#define ACPI_S5_TYPE 5
#define ACPI_GED_GSI 9
#define ACPI_GED_POWER_BUTTON 0x1

struct virtio_mmio_slot {
	uint64_t base;
	uint32_t gsi;
};

struct acpi_config {
	int vcpus;
	const struct virtio_mmio_slot *virtio;
	unsigned nvirtio;
};

/*
 * Writes the tables into buf (guest address base); returns their total size,
 * or 0 if they do not fit in len bytes.
 */
size_t acpi_build_tables(uint8_t *buf, size_t len, uint64_t base, const struct acpi_config *cfg);

/* The same, into guest memory at ACPI_TABLES_ADDR. */
int acpi_install(struct vm *vm, const struct acpi_config *cfg);

/* The sleep, reset and event registers; acpi_power_button() presses the button. */
int acpi_pm_create(struct vm *vm);
void acpi_power_button(struct vm *vm);

#endif
