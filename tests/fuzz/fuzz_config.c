// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the whole config path: tokenizer, libconfuse, the
 * domain_config builder with its disk and vif specs, and the JSON writer.
 * The input is an xl.cfg file; the first line starting "#override " adds
 * the rest of that line as a command-line key=value chunk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/domain_config.h"
#include "parsers/domain_json.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An odd length also reads unknown keys (unknown_keys = warn). */
	struct domain_defaults defaults = { "xenbr0", NULL, size % 2 };
	char *text = xstrndup((const char *)data, size), *override = NULL, *err = NULL;
	char *overrides[1];
	struct domain_config *dc;
	char *nl;

	if (!strncmp(text, "#override ", 10)) {
		nl = strchr(text, '\n');
		override = xstrndup(text + 10, nl ? (size_t)(nl - text - 10) : strlen(text + 10));
	}
	overrides[0] = override;
	dc = domain_config_load("fuzz.cfg", (const char *)data, size, overrides, override ? 1 : 0,
				&defaults, &err);
	if (dc) {
		free(domain_config_to_json(dc));
		domain_config_free(dc);
	} else if (!err) {
		abort(); /* a failure must always explain itself */
	}
	free(err);
	free(override);
	free(text);
	return 0;
}
