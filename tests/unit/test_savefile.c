// SPDX-License-Identifier: GPL-2.0
/* Unit tests for lib/savefile.c: xl's save-file header, both ways. */
#include <stdlib.h>
#include <string.h>

#include "lib/savefile.h"
#include "tap.h"

/* What restore makes of a file that starts with these bytes. */
static void refused(const unsigned char *b, size_t len, const char *want, const char *what)
{
	struct savefile_info info;
	char *config = NULL, *err = NULL;

	if (!savefile_header_parse(b, &info, &err)) {
		if (info.optional_data_len > len - SAVEFILE_HEADER_SIZE)
			err = strdup("Savefile truncated.");
		else
			savefile_config(b + SAVEFILE_HEADER_SIZE, info.optional_data_len, &info,
					&config, &err);
	}
	is_str(err ? err : config ? "(a config)" : "(accepted)", want, what);
	free(err);
	free(config);
}

int main(void)
{
	/* The first 55 bytes of a save xl 4.17 writes, its config "{}" and the NUL. */
	static const unsigned char xl_file[] = "Xen saved domain, xl format\n \0 \r"
					       "\x04\x03\x02\x01\x03\0\0\0\0\0\0\0\x07\0\0\0"
					       "\x03\0\0\0{}";
	struct savefile_info info;
	char *config = NULL, *err = NULL;
	unsigned char *b;
	size_t len;

	ok(!savefile_header_parse(xl_file, &info, &err), "xl's header parses");
	is_int(info.mandatory_flags, SAVEFILE_FLAG_JSON | SAVEFILE_FLAG_STREAMV2, "  JSON, v2");
	is_int(info.optional_data_len, 7, "  its optional data");
	ok(!savefile_config(xl_file + 48, 7, &info, &config, &err) && config, "  its config");
	is_str(config, "{}", "  is the JSON");
	free(config);

	/* What xlc writes reads back, byte for byte as xl lays it out. */
	b = savefile_header_build("{\"c_info\": {}}", &len);
	is_int((long long)len, 48 + 4 + 15, "built: header, length, config and NUL");
	ok(!memcmp(b, xl_file, 48 - 4), "built: xl's magic, byte order and flags");
	ok(!savefile_header_parse(b, &info, &err) &&
		   !savefile_config(b + 48, info.optional_data_len, &info, &config, &err),
	   "built: parses");
	is_str(config, "{\"c_info\": {}}", "built: the same config");
	free(config);
	free(b);

	/* Hostile or broken files: xl's words, nothing allocated past the bound. */
	b = malloc(sizeof(xl_file));
	memcpy(b, xl_file, sizeof(xl_file));
	b[3] = 'X';
	refused(b, sizeof(xl_file),
		"File has wrong magic number - corrupt or for a different tool?", "a wrong magic");
	memcpy(b, xl_file, sizeof(xl_file));
	b[32] = 1;
	refused(b, sizeof(xl_file), "File has wrong byte order", "another byte order");
	memcpy(b, xl_file, sizeof(xl_file));
	b[36] = 0x7;
	refused(b, sizeof(xl_file),
		"Savefile has mandatory flag(s) 0x4 which are not supported; need newer xl",
		"an unknown mandatory flag");
	memcpy(b, xl_file, sizeof(xl_file));
	b[47] = 0x7f;
	refused(b, sizeof(xl_file), "Savefile corrupt: 2130706439 bytes of optional data",
		"optional data of 2 GiB");
	memcpy(b, xl_file, sizeof(xl_file));
	b[48] = 9;
	refused(b, sizeof(xl_file), "Savefile truncated.", "a config longer than its room");
	memcpy(b, xl_file, sizeof(xl_file));
	b[54] = 'x'; /* the config's NUL */
	refused(b, sizeof(xl_file), "Savefile corrupt: its config is not text",
		"a config without its NUL");
	memcpy(b, xl_file, sizeof(xl_file));
	b[36] = SAVEFILE_FLAG_STREAMV2;
	refused(b, sizeof(xl_file), "(accepted)", "an old xl.cfg-text config: no config, no error");
	free(b);
	return done_testing();
}
