// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for backends/kvm/vmm/snapshot/machine.c on the host's real
 * /dev/kvm: a machine (RAM, two vCPUs, the in-kernel chips, the legacy
 * devices) saved whole and loaded into a second machine built the same
 * way, which then has the same RAM, registers and device state; a machine
 * of another shape and a stream cut short are refused. Without /dev/kvm:
 * skipped.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/vmm/devices/legacy.h"
#include "backends/kvm/vmm/devices/serial.h"
#include "backends/kvm/vmm/snapshot/machine.h"
#include "tap.h"

#define RAM (4u << 20)

static struct vm *machine(int nvcpus)
{
	char *err = NULL;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	struct vm *vm = kvm < 0 ? NULL : vm_create(kvm, RAM, nvcpus, &err);

	if (!vm || vcpus_create(vm, &err)) {
		fprintf(stderr, "# %s\n", err ? err : "no /dev/kvm");
		exit(1);
	}
	vm->serial = serial_create(vm, NULL, NULL);
	if (!vm->serial || i8042_create(vm) || rtc_create(vm))
		exit(1);
	return vm;
}

static int memfd(void)
{
	return memfd_create("machine", MFD_CLOEXEC);
}

/* The stream in fd, cut to len bytes, loaded into vm: its error. */
static char *load_cut(struct vm *vm, int fd, off_t len)
{
	static uint8_t buf[RAM + (1 << 20)];
	int cut = memfd();
	char *err = NULL;

	if (pread(fd, buf, (size_t)len, 0) != len || write(cut, buf, (size_t)len) != len ||
	    lseek(cut, 0, SEEK_SET))
		abort();
	snap_machine_load(vm, cut, &err);
	close(cut);
	return err;
}

int main(void)
{
	struct vm *a, *b, *c;
	struct kvm_regs regs = { .rax = 0xfeedface, .rip = 0x1000, .rflags = 2 }, back = { 0 };
	struct snap_writer w;
	char *err = NULL;
	uint8_t scratch = 0x5a, got = 0;
	int fd = memfd(), r;
	off_t len;

	if (access("/dev/kvm", R_OK | W_OK)) {
		printf("1..0 # SKIP no /dev/kvm\n");
		return 0;
	}
	a = machine(2);
	memset(a->mem[0].hva + 0x100000, 0xab, 3 * 4096);
	memcpy(a->mem[0].hva + RAM - 4096, "the last page", 13);
	ioctl(a->vcpus[1].fd, KVM_SET_REGS, &regs);
	bus_access(a, &a->pio, SERIAL_COM1 + 7, &scratch, 1, true);

	r = snap_machine_save(a, fd, &w, &err);
	ok(!r, "saved: %s", err ? err : "ok");
	ok(w.pages >= 4 && w.pages < RAM / 4096 / 2, "  %llu of %u pages sent (zero ones left out)",
	   (unsigned long long)w.pages, RAM / 4096);
	len = lseek(fd, 0, SEEK_CUR);
	lseek(fd, 0, SEEK_SET);

	b = machine(2);
	r = snap_machine_load(b, fd, &err);
	ok(!r, "loaded into a machine built the same way: %s", err ? err : "ok");
	free(err);
	err = NULL;
	ok(!memcmp(a->mem[0].hva, b->mem[0].hva, RAM), "  the same RAM");
	ioctl(b->vcpus[1].fd, KVM_GET_REGS, &back);
	ok(back.rax == regs.rax && back.rip == regs.rip, "  vCPU 1's registers");
	bus_access(b, &b->pio, SERIAL_COM1 + 7, &got, 1, false);
	is_int(got, 0x5a, "  the serial port's scratch register");

	c = machine(3);
	lseek(fd, 0, SEEK_SET);
	snap_machine_load(c, fd, &err);
	ok(err && strstr(err, "had 2 vCPUs"), "a machine with another vCPU count: %s", err);
	free(err);
	err = load_cut(b, fd, len - 40);
	ok(err && strstr(err, "truncated"), "a stream cut short: %s", err);
	free(err);

	vm_destroy(a);
	vm_destroy(b);
	vm_destroy(c);
	close(fd);
	return done_testing();
}
