// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio 1.x 5.2) over a raw image file or block device.
 *
 * The I/O thread takes requests off the ring and queues them; a few worker
 * threads do the preadv/pwritev/fdatasync, so several requests are in flight
 * at once and a slow disk never stalls a vCPU. A flush completes only after
 * fdatasync() returned: what the guest was told is stable is on the disk,
 * even if the VMM is killed right after.
 *
 * A guest cannot make the VMM grow: requests come from a pool of at most
 * BLK_MAX_REQUESTS, and when it is empty the ring waits until a worker
 * returns one. A reset drops what is queued and never waits for the disk.
 *
 * The image was opened and locked by the VMM's privileged part (host.c),
 * which also hands over a cdrom's new medium (cd-insert, cd-eject): the
 * workers finish what they hold, the fd and capacity change, and the guest
 * gets a config-change interrupt, as a virtio-blk disk that was resized.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "backends/kvm/vmm/virtio/devices.h"
#include "backends/kvm/vmm/virtio/virtio.h"
#include "lib/util.h"

#define SECTOR_SHIFT 9
#define BLK_WORKERS 4
#define BLK_SEG_MAX (VIRTQ_MAX_SEGS - 2) /* the header and status take two */
#define BLK_MAX_REQUESTS VIRTQ_MAX_SIZE	 /* the pool: a full ring's worth */

struct blk_request {
	struct blk_request *next;
	struct virtq *vq;
	struct virtq_chain chain;
};

struct blk {
	struct virtio_dev *dev;
	int fd;
	bool readonly;
	bool discard; /* a regular file: discard punches holes */
	uint64_t sectors;
	char id[VIRTIO_BLK_ID_BYTES];

	pthread_t workers[BLK_WORKERS];
	unsigned nworkers;
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct blk_request *head, *tail, *free_list;
	unsigned allocated; /* requests in the pool, free or not: at most BLK_MAX_REQUESTS */
	unsigned busy;	    /* being served by a worker */
	bool starved;	    /* the ring waits for a request to come back */
	bool stopping;
	bool changing;	     /* a medium change waits for busy to reach 0 */
	bool draining;	     /* a save waits for every queued request to be done */
	pthread_cond_t idle; /* busy reached 0 while changing, or all done while draining */
};

/* preadv/pwritev until done: a short transfer is retried from where it stopped. */
static int transfer(int fd, struct iovec *iov, unsigned n, off_t off, bool write)
{
	while (n) {
		ssize_t r = write ? pwritev(fd, iov, (int)n, off) : preadv(fd, iov, (int)n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1; /* EOF cannot happen inside the capacity: the image shrank */
		off += r;
		while (n && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

static bool in_capacity(const struct blk *b, uint64_t sector, uint64_t bytes)
{
	return !(bytes & ((1 << SECTOR_SHIFT) - 1)) && sector <= b->sectors &&
	       bytes >> SECTOR_SHIFT <= b->sectors - sector;
}

/* Reads or writes the data buffers of a request; returns a VIRTIO_BLK_S_*. */
static uint8_t do_rw(struct blk *b, struct virtq_chain *c, uint64_t sector, bool write,
		     uint32_t *written)
{
	struct iovec iov[VIRTQ_MAX_SEGS];
	uint64_t bytes = write ? c->out_len - sizeof(struct virtio_blk_outhdr) : c->in_len - 1;
	unsigned n;

	if (write && b->readonly)
		return VIRTIO_BLK_S_IOERR;
	if (!in_capacity(b, sector, bytes))
		return VIRTIO_BLK_S_IOERR;
	if (write)
		n = iov_slice(c->iov, c->nout, sizeof(struct virtio_blk_outhdr), bytes, iov,
			      VIRTQ_MAX_SEGS);
	else
		n = iov_slice(c->iov + c->nout, c->nin, 0, bytes, iov, VIRTQ_MAX_SEGS);
	if (transfer(b->fd, iov, n, (off_t)(sector << SECTOR_SHIFT), write))
		return VIRTIO_BLK_S_IOERR;
	if (write) {
		virtio_count(b->dev, BLK_WR_REQ, 1);
		virtio_count(b->dev, BLK_WR_SECT, bytes >> SECTOR_SHIFT);
	} else {
		virtio_count(b->dev, BLK_RD_REQ, 1);
		virtio_count(b->dev, BLK_RD_SECT, bytes >> SECTOR_SHIFT);
		*written += (uint32_t)bytes;
	}
	return VIRTIO_BLK_S_OK;
}

/* DISCARD: each segment punches a hole (the file keeps its size). */
static uint8_t do_discard(struct blk *b, struct virtq_chain *c)
{
	struct virtio_blk_discard_write_zeroes seg;
	size_t at = sizeof(struct virtio_blk_outhdr);

	if (b->readonly || !b->discard)
		return VIRTIO_BLK_S_UNSUPP;
	if ((c->out_len - at) % sizeof(seg) || c->out_len == at)
		return VIRTIO_BLK_S_IOERR;
	for (; at < c->out_len; at += sizeof(seg)) {
		iov_to_buf(c->iov, c->nout, at, &seg, sizeof(seg));
		if (seg.flags ||
		    !in_capacity(b, seg.sector, (uint64_t)seg.num_sectors << SECTOR_SHIFT))
			return VIRTIO_BLK_S_IOERR;
		if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)(seg.sector << SECTOR_SHIFT),
			      (off_t)seg.num_sectors << SECTOR_SHIFT))
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

/* Carries out one request and returns the bytes written into the guest's buffers. */
static uint32_t handle_request(struct blk *b, struct virtq_chain *c)
{
	struct virtio_blk_outhdr hdr;
	uint32_t written = 0;
	uint8_t status;

	if (!c->in_len)
		return 0; /* no room for a status byte: nothing can be reported */
	if (iov_to_buf(c->iov, c->nout, 0, &hdr, sizeof(hdr)) < sizeof(hdr)) {
		status = VIRTIO_BLK_S_IOERR;
		goto out;
	}
	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
		status = do_rw(b, c, hdr.sector, false, &written);
		break;
	case VIRTIO_BLK_T_OUT:
		status = do_rw(b, c, hdr.sector, true, &written);
		break;
	case VIRTIO_BLK_T_FLUSH:
		virtio_count(b->dev, BLK_FLUSH_REQ, 1);
		status = fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_GET_ID:
		written = (uint32_t)iov_from_buf(c->iov + c->nout, c->nin, 0, b->id,
						 c->in_len - 1 < sizeof(b->id) ? c->in_len - 1
									       : sizeof(b->id));
		status = VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_DISCARD:
		status = do_discard(b, c);
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
	}
out:
	if (status == VIRTIO_BLK_S_IOERR)
		virtio_count(b->dev, BLK_ERRORS, 1);
	iov_from_buf(c->iov + c->nout, c->nin, c->in_len - 1, &status, 1);
	return written + 1;
}

static void complete(struct blk *b, struct blk_request *r, uint32_t written)
{
	if (virtq_push(r->vq, &r->chain, written))
		virtio_interrupt(b->dev, VIRTIO_INT_USED);
}

/* Under b->lock: back to the pool; a ring that waited for it is served again. */
static void release(struct blk *b, struct blk_request *r)
{
	r->next = b->free_list;
	b->free_list = r;
	if (b->starved) {
		b->starved = false;
		virtq_rekick(r->vq);
	}
}

static void *worker(void *arg)
{
	struct blk *b = arg;
	struct blk_request *r;

	pthread_setname_np(pthread_self(), "xlc-blk");
	vm_thread_started(b->dev->vm, VM_THREAD_DISK, 0);
	pthread_mutex_lock(&b->lock);
	for (;;) {
		while ((!b->head || b->changing) && !b->stopping)
			pthread_cond_wait(&b->work, &b->lock);
		if (b->stopping)
			break;
		r = b->head;
		b->head = r->next;
		if (!b->head)
			b->tail = NULL;
		b->busy++;
		pthread_mutex_unlock(&b->lock);

		complete(b, r, handle_request(b, &r->chain));

		pthread_mutex_lock(&b->lock);
		if (!--b->busy && (b->changing || (b->draining && !b->head)))
			pthread_cond_signal(&b->idle);
		release(b, r);
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* A request from the pool, or NULL when all BLK_MAX_REQUESTS are out. */
static struct blk_request *new_request(struct blk *b)
{
	struct blk_request *r;

	pthread_mutex_lock(&b->lock);
	r = b->free_list;
	if (r) {
		b->free_list = r->next;
	} else if (b->allocated < BLK_MAX_REQUESTS) {
		r = xmalloc(sizeof(*r));
		b->allocated++;
	} else {
		b->starved = true;
		virtio_count(b->dev, BLK_OO_REQ, 1);
	}
	pthread_mutex_unlock(&b->lock);
	return r;
}

static void queue_request(struct blk *b, struct blk_request *r)
{
	pthread_mutex_lock(&b->lock);
	r->next = NULL;
	if (b->tail)
		b->tail->next = r;
	else
		b->head = r;
	b->tail = r;
	pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->lock);
}

/* Serves at most a burst, then lets the I/O thread see to the other devices. */
static void blk_kick(struct virtio_dev *dev, struct virtq *vq)
{
	struct blk *b = dev->priv;
	unsigned n;

	for (n = 0; n < VIRTIO_KICK_BURST; n++) {
		struct blk_request *r = new_request(b);
		int got;

		if (!r)
			return; /* a worker kicks the ring when it returns one */
		got = virtq_pop(vq, &r->chain);
		if (got == 1) {
			r->vq = vq;
			if (b->nworkers) {
				queue_request(b, r);
				continue;
			}
			complete(b, r, handle_request(b, &r->chain)); /* inline: the fuzzer */
		}
		pthread_mutex_lock(&b->lock);
		r->next = b->free_list;
		b->free_list = r;
		pthread_mutex_unlock(&b->lock);
		if (got < 0) {
			virtio_broken(
				dev,
				"a malformed descriptor chain, or a request already in flight");
			return;
		}
		if (!got && virtq_enable_kicks(vq))
			return;
	}
	virtq_rekick(vq);
}

/*
 * A reset drops the requests no worker has started; those being served
 * finish on the disk, and their completion is dropped (the queue's
 * generation moved on). Nothing here waits for the disk.
 */
static void blk_reset(struct virtio_dev *dev)
{
	struct blk *b = dev->priv;
	struct blk_request *r;

	pthread_mutex_lock(&b->lock);
	while ((r = b->head)) {
		b->head = r->next;
		r->next = b->free_list;
		b->free_list = r;
	}
	b->tail = NULL;
	b->starved = false;
	pthread_mutex_unlock(&b->lock);
}

static void free_list(struct blk_request *r)
{
	while (r) {
		struct blk_request *next = r->next;

		free(r);
		r = next;
	}
}

/* Stops the workers after the request each is serving; the image fd is the caller's. */
static void blk_destroy(struct virtio_dev *dev)
{
	struct blk *b = dev->priv;
	unsigned i;

	if (!b)
		return;
	pthread_mutex_lock(&b->lock);
	b->stopping = true;
	pthread_cond_broadcast(&b->work);
	pthread_mutex_unlock(&b->lock);
	for (i = 0; i < b->nworkers; i++)
		pthread_join(b->workers[i], NULL);
	free_list(b->head);
	free_list(b->free_list);
	free(b);
}

static void fill_config(struct virtio_dev *dev, const struct blk *b)
{
	struct virtio_blk_config cfg = {
		.capacity = b->sectors,
		.seg_max = BLK_SEG_MAX,
		.max_discard_sectors = UINT32_MAX >> SECTOR_SHIFT,
		.max_discard_seg = 1,
		.discard_sector_alignment = 8, /* 4 KiB: the file system's block */
	};

	memcpy(dev->config, &cfg, sizeof(cfg));
	dev->config_len = sizeof(cfg);
	dev->host_features |= 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_FLUSH |
			      1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX;
	if (b->readonly)
		dev->host_features |= 1ULL << VIRTIO_BLK_F_RO;
	else if (b->discard)
		dev->host_features |= 1ULL << VIRTIO_BLK_F_DISCARD;
}

/* The workers start with the machine, once it is confined. */
static int blk_start_threads(struct virtio_dev *dev, char **err)
{
	struct blk *b = dev->priv;
	unsigned i;
	int e;

	for (i = 0; i < BLK_WORKERS; i++) {
		e = pthread_create(&b->workers[i], NULL, worker, b);
		if (e) {
			*err = xasprintf("cannot start a disk thread: %s", strerror(e));
			return -1;
		}
		b->nworkers++;
	}
	return 0;
}

/*
 * A save: every request taken off the ring is finished and used before the
 * state is read (the I/O thread, parked, takes no new ones), so that no
 * request is half done in the saved image of the guest's memory.
 */
static int blk_quiesce(struct virtio_dev *dev, bool quiet)
{
	struct blk *b = dev->priv;
	struct timespec until;
	int e = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += VIRTIO_QUIESCE_MS / 1000;
	pthread_mutex_lock(&b->lock);
	b->draining = quiet;
	while (quiet && !e && b->nworkers && (b->head || b->busy))
		e = pthread_cond_timedwait(&b->idle, &b->lock, &until);
	if (e)
		b->draining = false;
	pthread_mutex_unlock(&b->lock);
	return e ? -1 : 0;
}

static const struct virtio_dev_ops blk_ops = {
	.kick = blk_kick,
	.reset = blk_reset,
	.quiesce = blk_quiesce,
	.destroy = blk_destroy,
	.start_threads = blk_start_threads,
};

int virtio_blk_create(struct vm *vm, const struct blk_backing *backing,
		      const struct virtio_slot *slot, char **err)
{
	struct blk *b = xcalloc(1, sizeof(*b));
	struct virtio_dev *dev;

	b->fd = backing->fd;
	b->readonly = backing->readonly;
	b->discard = backing->discard && !backing->readonly;
	b->sectors = backing->bytes >> SECTOR_SHIFT;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->work, NULL);
	cond_init_monotonic(&b->idle);
	snprintf(b->id, sizeof(b->id), "xlc-%s", backing->name);
	dev = virtio_dev_new(vm, &blk_ops, "vbd", backing->name, VIRTIO_ID_BLOCK, 1, b, slot);
	b->dev = dev;
	fill_config(dev, b);
	if (virtio_mmio_init(vm, dev, slot->base, slot->gsi, err))
		return -1;
	return 0;
}

int virtio_blk_change_medium(struct virtio_dev *dev, int fd, uint64_t bytes)
{
	struct blk *b = dev->priv;
	uint64_t capacity = bytes >> SECTOR_SHIFT;
	int old;

	if (dev->ops != &blk_ops || !b->readonly)
		return -1;
	pthread_mutex_lock(&b->lock);
	b->changing = true;
	while (b->busy)
		pthread_cond_wait(&b->idle, &b->lock);
	old = b->fd;
	b->fd = fd;
	b->sectors = capacity;
	b->changing = false;
	pthread_cond_broadcast(&b->work);
	pthread_mutex_unlock(&b->lock);
	if (old >= 0)
		close(old);
	/* The driver reads the config through the MMIO bus, under its lock. */
	pthread_mutex_lock(&dev->vm->mmio.lock);
	memcpy(dev->config + offsetof(struct virtio_blk_config, capacity), &capacity,
	       sizeof(capacity));
	dev->config_generation++;
	pthread_mutex_unlock(&dev->vm->mmio.lock);
	virtio_interrupt(dev, VIRTIO_INT_CONFIG);
	return 0;
}
