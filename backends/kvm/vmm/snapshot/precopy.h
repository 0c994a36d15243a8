/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live migration's rounds (FORMAT.md): while the guest runs, each round
 * sends the pages the dirty log says were written during the one before.
 * Two bitmaps per RAM region, a bit per page: todo, the pages this round
 * sends, and sent, the pages the receiver may hold as not zero.
 */
#ifndef XLC_KVM_SNAPSHOT_PRECOPY_H
#define XLC_KVM_SNAPSHOT_PRECOPY_H

#include <stdint.h>

#include "backends/kvm/vmm/snapshot/stream.h"

/* Words of 64 pages in a region's bitmaps. */
static inline uint64_t precopy_words(const struct snap_ram *ram)
{
	return (ram->size / SNAP_PAGE_SIZE + 63) / 64;
}

/*
 * Sends the pages of ram set in todo, clearing each as it goes: a page
 * that is not all zeros in page runs (and sets it in sent); a zero page
 * the receiver holds (set in sent) in zero runs (and clears it); a zero
 * page never sent, not at all. With the guest running a page may change
 * after it is looked at: it is then dirty again, in the next round, and
 * sent only errs towards set. 0, or -1 with *err (the writer's).
 */
int snap_precopy_send(struct snap_writer *w, const struct snap_ram *ram, uint64_t *todo,
		      uint64_t *sent, char **err);

#endif
