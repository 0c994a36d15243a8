/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which pages of guest RAM were written since the last look: the record a
 * live migration copies from, round after round, while the guest runs.
 *
 * Two sources make it whole. KVM logs the vCPUs' writes (and its own:
 * kvmclock, steal time) for each memory slot. Devices write guest RAM
 * through its host mapping, which KVM never sees, so they mark what they
 * wrote themselves, after writing it (vm_mark_dirty). A harvest takes both
 * and clears both, so each write shows up in exactly one harvest from the
 * first after it.
 */
#ifndef XLC_KVM_DIRTY_H
#define XLC_KVM_DIRTY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "backends/kvm/vmm/machine/vm.h"

#define DIRTY_PAGE_SHIFT 12

/* Words of 64 pages in a region's bitmap. */
static inline uint64_t dirty_words(const struct mem_region *r)
{
	return ((r->size >> DIRTY_PAGE_SHIFT) + 63) / 64;
}

/*
 * Turns logging on for every slot: from now on each write is in some
 * harvest. -1 with *err (logging off again) if KVM cannot.
 */
int vm_dirty_start(struct vm *vm, char **err);

/*
 * ORs into into[] (dirty_words() words) the pages of region i written since
 * the last harvest (or since vm_dirty_start), and forgets them. -1 with
 * *err if logging is off or KVM fails.
 */
int vm_dirty_harvest(struct vm *vm, unsigned i, uint64_t *into, char **err);

/* Logging off (KVM's and the devices' marks); harmless when it is off. */
void vm_dirty_stop(struct vm *vm);

/*
 * A device wrote [hva, hva + len) of guest RAM: marks its pages if logging
 * is on. Called after the write; any thread; no system call.
 */
void vm_mark_dirty(struct vm *vm, const void *hva, uint64_t len);
/* The same for n buffers, with one look at whether logging is on. */
void vm_mark_dirty_iov(struct vm *vm, const struct iovec *iov, unsigned n);

/* Frees the bitmaps (vm_destroy). */
void vm_dirty_free(struct vm *vm);

#endif
