// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the ACPI tables: every checksum, the pointers between the
 * tables, the MADT's CPUs and the DSDT's devices. With ACPI_DUMP_DIR set the
 * tables are also written there, for `iasl -d` (tests/bats/kit.bats).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/kvm/vmm/machine/acpi.h"
#include "tap.h"

#define BASE 0xe0000

static uint8_t mem[0x20000];

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static const uint8_t *at(uint64_t gpa)
{
	return gpa >= BASE && gpa < BASE + sizeof(mem) ? mem + (gpa - BASE) : NULL;
}

static uint32_t len_of(const uint8_t *t)
{
	uint32_t n;

	memcpy(&n, t + 4, 4);
	return n;
}

static void dump(const char *dir, const char *name, const uint8_t *t, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	if (f) {
		fwrite(t, 1, n, f);
		fclose(f);
	}
}

static bool contains(const uint8_t *t, size_t n, const char *s)
{
	size_t l = strlen(s), i;

	for (i = 0; i + l <= n; i++)
		if (!memcmp(t + i, s, l))
			return true;
	return false;
}

int main(void)
{
	const struct virtio_mmio_slot slots[] = { { 0xd0000000, 16 }, { 0xd0001000, 17 } };
	struct acpi_config cfg = { .vcpus = 2, .max_vcpus = 4, .virtio = slots, .nvirtio = 2 };
	const char *dir = getenv("ACPI_DUMP_DIR");
	const uint8_t *xsdt, *fadt, *madt, *dsdt;
	uint64_t a;
	unsigned lapics = 0, capable = 0, i;

	ok(acpi_build_tables(mem, sizeof(mem), BASE, &cfg) > 0, "the tables are built");
	ok(!memcmp(mem, "RSD PTR ", 8), "the RSDP comes first");
	is_int(sum(mem, 20), 0, "RSDP checksum (first 20 bytes)");
	is_int(sum(mem, 36), 0, "RSDP extended checksum");
	memcpy(&a, mem + 24, 8);
	xsdt = at(a);
	ok(xsdt && !memcmp(xsdt, "XSDT", 4), "the RSDP points at the XSDT");
	if (!xsdt)
		return done_testing();
	is_int(sum(xsdt, len_of(xsdt)), 0, "XSDT checksum");
	memcpy(&a, xsdt + 36, 8);
	fadt = at(a);
	memcpy(&a, xsdt + 44, 8);
	madt = at(a);
	ok(fadt && !memcmp(fadt, "FACP", 4) && madt && !memcmp(madt, "APIC", 4),
	   "the XSDT lists the FADT and the MADT");
	if (!fadt || !madt)
		return done_testing();
	is_int(sum(fadt, len_of(fadt)), 0, "FADT checksum");
	is_int(len_of(fadt), 276, "FADT is the ACPI 6 size");
	ok(fadt[112 + 2] & 0x10, "FADT: hardware-reduced");
	memcpy(&a, fadt + 140, 8);
	dsdt = at(a);
	ok(dsdt && !memcmp(dsdt, "DSDT", 4), "FADT.X_DSDT points at the DSDT");
	if (!dsdt)
		return done_testing();
	is_int(sum(dsdt, len_of(dsdt)), 0, "DSDT checksum");
	is_int(sum(madt, len_of(madt)), 0, "MADT checksum");
	for (i = 44; i < len_of(madt); i += madt[i + 1]) {
		lapics += madt[i] == 0 && madt[i + 4] == 1;
		capable += madt[i] == 0 && madt[i + 4] == 2;
	}
	is_int(lapics, 2, "MADT: one enabled local APIC per vCPU present at boot");
	is_int(capable, 2, "MADT: one online-capable local APIC per vCPU vcpu-set may add");
	ok(contains(dsdt, len_of(dsdt), "ACPI0007") && contains(dsdt, len_of(dsdt), "C003") &&
		   !contains(dsdt, len_of(dsdt), "C004"),
	   "DSDT: one processor device per possible vCPU");
	ok(contains(dsdt, len_of(dsdt), "CSCN") && contains(dsdt, len_of(dsdt), "_EJ0"),
	   "DSDT: the CPU hotplug scan and eject methods");
	ok(contains(dsdt, len_of(dsdt), "_S5_"), "DSDT: _S5");
	ok(contains(dsdt, len_of(dsdt), "LNRO0005"), "DSDT: virtio-mmio devices");
	ok(contains(dsdt, len_of(dsdt), "VR01"), "DSDT: one device per virtio-mmio slot");
	ok(contains(dsdt, len_of(dsdt), "ACPI0013"), "DSDT: the GED");
	ok(contains(dsdt, len_of(dsdt), "QEMU0001"), "DSDT: pvpanic");
	if (dir) {
		dump(dir, "dsdt", dsdt, len_of(dsdt));
		dump(dir, "facp", fadt, len_of(fadt));
		dump(dir, "apic", madt, len_of(madt));
		dump(dir, "xsdt", xsdt, len_of(xsdt));
	}
	cfg.vcpus = cfg.max_vcpus = 255;
	ok(acpi_build_tables(mem, sizeof(mem), BASE, &cfg) > 0, "255 vCPUs fit below 1 MiB");
	return done_testing();
}
