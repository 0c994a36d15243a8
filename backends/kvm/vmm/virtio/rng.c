// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng (virtio 1.x 5.4): the guest's entropy comes from the host's
 * getrandom(), so a fresh guest never stalls waiting for its pool.
 */
#include <errno.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>
#include <stdlib.h>
#include <sys/random.h>

#include "backends/kvm/vmm/virtio/devices.h"
#include "backends/kvm/vmm/virtio/virtio.h"
#include "lib/util.h"

#define RNG_MAX_REQUEST 4096 /* bytes per request: more is asked again */

/* Fills the writable buffers of one chain; returns the bytes written. */
static uint32_t fill(struct virtq_chain *c)
{
	uint8_t buf[RNG_MAX_REQUEST];
	size_t want = c->in_len < sizeof(buf) ? (size_t)c->in_len : sizeof(buf);
	ssize_t got;

	do
		got = getrandom(buf, want, 0);
	while (got < 0 && errno == EINTR);
	if (got <= 0)
		return 0;
	return (uint32_t)iov_from_buf(c->iov + c->nout, c->nin, 0, buf, (size_t)got);
}

/* Serves at most a burst, then lets the I/O thread see to the other devices. */
static void rng_kick(struct virtio_dev *dev, struct virtq *vq)
{
	struct virtq_chain c;
	bool notify = false;
	unsigned i;
	int got;

	for (i = 0; i < VIRTIO_KICK_BURST; i++) {
		uint32_t n;

		got = virtq_pop(vq, &c);
		if (got < 0) {
			virtio_broken(
				dev,
				"a malformed descriptor chain, or a request already in flight");
			break;
		}
		if (!got) {
			if (virtq_enable_kicks(vq))
				break;
			continue;
		}
		n = fill(&c);
		virtio_count(dev, RNG_REQUESTS, 1);
		virtio_count(dev, RNG_BYTES, n);
		notify |= virtq_push(vq, &c, n);
	}
	if (notify)
		virtio_interrupt(dev, VIRTIO_INT_USED);
	if (i == VIRTIO_KICK_BURST && !dev->inline_io)
		virtq_rekick(vq);
}

static const struct virtio_dev_ops rng_ops = {
	.kick = rng_kick,
};

int virtio_rng_create(struct vm *vm, const struct virtio_slot *slot, char **err)
{
	struct virtio_dev *dev =
		virtio_dev_new(vm, &rng_ops, "rng", "rng0", VIRTIO_ID_RNG, 1, NULL, slot);

	dev->host_features = 1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX;
	return virtio_mmio_init(vm, dev, slot->base, slot->gsi, err);
}
