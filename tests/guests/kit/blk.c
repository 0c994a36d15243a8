// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk through the kit's polled driver. For every disk, in slot order:
 * its capacity, whether it is read-only, and the start of sector 0 (the
 * host writes a known text there). On the first disk it then writes a
 * pattern to sector kit.sector=, flushes, and reads it back.
 *
 * kit.attack= instead hands the device a malformed request (loop, oob,
 * huge, jump, noseg) and reports the device status that follows: the VMM
 * must mark the device broken and keep running, and a reset must revive it.
 */
#include "kvirtio.h"

#define VIRTIO_ID_BLOCK 2
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_DISCARD 11
#define F_DISCARD_BIT 13
#define F_RO_BIT 5
#define NEEDS_RESET 0x40

struct req_hdr {
	uint32_t type, ioprio;
	uint64_t sector;
};

static struct kv_queue queue;
static uint8_t sector_buf[512] __attribute__((aligned(512)));
static uint8_t check_buf[512] __attribute__((aligned(512)));

/* One request on the first queue; the status byte, or 0xff on a timeout. */
static uint8_t request(struct kv_dev *dev, uint32_t type, uint64_t sector, void *data, uint32_t len)
{
	static struct req_hdr hdr;
	static uint8_t status;
	struct kv_buf bufs[3] = { { &hdr, sizeof(hdr), false } };
	unsigned n = 1;

	hdr = (struct req_hdr){ type, 0, sector };
	status = 0xff;
	if (len)
		bufs[n++] = (struct kv_buf){ data, len, type == T_IN };
	bufs[n++] = (struct kv_buf){ &status, 1, true };
	kv_post(dev, &queue, bufs, n);
	return kv_wait(&queue, 200000000, NULL) ? status : 0xff;
}

static bool start(struct kv_dev *dev)
{
	if (!kv_init(dev) || !kv_queue_setup(dev, &queue, 0))
		return false;
	kv_driver_ok(dev);
	return true;
}

static void show_disk(unsigned i, struct kv_dev *dev)
{
	uint64_t capacity = kv_config32(dev, 0) | (uint64_t)kv_config32(dev, 4) << 32;
	char text[33];
	unsigned k;
	uint8_t st;

	/* Features read before the reset that start() does: F_RO is in the low word. */
	dev->regs[0x014 / 4] = 0;
	bool ro = dev->regs[0x010 / 4] & (1u << F_RO_BIT);

	if (!start(dev)) {
		kit_printf("KIT-BLK disk=%u init=failed\n", i);
		return;
	}
	st = request(dev, T_IN, 0, sector_buf, sizeof(sector_buf));
	for (k = 0; k < 32; k++) {
		char c = (char)sector_buf[k];

		text[k] = c >= 32 && c < 127 ? c : '.';
	}
	text[32] = 0;
	kit_printf("KIT-BLK disk=%u capacity=%lu ro=%d read=%u sector0=\"%s\"\n", i,
		   (unsigned long)capacity, ro, st, text);
}

static unsigned arg_num(const char *key, unsigned dflt)
{
	char buf[16];
	unsigned v = 0;
	const char *p;

	if (!kit_arg(key, buf, sizeof(buf)))
		return dflt;
	for (p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned)(*p - '0');
	return v;
}

static int roundtrip(struct kv_dev *dev, unsigned sector)
{
	uint8_t w, f, r;
	unsigned k;

	for (k = 0; k < sizeof(sector_buf); k++)
		sector_buf[k] = (uint8_t)("xlc-kit-blk "[k % 12]);
	sector_buf[0] = (uint8_t)('0' + sector % 10);
	w = request(dev, T_OUT, sector, sector_buf, sizeof(sector_buf));
	f = request(dev, T_FLUSH, 0, NULL, 0);
	memset(check_buf, 0, sizeof(check_buf));
	r = request(dev, T_IN, sector, check_buf, sizeof(check_buf));
	kit_printf("KIT-BLK write=%u flush=%u read=%u match=%d\n", w, f, r,
		   !memcmp(sector_buf, check_buf, sizeof(check_buf)));
	return w || f || r;
}

/*
 * kit.discard=SECTOR: writes 8 sectors there, then discards them (the host
 * then finds zeros: the VMM punched a hole). Needs the discard feature.
 */
static int discard(struct kv_dev *dev, unsigned sector)
{
	static struct req_hdr hdr;
	static struct {
		uint64_t sector;
		uint32_t num, flags;
	} seg;
	static uint8_t status, block[4096];
	struct kv_buf bufs[3] = { { &hdr, sizeof(hdr), false },
				  { &seg, sizeof(seg), false },
				  { &status, 1, true } };
	uint8_t w;

	memset(block, 0x5a, sizeof(block));
	w = request(dev, T_OUT, sector, block, sizeof(block));
	hdr = (struct req_hdr){ T_DISCARD, 0, 0 };
	seg.sector = sector;
	seg.num = 8;
	seg.flags = 0;
	status = 0xff;
	kv_post(dev, &queue, bufs, 3);
	kv_wait(&queue, 200000000, NULL);
	kit_printf("KIT-BLK discard write=%u discard=%u\n", w, status);
	return w || status;
}

/* A malformed request; then the status the device reports. */
static int attack(struct kv_dev *dev, const char *how)
{
	static struct req_hdr hdr;
	static uint8_t status;
	struct kv_desc *d = queue.desc;
	uint16_t head = (uint16_t)((queue.avail.idx * 4) % KV_QUEUE_SIZE);
	uint32_t st;

	hdr = (struct req_hdr){ T_IN, 0, 0 };
	d[head] = (struct kv_desc){ (uintptr_t)&hdr, sizeof(hdr), 1, (uint16_t)(head + 1) };
	d[head + 1] = (struct kv_desc){ (uintptr_t)sector_buf, 512, 3, (uint16_t)(head + 2) };
	d[head + 2] = (struct kv_desc){ (uintptr_t)&status, 1, 2, 0 };
	if (!strncmp(how, "loop", 4))
		/* Empty, so no buffer limit stops it: only the walk's step bound does. */
		d[head] = (struct kv_desc){ (uintptr_t)&hdr, 0, 1, head };
	else if (!strncmp(how, "oob", 3))
		d[head + 1].addr = 0xfee00000; /* the local APIC: not RAM */
	else if (!strncmp(how, "huge", 4))
		d[head + 1].len = 0xfffffff0;
	else if (!strncmp(how, "noseg", 5))
		d[head + 1].next = 200; /* past the queue */
	queue.avail.ring[queue.avail.idx % KV_QUEUE_SIZE] = head;
	__atomic_store_n(&queue.avail.idx,
			 (uint16_t)(queue.avail.idx + (!strncmp(how, "jump", 4) ? 1000 : 1)),
			 __ATOMIC_RELEASE);
	dev->regs[0x050 / 4] = 0;
	for (unsigned long spin = 0; spin < 100000000 && !(kv_status(dev) & NEEDS_RESET); spin++)
		__asm__ volatile("pause");
	st = kv_status(dev);
	kit_printf("KIT-BLK attack=%s status=0x%x needs_reset=%d\n", how, st, !!(st & NEEDS_RESET));
	/* A reset revives it: the VMM kept running and the disk still works. */
	if (!start(dev))
		return 1;
	st = request(dev, T_IN, 0, check_buf, sizeof(check_buf));
	kit_printf("KIT-BLK after-reset read=%u\n", st);
	return 0;
}

int kit_main(void)
{
	struct kv_dev dev;
	char how[16];
	unsigned i;

	for (i = 0; kv_find(VIRTIO_ID_BLOCK, i, &dev); i++)
		show_disk(i, &dev);
	kit_printf("KIT-BLK disks=%u\n", i);
	if (!kv_find(VIRTIO_ID_BLOCK, 0, &dev) || !start(&dev))
		return 1;
	if (kit_arg("kit.attack", how, sizeof(how)))
		return attack(&dev, how);
	if (kit_arg("kit.discard", how, sizeof(how)))
		return discard(&dev, arg_num("kit.discard", 2048));
	return roundtrip(&dev, arg_num("kit.sector", 1));
}
