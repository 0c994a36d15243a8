/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM process's main loop: runs the guest, answers its control socket
 * (info, destroy, shutdown, reboot, pause, unpause, console, wait) and
 * carries out on_poweroff / on_reboot / on_crash until the guest is gone.
 */
#ifndef XLC_KVM_MONITOR_H
#define XLC_KVM_MONITOR_H

#include <stdbool.h>
#include <stdio.h>

#include "backends/kvm/rundir.h"
#include "parsers/domain_config.h"

struct monitor_params {
	const struct domain_config *dc;
	struct rundir *rundir;
	int domid;
	int listen_fd;
	bool paused;
	FILE *echo;	 /* also print the console here (create -F), or NULL */
	int console_log; /* the console log file, or -1 */
	int ready_fd;	 /* "ok\n" or "error <why>\n" once the first boot started, or -1 */
};

/* Runs until the guest is destroyed; returns the process's exit status. */
int monitor_run(struct monitor_params *p);

#endif
