// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (virtio 1.x, 2.7): the descriptor table, the driver's
 * avail ring and the device's used ring, all in guest memory.
 *
 * The guest may change any of it at any time, so every descriptor is copied
 * once before it is checked and used, every index is reduced modulo the
 * queue size only after it was checked, and every buffer goes through
 * gpa_to_hva() with its full length.
 */
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <string.h>
#include <unistd.h>

#include "backends/kvm/vmm/machine/dirty.h"
#include "backends/kvm/vmm/virtio/virtio.h"

#define INDIRECT_MAX 1024 /* descriptors in one indirect table */

void virtq_init(struct virtq *vq, struct virtio_dev *dev, unsigned index)
{
	memset(vq, 0, sizeof(*vq));
	vq->dev = dev;
	vq->index = index;
	vq->size = VIRTQ_MAX_SIZE;
	vq->kick_fd = -1;
	pthread_mutex_init(&vq->lock, NULL);
}

/* Under vq->lock: requests still out are dropped when they come back. */
static void forget_in_flight(struct virtq *vq)
{
	vq->generation++;
	memset(vq->in_flight, 0, sizeof(vq->in_flight));
	vq->n_in_flight = 0;
}

void virtq_disable(struct virtq *vq)
{
	forget_in_flight(vq);
	vq->ready = false;
}

void virtq_reset(struct virtq *vq)
{
	pthread_mutex_lock(&vq->lock);
	forget_in_flight(vq);
	vq->ready = false;
	vq->size = VIRTQ_MAX_SIZE;
	vq->desc_gpa = vq->avail_gpa = vq->used_gpa = 0;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	vq->last_avail = vq->used_idx = 0;
	pthread_mutex_unlock(&vq->lock);
}

/* The ring sizes of 2.7, the event-index words included. Under vq->lock. */
int virtq_activate(struct virtq *vq)
{
	struct vm *vm = vq->dev->vm;
	uint64_t n = vq->size;

	if (!n || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
		return -1;
	if ((vq->desc_gpa & 15) || (vq->avail_gpa & 1) || (vq->used_gpa & 3))
		return -1;
	vq->desc = gpa_to_hva(vm, vq->desc_gpa, 16 * n);
	vq->avail = gpa_to_hva(vm, vq->avail_gpa, 6 + 2 * n);
	vq->used = gpa_to_hva(vm, vq->used_gpa, 6 + 8 * n);
	if (!vq->desc || !vq->avail || !vq->used)
		return -1;
	vq->last_avail = vq->used_idx = 0;
	vq->ready = true;
	return 0;
}

static uint16_t load16(const void *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

/* One buffer: in guest RAM for its whole length, or the chain is bad. */
static int add_buffer(struct virtq *vq, struct virtq_chain *c, const struct vring_desc *d)
{
	bool writable = d->flags & VRING_DESC_F_WRITE;
	void *hva;

	if (!writable && c->nin)
		return -1; /* readable buffers must all come first (2.7.4.2) */
	if (!d->len)
		return 0;
	if (c->nout + c->nin == VIRTQ_MAX_SEGS)
		return -1;
	hva = gpa_to_hva(vq->dev->vm, d->addr, d->len);
	if (!hva)
		return -1;
	c->iov[c->nout + c->nin] = (struct iovec){ hva, d->len };
	if (writable) {
		c->nin++;
		c->in_len += d->len;
	} else {
		c->nout++;
		c->out_len += d->len;
	}
	return 0;
}

/*
 * Walks the indirect table d points at. Nested tables, NEXT beside
 * INDIRECT, and tables not a whole number of descriptors are all invalid.
 */
static int walk_indirect(struct virtq *vq, struct virtq_chain *c, const struct vring_desc *d)
{
	const struct vring_desc *table;
	unsigned n = d->len / 16, i = 0, steps;

	if (!virtio_has_feature(vq->dev, VIRTIO_RING_F_INDIRECT_DESC) ||
	    (d->flags & VRING_DESC_F_NEXT) || !n || d->len % 16 || n > INDIRECT_MAX)
		return -1;
	table = gpa_to_hva(vq->dev->vm, d->addr, d->len);
	if (!table)
		return -1;
	for (steps = 0; steps < n; steps++) {
		struct vring_desc e;

		memcpy(&e, &table[i], sizeof(e));
		if ((e.flags & VRING_DESC_F_INDIRECT) || add_buffer(vq, c, &e))
			return -1;
		if (!(e.flags & VRING_DESC_F_NEXT))
			return 0;
		if (e.next >= n)
			return -1;
		i = e.next;
	}
	return -1; /* more steps than descriptors: a loop */
}

/* Follows the chain from head; a chain longer than the ring is a loop. */
static int walk_chain(struct virtq *vq, struct virtq_chain *c, uint16_t head)
{
	unsigned i = head, steps;

	c->head = head;
	c->nout = c->nin = 0;
	c->out_len = c->in_len = 0;
	for (steps = 0; steps < vq->size; steps++) {
		struct vring_desc d;

		memcpy(&d, &vq->desc[i], sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (steps || walk_indirect(vq, c, &d))
				return -1; /* an indirect descriptor stands alone */
			return 0;
		}
		if (add_buffer(vq, c, &d))
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		if (d.next >= vq->size)
			return -1;
		i = d.next;
	}
	return -1;
}

static bool test_in_flight(const struct virtq *vq, uint16_t head)
{
	return vq->in_flight[head / 64] & (1ULL << (head % 64));
}

static void set_in_flight(struct virtq *vq, uint16_t head, bool on)
{
	if (on) {
		vq->in_flight[head / 64] |= 1ULL << (head % 64);
		vq->n_in_flight++;
	} else {
		vq->in_flight[head / 64] &= ~(1ULL << (head % 64));
		vq->n_in_flight--;
	}
}

int virtq_pop(struct virtq *vq, struct virtq_chain *chain)
{
	uint16_t avail_idx, head;
	int ret = -1;

	pthread_mutex_lock(&vq->lock);
	if (!vq->ready)
		goto out;
	avail_idx = load16(&vq->avail->idx);
	if (avail_idx == vq->last_avail) {
		ret = 0;
		goto out;
	}
	/* More new entries than the ring holds: the index jumped. */
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->size)
		goto out;
	head = load16(&vq->avail->ring[vq->last_avail & (vq->size - 1)]);
	/* A head already out: the guest re-posted it without waiting for it. */
	if (head >= vq->size || test_in_flight(vq, head) || walk_chain(vq, chain, head))
		goto out;
	if (chain->out_len > UINT32_MAX || chain->in_len > UINT32_MAX)
		goto out;
	vq->last_avail++;
	set_in_flight(vq, head, true);
	chain->generation = vq->generation;
	ret = 1;
out:
	pthread_mutex_unlock(&vq->lock);
	return ret;
}

/*
 * What the device wrote into the chain's buffers, for the dirty log (a
 * dropped chain's too: it was written all the same). Once, here, after
 * the writes: a page marked before them could be copied and forgotten
 * before they land.
 */
static void mark_written(struct virtq *vq, const struct virtq_chain *chain)
{
	unsigned n = chain->nout + chain->nin <= VIRTQ_MAX_SEGS ? chain->nin : 0;

	vm_mark_dirty_iov(vq->dev->vm, chain->iov + chain->nout, n);
}

bool virtq_push(struct virtq *vq, const struct virtq_chain *chain, uint32_t len)
{
	uint16_t old, new, event, head = chain->head;
	struct vring_used_elem *elem;
	bool notify;

	mark_written(vq, chain);
	pthread_mutex_lock(&vq->lock);
	/* Reset since it was popped: its head means nothing to the new rings. */
	if (!vq->ready || chain->generation != vq->generation || !test_in_flight(vq, head)) {
		pthread_mutex_unlock(&vq->lock);
		return false;
	}
	set_in_flight(vq, head, false);
	old = vq->used_idx;
	new = (uint16_t)(old + 1);
	elem = &vq->used->ring[old & (vq->size - 1)];
	elem->id = head;
	elem->len = len;
	__atomic_store_n(&vq->used->idx, new, __ATOMIC_RELEASE);
	vq->used_idx = new;
	vm_mark_dirty_iov(vq->dev->vm,
			  (struct iovec[]){ { elem, sizeof(*elem) },
					    { &vq->used->idx, sizeof(vq->used->idx) } },
			  2);
	/* The driver's used_event or NO_INTERRUPT flag is read after the index is seen. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (virtio_has_feature(vq->dev, VIRTIO_RING_F_EVENT_IDX)) {
		event = load16(&vq->avail->ring[vq->size]);
		notify = vring_need_event(event, new, old);
	} else {
		notify = !(load16(&vq->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
	}
	pthread_mutex_unlock(&vq->lock);
	return notify;
}

bool virtq_enable_kicks(struct virtq *vq)
{
	bool idle = true;

	pthread_mutex_lock(&vq->lock);
	if (vq->ready) {
		if (virtio_has_feature(vq->dev, VIRTIO_RING_F_EVENT_IDX)) {
			__atomic_store_n((uint16_t *)&vq->used->ring[vq->size], vq->last_avail,
					 __ATOMIC_RELEASE);
			vm_mark_dirty(vq->dev->vm, &vq->used->ring[vq->size], sizeof(uint16_t));
		}
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		idle = load16(&vq->avail->idx) == vq->last_avail;
	}
	pthread_mutex_unlock(&vq->lock);
	return idle;
}

void virtq_rekick(struct virtq *vq)
{
	uint64_t one = 1;

	if (vq->kick_fd >= 0 && write(vq->kick_fd, &one, sizeof(one)) < 0) {
		/* the counter is saturated: a kick is pending anyway */
	}
}

/* Copies between a chain's buffers (from skip on) and buf, in either direction. */
static size_t iov_copy(const struct iovec *iov, unsigned n, size_t skip, void *buf, size_t len,
		       bool to_iov)
{
	size_t done = 0;
	unsigned i;

	for (i = 0; i < n && done < len; i++) {
		uint8_t *seg = iov[i].iov_base;
		size_t take;

		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		take = iov[i].iov_len - skip;
		if (take > len - done)
			take = len - done;
		if (to_iov)
			memcpy(seg + skip, (uint8_t *)buf + done, take);
		else
			memcpy((uint8_t *)buf + done, seg + skip, take);
		done += take;
		skip = 0;
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t skip, void *buf, size_t len)
{
	return iov_copy(iov, n, skip, buf, len, false);
}

size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t skip, const void *buf, size_t len)
{
	return iov_copy(iov, n, skip, (void *)buf, len, true);
}

unsigned iov_slice(const struct iovec *iov, unsigned n, size_t skip, size_t len, struct iovec *out,
		   unsigned max)
{
	unsigned i, k = 0;

	for (i = 0; i < n && len && k < max; i++) {
		size_t take;

		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		take = iov[i].iov_len - skip;
		if (take > len)
			take = len;
		out[k++] = (struct iovec){ (uint8_t *)iov[i].iov_base + skip, take };
		len -= take;
		skip = 0;
	}
	return k;
}
