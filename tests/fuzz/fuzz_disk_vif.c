// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the disk and vif spec parsers on their own: the input
 * up to the first newline is a disk spec, the rest a vif spec (both are
 * single strings in the config, so NUL bytes end them).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/disk_spec.h"
#include "parsers/vif_spec.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	char *nl = strchr(text, '\n'), *err = NULL;
	const char *vif = nl ? nl + 1 : "";
	struct disk_spec d;
	struct vif_spec v;
	unsigned long devnum;
	unsigned index;

	if (nl)
		*nl = '\0';
	if (disk_spec_parse(text, &d, &err))
		disk_spec_free(&d);
	else if (!err)
		abort();
	free(err);
	err = NULL;
	if (vif_spec_parse(vif, 0, &v, &err))
		vif_spec_free(&v);
	else if (!err)
		abort();
	free(err);
	vdev_decode(text, &devnum, &index);
	free(text);
	return 0;
}
