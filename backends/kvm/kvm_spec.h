/* SPDX-License-Identifier: GPL-2.0 */
/* The kvm backend's defaults, applied once: a domain_config becomes a VMM spec. */
#ifndef XLC_KVM_KVM_SPEC_H
#define XLC_KVM_KVM_SPEC_H

#include "backends/backend.h"
#include "backends/kvm/vmm_spec.h"

/* A config without memory= gets Firecracker's 128 MiB, enough for a small Linux; one vCPU. */
extern const struct domain_size_defaults kvm_size_defaults;

/* The spec for this config on this host; NULL with a one-line *err if it cannot run here. */
struct vmm_spec *kvm_spec_from_config(const struct domain_config *dc,
				      const struct create_opts *opts, const struct xlc_conf *conf,
				      char **err);

/*
 * A spec from elsewhere (a save file, a migration) made this host's and this
 * start's: its run and log folders, its limits (xlc.conf), -p, -F.
 */
void kvm_spec_localize(struct vmm_spec *s, const struct create_opts *opts,
		       const struct xlc_conf *conf);

#endif
