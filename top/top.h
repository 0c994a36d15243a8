/* SPDX-License-Identifier: GPL-2.0 */
/* `xlc top`: options shared by the batch, export and interactive modes. */
#ifndef XLC_TOP_TOP_H
#define XLC_TOP_TOP_H

#include <stdbool.h>

#include "backends/backend.h"
#include "top/table.h"

enum top_mode { TOP_SCREEN, TOP_BATCH, TOP_CSV, TOP_JSON };

struct top_opts {
	enum top_mode mode;
	double delay;	 /* seconds, fractions allowed */
	long iterations; /* 0: until quit */
	bool full_names, networks, vbds, vcpus, repeat_header;
	enum field sort;
	const char *filter; /* only names containing this */
};

/* The domains of cur in display order (sorted, filtered); returns how many. */
int top_order(struct table *t, const struct top_opts *o, struct domain_stats ***order);

int top_screen(const struct sampler *src, struct top_opts *o);
/* Sleeps for seconds unless a signal ends the wait; false when it should stop. */
bool top_sleep(double seconds);

#endif
