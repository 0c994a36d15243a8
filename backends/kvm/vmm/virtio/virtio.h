/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio 1.x over MMIO: the transport (virtio_mmio.c), split virtqueues
 * (virtqueue.c) and the devices built on them (virtio_blk.c, virtio_net.c,
 * virtio_rng.c). Devices do their work on the I/O thread (iothread.c) and,
 * for disks, on worker threads, never on a vCPU thread.
 *
 * Everything that comes from the guest (ring addresses, indexes, descriptor
 * chains, lengths) is checked here before use; a malformed ring marks the
 * device DEVICE_NEEDS_RESET and stops it. The guest can break its own device,
 * never the VMM.
 */
#ifndef XLC_KVM_VIRTIO_H
#define XLC_KVM_VIRTIO_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "backends/kvm/ctl.h"
#include "backends/kvm/vmm/machine/vm.h"
#include "lib/util.h"

#define VIRTQ_MAX_SIZE 256    /* QueueNumMax of every queue */
#define VIRTQ_MAX_SEGS 256    /* buffers in one chain, indirect ones included */
#define VIRTIO_MAX_QUEUES 3   /* the balloon: inflate, deflate, statistics */
#define VIRTIO_INT_USED 1     /* InterruptStatus: used buffers */
#define VIRTIO_INT_CONFIG 2   /* InterruptStatus: the config (or status) changed */
#define VIRTIO_CONFIG_MAX 256 /* device-specific config space bytes */
#define VIRTIO_KICK_BURST 64  /* chains one kick serves before the others get a turn */

struct virtio_dev;

/* One split virtqueue. The ring pointers are set (and checked) at QueueReady. */
struct virtq {
	struct virtio_dev *dev;
	unsigned index;
	uint16_t size;
	bool ready;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail; /* the next avail entry the device takes */
	uint16_t used_idx;   /* the device's copy of used->idx */
	/*
	 * Every field above changes only under lock, so a worker pushing a
	 * finished request never sees a queue half reconfigured by the guest.
	 */
	pthread_mutex_t lock;
	uint32_t generation; /* bumped by every reset: older chains are dropped at push */
	uint64_t in_flight[VIRTQ_MAX_SIZE / 64]; /* heads popped and not yet pushed */
	unsigned n_in_flight;
	int kick_fd; /* eventfd the guest's QueueNotify lands in */
};

/* One request: its head and buffers, readable ones (out) before writable (in). */
struct virtq_chain {
	uint16_t head;
	uint32_t generation; /* of its queue when popped */
	unsigned nout, nin;
	uint64_t out_len, in_len;
	struct iovec iov[VIRTQ_MAX_SEGS];
};

/* A condition variable whose timed waits count on CLOCK_MONOTONIC (wall-clock steps do not matter).
 */
static inline void cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

/* A device's in-flight work (a disk request on a hung NFS mount) may delay a save this long. */
#define VIRTIO_QUIESCE_MS 30000

struct virtio_dev_ops {
	/* A queue was notified (or has buffers again): runs on the I/O thread. */
	void (*kick)(struct virtio_dev *dev, struct virtq *vq);
	/* DRIVER_OK was set: the rings are live (optional). */
	void (*start)(struct virtio_dev *dev);
	/* The driver reset the device: finish or drop what is in flight. */
	void (*reset)(struct virtio_dev *dev);
	/* Frees the device's own state when the VM ends. */
	void (*destroy)(struct virtio_dev *dev);
	/* The driver wrote the device's config space (optional; else it is read-only). */
	void (*config_write)(struct virtio_dev *dev, unsigned offset, const uint8_t *data,
			     unsigned len);
	/* Starts the device's own threads (optional): after the VMM confined itself. */
	int (*start_threads)(struct virtio_dev *dev, char **err);
	/*
	 * A save (optional): quiet, the device finishes what it is doing and
	 * lets go of the guest's memory (vhost), with the vCPUs paused and the
	 * I/O thread parked, within VIRTIO_QUIESCE_MS or -1 (the save fails);
	 * not quiet, it carries on.
	 */
	int (*quiesce)(struct virtio_dev *dev, bool quiet);
};

/* What `list --json` and top show of a device: written here, read by the VMM's supervisor. */
enum virtio_state {
	VIRTIO_STATE_RESET,
	VIRTIO_STATE_STARTING,
	VIRTIO_STATE_RUNNING,
	VIRTIO_STATE_NEEDS_RESET
};
#define VIRTIO_STATS_VHOST 1 /* flags: the host kernel moves this NIC's frames */
struct virtio_stats {
	_Atomic uint32_t state;			     /* enum virtio_state */
	_Atomic uint32_t flags;			     /* VIRTIO_STATS_* */
	_Atomic uint64_t counters[CTL_MAX_COUNTERS]; /* enum blk_counter, net_counter... */
};

struct virtio_dev {
	struct vm *vm;
	const struct virtio_dev_ops *ops;
	const char *kind;   /* "vbd", "vif", "rng": for stats and messages */
	char *name;	    /* "xvda", "vif3.0" */
	uint32_t device_id; /* VIRTIO_ID_* */
	uint64_t base;	    /* MMIO address */
	unsigned gsi;
	uint64_t host_features;
	uint64_t driver_features;
	uint32_t host_features_sel, driver_features_sel, queue_sel;
	uint32_t status;
	_Atomic uint32_t interrupt_status;
	/*
	 * InterruptStatus bits that read as set whatever the driver acked: a
	 * device whose queues signal the irqfd from the host kernel (vhost)
	 * cannot set its own bit first, so "used buffers" stays reported while
	 * vhost holds the rings, and the driver looks at them on every interrupt.
	 */
	_Atomic uint32_t interrupt_sticky;
	uint32_t config_generation;
	uint8_t config[VIRTIO_CONFIG_MAX];
	unsigned config_len;
	unsigned nqueues;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	int irq_fd;	      /* irqfd bound to gsi, or -1: KVM_IRQ_LINE */
	bool inline_io;	      /* process kicks on the caller's thread (fuzzing) */
	pthread_mutex_t lock; /* register state vs. processing */
	struct virtio_stats *stats;
	bool stats_owned;
	struct ratelimit complaints; /* the guest breaking its device, in the log */
	void *priv;
};

static inline void virtio_count(struct virtio_dev *dev, unsigned counter, uint64_t n)
{
	atomic_fetch_add_explicit(&dev->stats->counters[counter], n, memory_order_relaxed);
}

/* The driver has started the device and it is not broken: process its queues. */
static inline bool virtio_running(const struct virtio_dev *dev)
{
	return (dev->status & 4 /* DRIVER_OK */) && !(dev->status & 0x40 /* NEEDS_RESET */);
}

/*
 * Transport. virtio_mmio_init() fills in the common part of dev (the caller
 * sets device_id, ops, features, config, nqueues first), registers its
 * registers on the MMIO bus at base, binds the interrupt and queue
 * notifications to eventfds, and hands the kick fds to the I/O thread.
 */
int virtio_mmio_init(struct vm *vm, struct virtio_dev *dev, uint64_t base, unsigned gsi,
		     char **err);
/* Raises the device's interrupt for used buffers (1) or a config change (2). */
void virtio_interrupt(struct virtio_dev *dev, uint32_t why);
/* Marks the device broken (DEVICE_NEEDS_RESET) and tells the driver. */
void virtio_broken(struct virtio_dev *dev, const char *why);
bool virtio_has_feature(const struct virtio_dev *dev, unsigned bit);
/* The MMIO register handler, for the fuzzer. */
void virtio_mmio_access(struct vm *vm, void *opaque, uint64_t offset, uint8_t *data, unsigned len,
			bool is_write);
/* Frees what virtio_mmio_init() set up and the device itself. */
void virtio_dev_free(struct virtio_dev *dev);

/* Virtqueues. */
void virtq_init(struct virtq *vq, struct virtio_dev *dev, unsigned index);
/* Resolves and checks the rings when the driver sets QueueReady; under vq->lock. */
int virtq_activate(struct virtq *vq);
/* QueueReady = 0, under vq->lock: the rings stop and what is in flight is forgotten. */
void virtq_disable(struct virtq *vq);
/* A device reset: the queue as it was at start. */
void virtq_reset(struct virtq *vq);
/*
 * Takes the next chain: 1 got one, 0 the ring is empty, -1 the ring is
 * broken (a bad index or chain, or a head that is already in flight).
 */
int virtq_pop(struct virtq *vq, struct virtq_chain *chain);
/*
 * Returns a chain, written bytes in len; true if the driver wants an
 * interrupt. A chain popped before the queue's last reset is dropped.
 */
bool virtq_push(struct virtq *vq, const struct virtq_chain *chain, uint32_t len);
/* Kicks the queue again from the device's side: the rest of a burst comes later. */
void virtq_rekick(struct virtq *vq);
/* Before sleeping: tells the driver to kick again; false if more came meanwhile. */
bool virtq_enable_kicks(struct virtq *vq);

/* Copying across a chain's buffers (the guest splits headers as it likes). */
size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t skip, void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t skip, const void *buf, size_t len);
/* The sub-array of iov covering [skip, skip + len): at most max entries. */
unsigned iov_slice(const struct iovec *iov, unsigned n, size_t skip, size_t len, struct iovec *out,
		   unsigned max);

/* The I/O thread: watches fds and calls back on it. */
typedef void (*io_callback)(void *opaque, uint32_t events);
int iothread_start(struct vm *vm, char **err);
int iothread_watch(struct vm *vm, int fd, uint32_t events, io_callback fn, void *opaque);
/* Changes the events watched on fd (0: none for now). */
int iothread_modify(struct vm *vm, int fd, uint32_t events);
/*
 * park: returns once the thread waits between two callbacks, so that no
 * device does any work until it is released (park false). For a save: what
 * the devices hold then stays as it is while their state is read.
 */
int iothread_park(struct vm *vm, bool park); /* -1: not parked within VIRTIO_QUIESCE_MS */
void iothread_stop(struct vm *vm);

#endif
