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

/* Whether the domain is paused now (a failed save or migration leaves it so). */
bool kvm_is_paused(const struct xlc_conf *conf, const char *name);

/* The config a save carries (JSON): the running spec, or opts->config's. NULL with *err. */
char *kvm_saved_spec(const struct xlc_conf *conf, const char *name, const struct save_opts *opts,
		     char **err);
/*
 * The machine stream of domain name onto fd (what names it in messages),
 * after which the guest ends, stays paused or runs on as mode says
 * (CTL_SAVE_*); *bytes (if not NULL): the stream's size. progress_who (if
 * not NULL, and stderr is a terminal): a line of MiB sent so far, so named.
 * 0, or -1 with *err: the guest then runs on as it was.
 */
int kvm_stream_to(const struct xlc_conf *conf, const char *name, const char *mode, int fd,
		  const char *what, const char *progress_who, uint64_t *bytes, char **err);

/* save and restore (kvm_save.c): the backend_ops entries of the same names. */
int kvm_save(const struct xlc_conf *conf, const char *name, const char *file,
	     const struct save_opts *opts, char **err);
int kvm_restore(const struct xlc_conf *conf, const char *file, const struct domain_config *config,
		const struct create_opts *opts);

/* migrate and migrate-receive (kvm_migrate.c), with xl's protocol. */
int kvm_migrate_send(const struct xlc_conf *conf, const char *name, int send_fd, int recv_fd,
		     const char *rune, const struct save_opts *opts, bool debug,
		     struct migrate_stats *stats, char **err);
int kvm_migrate_receive(const struct xlc_conf *conf, int recv_fd, int send_fd,
			const struct create_opts *opts);

#endif
