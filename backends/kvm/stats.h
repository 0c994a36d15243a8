/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kvm backend reads from every VMM's info record: top's sample, as
 * xentop sees a domain, and the device tables of block-list and network-list.
 */
#ifndef XLC_KVM_STATS_H
#define XLC_KVM_STATS_H

#include "backends/backend.h"

int kvm_stats(const struct xlc_conf *conf, struct host_stats *host, struct domain_stats **doms,
	      int *n, char **err);

/* block-list (nics false) and network-list: the devices the domain's VMM reports. */
int kvm_device_list(const struct xlc_conf *conf, const char *name, bool nics,
		    struct device_info **out, int *n, char **err);

#endif
