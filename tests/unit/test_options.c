// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for a command's option table: the parser and the help are both
 * made from it (short and long forms, values, long-only keys, aliases).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xlc/xlc.h"

enum { OPT_ONLY_LONG = 0x180 };

static const struct cli_option frob_options[] = {
	{ 'a', "all", NULL, "Every one." },
	{ 'd', "delay", "SECONDS", "Seconds between two,\nor fractions." },
	{ 'n', "networks", NULL, NULL },
	{ 'x', "vbds", NULL, "Detail lines." },
	CLI_TEXT("A heading:"),
	{ 0, "timeout", "=S", "Give up after S seconds.", OPT_ONLY_LONG },
	{ 0 },
};

static const struct command frob = {
	.name = "frob",
	.min_args = 1,
	.summary = "Frob a domain",
	.usage = "[-a] <domain>",
	.options = frob_options,
	.notes = "A note.\n",
};

/* Parses argv (NULL-terminated) with frob's table: "a d=2.5 T=9 x " and so on. */
static char *parse(char **argv)
{
	static char got[128];
	size_t n = 0;
	int argc = 0, opt;

	while (argv[argc])
		argc++;
	optind = 0; /* glibc: start afresh */
	got[0] = '\0';
	while ((opt = command_getopt(argc, argv, &frob)) != -1 && n < sizeof(got) - 32) {
		if (opt == OPT_ONLY_LONG)
			n += (size_t)snprintf(got + n, sizeof(got) - n, "T");
		else
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%c", opt);
		if (optarg)
			n += (size_t)snprintf(got + n, sizeof(got) - n, "=%s", optarg);
		n += (size_t)snprintf(got + n, sizeof(got) - n, " ");
	}
	snprintf(got + n, sizeof(got) - n, "| %s", argc > optind ? argv[optind] : "");
	return got;
}

static void parses(void)
{
	is_str(parse((char *[]){ "frob", "-a", "-d", "2.5", "web", NULL }), "a d=2.5 | web",
	       "short options, one with a value");
	is_str(parse((char *[]){ "frob", "--all", "--delay=3", "--vbds", "-n", "web", NULL }),
	       "a d=3 x n | web", "long options give the short ones' keys");
	is_str(parse((char *[]){ "frob", "--timeout", "9", "web", NULL }), "T=9 | web",
	       "a long-only option gives its own key");
	is_str(parse((char *[]){ "frob", "web", "-a", NULL }), "| web",
	       "options end at the first operand");
}

static void helps(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	print_command_help(out, &frob);
	fclose(out);
	is_str(text,
	       "Usage: xlc [-v] frob [-a] <domain>\n"
	       "\n"
	       "Frob a domain.\n"
	       "\n"
	       "Options:\n"
	       "  -h, --help       Show this help.\n"
	       "  -a, --all        Every one.\n"
	       "  -d, --delay SECONDS  Seconds between two,\n"
	       "                   or fractions.\n"
	       "  -n, --networks, -x, --vbds\n"
	       "                   Detail lines.\n"
	       "A heading:\n"
	       "      --timeout=S  Give up after S seconds.\n"
	       "A note.\n",
	       "the help is the table's, aligned, aliases on one line");
	free(text);
}

int main(void)
{
	parses();
	helps();
	return done_testing();
}
