/* SPDX-License-Identifier: GPL-2.0 */
/* The kvm backend's defaults, applied once: a domain_config becomes a VMM spec. */
#ifndef XLC_KVM_KVM_SPEC_H
#define XLC_KVM_KVM_SPEC_H

/* A config without memory=: enough for a small Linux guest. */
#define KVM_DEFAULT_MEMORY_MIB 128

#include "backends/backend.h"
#include "backends/kvm/vmm_spec.h"

/* The spec for this config on this host; NULL with a one-line *err if it cannot run here. */
struct vmm_spec *kvm_spec_from_config(const struct domain_config *dc,
				      const struct create_opts *opts, const struct xlc_conf *conf,
				      char **err);

#endif
