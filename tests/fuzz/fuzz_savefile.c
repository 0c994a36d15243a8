// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for xl's save-file header, which restore (and a
 * migration's receiver) reads from bytes anyone may have written: the
 * header parser and the config reader on the input, then a header built
 * around the input's text must read back to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/savefile.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const unsigned char *data, size_t size)
{
	struct savefile_info info;
	char *config = NULL, *err = NULL;

	if (size < SAVEFILE_HEADER_SIZE || savefile_header_parse(data, &info, &err)) {
		free(err);
		return;
	}
	if (info.optional_data_len > size - SAVEFILE_HEADER_SIZE)
		return; /* restore reads it short: "truncated" */
	if (savefile_config(data + SAVEFILE_HEADER_SIZE, info.optional_data_len, &info, &config,
			    &err))
		free(err);
	free(config);
}

static void round_trip(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *config = NULL, *err = NULL;
	struct savefile_info info;
	unsigned char *built;
	size_t len;

	built = savefile_header_build(text, &len);
	if (savefile_header_parse(built, &info, &err) ||
	    savefile_config(built + SAVEFILE_HEADER_SIZE, info.optional_data_len, &info, &config,
			    &err) ||
	    !config || strcmp(config, text))
		abort();
	free(config);
	free(built);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(data, size);
	round_trip(data, size);
	return 0;
}
