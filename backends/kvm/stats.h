/* SPDX-License-Identifier: GPL-2.0 */
/* top's sample on the kvm backend: every VMM's info record, as xentop sees a domain. */
#ifndef XLC_KVM_STATS_H
#define XLC_KVM_STATS_H

#include "backends/backend.h"

int kvm_stats(const struct xlc_conf *conf, struct host_stats *host, struct domain_stats **doms,
	      int *n, char **err);

#endif
