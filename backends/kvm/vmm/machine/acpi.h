/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI for a firmware-less guest (Debian's kernel finds its CPUs, its
 * virtio-mmio devices and its power-off path nowhere else): RSDP, XSDT, a
 * hardware-reduced FADT with sleep and reset registers, a MADT, and a DSDT
 * with _S5, a power button behind a Generic Event Device, the pvpanic port,
 * one LNRO0005 device per virtio-mmio device, and one ACPI0007 processor
 * device per possible vCPU for CPU hotplug (vcpu-set).
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
#define ACPI_GED_CPU_HOTPLUG 0x2

/*
 * The CPU hotplug registers (devices/cpu_hotplug.c), 32-bit words from
 * ACPI_CPUHP_PORT: ACPI_CPUHP_WORDS words of "present" bits (vCPU n is bit
 * n % 32 of word n / 32), as many words of "changed" bits, cleared by
 * reading, then the eject word, to which the guest's _EJ0 writes the index
 * of a vCPU it has let go. A GED event ACPI_GED_CPU_HOTPLUG says "read the
 * changed bits": the DSDT then notifies each changed processor device.
 */
#define ACPI_CPUHP_PORT 0x620
#define ACPI_CPUHP_WORDS 8 /* 256 vCPUs: more than MAX_VCPUS */
#define ACPI_CPUHP_PRESENT(word) (4u * (word))
#define ACPI_CPUHP_CHANGED(word) (4u * (ACPI_CPUHP_WORDS + (word)))
#define ACPI_CPUHP_EJECT (8u * ACPI_CPUHP_WORDS)
#define ACPI_CPUHP_LEN (ACPI_CPUHP_EJECT + 4)

struct virtio_mmio_slot {
	uint64_t base;
	uint32_t gsi;
};

struct acpi_config {
	int vcpus;     /* present at boot: 0..vcpus-1 */
	int max_vcpus; /* possible: the others can be hot-added */
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
/* Raises GED events (ACPI_GED_* bits); the caller holds vm->pio.lock. */
void acpi_ged_raise_locked(struct vm *vm, uint32_t events);

/*
 * CPU hotplug: vCPUs 0..present-1 are present at boot; cpu_hotplug_set()
 * makes 0..n-1 present from now on and tells the guest what changed.
 */
int cpu_hotplug_create(struct vm *vm, int present, int max_vcpus);
int cpu_hotplug_set(struct vm *vm, int n);

#endif
