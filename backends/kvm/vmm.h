/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One boot of a guest: build the machine from a domain_config, run it until
 * it powers off, reboots, crashes or is destroyed, and say which.
 */
#ifndef XLC_KVM_VMM_H
#define XLC_KVM_VMM_H

#include <stdbool.h>
#include <stdio.h>

#include "backends/kvm/vm.h"
#include "parsers/domain_config.h"

/* Memory when the config gives none (MiB): Firecracker's default. */
#define KVM_DEFAULT_MEMORY_MIB 128

struct vmm_opts {
	bool paused;	 /* create the vCPUs but do not start them */
	FILE *console;	 /* where the guest's serial output goes, or NULL */
	int console_log; /* a file descriptor that also gets it, or -1 */
};

/* Runs the guest once; VM_CRASH with *err set if it could not start. */
enum vm_exit_reason vmm_run(const struct domain_config *dc, const struct vmm_opts *opts,
			    char **err);

#endif
