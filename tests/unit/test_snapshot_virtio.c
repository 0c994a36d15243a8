// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for a virtio device's saved state (virtio/mmio.c's
 * virtio_save/virtio_load): an entropy device that a driver set up and
 * used once is saved, and a second machine with a copy of the guest's RAM
 * loads it. There the driver's next request is served in the next ring
 * slots, as if nothing had happened; a device of another kind, features
 * the device lacks, and rings outside RAM are refused. No /dev/kvm needed.
 */
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdlib.h>
#include <string.h>

#include "backends/kvm/vmm/snapshot/devices.h"
#include "backends/kvm/vmm/virtio/devices.h"
#include "backends/kvm/vmm/virtio/virtio.h"
#include "tap.h"

#define MEM (64 * 1024)
#define QSIZE 8
#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000
#define BUFS 0x4000

static void reg_write(struct vm *vm, unsigned off, uint32_t v)
{
	bus_access(vm, &vm->mmio, VIRTIO_MMIO_BASE + off, (uint8_t *)&v, 4, true);
}

static uint32_t reg_read(struct vm *vm, unsigned off)
{
	uint32_t v = 0;

	bus_access(vm, &vm->mmio, VIRTIO_MMIO_BASE + off, (uint8_t *)&v, 4, false);
	return v;
}

static struct vm *machine(uint8_t *ram)
{
	struct virtio_slot slot = { VIRTIO_MMIO_BASE, 16, true };
	struct vm *vm = vm_create_detached(ram, MEM);
	char *err = NULL;

	if (virtio_rng_create(vm, &slot, &err))
		abort();
	return vm;
}

/* The driver's side: features, one queue, DRIVER_OK. */
static void driver_setup(struct vm *vm)
{
	reg_write(vm, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	reg_write(vm, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(vm, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	reg_write(vm, VIRTIO_MMIO_STATUS,
		  VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			  VIRTIO_CONFIG_S_FEATURES_OK);
	reg_write(vm, VIRTIO_MMIO_QUEUE_SEL, 0);
	reg_write(vm, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	reg_write(vm, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC);
	reg_write(vm, VIRTIO_MMIO_QUEUE_AVAIL_LOW, AVAIL);
	reg_write(vm, VIRTIO_MMIO_QUEUE_USED_LOW, USED);
	reg_write(vm, VIRTIO_MMIO_QUEUE_READY, 1);
	reg_write(vm, VIRTIO_MMIO_STATUS,
		  VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			  VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

/* Request n: descriptor n, a 16-byte buffer for entropy, then a kick. */
static void request(struct vm *vm, uint8_t *ram, uint16_t n)
{
	struct vring_desc d = { .addr = BUFS + n * 16u, .len = 16, .flags = VRING_DESC_F_WRITE };
	uint16_t idx = (uint16_t)(n + 1);

	memcpy(ram + DESC + n * sizeof(d), &d, sizeof(d));
	memcpy(ram + AVAIL + 4 + 2 * n, &n, 2);
	memcpy(ram + AVAIL + 2, &idx, 2);
	reg_write(vm, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static uint16_t used_idx(const uint8_t *ram)
{
	uint16_t v;

	memcpy(&v, ram + USED + 2, 2);
	return v;
}

static uint32_t used_id(const uint8_t *ram, unsigned slot)
{
	uint32_t v;

	memcpy(&v, ram + USED + 4 + 8 * slot, 4);
	return v;
}

/* The device's record (name, then fields) as save writes it. */
static struct snap_out save(struct vm *vm)
{
	struct snap_out o = { 0 };

	snap_put_str(&o, vm->states[0].name);
	vm->states[0].ops->save(vm->states[0].dev, &o);
	return o;
}

static char *load(struct vm *vm, const struct snap_out *o)
{
	struct snap_devices_loaded loaded = { 0 };
	struct snap_record rec = { .type = SNAP_DEVICE, .data = o->p, .len = o->len };
	char *err = NULL;

	/* as the machine's load does, once every record is in */
	if (!snap_device_load(vm, &rec, &loaded, &err) && vm->states[0].ops->resume)
		vm->states[0].ops->resume(vm->states[0].dev);
	return err;
}

int main(void)
{
	static uint8_t ram1[MEM], ram2[MEM];
	struct vm *vm1 = machine(ram1), *vm2;
	struct snap_out o, bad;
	char *err;

	is_str(vm1->states[0].name, "virtio0", "the device's state is named by its slot");
	driver_setup(vm1);
	request(vm1, ram1, 0);
	is_int(used_idx(ram1), 1, "the first request is served before the save");
	o = save(vm1);

	/* The restore: RAM first, then the device. */
	memcpy(ram2, ram1, MEM);
	vm2 = machine(ram2);
	err = load(vm2, &o);
	is_str(err, NULL, "the device loads into another machine");
	free(err);
	ok(reg_read(vm2, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_DRIVER_OK,
	   "  its driver is still on");
	reg_write(vm2, VIRTIO_MMIO_QUEUE_SEL, 0);
	ok(reg_read(vm2, VIRTIO_MMIO_QUEUE_READY) == 1 &&
		   reg_read(vm2, VIRTIO_MMIO_QUEUE_NUM_MAX) > 0,
	   "  its queue is ready");
	request(vm2, ram2, 1);
	ok(used_idx(ram2) == 2 && used_id(ram2, 1) == 1,
	   "  the next request is served in the next slot (used %u, id %u)", used_idx(ram2),
	   used_id(ram2, 1));

	/* Forged records: refused, and the device is reset, not half set. */
	bad = o;
	bad.p = malloc(o.len);
	memcpy(bad.p, o.p, o.len);
	bad.p[2 + 7] = 1; /* device id 1 (a NIC), not 4 */
	err = load(vm2, &bad);
	ok(err && strstr(err, "the configs differ"), "a record of another kind of device: %s", err);
	free(err);
	is_int(reg_read(vm2, VIRTIO_MMIO_STATUS), 0, "  the device is reset");
	memcpy(bad.p, o.p, o.len);
	bad.p[2 + 7 + 4 + 8 + 7] = 0x40; /* the driver's features: a bit the device lacks */
	err = load(vm2, &bad);
	ok(err && strstr(err, "does not offer"), "features the device does not offer: %s", err);
	free(err);
	memcpy(bad.p, o.p, o.len);
	bad.p[2 + 7 + 4 + 8 + 8 + 12] =
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		VIRTIO_CONFIG_S_DRIVER_OK; /* rings live, features never set */
	err = load(vm2, &bad);
	ok(err && strstr(err, "out of range"), "DRIVER_OK without FEATURES_OK: %s", err);
	free(err);
	memcpy(bad.p, o.p, o.len);
	bad.p[o.len - 5] = 0x7f; /* the used ring's top byte: far outside RAM */
	err = load(vm2, &bad);
	ok(err && strstr(err, "size or rings are invalid"), "a ring outside guest RAM: %s", err);
	free(err);
	free(bad.p);

	snap_out_free(&o);
	vm_destroy(vm1);
	vm_destroy(vm2);
	return done_testing();
}
