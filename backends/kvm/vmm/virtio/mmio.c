// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, version 2 ("modern", virtio 1.x 4.2.2): one
 * 4 KiB register window per device, announced to the guest as an LNRO0005
 * device in the DSDT.
 *
 * Queue notifications never reach this code on a real VM: each queue's
 * QueueNotify write is bound to an eventfd (KVM_IOEVENTFD) that the I/O
 * thread waits on, and interrupts go out through an irqfd, so a vCPU only
 * exits to us for the rare register accesses of setup and reset.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backends/kvm/vmm/snapshot/stream.h"
#include "backends/kvm/vmm/virtio/virtio.h"
#include "lib/util.h"

#define VIRTIO_MMIO_MAGIC 0x74726976 /* "virt" */
#define VIRTIO_MMIO_VERSION_MODERN 2
#define VIRTIO_VENDOR_XLC 0x00434c58 /* "XLC" */

bool virtio_has_feature(const struct virtio_dev *dev, unsigned bit)
{
	return dev->driver_features & (1ULL << bit);
}

void virtio_interrupt(struct virtio_dev *dev, uint32_t why)
{
	uint64_t one = 1;

	atomic_fetch_or(&dev->interrupt_status, why);
	if (dev->irq_fd >= 0) {
		if (write(dev->irq_fd, &one, sizeof(one)) < 0)
			return;
	} else if (dev->vm->vm_fd >= 0) {
		vm_irq_line(dev->vm, dev->gsi, true);
		vm_irq_line(dev->vm, dev->gsi, false);
	}
}

/* The device's state for list --json, after every change of its status. */
static void publish_state(struct virtio_dev *dev)
{
	uint32_t s = dev->status;

	atomic_store(&dev->stats->state, !s ? VIRTIO_STATE_RESET
					 : s & VIRTIO_CONFIG_S_NEEDS_RESET
						 ? VIRTIO_STATE_NEEDS_RESET
					 : s & VIRTIO_CONFIG_S_DRIVER_OK ? VIRTIO_STATE_RUNNING
									 : VIRTIO_STATE_STARTING);
}

/* A guest that breaks and resets its device in a loop gets a few lines a minute. */
void virtio_broken(struct virtio_dev *dev, const char *why)
{
	unsigned held_back = 0;

	if (dev->status & VIRTIO_CONFIG_S_NEEDS_RESET)
		return;
	if (ratelimit_pass(&dev->complaints, 5, 60, &held_back))
		fprintf(stderr,
			"xlc-vmm: %s %s: the guest broke its device (%s); it needs a reset"
			"%s%.0u%s\n",
			dev->kind, dev->name, why, held_back ? " (" : "", held_back,
			held_back ? " more like this were not logged)" : "");
	dev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	publish_state(dev);
	virtio_interrupt(dev, VIRTIO_INT_CONFIG);
}

static void device_reset(struct virtio_dev *dev)
{
	unsigned i;

	if (dev->ops->reset)
		dev->ops->reset(dev);
	for (i = 0; i < dev->nqueues; i++)
		virtq_reset(&dev->vq[i]);
	dev->driver_features = 0;
	dev->host_features_sel = dev->driver_features_sel = dev->queue_sel = 0;
	dev->status = 0;
	atomic_store(&dev->interrupt_status, 0);
	atomic_store(&dev->interrupt_sticky, 0);
	publish_state(dev);
}

/* FEATURES_OK only if the driver took a subset of ours, VERSION_1 among them. */
static uint32_t accept_features(struct virtio_dev *dev, uint32_t status)
{
	uint64_t f = dev->driver_features;

	if ((f & ~dev->host_features) || !(f & (1ULL << VIRTIO_F_VERSION_1)))
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	return status;
}

static void write_status(struct virtio_dev *dev, uint32_t value)
{
	uint32_t was = dev->status;

	if (!value) {
		device_reset(dev);
		return;
	}
	if ((value & VIRTIO_CONFIG_S_FEATURES_OK) && !(was & VIRTIO_CONFIG_S_FEATURES_OK))
		value = accept_features(dev, value);
	if ((value & VIRTIO_CONFIG_S_DRIVER_OK) && !(value & VIRTIO_CONFIG_S_FEATURES_OK))
		value &= ~VIRTIO_CONFIG_S_DRIVER_OK; /* no rings before features */
	dev->status = value | (was & VIRTIO_CONFIG_S_NEEDS_RESET);
	publish_state(dev);
	if ((value & VIRTIO_CONFIG_S_DRIVER_OK) && !(was & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    dev->ops->start)
		dev->ops->start(dev);
}

static struct virtq *selected_queue(struct virtio_dev *dev)
{
	return dev->queue_sel < dev->nqueues ? &dev->vq[dev->queue_sel] : NULL;
}

static uint32_t read_register(struct virtio_dev *dev, uint64_t offset)
{
	struct virtq *vq = selected_queue(dev);

	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID:
		return dev->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_VENDOR_XLC;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return dev->host_features_sel < 2
			       ? (uint32_t)(dev->host_features >> (32 * dev->host_features_sel))
			       : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq ? VIRTQ_MAX_SIZE : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq && vq->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return atomic_load(&dev->interrupt_status) | atomic_load(&dev->interrupt_sticky);
	case VIRTIO_MMIO_STATUS:
		return dev->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
		return UINT32_MAX; /* no shared memory regions */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return dev->config_generation;
	default:
		return 0;
	}
}

static void set_low(uint64_t *v, uint32_t lo)
{
	*v = (*v & ~0xffffffffULL) | lo;
}

static void set_high(uint64_t *v, uint32_t hi)
{
	*v = (*v & 0xffffffffULL) | (uint64_t)hi << 32;
}

/*
 * Queue registers: only while the queue is not live (4.2.2.3), and under the
 * queue's lock, so that a worker finishing a request never sees the queue
 * half changed.
 */
static void write_queue_register(struct virtio_dev *dev, uint64_t offset, uint32_t value)
{
	struct virtq *vq = selected_queue(dev);
	bool broken = false;

	if (!vq)
		return;
	pthread_mutex_lock(&vq->lock);
	if (vq->ready && offset != VIRTIO_MMIO_QUEUE_READY)
		goto out;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->size = (uint16_t)(value > UINT16_MAX ? 0 : value);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!value)
			virtq_disable(vq);
		else if (!vq->ready && virtq_activate(vq))
			broken = true;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		set_low(&vq->desc_gpa, value);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_high(&vq->desc_gpa, value);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
		set_low(&vq->avail_gpa, value);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_high(&vq->avail_gpa, value);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
		set_low(&vq->used_gpa, value);
		break;
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_high(&vq->used_gpa, value);
		break;
	}
out:
	pthread_mutex_unlock(&vq->lock);
	if (broken)
		virtio_broken(dev, "a queue's size or ring addresses are invalid");
}

static void write_register(struct virtio_dev *dev, uint64_t offset, uint32_t value)
{
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		dev->host_features_sel = value;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (dev->driver_features_sel < 2 && !(dev->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
			if (dev->driver_features_sel)
				set_high(&dev->driver_features, value);
			else
				set_low(&dev->driver_features, value);
		}
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		dev->driver_features_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		dev->queue_sel = value;
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		atomic_fetch_and(&dev->interrupt_status, ~value);
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(dev, value);
		break;
	default:
		write_queue_register(dev, offset, value);
	}
}

/* A kick: from the I/O thread's eventfd, or inline when fuzzing. */
static void queue_notified(struct virtq *vq)
{
	struct virtio_dev *dev = vq->dev;

	pthread_mutex_lock(&dev->lock);
	if (virtio_running(dev) && vq->ready)
		dev->ops->kick(dev, vq);
	pthread_mutex_unlock(&dev->lock);
}

static void kick_event(void *opaque, uint32_t events)
{
	struct virtq *vq = opaque;
	uint64_t n;

	(void)events;
	if (read(vq->kick_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	queue_notified(vq);
}

static void notify(struct virtio_dev *dev, uint32_t index)
{
	uint64_t one = 1;

	if (index >= dev->nqueues)
		return;
	if (dev->inline_io) {
		queue_notified(&dev->vq[index]);
	} else if (write(dev->vq[index].kick_fd, &one, sizeof(one)) < 0) {
		/* The counter is saturated: a kick is pending anyway. */
	}
}

void virtio_mmio_access(struct vm *vm, void *opaque, uint64_t offset, uint8_t *data, unsigned len,
			bool is_write)
{
	struct virtio_dev *dev = opaque;
	uint32_t value = 0;

	(void)vm;
	if (offset >= VIRTIO_MMIO_CONFIG) {
		uint64_t at = offset - VIRTIO_MMIO_CONFIG;

		/* Read-only but for what a device takes (the balloon's "actual"). */
		if (is_write) {
			pthread_mutex_lock(&dev->lock);
			if (dev->ops->config_write && at < dev->config_len &&
			    len <= dev->config_len - at)
				dev->ops->config_write(dev, (unsigned)at, data, len);
			pthread_mutex_unlock(&dev->lock);
		} else {
			memset(data, 0, len);
			pthread_mutex_lock(&dev->lock);
			if (at < dev->config_len && len <= dev->config_len - at)
				memcpy(data, dev->config + at, len);
			pthread_mutex_unlock(&dev->lock);
		}
		return;
	}
	if (len != 4 || (offset & 3)) {
		if (!is_write)
			memset(data, 0, len);
		return; /* 4.2.2.2: registers are accessed 32 bits at a time */
	}
	if (is_write && offset == VIRTIO_MMIO_QUEUE_NOTIFY) {
		memcpy(&value, data, 4);
		notify(dev, value);
		return;
	}
	pthread_mutex_lock(&dev->lock);
	if (is_write) {
		memcpy(&value, data, 4);
		write_register(dev, offset, value);
	} else {
		value = read_register(dev, offset);
		memcpy(data, &value, 4);
	}
	pthread_mutex_unlock(&dev->lock);
}

/* QueueNotify writes of this queue's index go straight to its eventfd. */
static int bind_notify(struct vm *vm, struct virtio_dev *dev, struct virtq *vq, char **err)
{
	struct kvm_ioeventfd io = {
		.datamatch = vq->index,
		.addr = dev->base + VIRTIO_MMIO_QUEUE_NOTIFY,
		.len = 4,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	vq->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vq->kick_fd < 0) {
		*err = xasprintf("eventfd: %s", strerror(errno));
		return -1;
	}
	io.fd = vq->kick_fd;
	/* Without ioeventfd the MMIO exit path writes the eventfd itself. */
	if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0 && errno != EINVAL && errno != ENOSYS)
		fprintf(stderr, "xlc-vmm: KVM_IOEVENTFD: %s (kicks take the slow path)\n",
			strerror(errno));
	if (iothread_watch(vm, vq->kick_fd, EPOLLIN, kick_event, vq)) {
		*err = xstrdup("cannot watch a virtqueue");
		return -1;
	}
	return 0;
}

/*
 * A device's transport state for save and restore (FORMAT.md, "virtioN").
 * Chains the device popped and has not used yet are given back: the saved
 * next-avail index is rewound by their count, so the restored device pops
 * them again. That is right for the chains a device only holds (a receive
 * buffer waiting for a frame, the balloon's statistics buffer), which are
 * its last pops; requests in progress are the saver's to finish first.
 */
static void virtio_save(const void *opaque, struct snap_out *o)
{
	const struct virtio_dev *dev = opaque;
	unsigned i;

	snap_put_u32(o, dev->device_id);
	snap_put_u64(o, dev->host_features);
	snap_put_u64(o, dev->driver_features);
	snap_put_u32(o, dev->host_features_sel);
	snap_put_u32(o, dev->driver_features_sel);
	snap_put_u32(o, dev->queue_sel);
	snap_put_u32(o, dev->status);
	snap_put_u32(o, atomic_load(&dev->interrupt_status));
	snap_put_u32(o, dev->config_generation);
	snap_put_u16(o, (uint16_t)dev->config_len);
	snap_put_bytes(o, dev->config, dev->config_len);
	snap_put_u16(o, (uint16_t)dev->nqueues);
	for (i = 0; i < dev->nqueues; i++) {
		const struct virtq *vq = &dev->vq[i];

		snap_put_u16(o, vq->size);
		snap_put_u8(o, vq->ready);
		snap_put_u64(o, vq->desc_gpa);
		snap_put_u64(o, vq->avail_gpa);
		snap_put_u64(o, vq->used_gpa);
		snap_put_u16(o, (uint16_t)(vq->last_avail - vq->n_in_flight));
		snap_put_u16(o, vq->used_idx);
	}
}

/* A device's record, read whole before any of it is applied. */
struct saved_virtio {
	uint32_t device_id;
	uint64_t driver_features;
	uint32_t host_features_sel, driver_features_sel, queue_sel, status, isr, generation;
	uint16_t config_len, nqueues;
	uint8_t config[VIRTIO_CONFIG_MAX];
	struct saved_queue {
		uint16_t size, last_avail, used_idx;
		uint8_t ready;
		uint64_t desc, avail, used;
	} q[VIRTIO_MAX_QUEUES];
};

static void read_saved(struct snap_in *in, struct saved_virtio *v)
{
	unsigned i;

	v->device_id = snap_get_u32(in);
	snap_get_u64(in); /* what the source offered: the driver's subset is what counts */
	v->driver_features = snap_get_u64(in);
	v->host_features_sel = snap_get_u32(in);
	v->driver_features_sel = snap_get_u32(in);
	v->queue_sel = snap_get_u32(in);
	v->status = snap_get_u32(in);
	v->isr = snap_get_u32(in);
	v->generation = snap_get_u32(in);
	v->config_len = snap_get_u16(in);
	if (v->config_len > VIRTIO_CONFIG_MAX) {
		in->short_read = true;
		return;
	}
	snap_get_bytes(in, v->config, v->config_len);
	v->nqueues = snap_get_u16(in);
	for (i = 0; i < v->nqueues && i < VIRTIO_MAX_QUEUES; i++) {
		struct saved_queue *q = &v->q[i];

		q->size = snap_get_u16(in);
		q->ready = snap_get_u8(in);
		q->desc = snap_get_u64(in);
		q->avail = snap_get_u64(in);
		q->used = snap_get_u64(in);
		q->last_avail = snap_get_u16(in);
		q->used_idx = snap_get_u16(in);
	}
}

/*
 * Whether the record fits this device: the same kind, config size and
 * queues, and a driver state the register path could have reached (no rings
 * live before FEATURES_OK; negotiated features are VERSION_1 and a subset of
 * this device's). NULL, or why not.
 */
static char *misfit(const struct virtio_dev *dev, const struct saved_virtio *v)
{
	uint64_t f = v->driver_features;
	unsigned i;

	if (v->device_id != dev->device_id)
		return xasprintf("the saved guest has a virtio device of type %u where this one "
				 "has %s %s (type %u): the configs differ",
				 v->device_id, dev->kind, dev->name, dev->device_id);
	if ((v->status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    ((f & ~dev->host_features) || !(f & (1ULL << VIRTIO_F_VERSION_1))))
		return xasprintf("%s %s: the saved guest's driver uses features %#llx this host's "
				 "device does not offer (the source had vhost-net and this host "
				 "not, or a newer xlc?)",
				 dev->kind, dev->name,
				 (unsigned long long)(f & ~dev->host_features));
	if (v->config_len != dev->config_len || v->nqueues != dev->nqueues ||
	    ((v->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	     !(v->status & VIRTIO_CONFIG_S_FEATURES_OK)) ||
	    (v->isr & ~(uint32_t)(VIRTIO_INT_USED | VIRTIO_INT_CONFIG)))
		return xasprintf("the stream's %s %s state is out of range", dev->kind, dev->name);
	for (i = 0; i < v->nqueues; i++)
		if (v->q[i].ready > 1)
			return xasprintf("the stream's %s %s state is out of range", dev->kind,
					 dev->name);
	return NULL;
}

/* One queue; a ready one's rings are checked as at QueueReady. Under its lock. */
static bool apply_queue(struct virtq *vq, const struct saved_queue *q)
{
	vq->size = q->size;
	vq->desc_gpa = q->desc;
	vq->avail_gpa = q->avail;
	vq->used_gpa = q->used;
	if (q->ready && virtq_activate(vq))
		return false;
	vq->last_avail = q->last_avail;
	vq->used_idx = q->used_idx;
	return true;
}

/*
 * The device's config is this host's (its MAC, its disk's size, the
 * balloon's target); what the driver had written to it is written again
 * through the driver's own path, which takes only what a driver may write.
 */
static void replay_config(struct virtio_dev *dev, const struct saved_virtio *v)
{
	unsigned at, n;

	if (!dev->ops->config_write)
		return;
	for (at = 0; at < v->config_len; at += n) {
		n = v->config_len - at >= 4 ? 4 : 1;
		if (memcmp(dev->config + at, v->config + at, n))
			dev->ops->config_write(dev, at, v->config + at, n);
	}
}

/* Everything but the config, under the device's and its queues' locks. */
static bool apply_saved(struct virtio_dev *dev, const struct saved_virtio *v)
{
	bool ok = true;
	unsigned i;

	for (i = 0; i < dev->nqueues; i++)
		pthread_mutex_lock(&dev->vq[i].lock);
	dev->driver_features = v->driver_features;
	dev->host_features_sel = v->host_features_sel;
	dev->driver_features_sel = v->driver_features_sel;
	dev->queue_sel = v->queue_sel;
	dev->status = v->status;
	dev->config_generation = v->generation;
	for (i = 0; i < dev->nqueues && ok; i++)
		ok = apply_queue(&dev->vq[i], &v->q[i]);
	atomic_store(&dev->interrupt_status, v->isr);
	for (i = dev->nqueues; i-- > 0;)
		pthread_mutex_unlock(&dev->vq[i].lock);
	return ok;
}

static int virtio_load(void *opaque, struct snap_in *in, char **err)
{
	struct virtio_dev *dev = opaque;
	struct saved_virtio *v = xcalloc(1, sizeof(*v));
	char *why;

	read_saved(in, v);
	if (snap_in_finish(in, true, dev->kind, err)) {
		free(v);
		return -1;
	}
	why = misfit(dev, v);
	pthread_mutex_lock(&dev->lock);
	if (!why && !apply_saved(dev, v))
		why = xasprintf("the stream's %s %s has a queue whose size or rings are invalid",
				dev->kind, dev->name);
	if (why) {
		device_reset(dev); /* the state a driver finds after it broke the device */
		pthread_mutex_unlock(&dev->lock);
		free(v);
		*err = why;
		return -1;
	}
	replay_config(dev, v);
	publish_state(dev);
	pthread_mutex_unlock(&dev->lock);
	free(v);
	return 0;
}

/*
 * Once the whole machine is loaded: a device whose driver is running starts
 * (vhost takes its rings), and every ready ring is looked at once, for the
 * kicks the source had taken and not served.
 */
static void virtio_resume(void *opaque)
{
	struct virtio_dev *dev = opaque;
	unsigned i;

	pthread_mutex_lock(&dev->lock);
	if (virtio_running(dev) && dev->ops->start)
		dev->ops->start(dev);
	pthread_mutex_unlock(&dev->lock);
	for (i = 0; i < dev->nqueues; i++)
		if (dev->vq[i].ready)
			virtq_rekick(&dev->vq[i]);
}

static const struct device_state_ops virtio_state = { virtio_save, virtio_load, virtio_resume };

static void bind_irq(struct vm *vm, struct virtio_dev *dev)
{
	struct kvm_irqfd irqfd = { .gsi = dev->gsi };

	dev->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (dev->irq_fd < 0)
		return;
	irqfd.fd = (uint32_t)dev->irq_fd;
	if (ioctl(vm->vm_fd, KVM_IRQFD, &irqfd) < 0) {
		close(dev->irq_fd);
		dev->irq_fd = -1; /* KVM_IRQ_LINE it is */
	}
}

int virtio_mmio_init(struct vm *vm, struct virtio_dev *dev, uint64_t base, unsigned gsi, char **err)
{
	char name[16];
	unsigned i;

	dev->vm = vm;
	dev->base = base;
	dev->gsi = gsi;
	dev->irq_fd = -1;
	dev->host_features |= 1ULL << VIRTIO_F_VERSION_1;
	pthread_mutex_init(&dev->lock, NULL);
	for (i = 0; i < dev->nqueues; i++)
		virtq_init(&dev->vq[i], dev, i);
	if (bus_register_shared(&vm->mmio, base, VIRTIO_MMIO_SIZE, virtio_mmio_access, dev,
				dev->kind)) {
		*err = xasprintf("%s %s: MMIO address %#llx is taken", dev->kind, dev->name,
				 (unsigned long long)base);
		return -1;
	}
	/* Named by slot, which the config fixes; a NIC's name has the domid in it. */
	snprintf(name, sizeof(name), "virtio%u", vm->nvirtio - 1);
	if (vm_register_state(vm, name, &virtio_state, dev)) {
		*err = xasprintf("%s %s: cannot register its state", dev->kind, dev->name);
		return -1;
	}
	if (dev->inline_io)
		return 0;
	bind_irq(vm, dev);
	for (i = 0; i < dev->nqueues; i++)
		if (bind_notify(vm, dev, &dev->vq[i], err))
			return -1;
	return 0;
}

void virtio_dev_free(struct virtio_dev *dev)
{
	unsigned i;

	if (!dev)
		return;
	if (dev->ops && dev->ops->destroy)
		dev->ops->destroy(dev);
	for (i = 0; i < dev->nqueues; i++)
		if (dev->vq[i].kick_fd >= 0)
			close(dev->vq[i].kick_fd);
	if (dev->irq_fd >= 0)
		close(dev->irq_fd);
	if (dev->stats_owned)
		free(dev->stats);
	free(dev->name);
	free(dev);
}
