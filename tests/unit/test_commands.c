// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the command lookup: exact names, prefixes, ambiguity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xlc/xlc.h"

static const struct command table[] = {
	{ .name = "list" },    { .name = "create", .can_dryrun = true },
	{ .name = "console" }, { .name = "cd-insert" },
	{ .name = "info" },    { .name = "li" },
};

static void finds(const char *name, const char *want)
{
	char *err = NULL;
	const struct command *c = command_lookup(table, 6, name, &err);

	if (want)
		is_str(c ? c->name : err, want, name);
	else
		ok(!c && err, "'%s' is refused: %s", name, err ? err : "(no message)");
	free(err);
}

int main(void)
{
	char *err = NULL;

	finds("list", "list");
	finds("cr", "create");
	finds("cons", "console");
	finds("i", "info");
	finds("li", "li"); /* an exact name wins over a longer prefix match */
	finds("c", NULL);
	finds("zz", NULL);
	finds("", NULL);
	command_lookup(table, 6, "c", &err);
	ok(err && strstr(err, "ambiguous") && strstr(err, "create") && strstr(err, "console"),
	   "an ambiguous prefix lists the candidates: %s", err ? err : "");
	free(err);
	return done_testing();
}
