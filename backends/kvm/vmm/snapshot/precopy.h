/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live migration's rounds (FORMAT.md): while the guest runs, each round
 * sends the pages the dirty log says were written during the one before.
 * Two bitmaps per RAM region, a bit per page: todo, the pages this round
 * sends, and sent, the pages the receiver may hold as not zero.
 */
#ifndef XLC_KVM_SNAPSHOT_PRECOPY_H
#define XLC_KVM_SNAPSHOT_PRECOPY_H

#include <stdbool.h>
#include <stdint.h>

#include "backends/kvm/vmm/machine/vm.h"
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
 * while it is looked at: each is copied first, and what the copy shows is
 * sent (so a record's CRC is of its bytes); a page written since is dirty
 * again, for the next round. 0, or -1 with *err (the writer's).
 */
int snap_precopy_send(struct snap_writer *w, const struct snap_ram *ram, uint64_t *todo,
		      uint64_t *sent, char **err);

/* When the rounds end and the machine is stopped for the last one. */
struct precopy_opts {
	unsigned downtime_ms; /* what the last round may take, at the rate the stream went */
	unsigned max_rounds;  /* the last round included */
	unsigned live_max_ms; /* the live rounds' time in all */
};

/* What the round loop asks of its caller (the guest process). */
struct precopy_hooks {
	/* After each live round's pages, with the guest running: false if the guest is ending. */
	bool (*idle)(void *opaque);
	/* The machine stopped (nothing writes guest RAM from now on): 0, or -1 and *err. */
	int (*stop)(void *opaque, char **err);
	void *opaque;
};

struct precopy_result {
	unsigned rounds;     /* the last one included */
	bool stopped;	     /* stop() succeeded: the caller thaws the machine on failure */
	uint64_t last_pages; /* what the last round sent */
};

/*
 * RAM in rounds after the machine's shape, logging the guest's writes
 * (machine/dirty.h): round 1 sends every page, each live round the pages
 * written during the one before, until that little could go within
 * downtime_ms at the stream's rate, or the rounds stop shrinking (three
 * times less than 5 % smaller), or a bound is reached. Then stop(), the
 * last harvest and the final round. The log is off when it returns: 0,
 * or -1 with *err (the guest ran on unless result->stopped).
 */
int snap_precopy_rounds(struct vm *vm, struct snap_writer *w, const struct precopy_opts *o,
			const struct precopy_hooks *h, struct precopy_result *result, char **err);

#endif
