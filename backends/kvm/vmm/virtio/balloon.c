// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-balloon (virtio 1.x 5.5): how `mem-set` takes memory from a
 * running guest and gives it back. The VMM sets num_pages, the target of
 * pages the guest should hand over; the guest's driver posts their frame
 * numbers on the inflate queue and the VMM drops them from its own memory
 * (MADV_DONTNEED: the host gets them back, and a page the guest touches
 * again comes back zeroed); the deflate queue returns pages to the guest,
 * who may use them at once. With the statistics queue the guest reports its
 * free and available memory every few seconds, for `list --json`.
 *
 * Every frame number is the guest's: one outside its RAM is skipped, and a
 * chain is read up to BALLOON_MAX_PFNS frames, never more.
 */
#include <endian.h>
#include <errno.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "backends/kvm/vmm/machine/dirty.h"
#include "backends/kvm/vmm/virtio/devices.h"
#include "backends/kvm/vmm/virtio/virtio.h"
#include "lib/util.h"

#define BALLOON_PAGE 4096u	/* the balloon's page, whatever the guest's */
#define BALLOON_MAX_PFNS 65536u /* frames read from one chain */
#define BALLOON_STATS_PERIOD_S 2
#define INFLATEQ 0
#define DEFLATEQ 1
#define STATSQ 2

struct balloon {
	int timer_fd; /* asks the guest for fresh statistics */
	pthread_mutex_t lock;
	bool stats_held; /* the guest's statistics buffer, kept until the next period */
	struct virtq_chain stats_chain;
};

static void store(struct virtio_dev *dev, enum balloon_counter c, uint64_t v)
{
	atomic_store_explicit(&dev->stats->counters[c], v, memory_order_relaxed);
}

/* Drops [gpa, gpa + len) from the VMM's memory, if all of it is guest RAM. */
static bool release(struct virtio_dev *dev, uint64_t gpa, uint64_t len)
{
	void *hva = gpa_to_hva(dev->vm, gpa, len);

	if (!hva || madvise(hva, len, MADV_DONTNEED))
		return false;
	vm_mark_dirty(dev->vm, hva, len); /* zeros now: a migration must say so */
	return true;
}

/*
 * The frames of one inflate chain, released in runs of consecutive frames
 * (one madvise per run); returns how many were guest RAM.
 */
static uint64_t inflate_chain(struct virtio_dev *dev, const struct virtq_chain *c)
{
	uint64_t run_start = 0, run_len = 0, done = 0;
	uint32_t pfns[256];
	size_t at = 0, n, i;

	while (at / 4 < BALLOON_MAX_PFNS &&
	       (n = iov_to_buf(c->iov, c->nout, at, pfns, sizeof(pfns)) / 4)) {
		at += n * 4;
		for (i = 0; i < n; i++) {
			uint64_t gpa = (uint64_t)le32toh(pfns[i]) * BALLOON_PAGE;

			if (run_len && gpa == run_start + run_len) {
				run_len += BALLOON_PAGE;
				continue;
			}
			if (run_len && release(dev, run_start, run_len))
				done += run_len / BALLOON_PAGE;
			run_start = gpa;
			run_len = BALLOON_PAGE;
		}
	}
	if (run_len && release(dev, run_start, run_len))
		done += run_len / BALLOON_PAGE;
	return done;
}

/* A statistics buffer: tag (le16) and value (le64) pairs, 10 bytes each. */
static void read_stats(struct virtio_dev *dev, const struct virtq_chain *c)
{
	static const struct {
		uint16_t tag;
		enum balloon_counter counter;
	} kept[] = {
		{ VIRTIO_BALLOON_S_MEMFREE, BALLOON_FREE_BYTES },
		{ VIRTIO_BALLOON_S_MEMTOT, BALLOON_TOTAL_BYTES },
		{ VIRTIO_BALLOON_S_AVAIL, BALLOON_AVAIL_BYTES },
		{ VIRTIO_BALLOON_S_CACHES, BALLOON_CACHES_BYTES },
	};
	struct virtio_balloon_stat s;
	size_t at, k;

	for (at = 0;
	     at < 64 * sizeof(s) && iov_to_buf(c->iov, c->nout, at, &s, sizeof(s)) == sizeof(s);
	     at += sizeof(s))
		for (k = 0; k < ARRAY_SIZE(kept); k++)
			if (le16toh(s.tag) == kept[k].tag)
				store(dev, kept[k].counter, le64toh(s.val));
}

static void take_stats(struct virtio_dev *dev, struct virtq *vq)
{
	struct balloon *b = dev->priv;
	struct virtq_chain c;
	unsigned i;
	int got = 0;

	/* Bounded: a guest that posts buffers as fast as we return them gets a burst. */
	for (i = 0; i < VIRTIO_KICK_BURST && (got = virtq_pop(vq, &c)) > 0; i++) {
		read_stats(dev, &c);
		pthread_mutex_lock(&b->lock);
		if (b->stats_held) /* one buffer at a time: an extra one goes back */
			virtq_push(vq, &b->stats_chain, 0);
		b->stats_chain = c;
		b->stats_held = true;
		pthread_mutex_unlock(&b->lock);
	}
	if (got < 0)
		virtio_broken(dev, "a malformed statistics chain");
}

static void balloon_kick(struct virtio_dev *dev, struct virtq *vq)
{
	struct virtq_chain c;
	bool notify = false;
	unsigned i;
	int got;

	if (vq->index == STATSQ) {
		take_stats(dev, vq);
		return;
	}
	for (i = 0; i < VIRTIO_KICK_BURST; i++) {
		got = virtq_pop(vq, &c);
		if (got < 0) {
			virtio_broken(dev, "a malformed page list");
			break;
		}
		if (!got) {
			if (virtq_enable_kicks(vq))
				break;
			continue;
		}
		if (vq->index == INFLATEQ)
			virtio_count(dev, BALLOON_INFLATED, inflate_chain(dev, &c));
		else /* deflated pages come back when the guest touches them */
			virtio_count(dev, BALLOON_DEFLATED, c.out_len / 4);
		notify |= virtq_push(vq, &c, 0);
	}
	if (notify)
		virtio_interrupt(dev, VIRTIO_INT_USED);
	if (i == VIRTIO_KICK_BURST && !dev->inline_io)
		virtq_rekick(vq);
}

/* Each period: the held statistics buffer goes back, so the guest refills it. */
static void stats_period(void *opaque, uint32_t events)
{
	struct virtio_dev *dev = opaque;
	struct balloon *b = dev->priv;
	uint64_t ticks;
	bool notify = false;

	(void)events;
	if (read(b->timer_fd, &ticks, sizeof(ticks)) < 0)
		return;
	pthread_mutex_lock(&b->lock);
	if (b->stats_held && virtio_running(dev)) {
		notify = virtq_push(&dev->vq[STATSQ], &b->stats_chain, 0);
		b->stats_held = false;
	}
	pthread_mutex_unlock(&b->lock);
	if (notify)
		virtio_interrupt(dev, VIRTIO_INT_USED);
}

/*
 * Linux's driver posts its first statistics and notifies before it sets
 * DRIVER_OK, when a kick is not served yet: that buffer is taken now.
 */
static void balloon_start(struct virtio_dev *dev)
{
	if (virtio_has_feature(dev, VIRTIO_BALLOON_F_STATS_VQ))
		virtq_rekick(&dev->vq[STATSQ]);
}

static void balloon_reset(struct virtio_dev *dev)
{
	struct balloon *b = dev->priv;

	pthread_mutex_lock(&b->lock);
	b->stats_held = false; /* the reset dropped it with its queue */
	pthread_mutex_unlock(&b->lock);
	store(dev, BALLOON_ACTUAL_PAGES, 0);
}

/* The driver reports how many pages it holds: the one config field it writes. */
static void balloon_config_write(struct virtio_dev *dev, unsigned offset, const uint8_t *data,
				 unsigned len)
{
	uint32_t actual;

	if (offset != offsetof(struct virtio_balloon_config, actual) || len != 4)
		return;
	memcpy(dev->config + offset, data, 4);
	memcpy(&actual, data, 4);
	store(dev, BALLOON_ACTUAL_PAGES, le32toh(actual));
}

static void balloon_destroy(struct virtio_dev *dev)
{
	struct balloon *b = dev->priv;

	if (b->timer_fd >= 0)
		close(b->timer_fd);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

static const struct virtio_dev_ops balloon_ops = {
	.kick = balloon_kick,
	.start = balloon_start,
	.reset = balloon_reset,
	.config_write = balloon_config_write,
	.destroy = balloon_destroy,
};

void virtio_balloon_set_target(struct virtio_dev *dev, uint32_t pages)
{
	uint32_t le = htole32(pages);
	bool running;

	pthread_mutex_lock(&dev->lock);
	memcpy(dev->config + offsetof(struct virtio_balloon_config, num_pages), &le, 4);
	dev->config_generation++;
	running = virtio_running(dev);
	pthread_mutex_unlock(&dev->lock);
	store(dev, BALLOON_TARGET_PAGES, pages);
	if (running)
		virtio_interrupt(dev, VIRTIO_INT_CONFIG);
}

int virtio_balloon_create(struct vm *vm, uint32_t target_pages, const struct virtio_slot *slot,
			  struct virtio_dev **out, char **err)
{
	struct balloon *b = xcalloc(1, sizeof(*b));
	struct itimerspec period = { { BALLOON_STATS_PERIOD_S, 0 }, { BALLOON_STATS_PERIOD_S, 0 } };
	struct virtio_dev *dev;
	uint32_t le = htole32(target_pages);

	pthread_mutex_init(&b->lock, NULL);
	b->timer_fd = -1;
	dev = virtio_dev_new(vm, &balloon_ops, "balloon", "balloon0", VIRTIO_ID_BALLOON, 3, b,
			     slot);
	/* Made and armed here, before the filter: the I/O thread only reads it. */
	if (!slot->inline_io) {
		b->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (b->timer_fd < 0 || timerfd_settime(b->timer_fd, 0, &period, NULL) ||
		    iothread_watch(vm, b->timer_fd, EPOLLIN, stats_period, dev)) {
			*err = xasprintf("cannot set up the balloon's timer: %s", strerror(errno));
			return -1;
		}
	}
	dev->host_features = 1ULL << VIRTIO_BALLOON_F_STATS_VQ |
			     1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX;
	dev->config_len = sizeof(struct virtio_balloon_config);
	memcpy(dev->config + offsetof(struct virtio_balloon_config, num_pages), &le, 4);
	store(dev, BALLOON_TARGET_PAGES, target_pages);
	*out = dev;
	return virtio_mmio_init(vm, dev, slot->base, slot->gsi, err);
}
