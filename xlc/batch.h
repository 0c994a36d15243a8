/* SPDX-License-Identifier: GPL-2.0 */
/* Batch provisioning: xlc create with many configs (batch.c). */
#ifndef XLC_BATCH_H
#define XLC_BATCH_H

#include <stdbool.h>

#include "backends/backend.h"

struct batch_args {
	char **files; /* config files and directories of *.cfg */
	unsigned nfiles;
	char **overrides; /* key=value, applied to every config */
	unsigned noverrides;
	unsigned parallel;   /* creates at once */
	bool all_or_nothing; /* any failure destroys what this batch started */
	bool force;	     /* skip the memory check */
	bool json;	     /* the summary as JSON */
};

/* Creates the batch; the exit status (non-zero if any guest failed). */
int batch_create(const struct batch_args *args, const struct backend_ops *be);

#endif
