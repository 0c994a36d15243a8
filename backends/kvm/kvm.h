/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kvm backend's client side, shared by its files: starting a VMM, and
 * asking a running one (ctl.h). kvm.c has the backend's table.
 */
#ifndef XLC_KVM_KVM_H
#define XLC_KVM_KVM_H

#include "backends/backend.h"
#include "backends/kvm/vmm_spec.h"

/*
 * Starts a VMM for spec (restore_fd: the machine stream it continues from,
 * or -1) and waits until it runs the guest, or relays its console under -F
 * and -c. Returns an exit status.
 */
int kvm_launch(const struct vmm_spec *spec, const struct create_opts *opts,
	       const struct xlc_conf *conf, int restore_fd);

/* One request to a domain's VMM: 0 with its reply (if reply; the caller's), or -1 with *err. */
int kvm_request(const struct xlc_conf *conf, const char *name, const char *line, char **reply,
		char **err);

/* Waits until the domain is gone: 0, or -1 after timeout seconds (negative: no bound). */
int kvm_wait_gone(const struct xlc_conf *conf, const char *name, int timeout);

/* save and restore (kvm_save.c): the backend_ops entries of the same names. */
int kvm_save(const struct xlc_conf *conf, const char *name, const char *file,
	     const struct save_opts *opts, char **err);
int kvm_restore(const struct xlc_conf *conf, const char *file, const struct domain_config *config,
		const struct create_opts *opts);

#endif
