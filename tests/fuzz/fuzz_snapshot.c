// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the kvm machine stream, which restore reads from a
 * file and migrate-receive from a pipe anyone at the far end controls. The
 * input is records the harness frames (framed() says how: so that mutations
 * reach the loaders instead of failing the CRC), or with '#' first, raw
 * records after a valid preamble, or with '!', the raw stream. It is read to
 * its end or its first error; page records land in a small fake RAM, and
 * device records go to the loaders of real devices (the legacy ones, an
 * entropy device and a balloon) on a machine without KVM. Nothing may crash,
 * overrun or leak, whatever the loaders are given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/vmm/devices/legacy.h"
#include "backends/kvm/vmm/devices/serial.h"
#include "backends/kvm/vmm/machine/acpi.h"
#include "backends/kvm/vmm/snapshot/devices.h"
#include "backends/kvm/vmm/snapshot/stream.h"
#include "backends/kvm/vmm/virtio/devices.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static uint8_t ram_bytes[4 * SNAP_PAGE_SIZE];

/* A machine with every legacy device, an entropy device and a balloon. */
static struct vm *machine(void)
{
	static struct vm *vm;
	struct virtio_slot slot = { VIRTIO_MMIO_BASE, 16, true };
	struct virtio_dev *balloon;
	char *err = NULL;

	if (vm)
		return vm;
	vm = vm_create_detached(ram_bytes, sizeof(ram_bytes));
	vm->serial = serial_create(vm, NULL, NULL);
	if (!vm->serial || i8042_create(vm) || rtc_create(vm) || cf9_create(vm) ||
	    acpi_pm_create(vm) || cpu_hotplug_create(vm, 1, 4) || pvpanic_create(vm) ||
	    virtio_rng_create(vm, &slot, &err))
		abort();
	slot.base += VIRTIO_MMIO_SIZE;
	slot.gsi++;
	if (virtio_balloon_create(vm, 8, &slot, &balloon, &err))
		abort();
	return vm;
}

static void device(const struct snap_record *rec)
{
	struct snap_devices_loaded loaded = { 0 };
	struct vm *vm = machine();
	char *err = NULL;

	if (!snap_device_load(vm, rec, &loaded, &err)) {
		unsigned i;

		for (i = 0; i < vm->nstates; i++)
			if (loaded.done[i] && vm->states[i].ops->resume)
				vm->states[i].ops->resume(vm->states[i].dev);
	}
	free(err);
}

/*
 * With XLC_FUZZ_SEEDS=dir (tests/fuzz/run.sh sets it), writes a stream as
 * save does (a page run, a device, the end; no preamble) and exits, so the
 * fuzzer starts from records whose CRCs match.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("XLC_FUZZ_SEEDS");
	struct vm *vm = machine();
	char path[4096];
	unsigned i;
	FILE *f;

	(void)argc;
	(void)argv;
	if (!dir)
		return 0;
	/* One seed per device: its record as save writes it, in the framed form. */
	for (i = 0; i < vm->nstates; i++) {
		struct snap_out o = { 0 };

		snap_put_str(&o, vm->states[i].name);
		vm->states[i].ops->save(vm->states[i].dev, &o);
		snprintf(path, sizeof(path), "%s/seed-%s", dir, vm->states[i].name);
		f = fopen(path, "w");
		if (!f || fputc(SNAP_DEVICE, f) == EOF || fputc((int)(o.len & 0xff), f) == EOF ||
		    fputc((int)(o.len >> 8), f) == EOF || fwrite(o.p, 1, o.len, f) != o.len ||
		    fclose(f))
			exit(1);
		snap_out_free(&o);
	}
	exit(0);
}

/* A zero record from 12 bytes (u64 gpa, u32 count), if the writer takes them. */
static void zero_record(struct snap_writer *w, const uint8_t *p, size_t len)
{
	uint64_t gpa = 0;
	uint32_t count = 0;
	char *err = NULL;

	if (len >= 12) {
		memcpy(&gpa, p, 8);
		memcpy(&count, p + 8, 4);
	}
	if (snap_write_zero(w, gpa, count, &err))
		free(err);
}

/*
 * The default input: records whose framing and CRCs the harness writes (so
 * that the fuzzer's changes reach the loaders, not just the CRC check):
 * each is u8 type, u16 length, payload. Page records are not among them.
 */
static void framed(int fd, const uint8_t *data, size_t size)
{
	struct snap_writer w;
	char *err = NULL;
	size_t at = 0;

	if (snap_write_start(&w, fd, &err))
		abort();
	while (size - at >= 3) {
		uint32_t type = data[at] % SNAP_TYPE_COUNT;
		size_t len = (size_t)(data[at + 1] | data[at + 2] << 8);

		at += 3;
		if (len > size - at)
			len = size - at;
		if (type == SNAP_PAGES || type == SNAP_END)
			type = SNAP_DEVICE;
		if (type == SNAP_ZERO) /* only well-formed ones: the '#' inputs have the rest */
			zero_record(&w, data + at, len);
		else if (snap_write_record(&w, type, data + at, len, &err))
			abort();
		at += len;
	}
	if (snap_write_end(&w, &err))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static const uint8_t preamble[16] = "XLCKVMST\1\0\0\0\0\0\0\0";
	/* Two regions with a hole between: a page may land in neither. */
	struct snap_ram ram[2] = {
		{ 0x1000, 2 * SNAP_PAGE_SIZE, ram_bytes },
		{ 0x10000, 2 * SNAP_PAGE_SIZE, ram_bytes + 2 * SNAP_PAGE_SIZE },
	};
	struct snap_reader r;
	struct snap_record rec;
	struct snap_round round;
	char *err = NULL;

	if (fd < 0)
		fd = memfd_create("fuzz_snapshot", 0);
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET))
		abort();
	if (size && data[0] == '!') { /* the bytes as they are, preamble and all */
		if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
			abort();
	} else if (size && data[0] == '#') { /* records after a valid preamble */
		if (write(fd, preamble, 16) != 16 ||
		    write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
			abort();
	} else {
		framed(fd, data, size);
	}
	if (lseek(fd, 0, SEEK_SET))
		abort();
	if (snap_read_start(&r, fd, &err) == 0) {
		while (!snap_read_record(&r, &rec, &err)) {
			if (rec.type == SNAP_PAGES && snap_apply_pages(&r, &rec, ram, 2, &err))
				break;
			if (rec.type == SNAP_ZERO && snap_apply_zero(&r, &rec, ram, 2, &err))
				break;
			if (rec.type == SNAP_ROUND && snap_read_round(&rec, &round, &err))
				break;
			if (rec.type == SNAP_DEVICE)
				device(&rec);
			if (rec.type == SNAP_END) {
				snap_check_end(&r, &rec, &err);
				break;
			}
		}
	}
	snap_read_finish(&r);
	free(err);
	return 0;
}
