// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/vnuma_spec.c: vnodes as xl reads them, and libxl's checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/vnuma_spec.h"
#include "lib/util.h"
#include "tap.h"

static const struct cfg_key keys[] = {
	{ "vnuma", KEY_LISTS, 0, NULL },
	{ NULL, 0, 0, NULL },
};

/* Parses "vnuma = TEXT" and its vnodes; NULL doc means the grammar refused it. */
static bool parse(const char *text, struct vnuma *v, char **err, int *line)
{
	struct cfg_chunk c = { "t.cfg", text, strlen(text) };
	const struct cfg_value *at = NULL;
	struct cfg_doc *doc = cfg_doc_parse(&c, 1, keys, 0, err);
	bool ok;

	if (!doc)
		return false;
	ok = vnuma_parse(cfg_doc_list(doc, "vnuma"), 4096, 1L << 24, v, err, &at);
	*line = at ? at->line : 0;
	cfg_doc_free(doc);
	return ok;
}

static void expect_error(const char *text, int want_line, const char *want)
{
	struct vnuma v;
	char *err = NULL;
	int line = 0;

	ok(!parse(text, &v, &err, &line) && err && strstr(err, want) && line == want_line,
	   "line %d: \"%s\"", want_line, want);
	if (err && (!strstr(err, want) || line != want_line))
		printf("#   got line %d: %s\n", line, err);
	free(err);
}

static void test_nodes(void)
{
	struct vnuma v;
	char *err = NULL;
	int line;

	if (!ok(parse("vnuma = [ [ 'pnode=1', ' size = 1024 ', 'vcpus=3, 0', 'vdistances=10 ,20' "
		      "],\n"
		      "  [ 'vdistances=20,10', 'vcpus=1-2', 'size=512', 'pnode=0' ] ]\n",
		      &v, &err, &line),
		"two vnodes, options in any order, blanks trimmed")) {
		printf("#   %s\n", err);
		free(err);
		return;
	}
	is_int(v.nnodes, 2, "two vnodes");
	is_int(v.nvcpus, 4, "four vCPUs in all");
	is_int((long long)v.memory_mib, 1536, "their sizes added up");
	is_int(v.nodes[0].pnode, 1, "the first vnode's pnode");
	ok(v.nodes[0].nvcpus == 2 && v.nodes[0].vcpus[0] == 0 && v.nodes[0].vcpus[1] == 3,
	   "its vCPUs, ascending");
	ok(v.nodes[1].distances[0] == 20 && v.nodes[1].distances[1] == 10,
	   "the second's distances");
	vnuma_free(&v);
}

static void test_errors(void)
{
	char nodes[64 * 80 + 32];
	size_t n = 0;
	unsigned i;

	expect_error("vnuma = [ [ 'pnode=0', 'size=512', 'vcpus=0', 'vdistances=10,20' ],\n"
		     "  [ 'pnode=0',\n 'size=1x', 'vcpus=1', 'vdistances=20,10' ] ]\n",
		     3, "vnode 1: size=1x: failed to convert \"1x\" to number");
	expect_error("vnuma = [ [ 'pnode=0', 'size=512', 'vcpus=0', 'vdistances=10,20' ],\n"
		     "  [ 'pnode=0', 'size=512', 'vcpus=1' ] ]\n",
		     2, "vnode 1: no vdistances=");
	expect_error("vnuma = [ [ 'pnode=0', 'size=512', 'vcpus=0,2', 'vdistances=10' ] ]\n", 1,
		     "vcpu 1 is not assigned to any vnode");
	expect_error("vnuma = [ [ 'pnode=0', 'size=512', 'vcpus=0-2,1', 'vdistances=10' ] ]\n", 1,
		     "vcpu 1 assigned more than once (vnode 0 has it too)");
	expect_error("vnuma = [ [ 'pnode=0', 'size=512', 'vcpus=2-1', 'vdistances=10' ] ]\n", 1,
		     "\"2-1\" is not a vCPU or a range");
	expect_error("vnuma = [ [ 'pnode=0', 'size=512', 'vcpus=4096', 'vdistances=10' ] ]\n", 1,
		     "vCPU 4096 is past the largest, 4095");
	expect_error("vnuma = [ [ 'pnode=0', 'size=512', 'vcpus=0', 'vdistances=10', 'x=1' ] ]\n",
		     1, "unknown option \"x\"");
	expect_error("vnuma = [ [ 'pnode=-1', 'size=512', 'vcpus=0', 'vdistances=10' ] ]\n", 1,
		     "pnode=-1: failed to convert");
	expect_error("vnuma = [ [ 'pnode=0', 'size=16777217', 'vcpus=0', 'vdistances=10' ] ]\n", 1,
		     "16777217 is more than 16777216");
	/* 64 vnodes pass; the 65th is one too many. */
	n = (size_t)sprintf(nodes, "vnuma = [ ");
	for (i = 0; i < 64; i++)
		n += (size_t)sprintf(nodes + n,
				     "[ 'pnode=0', 'size=1', 'vcpus=%u', 'vdistances=%s' ],", i,
				     "10");
	strcpy(nodes + n, " ]\n");
	expect_error(nodes, 1, "vnode 0: vdistances=10: 1 distance for 64 vnodes");
	strcpy(nodes + n, " [] ]\n");
	expect_error(nodes, 1, "65 vnodes: Xen has at most 64 NUMA nodes");
}

int main(void)
{
	test_nodes();
	test_errors();
	return done_testing();
}
