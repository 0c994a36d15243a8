// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio devices against a hostile guest: the input is the guest's
 * memory (rings, descriptors, buffers) and a script of register accesses,
 * queue notifications and incoming frames. The transport, the virtqueue
 * code and the block, net, rng and balloon devices all run for real, inline, on a
 * VM whose memory is a 64 KiB buffer (no /dev/kvm needed); the disk is a
 * memfd and the tap a datagram socket pair.
 *
 * Input: [device][features x8][queue size][op count] memory... then ops of
 * 6 bytes { kind, offset lo, offset hi, value x3 }.
 */
#include <fcntl.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backends/kvm/vmm/snapshot/stream.h"
#include "backends/kvm/vmm/virtio/devices.h"
#include "backends/kvm/vmm/virtio/virtio.h"
#include "lib/util.h"

#define GUEST_MEM (64 * 1024)
#define HEADER 11
#define MEM_FROM_INPUT (16 * 1024)
/* Queue q's rings at q * QUEUE_STRIDE: small inputs reach every ring. */
#define DESC_GPA 0x000
#define AVAIL_GPA 0x100
#define USED_GPA 0x200
#define QUEUE_STRIDE 0x400
#define QSIZE(h) (1u << ((h)[9] % 5)) /* 1..16 descriptors */

static void reg_write(struct virtio_dev *dev, unsigned offset, uint32_t value)
{
	uint8_t data[4];

	memcpy(data, &value, 4);
	virtio_mmio_access(dev->vm, dev, offset, data, 4, true);
}

static uint32_t reg_read(struct virtio_dev *dev, unsigned offset, unsigned len)
{
	uint8_t data[8] = { 0 };
	uint32_t v;

	virtio_mmio_access(dev->vm, dev, offset, data, len, false);
	memcpy(&v, data, 4);
	return v;
}

/* What a driver does before it uses the rings, with the input's features. */
static void driver_setup(struct virtio_dev *dev, const uint8_t *h)
{
	uint32_t lo, hi, q;

	reg_write(dev, VIRTIO_MMIO_STATUS, 0);
	reg_write(dev, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	memcpy(&lo, h + 1, 4);
	memcpy(&hi, h + 5, 4);
	reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, lo & (uint32_t)dev->host_features);
	reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, hi | 1);
	reg_write(dev, VIRTIO_MMIO_STATUS,
		  VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			  VIRTIO_CONFIG_S_FEATURES_OK);
	for (q = 0; q < dev->nqueues; q++) {
		reg_write(dev, VIRTIO_MMIO_QUEUE_SEL, q);
		reg_write(dev, VIRTIO_MMIO_QUEUE_NUM, h[9] >= 0xf0 ? h[9] : QSIZE(h));
		reg_write(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC_GPA + q * QUEUE_STRIDE);
		reg_write(dev, VIRTIO_MMIO_QUEUE_AVAIL_LOW, AVAIL_GPA + q * QUEUE_STRIDE);
		reg_write(dev, VIRTIO_MMIO_QUEUE_USED_LOW, USED_GPA + q * QUEUE_STRIDE);
		reg_write(dev, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	reg_write(dev, VIRTIO_MMIO_STATUS,
		  VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			  VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

static struct virtio_dev *make_device(struct vm *vm, unsigned kind, int *sock, int *disk_fd)
{
	struct virtio_slot slot = { VIRTIO_MMIO_BASE, 16, true };
	char *err = NULL;
	int rc;

	if (kind == 0) {
		int fd = memfd_create("disk", MFD_CLOEXEC);
		struct blk_backing b = { .name = "xvda", .fd = fd, .bytes = 64 * 1024 };

		if (fd < 0 || ftruncate(fd, 64 * 1024))
			abort();
		rc = virtio_blk_create(vm, &b, &slot, &err);
		*disk_fd = fd;
	} else if (kind == 1) {
		struct net_backing n = { .ifname = "vif1.0",
					 .vhost_fd = -1,
					 .mac = { 0, 0x16, 0x3e, 1, 2, 3 } };

		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sock))
			abort();
		n.fd = sock[0];
		rc = virtio_net_create(vm, &n, &slot, &err);
	} else if (kind == 2) {
		rc = virtio_rng_create(vm, &slot, &err);
	} else {
		struct virtio_dev *balloon;

		rc = virtio_balloon_create(vm, 8, &slot, &balloon, &err);
	}
	if (rc) {
		fprintf(stderr, "fuzz_virtio: %s\n", err);
		abort();
	}
	free(err);
	return vm->virtio[0];
}

static void run_op(struct virtio_dev *dev, const uint8_t *op, int sock)
{
	unsigned offset = (op[1] | op[2] << 8) & 0x1ff;
	uint32_t value = op[3] | op[4] << 8 | (uint32_t)op[5] << 16;
	static const unsigned lens[] = { 1, 2, 4, 8 };

	switch (op[0] % 5) {
	case 0:
		reg_write(dev, offset & ~3u, value);
		break;
	case 1:
		reg_read(dev, offset, lens[op[3] % 4]);
		break;
	case 2:
	case 3:
		reg_write(dev, VIRTIO_MMIO_QUEUE_NOTIFY, value % 3);
		break;
	case 4:
		if (sock >= 0) {
			uint8_t frame[2048];

			memset(frame, op[4], sizeof(frame));
			if (send(sock, frame, 12 + value % (sizeof(frame) - 12), 0) >= 0)
				virtio_net_poll(dev);
		}
		break;
	}
}

/* The device does not own its backing fds: the VMM's host part does. */
static void close_backings(const int *sock, int disk_fd)
{
	if (sock[0] >= 0)
		close(sock[0]);
	if (sock[1] >= 0)
		close(sock[1]);
	if (disk_fd >= 0)
		close(disk_fd);
}

static struct snap_out save_device(struct vm *vm)
{
	struct snap_out o = { 0 };

	vm->states[0].ops->save(vm->states[0].dev, &o);
	return o;
}

/*
 * Whatever the guest did, the device's saved state loads into a fresh
 * device on the same RAM (as a restore would), and that device saves the
 * same bytes again.
 */
static void save_and_restore(struct vm *vm, unsigned kind)
{
	struct snap_out saved = save_device(vm), again;
	struct vm *copy = vm_create_detached(vm->mem[0].hva, vm->mem[0].size);
	struct snap_in in;
	int sock[2] = { -1, -1 }, disk_fd = -1;
	char *err = NULL;

	make_device(copy, kind, sock, &disk_fd);
	in = (struct snap_in){ saved.p, saved.len, 0, false };
	if (copy->states[0].ops->load(copy->states[0].dev, &in, &err)) {
		fprintf(stderr, "fuzz_virtio: a saved device does not load: %s\n", err);
		abort();
	}
	again = save_device(copy);
	if (again.len != saved.len || memcmp(again.p, saved.p, saved.len)) {
		fprintf(stderr, "fuzz_virtio: a restored device saves different state\n");
		abort();
	}
	snap_out_free(&saved);
	snap_out_free(&again);
	vm_destroy(copy);
	close_backings(sock, disk_fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *mem;
	struct vm *vm;
	struct virtio_dev *dev;
	int sock[2] = { -1, -1 }, disk_fd = -1;
	size_t mem_len, i, nops;

	if (size < HEADER)
		return 0;
	mem = calloc(1, GUEST_MEM);
	vm = vm_create_detached(mem, GUEST_MEM);
	dev = make_device(vm, data[0] % 4, sock, &disk_fd);
	driver_setup(dev, data);
	nops = data[10];
	mem_len = size - HEADER < MEM_FROM_INPUT ? size - HEADER : MEM_FROM_INPUT;
	/* The ops come from the end; the guest memory is whatever precedes them. */
	if (nops * 6 > size - HEADER)
		nops = (size - HEADER) / 6;
	if (mem_len > size - HEADER - nops * 6)
		mem_len = size - HEADER - nops * 6;
	memcpy(mem, data + HEADER, mem_len);
	reg_write(dev, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	reg_write(dev, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	for (i = 0; i < nops; i++)
		run_op(dev, data + size - (nops - i) * 6, sock[1]);
	save_and_restore(vm, data[0] % 4);
	vm_destroy(vm);
	close_backings(sock, disk_fd);
	free(mem);
	return 0;
}

/*
 * Seeds: one well-formed request per device, written when
 * XLC_FUZZ_SEEDS=dir is set (tests/fuzz/run.sh does), so the fuzzer starts
 * from requests the devices serve and mutates from there.
 */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static void put_desc(uint8_t *mem, unsigned q, unsigned i, struct desc d)
{
	memcpy(mem + q * QUEUE_STRIDE + DESC_GPA + i * 16, &d, sizeof(d));
}

static void put_avail(uint8_t *mem, unsigned q, uint16_t head)
{
	uint16_t avail[3] = { 0, 1, head };

	memcpy(mem + q * QUEUE_STRIDE + AVAIL_GPA, avail, sizeof(avail));
}

static void write_seed(const char *dir, const char *name, const uint8_t *mem, unsigned dev,
		       const uint8_t *ops, unsigned nops)
{
	uint8_t header[HEADER] = { dev, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, nops };
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");

	if (f) {
		fwrite(header, 1, sizeof(header), f);
		fwrite(mem, 1, 0x1000, f);
		fwrite(ops, 1, nops * 6u, f);
		fclose(f);
	}
	free(path);
}

static void write_seeds(const char *dir)
{
	static const uint8_t frame_op[6] = { 4, 0, 0, 60, 0x42, 0 };
	uint8_t mem[0x1000];
	uint32_t hdr[4];
	unsigned type;

	for (type = 0; type <= 8; type += 1) {
		memset(mem, 0, sizeof(mem));
		hdr[0] = type; /* IN, OUT, FLUSH, GET_ID... */
		hdr[1] = 0;
		hdr[2] = 3; /* sector */
		hdr[3] = 0;
		memcpy(mem + 0x800, hdr, sizeof(hdr));
		put_desc(mem, 0, 0, (struct desc){ 0x800, 16, 1, 1 });
		put_desc(mem, 0, 1, (struct desc){ 0x900, 512, type == 0 ? 3 : 1, 2 });
		put_desc(mem, 0, 2, (struct desc){ 0xb00, 1, 2, 0 });
		put_avail(mem, 0, 0);
		char name[32];

		snprintf(name, sizeof(name), "seed-blk-%u", type);
		write_seed(dir, name, mem, 0, NULL, 0);
	}
	memset(mem, 0, sizeof(mem));
	put_desc(mem, 1, 0, (struct desc){ 0xc00, 60, 0, 0 }); /* transmit */
	put_avail(mem, 1, 0);
	put_desc(mem, 0, 0, (struct desc){ 0xd00, 0x200, 2, 0 }); /* a receive buffer */
	put_avail(mem, 0, 0);
	write_seed(dir, "seed-net", mem, 1, frame_op, 1);
	memset(mem, 0, sizeof(mem));
	put_desc(mem, 0, 0, (struct desc){ 0x800, 64, 2, 0 });
	put_avail(mem, 0, 0);
	write_seed(dir, "seed-rng", mem, 2, NULL, 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("XLC_FUZZ_SEEDS");

	(void)argc;
	(void)argv;
	if (dir) {
		write_seeds(dir);
		exit(0);
	}
	return 0;
}
