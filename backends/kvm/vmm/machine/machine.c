// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/machine/machine.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kvm/vmm/devices/legacy.h"
#include "backends/kvm/vmm/machine/acpi.h"
#include "backends/kvm/vmm/virtio/devices.h"
#include "backends/kvm/vmm/virtio/virtio.h"
#include "lib/util.h"

static int add_devices(struct vm *vm, serial_sink sink, void *opaque, char **err)
{
	vm->serial = serial_create(vm, sink, opaque);
	if (!vm->serial || i8042_create(vm) || rtc_create(vm) || pvpanic_create(vm) ||
	    cf9_create(vm) || acpi_pm_create(vm)) {
		*err = xstrdup("cannot register the legacy devices");
		return -1;
	}
	return 0;
}

/* The next slot, with its counters in the shared page if there is one. */
static bool next_slot(struct vm *vm, const struct machine_config *mc, struct virtio_slot *slot,
		      char **err)
{
	if (virtio_slot_get(vm->nvirtio, slot)) {
		if (mc->stats)
			slot->stats = &mc->stats[vm->nvirtio];
		return true;
	}
	*err = xasprintf("too many disks and vifs: the kvm backend has %d virtio slots, "
			 "two of them for the entropy device and the balloon",
			 VIRTIO_SLOTS);
	return false;
}

static int add_virtio(struct vm *vm, const struct machine_config *mc, char **err)
{
	struct virtio_slot slot;
	unsigned i;

	for (i = 0; i < mc->ndisks; i++)
		if (!next_slot(vm, mc, &slot, err) ||
		    virtio_blk_create(vm, &mc->disks[i], &slot, err))
			return -1;
	for (i = 0; i < mc->nnics; i++)
		if (!next_slot(vm, mc, &slot, err) ||
		    virtio_net_create(vm, &mc->nics[i], &slot, err))
			return -1;
	if (!next_slot(vm, mc, &slot, err) || virtio_rng_create(vm, &slot, err))
		return -1;
	if (!next_slot(vm, mc, &slot, err) ||
	    virtio_balloon_create(vm, mc->balloon_pages, &slot, &vm->balloon, err))
		return -1;
	return 0;
}

/* The DSDT's LNRO0005 devices: one per virtio device, in slot order. */
static int install_acpi(struct vm *vm, const struct machine_config *mc)
{
	struct virtio_mmio_slot slots[VIRTIO_MAX_DEVICES];
	struct acpi_config acpi = { .vcpus = mc->vcpus,
				    .max_vcpus = mc->max_vcpus,
				    .virtio = slots,
				    .nvirtio = vm->nvirtio };
	unsigned i;

	for (i = 0; i < vm->nvirtio; i++)
		slots[i] = (struct virtio_mmio_slot){ vm->virtio[i]->base, vm->virtio[i]->gsi };
	return acpi_install(vm, &acpi);
}

/*
 * On a hardware-reduced ACPI machine without EFI, Linux's default reboot
 * method is EFI's reset (there is none): the guest hangs in "machine
 * restart". Like Firecracker (reboot=k), xlc asks for the ACPI reset
 * register, with the i8042 as Linux's fallback, unless the config says.
 */
static bool has_param(const char *c, const char *key)
{
	const char *p;

	for (p = strstr(c, key); p; p = strstr(p + 1, key))
		if (p == c || p[-1] == ' ')
			return true;
	return false;
}

static char *guest_cmdline(const char *cmdline)
{
	const char *c = cmdline ? cmdline : "";
	struct strbuf sb;

	sb_init(&sb);
	sb_adds(&sb, c);
	if (!has_param(c, "reboot="))
		sb_addf(&sb, "%sreboot=a", sb.buf && *sb.buf ? " " : "");
	return sb_detach(&sb);
}

struct vm *machine_build(const struct machine_config *mc, char **err)
{
	char *cmdline = NULL;
	uint64_t entry;
	struct vm *vm;

	if (mc->max_vcpus > MAX_VCPUS) {
		*err = xasprintf("vcpus = %d: the kvm backend runs at most %d", mc->max_vcpus,
				 MAX_VCPUS);
		close(mc->kvm_fd);
		return NULL;
	}
	vm = vm_create(mc->kvm_fd, mc->ram_bytes, mc->max_vcpus, err);
	if (!vm)
		return NULL;
	vm->thread_hook = mc->thread_hook;
	vm->owner = mc->owner;
	if (add_devices(vm, mc->sink, mc->sink_opaque, err) || add_virtio(vm, mc, err))
		goto fail;
	/*
	 * maxvcpus > vcpus: every vCPU exists, the MADT lists the others as
	 * online-capable, and vcpu-set adds and removes them through ACPI.
	 */
	if (cpu_hotplug_create(vm, mc->vcpus, mc->max_vcpus)) {
		*err = xstrdup("cannot register the CPU hotplug registers");
		goto fail;
	}
	if (install_acpi(vm, mc)) {
		*err = xstrdup("the ACPI tables do not fit below 1 MiB");
		goto fail;
	}
	if (mc->from_stream) { /* memory and registers come from the stream: no kernel */
		if (vcpus_create(vm, err))
			goto fail;
		return vm;
	}
	cmdline = guest_cmdline(mc->cmdline);
	if (boot_load_linux(vm, &mc->kernel, mc->initrd.fd >= 0 ? &mc->initrd : NULL, cmdline,
			    &entry, err) ||
	    vcpus_create(vm, err) || vcpu_setup_boot(&vm->vcpus[0], entry, ZERO_PAGE_ADDR, err))
		goto fail;
	free(cmdline);
	return vm;
fail:
	free(cmdline);
	vm_destroy(vm);
	return NULL;
}

/* cpus = "0-3": every vCPU there; cpus = [ "0", "1" ]: vCPU i on item i. */
static int pin_vcpus(struct vm *vm, const struct machine_config *mc, char **err)
{
	int i;

	for (i = 0; mc->pins && i < vm->nvcpus; i++)
		if (mc->pins[i].ncpus &&
		    vcpu_pin(&vm->vcpus[i], mc->pins[i].cpus, mc->pins[i].ncpus, err))
			return -1;
	return 0;
}

static int start_device_threads(struct vm *vm, char **err)
{
	unsigned i;

	for (i = 0; i < vm->nvirtio; i++) {
		struct virtio_dev *dev = vm->virtio[i];

		if (dev->ops->start_threads && dev->ops->start_threads(dev, err))
			return -1;
	}
	return 0;
}

int machine_start(struct vm *vm, const struct machine_config *mc, bool paused, char **err)
{
	if (iothread_start(vm, err) || start_device_threads(vm, err))
		return -1;
	if (paused)
		vm->pause_requested = true; /* started, but parked before their first KVM_RUN */
	if (vcpus_start(vm, err))
		return -1;
	return pin_vcpus(vm, mc, err);
}

static int quiesce_devices(struct vm *vm, bool quiet)
{
	int r = 0;
	unsigned i;

	for (i = 0; i < vm->nvirtio; i++)
		if (vm->virtio[i]->ops->quiesce &&
		    vm->virtio[i]->ops->quiesce(vm->virtio[i], quiet))
			r = -1;
	return r;
}

int machine_freeze(struct vm *vm, bool *running)
{
	*running = !atomic_load(&vm->pause_requested);
	vcpus_pause(vm, true);
	if (iothread_park(vm, true))
		return -1;
	return quiesce_devices(vm, true);
}

void machine_thaw(struct vm *vm, bool run_vcpus)
{
	quiesce_devices(vm, false);
	iothread_park(vm, false);
	if (run_vcpus)
		vcpus_pause(vm, false);
}

enum vm_exit_reason machine_finish(struct vm *vm)
{
	enum vm_exit_reason why;

	vcpus_stop(vm);
	why = (enum vm_exit_reason)vm->exit_reason;
	vm_destroy(vm);
	return why;
}
