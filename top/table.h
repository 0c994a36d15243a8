/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xentop's domain table: its columns, widths, alignment and order, so that
 * `xlc top -b` prints what `xentop -b` prints and scripts keep working.
 * Each cell is right-aligned at its width, cells are separated by one space,
 * and the counter columns widen to fit their largest value.
 */
#ifndef XLC_TOP_TABLE_H
#define XLC_TOP_TABLE_H

#include "top/sample.h"
#include "lib/util.h"

enum field {
	F_NAME,
	F_STATE,
	F_CPU,
	F_CPU_PCT,
	F_MEM,
	F_MEM_PCT,
	F_MAXMEM,
	F_MAXMEM_PCT,
	F_VCPUS,
	F_NETS,
	F_NETTX,
	F_NETRX,
	F_VBDS,
	F_VBD_OO,
	F_VBD_RD,
	F_VBD_WR,
	F_VBD_RSECT,
	F_VBD_WSECT,
	F_SSID,
	F_COUNT
};

struct table {
	const struct sample *cur, *prev;
	unsigned width[F_COUNT];
	bool full_names;
};

const char *field_header(enum field f);
/* A field by (case-insensitive) header prefix, or -1. */
int field_by_name(const char *name);

/* Widths for this sample: xentop's defaults, widened to fit. */
void table_init(struct table *t, const struct sample *cur, const struct sample *prev,
		bool full_names);
/* One cell, at its width, into buf. */
void table_cell(const struct table *t, const struct domain_stats *d, enum field f, char *buf,
		size_t len);
void table_header_line(const struct table *t, struct strbuf *sb);
void table_row_line(const struct table *t, const struct domain_stats *d, struct strbuf *sb);
/* The -v, -n and -x detail lines of one domain. */
void table_vcpus(const struct domain_stats *d, struct strbuf *sb);
void table_nets(const struct domain_stats *d, struct strbuf *sb);
void table_vbds(const struct domain_stats *d, struct strbuf *sb);

/*
 * Sorts the sample's domains by a field, as xentop does (numbers descending);
 * ties by name, then by id, so that the order is the same on every refresh.
 */
void table_sort(struct table *t, struct domain_stats **order, int n, enum field f);

#endif
