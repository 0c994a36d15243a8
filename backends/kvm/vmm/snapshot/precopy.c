// SPDX-License-Identifier: GPL-2.0
/* Live migration's rounds (precopy.h). */
#include "backends/kvm/vmm/snapshot/precopy.h"

#include <stdbool.h>

/* The run of pages being gathered: of one kind, consecutive, bounded. */
struct run {
	bool zero;
	uint64_t first, count; /* pages, from the region's start */
};

static int flush(struct snap_writer *w, const struct snap_ram *ram, struct run *run, char **err)
{
	uint64_t gpa = ram->gpa + run->first * SNAP_PAGE_SIZE;
	int r = 0;

	if (run->count && run->zero)
		r = snap_write_zero(w, gpa, (uint32_t)run->count, err);
	else if (run->count)
		r = snap_write_pages(w, gpa,
				     (const uint8_t *)ram->hva + run->first * SNAP_PAGE_SIZE,
				     (uint32_t)run->count, err);
	run->count = 0;
	return r;
}

/* Adds page p of this kind to the run, first sending the run if p cannot join it. */
static int add(struct snap_writer *w, const struct snap_ram *ram, struct run *run, uint64_t p,
	       bool zero, char **err)
{
	uint64_t max = zero ? SNAP_ZERO_MAX : SNAP_PAGES_MAX;

	if (run->count &&
	    (run->zero != zero || run->first + run->count != p || run->count == max) &&
	    flush(w, ram, run, err))
		return -1;
	if (!run->count) {
		run->zero = zero;
		run->first = p;
	}
	run->count++;
	return 0;
}

int snap_precopy_send(struct snap_writer *w, const struct snap_ram *ram, uint64_t *todo,
		      uint64_t *sent, char **err)
{
	uint64_t npages = ram->size / SNAP_PAGE_SIZE, p, bit;
	struct run run = { 0 };

	for (p = 0; p < npages; p++) {
		if (!todo[p / 64]) { /* a word with nothing to send: skip it whole */
			p |= 63;
			continue;
		}
		bit = 1ULL << (p % 64);
		if (!(todo[p / 64] & bit))
			continue;
		todo[p / 64] &= ~bit;
		if (!snap_page_is_zero((const uint8_t *)ram->hva + p * SNAP_PAGE_SIZE)) {
			sent[p / 64] |= bit;
			if (add(w, ram, &run, p, false, err))
				return -1;
		} else if (sent[p / 64] & bit) {
			sent[p / 64] &= ~bit;
			if (add(w, ram, &run, p, true, err))
				return -1;
		}
	}
	return flush(w, ram, &run, err);
}
