// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI CPU hotplug (vcpu-set): every possible vCPU exists from boot, and the
 * guest learns which are present from these registers (acpi.h has their
 * layout). Adding a vCPU marks it present and changed and raises the GED
 * event; the DSDT then notifies its processor device, Linux maps it and
 * user space onlines it, as it does on any ACPI machine. Removing one makes
 * Linux offline it and evaluate _EJ0; its vCPU thread stays, halted, for a
 * later add (the guest starts it again with INIT and SIPI).
 *
 * The guest only reads these bits and writes the eject word, which changes
 * nothing: what is present is the host's to say.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/kvm/vmm/machine/acpi.h"
#include "backends/kvm/vmm/snapshot/stream.h"
#include "lib/util.h"

struct cpu_hotplug {
	int max_vcpus;
	uint32_t present[ACPI_CPUHP_WORDS];
	uint32_t changed[ACPI_CPUHP_WORDS];
};

static void set_bit_to(uint32_t *words, int n, bool on)
{
	uint32_t bit = 1u << (n % 32);

	if (on)
		words[n / 32] |= bit;
	else
		words[n / 32] &= ~bit;
}

static void cpuhp_io(struct vm *vm, void *dev, uint64_t off, uint8_t *data, unsigned len,
		     bool is_write)
{
	struct cpu_hotplug *h = dev;
	unsigned word = (unsigned)(off / 4);
	uint32_t v = 0;

	(void)vm;
	if (len != 4 || off % 4) { /* the DSDT's fields are dword-wide */
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (is_write) /* _EJ0's word: the vCPU already halted, its thread waits */
		return;
	if (word < ACPI_CPUHP_WORDS) {
		v = h->present[word];
	} else if (word < 2 * ACPI_CPUHP_WORDS) {
		v = h->changed[word - ACPI_CPUHP_WORDS];
		h->changed[word - ACPI_CPUHP_WORDS] = 0;
	}
	memcpy(data, &v, 4);
}

static void cpuhp_save(const void *dev, struct snap_out *o)
{
	const struct cpu_hotplug *h = dev;
	unsigned i;

	snap_put_u32(o, (uint32_t)h->max_vcpus);
	for (i = 0; i < ACPI_CPUHP_WORDS; i++) {
		snap_put_u32(o, h->present[i]);
		snap_put_u32(o, h->changed[i]);
	}
}

/* No bit for a vCPU past maxvcpus, and vCPU 0 always present. */
static bool cpuhp_valid(const struct cpu_hotplug *h, int max_vcpus)
{
	int n;

	if (h->max_vcpus != max_vcpus || !(h->present[0] & 1))
		return false;
	for (n = max_vcpus; n < ACPI_CPUHP_WORDS * 32; n++)
		if ((h->present[n / 32] | h->changed[n / 32]) & (1u << (n % 32)))
			return false;
	return true;
}

static int cpuhp_load(void *dev, struct snap_in *in, char **err)
{
	struct cpu_hotplug *h = dev, n;
	unsigned i;

	n.max_vcpus = (int)snap_get_u32(in);
	for (i = 0; i < ACPI_CPUHP_WORDS; i++) {
		n.present[i] = snap_get_u32(in);
		n.changed[i] = snap_get_u32(in);
	}
	if (snap_in_finish(in, cpuhp_valid(&n, h->max_vcpus), "cpu-hotplug", err))
		return -1;
	*h = n;
	return 0;
}

static const struct device_state_ops cpuhp_state = { cpuhp_save, cpuhp_load };

int cpu_hotplug_create(struct vm *vm, int present, int max_vcpus)
{
	struct cpu_hotplug *h = xcalloc(1, sizeof(*h));
	int n;

	h->max_vcpus = max_vcpus;
	for (n = 0; n < present && n < max_vcpus; n++)
		set_bit_to(h->present, n, true);
	if (bus_register(&vm->pio, ACPI_CPUHP_PORT, ACPI_CPUHP_LEN, cpuhp_io, h, "cpu-hotplug")) {
		free(h);
		return -1;
	}
	vm->cpuhp = h;
	return vm_register_state(vm, "cpu-hotplug", &cpuhp_state, h);
}

int cpu_hotplug_set(struct vm *vm, int n)
{
	struct cpu_hotplug *h = vm->cpuhp;
	bool any = false;
	int i;

	if (!h || n < 1 || n > h->max_vcpus)
		return -1;
	pthread_mutex_lock(&vm->pio.lock);
	for (i = 1; i < h->max_vcpus; i++) { /* vCPU 0 stays: Linux cannot let it go */
		bool want = i < n, is = h->present[i / 32] & (1u << (i % 32));

		if (want == is)
			continue;
		set_bit_to(h->present, i, want);
		set_bit_to(h->changed, i, true);
		any = true;
	}
	if (any)
		acpi_ged_raise_locked(vm, ACPI_GED_CPU_HOTPLUG);
	pthread_mutex_unlock(&vm->pio.lock);
	return 0;
}
