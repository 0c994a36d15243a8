// SPDX-License-Identifier: GPL-2.0
/* Live migration's rounds (precopy.h). */
#include "backends/kvm/vmm/snapshot/precopy.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/kvm/vmm/machine/dirty.h"
#include "backends/kvm/vmm/snapshot/machine.h"
#include "lib/util.h"

/*
 * The run of pages being gathered: of one kind, consecutive, bounded. A
 * page run's bytes are copies: the guest runs, and a record's CRC must be
 * of the bytes it carries.
 */
struct run {
	bool zero;
	uint64_t first, count;	      /* pages, from the region's start */
	uint8_t *copy;		      /* SNAP_PAGES_MAX pages */
	uint8_t page[SNAP_PAGE_SIZE]; /* the page being looked at, as it was */
};

static int flush(struct snap_writer *w, const struct snap_ram *ram, struct run *run, char **err)
{
	uint64_t gpa = ram->gpa + run->first * SNAP_PAGE_SIZE;
	int r = 0;

	if (run->count && run->zero)
		r = snap_write_zero(w, gpa, (uint32_t)run->count, err);
	else if (run->count)
		r = snap_write_pages(w, gpa, run->copy, (uint32_t)run->count, err);
	run->count = 0;
	return r;
}

/* Adds page p (run->page, unless zero) to the run, first sending the run if p cannot join it. */
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
	if (!zero)
		memcpy(run->copy + run->count * SNAP_PAGE_SIZE, run->page, SNAP_PAGE_SIZE);
	run->count++;
	return 0;
}

/* Page p into the run, as its copy shows it. */
static int send_page(struct snap_writer *w, const struct snap_ram *ram, struct run *run, uint64_t p,
		     uint64_t *sent, char **err)
{
	uint64_t bit = 1ULL << (p % 64);

	memcpy(run->page, (const uint8_t *)ram->hva + p * SNAP_PAGE_SIZE, SNAP_PAGE_SIZE);
	if (!snap_page_is_zero(run->page)) {
		sent[p / 64] |= bit;
		return add(w, ram, run, p, false, err);
	}
	if (!(sent[p / 64] & bit))
		return 0;
	sent[p / 64] &= ~bit;
	return add(w, ram, run, p, true, err);
}

int snap_precopy_send(struct snap_writer *w, const struct snap_ram *ram, uint64_t *todo,
		      uint64_t *sent, char **err)
{
	uint64_t npages = ram->size / SNAP_PAGE_SIZE, p, bit;
	struct run *run = xcalloc(1, sizeof(*run));
	int r = 0;

	run->copy = xmalloc((size_t)SNAP_PAGES_MAX * SNAP_PAGE_SIZE);
	for (p = 0; p < npages && !r; p++) {
		if (!todo[p / 64]) { /* a word with nothing to send: skip it whole */
			p |= 63;
			continue;
		}
		bit = 1ULL << (p % 64);
		if (!(todo[p / 64] & bit))
			continue;
		todo[p / 64] &= ~bit;
		r = send_page(w, ram, run, p, sent, err);
	}
	if (!r)
		r = flush(w, ram, run, err);
	free(run->copy);
	free(run);
	return r;
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* A round's state: the bitmaps of every region, and its figures. */
struct rounds {
	struct snap_ram ram[2];
	unsigned nram;
	uint64_t *todo[2], *sent[2];
	uint64_t pages;	     /* set in todo */
	uint64_t dirty_rate; /* pages per second, the round before */
};

static uint64_t count_todo(const struct rounds *s)
{
	uint64_t n = 0, w;
	unsigned i;

	for (i = 0; i < s->nram; i++)
		for (w = 0; w < precopy_words(&s->ram[i]); w++)
			n += (uint64_t)__builtin_popcountll(s->todo[i][w]);
	return n;
}

/* Every page to do (round 1), none sent. */
static void rounds_init(struct rounds *s, struct vm *vm)
{
	uint64_t words, npages;
	unsigned i;

	snap_machine_ram(vm, s->ram);
	s->nram = vm->nmem;
	for (i = 0; i < s->nram; i++) {
		words = precopy_words(&s->ram[i]);
		npages = s->ram[i].size / SNAP_PAGE_SIZE;
		s->todo[i] = xcalloc(words, sizeof(uint64_t));
		s->sent[i] = xcalloc(words, sizeof(uint64_t));
		memset(s->todo[i], 0xff, words * sizeof(uint64_t));
		if (npages % 64)
			s->todo[i][words - 1] = (1ULL << (npages % 64)) - 1;
	}
	s->pages = count_todo(s);
}

static void rounds_free(struct rounds *s)
{
	unsigned i;

	for (i = 0; i < s->nram; i++) {
		free(s->todo[i]);
		free(s->sent[i]);
	}
}

/* One round: its record, then its pages. */
static int send_round(struct snap_writer *w, struct rounds *s, unsigned round, bool final,
		      char **err)
{
	struct snap_round r = { round, final ? SNAP_ROUND_FINAL : 0, s->pages, s->dirty_rate };
	unsigned i;

	if (snap_write_round(w, &r, err))
		return -1;
	for (i = 0; i < s->nram; i++)
		if (snap_precopy_send(w, &s->ram[i], s->todo[i], s->sent[i], err))
			return -1;
	return 0;
}

/* What the guest wrote since the last harvest, into todo. */
static int harvest(struct vm *vm, struct rounds *s, char **err)
{
	unsigned i;

	for (i = 0; i < s->nram; i++)
		if (vm_dirty_harvest(vm, i, s->todo[i], err))
			return -1;
	s->pages = count_todo(s);
	return 0;
}

/* True when the live rounds are over: converged, stuck, or out of rounds or time. */
static bool live_done(const struct precopy_opts *o, const struct rounds *s, unsigned round,
		      uint64_t bytes_per_ms, unsigned stuck, uint64_t live_ms)
{
	uint64_t bytes = s->pages * SNAP_PAGE_SIZE, rate = bytes_per_ms ? bytes_per_ms : 1;
	uint64_t last_round_ms = (bytes + rate - 1) / rate; /* a page to send is never 0 ms */

	return last_round_ms <= o->downtime_ms || round + 1 >= o->max_rounds || stuck >= 3 ||
	       live_ms >= o->live_max_ms;
}

static int live_rounds(struct vm *vm, struct snap_writer *w, const struct precopy_opts *o,
		       const struct precopy_hooks *h, struct rounds *s, unsigned *round, char **err)
{
	uint64_t start = now_ms(), t0, b0, ms, before, stuck = 0;

	for (*round = 1;; (*round)++) {
		before = s->pages;
		t0 = now_ms();
		b0 = w->bytes;
		if (send_round(w, s, *round, false, err))
			return -1;
		if (h->idle && !h->idle(h->opaque)) {
			*err = xstrdup("the guest is ending: the migration stops and the guest "
				       "ends here as it would have");
			return -1;
		}
		if (harvest(vm, s, err))
			return -1;
		ms = now_ms() - t0;
		s->dirty_rate = s->pages * 1000 / (ms ? ms : 1);
		stuck = s->pages * 20 >= before * 19 ? stuck + 1 : 0;
		if (live_done(o, s, *round, (w->bytes - b0) / (ms ? ms : 1), (unsigned)stuck,
			      now_ms() - start))
			return 0;
	}
}

int snap_precopy_rounds(struct vm *vm, struct snap_writer *w, const struct precopy_opts *o,
			const struct precopy_hooks *h, struct precopy_result *result, char **err)
{
	struct rounds s = { 0 };
	unsigned round = 0;
	int r = -1;

	*result = (struct precopy_result){ 0 };
	if (vm_dirty_start(vm, err))
		return -1;
	rounds_init(&s, vm);
	if (live_rounds(vm, w, o, h, &s, &round, err))
		goto out;
	if (h->stop(h->opaque, err))
		goto out;
	result->stopped = true;
	/* The devices are quiet now: the last harvest holds every write left. */
	round++;
	if (harvest(vm, &s, err) || send_round(w, &s, round, true, err))
		goto out;
	result->last_pages = s.pages;
	r = 0;
out:
	result->rounds = round;
	vm_dirty_stop(vm);
	rounds_free(&s);
	return r;
}
