// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net on the host kernel's vhost-net (vhost_net.h says how the work
 * is shared). The tap keeps the 12-byte virtio header the guest uses, so
 * vhost passes headers through untouched (VHOST_NET_F_VIRTIO_NET_HDR off)
 * and the tap's offloads are set as on the VMM's own path.
 */
#include "backends/kvm/vmm/virtio/vhost_net.h"

#include <endian.h>
#include <errno.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/util.h"

#define NET_QUEUES 2

/* The ring features vhost implements; the device's other bits are the tap's. */
#define VHOST_RING_FEATURES                                                                        \
	(1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_RING_F_INDIRECT_DESC |                        \
	 1ULL << VIRTIO_RING_F_EVENT_IDX | 1ULL << VIRTIO_NET_F_MRG_RXBUF)

/*
 * One queue's "used" signal from vhost. Where the device has an irqfd, vhost
 * signals it directly and the interrupt reaches the guest without a hop
 * through this process (InterruptStatus then reads "used" while vhost runs:
 * virtio.h's interrupt_sticky); without one, the I/O thread relays it.
 */
struct vhost_call {
	struct vhost_net *v;
	int fd;
};

struct vhost_net {
	struct virtio_dev *dev;
	int fd;
	uint64_t features; /* VHOST_GET_FEATURES */
	struct vhost_call call[NET_QUEUES];
	bool running;
};

static int vhost_ioctl(struct vhost_net *v, unsigned long req, void *arg, const char *what,
		       char **why)
{
	if (ioctl(v->fd, req, arg) == 0)
		return 0;
	if (why)
		*why = xasprintf("vhost-net: %s: %s", what, strerror(errno));
	return -1;
}

/* vhost used buffers: the driver reads InterruptStatus before the rings. */
static void used_event(void *opaque, uint32_t events)
{
	struct vhost_call *c = opaque;
	struct virtio_dev *dev = c->v->dev;
	uint64_t n;

	(void)events;
	if (read(c->fd, &n, sizeof(n)) < 0)
		return;
	pthread_mutex_lock(&dev->lock);
	if (virtio_running(dev))
		virtio_interrupt(dev, VIRTIO_INT_USED);
	pthread_mutex_unlock(&dev->lock);
}

/* Guest RAM, and nothing else, is what vhost may touch. */
static int set_memory(struct vhost_net *v, char **why)
{
	struct vm *vm = v->dev->vm;
	struct vhost_memory *mem;
	unsigned i;
	int r;

	mem = xcalloc(1, sizeof(*mem) + vm->nmem * sizeof(mem->regions[0]));
	mem->nregions = vm->nmem;
	for (i = 0; i < vm->nmem; i++)
		mem->regions[i] = (struct vhost_memory_region){
			.guest_phys_addr = vm->mem[i].gpa,
			.memory_size = vm->mem[i].size,
			.userspace_addr = (uint64_t)(uintptr_t)vm->mem[i].hva,
		};
	r = vhost_ioctl(v, VHOST_SET_MEM_TABLE, mem, "the memory table", why);
	free(mem);
	return r;
}

static int watch_calls(struct vhost_net *v, char **why)
{
	unsigned q;

	if (v->dev->irq_fd >= 0)
		return 0; /* straight to the irqfd */
	for (q = 0; q < NET_QUEUES; q++) {
		v->call[q].v = v;
		v->call[q].fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v->call[q].fd < 0 ||
		    iothread_watch(v->dev->vm, v->call[q].fd, EPOLLIN, used_event, &v->call[q])) {
			*why = xasprintf("vhost-net: cannot watch its signals: %s",
					 strerror(errno));
			return -1;
		}
	}
	return 0;
}

struct vhost_net *vhost_net_open(struct virtio_dev *dev, int fd, uint64_t *features, char **why)
{
	struct vhost_net *v = xcalloc(1, sizeof(*v));
	unsigned q;

	v->dev = dev;
	v->fd = fd;
	v->call[0].fd = v->call[1].fd = -1;
	if (dev->nqueues != NET_QUEUES ||
	    vhost_ioctl(v, VHOST_SET_OWNER, NULL, "cannot own the device", why) ||
	    vhost_ioctl(v, VHOST_GET_FEATURES, &v->features, "its features", why))
		goto fail;
	/* Before 1.0 vhost's header is 10 bytes; the tap's is 12. */
	if (!(v->features & (1ULL << VIRTIO_F_VERSION_1))) {
		*why = xstrdup("vhost-net: this kernel's has no virtio 1.0");
		goto fail;
	}
	if (set_memory(v, why) || watch_calls(v, why))
		goto fail;
	/* Every kick is vhost's from now on; the I/O thread leaves them alone. */
	for (q = 0; q < NET_QUEUES; q++)
		if (iothread_modify(dev->vm, dev->vq[q].kick_fd, 0)) {
			*why = xasprintf("vhost-net: cannot hand it the kicks: %s",
					 strerror(errno));
			for (q = 0; q < NET_QUEUES; q++)
				iothread_modify(dev->vm, dev->vq[q].kick_fd, EPOLLIN);
			goto fail;
		}
	*features = v->features & VHOST_RING_FEATURES;
	return v;
fail:
	vhost_net_free(v);
	return NULL;
}

static int start_queue(struct vhost_net *v, unsigned q, int tap_fd, char **why)
{
	struct virtq *vq = &v->dev->vq[q];
	struct vhost_vring_state num = { .index = q, .num = vq->size };
	struct vhost_vring_state base = { .index = q, .num = vq->last_avail };
	struct vhost_vring_addr addr = {
		.index = q,
		.desc_user_addr = (uint64_t)(uintptr_t)vq->desc,
		.avail_user_addr = (uint64_t)(uintptr_t)vq->avail,
		.used_user_addr = (uint64_t)(uintptr_t)vq->used,
	};
	struct vhost_vring_file kick = { .index = q, .fd = vq->kick_fd };
	struct vhost_vring_file call = {
		.index = q,
		.fd = v->dev->irq_fd >= 0 ? v->dev->irq_fd : v->call[q].fd,
	};
	struct vhost_vring_file backend = { .index = q, .fd = tap_fd };

	return vhost_ioctl(v, VHOST_SET_VRING_NUM, &num, "the ring size", why) ||
	       vhost_ioctl(v, VHOST_SET_VRING_BASE, &base, "the ring's start", why) ||
	       vhost_ioctl(v, VHOST_SET_VRING_ADDR, &addr, "the ring's addresses", why) ||
	       vhost_ioctl(v, VHOST_SET_VRING_KICK, &kick, "the kick", why) ||
	       vhost_ioctl(v, VHOST_SET_VRING_CALL, &call, "the signal", why) ||
	       vhost_ioctl(v, VHOST_NET_SET_BACKEND, &backend, "the tap", why);
}

int vhost_net_start(struct vhost_net *v, int tap_fd, char **why)
{
	struct virtio_dev *dev = v->dev;
	uint64_t features = dev->driver_features & v->features & VHOST_RING_FEATURES;
	unsigned q;

	/* DRIVER_OK again without a reset between: set everything up afresh. */
	vhost_net_stop(v);
	if (vhost_ioctl(v, VHOST_SET_FEATURES, &features, "the features", why))
		return -1;
	v->running = true; /* from here on, stop undoes what was done */
	if (dev->irq_fd >= 0)
		atomic_store(&dev->interrupt_sticky, VIRTIO_INT_USED);
	for (q = 0; q < NET_QUEUES; q++) {
		if (!dev->vq[q].ready)
			continue; /* a driver that never set it up gets no frames there */
		if (start_queue(v, q, tap_fd, why)) {
			vhost_net_stop(v);
			return -1;
		}
	}
	return 0;
}

void vhost_net_stop(struct vhost_net *v)
{
	unsigned q;

	if (!v->running)
		return;
	for (q = 0; q < NET_QUEUES; q++) {
		struct vhost_vring_file backend = { .index = q, .fd = -1 };
		struct vhost_vring_state base = { .index = q };

		struct virtq *vq = &v->dev->vq[q];

		/* Errors: the queue was never started; either way vhost holds nothing. */
		vhost_ioctl(v, VHOST_NET_SET_BACKEND, &backend, "", NULL);
		if (vhost_ioctl(v, VHOST_GET_VRING_BASE, &base, "", NULL) || !vq->ready)
			continue;
		/* Where vhost got to is the queue's position now (a save records it). */
		pthread_mutex_lock(&vq->lock);
		vq->last_avail = (uint16_t)base.num;
		vq->used_idx = le16toh(__atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE));
		pthread_mutex_unlock(&vq->lock);
	}
	atomic_store(&v->dev->interrupt_sticky, 0);
	v->running = false;
}

void vhost_net_free(struct vhost_net *v)
{
	unsigned q;

	if (!v)
		return;
	vhost_net_stop(v);
	for (q = 0; q < NET_QUEUES; q++)
		if (v->call[q].fd >= 0)
			close(v->call[q].fd);
	close(v->fd);
	free(v);
}
