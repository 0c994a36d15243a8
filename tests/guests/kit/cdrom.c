// SPDX-License-Identifier: GPL-2.0
/*
 * A cdrom drive's medium changing under the guest (cd-insert, cd-eject):
 * the first virtio-blk disk's capacity and sector 0 at start, then on each
 * config change (its ConfigGeneration moves and InterruptStatus has the
 * config bit, as a driver sees on its interrupt) the new capacity and, if
 * there is a medium, its sector 0. kit.changes= of them, then kit.end=.
 */
#include "kvirtio.h"

#define VIRTIO_ID_BLOCK 2
#define T_IN 0
#define REG_INTERRUPT_STATUS (0x060 / 4)
#define REG_INTERRUPT_ACK (0x064 / 4)
#define REG_CONFIG_GENERATION (0x0fc / 4)
#define INT_CONFIG 2

struct req_hdr {
	uint32_t type, ioprio;
	uint64_t sector;
};

static struct kv_queue queue;
static uint8_t sector_buf[512] __attribute__((aligned(512)));

static uint8_t read_sector0(struct kv_dev *dev)
{
	static struct req_hdr hdr;
	static uint8_t status;
	struct kv_buf bufs[3] = { { &hdr, sizeof(hdr), false },
				  { sector_buf, sizeof(sector_buf), true },
				  { &status, 1, true } };

	hdr = (struct req_hdr){ T_IN, 0, 0 };
	status = 0xff;
	kv_post(dev, &queue, bufs, 3);
	return kv_wait(&queue, 200000000, NULL) ? status : 0xff;
}

static void show(struct kv_dev *dev, const char *what)
{
	uint64_t capacity = kv_config32(dev, 0) | (uint64_t)kv_config32(dev, 4) << 32;
	char text[33];
	unsigned k;
	uint8_t st;

	if (!capacity) {
		kit_printf("KIT-CD %s capacity=0 empty\n", what);
		return;
	}
	st = read_sector0(dev);
	for (k = 0; k < 32; k++) {
		char c = (char)sector_buf[k];

		text[k] = c >= 32 && c < 127 ? c : '.';
	}
	text[32] = 0;
	kit_printf("KIT-CD %s capacity=%lu read=%u sector0=\"%s\"\n", what, (unsigned long)capacity,
		   st, text);
}

int kit_main(void)
{
	char arg[8] = "2";
	unsigned changes, n;
	struct kv_dev dev;
	uint32_t gen;

	kit_arg("kit.changes", arg, sizeof(arg));
	changes = (unsigned)(arg[0] - '0');
	if (!kv_find(VIRTIO_ID_BLOCK, 0, &dev) || !kv_init(&dev) ||
	    !kv_queue_setup(&dev, &queue, 0)) {
		kit_puts("KIT-CD init=failed\n");
		return 1;
	}
	kv_driver_ok(&dev);
	show(&dev, "start");
	for (n = 0; n < changes; n++) {
		gen = dev.regs[REG_CONFIG_GENERATION];
		while (dev.regs[REG_CONFIG_GENERATION] == gen)
			__asm__ volatile("pause");
		kit_printf("KIT-CD-CHANGED interrupt=%u\n",
			   dev.regs[REG_INTERRUPT_STATUS] & INT_CONFIG);
		dev.regs[REG_INTERRUPT_ACK] = INT_CONFIG;
		show(&dev, "changed");
	}
	return 0;
}
