// SPDX-License-Identifier: GPL-2.0
#include "backends/kvm/vmm.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kvm/acpi.h"
#include "backends/kvm/boot.h"
#include "backends/kvm/legacy.h"
#include "backends/kvm/serial.h"
#include "xlc/util.h"

static void console_sink(void *opaque, const uint8_t *data, size_t len)
{
	const struct vmm_opts *opts = opaque;

	if (opts->console) {
		fwrite(data, 1, len, opts->console);
		fflush(opts->console);
	}
	if (opts->console_log >= 0 && write(opts->console_log, data, len) < 0)
		return; /* a full disk must not stop the guest */
}

static int add_devices(struct vm *vm, const struct vmm_opts *opts, char **err)
{
	vm->serial = serial_create(vm, console_sink, (void *)opts);
	if (!vm->serial || i8042_create(vm) || rtc_create(vm) || pvpanic_create(vm) ||
	    acpi_pm_create(vm)) {
		*err = xstrdup("cannot register the legacy devices");
		return -1;
	}
	return 0;
}

/* Builds the machine and loads the guest; NULL with *err on failure. */
static struct vm *build(const struct domain_config *dc, const struct vmm_opts *opts, char **err)
{
	uint64_t mib = dc->memory_mib ? (uint64_t)dc->memory_mib : KVM_DEFAULT_MEMORY_MIB, entry;
	int vcpus = dc->vcpus ? dc->vcpus : 1;
	struct acpi_config acpi = { .vcpus = vcpus };
	struct vm *vm;

	if (!dc->kernel) {
		*err = xstrdup("no kernel: the kvm backend boots a kernel directly; "
			       "set kernel = \"/path/to/bzImage\"");
		return NULL;
	}
	if (vcpus > MAX_VCPUS) {
		*err = xasprintf("vcpus = %d: the kvm backend runs at most %d", vcpus, MAX_VCPUS);
		return NULL;
	}
	vm = vm_create(mib << 20, vcpus, err);
	if (!vm)
		return NULL;
	if (add_devices(vm, opts, err))
		goto fail;
	if (acpi_install(vm, &acpi)) {
		*err = xstrdup("the ACPI tables do not fit below 1 MiB");
		goto fail;
	}
	if (boot_load_linux(vm, dc->kernel, dc->ramdisk, dc->cmdline, &entry, err) ||
	    vcpus_create(vm, err) || vcpu_setup_boot(&vm->vcpus[0], entry, ZERO_PAGE_ADDR, err))
		goto fail;
	return vm;
fail:
	vm_destroy(vm);
	return NULL;
}

static void wait_for_exit(struct vm *vm)
{
	struct pollfd p = { .fd = vm->event_fd, .events = POLLIN };
	uint64_t n;

	while (vm->exit_reason == VM_RUNNING) {
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		if (read(vm->event_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
			break;
	}
}

enum vm_exit_reason vmm_run(const struct domain_config *dc, const struct vmm_opts *opts,
			    char **err)
{
	enum vm_exit_reason why;
	struct vm *vm;

	*err = NULL;
	vm = build(dc, opts, err);
	if (!vm)
		return VM_CRASH;
	if (!opts->paused && vcpus_start(vm, err)) {
		vcpus_stop(vm);
		vm_destroy(vm);
		return VM_CRASH;
	}
	wait_for_exit(vm);
	why = (enum vm_exit_reason)vm->exit_reason;
	vcpus_stop(vm);
	vm_destroy(vm);
	return why;
}
