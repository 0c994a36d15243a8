// SPDX-License-Identifier: GPL-2.0
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tests_run, tests_failed;

bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tests_run++;
	if (!cond)
		tests_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

bool is_int(long long got, long long want, const char *what)
{
	if (!ok(got == want, "%s", what)) {
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
		return false;
	}
	return true;
}

bool is_str(const char *got, const char *want, const char *what)
{
	bool same = (!got && !want) || (got && want && !strcmp(got, want));

	if (!ok(same, "%s", what)) {
		printf("#   got:  %s\n#   want: %s\n", got ? got : "(null)",
		       want ? want : "(null)");
		return false;
	}
	return true;
}

int done_testing(void)
{
	printf("1..%d\n", tests_run);
	return tests_failed ? 1 : 0;
}
