// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (virtio 1.x 5.1) on a tap device: queue 0 receives, queue 1
 * transmits. The tap speaks the same 12-byte virtio header the guest does,
 * so frames (checksum and segmentation offloads included) pass through
 * without being copied or rewritten.
 *
 * rate= limits what the guest sends, as Xen's netback does: a credit of
 * rate bytes per interval, refilled every interval; a frame may overdraw
 * the credit, and the next interval pays it back.
 *
 * Given /dev/vhost-net (and no rate=, which only this path enforces), the
 * host kernel moves the frames instead (vhost_net.c) and this file only
 * starts and stops it; the guest sees the same device either way, with
 * mergeable receive buffers besides, which vhost implements.
 */
#include <errno.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "backends/kvm/vmm/virtio/devices.h"
#include "backends/kvm/vmm/virtio/vhost_net.h"
#include "backends/kvm/vmm/virtio/virtio.h"
#include "lib/util.h"

#define RXQ 0
#define TXQ 1
#define HDR_LEN sizeof(struct virtio_net_hdr_v1)
#define BURST 64 /* frames per wakeup, so one busy direction cannot starve the other */

struct net {
	struct virtio_dev *dev;
	int fd; /* the tap */
	char ifname[IFNAMSIZ];
	bool tap_watched; /* waiting for frames (false: for rx buffers) */
	struct virtq_chain rx_chain;
	bool rx_chain_held; /* popped, but no frame came yet */

	uint64_t credit_bytes;	  /* 0: no rate limit */
	uint64_t credit_interval; /* ns */
	int64_t credit;
	uint64_t next_refill; /* ns, CLOCK_MONOTONIC */
	int timer_fd;
	bool throttled;
	struct vhost_net *vhost; /* the kernel's path, or NULL: this file's */
	bool vhost_quiesced;	 /* a save took the rings back from vhost: it gets them again */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void watch_tap(struct net *n, bool on)
{
	if (n->tap_watched == on || n->dev->inline_io)
		return;
	n->tap_watched = on;
	iothread_modify(n->dev->vm, n->fd, on ? EPOLLIN : 0);
}

/* Puts one frame from the tap into one rx chain; false when either runs out. */
static bool receive_one(struct net *n, struct virtq *vq, bool *notify)
{
	struct virtq_chain *c = &n->rx_chain;
	uint16_t one = 1;
	ssize_t len;

	if (!n->rx_chain_held) {
		int got = virtq_pop(vq, c);

		if (got < 0) {
			virtio_broken(n->dev, "a malformed receive chain");
			return false;
		}
		if (!got) {
			if (virtq_enable_kicks(vq)) {
				watch_tap(n, false); /* until the guest gives buffers */
				return false;
			}
			return true;
		}
		n->rx_chain_held = true;
	}
	if (c->in_len < HDR_LEN || c->nout) {
		virtio_count(n->dev, NET_RX_DROPS, 1); /* unusable: returned empty */
		n->rx_chain_held = false;
		*notify |= virtq_push(vq, c, 0);
		return true;
	}
	len = readv(n->fd, c->iov, (int)c->nin);
	if (len < 0) {
		if (errno != EAGAIN && errno != EINTR)
			virtio_count(n->dev, NET_RX_DROPS, 1);
		return false; /* keep the chain for the next frame */
	}
	if ((size_t)len < HDR_LEN)
		len = HDR_LEN;
	/* Without VIRTIO_NET_F_MRG_RXBUF a frame always takes exactly one buffer. */
	iov_from_buf(c->iov, c->nin, offsetof(struct virtio_net_hdr_v1, num_buffers), &one,
		     sizeof(one));
	n->rx_chain_held = false;
	virtio_count(n->dev, NET_RX_PACKETS, 1);
	virtio_count(n->dev, NET_RX_BYTES, (uint64_t)len - HDR_LEN);
	*notify |= virtq_push(vq, c, (uint32_t)len);
	return true;
}

static void receive(struct net *n)
{
	struct virtq *vq = &n->dev->vq[RXQ];
	bool notify = false;
	unsigned i;

	if (!vq->ready)
		return;
	for (i = 0; i < BURST && receive_one(n, vq, &notify); i++)
		;
	if (notify)
		virtio_interrupt(n->dev, VIRTIO_INT_USED);
}

/* Spends credit; false (and the timer armed) when the guest must wait. */
static bool take_credit(struct net *n)
{
	uint64_t now;
	struct itimerspec its = { 0 };

	if (!n->credit_bytes || n->credit > 0)
		return true;
	now = now_ns();
	if (now >= n->next_refill) {
		n->credit += (int64_t)n->credit_bytes;
		if (n->credit > (int64_t)n->credit_bytes)
			n->credit = (int64_t)n->credit_bytes;
		n->next_refill = now + n->credit_interval;
		if (n->credit > 0)
			return true;
	}
	if (n->timer_fd >= 0) {
		its.it_value.tv_sec = (time_t)(n->next_refill / 1000000000ULL);
		its.it_value.tv_nsec = (long)(n->next_refill % 1000000000ULL);
		timerfd_settime(n->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
	}
	n->throttled = true;
	return false;
}

static void transmit(struct net *n)
{
	struct virtq *vq = &n->dev->vq[TXQ];
	struct virtq_chain c;
	bool notify = false;
	unsigned i;

	for (i = 0; i < BURST && vq->ready && take_credit(n); i++) {
		int got = virtq_pop(vq, &c);

		if (got < 0) {
			virtio_broken(n->dev, "a malformed transmit chain");
			break;
		}
		if (!got) {
			if (virtq_enable_kicks(vq))
				break;
			continue;
		}
		if (c.out_len < HDR_LEN || c.nin || writev(n->fd, c.iov, (int)c.nout) < 0) {
			virtio_count(n->dev, NET_TX_DROPS, 1);
		} else {
			virtio_count(n->dev, NET_TX_PACKETS, 1);
			virtio_count(n->dev, NET_TX_BYTES, c.out_len - HDR_LEN);
			n->credit -= (int64_t)(c.out_len - HDR_LEN);
		}
		notify |= virtq_push(vq, &c, 0);
	}
	if (notify)
		virtio_interrupt(n->dev, VIRTIO_INT_USED);
	/* A full burst: come back for the rest after the other events. */
	if (i == BURST && !n->throttled && !n->dev->inline_io)
		virtq_rekick(vq);
}

static void net_kick(struct virtio_dev *dev, struct virtq *vq)
{
	struct net *n = dev->priv;

	if (n->vhost)
		return; /* vhost's alone; the I/O thread does not even watch them */
	if (vq->index == RXQ) {
		watch_tap(n, true);
		receive(n);
	} else if (!n->throttled) {
		transmit(n);
	}
}

static void tap_event(void *opaque, uint32_t events)
{
	struct net *n = opaque;

	(void)events;
	pthread_mutex_lock(&n->dev->lock);
	if (virtio_running(n->dev))
		receive(n);
	else
		watch_tap(n, false); /* frames wait in the tap until the driver is up */
	pthread_mutex_unlock(&n->dev->lock);
}

static void timer_event(void *opaque, uint32_t events)
{
	struct net *n = opaque;
	uint64_t ticks;

	(void)events;
	if (read(n->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&n->dev->lock);
	n->throttled = false;
	if (virtio_running(n->dev))
		transmit(n);
	pthread_mutex_unlock(&n->dev->lock);
}

/* DRIVER_OK: the tap may now hand the guest what it negotiated. */
static void net_start(struct virtio_dev *dev)
{
	struct net *n = dev->priv;
	unsigned offload = 0;

	if (virtio_has_feature(dev, VIRTIO_NET_F_GUEST_CSUM)) {
		offload |= TUN_F_CSUM;
		if (virtio_has_feature(dev, VIRTIO_NET_F_GUEST_TSO4))
			offload |= TUN_F_TSO4;
		if (virtio_has_feature(dev, VIRTIO_NET_F_GUEST_TSO6))
			offload |= TUN_F_TSO6;
		if (virtio_has_feature(dev, VIRTIO_NET_F_GUEST_ECN))
			offload |= TUN_F_TSO_ECN;
	}
	if (!dev->inline_io && ioctl(n->fd, TUNSETOFFLOAD, offload))
		fprintf(stderr, "xlc-vmm: tap %s: cannot set offloads %#x\n", n->ifname, offload);
	if (n->vhost) {
		char *why = NULL;
		unsigned held_back = 0;

		if (vhost_net_start(n->vhost, n->fd, &why)) {
			if (ratelimit_pass(&dev->complaints, 5, 60, &held_back))
				fprintf(stderr, "xlc-vmm: vif %s: %s\n", n->ifname, why);
			free(why);
			virtio_broken(dev, "the host's vhost-net refused its rings");
		}
		return;
	}
	watch_tap(n, true);
}

static void net_reset(struct virtio_dev *dev)
{
	struct net *n = dev->priv;

	n->rx_chain_held = false;
	n->throttled = false;
	if (n->vhost)
		vhost_net_stop(n->vhost);
	else
		watch_tap(n, false);
}

/*
 * A save: vhost gives the rings back (its positions become the queues'), and
 * takes them again afterwards. The userspace path needs nothing: it works
 * only on the I/O thread, which is parked.
 */
static int net_quiesce(struct virtio_dev *dev, bool quiet)
{
	struct net *n = dev->priv;
	char *why = NULL;

	if (!n->vhost)
		return 0;
	if (quiet) {
		n->vhost_quiesced = virtio_running(dev);
		vhost_net_stop(n->vhost);
		return 0;
	}
	if (n->vhost_quiesced && vhost_net_start(n->vhost, n->fd, &why)) {
		fprintf(stderr, "xlc-vmm: vif %s: %s\n", n->ifname, why);
		free(why);
		virtio_broken(dev, "the host's vhost-net refused its rings after a save");
	}
	n->vhost_quiesced = false;
	return 0;
}

/* The tap is the caller's: it outlives this boot of the guest. */
static void net_destroy(struct virtio_dev *dev)
{
	struct net *n = dev->priv;

	if (!n)
		return;
	vhost_net_free(n->vhost);
	if (n->timer_fd >= 0)
		close(n->timer_fd);
	free(n);
}

static const struct virtio_dev_ops net_ops = {
	.kick = net_kick,
	.start = net_start,
	.reset = net_reset,
	.quiesce = net_quiesce,
	.destroy = net_destroy,
};

static void fill_config(struct virtio_dev *dev, const struct net_backing *b)
{
	struct virtio_net_config cfg = { .mtu = (uint16_t)b->mtu };

	memcpy(cfg.mac, b->mac, 6);
	memcpy(dev->config, &cfg, sizeof(cfg));
	dev->config_len = sizeof(cfg);
	dev->host_features |= 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_CSUM |
			      1ULL << VIRTIO_NET_F_GUEST_CSUM | 1ULL << VIRTIO_NET_F_GUEST_TSO4 |
			      1ULL << VIRTIO_NET_F_GUEST_TSO6 | 1ULL << VIRTIO_NET_F_GUEST_ECN |
			      1ULL << VIRTIO_NET_F_HOST_TSO4 | 1ULL << VIRTIO_NET_F_HOST_TSO6 |
			      1ULL << VIRTIO_NET_F_HOST_ECN | 1ULL << VIRTIO_RING_F_INDIRECT_DESC |
			      1ULL << VIRTIO_RING_F_EVENT_IDX;
	if (b->mtu)
		dev->host_features |= 1ULL << VIRTIO_NET_F_MTU;
}

static void setup_rate(struct net *n, const struct net_backing *b)
{
	if (!b->rate_interval_us)
		return;
	n->credit_bytes = b->rate_bytes;
	n->credit_interval = (uint64_t)b->rate_interval_us * 1000;
	n->credit = (int64_t)n->credit_bytes;
	n->next_refill = now_ns() + n->credit_interval;
}

/*
 * The kernel's path, if the host gave us /dev/vhost-net: the device then
 * offers the ring features vhost has (mergeable receive buffers among them)
 * and the I/O thread never touches the tap. If vhost cannot serve this VM,
 * the log says why and this file's path serves it.
 */
static void use_vhost(struct net *n, int vhost_fd)
{
	struct virtio_dev *dev = n->dev;
	uint64_t ring = 1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX;
	uint64_t has = 0;
	char *why = NULL;

	n->vhost = vhost_net_open(dev, vhost_fd, &has, &why);
	if (!n->vhost) {
		fprintf(stderr, "xlc-vmm: vif %s: %s; frames go through the VMM\n", n->ifname, why);
		free(why);
		return;
	}
	dev->host_features =
		(dev->host_features & ~ring) | (has & (ring | 1ULL << VIRTIO_NET_F_MRG_RXBUF));
	atomic_store(&dev->stats->flags, VIRTIO_STATS_VHOST);
}

int virtio_net_create(struct vm *vm, const struct net_backing *b, const struct virtio_slot *slot,
		      char **err)
{
	struct net *n = xcalloc(1, sizeof(*n));
	struct virtio_dev *dev;

	n->fd = b->fd;
	n->timer_fd = -1;
	snprintf(n->ifname, sizeof(n->ifname), "%s", b->ifname);
	dev = virtio_dev_new(vm, &net_ops, "vif", n->ifname, VIRTIO_ID_NET, 2, n, slot);
	n->dev = dev;
	setup_rate(n, b);
	fill_config(dev, b);
	if (virtio_mmio_init(vm, dev, slot->base, slot->gsi, err)) {
		if (b->vhost_fd >= 0)
			close(b->vhost_fd);
		return -1;
	}
	if (b->vhost_fd >= 0 && !slot->inline_io && !n->credit_bytes)
		use_vhost(n, b->vhost_fd);
	else if (b->vhost_fd >= 0)
		close(b->vhost_fd); /* rate= is this path's alone */
	if (slot->inline_io || n->vhost)
		return 0;
	n->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (n->timer_fd < 0 || iothread_watch(vm, n->timer_fd, EPOLLIN, timer_event, n) ||
	    iothread_watch(vm, n->fd, 0, tap_event, n)) {
		*err = xasprintf("vif %s: cannot watch the tap: %s", n->ifname, strerror(errno));
		return -1;
	}
	return 0;
}

/* Frames for the fuzzer: what the tap would deliver. */
void virtio_net_poll(struct virtio_dev *dev)
{
	tap_event(dev->priv, EPOLLIN);
}
