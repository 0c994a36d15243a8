/* SPDX-License-Identifier: GPL-2.0 */
/* A tiny TAP producer for xlc's C unit tests: ok(), is_str(), is_int(). */
#ifndef XLC_TAP_H
#define XLC_TAP_H

#include <stdbool.h>

bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool is_int(long long got, long long want, const char *what);
bool is_str(const char *got, const char *want, const char *what);
/* Prints the plan; the exit status is 1 if any test failed. */
int done_testing(void);

#endif
