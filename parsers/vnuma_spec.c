// SPDX-License-Identifier: GPL-2.0
/*
 * vnuma's vnodes. Each inner list holds "option=value" strings (spaces around
 * either side are trimmed, as xl trims them); pnode= and size= are numbers,
 * vcpus= a list of vCPUs and ranges ("0-3,6"), vdistances= one number per
 * vnode. xl.cfg(5) calls all four mandatory; xl itself defaults the missing
 * ones to zero, which libxl then refuses or the guest misreads, so xlc
 * requires them. Every message names the vnode, and the option as written.
 */
#include "parsers/vnuma_spec.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

enum vnode_option { OPT_PNODE, OPT_SIZE, OPT_VCPUS, OPT_VDISTANCES, NOPTIONS };

static const char *const option_names[NOPTIONS] = { "pnode", "size", "vcpus", "vdistances" };

struct reader {
	const struct cfg_value *list;
	struct vnuma *out;
	unsigned max_vcpus;
	unsigned long max_mib;
	unsigned *owner; /* per vCPU: 1 + the vnode it is in, or 0 */
	char *err;
	const struct cfg_value *at;
};

static bool fail_at(struct reader *r, const struct cfg_value *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail_at(struct reader *r, const struct cfg_value *at, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	sb_init(&sb);
	va_start(ap, fmt);
	sb_addv(&sb, fmt, ap);
	va_end(ap);
	r->err = sb_detach(&sb);
	r->at = at;
	return false;
}

/* s[0..n) without the blanks around it, as a new string. */
static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* One option=value of vnode i, already split, checked and stored. */
struct option {
	unsigned vnode;
	const struct cfg_value *item;
	char *name, *value;
};

static bool read_number(struct reader *r, const struct option *o, const char *text,
			unsigned long max, const char *unit, unsigned long *out)
{
	if (!parse_ulong(text, 10, out))
		return fail_at(r, o->item, "vnode %u: %s=%s: failed to convert \"%s\" to number%s",
			       o->vnode, o->name, o->value, text, unit);
	if (*out > max)
		return fail_at(r, o->item, "vnode %u: %s=%s: %lu is more than %lu%s", o->vnode,
			       o->name, o->value, *out, max, unit);
	return true;
}

static bool read_pnode(struct reader *r, const struct option *o, struct vnode *node)
{
	unsigned long pnode;

	if (!read_number(r, o, o->value, ULONG_MAX, "", &pnode))
		return false;
	if (pnode >= VNUMA_MAX_NODES)
		return fail_at(r, o->item,
			       "vnode %u: pnode=%s: invalid pnode number: %lu (Xen has at most %u "
			       "NUMA nodes)",
			       o->vnode, o->value, pnode, VNUMA_MAX_NODES);
	node->pnode = (unsigned)pnode;
	return true;
}

static bool read_size(struct reader *r, const struct option *o, struct vnode *node)
{
	if (!read_number(r, o, o->value, r->max_mib, " (size is in MiB, without a unit)",
			 &node->size_mib))
		return false;
	if (!node->size_mib)
		return fail_at(r, o->item, "vnode %u: size=0: a vnode needs memory", o->vnode);
	return true;
}

/*
 * Calls fn on each comma-separated piece of o's value, trimmed; an empty
 * piece ("0,,2") is refused, which xl's strtok would skip.
 */
static bool each_piece(struct reader *r, const struct option *o, struct vnode *node,
		       bool (*fn)(struct reader *, const struct option *, struct vnode *,
				  const char *, unsigned))
{
	const char *p = o->value;
	unsigned i = 0;
	bool ok = true;

	while (ok) {
		size_t n = strcspn(p, ",");
		char *piece = trimmed(p, n);

		if (!*piece)
			ok = fail_at(r, o->item, "vnode %u: %s=%s: an empty item between commas",
				     o->vnode, o->name, o->value);
		else
			ok = fn(r, o, node, piece, i++);
		free(piece);
		if (!p[n])
			break;
		p += n + 1;
	}
	return ok;
}

/* "N" or "N-M" (M >= N), as xl's parse_range reads a vCPU range. */
static bool vcpu_range(const char *s, unsigned long *a, unsigned long *b)
{
	const char *dash = strchr(s, '-');
	char *first;
	bool ok;

	if (!dash)
		return parse_ulong(s, 10, a) && (*b = *a, true);
	first = xstrndup(s, (size_t)(dash - s));
	ok = parse_ulong(first, 10, a) && parse_ulong(dash + 1, 10, b) && *b >= *a;
	free(first);
	return ok;
}

static bool add_vcpus(struct reader *r, const struct option *o, struct vnode *node,
		      const char *piece, unsigned index)
{
	unsigned long a, b, v;

	(void)index;
	if (!vcpu_range(piece, &a, &b))
		return fail_at(r, o->item,
			       "vnode %u: vcpus=%s: \"%s\" is not a vCPU or a range such as 0-3",
			       o->vnode, o->value, piece);
	if (b >= r->max_vcpus)
		return fail_at(r, o->item, "vnode %u: vcpus=%s: vCPU %lu is past the largest, %u",
			       o->vnode, o->value, b, r->max_vcpus - 1);
	for (v = a; v <= b; v++) {
		if (r->owner[v])
			return fail_at(r, o->item,
				       "vnode %u: vcpus=%s: vcpu %lu assigned more than once "
				       "(vnode %u has it too)",
				       o->vnode, o->value, v, r->owner[v] - 1);
		r->owner[v] = o->vnode + 1;
		node->vcpus = xreallocarray(node->vcpus, node->nvcpus + 1, sizeof(*node->vcpus));
		node->vcpus[node->nvcpus++] = (unsigned)v;
		r->out->nvcpus++;
	}
	return true;
}

static bool add_distance(struct reader *r, const struct option *o, struct vnode *node,
			 const char *piece, unsigned index)
{
	unsigned long d;
	unsigned n = r->list->nitems;

	if (index >= n)
		return fail_at(r, o->item,
			       "vnode %u: vdistances=%s: more distances than the %u vnodes; give "
			       "one per vnode",
			       o->vnode, o->value, n);
	if (!read_number(r, o, piece, VNUMA_MAX_DISTANCE,
			 " (distances are 0 to 255, as ACPI's SLIT holds them)", &d))
		return false;
	node->distances[index] = (unsigned)d;
	return true;
}

static bool read_distances(struct reader *r, const struct option *o, struct vnode *node)
{
	unsigned n = r->list->nitems, i, given = 0;

	if (!each_piece(r, o, node, add_distance))
		return false;
	for (const char *p = o->value; *p; p++)
		given += *p == ',';
	if (given + 1 != n)
		return fail_at(r, o->item,
			       "vnode %u: vdistances=%s: %u distance%s for %u vnodes; give one per "
			       "vnode",
			       o->vnode, o->value, given + 1, given ? "s" : "", n);
	/* libxl__vnuma_config_check's rule: no vnode is nearer than the vnode itself. */
	for (i = 0; i < n; i++)
		if (node->distances[i] < node->distances[o->vnode])
			return fail_at(r, o->item,
				       "vnode %u: vdistances=%s: distance from %u to %u smaller "
				       "than %u's local distance",
				       o->vnode, o->value, o->vnode, i, o->vnode);
	return true;
}

static bool read_option(struct reader *r, const struct option *o, enum vnode_option which,
			struct vnode *node)
{
	switch (which) {
	case OPT_PNODE:
		return read_pnode(r, o, node);
	case OPT_SIZE:
		return read_size(r, o, node);
	case OPT_VCPUS:
		return each_piece(r, o, node, add_vcpus);
	default:
		return read_distances(r, o, node);
	}
}

static int option_index(const char *name)
{
	int i;

	for (i = 0; i < NOPTIONS; i++)
		if (!strcmp(name, option_names[i]))
			return i;
	return -1;
}

/* "pnode = 1" of vnode i: split, named, not given before, and read. */
static bool read_item(struct reader *r, unsigned i, const struct cfg_value *item, bool seen[],
		      struct vnode *node)
{
	const char *s = item->string, *eq = strchr(s, '=');
	struct option o = { .vnode = i, .item = item };
	int which;
	bool ok = false;

	if (!eq)
		return fail_at(r, item, "vnode %u: failed to split \"%s\" into option=value", i, s);
	o.name = trimmed(s, (size_t)(eq - s));
	o.value = trimmed(eq + 1, strlen(eq + 1));
	which = option_index(o.name);
	if (which < 0)
		fail_at(r, item,
			"vnode %u: unknown option \"%s\"; a vnode has pnode=, size=, vcpus= and "
			"vdistances=",
			i, o.name);
	else if (seen[which])
		fail_at(r, item, "vnode %u: %s= given twice", i, o.name);
	else if (!*o.value)
		fail_at(r, item, "vnode %u: %s= has no value", i, o.name);
	else
		ok = read_option(r, &o, (enum vnode_option)which, node);
	if (which >= 0)
		seen[which] = true;
	free(o.name);
	free(o.value);
	return ok;
}

static bool read_vnode(struct reader *r, unsigned i)
{
	const struct cfg_value *spec = &r->list->items[i];
	struct vnode *node = &r->out->nodes[i];
	bool seen[NOPTIONS] = { false };
	unsigned j;

	node->distances = xcalloc(r->list->nitems, sizeof(*node->distances));
	for (j = 0; j < spec->nitems; j++)
		if (!read_item(r, i, &spec->items[j], seen, node))
			return false;
	for (j = 0; j < NOPTIONS; j++)
		if (!seen[j])
			return fail_at(r, spec,
				       "vnode %u: no %s= (a vnode gives pnode=, size=, vcpus= and "
				       "vdistances=, see xl.cfg(5))",
				       i, option_names[j]);
	if (r->out->memory_mib + node->size_mib > r->max_mib)
		return fail_at(r, spec, "the vnodes' sizes add up to more than %lu MiB",
			       r->max_mib);
	r->out->memory_mib += node->size_mib;
	return true;
}

/* libxl's rule: the vCPUs are 0 .. n-1, each in exactly one vnode. */
static bool check_vcpus(struct reader *r)
{
	unsigned v;

	for (v = 0; v < r->out->nvcpus; v++)
		if (!r->owner[v])
			return fail_at(r, r->list,
				       "vcpu %u is not assigned to any vnode (the %u vCPUs of the "
				       "vnodes are numbered from 0)",
				       v, r->out->nvcpus);
	return true;
}

static int compare_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

bool vnuma_parse(const struct cfg_value *list, unsigned max_vcpus, unsigned long max_mib,
		 struct vnuma *out, char **err, const struct cfg_value **at)
{
	struct reader r = { .list = list, .out = out, .max_vcpus = max_vcpus, .max_mib = max_mib };
	bool ok = true;
	unsigned i;

	memset(out, 0, sizeof(*out));
	if (list->nitems > VNUMA_MAX_NODES)
		ok = fail_at(&r, list, "%u vnodes: Xen has at most %u NUMA nodes", list->nitems,
			     VNUMA_MAX_NODES);
	r.owner = xcalloc(max_vcpus ? max_vcpus : 1, sizeof(*r.owner));
	if (ok) {
		out->nodes = xcalloc(list->nitems ? list->nitems : 1, sizeof(*out->nodes));
		out->nnodes = list->nitems;
	}
	for (i = 0; ok && i < out->nnodes; i++)
		ok = read_vnode(&r, i);
	if (ok)
		ok = check_vcpus(&r);
	for (i = 0; ok && i < out->nnodes; i++)
		qsort(out->nodes[i].vcpus, out->nodes[i].nvcpus, sizeof(unsigned),
		      compare_unsigned);
	free(r.owner);
	if (!ok) {
		vnuma_free(out);
		*err = r.err;
		*at = r.at;
	}
	return ok;
}

void vnuma_free(struct vnuma *v)
{
	unsigned i;

	for (i = 0; i < v->nnodes; i++) {
		free(v->nodes[i].distances);
		free(v->nodes[i].vcpus);
	}
	free(v->nodes);
	memset(v, 0, sizeof(*v));
}
