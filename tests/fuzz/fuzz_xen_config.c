// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the xen backend's half of the config path: an xl.cfg
 * file through domain_config_load, then into libxl_domain_config (the keys
 * only Xen honours included: numbers, lists, enumerations, PCI specs) and
 * out as libxl's JSON. No Xen is needed: nothing here talks to libxl's
 * context.
 */
#include <stdint.h>
#include <stdlib.h>

#include "backends/xen/xen.h"
#include "parsers/domain_config.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domain_defaults defaults = { "xenbr0", NULL };
	struct domain_config *dc;
	char *err = NULL, *json;

	dc = domain_config_load("fuzz.cfg", (const char *)data, size, NULL, 0, &defaults, &err);
	if (!dc) {
		if (!err)
			abort(); /* a failure must always explain itself */
		free(err);
		return 0;
	}
	json = xen_config_json(dc, &err);
	if (!json && !err)
		abort();
	free(json);
	free(err);
	domain_config_free(dc);
	return 0;
}
