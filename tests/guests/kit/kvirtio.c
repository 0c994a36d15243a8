// SPDX-License-Identifier: GPL-2.0
#include "kvirtio.h"

#define SLOT_BASE 0xd0000000UL
#define SLOT_SIZE 0x1000
#define SLOTS 15

enum {
	MAGIC = 0x000 / 4,
	VERSION = 0x004 / 4,
	DEVICE_ID = 0x008 / 4,
	DEVICE_FEATURES = 0x010 / 4,
	DEVICE_FEATURES_SEL = 0x014 / 4,
	DRIVER_FEATURES = 0x020 / 4,
	DRIVER_FEATURES_SEL = 0x024 / 4,
	QUEUE_SEL = 0x030 / 4,
	QUEUE_NUM_MAX = 0x034 / 4,
	QUEUE_NUM = 0x038 / 4,
	QUEUE_READY = 0x044 / 4,
	QUEUE_NOTIFY = 0x050 / 4,
	STATUS = 0x070 / 4,
	QUEUE_DESC_LOW = 0x080 / 4,
	QUEUE_DESC_HIGH = 0x084 / 4,
	QUEUE_AVAIL_LOW = 0x090 / 4,
	QUEUE_AVAIL_HIGH = 0x094 / 4,
	QUEUE_USED_LOW = 0x0a0 / 4,
	QUEUE_USED_HIGH = 0x0a4 / 4,
};

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define F_VERSION_1_HIGH (1u << 0) /* bit 32 */
#define DESC_F_NEXT 1
#define DESC_F_WRITE 2

bool kv_find(uint32_t device_id, unsigned nth, struct kv_dev *dev)
{
	unsigned slot;

	for (slot = 0; slot < SLOTS; slot++) {
		volatile uint32_t *regs = (volatile uint32_t *)(SLOT_BASE + slot * SLOT_SIZE);

		if (regs[MAGIC] != 0x74726976 || regs[VERSION] != 2 || regs[DEVICE_ID] != device_id)
			continue;
		if (nth--)
			continue;
		dev->regs = regs;
		dev->slot = slot;
		return true;
	}
	return false;
}

bool kv_init(struct kv_dev *dev)
{
	volatile uint32_t *r = dev->regs;

	r[STATUS] = 0;
	r[STATUS] = S_ACK;
	r[STATUS] = S_ACK | S_DRIVER;
	r[DEVICE_FEATURES_SEL] = 1;
	if (!(r[DEVICE_FEATURES] & F_VERSION_1_HIGH))
		return false;
	r[DRIVER_FEATURES_SEL] = 0;
	r[DRIVER_FEATURES] = 0;
	r[DRIVER_FEATURES_SEL] = 1;
	r[DRIVER_FEATURES] = F_VERSION_1_HIGH;
	r[STATUS] = S_ACK | S_DRIVER | S_FEATURES_OK;
	return r[STATUS] & S_FEATURES_OK;
}

bool kv_queue_setup(struct kv_dev *dev, struct kv_queue *q, unsigned index)
{
	volatile uint32_t *r = dev->regs;

	memset(q, 0, sizeof(*q));
	q->index = index;
	r[QUEUE_SEL] = index;
	if (r[QUEUE_NUM_MAX] < KV_QUEUE_SIZE)
		return false;
	r[QUEUE_NUM] = KV_QUEUE_SIZE;
	r[QUEUE_DESC_LOW] = (uint32_t)(uintptr_t)q->desc;
	r[QUEUE_DESC_HIGH] = 0;
	r[QUEUE_AVAIL_LOW] = (uint32_t)(uintptr_t)&q->avail;
	r[QUEUE_AVAIL_HIGH] = 0;
	r[QUEUE_USED_LOW] = (uint32_t)(uintptr_t)&q->used;
	r[QUEUE_USED_HIGH] = 0;
	r[QUEUE_READY] = 1;
	return r[QUEUE_READY] == 1;
}

void kv_driver_ok(struct kv_dev *dev)
{
	dev->regs[STATUS] = S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK;
}

uint32_t kv_status(struct kv_dev *dev)
{
	return dev->regs[STATUS];
}

uint32_t kv_config32(struct kv_dev *dev, unsigned offset)
{
	return dev->regs[(0x100 + offset) / 4];
}

uint8_t kv_config8(struct kv_dev *dev, unsigned offset)
{
	return ((volatile uint8_t *)dev->regs)[0x100 + offset];
}

uint16_t kv_post(struct kv_dev *dev, struct kv_queue *q, const struct kv_buf *bufs, unsigned n)
{
	/* One request at a time per queue: the chain always starts at a free slot. */
	uint16_t head = (uint16_t)((q->avail.idx * 4) % KV_QUEUE_SIZE);
	unsigned i;

	for (i = 0; i < n; i++) {
		struct kv_desc *d = &q->desc[(head + i) % KV_QUEUE_SIZE];

		d->addr = (uint64_t)(uintptr_t)bufs[i].addr;
		d->len = bufs[i].len;
		d->flags = (uint16_t)((bufs[i].write ? DESC_F_WRITE : 0) |
				      (i + 1 < n ? DESC_F_NEXT : 0));
		d->next = (uint16_t)((head + i + 1) % KV_QUEUE_SIZE);
	}
	q->avail.ring[q->avail.idx % KV_QUEUE_SIZE] = head;
	__atomic_store_n(&q->avail.idx, (uint16_t)(q->avail.idx + 1), __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	dev->regs[QUEUE_NOTIFY] = q->index;
	return head;
}

bool kv_wait(struct kv_queue *q, unsigned long spins, uint32_t *len)
{
	while (__atomic_load_n(&q->used.idx, __ATOMIC_ACQUIRE) == q->last_used) {
		if (!spins--)
			return false;
		__asm__ volatile("pause");
	}
	if (len)
		*len = q->used.ring[q->last_used % KV_QUEUE_SIZE].len;
	q->last_used++;
	return true;
}
