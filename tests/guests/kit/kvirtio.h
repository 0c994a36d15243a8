/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A polled virtio-mmio driver for kit guests: find a device by its id in
 * the VMM's virtio slots, negotiate VERSION_1, set up split queues in the
 * kit's own memory, and run one request at a time, waiting for the used
 * ring (no interrupts: the kit never enables them).
 */
#ifndef KVIRTIO_H
#define KVIRTIO_H

#include "kit.h"

#define KV_QUEUE_SIZE 16

struct kv_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct kv_queue {
	unsigned index;
	struct kv_desc desc[KV_QUEUE_SIZE] __attribute__((aligned(16)));
	struct {
		uint16_t flags, idx, ring[KV_QUEUE_SIZE], used_event;
	} avail __attribute__((aligned(2)));
	struct {
		uint16_t flags, idx;
		struct {
			uint32_t id, len;
		} ring[KV_QUEUE_SIZE];
		uint16_t avail_event;
	} used __attribute__((aligned(4)));
	uint16_t last_used;
};

struct kv_dev {
	volatile uint32_t *regs;
	unsigned slot;
};

/* One buffer of a request: device-writable if write is true. */
struct kv_buf {
	void *addr;
	uint32_t len;
	bool write;
};

/* The nth device (0-based) with this virtio device id; false if none. */
bool kv_find(uint32_t device_id, unsigned nth, struct kv_dev *dev);
/* Reset, ACKNOWLEDGE, DRIVER, FEATURES_OK (VERSION_1 only): false if refused. */
bool kv_init(struct kv_dev *dev);
bool kv_queue_setup(struct kv_dev *dev, struct kv_queue *q, unsigned index);
void kv_driver_ok(struct kv_dev *dev);
uint32_t kv_status(struct kv_dev *dev);
uint32_t kv_config32(struct kv_dev *dev, unsigned offset);
uint8_t kv_config8(struct kv_dev *dev, unsigned offset);
/* Posts a chain of buffers (without waiting); its head. */
uint16_t kv_post(struct kv_dev *dev, struct kv_queue *q, const struct kv_buf *bufs, unsigned n);
/* Waits for one used entry; false after spins polls with none. */
bool kv_wait(struct kv_queue *q, unsigned long spins, uint32_t *len);

#endif
