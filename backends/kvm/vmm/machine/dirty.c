// SPDX-License-Identifier: GPL-2.0
/*
 * The dirty log (dirty.h): KVM's bitmap per memory slot, and the devices'
 * own marks, ORed together at each harvest.
 */
#include "backends/kvm/vmm/machine/dirty.h"

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lib/util.h"

/* The bitmaps, once: a device may still hold a pointer after a stop. */
static void alloc_bitmaps(struct vm *vm)
{
	uint64_t most = 0, n;
	unsigned i;

	for (i = 0; i < vm->nmem; i++) {
		n = dirty_words(&vm->mem[i]);
		if (!vm->dirty.user[i])
			vm->dirty.user[i] = xcalloc(n, sizeof(uint64_t));
		most = n > most ? n : most;
	}
	if (!vm->dirty.scratch)
		vm->dirty.scratch = xcalloc(most, sizeof(uint64_t));
}

int vm_dirty_start(struct vm *vm, char **err)
{
	unsigned i;

	alloc_bitmaps(vm);
	for (i = 0; i < vm->nmem; i++)
		memset((void *)vm->dirty.user[i], 0, dirty_words(&vm->mem[i]) * sizeof(uint64_t));
	/* A machine without KVM (tests, fuzzers) has only the devices' marks. */
	for (i = 0; vm->vm_fd >= 0 && i < vm->nmem; i++) {
		if (vm_set_slot(vm, i, KVM_MEM_LOG_DIRTY_PAGES)) {
			*err = xasprintf("cannot log the guest's writes to its memory: "
					 "KVM_SET_USER_MEMORY_REGION: %s",
					 strerror(errno));
			vm_dirty_stop(vm);
			return -1;
		}
	}
	atomic_store(&vm->dirty.on, true);
	/* Pairs with vm_mark_dirty's fence: a device either marks, or wrote before this. */
	atomic_thread_fence(memory_order_seq_cst);
	return 0;
}

int vm_dirty_harvest(struct vm *vm, unsigned i, uint64_t *into, char **err)
{
	uint64_t w, n;

	if (i >= vm->nmem || !atomic_load(&vm->dirty.on)) {
		*err = xstrdup("the guest's writes to its memory are not being logged");
		return -1;
	}
	n = dirty_words(&vm->mem[i]);
	if (vm->vm_fd >= 0) {
		/* KVM fills all n words, gets and clears them in one go. */
		struct kvm_dirty_log log = { .slot = i, .dirty_bitmap = vm->dirty.scratch };

		if (ioctl(vm->vm_fd, KVM_GET_DIRTY_LOG, &log) < 0) {
			*err = xasprintf("KVM_GET_DIRTY_LOG: %s", strerror(errno));
			return -1;
		}
		for (w = 0; w < n; w++)
			into[w] |= vm->dirty.scratch[w];
	}
	for (w = 0; w < n; w++)
		into[w] |= atomic_exchange(&vm->dirty.user[i][w], 0);
	return 0;
}

void vm_dirty_stop(struct vm *vm)
{
	unsigned i;

	atomic_store(&vm->dirty.on, false);
	/* KVM takes the flag off on a running guest; it rebuilds huge pages lazily. */
	for (i = 0; vm->vm_fd >= 0 && i < vm->nmem; i++)
		vm_set_slot(vm, i, 0);
}

/* Sets the bits of [start, end)'s pages in every region it touches. */
static void mark_range(struct vm *vm, uintptr_t start, uintptr_t end)
{
	uint64_t first, last, page;
	unsigned i;

	for (i = 0; i < vm->nmem; i++) {
		uintptr_t lo = (uintptr_t)vm->mem[i].hva, hi = lo + vm->mem[i].size;

		if (end <= lo || start >= hi)
			continue;
		first = ((start > lo ? start : lo) - lo) >> DIRTY_PAGE_SHIFT;
		last = ((end < hi ? end : hi) - 1 - lo) >> DIRTY_PAGE_SHIFT;
		for (page = first; page <= last; page++)
			atomic_fetch_or(&vm->dirty.user[i][page / 64], 1ULL << (page % 64));
	}
}

void vm_mark_dirty_iov(struct vm *vm, const struct iovec *iov, unsigned n)
{
	unsigned i;

	/* The stores before (the device's writes) are ordered before the load of on. */
	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&vm->dirty.on, memory_order_relaxed))
		return;
	for (i = 0; i < n; i++)
		if (iov[i].iov_len)
			mark_range(vm, (uintptr_t)iov[i].iov_base,
				   (uintptr_t)iov[i].iov_base + iov[i].iov_len);
}

void vm_mark_dirty(struct vm *vm, const void *hva, uint64_t len)
{
	struct iovec one = { (void *)hva, len };

	vm_mark_dirty_iov(vm, &one, 1);
}
