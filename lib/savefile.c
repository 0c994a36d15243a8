// SPDX-License-Identifier: GPL-2.0
/* xl's save-file header: written by save, read (from anywhere) by restore. */
#include "lib/savefile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

static const char savefile_magic[32] = "Xen saved domain, xl format\n \0 \r";
#define SAVEFILE_BYTEORDER 0x01020304u

/* The fields in the host's byte order, which xl's byteorder word records. */
static void put_u32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

unsigned char *savefile_header_build(const char *config, size_t *len)
{
	uint32_t config_len = (uint32_t)strlen(config) + 1;
	unsigned char *b;

	*len = SAVEFILE_HEADER_SIZE + 4 + config_len;
	b = xcalloc(1, *len);
	memcpy(b, savefile_magic, 32);
	put_u32(b + 32, SAVEFILE_BYTEORDER);
	put_u32(b + 36, SAVEFILE_FLAG_STREAMV2 | SAVEFILE_FLAG_JSON);
	put_u32(b + 40, 0);
	put_u32(b + 44, 4 + config_len);
	put_u32(b + 48, config_len);
	memcpy(b + 52, config, config_len);
	return b;
}

int savefile_write_header(int fd, const char *what, const char *config)
{
	size_t len;
	unsigned char *h = savefile_header_build(config, &len);
	int r = write_all(fd, h, len);

	free(h);
	if (!r) /* xl's line, which scripts may look for */
		fprintf(stderr, "Saving to %s new xl format (info 0x%x/0x0/%zu)\n", what,
			SAVEFILE_FLAG_STREAMV2 | SAVEFILE_FLAG_JSON, len - SAVEFILE_HEADER_SIZE);
	return r;
}

int savefile_header_parse(const unsigned char *hdr, struct savefile_info *info, char **err)
{
	uint32_t unknown;

	if (memcmp(hdr, savefile_magic, 32)) {
		*err = xstrdup("File has wrong magic number - corrupt or for a different tool?");
		return -1;
	}
	if (get_u32(hdr + 32) != SAVEFILE_BYTEORDER) {
		*err = xstrdup("File has wrong byte order");
		return -1;
	}
	info->mandatory_flags = get_u32(hdr + 36);
	info->optional_flags = get_u32(hdr + 40);
	info->optional_data_len = get_u32(hdr + 44);
	unknown = info->mandatory_flags & ~(SAVEFILE_FLAG_JSON | SAVEFILE_FLAG_STREAMV2);
	if (unknown) {
		*err = xasprintf("Savefile has mandatory flag(s) 0x%" PRIx32
				 " which are not supported; need newer xl",
				 unknown);
		return -1;
	}
	if (info->optional_data_len > SAVEFILE_OPTDATA_MAX) {
		*err = xasprintf("Savefile corrupt: %" PRIu32 " bytes of optional data",
				 info->optional_data_len);
		return -1;
	}
	return 0;
}

int savefile_config(const unsigned char *opt, uint32_t len, const struct savefile_info *info,
		    char **config, char **err)
{
	uint32_t config_len;

	*config = NULL;
	if (!len)
		return 0;
	if (len < 4) {
		*err = xstrdup("Savefile truncated.");
		return -1;
	}
	config_len = get_u32(opt);
	if (config_len > len - 4) {
		*err = xstrdup("Savefile truncated.");
		return -1;
	}
	/* xl's older files hold the config as xl.cfg text: restore then needs one given. */
	if (!(info->mandatory_flags & SAVEFILE_FLAG_JSON))
		return 0;
	if (!config_len || memchr(opt + 4, '\0', config_len) != opt + 4 + config_len - 1) {
		*err = xstrdup("Savefile corrupt: its config is not text");
		return -1;
	}
	*config = xstrdup((const char *)opt + 4);
	return 0;
}

int64_t savefile_read_header(int fd, const char *file, char **json, char **err)
{
	unsigned char h[SAVEFILE_HEADER_SIZE], *opt;
	struct savefile_info info;
	char *why = NULL;
	ssize_t n;

	*json = NULL;
	n = read_all(fd, h, sizeof(h));
	if (n != (ssize_t)sizeof(h)) {
		*err = n < 0 ? xasprintf("%s: %s", file, strerror(errno))
			     : xasprintf("%s: File has wrong magic number - corrupt or for a "
					 "different tool?",
					 file);
		return -1;
	}
	if (savefile_header_parse(h, &info, &why))
		goto bad;
	fprintf(stderr,
		"Loading new save file %s (new xl fmt info 0x%" PRIx32 "/0x%" PRIx32 "/%" PRIu32
		")\n",
		file, info.mandatory_flags, info.optional_flags, info.optional_data_len);
	opt = xmalloc(info.optional_data_len + 1);
	n = read_all(fd, opt, info.optional_data_len);
	if (n != (ssize_t)info.optional_data_len)
		why = xstrdup("Savefile truncated.");
	else if (!savefile_config(opt, info.optional_data_len, &info, json, &why) && *json)
		fprintf(stderr, " Savefile contains xl domain config in JSON format\n");
	free(opt);
	if (why)
		goto bad;
	return info.mandatory_flags;
bad:
	*err = xasprintf("%s: %s", file, why);
	free(why);
	return -1;
}
