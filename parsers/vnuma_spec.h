/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnuma = [ [ "pnode=0", "size=2048", "vcpus=0-1", "vdistances=10,21" ], ... ]:
 * a guest's virtual NUMA nodes, one list per vnode, read as xl's
 * parse_vnuma_config reads them (Xen 4.17, xl.cfg(5)). The checks libxl makes
 * only when it creates the domain (libxl__vnuma_config_check) are made here,
 * and what xl lets pass unchecked (an unknown option, more distances than
 * vnodes, which xl writes past its array) is refused.
 */
#ifndef XLC_VNUMA_SPEC_H
#define XLC_VNUMA_SPEC_H

#include <stdbool.h>

#include "parsers/cfg_reader.h"

/* Xen's MAX_NUMNODES on x86 (NODES_SHIFT 6): no pnode, and no more vnodes. */
#define VNUMA_MAX_NODES 64
/* ACPI's SLIT, through which an HVM guest learns the distances, holds bytes. */
#define VNUMA_MAX_DISTANCE 255

struct vnode {
	unsigned pnode;
	unsigned long size_mib;
	unsigned *distances; /* to every vnode, this one included (nnodes of them) */
	unsigned *vcpus;     /* its vCPUs, ascending */
	unsigned nvcpus;
};

struct vnuma {
	struct vnode *nodes;
	unsigned nnodes;
	unsigned nvcpus;	  /* vCPUs 0 .. nvcpus-1, each in exactly one vnode */
	unsigned long memory_mib; /* the vnodes' sizes added up */
};

/*
 * Reads vnuma's list, a list of lists of strings (cfg_reader checked the
 * shape). vCPU numbers stay below max_vcpus, the sizes' sum at most max_mib.
 * On error: false, a message such as "vnode 1: size=2G: ..." in *err, and in
 * *at the item it is about (for its line), or the whole list.
 */
bool vnuma_parse(const struct cfg_value *list, unsigned max_vcpus, unsigned long max_mib,
		 struct vnuma *out, char **err, const struct cfg_value **at);
void vnuma_free(struct vnuma *v);

#endif
