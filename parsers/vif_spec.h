/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One entry of vif = [ ... ]: comma-separated key=value tokens as in
 * xl-network-configuration(5), including the rate= token-bucket syntax.
 */
#ifndef XLC_VIF_SPEC_H
#define XLC_VIF_SPEC_H

#include <stdbool.h>
#include <stdint.h>

enum nic_type { NIC_TYPE_UNKNOWN, NIC_TYPE_VIF_IOEMU, NIC_TYPE_VIF };

struct vif_spec {
	int devid;
	uint8_t mac[6];
	bool mac_set;
	char *bridge;
	char *vifname;
	char *ip;
	char *script;
	char *model;
	char *gatewaydev;
	char *backend_domname;
	enum nic_type type;
	unsigned long mtu; /* 0: the bridge's */
	uint64_t rate_bytes_per_interval;
	uint32_t rate_interval_usecs; /* 0: no rate limit */
	int trusted;		      /* -1 default, 0, 1 */
	char **extra_keys;	      /* accepted Xen-only tokens (colo_*, forwarddev...) */
	unsigned nextra;
};

bool vif_spec_parse(const char *spec, int devid, struct vif_spec *vif, char **err);
void vif_spec_free(struct vif_spec *vif);

/* rate = "RATE/s[@INTERVAL]" as xl reads it; false with *err on error. */
bool vif_rate_parse(const char *rate, uint64_t *bytes_per_interval, uint32_t *interval_usecs,
		    char **err);

/* "00:16:3e:xx:xx:xx" with the random part from /dev/urandom. */
void vif_random_mac(uint8_t mac[6]);

#endif
