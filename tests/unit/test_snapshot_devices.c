// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the legacy devices' saved state (backends/kvm/vmm/devices/
 * and snapshot/devices.c): a machine's serial port, i8042, RTC, ACPI PM,
 * CPU hotplug and 0xcf9 registers are set through their ports, saved to a
 * stream, loaded into a second machine, and read back there through the
 * ports as the guest would. Forged records are refused. No /dev/kvm needed.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/vmm/devices/legacy.h"
#include "backends/kvm/vmm/devices/serial.h"
#include "backends/kvm/vmm/machine/acpi.h"
#include "backends/kvm/vmm/snapshot/devices.h"
#include "tap.h"

static uint8_t ram1[4096], ram2[4096];

static struct vm *machine(uint8_t *ram)
{
	struct vm *vm = vm_create_detached(ram, 4096);

	vm->serial = serial_create(vm, NULL, NULL);
	if (!vm->serial || i8042_create(vm) || rtc_create(vm) || cf9_create(vm) ||
	    acpi_pm_create(vm) || cpu_hotplug_create(vm, 1, 4))
		abort();
	return vm;
}

static void out8(struct vm *vm, uint16_t port, uint8_t v)
{
	bus_access(vm, &vm->pio, port, &v, 1, true);
}

static uint8_t in8(struct vm *vm, uint16_t port)
{
	uint8_t v = 0;

	bus_access(vm, &vm->pio, port, &v, 1, false);
	return v;
}

static uint32_t in32(struct vm *vm, uint16_t port)
{
	uint32_t v = 0;

	bus_access(vm, &vm->pio, port, (uint8_t *)&v, 4, false);
	return v;
}

/* Saves vm1's devices, then loads every record into vm2: the first error. */
static char *transfer(struct vm *vm1, struct vm *vm2)
{
	struct snap_devices_loaded loaded = { 0 };
	struct snap_writer w;
	struct snap_reader r;
	struct snap_record rec;
	char *err = NULL;
	int fd = memfd_create("devices", MFD_CLOEXEC);

	if (snap_write_start(&w, fd, &err) || snap_devices_save(vm1, &w, &err) ||
	    snap_write_end(&w, &err) || lseek(fd, 0, SEEK_SET) || snap_read_start(&r, fd, &err))
		goto out;
	while (!snap_read_record(&r, &rec, &err) && rec.type != SNAP_END)
		if (snap_device_load(vm2, &rec, &loaded, &err))
			break;
	if (!err)
		snap_devices_check(vm2, &loaded, &err);
	snap_read_finish(&r);
out:
	close(fd);
	return err;
}

/* One forged device record (name, then raw fields) loaded into vm: its error. */
static char *forged(struct vm *vm, const char *name, const uint8_t *fields, size_t n)
{
	struct snap_devices_loaded loaded = { 0 };
	struct snap_out o = { 0 };
	struct snap_record rec;
	char *err = NULL;

	snap_put_str(&o, name);
	snap_put_bytes(&o, fields, n);
	rec = (struct snap_record){ .type = SNAP_DEVICE, .data = o.p, .len = o.len };
	snap_device_load(vm, &rec, &loaded, &err);
	snap_out_free(&o);
	return err;
}

int main(void)
{
	struct vm *vm1 = machine(ram1), *vm2 = machine(ram2);
	struct snap_devices_loaded none = { 0 };
	uint8_t rtc[1 + 128 + 8] = { 0x90 }, serial_fields[11] = { 0 };
	char *err;

	is_int(vm1->nstates, 6, "six legacy devices have state");

	/* What a guest leaves in them. */
	out8(vm1, SERIAL_COM1 + 3, 0x03); /* LCR: 8N1 */
	out8(vm1, SERIAL_COM1 + 7, 0x5a); /* scratch */
	out8(vm1, SERIAL_COM1 + 1, 0x01); /* IER: receive interrupts */
	serial_input(vm1->serial, (const uint8_t *)"hi", 2);
	out8(vm1, 0x64, 0x60); /* i8042: write the command byte */
	out8(vm1, 0x60, 0x47);
	out8(vm1, 0x70, 0x20); /* CMOS byte 0x20 */
	out8(vm1, 0x71, 0x99);
	out8(vm1, 0x70, 0x21); /* and 0x21, left selected */
	out8(vm1, 0x71, 0x42);
	cpu_hotplug_set(vm1, 3); /* vCPUs 1 and 2 plugged */
	out8(vm1, 0xcf9, 0x02);

	err = transfer(vm1, vm2);
	is_str(err, NULL, "saved and loaded into another machine");
	free(err);
	is_int(in8(vm2, SERIAL_COM1 + 7), 0x5a, "serial: the scratch register");
	is_int(in8(vm2, SERIAL_COM1 + 1), 0x01, "serial: interrupts enabled");
	is_int(in8(vm2, SERIAL_COM1 + 3), 0x03, "serial: the line control");
	ok(in8(vm2, SERIAL_COM1) == 'h' && in8(vm2, SERIAL_COM1) == 'i',
	   "serial: the bytes the guest had not read yet");
	ok(!(in8(vm2, SERIAL_COM1 + 5) & 1), "serial: and no more");
	out8(vm2, 0x64, 0x20); /* i8042: read the command byte */
	is_int(in8(vm2, 0x60), 0x47, "i8042: the command byte");
	is_int(in8(vm2, 0x71), 0x42, "rtc: the selected index and its byte");
	out8(vm2, 0x70, 0x20);
	is_int(in8(vm2, 0x71), 0x99, "rtc: another CMOS byte");
	is_int(in32(vm2, ACPI_CPUHP_PORT), 0x7, "cpu-hotplug: vCPUs 0-2 present");
	is_int(in32(vm2, ACPI_CPUHP_PORT + ACPI_CPUHP_CHANGED(0)), 0x6,
	       "cpu-hotplug: 1 and 2 still to be told to the guest");
	is_int(in8(vm2, 0xcf9), 0x02, "cf9: its register");

	/* Forged records. */
	memset(rtc + 1, 0, 128);
	err = forged(vm2, "rtc", rtc, sizeof(rtc));
	ok(err && strstr(err, "rtc state is out of range"), "an RTC index past CMOS: %s", err);
	free(err);
	serial_fields[9] = 0x2c; /* 300 bytes in a 256-byte FIFO */
	serial_fields[10] = 0x01;
	err = forged(vm2, "serial", serial_fields, sizeof(serial_fields));
	ok(err && strstr(err, "serial state"), "a serial FIFO overfull: %s", err);
	free(err);
	err = forged(vm2, "serial", serial_fields, 5);
	ok(err && strstr(err, "serial state is malformed"), "a serial record cut short: %s", err);
	free(err);
	err = forged(vm2, "floppy", rtc, 1);
	ok(err && strstr(err, "does not have"), "a device this machine lacks: %s", err);
	free(err);
	err = forged(vm2, "cpu-hotplug", (const uint8_t *)"\x04\0\0\0", 4);
	ok(err && strstr(err, "cpu-hotplug state"), "cpu-hotplug without its bits: %s", err);
	free(err);
	err = NULL;
	snap_devices_check(vm2, &none, &err);
	ok(err && strstr(err, "no state for device \"serial\""), "a stream without a device: %s",
	   err);
	free(err);
	is_int(in8(vm2, SERIAL_COM1 + 7), 0x5a, "refused records left the devices as they were");

	vm_destroy(vm1);
	vm_destroy(vm2);
	return done_testing();
}
