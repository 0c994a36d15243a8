// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest: it attacks the VMM forever, in the way kit.attack= says,
 * and never ends by itself. The tests run it beside a well-behaved guest and
 * check that the VMM stays bounded (memory, logs) and that nothing else
 * waits for it.
 *
 *   repost   virtio-blk: posts the same flush request, a whole ring's worth at
 *            a time, again and again, never waiting for it (a VMM that queues
 *            every re-post grows without bound: flushes are slow; one that
 *            checks breaks the ring, and the guest resets and goes on)
 *   resetloop  virtio-blk: reset, QueueNum = 3, QueueReady = 1, for ever
 *   console  the serial port as fast as `rep outsb` goes
 *   race     virtio-blk: posts reads, then takes the queue away under them
 *            (QueueReady = 0, QueueNum = 0, reset) and starts again; the
 *            used ring sits at the very end of RAM
 *   rngflood virtio-rng: every buffer back to the device the moment it returns
 *   blkflood virtio-blk: a full ring of reads, refilled as they complete
 */
#include "kvirtio.h"

#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_RNG 4
#define COM1 0x3f8

enum {
	QUEUE_SEL = 0x030 / 4,
	QUEUE_NUM = 0x038 / 4,
	QUEUE_READY = 0x044 / 4,
	QUEUE_NOTIFY = 0x050 / 4,
	STATUS = 0x070 / 4,
	QUEUE_DESC_LOW = 0x080 / 4,
	QUEUE_AVAIL_LOW = 0x090 / 4,
	QUEUE_USED_LOW = 0x0a0 / 4,
};

struct req_hdr {
	uint32_t type, ioprio;
	uint64_t sector;
};

static struct kv_queue queue;
static struct req_hdr hdrs[KV_QUEUE_SIZE];
static uint8_t status[KV_QUEUE_SIZE];
static uint8_t data[KV_QUEUE_SIZE][4096] __attribute__((aligned(4096)));

static bool start(struct kv_dev *dev)
{
	if (!kv_init(dev) || !kv_queue_setup(dev, &queue, 0))
		return false;
	kv_driver_ok(dev);
	return true;
}

/* A read of 8 sectors into slot i's buffer, as a 3-descriptor chain at i * 3. */
static uint16_t read_chain(unsigned i)
{
	uint16_t head = (uint16_t)((i * 3) % KV_QUEUE_SIZE);
	struct kv_desc *d = queue.desc;

	hdrs[i] = (struct req_hdr){ 0, 0, (uint64_t)i * 8 };
	d[head] = (struct kv_desc){ (uintptr_t)&hdrs[i], sizeof(hdrs[i]), 1,
				    (uint16_t)((head + 1) % KV_QUEUE_SIZE) };
	d[(head + 1) % KV_QUEUE_SIZE] = (struct kv_desc){ (uintptr_t)data[i], 4096, 3,
							  (uint16_t)((head + 2) % KV_QUEUE_SIZE) };
	d[(head + 2) % KV_QUEUE_SIZE] = (struct kv_desc){ (uintptr_t)&status[i], 1, 2, 0 };
	return head;
}

static void publish(struct kv_dev *dev, uint16_t head)
{
	queue.avail.ring[queue.avail.idx % KV_QUEUE_SIZE] = head;
	__atomic_store_n(&queue.avail.idx, (uint16_t)(queue.avail.idx + 1), __ATOMIC_RELEASE);
	dev->regs[QUEUE_NOTIFY] = 0;
}

static int repost(struct kv_dev *dev)
{
	struct kv_desc *d = queue.desc;
	unsigned i;

	for (;;) {
		if (!start(dev))
			return 1;
		hdrs[0] = (struct req_hdr){ 4 /* FLUSH */, 0, 0 };
		d[0] = (struct kv_desc){ (uintptr_t)&hdrs[0], sizeof(hdrs[0]), 1, 1 };
		d[1] = (struct kv_desc){ (uintptr_t)&status[0], 1, 2, 0 };
		while (!(kv_status(dev) & 0x40)) {
			/* The same head in every entry, a ring's worth per kick. */
			for (i = 0; i < KV_QUEUE_SIZE; i++)
				queue.avail.ring[(queue.avail.idx + i) % KV_QUEUE_SIZE] = 0;
			__atomic_store_n(&queue.avail.idx,
					 (uint16_t)(queue.avail.idx + KV_QUEUE_SIZE),
					 __ATOMIC_RELEASE);
			dev->regs[QUEUE_NOTIFY] = 0;
		}
	}
}

static int resetloop(struct kv_dev *dev)
{
	for (;;) {
		if (!kv_init(dev))
			return 1;
		dev->regs[QUEUE_SEL] = 0;
		dev->regs[QUEUE_NUM] = 3;
		dev->regs[QUEUE_READY] = 1;
	}
}

static int __attribute__((noreturn)) console(void)
{
	static const char text[] =
		"KIT-FLOOD the quick brown fox jumps over the lazy dog 0123456789\n";

	for (;;) {
		const char *p = text;
		unsigned long n = sizeof(text) - 1;

		__asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(COM1) : "memory");
	}
}

/* The highest guest-physical address of RAM below 4 GiB. */
static uint64_t ram_end(void)
{
	const struct e820_entry *e;
	unsigned n = kit_e820(&e), i;
	uint64_t end = 0;

	for (i = 0; i < n; i++)
		if (e[i].type == 1 && e[i].addr + e[i].size > end &&
		    e[i].addr + e[i].size <= 1ULL << 32)
			end = e[i].addr + e[i].size;
	return end;
}

static int race(struct kv_dev *dev)
{
	/* The used ring of a 16-entry queue takes 6 + 8 * 16 bytes: put it last. */
	uintptr_t used = (uintptr_t)(ram_end() - 136) & ~3UL;
	unsigned round, i;

	for (round = 0;; round++) {
		if (!kv_init(dev))
			return 1;
		memset(&queue, 0, sizeof(queue));
		dev->regs[QUEUE_SEL] = 0;
		dev->regs[QUEUE_NUM] = KV_QUEUE_SIZE;
		dev->regs[QUEUE_DESC_LOW] = (uint32_t)(uintptr_t)queue.desc;
		dev->regs[QUEUE_AVAIL_LOW] = (uint32_t)(uintptr_t)&queue.avail;
		dev->regs[QUEUE_USED_LOW] = (uint32_t)used;
		dev->regs[QUEUE_READY] = 1;
		kv_driver_ok(dev);
		for (i = 0; i < 5; i++)
			publish(dev, read_chain(i));
		/* Take the queue away while the workers still serve it. */
		dev->regs[QUEUE_READY] = 0;
		dev->regs[QUEUE_NUM] = 0;
		dev->regs[STATUS] = 0;
		if (!(round % 4096))
			kit_printf("KIT-HOSTILE race round=%u\n", round);
	}
}

/* The next used entry's head, waiting (and kicking again) until there is one. */
static uint16_t next_used(struct kv_dev *dev)
{
	unsigned long spins = 0;
	uint16_t id;

	while (__atomic_load_n(&queue.used.idx, __ATOMIC_ACQUIRE) == queue.last_used)
		if (!(++spins % 1000000))
			dev->regs[QUEUE_NOTIFY] = 0;
	id = (uint16_t)queue.used.ring[queue.last_used % KV_QUEUE_SIZE].id;
	queue.last_used++;
	return id;
}

/* rng: buffer i is descriptor i alone; blk: request i is the chain at i * 3. */
static uint16_t entry(unsigned i, bool rng)
{
	if (!rng)
		return read_chain(i);
	queue.desc[i] = (struct kv_desc){ (uintptr_t)data[i], 4096, 2, 0 };
	return (uint16_t)i;
}

static int flood(struct kv_dev *dev, bool rng)
{
	unsigned i;

	if (!start(dev))
		return 1;
	for (i = 0; i < 5; i++)
		publish(dev, entry(i, rng));
	for (;;) {
		uint16_t head = next_used(dev);

		publish(dev, rng ? head : entry(head / 3, false));
	}
}

int kit_main(void)
{
	struct kv_dev dev;
	char how[16];

	if (!kit_arg("kit.attack", how, sizeof(how)))
		return 1;
	kit_printf("KIT-HOSTILE attack=%s\n", how);
	if (!strncmp(how, "console", 7))
		return console();
	if (!strncmp(how, "rngflood", 8))
		return kv_find(VIRTIO_ID_RNG, 0, &dev) ? flood(&dev, true) : 1;
	if (!kv_find(VIRTIO_ID_BLOCK, 0, &dev))
		return 1;
	if (!strncmp(how, "repost", 6))
		return repost(&dev);
	if (!strncmp(how, "resetloop", 9))
		return resetloop(&dev);
	if (!strncmp(how, "race", 4))
		return race(&dev);
	if (!strncmp(how, "blkflood", 8))
		return flood(&dev, false);
	return 1;
}
