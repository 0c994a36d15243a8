// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kvm/acpi.h"
#include "backends/kvm/boot.h"
#include "backends/kvm/legacy.h"
#include "backends/kvm/serial.h"
#include "xlc/util.h"

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

/*
 * On a hardware-reduced ACPI machine without EFI, Linux's default reboot
 * method is EFI's reset (there is none): the guest hangs in "machine
 * restart". Like Firecracker (reboot=k), xlc asks for the ACPI reset
 * register, with the i8042 as Linux's fallback, unless the config says.
 */
static char *guest_cmdline(const char *cmdline)
{
	const char *c = cmdline ? cmdline : "";

	if (!strncmp(c, "reboot=", 7) || strstr(c, " reboot="))
		return xstrdup(c);
	return xasprintf("%s%sreboot=a", c, *c ? " " : "");
}

/* MemTotal: a guest larger than the host cannot be backed, only overcommitted. */
static uint64_t host_memory_mib(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size >> 20 : UINT64_MAX;
}

struct vm *vmm_build(const struct domain_config *dc, serial_sink sink, void *opaque, char **err)
{
	uint64_t mib = dc->memory_mib ? (uint64_t)dc->memory_mib : KVM_DEFAULT_MEMORY_MIB, entry;
	int vcpus = dc->vcpus ? dc->vcpus : 1;
	struct acpi_config acpi = { .vcpus = vcpus };
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
	if (vcpus > MAX_VCPUS) {
		*err = xasprintf("vcpus = %d: the kvm backend runs at most %d", vcpus, MAX_VCPUS);
		return NULL;
	}
	vm = vm_create(mib << 20, vcpus, err);
	if (!vm)
		return NULL;
	if (add_devices(vm, sink, opaque, err))
		goto fail;
	if (acpi_install(vm, &acpi)) {
		*err = xstrdup("the ACPI tables do not fit below 1 MiB");
		goto fail;
	}
	cmdline = guest_cmdline(dc->cmdline);
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
