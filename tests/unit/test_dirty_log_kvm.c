// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for backends/kvm/vmm/machine/dirty.c on the host's real
 * /dev/kvm: a real-mode vCPU writes the pages the test chooses, and each
 * harvest holds exactly the pages written since the one before, the vCPU's
 * (logged by KVM) and the devices' (marked by hand) alike. Without
 * /dev/kvm: skipped.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm/vmm/machine/dirty.h"
#include "backends/kvm/vmm/machine/vm.h"
#include "tap.h"

#define RAM (4ULL << 20)
#define CODE 0x1000
#define PAGE 4096

static int vcpu_fd;
static struct kvm_run *run;

/* At CODE: mov [bx], al; out 0x10, al; jmp back. One write per run. */
static const uint8_t writer[] = { 0x88, 0x07, 0xe6, 0x10, 0xeb, 0xfa };

static int new_vcpu(struct vm *vm)
{
	struct kvm_sregs sregs;
	int size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vcpu_fd < 0 || size <= 0 || ioctl(vcpu_fd, KVM_GET_SREGS, &sregs))
		return -1;
	run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (run == MAP_FAILED)
		return -1;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds.base = 0;
	sregs.ds.selector = 0;
	memcpy(vm->ram + CODE, writer, sizeof(writer));
	return ioctl(vcpu_fd, KVM_SET_SREGS, &sregs);
}

/* The vCPU writes byte v at gpa (below 64 KiB): 0 once it has. */
static int guest_writes(uint64_t gpa, uint8_t v)
{
	struct kvm_regs regs = { .rip = CODE, .rflags = 2, .rbx = gpa, .rax = v };

	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) || ioctl(vcpu_fd, KVM_RUN, 0))
		return -1;
	return run->exit_reason == KVM_EXIT_IO && run->io.port == 0x10 ? 0 : -1;
}

/* The pages set in one harvest of region 0, as a string "3 5 " (the code page aside). */
static const char *harvest(struct vm *vm, int *rc)
{
	static char out[256];
	uint64_t bits[((RAM / PAGE) + 63) / 64] = { 0 };
	char *err = NULL;
	size_t used = 0;
	uint64_t p;

	out[0] = '\0';
	*rc = vm_dirty_harvest(vm, 0, bits, &err);
	free(err);
	for (p = 0; p < RAM / PAGE && used < sizeof(out) - 8; p++)
		if (p != CODE / PAGE && (bits[p / 64] >> (p % 64) & 1))
			used += (size_t)snprintf(out + used, sizeof(out) - used, "%llu ",
						 (unsigned long long)p);
	return out;
}

int main(void)
{
	char *err = NULL;
	struct vm *vm;
	int kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), rc;

	if (kvm_fd < 0) {
		printf("1..0 # SKIP no /dev/kvm\n");
		return 0;
	}
	vm = vm_create(kvm_fd, RAM, 1, &err);
	ok(vm && !new_vcpu(vm), "a 4 MiB VM with a real-mode vCPU%s%s", err ? ": " : "",
	   err ? err : "");
	if (!vm)
		return done_testing();

	/* Page 3 is written (so mapped writable) before logging starts. */
	ok(!guest_writes(0x3000, 1), "the vCPU writes while logging is off");
	vm_mark_dirty(vm, vm->ram + 0x3000, 1);
	ok(!vm->dirty.user[0],
	   "a device's mark before logging ever started is nothing (no bitmap)");
	harvest(vm, &rc);
	is_int(rc, -1, "no harvest while logging is off");

	ok(!vm_dirty_start(vm, &err), "logging on");
	is_str(harvest(vm, &rc), "", "nothing is dirty right after it starts");
	ok(!guest_writes(0x3000, 2) && !guest_writes(0x5000, 3) && !guest_writes(0x5008, 4),
	   "the vCPU writes pages 3 and 5");
	is_str(harvest(vm, &rc), "3 5 ", "KVM logged both, a page mapped before logging too");
	is_int(rc, 0, "the harvest succeeded");
	is_str(harvest(vm, &rc), "", "and the harvest forgot them");

	vm->ram[0x7000] = 5;
	is_str(harvest(vm, &rc), "", "a write through the host mapping is KVM's blind spot");
	vm_mark_dirty(vm, vm->ram + 0x7000, PAGE); /* the whole page, not the next */
	vm_mark_dirty(vm, vm->ram + 0x9ff0, 0x20); /* across pages 9 and 10 */
	vm_mark_dirty(vm, vm->ram + RAM - 1, 1);
	vm_mark_dirty(vm, vm->ram + RAM, PAGE); /* past RAM: ignored */
	is_str(harvest(vm, &rc), "7 9 10 1023 ", "so a device marks what it wrote");
	ok(!guest_writes(0xb000, 6), "the vCPU writes page 11");
	vm_mark_dirty(vm, vm->ram + 0xb000, 8);
	is_str(harvest(vm, &rc), "11 ", "a page both wrote shows once");

	vm_dirty_stop(vm);
	vm_dirty_stop(vm);
	vm_mark_dirty(vm, vm->ram + 0x7000, 1);
	ok(!guest_writes(0xd000, 7), "the vCPU writes after logging stopped (twice)");
	harvest(vm, &rc);
	is_int(rc, -1, "no harvest once logging is off");

	ok(!vm_dirty_start(vm, &err), "logging on again");
	is_str(harvest(vm, &rc), "", "nothing from while it was off");
	ok(!guest_writes(0xe000, 8), "the vCPU writes page 14");
	is_str(harvest(vm, &rc), "14 ", "logged again");
	vm_dirty_stop(vm);
	vm_destroy(vm);
	close(vcpu_fd);
	return done_testing();
}
