/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One boot of a guest: build the machine from a domain_config, run it until
 * it powers off, reboots, crashes or is destroyed, and say which.
 */
#ifndef XLC_KVM_VMM_H
#define XLC_KVM_VMM_H

#include <stdbool.h>
#include <stdio.h>

#include "backends/kvm/vmm/devices/serial.h"
#include "backends/kvm/vmm/machine/vm.h"
#include "parsers/domain_config.h"

/* Memory when the config gives none (MiB): Firecracker's default. */
#define KVM_DEFAULT_MEMORY_MIB 128

/*
 * Builds the machine (devices, taps and disks included) and loads the guest;
 * NULL with *err if it cannot. domid names the default taps (vif<domid>.<n>).
 */
struct vm *vmm_build(const struct domain_config *dc, int domid, serial_sink sink, void *opaque,
		     char **err);

/* Starts the vCPUs (parked if paused), pinned as the config's cpus= says. */
int vmm_start(struct vm *vm, const struct domain_config *dc, bool paused, char **err);

/* Stops the vCPUs and frees the machine; returns why the guest ended. */
enum vm_exit_reason vmm_finish(struct vm *vm);

#endif
