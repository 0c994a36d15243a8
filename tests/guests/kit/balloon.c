// SPDX-License-Identifier: GPL-2.0
/*
 * The memory balloon (xlc mem-set), driven as Linux's driver drives it: the
 * kit follows the device's target (num_pages), handing over pages from the
 * top of its RAM on the inflate queue and taking them back on the deflate
 * queue, and reports what it holds in "actual".
 *
 * kit.touch=MiB first fills that much of the top of RAM with a pattern, so
 * that the VMM holds those pages; a page the kit took back must then read
 * as zero, which proves the VMM let go of it. Lines:
 *   KIT-BALLOON-READY ram=MiB
 *   KIT-BALLOON actual=PAGES                 (after an inflate)
 *   KIT-BALLOON actual=PAGES back=N dirty=D  (after a deflate: D pages not zero)
 */
#include "kvirtio.h"

#define VIRTIO_ID_BALLOON 5
#define PAGE 4096ull
#define BATCH 256
#define PATTERN 0xa5a5a5a5a5a5a5a5ull
#define CONFIG_ACTUAL 0x104 /* the register window's config space, + 4 */

static struct kv_queue inflate_q, deflate_q;
static uint32_t pfns[BATCH];
static uint64_t ram_top, touched_bytes;

/* The end of the highest RAM range below 4 GiB (the kit's identity map). */
static uint64_t find_ram_top(void)
{
	const struct e820_entry *e;
	unsigned i, n = kit_e820(&e);
	uint64_t top = 0;

	for (i = 0; i < n; i++)
		if (e[i].type == 1 && e[i].addr + e[i].size <= (4ull << 30) &&
		    e[i].addr + e[i].size > top)
			top = e[i].addr + e[i].size;
	return top;
}

/* The balloon's page number i: pages are taken from the top of RAM down. */
static uint64_t page_addr(uint32_t i)
{
	return ram_top - (uint64_t)(i + 1) * PAGE;
}

static void touch(uint64_t bytes)
{
	uint64_t a;

	for (a = ram_top - bytes; a < ram_top; a += PAGE)
		*(volatile uint64_t *)a = PATTERN;
	touched_bytes = bytes;
}

static bool post_pages(struct kv_dev *dev, struct kv_queue *q, uint32_t first, uint32_t n)
{
	struct kv_buf buf = { pfns, n * 4, false };
	uint32_t i;

	for (i = 0; i < n; i++)
		pfns[i] = (uint32_t)(page_addr(first + i) / PAGE);
	kv_post(dev, q, &buf, 1);
	return kv_wait(q, 400000000, NULL);
}

static void set_actual(struct kv_dev *dev, uint32_t actual)
{
	dev->regs[CONFIG_ACTUAL / 4] = actual;
}

/* Pages [first, first + n) are the guest's again: were they dropped by the VMM? */
static uint32_t dirty_pages(uint32_t first, uint32_t n)
{
	uint32_t i, dirty = 0;

	for (i = 0; i < n; i++) {
		uint64_t a = page_addr(first + i);

		if (a >= ram_top - touched_bytes && *(volatile uint64_t *)a != 0)
			dirty++;
	}
	return dirty;
}

static void follow(struct kv_dev *dev)
{
	uint32_t actual = 0, back = 0, dirty = 0;

	for (;;) {
		uint32_t target = kv_config32(dev, 0), n;

		if (target > actual) {
			n = target - actual < BATCH ? target - actual : BATCH;
			if (!post_pages(dev, &inflate_q, actual, n))
				return;
			actual += n;
			set_actual(dev, actual);
			if (actual == target)
				kit_printf("KIT-BALLOON actual=%u\n", actual);
		} else if (target < actual) {
			n = actual - target < BATCH ? actual - target : BATCH;
			if (!post_pages(dev, &deflate_q, actual - n, n))
				return;
			actual -= n;
			dirty += dirty_pages(actual, n);
			back += n;
			set_actual(dev, actual);
			if (actual == target) {
				kit_printf("KIT-BALLOON actual=%u back=%u dirty=%u\n", actual, back,
					   dirty);
				back = dirty = 0;
			}
		} else {
			__asm__ volatile("pause");
		}
	}
}

static unsigned arg_mib(const char *key)
{
	char buf[16], *p;
	unsigned v = 0;

	if (!kit_arg(key, buf, sizeof(buf)))
		return 0;
	for (p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned)(*p - '0');
	return v;
}

int kit_main(void)
{
	struct kv_dev dev;

	if (!kv_find(VIRTIO_ID_BALLOON, 0, &dev) || !kv_init(&dev) ||
	    !kv_queue_setup(&dev, &inflate_q, 0) || !kv_queue_setup(&dev, &deflate_q, 1)) {
		kit_puts("KIT-BALLOON no device\n");
		return 1;
	}
	kv_driver_ok(&dev);
	ram_top = find_ram_top();
	touch((uint64_t)arg_mib("kit.touch") << 20);
	kit_printf("KIT-BALLOON-READY ram=%u\n", (unsigned)(ram_top >> 20));
	follow(&dev);
	kit_puts("KIT-BALLOON the device stopped answering\n");
	return 1;
}
