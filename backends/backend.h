/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A backend runs guests: "kvm" (xlc's own VMM over /dev/kvm) or "xen"
 * (libxenlight on a Xen dom0). Commands talk to the one selected, through
 * this table; an operation a backend lacks is NULL and the command says so.
 */
#ifndef XLC_BACKEND_H
#define XLC_BACKEND_H

#include <stdbool.h>

#include "parsers/domain_config.h"
#include "parsers/xlc_conf.h"

struct create_opts {
	bool paused;	 /* -p */
	bool console;	 /* -c */
	bool foreground; /* -F */
	bool quiet;	 /* -q */
};

struct backend_ops {
	const char *name;
	/* Whether this backend honours a config key flagged KEY_XEN_ONLY. */
	bool honours_xen_only_keys;
	/* Starts the guest; returns an exit status (0, 1). */
	int (*create)(const struct domain_config *dc, const struct create_opts *opts,
		      const struct xlc_conf *conf);
};

extern const struct backend_ops kvm_backend;
#ifdef XLC_WITH_XEN
extern const struct backend_ops xen_backend;
#endif

/*
 * Chooses the backend: the -b choice, else $XLC_BACKEND, else backend= in
 * xlc.conf, else xen on a Xen dom0 (when built with libxl), else kvm.
 * Returns NULL with a message in *err; *why says which rule chose it.
 */
const struct backend_ops *backend_select(const char *cli_choice, const struct xlc_conf *conf,
					 const char **why, char **err);

#endif
