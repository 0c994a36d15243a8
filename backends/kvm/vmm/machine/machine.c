// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm/machine/machine.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kvm/vmm/machine/acpi.h"
#include "backends/kvm/vmm/machine/boot.h"
#include "backends/kvm/vmm/virtio/devices.h"
#include "backends/kvm/vmm/devices/legacy.h"
#include "backends/kvm/vmm/devices/serial.h"
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

/* Disks in vdev order (xvda before xvdb, whatever the config's order): vda, vdb... */
static int by_disk_index(const void *a, const void *b)
{
	const struct disk_spec *x = *(const struct disk_spec *const *)a;
	const struct disk_spec *y = *(const struct disk_spec *const *)b;

	return x->disk_index < y->disk_index ? -1 : x->disk_index > y->disk_index;
}

/* Formats other than raw would need an image driver the kvm backend does not have. */
static int check_disk(const struct disk_spec *d, char **err)
{
	if (d->format != DISK_FORMAT_RAW && d->format != DISK_FORMAT_UNKNOWN) {
		*err = xasprintf("disk %s (%s): format %s is not supported by the kvm backend; "
				 "convert it to raw (qemu-img convert -O raw)",
				 d->vdev, d->target ? d->target : "", disk_format_name(d->format));
		return -1;
	}
	return 0;
}

static bool next_slot(struct vm *vm, struct virtio_slot *slot, char **err)
{
	if (virtio_slot_get(vm->nvirtio, slot)) /* VIRTIO_SLOTS < VIRTIO_MAX_DEVICES */
		return true;
	*err = xasprintf("too many disks and vifs: the kvm backend has %d virtio slots, "
			 "one of them for the entropy device",
			 VIRTIO_SLOTS);
	return false;
}

static int add_disks(struct vm *vm, const struct domain_config *dc, char **err)
{
	const struct disk_spec **order = xcalloc(dc->ndisks + 1, sizeof(*order));
	struct virtio_slot slot;
	unsigned i;
	int ret = -1;

	for (i = 0; i < dc->ndisks; i++)
		order[i] = &dc->disks[i];
	qsort(order, dc->ndisks, sizeof(*order), by_disk_index);
	for (i = 0; i < dc->ndisks; i++) {
		if (check_disk(order[i], err))
			goto out;
		if (!order[i]->target)
			continue; /* an empty cdrom drive: virtio-blk has no removable media */
		if (!next_slot(vm, &slot, err) || virtio_blk_create(vm, order[i], &slot, err))
			goto out;
	}
	ret = 0;
out:
	free(order);
	return ret;
}

static int add_virtio(struct vm *vm, const struct domain_config *dc, int domid, char **err)
{
	struct vif_owner owner = { domid, dc->name, "xenbr0" };
	struct virtio_slot slot;
	unsigned i;

	if (add_disks(vm, dc, err))
		return -1;
	for (i = 0; i < dc->nvifs; i++)
		if (!next_slot(vm, &slot, err) ||
		    virtio_net_create(vm, &dc->vifs[i], &owner, &slot, -1, err))
			return -1;
	if (!next_slot(vm, &slot, err) || virtio_rng_create(vm, &slot, err))
		return -1;
	return iothread_start(vm, err);
}

/* The DSDT's LNRO0005 devices: one per virtio device, in slot order. */
static int install_acpi(struct vm *vm, int vcpus)
{
	struct virtio_mmio_slot slots[VIRTIO_MAX_DEVICES];
	struct acpi_config acpi = { .vcpus = vcpus, .virtio = slots, .nvirtio = vm->nvirtio };
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

/*
 * maxvcpus > vcpus: every vCPU is in the MADT, and Linux brings up only
 * vcpus of them (maxcpus=); the others are present and offline, and the
 * guest can online them itself (echo 1 > /sys/devices/system/cpu/cpuN/online).
 */
static char *guest_cmdline(const char *cmdline, int vcpus, int max_vcpus)
{
	const char *c = cmdline ? cmdline : "";
	struct strbuf sb;

	sb_init(&sb);
	sb_adds(&sb, c);
	if (!has_param(c, "reboot="))
		sb_addf(&sb, "%sreboot=a", sb.buf && *sb.buf ? " " : "");
	if (max_vcpus > vcpus && !has_param(c, "maxcpus="))
		sb_addf(&sb, "%smaxcpus=%d", sb.buf && *sb.buf ? " " : "", vcpus);
	return sb_detach(&sb);
}

/* MemTotal: a guest larger than the host cannot be backed, only overcommitted. */
static uint64_t host_memory_mib(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size >> 20 : UINT64_MAX;
}

struct vm *vmm_build(const struct domain_config *dc, int domid, serial_sink sink, void *opaque,
		     char **err)
{
	uint64_t mib = dc->memory_mib ? (uint64_t)dc->memory_mib : KVM_DEFAULT_MEMORY_MIB, entry;
	int vcpus = dc->vcpus ? dc->vcpus : 1;
	int max_vcpus = dc->maxvcpus > vcpus ? dc->maxvcpus : vcpus;
	char *cmdline = NULL;
	struct vm *vm;

	if (!dc->kernel) {
		*err = xstrdup("no kernel: the kvm backend boots a kernel directly; "
			       "set kernel = \"/path/to/bzImage\"");
		return NULL;
	}
	if (mib > host_memory_mib()) {
		*err = xasprintf("memory = %llu MiB is more than this host has (%llu MiB)",
				 (unsigned long long)mib, (unsigned long long)host_memory_mib());
		return NULL;
	}
	if (max_vcpus > MAX_VCPUS) {
		*err = xasprintf("vcpus = %d: the kvm backend runs at most %d", max_vcpus,
				 MAX_VCPUS);
		return NULL;
	}
	vm = vm_create(mib << 20, max_vcpus, err);
	if (!vm)
		return NULL;
	if (add_devices(vm, sink, opaque, err) || add_virtio(vm, dc, domid, err))
		goto fail;
	if (install_acpi(vm, max_vcpus)) {
		*err = xstrdup("the ACPI tables do not fit below 1 MiB");
		goto fail;
	}
	cmdline = guest_cmdline(dc->cmdline, vcpus, max_vcpus);
	if (boot_load_linux(vm, dc->kernel, dc->ramdisk, cmdline, &entry, err) ||
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
static int pin_vcpus(struct vm *vm, const struct domain_config *dc, char **err)
{
	int i;

	for (i = 0; i < vm->nvcpus; i++) {
		const char *list = domain_vcpu_cpus(dc, i);

		if (list && vcpu_pin(&vm->vcpus[i], list, err))
			return -1;
	}
	return 0;
}

int vmm_start(struct vm *vm, const struct domain_config *dc, bool paused, char **err)
{
	if (paused) {
		vm->pause_requested = true;
		/* Started, but parked before their first KVM_RUN. */
	}
	if (vcpus_start(vm, err))
		return -1;
	return pin_vcpus(vm, dc, err);
}

enum vm_exit_reason vmm_finish(struct vm *vm)
{
	enum vm_exit_reason why;

	vcpus_stop(vm);
	why = (enum vm_exit_reason)vm->exit_reason;
	vm_destroy(vm);
	return why;
}
