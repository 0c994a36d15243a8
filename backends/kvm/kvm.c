// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm backend: xlc's own VMM over /dev/kvm. `create -F` runs the guest
 * in this process and carries out its on_poweroff / on_reboot / on_crash
 * actions until one of them ends it.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/kvm/vmm.h"
#include "xlc/util.h"

static const char *const ending[] = {
	[VM_POWEROFF] = "powered off",
	[VM_REBOOT] = "rebooted",
	[VM_CRASH] = "crashed",
	[VM_DESTROY] = "was destroyed",
};

static enum shutdown_action action_for(const struct domain_config *dc, enum vm_exit_reason why)
{
	switch (why) {
	case VM_POWEROFF:
		return dc->on_poweroff;
	case VM_REBOOT:
		return dc->on_reboot;
	case VM_CRASH:
		return dc->on_crash;
	default:
		return ACTION_DESTROY;
	}
}

static int kvm_create(const struct domain_config *dc, const struct create_opts *opts,
		      const struct xlc_conf *conf)
{
	struct vmm_opts vopts = { .paused = opts->paused, .console = stdout, .console_log = -1 };
	unsigned boots = 0;

	(void)conf;
	if (!opts->foreground) {
		xlc_warn("the kvm backend runs guests in the foreground only for now: "
			 "use 'xlc create -F'");
		return EXIT_FAIL;
	}
	for (;;) {
		enum shutdown_action act;
		enum vm_exit_reason why;
		char *err = NULL;

		why = vmm_run(dc, &vopts, &err);
		boots++;
		if (err) {
			xlc_warn("%s: %s", dc->name, err);
			free(err);
			return EXIT_FAIL;
		}
		act = action_for(dc, why);
		xlc_info("%s %s; on that: %s", dc->name, ending[why], shutdown_action_name(act));
		switch (act) {
		case ACTION_RESTART:
		case ACTION_RESTART_RENAME:
		case ACTION_COREDUMP_RESTART:
		case ACTION_SOFT_RESET:
			continue;
		case ACTION_PRESERVE:
			xlc_warn("%s %s; on_* = preserve keeps a guest only when it runs detached "
				 "(without -F)", dc->name, ending[why]);
			return EXIT_OK;
		default:
			return EXIT_OK;
		}
	}
}

const struct backend_ops kvm_backend = {
	.name = "kvm",
	.honours_xen_only_keys = false,
	.create = kvm_create,
};
